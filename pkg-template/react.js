// "wsguard/react": useWsGuard(url, options?), the React hook. A separate entry: the main entry
// holds nothing of it, and React is an optional peer dependency that only this file imports.
//
// - It imports "wsguard" by name, not "./index.js": under server-side rendering the package's
//   "node" condition applies, so the hook's module loads in Node, renders the initial values,
//   and never constructs a client there (effects do not run on the server).
// - The client is created a microtask after the effect runs and only if the effect was not
//   cleaned up meanwhile. React's StrictMode runs effects, their cleanups and the effects again
//   in one go in development: the first run is cancelled before it opens anything, so there is
//   never a second socket, not even for a moment.
// - `options` are read when a client is created; a new `url` closes the client and creates one
//   for the new URL once the old socket has closed, so the two never overlap either. A function
//   URL is called before every attempt; the latest one is used.
import { useCallback, useEffect, useRef, useState } from "react";
import { WsGuard } from "wsguard";

const INITIAL = { client: null, state: "connecting", attempt: 0, lastMessage: null, lastDiagnosis: null };
/** How long a retired client may take to close before the next one starts anyway, ms. */
const CLOSE_WAIT_MS = 3000;

/** Closes `guard` and frees it once closed; resolves then (or after CLOSE_WAIT_MS at most). */
function retire(guard) {
  return new Promise((resolve) => {
    let timer = null;
    const done = () => {
      clearTimeout(timer);
      guard.free();
      resolve();
    };
    if (guard.state === "closed") return done();
    guard.addEventListener("close", done, { once: true });
    timer = setTimeout(done, CLOSE_WAIT_MS);
    guard.close();
  });
}

/**
 * The live client for `url`, re-rendering on its `state`, `attempt`, last message and last
 * diagnosis, and a `send` stable across renders (what it is given before the client exists is
 * sent through the client once it does). Unmounting closes the client and frees it once closed.
 */
export function useWsGuard(url, options) {
  const latest = useRef({ url, options });
  const client = useRef(null);
  const early = useRef([]);
  const retiring = useRef(null);
  const [snapshot, setSnapshot] = useState(INITIAL);
  // The connection's identity: a string URL, or "a function" (whichever is latest is called).
  const key = typeof url === "function" ? useWsGuard : url;

  useEffect(() => {
    latest.current = { url, options };
  });

  useEffect(() => {
    let cancelled = false;
    let guard = null;
    const listening = new AbortController();
    const start = () => {
      if (cancelled) return;
      const { url, options } = latest.current;
      try {
        guard = new WsGuard(typeof url === "function" ? () => latest.current.url() : url, options);
      } catch (error) {
        // A bad URL or option: thrown where React reports it (the nearest error boundary).
        setSnapshot(() => {
          throw error;
        });
        return;
      }
      const signal = listening.signal;
      const progress = () => setSnapshot((s) => ({ ...s, state: guard.state, attempt: guard.attempt }));
      guard.addEventListener("statechange", progress, { signal });
      guard.addEventListener("reconnecting", progress, { signal });
      guard.addEventListener("message", (event) => setSnapshot((s) => ({ ...s, lastMessage: event })), { signal });
      guard.addEventListener(
        "diagnosis",
        (event) => setSnapshot((s) => ({ ...s, state: guard.state, attempt: guard.attempt, lastDiagnosis: event.detail })),
        { signal },
      );
      client.current = guard;
      setSnapshot({ ...INITIAL, client: guard, state: guard.state, attempt: guard.attempt });
      for (const data of early.current.splice(0)) guard.send(data);
    };
    if (retiring.current === null) queueMicrotask(start);
    else retiring.current.then(start);
    return () => {
      cancelled = true;
      listening.abort();
      if (guard === null) return;
      if (client.current === guard) client.current = null;
      // Until the next client exists, nothing renders the retired one (freed once closed).
      setSnapshot(INITIAL);
      const retired = retire(guard);
      retiring.current = retired;
      retired.then(() => {
        if (retiring.current === retired) retiring.current = null;
      });
    };
  }, [key]);

  const send = useCallback((data) => {
    if (client.current === null) early.current.push(data);
    else client.current.send(data);
  }, []);

  return { ...snapshot, send };
}
