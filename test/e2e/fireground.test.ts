// The fireground record in real Chromium against the real server: a crew's tablet records a benchmark with one
// tap, then a decision and a flagged water use while offline; back online, each arrives once with its tap time and
// the console shows both live, the flagged one marked. Screenshots of the decision screen in zh-CN and en.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, IncidentEventsView } from "../../shared/api";
import type { IncidentEvent } from "../../shared/events";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { chromiumAvailable, launchBrowser, login, newContext, screenshot, watchErrors } from "./browser";

const describeBrowser = chromiumAvailable() ? describe : describe.skip;
const FIRE = { lat: 37.7801, lng: -122.4102 };

function poll<T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(read, { timeout: 20_000, interval: 100, ...options });
}

/** Screenshots of a sheet scrolled to its top (what to decide) and to its bottom (how it is recorded). */
async function sheetScreenshots(page: Page, testId: string, name: string) {
  const scroll = (to: "top" | "bottom") =>
    page.getByTestId(testId).evaluate((sheet, where) => {
      const scroller = sheet.parentElement;
      if (scroller) scroller.scrollTop = where === "top" ? 0 : scroller.scrollHeight;
    }, to);
  // Let the scrolled sheet paint before the picture is taken.
  const painted = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  await scroll("top");
  await painted();
  await screenshot(page, `${name}-top`);
  await scroll("bottom");
  await painted();
  await screenshot(page, `${name}-bottom`);
}

/** Controls inside `scope` smaller than 64 px either way (gloves). */
function smallTargets(page: Page, scope: string) {
  return page.evaluate((selector) => {
    const root = document.querySelector(selector);
    if (!root) return ["scope not found"];
    return [...root.querySelectorAll<HTMLElement>("button, select, input:not([type=checkbox]), textarea, label.big-check")]
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.height < 64 || box.width < 64))
      .map(({ element, box }) => `${element.dataset.testid ?? element.textContent?.trim() ?? element.tagName}: ${Math.round(box.width)}x${Math.round(box.height)}`);
  }, scope);
}

