import { useTranslation } from "react-i18next";
import { api, authStore } from "../api/client";

/** Ends the session on the server (best effort: offline still logs out locally) and returns to the login screen. */
export function LogoutButton({ className = "button" }: { className?: string }) {
  const { t } = useTranslation();
  return (
    <button
      type="button"
      className={className}
      onClick={() => {
        void api.logout().catch(() => undefined);
        authStore.getState().logout();
      }}
    >
      {t("common.logout")}
    </button>
  );
}
