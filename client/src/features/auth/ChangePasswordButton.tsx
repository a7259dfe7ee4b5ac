// "Password" in the session controls of every screen: opens the change-password dialog, loaded on the first click.
import { lazy, Suspense, useState } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { can } from "../../../../shared/policy";
import { authStore } from "../../api/client";

export type PasswordLayout = "console" | "tablet";

/**
 * Offline before the dialog was ever loaded: say so in its place instead of breaking the screen, and try the load
 * again the next time the button is pressed.
 */
function lazyDialog() {
  return lazy(() =>
    import("./ChangePasswordDialog").catch(() => {
      ChangePasswordDialog = lazyDialog();
      return { default: DialogUnavailable };
    }),
  );
}
let ChangePasswordDialog = lazyDialog();

function DialogUnavailable({ onClose }: { layout: PasswordLayout; onClose: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="banner banner-error" role="alert" data-testid="password-dialog-unavailable">
      {t("errors.network_error")}{" "}
      <button type="button" className="button" onClick={onClose}>
        {t("common.dismiss")}
      </button>
    </div>
  );
}

/** Nothing for an account that may not change its own password (integration accounts have no screen anyway). */
export function ChangePasswordButton({ layout = "console" }: { layout?: PasswordLayout }) {
  const { t } = useTranslation();
  const user = useStore(authStore, (state) => state.session?.user);
  const [open, setOpen] = useState(false);
  if (!user || !can.changeOwnPassword({ role: user.role, userId: user.id })) return null;
  return (
    <>
      <button type="button" className="button" title={t("password.title")} data-testid="change-password" onClick={() => setOpen(true)}>
        {t("password.open")}
      </button>
      {open ? (
        <Suspense fallback={null}>
          <ChangePasswordDialog layout={layout} onClose={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </>
  );
}
