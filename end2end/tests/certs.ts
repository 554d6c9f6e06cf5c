import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The extensions RFC 5280 asks of a CA. */
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[v3_ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
`;

/**
 * A CA chain made by the test itself with the openssl command: a self-signed root and an
 * intermediate it signed, both PEM, valid from now on.
 */
export function makeCaChain(name: string): { root: string; intermediate: string } {
  const dir = mkdtempSync(join(tmpdir(), "e2e-ca-"));
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  try {
    writeFileSync(at("ca.cnf"), CONFIG);
    const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    openssl("req", "-x509", "-config", at("ca.cnf"), "-extensions", "v3_ca", ...key, "-keyout", at("root.key"),
      "-out", at("root.pem"), "-days", "3650", "-subj", `/CN=${name} Root/O=Test Bank`);
    openssl("req", "-new", "-config", at("ca.cnf"), ...key, "-keyout", at("int.key"), "-out", at("int.csr"),
      "-subj", `/CN=${name} Issuing/O=Test Bank`);
    openssl("x509", "-req", "-in", at("int.csr"), "-CA", at("root.pem"), "-CAkey", at("root.key"), "-set_serial",
      "0x" + Date.now().toString(16), "-days", "1825", "-out", at("int.pem"), "-extfile", at("ca.cnf"), "-extensions", "v3_ca");
    return { root: readFileSync(at("root.pem"), "utf8"), intermediate: readFileSync(at("int.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A CSR made by the test with the openssl command: an RSA key of `bits`, the whole DN. */
export function makeCsr(cn: string, bits = 4096): string {
  const dir = mkdtempSync(join(tmpdir(), "e2e-csr-"));
  try {
    execFileSync("openssl", ["req", "-new", "-newkey", `rsa:${bits}`, "-nodes", "-keyout", join(dir, "key.pem"),
      "-out", join(dir, "csr.pem"), "-sha256", "-subj",
      `/CN=${cn}/OU=Payments/O=Bank One/L=Kampala/ST=Central/C=UG/emailAddress=pki@bank.example`,
      "-addext", `subjectAltName=DNS:${cn}`], { stdio: "pipe" });
    return readFileSync(join(dir, "csr.pem"), "utf8");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `certificate` verifies against `root` alone, by the openssl command. */
export function verifiesAgainst(certificate: string, root: string): string {
  const dir = mkdtempSync(join(tmpdir(), "e2e-verify-"));
  try {
    writeFileSync(join(dir, "cert.pem"), certificate);
    writeFileSync(join(dir, "root.pem"), root);
    return execFileSync("openssl", ["verify", "-no-CApath", "-no-CAstore", "-CAfile", join(dir, "root.pem"), join(dir, "cert.pem")],
      { stdio: "pipe" }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A CA chain as makeCaChain makes it, whose intermediate signs CSRs for the test (as a DFSP's
 * CA would): `sign` answers the certificate, PEM.
 */
export function makeSigningCaChain(name: string): {
  root: string;
  intermediate: string;
  sign: (csr: string, extensions?: string, days?: number) => string;
} {
  const dir = mkdtempSync(join(tmpdir(), "e2e-signing-ca-"));
  const at = (file: string) => join(dir, file);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  writeFileSync(at("ca.cnf"), CONFIG);
  const key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  openssl("req", "-x509", "-config", at("ca.cnf"), "-extensions", "v3_ca", ...key, "-keyout", at("root.key"),
    "-out", at("root.pem"), "-days", "3650", "-subj", `/CN=${name} Root/O=Test Bank`);
  openssl("req", "-new", "-config", at("ca.cnf"), ...key, "-keyout", at("int.key"), "-out", at("int.csr"),
    "-subj", `/CN=${name} Issuing/O=Test Bank`);
  openssl("x509", "-req", "-in", at("int.csr"), "-CA", at("root.pem"), "-CAkey", at("root.key"), "-set_serial",
    "0x" + Date.now().toString(16), "-days", "1825", "-out", at("int.pem"), "-extfile", at("ca.cnf"), "-extensions", "v3_ca");
  let serial = Date.now();
  return {
    root: readFileSync(at("root.pem"), "utf8"),
    intermediate: readFileSync(at("int.pem"), "utf8"),
    // `extensions`: lines of an openssl extensions section for the certificate (none by default);
    // `days`: how long it is valid from now (365 by default).
    sign: (csr: string, extensions?: string, days = 365) => {
      writeFileSync(at("leaf.csr"), csr);
      serial += 1;
      const extra = extensions ? ["-extfile", at("leaf.ext")] : [];
      if (extensions) writeFileSync(at("leaf.ext"), extensions);
      openssl("x509", "-req", "-in", at("leaf.csr"), "-CA", at("int.pem"), "-CAkey", at("int.key"), "-set_serial",
        "0x" + serial.toString(16), "-days", String(days), "-out", at("leaf.pem"), ...extra);
      return readFileSync(at("leaf.pem"), "utf8");
    },
  };
}

/**
 * A TLS chain made by the test with the openssl command: a root, an intermediate it signed, and
 * a certificate for `host` signed by the intermediate, with `usage` (serverAuth by default) in
 * its extended key usage and a key made by `keyArgs` (EC P-384 by default, which passes the
 * 4096-bit strength check), valid for `days` (365 by default), all PEM.
 */
export function makeTlsChain(
  name: string,
  host: string,
  options: { usage?: string; keyArgs?: string[]; days?: number } = {},
): { root: string; intermediate: string; certificate: string } {
  const ca = makeSigningCaChain(name);
  const dir = mkdtempSync(join(tmpdir(), "e2e-tls-"));
  const at = (file: string) => join(dir, file);
  try {
    const keyArgs = options.keyArgs ?? ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384"];
    execFileSync("openssl", ["req", "-new", ...keyArgs, "-nodes", "-keyout", at("key.pem"), "-out", at("csr.pem"),
      "-subj", `/CN=${host}/O=${name}`], { stdio: "pipe" });
    const csr = readFileSync(at("csr.pem"), "utf8");
    const certificate = ca.sign(csr, `extendedKeyUsage=${options.usage ?? "serverAuth"}\nsubjectAltName=DNS:${host}\n`, options.days);
    return { root: ca.root, intermediate: ca.intermediate, certificate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
