//! Failure diagnosis: tells apart the failures a browser reports all alike.
//!
//! Browsers report nearly every WebSocket failure the same way: an `error` event, then a
//! `close` with code 1006, an empty reason and `wasClean = false`. The exact network error
//! (`ERR_CERT_AUTHORITY_INVALID`, "Unexpected response code: 403", …) reaches only the
//! DevTools console, which scripts cannot read. What a page *can* observe still separates
//! most causes:
//!
//! - **the phase**: whether the socket ever opened, and whether an `error` came first;
//! - **the close frame**: `wasClean` means the server closed on purpose, with a code;
//! - **what wsguard did itself**: the user's `close()`, our connect timeout, our heartbeat;
//! - **the network**: `navigator.onLine`;
//! - **timing**: a handshake that lasted as long as the browser's own limit, a connection
//!   that dropped after a silence matching a common proxy idle limit or the previous drop;
//! - **one probe**: after a `wss://` handshake failure, a `no-cors` `fetch` of
//!   `https://host:port/` tells "TLS works, so the upgrade was refused" from "TLS failed or
//!   nothing answers" (see [`should_probe`] and [`probe_url`]).
//!
//! This module is pure: the browser driver gathers the [`Facts`], runs the probe when
//! [`should_probe`] says so, calls [`classify`], and lets a [`Streak`] decide what reaches
//! the console. Pages that keep their own `WebSocket` use [`classify_close`].
//!
//! | facts (first rule that matches wins) | [`Kind`] |
//! |---|---|
//! | mixed-content `SecurityError`, or `insecure: "error"` refused the URL | `mixed-content` |
//! | the application's `close()` or `reconnect()` | `normal` |
//! | a close frame (`wasClean`) | `server-closed` |
//! | the constructor threw for another reason | `unreachable` |
//! | `navigator.onLine` false, or the machine saw `offline` | `offline` |
//! | our connect timeout, or a never-opened socket that lasted the browser's own handshake limit | `timeout` |
//! | our heartbeat got no answer | `connection-lost` |
//! | never opened, `wss:`, probe resolved | `handshake-rejected` |
//! | never opened, `wss:`, probe rejected or not made | `certificate` |
//! | never opened, `ws:` | `unreachable` |
//! | opened, then `error` and close | `protocol-error` |
//! | opened, dropped after a silence matching a common idle limit or the previous drop, no heartbeat | `idle-timeout` |
//! | opened, dropped | `connection-lost` |
//!
//! ```
//! use wsguard::core::diagnosis::{classify, Facts, Kind, Probe};
//! use wsguard::core::machine::{CloseCause, CloseInfo};
//!
//! let close = CloseInfo {
//!     socket: None, code: 1006, reason: String::new(), was_clean: false,
//!     cause: CloseCause::Socket, was_open: false, open_for_ms: 0, idle_for_ms: 0,
//!     lifetime_ms: 40, attempt: 0, will_retry: true, retry_in_ms: Some(800),
//!     offline: false, errored: true,
//! };
//! let facts = Facts { probe: Probe::TlsOk, ..Facts::new(&close, "wss://api.example/ws?token=x") };
//! let diagnosis = classify(&facts);
//! assert_eq!(diagnosis.kind, Kind::HandshakeRejected);
//! assert_eq!(diagnosis.url, "wss://api.example/ws");
//! ```

use alloc::borrow::Cow;
use alloc::string::String;

use super::machine::{CloseCause, CloseInfo, Millis};
use super::text::{concat, push_decimal};
use super::url::redact;

mod idle;
mod input;
mod probe;
mod streak;
mod text;

pub use idle::{matches_common_idle_limit, matches_previous_idle, IdleLimit, COMMON_IDLE_LIMITS};
pub use input::{classify_close, ClassifyInput};
pub use probe::{probe_url, reached_browser_handshake_limit, should_probe};
pub use streak::{ProbePlan, Streak};
pub use text::close_code_meaning;

