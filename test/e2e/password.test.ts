// Changing one's own password from the screens, in real Chromium against the real server: the console in zh-CN
// (refusals said in Chinese, the change, another session cut off, logging in again with the new password), the
// same dialog in English, and the crew's phone-sized tablet with its 64 px targets.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, waitForConnect, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { chromiumAvailable, launchBrowser, login, newContext, screenshot, watchErrors } from "./browser";

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

const NEW_PASSWORD = "Folsom-street-engine-7";

function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}

async function openDialog(page: Page): Promise<void> {
  await page.getByTestId("change-password").click();
  await page.getByTestId("password-dialog").waitFor();
}

async function fillDialog(page: Page, current: string, next: string, again = next): Promise<void> {
  await page.getByTestId("password-current").fill(current);
  await page.getByTestId("password-new").fill(next);
  await page.getByTestId("password-again").fill(again);
  await page.getByTestId("password-submit").click();
}

const problemText = (page: Page) => page.getByTestId("password-problem").textContent();

describeBrowser("changing one's own password", () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({ config: { clientDir: CLIENT_DIR }, env: { TILE_URL: "http://127.0.0.1:9/{z}/{x}/{y}.png" } });
    await server.createUnit("E7", { callSign: "E7", type: "engine", station: "Station 7", home: { lat: 37.7604, lng: -122.4144 } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("changes the password from the console in zh-CN, says each refusal in Chinese, and logs in again with it", async () => {
    const dispatcher: Account = await server.createAccount("dispatcher");
    // The same person's second console (and the session createAccount opened): both end with the change.
    const second = await server.api<{ token: string }>("POST", "/auth/login", {
      body: { username: dispatcher.username, password: dispatcher.password },
    });
    const otherSocket = server.connect(second.body.token);
    await waitForConnect(otherSocket);
    const otherRevoked = new Promise<void>((resolve) => otherSocket.once("session.revoked", () => resolve()));

    const context = await newContext(browser, server.url, { viewport: { width: 1280, height: 800 }, locale: "zh-CN" });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await login(page, dispatcher.username, dispatcher.password);
    await poll(() => page.getByTestId("connection").getAttribute("data-phase")).toBe("live");

    await openDialog(page);
    expect(await page.getByTestId("password-dialog").textContent()).toContain("修改密码");
    await screenshot(page, "password-console-1280x800-zh-CN");

    // Checked on the page: the two new passwords differ; too short.
    await fillDialog(page, dispatcher.password, NEW_PASSWORD, `${NEW_PASSWORD}x`);
    expect(await problemText(page)).toBe("两次输入的新密码不一致。");
    await fillDialog(page, dispatcher.password, "Short-7");
    expect(await problemText(page)).toBe("新密码至少需要 12 个字符。");
    // Checked by the server: the current password, the common list.
    await fillDialog(page, "Not-my-password-1", NEW_PASSWORD);
    await poll(() => problemText(page)).toBe("当前密码不正确。");
    await fillDialog(page, dispatcher.password, "P@ssw0rd2024!");
    await poll(() => problemText(page)).toBe("新密码在常见密码列表中，请换一个不易被猜到的。");
    await screenshot(page, "password-console-refused-1280x800-zh-CN");
    // None of that logged the console out.
    expect(await page.getByTestId("console").count()).toBe(1);

    await fillDialog(page, dispatcher.password, NEW_PASSWORD);
    await page.getByTestId("password-done").waitFor();
    expect(await page.getByTestId("password-done").textContent()).toContain("2 个");
    await screenshot(page, "password-console-changed-1280x800-zh-CN");
    await otherRevoked;
    await page.getByTestId("password-close").click();
    expect(await page.getByTestId("password-dialog").count()).toBe(0);
    // This session stays: still live, still the console.
    await page.waitForTimeout(500);
    expect(await page.getByTestId("connection").getAttribute("data-phase")).toBe("live");

    // Log out, then the old password is refused and the new one opens the console.
    await page.getByRole("button", { name: "退出登录" }).click();
    await page.getByTestId("login-username").waitFor();
    await login(page, dispatcher.username, dispatcher.password);
    await poll(() => page.getByTestId("login-error").getAttribute("data-code")).toBe("invalid_credentials");
    expect(await page.getByTestId("console").count()).toBe(0);
    await login(page, dispatcher.username, NEW_PASSWORD);
    await page.getByTestId("console").waitFor();
    await poll(() => page.getByTestId("connection").getAttribute("data-phase")).toBe("live");
    // The refusals provoked above (400 weak, 401 wrong password) are logged by the browser as failed requests.
    expect(errors.filter((error) => !/ERR_UNSAFE_PORT|status of (400|401)/.test(error))).toEqual([]);
    await context.close();
  });

  it("says the refusals in English on the console, and fits a 390 px phone", async () => {
    const supervisor = await server.createAccount("supervisor");
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      const context = await newContext(browser, server.url, { viewport, locale: "en-US" });
      const page = await context.newPage();
      await login(page, supervisor.username, supervisor.password);
      await page.getByTestId("console").waitFor();
      await openDialog(page);
      await fillDialog(page, supervisor.password, supervisor.password);
      expect(await problemText(page)).toBe("The new password is the current one: choose a different one.");
      await fillDialog(page, supervisor.password, supervisor.username);
      expect(await problemText(page)).toBe("The new password must not be the username.");
      await fillDialog(page, "Wrong-current-1", NEW_PASSWORD);
      await poll(() => problemText(page)).toBe("The current password is wrong.");
      // Every field and button of the dialog is inside the screen.
      const dialog = await page.getByTestId("password-dialog").boundingBox();
      expect(dialog && dialog.x >= 0 && dialog.x + dialog.width <= viewport.width).toBe(true);
      await screenshot(page, `password-console-refused-${viewport.width}x${viewport.height}-en`);
      await context.close();
    }
  });

  it("opens from the crew tablet's bar with 64 px targets, at 390 px in zh-CN and en", async () => {
    const crew = await server.createAccount("crew", "E7");
    for (const locale of ["zh-CN", "en-US"]) {
      const context = await newContext(browser, server.url, { viewport: { width: 390, height: 844 }, locale });
      const page = await context.newPage();
      await login(page, crew.username, crew.password);
      await page.getByTestId("tablet").waitFor();
      const button = await page.getByTestId("change-password").boundingBox();
      expect(button?.height).toBeGreaterThanOrEqual(64);
      await screenshot(page, `password-tablet-bar-390x844-${locale === "zh-CN" ? "zh-CN" : "en"}`);
      await openDialog(page);
      for (const testId of ["password-current", "password-new", "password-again", "password-submit", "password-cancel"]) {
        const box = await page.getByTestId(testId).boundingBox();
        expect(box?.height, testId).toBeGreaterThanOrEqual(64);
        expect(box && box.x >= 0 && box.x + box.width <= 390, testId).toBe(true);
      }
      await fillDialog(page, crew.password, NEW_PASSWORD, "Folsom-street-engine-8");
      expect(await problemText(page)).toBe(locale === "zh-CN" ? "两次输入的新密码不一致。" : "The two new passwords are not the same.");
      await screenshot(page, `password-tablet-390x844-${locale === "zh-CN" ? "zh-CN" : "en"}`);
      await page.getByTestId("password-cancel").click();
      expect(await page.getByTestId("password-dialog").count()).toBe(0);
      await context.close();
    }
  });

  it("lets an admin set another account's password from the accounts table; the person chooses their own at the next login", async () => {
    const dispatcher = await server.createAccount("dispatcher");
    const context = await newContext(browser, server.url, { viewport: { width: 1280, height: 800 }, locale: "en-US" });
    const page = await context.newPage();
    await login(page, server.adminUsername, server.adminPassword);
    await page.getByTestId("console").waitFor();
    await page.getByTestId("admin-tab").click();
    const row = page.locator(`[data-testid="account-row"][data-username="${dispatcher.username}"]`);
    await row.getByTestId("reset-password").click();
    // The admin's own row has no such button: that is a change with the current password.
    expect(await page.locator(`[data-testid="account-row"][data-username="${server.adminUsername}"]`).getByTestId("reset-password").count()).toBe(0);

    await page.getByTestId("reset-password-input").fill(dispatcher.username);
    await page.getByTestId("reset-password-submit").click();
    expect(await page.getByTestId("reset-password-problem").textContent()).toBe("The new password must not be the username.");
    expect(await page.getByTestId("reset-password-must-change").isChecked()).toBe(true);
    await screenshot(page, "password-admin-reset-form-1280x800-en");
    await page.getByTestId("reset-password-input").fill("Mission-street-ladder-9");
    await page.getByTestId("reset-password-submit").click();
    await page.getByTestId("reset-password-done").waitFor();
    expect(await page.getByTestId("reset-password-done").textContent()).toContain(dispatcher.username);
    await screenshot(page, "password-admin-reset-1280x800-en");

    expect((await server.api("GET", "/auth/me", { token: dispatcher.token })).status).toBe(401);
    await context.close();

    // "Ask for their own password at the next login" was ticked (the default): on a phone in zh-CN, the person's
    // first screen is the change, and the console comes after it.
    const phone = await newContext(browser, server.url, { viewport: { width: 390, height: 844 }, locale: "zh-CN" });
    const person = await phone.newPage();
    await login(person, dispatcher.username, "Mission-street-ladder-9");
    await person.getByTestId("password-dialog").waitFor();
    expect(await person.getByTestId("password-dialog").textContent()).toContain("设置您自己的密码");
    expect(await person.getByTestId("console").count()).toBe(0);
    expect(await person.getByTestId("password-cancel").count()).toBe(0);
    await screenshot(person, "password-required-390x844-zh-CN");
    await fillDialog(person, "Mission-street-ladder-9", "Chosen-by-myself-2026");
    await person.getByTestId("console").waitFor();
    await person.reload();
    await person.getByTestId("console").waitFor();
    expect(await person.getByTestId("password-dialog").count()).toBe(0);
    const relogin = await server.api<{ user: { mustChangePassword?: true } }>("POST", "/auth/login", {
      body: { username: dispatcher.username, password: "Chosen-by-myself-2026" },
    });
    expect(relogin.status).toBe(200);
    expect(relogin.body.user.mustChangePassword).toBeUndefined();
    await phone.close();
  });
});
