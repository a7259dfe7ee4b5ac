// The built client is served with the app fallback for routes, but a missing file is a 404, not the page.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server";

let server: TestServer;
let clientDir = "";

beforeAll(async () => {
  clientDir = fs.mkdtempSync(path.join(os.tmpdir(), "dispatch-client-"));
  fs.writeFileSync(path.join(clientDir, "index.html"), "<!doctype html><title>119</title>");
  fs.writeFileSync(path.join(clientDir, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
  server = await startTestServer({ config: { clientDir } });
});
afterAll(() => server.close());

describe("static files", () => {
  it("answers /favicon.ico with 404 instead of the HTML page, and serves the icon the page links", async () => {
    const ico = await fetch(`${server.url}/favicon.ico`);
    expect(ico.status).toBe(404);
    expect(ico.headers.get("content-type")).not.toMatch(/html/);
    const svg = await fetch(`${server.url}/favicon.svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get("content-type")).toMatch(/svg/);
  });

  it("still serves the app for routes without a file extension", async () => {
    const page = await fetch(`${server.url}/some/deep/link`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>119</title>");
  });
});
