//! One client's whole logic, sans-IO: the [`Machine`] plus what turns its decisions into what a
//! user sees — the events in order, the final close's leftovers, and the diagnosis of every
//! ended socket (facts, failure streak, HTTPS probe, console warning). A driver only carries out
//! [`SessionAction`]s on real sockets and timers, reports what happens, and delivers
//! [`SessionEvent`]s.
//!
//! Two queues: actions are carried out at once ([`Session::poll_action`]); events are delivered
//! when the driver is ready ([`Session::poll_event`]), perhaps from a microtask. An event is
//! completed when it is polled, so it reflects calls made by listeners of earlier events (a
//! `close()` from a `close` listener turns the diagnosis that follows into "no retry").
//!
//! ```
//! use wsguard::core::options::Options;
//! use wsguard::core::session::{Session, SessionAction, SessionEvent};
//!
//! let mut session: Session<u32> = Session::new(Options::default(), 7, false, "ws://h/ws".into());
//! session.start(0, true);
//! let Some(SessionAction::Open { socket }) = session.poll_action() else { panic!() };
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
use super::diagnosis::{
    classify, probe_url, should_probe, Diagnosis, Facts, Probe, ProbePlan, Streak,
};
use super::machine::{Action, CloseError, CloseInfo, Event, Machine, Millis, SocketId, State};
use super::options::Options;

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
    /// [`Session::socket_opened`], or [`Session::open_failed`] if it cannot be created.
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
    /// [`Session::probe_finished`]; the diagnosis waits for it.
    Probe {
        /// `https://host:port/`.
        origin: String,
    },
}

/// What a diagnosis needs that may change before it is made.
#[derive(Debug)]
struct Ended {
    info: CloseInfo,
    url: String,
    mixed_content: bool,
    open_error: Option<String>,
}

/// An event waiting to be completed and delivered.
#[derive(Debug)]
enum Pending<M> {
    Core(Event),
    /// A socket ended, with the facts of its attempt as they were when it ended.
    Ended(Ended),
    Error(Option<M>),
    Unsent(Vec<M>),
    Diagnose(Ended),
    Probed(Ended, Probe),
}

/// A client's logic: the machine, the event queue and the diagnosis.
#[derive(Debug)]
pub struct Session<M> {
    machine: Machine<M>,
    events: VecDeque<Pending<M>>,
    /// The queue's leftovers, for the final close that follows.
    unsent: Option<Vec<M>>,
    streak: Streak,
    page_secure: bool,
    /// The URL of the current or last attempt.
    url: String,
    /// Whether the last attempt failed to open as mixed content.
    mixed_content: bool,
    /// Why the last attempt failed before a socket existed, if it did.
    open_error: Option<String>,
    /// The diagnoses waiting for a probe, with the probe's origin, oldest first.
    probing: Vec<(String, Ended)>,
    /// The last inbound time reported to the machine.
    inbound: Option<Millis>,
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
            url,
            mixed_content: false,
            open_error: None,
            probing: Vec::new(),
            inbound: None,
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
            self.mixed_content = false;
            self.open_error = None;
            self.inbound = None;
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
            self.events.push_back(Pending::Error(None));
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
        self.events.push_back(Pending::Error(thrown));
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
        self.events.push_back(Pending::Error(None));
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

