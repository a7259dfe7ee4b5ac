// The explanations screen for supervisors and admins (at /explanations): the review queue first.
import { useTranslation } from "react-i18next";
import type { AuthSession } from "../auth/authStore";
import { LanguageSelector } from "../../ui/LanguageSelector";
import { LogoutButton } from "../../ui/LogoutButton";
import { ThemeToggle } from "../../ui/ThemeToggle";
import { ExplanationsWorkspace } from "./ExplanationsWorkspace";

export default function ReviewApp({ session }: { session: AuthSession }) {
  const { t } = useTranslation();
  return (
    <div className="pr" data-testid="review-app">
      <header className="topbar">
        <h1 className="brand">{t("explanations.consoleLink")}</h1>
        <div className="topbar-right">
          <a className="button" href="/">
            {t("app.title")}
          </a>
          <ThemeToggle layout="console" />
          <LanguageSelector />
          <span className="user">{session.user.displayName ?? session.user.username}</span>
          <LogoutButton />
        </div>
      </header>
      <main className="pr-main">
        <ExplanationsWorkspace session={session} initial="queue" />
      </main>
    </div>
  );
}
