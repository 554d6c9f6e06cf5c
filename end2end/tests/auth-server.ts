import { Page, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { spawn, ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * A second server with AUTH_ENABLED=true, beside the one the other tests use, on its own
 * database, signing users in at the test identity provider (idp/provider.mjs, npm
 * oidc-provider), which starts with it.
 */
export interface AuthServer {
  base: string;
  stop(): void;
}

const root = join(__dirname, "..", "..");

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, "127.0.0.1", () => {
      const port = (probe.address() as { port: number }).port;
      probe.close(() => resolve(port));
    });
  });
}

export async function startAuthServer(extraEnv: Record<string, string> = {}): Promise<AuthServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const provider: ChildProcess = spawn("node", [join(__dirname, "..", "idp", "provider.mjs"),
    "--redirect-uri", `${base}/auth/callback`,
    "--post-logout-redirect-uri", `${base}/sign-in?signed_out=1`], { stdio: ["ignore", "pipe", "ignore"] });
  const issuer = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: provider.stdout! });
    lines.on("line", (line) => line.startsWith("ready ") && resolve(line.slice(6)));
    provider.on("exit", () => reject(new Error("the identity provider stopped")));
  });
  const work = mkdtempSync(join(tmpdir(), "cm-auth-"));
  const server: ChildProcess = spawn(process.env.SERVER_BIN ? join(root, process.env.SERVER_BIN) : join(root, "target/release/server"), [], {
    stdio: "ignore",
    env: {
      ...process.env,
      LEPTOS_SITE_ROOT: join(root, "target/site"),
      PORT: String(port),
      DATABASE_URL: `sqlite://${work}/auth.db`,
      AUTH_ENABLED: "true",
      OAUTH2_ISSUER: issuer,
      APP_OAUTH_CLIENT_KEY: "connection-manager",
      APP_OAUTH_CLIENT_SECRET: "connection-manager-test-secret",
      OAUTH2_SCOPES: "openid profile groups",
      ...extraEnv,
    },
  });
  const stop = () => {
    server.kill();
    provider.kill();
    rmSync(work, { recursive: true, force: true });
  };
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return { base, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  stop();
  throw new Error("the server with authentication did not start");
}

/** Opens `path` and signs in at the test identity provider's form. */
export async function signIn(page: Page, base: string, path: string, username: string, password: string) {
  await page.goto(`${base}${path}`);
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(username);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function noAxeViolations(page: Page, what: string) {
  const results = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`), what).toEqual([]);
}

/** Screenshots of the page at desktop width and at 390 px, each checked by axe. */
export async function shotsAndAxe(page: Page, name: string) {
  for (const [size, width] of [["desktop", 1366], ["mobile", 390]] as const) {
    await page.setViewportSize({ width, height: 844 });
    await page.screenshot({ path: `screenshots/pages/${name}-${size}.png`, fullPage: true });
    await noAxeViolations(page, `${name}, ${size}`);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}
