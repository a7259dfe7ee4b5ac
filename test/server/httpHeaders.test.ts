// Security headers, cache control and compression on real HTTP answers (issue 14, point 4).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let clientDir: string;

beforeAll(async () => {
  // A stand-in for the built client, so static files and the SPA fallback are served as in production.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-headers-"));
  clientDir = path.join(dataDir, "client");
  fs.mkdirSync(path.join(clientDir, "assets"), { recursive: true });
  fs.writeFileSync(path.join(clientDir, "index.html"), `<!doctype html><html><body><div id="root"></div></body></html>`);
  fs.writeFileSync(path.join(clientDir, "assets", "app.js"), `console.log(${JSON.stringify("x".repeat(4000))});\n`);
  server = await startTestServer({
    dataDir,
    config: { clientDir },
    env: { TILE_URL: "https://{s}.tiles.example.org/{z}/{x}/{y}.png" },
  });
});
afterAll(() => server.close());

/** Raw GET with the headers a browser sends, returning raw bytes (fetch would decompress silently). */
function get(pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(`${server.url}${pathname}`, { headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

describe("security headers", () => {
  it("sends a CSP that allows only this origin's scripts and the configured tile host's images, and forbids framing", async () => {
    for (const pathname of ["/", "/console/incidents/abc", "/api/v1/health"]) {
      const { headers } = await get(pathname);
      const csp = String(headers["content-security-policy"]);
      expect(csp, pathname).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toMatch(/img-src 'self' data: blob: https:\/\/\*\.tiles\.example\.org/);
      expect(headers["x-frame-options"]).toBe("DENY");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(headers["x-powered-by"]).toBeUndefined();
    }
  });
});

describe("cache control", () => {
  it("marks API answers no-store, including ones with callers' data and errors, but not the public config", async () => {
    const created = await server.api("POST", "/calls", { token: server.adminToken, body: phoneCall() });
    expect(created.status).toBe(201);
    for (const pathname of ["/api/v1/incidents?status=all", "/api/v1/units", "/api/v1/auth/me", "/api/v1/no-such-route"]) {
      const { headers } = await get(pathname, { authorization: `Bearer ${server.adminToken}` });
      expect(headers["cache-control"], pathname).toBe("no-store");
    }
    expect((await get("/api/v1/incidents")).headers["cache-control"]).toBe("no-store");
    // Residents' public case routes too (an answer can carry the case's access code).
    const filed = await fetch(`${server.url}/api/v1/public/cases`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(filed.status).toBe(400);
    expect(filed.headers.get("cache-control")).toBe("no-store");
    expect((await get("/api/v2/anything")).headers["cache-control"]).toBe("no-store");
    expect((await get("/api/v1/config")).headers["cache-control"]).not.toBe("no-store");
  });
});

describe("compression", () => {
  it("gzips a large API answer and a static file for a client that accepts it, and not for one that does not", async () => {
    for (let i = 0; i < 10; i++) {
      await server.api("POST", "/calls", { token: server.adminToken, body: phoneCall({ description: `Smoke reported, call ${i} ${"detail ".repeat(40)}` }) });
    }
    const gzipped = await get("/api/v1/incidents?status=all", { authorization: `Bearer ${server.adminToken}`, "accept-encoding": "gzip" });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    const json = JSON.parse(gunzipSync(gzipped.body).toString()) as { incidents: unknown[] };
    expect(json.incidents.length).toBeGreaterThanOrEqual(10);

    const plain = await get("/api/v1/incidents?status=all", { authorization: `Bearer ${server.adminToken}` });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);

    const script = await get("/assets/app.js", { "accept-encoding": "gzip" });
    expect(script.status).toBe(200);
    expect(script.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(script.body).toString()).toContain("console.log");
  });
});
