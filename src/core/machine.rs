//! The connection state machine: when to open, close and reopen the socket, what to send, and
//! which events to report. Sans-IO: it never touches a socket, a clock or a random source of
//! its own; the driver feeds it inputs with the current time and carries out its actions.
//!
//! # How a driver runs it
//!
//! 1. Create it with [`Machine::new`] (options, and a random seed: `Math.random` in the
//!    browser) and call [`Machine::handle_start`].
//! 2. After **every** input (`handle_*`, including [`Machine::handle_send`] and the user's
//!    `close()`/`reconnect()`):
//!    - drain [`Machine::poll_action`] until it returns `None`, carrying out each action in
//!      order (open a socket, close one, send, dispatch an event, hand back unsent messages).
//!      Callbacks run while draining may call back in (a user's `onopen` calling `send()`):
//!      that is fine, the new actions queue behind the ones already there;
//!    - then re-arm the one timer: cancel the previous `setTimeout` and, if
//!      [`Machine::poll_timeout`] gives a deadline, arm it for `deadline - now`. When it fires,
//!      call [`Machine::handle_timeout`] (a spurious or early call is harmless).
//! 3. Tag every socket with the [`SocketId`] of the [`Action::OpenSocket`] that created it
//!    and pass that id with its events; events of a socket the machine has moved on from are
//!    ignored.
//! 4. Inbound messages need not reach the machine one by one: note the time of the latest
//!    one, and report it with [`Machine::handle_inbound`] before calling
//!    [`Machine::handle_timeout`], [`Machine::handle_socket_error`] or
//!    [`Machine::handle_socket_close`] for that socket, whenever it changed since the last
//!    report. The heartbeat and the close facts come out exactly as if every message had been
//!    reported when it arrived.
//!
//! Time is a monotonic [`Millis`] count (`performance.now()`); a time earlier than one
//! already seen is taken as that one.
//!
//! # Rules
//!
//! - At most one socket is alive: the old one is closed (or already dead) before a new one
//!   opens.
//! - A socket still connecting after `connectTimeoutMs` is closed with
//!   [`CLOSE_CONNECT_TIMEOUT`] and counts as a failed attempt.
//! - After a loss or a failed attempt: a close code in `fatalCodes` (as reported by the
//!   browser) or an exhausted `maxRetries` ends in [`State::Closed`]; otherwise, while the
//!   network is offline the machine waits in [`State::Offline`] without spending a retry;
//!   otherwise it waits in [`State::Reconnecting`] for a [`Backoff`] delay.
//! - The network coming back online, or the page becoming visible, while `Reconnecting` or
//!   `Offline`, attempts at once with a fresh backoff (retry count 0).
//! - The retry count resets only once a connection has stayed open `stableAfterMs`.
//! - With a heartbeat, after `intervalMs` without inbound messages the heartbeat is sent;
//!   no inbound message within `timeoutMs` closes the socket with
//!   [`CLOSE_HEARTBEAT_TIMEOUT`] and counts as a loss.
//! - The user's `close()` is final: the machine asks the socket to close, waits up to
//!   [`CLOSE_GRACE_MS`] for it, then reports [`State::Closed`].
//! - The user's `reconnect()` closes the current socket (with [`CLOSE_RECONNECT`]) and
//!   attempts at once with a fresh backoff, from any state — it also revives a client that
//!   is `Closed`, whether by `close()`, a fatal code or exhausted retries.
//! - Sends while not open are queued (see [`SendBuffer`]) and flushed in order on open,
//!   before any later send. On a final close, queued messages come back in one
//!   [`Action::Unsent`] just before the [`Event::Close`].
//!
//! ```
//! use wsguard::core::machine::{Action, Event, Machine, State};
//! use wsguard::core::options::Options;
//!
//! let mut machine: Machine<&str> = Machine::new(Options::default(), 42);
//! machine.handle_send(0, "hello", 5).unwrap(); // queued: not open yet
//! machine.handle_start(0);
//! let mut opened = None;
//! while let Some(action) = machine.poll_action() {
//!     if let Action::OpenSocket { socket, .. } = action {
//!         opened = Some(socket); // the driver calls `new WebSocket(url, protocols)`
//!     }
//! }
//! assert_eq!(machine.poll_timeout(), Some(10_000)); // the connect timeout
//! let socket = opened.unwrap();
//! machine.handle_socket_open(40, socket);
//! assert!(matches!(machine.poll_action(), Some(Action::Send { message: "hello", .. })));
//! assert_eq!(machine.state(), State::Open);
//! machine.handle_socket_close(90, socket, 1006, "", false);
//! let close = std::iter::from_fn(|| machine.poll_action()).find_map(|a| match a {
//!     Action::Emit(Event::Close(info)) => Some(info),
//!     _ => None,
//! });
//! assert!(close.unwrap().will_retry);
//! assert_eq!(machine.state(), State::Reconnecting);
//! ```

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::backoff::{is_retry_later, Backoff, Rng};
use super::buffer::{SendBuffer, SendError, SendRefusal};
use super::options::Options;
use super::text::{concat, decimal};

