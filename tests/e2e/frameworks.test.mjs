// The package where frameworks put it: imported in Node (server-side rendering), built with
// `vite build --ssr`, and used through "wsguard/react" under React's <StrictMode>. The packed
// tarball is installed into two apps under tests/fixtures/:
//
//   ssr/    app.js imports wsguard at the top; `vite build --ssr entry-server.js` (server bundle,
//           rendered in Node) and `vite build` (client bundle, run in Chromium)
//   react/  useWsGuard in a StrictMode app, `vite build --mode development` (StrictMode runs
//           effects twice only in development); React and react-dom are the fixture's own
//           dependencies, installed by scripts/setup.sh (npm ci), never the package's
//
// The React app talks to a WebSocket server of this file's own (on the port that serves the
// app), which counts the live connections per URL path at every connect and close.
//
// Prints "ssr: …" and "react: …" lines with what was observed.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { WebSocketServer } from "ws";
import { echo, startLab } from "../servers/lab.mjs";
import { launchChromium } from "./support/browser.mjs";
import { bin, fixtures, installTarball, packTarball, run, serveStatic } from "./support/fixture-apps.mjs";

const ssrDir = join(fixtures, "ssr");
const reactDir = join(fixtures, "react");

/** Runs an ES module script with node in `cwd`; resolves with its stdout parsed as JSON. */
async function nodeJson(cwd, script) {
  const output = await run(process.execPath, ["--input-type=module", "-e", script], { cwd });
  return JSON.parse(output.trim().split("\n").at(-1));
}

/**
 * WebSocket endpoints that echo and count: `live` and `most` (the highest `live` ever seen) per
 * URL path, `mostTotal` over all paths for the connections since `reset()`, every accepted connection and
 * every close code, in order. `drop(path)` cuts that path's connections without a close frame.
 */
function countingServer() {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const live = new Map();
  const most = new Map();
  const accepted = [];
  const closes = [];
  const sockets = new Map();
  let recent = new Set();
  const counts = {
    mostTotal: 0,
    reset() {
      recent = new Set();
      counts.mostTotal = 0;
    },
    live,
    most,
    accepted,
    closes,
    onUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (ws) => {
        const path = new URL(req.url, "http://x").pathname;
        live.set(path, (live.get(path) ?? 0) + 1);
        most.set(path, Math.max(most.get(path) ?? 0, live.get(path)));
        recent.add(ws);
        counts.mostTotal = Math.max(counts.mostTotal, recent.size);
        accepted.push(path);
        sockets.set(ws, path);
        ws.once("close", (code) => {
          live.set(path, live.get(path) - 1);
          closes.push({ path, code });
          recent.delete(ws);
          sockets.delete(ws);
        });
        echo(ws);
      });
    },
    drop(path) {
      for (const [ws, at] of sockets) if (at === path) ws.terminate();
    },
    stop() {
      for (const ws of sockets.keys()) ws.terminate();
      wss.close();
    },
  };
  return counts;
}

let tarball;
let lab;
let browser;
let ssrClient;
let reactApp;
let counting;

before(async () => {
  const packed = await packTarball();
  tarball = packed.tarball;
  console.log(packed.line);
  await Promise.all([installTarball(ssrDir, tarball), installTarball(reactDir, tarball, { keepDependencies: true })]);
  const vite = (cwd, args, env = {}) => run(bin("vite"), [...args, "--logLevel", "warn"], { cwd, env: { ...process.env, ...env } });
  await vite(ssrDir, ["build", "--outDir", "dist/client"]);
  await vite(ssrDir, ["build", "--ssr", "entry-server.js", "--outDir", "dist/server"]);
  await vite(reactDir, ["build", "--mode", "development"], { NODE_ENV: "development" });

  lab = await startLab();
  counting = countingServer();
  ssrClient = await serveStatic(join(ssrDir, "dist/client"));
  reactApp = await serveStatic(join(reactDir, "dist"), { onUpgrade: counting.onUpgrade });
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  counting?.stop();
  await ssrClient?.stop();
  await reactApp?.stop();
  await lab?.stop();
});