    /// The timer fired.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.timeout(1000);
    /// ```
    pub fn timeout(&mut self, now: Millis) {
        self.machine.handle_timeout(now);
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

    /// `close()`: final.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// assert!(session.close(10, 1001, "").is_err());
    /// ```
    pub fn close(&mut self, now: Millis, code: u16, reason: &str) -> Result<(), CloseError> {
        self.machine.handle_close(now, code, reason)
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

    /// The browser went online, offline, or the page became visible.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.network(10, false);
    /// ```
    pub fn network(&mut self, now: Millis, online: bool) {
        if online {
            self.machine.handle_online(now);
        } else {
            self.machine.handle_offline(now);
        }
    }

    /// The page became visible again (or was restored from the back/forward cache).
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.visible(10);
    /// ```
    pub fn visible(&mut self, now: Millis) {
        self.machine.handle_visible(now);
    }

    /// The HTTPS probe against `origin` answered: the diagnoses that waited for it are queued.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.probe_finished("https://h/", wsguard::core::diagnosis::Probe::TlsOk);
    /// ```
    pub fn probe_finished(&mut self, origin: &str, result: Probe) {
        self.streak.record_probe(origin, result);
        let mut index = 0;
        while index < self.probing.len() {
            if self.probing[index].0 == origin {
                let (_, ended) = self.probing.remove(index);
                self.events.push_back(Pending::Probed(ended, result));
            } else {
                index += 1;
            }
        }
    }

    /// When the timer must fire next, if at all.
    ///
    /// ```
    /// # let session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// let deadline = session.deadline();
    /// ```
    pub fn deadline(&self) -> Option<Millis> {
        self.machine.poll_timeout()
    }

    /// The next thing to do to sockets; events move to the event queue on the way.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// while let Some(action) = session.poll_action() {
    ///     // carry it out
    /// }
    /// ```
    pub fn poll_action(&mut self) -> Option<SessionAction<M>> {
        loop {
            match self.machine.poll_action()? {
                Action::OpenSocket { socket, .. } => return Some(SessionAction::Open { socket }),
                Action::CloseSocket {
                    socket,
                    code,
                    reason,
                } => {
                    return Some(SessionAction::Close {
                        socket,
                        code,
                        reason,
                    })
                }
                Action::Send { socket, message } => {
                    return Some(SessionAction::Send { socket, message })
                }
                Action::SendHeartbeat { socket } => {
                    return Some(SessionAction::SendHeartbeat { socket })
                }
                // The attempt's facts are taken now: a listener of an earlier event may start
                // the next attempt before this close is delivered.
                Action::Emit(Event::Close(info)) => self.events.push_back(Pending::Ended(Ended {
                    info,
                    url: self.url.clone(),
                    mixed_content: self.mixed_content,
                    open_error: self.open_error.clone(),
                })),
                Action::Emit(event) => self.events.push_back(Pending::Core(event)),
                Action::Unsent(messages) => self.events.push_back(Pending::Unsent(messages)),
            }
        }
    }

    /// The next event to deliver, completed now; `online` is `navigator.onLine` at this moment.
    /// Drain [`poll_action`](Self::poll_action) first.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// while let Some(event) = session.poll_event(true) {
    ///     // dispatch it
    /// }
    /// ```
    pub fn poll_event(&mut self, online: bool) -> Option<SessionEvent<M>> {
        loop {
            let event = match self.events.pop_front()? {
                Pending::Error(thrown) => SessionEvent::Error(thrown),
                Pending::Unsent(messages) => {
                    self.unsent = Some(messages);
                    continue;
                }
                Pending::Core(Event::Open { .. }) => {
                    self.streak.opened();
                    SessionEvent::Open
                }
                // The machine starts `Idle`, which is already reported as connecting.
                Pending::Core(Event::StateChange {
                    from: State::Idle,
                    to: State::Connecting,
                }) => continue,
                Pending::Core(Event::StateChange { from, to }) => SessionEvent::StateChange {
                    from: if from == State::Idle {
                        State::Connecting
                    } else {
                        from
                    },
                    to,
                },
                // A `close()` from an earlier listener made this retry moot.
                Pending::Core(Event::Reconnecting { .. }) if self.is_closing() => continue,
                Pending::Core(Event::Reconnecting { attempt, delay_ms }) => {
                    SessionEvent::Reconnecting { attempt, delay_ms }
                }
                Pending::Ended(ended) => {
                    let event = SessionEvent::Close {
                        code: ended.info.code,
                        reason: ended.info.reason.clone(),
                        was_clean: ended.info.was_clean,
                        unsent: self.unsent.take(),
                    };
                    self.events.push_front(Pending::Diagnose(ended));
                    event
                }
                // Emitted as `Ended` by `poll_action`.
                Pending::Core(Event::Close(_)) => continue,
                Pending::Diagnose(ended) => match self.diagnose(ended, online) {
                    Some(event) => event,
                    None => continue,
                },
                Pending::Probed(ended, probe) => self.classify(&ended, probe, online),
            };
            return Some(event);
        }
    }

    /// Whether the client was closed for good (`close()`), perhaps by a listener of an event
    /// still being delivered.
    fn is_closing(&self) -> bool {
        matches!(self.machine.state(), State::Closing | State::Closed)
    }

    /// The diagnosis of an ended socket, or the probe it waits for.
    fn diagnose(&mut self, ended: Ended, online: bool) -> Option<SessionEvent<M>> {
        let facts = self.facts(&ended, Probe::Skipped, online);
        let enabled = self.machine.options().probe;
        // A failure while this origin's probe is still out waits for its answer, so that the
        // streak is diagnosed with one result throughout.
        let waiting = probe_url(&ended.url)
            .filter(|origin| self.probing.iter().any(|(probed, _)| probed == origin))
            .filter(|_| should_probe(&facts, enabled));
        if let Some(origin) = waiting {
            self.probing.push((origin, ended));
            return None;
        }
        match self.streak.plan_probe(&facts, enabled) {
            ProbePlan::Skip => Some(self.classify(&ended, Probe::Skipped, online)),
            ProbePlan::Reuse(result) => Some(self.classify(&ended, result, online)),
            ProbePlan::Run(origin) => {
                self.probing.push((origin.clone(), ended));
                Some(SessionEvent::Probe { origin })
            }
        }
    }

    /// The diagnosis event; a `close()` made since the socket ended (by a listener, or while
    /// the probe ran) means that no retry follows after all.
    fn classify(&mut self, ended: &Ended, probe: Probe, online: bool) -> SessionEvent<M> {
        let mut info = ended.info.clone();
        if self.is_closing() {
            info.will_retry = false;
            info.retry_in_ms = None;
        }
        let facts = Facts {
            close: &info,
            ..self.facts(ended, probe, online)
        };
        let diagnosis = classify(&facts);
        let warn = self.streak.observe(&diagnosis, self.machine.options().log);
        SessionEvent::Diagnosis { diagnosis, warn }
    }

    /// What the classifier needs to know about an ended socket.
    fn facts<'a>(&self, ended: &'a Ended, probe: Probe, online: bool) -> Facts<'a> {
        Facts {
            page_secure: self.page_secure,
            mixed_content: ended.mixed_content,
            online,
            probe,
            heartbeat: self.machine.options().heartbeat.is_some(),
            previous_idle_ms: self.streak.previous_idle_ms(),
            open_error: ended.open_error.as_deref(),
            ..Facts::new(&ended.info, &ended.url)
        }
    }
}
