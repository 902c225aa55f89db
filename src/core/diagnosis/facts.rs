//! What the classifier looks at: the [`Facts`] of one close, and the result of the HTTPS
//! probe ([`Probe`]) among them.

use super::answer::Answer;
use crate::core::close::CloseInfo;
use crate::core::time::Millis;

/// The result of the probe made after a handshake failure (see
/// [`probe_request`](super::probe_request)): for a socket on the page's own origin, a plain
/// request to the socket's own URL whose status is read; for a `wss:` socket elsewhere, one
/// `fetch("https://host:port/", {mode: "no-cors", …})` whose status the page may not read.
///
/// ```
/// use wsguard::core::diagnosis::Probe;
/// assert_eq!(Probe::default(), Probe::Skipped);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Probe {
    /// `tls-ok`: the fetch resolved (an opaque response): TLS to that host and port works.
    TlsOk,
    /// `answered`: the request to the socket's own URL (same origin) got an HTTP answer, whose
    /// status the diagnosis gives as `probe_status`.
    Answered,
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
            Self::Answered => "answered",
            Self::TlsFailed => "tls-failed",
            Self::Skipped => "skipped",
        }
    }

    /// The result named `"tls-ok"`, `"answered"`, `"tls-failed"` or `"skipped"`, if any.
    ///
    /// ```
    /// use wsguard::core::diagnosis::Probe;
    /// assert_eq!(Probe::parse("tls-ok"), Some(Probe::TlsOk));
    /// assert_eq!(Probe::parse("maybe"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "tls-ok" => Some(Self::TlsOk),
            "answered" => Some(Self::Answered),
            "tls-failed" => Some(Self::TlsFailed),
            "skipped" => Some(Self::Skipped),
            _ => None,
        }
    }
}

/// Everything [`classify`](super::classify) looks at. The driver fills it after each close.
///
/// ```
/// use wsguard::core::diagnosis::Facts;
/// use wsguard::core::close::{CloseCause, CloseInfo};
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
    /// Whether the socket's URL is on the page's own origin (`wss:` for `https:`, `ws:` for
    /// `http:`, same host and port): the page itself loaded over that connection setup.
    pub same_origin: bool,
    /// Whether wsguard rewrote this URL from `ws:` to `wss:` (`insecure: "upgrade"` on an
    /// HTTPS page).
    pub upgraded: bool,
    /// Whether opening failed synchronously with a mixed-content `SecurityError`, or
    /// `insecure: "error"` refused the URL.
    pub mixed_content: bool,
    /// `navigator.onLine` when the close was handled.
    pub online: bool,
    /// The probe's result, or [`Probe::Skipped`].
    pub probe: Probe,
    /// The same-origin probe's answer, with [`Probe::Answered`].
    pub answer: Option<Answer>,
    /// Whether the client runs a heartbeat (`heartbeat` option set).
    pub heartbeat: bool,
    /// How long the previous dropped connection had been silent when it dropped (see
    /// [`Streak::previous_idle_ms`](super::Streak::previous_idle_ms)), for the repeated-idle rule.
    pub previous_idle_ms: Option<Millis>,
    /// How long ago the server closed the connection that began this failure streak with a
    /// restart code (1001, 1012, 1013), if it did (see
    /// [`Streak::since_restart_ms`](super::Streak::since_restart_ms)).
    pub since_restart_ms: Option<Millis>,
    /// Why opening failed before a socket existed, when the driver knows (the URL function
    /// threw or returned something unusable, or the constructor threw): shown in the summary.
    pub open_error: Option<&'a str>,
}

impl<'a> Facts<'a> {
    /// Facts with only the close and the URL known: `wss` from the URL's scheme, online, no
    /// probe, no heartbeat, insecure page on another origin, URL not rewritten, no previous
    /// drop, no restart. Set the rest with struct update syntax.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{Facts, Probe};
    /// use wsguard::core::close::{CloseCause, CloseInfo};
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
            same_origin: false,
            upgraded: false,
            mixed_content: false,
            online: true,
            probe: Probe::Skipped,
            answer: None,
            heartbeat: false,
            previous_idle_ms: None,
            since_restart_ms: None,
            open_error: None,
        }
    }

    /// Whether the browser reports no network (either source).
    pub(super) fn offline(&self) -> bool {
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

#[cfg(test)]
mod tests {
    use super::Probe;

    #[test]
    fn probe_names_parse_back_and_no_probe_is_the_default() {
        for probe in [
            Probe::TlsOk,
            Probe::Answered,
            Probe::TlsFailed,
            Probe::Skipped,
        ] {
            assert_eq!(Probe::parse(probe.as_str()), Some(probe));
        }
        assert_eq!(Probe::default(), Probe::Skipped);
    }
}
