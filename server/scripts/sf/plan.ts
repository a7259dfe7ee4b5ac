// Turns SF rows into the ordered list of API requests that replays them, plus what cannot be replayed and why.
//
// Order: every request carries the time it happened; requests go out in time order, ties broken by step
// (call, unit record, dispatch, en route, on scene, transport, hospital, available, close), then by call and by
// "Unit sequence in call dispatch". On top of that, each request waits for the ones it depends on: a unit's
// steps follow its dispatch, a unit's next dispatch follows its last step on the previous call, a close follows
// every step of its call. Those matter at equal times (a unit available on one call in the same second it is
// dispatched to the next must be released first: the server applies a status to the unit's current incident)
// and for the few rows whose times are out of order, which are recorded as given. A unit re-routed to another
// call before it cleared keeps its later times on the first call: they are sent naming that call's incident
// (the server folds them onto the earlier assignment) after the re-route's dispatch, in time order.
import type { IncidentType, UnitType } from "../../../shared/domain";
import { callIntakeId, opIdFor } from "./ids";
import { mapIncidentType, mapUnitType } from "./rows";
import type { RowProblem, SfRow } from "./rows";
import { Tally } from "./tally";
import { formatSfTime } from "./time";

export type ImportStatus = "en_route" | "on_scene" | "transporting" | "at_hospital" | "available";

export interface PlannedCall {
  callNumber: string;
  incidentNumber: string;
  intakeId: string;
  receivedAt: number;
  lat: number;
  lng: number;
  address?: string;
  incidentType: IncidentType;
  /** The SF Call Type, as the dispatcher would have typed it. */
  description: string;
}

export interface PlannedUnit {
  unitId: string;
  callSign: string;
  type: UnitType;
  station: string;
  home: { lat: number; lng: number };
}

/** One API request; `at` is when it happened (UTC epoch ms, the file's time line). */
export type PlannedRequest =
  | { kind: "call"; at: number; call: PlannedCall }
  | { kind: "unit"; at: number; unit: PlannedUnit }
  | { kind: "dispatch"; at: number; callNumber: string; unitId: string; opId: string }
  | { kind: "status"; at: number; callNumber: string; unitId: string; status: ImportStatus; opId: string }
  | { kind: "close"; at: number; callNumber: string; opId: string };

export interface ImportPlan {
  requests: PlannedRequest[];
  calls: number;
  /** Requests that write to an incident's log (everything but unit records). */
  events: number;
  /** Times in the file that will not be sent, by reason. */
  skipped: Tally;
  /** Things recorded anyway that a reader should know about (missing or out-of-order times). */
  notes: Tally;
}

export interface PlanOptions {
  /** Separates the ids of replays that must not share them; "" (default) makes re-runs no-ops. */
  scope?: string;
  /** Rows the reader could not use; they are listed with the skips. */
  problems?: readonly RowProblem[];
}

export const SKIP = {
  neverAvailable: "unit never available",
  incidentLeftOpen: "incident left open: a unit was never available",
  transportBeforePrevious: "transport time earlier than the unit's previous step",
  hospitalBeforePrevious: "hospital time earlier than the unit's previous step",
} as const;

export const NOTE = {
  outOfOrder: "out of order, recorded as given",
  noEnRoute: "no en route time (recorded from dispatched to the next step)",
  noOnScene: "no on scene time",
  afterReroute: "time after a re-route, recorded on the earlier assignment",
  receivedDiffers: "call rows disagree on the received time (earliest used)",
} as const;

const STEP_LABEL: Record<ImportStatus | "dispatch", string> = {
  dispatch: "dispatch",
  en_route: "en route",
  on_scene: "on scene",
  transporting: "transport",
  at_hospital: "hospital",
  available: "available",
};

/** Tie order at equal times, as the steps happen. */
const STEP_RANK: Record<Exclude<PlannedRequest["kind"], "status"> | ImportStatus, number> = {
  call: 0,
  unit: 1,
  dispatch: 2,
  en_route: 3,
  on_scene: 4,
  transporting: 5,
  at_hospital: 6,
  available: 7,
  close: 8,
};

function rankOf(request: PlannedRequest): number {
  return request.kind === "status" ? STEP_RANK[request.status] : STEP_RANK[request.kind];
}

interface Node {
  request: PlannedRequest;
  rank: number;
  callOrder: number;
  sequence: number;
  unitId: string;
  waitingFor: number;
  then: Node[];
}

function compareNodes(a: Node, b: Node): number {
  return (
    a.request.at - b.request.at ||
    a.rank - b.rank ||
    a.callOrder - b.callOrder ||
    a.sequence - b.sequence ||
    (a.unitId < b.unitId ? -1 : a.unitId > b.unitId ? 1 : 0)
  );
}

