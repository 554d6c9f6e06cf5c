import { test, expect, Page, Browser } from "@playwright/test";
import * as OTPAuth from "otpauth";
import { AuthServer, shotsAndAxe, signIn as signInAt, startAuthServer } from "./auth-server";

/**
 * The second factor after sign-in (AUTH_2FA_ENABLED): a server of its own with it on. The tests
 * read the key from the enrollment page and compute the codes as an authenticator app would.
 */

let auth: AuthServer;
let base = "";

test.beforeAll(async () => {
  auth = await startAuthServer({
    AUTH_2FA_ENABLED: "true",
    TOTP_ISSUER: "MCM Playwright",
    P12_PASS_PHRASE: "the pass phrase of the two-factor tests",
  });
  base = auth.base;
});

test.afterAll(() => auth?.stop());

const signIn = (page: Page, path: string, username: string, password: string) =>
  signInAt(page, base, path, username, password);

/** The code an app with `key` shows `ahead` seconds from now. */
function codeOf(key: string, ahead = 0): string {
  const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(key.replace(/\s/g, "")), algorithm: "SHA1", digits: 6, period: 30 });
  return totp.generate({ timestamp: Date.now() + ahead * 1000 });
}

async function giveCode(page: Page, code: string) {
  await page.getByRole("textbox", { name: /code/i }).fill(code);
  await page.getByTestId("second-factor-submit").click();
}

/** Signs `username` in and enrolls their authenticator; returns the key. */
async function signInAndEnroll(page: Page, path: string, username: string, password: string): Promise<string> {
  await signIn(page, path, username, password);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
  const key = (await page.getByTestId("second-factor-secret").textContent())!.trim();
  await giveCode(page, codeOf(key));
  return key;
}

async function hubWithEnvironment(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAndEnroll(page, "/environments", "hub", "hub-password");
  await expect(page).toHaveURL(`${base}/environments`);
  const created = await page.request.post(`${base}/api/environments`, { data: { name: `2FA-${Date.now()}` } });
  expect(created.status()).toBe(200);
  const env = (await created.json()).id;
  for (const dfspId of ["DFSP1", "DFSP2"]) {
    const dfsp = await page.request.post(`${base}/api/environments/${env}/dfsps`, { data: { dfspId, name: `Bank ${dfspId}` } });
    expect(dfsp.status()).toBe(200);
  }
  return { context, page, env };
}

test("a DFSP operator enrolls, signs in again with a code, and a used code is refused", async ({ browser, page }) => {
  const hub = await hubWithEnvironment(browser);

  // The first sign-in sets up the authenticator: a QR code, and the key as text.
  await signIn(page, "/", "dfsp1", "dfsp1-password");
  await expect(page).toHaveURL(/\/sign-in\/second-factor\?next=%2F$/);
  await expect(page.getByRole("heading", { name: "Set up two-step verification" })).toBeVisible();
  await expect(page.getByRole("img", { name: /QR code that adds the account Dora DFSP1 of MCM Playwright/ })).toBeVisible();
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await shotsAndAxe(page, "second-factor-enroll");
  const key = (await page.getByTestId("second-factor-secret").textContent())!.trim();
  // Nothing but the second factor is open meanwhile.
  expect((await page.request.get(`${base}/api/environments`)).status()).toBe(401);

  await giveCode(page, "000000");
  await expect(page.getByTestId("second-factor-problem")).toContainText("That code is not right");
  const enrolledWith = codeOf(key);
  await giveCode(page, enrolledWith);
  // The front door leads a DFSP operator to their DFSP.
  await expect(page).toHaveURL(`${base}/environments/${hub.env}/dfsps/DFSP1`);
  await expect(page.getByTestId("signed-in-user")).toContainText("Dora DFSP1");

  // Signed out and in again: a code is asked for, and the one just used is refused.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1$/);
  await signIn(page, `/environments/${hub.env}/dfsps/DFSP1/endpoints`, "dfsp1", "dfsp1-password");
  await expect(page.getByRole("heading", { name: "Two-step verification", exact: true })).toBeVisible();
  await expect(page.getByTestId("second-factor-secret")).toHaveCount(0);
  await shotsAndAxe(page, "second-factor-code");
  await giveCode(page, enrolledWith);
  await expect(page.getByTestId("second-factor-problem")).toContainText("That code was used already");
  await giveCode(page, codeOf(key, 30));
  await expect(page).toHaveURL(`${base}/environments/${hub.env}/dfsps/DFSP1/endpoints`);

  // Still only their own DFSP.
  const other = await page.goto(`${base}/environments/${hub.env}/dfsps/DFSP2/endpoints`);
  expect(other?.status()).toBe(404);

  // A hub operator resets the factor (a lost phone): the user is listed, then gone.
  await hub.page.goto(`${base}/environments`);
  await hub.page.getByRole("link", { name: "Two-step verification" }).click();
  await expect(hub.page).toHaveURL(`${base}/second-factors`);
  const row = hub.page.getByRole("row", { name: /Dora DFSP1/ });
  await expect(row).toContainText("Active");
  await expect(hub.page.locator("body")).toHaveAttribute("data-hydrated", "true");
  await shotsAndAxe(hub.page, "second-factors");
  await row.getByText("Reset", { exact: true }).click();
  await row.getByRole("button", { name: "Reset Dora DFSP1" }).click();
  await expect(hub.page.getByTestId("success")).toContainText("The second factor was reset");
  await expect(hub.page.getByRole("row", { name: /Dora DFSP1/ })).toHaveCount(0);
  await hub.context.close();
});

test("the second-factor page explains itself to a visitor who has nothing to give", async ({ page }) => {
  await page.goto(`${base}/sign-in/second-factor?next=%2Fenvironments`);
  await expect(page.getByText("There is no code to give")).toBeVisible();
  await expect(page.getByRole("link", { name: "Continue" })).toHaveAttribute("href", "/environments");
});
