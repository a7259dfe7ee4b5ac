// What a new user ran into on the console and the tablet (issue 11), each checked in real Chromium against the
// real server: the console must say what is really going on, where the user is looking.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CallIntakeResult, DispatchResult } from "../../shared/api";
import type { CallIntakeBody } from "../../shared/schemas";
import { phoneCall } from "../helpers/factories";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { chromiumAvailable, launchBrowser, login, newContext, screenshot, watchErrors } from "./browser";

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

const STATION_1 = { lat: 37.7808, lng: -122.403 };
const ROSTER: [string, string, string, { lat: number; lng: number }][] = [
  ["E1", "engine", "Station 1", STATION_1],
  ["T1", "ladder", "Station 1", STATION_1],
  ["M1", "medic", "Station 1", STATION_1],
  ["E2", "engine", "Station 2", { lat: 37.7974, lng: -122.4105 }],
  ["E3", "engine", "Station 3", { lat: 37.7867, lng: -122.4207 }],
  ["E7", "engine", "Station 7", { lat: 37.7604, lng: -122.4144 }],
];

function poll<T>(read: () => T | Promise<T>, options: { timeout?: number } = {}) {
  return expect.poll(read, { timeout: 20_000, interval: 100, ...options });
}

describeBrowser("what a new user ran into (issue 11)", () => {
  let server: TestServer;
  let browser: Browser;
  let dispatcher: Account;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  const api = async <T>(method: string, pathname: string, token: string, body?: unknown): Promise<T> => {
    const response = await server.api<T>(method, pathname, { token, ...(body !== undefined ? { body } : {}) });
    if (response.status >= 300) throw new Error(`${method} ${pathname}: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body;
  };
  const newIncident = (overrides: Partial<CallIntakeBody> = {}) => api<CallIntakeResult>("POST", "/calls", dispatcher.token, phoneCall(overrides));
  const dispatch = (incidentId: string, unitIds: string[]) =>
    api<DispatchResult>("POST", `/incidents/${incidentId}/dispatch`, dispatcher.token, { unitIds, opId: crypto.randomUUID() });
  const selectIncident = async (incidentId: string) => {
    await page.locator(`[data-testid="queue-item"][data-incident-id="${incidentId}"]`).click();
    await poll(() => page.getByTestId("incident-detail").getAttribute("data-incident-id")).toBe(incidentId);
  };

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({
      config: { clientDir: CLIENT_DIR },
      env: { TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png", TIME_ZONE: "America/Los_Angeles", MAP_CENTER: "37.7801,-122.4102", LOST_CONTACT_SECONDS: "3" },
    });
    for (const [unitId, type, station, home] of ROSTER) await server.createUnit(unitId, { callSign: unitId, type, station, home });
    dispatcher = await server.createAccount("dispatcher");
    browser = await launchBrowser();
    context = await newContext(browser, server.url, { viewport: { width: 1366, height: 768 } });
    page = await context.newPage();
    errors = watchErrors(page);
    await login(page, dispatcher.username, dispatcher.password);
    await page.waitForSelector('[data-testid="connection"][data-phase="live"]', { timeout: 20_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("4: does not leave 'checking for the same incident' on an empty form after a quick submit", async () => {
    await page.getByTestId("intake-type").selectOption("medical");
    await page.getByTestId("intake-coordinates").fill("37.7702, -122.4301");
    // Submitted before the debounced duplicate check had even started.
    await page.getByTestId("intake-coordinates").press("Enter");
    await page.getByTestId("intake-result").waitFor();
    await page.waitForTimeout(1000);
    expect(await page.getByTestId("duplicates").textContent()).toBe("");
  });

  it("6: Enter before the address suggestions arrive waits for them instead of failing", async () => {
    await newIncident({ location: { lat: 37.7751, lng: -122.4033, address: "935 Folsom St" }, incidentType: "alarm" });
    await page.keyboard.press("F2");
    await page.getByTestId("intake-type").selectOption("alarm");
    await page.getByTestId("intake-address").fill("935 Folsom");
    await page.getByTestId("intake-address").press("Enter");
    // The answer opens the list on its first option: nothing was submitted, no "location required".
    await poll(() => page.getByTestId("address-options").isVisible()).toBe(true);
    expect(await page.getByTestId("address-option").first().getAttribute("aria-selected")).toBe("true");
    expect(await page.getByTestId("intake-error").count()).toBe(0);
    expect(await page.locator("#coordinates-hint.field-error").count()).toBe(0);
    await page.getByTestId("intake-address").press("Enter");
    await poll(() => page.getByTestId("intake-coordinates").inputValue()).toBe("37.775100, -122.403300");
  });

  it("6: says when no known address matches, and Enter then holds the form", async () => {
    await page.getByTestId("intake-address").fill("1 Nowhere Lane");
    await page.getByTestId("intake-coordinates").fill("");
    await poll(() => page.getByTestId("address-no-match").isVisible()).toBe(true);
    expect(await page.getByTestId("address-no-match").textContent()).toMatch(/no known address/i);
    await page.getByTestId("intake-address").press("Enter");
    expect(await page.locator("#coordinates-hint.field-error").count()).toBe(1);
  });

  it("6: F2 on a half-typed call asks before wiping it; a second F2 starts the new call", async () => {
    await page.getByTestId("intake-caller-number").fill("13800138000");
    await page.keyboard.press("F2");
    await page.getByTestId("discard-confirm").waitFor();
    expect(await page.getByTestId("intake-caller-number").inputValue()).toBe("13800138000");
    await screenshot(page, "issue11-discard-confirm-1366x768-en");
    await page.getByTestId("discard-no").click();
    expect(await page.getByTestId("discard-confirm").count()).toBe(0);
    expect(await page.getByTestId("intake-caller-number").inputValue()).toBe("13800138000");
    await page.keyboard.press("F2");
    await page.getByTestId("discard-confirm").waitFor();
    await page.keyboard.press("F2");
    await poll(() => page.getByTestId("intake-caller-number").inputValue()).toBe("");
    expect(await page.getByTestId("discard-confirm").count()).toBe(0);
    // An empty form starts a new call at once.
    await page.keyboard.press("F2");
    expect(await page.getByTestId("discard-confirm").count()).toBe(0);
  });

  it("3: says which units block closing, beside the Close button, before the click", async () => {
    const { incident } = await newIncident({ location: { lat: 37.7811, lng: -122.4101, address: "1 Close Test St" } });
    await dispatch(incident.id, ["E1"]);
    await selectIncident(incident.id);
    const close = page.getByTestId("close-incident");
    await poll(() => close.isDisabled()).toBe(true);
    expect(await page.getByTestId("close-blocked").textContent()).toContain("E1");
    await close.scrollIntoViewIfNeeded();
    expect(await page.getByTestId("close-blocked").isVisible()).toBe(true);
  });

  it("3: raising a vehicle fire to alarm 2 says the run card has no level 2, not 'no available units'", async () => {
    const { incident } = await newIncident({ incidentType: "vehicle_fire", location: { lat: 37.7705, lng: -122.4201, address: "2 Car Fire Ave" } });
    await selectIncident(incident.id);
    await page.getByTestId("recommendation").first().waitFor();
    const engine = (await page.getByTestId("recommendation").first().getAttribute("data-unit-id")) ?? "";
    await dispatch(incident.id, [engine]);
    const note = page.getByTestId("recommendation-note");
    await poll(() => note.getAttribute("data-kind")).toBe("cardFilled");
    expect(await note.textContent()).not.toMatch(/no available units/i);
    await page.getByTestId("raise-alarm").click();
    await poll(() => note.getAttribute("data-kind")).toBe("noCardLevel");
    expect(await note.textContent()).toMatch(/no alarm 2/);
    await screenshot(page, "issue11-no-card-level-1366x768-en");
    expect(errors.filter((error) => !error.includes("ERR_UNSAFE_PORT"))).toEqual([]);
  });

  it("9: a dispatch alert seen late shows when it was sent and how long ago, and only the units still on the incident", async () => {
    const dispatchedAt = new Date(Date.now() - 24 * 60_000 - 5_000).toISOString();
    const { incident } = await newIncident({ location: { lat: 37.7752, lng: -122.4188, address: "9 Late Alert Way" } });
    await api<DispatchResult>("POST", `/incidents/${incident.id}/dispatch`, dispatcher.token, { unitIds: ["E2", "E3"], opId: crypto.randomUUID(), occurredAt: dispatchedAt });
    // E3 was released long ago; E2's crew logs in only now.
    await api("POST", "/units/E3/status", dispatcher.token, { status: "available", opId: crypto.randomUUID(), override: { reason: "cancelled on the way" } });
    const crew = await server.createAccount("crew", "E2");
    const tablet = await (await newContext(browser, server.url, { viewport: { width: 1280, height: 800 } })).newPage();
    const tabletErrors = watchErrors(tablet);
    await login(tablet, crew.username, crew.password);
    const alert = tablet.getByTestId("dispatch-alert");
    await alert.waitFor({ timeout: 20_000 });
    const when = tablet.getByTestId("alert-dispatched-at");
    await poll(() => when.textContent()).toMatch(/Dispatched \d\d:\d\d:\d\d P[SD]T · 24 min ago/);
    await poll(() => alert.textContent()).not.toContain("E3");
    await screenshot(tablet, "issue11-tablet-late-alert-1280x800-en");
    await tablet.setViewportSize({ width: 390, height: 844 });
    await screenshot(tablet, "issue11-tablet-late-alert-390x844-en");
    expect(tabletErrors.filter((error) => !error.includes("ERR_UNSAFE_PORT"))).toEqual([]);
    await tablet.context().close();
  });

  /** Words of the status buttons that the layout broke across lines. */
  const brokenWords = (target: Page) =>
    target.evaluate(() => {
      const broken: string[] = [];
      for (const button of document.querySelectorAll<HTMLElement>(".status-buttons button")) {
        const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          const text = node.textContent ?? "";
          for (const match of text.matchAll(/\S+/g)) {
            const range = document.createRange();
            range.setStart(node, match.index ?? 0);
            range.setEnd(node, (match.index ?? 0) + match[0].length);
            const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
            if (lines.size > 1) broken.push(match[0]);
          }
        }
      }
      return broken;
    });

  it("10: with no assignment the moving steps are disabled and say why; on a phone nothing breaks or overlaps", async () => {
    await server.createUnit("E9", { callSign: "E9", type: "engine", station: "Station 9", home: { lat: 37.7646, lng: -122.4198 } });
    const crew = await server.createAccount("crew", "E9");
    const tablet = await (await newContext(browser, server.url, { viewport: { width: 390, height: 844 } })).newPage();
    await login(tablet, crew.username, crew.password);
    await tablet.getByTestId("tablet").waitFor();
    for (const step of ["acknowledged", "en_route", "on_scene", "transporting"]) {
      expect(await tablet.getByTestId(`status-${step}`).isDisabled()).toBe(true);
    }
    expect(await tablet.getByTestId("status-available").isDisabled()).toBe(false);
    expect(await tablet.getByTestId("status-note").textContent()).toMatch(/no assignment/i);
    expect(await tablet.getByTestId("map-coords").count()).toBe(0);
    expect(await brokenWords(tablet)).toEqual([]);
    await screenshot(tablet, "issue11-tablet-idle-390x844-en");

    // On an assignment: the zoom buttons stay clear of the incident's label.
    const { incident } = await newIncident({ location: { lat: 37.7655, lng: -122.4155, address: "10 Phone St" }, incidentType: "structure_fire" });
    await dispatch(incident.id, ["E9"]);
    await tablet.getByTestId("alert-acknowledge").click();
    await poll(() => tablet.getByTestId("tablet-status").getAttribute("data-status")).toBe("acknowledged");
    await tablet.locator(".leaflet-tooltip").first().waitFor();
    const overlap = () => tablet.evaluate(() => {
      const zoom = document.querySelector(".leaflet-control-zoom")?.getBoundingClientRect();
      const label = document.querySelector(".leaflet-tooltip")?.getBoundingClientRect();
      if (!zoom || !label) return "missing";
      return zoom.left < label.right && label.left < zoom.right && zoom.top < label.bottom && label.top < zoom.bottom ? "overlap" : "clear";
    });
    await poll(overlap).toBe("clear");
    expect(await brokenWords(tablet)).toEqual([]);
    await screenshot(tablet, "issue11-tablet-assigned-390x844-en");
    await tablet.context().close();
  });

  it("2: writes ages as durations, names the zone beside times, and offers coordinates inside the center's map", async () => {
    const { incident } = await newIncident({ location: { lat: 37.7722, lng: -122.4122, address: "2 Duration St" }, incidentType: "rescue" });
    await selectIncident(incident.id);
    const age = page.locator(`[data-testid="queue-item"][data-incident-id="${incident.id}"] .age`);
    await poll(() => age.textContent()).toMatch(/^\d+ s$|^\d+ min \d\d s$/);
    expect(await page.getByTestId("detail-received").textContent()).toMatch(/\d\d:\d\d:\d\d P[SD]T/);
    expect(await page.getByTestId("detail-age").textContent()).not.toMatch(/\d+:\d\d/);
    expect(await page.getByTestId("timeline").locator("th").first().textContent()).toMatch(/P[SD]T/);
    expect(await page.getByTestId("intake-coordinates").getAttribute("placeholder")).toBe("37.78010, -122.41020");
  });

  it("1: shows lost contact on the board, the map and the incident when a tablet goes away, and clears it when it is back", async () => {
    await server.createUnit("E11", { callSign: "E11", type: "engine", station: "Station 11", home: { lat: 37.7901, lng: -122.4002 } });
    const crew = await server.createAccount("crew", "E11");
    const openTablet = async () => {
      const tabletPage = await (await newContext(browser, server.url, { viewport: { width: 1280, height: 800 } })).newPage();
      await login(tabletPage, crew.username, crew.password);
      await tabletPage.waitForSelector('[data-testid="connection"][data-phase="live"]', { timeout: 20_000 });
      return tabletPage;
    };
    const tablet = await openTablet();
    const { incident } = await newIncident({ location: { lat: 37.7891, lng: -122.4012, address: "1 Lost Contact Rd" }, incidentType: "alarm" });
    await dispatch(incident.id, ["E11"]);
    await tablet.getByTestId("alert-acknowledge").click();
    await selectIncident(incident.id);
    const row = page.locator('[data-testid="unit-row"][data-unit-id="E11"]');
    await poll(() => row.getAttribute("data-status")).toBe("acknowledged");
    expect(await row.getAttribute("data-lost-contact")).toBeNull();

    await tablet.context().close();
    await poll(() => row.getAttribute("data-lost-contact")).toBe("true");
    expect(await row.getByTestId("lost-contact").textContent()).toMatch(/No contact \d+ s/);
    const assignment = page.locator('[data-testid="assignment"][data-unit-id="E11"]');
    expect(await assignment.getByTestId("lost-contact").count()).toBe(1);
    expect(await page.locator(".unit-marker.lost-contact [data-unit-id='E11']").count()).toBe(1);
    await row.scrollIntoViewIfNeeded();
    await screenshot(page, "issue11-lost-contact-1366x768-en");

    const back = await openTablet();
    await poll(() => row.getAttribute("data-lost-contact")).toBeNull();
    await poll(() => page.locator(".unit-marker.lost-contact [data-unit-id='E11']").count()).toBe(0);
    await back.context().close();
  });

  it("8: an out-of-order status asks for the reason inline (no browser prompt), with the whole status list readable", async () => {
    const { incident } = await newIncident({ location: { lat: 37.7833, lng: -122.4155, address: "8 Override Ave" }, incidentType: "alarm" });
    await dispatch(incident.id, ["T1"]);
    await selectIncident(incident.id);
    const dialogs: string[] = [];
    page.on("dialog", (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    const row = page.locator('[data-testid="assignment"][data-unit-id="T1"]');
    const select = row.getByTestId("set-status");
    expect((await select.boundingBox())?.width ?? 0).toBeGreaterThan(120);
    await select.selectOption("at_hospital");
    const overrideForm = page.locator('[data-testid="override-form"][data-unit-id="T1"]');
    await overrideForm.waitFor();
    expect(dialogs).toEqual([]);
    await overrideForm.getByTestId("override-reason").fill("Crew reported by radio");
    await screenshot(page, "issue11-override-inline-1366x768-en");
    await overrideForm.getByTestId("override-submit").click();
    await poll(() => row.getAttribute("data-status")).toBe("at_hospital");
    await poll(() => overrideForm.count()).toBe(0);
  });

  it("8: an admin creating a crew account picks its unit, and is told in words when none is chosen", async () => {
    const admin = await (await newContext(browser, server.url, { viewport: { width: 1366, height: 768 } })).newPage();
    await login(admin, server.adminUsername, server.adminPassword);
    await admin.getByTestId("admin-tab").click();
    const form = admin.getByTestId("create-account");
    await form.locator('input[autocomplete="off"]').first().fill("crew-new");
    await form.locator('input[type="password"]').fill("a-long-enough-password");
    await form.locator("select").first().selectOption("crew");
    await admin.getByTestId("create-account-submit").click();
    expect(await admin.getByTestId("create-account-error").textContent()).toMatch(/needs its unit/);
    expect(await admin.getByTestId("create-account-error").textContent()).not.toMatch(/unitId|Too small|Invalid/);
    await admin.getByTestId("account-unit").selectOption("E7");
    await admin.getByTestId("create-account-submit").click();
    await admin.locator('[data-testid="account-row"][data-username="crew-new"]').waitFor();
    await admin.context().close();
  });

  it("8: a supervisor ends a tablet's session from the console, and the tablet says why it is at the login", async () => {
    const crew = await server.createAccount("crew", "M1");
    const tablet = await (await newContext(browser, server.url, { viewport: { width: 1280, height: 800 } })).newPage();
    await login(tablet, crew.username, crew.password);
    await tablet.getByTestId("tablet").waitFor();
    const supervisor = await server.createAccount("supervisor");
    const console2 = await (await newContext(browser, server.url, { viewport: { width: 1366, height: 768 } })).newPage();
    console2.on("dialog", (dialog) => void dialog.accept());
    await login(console2, supervisor.username, supervisor.password);
    await console2.getByTestId("admin-tab").click();
    await console2.getByTestId("sessions-panel").waitFor();
    expect(await console2.getByTestId("create-account").count()).toBe(0);
    await console2.locator(`[data-testid="account-row"][data-username="${crew.username}"]`).getByTestId("revoke").click();
    await poll(() => console2.getByTestId("accounts-status").textContent()).toMatch(/Ended \d+ sessions/);
    await tablet.getByTestId("session-ended").waitFor({ timeout: 20_000 });
    expect(await tablet.getByTestId("session-ended").getAttribute("data-reason")).toBe("revoked");
    expect(await tablet.getByTestId("session-ended").textContent()).toMatch(/ended by a supervisor/);
    await screenshot(tablet, "issue11-revoked-tablet-1280x800-en");
    await screenshot(console2, "issue11-sessions-supervisor-1366x768-en");
    await tablet.context().close();
    await console2.context().close();
  });

  /** Pairs of unit labels on the map whose boxes overlap. */
  const overlappingLabels = (target: Page) =>
    target.evaluate(() => {
      const boxes = [...document.querySelectorAll<HTMLElement>(".unit-marker span")].map((element) => ({
        text: element.textContent ?? "",
        box: element.getBoundingClientRect(),
      }));
      const pairs: string[] = [];
      boxes.forEach((a, i) =>
        boxes.slice(i + 1).forEach((b) => {
          if (a.box.left < b.box.right && b.box.left < a.box.right && a.box.top < b.box.bottom && b.box.top < a.box.bottom) pairs.push(`${a.text}/${b.text}`);
        }),
      );
      return pairs;
    });

  it("5: at 1366x768 the Create button shows, the queue shows several incidents, the merge list fits and unit labels do not pile up", async () => {
    for (const [index, address] of ["5 A St", "5 B St", "5 C St", "5 A Very Long Address Name That Goes On And On Boulevard, San Francisco"].entries()) {
      await newIncident({ location: { lat: 37.75 + index * 0.004, lng: -122.44 + index * 0.003, address }, incidentType: "service" });
    }
    // Station 1 grows to five units, as demo stations do.
    for (const unitId of ["B1", "RS1"]) await server.createUnit(unitId, { callSign: unitId, type: unitId === "B1" ? "command" : "rescue", station: "Station 1", home: STATION_1 });
    await page.keyboard.press("F2");
    const submit = page.getByTestId("intake-submit");
    const submitVisible = await submit.evaluate((element) => {
      const box = element.getBoundingClientRect();
      const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
      return box.bottom <= window.innerHeight && hit !== null && element.contains(hit);
    });
    expect(submitVisible).toBe(true);
    const fullyVisibleItems = await page.evaluate(() => {
      const queue = document.querySelector(".queue")?.getBoundingClientRect();
      if (!queue) return 0;
      return [...document.querySelectorAll(".queue-item")].filter((item) => {
        const box = item.getBoundingClientRect();
        return box.top >= queue.top && box.bottom <= queue.bottom;
      }).length;
    });
    await screenshot(page, "issue11-queue-1366x768-en");
    expect(fullyVisibleItems).toBeGreaterThanOrEqual(3);

    const first = await page.getByTestId("queue-item").first().getAttribute("data-incident-id");
    await selectIncident(first ?? "");
    const merge = page.getByTestId("merge-target");
    await merge.scrollIntoViewIfNeeded();
    const fits = await merge.evaluate((element) => {
      const panel = element.closest(".detail")?.getBoundingClientRect();
      const box = element.getBoundingClientRect();
      return panel !== undefined && box.right <= panel.right + 1;
    });
    expect(fits).toBe(true);
    await screenshot(page, "issue11-console-1366x768-en");

    // Zoomed out, a whole city's stations: labels are grouped instead of piled up.
    await page.locator(".leaflet-control-zoom-out").click();
    await page.locator(".leaflet-control-zoom-out").click();
    await page.waitForTimeout(600);
    expect(await overlappingLabels(page)).toEqual([]);
    expect(await page.locator(".unit-cluster").count()).toBeGreaterThan(0);
    await screenshot(page, "issue11-map-zoomed-out-1366x768-en");
    await page.locator(".leaflet-control-zoom-in").click();
    await page.locator(".leaflet-control-zoom-in").click();
    await page.waitForTimeout(600);
    expect(await overlappingLabels(page)).toEqual([]);
  });

  it("8: an admin gives the vehicle fire run card a second alarm, and raising to alarm 2 then recommends from it", async () => {
    const admin = await (await newContext(browser, server.url, { viewport: { width: 1366, height: 768 } })).newPage();
    await login(admin, server.adminUsername, server.adminPassword);
    await admin.getByTestId("admin-tab").click();
    const editor = admin.getByTestId("run-card-editor");
    await editor.getByTestId("run-card-type").selectOption("vehicle_fire");
    await poll(() => editor.getByTestId("run-card-1-engine").inputValue()).toBe("1");
    await editor.getByTestId("run-card-add-level").click();
    await editor.getByTestId("run-card-2-engine").fill("2");
    await editor.getByTestId("run-card-save").click();
    await poll(() => editor.getByTestId("run-card-saved").textContent()).toMatch(/Saved the Vehicle fire run card/i);
    await editor.scrollIntoViewIfNeeded();
    await screenshot(admin, "issue11-run-card-editor-1366x768-en");
    await admin.context().close();

    const { incident } = await newIncident({ incidentType: "vehicle_fire", location: { lat: 37.7688, lng: -122.4288, address: "8 Second Alarm St" } });
    await selectIncident(incident.id);
    await page.getByTestId("raise-alarm").click();
    await poll(() => page.getByTestId("dispatch-panel").textContent()).toMatch(/Alarm level 2/);
    await page.getByTestId("recommendation").first().waitFor();
    expect(await page.getByTestId("recommendation-note").count()).toBe(0);
  });

  it("screens changed for issue 11, in English and Chinese, at the four sizes (looked at, not just taken)", async () => {
    // A busy moment: an incident with a unit that lost contact, a tablet on an assignment with a late alert.
    await server.createUnit("E21", { callSign: "E21", type: "engine", station: "Station 21", home: { lat: 37.7745, lng: -122.4305 } });
    await server.createUnit("E22", { callSign: "E22", type: "engine", station: "Station 21", home: { lat: 37.7745, lng: -122.4305 } });
    const crew = await server.createAccount("crew", "E21");
    const { incident } = await newIncident({ location: { lat: 37.7751, lng: -122.4281, address: "1455 Market St" }, incidentType: "structure_fire" });
    await dispatch(incident.id, ["E21", "E22"]);
    const lost = await (await newContext(browser, server.url, { viewport: { width: 1280, height: 800 } })).newPage();
    const e22 = await server.createAccount("crew", "E22");
    await login(lost, e22.username, e22.password);
    await lost.waitForSelector('[data-testid="connection"][data-phase="live"]', { timeout: 20_000 });
    await lost.context().close();
    await selectIncident(incident.id);
    await poll(() => page.locator('[data-testid="unit-row"][data-unit-id="E22"]').getAttribute("data-lost-contact")).toBe("true");

    const tablet = await (await newContext(browser, server.url, { viewport: { width: 1280, height: 800 } })).newPage();
    await login(tablet, crew.username, crew.password);
    await tablet.getByTestId("dispatch-alert").waitFor({ timeout: 20_000 });

    for (const language of ["en", "zh-CN"]) {
      await page.getByTestId("language-select").selectOption(language);
      await tablet.getByTestId("language-select").selectOption(language).catch(() => undefined);
      for (const [width, height] of [[1366, 768], [1920, 1080], [1280, 800]] as const) {
        await page.setViewportSize({ width, height });
        await page.waitForTimeout(300);
        await screenshot(page, `issue11-console-${width}x${height}-${language}`);
      }
      for (const [width, height] of [[1280, 800], [390, 844]] as const) {
        await tablet.setViewportSize({ width, height });
        await tablet.waitForTimeout(300);
        await screenshot(tablet, `issue11-tablet-alert-${width}x${height}-${language}`);
      }
    }
    // The alert's language selector is under the overlay: switch after acknowledging, then the assignment view.
    await tablet.getByTestId("alert-acknowledge").click();
    for (const language of ["en", "zh-CN"]) {
      await tablet.getByTestId("language-select").selectOption(language);
      for (const [width, height] of [[1280, 800], [390, 844]] as const) {
        await tablet.setViewportSize({ width, height });
        await tablet.waitForTimeout(300);
        await screenshot(tablet, `issue11-tablet-${width}x${height}-${language}`);
      }
    }
    await page.getByTestId("language-select").selectOption("en");
    await page.setViewportSize({ width: 1366, height: 768 });
    await tablet.context().close();
  });
});