/** A binary min-heap: the ready requests, earliest first. */
class ReadyQueue {
  private readonly items: Node[] = [];

  get size(): number {
    return this.items.length;
  }

  push(node: Node): void {
    const items = this.items;
    items.push(node);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const up = items[parent] as Node;
      if (compareNodes(node, up) >= 0) break;
      items[i] = up;
      i = parent;
    }
    items[i] = node;
  }

  pop(): Node | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && compareNodes(items[right] as Node, items[left] as Node) < 0 ? right : left;
      const smaller = items[child] as Node;
      if (compareNodes(smaller, last) >= 0) break;
      items[i] = smaller;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/**
 * The roster's spelling of a DataSF unit id: "E01" is the center's "E1", "T01" its "T1". Without this an import
 * next to an existing roster (the demo's) shows every unit twice, on the board and in recommendations.
 */
export function rosterUnitId(sfUnitId: string): string {
  return sfUnitId.replace(/^([A-Za-z]+)0+(\d)/, "$1$2");
}

/** "Station 1" for Station Area "01", as rosters name their stations. */
export function rosterStation(stationArea: string | undefined): string {
  if (stationArea === undefined) return "Station unknown";
  return /^\d+$/.test(stationArea) ? `Station ${Number(stationArea)}` : `Station ${stationArea}`;
}

function rowLabel(row: SfRow): string {
  return `call ${row.callNumber} unit ${row.unitId}`;
}

function at(ms: number): string {
  return formatSfTime(ms);
}

