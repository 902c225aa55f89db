//! The words: summaries and advice, as static strings wherever possible (the `.wasm` size
//! matters, so no `core::fmt`, no float formatting, and each repeated piece of advice
//! written once: an advice is a list of pieces, joined when a diagnosis is made).

use alloc::string::String;

use super::idle::IdleLimit;
use crate::core::text::push_decimal;
use crate::core::time::Millis;

/// An advice, in pieces that are joined end to end.
pub(super) type Advice = &'static [&'static str];

/// Where the exact network error is shown.
pub(super) const CONSOLE_LINE: &str =
    "In Chromium, the console line \"WebSocket connection to '…' failed: …\"";

/// The command that tests a WebSocket handshake by hand, to be followed by a URL.
pub(super) const TEST_WITH_CURL: &str = "Test with curl -i -N -H \"Connection: Upgrade\" -H \"Upgrade: websocket\" -H \"Sec-WebSocket-Version: 13\" -H \"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\" ";

/// What the handshake test should show.
pub(super) const EXPECT_101: &str = " and expect 101 Switching Protocols.";

/// The nginx settings a WebSocket upgrade needs.
pub(super) const NGINX_UPGRADE: &str = "Behind nginx set proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection \"upgrade\". ";

/// The heartbeat setting the advice recommends.
const HEARTBEAT_EXAMPLE: &str =
    "`heartbeat: { interval_ms: 25000, message: \"ping\", timeout_ms: 10000 }`";

/// What a heartbeat needs from the server.
const SERVER_MUST_ANSWER: &str = "the server must answer each heartbeat (any message counts) within `heartbeat.timeout_ms`, or wsguard closes the connection as dead (4901)";

pub(super) const MIXED_CONTENT: &str = "An insecure ws:// socket cannot be opened from an HTTPS page: the browser blocks it as mixed content (or the `insecure` option, set to \"error\", refused it before trying).";
pub(super) const MIXED_CONTENT_ADVICE: Advice = &["Use wss:// with a valid certificate, or a relative URL such as \"/ws\" (wss:// on HTTPS pages); only loopback hosts (localhost, 127.0.0.1, [::1]) may keep ws:// on a secure page, and not in Safari."];

pub(super) const USER_CLOSE: &str = "The application closed the connection.";
pub(super) const USER_RECONNECT: &str =
    "The application called reconnect(), which replaced the connection.";
pub(super) const NORMAL_ADVICE: Advice = &["Nothing to fix."];

pub(super) const SUSPENDED: &str = "The page was not running (back/forward cache, frozen tab, sleeping device) and the connection did not survive it.";
pub(super) const SUSPENDED_ADVICE: Advice = &["Nothing to fix: wsguard reconnected at once."];

pub(super) const OPEN_FAILED_BECAUSE: &str = "No socket was created for this attempt: ";
pub(super) const OPEN_FAILED: &str = "The browser refused to create the socket (for example a port browsers block, or an invalid URL).";
pub(super) const OPEN_FAILED_ADVICE: Advice = &["Read the exception on the console (also event.error). A URL function must return a ws:, wss:, http:, https: or relative URL, or a Promise of one; otherwise check the URL and its port (browsers refuse a few, such as 25 or 6000)."];

pub(super) const OFFLINE: &str =
    "The browser reports no network connection (navigator.onLine is false).";
pub(super) const OFFLINE_ADVICE: Advice = &["Nothing to fix in the application: wsguard reconnects when the browser fires \"online\". If the device has a network, look for DevTools throttling set to Offline, a VPN or a captive portal."];

pub(super) const CONNECT_TIMEOUT: &str = "The handshake did not complete within `connect_timeout_ms`: nothing answered in time, or the server or a proxy is overloaded.";
pub(super) const BROWSER_TIMEOUT: &str = "The handshake outlasted the browser's own limit (about 30 s for wss://, 240 s for ws://): something accepted the connection but never answered.";
pub(super) const TIMEOUT_ADVICE: Advice = &[
    "Check the host and port (a firewall that drops packets looks like this), a stalled proxy or an overloaded server; raise `connect_timeout_ms` only if the server is merely slow. ",
    TEST_WITH_CURL,
    "https://host/path (http:// for ws://)",
    EXPECT_101,
];

