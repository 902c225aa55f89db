//! What a session hands its driver besides the [`SocketAction`](crate::core::machine::SocketAction)s
//! to carry out at once: [`SessionEvent`]s to deliver to the user.

use alloc::string::String;
use alloc::vec::Vec;

use crate::core::diagnosis::Diagnosis;
use crate::core::machine::State;
use crate::core::time::Millis;

/// What to deliver to the user, in order.
///
/// ```
/// use wsguard::core::session::SessionEvent;
/// let event = SessionEvent::<u32>::Open;
/// if let SessionEvent::Diagnosis { diagnosis, warn } = event {
///     if warn {
///         // console.warn(diagnosis.console_text())
///     }
/// }
/// ```
#[derive(Debug)]
pub enum SessionEvent<M> {
    /// A socket opened (the queue has already been flushed into it).
    Open,
    /// The socket reported an error, or (with what was thrown) no socket could be created.
    Error {
        /// What was thrown when no socket could be created.
        thrown: Option<M>,
        /// Whether to write it to the console (`log` on, an attempt that could not open a
        /// socket, not the browser's mixed-content refusal, which the diagnosis explains).
        warn: bool,
    },
    /// A socket ended, or the client closed.
    Close {
        /// The close code: the browser's, or the one wsguard sent.
        code: u16,
        /// The close reason.
        reason: String,
        /// Whether the closing handshake completed.
        was_clean: bool,
        /// On the final close, the messages still queued, oldest first.
        unsent: Option<Vec<M>>,
    },
    /// The state changed.
    StateChange {
        /// The state before ([`State::Idle`] is reported as connecting).
        from: State,
        /// The state now.
        to: State,
    },
    /// A retry is scheduled.
    Reconnecting {
        /// The retry's number, from 1.
        attempt: u32,
        /// The delay before it.
        delay_ms: Millis,
    },
    /// The diagnosis of the socket that just ended.
    Diagnosis {
        /// What happened and what to do.
        diagnosis: Diagnosis,
        /// Whether to print [`Diagnosis::console_text`] (once per failure streak and kind,
        /// and only with `log` on).
        warn: bool,
    },
    /// An `error` event whose error says `message`: the attempt's URL function did not answer
    /// within `connect_timeout_ms` (the attempt fails; its close and diagnosis follow). The
    /// driver makes the error (the npm package: `new Error(message)`), and with `warn` writes
    /// it to the console as it does for any attempt that could not open a socket.
    UrlFunctionTimeout {
        /// What happened, naming the option the Rust way (`` `connect_timeout_ms` ``).
        message: String,
        /// Whether to log it (the `log` option).
        warn: bool,
    },
    /// Not for the user: give up the probe of `url` (abort its request). Its deadline
    /// ([`PROBE_TIMEOUT_MS`](super::PROBE_TIMEOUT_MS)) passed; the diagnosis that waited for
    /// it goes on without it, and a late answer is ignored.
    AbandonProbe {
        /// The URL of the [`SessionEvent::Probe`] to give up.
        url: String,
    },
    /// Not for the user: fetch `url` and report the result with
    /// [`Session::probe_answered`](super::Session::probe_answered) (an HTTP answer the page can
    /// read) or [`Session::probe_finished`](super::Session::probe_finished); the diagnosis
    /// waits for it, at most [`PROBE_TIMEOUT_MS`](super::PROBE_TIMEOUT_MS): re-arm the timer
    /// from [`Session::deadline`](super::Session::deadline) after this event. See
    /// [`ProbeRequest`](crate::core::diagnosis::ProbeRequest) for how.
    Probe {
        /// The socket's own URL over HTTP(S) (`same_origin`), or `https://host:port/`.
        url: String,
        /// Whether it is a same-origin request whose status is read, rather than a `no-cors`
        /// one that only resolves or rejects.
        same_origin: bool,
    },
}
