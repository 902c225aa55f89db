//! The probe: when to run it, and what to fetch.
//!
//! After a handshake failure the browser does not say why. One request tells more:
//! - **On the page's own origin** (`wss:` on an `https:` page, `ws:` on an `http:` page, same
//!   host and port), a plain `GET` of the socket's own URL (path and query kept, the page's
//!   cookies sent as the handshake sends them, redirects not followed) whose status and
//!   `Server` header the page may read: 502 from a proxy whose backend is down, 404 for a
//!   wrong path, 403 for a refused Origin or credentials, 426 from a WebSocket server that got
//!   no upgrade ([`Answer`](super::Answer)). A rejected request means that nothing answers.
//! - **Elsewhere**, for `wss:` only, one `fetch("https://host:port/", {mode: "no-cors", cache:
//!   "no-store", credentials: "omit"})`: an opaque response proves that TLS to that host and
//!   port works (so the upgrade was refused); a rejection means that TLS failed (an untrusted,
//!   expired or wrong-name certificate) or that nothing answers.

use alloc::string::String;

use super::facts::{Facts, Probe};
use crate::core::close::CloseCause;
use crate::core::time::Millis;

/// The browser's own limit on a `wss:` opening handshake (Chromium: 30 s).
const BROWSER_WSS_HANDSHAKE_MS: Millis = 30_000;
/// The browser's own limit on a `ws:` opening handshake (Chromium: 240 s).
const BROWSER_WS_HANDSHAKE_MS: Millis = 240_000;
/// Timers fire a little early or late; a handshake this close to the limit reached it.
const HANDSHAKE_LIMIT_SLACK_MS: Millis = 1_000;

/// Whether a never-opened socket lasted as long as the browser's own opening-handshake
/// limit (about 30 s for `wss:`, 240 s for `ws:`), so it failed by timing out.
///
/// ```
/// use wsguard::core::diagnosis::reached_browser_handshake_limit;
/// assert!(reached_browser_handshake_limit(true, 30_004));
/// assert!(!reached_browser_handshake_limit(false, 30_004));
/// assert!(reached_browser_handshake_limit(false, 240_000));
/// ```
pub fn reached_browser_handshake_limit(wss: bool, lifetime_ms: Millis) -> bool {
    let limit = if wss {
        BROWSER_WSS_HANDSHAKE_MS
    } else {
        BROWSER_WS_HANDSHAKE_MS
    };
    lifetime_ms.saturating_add(HANDSHAKE_LIMIT_SLACK_MS) >= limit
}

/// Whether to run the probe before classifying this close.
///
/// Only where its answer changes the diagnosis: a `wss:` socket, or one on the page's own
/// origin ([`Facts::same_origin`]), that never opened and that
/// the browser closed with 1006 (not our connect timeout, not a constructor failure, not
/// mixed content), while online, before the browser's own handshake limit, with the `probe`
/// option on (`enabled`). [`crate::core::diagnosis::Streak::plan_probe`] adds the last
/// condition: no probe yet in this failure streak.
///
/// The page's own scheme does not matter: an `http:` page may fetch an `https:` URL (that
/// is not mixed content), and the question, "does TLS to that host work?", is the same. A
/// developer on `http://localhost` pointing at a remote `wss://` server gets the same help.
///
/// ```
/// use wsguard::core::diagnosis::{should_probe, Facts};
/// use wsguard::core::close::{CloseCause, CloseInfo};
/// let close = CloseInfo {
///     socket: None, code: 1006, reason: String::new(), was_clean: false,
///     cause: CloseCause::Socket, was_open: false, open_for_ms: 0, idle_for_ms: 0,
///     lifetime_ms: 25, attempt: 0, will_retry: true, retry_in_ms: Some(700),
///     offline: false, errored: true,
/// };
/// let facts = Facts::new(&close, "wss://api.example/ws");
/// assert!(should_probe(&facts, true));
/// assert!(!should_probe(&facts, false)); // probe: false
/// ```
pub fn should_probe(facts: &Facts<'_>, enabled: bool) -> bool {
    let close = facts.close;
    enabled
        && (facts.wss || facts.same_origin)
        && !facts.mixed_content
        && facts.online
        && !close.offline
        && matches!(close.cause, CloseCause::Socket | CloseCause::NoCloseEvent)
        && !close.was_open
        && !close.was_clean
        && close.code == 1006
        && facts.probe == Probe::Skipped
        && !reached_browser_handshake_limit(facts.wss, close.lifetime_ms)
        && probe_request(facts).is_some()
}

/// What the probe fetches, and how (see the module's documentation).
///
/// ```
/// use wsguard::core::diagnosis::ProbeRequest;
/// let request = ProbeRequest { url: "https://app.example/ws?room=1".into(), same_origin: true };
/// assert!(request.same_origin);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeRequest {
    /// The URL to fetch.
    pub url: String,
    /// `true`: a plain `GET` of the socket's own URL, `credentials: "same-origin"`,
    /// `redirect: "manual"`, `cache: "no-store"`, reading the status, the `Server` header and
    /// the start of the body. `false`: `mode: "no-cors"`, `credentials: "omit"`,
    /// `referrerPolicy: "no-referrer"`, `cache: "no-store"`, telling only whether it resolved.
    pub same_origin: bool,
}

