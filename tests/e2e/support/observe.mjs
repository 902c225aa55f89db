// What a raw `new WebSocket(url)` sees, measured inside a page: the in-page half of the raw
// behaviour tests (raw-socket-behaviour.test.mjs for Chromium, engines.test.mjs for every engine).
//
//   const seen = await page.evaluate(observeInPage, { url, waitMs, pingAtMs, probeUrl, probeWaitMs });

/**
 * Runs in the page: opens a WebSocket, records the constructor's throw and every event with its
 * time (ms since the constructor), sends "ping" at `pingAtMs` after open, waits up to `waitMs` for
 * the close, closes a socket still open or connecting, then probes `probeUrl` for up to
 * `probeWaitMs`.
 */
export async function observeInPage({ url, waitMs, pingAtMs, probeUrl, probeWaitMs }) {
  const t0 = performance.now();
  const now = () => Math.round(performance.now() - t0);
  const result = { thrown: null, events: [], onLine: navigator.onLine, lastMessageAt: null };
  const push = (event) => result.events.push({ ...event, at: now() });
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    result.thrown = { name: error.name, message: error.message, at: now() };
  }
  if (ws) {
    const closed = new Promise((resolve) => {
      ws.onopen = () => {
        push({ type: "open" });
        for (const at of pingAtMs) {
          setTimeout(() => {
            if (ws.readyState === WebSocket.OPEN) {
              ws.send("ping");
              result.lastMessageAt = now();
            }
          }, at);
        }
      };
      ws.onmessage = () => {
        push({ type: "message" });
        result.lastMessageAt = now();
      };
      ws.onerror = () => push({ type: "error" });
      ws.onclose = (e) => {
        push({ type: "close", code: e.code, reason: e.reason, wasClean: e.wasClean });
        resolve(true);
      };
    });
    const wait = (ms) => new Promise((resolve) => setTimeout(() => resolve(false), ms));
    if (!(await Promise.race([closed, wait(waitMs)]))) {
      result.stillOpenAfterWait = ws.readyState;
      push({ type: "page-close" });
      ws.close();
      await Promise.race([closed, wait(2000)]);
    }
  }
  if (probeUrl) {
    const p0 = performance.now();
    const probe = fetch(probeUrl, { mode: "no-cors", cache: "no-store", credentials: "omit" }).then(
      (r) => ({ outcome: "resolves", type: r.type }),
      (e) => ({ outcome: "rejects", error: e.name }),
    );
    const pending = new Promise((resolve) =>
      setTimeout(() => resolve({ outcome: "pending" }), probeWaitMs),
    );
    result.probe = await Promise.race([probe, pending]);
    result.probe.ms = Math.round(performance.now() - p0);
  }
  return result;
}