/// What went wrong (or did not): the class of a close, named in JS by its stable kebab-case
/// name ([`Kind::as_str`]).
///
/// ```
/// use wsguard::core::diagnosis::Kind;
/// assert_eq!(Kind::IdleTimeout.as_str(), "idle-timeout");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Kind {
    /// `mixed-content`: a `ws://` socket from an HTTPS page, blocked by the browser (a
    /// synchronous `SecurityError`) or refused by `insecure: "error"`. Never a loopback host.
    MixedContent,
    /// `certificate`: a `wss://` handshake failed and the TLS probe failed or was not made:
    /// an untrusted, expired or wrong-name certificate, or nothing answering at that address.
    Certificate,
    /// `handshake-rejected`: TLS works (the probe resolved) but the server or a proxy did not
    /// accept the upgrade (a 400/401/403/404/502 answer, a bad `Sec-WebSocket-Accept`, no
    /// sub-protocol selected).
    HandshakeRejected,
    /// `unreachable`: a `ws://` handshake failed (refused, reset, name not resolved, or the
    /// upgrade refused), or the browser refused to create the socket at all.
    Unreachable,
    /// `timeout`: the handshake took too long (our `connectTimeoutMs`, or the browser's own
    /// ~30 s `wss:` / ~240 s `ws:` limit).
    Timeout,
    /// `connection-lost`: an open connection dropped without a close frame (or our heartbeat
    /// found it dead).
    ConnectionLost,
    /// `idle-timeout`: an open connection without heartbeat dropped after a silence that
    /// matches a common proxy idle limit, or the previous drop's silence.
    IdleTimeout,
    /// `server-closed`: the server sent a close frame; the code says why.
    ServerClosed,
    /// `protocol-error`: the browser failed an open connection (`error`, then 1006), for
    /// example on an invalid UTF-8 text frame.
    ProtocolError,
    /// `offline`: the browser reports no network.
    Offline,
    /// `normal`: the application closed or replaced the connection itself.
    Normal,
}

impl Kind {
    /// The stable name used in JS (`diagnosis.kind`) and on the console.
    ///
    /// ```
    /// use wsguard::core::diagnosis::Kind;
    /// assert_eq!(Kind::MixedContent.as_str(), "mixed-content");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MixedContent => "mixed-content",
            Self::Certificate => "certificate",
            Self::HandshakeRejected => "handshake-rejected",
            Self::Unreachable => "unreachable",
            Self::Timeout => "timeout",
            Self::ConnectionLost => "connection-lost",
            Self::IdleTimeout => "idle-timeout",
            Self::ServerClosed => "server-closed",
            Self::ProtocolError => "protocol-error",
            Self::Offline => "offline",
            Self::Normal => "normal",
        }
    }

    /// A bit of its own, for small sets of kinds.
    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The result of the TLS probe: one `fetch("https://host:port/", {mode: "no-cors", cache:
/// "no-store", credentials: "omit"})` after a `wss://` handshake failure.
///
/// ```
/// use wsguard::core::diagnosis::Probe;
/// assert_eq!(Probe::default(), Probe::Skipped);
/// assert_eq!(Probe::TlsFailed.as_str(), "tls-failed");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Probe {
    /// `tls-ok`: the fetch resolved (an opaque response): TLS to that host and port works.
    TlsOk,
    /// `tls-failed`: the fetch rejected or timed out: TLS failed, or nothing answered.
    TlsFailed,
    /// `skipped`: no probe was made (not a `wss:` handshake failure, `probe: false`, or
    /// already probed in this failure streak).
    #[default]
    Skipped,
}

impl Probe {
    /// The stable name used in JS (`diagnosis.probe`).
    ///
    /// ```
    /// use wsguard::core::diagnosis::Probe;
    /// assert_eq!(Probe::TlsOk.as_str(), "tls-ok");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::TlsOk => "tls-ok",
            Self::TlsFailed => "tls-failed",
            Self::Skipped => "skipped",
        }
    }

    /// The result named `"tls-ok"`, `"tls-failed"` or `"skipped"`, if any.
    ///
    /// ```
    /// use wsguard::core::diagnosis::Probe;
    /// assert_eq!(Probe::parse("tls-ok"), Some(Probe::TlsOk));
    /// assert_eq!(Probe::parse("maybe"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "tls-ok" => Some(Self::TlsOk),
            "tls-failed" => Some(Self::TlsFailed),
            "skipped" => Some(Self::Skipped),
            _ => None,
        }
    }
}

