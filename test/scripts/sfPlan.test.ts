import { describe, expect, it } from "vitest";
import { CallIntakeBody, CloseBody, DispatchBody, UnitStatusBody, UnitUpsertBody } from "../../shared/schemas";
import { expectedIntervals } from "../../server/scripts/sf/expected";
import { callIntakeId, opIdFor, uuidV5 } from "../../server/scripts/sf/ids";
import { buildPlan, NOTE, rosterStation, rosterUnitId, SKIP } from "../../server/scripts/sf/plan";
import type { PlannedRequest } from "../../server/scripts/sf/plan";
import { replayClock, toApiRequest } from "../../server/scripts/sf/requests";
import { mapIncidentType, mapUnitType, parseSfLocation, readSfFile } from "../../server/scripts/sf/rows";
import { csvOf, HEADER, type FixtureRow } from "../helpers/sfFixture";

// Two real rows from the sample, verbatim.
const REAL_ROWS = `${HEADER}
163664050,E39,16146990,Citizen Assist / Service Call,12/31/2016,12/31/2016,12/31/2016 11:57:56 PM,12/31/2016 11:59:31 PM,12/31/2016 11:59:42 PM,01/01/2017 12:01:47 AM,01/01/2017 12:04:18 AM,,,Fire,01/01/2017 12:24:11 AM,0 Block of BALCETA AVE,San Francisco,94127,B08,39,8644,3,3,3,true,Alarm,1,ENGINE,1,8,7,West of Twin Peaks,"(37.745858648581, -122.456664252061)",163664050-E39
163664036,E38,16146989,Medical Incident,12/31/2016,12/31/2016,12/31/2016 11:52:01 PM,12/31/2016 11:55:04 PM,12/31/2016 11:55:20 PM,12/31/2016 11:55:34 PM,01/01/2017 12:00:32 AM,,,Code 2 Transport,01/01/2017 12:06:02 AM,0 Block of MARINA BLVD,San Francisco,94123,B04,16,3452,3,3,3,true,Potentially Life-Threatening,1,ENGINE,1,4,2,Marina,"(37.8051625655624, -122.432957440518)",163664036-E38
`;

function planOf(rows: FixtureRow[]) {
  const file = readSfFile(csvOf(rows));
  return { file, plan: buildPlan(file.rows, { problems: file.problems }) };
}

/** "kind call unit step" per request, to read orders at a glance. */
function steps(requests: readonly PlannedRequest[]): string[] {
  return requests.map((request) => {
    switch (request.kind) {
      case "call":
        return `call ${request.call.callNumber}`;
      case "unit":
        return `unit ${request.unit.unitId}`;
      case "dispatch":
        return `dispatch ${request.callNumber} ${request.unitId}`;
      case "status":
        return `${request.status} ${request.callNumber} ${request.unitId}`;
      case "close":
        return `close ${request.callNumber}`;
    }
  });
}

describe("reading SF rows", () => {
  it("reads the real rows with times in UTC, location and sequence", () => {
    const { rows, problems } = readSfFile(REAL_ROWS);
    expect(problems).toEqual([]);
    expect(rows).toHaveLength(2);
    const e39 = rows[0];
    expect(e39).toMatchObject({
      callNumber: "163664050",
      incidentNumber: "16146990",
      unitId: "E39",
      unitSequence: 1,
      lat: 37.745858648581,
      lng: -122.456664252061,
      stationArea: "39",
      transport: null,
      hospital: null,
    });
    expect(new Date(e39?.received ?? 0).toISOString()).toBe("2017-01-01T07:57:56.000Z");
    expect(new Date(e39?.available ?? 0).toISOString()).toBe("2017-01-01T08:24:11.000Z");
  });

  it("reports rows it cannot use, with the reason, and keeps the rest", () => {
    const text = csvOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", available: "10:30:00" },
      { call: "2", unit: "E2", seq: 1, received: "10:00:00", dispatch: "yesterday", available: "10:30:00" },
      { call: "3", unit: "bad unit", seq: 1, received: "10:00:00", dispatch: "10:01:00" },
      { call: "4", unit: "E4", seq: 1, received: "10:00:00", dispatch: "10:01:00" },
    ]);
    const noLocation = text.replace('"(37.77, -122.42)",4-E4', '"",4-E4');
    const { rows, problems } = readSfFile(noLocation);
    expect(rows.map((row) => row.unitId)).toEqual(["E1"]);
    expect(problems.map((problem) => problem.reason)).toEqual([
      "row unreadable: time not in MM/DD/YYYY hh:mm:ss AM/PM form",
      "row unreadable: unit id missing or not usable as an id",
      "row unreadable: no location",
    ]);
  });

  it("refuses a file without the columns it needs", () => {
    expect(() => readSfFile("Call Number,Unit ID\n1,E1\n")).toThrow(/missing column\(s\).*Incident Number/);
  });

  it("parses DataSF locations and refuses (0, 0)", () => {
    expect(parseSfLocation("(37.7, -122.4)")).toEqual({ lat: 37.7, lng: -122.4 });
    expect(parseSfLocation("(0.0, 0.0)")).toBeNull();
    expect(parseSfLocation("")).toBeNull();
    expect(parseSfLocation("(95, 10)")).toBeNull();
  });
});

