//! One client's whole logic, sans-IO: the [`Machine`] plus what turns its decisions into what a
//! user sees — the events in order, the final close's leftovers, and the diagnosis of every
//! ended socket (facts, failure streak, HTTPS probe, console warning). A driver only carries out
//! [`SocketAction`](crate::core::machine::SocketAction)s on real sockets and timers, reports what happens, and delivers
//! [`SessionEvent`]s.
//!
//! Two queues: actions are carried out at once ([`Session::poll_action`]); events are delivered
//! when the driver is ready ([`Session::poll_event`]), perhaps from a microtask. An event is
//! completed when it is polled, so it reflects calls made by listeners of earlier events (a
//! `close()` from a `close` listener turns the diagnosis that follows into "no retry").
//!
//! ```
//! use wsguard::core::options::Options;
//! use wsguard::core::machine::SocketAction;
//! use wsguard::core::session::{Session, SessionEvent};
//!
//! let mut session: Session<u32> = Session::new(Options::default(), 7, false, "ws://h/ws".into());
//! session.start(0, true);
//! let Some(SocketAction::Open { socket, .. }) = session.poll_action() else { panic!() };
//! session.socket_closed(40, socket, 1006, "", false);
//! while session.poll_action().is_some() {}
//! let mut kinds = Vec::new();
//! while let Some(event) = session.poll_event(true) {
//!     if let SessionEvent::Diagnosis { diagnosis, .. } = event {
//!         kinds.push(diagnosis.kind.as_str());
//!     }
//! }
//! assert_eq!(kinds, ["unreachable"]);
//! ```

use alloc::collections::VecDeque;
use alloc::string::String;
use alloc::vec::Vec;

use super::buffer::SendError;
use super::close::{CloseError, CloseInfo};
use super::diagnosis::{is_wss, Answer, Probe, Streak};
use super::machine::{Event, Machine, State};
use super::options::Options;
use super::socket_id::SocketId;
use super::time::Millis;

mod diagnose;
mod output;
mod page;
mod queue;
mod waits;

pub use output::SessionEvent;
pub use page::{PageFact, LONG_HIDDEN_MS, ONLINE_SETTLE_MS};
pub use waits::PROBE_TIMEOUT_MS;

/// A socket's end with the facts of its attempt, taken when it ended: what its diagnosis
/// needs, which the next attempt may change before the diagnosis is made.
#[derive(Debug)]
struct ClosedAttempt {
    info: CloseInfo,
    url: String,
    /// Whether wsguard rewrote `url` from `ws:` to `wss:`.
    upgraded: bool,
    /// Whether `url` is on the page's own origin.
    same_origin: bool,
    mixed_content: bool,
    open_error: Option<String>,
    /// When the socket ended.
    ended_at: Millis,
}

/// An event waiting to be completed and delivered.
#[derive(Debug)]
enum Pending<M> {
    /// An event of the machine, delivered (nearly) as it is.
    Machine(Event),
    /// A socket ended: its close event, then its diagnosis.
    Close(ClosedAttempt),
    /// An `error` event, with what was thrown if no socket could be created, and whether to
    /// write it to the console.
    Error(Option<M>, bool),
    /// The final close's leftovers, for the close event that follows.
    Unsent(Vec<M>),
    /// A socket's diagnosis, after its close event.
    Diagnose(ClosedAttempt),
    /// A socket's diagnosis, with the probe's result (and answer) it waited for.
    Probed(ClosedAttempt, Probe, Option<Answer>),
    /// The attempt's URL function did not answer in time: an `error` event with `message`.
    UrlTimeout { message: String, warn: bool },
    /// The probe of this URL passed its deadline: the driver abandons it.
    AbandonProbe(String),
}

