// Test certificates for the scenario lab, made with the `openssl` CLI into tests/artifacts/certs/
// (git-ignored) and made again when a file is missing or expires within a day.
//
//   ca        a local CA ("wsguard test CA"); its key is NOT in Chromium's SPKI list.
//   trusted   a leaf for localhost / 127.0.0.1 signed by the CA. Chromium trusts it because its
//             SPKI hash is passed with --ignore-certificate-errors-spki-list (`spkiHash`).
//   untrusted a self-signed leaf for localhost / 127.0.0.1 with a key of its own: not trusted.
//   wronghost a leaf for "other-host.example" signed by the CA with a key of its own.
//   expired   a leaf for localhost / 127.0.0.1 signed by the CA, valid from 60 to 30 days ago
//             (made with `openssl ca`, which alone takes explicit dates in OpenSSL 3.0).
//
// What Chromium makes of `wronghost` depends on how the CA is trusted:
//   - SPKI list only: the CA is unknown, so it fails like `untrusted` (ERR_CERT_AUTHORITY_INVALID).
//     (Putting the wrong-host key in the SPKI list would not help: the flag skips host checks.)
//   - with `nssHome` (made when Debian's `certutil`, package libnss3-tools, is installed): the CA
//     is a trusted root in $HOME/.pki/nssdb, so launching Chromium with HOME=nssHome makes it
//     fail with a true ERR_CERT_COMMON_NAME_INVALID.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const CERT_DIR = process.env.WSGUARD_CERT_DIR ?? join(ROOT, "tests/artifacts/certs");

const DAYS = "30"; // Chromium refuses leaves valid for more than 398 days; keep them short.
const FILES = [
  "ca.pem",
  "ca.key",
  "trusted.pem",
  "trusted.key",
  "untrusted.pem",
  "untrusted.key",
  "wronghost.pem",
  "wronghost.key",
  "expired.pem",
  "expired.key",
  "spki.txt",
];

function openssl(args, options = {}) {
  return execFileSync("openssl", args, { stdio: ["pipe", "pipe", "pipe"], ...options });
}

function hasCommand(name) {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** base64(SHA-256(SubjectPublicKeyInfo DER)) of a PEM certificate: what the SPKI flag takes. */
export function spkiHashOf(certPem) {
  const pub = openssl(["x509", "-pubkey", "-noout"], { input: certPem });
  const der = openssl(["pkey", "-pubin", "-outform", "der"], { input: pub });
  return openssl(["dgst", "-sha256", "-binary"], { input: der }).toString("base64");
}

function newKey(path) {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]);
}

function leafExtensions(dir, name, sans) {
  const path = join(dir, `${name}.ext`);
  writeFileSync(
    path,
    [
      "basicConstraints = critical, CA:FALSE",
      "keyUsage = critical, digitalSignature, keyEncipherment",
      "extendedKeyUsage = serverAuth",
      `subjectAltName = ${sans}`,
    ].join("\n") + "\n",
  );
  return path;
}

function signedLeaf(dir, name, cn, sans) {
  const key = join(dir, `${name}.key`);
  newKey(key);
  const csr = join(dir, `${name}.csr`);
  openssl(["req", "-new", "-key", key, "-subj", `/CN=${cn}`, "-out", csr]);
  openssl([
    "x509", "-req", "-in", csr, "-CA", join(dir, "ca.pem"), "-CAkey", join(dir, "ca.key"),
    "-CAcreateserial", "-days", DAYS, "-sha256", "-extfile", leafExtensions(dir, name, sans),
    "-out", join(dir, `${name}.pem`),
  ]);
}

/** `date` as openssl's YYYYMMDDHHMMSSZ. */
function asn1Time(date) {
  return date.toISOString().replace(/[-:T]/g, "").replace(/\.\d+Z$/, "Z");
}

