// Address suggestions from the center's own history (GET /addresses): the real server, a fresh SQLite file and
// real HTTP. Calls are taken through the API, so the suggestions come from what intake stored.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressMatch, CallIntakeResult } from "../../shared/api";
import type { ErrorBody } from "../../shared/errors";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type Account, type TestServer } from "../helpers/server";

let server: TestServer;
let dispatcher: Account;

beforeAll(async () => {
  server = await startTestServer();
  dispatcher = await server.createAccount("dispatcher");
});
afterAll(() => server.close());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

async function takeCall(address: string, lat: number, lng: number, receivedAt: string): Promise<CallIntakeResult> {
  const response = await server.api<CallIntakeResult>("POST", "/calls", {
    token: dispatcher.token,
    body: phoneCall({ location: { lat, lng, address }, receivedAt }),
  });
  if (response.status !== 201) throw new Error(`intake failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

function lookUp<T = { addresses: AddressMatch[] }>(query: string, token: string | null = dispatcher.token) {
  return server.api<T>("GET", `/addresses?${query}`, { token });
}

const q = (text: string) => `q=${encodeURIComponent(text)}`;

describe("address suggestions", () => {
  let latest: CallIntakeResult;

  beforeAll(async () => {
    await takeCall("935 Folsom St", 37.7808, -122.404, minutesAgo(30));
    latest = await takeCall("935 FOLSOM ST.", 37.78092, -122.40418, minutesAgo(5));
    await takeCall("9350 Mission St", 37.7101, -122.4521, minutesAgo(20));
    await takeCall("1 Market St", 37.7946, -122.3949, minutesAgo(10));
  });

  it("finds a known address from part of it, with the location of its most recent incident", async () => {
    const response = await lookUp(q("935 folsom"));
    expect(response.status).toBe(200);
    expect(response.body.addresses).toEqual([
      { address: "935 FOLSOM ST.", lat: 37.78092, lng: -122.40418, lastSeenAt: latest.incident.receivedAt, incidents: 2 },
    ]);
  });

  it("ignores case, punctuation and surrounding spaces in what was typed", async () => {
    for (const typed of ["935 Folsom St.", "  935 FOLSOM  ", "935, folsom"]) {
      const response = await lookUp(q(typed));
      expect(response.status, typed).toBe(200);
      expect(response.body.addresses.map((match) => match.address), typed).toEqual(["935 FOLSOM ST."]);
    }
  });

  it("lists every address starting with the text once, most recently seen first, up to the limit", async () => {
    const all = await lookUp(q("935"));
    expect(all.body.addresses.map((match) => [match.address, match.incidents])).toEqual([
      ["935 FOLSOM ST.", 2],
      ["9350 Mission St", 1],
    ]);
    const one = await lookUp(`${q("935")}&limit=1`);
    expect(one.body.addresses.map((match) => match.address)).toEqual(["935 FOLSOM ST."]);
  });

  it("answers an empty list for unknown text, for wildcards, and for text that is only punctuation", async () => {
    for (const typed of ["936 folsom", "9%", "9_5", ".*", "..."]) {
      const response = await lookUp(q(typed));
      expect(response.status, typed).toBe(200);
      expect(response.body.addresses, typed).toEqual([]);
    }
  });

  it("refuses crews and PR, and anyone not signed in", async () => {
    await server.createUnit("ADDR-E1");
    const crew = await server.createAccount("crew", "ADDR-E1");
    const pr = await server.createAccount("pr");
    for (const token of [crew.token, pr.token]) {
      const response = await lookUp<ErrorBody>(q("935 folsom"), token);
      expect(response.status).toBe(403);
      expect(response.body.code).toBe("forbidden");
      expect(JSON.stringify(response.body)).not.toContain("FOLSOM");
    }
    expect((await lookUp<ErrorBody>(q("935 folsom"), null)).status).toBe(401);
    for (const role of ["supervisor", "integration"] as const) {
      const other = await server.createAccount(role);
      expect((await lookUp(q("935 folsom"), other.token)).body.addresses).toHaveLength(1);
    }
    expect((await lookUp(q("935 folsom"), server.adminToken)).body.addresses).toHaveLength(1);
  });

  it.each([
    ["no q", ""],
    ["a one-letter q", q("9")],
    ["a q that is one letter once trimmed", q("  9  ")],
    ["a q over 300 characters", q("9".repeat(301))],
    ["q given twice", `${q("935")}&${q("folsom")}`],
    ["a limit of 0", `${q("935")}&limit=0`],
    ["a limit over 20", `${q("935")}&limit=21`],
    ["a limit that is not a number", `${q("935")}&limit=many`],
    ["an unknown parameter", `${q("935")}&near=1`],
    ["an operator object", "q[$gt]=a"],
  ])("refuses %s with validation_failed", async (_name, query) => {
    const response = await lookUp<ErrorBody>(query);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe("validation_failed");
    expect(response.body.issues?.length).toBeGreaterThan(0);
  });
});
