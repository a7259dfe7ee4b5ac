// A grid of cells 0.01 degree on a side (about 1.1 km north-south, less east-west away from the equator), so the
// duplicate lookup seeks the few cells around a call instead of walking every incident of its time window: in a
// storm the window holds thousands of calls, the cells around one place a handful.
// The adapters compute the same numbers for records stored before cells existed (CELL_SQL, CELL_MONGO): all three
// must agree exactly, so they live together here.

const CELLS_PER_DEGREE = 100;
/** One more than the columns of a row, so longitude 180 (column 36,000) does not spill into the next row. */
const ROW_STRIDE = 360 * CELLS_PER_DEGREE + 1;

function row(lat: number): number {
  return Math.floor((lat + 90) * CELLS_PER_DEGREE);
}

function column(lng: number): number {
  return Math.floor((lng + 180) * CELLS_PER_DEGREE);
}

export function cellOf(lat: number, lng: number): number {
  return row(lat) * ROW_STRIDE + column(lng);
}

/** cellOf in SQL, for a migration's backfill: lat + 90 and lng + 180 are never negative, so CAST is floor. */
export const CELL_SQL = `CAST((lat + 90) * ${CELLS_PER_DEGREE} AS INTEGER) * ${ROW_STRIDE} + CAST((lng + 180) * ${CELLS_PER_DEGREE} AS INTEGER)`;

/** cellOf as a MongoDB aggregation expression, for the backfill of documents without a cell (null without a position). */
export const CELL_MONGO = {
  $cond: [
    { $and: [{ $isNumber: "$lat" }, { $isNumber: "$lng" }] },
    {
      $add: [
        { $multiply: [{ $floor: { $multiply: [{ $add: ["$lat", 90] }, CELLS_PER_DEGREE] } }, ROW_STRIDE] },
        { $floor: { $multiply: [{ $add: ["$lng", 180] }, CELLS_PER_DEGREE] } },
      ],
    },
    null,
  ],
};

/** Beyond this many cells a box is wide (a wildland fire's kilometres) and a walk of the time window is cheaper. */
export const MAX_CELLS_PER_QUERY = 36;

/**
 * The cells that cover a box, or null when there are more than MAX_CELLS_PER_QUERY. The box is clamped to valid
 * coordinates; one that crosses the antimeridian gets null (the time-window walk handles it).
 */
export function cellsCovering(box: { minLat: number; maxLat: number; minLng: number; maxLng: number }): number[] | null {
  if (box.minLng < -180 || box.maxLng > 180) return null;
  const rows = [row(Math.max(box.minLat, -90)), row(Math.min(box.maxLat, 90))] as const;
  const columns = [column(box.minLng), column(box.maxLng)] as const;
  if ((rows[1] - rows[0] + 1) * (columns[1] - columns[0] + 1) > MAX_CELLS_PER_QUERY) return null;
  const cells: number[] = [];
  for (let r = rows[0]; r <= rows[1]; r++) {
    for (let c = columns[0]; c <= columns[1]; c++) cells.push(r * ROW_STRIDE + c);
  }
  return cells;
}