/// Everything [`classify`] looks at. The driver fills it after each close.
///
/// ```
/// use wsguard::core::diagnosis::Facts;
/// use wsguard::core::machine::{CloseCause, CloseInfo};
/// let close = CloseInfo {
///     socket: None, code: 1000, reason: String::new(), was_clean: true,
///     cause: CloseCause::UserClose, was_open: true, open_for_ms: 10, idle_for_ms: 1,
///     lifetime_ms: 20, attempt: 0, will_retry: false, retry_in_ms: None,
///     offline: false, errored: false,
/// };
/// let facts = Facts::new(&close, "wss://a.example/ws");
/// assert!(facts.wss && facts.online && !facts.heartbeat);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts<'a> {
    /// The machine's report of the close (code, reason, cause, phase, timings, retry plan,
    /// the machine's `offline` flag and whether an `error` event came first).
    pub close: &'a CloseInfo,
    /// The socket's URL, already resolved. It is redacted before it is stored or shown.
    pub url: &'a str,
    /// Whether `url` is a `wss:` URL.
    pub wss: bool,
    /// Whether the page was loaded over HTTPS (`location.protocol === "https:"`).
    pub page_secure: bool,
    /// Whether opening failed synchronously with a mixed-content `SecurityError`, or
    /// `insecure: "error"` refused the URL.
    pub mixed_content: bool,
    /// `navigator.onLine` when the close was handled.
    pub online: bool,
    /// The TLS probe's result, or [`Probe::Skipped`].
    pub probe: Probe,
    /// Whether the client runs a heartbeat (`heartbeat` option set).
    pub heartbeat: bool,
    /// How long the previous dropped connection had been silent when it dropped (see
    /// [`Streak::previous_idle_ms`]), for the repeated-idle rule.
    pub previous_idle_ms: Option<Millis>,
    /// Why opening failed before a socket existed, when the driver knows (the URL function
    /// threw or returned something unusable, or the constructor threw): shown in the summary.
    pub open_error: Option<&'a str>,
}

impl<'a> Facts<'a> {
    /// Facts with only the close and the URL known: `wss` from the URL's scheme, online, no
    /// probe, no heartbeat, insecure page, no previous drop. Set the rest with struct update
    /// syntax.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{Facts, Probe};
    /// use wsguard::core::machine::{CloseCause, CloseInfo};
    /// let close = CloseInfo {
    ///     socket: None, code: 1006, reason: String::new(), was_clean: false,
    ///     cause: CloseCause::Socket, was_open: false, open_for_ms: 0, idle_for_ms: 0,
    ///     lifetime_ms: 20, attempt: 0, will_retry: true, retry_in_ms: Some(900),
    ///     offline: false, errored: true,
    /// };
    /// let facts = Facts { page_secure: true, ..Facts::new(&close, "ws://localhost:9000/") };
    /// assert!(!facts.wss);
    /// assert_eq!(facts.probe, Probe::Skipped);
    /// ```
    pub fn new(close: &'a CloseInfo, url: &'a str) -> Self {
        Self {
            close,
            url,
            wss: is_wss(url),
            page_secure: false,
            mixed_content: false,
            online: true,
            probe: Probe::Skipped,
            heartbeat: false,
            previous_idle_ms: None,
            open_error: None,
        }
    }

    /// Whether the browser reports no network (either source).
    fn offline(&self) -> bool {
        !self.online || self.close.offline
    }
}

/// Whether a URL has the `wss:` scheme (any case).
///
/// ```
/// use wsguard::core::diagnosis::is_wss;
/// assert!(is_wss("WSS://a/"));
/// assert!(!is_wss("ws://a/"));
/// ```
pub fn is_wss(url: &str) -> bool {
    url.get(..4)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("wss:"))
}

/// The explanation of one close: what happened, what to do, and the facts behind it. The JS
/// layer hands it over as an object with the same fields in camelCase (`retryInMs` is `null`
/// when there is none).
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind};
/// let input = ClassifyInput { url: "ws://localhost:1/".into(), ..ClassifyInput::default() };
/// let d = classify_close(&input);
/// assert_eq!(d.kind, Kind::Unreachable);
/// assert_eq!(d.retry_in_ms, None);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnosis {
    /// The class of the close.
    pub kind: Kind,
    /// One sentence: what most likely happened.
    pub summary: Cow<'static, str>,
    /// Concrete steps to confirm and fix it.
    pub advice: Cow<'static, str>,
    /// The close code (the browser's, or the one wsguard sent).
    pub code: u16,
    /// The close reason, as received.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
    /// Whether the socket had opened.
    pub was_open: bool,
    /// How long it was open, in ms (0 if it never opened).
    pub open_for_ms: Millis,
    /// How long it had been without inbound messages, in ms (0 if it never opened).
    pub idle_for_ms: Millis,
    /// Whether the page was loaded over HTTPS.
    pub page_secure: bool,
    /// The socket's URL without user info, query or fragment.
    pub url: String,
    /// The attempt: 0 for a first attempt, `n` for the n-th retry.
    pub attempt: u32,
    /// The TLS probe's result.
    pub probe: Probe,
    /// Whether the client will try again.
    pub will_retry: bool,
    /// The delay before the next attempt, if one is scheduled (`null` in JS otherwise).
    pub retry_in_ms: Option<Millis>,
}

