// Free text written at a console or on a tablet ("caller Wang Wei at 138 0013 8000 says...") can carry personal
// data into places that must not have it. Before free text reaches an audience without personal data it is
// scrubbed: every caller name and number known to the incident is removed, and anything that looks like a phone
// or identity-card number is masked, whoever typed it.
import type { CallRecordPayload } from "./events";

export const REDACTED = "[redacted]";
export const MASKED_NUMBER = "[number]";

/** Digit runs with the separators people type in phone and ID numbers; judged by their digit count below. */
const NUMBER_LIKE = /\+?\d(?:[\d\s().-]*[\dXx])?/g;
/** Seven digits is the shortest local phone number; ID numbers (18) and mobiles (11) are longer. */
const MIN_MASKED_DIGITS = 7;
/** Our own incident numbers and ISO dates are not personal data and are what PR texts quote. */
const KEPT_AS_IS = [/^\d{4}-\d{5}$/, /^\d{4}-\d{2}-\d{2}$/];

/** The number in a tel: URI, or the user part of a sip: URI: what someone might copy into a note. */
function uriUser(uri: string): string | undefined {
  return /^(?:tel|sips?):([^@;]+)/i.exec(uri)?.[1];
}

/**
 * Caller names, caller numbers and transfer callback numbers of an incident's calls, and the names and callback
 * addresses of the persons a transfer (EIDO) named.
 */
export function personalStringsOf(calls: readonly CallRecordPayload[]): string[] {
  const strings = new Set<string>();
  for (const call of calls) {
    const transfer = call.transfer;
    const fromTransfer = [
      ...(transfer?.callbackUris ?? []).map(uriUser),
      ...(transfer?.persons ?? []).flatMap((person) => [person.name, ...(person.callbackUris ?? []).map(uriUser)]),
    ];
    for (const value of [call.callerName, call.callerNumber, transfer?.callbackNumber, ...fromTransfer]) {
      const trimmed = value?.trim();
      if (trimmed && trimmed.length >= 2) strings.add(trimmed);
    }
  }
  // Longest first, so "Wang Wei" goes before a caller called "Wang".
  return [...strings].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function digitsOf(text: string): string {
  return text.replace(/\D/g, "");
}

/** Removes known personal strings (case-insensitive; numbers whatever their spacing) and masks number-like runs. */
export function scrubText(text: string, personal: readonly string[]): string {
  let result = text;
  for (const value of personal) {
    const digits = digitsOf(value);
    if (digits.length >= MIN_MASKED_DIGITS && digits.length === value.replace(/[\s().+-]/g, "").length) {
      // A number: match its digits with any separators between them.
      const spaced = digits.split("").map(escapeRegExp).join("[\\s().-]*");
      result = result.replace(new RegExp(`\\+?${spaced}`, "g"), REDACTED);
    } else {
      result = result.replace(new RegExp(escapeRegExp(value), "gi"), REDACTED);
    }
  }
  return result.replace(NUMBER_LIKE, (match) => {
    const trimmed = match.trim();
    if (KEPT_AS_IS.some((pattern) => pattern.test(trimmed))) return match;
    return digitsOf(trimmed).length >= MIN_MASKED_DIGITS ? MASKED_NUMBER : match;
  });
}

/** The spans of `text` that scrubbing would change: what a reviewer is shown when a text is refused. */
export function personalSpans(text: string, personal: readonly string[]): string[] {
  const spans: string[] = [];
  for (const value of personal) {
    if (text.toLowerCase().includes(value.toLowerCase())) spans.push(value);
  }
  for (const match of text.match(NUMBER_LIKE) ?? []) {
    const trimmed = match.trim();
    if (KEPT_AS_IS.some((pattern) => pattern.test(trimmed))) continue;
    if (digitsOf(trimmed).length >= MIN_MASKED_DIGITS) spans.push(trimmed);
  }
  return [...new Set(spans)];
}

/** Shorter names match inside ordinary words ("Li" in "light"); a crew name counts from this length. */
const MIN_CREW_NAME_LENGTH = 3;

/**
 * Caller data plus the names of the people who worked the incident (accounts' usernames and display names,
 * commanders named in its records): what a public text must never contain. Longest first, like personalStringsOf.
 */
export function personalStringsWithCrew(calls: readonly CallRecordPayload[], crewNames: readonly (string | null | undefined)[]): string[] {
  const strings = new Set(personalStringsOf(calls));
  for (const name of crewNames) {
    const trimmed = name?.trim();
    if (trimmed && trimmed.length >= MIN_CREW_NAME_LENGTH) strings.add(trimmed);
  }
  return [...strings].sort((a, b) => b.length - a.length);
}
