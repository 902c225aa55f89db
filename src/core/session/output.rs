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
    Error(Option<M>),
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
    /// Not for the user: fetch `url` and report the result with
    /// [`Session::probe_answered`](super::Session::probe_answered) (an HTTP answer the page can
    /// read) or [`Session::probe_finished`](super::Session::probe_finished); the diagnosis
    /// waits for it. See [`ProbeRequest`](crate::core::diagnosis::ProbeRequest) for how.
    Probe {
        /// The socket's own URL over HTTP(S) (`same_origin`), or `https://host:port/`.
        url: String,
        /// Whether it is a same-origin request whose status is read, rather than a `no-cors`
        /// one that only resolves or rejects.
        same_origin: bool,
    },
}
