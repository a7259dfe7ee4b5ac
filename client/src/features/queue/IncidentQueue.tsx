import { useMemo, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { alertStore, configStore, incidentStore } from "../../app/stores";
import { useNow } from "../../app/useNow";
import { consoleUiStore } from "../../console/consoleUiStore";
import { formatDuration, formatLocation } from "../../format/time";
import { rankQueue } from "./urgency";

/** Open incidents, most urgent first; arrow keys move the selection. */
export function IncidentQueue() {
  const { t, i18n } = useTranslation();
  const incidents = useStore(incidentStore, (state) => state.byId);
  const overdue = useStore(alertStore, (state) => state.overdue);
  const overdueSeconds = useStore(configStore, (state) => state.config.overdueSeconds);
  const selected = useStore(consoleUiStore, (state) => state.selectedIncidentId);
  const now = useNow(1000);
  const entries = useMemo(() => rankQueue(Object.values(incidents), now, overdue, overdueSeconds), [incidents, overdue, now, overdueSeconds]);

  function onKeyDown(event: KeyboardEvent<HTMLUListElement>) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    event.preventDefault();
    const index = entries.findIndex((entry) => entry.incident.id === selected);
    const nextIndex = event.key === "ArrowDown" ? Math.min(entries.length - 1, index + 1) : Math.max(0, index - 1);
    const next = entries[nextIndex];
    if (next) {
      consoleUiStore.getState().select(next.incident.id);
      document.getElementById(`queue-${next.incident.id}`)?.focus();
    }
  }

  return (
    <section className="panel queue" aria-labelledby="queue-title">
      <div className="panel-head">
        <h2 id="queue-title">
          {t("queue.title")} <span className="count">({entries.length})</span>
        </h2>
      </div>
      {entries.length === 0 ? <p className="hint">{t("queue.empty")}</p> : null}
      <ul className="queue-list" onKeyDown={onKeyDown} data-testid="queue">
        {entries.map((entry) => {
          const { incident } = entry;
          const isSelected = incident.id === selected;
          return (
            <li key={incident.id}>
              <button
                type="button"
                id={`queue-${incident.id}`}
                className={`queue-item tier-${entry.tier}${isSelected ? " selected" : ""}`}
                aria-current={isSelected ? "true" : undefined}
                data-testid="queue-item"
                data-incident-id={incident.id}
                data-incident-number={incident.number}
                data-overdue={entry.overdue.length > 0 ? "true" : "false"}
                onClick={() => consoleUiStore.getState().select(incident.id)}
              >
                <span className="queue-line">
                  <strong className="number">{incident.number}</strong>
                  <span className="type">{t(`incidentType.${incident.incidentType}`)}</span>
                  {incident.alarmLevel > 1 ? <span className="alarm-level">{t("queue.alarmLevel", { level: incident.alarmLevel })}</span> : null}
                  <span className="age" title={t("queue.age")}>
                    {formatDuration(entry.ageSeconds, i18n.language)}
                  </span>
                </span>
                <span className="queue-line address">{formatLocation(incident.location, 4)}</span>
                <span className="queue-line units">
                  {entry.activeUnits.length === 0 ? (
                    <span className="flag flag-unassigned">{t("queue.noUnits")}</span>
                  ) : (
                    entry.activeUnits.map((assignment) => (
                      <span key={assignment.unitId} className={`chip status-${assignment.status}`}>
                        {assignment.callSign} · {t(`unitStatus.${assignment.status}`)}
                      </span>
                    ))
                  )}
                </span>
                {entry.overdue.length > 0 ? (
                  <span className="queue-line flag flag-overdue" data-testid="overdue-flag">
                    ⚠ {t("queue.overdue")}:{" "}
                    {entry.overdue
                      .map((unit) =>
                        t(unit.reason === "unacknowledged" ? "queue.overdueUnacknowledged" : "queue.overdueTurnout", {
                          callSign: unit.callSign,
                          duration: formatDuration(unit.secondsSinceDispatch, i18n.language),
                        }),
                      )
                      .join(", ")}
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
