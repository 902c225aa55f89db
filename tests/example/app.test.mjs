// The Rust example application (examples/app, built into examples/app/pkg by `wasm-pack build
// --target web`) in Chromium against the lab servers: it opens and shows the state, sends what
// is typed and shows the echo, and shows the diagnosis of a refused handshake; and, on its own
// origin, the diagnosis of an nginx whose WebSocket backend is down (the page's server plays
// that nginx at /ws).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { launchChromium } from "../e2e/support/browser.mjs";
import { serveStatic } from "../e2e/support/fixture-apps.mjs";
import { startLab } from "../servers/lab.mjs";

const appDir = fileURLToPath(new URL("../../examples/app", import.meta.url));

/** nginx's own 502 page (nginx 1.22.1). */
const NGINX_502 =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n";

/**
 * The app's server also answers `/ws` as nginx does when the server it forwards to is down: 502
 * with `Server: nginx/1.22.1`, to the handshake and to a plain request alike. Counts both.
 */
const gateway = {
  seen: { upgrades: 0, requests: [] },
  onRequest(req, res) {
    if (new URL(req.url, "http://x").pathname !== "/ws") return false;
    gateway.seen.requests.push(`${req.method} ${req.url} upgrade=${req.headers.upgrade ?? "none"}`);
    res.writeHead(502, { server: "nginx/1.22.1", "content-type": "text/html" }).end(NGINX_502);
    return true;
  },
  onUpgrade(req, socket) {
    gateway.seen.upgrades++;
    socket.end(
      "HTTP/1.1 502 Bad Gateway\r\nServer: nginx/1.22.1\r\nContent-Type: text/html\r\n" +
        `Content-Length: ${Buffer.byteLength(NGINX_502)}\r\nConnection: close\r\n\r\n${NGINX_502}`,
    );
  },
};

let lab, app, browser;
before(async () => {
  assert.ok(
    existsSync(join(appDir, "pkg", "wsguard_example_app_bg.wasm")),
    "examples/app/pkg is missing: run wasm-pack build examples/app --dev --target web",
  );
  lab = await startLab();
  app = await serveStatic(appDir, gateway); // index.html and pkg/, and /ws as a failing nginx
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await app?.stop();
  await lab?.stop();
});

/** Opens the app on the lab's `endpoint`, or without one on `/ws` of its own origin. */
async function openApp(endpoint) {
  const page = await browser.newPage();
  const errors = [];
  const warnings = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => message.type() === "warning" && warnings.push(message.text()));
  const query = endpoint === undefined ? "" : `?url=${encodeURIComponent(`ws://127.0.0.1:${lab.port}${endpoint}`)}`;
  await page.goto(`${app.origin}/index.html${query}`);
  return { page, errors, warnings };
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

test("the example diagnoses its own origin's /ws behind an nginx whose backend is down", async () => {
  const { page, errors, warnings } = await openApp();
  await page.waitForFunction(() => document.getElementById("diagnosis").textContent !== "");
  const diagnosis = await page.textContent("#diagnosis");
  // The probe of the socket's own URL got nginx's 502: the wording names nginx and the status.
  assert.match(diagnosis, /^handshake-rejected \(HTTP 502\): nginx answered 502 to a plain request for this URL/);
  assert.ok(gateway.seen.upgrades >= 1, "the handshake reached the server");
  assert.equal(gateway.seen.requests[0], "GET /ws upgrade=none");
  assert.ok(warnings.some((text) => text.includes("nginx answered 502")), JSON.stringify(warnings));
  assert.deepEqual(errors, []);
  console.log("example: gateway diagnosis=%j", diagnosis.slice(0, 80));
  await page.close();
});
