import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { makeCaChain } from "./certs";
import { collectPageErrors, open, shot, unique } from "./helpers";

test("the Hub creates its CA in the portal and downloads the root", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", {
    data: { name: unique("PKI"), defaultDN: { CN: "hub.example.com", O: "Example Hub", OU: "Payments", C: "US" } },
  })).json();

  await open(page, `/environments/${env.id}`);
  await page.getByRole("link", { name: "Certificate authorities" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Certificate authorities");
  await expect(page.getByTestId("no-ca")).toBeVisible();
  const form = page.locator("#create-ca");
  // The fields start from the environment's default name.
  await expect(form.getByLabel("Common name (CN)")).toHaveValue("hub.example.com");
  await expect(form.getByLabel("Organization (O)")).toHaveValue("Example Hub");
  await form.getByLabel("Common name (CN)").fill("Example Hub CA");
  await form.getByLabel("Hosts").fill("hub.example.com, 10.0.0.1");
  await form.getByLabel("Key").selectOption("ecdsa-384");
  await form.getByLabel("Valid for").selectOption("10");
  await form.getByRole("button", { name: "Create CA" }).click();

  const root = page.getByTestId("certificate").first();
  await expect(root.getByTestId("certificate-name")).toHaveText("Example Hub CA");
  await expect(root).toContainText("EC P-384");
  await expect(root).toContainText("DNS:hub.example.com, IP:10.0.0.1");
  await expect(root).toContainText("keyCertSign, cRLSign");
  await expect(root.getByTestId("expiry")).toContainText("Valid for 10 more years");
  await shot(page, "30-hub-ca");

  // The root downloads as PEM, the same certificate the API answers.
  const [download] = await Promise.all([page.waitForEvent("download"), root.getByTestId("download").click()]);
  expect(download.suggestedFilename()).toMatch(/-root\.pem$/);
  const pem = readFileSync(await download.path(), "utf8");
  const api = await (await request.get(`/api/environments/${env.id}/ca/rootCert`)).json();
  expect(pem).toBe(api.certificate);
  expect(pem).not.toContain("PRIVATE KEY");
  expect(pageErrors).toEqual([]);
});

test("a DFSP uploads its CA chain and sees the checks; garbage changes nothing", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("DFSPCA") } })).json();
  expect((await request.post(`/api/environments/${env.id}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One" } })).ok()).toBeTruthy();
  const chain = makeCaChain("Bank One");

  await open(page, `/environments/${env.id}/dfsps/DFSP%201`);
  await page.getByRole("navigation", { name: "DFSP sections" }).getByRole("link", { name: "CA", exact: true }).click();
  await expect(page.getByTestId("empty-state")).toContainText("No CA yet");
  const form = page.locator("#upload-dfsp-ca");

  // Garbage is read at once and refused by the server; nothing is stored.
  await form.getByLabel("Root certificate").fill("this is not a certificate");
  await expect(form.getByTestId("pem-dfsp-root").getByTestId("preview-error")).toContainText("is not a PEM or DER certificate");
  await form.getByRole("button", { name: "Upload CA" }).click();
  await expect(form.getByTestId("field-error")).toContainText("is not a PEM or DER certificate");
  await expect(page.getByTestId("empty-state")).toContainText("No CA yet");
  await shot(page, "31-dfsp-ca-refused");

  // The root and the intermediate, shown as soon as they are pasted.
  await form.getByLabel("Root certificate").fill(chain.root);
  await expect(form.getByTestId("pem-dfsp-root").getByTestId("preview-certificate")).toContainText("Bank One Root");
  await expect(form.getByTestId("pem-dfsp-root").getByTestId("preview-certificate")).toContainText("Root CA");
  await form.getByLabel("Intermediate chain").fill(chain.intermediate);
  await expect(form.getByTestId("pem-dfsp-chain").getByTestId("preview-certificate")).toContainText("Intermediate CA");
  await shot(page, "32-dfsp-ca-preview");
  await form.getByRole("button", { name: "Upload CA" }).click();
  await expect(form.getByTestId("success")).toBeVisible();

  const results = page.getByTestId("dfsp-ca").getByTestId("validations");
  await expect(results).toHaveAttribute("data-state", "VALID");
  await expect(results.getByTestId("validation")).toHaveCount(3);
  await expect(results.locator('[data-result="VALID"]')).toHaveCount(3);
  await expect(page.getByTestId("dfsp-ca").getByTestId("certificate")).toHaveCount(2);
  await expect(form.getByLabel("Root certificate")).toHaveValue("");
  await shot(page, "33-dfsp-ca");

  // A root that is not self-signed is stored with the check that says what is wrong.
  await form.getByLabel("Root certificate").fill(chain.intermediate);
  await form.getByRole("button", { name: "Upload CA" }).click();
  await expect(results).toHaveAttribute("data-state", "INVALID");
  await expect(results.locator('[data-code="VERIFY_ROOT_CERTIFICATE"]')).toContainText("'Bank One Issuing' is issued by another CA");
  await shot(page, "34-dfsp-ca-invalid");

  // The Hub sees every DFSP's CA at a glance.
  await page.getByRole("link", { name: "Certificate authorities" }).click();
  const row = page.getByTestId("dfsp-ca-row").filter({ hasText: "DFSP 1" });
  await expect(row.getByTestId("dfsp-ca-state")).toHaveText("Invalid");
  await row.getByRole("link", { name: "Open the CA of DFSP 1" }).click();
  await expect(page.getByTestId("dfsp-ca")).toBeVisible();
  expect(pageErrors).toEqual([]);
});

test("the Hub adds an external CA, sees it checked, and removes it", async ({ page, request }) => {
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("EXT") } })).json();
  const chain = makeCaChain("Hub External");
  await open(page, `/environments/${env.id}/ca`);
  const form = page.locator("#add-external-ca");
  await form.getByLabel("Name").fill("Issuing PKI");
  await form.getByLabel("Root certificate").fill(chain.root);
  await form.getByLabel("Intermediate chain").fill(chain.intermediate);
  await form.getByRole("button", { name: "Add external CA" }).click();
  await expect(form.getByTestId("success")).toContainText("Added Issuing PKI");
  const card = page.getByTestId("external-ca");
  await expect(card.getByTestId("external-ca-name")).toHaveText("Issuing PKI");
  await expect(card.getByTestId("validations")).toHaveAttribute("data-state", "VALID");
  await shot(page, "35-external-ca");

  // The same name again is refused next to the field.
  await form.getByLabel("Name").fill("Issuing PKI");
  await form.getByLabel("Root certificate").fill(chain.root);
  await form.getByRole("button", { name: "Add external CA" }).click();
  await expect(form.getByTestId("field-error")).toContainText("already has a Hub CA named 'Issuing PKI'; choose another name");
  await expect(card).toHaveCount(1);

  await card.getByText("Remove", { exact: true }).click();
  await card.getByRole("button", { name: "Remove CA" }).click();
  await expect(page.getByTestId("external-ca")).toHaveCount(0);
  await expect(page.getByTestId("empty-state").filter({ hasText: "No external CA yet" })).toBeVisible();
  expect(pageErrors).toEqual([]);
});
