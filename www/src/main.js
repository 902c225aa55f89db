// The wsguard demo: one WsGuard at a time, its state, backoff and diagnoses made visible, and
// buttons that make the demo server (scripts/serve.mjs) fail in the ways real deployments do.
import { WsGuard, classifyClose, resolveUrl } from "wsguard";
import { STATES, Timeline, renderLegend } from "./timeline.js";
import "./style.css";

const $ = (id) => document.getElementById(id);
const HEARTBEAT = "ping";

const ui = {
  url: $("url"),
  resolved: $("resolved"),
  state: $("state"),
  attempt: $("attempt"),
  countdown: $("countdown"),
  countdownBar: $("countdown-bar"),
  diagnosis: $("diagnosis"),
  history: $("diagnosis-history"),
  log: $("log"),
  message: $("message"),
  note: $("scenario-note"),
  heartbeats: $("heartbeats"),
  optionsCode: $("options-code"),
  heartbeat: $("opt-heartbeat"),
  insecure: $("opt-insecure"),
  maxDelay: $("opt-max-delay"),
};

const timeline = new Timeline($("timeline"));
renderLegend($("legend"));

let client = null;
let generation = 0;
let retry = null; // {at, delayMs} while a retry is scheduled
let heartbeatEchoes = 0;
let greeted = false;
let config = { urls: {}, origins: {}, idleCutMs: 5000 };

// ---- helpers ---------------------------------------------------------------------------

function options() {
  // reconnectAfterSuspendMs: short, so that the Sleep scenario replaces the connection without a heartbeat.
  const opts = { maxDelayMs: Math.max(500, Number(ui.maxDelay.value) || 8000), reconnectAfterSuspendMs: 3000 };
  if (ui.insecure.value !== "upgrade") opts.insecure = ui.insecure.value;
  if (ui.heartbeat.checked) opts.heartbeat = { intervalMs: 2000, message: HEARTBEAT, timeoutMs: 2000 };
  return opts;
}

function showOptionsCode() {
  const opts = options();
  const body = JSON.stringify(opts).replace(/"(\w+)":/g, "$1: ").replace(/,/g, ", ");
  ui.optionsCode.textContent = `new WsGuard(${JSON.stringify(ui.url.value.trim())}, ${body})`;
}

function time() {
  const d = new Date();
  return d.toTimeString().slice(0, 8) + "." + String(d.getMilliseconds()).padStart(3, "0").slice(0, 1);
}

function log(kind, text) {
  const li = document.createElement("li");
  li.className = `entry ${kind}`;
  const t = document.createElement("time");
  t.textContent = time();
  const arrow = document.createElement("span");
  arrow.className = "dir";
  arrow.textContent = { sent: "→", recv: "←", info: "•", warn: "!" }[kind] ?? "•";
  const body = document.createElement("span");
  body.className = "text";
  body.textContent = text;
  li.append(t, arrow, body);
  ui.log.append(li);
  while (ui.log.children.length > 200) ui.log.firstElementChild.remove();
  ui.log.scrollTop = ui.log.scrollHeight;
}

function note(text) {
  ui.note.textContent = text;
}

function showResolved() {
  const input = ui.url.value.trim();
  try {
    ui.resolved.textContent = resolveUrl(input, { insecure: options().insecure ?? "upgrade" });
    ui.resolved.classList.remove("error");
  } catch (error) {
    ui.resolved.textContent = `${error.name}: ${error.message}`;
    ui.resolved.classList.add("error");
  }
  showOptionsCode();
}

function showState(state) {
  ui.state.textContent = state;
  ui.state.dataset.state = state;
  const style = STATES[state];
  ui.state.style.background = style?.color ?? "";
  ui.state.style.color = style?.text ?? "";
  ui.attempt.textContent = String(client?.attempt ?? 0);
}

