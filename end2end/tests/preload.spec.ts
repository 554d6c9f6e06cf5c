import { test, expect } from "@playwright/test";

/**
 * A server-rendered page's head lists its page group's WebAssembly chunks, so that the browser
 * fetches them beside the bundle: the same chunks on every request of the page, each once, even
 * when many pages are rendered at the same time (vendor/README.md: leptos 0.8.9 registered them
 * on whichever request's owner was current, so pages lost theirs or got others').
 */
function wasmPreloads(html: string): string[] {
  const head = html.slice(0, html.indexOf("</head>"));
  return [...head.matchAll(/<link\b[^>]*>/g)]
    .map((match) => match[0])
    .filter((link) => /rel="preload"/.test(link) && /type="application\/wasm"/.test(link))
    .map((link) => /href="([^"]+)"/.exec(link)![1]);
}

test("each page lists its own group's chunks, once, under concurrent requests", async ({ request }) => {
  test.setTimeout(120_000);
  const env = await (await request.post("/api/environments", {
    data: { name: `PRELOAD-${Date.now()}`, defaultDN: { CN: "hub.example.com", O: "Example", C: "US" } },
  })).json();
  const created = await request.post(`/api/environments/${env.id}/dfsps`, {
    data: { dfspId: "DFSP1", name: "Bank 1", monetaryZoneId: "EUR" },
  });
  expect(created.ok()).toBeTruthy();
  const paths = [
    "/environments",
    `/environments/${env.id}`,
    `/environments/${env.id}/dfsps`,
    `/environments/${env.id}/dfsps/DFSP1`,
    `/environments/${env.id}/ca`,
    `/environments/${env.id}/onboarding`,
    `/environments/${env.id}/audit`,
  ];

  const seen = new Map<string, string[][]>(paths.map((path) => [path, []]));
  for (let round = 0; round < 4; round++) {
    // Every page eight times at once.
    const requests = paths.flatMap((path) => Array.from({ length: 8 }, () => path));
    const pages = await Promise.all(
      requests.map(async (path) => {
        const response = await request.get(path);
        expect(response.status(), path).toBe(200);
        return [path, wasmPreloads(await response.text())] as const;
      }),
    );
    for (const [path, preloads] of pages) seen.get(path)!.push(preloads);
  }

  const chunks = new Set<string>();
  for (const [path, lists] of seen) {
    const first = lists[0];
    // Beside the bundle every page loads (connection-manager.wasm).
    const groupChunks = first.filter((chunk) => !chunk.endsWith("/connection-manager.wasm"));
    expect(groupChunks.length, `${path} lists its group's chunks`).toBeGreaterThan(0);
    expect(new Set(first).size, `${path} lists each chunk once`).toBe(first.length);
    for (const list of lists) expect([...list].sort(), `${path}, every request`).toEqual([...first].sort());
    first.forEach((chunk) => chunks.add(chunk));
  }
  for (const chunk of chunks) {
    expect((await request.get(chunk)).status(), chunk).toBe(200);
  }
});
