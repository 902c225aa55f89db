// A dedicated module worker that drives one parity client (adapters.mjs) for the worker
// scenarios of tests/e2e/parity.test.mjs, and reports every event to the page:
//
//   worker -> page  { type: "ready", online }           once both drivers are loaded
//                   { type: <event>, ...record }        every event of the client
//                   { type: "created", url, online } | { type: "threw", error }
//   page -> worker  { do: "create", side, url, options } | { do: "close" }
import * as parity from "/parity/adapters.mjs";

let client = null;

self.onmessage = ({ data: command }) => {
  try {
    if (command.do === "create") {
      client = parity.create(command.side, command.url, command.options);
      for (const type of ["open", "close", "error", "statechange", "reconnecting", "diagnosis"]) {
        client.on(type, (record) => postMessage({ ...record, state: client.state }));
      }
      postMessage({ type: "created", url: client.url, online: navigator.onLine });
    } else if (command.do === "close") {
      client?.close();
    }
  } catch (error) {
    postMessage({ type: "threw", error: parity.thrown(error) });
  }
};

postMessage({ type: "ready", online: navigator.onLine });
