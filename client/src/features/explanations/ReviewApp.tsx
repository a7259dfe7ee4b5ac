// The explanations screen for supervisors and admins (at /explanations): the review queue first.
import { useTranslation } from "react-i18next";
import type { AuthSession } from "../auth/authStore";
import { ExplanationsWorkspace } from "./ExplanationsWorkspace";
import { SessionControls } from "../../ui/SessionControls";

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
          <SessionControls user={session.user} />
        </div>
      </header>
      <main className="pr-main">
        <ExplanationsWorkspace session={session} initial="queue" />
      </main>
    </div>
  );
}
