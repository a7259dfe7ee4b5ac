// Public explanations in Chromium: a PR user finds the incident and drafts, a supervisor approves from the review
// screen, the PR user publishes; the public page renders without JavaScript on a 390-px phone and in print, in
// Chinese and English, and its QR code decodes to the page's own address.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult } from "../../shared/api";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { launchBrowser, login, newContext, watchErrors } from "./browser";

const UNIT = "E2E-E7";
const T0 = Date.now() - 30 * 3600_000;
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const opId = () => `op-${randomUUID()}`;

function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}

async function shot(page: Page, name: string, fullPage = true): Promise<void> {
  fs.mkdirSync("test-results", { recursive: true });
  await page.screenshot({ path: `test-results/${name}.png`, fullPage });
}

describe("public explanations in the browser", () => {
  let server: TestServer;
  let browser: Browser;
  let pr: Account;
  let supervisor: Account;
  let incidentNumber = "";
  let pageUrl = "";

  const must = async <T>(method: string, pathname: string, body?: unknown): Promise<T> => {
    const response = await server.api<T>(method, pathname, { token: server.adminToken, ...(body !== undefined ? { body } : {}) });
    if (response.status >= 300) throw new Error(`${method} ${pathname}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({
      config: { clientDir: CLIENT_DIR },
      env: { TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png", TIME_ZONE: "Asia/Shanghai" },
    });
    await server.createUnit(UNIT, { callSign: "Engine 7", type: "engine" });
    pr = await server.createAccount("pr");
    supervisor = await server.createAccount("supervisor");
    const call = await must<CallIntakeResult>("POST", "/calls", {
      intakeId: randomUUID(),
      source: "import",
      receivedAt: at(0),
      externalId: `E2E-${randomUUID().slice(0, 6)}`,
      callerName: "Qian Duoduo",
      callerNumber: "13912345678",
      location: { lat: 31.2304, lng: 121.4737, address: "1288 Huaihai Middle Rd" },
      incidentType: "structure_fire",
      description: "Kitchen fire on the 3rd floor",
    });
    const incidentId = call.incident.id;
    incidentNumber = call.incident.number;
    const status = (value: string, seconds: number) =>
      must("POST", `/units/${UNIT}/status`, { status: value, opId: opId(), source: "import", occurredAt: at(seconds) });
    await must("POST", `/incidents/${incidentId}/dispatch`, { unitIds: [UNIT], opId: opId(), source: "import", occurredAt: at(42) });
    await status("en_route", 100);
    await status("on_scene", 412);
    await must("POST", `/incidents/${incidentId}/phases`, { phase: "under_control", opId: opId(), source: "import", occurredAt: at(1320) });
    await status("available", 2700);
    await must("POST", `/incidents/${incidentId}/close`, { opId: opId(), source: "import", occurredAt: at(2760) });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a PR user drafts, a supervisor who did not write it approves, and the PR user publishes", async () => {
    const prContext = await newContext(browser, server.url, { viewport: { width: 1440, height: 900 } });
    const prPage = await prContext.newPage();
    const prErrors = watchErrors(prPage);
    await login(prPage, pr.username, pr.password);
    await prPage.getByTestId("pr-explanations-tab").click();
    await prPage.getByTestId("search-number").fill(incidentNumber);
    await prPage.getByTestId("search-submit").click();
    await poll(() => prPage.getByTestId("search-row").count()).toBe(1);
    await prPage.getByTestId("search-open").click();
    await prPage.getByTestId("pr-incident-view").waitFor();
    await poll(() => prPage.getByTestId("pr-standards").textContent()).toContain("6 min 52 s");
    await prPage.getByTestId("draft-explanation").click();
    await prPage.getByTestId("explanation-editor").waitFor();
    await prPage.getByTestId("edit-tab-en").click();
    const known = prPage.getByTestId("edit-known");
    await known.fill(`${await known.inputValue()} Nobody was hurt.`);
    await prPage.getByTestId("explanation-save").click();
    await poll(() => prPage.getByTestId("edit-known").inputValue()).toContain("Nobody was hurt.");
    await fs.promises.mkdir("test-results", { recursive: true });
    await shot(prPage, "explanation-editor-1440", false);
    await prPage.getByTestId("explanation-submit").click();
    await poll(() => prPage.getByTestId("explanation-status").getAttribute("data-status")).toBe("submitted");
    // The author is not offered an approval (PR staff cannot review at all).
    expect(await prPage.getByTestId("explanation-approve").count()).toBe(0);

    const supervisorContext = await newContext(browser, server.url, { viewport: { width: 1440, height: 900 } });
    const supervisorPage = await supervisorContext.newPage();
    await login(supervisorPage, supervisor.username, supervisor.password);
    await supervisorPage.getByTestId("explanations-link").click();
    await supervisorPage.getByTestId("review-app").waitFor();
    await poll(() => supervisorPage.getByTestId("queue-row").count()).toBe(1);
    await supervisorPage.getByTestId("queue-open").click();
    await supervisorPage.getByTestId("review-comment").fill("Plain and correct.");
    await supervisorPage.getByTestId("explanation-approve").click();
    await poll(() => supervisorPage.getByTestId("explanation-status").getAttribute("data-status")).toBe("approved");
    await shot(supervisorPage, "explanation-approved-1440", false);

    await prPage.getByTestId("explanations-queue-tab").click();
    await prPage.getByText("All", { exact: true }).click();
    await poll(() => prPage.getByTestId("queue-row").count()).toBe(1);
    await prPage.getByTestId("queue-open").click();
    await prPage.getByTestId("explanation-publish").click();
    await poll(() => prPage.getByTestId("explanation-status").getAttribute("data-status")).toBe("published");
    pageUrl = (await prPage.getByTestId("public-link").getAttribute("href")) ?? "";
    expect(pageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/[A-Za-z0-9_-]{24}$/);
    expect(prErrors).toEqual([]);
    await prContext.close();
    await supervisorContext.close();
  });

  it("renders the public page without JavaScript on a 390-px phone, in Chinese and English, with nothing personal", async () => {
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      javaScriptEnabled: false,
      locale: "zh-CN",
    });
    const page = await phone.newPage();
    await page.goto(pageUrl);
    await page.getByTestId("timeline").waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
    expect(await page.getByTestId("incident-number").textContent()).toBe(incidentNumber);
    expect(await page.locator("body").textContent()).toContain("6分52秒");
    // Nothing wider than the phone: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const html = await page.content();
    for (const personal of ["Qian Duoduo", "13912345678", "1288 Huaihai"]) expect(html).not.toContain(personal);
    await shot(page, "explanation-phone-390-zh-CN");
    await page.goto(`${pageUrl}?lang=en`);
    expect(await page.locator("body").textContent()).toContain("The first engine arrived 6 min 52 s after your call; the target is 6 min 20 s");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(page, "explanation-phone-390-en");
    await phone.close();
  });

  it("prints on A4 and its QR code decodes to the page's address", async () => {
    const context = await browser.newContext({ viewport: { width: 794, height: 1123 }, javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${pageUrl}?lang=en`);
    await page.emulateMedia({ media: "print" });
    await shot(page, "explanation-print-a4-en");
    // The print layout hides the language links and fits two A4 pages at most.
    expect(await page.locator(".languages").isVisible()).toBe(false);
    const pdf = await page.pdf({ format: "A4", printBackground: true });
    const pages = pdf.toString("latin1").match(/\/Type\s*\/Page[^s]/g) ?? [];
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(pages.length).toBeLessThanOrEqual(2);
    await page.goto(pageUrl);
    await page.emulateMedia({ media: "print" });
    await shot(page, "explanation-print-a4-zh-CN");

    const qr = PNG.sync.read(await page.getByTestId("qr").locator("svg").screenshot());
    const decoded = jsQR(new Uint8ClampedArray(qr.data), qr.width, qr.height);
    expect(decoded?.data).toBe(pageUrl);
    await context.close();
  });
});