pub(super) const HEARTBEAT_LOST: &str = "The heartbeat got no answer within `heartbeat.timeout_ms`, so wsguard closed the connection as dead.";
pub(super) const HEARTBEAT_ADVICE: Advice = &[
    "Usually a network that vanished (sleep, a Wi-Fi change, a NAT or proxy that forgot the connection): wsguard reconnects. If the network is fine, ",
    SERVER_MUST_ANSWER,
    "; raise `heartbeat.timeout_ms` if the server is slow to reply.",
];

pub(super) const UNREACHABLE: &str = "The ws:// handshake failed: nothing accepted the connection, it was reset, or the server or a proxy refused the upgrade.";
pub(super) const UNREACHABLE_ADVICE: Advice = &[
    CONSOLE_LINE,
    " names the exact error (ERR_CONNECTION_REFUSED, ERR_NAME_NOT_RESOLVED, \"Unexpected response code: 404\" …). ",
    "Check that the server listens on that host, port and path. ",
    NGINX_UPGRADE,
    TEST_WITH_CURL,
    "http://host:port/path",
    EXPECT_101,
    " Outside local development use wss://: middleboxes often break plain ws:// upgrades.",
];

pub(super) const CERTIFICATE: &str = "The secure handshake failed: likely a certificate problem (untrusted, expired, or hostname not in the certificate), or nothing answers at that address.";
pub(super) const CERTIFICATE_ADVICE: Advice = &[
    CONSOLE_LINE,
    " names the exact error (ERR_CERT_AUTHORITY_INVALID, ERR_CERT_DATE_INVALID …). ",
    "Open https://host:port/ in a tab, or check dates and names with openssl s_client -connect host:443 -servername host. ",
    CERTIFICATE_FIX,
];

/// How to make a certificate work, for every engine.
pub(super) const CERTIFICATE_FIX: &str =
    "Use a certificate browsers trust (Let's Encrypt; mkcert locally) on a port that speaks TLS.";

pub(super) const HANDSHAKE_REJECTED: &str = "TLS to the server works, but the server or a proxy refused the upgrade (such as 400, 401, 403, 404, 426, 502 or 503, or an invalid handshake).";
pub(super) const HANDSHAKE_REJECTED_ADVICE: Advice = &[
    CONSOLE_LINE,
    " gives the status (\"Unexpected response code: 403\"). ",
    "Check the path, credentials and allowed Origins; offered protocols need the server to select one. ",
    NGINX_UPGRADE,
    TEST_WITH_CURL,
    "https://host/path",
    EXPECT_101,
];

pub(super) const PROTOCOL_ERROR: &str = "The browser failed the open connection because the server broke the WebSocket protocol (for example a text frame that is not valid UTF-8, a malformed frame, or for Safari a close code 1012 to 1014).";
pub(super) const PROTOCOL_ERROR_ADVICE: Advice = &[
    CONSOLE_LINE,
    " names the violation (\"Could not decode a text frame as UTF-8\" …). ",
    "Fix the server or proxy: text frames must be valid UTF-8 (other bytes go in binary frames), and server frames unmasked.",
];

pub(super) const CONNECTION_LOST: &str = "The open connection dropped without a close frame: the network changed, the device slept, or the server or a proxy stopped or restarted.";
pub(super) const CONNECTION_LOST_ADVICE: Advice = &[
    "Usually transient: wsguard reconnects. If frequent, read the server's and proxy's logs, and enable the heartbeat (",
    HEARTBEAT_EXAMPLE,
    ") so that dead connections are noticed within seconds.",
];

/// How to keep a connection that was cut after `idle_ms` of silence from going silent that
/// long, with a heartbeat interval below it, and the limits to raise instead.
pub(super) fn idle_advice(idle_ms: Millis) -> String {
    let interval = suggested_interval_ms(idle_ms);
    let mut out = String::with_capacity(720);
    out.push_str("Enable the heartbeat with `interval_ms` below that silence, such as `heartbeat: { interval_ms: ");
    push_decimal(&mut out, interval);
    out.push_str(", message: \"ping\", timeout_ms: ");
    push_decimal(&mut out, interval.min(10_000));
    out.push_str(" }`; ");
    out.push_str(SERVER_MUST_ANSWER);
    out.push_str(". Traffic either way resets nginx's proxy_read_timeout (60 s by default) and HAProxy's timeout tunnel (else timeout client/server: 50 s in Debian's haproxy.cfg); or raise those, the AWS load balancers' idle timeout (60 s) or Cloudflare's 100 s.");
    out
}

