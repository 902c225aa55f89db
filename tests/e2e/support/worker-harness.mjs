// A dedicated module worker that drives one WsGuard for tests/e2e/worker.test.mjs. It imports the
// package's main entry (which loads the WebAssembly itself, here in the worker) and reports
// everything as messages to the page:
//
//   worker -> page  { type: "ready", href, online, worker }   once loaded
//                   { type: <event>, state, … }                every event of the client
//                   { type: "freed", counts }                  after free()
//   page -> worker  { do: "create", url, options } | { do: "send", data } | { do: "close" } | { do: "free" }
import { WsGuard, debugCounts } from "/pkg/index.js";

let guard = null;

const report = (type, fields) => postMessage({ type, state: guard?.state, ...fields });

const EVENTS = {
  open: () => ({ url: guard.url }),
  message: (event) => ({ data: event.data }),
  close: (event) => ({ code: event.code }),
  statechange: (event) => ({ to: event.detail.to }),
  reconnecting: (event) => ({ attempt: event.detail.attempt }),
  diagnosis: (event) => ({ kind: event.detail.kind, probe: event.detail.probe, url: event.detail.url }),
};

self.onmessage = ({ data: command }) => {
  try {
    if (command.do === "create") {
      guard = new WsGuard(command.url, command.options);
      for (const [type, fields] of Object.entries(EVENTS)) guard.addEventListener(type, (event) => report(type, fields(event)));
      report("created", { url: guard.url, online: navigator.onLine });
    } else if (command.do === "send") {
      guard.send(command.data);
    } else if (command.do === "close") {
      guard.close();
    } else if (command.do === "free") {
      guard.free();
      guard = null;
      report("freed", { counts: debugCounts() });
    }
  } catch (error) {
    report("error", { message: `${error?.name}: ${error?.message}` });
  }
};

postMessage({
  type: "ready",
  href: location.href,
  online: navigator.onLine,
  worker: typeof WorkerGlobalScope === "function" && self instanceof WorkerGlobalScope && typeof document === "undefined",
});
