import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { alertStore } from "../app/stores";
import { useTimeFormat } from "../app/useTimeFormat";
import { consoleUiStore } from "./consoleUiStore";

/** The text of the latest audible alert, so nothing is only heard. */
export function AlertBanner() {
  const { t } = useTranslation();
  const latest = useStore(alertStore, (state) => state.latest);
  const { clock } = useTimeFormat();
  if (!latest) return <div className="alert-banner-slot" />;
  return (
    <div className={`alert-banner alert-${latest.kind}`} role="alert" data-testid="alert-banner">
      <button
        type="button"
        className="link-button"
        onClick={() => {
          consoleUiStore.getState().select(latest.incidentId);
          alertStore.getState().dismissLatest();
        }}
      >
        ⚠ {latest.kind === "newCall"
          ? t("alerts.newCall", { number: latest.incidentNumber })
          : t("alerts.overdue", { number: latest.incidentNumber, callSign: latest.callSign ?? "" })}{" "}
        · {clock(latest.at)}
      </button>
      <button type="button" className="icon-button" aria-label={t("common.dismiss")} onClick={() => alertStore.getState().dismissLatest()}>
        ×
      </button>
    </div>
  );
}