describe("type mapping", () => {
  it("maps SF unit types onto ours, unknown ones to other", () => {
    expect(
      ["ENGINE", "TRUCK", "MEDIC", "PRIVATE", "CHIEF", "RESCUE CAPTAIN", "RESCUE SQUAD", "SUPPORT", "AIRPORT"].map(
        mapUnitType,
      ),
    ).toEqual(["engine", "ladder", "medic", "ambulance", "command", "command", "rescue", "support", "other"]);
  });

  it("maps SF call types onto incident types", () => {
    const cases: [string, string][] = [
      ["Medical Incident", "medical"],
      ["Alarms", "alarm"],
      ["Structure Fire", "structure_fire"],
      ["Outside Fire", "outside_fire"],
      ["Smoke Investigation (Outside)", "outside_fire"],
      ["Vehicle Fire", "vehicle_fire"],
      ["Traffic Collision", "rescue"],
      ["Water Rescue", "rescue"],
      ["Elevator / Escalator Rescue", "rescue"],
      ["Confined Space / Structure Collapse", "rescue"],
      ["Industrial Accidents", "rescue"],
      ["Gas Leak (Natural and LP Gases)", "hazmat"],
      ["Fuel Spill", "hazmat"],
      ["HazMat", "hazmat"],
      ["Odor (Strange / Unknown)", "hazmat"],
      ["Electrical Hazard", "hazmat"],
      ["Citizen Assist / Service Call", "service"],
      ["Other", "other"],
      ["Train / Rail Incident", "other"],
    ];
    for (const [sf, ours] of cases) expect(mapIncidentType(sf), sf).toBe(ours);
  });
});