/// A point in time or a duration, in milliseconds.
pub type Millis = u64;

/// The close code sent when our connect timeout gives up on a socket.
///
/// wsguard's own codes sit in the 4900s of the private range, where applications rarely put
/// theirs; scripts may only send 1000 and 3000–4999.
pub const CLOSE_CONNECT_TIMEOUT: u16 = 4900;

/// The close code sent when the heartbeat finds the connection dead.
pub const CLOSE_HEARTBEAT_TIMEOUT: u16 = 4901;

/// The close code sent when the user's `reconnect()` replaces the socket.
pub const CLOSE_RECONNECT: u16 = 4902;

/// How long the user's `close()` waits for the browser's close event before reporting the
/// client closed anyway.
pub const CLOSE_GRACE_MS: Millis = 5000;

/// How long after a socket's `error` event the machine waits for its `close` event before it
/// treats the socket as closed (1006) itself. Browsers follow an error with a close at once,
/// except where they do not: Chromium reports a connection blocked by the page's
/// Content-Security-Policy with an `error` alone, which would otherwise leave the attempt
/// hanging until the connect timeout.
pub const ERROR_CLOSE_GRACE_MS: Millis = 1000;

/// The longest close reason, in UTF-8 bytes, that a browser accepts.
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// The close code reported for a socket that failed without a close event of its own.
const CODE_ABNORMAL: u16 = 1006;

/// Names one socket the machine asked the driver to open. Ids increase and are never reused.
///
/// ```
/// use wsguard::core::machine::Machine;
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let first = machine.socket().unwrap();
/// machine.handle_reconnect(10);
/// assert!(machine.socket().unwrap() > first);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(u64);

impl SocketId {
    /// The id as a number, for a driver that names sockets across a language boundary.
    ///
    /// ```
    /// use wsguard::core::machine::SocketId;
    /// assert_eq!(SocketId::from_number(7).number(), 7);
    /// ```
    pub fn number(self) -> u64 {
        self.0
    }

    /// The id a driver got as [`number`](Self::number). An id the machine never gave names no
    /// socket, and inputs for it are ignored.
    ///
    /// ```
    /// use wsguard::core::machine::SocketId;
    /// let id = SocketId::from_number(3);
    /// ```
    pub fn from_number(number: u64) -> Self {
        Self(number)
    }
}

/// Where the client is.
///
/// ```
/// use wsguard::core::machine::State;
/// assert_eq!(State::Reconnecting.as_str(), "reconnecting");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// Created, not started yet.
    Idle,
    /// A socket is connecting.
    Connecting,
    /// The socket is open.
    Open,
    /// The user called `close()`; waiting for the socket to close.
    Closing,
    /// Waiting for the backoff delay before the next attempt.
    Reconnecting,
    /// Waiting for the network to come back (no retries spent meanwhile).
    Offline,
    /// Final: closed by the user, by a fatal close code, or out of retries. Only the user's
    /// `reconnect()` leaves it.
    Closed,
}

impl State {
    /// The state's name for JS (`"connecting"`, `"open"`, …).
    ///
    /// ```
    /// use wsguard::core::machine::State;
    /// assert_eq!(State::Open.as_str(), "open");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Closing => "closing",
            Self::Reconnecting => "reconnecting",
            Self::Offline => "offline",
            Self::Closed => "closed",
        }
    }
}

/// What ended a socket.
///
/// ```
/// use wsguard::core::machine::CloseCause;
/// assert_ne!(CloseCause::Socket, CloseCause::ConnectTimeout);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseCause {
    /// The browser reported the close (the server closed, or the connection failed).
    Socket,
    /// Opening the socket failed synchronously (the constructor threw, or the URL could not
    /// be resolved).
    OpenFailed,
    /// Our connect timeout closed it.
    ConnectTimeout,
    /// Our heartbeat found it dead and closed it.
    HeartbeatTimeout,
    /// The user's `close()`.
    UserClose,
    /// The user's `reconnect()`.
    UserReconnect,
}

