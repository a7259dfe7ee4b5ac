// The password policy, pure so the client can tell a person the same thing the server enforces. The common
// password list is data the server loads (server/security/common-passwords.txt); here it is a lookup function.

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 200;
/** Fewer different characters than this is a pattern, not a password ("aaaaaaaaaaaa", "abababababab"). */
export const PASSWORD_MIN_DISTINCT = 5;

const LEET: Record<string, string> = { "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", $: "s", "!": "i" };

/** The forms of a password compared with the common list: as typed, without digits/symbols around it, de-leeted. */
export function commonPasswordCandidates(password: string): string[] {
  const lower = password.toLowerCase().trim();
  const core = lower.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, "");
  const unleet = (value: string) => [...value].map((char) => LEET[char] ?? char).join("");
  // Suffixes first, then swaps: "P@ssw0rd2024!" -> "p@ssw0rd" -> "password"; "4dmin99" -> "4dmin" -> "admin".
  const swapped = unleet(lower.replace(/[^\p{L}]+$/u, ""));
  const letters = lower.replace(/[^\p{L}]/gu, "");
  const forms = [lower, core, unleet(lower), swapped, swapped.replace(/^[^\p{L}]+/u, ""), letters];
  return [...new Set(forms.filter((form) => form.length > 0))];
}

/** Why a password is refused, as a key a screen can translate (`passwordProblem` says it in English). */
export type PasswordProblemKind =
  | "blank"
  | "too_short"
  | "too_long"
  | "too_few_distinct"
  | "username"
  | "common"
  | "common_repeated";

/** Null when acceptable, else which rule the password breaks. */
export function passwordProblemKind(
  password: string,
  username: string,
  isCommon: (candidate: string) => boolean,
): PasswordProblemKind | null {
  const characters = [...password];
  if (!/[^\p{White_Space}\p{Cf}\p{Cc}]/u.test(password)) return "blank";
  if (characters.length < PASSWORD_MIN_LENGTH) return "too_short";
  if (characters.length > PASSWORD_MAX_LENGTH) return "too_long";
  if (new Set(characters.map((char) => char.toLowerCase())).size < PASSWORD_MIN_DISTINCT) return "too_few_distinct";
  const name = username.trim().toLowerCase();
  const lower = password.toLowerCase();
  // The username itself, or it with digits and symbols added ("dispatcher-kim2024!"), spelled differently only there.
  const lettersOf = (value: string) => value.replace(/[^\p{L}]/gu, "");
  if (name.length > 0 && (lower.trim() === name || (lettersOf(name).length > 0 && lettersOf(lower) === lettersOf(name)))) {
    return "username";
  }
  if (commonPasswordCandidates(password).some(isCommon)) return "common";
  // A common word repeated ("passwordpassword") is no better than the word.
  const repeated = /^(.{3,}?)\1+$/u.exec(lower);
  if (repeated?.[1] && commonPasswordCandidates(repeated[1]).some(isCommon)) return "common_repeated";
  return null;
}

const PROBLEM_TEXT: Record<PasswordProblemKind, string> = {
  blank: "the password is blank",
  too_short: `the password needs at least ${PASSWORD_MIN_LENGTH} characters`,
  too_long: `the password may have at most ${PASSWORD_MAX_LENGTH} characters`,
  too_few_distinct: `the password needs at least ${PASSWORD_MIN_DISTINCT} different characters`,
  username: "the password must not be the username",
  common: "the password is on the list of common passwords",
  common_repeated: "the password is a common password repeated",
};

/** Null when acceptable, else a reason a person can act on. */
export function passwordProblem(password: string, username: string, isCommon: (candidate: string) => boolean): string | null {
  const kind = passwordProblemKind(password, username, isCommon);
  return kind === null ? null : PROBLEM_TEXT[kind];
}