/** A fresh page that records uncaught errors and console errors into `errors`. */
async function openPage(url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console: ${message.text()}`);
  });
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

describe("in Node (server-side rendering)", () => {
  test("importing wsguard, wsguard/raw and wsguard/react throws nothing and fetches nothing", async () => {
    const result = await nodeJson(
      reactDir,
      `const fetched = [];
      globalThis.fetch = (...args) => { fetched.push(String(args[0])); throw new Error("no fetch in this test"); };
      const main = await import("wsguard");
      const raw = await import("wsguard/raw");
      const react = await import("wsguard/react");
      console.log(JSON.stringify({ main: Object.keys(main).sort(), raw: Object.keys(raw).sort(),
        react: Object.keys(react), fetched, window: typeof window }));`,
    );
    const names = ["WsGuard", "classifyClose", "debugCounts", "default", "initSync", "ready", "resolveUrl"];
    assert.deepEqual(result, { main: names, raw: names, react: ["useWsGuard"], fetched: [], window: "undefined" });
  });

  test("using it there throws one clear error: why, and where to construct the client", async () => {
    const result = await nodeJson(
      reactDir,
      `const { WsGuard, resolveUrl, ready } = await import("wsguard");
      const caught = (f) => { try { f(); return "no error"; } catch (e) { return e.constructor.name + ": " + e.message; } };
      const readyError = await ready.then(() => "resolved", (e) => e.message);
      console.log(JSON.stringify({ construct: caught(() => new WsGuard("/ws")), resolve: caught(() => resolveUrl("/ws")), readyError }));`,
    );
    console.log(`ssr: new WsGuard() in Node -> ${result.construct}`);
    for (const [what, message] of [["new WsGuard()", result.construct], ["resolveUrl()", result.resolve]]) {
      assert.match(message, new RegExp(`^Error: wsguard: ${what.replace(/[()]/g, "\\$&")} runs in the browser`));
      assert.match(message, /not in Node/);
      assert.match(message, /useEffect/);
      assert.match(message, /onMount/);
      assert.match(message, /client-only component/);
    }
    assert.match(result.readyError, /^wsguard: init\(\) runs in the browser/);
  });

  test("useWsGuard renders on the server with no client and the initial state", async () => {
    const result = await nodeJson(
      reactDir,
      `const { createElement } = await import("react");
      const { renderToString } = await import("react-dom/server");
      const { useWsGuard } = await import("wsguard/react");
      function Status() {
        const { client, state, attempt, lastMessage, lastDiagnosis } = useWsGuard("/ws");
        return createElement("p", null, [client, state, attempt, lastMessage, lastDiagnosis].map(String).join(" "));
      }
      console.log(JSON.stringify(renderToString(createElement(Status))));`,
    );
    assert.equal(result, "<p>null connecting 0 null null</p>");
  });
});

describe("vite build --ssr", () => {
  test("the server bundle renders in Node; the client bundle connects in Chromium", async () => {
    // The server bundle imports "wsguard" (Vite leaves dependencies external for Node), which
    // Node resolves to the package's Node entry.
    const server = readFileSync(join(ssrDir, "dist/server/entry-server.js"), "utf8");
    assert.match(server, /from "wsguard"/, "the server bundle imports wsguard");
    const rendered = await nodeJson(
      ssrDir,
      `const fetched = [];
      globalThis.fetch = (...args) => { fetched.push(String(args[0])); throw new Error("no fetch in this test"); };
      const { render, start } = await import("./dist/server/entry-server.js");
      let startError = null;
      try { start("/ws"); } catch (error) { startError = error.message; }
      console.log(JSON.stringify({ html: render(), startError, fetched }));`,
    );
    assert.deepEqual(rendered.fetched, []);
    assert.match(rendered.html, /<output id="rendered">the server<\/output>/);
    assert.match(rendered.startError, /^wsguard: new WsGuard\(\) runs in the browser/);

    // The page as the server sends it: the client build's index.html with the rendered HTML in.
    const index = join(ssrDir, "dist/client/index.html");
    const template = readFileSync(index, "utf8");
    assert.ok(template.includes("<!--app-html-->"), "the client index.html has the placeholder");
    writeFileSync(index, template.replace("<!--app-html-->", rendered.html));

    const { page, errors, close } = await openPage(`${ssrClient.origin}/?ws=ws://127.0.0.1:${lab.port}/echo`);
    try {
      await page.waitForFunction(() => document.getElementById("diagnosis")?.textContent, null, { timeout: 15_000 }).catch(() => {});
      const text = (id) => page.locator(`#${id}`).textContent();
      const seen = { rendered: await text("rendered"), echo: await text("echo"), diagnosis: await text("diagnosis") };
      console.log(`ssr: server bundle rendered ${rendered.html.length} B of HTML; in Chromium the client bundle got ${JSON.stringify(seen)}`);
      assert.deepEqual(errors, []);
      assert.deepEqual(seen, { rendered: "the server", echo: "hello", diagnosis: "normal" });
    } finally {
      await close();
    }
  });
});

