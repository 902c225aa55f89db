// The in-page halves of the proxy-lab tests (proxies.test.mjs, proxy-behaviour.test.mjs). Each
// function runs inside the page through `page.evaluate(fn, arg)` (Chromium, Firefox, WebKit
// alike, see engines.mjs), so it may use nothing from this module's scope.
//
//   await page.evaluate(rawSocketInPage, { url, waitMs, clientEveryMs, message })
//   await page.evaluate(probeFetchInPage, { url })                 the probe a diagnosis makes
//   await page.evaluate(startGuardInPage, { url, options })        then readGuardInPage / …

/**
 * A raw `new WebSocket(url)`: every event with its time (ms since the constructor). With
 * `clientEveryMs`, sends `message` that often once open. Ends at the close or after `waitMs`
 * (then closes it itself, recorded as "page-close").
 */
export async function rawSocketInPage({ url, waitMs, clientEveryMs = 0, message = "ping" }) {
  const t0 = performance.now();
  const now = () => Math.round(performance.now() - t0);
  const result = { thrown: null, events: [], sent: 0, received: 0, lastSentAt: null, lastReceivedAt: null };
  let ws;
  try {
    ws = new WebSocket(url);
  } catch (error) {
    result.thrown = { name: error.name, message: error.message };
    return result;
  }
  let timer;
  const closed = new Promise((resolve) => {
    ws.onopen = () => {
      result.events.push({ type: "open", at: now() });
      if (clientEveryMs > 0) {
        timer = setInterval(() => {
          if (ws.readyState !== WebSocket.OPEN) return;
          ws.send(message);
          result.sent++;
          result.lastSentAt = now();
        }, clientEveryMs);
      }
    };
    ws.onmessage = (event) => {
      result.received++;
      result.lastReceivedAt = now();
      result.lastMessage = String(event.data).slice(0, 100);
    };
    ws.onerror = () => result.events.push({ type: "error", at: now() });
    ws.onclose = (e) => {
      result.events.push({ type: "close", at: now(), code: e.code, reason: e.reason, wasClean: e.wasClean });
      resolve(true);
    };
  });
  const waited = await Promise.race([closed, new Promise((resolve) => setTimeout(() => resolve(false), waitMs))]);
  clearInterval(timer);
  if (!waited) {
    result.events.push({ type: "page-close", at: now(), readyState: ws.readyState });
    ws.close();
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
  }
  return result;
}

/**
 * The request wsguard's diagnosis probe makes: a same-origin `fetch` of the socket's own URL
 * over HTTPS. Returns the status, the `Server` header and the start of the body, or the error.
 */
export async function probeFetchInPage({ url, timeoutMs = 5000 }) {
  const httpUrl = url.replace(/^wss:/, "https:").replace(/^ws:/, "http:");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const t0 = performance.now();
  try {
    const response = await fetch(httpUrl, {
      credentials: "same-origin",
      cache: "no-store",
      redirect: "manual",
      signal: controller.signal,
    });
    const body = await response.text();
    return {
      ms: Math.round(performance.now() - t0),
      status: response.status,
      type: response.type,
      server: response.headers.get("server"),
      contentType: response.headers.get("content-type"),
      body: body.slice(0, 200),
    };
  } catch (error) {
    return { error: `${error.name}: ${error.message}`, ms: Math.round(performance.now() - t0) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Loads the package (as support/diagnose.mjs's loadPackage does) and starts a WsGuard whose
 * every event is recorded in `window.__guardRun` as plain data: open, close, error, message,
 * reconnecting, statechange, diagnosis (with its detail copied). Returns the package's exports.
 */
export async function startGuardInPage({ url, options }) {
  if (!window.__wsguard) {
    const mod = await import(new URL("/pkg/raw.js", location.href).href);
    await mod.default();
    window.__wsguard = mod;
  }
  const exports = Object.keys(window.__wsguard).sort();
  if (!window.__wsguard.WsGuard) return { exports, missing: "WsGuard" };
  const toPlain = (value, depth = 0) => {
    if (depth > 6) return "[too deep]";
    if (value instanceof Map) return toPlain(Object.fromEntries(value), depth + 1);
    if (Array.isArray(value)) return value.map((v) => toPlain(v, depth + 1));
    if (value && typeof value === "object") {
      const out = {};
      for (const key of Object.keys(value)) out[key] = toPlain(value[key], depth + 1);
      return out;
    }
    if (typeof value === "function" || typeof value === "symbol") return String(value);
    if (typeof value === "bigint") return Number(value);
    return value;
  };
  const t0 = performance.now();
  const run = { events: [], thrown: null };
  window.__guardRun = run;
  const push = (type, extra) => run.events.push({ type, at: Math.round(performance.now() - t0), ...extra });
  try {
    const guard = new window.__wsguard.WsGuard(url, options);
    window.__guard = guard;
    guard.addEventListener("open", () => push("open"));
    guard.addEventListener("close", (e) => push("close", { code: e.code, reason: e.reason, wasClean: e.wasClean }));
    guard.addEventListener("error", () => push("error"));
    guard.addEventListener("message", (e) => push("message", { data: String(e.data).slice(0, 100) }));
    guard.addEventListener("reconnecting", (e) => push("reconnecting", toPlain(e.detail)));
    guard.addEventListener("statechange", (e) => push("statechange", toPlain(e.detail)));
    guard.addEventListener("diagnosis", (e) => push("diagnosis", { detail: toPlain(e.detail) }));
  } catch (error) {
    run.thrown = { name: error?.name, message: String(error?.message ?? error) };
  }
  return { exports, thrown: run.thrown };
}

/** The events recorded so far (a copy). */
export function readGuardInPage() {
  return JSON.parse(JSON.stringify(window.__guardRun ?? { events: [], thrown: null }));
}

/** Sends `text` through the running WsGuard. */
export function sendGuardInPage(text) {
  window.__guard.send(text);
  return true;
}

/** Closes the running WsGuard for good (a freed or failed one is ignored). */
export function stopGuardInPage() {
  try {
    window.__guard?.close();
  } catch {}
  return true;
}
