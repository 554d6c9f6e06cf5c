import { test, expect } from "@playwright/test";
import { generateKeyPairSync } from "node:crypto";
import { check, collectPageErrors, open, shot } from "./helpers";

/**
 * What MCM v3's DFSP-side client brings to the portal: its progress reports on the DFSP's page,
 * and other schemes' DFSPs' JWS keys (given by an interscheme proxy) on the Hub's JWS page,
 * where a hub operator removes one. The v3 paths act in the environment V3_ENVIRONMENT names
 * (scripts/e2e: E2E-V3).
 */
test("a proxy's client reports and other schemes' keys show in the portal", async ({ page, request }) => {
  const errors = collectPageErrors(page);
  const environments = await (await request.get("/api/environments")).json();
  let env = environments.find((e: { name: string }) => e.name === "E2E-V3");
  if (!env) {
    env = await (await request.post("/api/environments", {
      data: { name: "E2E-V3", defaultDN: { CN: "hub.example.com", O: "Example Hub" } },
    })).json();
  }
  const dfsp = `PROXY-${Date.now().toString(36).toUpperCase()}`;
  const created = await request.post("/api/dfsps", { data: { dfspId: dfsp, name: "Proxy to scheme B", isProxy: true } });
  expect(created.ok(), await created.text()).toBeTruthy();
  const reported = await request.post(`/api/dfsps/${dfsp}/states`, {
    data: {
      HUB_CA: { status: "completed", stateDescription: "NEW_HUB_CA_FETCHED", lastUpdated: "2026-12-08T10:00:00.000Z" },
      DFSP_CA: {
        status: "inError", stateDescription: "uploadingToHub", errorDescription: "Request returned non-success status code 503",
        lastUpdated: "2026-12-08T10:01:00.000Z",
      },
    },
  });
  expect(reported.ok(), await reported.text()).toBeTruthy();
  const publicKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "spki", format: "pem" });
  const external = `SCHEME-B-${Date.now().toString(36).toUpperCase()}`;
  const given = await request.post("/api/external-dfsps/jwscerts", {
    data: [{ dfspId: external, publicKey, createdAt: 1765188000 }],
  });
  expect(given.ok(), await given.text()).toBeTruthy();

  // The DFSP's page: its client's own words beside the Hub's checklist.
  await open(page, `/environments/${env.id}/dfsps/${dfsp}`);
  const states = page.getByTestId("reported-states");
  await expect(states.locator('[data-state="DFSP_CA"]')).toContainText("Request returned non-success status code 503");
  await expect(states.locator('[data-state="DFSP_CA"]')).toContainText("Error");
  await expect(states.locator('[data-state="HUB_CA"]')).toContainText("Completed");
  await expect(page.getByTestId("dfsp-details")).toContainText(/Interscheme proxy\s*Yes/);
  await check(page, `/environments/${env.id}/dfsps/${dfsp}`, "dfsp-v3-client");

  // The Hub's JWS page: the other scheme's key, and its removal.
  await check(page, `/environments/${env.id}/hub-jws`, "hub-jws-external");
  await open(page, `/environments/${env.id}/hub-jws`);
  const row = page.getByTestId("external-jws-row").filter({ hasText: external });
  await expect(row).toContainText("A hub operator");
  await expect(row).toContainText("2025-12-08 10:00:00 UTC");
  await row.getByText("Remove", { exact: true }).click();
  await shot(page, "v3-external-key-remove");
  await row.getByRole("button", { name: `Remove ${external}` }).click();
  await expect(page.getByTestId("external-jws-row").filter({ hasText: external })).toHaveCount(0);
  const left = await (await request.get("/api/external-dfsps/jwscerts")).json();
  expect(left.map((k: { dfspId: string }) => k.dfspId)).not.toContain(external);
  expect(errors).toEqual([]);
});
