import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { CELL_MONGO, CELL_SQL, cellOf, cellsCovering, MAX_CELLS_PER_QUERY } from "../../../server/store/cells";

type Expression = unknown;

/**
 * Evaluates the few aggregation operators CELL_MONGO uses, as the MongoDB manual defines them on doubles, so the
 * backfill's formula is checked against cellOf here (no MongoDB can run on this machine). An operator it does
 * not know fails the test rather than passing unchecked.
 */
function evaluate(expression: Expression, document: Record<string, unknown>): unknown {
  if (typeof expression === "string" && expression.startsWith("$")) return document[expression.slice(1)];
  if (expression === null || typeof expression !== "object") return expression;
  const [[operator, argument]] = Object.entries(expression) as [[string, Expression]];
  const args = (Array.isArray(argument) ? argument : [argument]).map((item: Expression) => evaluate(item, document));
  switch (operator) {
    case "$cond":
      return args[0] ? args[1] : args[2];
    case "$and":
      return args.every(Boolean);
    case "$isNumber":
      return typeof args[0] === "number";
    case "$add":
      return (args as number[]).reduce((sum, value) => sum + value, 0);
    case "$multiply":
      return (args as number[]).reduce((product, value) => product * value, 1);
    case "$floor":
      return Math.floor(args[0] as number);
    default:
      throw new Error(`operator ${operator} is not evaluated here`);
  }
}

/** Points on and beside cell edges (where rounding would differ first), the poles, the antimeridian, and random ones. */
function samplePoints(): { lat: number; lng: number }[] {
  const points = [
    { lat: 37.5, lng: 127 },
    { lat: 37.52, lng: 127.02 },
    { lat: -33.87, lng: 151.21 },
    { lat: 90, lng: 180 },
    { lat: -90, lng: -180 },
    { lat: 0, lng: 0 },
    { lat: 0.01, lng: -0.01 },
  ];
  for (let index = 0; index < 2000; index++) {
    const edge = Math.round(Math.random() * 18_000) / 100 - 90;
    points.push({ lat: edge, lng: Math.round(Math.random() * 36_000) / 100 - 180 });
    points.push({ lat: Math.random() * 180 - 90, lng: Math.random() * 360 - 180 });
  }
  return points;
}

describe("grid cells of the duplicate lookup", () => {
  it("gives SQLite's backfill (CELL_SQL) exactly the cells the server writes", () => {
    const db = new Database(":memory:");
    const cellInSql = db.prepare<{ lat: number; lng: number }, { cell: number }>(
      `SELECT ${CELL_SQL} AS cell FROM (SELECT @lat AS lat, @lng AS lng)`,
    );
    const disagreeing = samplePoints().filter((point) => cellInSql.get(point)?.cell !== cellOf(point.lat, point.lng));
    expect(disagreeing).toEqual([]);
    db.close();
  });

  it("gives MongoDB's backfill (CELL_MONGO) exactly the cells the server writes, and null without a position", () => {
    const disagreeing = samplePoints().filter((point) => evaluate(CELL_MONGO, point) !== cellOf(point.lat, point.lng));
    expect(disagreeing).toEqual([]);
    expect(evaluate(CELL_MONGO, { lat: null, lng: null })).toBeNull();
    expect(evaluate(CELL_MONGO, {})).toBeNull();
  });

  it("covers every point of a box with the cells it names", () => {
    for (let index = 0; index < 500; index++) {
      const lat = Math.random() * 120 - 60;
      const lng = Math.random() * 300 - 150;
      const half = Math.random() * 0.02;
      const box = { minLat: lat - half, maxLat: lat + half, minLng: lng - half, maxLng: lng + half };
      const cells = new Set(cellsCovering(box));
      for (const point of [
        { lat: box.minLat, lng: box.minLng },
        { lat: box.maxLat, lng: box.maxLng },
        { lat: box.minLat, lng: box.maxLng },
        { lat: box.maxLat, lng: box.minLng },
        { lat, lng },
        { lat: box.minLat + Math.random() * 2 * half, lng: box.minLng + Math.random() * 2 * half },
      ]) {
        expect(cells.has(cellOf(point.lat, point.lng))).toBe(true);
      }
    }
  });

  it("names no cells for a box too wide or across the antimeridian (the time-window walk takes those)", () => {
    expect(cellsCovering({ minLat: 37, maxLat: 38, minLng: 122, maxLng: 123 })).toBeNull();
    expect(cellsCovering({ minLat: 0, maxLat: 0.001, minLng: 179.999, maxLng: 180.001 })).toBeNull();
    expect(cellsCovering({ minLat: 37.5, maxLat: 37.505, minLng: 127, maxLng: 127.005 })).toHaveLength(1);
    expect(cellsCovering({ minLat: 37.495, maxLat: 37.505, minLng: 126.995, maxLng: 127.005 })).toHaveLength(4);
    expect(MAX_CELLS_PER_QUERY).toBeGreaterThanOrEqual(9);
  });
});
