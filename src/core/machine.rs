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
//! 3. Tag every socket with the [`SocketId`] of the [`SocketAction::Open`] that created it
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
//! - A socket still connecting after `connect_timeout_ms` is closed with
//!   [`CLOSE_CONNECT_TIMEOUT`] and counts as a failed attempt.
//! - After a loss or a failed attempt: a close code in `fatal_codes` (as reported by the
//!   browser) or an exhausted `max_retries` ends in [`State::Closed`]; otherwise, while the
//!   network is offline the machine waits in [`State::Offline`] without spending a retry;
//!   otherwise it waits in [`State::Reconnecting`] for a [`Backoff`] delay.
//! - The network coming back online, or the page becoming visible or resuming, while
//!   `Reconnecting` or `Offline`, attempts at once with a fresh backoff (retry count 0).
//! - After a suspension (a timer [`LATE_TIMER_MS`] late, or the driver's
//!   [`Machine::handle_resume`]) the live socket is checked instead of trusted: the heartbeat
//!   is sent at once; without one, a pause of at least `reconnect_after_suspend_ms` replaces
//!   the socket ([`CLOSE_SUSPENDED`]), as does a restore from the back/forward cache. A socket
//!   replaced, or lost before the heartbeat sent on resuming is answered, is reported as
//!   [`CloseCause::Suspended`] and retried at once.
//! - The retry count resets only once a connection has stayed open `stable_after_ms`.
//! - With a heartbeat, after `heartbeat.interval_ms` without inbound messages the heartbeat is sent;
//!   no inbound message within `heartbeat.timeout_ms` closes the socket with
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
//! use wsguard::core::machine::{Action, Event, Machine, SocketAction, State};
//! use wsguard::core::options::Options;
//!
//! let mut machine: Machine<&str> = Machine::new(Options::default(), 42);
//! machine.handle_send(0, "hello", 5).unwrap(); // queued: not open yet
//! machine.handle_start(0);
//! let mut opened = None;
//! while let Some(action) = machine.poll_action() {
//!     if let Action::Socket(SocketAction::Open { socket, .. }) = action {
//!         opened = Some(socket); // the driver calls `new WebSocket(url, protocols)`
//!     }
//! }
//! assert_eq!(machine.poll_timeout(), Some(10_000)); // the connect timeout
//! let socket = opened.unwrap();
//! machine.handle_socket_open(40, socket);
//! assert!(matches!(machine.poll_action(), Some(Action::Socket(SocketAction::Send { message: "hello", .. }))));
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

use super::backoff::{Backoff, Rng};
use super::buffer::SendBuffer;
use super::options::Options;

mod actions;
mod ending;
mod inputs;
mod state;
mod suspend;
mod timeouts;
mod timers;

pub use super::close::{
    CloseCause, CloseError, CloseInfo, CLOSE_CONNECT_TIMEOUT, CLOSE_HEARTBEAT_TIMEOUT,
    CLOSE_RECONNECT, CLOSE_SUSPENDED, MAX_CLOSE_REASON_BYTES,
};
pub use super::socket_id::SocketId;
pub use super::time::Millis;
pub use actions::{Action, Event, SocketAction};
pub use state::State;
pub use suspend::LATE_TIMER_MS;
pub use timers::{CLOSE_GRACE_MS, ERROR_CLOSE_GRACE_MS};

use timers::{Timer, Timers};

/// The socket the machine considers alive, and what it knows of it.
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
    /// Whether the browser will block this socket's URL on every attempt (a fixed `ws:` URL
    /// on an HTTPS page): if it fails to open, there is no retry.
    blocked_for_good: bool,
    /// When the page resumed from a suspension this socket lived through and the heartbeat
    /// went out to check it, until an inbound message shows that it survived (`suspend.rs`).
    resumed_at: Option<Millis>,
    /// Whether the heartbeat waiting for its answer was sent because the page resumed.
    checking: bool,
}

/// The connection state machine, generic over the message type `M` (the driver's JS values).
///
/// Its inputs (`handle_*`) are in `machine/inputs.rs`, the timer input in
/// `machine/timeouts.rs`, and what follows a socket's end in `machine/ending.rs`.
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
    /// The id the next socket gets.
    next_socket: SocketId,
    socket: Option<Socket>,
    retries: u32,
    online: bool,
    /// The user's `close()` code and reason while [`State::Closing`].
    user_close: Option<(u16, String)>,
    timers: Timers,
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
            next_socket: SocketId::from_number(1),
            socket: None,
            retries: 0,
            online: true,
            user_close: None,
            timers: Timers::default(),
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

    /// The latest time it was told of (its clock).
    ///
    /// ```
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(250);
    /// assert_eq!(machine.now(), 250);
    /// ```
    pub fn now(&self) -> Millis {
        self.now
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
        self.timers.earliest()
    }

    /// The deadline of the connect timeout, while an attempt is connecting.
    pub(crate) fn connect_deadline(&self) -> Option<Millis> {
        self.timers.get(Timer::ConnectTimeout)
    }

    /// Moves the clock on to `now` (a time earlier than one already seen counts as that one).
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

    /// Arms `timer` to fire `after` from now.
    fn arm(&mut self, timer: Timer, after: Millis) {
        self.arm_at(timer, self.now.saturating_add(after));
    }

    /// Arms `timer` for `deadline`, or for now if that has passed.
    fn arm_at(&mut self, timer: Timer, deadline: Millis) {
        self.timers.set(timer, Some(deadline.max(self.now)));
    }

    fn disarm(&mut self, timer: Timer) {
        self.timers.set(timer, None);
    }

    fn arm_heartbeat(&mut self) {
        if let Some(interval) = self.options.heartbeat.as_ref().map(|h| h.interval_ms) {
            self.arm(Timer::HeartbeatIdle, interval);
        }
    }

    /// Asks the driver for a new socket, for attempt `attempt` (0 for a first attempt, `n` for
    /// the n-th retry). The caller has ended the previous one.
    fn request_socket(&mut self, attempt: u32) {
        let id = self.next_socket;
        self.next_socket = id.next();
        self.timers.clear();
        self.socket = Some(Socket {
            id,
            attempt,
            requested_at: self.now,
            opened_at: None,
            last_inbound: self.now,
            heartbeat_sent_at: None,
            errored: false,
            blocked_for_good: false,
            resumed_at: None,
            checking: false,
        });
        self.set_state(State::Connecting);
        self.actions.push_back(Action::Socket(SocketAction::Open {
            socket: id,
            attempt,
        }));
        if self.options.connect_timeout_ms > 0 {
            self.arm(Timer::ConnectTimeout, self.options.connect_timeout_ms);
        }
    }

    /// Attempts at once with a fresh backoff (retry count 0), forgetting a pending `close()`.
    fn attempt_afresh(&mut self) {
        self.user_close = None;
        self.retries = 0;
        self.request_socket(0);
    }
}
