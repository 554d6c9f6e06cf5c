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
