//! Classification for pages that keep their own `WebSocket`: what such a page can observe.

use alloc::string::String;

use super::classify::classify;
use super::facts::{Facts, Probe};
use super::report::Diagnosis;
use crate::core::close::{CloseCause, CloseInfo};
use crate::core::time::Millis;

/// What a page can observe about a close on its own socket: the input of the JS
/// `classifyClose(...)`, which fills it from an object (a `CloseEvent`'s own `code`, `reason`
/// and `wasClean` fit as they are) and leaves the defaults where a key is missing.
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind, Probe};
/// let input = ClassifyInput {
///     url: "wss://api.example/ws".into(),
///     probe: Probe::TlsOk,
///     errored: true,
///     ..ClassifyInput::default()
/// };
/// assert_eq!(classify_close(&input).kind, Kind::HandshakeRejected);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClassifyInput {
    /// `CloseEvent.code` (default 1006).
    pub code: u16,
    /// `CloseEvent.reason` (default empty).
    pub reason: String,
    /// `CloseEvent.wasClean` (default false).
    pub was_clean: bool,
    /// Whether the socket had fired `open` (default false).
    pub was_open: bool,
    /// How long it was open, in ms (default 0); ignored unless `was_open`.
    pub open_for_ms: Millis,
    /// How long since its last inbound message (or its `open`), in ms (default 0); ignored
    /// unless `was_open`.
    pub idle_for_ms: Millis,
    /// How long since `new WebSocket(...)`, in ms (default 0): a never-opened socket that
    /// lasted the browser's own handshake limit timed out.
    pub lifetime_ms: Millis,
    /// The socket's URL (`WebSocket.url`); redacted in the diagnosis.
    pub url: String,
    /// Whether the page was loaded over HTTPS (default false).
    pub page_secure: bool,
    /// `navigator.onLine` (default true).
    pub online: bool,
    /// Whether an `error` event came before the close (default false).
    pub errored: bool,
    /// The TLS probe's result (default [`Probe::Skipped`]).
    pub probe: Probe,
    /// Whether the page itself called `close()` (default false).
    pub closed_by_app: bool,
    /// Whether `new WebSocket(...)` threw a mixed-content `SecurityError` (default false).
    pub mixed_content: bool,
    /// Whether the page runs a heartbeat on the socket (default false).
    pub heartbeat: bool,
    /// The previous drop's `idle_for_ms`, for the repeated-idle rule (default none).
    pub previous_idle_ms: Option<Millis>,
    /// The attempt number (default 0).
    pub attempt: u32,
}

impl Default for ClassifyInput {
    fn default() -> Self {
        Self {
            code: 1006,
            reason: String::new(),
            was_clean: false,
            was_open: false,
            open_for_ms: 0,
            idle_for_ms: 0,
            lifetime_ms: 0,
            url: String::new(),
            page_secure: false,
            online: true,
            errored: false,
            probe: Probe::Skipped,
            closed_by_app: false,
            mixed_content: false,
            heartbeat: false,
            previous_idle_ms: None,
            attempt: 0,
        }
    }
}

impl ClassifyInput {
    /// `open_for_ms`, which only means something for a socket that opened.
    fn open_for_ms(&self) -> Millis {
        if self.was_open {
            self.open_for_ms
        } else {
            0
        }
    }

    /// The close as the machine would have reported it (nobody retries it).
    fn close_info(&self) -> CloseInfo {
        CloseInfo {
            socket: None,
            code: self.code,
            reason: self.reason.clone(),
            was_clean: self.was_clean,
            cause: if self.closed_by_app {
                CloseCause::UserClose
            } else {
                CloseCause::Socket
            },
            was_open: self.was_open,
            open_for_ms: self.open_for_ms(),
            idle_for_ms: if self.was_open { self.idle_for_ms } else { 0 },
            lifetime_ms: self.lifetime_ms.max(self.open_for_ms()),
            attempt: self.attempt,
            will_retry: false,
            retry_in_ms: None,
            offline: !self.online,
            errored: self.errored,
        }
    }
}

/// Classifies a close observed on a page's own socket.
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind};
/// let input = ClassifyInput {
///     url: "wss://api.example/ws".into(),
///     was_open: true,
///     idle_for_ms: 60_200,
///     ..ClassifyInput::default()
/// };
/// assert_eq!(classify_close(&input).kind, Kind::IdleTimeout);
/// ```
pub fn classify_close(input: &ClassifyInput) -> Diagnosis {
    let close = input.close_info();
    let facts = Facts {
        page_secure: input.page_secure,
        mixed_content: input.mixed_content,
        online: input.online,
        probe: input.probe,
        heartbeat: input.heartbeat,
        previous_idle_ms: input.previous_idle_ms,
        ..Facts::new(&close, &input.url)
    };
    classify(&facts)
}
