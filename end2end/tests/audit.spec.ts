import { test, expect } from "@playwright/test";
import { collectPageErrors, open, shot, unique } from "./helpers";

/** The audit log shows the change just made in the portal, with who made it, and filters. */
test("the audit log lists a change made in the portal and filters it", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  const envName = unique("AUDIT");
  const env = await (await request.post("/api/environments", { data: { name: envName } })).json();
  const envUrl = `/environments/${env.id}`;
  await request.post(`/api/environments/${env.id}/hub/endpoints/ingress/urls`, {
    data: { value: { url: "https://hub.example.com/fsp" } },
  });

  // A change in the portal: a DFSP added.
  await open(page, `${envUrl}/dfsps`);
  const add = page.locator("#new-dfsp");
  await add.getByRole("textbox", { name: "Name", exact: true }).fill("Audit Bank");
  await add.getByLabel("DFSP id").fill("AUD1");
  await add.getByRole("button", { name: "Add DFSP" }).click();
  await expect(add.getByTestId("success")).toContainText("DFSP AUD1 added");

  // The sidebar leads to the log, where it is the newest change, by the local operator.
  await page.getByRole("navigation", { name: "Environment sections" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(`${envUrl}/audit`);
  const rows = page.getByTestId("audit-table").locator("tbody tr");
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toContainText("dfsp.create");
  await expect(rows.first()).toContainText("DFSP 'AUD1' (Audit Bank) added");
  await expect(rows.first()).toContainText("local");
  await expect(rows.nth(1)).toContainText("endpoint.create");
  await expect(rows.nth(2)).toContainText("environment.create");
  await shot(page, "audit-01-log");

  // Filter by action: only the DFSP's creation; its link opens the DFSP.
  await page.getByLabel("Action").selectOption("dfsp.create");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=dfsp\.create/);
  await expect(rows).toHaveCount(1);
  await shot(page, "audit-02-filtered");
  await rows.first().getByRole("link", { name: /Open/ }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps/AUD1`);

  // A filter nothing matches says so and offers to clear it; the filtered view is a link.
  await open(page, `${envUrl}/audit?subject=nobody`);
  await expect(page.getByTestId("empty-state")).toContainText("No change matches these filters");
  await expect(page.getByLabel("User")).toHaveValue("nobody");
  await page.getByRole("link", { name: "Clear the filters" }).click();
  await expect(rows).toHaveCount(3);
  expect(errors).toEqual([]);
});
