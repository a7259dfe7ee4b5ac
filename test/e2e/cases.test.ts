// Residents' cases in real Chromium against the real server: a resident files from the link on an explanation page
// on a phone, a caseworker accepts and answers on the board, the resident reads the answer. Screenshots in zh-CN
// and en are saved in test-results/.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseView } from "../../shared/cases";
import { startTestServer, type Account, type TestServer } from "../helpers/server";
import { buildClient, CLIENT_DIR } from "./build";
import { chromiumAvailable, launchBrowser, login, newContext, screenshot, watchErrors } from "./browser";

const describeBrowser = chromiumAvailable() ? describe : describe.skip;
const PHONE = { width: 390, height: 844 };
const RESIDENT = { name: "王秀英", contact: "13912345678" };

function poll<T>(read: () => T | Promise<T>) {
  return expect.poll(read, { timeout: 20_000, interval: 100 });
}

/** Nothing on the page is wider than the phone: no sideways scrolling. */
async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

describeBrowser("a resident's case from a phone to the answer", () => {
  let server: TestServer;
  let browser: Browser;
  let caseworker: Account;
  let resident: Page;
  let residentErrors: string[];
  let caseNumber = "";

  beforeAll(async () => {
    buildClient();
    server = await startTestServer({ config: { clientDir: CLIENT_DIR }, env: { TIME_ZONE: "Asia/Shanghai" } });
    caseworker = await server.createAccount("caseworker");
    browser = await launchBrowser();
    const phone = await newContext(browser, server.url, { viewport: PHONE, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    resident = await phone.newPage();
    residentErrors = watchErrors(resident);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("files from the explanation page's link without an account and gets a case number and an access code", async () => {
    // The link an explanation page (issue 8) carries: its token and the incident number.
    await resident.goto("/cases/new?explanationToken=expl-e2e-1&incident=2026-00007");
    await resident.getByTestId("case-form").waitFor();
    expect(await resident.locator("input[name=incidentNumber]").inputValue()).toBe("2026-00007");
    await resident.locator("textarea[name=request]").fill("请赔偿我店铺的水渍损失，并说明消防车为何14分钟才到。");
    await resident.locator("textarea[name=facts]").fill("1日隔壁起火，灭火用水渗进我的店铺，货物全部泡坏。");
    await resident.locator("input[name=name]").fill(RESIDENT.name);
    await resident.locator("input[name=contact]").fill(RESIDENT.contact);
    await screenshot(resident, "case-phone-form-zh-CN");
    expect(await horizontalOverflow(resident)).toBeLessThanOrEqual(0);
    await resident.getByTestId("case-submit").click();

    await resident.getByTestId("case-filed").waitFor();
    caseNumber = (await resident.getByTestId("case-number").textContent()) ?? "";
    expect(caseNumber).toMatch(/^C\d{4}-\d{5}$/);
    expect(await resident.getByTestId("case-access-code").textContent()).toMatch(/^([0-9A-Z]{4}-){5}[0-9A-Z]{4}$/);
    await screenshot(resident, "case-phone-filed-zh-CN");
    expect(await horizontalOverflow(resident)).toBeLessThanOrEqual(0);

    await resident.getByRole("button", { name: "查看办理状态" }).click();
    await resident.getByTestId("case-status").waitFor();
    expect(await resident.getByTestId("case-stage").textContent()).toBe("等待受理");
    expect(await resident.getByTestId("case-deadlines").textContent()).toContain("受理或转送告知");
    expect(await resident.locator("body").textContent()).not.toContain(RESIDENT.name);

    const stored = await server.api<CaseView>("GET", `/cases/${caseNumber}`, { token: caseworker.token });
    expect(stored.body).toMatchObject({ explanationToken: "expl-e2e-1", incidentNumber: "2026-00007", resident: RESIDENT });
  });

  it("a caseworker finds it on the board, accepts it and answers with a decision letter", async () => {
    // A letter received 20 days ago and never accepted: overdue, so on top of the board.
    const late = await server.api<{ caseNumber: string }>("POST", "/cases", {
      token: caseworker.token,
      body: {
        request: "Why was the hydrant on Fuxing Rd dry?",
        facts: "Letter of a neighbour.",
        name: "Li Ming",
        contact: "8 Fuxing Rd",
        channel: "letter",
        receivedAt: new Date(Date.now() - 20 * 86_400_000).toISOString(),
      },
    });
    expect(late.status).toBe(201);
    const desk = await newContext(browser, server.url, { viewport: { width: 1280, height: 800 }, locale: "en-US", timezoneId: "Asia/Shanghai" });
    const staff = await desk.newPage();
    const staffErrors = watchErrors(staff);
    await login(staff, caseworker.username, caseworker.password);
    await staff.getByTestId("cases-app").waitFor();
    const row = staff.locator(`[data-testid=case-row][data-case="${caseNumber}"]`);
    await row.waitFor();
    const first = staff.getByTestId("case-row").first();
    expect(await first.getAttribute("data-case")).toBe(late.body.caseNumber);
    expect(await first.getAttribute("data-overdue")).toBe("true");
    expect(await row.getAttribute("data-overdue")).toBe("false");
    await screenshot(staff, "case-board-en");
    await row.click();
    await staff.getByTestId("case-detail").waitFor();
    expect(await staff.getByTestId("case-resident").textContent()).toContain(RESIDENT.contact);

    await staff.getByTestId("case-assign-me").click();
    await poll(async () => (await staff.getByTestId("case-assign-me").count()) === 0).toBe(true);
    await staff.getByTestId("case-accept").locator("summary").click();
    await staff.getByTestId("case-accept").locator("textarea").fill("Accepted. We will answer in writing.");
    await staff.getByTestId("case-accept").getByRole("button", { name: "Save" }).click();
    await poll(() => staff.getByTestId("case-detail").getAttribute("data-status")).toBe("accepted");

    const answer = staff.getByTestId("case-answer");
    await answer.locator("summary").click();
    await answer.locator("textarea[name=letter-facts]").fill(
      "The first engine was dispatched 58 seconds after the call; road works on Huaihai Rd added 6 minutes to its route.",
    );
    await answer.locator("select[name=letter-decision]").selectOption("explain");
    await answer.locator("textarea[name=letter-basis]").fill("The incident log of 2026-00007; Fire Service Law art. 44.");
    await answer.getByRole("button", { name: "Save" }).click();
    await poll(() => staff.getByTestId("case-detail").getAttribute("data-status")).toBe("answered");
    await screenshot(staff, "case-answered-staff-en");
    expect(await staff.locator("body").textContent()).not.toMatch(/cases\.[a-zA-Z]/);
    expect(staffErrors).toEqual([]);
    await desk.close();
  });

  it("the resident reads the answer on the phone, in zh-CN and in English", async () => {
    await resident.reload();
    await resident.getByTestId("case-letter").waitFor();
    expect(await resident.getByTestId("case-stage").textContent()).toBe("已答复");
    expect(await resident.getByTestId("case-decision").textContent()).toBe("解释说明");
    expect(await resident.getByTestId("case-letter").textContent()).toContain("复查");
    // Every label translated: no message key shows through.
    expect(await resident.locator("body").textContent()).not.toMatch(/cases\.[a-zA-Z]/);
    await resident.getByTestId("case-letter").scrollIntoViewIfNeeded();
    await screenshot(resident, "case-phone-answer-zh-CN");
    expect(await horizontalOverflow(resident)).toBeLessThanOrEqual(0);

    await resident.getByTestId("language-select").selectOption("en");
    await poll(() => resident.getByTestId("case-decision").textContent()).toBe("Explained");
    expect(await resident.getByTestId("case-letter").textContent()).toContain("first review");
    expect(await resident.locator("body").textContent()).not.toMatch(/cases\.[a-zA-Z]/);
    await resident.evaluate(() => window.scrollTo(0, 0));
    await screenshot(resident, "case-phone-status-en");
    await resident.getByTestId("case-letter").scrollIntoViewIfNeeded();
    await screenshot(resident, "case-phone-answer-en");
    expect(await resident.locator("body").textContent()).not.toContain(RESIDENT.contact);

    // A wrong code shows nothing of the case.
    await resident.getByTestId("case-code-input").fill("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF");
    await resident.getByRole("button", { name: "Show" }).click();
    await resident.getByTestId("error").waitFor();
    expect(await resident.getByTestId("case-status").count()).toBe(0);
    expect(residentErrors.filter((line) => !line.includes("404"))).toEqual([]);
  });
});
