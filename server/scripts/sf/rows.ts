// One DataSF "Fire Department Calls for Service" row = one unit's response to one call. This module turns the
// text columns into typed values (times as UTC epoch ms) and maps SF vocabularies onto ours.
import type { IncidentType, UnitType } from "../../../shared/domain";
import { readCsvTable } from "./csv";
import { parseSfTime } from "./time";

/** The columns the importer reads, by their header names in the DataSF export. */
export const SF_COLUMNS = {
  callNumber: "Call Number",
  unitId: "Unit ID",
  incidentNumber: "Incident Number",
  callType: "Call Type",
  received: "Received DtTm",
  dispatch: "Dispatch DtTm",
  response: "Response DtTm",
  onScene: "On Scene DtTm",
  transport: "Transport DtTm",
  hospital: "Hospital DtTm",
  available: "Available DtTm",
  address: "Address",
  city: "City",
  stationArea: "Station Area",
  unitType: "Unit Type",
  unitSequence: "Unit sequence in call dispatch",
  location: "Location",
} as const;

export interface SfRow {
  /** 1-based record number in the file (the header is 1), for messages. */
  record: number;
  callNumber: string;
  incidentNumber: string;
  callType: string;
  unitId: string;
  unitType: string;
  unitSequence: number;
  address: string;
  city: string;
  stationArea: string;
  lat: number;
  lng: number;
  /** Epoch ms (UTC). Received and dispatch are required; the steps after them may be missing (null). */
  received: number;
  dispatch: number;
  response: number | null;
  onScene: number | null;
  transport: number | null;
  hospital: number | null;
  available: number | null;
}

export interface RowProblem {
  reason: string;
  record: number;
  detail: string;
}

export interface SfFile {
  rows: SfRow[];
  /** Rows that could not be used at all, with why. */
  problems: RowProblem[];
}

const TIME_COLUMNS = ["received", "dispatch", "response", "onScene", "transport", "hospital", "available"] as const;
type TimeColumn = (typeof TIME_COLUMNS)[number];

const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
const LOCATION_PATTERN = /^\(\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\)$/;