describeBrowser("fireground decisions and the water-use guard on the tablet", () => {
  let server: TestServer;
  let browser: Browser;
  let dispatcher: Account;
  let crew: Account;
  let incidentId = "";
  let consolePage: Page;
  let tabletContext: BrowserContext;
  let tablet: Page;
  let consoleErrors: string[] = [];
  let tabletErrors: string[] = [];

  const events = async (): Promise<IncidentEvent[]> =>
    (await server.api<IncidentEventsView>("GET", `/incidents/${incidentId}/events`, { token: dispatcher.token })).body.events;

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({
      config: { clientDir: CLIENT_DIR },
      env: { TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png", TIME_ZONE: "Asia/Shanghai", MAP_CENTER: `${FIRE.lat},${FIRE.lng}` },
    });
    await server.createUnit("E1", { callSign: "E1", type: "engine", station: "Station 1", home: { lat: 37.7808, lng: -122.403 } });
    await server.createUnit("E2", { callSign: "E2", type: "engine", station: "Station 2", home: { lat: 37.7974, lng: -122.4105 } });
    dispatcher = await server.createAccount("dispatcher");
    crew = await server.createAccount("crew", "E1");
    const call = await server.api<CallIntakeResult>("POST", "/calls", {
      token: dispatcher.token,
      body: { intakeId: crypto.randomUUID(), source: "phone", callerNumber: "13800138000", incidentType: "structure_fire", location: { ...FIRE, address: "12 Shed Lane" } },
    });
    incidentId = call.body.incident.id;
    await server.api("POST", `/incidents/${incidentId}/dispatch`, { token: dispatcher.token, body: { unitIds: ["E1", "E2"], opId: crypto.randomUUID() } });
    for (const status of ["acknowledged", "en_route", "on_scene"]) {
      const response = await server.api("POST", "/units/E1/status", { token: crew.token, body: { status, opId: crypto.randomUUID() } });
      expect(response.status).toBe(200);
    }
    browser = await launchBrowser();
    const consoleContext = await newContext(browser, server.url, { viewport: { width: 1920, height: 1080 } });
    consolePage = await consoleContext.newPage();
    consoleErrors = watchErrors(consolePage);
    tabletContext = await newContext(browser, server.url, { viewport: { width: 1280, height: 800 } });
    tablet = await tabletContext.newPage();
    tabletErrors = watchErrors(tablet);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("records a benchmark with one tap and the console shows it live", async () => {
    await login(consolePage, dispatcher.username, dispatcher.password);
    await poll(() => consolePage.getByTestId("connection").getAttribute("data-phase")).toBe("live");
    await consolePage.locator(`[data-testid="queue-item"][data-incident-id="${incidentId}"]`).click();
    await consolePage.getByTestId("timeline").waitFor();

    await login(tablet, crew.username, crew.password);
    await tablet.getByTestId("fireground").waitFor();
    await poll(() => tablet.getByTestId("connection").getAttribute("data-phase")).toBe("live");
    await tablet.getByTestId("phase-size_up_complete").click();
    await poll(() => tablet.getByTestId("phase-size_up_complete").getAttribute("data-done")).toBe("true");
    await poll(() => consolePage.locator('[data-testid="timeline-event"][data-type="incident.phase"]').last().textContent()).toContain("Size-up complete");
    // The unit's own steps, with times, include it.
    await poll(() => tablet.getByTestId("own-steps").textContent()).toContain("Size-up complete");
  });

  it("records a decision and a flagged water use offline, delivers each once with its tap time, and the console shows both", async () => {
    await poll(() => tablet.evaluate(() => document.documentElement.dataset.offlineReady ?? ""), { timeout: 15_000 }).toBe("true");
    await tabletContext.setOffline(true);
    await poll(() => tablet.getByTestId("connection").getAttribute("data-phase"), { timeout: 30_000 }).toBe("reconnecting");

    const decidedFrom = Date.now();
    await tablet.getByTestId("open-decision").click();
    const decisionScreen = tablet.getByTestId("decision-screen");
    await decisionScreen.waitFor();
    await tablet.getByTestId("decision-type-exposure_protection").click();
    // The power this decision usually rests on is offered first.
    expect(await tablet.getByTestId("legal-art45_demolish_or_breach").getAttribute("aria-pressed")).toBe("true");
    expect(await tablet.getByTestId("decision-save").isDisabled()).toBe(true);
    await tablet.getByTestId("factor-exposure").click();
    await tablet.getByTestId("factor-fire_spread").click();
    await tablet.getByTestId("decision-reason").fill("Let the shed burn to keep the fire off the house");
    await tablet.getByTestId("property-description").fill("Wooden shed behind no. 12");
    await tablet.getByTestId("property-owner").fill("Chen Jie");
    await tablet.getByTestId("public-candidate").check();
    expect(await smallTargets(tablet, '[data-testid="decision-screen"]')).toEqual([]);
    await sheetScreenshots(tablet, "decision-screen", "tablet-decision-en-1280x800");
    await tablet.setViewportSize({ width: 390, height: 844 });
    expect(await smallTargets(tablet, '[data-testid="decision-screen"]')).toEqual([]);
    await sheetScreenshots(tablet, "decision-screen", "tablet-decision-en-390x844");
    await tablet.setViewportSize({ width: 1280, height: 800 });
    await tablet.getByTestId("decision-save").click();
    const decidedTo = Date.now();
    await poll(() => tablet.getByTestId("queued-action").count()).toBe(1);

    const waterFrom = Date.now();
    await tablet.getByTestId("phase-water_on_fire").click();
    await tablet.getByTestId("water-dialog").waitFor();
    await tablet.getByTestId("flame-yes").click();
    await tablet.getByTestId("class-E").click();
    await tablet.getByTestId("agent-water").click();
    await tablet.getByTestId("nozzle-fog").click();
    // Water on a class E fire: the guard asks for a reason before anything can be recorded.
    await tablet.getByTestId("water-warning").waitFor();
    expect(await tablet.getByTestId("water-warning").textContent()).toMatch(/electrical/i);
    expect(await tablet.getByTestId("water-save").isDisabled()).toBe(true);
    await tablet.getByTestId("water-reason").fill("Grid operator confirmed power cut at the substation");
    expect(await smallTargets(tablet, '[data-testid="water-dialog"]')).toEqual([]);
    await sheetScreenshots(tablet, "water-dialog", "tablet-water-guard-en-1280x800");
    await tablet.getByTestId("water-save").click();
    const waterTo = Date.now();
    await poll(() => tablet.getByTestId("queued-action").count()).toBe(2);
    expect(await tablet.getByTestId("offline-queue").textContent()).toContain("Exposure protection");

    // Nothing has reached the server while offline.
    expect((await events()).filter((event) => event.type === "incident.decision" || event.type === "incident.water_use")).toEqual([]);
    const beforeOnline = Date.now();
    await tablet.waitForTimeout(500);
    await tabletContext.setOffline(false);
    await poll(() => tablet.getByTestId("queued-action").count(), { timeout: 30_000 }).toBe(0);

    const decisionRow = consolePage.locator('[data-testid="timeline-event"][data-type="incident.decision"]');
    await poll(() => decisionRow.count()).toBe(1);
    expect(await decisionRow.textContent()).toContain("Let the shed burn to keep the fire off the house");
    expect(await decisionRow.textContent()).toContain("Demolish or breach adjacent structures");
    const waterRow = consolePage.locator('[data-testid="timeline-event"][data-type="incident.water_use"]');
    await poll(() => waterRow.count()).toBe(1);
    expect(await waterRow.getAttribute("data-flagged")).toBe("true");
    expect(await waterRow.getByTestId("water-flag").textContent()).toMatch(/FLAGGED/);
    await poll(() => consolePage.getByTestId("detail-command").textContent()).toContain("No one in command yet");
    await consolePage.locator('[data-testid="timeline-event"][data-type="incident.water_use"]').scrollIntoViewIfNeeded();
    await screenshot(consolePage, "console-fireground-1920x1080");

    await tablet.waitForTimeout(1500);
    const recorded = await events();
    const decisions = recorded.filter((event) => event.type === "incident.decision");
    const waterUses = recorded.filter((event) => event.type === "incident.water_use");
    expect(decisions).toHaveLength(1);
    expect(waterUses).toHaveLength(1);
    const decision = decisions[0]!;
    expect(decision).toMatchObject({
      actor: { unitId: "E1" },
      payload: { decisionType: "exposure_protection", legalBasis: "art45_demolish_or_breach", publicCandidate: true, propertyAffected: { owner: "Chen Jie" } },
    });
    expect(Date.parse(decision.occurredAt)).toBeGreaterThanOrEqual(decidedFrom - 1000);
    expect(Date.parse(decision.occurredAt)).toBeLessThanOrEqual(decidedTo + 1000);
    expect(Date.parse(decision.recordedAt)).toBeGreaterThan(beforeOnline);
    const water = waterUses[0]!;
    expect(water).toMatchObject({ payload: { agent: "water", fireClass: "E", flagged: true, concerns: ["water_on_class_e"] } });
    expect(Date.parse(water.occurredAt)).toBeGreaterThanOrEqual(waterFrom - 1000);
    expect(Date.parse(water.occurredAt)).toBeLessThanOrEqual(waterTo + 1000);
    // The guard's first water use also set the benchmark, once.
    expect(recorded.filter((event) => event.type === "incident.phase" && event.payload.phase === "water_on_fire")).toHaveLength(1);
    await poll(() => tablet.getByTestId("phase-water_on_fire").getAttribute("data-done")).toBe("true");
    await poll(() => tablet.locator('[data-testid="own-step"][data-flagged="true"]').count()).toBe(1);
  });

  it("corrects a decision from the tablet and both entries stay on the console", async () => {
    await tablet.getByTestId("correct-decision").first().click();
    await tablet.getByTestId("decision-screen").waitFor();
    expect(await tablet.getByTestId("decision-reason").inputValue()).toBe("Let the shed burn to keep the fire off the house");
    await tablet.getByTestId("decision-reason").fill("Let the shed and the carport burn to keep the fire off the house");
    await tablet.getByTestId("decision-save").click();
    const rows = consolePage.locator('[data-testid="timeline-event"][data-type="incident.decision"]');
    await poll(() => rows.count()).toBe(2);
    await poll(() => rows.first().getByTestId("corrected-by").count()).toBe(1);
    expect(await rows.last().textContent()).toContain("carport");
  });

  it("names the commander from the tablet and shows the decision screen in Simplified Chinese", async () => {
    await tablet.getByTestId("open-command").click();
    await tablet.getByTestId("command-name").fill("Capt. Liu Yang");
    await tablet.getByTestId("command-save").click();
    await poll(() => consolePage.getByTestId("detail-command").textContent()).toContain("Capt. Liu Yang");
    await poll(() => tablet.getByTestId("tablet-command").textContent()).toContain("Capt. Liu Yang");

    await tablet.getByTestId("language-select").selectOption("zh-CN");
    await poll(() => tablet.getByTestId("open-decision").textContent()).toBe("记录决策…");
    await tablet.getByTestId("open-decision").click();
    await tablet.getByTestId("decision-type-strategy_defensive").click();
    await tablet.getByTestId("factor-collapse_risk").click();
    await tablet.getByTestId("factor-crew_safety").click();
    await tablet.getByTestId("decision-reason").fill("楼梯间上方屋顶下沉，撤出内攻人员，转为外部防御");
    expect(await tablet.getByTestId("decision-screen").textContent()).toContain("《消防法》第四十五条");
    expect(await smallTargets(tablet, '[data-testid="decision-screen"]')).toEqual([]);
    await sheetScreenshots(tablet, "decision-screen", "tablet-decision-zh-CN-1280x800");
    await tablet.setViewportSize({ width: 390, height: 844 });
    expect(await smallTargets(tablet, '[data-testid="decision-screen"]')).toEqual([]);
    await sheetScreenshots(tablet, "decision-screen", "tablet-decision-zh-CN-390x844");
    await tablet.getByTestId("decision-save").click();
    await poll(() => consolePage.getByTestId("detail-strategy").textContent()).toBe("Defensive");
    await screenshot(tablet, "tablet-fireground-zh-CN-390x844");
    await tablet.setViewportSize({ width: 1280, height: 800 });
    expect(await smallTargets(tablet, '[data-testid="fireground"]')).toEqual([]);
    await tablet.getByTestId("fireground").scrollIntoViewIfNeeded();
    await screenshot(tablet, "tablet-fireground-zh-CN-1280x800");
    const strategy = (await events()).filter((event) => event.type === "incident.decision").at(-1);
    expect(strategy).toMatchObject({ payload: { decisionType: "strategy_defensive", commander: { name: "Capt. Liu Yang", callSign: "E1" } } });

    // A dispatcher records what the commander radioed in; the record says so.
    await consolePage.getByTestId("radioed-decision").locator("summary").click();
    await consolePage.getByTestId("radioed-type").selectOption("utilities_cut");
    expect(await consolePage.getByTestId("radioed-legal").inputValue()).toBe("art45_cut_utilities");
    await consolePage.getByTestId("radioed-reason").fill("Gas main shut at the street valve");
    await screenshot(consolePage, "console-radioed-decision-1920x1080");
    await consolePage.getByTestId("radioed-submit").click();
    await poll(() => consolePage.locator('[data-testid="timeline-event"][data-type="incident.decision"]').last().textContent()).toContain(
      "radioed in for Capt. Liu Yang",
    );
    const radioed = (await events()).filter((event) => event.type === "incident.decision").at(-1);
    expect(radioed).toMatchObject({ actor: { role: "dispatcher" }, payload: { decisionType: "utilities_cut", recordedFor: { name: "Capt. Liu Yang" } } });

    // Water radioed in: the console asks the same questions as the tablet, and water on an energised (class E)
    // fire cannot be saved without a reason; it is recorded flagged, for the commander, with the unit named.
    await consolePage.getByTestId("radioed-water").locator("summary").click();
    await consolePage.getByTestId("radioed-water-unit").selectOption("E1");
    await consolePage.getByTestId("radioed-water-flame").selectOption("yes");
    await consolePage.getByTestId("radioed-water-class").selectOption("E");
    await poll(() => consolePage.getByTestId("radioed-water-warning").textContent()).toContain("live electrical equipment");
    expect(await consolePage.getByTestId("radioed-water-submit").isDisabled()).toBe(true);
    await consolePage.getByTestId("radioed-water-reason").fill("Power to the block confirmed cut by the grid company at 14:05");
    await consolePage.getByTestId("radioed-water").scrollIntoViewIfNeeded();
    await screenshot(consolePage, "console-radioed-water-1920x1080");
    await consolePage.getByTestId("radioed-water-submit").click();
    await poll(() => consolePage.locator('[data-testid="timeline-event"][data-type="incident.water_use"][data-flagged="true"]').last().textContent()).toContain(
      "radioed in for Capt. Liu Yang",
    );
    const water = (await events()).filter((event) => event.type === "incident.water_use").at(-1);
    expect(water).toMatchObject({
      actor: { role: "dispatcher" },
      payload: { unitId: "E1", fireClass: "E", flagged: true, reason: "Power to the block confirmed cut by the grid company at 14:05", recordedFor: { name: "Capt. Liu Yang" } },
    });

    // Command handed over by radio: the detail names the new commander at once, in the dispatcher's language.
    await consolePage.getByTestId("language-select").selectOption("zh-CN");
    await consolePage.setViewportSize({ width: 1280, height: 800 });
    await consolePage.getByTestId("radioed-command").locator("summary").click();
    await consolePage.getByTestId("radioed-command-name").fill("Chief Wang Jun");
    await consolePage.getByTestId("radioed-command-unit").selectOption("E1");
    await consolePage.getByTestId("radioed-command").scrollIntoViewIfNeeded();
    await screenshot(consolePage, "console-radioed-command-zh-CN-1280x800");
    await consolePage.getByTestId("radioed-command-submit").click();
    await poll(() => consolePage.getByTestId("detail-command").textContent()).toContain("Chief Wang Jun");
    const command = (await events()).filter((event) => event.type === "incident.command").at(-1);
    expect(command).toMatchObject({ actor: { role: "dispatcher" }, payload: { action: "transferred", commanderName: "Chief Wang Jun", unitId: "E1", previous: { name: "Capt. Liu Yang" } } });
    expect([...consoleErrors, ...tabletErrors].filter((error) => !/ERR_UNSAFE_PORT|ERR_INTERNET_DISCONNECTED/.test(error))).toEqual([]);
  });
});
