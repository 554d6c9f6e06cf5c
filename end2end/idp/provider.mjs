// The test harness's OpenID Connect provider: panva's oidc-provider on loopback, with a sign-in
// page that checks passwords, pre-provisioned users (a Hub operator, two DFSP operators, a user
// without a role) and clients (the Connection Manager's, and one the tests use to get API tokens
// as automation would).
//
//   node provider.mjs [--port N] [--redirect-uri URL]...
//
// Prints one line `ready <issuer>` on stdout once it serves. Access tokens are JWTs (RS256) for
// the audience `connection-manager` with the user's `groups`; ID tokens carry `groups` too.
import http from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { parseArgs } from "node:util";
import Provider from "oidc-provider";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "redirect-uri": { type: "string", multiple: true, default: [] },
    "post-logout-redirect-uri": { type: "string", multiple: true, default: [] },
  },
});

export const CLIENT_ID = "connection-manager";
export const CLIENT_SECRET = "connection-manager-test-secret";
/// A second client, as a script automating the API would register, with its own redirect URI
/// that nobody serves: the tests read the code from the redirect.
export const AUTOMATION_CLIENT_ID = "automation";
const API_RESOURCE = "urn:connection-manager:api";
export const AUTOMATION_REDIRECT_URI = "http://127.0.0.1:9/callback";

const USERS = {
  hub: { password: "hub-password", name: "Hana Hub", groups: ["Application/PTA", "Internal/everyone"] },
  dfsp1: {
    password: "dfsp1-password",
    name: "Dora DFSP1",
    groups: ["Application/MTA", "Application/DFSP:DFSP1", "Internal/everyone"],
  },
  dfsp2: {
    password: "dfsp2-password",
    name: "Dirk DFSP2",
    groups: ["Application/MTA", "Application/DFSP:DFSP2", "Internal/everyone"],
  },
  guest: { password: "guest-password", name: "Gus Guest", groups: [] },
};

/// Service accounts (the client credentials grant), as Keycloak gives each DFSP's client (its
/// PM4ML's mcm-client) and automation: client id -> secret and groups.
export const SERVICE_ACCOUNTS = {
  "dfsp-DFSP1": { secret: "dfsp-DFSP1-secret", groups: ["/Application/DFSP:DFSP1"] },
  "dfsp-DFSP2": { secret: "dfsp-DFSP2-secret", groups: ["/Application/DFSP:DFSP2"] },
  "hub-automation": { secret: "hub-automation-secret", groups: ["Application/PTA"] },
};

const server = http.createServer();
await new Promise((resolve) => server.listen(Number(args.port), "127.0.0.1", resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      redirect_uris: args["redirect-uri"],
      post_logout_redirect_uris: args["post-logout-redirect-uri"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
    ...Object.entries(SERVICE_ACCOUNTS).map(([id, account]) => ({
      client_id: id,
      client_secret: account.secret,
      redirect_uris: [],
      grant_types: ["client_credentials"],
      response_types: [],
    })),
    {
      client_id: AUTOMATION_CLIENT_ID,
      client_secret: "automation-secret",
      redirect_uris: [AUTOMATION_REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: "test-rsa", use: "sig", alg: "RS256" }] },
  async findAccount(_ctx, id) {
    const user = USERS[id];
    if (!user) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: user.name, preferred_username: id, groups: user.groups };
      },
    };
  },
  claims: { openid: ["sub"], profile: ["name", "preferred_username"], groups: ["groups"] },
  scopes: ["openid", "profile", "groups"],
  // The groups in the ID token itself, as WSO2 and Keycloak put them, not only at userinfo.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      async logoutSource(ctx, form) {
        ctx.type = "html";
        ctx.body = `<!doctype html><html lang="en"><head><title>Sign out - test identity provider</title></head><body>
<main><h1>Sign out of the test identity provider?</h1>${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm">No, stay signed in</button></main></body></html>`;
      },
    },
    resourceIndicators: {
      enabled: true,
      // A resource indicator is a URI; the tokens' audience is the client id all the same.
      defaultResource: () => API_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: "api",
        audience: CLIENT_ID,
        accessTokenFormat: "jwt",
        jwt: { sign: { alg: "RS256" } },
      }),
    },
  },
  async extraTokenClaims(_ctx, token) {
    if (token.kind === "AccessToken") return { groups: USERS[token.accountId]?.groups ?? [] };
    // A service account's token names it, as Keycloak's do.
    if (token.kind === "ClientCredentials") {
      return { sub: token.clientId, groups: SERVICE_ACCOUNTS[token.clientId]?.groups ?? [] };
    }
    return undefined;
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  // First-party clients: what they ask for is granted without a consent page.
  async loadExistingGrant(ctx) {
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const existing = await ctx.oidc.provider.Grant.find(grantId);
      if (existing) return existing;
    }
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope("openid profile groups");
    grant.addOIDCClaims(["groups", "name", "preferred_username"]);
    grant.addResourceScope(API_RESOURCE, "api");
    await grant.save();
    return grant;
  },
  cookies: { keys: ["test-harness-cookie-key"] },
  renderError(ctx, out) {
    ctx.type = "html";
    ctx.body = `<!doctype html><title>Error</title><h1>${escape(out.error)}</h1><p>${escape(out.error_description ?? "")}</p>`;
  },
});

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function loginPage(uid, error) {
  return `<!doctype html><html lang="en"><head><title>Sign in - test identity provider</title></head><body>
<main><h1>Test identity provider</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

async function readForm(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const callback = provider.callback();
server.on("request", async (req, res) => {
  const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(new URL(req.url, issuer).pathname);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== match[1]) throw new Error("interaction mismatch");
    if (details.prompt.name !== "login") {
      // Consent is granted by loadExistingGrant; finish with what it made.
      return await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true });
    }
    if (req.method === "GET") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(loginPage(details.uid));
    }
    const form = await readForm(req);
    const username = form.get("username") ?? "";
    const user = USERS[username];
    if (!user || user.password !== form.get("password")) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(loginPage(details.uid, "Invalid username or password"));
    }
    await provider.interactionFinished(req, res, { login: { accountId: username } }, {
      mergeWithLastSubmission: false,
    });
  } catch (error) {
    res.writeHead(400, { "content-type": "text/plain; charset=utf-8" });
    res.end(`interaction failed: ${error.message}`);
  }
});

process.stdout.write(`ready ${issuer}\n`);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
