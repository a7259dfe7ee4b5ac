// Duplicate suggestions on real traffic: few false "strong" on genuinely new calls, and an extra caller's own
// incident always first. Measured on the DataSF sample (test/bench/duplicatePrecision.ts, also in `npm run bench`).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { isPreciseAddress } from "../../server/services/duplicates";
import { describePrecision, measureDuplicatePrecision } from "../bench/duplicatePrecision";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type Account, type TestServer } from "../helpers/server";

const REPO = fileURLToPath(new URL("../..", import.meta.url));
const SAMPLE = process.env.SF_CALLS_CSV ?? path.resolve(REPO, "../shared/data/sf-fire-calls-2016-12.csv");
const haveSample = fs.existsSync(SAMPLE);

describe.skipIf(!haveSample && process.env.CI !== "true")("duplicate precision on the DataSF sample", () => {
  it("gives at most 2 % of new calls a strong suggestion, and ranks every simulated extra caller's incident first", async () => {
    const result = await measureDuplicatePrecision(SAMPLE);
    console.log(describePrecision(result).join("\n"));
    expect(result.newCalls).toBeGreaterThan(3000);
    expect(result.extraCallers).toBeGreaterThan(3000);
    expect(result.falseStrong / result.newCalls).toBeLessThanOrEqual(0.02);
    // First, or tied first with an incident nothing can tell apart (same type, same block, minutes apart).
    expect(result.examples.notFirst).toEqual([]);
    expect(result.rankedFirst + result.tiedFirst).toBe(result.extraCallers);
    expect(result.strongForOwn / result.extraCallers).toBeGreaterThanOrEqual(0.99);
  }, 180_000);
});

describe("what makes a suggestion strong", () => {
  let server: TestServer;
  let dispatcher: Account;
  beforeAll(async () => {
    server = await startTestServer();
    dispatcher = await server.createAccount("dispatcher");
  });
  afterAll(() => server.close());

  const post = async (body: Parameters<typeof phoneCall>[0]) =>
    (await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall(body) })).body;

  it("tells a block or an intersection from a house number", () => {
    expect(isPreciseAddress("935 Folsom St")).toBe(true);
    expect(isPreciseAddress("900 Block of MARKET ST, San Francisco")).toBe(false);
    expect(isPreciseAddress("OAK ST/STANYAN ST, San Francisco")).toBe(false);
  });

  it("does not call a different type at the same address strong", async () => {
    const spot = { lat: 22.5, lng: 114.05, address: "12 Harbour Rd" };
    const fire = await post({ incidentType: "outside_fire", location: spot, callerNumber: "+86 131 0000 0001" });
    const medical = await post({ incidentType: "medical", location: spot, callerNumber: "+86 131 0000 0002" });
    const candidate = medical.duplicates.find((entry) => entry.incidentId === fire.incident.id);
    expect(candidate?.level).toBe("possible");
    expect(candidate?.reasons).toContain("same_address");
  });

  it("lists the older of two same-type incidents at one block first for a caller who cannot be told apart", async () => {
    const block = { lat: 22.6, lng: 114.1, address: "100 Block of Shennan Rd" };
    const first = await post({ incidentType: "medical", location: block, callerNumber: "+86 132 0000 0001" });
    await post({ incidentType: "medical", location: block, callerNumber: "+86 132 0000 0002" });
    const query = await server.api<{ duplicates: CallIntakeResult["duplicates"] }>(
      "GET",
      `/calls/duplicates?lat=${block.lat}&lng=${block.lng}&incidentType=medical&address=${encodeURIComponent(block.address)}`,
      { token: dispatcher.token },
    );
    expect(query.body.duplicates[0]?.incidentId).toBe(first.incident.id);
  });
});
