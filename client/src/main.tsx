// The shell: language, config, login, and a lazily loaded layout per role. A tablet never downloads the console.
import { lazy, StrictMode, Suspense, useEffect } from "react";
import { createRoot } from "react-dom/client";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { can, workspaceFor } from "../../shared/policy";
import { api, authStore } from "./api/client";
import { registerServiceWorker } from "./app/serviceWorker";
import { configStore, prefsStore } from "./app/stores";
import { unlockAudio } from "./features/alerts/beep";
import { LoginScreen } from "./features/auth/LoginScreen";
import type { Layout } from "./features/prefs/prefsStore";
import { initI18n } from "./i18n";
import { LogoutButton } from "./ui/LogoutButton";
import "./styles/base.css";

const ConsoleApp = lazy(() => import("./console/ConsoleApp"));
const TabletApp = lazy(() => import("./tablet/TabletApp"));
const PrApp = lazy(() => import("./features/pr/PrApp"));
const CasesApp = lazy(() => import("./features/cases/CasesApp"));
const PublicCaseApp = lazy(() => import("./features/cases/PublicCaseApp"));

/** /cases/new and /cases/<case number>: residents' pages, no login (see features/cases/PublicCaseApp). */
const PUBLIC_CASE_PATH = /^\/cases\/[^/]+\/?$/;
const ReviewApp = lazy(() => import("./features/explanations/ReviewApp"));
const ChangePasswordDialog = lazy(() => import("./features/auth/ChangePasswordDialog"));

function loadConfig() {
  api
    .config()
    .then((config) => configStore.getState().setConfig(config))
    .catch(() => {
      // Offline start: the cached copy (or the defaults) stays in use.
    });
}


function useThemeOnDocument(layout: Layout) {
  const theme = useStore(prefsStore, (state) => state.themes[layout]);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.dataset.layout = layout;
  }, [theme, layout]);
}

function Loading() {
  const { t } = useTranslation();
  return (
    <div className="loading" role="status">
      {t("common.loading")}
    </div>
  );
}

function Shell() {
  if (PUBLIC_CASE_PATH.test(window.location.pathname)) {
    return (
      <Suspense fallback={<Loading />}>
        <PublicCaseApp />
      </Suspense>
    );
  }
  return <SignedInShell />;
}

function SignedInShell() {
  const session = useStore(authStore, (state) => state.session);
  const layout = session ? workspaceFor({ role: session.user.role, userId: session.user.id }) : "console";
  useThemeOnDocument(layout === "tablet" ? "tablet" : "console");
  const { t } = useTranslation();

  useEffect(() => {
    if (!session) return;
    // Refresh who we are; a 401 logs out (handled by the HTTP client), a network error keeps the stored session.
    api
      .me()
      .then((user) => authStore.getState().updateUser(user))
      .catch(() => undefined);
  }, [session?.token]);

  if (!session) return <LoginScreen />;
  // An admin chose this password and asked for the person's own: that comes before anything else.
  if (session.user.mustChangePassword) {
    return (
      <Suspense fallback={<Loading />}>
        <ChangePasswordDialog
          layout={layout === "tablet" ? "tablet" : "console"}
          required
          onClose={() => {
            // The server cleared the request with the change; /auth/me says the same at the next start.
            const user = { ...session.user };
            delete user.mustChangePassword;
            authStore.getState().updateUser(user);
          }}
        />
      </Suspense>
    );
  }
  // Supervisors review explanations at /explanations (linked from the console); PR staff have them in their screen.
  const reviewing =
    layout === "console" && window.location.pathname.startsWith("/explanations") && can.readExplanations({ role: session.user.role, userId: session.user.id });
  return (
    <Suspense fallback={<Loading />}>
      {reviewing ? (
        <ReviewApp session={session} />
      ) : layout === "console" ? (
        <ConsoleApp session={session} />
      ) : layout === "tablet" ? (
        <TabletApp session={session} />
      ) : layout === "pr" ? (
        <PrApp session={session} />
      ) : layout === "cases" ? (
        <CasesApp session={session} />
      ) : (
        <div className="loading">
          <p>{t("login.noInterface")}</p>
          <LogoutButton />
        </div>
      )}
    </Suspense>
  );
}

loadConfig();

// Browsers start audio suspended until a gesture; after a reload (session kept) the first key or touch unlocks it.
for (const type of ["pointerdown", "keydown"] as const) window.addEventListener(type, unlockAudio, { capture: true, passive: true });

if (import.meta.env.PROD) {
  // Lets a tablet reload while offline: the shell and the chunks it has used are served from the cache.
  window.addEventListener("load", () => registerServiceWorker());
}

// The first paint waits for the language's table (one small chunk) so no screen shows raw keys; a table that
// cannot be fetched leaves the keys visible rather than a blank page.
const root = document.getElementById("root");
void initI18n()
  .catch(() => undefined)
  .then(() => {
    if (!root) return;
    createRoot(root).render(
      <StrictMode>
        <Shell />
      </StrictMode>,
    );
  });
