import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { prefsStore } from "../app/stores";
import { unlockAudio } from "../features/alerts/beep";

export function MuteToggle() {
  const { t } = useTranslation();
  const muted = useStore(prefsStore, (state) => state.muted);
  return (
    <button
      type="button"
      className={muted ? "button muted-on" : "button"}
      data-testid="mute-toggle"
      aria-pressed={muted}
      title={t("alerts.muteShortcut")}
      onClick={() => {
        unlockAudio();
        prefsStore.getState().setMuted(!muted);
      }}
    >
      <span aria-hidden="true">{muted ? "✕" : "♪"}</span> {muted ? t("alerts.muted") : t("alerts.soundOn")}
    </button>
  );
}