describe("wsguard/react under <StrictMode>", () => {
  /** The React app connected to `path` of the counting server, once it shows "open". */
  async function openApp(path) {
    counting.reset();
    const session = await openPage(`${reactApp.origin}/?ws=ws://127.0.0.1:${reactApp.port}${path}`);
    await session.page.waitForFunction(
      (path) => document.getElementById("message")?.textContent === `hello ${path}`,
      path,
      { timeout: 15_000 },
    );
    return session;
  }
  const text = (page, id) => page.locator(`#${id}`).textContent();
  const until = async (condition, what, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      assert.ok(Date.now() < deadline, `${what} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  test("one live connection per mounted component, even with effects run twice; unmount closes and frees it", async () => {
    const { page, errors, close } = await openApp("/strict");
    try {
      const seen = await page.evaluate(() => ({ mountEffects: window.seen.mountEffects, sends: window.seen.sends.size }));
      assert.equal(seen.mountEffects, 2, "StrictMode ran the mount effect twice (a development build)");
      assert.equal(seen.sends, 1, "send is the same function on every render");
      assert.equal(await text(page, "state"), "open");
      assert.deepEqual(counting.accepted.filter((p) => p === "/strict"), ["/strict"], "exactly one handshake");
      assert.equal(counting.most.get("/strict"), 1);
      assert.equal(counting.mostTotal, 1);
      assert.equal(counting.live.get("/strict"), 1);

      await page.evaluate(() => window.app.setMounted(false));
      await page.waitForSelector("#unmounted");
      await until(() => counting.live.get("/strict") === 0, "the server sees the socket closed");
      // The hook frees the client once its close event arrived.
      await page.waitForFunction(() => window.app.debugCounts().sockets === 0, null, { timeout: 10_000 });
      const counts = await page.evaluate(() => window.app.debugCounts());
      console.log(
        `react: StrictMode mount effects ${seen.mountEffects}, handshakes 1, most live 1; unmount -> close ` +
          `${JSON.stringify(counting.closes.filter((c) => c.path === "/strict"))}, debugCounts ${JSON.stringify(counts)}`,
      );
      assert.deepEqual(counting.closes.filter((c) => c.path === "/strict"), [{ path: "/strict", code: 1000 }]);
      assert.deepEqual(counts, { listeners: 0, timers: 0, sockets: 0 });
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test("a new URL closes the old connection, then opens one to the new URL", async () => {
    const { page, errors, close } = await openApp("/first");
    try {
      const second = `ws://127.0.0.1:${reactApp.port}/second`;
      const from = await page.evaluate((url) => {
        window.app.setUrl(url);
        return window.seen.states.length;
      }, second);
      await page.waitForFunction(() => document.getElementById("message")?.textContent === "hello /second", null, {
        timeout: 15_000,
      });
      await until(() => counting.live.get("/first") === 0, "the old connection closed");
      console.log(
        `react: URL change /first -> /second: closes ${JSON.stringify(counting.closes.filter((c) => c.path === "/first"))}, ` +
          `handshakes /first ${counting.accepted.filter((p) => p === "/first").length}, /second ${counting.accepted.filter((p) => p === "/second").length}, ` +
          `most live at once ${counting.mostTotal}`,
      );
      // While the old client closes, the component renders no client: "connecting", no URL.
      assert.deepEqual(await page.evaluate((from) => window.seen.states.slice(from), from), ["connecting", "open"]);
      assert.equal(await text(page, "url"), second);
      assert.equal(await text(page, "state"), "open");
      assert.deepEqual(counting.closes.filter((c) => c.path === "/first"), [{ path: "/first", code: 1000 }]);
      assert.deepEqual(counting.accepted.filter((p) => p === "/first" || p === "/second"), ["/first", "/second"]);
      assert.equal(counting.live.get("/second"), 1);
      assert.equal(counting.mostTotal, 1, "the new connection waits for the old one to close");
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });

  test("the rendered state follows open -> reconnecting -> connecting -> open when the server drops the connection", async () => {
    const { page, errors, close } = await openApp("/drop");
    try {
      const before = await page.evaluate(() => window.seen.states.splice(0));
      assert.equal(before.at(-1), "open");
      counting.drop("/drop");
      await page.waitForFunction(
        () => window.seen.states.includes("reconnecting") && window.seen.states.at(-1) === "open",
        null,
        { timeout: 15_000 },
      );
      const states = await page.evaluate(() => window.seen.states);
      const diagnosis = await text(page, "diagnosis");
      console.log(`react: drop -> rendered states ${["open", ...states].join(" -> ")}, diagnosis ${diagnosis}`);
      // "connecting" is the retry's own attempt, after the backoff wait ("reconnecting").
      assert.deepEqual(states, ["reconnecting", "connecting", "open"]);
      assert.equal(diagnosis, "connection-lost");
      assert.equal(counting.most.get("/drop"), 1);
      assert.equal(counting.mostTotal, 1);
      assert.equal(counting.live.get("/drop"), 1);
      assert.deepEqual(errors, []);
    } finally {
      await close();
    }
  });
});
