// With REDIS_URL, the rate limits of the public routes (residents' case lookups, published explanations and their
// pages) hold across app instances: two real servers share one real redis-server, started here on a free loopback
// port. A client the load balancer spreads over both gets no more requests than from one.
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorBody } from "../../shared/errors";
import { Cluster, REDIS_SERVER } from "../helpers/cluster";
import { startTestServer, type TestServer } from "../helpers/server";

const describeRedis = fs.existsSync(REDIS_SERVER) ? describe : describe.skip;
if (!fs.existsSync(REDIS_SERVER)) {
  const message = `Redis public-limit test SKIPPED: no ${REDIS_SERVER} (apt-get install redis-server)`;
  if (process.env.CI === "true") throw new Error(message);
  console.warn(message);
}

const CASE_LIMIT = 6;
const PAGE_LIMIT = 3;
const UNKNOWN_TOKEN = "A".repeat(24);

describeRedis("public rate limits shared in Redis", () => {
  const cluster = new Cluster();
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    const redisUrl = await cluster.startRedis();
    // Each test is a client of its own (X-Forwarded-For from the loopback proxy): the case limiter also counts the
    // explanation API (every /api/v1/public request), with a higher limit than the explanations' own.
    const env = {
      REDIS_URL: redisUrl,
      TRUST_PROXY: "loopback",
      PUBLIC_RATE_LIMIT: String(CASE_LIMIT),
      PUBLIC_REQUESTS_PER_MINUTE: String(PAGE_LIMIT),
    };
    first = await startTestServer({ env });
    second = await startTestServer({ env });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    cluster.stopAll();
  });

  /** `limit` requests alternating between the instances, then one more on each: both refuse it. */
  async function exhaust(limit: number, request: (server: TestServer) => Promise<number>): Promise<void> {
    for (let index = 0; index < limit; index++) {
      expect(await request(index % 2 === 0 ? first : second)).not.toBe(429);
    }
    expect(await request(first)).toBe(429);
    expect(await request(second)).toBe(429);
  }

  it("counts one address's case lookups on both instances together", async () => {
    const headers = { "x-access-code": "nope", "x-forwarded-for": "203.0.113.1" };
    await exhaust(CASE_LIMIT, async (server) => (await server.api<ErrorBody>("GET", "/public/cases/2026-X-00001", { headers })).status);
  });

  it("counts one address's reads of published explanations on both instances together, API and page each", async () => {
    const headers = { "x-forwarded-for": "203.0.113.2" };
    await exhaust(PAGE_LIMIT, async (server) => (await server.api("GET", `/public/explanations/${UNKNOWN_TOKEN}`, { headers })).status);
    await exhaust(PAGE_LIMIT, async (server) => (await fetch(`${server.url}/p/${UNKNOWN_TOKEN}`, { headers })).status);
  });

  it("with Redis gone, refuses case lookups (503) but still serves public pages", async () => {
    await cluster.stopRedis();
    const headers = { "x-forwarded-for": "203.0.113.2" };
    const lookup = await second.api<ErrorBody>("GET", "/public/cases/2026-X-00001", { headers: { ...headers, "x-access-code": "nope" } });
    expect(lookup.status).toBe(503);
    expect(lookup.body.code).toBe("store_unavailable");
    // Not limited while Redis is away (the counters above had refused this address): answered, here "not found".
    expect((await second.api("GET", `/public/explanations/${UNKNOWN_TOKEN}`, { headers })).status).toBe(404);
    expect((await fetch(`${second.url}/p/${UNKNOWN_TOKEN}`, { headers })).status).toBe(404);
  });
});
