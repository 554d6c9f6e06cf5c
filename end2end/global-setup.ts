// Waits until the server answers, so that tests never race its start-up.
export default async function globalSetup() {
  const base = process.env.BASE_URL ?? "http://127.0.0.1:3001";
  const deadline = Date.now() + 120_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${base}/api/health`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`The server at ${base} did not become healthy within 120 s (${last})`);
}
