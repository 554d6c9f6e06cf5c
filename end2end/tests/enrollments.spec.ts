import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { makeCsr, makeSigningCaChain, verifiesAgainst } from "./certs";
import { collectPageErrors, open, shot, unique } from "./helpers";

test("a DFSP submits a CSR, the Hub signs it, the DFSP downloads the certificate", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("ENROL") } })).json();
  expect((await request.post(`/api/environments/${env.id}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One" } })).ok()).toBeTruthy();
  expect((await request.post(`/api/environments/${env.id}/cas`, {
    data: { csr: { names: [{ CN: "Example Hub CA", O: "Example Hub" }], key: { algo: "ecdsa", size: 384 } } },
  })).ok()).toBeTruthy();
  const csr = makeCsr("dfsp1.example.com");

  // The DFSP submits its CSR, seeing what it asks for first.
  await open(page, `/environments/${env.id}/dfsps/DFSP%201`);
  await page.getByRole("navigation", { name: "DFSP sections" }).getByRole("link", { name: "Client certificates" }).click();
  await expect(page.getByTestId("empty-state")).toContainText("No CSR yet");
  const form = page.locator("#submit-csr");
  await form.getByLabel("CSR").fill("not a CSR");
  await expect(form.getByTestId("preview-error")).toContainText("not a CSR that can be read");
  await form.getByLabel("CSR").fill(csr);
  await expect(form.getByTestId("preview-csr")).toContainText("CN=dfsp1.example.com");
  await expect(form.getByTestId("preview-csr")).toContainText("RSA 4096 bits");
  await form.getByRole("button", { name: "Submit CSR" }).click();
  await expect(form.getByTestId("success")).toContainText("The Hub signs it next");
  const card = page.getByTestId("enrollment");
  await expect(card.getByTestId("enrollment-state")).toHaveText("Awaiting the Hub");
  await expect(card.getByTestId("validations")).toHaveAttribute("data-state", "VALID");
  await shot(page, "40-dfsp-csr-submitted");

  // The Hub signs it from its queue.
  await page.getByRole("link", { name: "CSRs to sign" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("CSRs to sign");
  const queued = page.getByTestId("enrollment");
  await expect(queued).toHaveCount(1);
  await shot(page, "41-csrs-to-sign");
  await queued.getByRole("button", { name: "Sign with the Hub's CA" }).click();
  await expect(page.getByTestId("success")).toContainText("has its certificate");
  await expect(page.getByTestId("empty-state")).toContainText("No CSR waits");

  // The DFSP sees the certificate and downloads it with the Hub's root.
  await page.getByTestId("success").getByRole("link", { name: "See it" }).click();
  const signed = page.getByTestId("enrollment");
  await expect(signed.getByTestId("enrollment-state")).toHaveText("Certificate issued");
  await expect(signed.getByTestId("validations")).toHaveAttribute("data-state", "VALID");
  await expect(signed.getByTestId("certificate")).toContainText("clientAuth");
  await shot(page, "42-dfsp-certificate");
  const [certificateDownload] = await Promise.all([
    page.waitForEvent("download"),
    signed.getByTestId("certificate").getByTestId("download").click(),
  ]);
  expect(certificateDownload.suggestedFilename()).toBe("DFSP_1-1-client.pem");
  const [rootDownload] = await Promise.all([
    page.waitForEvent("download"),
    signed.getByRole("link", { name: "Download the Hub's root" }).click(),
  ]);
  const certificate = readFileSync(await certificateDownload.path(), "utf8");
  const root = readFileSync(await rootDownload.path(), "utf8");
  expect(verifiesAgainst(certificate, root)).toContain(": OK");
  expect(pageErrors).toEqual([]);
});

test("the Hub makes its CSR for a DFSP, the DFSP returns the certificate its CA signed, the Hub validates it", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", {
    data: { name: unique("OUT"), defaultDN: { CN: "hub.example.com", O: "Example Hub", C: "US" } },
  })).json();
  expect((await request.post(`/api/environments/${env.id}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One" } })).ok()).toBeTruthy();
  const dfspCa = makeSigningCaChain("Bank One");
  expect((await request.post(`/api/environments/${env.id}/dfsps/DFSP%201/ca`, {
    data: { rootCertificate: dfspCa.root, intermediateChain: dfspCa.intermediate },
  })).ok()).toBeTruthy();

  await open(page, `/environments/${env.id}/dfsps/DFSP%201`);
  await page.getByRole("navigation", { name: "DFSP sections" }).getByRole("link", { name: "Hub certificates" }).click();
  await expect(page.getByTestId("empty-state")).toContainText("No CSR yet");
  const form = page.locator("#make-hub-csr");
  await expect(form.getByLabel("Common name (CN)")).toHaveValue("hub.example.com");
  await form.getByLabel("DNS names").fill("hub.example.com, hub2.example.com");
  await form.getByLabel("Email address").fill("pki@hub.example.com");
  // Every attribute MCM's checks ask of a CSR's subject.
  await form.getByLabel("Organizational unit (OU)").fill("Payments");
  await form.getByLabel("State or province (ST)").fill("New York");
  await form.getByLabel("Locality (L)").fill("New York");
  await form.getByRole("button", { name: "Make CSR" }).click();
  await expect(form.getByTestId("success")).toContainText("its CSR is below");
  const card = page.getByTestId("outbound");
  await expect(card.getByTestId("enrollment-state")).toHaveText("Awaiting the DFSP's CA");
  await expect(card.getByTestId("csr")).toContainText("DNS:hub.example.com, DNS:hub2.example.com");
  await expect(card.getByTestId("csr")).toContainText("RSA 4096 bits");

  // The DFSP downloads the CSR, has its CA sign it, and returns the certificate.
  const [csrDownload] = await Promise.all([page.waitForEvent("download"), card.getByTestId("csr").getByTestId("download").click()]);
  const certificate = dfspCa.sign(readFileSync(await csrDownload.path(), "utf8"));
  await card.getByText("Return the certificate the DFSP's CA signed").click();
  await card.getByLabel("Certificate").fill(certificate);
  await expect(card.getByTestId("preview-certificate")).toContainText("hub.example.com");
  await card.getByRole("button", { name: "Return certificate" }).click();
  await expect(card.getByTestId("enrollment-state")).toHaveText("Certificate returned");
  await expect(card.getByTestId("validations")).toHaveAttribute("data-state", "VALID");
  await shot(page, "43-hub-certificate-returned");

  // The Hub validates it against the DFSP's CA.
  await card.getByRole("button", { name: "Validate" }).click();
  await expect(card.getByTestId("enrollment-state")).toHaveText("Validated");
  await expect(card.getByRole("button", { name: "Validate" })).toHaveCount(0);
  await shot(page, "44-hub-certificate-validated");
  expect(pageErrors).toEqual([]);
});

test("the Hub answers a DFSP's CSR with a certificate an external CA signed", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("EXTSIGN") } })).json();
  const base = `/api/environments/${env.id}`;
  expect((await request.post(`${base}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One" } })).ok()).toBeTruthy();
  const external = makeSigningCaChain("Hub External");
  expect((await request.post(`${base}/hub/cas`, {
    data: { name: "External issuing CA", rootCertificate: external.root, intermediateChain: external.intermediate },
  })).ok()).toBeTruthy();
  const csr = makeCsr("dfsp1.example.com");
  expect((await request.post(`${base}/dfsps/DFSP%201/enrollments/inbound`, { data: { clientCSR: csr } })).ok()).toBeTruthy();
  const otherCsr = makeCsr("api.dfsp1.example.com", 2048);
  expect((await request.post(`${base}/dfsps/DFSP%201/enrollments/inbound`, { data: { clientCSR: otherCsr } })).ok()).toBeTruthy();

  await open(page, `/environments/${env.id}/csrs`);
  const card = page.getByTestId("enrollment").first();
  const other = page.getByTestId("enrollment").last();
  // No CA of its own yet: the page says so, and offers the external CA.
  await expect(card.getByTestId("no-ca-to-sign")).toBeVisible();
  await card.getByText("Add a certificate an external CA signed", { exact: true }).click();
  await other.getByText("Add a certificate an external CA signed", { exact: true }).click();
  await card.getByLabel("External CA").selectOption({ label: "External issuing CA" });
  await card.getByLabel("Certificate").fill("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
  await card.getByRole("button", { name: "Add certificate" }).click();
  await expect(page.getByTestId("error")).toBeVisible();
  // The refusal shows under the form that was sent, not under the other open one.
  await expect(card.getByTestId("field-error")).toBeVisible();
  await expect(other.getByTestId("field-error")).toHaveCount(0);
  await card.getByLabel("Certificate").fill(external.sign(csr));
  await card.getByRole("button", { name: "Add certificate" }).click();
  await expect(page.getByTestId("success")).toContainText("has its certificate");

  await page.getByTestId("success").getByRole("link", { name: "See it" }).click();
  await expect(page.getByTestId("enrollment")).toHaveCount(2);
  const signed = page.getByTestId("enrollment").filter({ hasText: "Certificate issued" });
  await expect(signed.getByTestId("enrollment-state")).toHaveText("Certificate issued");
  await expect(signed.getByTestId("validations")).toHaveAttribute("data-state", "VALID");
  await expect(signed.locator('[data-code="CSR_CERT_SAME_SUBJECT_INFO"]')).toHaveAttribute("data-result", "NOT_AVAILABLE");
  // The chain offered for download is the external CA's.
  const [chainDownload] = await Promise.all([
    page.waitForEvent("download"),
    signed.getByRole("link", { name: "Download the certificate with its chain" }).click(),
  ]);
  const chain = readFileSync(await chainDownload.path(), "utf8");
  expect(chain.match(/BEGIN CERTIFICATE/g)?.length).toBe(3);
  expect(pageErrors).toEqual([]);
});
