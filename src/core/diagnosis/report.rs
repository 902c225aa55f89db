//! The [`Diagnosis`] of one close: the fields handed to the user, and its console line.

use alloc::borrow::Cow;
use alloc::string::String;

use super::facts::Probe;
use super::kind::Kind;
use crate::core::text::push_decimal;
use crate::core::time::Millis;

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
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
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
    /// The probe's result.
    pub probe: Probe,
    /// The HTTP status the same-origin probe got for the socket's own URL ([`Probe::Answered`];
    /// `null` in JS otherwise).
    pub probe_status: Option<u16>,
    /// Whether the client will try again.
    pub will_retry: bool,
    /// The delay before the next attempt, if one is scheduled (`null` in JS otherwise).
    pub retry_in_ms: Option<Millis>,
}

impl Diagnosis {
    /// Whether this close is a failure worth a console warning: anything but
    /// [`Kind::Normal`], [`Kind::Suspended`], [`Kind::Restarting`] and a server's clean 1000
    /// (normal closure).
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput};
    /// let bye = ClassifyInput { code: 1000, was_clean: true, was_open: true, ..Default::default() };
    /// assert!(!classify_close(&bye).is_failure());
    /// assert!(classify_close(&ClassifyInput::default()).is_failure());
    /// ```
    pub fn is_failure(&self) -> bool {
        match self.kind {
            Kind::Normal | Kind::Suspended | Kind::Restarting => false,
            Kind::ServerClosed => self.code != 1000,
            _ => true,
        }
    }

    /// Whether the server closed the connection to restart: a close frame with 1001 (going
    /// away), 1012 (service restart) or 1013 (try again later).
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput};
    /// let restart = ClassifyInput { code: 1012, was_clean: true, was_open: true, ..Default::default() };
    /// assert!(classify_close(&restart).is_restart_close());
    /// assert!(!classify_close(&ClassifyInput::default()).is_restart_close());
    /// ```
    pub fn is_restart_close(&self) -> bool {
        self.kind == Kind::ServerClosed && matches!(self.code, 1001 | 1012 | 1013)
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