export function buildPlan(rows: readonly SfRow[], options: PlanOptions = {}): ImportPlan {
  const scope = options.scope ?? "";
  const skipped = new Tally();
  const notes = new Tally();
  for (const problem of options.problems ?? []) {
    skipped.add(problem.reason, `record ${problem.record}: ${problem.detail}`);
  }

  // ---- calls ----
  const rowsByCall = new Map<string, SfRow[]>();
  for (const row of rows) {
    const list = rowsByCall.get(row.callNumber);
    if (list) list.push(row);
    else rowsByCall.set(row.callNumber, [row]);
  }
  const calls: PlannedCall[] = [];
  for (const [callNumber, callRows] of rowsByCall) {
    callRows.sort((a, b) => a.unitSequence - b.unitSequence || a.dispatch - b.dispatch);
    const first = callRows[0] as SfRow;
    const receivedAt = Math.min(...callRows.map((row) => row.received));
    if (callRows.some((row) => row.received !== receivedAt)) {
      notes.add(NOTE.receivedDiffers, `call ${callNumber}: earliest ${at(receivedAt)}`);
    }
    const address = [first.address, first.city].filter((part) => part !== "").join(", ").slice(0, 300);
    calls.push({
      callNumber,
      incidentNumber: first.incidentNumber,
      intakeId: callIntakeId(callNumber, scope),
      receivedAt,
      lat: first.lat,
      lng: first.lng,
      ...(address !== "" ? { address } : {}),
      incidentType: mapIncidentType(first.callType),
      description: first.callType,
    });
  }
  calls.sort((a, b) => a.receivedAt - b.receivedAt || (a.callNumber < b.callNumber ? -1 : 1));
  const callOrder = new Map<string, number>();
  const callsByNumber = new Map<string, PlannedCall>();
  calls.forEach((call, index) => {
    callOrder.set(call.callNumber, index);
    callsByNumber.set(call.callNumber, call);
  });

  const nodes: Node[] = [];
  /** `sequence` is the unit's place in the call's dispatch, the last tie-break before the unit id. */
  const addNode = (
    request: PlannedRequest,
    callNumber: string,
    sequence: number,
    unitId: string,
    after: readonly (Node | undefined)[],
  ) => {
    const node: Node = {
      request,
      rank: rankOf(request),
      callOrder: callOrder.get(callNumber) ?? 0,
      sequence,
      unitId,
      waitingFor: 0,
      then: [],
    };
    for (const before of after) {
      if (!before) continue;
      before.then.push(node);
      node.waitingFor++;
    }
    nodes.push(node);
    return node;
  };

  const callNodes = new Map<string, Node>();
  for (const call of calls) {
    callNodes.set(call.callNumber, addNode({ kind: "call", at: call.receivedAt, call }, call.callNumber, 0, "", []));
  }

  // ---- units and their steps ----
  // Found unit by unit, reported in the file's time order, so a report's examples are the earliest ones.
  const findings: { tally: Tally; row: SfRow; reason: string; example: string }[] = [];
  const finding = (tally: Tally, row: SfRow, reason: string, example: string) =>
    findings.push({ tally, row, reason, example });
  const rowsByUnit = new Map<string, SfRow[]>();
  for (const row of rows) {
    const unitId = rosterUnitId(row.unitId);
    const list = rowsByUnit.get(unitId);
    if (list) list.push(row);
    else rowsByUnit.set(unitId, [row]);
  }
  /** The last request of each row's chain, so the close can wait for all of them. */
  const lastNodeOfRow = new Map<SfRow, Node>();

  for (const [unitId, unitRows] of rowsByUnit) {
    unitRows.sort(
      (a, b) => a.dispatch - b.dispatch || (callOrder.get(a.callNumber) ?? 0) - (callOrder.get(b.callNumber) ?? 0),
    );
    const firstRow = unitRows[0] as SfRow;
    const stationArea = unitRows.find((row) => row.stationArea !== "")?.stationArea;
    // The file has no station coordinates: a unit's home is where its first call was, which is at least in
    // its first-due area more often than not. Station Area is the call's area, likewise the best guess.
    const unitNode = addNode(
      {
        kind: "unit",
        at: firstRow.dispatch,
        unit: {
          unitId,
          callSign: unitId.slice(0, 32),
          type: mapUnitType(firstRow.unitType),
          station: rosterStation(stationArea),
          home: { lat: firstRow.lat, lng: firstRow.lng },
        },
      },
      firstRow.callNumber,
      firstRow.unitSequence,
      unitId,
      [],
    );

    let previous: Node = unitNode;
    /** Steps of the previous row that came after its re-route: they wait for the re-route's dispatch. */
    let afterReroute: { row: SfRow; status: ImportStatus; time: number }[] = [];
    unitRows.forEach((row, index) => {
      const label = rowLabel(row);
      const next = unitRows[index + 1];
      // Dispatched to the next call before it was available on this one: a re-route. The server moves the unit
      // to the new incident, and a status always applies to the unit's current incident, so this call's later
      // times cannot be recorded on it any more.
      const reroutedAt =
        next !== undefined && (row.available === null || row.available > next.dispatch) ? next.dispatch : null;
      const reroutedBefore = (time: number) => reroutedAt !== null && time > reroutedAt;
      const rerouteNote = (step: ImportStatus, time: number) =>
        `${label}: ${STEP_LABEL[step]} ${at(time)}, re-routed to call ${next?.callNumber} at ${at(reroutedAt ?? 0)}`;
      const deferred: typeof afterReroute = [];
      const defer = (status: ImportStatus, time: number) => {
        finding(notes, row, NOTE.afterReroute, rerouteNote(status, time));
        deferred.push({ row, status, time });
      };

      const call = callsByNumber.get(row.callNumber) as PlannedCall;
      if (row.dispatch < call.receivedAt) {
        const example = `${label}: dispatch ${at(row.dispatch)} before received ${at(call.receivedAt)}`;
        finding(notes, row, NOTE.outOfOrder, example);
      }
      if (row.response === null) finding(notes, row, NOTE.noEnRoute, label);
      if (row.onScene === null) finding(notes, row, NOTE.noOnScene, label);
      if (row.response !== null && row.response < row.dispatch) {
        const example = `${label}: en route ${at(row.response)} before dispatch ${at(row.dispatch)}`;
        finding(notes, row, NOTE.outOfOrder, example);
      }
      if (row.onScene !== null && row.onScene < row.dispatch) {
        const example = `${label}: on scene ${at(row.onScene)} before dispatch ${at(row.dispatch)}`;
        finding(notes, row, NOTE.outOfOrder, example);
      }
      if (row.response !== null && row.onScene !== null && row.onScene < row.response) {
        const example = `${label}: en route ${at(row.response)} after on scene ${at(row.onScene)}`;
        finding(notes, row, NOTE.outOfOrder, example);
      }

      const stepOf = (of: SfRow, status: ImportStatus, time: number, after: Node) =>
        addNode(
          {
            kind: "status",
            at: time,
            callNumber: of.callNumber,
            unitId,
            status,
            opId: opIdFor(scope, of.callNumber, unitId, status),
          },
          of.callNumber,
          of.unitSequence,
          unitId,
          [after],
        );
      const step = (status: ImportStatus, time: number, after: Node) => stepOf(row, status, time, after);

      let last = addNode(
        {
          kind: "dispatch",
          at: row.dispatch,
          callNumber: row.callNumber,
          unitId,
          opId: opIdFor(scope, row.callNumber, unitId, "dispatch"),
        },
        row.callNumber,
        row.unitSequence,
        unitId,
        [callNodes.get(row.callNumber), previous],
      );
      let lastTime = row.dispatch;
      // The previous call's times after the re-route go out once the unit has moved here (this dispatch).
      let chain: Node = last;
      for (const pending of afterReroute) {
        chain = stepOf(pending.row, pending.status, pending.time, chain);
        lastNodeOfRow.set(pending.row, chain);
      }
      afterReroute = [];

      // En route and on scene are never dropped for being out of order: they are what response times are made
      // of. They go out in time order, so an on scene before en route is recorded as given (negative travel).
      const arrival: { status: ImportStatus; time: number }[] = [];
      if (row.response !== null) arrival.push({ status: "en_route", time: row.response });
      if (row.onScene !== null) arrival.push({ status: "on_scene", time: row.onScene });
      arrival.sort((a, b) => a.time - b.time || STEP_RANK[a.status] - STEP_RANK[b.status]);
      for (const { status, time } of arrival) {
        if (reroutedBefore(time)) {
          defer(status, time);
          continue;
        }
        last = step(status, time, last);
        lastTime = Math.max(lastTime, time);
      }

      // Transport and hospital earlier than the step before them are typing slips, not history: a unit cannot
      // reach the hospital before it leaves with the patient.
      const transfers: { status: ImportStatus; time: number | null; reason: string }[] = [
        { status: "transporting", time: row.transport, reason: SKIP.transportBeforePrevious },
        { status: "at_hospital", time: row.hospital, reason: SKIP.hospitalBeforePrevious },
      ];
      for (const { status, time, reason } of transfers) {
        if (time === null) continue;
        const previousTime = Math.max(lastTime, ...deferred.map((pending) => pending.time));
        if (time < previousTime) {
          finding(skipped, row, reason, `${label}: ${STEP_LABEL[status]} ${at(time)} before ${at(previousTime)}`);
          continue;
        }
        if (reroutedBefore(time)) {
          defer(status, time);
          continue;
        }
        if (time < lastTime) {
          finding(skipped, row, reason, `${label}: ${STEP_LABEL[status]} ${at(time)} before ${at(lastTime)}`);
          continue;
        }
        last = step(status, time, last);
        lastTime = time;
      }

      if (row.available === null) {
        finding(skipped, row, SKIP.neverAvailable, `${label}: dispatched ${at(row.dispatch)}, no available time`);
      } else if (reroutedBefore(row.available)) {
        defer("available", row.available);
      } else {
        if (row.available < lastTime) {
          finding(notes, row, NOTE.outOfOrder, `${label}: available ${at(row.available)} before ${at(lastTime)}`);
        }
        last = step("available", row.available, last);
      }
      lastNodeOfRow.set(row, last);
      previous = last;
      afterReroute = deferred;
    });
  }

  findings.sort(
    (a, b) =>
      a.row.dispatch - b.row.dispatch ||
      (callOrder.get(a.row.callNumber) ?? 0) - (callOrder.get(b.row.callNumber) ?? 0) ||
      a.row.unitSequence - b.row.unitSequence,
  );
  for (const { tally, reason, example } of findings) tally.add(reason, example);

  // ---- closes: when the call's last unit is available ----
  for (const call of calls) {
    const callRows = rowsByCall.get(call.callNumber) ?? [];
    const open = callRows.find((row) => row.available === null);
    if (open) {
      const example = `call ${call.callNumber} (incident ${call.incidentNumber}): unit ${open.unitId}`;
      skipped.add(SKIP.incidentLeftOpen, example);
      continue;
    }
    const closedAt = Math.max(...callRows.map((row) => row.available ?? 0));
    addNode(
      { kind: "close", at: closedAt, callNumber: call.callNumber, opId: opIdFor(scope, call.callNumber, "close") },
      call.callNumber,
      Number.MAX_SAFE_INTEGER,
      "",
      [callNodes.get(call.callNumber), ...callRows.map((row) => lastNodeOfRow.get(row))],
    );
  }

  // ---- order: earliest ready request first (Kahn's algorithm with a priority queue) ----
  const ready = new ReadyQueue();
  for (const node of nodes) if (node.waitingFor === 0) ready.push(node);
  const requests: PlannedRequest[] = [];
  for (let node = ready.pop(); node !== undefined; node = ready.pop()) {
    requests.push(node.request);
    for (const after of node.then) {
      after.waitingFor--;
      if (after.waitingFor === 0) ready.push(after);
    }
  }
  if (requests.length !== nodes.length) throw new Error("plan has a dependency cycle (a bug in buildPlan)");

  return {
    requests,
    calls: calls.length,
    events: requests.filter((request) => request.kind !== "unit").length,
    skipped,
    notes,
  };
}
