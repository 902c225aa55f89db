//! What the machine asks of its driver: [`Action`]s, in order, one of which hands the driver
//! an [`Event`] for the user.

use alloc::string::String;
use alloc::vec::Vec;

use super::state::State;
use crate::core::close::CloseInfo;
use crate::core::socket_id::SocketId;
use crate::core::time::Millis;

/// Something to tell the user.
///
/// ```
/// use wsguard::core::machine::{Action, Event, Machine, State};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let started = std::iter::from_fn(|| machine.poll_action()).any(|a| {
///     matches!(a, Action::Emit(Event::StateChange { to: State::Connecting, .. }))
/// });
/// assert!(started);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// The state changed.
    StateChange {
        /// The state before.
        from: State,
        /// The state now.
        to: State,
    },
    /// A socket opened.
    Open {
        /// The socket.
        socket: SocketId,
        /// Its attempt (see [`CloseInfo::attempt`]).
        attempt: u32,
    },
    /// A retry is scheduled.
    Reconnecting {
        /// The retry's number, from 1.
        attempt: u32,
        /// The delay before it.
        delay_ms: Millis,
    },
    /// A socket ended, or the client closed.
    Close(CloseInfo),
}

/// What to do to a socket: what the machine asks of its driver, and what a
/// [`Session`](crate::core::session::Session) passes on to its own.
///
/// ```
/// use wsguard::core::machine::{SocketAction, SocketId};
/// let action = SocketAction::<u32>::Open { socket: SocketId::from_number(1), attempt: 0 };
/// if let SocketAction::Open { socket, .. } = action {
///     // resolve the attempt's URL, then open a socket tagged `socket`
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SocketAction<M> {
    /// Open a socket to the URL (with `protocols` and `binary_type` from the options); through
    /// a session, resolve the URL first and report the socket with
    /// [`Session::socket_opened`](crate::core::session::Session::socket_opened), or
    /// [`Session::open_failed`](crate::core::session::Session::open_failed) if it cannot be
    /// created.
    Open {
        /// The id to tag its events with.
        socket: SocketId,
        /// 0 for a first attempt, `n` for the n-th retry.
        attempt: u32,
    },
    /// Close the socket with this code and reason, then forget it.
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
    /// Send the heartbeat message (`heartbeat.message`) on the open socket.
    SendHeartbeat {
        /// The socket.
        socket: SocketId,
    },
}

/// What the driver must do next.
///
/// ```
/// use wsguard::core::machine::{Action, Machine, SocketAction};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let open = std::iter::from_fn(|| machine.poll_action())
///     .any(|a| matches!(a, Action::Socket(SocketAction::Open { attempt: 0, .. })));
/// assert!(open);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<M> {
    /// Something to do to a socket.
    Socket(SocketAction<M>),
    /// Dispatch an event.
    Emit(Event),
    /// The client closed for good with these messages still queued, oldest first: hand them
    /// back to the user (e.g. on the close event that follows).
    Unsent(Vec<M>),
}
