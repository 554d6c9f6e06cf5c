import { test, expect } from "@playwright/test";
import { collectPageErrors, open, shot, unique } from "./helpers";

/**
 * The onboarding board follows a DFSP through its steps: each cell says who is awaited and
 * leads to the page where the step is done; the DFSP's page shows the same steps as a list.
 */
test("the onboarding board changes as a DFSP goes through its steps", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("ONBOARD") } })).json();
  const base = `/api/environments/${env.id}`;
  const envUrl = `/environments/${env.id}`;
  await request.post(`${base}/dfsps`, { data: { dfspId: "OB1", name: "Onboarding Bank" } });

  await open(page, envUrl);
  await page.getByRole("navigation", { name: "Environment sections" }).getByRole("link", { name: "Onboarding" }).click();
  await expect(page).toHaveURL(`${envUrl}/onboarding`);
  const row = page.locator('tr[data-dfsp="OB1"]');
  const cell = (step: string) => row.locator(`td[data-step="${step}"]`);
  await expect(row).toHaveAttribute("data-state", "WaitingOnHub");
  await expect(row).toContainText("0 of 10 done");
  await expect(cell("EndpointsSubmitted")).toHaveAttribute("data-state", "WaitingOnDfsp");
  await expect(cell("OutboundCsrCreated")).toHaveAttribute("data-state", "WaitingOnHub");
  await shot(page, "onboarding-01-new");

  // The DFSP gives an endpoint: now the Hub is awaited to confirm it.
  const item = await (await request.post(`${base}/dfsps/OB1/endpoints/ingress/ips`, {
    data: { value: { address: "10.20.0.0/16", ports: ["443"] } },
  })).json();
  await open(page, `${envUrl}/onboarding`);
  await expect(cell("EndpointsSubmitted")).toHaveAttribute("data-state", "Done");
  await expect(cell("EndpointsConfirmed")).toHaveAttribute("data-state", "WaitingOnHub");
  await expect(cell("EndpointsConfirmed").getByRole("link")).toHaveAttribute("aria-label", /Endpoints confirmed: Waiting on the Hub\. 1 endpoint to confirm\./);
  // Its cell leads to where it is done.
  await cell("EndpointsConfirmed").getByRole("link").click();
  await expect(page).toHaveURL(`${envUrl}/dfsps/OB1/endpoints`);

  await request.post(`${base}/dfsps/OB1/endpoints/${item.id}/confirmation`);
  await open(page, `${envUrl}/onboarding`);
  await expect(cell("EndpointsConfirmed")).toHaveAttribute("data-state", "Done");
  await expect(row).toContainText("2 of 10 done");
  await shot(page, "onboarding-02-endpoints");

  // The DFSP's page lists the same steps.
  await open(page, `${envUrl}/dfsps/OB1`);
  const checklist = page.getByTestId("onboarding-checklist");
  await expect(checklist.locator('li[data-step="EndpointsConfirmed"]')).toHaveAttribute("data-state", "Done");
  await expect(checklist.locator('li[data-step="DfspCaUploaded"]')).toContainText("The DFSP has not uploaded its CA yet.");
  await expect(page.getByTestId("onboarding-summary")).toContainText("2 of 10 steps done");
  expect(errors).toEqual([]);
});

test("an environment without DFSPs says to add them", async ({ page, request }) => {
  const env = await (await request.post("/api/environments", { data: { name: unique("NO-DFSP") } })).json();
  await open(page, `/environments/${env.id}/onboarding`);
  await expect(page.getByTestId("empty-state")).toContainText("No DFSP to onboard yet");
});
