// The conformance subset run in every engine (engines.test.mjs): one in-page function that
// drives WsGuard against the lab's trusted echo server and returns `{ check: outcome }`, each
// outcome being EXPECTED_OUTCOMES[check] when the engine behaves, or what went wrong instead.
//
//   await page.evaluate(loadPackage);
//   const outcomes = await page.evaluate(conformanceInPage, { echoUrl, refusedUrl });

export const EXPECTED_OUTCOMES = {
  "echo-text": "echoed",
  "echo-binary-arraybuffer": "echoed",
  "echo-binary-blob": "echoed",
  "queue-while-disconnected": "in-order",
  "close-is-final": "final",
  "listener-options": "honoured",
  "reentrant-listeners": "consistent",
  "hostile-inputs": "typed-errors",
};

/** In the page: runs every check with `window.__wsguard` (see diagnose.mjs's loadPackage). */
export async function conformanceInPage({ echoUrl, refusedUrl }) {
  const { WsGuard } = window.__wsguard;
  const base = { maxRetries: 0, log: false };
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Resolves with the first `type` event of `target`, or rejects after `ms`. */
  const next = (target, type, ms = 5000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${type} within ${ms} ms`)), ms);
      target.addEventListener(type, (event) => (clearTimeout(timer), resolve(event)), { once: true });
    });
  const bytesOf = async (data) => {
    const buffer = data instanceof Blob ? await data.arrayBuffer() : data;
    return Array.from(new Uint8Array(buffer)).join(",");
  };
  const checks = {
    async "echo-text"() {
      const g = new WsGuard(echoUrl, base);
      try {
        await next(g, "open");
        const text = "h\u00e9llo \u{1F600}";
        g.send(text);
        const { data } = await next(g, "message");
        return data === text ? "echoed" : `got ${JSON.stringify(data)}`;
      } finally {
        g.close();
      }
    },
    async "echo-binary-arraybuffer"() {
      const g = new WsGuard(echoUrl, { ...base, binaryType: "arraybuffer" });
      try {
        await next(g, "open");
        g.send(new Uint8Array([0, 1, 127, 128, 255]));
        const { data } = await next(g, "message");
        if (!(data instanceof ArrayBuffer)) return `got ${Object.prototype.toString.call(data)}`;
        const bytes = await bytesOf(data);
        return bytes === "0,1,127,128,255" ? "echoed" : `got bytes ${bytes}`;
      } finally {
        g.close();
      }
    },
    async "echo-binary-blob"() {
      const g = new WsGuard(echoUrl, base);
      try {
        await next(g, "open");
        g.send(new Blob([new Uint8Array([9, 8, 7])]));
        const { data } = await next(g, "message");
        if (!(data instanceof Blob)) return `got ${Object.prototype.toString.call(data)}`;
        const bytes = await bytesOf(data);
        return bytes === "9,8,7" ? "echoed" : `got bytes ${bytes}`;
      } finally {
        g.close();
      }
    },
    async "queue-while-disconnected"() {
      // Sent while connecting: queued, then flushed in order on open.
      const g = new WsGuard(echoUrl, base);
      try {
        const received = [];
        g.addEventListener("message", (e) => received.push(e.data));
        for (const m of ["a", "b", "c"]) g.send(m);
        const wasConnecting = g.state === "connecting";
        await next(g, "open");
        for (let i = 0; i < 50 && received.length < 3; i++) await sleep(20);
        const got = received.join("");
        return wasConnecting && got === "abc" ? "in-order" : `connecting=${wasConnecting} got ${got}`;
      } finally {
        g.close();
      }
    },
    async "close-is-final"() {
      const g = new WsGuard(echoUrl, { ...base, maxRetries: 5 });
      await next(g, "open");
      const closed = next(g, "close");
      g.close();
      await closed;
      let thrown = "none";
      try {
        g.send("late");
      } catch (error) {
        thrown = error.data === "late" ? error.name : `${error.name} without error.data`;
      }
      let opened = false;
      g.addEventListener("open", () => (opened = true));
      await sleep(300);
      const ok = g.state === "closed" && thrown === "InvalidStateError" && !opened;
      return ok ? "final" : `state=${g.state} send threw ${thrown} reopened=${opened}`;
    },
    async "listener-options"() {
      const g = new WsGuard(echoUrl, base);
      try {
        let once = 0;
        let removed = 0;
        let aborted = 0;
        const controller = new AbortController();
        g.addEventListener("message", () => once++, { once: true });
        g.addEventListener("message", () => aborted++, { signal: controller.signal });
        const remove = () => removed++;
        g.addEventListener("message", remove);
        g.removeEventListener("message", remove);
        controller.abort();
        await next(g, "open");
        g.send("1");
        g.send("2");
        let all = 0;
        g.addEventListener("message", () => all++);
        for (let i = 0; i < 50 && all < 2; i++) await sleep(20);
        const ok = once === 1 && removed === 0 && aborted === 0;
        return ok ? "honoured" : `once=${once} removed=${removed} aborted=${aborted}`;
      } finally {
        g.close();
      }
    },
    async "reentrant-listeners"() {
      // close() from inside an open listener, send() from inside a message listener, and a
      // listener that throws: the client stays consistent and the next listener still runs.
      const g = new WsGuard(echoUrl, base);
      const seen = [];
      const errors = [];
      const onError = (e) => (errors.push(e.message), e.preventDefault());
      window.addEventListener("error", onError);
      try {
        g.addEventListener("message", (e) => {
          seen.push(e.data);
          if (e.data === "first") g.send("second");
          if (e.data === "second") throw new Error("listener threw");
        });
        g.addEventListener("message", () => seen.push("next"));
        await next(g, "open");
        g.send("first");
        for (let i = 0; i < 50 && seen.length < 4; i++) await sleep(20);
        const closing = new WsGuard(echoUrl, base);
        closing.addEventListener("open", () => closing.close());
        await next(closing, "close");
        const ok =
          seen.join(",") === "first,next,second,next" && closing.state === "closed" && g.state === "open";
        return ok ? "consistent" : `seen=${seen.join(",")} closing=${closing.state} g=${g.state}`;
      } finally {
        window.removeEventListener("error", onError);
        g.close();
      }
    },
    async "hostile-inputs"() {
      const cases = [
        [() => new WsGuard(refusedUrl, { maxRetries: -1 }), "RangeError", "maxRetries"],
        [() => new WsGuard(refusedUrl, { binaryType: "text" }), "RangeError", "binaryType"],
        [() => new WsGuard(refusedUrl, { connectTimeoutMs: "soon" }), "TypeError", "connectTimeoutMs"],
        [() => new WsGuard(42), "TypeError", "URL"],
        [() => new WsGuard(refusedUrl, { get maxRetries() { throw new Error("getter"); } }), "Error", "getter"],
      ];
      const wrong = [];
      for (const [make, name, mention] of cases) {
        try {
          const g = make();
          g.close();
          wrong.push(`${mention}: no error`);
        } catch (error) {
          if (error.name !== name || !String(error.message).includes(mention)) {
            wrong.push(`${mention}: ${error.name} ${error.message}`);
          }
        }
      }
      return wrong.length === 0 ? "typed-errors" : wrong.join("; ");
    },
  };
  const outcomes = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      outcomes[name] = await check();
    } catch (error) {
      outcomes[name] = `threw ${error?.name}: ${error?.message}`;
    }
  }
  return outcomes;
}
