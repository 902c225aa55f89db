// The npm package as users get it: scripts/pack.sh packs pkg/ into dist/wsguard-<version>.tgz,
// npm installs that tarball into each app under tests/fixtures/, and each app runs in headless
// Chromium against the lab's /echo endpoint, with no init() call anywhere:
//
//   vite/     `vite build`, no config file (Vite 8's default target has top-level await, and
//             `new URL("./wsguard_bg.wasm", import.meta.url)` becomes an asset)
//   webpack/  `webpack --mode production`, no config file (webpack >= 5.83 has topLevelAwait on
//             by default, and treats the same `new URL(…)` as an asset/resource)
//   plain/    no bundler: an import map pointing "wsguard" at node_modules/wsguard/index.js
//
// Vite, webpack and webpack-cli are the root package's devDependencies (found in the root
// node_modules); each fixture's own package.json names only wsguard. A screenshot per app goes
// to tests/artifacts/screenshots/.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { startLab } from "../servers/lab.mjs";
import { launchChromium } from "./support/browser.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const fixtures = join(root, "tests/fixtures");
const bin = (name) => join(root, "node_modules/.bin", name);
const screenshots = join(root, "tests/artifacts/screenshots");

/** Runs a command; resolves with its output, rejects with it on a non-zero exit or timeout. */
function run(command, args, { cwd = root, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
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

/** A static file server for `dir` on 127.0.0.1; `/` is index.html. */
async function serveStatic(dir) {
  const server = http.createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = normalize(join(dir, path.endsWith("/") ? `${path}index.html` : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Waits for pkg/ to hold a complete build: another run may be rebuilding it (rm -rf pkg first). */
async function waitForPackage(timeoutMs = 120_000) {
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

const APPS = {
  // Vite writes dist/index.html with absolute /assets/… URLs: serve dist/ at the root.
  vite: { served: "vite/dist", build: (cwd) => run(bin("vite"), ["build", "--logLevel", "warn"], { cwd }) },
  // webpack's default output is dist/main.js, loaded by the fixture's own index.html.
  webpack: { served: "webpack", build: (cwd) => run(bin("webpack"), ["--mode", "production"], { cwd }) },
  // No build: the fixture directory with node_modules/wsguard as npm installed it.
  plain: { served: "plain", build: async () => "" },
};

let tarball;
let lab;
let browser;
const servers = {};

before(async () => {
  await waitForPackage();
  const packed = await run("bash", ["scripts/pack.sh"]);
  const match = packed.match(/^pack: (\S+\.tgz) (\d+) B/m);
  assert.ok(match, `scripts/pack.sh printed no tarball: ${packed}`);
  tarball = match[1];
  console.log(packed.trim());

  // A fresh install each run: npm would keep an earlier tarball of the same name and version.
  await Promise.all(
    Object.keys(APPS).map((name) => {
      const dir = join(fixtures, name);
      rmSync(join(dir, "node_modules"), { recursive: true, force: true });
      rmSync(join(dir, "dist"), { recursive: true, force: true });
      return run("npm", ["install", "--no-save", "--no-audit", "--no-fund", "--offline", "--loglevel", "error", tarball], {
        cwd: dir,
      });
    }),
  );
  await Promise.all(Object.entries(APPS).map(([name, app]) => app.build(join(fixtures, name))));

  lab = await startLab();
  for (const [name, app] of Object.entries(APPS)) servers[name] = await serveStatic(join(fixtures, app.served));
  browser = await launchChromium();
  mkdirSync(screenshots, { recursive: true });
});

after(async () => {
  await browser?.close();
  for (const server of Object.values(servers)) await server.stop();
  await lab?.stop();
});

describe("the packed tarball", () => {
  test("holds the entry, the raw module, the wasm and the types; prints its gzip size", () => {
    const dir = join(fixtures, "plain/node_modules/wsguard");
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const file of manifest.files) assert.ok(existsSync(join(dir, file)), `${file} is not in the tarball`);
    assert.equal(manifest.exports["."].default, "./index.js");
    assert.equal(manifest.exports["."].types, "./index.d.ts");
    assert.equal(manifest.exports["./raw"].default, "./raw.js");

    const gz = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
    const sizes = { "wsguard_bg.wasm": gz("wsguard_bg.wasm"), "index.js": gz("index.js"), "raw.js": gz("raw.js") };
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(
      `size: tarball ${statSync(tarball).size} B; gzip -9 ` +
        Object.entries(sizes).map(([file, bytes]) => `${file} ${bytes} B`).join(" + ") +
        ` = ${total} B`,
    );
  });

  test("its exports map resolves in Node for every public subpath", async () => {
    const cwd = join(fixtures, "plain");
    const script = `for (const s of ["wsguard", "wsguard/raw", "wsguard/wsguard_bg.wasm", "wsguard/package.json"])
      console.log(s, import.meta.resolve(s));`;
    const output = await run(process.execPath, ["--input-type=module", "-e", script], { cwd });
    const wsguard = `file://${cwd}/node_modules/wsguard`;
    assert.match(output, new RegExp(`^wsguard ${wsguard}/index\\.js$`, "m"));
    assert.match(output, new RegExp(`^wsguard/raw ${wsguard}/raw\\.js$`, "m"));
    assert.match(output, new RegExp(`^wsguard/wsguard_bg.wasm ${wsguard}/wsguard_bg\\.wasm$`, "m"));
    assert.match(output, new RegExp(`^wsguard/package.json ${wsguard}/package\\.json$`, "m"));
  });
});

describe("an app installing the tarball", () => {
  for (const name of Object.keys(APPS)) {
    test(`${name}: echoes "hello" with no init() call; a freed client throws a clear error`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors = [];
      const wasm = [];
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error" || message.type() === "warning") errors.push(`console: ${message.text()}`);
      });
      page.on("response", (response) => {
        if (response.url().endsWith(".wasm")) wasm.push(`${response.status()} ${response.headers()["content-type"]}`);
      });
      try {
        await page.goto(`${servers[name].origin}/?ws=ws://127.0.0.1:${lab.port}/echo`);
        await page.waitForFunction(() => document.getElementById("freed")?.textContent, null, { timeout: 15_000 }).catch(() => {});
        const text = (id) => page.locator(`#${id}`).textContent();
        await page.screenshot({ path: join(screenshots, `fixture-${name}.png`) });
        assert.deepEqual(errors, []);
        assert.equal(await text("echo"), "hello");
        assert.equal(await text("freed"), "wsguard: this WsGuard was freed (free() or Symbol.dispose); create a new one");
        assert.equal(await text("diagnosis"), "normal");
        assert.deepEqual(wasm, ["200 application/wasm"], "the wasm is fetched once, as application/wasm");
      } finally {
        await context.close();
      }
    });
  }

  test("plain: init() from the entry is a no-op, ready is settled, and wsguard/raw is the same module", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      await page.goto(`${servers.plain.origin}/?ws=ws://127.0.0.1:${lab.port}/echo`);
      const result = await page.evaluate(async () => {
        const main = await import("wsguard");
        const raw = await import("./node_modules/wsguard/raw.js");
        const exports = await main.ready;
        const again = await main.default();
        const guard = new main.WsGuard("/nowhere", { maxRetries: 0 });
        guard.close();
        guard.free();
        guard.free(); // a second free() does nothing
        let getterError = null;
        try {
          guard.state;
        } catch (error) {
          getterError = error.message;
        }
        return {
          sameClass: main.WsGuard === raw.WsGuard,
          sameInit: main.default === raw.default,
          sameExports: exports === again,
          names: Object.keys(main).sort(),
          getterError,
          url: main.resolveUrl("/ws", {}),
        };
      });
      assert.ok(result.sameClass && result.sameInit && result.sameExports, JSON.stringify(result));
      assert.deepEqual(result.names, ["WsGuard", "classifyClose", "debugCounts", "default", "initSync", "ready", "resolveUrl"]);
      assert.match(result.getterError, /^wsguard: this WsGuard was freed/);
      assert.equal(result.url, `ws://127.0.0.1:${new URL(servers.plain.origin).port}/ws`);
    } finally {
      await context.close();
    }
  });
});
