import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useStore } from "zustand";
import { incidentStore, unitStore } from "../../app/stores";
import { useNow } from "../../app/useNow";
import { consoleUiStore } from "../../console/consoleUiStore";
import { groupByStation } from "./grouping";
import { useLostContact } from "./useLostContact";
import { elapsedSeconds, formatDuration } from "../../format/time";

/** Every unit by station: status in words and colour, time in status, the incident it is on. */
export function UnitBoard() {
  const { t, i18n } = useTranslation();
  const units = useStore(unitStore, (state) => state.byId);
  const incidents = useStore(incidentStore, (state) => state.byId);
  const now = useNow(1000);
  const groups = useMemo(() => groupByStation(Object.values(units)), [units]);
  const lostContact = useLostContact();
  return (
    <section className="panel unit-board" aria-labelledby="units-title" data-testid="unit-board">
      <div className="panel-head">
        <h2 id="units-title">{t("units.title")}</h2>
      </div>
      <div className="unit-groups">
        {groups.map(([station, list]) => (
          <div key={station} className="station">
            <h3>{station}</h3>
            <table className="unit-table">
              <thead className="visually-hidden">
                <tr>
                  <th>{t("units.callSign")}</th>
                  <th>{t("units.type")}</th>
                  <th>{t("units.status")}</th>
                  <th>{t("units.timeInStatus")}</th>
                  <th>{t("units.incident")}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((unit) => {
                  const incident = unit.incidentId ? incidents[unit.incidentId] : undefined;
                  const silent = lostContact.get(unit.id);
                  return (
                    <tr
                      key={unit.id}
                      data-testid="unit-row"
                      data-unit-id={unit.id}
                      data-status={unit.status}
                      data-lost-contact={silent !== undefined ? "true" : undefined}
                      className={silent !== undefined ? "lost-contact" : undefined}
                    >
                      <td className="call-sign">{unit.callSign}</td>
                      <td className="unit-type">{t(`unitType.${unit.type}`)}</td>
                      <td>
                        <span className={`chip status-${unit.status}`}>{t(`unitStatus.${unit.status}`)}</span>
                        {silent !== undefined ? (
                          <span className="chip lost-contact-chip" data-testid="lost-contact">
                            ⚠ {t("units.lostContact", { duration: formatDuration(silent, i18n.language) })}
                          </span>
                        ) : null}
                      </td>
                      <td className="time-in-status">{formatDuration(elapsedSeconds(unit.statusSince, now), i18n.language)}</td>
                      <td>
                        {unit.incidentId ? (
                          <button type="button" className="link-button nowrap" onClick={() => consoleUiStore.getState().select(unit.incidentId)}>
                            {incident?.number ?? unit.incidentId}
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ))}
      </div>
    </section>
  );
}
