// The page's network and lifecycle as one client listens to them: `online`/`offline` (in a
// worker also navigator.connection's `change`, since Chromium fires neither there), and in a
// page its visibility, `pagehide`/`pageshow`, `freeze` and `resume`. Each event is reported as
// it happens, as a page fact; what it means (how long the page was away, whether that was a
// suspension, when the network counts as back) is the session's (core/session/page.rs).

import { isOnline, listen } from "./page.js";

/** The page facts, as the numbers the session takes (`page_fact` in wasm/src/session.rs). */
const ONLINE = 0;
const OFFLINE = 1;
const HIDDEN = 2;
const VISIBLE = 3;
const LEFT = 4;
const SHOWN = 5;
const RESTORED = 6;
const FROZEN = 7;
const RESUMED = 8;

/** Reads `event` into a fact; a getter that throws reads as the value's absence. */
const either = (read, yes, no) => {
  try {
    if (read()) return yes;
  } catch {}
  return no;
};

/** Listens for the network and the page's lifecycle; calls `report(fact)`. Returns what removes every listener. */
export function watchPage(report) {
  const releases = [];
  const watch = (target, type, fact) => {
    try {
      releases.push(listen(target, type, (event) => report(fact(event))));
    } catch {}
  };
  watch(globalThis, "online", () => ONLINE);
  watch(globalThis, "offline", () => OFFLINE);
  if (typeof document !== "object") {
    try {
      watch(navigator.connection, "change", () => (isOnline() ? ONLINE : OFFLINE));
    } catch {}
  } else {
    // No `unload` listener: it would keep the page out of the back/forward cache.
    watch(globalThis, "pagehide", () => LEFT);
    watch(globalThis, "pageshow", (event) => either(() => event.persisted === true, RESTORED, SHOWN));
    watch(document, "freeze", () => FROZEN);
    watch(document, "resume", () => RESUMED);
    watch(document, "visibilitychange", () => either(() => document.visibilityState === "visible", VISIBLE, HIDDEN));
  }
  return () => releases.forEach((release) => release());
}
