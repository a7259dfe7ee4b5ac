import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { connectionStore } from "../app/stores";
import { useNow } from "../app/useNow";
import { elapsedSeconds, formatDuration } from "../format/time";

/** Live / reconnecting (for how long) / resynced: words and a shape, never colour alone. */
export function ConnectionIndicator() {
  const { t, i18n } = useTranslation();
  const { phase, since, replayed } = useStore(connectionStore);
  const now = useNow(1000);
  useEffect(() => {
    if (phase !== "resynced") return;
    const timer = window.setTimeout(() => connectionStore.getState().settle(), 8000);
    return () => window.clearTimeout(timer);
  }, [phase]);
  const waited = formatDuration(elapsedSeconds(since, now), i18n.language);
  const text =
    phase === "live"
      ? t("connection.live")
      : phase === "reconnecting"
        ? t("connection.reconnecting", { duration: waited })
        : phase === "resyncing"
          ? t("connection.resyncing")
          : phase === "resynced"
            ? t("connection.resynced", { count: replayed })
            : t("connection.connecting");
  const symbol = phase === "live" || phase === "resynced" ? "●" : phase === "reconnecting" ? "▲" : "◌";
  return (
    <span className={`connection connection-${phase}`} role="status" aria-live="polite" data-testid="connection" data-phase={phase}>
      <span aria-hidden="true">{symbol}</span> {text}
    </span>
  );
}