/// The facts about one ended socket (or a `close()` while no socket was alive): what the
/// close event reports, and what a diagnosis needs.
///
/// ```
/// use wsguard::core::machine::{Action, Event, Machine};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let id = machine.socket().unwrap();
/// machine.handle_socket_close(5, id, 1006, "", false);
/// let info = std::iter::from_fn(|| machine.poll_action())
///     .find_map(|a| match a { Action::Emit(Event::Close(info)) => Some(info), _ => None })
///     .unwrap();
/// assert!(!info.was_open && info.will_retry && info.lifetime_ms == 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseInfo {
    /// The socket, or `None` for a `close()` while none was alive.
    pub socket: Option<SocketId>,
    /// The close code: the browser's, or the one wsguard sent, or 1006 for a failed open.
    pub code: u16,
    /// The close reason, as for `code`.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
    /// What ended it.
    pub cause: CloseCause,
    /// Whether the socket had opened.
    pub was_open: bool,
    /// How long it was open (0 if it never opened).
    pub open_for_ms: Millis,
    /// How long since its last inbound message, or since it opened (0 if it never opened).
    pub idle_for_ms: Millis,
    /// How long since the machine asked for it to be opened.
    pub lifetime_ms: Millis,
    /// The attempt that opened it: 0 for a first attempt, `n` for the n-th retry.
    pub attempt: u32,
    /// Whether the client will try again (at once, after `retry_in_ms`, or when back online).
    pub will_retry: bool,
    /// The delay before the next attempt; `None` when it waits for the network or gives up.
    pub retry_in_ms: Option<Millis>,
    /// Whether the network was reported offline.
    pub offline: bool,
    /// Whether the socket reported an `error` event first.
    pub errored: bool,
}

/// Something to tell the user.
///
/// ```
/// use wsguard::core::machine::{Event, State};
/// let event = Event::StateChange { from: State::Idle, to: State::Connecting };
/// assert!(matches!(event, Event::StateChange { to: State::Connecting, .. }));
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

/// What the driver must do next.
///
/// ```
/// use wsguard::core::machine::{Action, Machine};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let open = std::iter::from_fn(|| machine.poll_action())
///     .any(|a| matches!(a, Action::OpenSocket { attempt: 0, .. }));
/// assert!(open);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action<M> {
    /// Open a socket to the URL (with `protocols` and `binaryType` from the options).
    OpenSocket {
        /// The id to tag its events with.
        socket: SocketId,
        /// 0 for a first attempt, `n` for the n-th retry.
        attempt: u32,
    },
    /// Close the socket with this code and reason, then forget it.
    CloseSocket {
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
    /// Dispatch an event.
    Emit(Event),
    /// The client closed for good with these messages still queued, oldest first: hand them
    /// back to the user (e.g. on the close event that follows).
    Unsent(Vec<M>),
}

/// A `close()` call the browser would refuse.
///
/// ```
/// use wsguard::core::machine::{CloseError, Machine};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// assert_eq!(machine.handle_close(0, 1001, ""), Err(CloseError::InvalidCode(1001)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseError {
    /// The code is neither 1000 nor in 3000–4999 (the browser throws `InvalidAccessError`).
    InvalidCode(u16),
    /// The reason is longer than 123 UTF-8 bytes (the browser throws `SyntaxError`).
    ReasonTooLong {
        /// The reason's length in bytes.
        bytes: usize,
    },
}

impl CloseError {
    /// The error in a sentence, starting with `wsguard: `.
    ///
    /// ```
    /// use wsguard::core::machine::CloseError;
    /// assert_eq!(
    ///     CloseError::InvalidCode(1001).message(),
    ///     "wsguard: close() code 1001 is not allowed; use 1000 or 3000-4999",
    /// );
    /// ```
    pub fn message(&self) -> String {
        match *self {
            Self::InvalidCode(code) => concat(&[
                "wsguard: close() code ",
                &decimal(code.into()),
                " is not allowed; use 1000 or 3000-4999",
            ]),
            Self::ReasonTooLong { bytes } => concat(&[
                "wsguard: close() reason is ",
                &decimal(bytes as u64),
                " bytes long; at most 123 UTF-8 bytes are allowed",
            ]),
        }
    }
}

impl fmt::Display for CloseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for CloseError {}

/// The machine's timers, each an entry of the timer table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Timer {
    Retry,
    ConnectTimeout,
    Stable,
    HeartbeatIdle,
    HeartbeatDead,
    CloseGrace,
    ErrorGrace,
}

impl Timer {
    const ALL: [Self; 7] = [
        Self::Retry,
        Self::ConnectTimeout,
        Self::Stable,
        Self::HeartbeatIdle,
        Self::HeartbeatDead,
        Self::CloseGrace,
        Self::ErrorGrace,
    ];
}

/// The socket the machine considers alive.
#[derive(Clone, Debug)]
struct Socket {
    id: SocketId,
    attempt: u32,
    requested_at: Millis,
    opened_at: Option<Millis>,
    /// When the latest inbound message arrived, or when the socket opened.
    last_inbound: Millis,
    /// When the heartbeat message was sent, while no inbound message has answered it.
    heartbeat_sent_at: Option<Millis>,
    errored: bool,
}

