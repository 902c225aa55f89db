// Helpers for the tests that install the packed npm package into apps under tests/fixtures/ and
// run them (fixtures.test.mjs, frameworks.test.mjs; the Rust example's tests/example/ serves with it
// too): running a command, packing the tarball,
// installing it into a fixture, and serving a directory over HTTP on 127.0.0.1.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createReadStream, existsSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../../..", import.meta.url));
export const fixtures = join(root, "tests/fixtures");
/** A tool of the root package's node_modules/.bin. */
export const bin = (name) => join(root, "node_modules/.bin", name);

/** Runs a command; resolves with its output, rejects with it on a non-zero exit or timeout. */
export function run(command, args, { cwd = root, timeoutMs = 120_000, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} (in ${cwd}) failed: ${code ?? signal}\n${output}`));
    });
  });
}

const MIME = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".css": "text/css",
};

/**
 * A static file server for `dir` on 127.0.0.1 (`/` is index.html). `onUpgrade(req, socket, head)`,
 * if given, takes the WebSocket upgrades of the same server; `onRequest(req, res)`, if given,
 * answers the requests it returns true for, before any file is looked for.
 */
export async function serveStatic(dir, { onUpgrade, onRequest } = {}) {
  const server = http.createServer((req, res) => {
    if (onRequest?.(req, res)) return;
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  if (onUpgrade) server.on("upgrade", onUpgrade);
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: server.address().port,
    origin: `http://127.0.0.1:${server.address().port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits for pkg/ to hold a complete build: another run may be rebuilding it (rm -rf pkg first). */
export async function waitForPackage(timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  // merge-template.mjs writes index.js last-but-one and package.json last: both there = complete.
  const complete = () =>
    ["index.js", "raw.js", "wsguard_bg.wasm", "package.json"].every((f) => existsSync(join(root, "pkg", f))) &&
    JSON.parse(readFileSync(join(root, "pkg/package.json"), "utf8")).exports?.["."]?.default === "./index.js";
  while (!complete()) {
    assert.ok(Date.now() < deadline, "pkg/ holds no complete build with index.js; run bash scripts/build.sh");
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Packs pkg/ with scripts/pack.sh; returns the tarball's path and the line pack.sh printed. */
export async function packTarball() {
  await waitForPackage();
  const packed = await run("bash", ["scripts/pack.sh"]);
  const match = packed.match(/^pack: (\S+\.tgz) (\d+) B/m);
  assert.ok(match, `scripts/pack.sh printed no tarball: ${packed}`);
  return { tarball: match[1], line: packed.trim() };
}

/**
 * Installs `tarball` into the fixture `dir` from npm's cache (no network), afresh: npm would keep
 * an earlier tarball of the same name and version. Removes the fixture's dist/. With
 * `keepDependencies`, the fixture's other node_modules (installed by scripts/setup.sh) stay.
 */
export function installTarball(dir, tarball, { keepDependencies = false } = {}) {
  rmSync(join(dir, keepDependencies ? "node_modules/wsguard" : "node_modules"), { recursive: true, force: true });
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  return run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--offline", "--loglevel", "error", tarball], {
    cwd: dir,
  });
}
