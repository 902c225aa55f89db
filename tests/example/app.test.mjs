// The Rust example application (examples/app, built into examples/app/pkg by `wasm-pack build
// --target web`) in Chromium against the lab servers: it opens and shows the state, sends what
// is typed and shows the echo, and shows the diagnosis of a refused handshake.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../e2e/support/browser.mjs";
import { serveStatic } from "../e2e/support/fixture-apps.mjs";
import { startLab } from "../servers/lab.mjs";

const appDir = fileURLToPath(new URL("../../examples/app", import.meta.url));

let lab, app, browser;
before(async () => {
  assert.ok(
    existsSync(join(appDir, "pkg", "wsguard_example_app_bg.wasm")),
    "examples/app/pkg is missing: run wasm-pack build examples/app --dev --target web",
  );
  lab = await startLab();
  app = await serveStatic(appDir); // index.html and pkg/
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