describe("ids", () => {
  it("builds RFC 4122 version 5 UUIDs (the RFC's www.example.com vector)", () => {
    expect(uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("names a call by its Call Number alone, so a re-run sends the same intakeId", () => {
    expect(callIntakeId("163664050", "")).toBe(callIntakeId("163664050", ""));
    expect(callIntakeId("163664050", "")).not.toBe(callIntakeId("163664051", ""));
    expect(callIntakeId("163664050", "r1")).not.toBe(callIntakeId("163664050", ""));
  });

  it("makes readable opIds within the API's limits, hashing an overlong one", () => {
    expect(opIdFor("", "163664050", "E39", "dispatch")).toBe("sf-163664050-E39-dispatch");
    const long = opIdFor("r0123456789abcdef", "163664050", "U".repeat(64), "transporting");
    expect(long).toMatch(/^sf-[0-9a-f]{40}$/);
  });
});

describe("the plan", () => {
  it("replays the real rows in time order with the file's times in UTC", () => {
    const file = readSfFile(REAL_ROWS);
    const plan = buildPlan(file.rows);
    expect(steps(plan.requests)).toEqual([
      "call 163664036",
      "unit E38",
      "dispatch 163664036 E38",
      "en_route 163664036 E38",
      "call 163664050",
      "unit E39",
      "dispatch 163664050 E39",
      "on_scene 163664036 E38",
      "en_route 163664050 E39",
      "on_scene 163664050 E39",
      "available 163664036 E38",
      "close 163664036",
      "available 163664050 E39",
      "close 163664050",
    ]);
    expect(plan.calls).toBe(2);
    expect(plan.events).toBe(12);
    expect(plan.skipped.total).toBe(0);
    const call = plan.requests[0];
    expect(call?.kind === "call" && call.call).toMatchObject({
      incidentNumber: "16146989",
      incidentType: "medical",
      description: "Medical Incident",
      address: "0 Block of MARINA BLVD, San Francisco",
      intakeId: callIntakeId("163664036", ""),
    });
    const unit = plan.requests[1];
    expect(unit?.kind === "unit" && unit.unit).toEqual({
      unitId: "E38",
      callSign: "E38",
      type: "engine",
      station: "Station 16",
      home: { lat: 37.8051625655624, lng: -122.432957440518 },
    });
  });

  it("breaks ties by step, then by the unit's sequence in the call", () => {
    const { plan } = planOf([
      { call: "1", unit: "T1", seq: 2, received: "10:00:00", dispatch: "10:00:00", enRoute: "10:00:00", available: "10:00:00" },
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:00:00", enRoute: "10:00:00", available: "10:00:00" },
    ]);
    expect(steps(plan.requests)).toEqual([
      "call 1",
      "unit E1",
      "unit T1",
      "dispatch 1 E1",
      "dispatch 1 T1",
      "en_route 1 E1",
      "en_route 1 T1",
      "available 1 E1",
      "available 1 T1",
      "close 1",
    ]);
  });

  it("keeps the whole plan in time order across calls", () => {
    const { plan } = planOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:06:00", available: "10:40:00" },
      { call: "2", unit: "E2", seq: 1, received: "10:03:00", dispatch: "10:04:00", enRoute: "10:05:00", onScene: "10:09:00", available: "10:20:00" },
      { call: "3", unit: "E1", seq: 1, received: "10:45:00", dispatch: "10:46:00", onScene: "10:50:00", available: "11:10:00" },
    ]);
    const times = plan.requests.map((request) => request.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(plan.skipped.total).toBe(0);
  });

  it("records a unit without en route time as dispatched then on scene, and notes it", () => {
    const { plan } = planOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", onScene: "10:05:00", available: "10:30:00" },
    ]);
    expect(steps(plan.requests)).toEqual(["call 1", "unit E1", "dispatch 1 E1", "on_scene 1 E1", "available 1 E1", "close 1"]);
    expect(plan.notes.count(NOTE.noEnRoute)).toBe(1);
    expect(plan.skipped.total).toBe(0);
  });

  it("records en route after on scene as given and lists it as out of order", () => {
    const { plan, file } = planOf([
      { call: "1", unit: "M1", seq: 1, received: "16:50:00", dispatch: "16:51:00", enRoute: "16:53:46", onScene: "16:53:00", available: "17:30:00", unitType: "MEDIC" },
    ]);
    expect(steps(plan.requests)).toEqual(["call 1", "unit M1", "dispatch 1 M1", "on_scene 1 M1", "en_route 1 M1", "available 1 M1", "close 1"]);
    expect(plan.notes.count(NOTE.outOfOrder)).toBe(1);
    expect(plan.notes.list()[0]?.examples[0]).toBe(
      "call 1 unit M1: en route 01/04/2017 04:53:46 PM after on scene 01/04/2017 04:53:00 PM",
    );
    expect(expectedIntervals(file.rows).get("I1")?.travel).toBe(-46);
  });

  it("skips transport before on scene and hospital before transport, keeping the rest of the unit's steps", () => {
    const { plan } = planOf([
      { call: "1", unit: "M1", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:10:00", transport: "10:05:00", hospital: "10:30:00", available: "11:00:00" },
      { call: "2", unit: "M2", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:10:00", transport: "10:20:00", hospital: "10:15:00", available: "11:00:00" },
    ]);
    expect(plan.skipped.count(SKIP.transportBeforePrevious)).toBe(1);
    expect(plan.skipped.count(SKIP.hospitalBeforePrevious)).toBe(1);
    const statuses = steps(plan.requests).filter((step) => step.includes(" M"));
    expect(statuses).toContain("at_hospital 1 M1");
    expect(statuses).not.toContain("transporting 1 M1");
    expect(statuses).toContain("transporting 2 M2");
    expect(statuses).not.toContain("at_hospital 2 M2");
  });

  it("handles a re-route: the old call's later times go out after the re-route, naming the old call, and it still closes", () => {
    const { plan } = planOf([
      // M1 is on call 1, is taken to call 2 at 10:10 before it cleared call 1 (available 10:40).
      { call: "1", unit: "M1", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:12:00", available: "10:40:00" },
      { call: "1", unit: "E1", seq: 2, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:06:00", available: "10:20:00" },
      { call: "2", unit: "M1", seq: 1, received: "10:09:00", dispatch: "10:10:00", enRoute: "10:11:00", onScene: "10:15:00", available: "10:30:00" },
    ]);
    expect(plan.notes.count(NOTE.afterReroute)).toBe(2);
    expect(plan.notes.list().find((entry) => entry.reason === NOTE.afterReroute)?.examples).toEqual([
      "call 1 unit M1: on scene 01/04/2017 10:12:00 AM, re-routed to call 2 at 01/04/2017 10:10:00 AM",
      "call 1 unit M1: available 01/04/2017 10:40:00 AM, re-routed to call 2 at 01/04/2017 10:10:00 AM",
    ]);
    const order = steps(plan.requests);
    // Sent after the re-route's dispatch, in time order among call 2's steps.
    expect(order.indexOf("on_scene 1 M1")).toBeGreaterThan(order.indexOf("dispatch 2 M1"));
    expect(order.indexOf("on_scene 1 M1")).toBeLessThan(order.indexOf("on_scene 2 M1"));
    expect(order.indexOf("available 1 M1")).toBeGreaterThan(order.indexOf("available 2 M1"));
    // The old call closes at its last unit's recorded available time, after everything else on it.
    const close = plan.requests.find((request) => request.kind === "close" && request.callNumber === "1");
    expect(new Date(close?.at ?? 0).toISOString()).toBe("2017-01-04T18:40:00.000Z");
    expect(order.indexOf("close 1")).toBeGreaterThan(order.indexOf("available 1 M1"));
    expect(order.indexOf("en_route 1 M1")).toBeLessThan(order.indexOf("dispatch 2 M1"));
  });

  it("releases a unit available on one call before dispatching it to the next in the same second", () => {
    const { plan } = planOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", onScene: "10:20:00", available: "10:20:00" },
      { call: "2", unit: "E1", seq: 1, received: "10:19:00", dispatch: "10:20:00", available: "10:30:00" },
    ]);
    const order = steps(plan.requests);
    expect(order.indexOf("on_scene 1 E1")).toBeLessThan(order.indexOf("available 1 E1"));
    expect(order.indexOf("available 1 E1")).toBeLessThan(order.indexOf("dispatch 2 E1"));
    expect(plan.skipped.total).toBe(0);
  });

  it("reports a unit never available, leaves its incident open and still dispatches the unit later", () => {
    const { plan } = planOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", onScene: "10:05:00" },
      { call: "1", unit: "E2", seq: 2, received: "10:00:00", dispatch: "10:01:00", onScene: "10:06:00", available: "10:20:00" },
      { call: "2", unit: "E1", seq: 1, received: "10:29:00", dispatch: "10:30:00", available: "10:40:00" },
    ]);
    expect(plan.skipped.count(SKIP.neverAvailable)).toBe(1);
    expect(plan.skipped.count(SKIP.incidentLeftOpen)).toBe(1);
    const order = steps(plan.requests);
    expect(order).not.toContain("close 1");
    expect(order).toContain("close 2");
    expect(order).toContain("dispatch 2 E1");
  });

  it("spells units and stations as a roster does: E01 is E1, Station Area 01 is Station 1", () => {
    expect(rosterUnitId("E01")).toBe("E1");
    expect(rosterUnitId("T10")).toBe("T10");
    expect(rosterUnitId("AM02")).toBe("AM2");
    expect(rosterUnitId("RS1")).toBe("RS1");
    expect(rosterUnitId("50")).toBe("50");
    expect(rosterStation("01")).toBe("Station 1");
    expect(rosterStation(undefined)).toBe("Station unknown");
    const { plan } = planOf([{ call: "1", unit: "E01", seq: 1, received: "10:00:00", dispatch: "10:01:00", available: "10:30:00" }]);
    expect(steps(plan.requests)).toEqual(["call 1", "unit E1", "dispatch 1 E1", "available 1 E1", "close 1"]);
    const unit = plan.requests.find((request) => request.kind === "unit");
    expect(unit?.kind === "unit" ? unit.unit.station : "").toBe("Station 36");
  });

  it("lists unreadable rows among the skips", () => {
    const { plan } = planOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", available: "10:30:00" },
      { call: "2", unit: "E2", seq: 1, received: "10:00:00", dispatch: "25:01:00", available: "10:30:00" },
    ]);
    expect(plan.skipped.count("row unreadable: time not in MM/DD/YYYY hh:mm:ss AM/PM form")).toBe(1);
    expect(plan.calls).toBe(1);
  });
});

