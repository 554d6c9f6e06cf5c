import { test, expect, Browser } from "@playwright/test";
import { AuthServer, shotsAndAxe, signIn as signInAt, startAuthServer } from "./auth-server";

/**
 * Signing in through a real OpenID Connect provider (idp/provider.mjs, npm oidc-provider): a
 * second server with AUTH_ENABLED=true beside the one the other tests use, on its own database.
 */

let auth: AuthServer;
let base = "";

test.beforeAll(async () => {
  auth = await startAuthServer();
  base = auth.base;
});

test.afterAll(() => auth?.stop());

const signIn = (page: Parameters<typeof signInAt>[0], path: string, username: string, password: string) =>
  signInAt(page, base, path, username, password);

async function asHub(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, "/environments", "hub", "hub-password");
  await expect(page).toHaveURL(`${base}/environments`);
  return { context, page };
}

test("a Hub operator signs in, sees who is signed in, and signs out", async ({ page }) => {
  await signIn(page, "/environments", "hub", "hub-password");
  await expect(page).toHaveURL(`${base}/environments`);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
  const user = page.getByTestId("signed-in-user");
  await expect(user).toContainText("Hana Hub");
  await expect(user).toContainText("Hub operator");
  await expect(page.getByTestId("auth-disabled")).toHaveCount(0);
  await shotsAndAxe(page, "signed-in");

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1$/);
  await expect(page.getByTestId("signed-out")).toHaveText("You are signed out.");
  await shotsAndAxe(page, "sign-in");
  // Signed out here and at the provider: the portal asks for the password again.
  await page.goto(`${base}/environments`);
  await expect(page.getByLabel("Password")).toBeVisible();
});

test("a wrong password is refused", async ({ page }) => {
  await signIn(page, "/environments", "hub", "not-the-password");
  await expect(page.getByRole("alert")).toHaveText("Invalid username or password");
  const response = await page.request.get(`${base}/api/environments`);
  expect(response.status()).toBe(401);
});

test("a DFSP operator reaches its own DFSP's pages and not another's", async ({ browser, page }) => {
  const hub = await asHub(browser);
  const created = await hub.page.request.post(`${base}/api/environments`, { data: { name: `SIGN-IN-${Date.now()}` } });
  expect(created.status()).toBe(200);
  const env = (await created.json()).id;
  for (const dfspId of ["DFSP1", "DFSP2"]) {
    const dfsp = await hub.page.request.post(`${base}/api/environments/${env}/dfsps`, { data: { dfspId, name: `Bank ${dfspId}` } });
    expect(dfsp.status()).toBe(200);
  }
  await hub.context.close();

  await signIn(page, `/environments/${env}/dfsps/DFSP1/endpoints`, "dfsp1", "dfsp1-password");
  await expect(page).toHaveURL(`${base}/environments/${env}/dfsps/DFSP1/endpoints`);
  await expect(page.getByTestId("signed-in-user")).toContainText("DFSP operator");
  // The sections only the Hub works in are not offered.
  const sections = page.getByRole("navigation", { name: "Environment sections" });
  await expect(sections.getByRole("link", { name: "DFSPs" })).toBeVisible();
  await expect(sections.getByRole("link", { name: "CSRs to sign" })).toHaveCount(0);
  await expect(sections.getByRole("link", { name: "Endpoints to confirm" })).toHaveCount(0);
  await page.screenshot({ path: "screenshots/pages/dfsp-operator-endpoints-desktop.png", fullPage: true });

  // Nor the forms and buttons of what only the Hub does.
  await page.goto(`${base}/environments`);
  await expect(page.getByTestId("environments-table")).toBeVisible();
  await expect(page.locator("#new-environment")).toHaveCount(0);
  await expect(page.getByTestId("environments-table").getByText("Delete")).toHaveCount(0);
  await page.goto(`${base}/environments/${env}/dfsps/DFSP1`);
  await expect(page.getByTestId("dfsp-details")).toBeVisible();
  await expect(page.locator("#edit-dfsp")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Delete this DFSP" })).toHaveCount(0);
  await page.goto(`${base}/environments/${env}/ca`);
  await expect(page.getByTestId("no-ca")).toBeVisible();
  await expect(page.locator("#create-ca")).toHaveCount(0);
  await expect(page.locator("#add-external-ca")).toHaveCount(0);
  await page.goto(`${base}/environments/${env}/network`);
  await expect(page.locator("#new-endpoint")).toHaveCount(0);
  await page.screenshot({ path: "screenshots/pages/dfsp-operator-hub-network-desktop.png", fullPage: true });

  const other = await page.goto(`${base}/environments/${env}/dfsps/DFSP2/endpoints`);
  expect(other?.status()).toBe(404);
  const refused = await page.request.post(`${base}/api/environments`, { data: { name: "MINE" } });
  expect(refused.status()).toBe(403);
});
