// An address-only EIDO transfer in the real console: shown with "position not confirmed", not drawn on the map,
// placed by a map click and the button, after which it is an ordinary incident.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EidoImportResult, IncidentDetailView } from "../../shared/api";
import { civicCallTransfer } from "../helpers/eidoFixtures";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { chromiumAvailable, launchBrowser, login, newContext, screenshot, watchErrors } from "./browser";

const describeBrowser = chromiumAvailable() ? describe : describe.skip;
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000, interval: 100 });

describeBrowser("an address-only EIDO transfer in the console", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let dispatcher: Account;

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({
      config: { clientDir: CLIENT_DIR },
      env: { TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png", MAP_CENTER: "31.2352,121.4812" },
    });
    await server.createUnit("E1", { home: { lat: 31.23, lng: 121.47 } });
    dispatcher = await server.createAccount("dispatcher");
    browser = await launchBrowser();
    const context = await newContext(browser, server.url, { viewport: { width: 1920, height: 1080 } });
    page = await context.newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows 'position not confirmed' with the address, and places the incident where the dispatcher clicks", async () => {
    await login(page, dispatcher.username, dispatcher.password);
    await poll(() => page.getByTestId("queue").count()).toBe(1);

    const integration = await server.createAccount("integration");
    const posted = await server.api<EidoImportResult>("POST", "/transfers/eido", { token: integration.token, body: civicCallTransfer() });
    expect(posted.status).toBe(201);
    const incidentId = posted.body.incident.id;

    const queueItem = page.locator(`[data-testid="queue-item"][data-incident-id="${incidentId}"]`);
    await poll(() => queueItem.count()).toBe(1);
    expect(await queueItem.textContent()).toContain("200 Nanjing East Road");
    // Not drawn at any made-up point: the map has no incident marker.
    expect(await page.locator(".incident-marker").count()).toBe(0);

    await queueItem.click();
    const banner = page.getByTestId("position-unconfirmed");
    await poll(() => banner.count()).toBe(1);
    expect(await banner.textContent()).toContain("Position not confirmed");
    expect(await page.getByTestId("place-incident").isDisabled()).toBe(true);
    await poll(() => page.getByTestId("recommendations-need-position").count()).toBe(1);
    await poll(async () => (await page.getByTestId("transfer-details").textContent()) ?? "").toContain("Chen Jie");
    await screenshot(page, "console-eido-unplaced-1920x1080");

    const map = page.getByTestId("map");
    const box = await map.boundingBox();
    if (!box) throw new Error("map not laid out");
    await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
    await poll(() => page.getByTestId("place-incident").isDisabled()).toBe(false);
    await page.getByTestId("place-incident").click();

    await poll(() => banner.count()).toBe(0);
    await poll(() => page.locator(".incident-marker").count()).toBe(1);
    // With a position, the nearest units are recommended as for any incident.
    await poll(() => page.locator('[data-testid="recommendation"][data-unit-id="E1"]').count()).toBe(1);
    const stored = (await server.api<IncidentDetailView>("GET", `/incidents/${incidentId}`, { token: dispatcher.token })).body;
    expect(stored.events.map((event) => event.type)).toContain("incident.located");
    expect(stored.location).toMatchObject({ address: "200 Nanjing East Road, FL 3, Huangpu, Shanghai, CN" });
    expect("lat" in stored.location ? Math.abs(stored.location.lat - 31.2352) : 1).toBeLessThan(0.05);
    // The tile server is unreachable on purpose (an isolated network); anything else is a defect.
    expect(errors.filter((error) => !error.includes("ERR_UNSAFE_PORT"))).toEqual([]);
  });
});
