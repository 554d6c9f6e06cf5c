import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { makeCsr, makeTlsChain } from "./certs";
import { collectPageErrors, open, shot, unique } from "./helpers";

/**
 * The certificate inventory: the overview says a certificate expires soon and leads to it,
 * highlighted; the table filters, sorts, opens where a certificate is kept, and downloads CSV.
 */
test("the inventory highlights an expiring certificate, filters, sorts and downloads", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("INVENTORY") } })).json();
  const base = `/api/environments/${env.id}`;
  const envUrl = `/environments/${env.id}`;
  await request.post(`${base}/dfsps`, { data: { dfspId: "INV1", name: "Inventory Bank" } });
  // A server certificate that expires in ten days, under a CA chain that lasts years.
  const tls = makeTlsChain("Inventory Bank", "api.inventory-bank.example", { days: 10 });
  expect((await request.post(`${base}/dfsps/INV1/ca`, {
    data: { rootCertificate: tls.root, intermediateChain: tls.intermediate },
  })).ok()).toBeTruthy();
  expect((await request.post(`${base}/dfsps/INV1/servercerts`, {
    data: { serverCertificate: tls.certificate, intermediateChain: tls.intermediate, rootCertificate: tls.root },
  })).ok()).toBeTruthy();

  // The overview counts it and leads to it.
  await open(page, envUrl);
  await expect(page.getByTestId("expiry-overview")).toHaveText("1 certificate expires within 30 days.");
  await page.getByRole("link", { name: "See them" }).click();
  await expect(page).toHaveURL(`${envUrl}/certificates?status=expiring`);
  const rows = page.getByTestId("inventory-table").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute("data-status", "expiring");
  await expect(rows.first()).toContainText("CN=api.inventory-bank.example");
  await expect(rows.first()).toContainText(/expires in (9|10) days/);
  await expect(rows.first()).toContainText("Expiring");
  await expect(page.getByLabel("Status")).toHaveValue("expiring");
  await expect(page.getByTestId("expiry-summary")).toContainText("3 certificates: 1 expires within 30 days.");
  await shot(page, "inventory-01-expiring");

  // Everything: the expiring one first, then the CA chain; the sidebar leads here too.
  await page.getByRole("link", { name: "Clear", exact: true }).click();
  await expect(rows).toHaveCount(3);
  await expect(rows.first()).toHaveAttribute("data-status", "expiring");
  await page.getByRole("navigation", { name: "Environment sections" }).getByRole("link", { name: "All certificates" }).click();
  await expect(page).toHaveURL(`${envUrl}/certificates`);
  await expect(rows).toHaveCount(3);

  // Sorted by subject with the heading, then reversed.
  await page.getByRole("columnheader", { name: /Certificate/ }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=subject/);
  await expect(rows.first()).toContainText("CN=api.inventory-bank.example");
  await expect(rows.last()).toContainText("CN=Inventory Bank Root");
  await page.getByRole("columnheader", { name: /Certificate/ }).getByRole("link").click();
  await expect(page).toHaveURL(/sort=subject&order=desc/);
  await expect(rows.first()).toContainText("CN=Inventory Bank Root");
  await expect(page.getByRole("columnheader", { name: /Certificate/ })).toHaveAttribute("aria-sort", "descending");
  await shot(page, "inventory-02-sorted");

  // Filtered by kind with the form; the CSV holds what is shown.
  await page.getByLabel("Kind").selectOption("dfspCa");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/kind=dfspCa/);
  await expect(rows).toHaveCount(2);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByTestId("inventory-csv").click(),
  ]);
  expect(download.suggestedFilename()).toBe("certificates.csv");
  const csv = readFileSync(await download.path(), "utf8").trim().split("\r\n");
  expect(csv[0]).toBe("id,kind,role,owner,dfspId,subject,issuer,serial,notBefore,notAfter,daysLeft,status,fingerprintSha256,revokedAt,revocationReason");
  expect(csv).toHaveLength(3);
  expect(csv.slice(1).every((line) => line.includes(",dfspCa,") && line.includes(",INV1,INV1,"))).toBeTruthy();

  // A row opens the page that keeps its certificate.
  await open(page, `${envUrl}/certificates?status=expiring`);
  await rows.first().getByRole("link", { name: /Open/ }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps/INV1/server-certificate`);
  expect(errors).toEqual([]);
});

test("an environment without certificates says where to start", async ({ page, request }) => {
  const env = await (await request.post("/api/environments", { data: { name: unique("EMPTY-INVENTORY") } })).json();
  await open(page, `/environments/${env.id}`);
  await expect(page.getByTestId("expiry-overview")).toHaveText("No certificate yet.");
  await open(page, `/environments/${env.id}/certificates`);
  await expect(page.getByTestId("empty-state")).toContainText("No certificate yet");
  await page.getByTestId("empty-state").getByRole("link", { name: "Certificate authorities" }).click();
  await expect(page).toHaveURL(`/environments/${env.id}/ca`);
});

/**
 * The Hub revokes a DFSP's certificate from the inventory, after saying why; it shows as
 * revoked there and on the DFSP's page, and the CA's CRL, downloaded from the CA page, lists it.
 */
test("the Hub revokes a certificate and the CRL download lists it", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", {
    data: { name: unique("REVOKE"), defaultDN: { CN: "hub.example.com", O: "Example", C: "US" } },
  })).json();
  const base = `/api/environments/${env.id}`;
  const envUrl = `/environments/${env.id}`;
  await request.post(`${base}/dfsps`, { data: { dfspId: "RV1", name: "Revoked Bank" } });
  expect((await request.post(`${base}/cas`, { data: { csr: { hosts: ["hub.example.com"], key: { algo: "ecdsa", size: 256 } } } })).ok()).toBeTruthy();
  const enrollment = await (await request.post(`${base}/dfsps/RV1/enrollments/inbound`, { data: { clientCSR: makeCsr("rv1.example.com", 2048) } })).json();
  expect((await request.post(`${base}/dfsps/RV1/enrollments/inbound/${enrollment.id}/sign`)).ok()).toBeTruthy();
  const id = `inboundEnrollment.${enrollment.id}`;
  const listed = await (await request.get(`${base}/certificates?kind=inboundEnrollment`)).json();
  const serial: string = listed[0].serial;

  await open(page, `${envUrl}/certificates`);
  const row = page.locator(`tr[data-id="${id}"]`);
  await expect(row).toHaveAttribute("data-status", "valid");
  await row.getByText("Revoke…").click();
  await row.getByLabel("Reason").selectOption("keyCompromise");
  await shot(page, "inventory-03-revoke");
  await row.getByRole("button", { name: "Revoke", exact: true }).click();
  await expect(page.getByTestId("success")).toContainText("Certificate revoked (The key is compromised)");
  await expect(row).toHaveAttribute("data-status", "revoked");
  await expect(row).toContainText("Revoked");
  await expect(page.getByTestId("expiry-summary")).toHaveText("2 certificates: 1 revoked.");
  await expect(row.getByText("Revoke…")).toHaveCount(0);
  await shot(page, "inventory-04-revoked");

  // Its link leads to its enrollment, which says so.
  await row.getByRole("link", { name: /Open/ }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps/RV1/certificates#enrollment-${enrollment.id}`);
  await expect(page.locator(`#enrollment-${enrollment.id}`).getByTestId("revoked")).toContainText("Revoked on");

  // The CA page offers the CRL, which lists the certificate's serial number.
  await open(page, `${envUrl}/ca`);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("crl-download").click()]);
  expect(download.suggestedFilename()).toMatch(/^environment-\d+-ca-\d+\.crl$/);
  const text = execFileSync("openssl", ["crl", "-inform", "DER", "-in", await download.path(), "-noout", "-text"]).toString();
  // openssl prints the number without the DER sign byte the portal shows (00: before a first
  // byte of 0x80 or more), which a random serial starts with about once in 256.
  expect(text).toContain(`Serial Number: ${serial.replace(/:/g, "").replace(/^(00)+(?=.)/, "")}`);
  expect(text).toContain("Key Compromise");
  expect(errors).toEqual([]);
});