describe("expected intervals from the CSV columns", () => {
  it("takes the earliest on scene, breaking ties by dispatch and then by sequence", () => {
    const { file } = planOf([
      { call: "1", unit: "E1", seq: 3, received: "10:00:00", dispatch: "10:01:30", enRoute: "10:02:00", onScene: "10:06:00", available: "10:30:00" },
      { call: "1", unit: "E2", seq: 2, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:03:00", onScene: "10:06:00", available: "10:30:00" },
      { call: "1", unit: "E3", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:01:40", onScene: "10:06:00", available: "10:30:00" },
      { call: "1", unit: "B1", seq: 4, received: "10:00:00", dispatch: "10:00:50", available: "10:30:00" },
    ]);
    expect(expectedIntervals(file.rows).get("I1")).toEqual({
      alarmProcessing: 50,
      turnout: 40, // E3: same on scene and dispatch as E2, lower sequence
      travel: 260,
      totalResponse: 360,
    });
  });

  it("gives null, not 0, for intervals whose ends are missing", () => {
    const { file } = planOf([
      { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", onScene: "10:06:00", available: "10:30:00" },
      { call: "2", unit: "E2", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", available: "10:30:00" },
    ]);
    const intervals = expectedIntervals(file.rows);
    expect(intervals.get("I1")).toEqual({ alarmProcessing: 60, turnout: null, travel: null, totalResponse: 360 });
    expect(intervals.get("I2")).toEqual({ alarmProcessing: 60, turnout: null, travel: null, totalResponse: null });
  });
});

describe("requests sent for the plan", () => {
  const { plan } = planOf([
    { call: "1", unit: "E1", seq: 1, received: "10:00:00", dispatch: "10:01:00", enRoute: "10:02:00", onScene: "10:06:00", available: "10:30:00" },
  ]);
  const context = { isoAt: (ms: number) => new Date(ms).toISOString(), incidentIdOf: () => "inc-1" };

  it("builds bodies the shared schemas accept, with source import", () => {
    for (const planned of plan.requests) {
      const request = toApiRequest(planned, context);
      if ("blocked" in request) throw new Error(request.blocked);
      const schema =
        planned.kind === "call"
          ? CallIntakeBody
          : planned.kind === "unit"
            ? UnitUpsertBody
            : planned.kind === "dispatch"
              ? DispatchBody
              : planned.kind === "status"
                ? UnitStatusBody
                : CloseBody;
      expect(schema.safeParse(request.body).success, `${planned.kind} ${JSON.stringify(request.body)}`).toBe(true);
    }
    const dispatch = plan.requests.find((request) => request.kind === "dispatch");
    expect(dispatch && toApiRequest(dispatch, context)).toEqual({
      method: "POST",
      path: "/api/v1/incidents/inc-1/dispatch",
      body: {
        unitIds: ["E1"],
        opId: "sf-1-E1-dispatch",
        occurredAt: "2017-01-04T18:01:00.000Z",
        source: "import",
        reassign: true,
      },
    });
    const call = plan.requests[0];
    expect(call && toApiRequest(call, context)).toMatchObject({
      method: "POST",
      path: "/api/v1/calls",
      body: { source: "import", receivedAt: "2017-01-04T18:00:00.000Z", externalId: "I1", incidentType: "structure_fire" },
    });
  });

  it("does not send a call's later requests when the call was never taken", () => {
    const dispatch = plan.requests.find((request) => request.kind === "dispatch");
    expect(dispatch && toApiRequest(dispatch, { ...context, incidentIdOf: () => undefined })).toEqual({
      blocked: "call 1 was not taken",
    });
  });

  it("compresses the file's time line N times from the replay's start", () => {
    const clock = replayClock({ kind: "speed", speed: 60, startMs: 1_000_000 }, 5_000_000);
    expect(clock(5_000_000)).toBe(1_000_000);
    expect(clock(5_000_000 + 60_000)).toBe(1_001_000);
    expect(replayClock({ kind: "instant" }, 5_000_000)(7)).toBe(7);
  });
});
