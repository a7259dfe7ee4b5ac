// A supervisor in real Chromium saves an incident's evidence file, which verifies offline, and prints the day's
// checkpoint digest; a dispatcher sees neither button.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { verifyBundle } from "../../server/scripts/verifyBundle";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { chromiumAvailable, launchBrowser, login, newContext, watchErrors } from "./browser";

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser("evidence in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let supervisor: Account;
  let dispatcher: Account;
  let incidentId = "";
  const downloads = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-e2e-"));

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({ config: { clientDir: CLIENT_DIR }, env: { TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png" } });
    supervisor = await server.createAccount("supervisor");
    dispatcher = await server.createAccount("dispatcher");
    const call = await server.api<CallIntakeResult>("POST", "/calls", { token: dispatcher.token, body: phoneCall() });
    incidentId = call.body.incident.id;
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(downloads, { recursive: true, force: true });
  });

  it("lets a supervisor save an incident's evidence file that verifies offline, and print the digest", async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    const errors = watchErrors(page);
    await login(page, supervisor.username, supervisor.password);
    await page.locator(`[data-testid="queue-item"][data-incident-id="${incidentId}"]`).click();

    const download = page.waitForEvent("download");
    await page.getByTestId("evidence-button").click();
    const file = path.join(downloads, (await download).suggestedFilename());
    await (await download).saveAs(file);
    expect(path.basename(file)).toBe(`evidence-${incidentId}.json`);
    const report = verifyBundle(JSON.parse(fs.readFileSync(file, "utf8")));
    expect(report.failures).toEqual([]);

    const popup = page.waitForEvent("popup");
    await page.getByTestId("digest-button").click();
    const digestPage = await popup;
    await expect.poll(() => digestPage.locator("pre").textContent(), { timeout: 20_000 }).toMatch(/log position \d+, \d+ streams\nheads hash [0-9a-f ]{19}\nsigning key/);
    // Map tiles cannot load on purpose (an isolated network); nothing else may fail.
    expect(errors.filter((error) => !error.includes("ERR_UNSAFE_PORT"))).toEqual([]);
    await context.close();
  });

  it("shows a dispatcher neither the evidence file nor the digest", async () => {
    const context = await newContext(browser, server.url);
    const page = await context.newPage();
    await login(page, dispatcher.username, dispatcher.password);
    await page.locator(`[data-testid="queue-item"][data-incident-id="${incidentId}"]`).click();
    await page.getByTestId("incident-detail").waitFor();
    expect(await page.getByTestId("evidence-button").count()).toBe(0);
    expect(await page.getByTestId("digest-button").count()).toBe(0);
    await context.close();
  });
});