function shortUrl(url) {
  try {
    const u = new URL(url);
    return u.host === location.host ? u.pathname + u.search : `${u.protocol}//${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return url;
  }
}

// ---- diagnosis panel --------------------------------------------------------------------

const GOOD = new Set(["normal"]);
const MILD = new Set(["connection-lost", "idle-timeout", "server-closed", "offline", "timeout"]);

function tone(kind) {
  return GOOD.has(kind) ? "good" : MILD.has(kind) ? "mild" : "bad";
}

function showDiagnosis(d) {
  ui.diagnosis.classList.remove("empty");
  ui.diagnosis.replaceChildren();
  const head = document.createElement("div");
  head.className = "diag-head";
  const kind = document.createElement("span");
  kind.className = `kind ${tone(d.kind)}`;
  kind.id = "diagnosis-kind";
  kind.textContent = d.kind;
  const retryText = document.createElement("span");
  retryText.className = "retry-note";
  retryText.textContent = d.willRetry
    ? `retrying${d.retryInMs != null ? ` in ${(d.retryInMs / 1000).toFixed(1)} s` : ""}`
    : "no retry";
  head.append(kind, retryText);

  const summary = document.createElement("p");
  summary.className = "summary";
  summary.id = "diagnosis-summary";
  summary.textContent = d.summary;

  const advice = document.createElement("div");
  advice.className = "advice";
  advice.id = "diagnosis-advice";
  const adviceLabel = document.createElement("strong");
  adviceLabel.textContent = "What to do";
  const adviceText = document.createElement("p");
  adviceText.textContent = d.advice;
  advice.append(adviceLabel, adviceText);

  const facts = document.createElement("dl");
  facts.className = "facts";
  const rows = [
    ["url", d.url],
    ["code", `${d.code}${d.reason ? ` “${d.reason}”` : ""}`],
    ["wasClean", String(d.wasClean)],
    ["wasOpen", d.wasOpen ? `yes, for ${(d.openForMs / 1000).toFixed(1)} s` : "no"],
    ["idle before", d.wasOpen ? `${(d.idleForMs / 1000).toFixed(1)} s` : "—"],
    ["probe", d.probe],
    ["attempt", String(d.attempt)],
  ];
  for (const [k, v] of rows) {
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    facts.append(dt, dd);
  }
  ui.diagnosis.append(head, summary, advice, facts);

  const chip = document.createElement("li");
  chip.className = `chip ${tone(d.kind)}`;
  chip.textContent = `${time().slice(0, 8)} ${d.kind}`;
  ui.history.prepend(chip);
  while (ui.history.children.length > 6) ui.history.lastElementChild.remove();
}

// ---- the client ---------------------------------------------------------------------------

function connect(input = ui.url.value.trim()) {
  const old = client;
  const mine = ++generation;
  client = null;
  retry = null;
  if (old) old.close();
  ui.url.value = input;
  showResolved();
  const opts = options();
  timeline.maxDelayMs = opts.maxDelayMs;
  let created;
  try {
    created = new WsGuard(input, opts);
  } catch (error) {
    log("warn", `new WsGuard threw ${error.name}: ${error.message}`);
    showState("closed");
    timeline.state("closed");
    if (error.name === "SecurityError") {
      // Refused before any socket existed, so no diagnosis event: classifyClose gives the
      // same Diagnosis a WsGuard would have emitted for it.
      const d = classifyClose({
        mixedContent: true,
        errored: true,
        url: input,
        pageSecure: location.protocol === "https:",
        online: navigator.onLine,
      });
      timeline.mark(d.kind, tone(d.kind));
      showDiagnosis(d);
    } else {
      timeline.mark(error.name, "bad");
    }
    return;
  }
  client = created;
  const live = () => mine === generation;
  timeline.mark(`→ ${shortUrl(created.url || input)}`, "info");
  created.addEventListener("statechange", (event) => {
    if (!live()) return;
    const { to } = event.detail;
    if (to !== "reconnecting") retry = null;
    timeline.state(to);
    showState(to);
  });
  created.addEventListener("reconnecting", (event) => {
    if (!live()) return;
    const { attempt, delayMs } = event.detail;
    retry = { at: performance.now() + delayMs, delayMs };
    timeline.backoff(attempt, delayMs);
    ui.attempt.textContent = String(attempt);
  });
  created.addEventListener("diagnosis", (event) => {
    if (!live()) return;
    const d = event.detail;
    if (d.kind !== "normal") timeline.mark(d.kind, tone(d.kind));
    showDiagnosis(d);
  });
  created.addEventListener("open", () => {
    if (!live()) return;
    ui.resolved.textContent = created.url;
    log("info", `open ${created.url}`);
    if (!greeted) {
      greeted = true;
      send("hello from wsguard");
    }
  });
  created.addEventListener("message", (event) => {
    if (!live()) return;
    const text = typeof event.data === "string" ? event.data : `[${event.data?.constructor?.name ?? "binary"}]`;
    if (ui.heartbeat.checked && text === HEARTBEAT) {
      heartbeatEchoes += 1;
      ui.heartbeats.textContent = `♥ ${heartbeatEchoes} heartbeat echo${heartbeatEchoes === 1 ? "" : "es"}`;
      return;
    }
    log("recv", text);
  });
  created.addEventListener("close", (event) => {
    if (!live()) return;
    const unsent = event.unsent?.length ? `, ${event.unsent.length} unsent` : "";
    log("info", `socket closed · ${event.code}${event.reason ? ` “${event.reason}”` : ""}${unsent}`);
  });
  timeline.state(created.state);
  showState(created.state);
}

function send(text) {
  if (!client) return log("warn", "not connected: press Connect");
  try {
    const queued = client.state !== "open";
    client.send(text);
    log("sent", queued ? `${text}  (queued until open)` : text);
  } catch (error) {
    log("warn", `send threw: ${error.message}`);
  }
}

// ---- scenarios -------------------------------------------------------------------------

const sameOrigin = (path) => new URL(path, location.href).pathname;

function onServerEndpoint() {
  if (!client) return false;
  try {
    const u = new URL(client.url);
    return u.host === location.host && ["/ws", "/idle"].includes(u.pathname) && client.state === "open";
  } catch {
    return false;
  }
}

/** Makes sure the client is open on a same-origin endpoint (the only ones control affects). */
async function ensureServerConnection() {
  if (onServerEndpoint()) return;
  connect("/ws");
  const until = performance.now() + 4000;
  while (performance.now() < until && !onServerEndpoint()) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function control(path) {
  const res = await fetch(path, { method: "POST" });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.json();
}

const scenarios = {
  echo: () => {
    ui.insecure.value = "upgrade";
    connect("/ws");
    note("Connected to the same-origin echo. Send a message below.");
  },
  drop: async () => {
    await ensureServerConnection();
    const { dropped } = await control("/control/drop");
    timeline.mark("drop", "action");
    note(`The server reset ${dropped} connection${dropped === 1 ? "" : "s"} without a close frame.`);
  },
  down: async () => {
    const secs = Math.max(1, Math.min(120, Number($("down-secs").value) || 8));
    await ensureServerConnection();
    await control(`/control/down?ms=${secs * 1000}`);
    timeline.mark(`down ${secs} s`, "action");
    note(`The server drops connections and answers upgrades with 503 for ${secs} s; watch the backoff.`);
  },
  sleep: async () => {
    await ensureServerConnection();
    await control("/control/silence");
    timeline.mark("sleep 6 s", "action");
    // What a sleeping laptop does to a page: nothing runs, and the connection dies unnoticed.
    const until = performance.now() + 6000;
    while (performance.now() < until) {}
    note(ui.heartbeat.checked
      ? "The page did not run for 6 s and the server went silent: wsguard noticed its late timer, sent the heartbeat at once and replaced the connection when no answer came."
      : "The page did not run for 6 s and the server went silent: wsguard noticed its late timer and, as the pause was longer than reconnectAfterSuspendMs (3 s here), replaced the connection at once.");
  },
  idle: () => {
    connect(sameOrigin("/idle"));
    note(`The idle proxy cuts the connection after ${config.idleCutMs / 1000} s without a message. Send messages, or turn the heartbeat on, to keep it open.`);
  },
  untrusted: () => {
    if (!config.urls.untrusted) return note("The demo server did not report the untrusted-certificate server.");
    connect(config.urls.untrusted);
    note("A wss:// server with a self-signed certificate: the browser refuses the TLS handshake.");
  },
  rejected: () => {
    if (!config.urls.rejected) return note("The demo server did not report the rejecting server.");
    connect(config.urls.rejected);
    note(`A scheme-relative URL (${config.urls.rejected}) resolves to ${location.protocol === "https:" ? "wss" : "ws"}:// here; that server answers every upgrade with 403.`);
  },
  plain: () => {
    if (!config.urls.plain) return note("The demo server did not report the ws:// server.");
    ui.insecure.value = "upgrade";
    connect(config.urls.plain);
    note(location.protocol === "https:"
      ? "A ws:// URL on an HTTPS page is mixed content; wsguard (insecure: \"upgrade\") rewrites it to wss:// and warns once in the console."
      : "On an HTTP page a ws:// URL is fine as it is.");
  },
  mixed: () => {
    if (!config.urls.plain) return note("The demo server did not report the ws:// server.");
    ui.insecure.value = "error";
    connect(config.urls.plain);
    note(location.protocol === "https:"
      ? "With insecure: \"error\" wsguard refuses a ws:// URL on an HTTPS page, as browsers do for non-local hosts."
      : "On an HTTP page there is no mixed content: ws:// is allowed. Open the HTTPS page to see this fail.");
  },
};

