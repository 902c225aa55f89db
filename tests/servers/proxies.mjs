// The proxy lab: Debian's nginx or HAProxy, started as a child process of the test with a config
// generated for the run (in a temp dir, on free ports of 127.0.0.1), in front of Node backends.
// Never the system service: nginx runs with `-c <file> -p <dir> -g 'daemon off;'`, HAProxy with
// `-f <file> -db`, and each is stopped by its own PID (also when the test process exits).
//
//   import { startProxy } from "../servers/proxies.mjs";
//   const proxy = await startProxy("nginx", "backend-down");   // or a variant object
//   proxy.origin               "https://127.0.0.1:P": the page, /pkg/… and the socket paths
//   proxy.urls.ws              "wss://127.0.0.1:P/ws" (echo); also mute, tick, nope (unrouted),
//                              untrustedWs (the same site behind a self-signed leaf, port U),
//                              plainWs ("ws://127.0.0.1:H/ws": the proxy's plain-HTTP listener)
//   proxy.backend.restart({ code: 1012, downMs: 8000 })   the Node backend's deploy; null if down
//   proxy.log()                nginx's error log / HAProxy's log lines so far
//   await proxy.stop();
//
// Every listener serves the same site: the page ("/", blank), the package ("/pkg/…") and the
// socket paths ("/ws", "/mute", "/tick", matched exactly). nginx serves the files itself; HAProxy
// sends non-socket paths to a small Node static server (static-site.mjs).
//
// Standalone: `node tests/servers/proxies.mjs nginx idle-read` prints "proxy: ready <json>".
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureCerts } from "./certs.mjs";
import { haproxyConfig } from "./haproxy-config.mjs";
import { nginxConfig, nginxLocations } from "./nginx-config.mjs";
import { PKG_DIR, startStaticServer, writeSiteRoot } from "./static-site.mjs";
import { closedPort, startWsBackend } from "./ws-backend.mjs";

export const PROXIES = ["nginx", "haproxy"];
const BINARIES = { nginx: process.env.NGINX ?? "/usr/sbin/nginx", haproxy: process.env.HAPROXY ?? "/usr/sbin/haproxy" };

/** The named setups. `backendDown`: the upstream port has nothing listening. */
export const VARIANTS = {
  nginx: {
    correct: {},
    "no-upgrade-headers": { upgradeHeaders: false },
    "backend-down": { backendDown: true },
    "origin-refused": { originCheck: "https://allowed.example" },
    // The 3 s limits of the idle scenarios: the read timeout alone (send at its 60 s default),
    // then the send timeout alone (read long enough never to fire during a test).
    "idle-read": { readTimeout: "3s" },
    "idle-send": { sendTimeout: "3s", readTimeout: "1h" },
  },
  haproxy: {
    correct: {},
    "backend-down": { backendDown: true },
    // Without a health check HAProxy retries the refused connect for 3 s before its 503.
    "backend-down-no-check": { backendDown: true, healthCheck: false },
    "origin-refused": { originCheck: "https://allowed.example" },
    // Only the page, the package and the sockets routed: another path gets HAProxy's own 503.
    "no-default-backend": { noDefaultBackend: true },
    "idle-tunnel": { tunnelTimeout: "3s" },
    "idle-client-server": { clientServerTimeout: "3s" },
  },
};

/** "nginx/1.22.1" or "HAProxy 2.6.12-…", or null when the binary is missing. */
export function proxyVersion(kind) {
  const binary = BINARIES[kind];
  if (!existsSync(binary)) return null;
  const out = spawnSync(binary, ["-v"], { encoding: "utf8" });
  const text = `${out.stdout}${out.stderr}`;
  if (kind === "nginx") return text.match(/nginx\/\S+/)?.[0] ?? null;
  const version = text.match(/HAProxy version (\S+)/)?.[1];
  return version ? `HAProxy ${version}` : null;
}

