import { test, expect } from "@playwright/test";
import { collectPageErrors, open, shot, unique } from "./helpers";

test("an environment and its DFSPs, from creation to deletion", async ({ page }) => {
  const pageErrors = collectPageErrors(page);
  const envName = unique("DEV");

  await open(page, "/environments");
  await expect(page.getByTestId("auth-disabled")).toContainText("Authentication is disabled");
  await shot(page, "01-environments");

  // Create the environment with the form.
  const create = page.locator("#new-environment");
  await create.getByRole("textbox", { name: "Name", exact: true }).fill(envName);
  await create.getByLabel("Common name (CN)").fill("tes1.centralhub.modusbox.live");
  await create.getByLabel("Organization (O)").fill("Modusbox");
  await create.getByLabel("Unit (OU)").fill("MCM");
  await create.getByRole("button", { name: "Create environment" }).click();
  await expect(create.getByTestId("success")).toContainText(`Environment ${envName} created`);
  await expect(create.getByRole("textbox", { name: "Name", exact: true })).toHaveValue("");
  const row = page.getByTestId("environments-table").getByRole("row").filter({ hasText: envName });
  await expect(row).toContainText("CN=tes1.centralhub.modusbox.live, OU=MCM, O=Modusbox");
  await shot(page, "02-environment-created");
  // The header's switcher, which shares the page's list, follows the form.
  const switcher = page.getByTestId("environment-switcher");
  await switcher.getByText("Environment:").click();
  await expect(switcher.getByRole("link", { name: new RegExp(envName) })).toBeVisible();
  await switcher.getByText("Environment:").click();

  // Its page is a deep link that works on its own.
  await row.getByRole("link", { name: envName }).click();
  await expect(page).toHaveURL(/\/environments\/\d+$/);
  const envUrl = new URL(page.url()).pathname;
  await open(page, envUrl);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(envName);
  await expect(page.getByTestId("default-dn")).toContainText("tes1.centralhub.modusbox.live");
  await expect(page.getByTestId("dfsp-count")).toHaveText("No DFSP has been added yet.");
  await expect(page.getByTestId("environment-switcher")).toContainText(envName);
  await shot(page, "03-environment-overview");

  // Add a DFSP in a monetary zone. The id follows the name until it is edited.
  await page.getByRole("link", { name: "Add DFSPs" }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps`);
  await expect(page.getByTestId("empty-state")).toContainText("No DFSPs in this environment yet");
  const add = page.locator("#new-dfsp");
  await add.getByRole("textbox", { name: "Name", exact: true }).fill("Bank One");
  await expect(add.getByLabel("DFSP id")).toHaveValue("Bank One");
  await expect(page.getByTestId("default-group")).toHaveText("Default: Application/DFSP:Bank-One");
  await add.getByLabel("DFSP id").fill("BANK1");
  await add.getByLabel("Monetary zone").selectOption({ label: "EUR - Euro" });
  await add.getByRole("button", { name: "Add DFSP" }).click();
  await expect(add.getByTestId("success")).toContainText("DFSP BANK1 added");
  const dfspRow = page.getByTestId("dfsps-table").getByRole("row").filter({ hasText: "BANK1" });
  await expect(dfspRow).toContainText("Bank One");
  await expect(dfspRow).toContainText("EUR - Euro");
  await expect(dfspRow).toContainText("Application/DFSP:BANK1");
  await shot(page, "04-dfsp-added");

  // The same id again is refused, with the reason next to the id.
  await add.getByRole("textbox", { name: "Name", exact: true }).fill("Another bank");
  await add.getByLabel("DFSP id").fill("BANK1");
  await add.getByRole("button", { name: "Add DFSP" }).click();
  await expect(add.getByTestId("field-error")).toContainText("A DFSP with id 'BANK1' already exists");
  await expect(page.getByTestId("dfsps-table").getByRole("row")).toHaveCount(2); // header + BANK1
  await shot(page, "05-dfsp-duplicate");

  // Edit it on its own page.
  await dfspRow.getByRole("link", { name: "Edit" }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps/BANK1`);
  const edit = page.locator("#edit-dfsp");
  await edit.getByRole("textbox", { name: "Name", exact: true }).fill("Bank One Ltd");
  await edit.getByLabel("Monetary zone").selectOption({ label: "XOF - CFA Franc BCEAO" });
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByTestId("success")).toHaveText("Changes saved.");
  await expect(page.getByTestId("dfsp-details")).toContainText("Bank One Ltd");
  await expect(page.getByTestId("dfsp-details")).toContainText("XOF - CFA Franc BCEAO");
  await shot(page, "06-dfsp-edited");
  await open(page, `${envUrl}/dfsps/BANK1`);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Bank One Ltd");

  // Its roles in the scheme (MCM v3): an interscheme proxy and an FX provider. A code that is
  // none is named next to the field; lower case is fine.
  await edit.getByLabel("Interscheme proxy").check();
  await edit.getByLabel("FX currencies (optional)").fill("usd, EURO");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByTestId("field-error")).toContainText("(got 'EURO')");
  await shot(page, "06b-dfsp-fx-currency-refused");
  await edit.getByLabel("FX currencies (optional)").fill("usd xof");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(edit.getByTestId("success")).toHaveText("Changes saved.");
  await expect(page.getByTestId("dfsp-details")).toContainText(/Interscheme proxy\s*Yes/);
  await expect(page.getByTestId("dfsp-details")).toContainText("USD, XOF");
  await shot(page, "06c-dfsp-proxy-and-fxp");
  await page.getByRole("link", { name: "← All DFSPs" }).click();
  const listed = page.getByTestId("dfsps-table").getByRole("row").filter({ hasText: "BANK1" });
  await expect(listed.getByTestId("proxy-badge")).toHaveText("proxy");
  await expect(listed.getByTestId("fxp-currencies")).toHaveText("FX: USD, XOF");
  await shot(page, "06d-dfsps-with-roles");
  await listed.getByRole("link", { name: "Edit" }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps/BANK1`);

  // Delete it, after confirming.
  await page.getByText("Delete BANK1…").click();
  await expect(page.getByText("This deletes the DFSP with its endpoints").last()).toBeVisible();
  await shot(page, "07-dfsp-delete-confirmation");
  await page.getByRole("button", { name: "Delete DFSP" }).click();
  await expect(page).toHaveURL(`${envUrl}/dfsps`);
  await expect(page.getByTestId("empty-state")).toBeVisible();

  // Delete the environment from its overview.
  await page.getByRole("link", { name: "Overview" }).click();
  await page.getByText(`Delete ${envName}…`).click();
  await page.getByRole("button", { name: "Delete environment" }).click();
  await expect(page).toHaveURL(/\/environments$/);
  await expect(page.getByRole("link", { name: envName })).toHaveCount(0);
  // The switcher too, though the overview that deleted it is gone.
  await switcher.getByText("Environment:").click();
  await expect(switcher.getByRole("link", { name: new RegExp(envName) })).toHaveCount(0);

  expect(pageErrors).toEqual([]);
});

test("the environment switcher lists environments and opens them", async ({ page }) => {
  const first = unique("TEST");
  const second = unique("PROD");
  for (const name of [first, second]) {
    const response = await page.request.post("/api/environments", { data: { name } });
    expect(response.ok()).toBeTruthy();
  }
  await open(page, "/environments");
  const switcher = page.getByTestId("environment-switcher");
  await switcher.getByText("Environment:").click();
  await switcher.getByRole("link", { name: new RegExp(second) }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(second);
  await expect(switcher).toContainText(second);
  await expect(switcher).not.toHaveAttribute("open", "");

  // From one environment to another: the frame and the page follow.
  await page.getByRole("link", { name: "DFSPs", exact: true }).click();
  await switcher.getByText("Environment:").click();
  await switcher.getByRole("link", { name: new RegExp(first) }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(first);
  await expect(page.locator("aside")).toContainText(first);
  await expect(switcher).toContainText(first);
  await page.getByRole("link", { name: "DFSPs", exact: true }).click();
  await expect(page.getByText(`The participants that connect to the Hub in ${first}`)).toBeVisible();
});

test("a deep link to a missing environment says so, with a 404", async ({ page }) => {
  const response = await page.goto("/environments/987654");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("alert")).toContainText("Environment '987654' not found");
  await shot(page, "08-not-found");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the forms still create, refuse and delete", async ({ page }) => {
    const name = unique("NOJS");
    await page.goto("/environments");
    const create = page.locator("#new-environment");
    await create.getByRole("textbox", { name: "Name", exact: true }).fill("   ");
    await create.getByLabel("Country (C)").fill("US");
    await create.getByRole("button", { name: "Create environment" }).click();
    await expect(create.getByTestId("field-error")).toContainText("must not be blank");

    await create.getByRole("textbox", { name: "Name", exact: true }).fill(name);
    await create.getByRole("button", { name: "Create environment" }).click();
    const row = page.getByTestId("environments-table").getByRole("row").filter({ hasText: name });
    await expect(row).toBeVisible();

    await row.getByText("Delete", { exact: true }).click();
    await row.getByRole("button", { name: `Delete ${name}` }).click();
    await expect(page.getByRole("link", { name })).toHaveCount(0);
  });
});

test("a page loads its own group of pages' code, and another group's when one of its pages is opened", async ({ page, request }) => {
  const pageErrors = collectPageErrors(page);
  const env = await (await request.post("/api/environments", { data: { name: unique("LAZY") } })).json();
  const wasm: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith(".wasm")) wasm.push(new URL(r.url()).pathname);
  });

  await open(page, `/environments/${env.id}`);
  expect(wasm).toContain("/pkg/connection-manager.wasm");
  expect(wasm.some((p) => p.includes("split_environment_pages"))).toBe(true);
  expect(wasm.some((p) => p.includes("split_certificate_pages"))).toBe(false);

  // In the browser, without a page load: the router fetches the certificate pages first, and a
  // bar says so while it does (the fetch is held back here so that it can be seen).
  await page.route("**/pkg/split_certificate_pages_*.wasm", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 800));
    await route.continue();
  });
  await page.getByRole("navigation", { name: "Environment sections" }).getByRole("link", { name: "Certificate authorities" }).click();
  await expect(page.getByRole("progressbar", { name: "Opening the page" })).toBeVisible();
  await expect(page).toHaveURL(`/environments/${env.id}/ca`);
  await expect(page.getByRole("progressbar", { name: "Opening the page" })).toBeHidden();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Certificate authorities");
  expect(wasm.some((p) => p.includes("split_certificate_pages"))).toBe(true);
  expect(wasm.filter((p) => p === "/pkg/connection-manager.wasm")).toHaveLength(1);
  expect(pageErrors).toEqual([]);
});
