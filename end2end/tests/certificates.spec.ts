import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { makeTlsChain } from "./certs";
import { collectPageErrors, open, shot, unique } from "./helpers";

test("a DFSP uploads its server certificate chain, the Hub sees it, and it can be removed", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("TLS") } })).json();
  expect((await request.post(`/api/environments/${env.id}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One" } })).ok()).toBeTruthy();
  const tls = makeTlsChain("Bank One", "api.bank-one.example");

  await open(page, `/environments/${env.id}/dfsps/DFSP%201`);
  await page.getByRole("navigation", { name: "DFSP sections" }).getByRole("link", { name: "Server certificate" }).click();
  await expect(page.getByTestId("empty-state")).toContainText("No server certificate yet");
  const form = page.locator("#upload-certificate-set");

  // Garbage is refused next to its field, and nothing is stored.
  await form.getByLabel("Server certificate").fill("not a certificate");
  await expect(form.getByTestId("pem-set-certificate").getByTestId("preview-error")).toContainText("is not a PEM or DER certificate");
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(form.getByTestId("field-error")).toContainText("is not a PEM or DER certificate");
  await expect(page.getByTestId("empty-state")).toContainText("No server certificate yet");

  await form.getByLabel("Server certificate").fill(tls.certificate);
  await expect(form.getByTestId("pem-set-certificate").getByTestId("preview-certificate")).toContainText("api.bank-one.example");
  await form.getByLabel("Intermediate chain").fill(tls.intermediate);
  await form.getByLabel("Root certificate").fill(tls.root);
  await shot(page, "50-dfsp-server-preview");
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(form.getByTestId("success")).toBeVisible();

  const set = page.getByTestId("certificate-set");
  const results = set.getByTestId("validations");
  await expect(results).toHaveAttribute("data-state", "VALID");
  await expect(results.locator('[data-result="VALID"]')).toHaveCount(6);
  await expect(set.getByTestId("certificate")).toHaveCount(3);
  await expect(set.getByTestId("set-chain")).toContainText("The CA certificates it chains to (2)");
  await expect(set.getByTestId("certificate").first()).toContainText("DNS:api.bank-one.example");
  await expect(form.getByLabel("Server certificate")).toHaveValue("");
  await shot(page, "51-dfsp-server");

  // The certificate downloads as stored.
  const [download] = await Promise.all([page.waitForEvent("download"), set.getByTestId("certificate").first().getByTestId("download").click()]);
  expect(download.suggestedFilename()).toBe("DFSP_1-server-certificate.pem");
  expect(readFileSync(await download.path(), "utf8")).toBe(tls.certificate);

  // The Hub sees every DFSP's server certificate at a glance, and opens this one.
  await page.getByRole("link", { name: "Server certificates" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Server certificates");
  const row = page.getByTestId("dfsp-server-row").filter({ hasText: "DFSP 1" });
  await expect(row.getByTestId("set-state")).toHaveText("Valid");
  await row.getByRole("link", { name: "Open the server certificate of DFSP 1" }).click();
  await expect(page.getByTestId("certificate-set")).toBeVisible();

  // Removal asks first.
  await page.getByText("Remove…", { exact: true }).click();
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByTestId("empty-state")).toContainText("No server certificate yet");
  expect((await request.get(`/api/environments/${env.id}/dfsps/DFSP%201/servercerts`)).status()).toBe(404);
  expect(pageErrors).toEqual([]);
});

test("the Hub uploads its server certificate and sees which checks a wrong one fails", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("HUBTLS") } })).json();
  // A client certificate with a P-256 key: no serverAuth, and weaker than RSA 4096.
  const wrong = makeTlsChain("Hub", "hub.example.com", {
    usage: "clientAuth",
    keyArgs: ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"],
  });
  await open(page, `/environments/${env.id}`);
  await page.getByRole("link", { name: "Server certificates" }).click();
  await expect(page.getByTestId("empty-state").first()).toContainText("No server certificate yet");
  await expect(page.getByTestId("empty-state").last()).toContainText("No DFSP server certificate yet");
  const form = page.locator("#upload-certificate-set");
  await form.getByLabel("Server certificate").fill(wrong.certificate);
  await form.getByLabel("Intermediate chain").fill(wrong.intermediate);
  await form.getByLabel("Root certificate").fill(wrong.root);
  await form.getByRole("button", { name: "Upload" }).click();
  const results = page.getByTestId("certificate-set").getByTestId("validations");
  await expect(results).toHaveAttribute("data-state", "INVALID");
  await expect(results.locator('[data-result="INVALID"]')).toHaveCount(2);
  await expect(results.locator('[data-code="CERTIFICATE_USAGE_SERVER"]')).toContainText("serverAuth");
  await expect(results.locator('[data-code="CERTIFICATE_PUBLIC_KEY_LENGTH_4096"]')).toContainText("should be 4096");
  await shot(page, "52-hub-server-invalid");

  // A good one replaces it.
  const good = makeTlsChain("Hub", "hub.example.com");
  await form.getByLabel("Server certificate").fill(good.certificate);
  await form.getByLabel("Intermediate chain").fill(good.intermediate);
  await form.getByLabel("Root certificate").fill(good.root);
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(results).toHaveAttribute("data-state", "VALID");
  const api = await (await request.get(`/api/environments/${env.id}/hub/servercerts`)).json();
  expect(api.serverCertificate).toBe(good.certificate);
  expect(pageErrors).toEqual([]);
});

test("a DFSP uploads its JWS certificate and sees its zone's peers'", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("JWS") } })).json();
  const base = `/api/environments/${env.id}/dfsps`;
  for (const [dfspId, zone] of [["DFSP 1", "EUR"], ["DFSP2", "EUR"], ["DFSP3", "XOF"]]) {
    expect((await request.post(base, { data: { dfspId, name: dfspId, monetaryZoneId: zone } })).ok()).toBeTruthy();
  }
  const rsa = ["-newkey", "rsa:2048"];
  for (const dfsp of ["DFSP2", "DFSP3"]) {
    const peer = makeTlsChain(dfsp, `${dfsp} JWS`, { usage: "clientAuth", keyArgs: rsa });
    expect((await request.post(`${base}/${dfsp}/jwscerts`, { data: { jwsCertificate: peer.certificate } })).ok()).toBeTruthy();
  }

  await open(page, `/environments/${env.id}/dfsps/DFSP%201`);
  await page.getByRole("navigation", { name: "DFSP sections" }).getByRole("link", { name: "JWS" }).click();
  await expect(page.getByTestId("empty-state")).toContainText("No JWS certificate yet");
  const peers = page.getByTestId("peer-jws");
  await expect(peers).toHaveCount(1);
  await expect(peers).toContainText("DFSP2 JWS");

  const own = makeTlsChain("Bank One", "DFSP 1 JWS", { usage: "clientAuth", keyArgs: rsa });
  const form = page.locator("#upload-certificate-set");
  await form.getByLabel("JWS certificate").fill(own.certificate);
  await form.getByLabel("Root certificate").fill(own.root);
  await form.getByRole("button", { name: "Upload" }).click();
  const results = page.getByTestId("certificate-set").getByTestId("validations");
  await expect(results).toHaveAttribute("data-state", "VALID");
  await expect(results.getByTestId("validation")).toHaveCount(2);
  await shot(page, "53-dfsp-jws");

  // Every participant fetches them all from the API, each with its DFSP.
  const all = await (await request.get(`${base}/jwscerts`)).json();
  expect(all.map((set: { dfspId: string }) => set.dfspId)).toEqual(["DFSP 1", "DFSP2", "DFSP3"]);
  expect(pageErrors).toEqual([]);
});

test("the Hub rotates its JWS certificate and removes the previous one when the DFSPs have moved on", async ({ page, request }) => {
  test.setTimeout(90_000);
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("HUBJWS") } })).json();
  const rsa = ["-newkey", "rsa:2048"];
  const first = makeTlsChain("Hub", "Hub JWS 2026", { usage: "clientAuth", keyArgs: rsa });
  const second = makeTlsChain("Hub", "Hub JWS 2027", { usage: "clientAuth", keyArgs: rsa });

  await open(page, `/environments/${env.id}`);
  await page.getByRole("navigation", { name: "Environment sections" }).getByRole("link", { name: "Hub JWS certificate" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Hub JWS certificate");
  await expect(page.getByTestId("empty-state").first()).toContainText("No JWS certificate yet");
  const form = page.locator("#upload-certificate-set");
  await form.getByLabel("JWS certificate").fill(first.certificate);
  await form.getByLabel("Root certificate").fill(first.root);
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("certificate-set")).toContainText("Hub JWS 2026");
  await expect(page.getByTestId("superseded-jws")).toHaveCount(0);

  // The second replaces it; the first is kept as the previous certificate, and both are listed
  // for the DFSPs.
  await form.getByLabel("JWS certificate").fill(second.certificate);
  await form.getByLabel("Root certificate").fill(second.root);
  await form.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByTestId("certificate-set")).toContainText("Hub JWS 2027");
  await expect(page.getByTestId("superseded-jws")).toContainText("Hub JWS 2026");
  await shot(page, "54-hub-jws-rotated");
  const listed = await (await request.get(`/api/environments/${env.id}/dfsps/jwscerts`)).json();
  expect(listed.map((c: { jwsCertificateInfo: { subject: { CN: string } }; superseded?: boolean }) =>
    [c.jwsCertificateInfo.subject.CN, c.superseded ?? false])).toEqual([["Hub JWS 2027", false], ["Hub JWS 2026", true]]);

  // Removing the previous one ends the rotation.
  await page.getByText("Remove the previous certificate…").click();
  await page.getByTestId("superseded-jws").getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByTestId("superseded-jws")).toHaveCount(0);
  await expect(page.getByTestId("certificate-set")).toContainText("Hub JWS 2027");
  expect((await (await request.get(`/api/environments/${env.id}/dfsps/jwscerts`)).json())).toHaveLength(1);
  expect(pageErrors).toEqual([]);
});