/** Free ports on 127.0.0.1, bound together so that they differ, then released. */
async function freePorts(count) {
  const servers = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
      });
      servers.push(server);
    }
    return servers.map((s) => s.address().port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

/** Resolves once `port` accepts a TCP connection, or rejects after `timeoutMs` or when `failed()` says so. */
async function waitForPort(port, { timeoutMs = 10_000, failed }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = failed();
    if (reason) throw new Error(reason);
    const ok = await new Promise((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

// Every proxy process alive, so that one still running when this process exits is stopped, and
// every run directory not yet removed.
const live = new Set();
const runDirs = new Set();
function childrenOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}
function signal(pid, name) {
  try {
    process.kill(pid, name);
  } catch {}
}
process.on("exit", () => {
  // SIGTERM: nginx's master then stops its own workers; the workers are told too in case it can't.
  for (const child of live) {
    const workers = childrenOf(child.pid);
    signal(child.pid, "SIGTERM");
    for (const pid of workers) signal(pid, "SIGTERM");
  }
  for (const dir of runDirs) rmSync(dir, { recursive: true, force: true });
});
for (const name of ["SIGINT", "SIGTERM"]) {
  // Only when nothing else handles it: then exit normally, so that the "exit" hook above runs.
  if (process.listenerCount(name) === 0) process.once(name, () => process.exit(128 + (name === "SIGINT" ? 2 : 15)));
}

/** Starts `binary args`, keeps its output, and returns { child, output(), exited }. */
function spawnProxy(binary, args) {
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk) => (output = (output + chunk).slice(-100_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  live.add(child);
  const exited = new Promise((resolve) => child.once("exit", (code, sig) => resolve({ code, signal: sig })));
  exited.then(() => live.delete(child));
  child.once("error", (error) => keep(`spawn error: ${error.message}\n`));
  return { child, output: () => output, exited };
}

/** Stops `child` by its PID: SIGTERM, then SIGKILL (its workers too) after `graceMs`. */
async function stopProcess({ child, exited }, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const workers = childrenOf(child.pid);
  signal(child.pid, "SIGTERM");
  const timer = new Promise((resolve) => setTimeout(() => resolve("late"), graceMs));
  if ((await Promise.race([exited, timer])) === "late") {
    signal(child.pid, "SIGKILL");
    for (const pid of workers) signal(pid, "SIGKILL");
    await exited;
  }
}

/**
 * Starts `kind` ("nginx" | "haproxy") with `variant` (a name from VARIANTS[kind] or an object of
 * the config fields, see nginx-config.mjs / haproxy-config.mjs).
 */
export async function startProxy(kind, variant = "correct") {
  // The free ports are found by binding and closing them, so another process (a browser's own
  // connection, say) may take one before the proxy binds it: then try again with other ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startProxyOnce(kind, variant);
    } catch (error) {
      if (attempt >= 3 || !/Address already in use/.test(String(error?.message))) throw error;
    }
  }
}

async function startProxyOnce(kind, variant) {
  const binary = BINARIES[kind];
  if (!binary) throw new RangeError(`unknown proxy ${kind}`);
  if (!existsSync(binary)) throw new Error(`${kind} is not installed (${binary}); run scripts/setup.sh`);
  const fields = typeof variant === "string" ? VARIANTS[kind][variant] : variant;
  if (!fields) throw new RangeError(`no ${kind} variant ${variant}`);
  const variantName = typeof variant === "string" ? variant : "custom";

  const certs = ensureCerts();
  const dir = mkdtempSync(join(tmpdir(), `wsguard-${kind}-`));
  runDirs.add(dir);
  const cleanups = [];
  const cleanup = async () => {
    for (const step of cleanups.splice(0).reverse()) await step().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    runDirs.delete(dir);
  };
  try {
    const backend = fields.backendDown ? null : await startWsBackend();
    if (backend) cleanups.push(() => backend.stop());
    const backendPort = backend ? backend.port : await closedPort();
    const [tls, untrusted, plain] = await freePorts(3);
    const ports = { tls, untrusted, plain, backend: backendPort };

    let proc;
    let log;
    if (kind === "nginx") {
      const locationsFile = join(dir, "locations.conf");
      writeFileSync(
        locationsFile,
        nginxLocations({ siteRoot: writeSiteRoot(join(dir, "www")), pkgDir: PKG_DIR, backendPort, ...fields }),
      );
      const file = join(dir, "nginx.conf");
      const certPaths = {
        trustedCert: join(certs.dir, "trusted.pem"),
        trustedKey: join(certs.dir, "trusted.key"),
        untrustedCert: join(certs.dir, "untrusted.pem"),
        untrustedKey: join(certs.dir, "untrusted.key"),
      };
      writeFileSync(file, nginxConfig({ dir, ports, certs: certPaths, locationsFile }));
      proc = spawnProxy(binary, ["-c", file, "-p", dir, "-e", join(dir, "error.log"), "-g", "daemon off;"]);
      log = () => {
        try {
          return readFileSync(join(dir, "error.log"), "utf8") + proc.output();
        } catch {
          return proc.output();
        }
      };
    } else {
      const site = await startStaticServer();
      cleanups.push(() => site.stop());
      ports.static = site.port;
      // HAProxy takes the certificate and its key in one PEM file.
      const trustedPem = join(dir, "trusted.pem");
      const untrustedPem = join(dir, "untrusted.pem");
      writeFileSync(trustedPem, certs.trusted.cert + certs.trusted.key);
      writeFileSync(untrustedPem, certs.untrusted.cert + certs.untrusted.key);
      const file = join(dir, "haproxy.cfg");
      writeFileSync(
        file,
        haproxyConfig({ ports, certs: { trustedPem, untrustedPem }, backendPort, staticPort: site.port, ...fields }),
      );
      proc = spawnProxy(binary, ["-f", file, "-db"]);
      log = proc.output;
    }
    cleanups.push(() => stopProcess(proc));
    const failed = () =>
      proc.child.exitCode !== null || proc.child.signalCode !== null
        ? `${kind} exited (${proc.child.exitCode ?? proc.child.signalCode}) before listening:\n${log()}`
        : null;
    for (const port of [tls, untrusted, plain]) await waitForPort(port, { failed });

    const origin = `https://127.0.0.1:${tls}`;
    return {
      kind,
      variant: variantName,
      fields,
      pid: proc.child.pid,
      dir,
      origin,
      untrustedOrigin: `https://127.0.0.1:${untrusted}`,
      ports,
      urls: {
        page: `${origin}/`,
        ws: `wss://127.0.0.1:${tls}/ws`,
        mute: `wss://127.0.0.1:${tls}/mute`,
        tick: `wss://127.0.0.1:${tls}/tick`,
        nope: `wss://127.0.0.1:${tls}/nope`,
        untrustedWs: `wss://127.0.0.1:${untrusted}/ws`,
        plainWs: `ws://127.0.0.1:${plain}/ws`,
      },
      backend,
      log,
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind = "nginx", variant = "correct"] = process.argv.slice(2);
  const proxy = await startProxy(kind, variant);
  const { stop, backend, log, ...rest } = proxy;
  console.log(`proxy: ready ${JSON.stringify(rest)}`);
  const quit = async () => {
    await stop();
    process.exit(0);
  };
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.on("SIGINT", quit);
  process.on("SIGTERM", quit);
}