/// The connection state machine, generic over the message type `M` (the driver's JS values).
///
/// ```
/// use wsguard::core::machine::{Machine, State};
/// use wsguard::core::options::Options;
/// let machine: Machine<String> = Machine::new(Options::default(), 7);
/// assert_eq!(machine.state(), State::Idle);
/// ```
#[derive(Debug)]
pub struct Machine<M> {
    options: Options,
    backoff: Backoff,
    rng: Rng,
    state: State,
    now: Millis,
    next_socket: u64,
    socket: Option<Socket>,
    retries: u32,
    online: bool,
    /// The user's `close()` code and reason while [`State::Closing`].
    user_close: Option<(u16, String)>,
    timers: [Option<Millis>; Timer::ALL.len()],
    buffer: SendBuffer<M>,
    actions: VecDeque<Action<M>>,
}

impl<M> Machine<M> {
    /// A machine in [`State::Idle`], drawing its jitter from a generator seeded with `seed`.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let machine: Machine<Vec<u8>> = Machine::new(Options::default(), 0xDEAD_BEEF);
    /// assert_eq!(machine.poll_timeout(), None);
    /// ```
    pub fn new(options: Options, seed: u64) -> Self {
        Self {
            backoff: Backoff::new(&options),
            buffer: SendBuffer::new(options.max_buffered_messages, options.max_buffered_bytes),
            options,
            rng: Rng::new(seed),
            state: State::Idle,
            now: 0,
            next_socket: 1,
            socket: None,
            retries: 0,
            online: true,
            user_close: None,
            timers: [None; Timer::ALL.len()],
            actions: VecDeque::new(),
        }
    }

    /// The current state.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// assert_eq!(machine.state(), State::Connecting);
    /// ```
    pub fn state(&self) -> State {
        self.state
    }

    /// The options it runs with.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let machine: Machine<()> = Machine::new(Options::default(), 1);
    /// assert_eq!(machine.options().min_delay_ms, 1000);
    /// ```
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The socket it considers alive (connecting, open, or closing after `close()`).
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let machine: Machine<()> = Machine::new(Options::default(), 1);
    /// assert_eq!(machine.socket(), None);
    /// ```
    pub fn socket(&self) -> Option<SocketId> {
        self.socket.as_ref().map(|s| s.id)
    }

    /// Retries made since the last fresh start (start, `reconnect()`, back online, page
    /// visible) or stable connection.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let machine: Machine<()> = Machine::new(Options::default(), 1);
    /// assert_eq!(machine.retries(), 0);
    /// ```
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// How many messages wait for the socket to open.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let mut machine = Machine::new(Options::default(), 1);
    /// machine.handle_send(0, "hi", 2).unwrap();
    /// assert_eq!((machine.buffered_messages(), machine.buffered_bytes()), (1, 2));
    /// ```
    pub fn buffered_messages(&self) -> usize {
        self.buffer.len()
    }

    /// The total size, in bytes, of the messages waiting for the socket to open.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let machine: Machine<()> = Machine::new(Options::default(), 1);
    /// assert_eq!(machine.buffered_bytes(), 0);
    /// ```
    pub fn buffered_bytes(&self) -> u64 {
        self.buffer.bytes()
    }

    /// The next action for the driver, in order; `None` when there is nothing left to do.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// assert!(machine.poll_action().is_none());
    /// ```
    #[must_use]
    pub fn poll_action(&mut self) -> Option<Action<M>> {
        self.actions.pop_front()
    }

