// What `npm start` serves, opened in headless Chromium with the release package (wasm-opt
// included): the page shows the resolved same-origin URL and an echoed message.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { launchChromium, startNode } from "./support/browser.mjs";

let demo;
let browser;

before(async () => {
  demo = await startNode("scripts/serve.mjs", ["--port", "0"], /http:\/\/localhost:(\d+)\//);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await demo?.stop();
});

test("the demo page resolves /ws and gets an echo", async () => {
  const port = demo.match[1];
  const page = await browser.newPage();
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(message.text());
  });
  await page.goto(`http://localhost:${port}/`);
  await page.waitForFunction(() => document.getElementById("echo").textContent !== "…", null, {
    timeout: 10_000,
  });
  assert.equal(await page.textContent("#resolved"), `ws://localhost:${port}/ws`);
  assert.equal(await page.textContent("#echo"), "hello from wsguard");
  assert.deepEqual(problems, []);
  await page.close();
});
