// The change-password dialog (POST /auth/password). The shared policy is checked here first, so most refusals need
// no round trip; the server checks again, with the common password list this page does not load. Loaded on the
// first click (ChangePasswordButton), so the tablet's first load does not carry it. `required`: an admin asked for
// the person's own password (mustChangePassword), so it comes before the screen and cannot be put off (log out only).
import { useEffect, useRef, useState, type FormEvent } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_DISTINCT, PASSWORD_MIN_LENGTH, passwordProblemKind } from "../../../../shared/passwordPolicy";
import { api, authStore } from "../../api/client";
import { LogoutButton } from "../../ui/LogoutButton";
import { describePasswordRefusal, describePolicyProblem } from "./passwordMessages";
import type { PasswordLayout } from "./ChangePasswordButton";
import "./password.css";

export default function ChangePasswordDialog({
  layout,
  onClose,
  required = false,
}: {
  layout: PasswordLayout;
  onClose: () => void;
  required?: boolean;
}) {
  const { t } = useTranslation();
  const username = useStore(authStore, (state) => state.session?.user.username ?? "");
  const [form, setForm] = useState({ current: "", next: "", again: "" });
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => first.current?.focus(), []);
  useEffect(() => {
    if (done !== null) closeButton.current?.focus();
  }, [done]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !required) onClose();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, required]);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (busy) return;
    if (form.current === "") return setProblem(t("password.currentRequired"));
    if (form.next !== form.again) return setProblem(t("password.mismatch"));
    if (form.next === form.current) return setProblem(t("password.unchanged"));
    const kind = passwordProblemKind(form.next, username, () => false);
    if (kind) return setProblem(describePolicyProblem(t, kind));
    setBusy(true);
    setProblem(null);
    api
      .changePassword({ currentPassword: form.current, newPassword: form.next })
      .then((result) => {
        setDone(result.revokedSessions);
        setForm({ current: "", next: "", again: "" });
        // Done what was asked: on to the screen.
        if (required) onClose();
      })
      .catch((error: unknown) => setProblem(describePasswordRefusal(t, error, form.next, username)))
      .finally(() => setBusy(false));
  }

  const field = (key: keyof typeof form, label: string, autoComplete: string, testId: string, ref?: typeof first) => (
    <label className="password-field">
      <span>{label}</span>
      <input
        ref={ref}
        type="password"
        autoComplete={autoComplete}
        maxLength={PASSWORD_MAX_LENGTH}
        value={form[key]}
        data-testid={testId}
        onChange={(event) => setForm({ ...form, [key]: event.target.value })}
      />
    </label>
  );

  return (
    <div className="password-backdrop" onMouseDown={(event) => !required && event.target === event.currentTarget && onClose()}>
      <div className={layout === "tablet" ? "password-dialog password-dialog-tablet" : "password-dialog"} role="dialog" aria-modal="true" aria-labelledby="password-title" data-testid="password-dialog">
        <h2 id="password-title">{t(required ? "password.requiredTitle" : "password.title")}</h2>
        {required && done === null ? <p className="password-intro">{t("password.requiredIntro")}</p> : null}
        {done === null ? (
          <form onSubmit={submit} noValidate>
            {/* The username lets a password manager file the new password under the right account. */}
            <input type="text" name="username" autoComplete="username" value={username} readOnly hidden />
            {field("current", t("password.current"), "current-password", "password-current", first)}
            {field("next", t("password.new"), "new-password", "password-new")}
            {field("again", t("password.again"), "new-password", "password-again")}
            <p className="password-rules">
              {t("password.rules", { min: PASSWORD_MIN_LENGTH, distinct: PASSWORD_MIN_DISTINCT })}
            </p>
            {problem ? (
              <p className="error-text password-problem" role="alert" data-testid="password-problem">
                {problem}
              </p>
            ) : null}
            <div className="password-actions">
              <button type="submit" className="button primary" disabled={busy} data-testid="password-submit">
                {busy ? t("password.changing") : t("password.submit")}
              </button>
              {required ? (
                <LogoutButton />
              ) : (
                <button type="button" className="button" onClick={onClose} data-testid="password-cancel">
                  {t("common.cancel")}
                </button>
              )}
            </div>
          </form>
        ) : (
          <>
            <p role="status" className="password-done" data-testid="password-done">
              {t("password.changed", { count: done })}
            </p>
            <div className="password-actions">
              <button ref={closeButton} type="button" className="button primary" onClick={onClose} data-testid="password-close">
                {t("password.close")}
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  );
}
