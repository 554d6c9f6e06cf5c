import { test, expect } from "@playwright/test";
import { collectPageErrors, open, shot, unique } from "./helpers";

test("a DFSP's endpoints are confirmed by the Hub, and an edit needs a new confirmation", async ({ page, request }) => {
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("NET") } })).json();
  expect((await request.post(`/api/environments/${env.id}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One" } })).ok()).toBeTruthy();

  // The Hub's own endpoints.
  await open(page, `/environments/${env.id}/network`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hub network");
  const hubForm = page.locator("#new-endpoint");
  await hubForm.getByLabel("Kind").selectOption("IngressUrl");
  await expect(hubForm.getByLabel("Address or range")).toBeHidden();
  await hubForm.getByLabel("URL").fill("https://hub.example.com/fsp");
  await hubForm.getByRole("button", { name: "Add endpoint" }).click();
  await expect(hubForm.getByTestId("success")).toContainText("Added https://hub.example.com/fsp");
  await expect(page.getByTestId("endpoints-IngressUrl")).toContainText("https://hub.example.com/fsp");
  await shot(page, "20-hub-network");

  // The DFSP enters its endpoints; a bad one is refused next to its field and not stored.
  await open(page, `/environments/${env.id}/dfsps/DFSP%201/endpoints`);
  await expect(page.getByRole("navigation", { name: "DFSP sections" })).toBeVisible();
  const form = page.locator("#new-endpoint");
  // The form is enhanced once its part of the page is hydrated: the fields of other kinds hide.
  await expect(form.getByLabel("Address or range")).toBeHidden();
  await form.getByLabel("Kind").selectOption("IngressIp");
  await expect(form.getByLabel("URL")).toBeHidden();
  // Checked as it is typed...
  await form.getByLabel("Ports").fill("443, 8080-8000");
  await expect(form.getByTestId("field-error")).toContainText("a range goes from the lower port to the higher (8000-8080)");
  await form.getByLabel("Ports").fill("443, 8000-8080");
  await expect(form.getByTestId("field-error")).toHaveCount(0);
  await form.getByLabel("Address or range").fill("163.10.5.7/24");
  await expect(form.getByTestId("field-error")).toContainText("has host bits set; the range is 163.10.5.0/24");
  // ... and by the server, which stores nothing.
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(form.getByTestId("field-error")).toContainText("has host bits set; the range is 163.10.5.0/24");
  await expect(form.getByTestId("error")).toContainText("Please correct the highlighted field");
  await expect(page.getByTestId("endpoints-IngressIp-empty")).toBeVisible();
  await shot(page, "21-dfsp-endpoint-refused");
  await form.getByLabel("Address or range").fill("163.10.5.0/24");
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(form.getByTestId("success")).toContainText("Added 163.10.5.0/24 ports 443, 8000-8080");
  await form.getByLabel("Kind").selectOption("EgressIp");
  await form.getByLabel("Address or range").fill("163.10.6.7");
  await form.getByLabel("Ports").fill("443");
  await form.getByRole("button", { name: "Add endpoint" }).click();
  await expect(page.getByTestId("endpoints-EgressIp")).toContainText("163.10.6.7");
  await expect(page.getByTestId("endpoints-IngressIp").getByTestId("state")).toHaveText("Awaiting confirmation");
  // The Hub's endpoints are there too, read-only.
  await expect(page.getByTestId("hub-endpoints-IngressUrl")).toContainText("https://hub.example.com/fsp");
  await expect(page.getByTestId("hub-endpoints-IngressUrl").getByRole("button")).toHaveCount(0);
  await shot(page, "22-dfsp-endpoints");

  // The Hub sees both in the list of endpoints to confirm, all selected, and confirms them.
  await page.getByRole("link", { name: "Endpoints to confirm" }).click();
  await expect(page.getByTestId("unprocessed-row")).toHaveCount(2);
  await shot(page, "23-endpoints-to-confirm");
  await page.getByRole("button", { name: "Confirm selected" }).click();
  await expect(page.getByTestId("success")).toHaveText("Confirmed 2 endpoints.");
  await expect(page.getByTestId("empty-state")).toContainText("Nothing to confirm");

  await open(page, `/environments/${env.id}/dfsps/DFSP%201/endpoints`);
  await expect(page.getByTestId("state")).toHaveText(["Confirmed", "Confirmed"]);

  // An edit makes the item NEW again; the Hub confirms it on the DFSP's page.
  const egress = page.getByTestId("endpoints-EgressIp");
  await egress.getByText("Edit", { exact: true }).click();
  await egress.getByLabel("Address or range").fill("163.10.6.8");
  await shot(page, "24-dfsp-endpoint-edit");
  await egress.getByRole("button", { name: "Save" }).click();
  await expect(egress).toContainText("163.10.6.8");
  await expect(egress.getByTestId("state")).toHaveText("Awaiting confirmation");
  await expect(page.getByTestId("endpoints-IngressIp").getByTestId("state")).toHaveText("Confirmed");
  await egress.getByRole("button", { name: "Confirm" }).click();
  await expect(egress.getByTestId("state")).toHaveText("Confirmed");

  // Delete one, after confirming.
  await egress.getByText("Delete", { exact: true }).click();
  await egress.getByRole("button", { name: "Delete endpoint" }).click();
  await expect(page.getByTestId("endpoints-EgressIp-empty")).toBeVisible();

  expect(pageErrors).toEqual([]);
});

test("an egress URL, which only the API's generic change makes, is shown and can be edited", async ({ page, request }) => {
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("EGRESS") } })).json();
  expect((await request.post(`/api/environments/${env.id}/dfsps`, { data: { dfspId: "DFSP2", name: "Bank Two" } })).ok()).toBeTruthy();
  const base = `/api/environments/${env.id}/dfsps/DFSP2/endpoints`;
  const item = await (await request.post(`${base}/ingress/urls`, { data: { value: { url: "https://out.example.com" } } })).json();
  expect((await request.put(`${base}/${item.id}`, { data: { direction: "EGRESS" } })).ok()).toBeTruthy();

  await open(page, `/environments/${env.id}/dfsps/DFSP2/endpoints`);
  const section = page.getByTestId("endpoints-EgressUrl");
  await expect(section).toContainText("https://out.example.com");
  await expect(page.getByTestId("endpoints-IngressUrl-empty")).toBeVisible();
  // Nobody adds one in the portal: the form offers the three kinds with operations of their own.
  await expect(page.locator("#new-endpoint").getByLabel("Kind").locator("option")).toHaveCount(3);
  await section.getByText("Edit", { exact: true }).click();
  await section.getByLabel("URL").fill("https://out2.example.com");
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section).toContainText("https://out2.example.com");
  const stored = await (await request.get(`${base}/${item.id}`)).json();
  expect([stored.direction, stored.type, stored.value.url]).toEqual(["EGRESS", "URL", "https://out2.example.com"]);
  // The Hub's page has no such section while it has none.
  await open(page, `/environments/${env.id}/network`);
  await expect(page.getByTestId("endpoints-EgressUrl")).toHaveCount(0);
  expect(pageErrors).toEqual([]);
});
