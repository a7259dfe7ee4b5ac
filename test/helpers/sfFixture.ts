// Synthetic DataSF rows for importer tests: one call's unit per row, times on 01/04/2017 (PST).
// The DataSF header, as in ../shared/data/sf-fire-calls-2016-12.csv.
export const HEADER =
  "Call Number,Unit ID,Incident Number,Call Type,Call Date,Watch Date,Received DtTm,Entry DtTm,Dispatch DtTm," +
  "Response DtTm,On Scene DtTm,Transport DtTm,Hospital DtTm,Call Final Disposition,Available DtTm,Address,City," +
  "Zipcode of Incident,Battalion,Station Area,Box,Original Priority,Priority,Final Priority,ALS Unit," +
  "Call Type Group,Number of Alarms,Unit Type,Unit sequence in call dispatch,Fire Prevention District," +
  "Supervisor District,Neighborhood  District,Location,RowID";

export interface FixtureRow {
  call: string;
  unit: string;
  seq: number;
  received: string;
  dispatch: string;
  enRoute?: string;
  onScene?: string;
  transport?: string;
  hospital?: string;
  available?: string;
  type?: string;
  unitType?: string;
}

/** A 24-hour "hh:mm:ss" on 01/04/2017 (PST) as the file writes it; anything else is passed through verbatim. */
export function sfTime(value: string | undefined): string {
  if (value === undefined) return "";
  const match = /^(\d\d):(\d\d):(\d\d)$/.exec(value);
  if (!match || Number(match[1]) > 23) return value;
  const hour = Number(match[1]);
  const hour12 = String(hour % 12 === 0 ? 12 : hour % 12).padStart(2, "0");
  return `01/04/2017 ${hour12}:${match[2]}:${match[3]} ${hour < 12 ? "AM" : "PM"}`;
}

export function csvOf(rows: FixtureRow[]): string {
  const time = sfTime;
  const lines = rows.map((row) =>
    [
      row.call,
      row.unit,
      `I${row.call}`,
      row.type ?? "Structure Fire",
      "01/04/2017",
      "01/04/2017",
      time(row.received),
      time(row.received),
      time(row.dispatch),
      time(row.enRoute),
      time(row.onScene),
      time(row.transport),
      time(row.hospital),
      "Fire",
      time(row.available),
      "100 Block of MARKET ST",
      "San Francisco",
      "94103",
      "B02",
      "36",
      "1234",
      "3",
      "3",
      "3",
      "true",
      "Fire",
      "1",
      row.unitType ?? "ENGINE",
      String(row.seq),
      "2",
      "6",
      "Mission",
      '"(37.77, -122.42)"',
      `${row.call}-${row.unit}`,
    ].join(","),
  );
  return [HEADER, ...lines].join("\r\n");
}
