import { test, expect } from "@playwright/test";
import { makeCaChain, makeCsr, makeTlsChain } from "./certs";
import { check } from "./helpers";

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
