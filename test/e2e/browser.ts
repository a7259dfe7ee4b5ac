// System Chromium through playwright-core: never a downloaded browser.
import fs from "node:fs";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

export function chromiumAvailable(): boolean {
  return fs.existsSync(CHROMIUM_PATH);
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // Alerts must be able to sound without a prior gesture in a headless run.
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

export interface ContextOptions {
  viewport?: { width: number; height: number };
  locale?: string;
  timezoneId?: string;
  /** A fixed device position, with the permission granted (a tablet with GPS). */
  geolocation?: { latitude: number; longitude: number };
}

export async function newContext(browser: Browser, baseURL: string, options: ContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: options.viewport ?? { width: 1920, height: 1080 },
    locale: options.locale ?? "en-US",
    timezoneId: options.timezoneId ?? "UTC",
    serviceWorkers: "allow",
    ...(options.geolocation ? { geolocation: options.geolocation, permissions: ["geolocation"] } : {}),
  });
  return context;
}

/** Collects page errors and console errors so a test can fail on them with a readable message. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  return errors;
}

export async function login(page: Page, username: string, password: string): Promise<void> {
  await page.goto("/");
  await page.getByTestId("login-username").fill(username);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync("test-results", { recursive: true });
  const file = `test-results/${name}.png`;
  await page.screenshot({ path: file, fullPage: false });
  return file;
}