/// A heartbeat interval safely below a silence of `idle_ms`: half of it, in whole seconds,
/// at least 1 s.
pub(super) fn suggested_interval_ms(idle_ms: Millis) -> Millis {
    (idle_ms / 2000 * 1000).max(1000)
}

/// The meaning of a close code, as a short phrase.
///
/// ```
/// use wsguard::core::diagnosis::close_code_meaning;
/// assert_eq!(close_code_meaning(1012), "service restart");
/// assert_eq!(close_code_meaning(4001), "an application-defined code");
/// ```
pub fn close_code_meaning(code: u16) -> &'static str {
    match code {
        1000 => "normal closure",
        1001 => "going away",
        1002 => "protocol error",
        1003 => "unsupported data",
        1005 => "no status code",
        1007 => "invalid payload data",
        1008 => "policy violation, often a failed authentication",
        1009 => "message too big",
        1010 => "a required extension missing",
        1011 => "internal server error",
        1012 => "service restart",
        1013 => "try again later",
        1014 => "bad gateway",
        1015 => "TLS handshake failure",
        3000..=3999 => "a library or framework's code",
        4000..=4999 => "an application-defined code",
        _ => "a code without a defined meaning",
    }
}

/// "The server closed the connection with code N (meaning)."
pub(super) fn server_closed_summary(code: u16) -> String {
    let meaning = close_code_meaning(code);
    let mut out = String::with_capacity(56 + meaning.len());
    out.push_str("The server closed the connection with code ");
    push_decimal(&mut out, code.into());
    out.push_str(" (");
    out.push_str(meaning);
    out.push_str(").");
    out
}

pub(super) fn server_closed_advice(code: u16) -> Advice {
    match code {
        3000..=4999 => &["The server or library defines this code; add it to `fatal_codes` if a retry cannot succeed."],
        1001 | 1011 | 1014 => &["Usually a deploy or a server failure: read the server's or proxy's logs; wsguard reconnects with backoff."],
        1008 => &["Check the credentials and policy (Origins, rate limits) the server expects; wsguard does not reconnect after 1008 by default (`fatal_codes`)."],
        1012 | 1013 => &["The server asked clients to come back later: wsguard waits at least 5 s, spread out, before retrying."],
        1002 | 1003 | 1007 | 1009 | 1010 => &["The server refused what the client sent (size, format, encoding or extension); wsguard does not reconnect after this code by default (`fatal_codes`)."],
        _ => &["The server's logs say why it closed; wsguard reconnects unless the code is in `fatal_codes`."],
    }
}

/// "The connection dropped after about N s without inbound messages, the default idle limit
/// of …: a proxy or load balancer likely closed it as idle."
pub(super) fn idle_at_limit(idle_ms: Millis, limit: &IdleLimit) -> String {
    let mut out = String::with_capacity(160 + limit.who.len());
    out.push_str("The connection dropped after about ");
    push_seconds(&mut out, idle_ms);
    out.push_str(" without inbound messages, the default idle limit of ");
    out.push_str(limit.who);
    out.push_str(": an intermediary likely closed it as idle.");
    out
}

/// "The connection dropped after about N s without inbound messages, as long as the
/// previous one: …"
pub(super) fn idle_repeated(idle_ms: Millis) -> String {
    let mut out = String::with_capacity(200);
    out.push_str("The connection dropped after about ");
    push_seconds(&mut out, idle_ms);
    out.push_str(" without inbound messages, the same silence as the previous drop: a proxy or load balancer likely closes idle connections.");
    out
}

/// Appends "N s", rounded to the nearest second.
fn push_seconds(out: &mut String, ms: Millis) {
    push_decimal(out, ms.saturating_add(500) / 1000);
    out.push_str(" s");
}

#[cfg(test)]
mod tests {
    use alloc::string::String;

    use super::push_seconds;

    #[test]
    fn seconds_are_rounded_to_the_nearest() {
        for (ms, text) in [
            (0, "0 s"),
            (499, "0 s"),
            (500, "1 s"),
            (60_499, "60 s"),
            (60_500, "61 s"),
        ] {
            let mut out = String::new();
            push_seconds(&mut out, ms);
            assert_eq!(out, text, "{ms} ms");
        }
        let mut out = String::new();
        push_seconds(&mut out, u64::MAX);
        assert_eq!(out, "18446744073709551 s");
    }
}
