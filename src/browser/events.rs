//! What a [`Client`](super::client::Client) reports: the [`ClientEvent`]s, in order, with a
//! [`CloseReport`] for each close. The driver hands them to an internal `Observer` (the
//! client's subscriptions), which also hears which socket is live and which one `send` may use
//! directly.
//!
//! ```no_run
//! use wsguard::browser::events::ClientEvent;
//! # let client: wsguard::browser::client::Client = unimplemented!();
//! let _all = client.on_event(|event| {
//!     if let ClientEvent::StateChange { to, .. } = event {
//!         web_sys::console::log_1(&to.as_str().into());
//!     }
//! });
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::JsValue;
use web_sys::WebSocket;

use crate::core::diagnosis::Diagnosis;
use crate::core::machine::State;
use crate::core::time::Millis;

/// What a client reports, in order. Events caused by the browser (a socket event, a timer, the
/// network) are delivered at once; events caused by a call on the client are delivered from a
/// microtask, so that code right after the call can still prepare for them.
///
/// ```no_run
/// use wsguard::browser::events::ClientEvent;
/// # let event: ClientEvent = unimplemented!();
/// if let ClientEvent::Reconnecting { attempt, delay_ms } = event {
///     web_sys::console::log_2(&attempt.into(), &(delay_ms as f64).into());
/// }
/// ```
#[derive(Clone, Debug)]
pub enum ClientEvent {
    /// A socket opened (the queue has already been flushed into it).
    Open,
    /// The socket reported an error, or (with what was thrown) no socket could be created.
    Error(Option<JsValue>),
    /// A socket ended, or the client closed.
    Close(CloseReport),
    /// The state changed.
    StateChange {
        /// The state before.
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
    /// What the last close most likely means, and what to do about it.
    Diagnosis(Diagnosis),
}

/// A socket's end, as reported by [`ClientEvent::Close`].
///
/// ```no_run
/// # let report: wsguard::browser::events::CloseReport = unimplemented!();
/// let final_close_with_leftovers = report.unsent.as_ref().is_some_and(|u| !u.is_empty());
/// ```
#[derive(Clone, Debug)]
pub struct CloseReport {
    /// The close code: the browser's, or the one wsguard sent.
    pub code: u16,
    /// The close reason.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
    /// On the final close, the messages still queued, oldest first.
    pub unsent: Option<Vec<JsValue>>,
}

/// Receives what the driver reports (the client's [`Hub`](super::hub) implements it). Every
/// method may call back into the client: no state of the client is borrowed while it runs.
pub(crate) trait Observer {
    /// One event, in order.
    fn event(&self, event: ClientEvent);

    /// The live socket changed: a new one was created (`Some`, before it can deliver anything),
    /// or the current one is being let go (`None`, before it is closed).
    fn socket_changed(&self, socket: Option<&WebSocket>);

    /// The socket that `send` may use directly changed: `Some` while the client is open (its
    /// queue is then empty), `None` otherwise.
    fn sendable_changed(&self, socket: Option<&WebSocket>);
}