/// The probe for these facts: the socket's own URL over HTTP(S) when it is on the page's
/// origin, otherwise the `wss:` host's HTTPS origin ([`probe_url`]); `None` when neither fits.
///
/// ```
/// use wsguard::core::diagnosis::{probe_request, Facts};
/// use wsguard::core::close::{CloseCause, CloseInfo};
/// let close = CloseInfo {
///     socket: None, code: 1006, reason: String::new(), was_clean: false,
///     cause: CloseCause::Socket, was_open: false, open_for_ms: 0, idle_for_ms: 0,
///     lifetime_ms: 25, attempt: 0, will_retry: true, retry_in_ms: Some(700),
///     offline: false, errored: true,
/// };
/// let facts = Facts { same_origin: true, ..Facts::new(&close, "wss://app.example/ws?t=1#x") };
/// assert_eq!(probe_request(&facts).unwrap().url, "https://app.example/ws?t=1");
/// let elsewhere = Facts::new(&close, "wss://api.example/ws?t=1");
/// assert_eq!(probe_request(&elsewhere).unwrap().url, "https://api.example/");
/// ```
pub fn probe_request(facts: &Facts<'_>) -> Option<ProbeRequest> {
    if facts.same_origin {
        let url = http_url(facts.url)?;
        return Some(ProbeRequest {
            url,
            same_origin: true,
        });
    }
    probe_url(facts.url).map(|url| ProbeRequest {
        url,
        same_origin: false,
    })
}

/// A `ws:`/`wss:` URL as the `http:`/`https:` URL of the same resource, fragment dropped.
fn http_url(ws_url: &str) -> Option<String> {
    let colon = ws_url.find(':')?;
    let scheme = ws_url.get(..colon)?;
    let rest = ws_url.get(colon + 1..)?.strip_prefix("//")?;
    let http = if scheme.eq_ignore_ascii_case("ws") {
        "http://"
    } else if scheme.eq_ignore_ascii_case("wss") {
        "https://"
    } else {
        return None;
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    let mut url = String::with_capacity(http.len() + rest.len());
    url.push_str(http);
    url.push_str(rest);
    Some(url)
}

/// Whether the WebSocket URL `ws_url` is on the origin of the page at `page_href` (both
/// normalized WHATWG `href`s, as wsguard resolves them): `wss:` on `https:` or `ws:` on
/// `http:`, with the same host and port.
///
/// ```
/// use wsguard::core::diagnosis::same_origin;
/// assert!(same_origin("https://app.example/chat?x", "wss://app.example/ws"));
/// assert!(same_origin("http://localhost:5173/", "ws://localhost:5173/ws"));
/// assert!(!same_origin("https://app.example/", "wss://api.example/ws"));
/// assert!(!same_origin("https://app.example/", "wss://app.example:8443/ws"));
/// assert!(!same_origin("https://app.example/", "ws://app.example/ws"));
/// ```
pub fn same_origin(page_href: &str, ws_url: &str) -> bool {
    let Some(http) = http_url(ws_url) else {
        return false;
    };
    // `scheme://authority` of the socket's URL as http(s), then the same at the page's start.
    let authority_start = http.find('/').map_or(0, |slash| slash + 2);
    let end = http
        .get(authority_start..)
        .and_then(|rest| rest.find(['/', '?', '#', '@']))
        .map_or(http.len(), |at| authority_start + at);
    let origin = http.get(..end).unwrap_or_default();
    let page = page_href.as_bytes();
    page_href
        .get(..origin.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(origin))
        && matches!(page.get(origin.len()), None | Some(b'/' | b'?' | b'#'))
        && http.as_bytes().get(end) != Some(&b'@')
}

/// The URL the TLS probe fetches: `https://` with the socket URL's host and port, and
/// nothing else (no user info, path, query or fragment). `None` unless `ws_url` is an
/// absolute `wss:` URL with a host.
///
/// The input is an already-normalized WHATWG `href` (as wsguard resolves it), so plain
/// string work suffices: IPv6 brackets and a non-default port are kept as they are.
///
/// ```
/// use wsguard::core::diagnosis::probe_url;
/// assert_eq!(
///     probe_url("wss://me:pw@[::1]:8443/ws?token=x#f").as_deref(),
///     Some("https://[::1]:8443/"),
/// );
/// assert_eq!(probe_url("ws://api.example/ws"), None);
/// ```
pub fn probe_url(ws_url: &str) -> Option<String> {
    let scheme = ws_url.get(..6)?;
    if !scheme.eq_ignore_ascii_case("wss://") {
        return None;
    }
    let rest = ws_url.get(6..)?;
    let authority_end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..authority_end)?;
    let host_port = match authority.rfind('@') {
        Some(at) => authority.get(at + 1..)?,
        None => authority,
    };
    if !is_host_port(host_port) {
        return None;
    }
    let mut url = String::with_capacity(9 + host_port.len());
    url.push_str("https://");
    url.push_str(host_port);
    url.push('/');
    Some(url)
}

/// A non-empty host (and port) without characters a normalized URL never has there.
fn is_host_port(host_port: &str) -> bool {
    let host = match host_port.strip_prefix('[') {
        Some(bracketed) => bracketed.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    !host.is_empty()
        && host_port
            .chars()
            .all(|c| !c.is_control() && !c.is_whitespace() && !matches!(c, '<' | '>' | '"'))
}
