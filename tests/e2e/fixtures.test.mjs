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
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { gzipSync } from "node:zlib";
import { startLab } from "../servers/lab.mjs";
import { launchChromium } from "./support/browser.mjs";
import { bin, fixtures, installTarball, packTarball, root, run, serveStatic } from "./support/fixture-apps.mjs";

const screenshots = join(root, "tests/artifacts/screenshots");

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
  const packed = await packTarball();
  tarball = packed.tarball;
  console.log(packed.line);

  await Promise.all(Object.keys(APPS).map((name) => installTarball(join(fixtures, name), tarball)));
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
    assert.equal(manifest.exports["./react"].default, "./react.js");
    assert.deepEqual(manifest.peerDependenciesMeta, { react: { optional: true } });

    const gz = (file) => gzipSync(readFileSync(join(dir, file)), { level: 9 }).length;
    const sizes = { "wsguard_bg.wasm": gz("wsguard_bg.wasm"), "index.js": gz("index.js"), "raw.js": gz("raw.js") };
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(
      `size: tarball ${statSync(tarball).size} B; gzip -9 ` +
        Object.entries(sizes).map(([file, bytes]) => `${file} ${bytes} B`).join(" + ") +
        ` = ${total} B`,
    );
  });

  test("its exports map resolves every public subpath, the browser and Node entries apart", async () => {
    const cwd = join(fixtures, "plain");
    const script = `for (const s of ["wsguard", "wsguard/raw", "wsguard/react", "wsguard/wsguard_bg.wasm", "wsguard/package.json"])
      console.log(s, import.meta.resolve(s));`;
    const resolved = async (conditions) => {
      const lines = (await run(process.execPath, [...conditions, "--input-type=module", "-e", script], { cwd })).trim();
      return Object.fromEntries(lines.split("\n").map((line) => line.split(" ")));
    };
    const wsguard = `file://${cwd}/node_modules/wsguard`;
    const common = {
      "wsguard/react": `${wsguard}/react.js`,
      "wsguard/wsguard_bg.wasm": `${wsguard}/wsguard_bg.wasm`,
      "wsguard/package.json": `${wsguard}/package.json`,
    };
    // Node (and a server-side render): the entry that loads nothing and explains itself.
    assert.deepEqual(await resolved([]), { wsguard: `${wsguard}/node.js`, "wsguard/raw": `${wsguard}/node.js`, ...common });
    // A bundler for the browser sets "browser", which comes first.
    assert.deepEqual(await resolved(["--conditions=browser"]), {
      wsguard: `${wsguard}/index.js`,
      "wsguard/raw": `${wsguard}/raw.js`,
      ...common,
    });
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
