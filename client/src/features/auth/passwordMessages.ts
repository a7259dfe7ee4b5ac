// Refused passwords said in the user's language, for the user's own change and an admin's reset alike.
import type { useTranslation } from "react-i18next";
import {
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_DISTINCT,
  PASSWORD_MIN_LENGTH,
  passwordProblemKind,
  type PasswordProblemKind,
} from "../../../../shared/passwordPolicy";
import { ApiError } from "../../api/http";

type Translate = ReturnType<typeof useTranslation>["t"];

/** The kind of a policy refusal; the common list is only on the server, so a refusal this page cannot explain is that. */
function refusedKind(password: string, username: string): PasswordProblemKind {
  return passwordProblemKind(password, username, () => false) ?? "common";
}

export function describePolicyProblem(t: Translate, kind: PasswordProblemKind): string {
  return t(`password.weak.${kind}`, { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH, distinct: PASSWORD_MIN_DISTINCT });
}

/**
 * A refused password change or reset in words: the wrong current password, the limit with its wait, which rule a
 * weak password breaks (for `newPassword` chosen for `username`), an unchanged one. Other codes: their general text.
 */
export function describePasswordRefusal(t: Translate, error: unknown, newPassword: string, username: string): string {
  if (!(error instanceof ApiError)) return t("errors.unknown");
  switch (error.code) {
    case "invalid_credentials":
      return t("password.wrongCurrent");
    case "rate_limited": {
      const seconds = /(\d+) s/.exec(error.message)?.[1];
      return seconds ? t("password.rateLimited", { seconds }) : t("errors.rate_limited");
    }
    case "weak_password":
      return describePolicyProblem(t, refusedKind(newPassword, username));
    case "password_unchanged":
      return t("password.unchanged");
    case "forbidden":
      return t("password.forbidden");
    default:
      return t(`errors.${error.code}`, { defaultValue: t("errors.unknown") });
  }
}
