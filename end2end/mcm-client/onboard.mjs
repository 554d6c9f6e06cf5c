// Drives the real DFSP-side client of MCM v3, @mojaloop/mcm-client (as every Payment Manager
// runs it), unchanged, against a running Connection Manager, and checks that it takes one DFSP
// from nothing to fully onboarded through the v3 API:
//
//   node end2end/mcm-client/onboard.mjs --api http://127.0.0.1:3001/api [--dfsp DFSP1]
//        [--token-url URL --client-id ID --client-secret SECRET --hub-token TOKEN]
//
// The Hub operator's steps (the environment and its CA, the DFSP, signing the DFSP's CSR,
// validating the certificate the DFSP returns) are done here through the API, as a Hub operator
// would. The client keeps its keys and its DFSP CA in Vault; it reaches Vault only through an
// object with the Vault class's methods, so the client's own Vault class is used with its PKI
// calls answered by a small in-process CA (node-forge, which the client uses too) and its
// state kept in memory. Its connector (the ControlServer) is a stand-in that records the
// configuration the client pushes.
//
// Prints what it checked and exits 0 when every step passed; 1, with the client's reported
// states and the server's answers, otherwise.
import { createRequire } from "node:module";
import { parseArgs } from "node:util";
import assert from "node:assert/strict";

const require = createRequire(import.meta.url);
const client = require("@mojaloop/mcm-client");
const clientRequire = createRequire(require.resolve("@mojaloop/mcm-client"));
const forge = clientRequire("node-forge");
const { Logger } = clientRequire("@mojaloop/sdk-standard-components");

const { values: args } = parseArgs({
  options: {
    api: { type: "string" },
    dfsp: { type: "string", default: "DFSP1" },
    "token-url": { type: "string" },
    "client-id": { type: "string" },
    "client-secret": { type: "string" },
    "hub-token": { type: "string" },
    "timeout-seconds": { type: "string", default: "120" },
    quiet: { type: "boolean", default: false },
  },
});
assert.ok(args.api, "--api http://host:port/api is required");
const api = args.api.replace(/\/+$/, "");
const dfspId = args.dfsp;
const deadline = Date.now() + Number(args["timeout-seconds"]) * 1000;
const checks = [];
const check = (name) => {
  checks.push(name);
  console.log(`ok ${checks.length} - ${name}`);
};

// ---- The Hub operator, through the API -------------------------------------------------------

async function hub(method, path, body) {
  const headers = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (args["hub-token"]) headers.authorization = `Bearer ${args["hub-token"]}`;
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: response.status, body: json };
}