for (const button of document.querySelectorAll("[data-scenario]")) {
  button.addEventListener("click", async () => {
    const name = button.dataset.scenario;
    button.disabled = true;
    try {
      await scenarios[name]();
    } catch (error) {
      note(`${name}: ${error.message}`);
    } finally {
      button.disabled = false;
    }
  });
}

// ---- controls ------------------------------------------------------------------------------

$("connect-form").addEventListener("submit", (event) => {
  event.preventDefault();
  connect();
});
$("send-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = ui.message.value;
  if (text) send(text);
});
$("reconnect").addEventListener("click", () => {
  if (!client) return connect();
  timeline.mark("reconnect()", "action");
  client.reconnect();
});
$("close").addEventListener("click", () => {
  if (!client) return;
  timeline.mark("close()", "action");
  retry = null;
  client.close();
});
ui.url.addEventListener("input", showResolved);
for (const input of [ui.heartbeat, ui.insecure, ui.maxDelay]) input.addEventListener("change", showResolved);

// ---- the loop: countdown and chart -----------------------------------------------------------

function tick() {
  if (retry) {
    const left = Math.max(0, retry.at - performance.now());
    ui.countdown.textContent = left > 0 ? `${(left / 1000).toFixed(1)} s` : "now";
    ui.countdownBar.style.width = `${retry.delayMs ? (left / retry.delayMs) * 100 : 0}%`;
  } else {
    ui.countdown.textContent = "—";
    ui.countdownBar.style.width = "0%";
  }
  timeline.render();
}
setInterval(tick, 100);
addEventListener("resize", () => timeline.render());

// ---- start -----------------------------------------------------------------------------------

const secure = location.protocol === "https:";
$("page-proto").textContent = secure ? "HTTPS page · wss://" : "HTTP page · ws://";
$("page-proto").classList.add(secure ? "secure" : "plain");
if (!secure) $("plain-what").innerHTML = "stays <code>ws://</code> on this HTTP page";

try {
  const res = await fetch("./demo/config.json", { cache: "no-store" });
  if (res.ok) config = { ...config, ...(await res.json()) };
} catch {
  // Served without scripts/serve.mjs: the failure scenarios stay unavailable.
}
const other = secure ? config.origins?.http : config.origins?.https;
if (other) {
  const link = $("other-origin");
  link.href = `${other}/`;
  link.textContent = secure ? "Open over HTTP" : "Open over HTTPS";
  link.hidden = false;
}

connect(ui.url.value.trim() || "/ws");
tick();