impl Diagnosis {
    /// Whether this close is a failure worth a console warning: anything but
    /// [`Kind::Normal`] and a server's clean 1000 (normal closure).
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput};
    /// let bye = ClassifyInput { code: 1000, was_clean: true, was_open: true, ..Default::default() };
    /// assert!(!classify_close(&bye).is_failure());
    /// assert!(classify_close(&ClassifyInput::default()).is_failure());
    /// ```
    pub fn is_failure(&self) -> bool {
        match self.kind {
            Kind::Normal => false,
            Kind::ServerClosed => self.code != 1000,
            _ => true,
        }
    }

    /// The console line: kind, redacted URL, summary, advice and the retry plan.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput};
    /// let input = ClassifyInput {
    ///     url: "ws://me:pw@localhost:9/ws?token=s3cret".into(),
    ///     ..ClassifyInput::default()
    /// };
    /// let text = classify_close(&input).console_text();
    /// assert!(text.starts_with("wsguard: unreachable, ws://localhost:9/ws: "));
    /// assert!(!text.contains("s3cret") && !text.contains("pw@"));
    /// ```
    pub fn console_text(&self) -> String {
        let mut out = String::with_capacity(
            64 + self.url.len() + self.summary.len() + self.advice.len() + self.reason.len(),
        );
        out.push_str("wsguard: ");
        out.push_str(self.kind.as_str());
        out.push_str(", ");
        out.push_str(&self.url);
        out.push_str(": ");
        out.push_str(&self.summary);
        if self.kind == Kind::ServerClosed && !self.reason.is_empty() {
            out.push_str(" Reason: \"");
            out.push_str(&self.reason);
            out.push_str("\".");
        }
        out.push_str(" What to do: ");
        out.push_str(&self.advice);
        out.push(' ');
        match (self.will_retry, self.retry_in_ms) {
            (true, Some(ms)) => {
                out.push_str("Retrying in ");
                push_decimal(&mut out, ms);
                out.push_str(" ms.");
            }
            (true, None) => out.push_str("Retrying when the network is back."),
            (false, _) => out.push_str("Not retrying."),
        }
        out
    }
}

/// Classifies one close. Pure: the same facts always give the same diagnosis.
///
/// ```
/// use wsguard::core::diagnosis::{classify, Facts, Kind};
/// use wsguard::core::machine::{CloseCause, CloseInfo};
/// let close = CloseInfo {
///     socket: None, code: 1008, reason: "bad token".into(), was_clean: true,
///     cause: CloseCause::Socket, was_open: true, open_for_ms: 50, idle_for_ms: 5,
///     lifetime_ms: 60, attempt: 0, will_retry: false, retry_in_ms: None,
///     offline: false, errored: false,
/// };
/// let d = classify(&Facts::new(&close, "wss://a.example/ws"));
/// assert_eq!(d.kind, Kind::ServerClosed);
/// assert!(d.summary.contains("1008"));
/// ```
pub fn classify(facts: &Facts<'_>) -> Diagnosis {
    let (kind, summary, advice) = explain(facts);
    let close = facts.close;
    Diagnosis {
        kind,
        summary,
        advice: join(advice),
        code: close.code,
        reason: close.reason.clone(),
        was_clean: close.was_clean,
        was_open: close.was_open,
        open_for_ms: close.open_for_ms,
        idle_for_ms: close.idle_for_ms,
        page_secure: facts.page_secure,
        url: redact(facts.url),
        attempt: close.attempt,
        probe: facts.probe,
        will_retry: close.will_retry,
        retry_in_ms: close.retry_in_ms,
    }
}

