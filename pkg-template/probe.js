// The HTTPS probe the session asks for after a failed handshake (see the core's
// `ProbeRequest`): on the page's own origin, a plain GET of the socket's own URL with the page's
// cookies, whose status, `Server` header and (for an error) the first 512 characters of its body
// are reported; elsewhere, one `no-cors` request to `https://host:port/` without credentials,
// cookies, referrer, path or query, which only resolves or rejects. Its deadline is the
// session's, which asks for it to be abandoned when it passes.

/**
 * Fetches `url` and calls `answer(reached, skipped, status, server, body)` once, unless
 * abandoned first. Returns what abandons it (the request is aborted, no answer afterwards).
 */
export function startProbe(url, sameOrigin, answer) {
  let controller = null;
  try {
    controller = new AbortController();
  } catch {}
  let finished = false;
  const finish = (...result) => {
    if (finished) return;
    finished = true;
    answer(...result);
  };
  const settled = (reached, skipped) => finish(reached, skipped, undefined, "", "");
  const init = sameOrigin
    ? { cache: "no-store", credentials: "same-origin", redirect: "manual" }
    : { mode: "no-cors", cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer" };
  init.signal = controller?.signal;
  try {
    Promise.resolve(fetch(url, init))
      .then(async (response) => {
        if (!sameOrigin) return settled(true, false);
        const number = Number(response?.status);
        const status = number >= 0 && number <= 999 ? number | 0 : 0;
        const server = String(response?.headers?.get("server") ?? "");
        // HAProxy names itself only in the text of its error pages.
        const body = status >= 400 ? await response.text().then((text) => String(text).slice(0, 512), () => "") : "";
        finish(true, false, status, server, body);
      })
      .catch(() => settled(false, false));
  } catch {
    settled(false, true);
  }
  return () => {
    finished = true;
    try {
      controller?.abort();
    } catch {}
  };
}
