import AxeBuilder from "@axe-core/playwright";
import { expect, Page } from "@playwright/test";

/** Opens a page and waits until it is hydrated, so that the enhanced forms are tested. */
export async function open(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Full-page screenshots, kept for people to look at (see scripts/e2e). */
export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `screenshots/${name}.png`, fullPage: true });
}

export function unique(prefix: string) {
  return `${prefix}-${Math.random().toString(36).slice(2, 7).toUpperCase()}`;
}

/**
 * Uncaught exceptions and console errors (hydration mismatches are reported there) of the page,
 * to be empty at the end of a test. A refused form answers 4xx on purpose; the browser logs
 * that too, so those are left out.
 */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  page.on("console", (message) => {
    const text = message.text();
    if (message.type() === "error" && !/status of 4\d\d/.test(text)) errors.push(text);
  });
  return errors;
}

/**
 * Every page, at desktop width and at 390 px: a screenshot for people to look at, and an
 * axe-core check (WCAG 2.1 AA and best practices) that must find nothing.
 */
const widths = [
  { name: "desktop", width: 1366, height: 900 },
  { name: "mobile", width: 390, height: 844 },
];

export async function check(page: Page, path: string, name: string) {
  // A page that fails to hydrate (a mismatch panics in the browser) may still look right.
  const errors = collectPageErrors(page);
  for (const { name: size, width, height } of widths) {
    await page.setViewportSize({ width, height });
    await page.goto(path);
    await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
    await page.screenshot({ path: `screenshots/pages/${name}-${size}.png`, fullPage: true });
    const results = await new AxeBuilder({ page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
      .analyze();
    const found = results.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
    expect(found, `${path} at ${size}`).toEqual([]);
    // Nothing is wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, `${path} at ${size} scrolls sideways`).toBeLessThanOrEqual(0);
  }
  expect(errors, `${path}: errors in the browser`).toEqual([]);
}

