import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { makeCaChain, makeCsr, makeTlsChain } from "./certs";
import { collectPageErrors } from "./helpers";

/**
 * Every page, at desktop width and at 390 px: a screenshot for people to look at, and an
 * axe-core check (WCAG 2.1 AA and best practices) that must find nothing.
 */
const widths = [
  { name: "desktop", width: 1366, height: 900 },
  { name: "mobile", width: 390, height: 844 },
];

async function check(page: Page, path: string, name: string) {
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

test("every page is accessible and fits desktop and phone screens", async ({ page, request }) => {
  test.setTimeout(180_000);
  const env = await (await request.post("/api/environments", {
    data: { name: `PAGES-${Date.now()}`, defaultDN: { CN: "hub.example.com", O: "Example", C: "US" } },
  })).json();
  const base = `/api/environments/${env.id}`;
  await request.post(`${base}/dfsps`, { data: { dfspId: "DFSP 1", name: "Bank One", monetaryZoneId: "EUR" } });
  await request.post(`${base}/hub/endpoints/ingress/urls`, { data: { value: { url: "https://hub.example.com/fsp" } } });
  await request.post(`${base}/hub/endpoints/egress/ips`, { data: { value: { address: "2001:db8::/32", ports: ["443"] } } });
  await request.post(`${base}/dfsps/DFSP%201/endpoints/ingress/ips`, {
    data: { value: { address: "163.10.5.0/24", ports: ["443", "8000-8080"] } },
  });
  await request.post(`${base}/dfsps/DFSP%201/endpoints/ingress/urls`, {
    data: { value: { url: "https://a-rather-long-hostname-for-a-dfsp.example.com/api/v1/transfers" } },
  });

  const chain = makeCaChain("Bank One");
  await request.post(`${base}/dfsps/DFSP%201/ca`, { data: { rootCertificate: chain.root, intermediateChain: chain.intermediate } });
  await request.post(`${base}/cas`, { data: { csr: { hosts: ["hub.example.com"], key: { algo: "ecdsa", size: 256 } } } });
  await request.post(`${base}/hub/cas`, { data: { name: "External issuing CA", rootCertificate: chain.root } });
  const signedId = (await (await request.post(`${base}/dfsps/DFSP%201/enrollments/inbound`, { data: { clientCSR: makeCsr("dfsp1.example.com", 2048) } })).json()).id;
  await request.post(`${base}/dfsps/DFSP%201/enrollments/inbound/${signedId}/sign`);
  await request.post(`${base}/dfsps/DFSP%201/enrollments/inbound`, { data: { clientCSR: makeCsr("api.dfsp1.example.com", 2048) } });
  await request.post(`${base}/dfsps/DFSP%201/enrollments/outbound`, { data: { hubCSR: makeCsr("hub.example.com", 2048) } });
  const tls = makeTlsChain("Bank One", "api.bank-one.example");
  const server = { serverCertificate: tls.certificate, intermediateChain: tls.intermediate, rootCertificate: tls.root };
  await request.post(`${base}/dfsps/DFSP%201/servercerts`, { data: server });
  await request.post(`${base}/hub/servercerts`, { data: server });
  await request.post(`${base}/dfsps`, { data: { dfspId: "DFSP2", name: "Bank Two", monetaryZoneId: "EUR" } });
  const jws = makeTlsChain("Bank Two", "DFSP2 JWS", { usage: "clientAuth", keyArgs: ["-newkey", "rsa:2048"] });
  await request.post(`${base}/dfsps/DFSP2/jwscerts`, { data: { jwsCertificate: jws.certificate, rootCertificate: jws.root } });
  // The Hub's JWS certificate, rotated once: a current and a previous one.
  for (const year of ["2026", "2027"]) {
    const hubJws = makeTlsChain("Hub", `Hub JWS ${year}`, { usage: "clientAuth", keyArgs: ["-newkey", "rsa:2048"] });
    await request.post(`${base}/hub/jwscerts`, { data: { jwsCertificate: hubJws.certificate, rootCertificate: hubJws.root } });
  }

  await check(page, "/environments", "environments");
  await check(page, `/environments/${env.id}`, "environment");
  await check(page, `/environments/${env.id}/dfsps`, "dfsps");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201`, "dfsp");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201/endpoints`, "dfsp-endpoints");
  await check(page, `/environments/${env.id}/network`, "hub-network");
  await check(page, `/environments/${env.id}/network/unprocessed`, "endpoints-to-confirm");
  await check(page, `/environments/${env.id}/ca`, "certificate-authorities");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201/ca`, "dfsp-ca");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201/certificates`, "dfsp-certificates");
  await check(page, `/environments/${env.id}/csrs`, "csrs-to-sign");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201/hub-certificates`, "hub-certificates");
  await check(page, `/environments/${env.id}/server-certificates`, "server-certificates");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201/server-certificate`, "dfsp-server-certificate");
  await check(page, `/environments/${env.id}/dfsps/DFSP%201/jws`, "dfsp-jws");
  await check(page, `/environments/${env.id}/hub-jws`, "hub-jws");
  await check(page, `/environments/${env.id}/onboarding`, "onboarding");
  await check(page, `/environments/${env.id}/certificates`, "certificates");
  await check(page, `/environments/${env.id}/audit`, "audit");
  await check(page, "/environments/987654", "not-found");
});