async function hubOk(method, path, body) {
  const answer = await hub(method, path, body);
  if (answer.status < 200 || answer.status > 299) {
    throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer.body;
}

// The v3 API acts in one environment: make it if the server has none yet, with its CA.
const environments = await hubOk("GET", "/environments");
if (environments.length === 0) {
  await hubOk("POST", "/environments", {
    name: "HUB",
    defaultDN: { CN: "hub.example.com", O: "Example Hub", OU: "Switch" },
  });
}
const hubCa = await hub("GET", "/hub/ca");
if (hubCa.status === 404) {
  await hubOk("POST", "/cas", { csr: { hosts: ["hub.example.com"], key: { algo: "rsa", size: 2048 } } });
}
check("the v3 paths answer for the environment (GET /hub/ca, POST /cas)");
// An interscheme proxy, so that its client also gives the Hub the other scheme's DFSPs' keys
// (UPLOAD_PEER_JWS), the one state a plain DFSP's client leaves pending.
await hubOk("POST", "/dfsps", { dfspId, name: `Bank ${dfspId}`, monetaryZoneId: "EUR", isProxy: true });
const outbound = await hubOk("GET", `/dfsps/${encodeURIComponent(dfspId)}/enrollments/outbound`);
assert.equal(outbound.length, 1, "creating a DFSP on the v3 path makes the Hub's client CSR");
assert.equal(outbound[0].state, "CSR_LOADED");
check("POST /dfsps made the DFSP and the Hub's client CSR (CSR_LOADED)");

// ---- The DFSP's Vault: the client's own Vault class, its PKI answered by a small CA -----------

const logger = new Logger.SdkLogger({ level: args.quiet ? "warn" : "info" });
logger.push = logger.push ?? (() => logger);

function dfspCaKeyAndCert() {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const name = [
    { name: "commonName", value: `${dfspId} CA` },
    { name: "organizationName", value: `Bank ${dfspId}` },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { keys, cert };
}

class VaultStandIn extends client.Vault {
  constructor(opts) {
    super(opts);
    this.ca = dfspCaKeyAndCert();
    this.serial = 1;
    this.state = undefined;
  }
  async connect() {}
  disconnect() {}
  async getStateMachineState() {
    return this.state;
  }
  async setStateMachineState(value) {
    this.state = JSON.parse(JSON.stringify(value));
  }
  async deleteStateMachineState() {
    this.state = undefined;
  }
  async getCA() {
    return forge.pki.certificateToPem(this.ca.cert);
  }
  issue(publicKey, subject, extensions, days) {
    const cert = forge.pki.createCertificate();
    cert.publicKey = publicKey;
    this.serial += 1;
    cert.serialNumber = this.serial.toString(16).padStart(2, "0");
    cert.validity.notBefore = new Date(Date.now() - 60_000);
    cert.validity.notAfter = new Date(Date.now() + days * 24 * 3600 * 1000);
    cert.setSubject(subject);
    cert.setIssuer(this.ca.cert.subject.attributes);
    cert.setExtensions([
      { name: "basicConstraints", cA: false },
      { name: "authorityKeyIdentifier", keyIdentifier: this.ca.cert.generateSubjectKeyIdentifier().getBytes() },
      ...extensions,
    ]);
    cert.sign(this.ca.keys.privateKey, forge.md.sha256.create());
    return forge.pki.certificateToPem(cert);
  }
  // Vault's pki/issue: a TLS server certificate and its key.
  async createDFSPServerCert(csrParameters) {
    const keys = forge.pki.rsa.generateKeyPair(2048);
    const dns = csrParameters?.extensions?.subjectAltName?.dns ?? [];
    const certificate = this.issue(
      keys.publicKey,
      [{ name: "commonName", value: csrParameters.subject.CN }],
      [
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: dns.map((value) => ({ type: 2, value })) },
      ],
      90,
    );
    return {
      intermediateChain: "",
      rootCertificate: forge.pki.certificateToPem(this.ca.cert),
      serverCertificate: certificate,
      privateKey: forge.pki.privateKeyToPem(keys.privateKey),
      expiration: Math.floor(Date.now() / 1000) + 90 * 24 * 3600,
    };
  }
  // Vault's pki/sign: the Hub's client CSR, signed by the DFSP's CA (RSA only, as the
  // client parses it with node-forge).
  async signHubCSR(csrPem) {
    const csr = forge.pki.certificationRequestFromPem(csrPem);
    assert.ok(csr.verify(), "the Hub's CSR is signed with its key");
    const certificate = this.issue(
      csr.publicKey,
      csr.subject.attributes,
      [
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", clientAuth: true },
      ],
      365,
    );
    return { certificate };
  }
}

const vault = new VaultStandIn({ logger, keyLength: 2048 });
// The connector: what the client tells it is kept, to be checked at the end.
const connector = { config: {}, peerJWS: [] };
const ControlServer = {
  changeConfig: async (config) => {
    connector.config = config;
  },
  notifyPeerJWS: async (peerJWS) => {
    connector.peerJWS = peerJWS;
  },
};

// ---- The client itself -----------------------------------------------------------------------

const auth = args["token-url"]
  ? {
      enabled: true,
      tokenRefreshEnabled: false,
      creds: { clientId: args["client-id"], clientSecret: args["client-secret"] },
    }
  : { enabled: false };
const modelOptions = { dfspId, hubEndpoint: api, logger };
const authModel = new client.AuthModel({
  logger,
  auth,
  hubIamProviderUrl: args["token-url"] ?? "http://127.0.0.1:9",
});
// The client's library needs it even with authentication off.
await authModel.login();

const machine = new client.ConnectionStateMachine({
  config: {
    stateMachineInspectEnabled: false,
    callbackURL: `https://${dfspId.toLowerCase()}.example.com/fspiop`,
    whitelistIP: ["192.0.2.10", "198.51.100.0/24"],
    dfspServerCsrParameters: {
      subject: { CN: `${dfspId.toLowerCase()}.example.com` },
      extensions: { subjectAltName: { dns: [`${dfspId.toLowerCase()}.example.com`] } },
    },
  },
  port: 0,
  logger,
  vault,
  refreshIntervalSeconds: 1,
  reportStatesStatusIntervalSeconds: 1,
  dfspCertificateModel: new client.DFSPCertificateModel(modelOptions),
  hubCertificateModel: new client.HubCertificateModel(modelOptions),
  dfspEndpointModel: new client.DFSPEndpointModel(modelOptions),
  ControlServer,
});
await machine.start();
check("the client started and reached the Hub");

// ---- The Hub answers what the client asks of it, until every state is completed --------------

const path = `/dfsps/${encodeURIComponent(dfspId)}`;
// The states mcm-client 4.1.2 completes on its own (it never sends HUB_CLIENT_CERT);
// UPLOAD_PEER_JWS follows when the proxy's other side hands it keys, below.
const expected = [
  "PEER_JWS",
  "DFSP_JWS",
  "DFSP_CA",
  "DFSP_SERVER_CERT",
  "DFSP_CLIENT_CERT",
  "HUB_CA",
  "HUB_CERT",
  "ENDPOINT_CONFIG",
];
let reported = [];
let signed = false;
let validated = false;
try {
  for (;;) {
    if (Date.now() > deadline) {
      throw new Error(`not onboarded in time; the client reported ${JSON.stringify(reported)}`);
    }
    const inbound = await hubOk("GET", `${path}/enrollments/inbound`);
    for (const enrollment of inbound.filter((e) => e.state === "CSR_LOADED")) {
      await hubOk("POST", `${path}/enrollments/inbound/${enrollment.id}/sign`, {});
      signed = true;
    }
    const returned = await hubOk("GET", `${path}/enrollments/outbound`);
    for (const enrollment of returned.filter((e) => e.state === "CERT_SIGNED")) {
      const result = await hubOk("POST", `${path}/enrollments/outbound/${enrollment.id}/validate`, {});
      if (result.state === "VALIDATED") validated = true;
    }
    const all = await hubOk("GET", "/dfsps/states-status");
    reported = all.dfsps.find((d) => d.dfspId === dfspId)?.statesStatus ?? [];
    const completed = reported.filter((s) => s.status === "completed").map((s) => s.state);
    if (signed && validated && expected.every((state) => completed.includes(state))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  check("the Hub signed the client's CSR, and validated the certificate its CA signed for the Hub");
  check(`GET /dfsps/states-status: ${expected.join(", ")} completed`);
  // The client goes on: every second (its refresh interval here) it signs the Hub's CSR anew,
  // returns it, and reports. Nothing it does then may fail.
  await new Promise((resolve) => setTimeout(resolve, 5000));
  const later = await hubOk("GET", "/dfsps/states-status");
  reported = later.dfsps.find((d) => d.dfspId === dfspId)?.statesStatus ?? [];
  const failing = reported.filter((s) => s.status === "inError");
  assert.deepEqual(failing, [], "no state went into error while the client went on");
  const still = reported.filter((s) => s.status === "completed").map((s) => s.state);
  assert.ok(expected.every((state) => still.includes(state)), JSON.stringify(reported));
  check("five cycles later every state is still completed, none in error");

  // The proxy's side in the other scheme hands the client that scheme's DFSPs' keys, as a
  // proxy's Payment Manager does through its control server: the client gives them to the Hub.
  const external = forge.pki.rsa.generateKeyPair(2048);
  machine.sendEvent({
    type: "UPLOAD_PEER_JWS",
    data: [{ dfspId: "OTHER-SCHEME-DFSP", publicKey: forge.pki.publicKeyToPem(external.publicKey), createdAt: 1765000000 }],
  });
  for (;;) {
    if (Date.now() > deadline) throw new Error(`UPLOAD_PEER_JWS not completed: ${JSON.stringify(reported)}`);
    const all = await hubOk("GET", "/dfsps/states-status");
    reported = all.dfsps.find((d) => d.dfspId === dfspId)?.statesStatus ?? [];
    if (reported.some((s) => s.state === "UPLOAD_PEER_JWS" && s.status === "completed")) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const keys = await hubOk("GET", "/dfsps/jwscerts");
  const given = keys.find((k) => k.dfspId === "OTHER-SCHEME-DFSP");
  assert.ok(given?.external, `the other scheme's DFSP's key is listed as external: ${JSON.stringify(given)}`);
  if (args["client-id"]) assert.equal(given.sourceDfspId, dfspId, "given by the proxy that signed in");
  check("the proxy's client gave the other scheme's DFSP's JWS key, listed as external");
  assert.ok(reported.length >= 9 && reported.every((s) => s.status === "completed"), JSON.stringify(reported));
  check(`every state the client reports is completed (${reported.map((s) => s.state).join(", ")})`);

  // What the Hub holds now, as the client put it there.
  const ca = await hubOk("GET", `${path}/ca`);
  const lines = (pem) => pem.replace(/\r\n/g, "\n").trim();
  assert.equal(lines(ca.rootCertificate), lines(await vault.getCA()));
  assert.equal(ca.validationState, "VALID", JSON.stringify(ca.validations));
  check("the DFSP's CA is the one in its Vault, and valid");
  const jws = await hubOk("GET", "/dfsps/jwscerts");
  assert.ok(Array.isArray(jws));
  const own = jws.find((k) => k.dfspId === dfspId);
  assert.ok(own, `GET /dfsps/jwscerts lists ${dfspId}'s key`);
  assert.equal(own.validationState, "VALID", JSON.stringify(own.validations));
  assert.ok(own.publicKey.includes("BEGIN PUBLIC KEY"));
  check("the DFSP's JWS public key is listed, valid, for its peers");
  const ingress = await hubOk("GET", `${path}/endpoints/ingress`);
  assert.equal(ingress.url, `https://${dfspId.toLowerCase()}.example.com/fspiop`);
  const egress = await hubOk("GET", `${path}/endpoints/egress`);
  assert.deepEqual(
    egress.ipList.map((e) => e.address).sort(),
    ["192.0.2.10", "198.51.100.0/24"],
  );
  const items = await hubOk("GET", `${path}/endpoints`);
  assert.equal(items.length, 3, "the documents are the DFSP's endpoint items");
  check("the endpoint documents are the DFSP's endpoint items, awaiting the Hub's confirmation");
  const client = await hubOk("GET", `${path}/enrollments/inbound`);
  assert.ok(client.some((e) => e.state === "CERT_SIGNED"));
  assert.equal(
    lines(connector.config.outbound?.tls?.creds?.cert ?? ""),
    lines(client.find((e) => e.state === "CERT_SIGNED").certificate),
  );
  check("the client installed the certificate the Hub signed in its connector");
  const hubCert = await hubOk("GET", `${path}/enrollments/outbound`);
  assert.equal(hubCert[0].state, "VALIDATED");
  check("the Hub's client certificate, signed by the DFSP's CA, is validated");
  assert.ok(connector.config.outbound?.tls?.creds?.ca?.includes("BEGIN CERTIFICATE"));
  check("the client trusts the Hub's CA in its connector");
  if (args["client-id"]) {
    // With authentication, the client acted as the DFSP's service account, not as the Hub.
    const [environment] = (await hubOk("GET", "/environments")).filter((e) => e.name === "HUB");
    const audit = await hubOk("GET", `/environments/${environment.id}/audit?dfspId=${encodeURIComponent(dfspId)}&limit=200`);
    const byClient = audit.events.filter((e) => e.subject === args["client-id"]).map((e) => e.action);
    for (const action of ["dfsp_ca.upload", "inbound.create", "outbound.certificate_upload", "jws_key.store",
      "endpoint.replace", "onboarding.report", "external_jws_key.store"]) {
      assert.ok(byClient.includes(action), `${action} by ${args["client-id"]}: ${JSON.stringify(byClient)}`);
    }
    check(`the client acted as ${args["client-id"]}, the DFSP's service account (audit log)`);
  }
} catch (error) {
  console.error(`not ok - ${error.message}`);
  console.error(`the client reported: ${JSON.stringify(reported, null, 1)}`);
  machine.stop();
  process.exit(1);
}
machine.stop();
console.log(`${checks.length} passed, 0 failed`);
process.exit(0);
