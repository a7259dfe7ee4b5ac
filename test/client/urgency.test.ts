import { describe, expect, it } from "vitest";
import { foldIncident } from "../../shared/incident";
import { overdueUnits, rankQueue } from "../../client/src/features/queue/urgency";
import { createdEvent, dispatchedEvent, resetPositions, statusEvent } from "./fixtures";

const T0 = Date.parse("2026-11-22T06:00:00.000Z");
const iso = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

describe("queue urgency", () => {
  it("flags a unit not en route within the turnout standard after dispatch (80 s for fire)", () => {
    resetPositions();
    const incident = foldIncident([createdEvent("i1", "2026-00001", iso(0)), dispatchedEvent("i1", 2, "E1", iso(30))]);
    expect(overdueUnits(incident, T0 + 110_000)).toEqual([]);
    expect(overdueUnits(incident, T0 + 111_000)).toEqual([{ unitId: "E1", callSign: "E1", reason: "turnout", secondsSinceDispatch: 81 }]);
  });

  it("uses the 60 s EMS standard for medical calls", () => {
    resetPositions();
    const incident = foldIncident([createdEvent("i1", "2026-00001", iso(0), "medical"), dispatchedEvent("i1", 2, "M1", iso(0))]);
    expect(overdueUnits(incident, T0 + 61_000)).toHaveLength(1);
  });

  it("clears the flag once the unit is en route", () => {
    resetPositions();
    const incident = foldIncident([
      createdEvent("i1", "2026-00001", iso(0)),
      dispatchedEvent("i1", 2, "E1", iso(0)),
      statusEvent("i1", 3, "E1", "en_route", "dispatched", iso(200)),
    ]);
    expect(overdueUnits(incident, T0 + 300_000)).toEqual([]);
  });

  it("marks a dispatch the server reported unacknowledged", () => {
    resetPositions();
    const incident = foldIncident([createdEvent("i1", "2026-00001", iso(0)), dispatchedEvent("i1", 2, "E1", iso(0))]);
    const reported = { "i1:E1": { incidentId: "i1", incidentNumber: "2026-00001", unitId: "E1", callSign: "E1", dispatchedAt: iso(0), secondsWaiting: 30 } };
    expect(overdueUnits(incident, T0 + 31_000, reported)).toEqual([
      { unitId: "E1", callSign: "E1", reason: "unacknowledged", secondsSinceDispatch: 31 },
    ]);
  });

  it("puts overdue first, then calls without units, then units rolling, then on scene; oldest first within a tier", () => {
    resetPositions();
    const onScene = foldIncident([
      createdEvent("a", "2026-00001", iso(0)),
      dispatchedEvent("a", 2, "E1", iso(10)),
      statusEvent("a", 3, "E1", "en_route", "dispatched", iso(20)),
      statusEvent("a", 4, "E1", "on_scene", "en_route", iso(100)),
    ]);
    const rolling = foldIncident([createdEvent("b", "2026-00002", iso(50)), dispatchedEvent("b", 2, "E2", iso(60)), statusEvent("b", 3, "E2", "en_route", "dispatched", iso(70))]);
    const unassignedOld = foldIncident([createdEvent("c", "2026-00003", iso(100))]);
    const unassignedNew = foldIncident([createdEvent("d", "2026-00004", iso(150))]);
    const overdue = foldIncident([createdEvent("e", "2026-00005", iso(160)), dispatchedEvent("e", 2, "E5", iso(160))]);
    const now = T0 + 300_000;
    const order = rankQueue([onScene, unassignedNew, rolling, overdue, unassignedOld], now).map((entry) => entry.incident.id);
    expect(order).toEqual(["e", "c", "d", "b", "a"]);
  });

  it("leaves closed and merged incidents out of the queue", () => {
    resetPositions();
    const open = foldIncident([createdEvent("o", "2026-00001", iso(0))]);
    const closed = { ...foldIncident([createdEvent("c", "2026-00002", iso(0))]), status: "closed" as const };
    expect(rankQueue([open, closed], T0).map((entry) => entry.incident.id)).toEqual(["o"]);
  });
});

describe("unacknowledged dispatch without the server's report", () => {
  it("flags a unit still only dispatched after the center's acknowledge deadline (a reloaded console)", () => {
    resetPositions();
    const incident = foldIncident([createdEvent("i1", "2026-00001", iso(0)), dispatchedEvent("i1", 2, "E1", iso(0))]);
    expect(overdueUnits(incident, T0 + 30_000, {}, 30)).toEqual([]);
    expect(overdueUnits(incident, T0 + 31_000, {}, 30)).toEqual([
      { unitId: "E1", callSign: "E1", reason: "unacknowledged", secondsSinceDispatch: 31 },
    ]);
  });
});