/** "(37.745858648581, -122.456664252061)" -> { lat, lng }, or null when absent, unreadable or out of range. */
export function parseSfLocation(text: string): { lat: number; lng: number } | null {
  const match = LOCATION_PATTERN.exec(text.trim());
  if (!match) return null;
  const lat = Number(match[1]);
  const lng = Number(match[2]);
  if (!Number.isFinite(lat) || !Number.isFinite(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
  // DataSF writes (0, 0) or nothing for records it could not geocode; a point in the Gulf of Guinea is no location.
  if (lat === 0 && lng === 0) return null;
  return { lat, lng };
}

const UNIT_TYPES: Record<string, UnitType> = {
  ENGINE: "engine",
  TRUCK: "ladder",
  MEDIC: "medic",
  PRIVATE: "ambulance",
  CHIEF: "command",
  "RESCUE CAPTAIN": "command",
  "RESCUE SQUAD": "rescue",
  SUPPORT: "support",
};

export function mapUnitType(sfUnitType: string): UnitType {
  return UNIT_TYPES[sfUnitType.trim().toUpperCase()] ?? "other";
}

const INCIDENT_TYPES: Record<string, IncidentType> = {
  "Medical Incident": "medical",
  Alarms: "alarm",
  "Structure Fire": "structure_fire",
  "Outside Fire": "outside_fire",
  "Smoke Investigation (Outside)": "outside_fire",
  "Vehicle Fire": "vehicle_fire",
  "Traffic Collision": "rescue",
  "Water Rescue": "rescue",
  "Elevator / Escalator Rescue": "rescue",
  "Confined Space / Structure Collapse": "rescue",
  "Industrial Accidents": "rescue",
  "Gas Leak (Natural and LP Gases)": "hazmat",
  "Fuel Spill": "hazmat",
  HazMat: "hazmat",
  "Odor (Strange / Unknown)": "hazmat",
  "Electrical Hazard": "hazmat",
  "Citizen Assist / Service Call": "service",
};

export function mapIncidentType(sfCallType: string): IncidentType {
  return INCIDENT_TYPES[sfCallType.trim()] ?? "other";
}

/** Throws when a column the importer needs is absent: a renamed export should fail loudly, not import nothing. */
export function checkSfHeader(header: readonly string[]): void {
  const missing = Object.values(SF_COLUMNS).filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new Error(`not a DataSF calls-for-service file: missing column(s) ${missing.join(", ")}`);
  }
}

/** Reads the file's text into typed rows, keeping every row that can be replayed and saying why the others cannot. */
export function readSfFile(text: string): SfFile {
  const table = readCsvTable(text);
  checkSfHeader(table.header);
  const rows: SfRow[] = [];
  const problems: RowProblem[] = [];
  for (const malformed of table.malformed) {
    problems.push({
      reason: "row unreadable: wrong number of fields",
      record: malformed.record,
      detail: `${malformed.fields} fields, header has ${table.header.length}`,
    });
  }
  const seen = new Set<string>();
  for (const { record, values } of table.rows) {
    const get = (column: keyof typeof SF_COLUMNS) => (values[SF_COLUMNS[column]] ?? "").trim();
    const problem = (reason: string, detail: string) => problems.push({ reason, record, detail });
    const callNumber = get("callNumber");
    const unitId = get("unitId");
    const label = `call ${callNumber || "?"} unit ${unitId || "?"}`;
    if (!callNumber) {
      problem("row unreadable: no call number", label);
      continue;
    }
    if (!ID_PATTERN.test(unitId)) {
      problem("row unreadable: unit id missing or not usable as an id", `${label}: ${JSON.stringify(unitId)}`);
      continue;
    }
    const incidentNumber = get("incidentNumber");
    if (!incidentNumber || incidentNumber.length > 64) {
      problem("row unreadable: no incident number", label);
      continue;
    }
    const key = `${callNumber}\u0000${unitId}`;
    if (seen.has(key)) {
      problem("row repeated: same unit twice on one call (first kept)", label);
      continue;
    }
    const location = parseSfLocation(get("location"));
    if (!location) {
      problem("row unreadable: no location", `${label}: ${JSON.stringify(get("location"))}`);
      continue;
    }
    // A time that is present but unreadable is a problem with the whole row: guessing would invent history.
    const times: Partial<Record<TimeColumn, number | null>> = {};
    let unreadable: string | undefined;
    for (const column of TIME_COLUMNS) {
      const text = get(column);
      if (text === "") {
        times[column] = null;
        continue;
      }
      const parsed = parseSfTime(text);
      if (parsed === null) {
        unreadable = `${SF_COLUMNS[column]} ${JSON.stringify(text)}`;
        break;
      }
      times[column] = parsed;
    }
    if (unreadable !== undefined) {
      problem("row unreadable: time not in MM/DD/YYYY hh:mm:ss AM/PM form", `${label}: ${unreadable}`);
      continue;
    }
    const received = times.received ?? null;
    const dispatch = times.dispatch ?? null;
    if (received === null) {
      problem("row unreadable: no received time", label);
      continue;
    }
    if (dispatch === null) {
      problem("row unreadable: no dispatch time", label);
      continue;
    }
    const sequence = Number(get("unitSequence"));
    seen.add(key);
    rows.push({
      record,
      callNumber,
      incidentNumber,
      callType: get("callType"),
      unitId,
      unitType: get("unitType"),
      unitSequence: Number.isInteger(sequence) ? sequence : Number.MAX_SAFE_INTEGER,
      address: get("address"),
      city: get("city"),
      stationArea: get("stationArea"),
      lat: location.lat,
      lng: location.lng,
      received,
      dispatch,
      response: times.response ?? null,
      onScene: times.onScene ?? null,
      transport: times.transport ?? null,
      hospital: times.hospital ?? null,
      available: times.available ?? null,
    });
  }
  return { rows, problems };
}