/// A client's logic: the machine, the event queue and the diagnosis.
///
/// ```
/// use wsguard::core::machine::SocketAction;
/// use wsguard::core::session::Session;
/// let mut session: Session<u32> = Session::new(Default::default(), 1, false, "ws://h/ws".into());
/// session.start(0, true);
/// assert!(matches!(session.poll_action(), Some(SocketAction::Open { .. })));
/// ```
#[derive(Debug)]
pub struct Session<M> {
    machine: Machine<M>,
    events: VecDeque<Pending<M>>,
    /// The queue's leftovers, for the final close that follows.
    unsent: Option<Vec<M>>,
    streak: Streak,
    page_secure: bool,
    /// The page's own address (`location.href`), when the driver told it.
    page: Option<String>,
    /// The URL of the current or last attempt.
    url: String,
    /// Whether the URL was given once (not by a URL function, which may change it).
    fixed_url: bool,
    /// Whether wsguard rewrote the current URL from `ws:` to `wss:`.
    upgraded: bool,
    /// Whether the last attempt failed to open as mixed content.
    mixed_content: bool,
    /// Why the last attempt failed before a socket existed, if it did.
    open_error: Option<String>,
    /// The diagnoses waiting for a probe, with the probe's URL and deadline (the same for every
    /// diagnosis waiting for one probe), oldest first: a probe is out while one waits for it.
    probing: Vec<(String, Millis, ClosedAttempt)>,
    /// The last inbound time reported to the machine.
    inbound: Option<Millis>,
    /// The latest time reported: an earlier one counts as this one.
    clock: Millis,
    /// The page's lifecycle and the pending `online` (`session/page.rs`).
    lifecycle: page::Lifecycle,
    /// The attempt whose URL function has not answered yet (`session/waits.rs`).
    url_pending: Option<SocketId>,
    /// The last attempt whose socket was created.
    created: Option<SocketId>,
}

impl<M> Session<M> {
    /// A session for a page loaded over HTTPS (`page_secure`) or not, connecting to `url`
    /// (empty until a URL function first answers).
    ///
    /// ```
    /// use wsguard::core::options::Options;
    /// use wsguard::core::session::Session;
    /// let session: Session<u32> = Session::new(Options::default(), 1, true, String::new());
    /// assert!(session.url().is_empty());
    /// ```
    pub fn new(options: Options, seed: u64, page_secure: bool, url: String) -> Self {
        Self {
            machine: Machine::new(options, seed),
            events: VecDeque::new(),
            unsent: None,
            streak: Streak::new(),
            page_secure,
            page: None,
            fixed_url: !url.is_empty(),
            url,
            upgraded: false,
            mixed_content: false,
            open_error: None,
            probing: Vec::new(),
            inbound: None,
            clock: 0,
            lifecycle: page::Lifecycle::default(),
            url_pending: None,
            created: None,
        }
    }

    /// The machine, for its state, options and counters.
    ///
    /// ```
    /// use wsguard::core::machine::State;
    /// use wsguard::core::options::Options;
    /// use wsguard::core::session::Session;
    /// let session: Session<u32> = Session::new(Options::default(), 1, false, "ws://h/".into());
    /// assert_eq!(session.machine().state(), State::Idle);
    /// ```
    pub fn machine(&self) -> &Machine<M> {
        &self.machine
    }

    /// The URL of the current or last attempt.
    ///
    /// ```
    /// # let session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// let shown = session.url();
    /// ```
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The socket `send` may use directly: the live one while open (the queue is then empty).
    ///
    /// ```
    /// # let session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// let direct = session.sendable().is_some();
    /// ```
    pub fn sendable(&self) -> Option<SocketId> {
        self.machine
            .socket()
            .filter(|_| self.machine.state() == State::Open)
    }

    /// Starts the first attempt (offline first when the browser says so).
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.start(0, true);
    /// ```
    pub fn start(&mut self, now: Millis, online: bool) {
        let now = self.tick(now);
        if !online {
            self.machine.handle_offline(now);
        }
        self.machine.handle_start(now);
    }

    /// The attempt's URL is known (a URL function answered), before its socket opens.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.set_url("wss://h/ws?token=1".into());
    /// ```
    pub fn set_url(&mut self, url: String) {
        self.url = url;
    }

    /// The socket for `socket` was created: the previous attempt's failure facts are cleared.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// # let socket = wsguard::core::machine::SocketId::from_number(1);
    /// session.socket_created(socket);
    /// ```
    pub fn socket_created(&mut self, socket: SocketId) {
        if self.machine.socket() == Some(socket) {
            self.created = Some(socket);
            self.url_pending = None;
            self.mixed_content = false;
            self.open_error = None;
            self.inbound = None;
            // WebKit blocks a `ws:` socket on an HTTPS page with an `error` and no `close`.
            if self.fixed_url && self.page_secure && !is_wss(&self.url) {
                self.machine.handle_blocked_for_good(socket);
            }
        }
    }

    /// The socket's `open` event.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// # let socket = wsguard::core::machine::SocketId::from_number(1);
    /// session.socket_opened(30, socket);
    /// ```
    pub fn socket_opened(&mut self, now: Millis, socket: SocketId) {
        self.machine.handle_socket_open(now, socket);
    }

