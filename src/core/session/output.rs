//! What a session hands its driver: [`SessionAction`]s to carry out at once, and
//! [`SessionEvent`]s to deliver to the user.

use alloc::string::String;
use alloc::vec::Vec;

use crate::core::diagnosis::Diagnosis;
use crate::core::machine::State;
use crate::core::socket_id::SocketId;
use crate::core::time::Millis;

/// What the driver must do now, in order.
///
/// ```
/// use wsguard::core::machine::SocketId;
/// use wsguard::core::session::SessionAction;
/// let action = SessionAction::<u32>::Open { socket: SocketId::from_number(1) };
/// if let SessionAction::Open { socket } = action {
///     // resolve the attempt's URL, then open a socket tagged `socket`
/// }
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SessionAction<M> {
    /// Open a socket for this attempt (resolving its URL first), then report it with
    /// [`Session::socket_opened`](super::Session::socket_opened), or [`Session::open_failed`](super::Session::open_failed) if it cannot be created.
    Open {
        /// The id to tag its reports with.
        socket: SocketId,
    },
    /// Ask the socket to close with this code and reason.
    Close {
        /// The socket.
        socket: SocketId,
        /// 1000 or 3000–4999.
        code: u16,
        /// At most 123 bytes.
        reason: String,
    },
    /// Send a message on the open socket.
    Send {
        /// The socket.
        socket: SocketId,
        /// The message.
        message: M,
    },
    /// Send the heartbeat message (`heartbeat.message` of the options).
    SendHeartbeat {
        /// The socket.
        socket: SocketId,
    },
}

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
    /// Not for the user: run the HTTPS probe against `origin` and report the result with
    /// [`Session::probe_finished`](super::Session::probe_finished); the diagnosis waits for it.
    Probe {
        /// `https://host:port/`.
        origin: String,
    },
}
