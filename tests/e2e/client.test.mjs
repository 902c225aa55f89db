// WsGuard as a JavaScript user meets it: the released package (pkg/) loaded in headless
// Chromium from the lab's page, against the lab's real WebSocket endpoints on 127.0.0.1.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { startLab } from "../servers/lab.mjs";
import { launchChromium } from "./support/browser.mjs";

let lab;
let browser;

before(async () => {
  lab = await startLab();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await lab?.stop();
});

/** A fresh page with the package loaded as `window.wsguard` and small helpers. */
async function openPage() {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto(`${lab.origin}/`);
  await page.evaluate(async () => {
    const module = await import("/pkg/raw.js");
    await module.default();
    window.wsguard = module;
    // Resolves with the first `type` event on `target` that passes `accept`; rejects after ms.
    window.next = (target, type, accept = () => true, ms = 8000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} event within ${ms} ms`)), ms);
        const listener = (event) => {
          if (!accept(event)) return;
          clearTimeout(timer);
          target.removeEventListener(type, listener);
          resolve(event);
        };
        target.addEventListener(type, listener);
      });
    window.sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  });
  return { page, context, errors };
}

describe("WsGuard", () => {
  test("echoes strings and binary, with the browser's own data", async () => {
    const { page, context, errors } = await openPage();
    const result = await page.evaluate(async () => {
      const guard = new wsguard.WsGuard("/echo", { binaryType: "arraybuffer" });
      const url = guard.url;
      await next(guard, "open");
      guard.send("hello");
      const text = (await next(guard, "message")).data;
      guard.send(new Uint8Array([1, 2, 255]));
      const bytes = [...new Uint8Array((await next(guard, "message")).data)];
      guard.send(new Blob(["blob!"]));
      const blob = new TextDecoder().decode((await next(guard, "message")).data);
      const state = guard.state;
      guard.close();
      await next(guard, "close");
      return { url, text, bytes, blob, state, readyState: guard.readyState, finalState: guard.state };
    });
    assert.equal(result.url, `ws://127.0.0.1:${lab.port}/echo`);
    assert.equal(result.text, "hello");
    assert.deepEqual(result.bytes, [1, 2, 255]);
    assert.equal(result.blob, "blob!");
    assert.equal(result.state, "open");
    assert.equal(result.readyState, 3);
    assert.equal(result.finalState, "closed");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("messages sent during an outage arrive once, in order, after the reconnect", async () => {
    const { page, context, errors } = await openPage();
    const client = `outage-${Date.now()}`;
    const result = await page.evaluate(async (client) => {
      const guard = new wsguard.WsGuard(`/seq?client=${client}`, { minDelayMs: 100, maxDelayMs: 300 });
      guard.send("m0"); // queued before the first open
      await next(guard, "open");
      guard.send("m1");
      await next(guard, "message", (e) => e.data === "m1");
      await fetch("/control/down?ms=1000", { method: "POST" });
      await next(guard, "close");
      const states = [guard.state];
      for (let i = 2; i < 12; i++) guard.send(`m${i}`);
      const queued = guard.bufferedAmount;
      await next(guard, "open", undefined, 10000);
      guard.send("m12");
      await next(guard, "message", (e) => e.data === "m12");
      guard.close();
      return { states, queued };
    }, client);
    const received = await (await fetch(`${lab.origin}/control/received?client=${client}`)).json();
    const expected = Array.from({ length: 13 }, (_, i) => `m${i}`);
    assert.deepEqual(received, expected);
    assert.deepEqual(result.states, ["reconnecting"]);
    assert.equal(result.queued, 22, "m2…m11 queued: 8 × 2 + 2 × 3 bytes");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("fatal close codes stop, other codes retry", async () => {
    const { page, context } = await openPage();
    const result = await page.evaluate(async () => {
      const run = async (code) => {
        const guard = new wsguard.WsGuard(`/close?code=${code}&reason=r${code}`, {
          minDelayMs: 50,
          maxDelayMs: 50,
        });
        const [close, diagnosis] = await Promise.all([
          next(guard, "close"),
          next(guard, "diagnosis").then((event) => event.detail),
        ]);
        const state = guard.state;
        guard.close();
        return { code: close.code, reason: close.reason, state, willRetry: diagnosis.willRetry };
      };
      return { fatal: await run(1008), transient: await run(4001), again: await run(1011) };
    });
    assert.deepEqual(result.fatal, { code: 1008, reason: "r1008", state: "closed", willRetry: false });
    assert.deepEqual(result.transient, { code: 4001, reason: "r4001", state: "reconnecting", willRetry: true });
    assert.equal(result.again.state, "reconnecting");
    await context.close();
  });

  test("close() is final and releases every socket, timer and listener", async () => {
    const { page, context } = await openPage();
    const result = await page.evaluate(async () => {
      const baseline = wsguard.debugCounts();
      const guard = new wsguard.WsGuard("/drop?after=50", { minDelayMs: 50, maxDelayMs: 50 });
      await next(guard, "open");
      await next(guard, "reconnecting");
      const during = wsguard.debugCounts();
      guard.close();
      const closed = await next(guard, "close");
      await sleep(300);
      const events = [];
      guard.addEventListener("open", () => events.push("open"));
      await sleep(300);
      const afterClose = wsguard.debugCounts();
      let sendError;
      try {
        guard.send("late");
      } catch (error) {
        sendError = `${error.name}: ${error.message}`;
      }
      guard.free();
      let afterFree;
      try {
        afterFree = guard.state;
      } catch (error) {
        afterFree = error instanceof WebAssembly.RuntimeError ? "trap" : `${error.name}`;
      }
      return { baseline, during, afterClose, events, afterFree, code: closed.code, sendError };
    });
    assert.ok(result.during.sockets + result.during.timers > result.baseline.sockets + result.baseline.timers);
    assert.deepEqual(result.afterClose.sockets, result.baseline.sockets);
    assert.deepEqual(result.afterClose.timers, result.baseline.timers);
    assert.deepEqual(result.events, []);
    assert.equal(result.code, 1000);
    assert.equal(result.afterFree, "Error", "a call after free() throws, it does not trap");
    assert.match(result.sendError, /InvalidStateError: wsguard: send\(\) after the client was closed/);
    await context.close();
  });

  test("a URL function is called before every attempt, and may return a Promise", async () => {
    const { page, context } = await openPage();
    const result = await page.evaluate(async () => {
      let calls = 0;
      const guard = new wsguard.WsGuard(
        async () => {
          calls += 1;
          return `/drop?after=20&token=t${calls}`;
        },
        { minDelayMs: 10, maxDelayMs: 20 },
      );
      const urls = [];
      guard.addEventListener("open", () => urls.push(guard.url));
      while (urls.length < 3) await next(guard, "open");
      guard.close();
      return { calls, urls };
    });
    assert.ok(result.calls >= 3);
    assert.deepEqual(
      result.urls.map((url) => new URL(url).searchParams.get("token")),
      ["t1", "t2", "t3"],
    );
    await context.close();
  });

  test("handlers may call close() and send() re-entrantly", async () => {
    const { page, context, errors } = await openPage();
    const result = await page.evaluate(async () => {
      const guard = new wsguard.WsGuard("/echo");
      const seen = [];
      guard.onopen = () => {
        guard.send("first");
        guard.send("second");
      };
      guard.onmessage = (event) => {
        seen.push(event.data);
        guard.close(4000, "done in onmessage");
        guard.close();
        guard.reconnect();
        guard.close(4000, "again");
      };
      const close = await next(guard, "close", (e) => e.code === 4000);
      await sleep(200);
      return { seen, code: close.code, reason: close.reason, state: guard.state };
    });
    assert.deepEqual(result.seen.slice(0, 1), ["first"]);
    assert.equal(result.code, 4000);
    assert.equal(result.state, "closed");
    assert.deepEqual(errors, []);
    await context.close();
  });

  test("going offline pauses retries; coming back online reconnects at once", async () => {
    const { page, context } = await openPage();
    const opened = page.evaluate(async () => {
      window.guard = new wsguard.WsGuard("/echo", { minDelayMs: 60000, maxDelayMs: 60000 });
      await next(guard, "open");
    });
    await opened;
    await context.setOffline(true);
    const offline = await page.evaluate(async () => {
      await fetch("/control/down?ms=0", { method: "POST" }).catch(() => {});
      return guard.state;
    });
    // The page cannot reach the lab while offline; drop the connection from the server side.
    await fetch(`${lab.origin}/control/down?ms=0`, { method: "POST" });
    const afterDrop = await page.evaluate(async () => {
      if (guard.state === "open") await next(guard, "close");
      await sleep(200);
      return guard.state;
    });
    await context.setOffline(false);
    const back = await page.evaluate(async () => {
      const started = performance.now();
      await next(guard, "open", undefined, 10000);
      const state = guard.state;
      guard.close();
      return { state, tookLessThanBackoff: performance.now() - started < 60000 };
    });
    assert.equal(offline, "open", "an open socket stays open when the browser goes offline");
    assert.equal(afterDrop, "offline");
    assert.deepEqual(back, { state: "open", tookLessThanBackoff: true });
    await context.close();
  });

  test("addEventListener honours once, signal and handleEvent objects", async () => {
    const { page, context } = await openPage();
    const result = await page.evaluate(async () => {
      const guard = new wsguard.WsGuard("/echo");
      const counts = { once: 0, signal: 0, object: 0, removed: 0 };
      const controller = new AbortController();
      guard.addEventListener("message", () => counts.once++, { once: true });
      guard.addEventListener("message", () => counts.signal++, { signal: controller.signal });
      guard.addEventListener("message", { handleEvent: () => counts.object++ });
      const removed = () => counts.removed++;
      guard.addEventListener("message", removed);
      guard.removeEventListener("message", removed);
      await next(guard, "open");
      guard.send("a");
      await next(guard, "message");
      controller.abort();
      guard.send("b");
      await next(guard, "message");
      guard.close();
      return counts;
    });
    assert.deepEqual(result, { once: 1, signal: 1, object: 2, removed: 0 });
    await context.close();
  });

  test("bad arguments throw typed errors that name the culprit", async () => {
    const { page, context } = await openPage();
    const result = await page.evaluate(async () => {
      const attempt = (f) => {
        try {
          f();
          return "no error";
        } catch (error) {
          return `${error.name}: ${error.message}`;
        }
      };
      const guard = new wsguard.WsGuard("/echo");
      const out = {
        url: attempt(() => new wsguard.WsGuard(42)),
        scheme: attempt(() => new wsguard.WsGuard("ftp://x/")),
        option: attempt(() => new wsguard.WsGuard("/echo", { minDelayMs: -1 })),
        unknown: attempt(() => new wsguard.WsGuard("/echo", { reconnect: true })),
        send: attempt(() => guard.send({})),
        code: attempt(() => guard.close(1001)),
        binaryType: attempt(() => (guard.binaryType = "text")),
      };
      guard.close();
      return out;
    });
    assert.match(result.url, /^TypeError: wsguard: the URL must be a string or a function/);
    assert.match(result.scheme, /^TypeError: .*ftp:/);
    assert.match(result.option, /^RangeError: .*minDelayMs.*-1/);
    assert.match(result.unknown, /^TypeError: .*reconnect/);
    assert.match(result.send, /^TypeError: wsguard: send\(\) takes a string.*object/);
    assert.match(result.code, /^InvalidAccessError: .*1001/);
    assert.match(result.binaryType, /^TypeError: .*binaryType.*"text"/);
    await context.close();
  });

  test("1,000 forced reconnects leave listeners, timers, sockets and the JS heap flat", async () => {
    const { page, context } = await openPage();
    const cdp = await context.newCDPSession(page);
    const heap = async () => {
      await cdp.send("HeapProfiler.collectGarbage");
      return (await cdp.send("Runtime.getHeapUsage")).usedSize;
    };
    const cycle = (n) =>
      page.evaluate(async (n) => {
        for (let i = 0; i < n; i++) {
          guard.reconnect();
          await next(guard, "open");
        }
        await sleep(200);
        return wsguard.debugCounts();
      }, n);
    await page.evaluate(async () => {
      window.guard = new wsguard.WsGuard("/echo");
      await next(guard, "open");
    });
    const warm = await cycle(100);
    const heapBefore = await heap();
    const counts = await cycle(1000);
    const heapAfter = await heap();
    await page.evaluate(() => guard.close());
    assert.deepEqual(counts, warm);
    const growthKb = (heapAfter - heapBefore) / 1024;
    console.log(`leak: 1000 reconnects, counts ${JSON.stringify(counts)}, heap growth ${growthKb.toFixed(1)} KB`);
    assert.ok(growthKb < 256, `JS heap grew by ${growthKb.toFixed(1)} KB`);
    await context.close();
  });
});