type Explanation = (Kind, Cow<'static, str>, text::Advice);

fn fixed(kind: Kind, summary: &'static str, advice: text::Advice) -> Explanation {
    (kind, Cow::Borrowed(summary), advice)
}

/// An advice's pieces as one text: borrowed when there is only one.
fn join(advice: text::Advice) -> Cow<'static, str> {
    match advice {
        [only] => Cow::Borrowed(only),
        pieces => Cow::Owned(concat(pieces)),
    }
}

/// The rules, in order: the first that matches wins.
fn explain(facts: &Facts<'_>) -> Explanation {
    let close = facts.close;
    if facts.mixed_content {
        return fixed(
            Kind::MixedContent,
            text::MIXED_CONTENT,
            text::MIXED_CONTENT_ADVICE,
        );
    }
    match close.cause {
        CloseCause::UserClose => return fixed(Kind::Normal, text::USER_CLOSE, text::NORMAL_ADVICE),
        CloseCause::UserReconnect => {
            return fixed(Kind::Normal, text::USER_RECONNECT, text::NORMAL_ADVICE)
        }
        _ => {}
    }
    if close.was_clean {
        return server_closed(close.code);
    }
    if close.cause == CloseCause::OpenFailed {
        return match facts.open_error {
            Some(error) => (
                Kind::Unreachable,
                Cow::Owned(concat(&[text::OPEN_FAILED_BECAUSE, error])),
                text::OPEN_FAILED_ADVICE,
            ),
            None => fixed(
                Kind::Unreachable,
                text::OPEN_FAILED,
                text::OPEN_FAILED_ADVICE,
            ),
        };
    }
    if facts.offline() {
        return fixed(Kind::Offline, text::OFFLINE, text::OFFLINE_ADVICE);
    }
    match close.cause {
        CloseCause::ConnectTimeout => {
            return fixed(Kind::Timeout, text::CONNECT_TIMEOUT, text::TIMEOUT_ADVICE)
        }
        CloseCause::HeartbeatTimeout => {
            return fixed(
                Kind::ConnectionLost,
                text::HEARTBEAT_LOST,
                text::HEARTBEAT_ADVICE,
            )
        }
        _ => {}
    }
    if close.was_open {
        opened_then_failed(facts)
    } else {
        handshake_failed(facts)
    }
}

/// A socket that never opened and that the browser closed.
fn handshake_failed(facts: &Facts<'_>) -> Explanation {
    if reached_browser_handshake_limit(facts.wss, facts.close.lifetime_ms) {
        return fixed(Kind::Timeout, text::BROWSER_TIMEOUT, text::TIMEOUT_ADVICE);
    }
    if !facts.wss {
        return fixed(
            Kind::Unreachable,
            text::UNREACHABLE,
            text::UNREACHABLE_ADVICE,
        );
    }
    match facts.probe {
        Probe::TlsOk => fixed(
            Kind::HandshakeRejected,
            text::HANDSHAKE_REJECTED,
            text::HANDSHAKE_REJECTED_ADVICE,
        ),
        Probe::TlsFailed | Probe::Skipped => fixed(
            Kind::Certificate,
            text::CERTIFICATE,
            text::CERTIFICATE_ADVICE,
        ),
    }
}

/// A socket that had opened and that the browser closed without a close frame.
fn opened_then_failed(facts: &Facts<'_>) -> Explanation {
    let close = facts.close;
    if close.errored {
        return fixed(
            Kind::ProtocolError,
            text::PROTOCOL_ERROR,
            text::PROTOCOL_ERROR_ADVICE,
        );
    }
    if !facts.heartbeat {
        let idle = close.idle_for_ms;
        if let Some(limit) = matches_common_idle_limit(idle) {
            return (
                Kind::IdleTimeout,
                Cow::Owned(text::idle_at_limit(idle, limit)),
                text::IDLE_TIMEOUT_ADVICE,
            );
        }
        if facts
            .previous_idle_ms
            .is_some_and(|previous| matches_previous_idle(idle, previous))
        {
            return (
                Kind::IdleTimeout,
                Cow::Owned(text::idle_repeated(idle)),
                text::IDLE_TIMEOUT_ADVICE,
            );
        }
    }
    fixed(
        Kind::ConnectionLost,
        text::CONNECTION_LOST,
        text::CONNECTION_LOST_ADVICE,
    )
}

fn server_closed(code: u16) -> Explanation {
    (
        Kind::ServerClosed,
        Cow::Owned(text::server_closed_summary(code)),
        text::server_closed_advice(code),
    )
}
