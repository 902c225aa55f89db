// The page's network and lifecycle as one client listens to them: `online`/`offline` (in a
// worker also navigator.connection's `change`, since Chromium fires neither there), and in a
// page its visibility, freeze and resume, and back/forward-cache restores, each reported with
// how long the page was away.
import { isOnline, listen, now, timer } from "./page.js";

/** How long after `online` the change is reported: routes and DNS often lag the event. */
const ONLINE_SETTLE_MS = 500;
/**
 * A page hidden this long is treated as suspended when it becomes visible again: Chromium
 * throttles a hidden page's timers to once a minute after five minutes, and freezes some.
 */
const LONG_HIDDEN_MS = 300_000;

/**
 * Listens for the network and the page's lifecycle; calls `network(online)` and
 * `resumed(pausedMs, restored)`. Returns what removes every listener and the pending settle.
 */
export function watchPage({ network, resumed }) {
  const releases = [];
  let clearSettle = null;
  const watch = (target, type, listener) => {
    try {
      releases.push(listen(target, type, listener));
    } catch {}
  };
  const online = () => {
    clearSettle?.();
    clearSettle = timer(ONLINE_SETTLE_MS, () => {
      clearSettle = null;
      network(true);
    });
  };
  const offline = () => {
    clearSettle?.();
    clearSettle = null;
    network(false);
  };
  watch(globalThis, "online", online);
  watch(globalThis, "offline", offline);
  // Chromium fires neither in a worker, but NetworkInformation's `change` reaches it there.
  if (typeof document !== "object") {
    try {
      watch(navigator.connection, "change", () => (isOnline() ? online : offline)());
    } catch {}
  } else {
    // When the page stopped running (left for the back/forward cache, was frozen, or hidden),
    // so that its return is reported with how long it was away. No `unload` listener: it would
    // keep the page out of the back/forward cache.
    const stopped = {};
    const since = (key) => {
      const at = stopped[key];
      stopped[key] = undefined;
      return at === undefined ? 0 : now() - at;
    };
    watch(globalThis, "pagehide", () => (stopped.left = now()));
    watch(globalThis, "pageshow", (event) => {
      let restored = false;
      try {
        restored = event.persisted === true;
      } catch {}
      resumed(restored ? since("left") : 0, restored);
    });
    watch(document, "freeze", () => (stopped.frozen = now()));
    watch(document, "resume", () => resumed(since("frozen"), false));
    watch(document, "visibilitychange", () => {
      let visible = false;
      try {
        visible = document.visibilityState === "visible";
      } catch {}
      if (!visible) return void (stopped.hidden = now());
      const hiddenMs = since("hidden");
      resumed(hiddenMs < LONG_HIDDEN_MS ? 0 : hiddenMs, false);
    });
  }
  return () => {
    releases.forEach((release) => release());
    clearSettle?.();
    clearSettle = null;
  };
}
