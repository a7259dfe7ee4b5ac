import { describe, expect, it } from "vitest";
import { ApiError, createHttpClient, type FetchLike } from "../../client/src/api/http";
import { en } from "../../client/src/i18n/locales/en";
import { zhCN } from "../../client/src/i18n/locales/zh-CN";
import { zhTW } from "../../client/src/i18n/locales/zh-TW";

function respond(status: number, body?: unknown): FetchLike {
  return async () => new Response(body === undefined ? null : JSON.stringify(body), { status });
}

describe("typed fetch", () => {
  it("sends the bearer token and parses JSON", async () => {
    const seen: { url: string; auth: string | null }[] = [];
    const http = createHttpClient({
      getToken: () => "tok",
      fetch: async (url, init) => {
        seen.push({ url, auth: new Headers(init?.headers).get("authorization") });
        return new Response(JSON.stringify({ units: [] }), { status: 200 });
      },
    });
    expect(await http.get("/units", { status: "open", skip: undefined })).toEqual({ units: [] });
    expect(seen).toEqual([{ url: "/api/v1/units?status=open", auth: "Bearer tok" }]);
  });

  it("throws a typed error carrying the server's stable code and message", async () => {
    const http = createHttpClient({ getToken: () => "tok", fetch: respond(409, { code: "unit_unavailable", message: "E1 is on 2026-00002", requestId: "r1" }) });
    const error = await http.post("/incidents/i1/dispatch", {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 409, code: "unit_unavailable", message: "E1 is on 2026-00002", requestId: "r1" });
  });

  it("logs out on a 401 for an authenticated request", async () => {
    let loggedOut = 0;
    const http = createHttpClient({ getToken: () => "tok", onUnauthenticated: () => loggedOut++, fetch: respond(401, { code: "token_revoked", message: "revoked" }) });
    await expect(http.get("/auth/me")).rejects.toMatchObject({ code: "token_revoked" });
    expect(loggedOut).toBe(1);
  });

  it("keeps the session when a password change answers 401 invalid_credentials (a wrong current password)", async () => {
    let loggedOut = 0;
    const http = createHttpClient({
      getToken: () => "tok",
      onUnauthenticated: () => loggedOut++,
      fetch: respond(401, { code: "invalid_credentials", message: "The current password is wrong." }),
    });
    await expect(http.post("/auth/password", {})).rejects.toMatchObject({ status: 401, code: "invalid_credentials" });
    expect(loggedOut).toBe(0);
  });

  it("turns 503 store_unavailable into a retryable error with its own message in every language", async () => {
    const http = createHttpClient({
      getToken: () => "tok",
      fetch: respond(503, { code: "store_unavailable", message: "The database cannot take writes right now; nothing was saved." }),
    });
    const error = await http.post("/calls", {}).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503, code: "store_unavailable", retryable: true });
    for (const messages of [en, zhCN, zhTW]) expect(messages.errors.store_unavailable).toBeTruthy();
    expect(en.errors.store_unavailable).toMatch(/try again/i);
  });

  it("turns a network failure and an unknown body into client codes", async () => {
    const offline = createHttpClient({ getToken: () => null, fetch: async () => { throw new TypeError("Failed to fetch"); } });
    const networkError = await offline.get("/config").catch((caught: unknown) => caught);
    expect(networkError).toMatchObject({ code: "network_error", retryable: true });
    const proxy = createHttpClient({ getToken: () => null, fetch: async () => new Response("<html>bad gateway</html>", { status: 502 }) });
    await expect(proxy.get("/config")).rejects.toMatchObject({ code: "bad_response", status: 502 });
    const forged = createHttpClient({ getToken: () => null, fetch: respond(400, { code: "not_a_code", message: "x" }) });
    await expect(forged.get("/config")).rejects.toMatchObject({ code: "bad_response" });
  });
});
