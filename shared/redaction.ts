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

/**
 * The names of the people who worked an incident (accounts' usernames and display names, commanders and property
 * owners named in its records), trimmed, deduplicated, longest first: what a public text must not contain either.
 */
export function crewNamesOf(names: readonly (string | null | undefined)[]): string[] {
  const unique = new Set<string>();
  for (const name of names) {
    const trimmed = name?.trim();
    if (trimmed && trimmed.length >= 2) unique.add(trimmed);
  }
  return [...unique].sort((a, b) => b.length - a.length);
}

/**
 * A name as a whole word where it starts or ends with a Latin letter or digit: the account "admin" must not match
 * "administration", nor "Li" "light". Chinese names have no word boundaries and match anywhere.
 */
function namePattern(name: string): RegExp {
  const start = /^[A-Za-z0-9]/.test(name) ? "(?<![A-Za-z0-9])" : "";
  const end = /[A-Za-z0-9]$/.test(name) ? "(?![A-Za-z0-9])" : "";
  return new RegExp(`${start}${escapeRegExp(name)}${end}`, "gi");
}

/** The names of `names` that occur in `text`. */
export function nameSpans(text: string, names: readonly string[]): string[] {
  return names.filter((name) => namePattern(name).test(text));
}

/** Replaces every name of `names` in `text`. */
export function scrubNames(text: string, names: readonly string[]): string {
  return names.reduce((result, name) => result.replace(namePattern(name), REDACTED), text);
}
