// The Rust example application (examples/app, built into examples/app/pkg by `wasm-pack build
// --target web`) in Chromium against the lab servers: it opens and shows the state, sends what
// is typed and shows the echo, and shows the diagnosis of a refused handshake.
import assert from "node:assert/strict";
import { createReadStream, existsSync, statSync } from "node:fs";
import http from "node:http";
import { extname, join, normalize, sep } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../e2e/support/browser.mjs";
import { startLab } from "../servers/lab.mjs";

const appDir = fileURLToPath(new URL("../../examples/app/", import.meta.url));
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".wasm": "application/wasm" };

/** Serves examples/app/ (index.html and pkg/) on 127.0.0.1, port 0. */
async function serveApp() {
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, "http://127.0.0.1").pathname;
    const file = normalize(join(appDir, path === "/" ? "index.html" : decodeURIComponent(path)));
    try {
      if (!file.startsWith(appDir) || !statSync(file).isFile()) throw new Error("not a file");
    } catch {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
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

let lab, app, browser;
before(async () => {
  assert.ok(
    existsSync(join(appDir, "pkg", "wsguard_example_app_bg.wasm")),
    "examples/app/pkg is missing: run wasm-pack build examples/app --dev --target web",
  );
  lab = await startLab();
  app = await serveApp();
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await app?.stop();
  await lab?.stop();
});

async function openApp(endpoint) {
  const page = await browser.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const url = `ws://127.0.0.1:${lab.port}${endpoint}`;
  await page.goto(`${app.origin}/index.html?url=${encodeURIComponent(url)}`);
  return { page, errors };
}

test("the example opens, shows the state, sends what is typed and shows the echo", async () => {
  const { page, errors } = await openApp("/echo");
  await page.waitForFunction(() => document.getElementById("state").textContent === "open");
  await page.fill("#message", "hello from the Rust example");
  await page.press("#message", "Enter");
  await page.waitForFunction(() => document.getElementById("log").textContent.includes("< hello from the Rust example"));
  assert.equal(await page.inputValue("#message"), "");
  assert.deepEqual(errors, []);
  console.log("example: echo state=open log=%j", await page.textContent("#log"));
  await page.close();
});

test("the example shows the diagnosis of a refused handshake", async () => {
  const { page, errors } = await openApp("/refuse");
  await page.waitForFunction(() => document.getElementById("diagnosis").textContent !== "");
  const diagnosis = await page.textContent("#diagnosis");
  assert.match(diagnosis, /^unreachable: /);
  await page.waitForFunction(() => document.getElementById("state").textContent === "reconnecting");
  assert.deepEqual(errors, []);
  console.log("example: refused diagnosis=%j", diagnosis.slice(0, 80));
  await page.close();
});
