// The package's entry in Node (the "node" condition of its exports map, for "wsguard" and
// "wsguard/raw"): what a server-side render imports (Next.js, Nuxt, SvelteKit, Remix, Astro,
// `vite build --ssr`). A WebSocket client belongs in the browser, so this module loads no
// WebAssembly and fetches nothing: importing it never throws, and every use throws one clear
// error saying why and where to construct the client instead. Its names are those of index.js.

/** The error every use in Node throws: what was called, why it cannot work here, what to do. */
function notInBrowser(what) {
  return new Error(
    `wsguard: ${what} runs in the browser (a page or a worker), not in Node, where this code ` +
      "runs now (a server-side render?). Create the client in the browser: in an effect " +
      '(React: useEffect, or useWsGuard from "wsguard/react"), Vue: onMounted, Svelte: onMount, ' +
      "or a client-only component.",
  );
}

/** The class as a type and for `instanceof`; constructing it throws the error above. */
export class WsGuard extends EventTarget {
  constructor() {
    super();
    throw notInBrowser("new WsGuard()");
  }
}

export function resolveUrl() {
  throw notInBrowser("resolveUrl()");
}

export function classifyClose() {
  throw notInBrowser("classifyClose()");
}

export function debugCounts() {
  throw notInBrowser("debugCounts()");
}

export function initSync() {
  throw notInBrowser("initSync()");
}

export default async function init() {
  throw notInBrowser("init()");
}

/** Rejected with the error above for code that awaits it; handled here, so never "unhandled". */
export const ready = init();
ready.catch(() => {});
