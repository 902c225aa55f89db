// Runs one proxy scenario (support/proxy-scenarios.mjs) in one engine's page: opens a fresh page
// on the scenario's page origin, starts a WsGuard there, drives the scenario (waits for the
// diagnoses, sends an echo, holds the connection, or restarts the backend), and returns what
// happened as plain data. The assertions are the test file's.
//
//   const run = await runScenario({ engine, lab, proxy, scenario });
//   run.events       every WsGuard event, `{ type, at, … }` (diagnosis: `detail`)
//   run.diagnoses    the diagnosis details, in order
//   run.console      the page's console lines `{ type, text }`
import { readGuardInPage, sendGuardInPage, startGuardInPage, stopGuardInPage } from "./proxy-page.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls the page's recorded events until `predicate(events)` holds or `timeoutMs` passes. */
async function waitFor(page, predicate, timeoutMs, pollMs = 150) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await page.evaluate(readGuardInPage);
    if (predicate(run.events) || Date.now() >= deadline) return run;
    await sleep(pollMs);
  }
}

const diagnosesOf = (events) => events.filter((e) => e.type === "diagnosis").map((e) => e.detail);
const has = (events, type) => events.some((e) => e.type === type);

/** An `open` after the first `close`: the socket came back after the restart. */
function reopened(events) {
  const closeAt = events.findIndex((e) => e.type === "close");
  return closeAt >= 0 && events.slice(closeAt).some((e) => e.type === "open");
}

/** The WsGuard options of a scenario: no retries and no console unless it says otherwise. */
export function optionsOf(scenario) {
  return { maxRetries: 0, log: false, ...scenario.options };
}

export async function runScenario({ engine, lab, proxy, scenario }) {
  // engines.mjs opens every page on `lab.pageOrigin`, read at openPage() time.
  lab.pageOrigin = scenario.page ? scenario.page(proxy) : proxy.origin;
  const page = await engine.openPage();
  const extra = {};
  try {
    const url = scenario.url ? scenario.url(proxy) : "/ws";
    const started = await page.evaluate(startGuardInPage, { url, options: optionsOf(scenario) });
    if (!started.exports.includes("WsGuard")) {
      return { missing: `pkg/raw.js exports ${started.exports.join(", ")}: no WsGuard`, events: [], diagnoses: [], console: [] };
    }
    if (started.thrown) return { thrown: started.thrown, events: [], diagnoses: [], console: [] };

    let run;
    if (scenario.mode === "echo") {
      run = await waitFor(page, (events) => has(events, "open") || has(events, "close"), 8000);
      if (has(run.events, "open") && !has(run.events, "close")) {
        await page.evaluate(sendGuardInPage, "hello through the proxy");
        run = await waitFor(page, (events) => events.some((e) => e.type === "message") || has(events, "close"), 5000);
      }
    } else if (scenario.mode === "hold") {
      // Open, then nothing may happen for holdMs (a close ends the wait early).
      run = await waitFor(page, (events) => has(events, "open") || has(events, "close"), 8000);
      if (has(run.events, "open")) {
        const openedAt = Date.now();
        run = await waitFor(page, (events) => has(events, "close"), scenario.holdMs, 500);
        extra.heldMs = Date.now() - openedAt;
      }
    } else if (scenario.mode === "restart") {
      run = await waitFor(page, (events) => has(events, "open") || has(events, "close"), 8000);
      if (has(run.events, "open") && !has(run.events, "close")) {
        const restarted = proxy.backend.restart(scenario.restart);
        run = await waitFor(page, reopened, scenario.waitMs, 250);
        await restarted;
      }
    } else {
      const nth = scenario.nth ?? 1;
      run = await waitFor(page, (events) => diagnosesOf(events).length >= nth, scenario.waitMs ?? 8000);
    }
    await page.evaluate(stopGuardInPage);
    await sleep(150); // console lines that trail the last event
    const final = await page.evaluate(readGuardInPage);
    // Events up to the end of the drive; those after are the scenario's own close().
    const events = final.events.slice(0, run.events.length);
    return {
      ...extra,
      events,
      after: final.events.slice(run.events.length),
      diagnoses: diagnosesOf(events),
      console: await page.consoleMessages(),
    };
  } finally {
    await page.close().catch(() => {});
  }
}
