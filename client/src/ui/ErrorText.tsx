import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../api/http";

/**
 * Shows an error in the user's language, keeping the server's specific message (it names the unit etc.). A new
 * error scrolls itself into view: the action that failed may sit at the bottom of a scrolled panel.
 */
export function ErrorText({ error, testId }: { error: unknown; testId?: string }) {
  const { t } = useTranslation();
  const element = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (error !== null && error !== undefined) element.current?.scrollIntoView?.({ block: "nearest" });
  }, [error]);
  if (error === null || error === undefined) return null;
  const code = error instanceof ApiError ? error.code : "unknown";
  const message = error instanceof Error ? error.message : String(error);
  const summary = t(`errors.${code}`, { defaultValue: t("errors.unknown") });
  return (
    <p ref={element} className="error-text" role="alert" data-testid={testId ?? "error"} data-code={code}>
      {summary}
      {message && message !== summary ? <span className="error-detail"> — {message}</span> : null}
    </p>
  );
}
