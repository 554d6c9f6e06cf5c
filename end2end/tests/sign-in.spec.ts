import { test, expect, Page, Browser } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { spawn, ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * Signing in through a real OpenID Connect provider (idp/provider.mjs, npm oidc-provider): a
 * second server with AUTH_ENABLED=true beside the one the other tests use, on its own database.
 */

const root = join(__dirname, "..", "..");
let provider: ChildProcess;
let server: ChildProcess;
let base = "";
let work = "";

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

test.beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  provider = spawn("node", [join(__dirname, "..", "idp", "provider.mjs"),
    "--redirect-uri", `${base}/auth/callback`,
    "--post-logout-redirect-uri", `${base}/sign-in?signed_out=1`], { stdio: ["ignore", "pipe", "ignore"] });
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: provider.stdout! });
    lines.on("line", (line) => line.startsWith("ready ") && resolve(line.slice(6)));
    provider.on("exit", () => reject(new Error("the identity provider stopped")));
  });
  work = mkdtempSync(join(tmpdir(), "cm-sign-in-"));
  server = spawn(process.env.SERVER_BIN ? join(root, process.env.SERVER_BIN) : join(root, "target/release/server"), [], {
    stdio: "ignore",
    env: {
      ...process.env,
      LEPTOS_SITE_ROOT: join(root, "target/site"),
      PORT: String(port),
      DATABASE_URL: `sqlite://${work}/sign-in.db`,
      AUTH_ENABLED: "true",
      OAUTH2_ISSUER: issuer,
      APP_OAUTH_CLIENT_KEY: "connection-manager",
      APP_OAUTH_CLIENT_SECRET: "connection-manager-test-secret",
      OAUTH2_SCOPES: "openid profile groups",
    },
  });
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the server with authentication did not start");
});

test.afterAll(() => {
  server?.kill();
  provider?.kill();
  if (work) rmSync(work, { recursive: true, force: true });
});

async function signIn(page: Page, path: string, username: string, password: string) {
  await page.goto(`${base}${path}`);
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function noAxeViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), what).toEqual([]);
}

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
  for (const [size, width] of [["desktop", 1366], ["mobile", 390]] as const) {
    await page.setViewportSize({ width, height: 844 });
    await page.screenshot({ path: `screenshots/pages/signed-in-${size}.png`, fullPage: true });
    await noAxeViolations(page, `signed in, ${size}`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });

  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Yes, sign me out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signed_out=1$/);
  await expect(page.getByTestId("signed-out")).toHaveText("You are signed out.");
  for (const [size, width] of [["desktop", 1366], ["mobile", 390]] as const) {
    await page.setViewportSize({ width, height: 844 });
    await page.screenshot({ path: `screenshots/pages/sign-in-${size}.png`, fullPage: true });
    await noAxeViolations(page, `sign-in page, ${size}`);
  }
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

  const other = await page.goto(`${base}/environments/${env}/dfsps/DFSP2/endpoints`);
  expect(other?.status()).toBe(404);
  const refused = await page.request.post(`${base}/api/environments`, { data: { name: "MINE" } });
  expect(refused.status()).toBe(403);
});
