// The build's precompressed copies of hashed assets are what a browser gets (issue 12: the tablet's first load).
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptedQuality } from "../../server/http/staticAssets";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
const SCRIPT = `console.log(${JSON.stringify("tablet ".repeat(800))});\n`;
/** Marks which copy was sent: the server must send the file the build wrote, not compress on the fly. */
const BROTLI_COPY = brotliCompressSync(`${SCRIPT}// brotli copy\n`);
const GZIP_COPY = gzipSync(`${SCRIPT}// gzip copy\n`);

beforeAll(async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-assets-"));
  const clientDir = path.join(dataDir, "client");
  fs.mkdirSync(path.join(clientDir, "assets"), { recursive: true });
  fs.writeFileSync(path.join(clientDir, "index.html"), "<!doctype html><title>119</title>");
  fs.writeFileSync(path.join(clientDir, "sw.js"), SCRIPT);
  fs.writeFileSync(path.join(clientDir, "assets", "TabletApp-AbC_12-x.js"), SCRIPT);
  fs.writeFileSync(path.join(clientDir, "assets", "TabletApp-AbC_12-x.js.br"), BROTLI_COPY);
  fs.writeFileSync(path.join(clientDir, "assets", "TabletApp-AbC_12-x.js.gz"), GZIP_COPY);
  fs.writeFileSync(path.join(clientDir, "assets", "plain-Xy9.css"), `.a{color:red}\n`.repeat(200));
  fs.writeFileSync(path.join(dataDir, "secret.txt"), "not for the web");
  fs.writeFileSync(path.join(dataDir, "secret.txt.br"), brotliCompressSync("not for the web"));
  server = await startTestServer({ dataDir, config: { clientDir } });
});
afterAll(() => server.close());

function get(pathname: string, headers: Record<string, string> = {}, method = "GET") {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .request(`${server.url}${pathname}`, { headers, method }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject)
      .end();
  });
}

const CHROMIUM = "gzip, deflate, br, zstd";

describe("precompressed assets", () => {
  it("sends the build's Brotli copy to a browser that lists gzip first (as Chromium does), kept for a year", async () => {
    const response = await get("/assets/TabletApp-AbC_12-x.js", { "accept-encoding": CHROMIUM });
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.body.equals(BROTLI_COPY)).toBe(true);
    expect(brotliDecompressSync(response.body).toString()).toContain("tablet tablet");
    expect(response.headers["content-type"]).toMatch(/^text\/javascript/);
    expect(response.headers["content-length"]).toBe(String(BROTLI_COPY.length));
    expect(response.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(response.headers.vary).toMatch(/accept-encoding/i);
    // The security headers are on every answer, this one too.
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(String(response.headers["content-security-policy"])).toContain("default-src 'self'");
  });

  it("sends the gzip copy when Brotli is refused or not offered, and the plain file when nothing is", async () => {
    for (const accept of ["gzip", "gzip, br;q=0", "br;q=0.5, gzip"]) {
      const response = await get("/assets/TabletApp-AbC_12-x.js", { "accept-encoding": accept });
      expect(response.headers["content-encoding"], accept).toBe("gzip");
      expect(response.body.equals(GZIP_COPY), accept).toBe(true);
      expect(gunzipSync(response.body).toString()).toContain("// gzip copy");
    }
    const plain = await get("/assets/TabletApp-AbC_12-x.js", { "accept-encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(SCRIPT);
    expect(plain.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  });

  it("answers HEAD with the copy's headers and no body", async () => {
    const response = await get("/assets/TabletApp-AbC_12-x.js", { "accept-encoding": CHROMIUM }, "HEAD");
    expect(response.status).toBe(200);
    expect(response.headers["content-encoding"]).toBe("br");
    expect(response.body.length).toBe(0);
  });

  it("compresses an asset without copies on the fly, and keeps the short cache for files outside assets/", async () => {
    const css = await get("/assets/plain-Xy9.css", { "accept-encoding": "gzip" });
    expect(css.headers["content-encoding"]).toBe("gzip");
    expect(css.headers["content-type"]).toMatch(/^text\/css/);
    expect(gunzipSync(css.body).toString()).toContain(".a{color:red}");
    const worker = await get("/sw.js", { "accept-encoding": CHROMIUM });
    expect(worker.headers["cache-control"]).toBe("public, max-age=3600");
  });

  it("never serves a copy from outside the assets folder, nor a copy asked for by name", async () => {
    for (const pathname of ["/assets/..%2fsecret.txt", "/assets/%2e%2e/secret.txt", "/assets/../secret.txt"]) {
      const response = await get(pathname, { "accept-encoding": CHROMIUM });
      expect(response.body.toString(), pathname).not.toContain("not for the web");
      expect(response.headers["content-encoding"], pathname).not.toBe("br");
    }
    const missing = await get("/assets/Missing-123.js", { "accept-encoding": CHROMIUM });
    expect(missing.status).toBe(404);
    expect(missing.headers["content-encoding"]).toBeUndefined();
  });
});

describe("Accept-Encoding", () => {
  it("reads q-values, refusals and the wildcard", () => {
    expect(acceptedQuality(CHROMIUM, "br")).toBe(1);
    expect(acceptedQuality("gzip;q=0.8, br;q=0.9", "br")).toBe(0.9);
    expect(acceptedQuality("gzip, br;q=0", "br")).toBe(0);
    expect(acceptedQuality("*;q=0.5", "br")).toBe(0.5);
    expect(acceptedQuality("gzip, *;q=0", "br")).toBe(0);
    expect(acceptedQuality(undefined, "gzip")).toBe(0);
    expect(acceptedQuality("br;q=nonsense", "br")).toBe(0);
  });
});