    /// The socket's `error` event.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// # let socket = wsguard::core::machine::SocketId::from_number(1);
    /// session.socket_error(30, socket);
    /// ```
    pub fn socket_error(&mut self, now: Millis, socket: SocketId) {
        if self.machine.socket() == Some(socket) {
            self.events.push_back(Pending::Error(None, false));
            self.machine.handle_socket_error(now, socket);
        }
    }

    /// The socket's `close` event.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// # let socket = wsguard::core::machine::SocketId::from_number(1);
    /// session.socket_closed(30, socket, 1006, "", false);
    /// ```
    pub fn socket_closed(
        &mut self,
        now: Millis,
        socket: SocketId,
        code: u16,
        reason: &str,
        was_clean: bool,
    ) {
        self.machine
            .handle_socket_close(now, socket, code, reason, was_clean);
    }

    /// No socket could be created for `socket`: the URL function failed, or the constructor
    /// threw `thrown` (whose message is `message`; `mixed_content` for a `SecurityError`).
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// # let socket = wsguard::core::machine::SocketId::from_number(1);
    /// session.open_failed(30, socket, Some(9), "The URL is invalid".into(), false);
    /// ```
    pub fn open_failed(
        &mut self,
        now: Millis,
        socket: SocketId,
        thrown: Option<M>,
        message: String,
        mixed_content: bool,
    ) {
        if self.machine.socket() != Some(socket) {
            return;
        }
        self.mixed_content = mixed_content;
        self.open_error = Some(message);
        let warn = self.machine.options().log && !mixed_content;
        self.events.push_back(Pending::Error(thrown, warn));
        if mixed_content && self.fixed_url {
            self.machine.handle_blocked_for_good(socket);
        }
        self.machine.handle_open_failed(now, socket);
    }

    /// Sending on the socket threw: reported as an `error` event.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.send_failed();
    /// ```
    pub fn send_failed(&mut self) {
        self.events.push_back(Pending::Error(None, false));
    }

    /// The last message on `socket` arrived at `at` (reported lazily: before a timer or a
    /// socket event is handled).
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// # let socket = wsguard::core::machine::SocketId::from_number(1);
    /// session.inbound(25, socket);
    /// ```
    pub fn inbound(&mut self, at: Millis, socket: SocketId) {
        if self.inbound.is_none_or(|reported| at > reported) {
            self.inbound = Some(at);
            self.machine.handle_inbound(at, socket);
        }
    }

    /// `send()`: queued or handed to the open socket; refused with the message back.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.send(10, 1, 5).unwrap();
    /// ```
    pub fn send(&mut self, now: Millis, message: M, size: u64) -> Result<(), SendError<M>> {
        self.machine.handle_send(now, message, size)
    }

    /// `close()`: final. An attempt without a socket yet (its URL function has not answered)
    /// ends at once: there is no socket whose close event to wait for.
    ///
    /// ```
    /// use wsguard::core::machine::State;
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// assert!(session.close(10, 1001, "").is_err());
    /// session.close(10, 1000, "bye").unwrap(); // no socket was created
    /// assert_eq!(session.machine().state(), State::Closed);
    /// ```
    pub fn close(&mut self, now: Millis, code: u16, reason: &str) -> Result<(), CloseError> {
        let now = self.tick(now);
        self.machine.handle_close(now, code, reason)?;
        let waiting = self.machine.socket().filter(|socket| {
            self.machine.state() == State::Closing && self.created != Some(*socket)
        });
        if let Some(socket) = waiting {
            self.url_pending = None;
            self.machine
                .handle_socket_close(now, socket, code, reason, true);
        }
        Ok(())
    }

    /// `reconnect()`.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.reconnect(10);
    /// ```
    pub fn reconnect(&mut self, now: Millis) {
        self.machine.handle_reconnect(now);
    }

    /// Moves the session's clock on to `now`; an earlier time counts as the latest one seen.
    /// The machine's clock counts too: every input moves it on.
    fn tick(&mut self, now: Millis) -> Millis {
        self.clock = self.clock.max(self.machine.now()).max(now);
        self.clock
    }

    /// Whether the client was closed for good (`close()`), perhaps by a listener of an event
    /// still being delivered.
    fn is_closing(&self) -> bool {
        matches!(self.machine.state(), State::Closing | State::Closed)
    }
}