/** A leaf signed by the CA whose validity ended `daysAgo` days ago. */
function expiredLeaf(dir, name, sans, daysAgo = 30) {
  const key = join(dir, `${name}.key`);
  newKey(key);
  const csr = join(dir, `${name}.csr`);
  openssl(["req", "-new", "-key", key, "-subj", "/CN=localhost", "-out", csr]);
  const db = join(dir, `${name}-ca`);
  mkdirSync(db, { recursive: true });
  writeFileSync(join(db, "index.txt"), "");
  writeFileSync(join(db, "serial"), "1000\n");
  const config = join(db, "ca.cnf");
  writeFileSync(
    config,
    ["[ca]", "default_ca = test", "[test]", `database = ${join(db, "index.txt")}`, `new_certs_dir = ${db}`,
      `serial = ${join(db, "serial")}`, "default_md = sha256", "policy = any", "unique_subject = no",
      "[any]", "commonName = supplied"].join("\n") + "\n",
  );
  const day = 86_400_000;
  openssl([
    "ca", "-batch", "-config", config, "-cert", join(dir, "ca.pem"), "-keyfile", join(dir, "ca.key"),
    "-in", csr, "-out", join(dir, `${name}.pem`), "-notext",
    "-startdate", asn1Time(new Date(Date.now() - 2 * daysAgo * day)),
    "-enddate", asn1Time(new Date(Date.now() - daysAgo * day)),
    "-extfile", leafExtensions(dir, name, sans),
  ]);
}

function generate(dir) {
  // The CA.
  newKey(join(dir, "ca.key"));
  openssl([
    "req", "-x509", "-new", "-key", join(dir, "ca.key"), "-subj", "/CN=wsguard test CA",
    "-days", DAYS, "-sha256",
    "-addext", "basicConstraints=critical,CA:TRUE",
    "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    "-out", join(dir, "ca.pem"),
  ]);
  signedLeaf(dir, "trusted", "localhost", "DNS:localhost, IP:127.0.0.1");
  signedLeaf(dir, "wronghost", "other-host.example", "DNS:other-host.example");
  expiredLeaf(dir, "expired", "DNS:localhost, IP:127.0.0.1");
  // Self-signed, its own key, never trusted.
  newKey(join(dir, "untrusted.key"));
  openssl([
    "req", "-x509", "-new", "-key", join(dir, "untrusted.key"), "-subj", "/CN=localhost",
    "-days", DAYS, "-sha256",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-addext", "extendedKeyUsage=serverAuth",
    "-out", join(dir, "untrusted.pem"),
  ]);
  writeFileSync(join(dir, "spki.txt"), spkiHashOf(readFileSync(join(dir, "trusted.pem"))) + "\n");
  // Optional: an NSS database trusting the CA, for a true ERR_CERT_COMMON_NAME_INVALID.
  if (hasCommand("certutil")) {
    const db = join(dir, "home/.pki/nssdb");
    mkdirSync(db, { recursive: true });
    execFileSync("certutil", ["-N", "-d", `sql:${db}`, "--empty-password"], { stdio: "pipe" });
    execFileSync(
      "certutil",
      ["-A", "-d", `sql:${db}`, "-n", "wsguard test CA", "-t", "C,,", "-i", join(dir, "ca.pem")],
      { stdio: "pipe" },
    );
  }
}

function fresh(dir) {
  if (!FILES.every((f) => existsSync(join(dir, f)))) return false;
  for (const f of ["ca.pem", "trusted.pem", "untrusted.pem", "wronghost.pem"]) {
    try {
      openssl(["x509", "-checkend", "86400", "-noout", "-in", join(dir, f)]);
    } catch {
      return false;
    }
  }
  // certutil installed since the last run: make the NSS database too.
  if (hasCommand("certutil") && !existsSync(join(dir, "home/.pki/nssdb"))) return false;
  return true;
}

/**
 * Returns the certificates (PEM strings), `spkiHash` (for --ignore-certificate-errors-spki-list)
 * and `nssHome` (a HOME whose NSS database trusts the CA, or null without certutil), generating
 * them first if needed.
 */
export function ensureCerts(dir = CERT_DIR) {
  if (!fresh(dir)) {
    // Generate next to the target and rename, so that a half-written set is never used.
    mkdirSync(dirname(dir), { recursive: true });
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    try {
      generate(tmp);
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      throw new Error(`could not generate test certificates with openssl: ${error.stderr ?? error}`);
    }
  }
  const read = (name) => readFileSync(join(dir, name), "utf8");
  const pair = (name) => ({ cert: read(`${name}.pem`), key: read(`${name}.key`) });
  const nssHome = existsSync(join(dir, "home/.pki/nssdb")) ? join(dir, "home") : null;
  return {
    dir,
    ca: read("ca.pem"),
    trusted: pair("trusted"),
    untrusted: pair("untrusted"),
    wronghost: pair("wronghost"),
    expired: pair("expired"),
    spkiHash: read("spki.txt").trim(),
    nssHome,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const certs = ensureCerts();
  console.log(JSON.stringify({ dir: certs.dir, spkiHash: certs.spkiHash, nssHome: certs.nssHome }));
}
