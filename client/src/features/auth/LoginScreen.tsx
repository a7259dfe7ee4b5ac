import { useState, type FormEvent } from "react";
import { useStore } from "zustand";
import { useTranslation } from "react-i18next";
import { api, authStore } from "../../api/client";
import { unlockAudio } from "../alerts/beep";
import { ErrorText } from "../../ui/ErrorText";
import { LanguageSelector } from "../../ui/LanguageSelector";

export function LoginScreen() {
  const { t } = useTranslation();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const ended = useStore(authStore, (state) => state.ended);

  async function submit(event: FormEvent) {
    event.preventDefault();
    unlockAudio();
    setBusy(true);
    setError(null);
    try {
      const result = await api.login({ username: username.trim(), password });
      authStore.getState().login(result);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <div className="login-head">
          <h1 id="login-title">{t("login.title")}</h1>
          <LanguageSelector />
        </div>
        {ended ? (
          <p className="banner banner-error" role="alert" data-testid="session-ended" data-reason={ended}>
            {t(ended === "revoked" ? "login.sessionRevoked" : "login.sessionExpired")}
          </p>
        ) : null}
        <label className="field">
          <span>{t("login.username")}</span>
          <input
            name="username"
            data-testid="login-username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
          />
        </label>
        <label className="field">
          <span>{t("login.password")}</span>
          <input
            name="password"
            type="password"
            data-testid="login-password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </label>
        <ErrorText error={error} testId="login-error" />
        <button type="submit" className="button primary" data-testid="login-submit" disabled={busy}>
          {busy ? t("common.loading") : t("login.submit")}
        </button>
      </form>
    </main>
  );
}