    /// The earliest deadline at which [`Machine::handle_timeout`] must be called, if any.
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(100);
    /// assert_eq!(machine.poll_timeout(), Some(10_100));
    /// ```
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.timers.iter().flatten().min().copied()
    }

    /// Starts the client: the first attempt. Ignored unless [`State::Idle`].
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// let first = machine.socket();
    /// machine.handle_start(1);
    /// assert_eq!(machine.socket(), first);
    /// ```
    pub fn handle_start(&mut self, now: Millis) {
        self.tick(now);
        if self.state == State::Idle {
            self.connect(0);
        }
    }

    /// The socket's `open` event.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_open(30, machine.socket().unwrap());
    /// assert_eq!(machine.state(), State::Open);
    /// ```
    pub fn handle_socket_open(&mut self, now: Millis, socket: SocketId) {
        self.tick(now);
        if self.state != State::Connecting {
            return;
        }
        let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) else {
            return;
        };
        live.opened_at = Some(self.now);
        live.last_inbound = self.now;
        live.heartbeat_sent_at = None;
        let attempt = live.attempt;
        self.disarm(Timer::ConnectTimeout);
        // The queue goes out first, so that anything sent from here on (even from the
        // `open` event's listeners) follows it.
        self.actions.extend(
            self.buffer
                .drain()
                .map(|message| Action::Send { socket, message }),
        );
        self.set_state(State::Open);
        self.emit(Event::Open { socket, attempt });
        if self.options.stable_after_ms == 0 {
            self.retries = 0;
        } else {
            self.arm(Timer::Stable, self.options.stable_after_ms);
        }
        self.arm_heartbeat();
    }

    /// The latest inbound message on `socket` arrived at `at` (its content stays with the
    /// driver): proof of life for the heartbeat, and the start of the silence a close reports
    /// as [`CloseInfo::idle_for_ms`].
    ///
    /// The driver may report messages lazily (see the module docs): `at` may lie before the
    /// machine's current time, and reporting the same time again changes nothing. The
    /// heartbeat timer is re-armed from `at`, and a message that arrived after the heartbeat
    /// was sent answers it.
    ///
    /// ```
    /// use wsguard::core::machine::{Action, Machine};
    /// use wsguard::core::options::{Heartbeat, Options};
    /// let heartbeat = Heartbeat { interval_ms: 1000, timeout_ms: 500, ..Heartbeat::default() };
    /// let options = Options { heartbeat: Some(heartbeat), stable_after_ms: 0, ..Options::default() };
    /// let mut machine: Machine<()> = Machine::new(options, 1);
    /// machine.handle_start(0);
    /// let id = machine.socket().unwrap();
    /// machine.handle_socket_open(0, id);
    /// // The timer set for 1000 fires; the driver first reports the message of 600.
    /// machine.handle_inbound(600, id);
    /// machine.handle_timeout(1000);
    /// assert!(std::iter::from_fn(|| machine.poll_action()).all(|a| !matches!(a, Action::SendHeartbeat { .. })));
    /// assert_eq!(machine.poll_timeout(), Some(1600));
    /// ```
    pub fn handle_inbound(&mut self, at: Millis, socket: SocketId) {
        self.tick(at);
        if self.state != State::Open {
            return;
        }
        let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) else {
            return;
        };
        live.last_inbound = live.last_inbound.max(at);
        let last_inbound = live.last_inbound;
        if live.heartbeat_sent_at.is_some_and(|sent| at < sent) {
            // Older than the heartbeat: it cannot answer it, and the idle timer it would have
            // re-armed has already fired.
            return;
        }
        live.heartbeat_sent_at = None;
        self.disarm(Timer::HeartbeatDead);
        if let Some(interval) = self.options.heartbeat.as_ref().map(|h| h.interval_ms) {
            self.arm_at(Timer::HeartbeatIdle, last_inbound.saturating_add(interval));
        }
    }

    /// The socket's `error` event: noted for the close that follows it.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_error(5, machine.socket().unwrap());
    /// assert_eq!(machine.state(), State::Connecting);
    /// ```
    pub fn handle_socket_error(&mut self, now: Millis, socket: SocketId) {
        self.tick(now);
        if let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) {
            live.errored = true;
            self.arm(Timer::ErrorGrace, ERROR_CLOSE_GRACE_MS);
        }
    }

    /// The socket's `close` event.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_close(5, machine.socket().unwrap(), 1008, "forbidden", true);
    /// assert_eq!(machine.state(), State::Closed); // 1008 is fatal by default
    /// ```
    pub fn handle_socket_close(
        &mut self,
        now: Millis,
        socket: SocketId,
        code: u16,
        reason: &str,
        was_clean: bool,
    ) {
        self.tick(now);
        if self.socket() == Some(socket) {
            self.end_socket(code, reason.into(), was_clean, CloseCause::Socket);
        }
    }

    /// Opening the socket failed before it existed: the constructor threw (`SecurityError`,
    /// `SyntaxError`) or the URL function failed. Counts as a failed attempt.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_open_failed(0, machine.socket().unwrap());
    /// assert_eq!(machine.state(), State::Reconnecting);
    /// ```
    pub fn handle_open_failed(&mut self, now: Millis, socket: SocketId) {
        self.tick(now);
        if self.socket() == Some(socket) {
            self.end_socket(CODE_ABNORMAL, String::new(), false, CloseCause::OpenFailed);
        }
    }

    /// The timer armed from [`Machine::poll_timeout`] fired. Early or spurious calls do
    /// nothing.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_timeout(9_999);
    /// assert_eq!(machine.state(), State::Connecting);
    /// machine.handle_timeout(10_000);
    /// assert_eq!(machine.state(), State::Reconnecting);
    /// ```
    pub fn handle_timeout(&mut self, now: Millis) {
        self.tick(now);
        // Every timer a handler arms lies in the future or leads to a state that waits for
        // the driver, so a few rounds always suffice; the bound only guards the loop.
        for _ in 0..Timer::ALL.len() * 4 {
            let due = Timer::ALL
                .into_iter()
                .filter_map(|timer| self.deadline(timer).map(|at| (at, timer)))
                .filter(|(at, _)| *at <= self.now)
                .min_by_key(|(at, _)| *at);
            let Some((_, timer)) = due else {
                return;
            };
            self.disarm(timer);
            self.fire(timer);
        }
    }

    /// The user's `send(message)`, `size` being the message's size in bytes. Sent at once
    /// when open, queued otherwise; refused (and handed back) when the queue is full or off,
    /// or the client is closed.
    ///
    /// ```
    /// use wsguard::core::buffer::SendRefusal;
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let options = Options { max_buffered_messages: 1, ..Options::default() };
    /// let mut machine = Machine::new(options, 1);
    /// machine.handle_send(0, "a", 1).unwrap();
    /// let err = machine.handle_send(0, "b", 1).unwrap_err();
    /// assert_eq!(err.refusal, SendRefusal::TooManyMessages { limit: 1 });
    /// ```
    pub fn handle_send(&mut self, now: Millis, message: M, size: u64) -> Result<(), SendError<M>> {
        self.tick(now);
        match (self.state, self.socket()) {
            (State::Open, Some(socket)) => {
                self.actions.push_back(Action::Send { socket, message });
                Ok(())
            }
            (State::Closing | State::Closed, _) => Err(SendError {
                refusal: SendRefusal::Closed,
                message,
            }),
            _ => self.buffer.push(message, size),
        }
    }

    /// The user's `close(code, reason)`: final. The code must be 1000 or 3000–4999 and the
    /// reason at most 123 UTF-8 bytes, as for the browser's own `close()`.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_close(10, 1000, "bye").unwrap();
    /// assert_eq!(machine.state(), State::Closing);
    /// machine.handle_socket_close(20, machine.socket().unwrap(), 1000, "bye", true);
    /// assert_eq!(machine.state(), State::Closed);
    /// ```
    pub fn handle_close(&mut self, now: Millis, code: u16, reason: &str) -> Result<(), CloseError> {
        if code != 1000 && !(3000..=4999).contains(&code) {
            return Err(CloseError::InvalidCode(code));
        }
        if reason.len() > MAX_CLOSE_REASON_BYTES {
            return Err(CloseError::ReasonTooLong {
                bytes: reason.len(),
            });
        }
        self.tick(now);
        match (self.state, self.socket()) {
            (State::Closing | State::Closed, _) => {}
            (State::Connecting | State::Open, Some(socket)) => {
                self.actions.push_back(Action::CloseSocket {
                    socket,
                    code,
                    reason: reason.into(),
                });
                self.disarm_all();
                self.user_close = Some((code, reason.into()));
                self.set_state(State::Closing);
                self.arm(Timer::CloseGrace, CLOSE_GRACE_MS);
            }
            _ => {
                let info = self.info_without_socket(code, reason.into());
                self.finish(info);
            }
        }
        Ok(())
    }

    /// The user's `reconnect()`: closes the current socket, if any, and attempts at once with
    /// a fresh backoff. Also revives a [`State::Closed`] client.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_close(0, 1000, "").unwrap();
    /// machine.handle_reconnect(10);
    /// assert_eq!(machine.state(), State::Connecting);
    /// assert!(machine.socket().is_some());
    /// ```
    pub fn handle_reconnect(&mut self, now: Millis) {
        self.tick(now);
        if let Some(live) = self.socket.take() {
            let (code, reason, cause) = match self.user_close.take() {
                // close() already asked this socket to close.
                Some((code, reason)) => (code, reason, CloseCause::UserClose),
                None => {
                    let reason = String::from("wsguard: reconnect");
                    self.actions.push_back(Action::CloseSocket {
                        socket: live.id,
                        code: CLOSE_RECONNECT,
                        reason: reason.clone(),
                    });
                    (CLOSE_RECONNECT, reason, CloseCause::UserReconnect)
                }
            };
            let mut info = self.info(&live, code, reason, false, cause);
            info.will_retry = true;
            info.retry_in_ms = Some(0);
            self.emit(Event::Close(info));
        }
        self.fresh_attempt();
    }

    /// The browser's `online` event: while reconnecting or offline, attempts at once with a
    /// fresh backoff.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_offline(0);
    /// machine.handle_start(0);
    /// machine.handle_socket_close(5, machine.socket().unwrap(), 1006, "", false);
    /// assert_eq!(machine.state(), State::Offline);
    /// machine.handle_online(60_000);
    /// assert_eq!(machine.state(), State::Connecting);
    /// ```
    pub fn handle_online(&mut self, now: Millis) {
        self.tick(now);
        let was_online = core::mem::replace(&mut self.online, true);
        if !was_online && matches!(self.state, State::Reconnecting | State::Offline) {
            self.fresh_attempt();
        }
    }

    /// The browser's `offline` event: a pending retry waits for the network instead. A live
    /// socket is left alone (`navigator.onLine` is only a hint, and loopback still works).
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_open_failed(0, machine.socket().unwrap());
    /// machine.handle_offline(10);
    /// assert_eq!((machine.state(), machine.poll_timeout()), (State::Offline, None));
    /// ```
    pub fn handle_offline(&mut self, now: Millis) {
        self.tick(now);
        self.online = false;
        if self.state == State::Reconnecting {
            self.disarm(Timer::Retry);
            self.set_state(State::Offline);
        }
    }

    /// The page became visible (`visibilitychange`): while reconnecting or offline, attempts
    /// at once with a fresh backoff.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_open_failed(0, machine.socket().unwrap());
    /// machine.handle_visible(1);
    /// assert_eq!((machine.state(), machine.retries()), (State::Connecting, 0));
    /// ```
    pub fn handle_visible(&mut self, now: Millis) {
        self.tick(now);
        if matches!(self.state, State::Reconnecting | State::Offline) {
            self.fresh_attempt();
        }
    }

    fn tick(&mut self, now: Millis) {
        self.now = self.now.max(now);
    }

    fn emit(&mut self, event: Event) {
        self.actions.push_back(Action::Emit(event));
    }

    fn set_state(&mut self, to: State) {
        let from = self.state;
        if from != to {
            self.state = to;
            self.emit(Event::StateChange { from, to });
        }
    }

    fn deadline(&self, timer: Timer) -> Option<Millis> {
        self.timers.get(timer as usize).copied().flatten()
    }

    fn set_deadline(&mut self, timer: Timer, deadline: Option<Millis>) {
        if let Some(slot) = self.timers.get_mut(timer as usize) {
            *slot = deadline;
        }
    }

    fn arm(&mut self, timer: Timer, after: Millis) {
        self.arm_at(timer, self.now.saturating_add(after));
    }

    /// Arms `timer` for `deadline`, or for now if that has passed.
    fn arm_at(&mut self, timer: Timer, deadline: Millis) {
        self.set_deadline(timer, Some(deadline.max(self.now)));
    }

    fn disarm(&mut self, timer: Timer) {
        self.set_deadline(timer, None);
    }

    fn disarm_all(&mut self) {
        self.timers = [None; Timer::ALL.len()];
    }

    fn arm_heartbeat(&mut self) {
        if let Some(interval) = self.options.heartbeat.as_ref().map(|h| h.interval_ms) {
            self.arm(Timer::HeartbeatIdle, interval);
        }
    }

    /// Asks for a new socket. The caller has ended the previous one.
    fn connect(&mut self, attempt: u32) {
        let id = SocketId(self.next_socket);
        self.next_socket += 1;
        self.disarm_all();
        self.socket = Some(Socket {
            id,
            attempt,
            requested_at: self.now,
            opened_at: None,
            last_inbound: self.now,
            heartbeat_sent_at: None,
            errored: false,
        });
        self.set_state(State::Connecting);
        self.actions.push_back(Action::OpenSocket {
            socket: id,
            attempt,
        });
        if self.options.connect_timeout_ms > 0 {
            self.arm(Timer::ConnectTimeout, self.options.connect_timeout_ms);
        }
    }

    fn fresh_attempt(&mut self) {
        self.user_close = None;
        self.retries = 0;
        self.connect(0);
    }

    fn fire(&mut self, timer: Timer) {
        let live = self.socket();
        match (timer, live) {
            (Timer::Retry, _) => self.connect(self.retries),
            (Timer::ConnectTimeout, Some(socket)) => {
                self.close_dead(socket, CLOSE_CONNECT_TIMEOUT, CloseCause::ConnectTimeout);
            }
            (Timer::Stable, _) => self.retries = 0,
            (Timer::HeartbeatIdle, Some(socket)) => self.send_heartbeat(socket),
            (Timer::HeartbeatDead, Some(socket)) => {
                self.close_dead(
                    socket,
                    CLOSE_HEARTBEAT_TIMEOUT,
                    CloseCause::HeartbeatTimeout,
                );
            }
            (Timer::CloseGrace, _) => {
                let (code, reason) = self
                    .user_close
                    .clone()
                    .unwrap_or_else(|| (1000, String::new()));
                self.end_socket(code, reason, false, CloseCause::UserClose);
            }
            (Timer::ErrorGrace, Some(socket)) => {
                self.actions.push_back(Action::CloseSocket {
                    socket,
                    code: 1000,
                    reason: String::new(),
                });
                self.end_socket(CODE_ABNORMAL, String::new(), false, CloseCause::Socket);
            }
            // Socket timers are disarmed whenever the socket ends.
            (
                Timer::ConnectTimeout
                | Timer::HeartbeatIdle
                | Timer::HeartbeatDead
                | Timer::ErrorGrace,
                None,
            ) => {}
        }
    }

    /// The heartbeat's idle timer fired: send the heartbeat, unless one is already waiting
    /// for its answer (then this was only a wake-up, armed below).
    fn send_heartbeat(&mut self, socket: SocketId) {
        let now = self.now;
        let (Some(live), Some(heartbeat)) = (self.socket.as_mut(), self.options.heartbeat.as_ref())
        else {
            return;
        };
        let interval = heartbeat.interval_ms;
        if live.heartbeat_sent_at.is_none() {
            live.heartbeat_sent_at = Some(now);
            let timeout = heartbeat.timeout_ms;
            self.actions.push_back(Action::SendHeartbeat { socket });
            self.arm(Timer::HeartbeatDead, timeout);
        }
        // An answer at `t` re-arms the idle timer for `t + interval`, which may come before
        // the dead timer. A driver that reports messages lazily only reports them when the
        // machine wakes up, so wake up every `interval` meanwhile: an answer that arrived
        // since the last wake-up is then reported before its `t + interval`.
        let wake_up = now.saturating_add(interval);
        if self
            .deadline(Timer::HeartbeatDead)
            .is_some_and(|dead| wake_up < dead)
        {
            self.arm_at(Timer::HeartbeatIdle, wake_up);
        }
    }

    /// Closes a socket our own timer gave up on, and treats it as lost.
    fn close_dead(&mut self, socket: SocketId, code: u16, cause: CloseCause) {
        let reason = match cause {
            CloseCause::ConnectTimeout => "wsguard: connect timeout",
            _ => "wsguard: heartbeat timeout",
        };
        self.actions.push_back(Action::CloseSocket {
            socket,
            code,
            reason: reason.into(),
        });
        self.end_socket(code, reason.into(), false, cause);
    }

    /// The live socket ended: report it, then close for good, wait, or schedule a retry.
    fn end_socket(&mut self, code: u16, reason: String, was_clean: bool, cause: CloseCause) {
        let Some(live) = self.socket.take() else {
            return;
        };
        self.disarm_all();
        let mut info = self.info(&live, code, reason, was_clean, cause);
        if self.state == State::Closing {
            info.cause = CloseCause::UserClose;
            self.finish(info);
            return;
        }
        let fatal = cause == CloseCause::Socket && self.options.fatal_codes.contains(&code);
        let exhausted = self
            .options
            .max_retries
            .is_some_and(|max| self.retries >= max);
        if fatal || exhausted {
            self.finish(info);
            return;
        }
        info.will_retry = true;
        if !self.online {
            self.set_state(State::Offline);
            self.emit(Event::Close(info));
            return;
        }
        let retry_later = cause == CloseCause::Socket && is_retry_later(code);
        let delay = self.backoff.delay(self.retries, retry_later, &mut self.rng);
        self.retries = self.retries.saturating_add(1);
        info.retry_in_ms = Some(delay);
        self.arm(Timer::Retry, delay);
        self.set_state(State::Reconnecting);
        self.emit(Event::Close(info));
        self.emit(Event::Reconnecting {
            attempt: self.retries,
            delay_ms: delay,
        });
    }

    /// Closes for good: hands back what is still queued, then reports the close.
    fn finish(&mut self, mut info: CloseInfo) {
        self.disarm_all();
        self.socket = None;
        self.user_close = None;
        self.set_state(State::Closed);
        let unsent: Vec<M> = self.buffer.drain().collect();
        if !unsent.is_empty() {
            self.actions.push_back(Action::Unsent(unsent));
        }
        info.will_retry = false;
        info.retry_in_ms = None;
        self.emit(Event::Close(info));
    }

    fn info(
        &self,
        live: &Socket,
        code: u16,
        reason: String,
        was_clean: bool,
        cause: CloseCause,
    ) -> CloseInfo {
        let now = self.now;
        CloseInfo {
            socket: Some(live.id),
            code,
            reason,
            was_clean,
            cause,
            was_open: live.opened_at.is_some(),
            open_for_ms: live.opened_at.map_or(0, |at| now.saturating_sub(at)),
            idle_for_ms: live
                .opened_at
                .map_or(0, |_| now.saturating_sub(live.last_inbound)),
            lifetime_ms: now.saturating_sub(live.requested_at),
            attempt: live.attempt,
            will_retry: false,
            retry_in_ms: None,
            offline: !self.online,
            errored: live.errored,
        }
    }

    /// The report of a `close()` while no socket is alive.
    fn info_without_socket(&self, code: u16, reason: String) -> CloseInfo {
        CloseInfo {
            socket: None,
            code,
            reason,
            was_clean: true,
            cause: CloseCause::UserClose,
            was_open: false,
            open_for_ms: 0,
            idle_for_ms: 0,
            lifetime_ms: 0,
            attempt: self.retries,
            will_retry: false,
            retry_in_ms: None,
            offline: !self.online,
            errored: false,
        }
    }
}
