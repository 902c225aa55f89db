//! The TLS probe: when to run it, and what to fetch.
//!
//! After a `wss://` handshake failure the browser does not say whether TLS failed (an
//! untrusted, expired or wrong-name certificate, or nothing listening) or TLS worked and the
//! upgrade was refused (a 403, a proxy without WebSocket support). One
//! `fetch("https://host:port/", {mode: "no-cors", cache: "no-store", credentials: "omit"})`
//! to the same host and port does: an opaque response proves that TLS works; a rejection
//! means it does not, or that nothing answers.

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

/// Whether to run the TLS probe before classifying this close.
///
/// Only where its answer changes the diagnosis: a `wss:` socket that never opened and that
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
        && facts.wss
        && !facts.mixed_content
        && facts.online
        && !close.offline
        && matches!(close.cause, CloseCause::Socket | CloseCause::NoCloseEvent)
        && !close.was_open
        && !close.was_clean
        && close.code == 1006
        && facts.probe == Probe::Skipped
        && !reached_browser_handshake_limit(true, close.lifetime_ms)
        && probe_url(facts.url).is_some()
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
