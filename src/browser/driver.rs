//! The driver loop: feeds the [`Machine`] its inputs with the time, carries out its actions on
//! the real socket, timer and page listeners, and delivers what happened to the
//! [`Observer`](super::client::Observer).
//!
//! # No borrow across JavaScript
//!
//! Page code can replace any global (`WebSocket`, `console`, `setTimeout`, `fetch`,
//! `performance`) and call back into the client from inside it, and user code runs in the URL
//! function and in the observer. So the driver's state sits in one `RefCell` that is **never
//! held across a call into JavaScript**: each step reads what it needs from JavaScript first,
//! then borrows, updates and lets go, then calls out. Every call that page code can make throw
//! is a `catch` import, so no exception unwinds through these frames.
//!
//! A call back into the client from inside such code only adds to the machine's actions or the
//! event queue, which the outer loop picks up: actions are carried out in order, and the
//! observer is never entered for one event while it handles another.
//!
//! ```no_run
//! // The driver is internal: a `Client` creates one (see `super::client`).
//! ```

use alloc::collections::VecDeque;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, Ref, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::WebSocket;

use super::client::{ClientEvent, CloseReport, Observer, UrlSource};
use super::environment::{self, Watch};
use super::guards::Timer;
use super::js::{self, Settling};
use super::probe;
use super::socket::{Handle, LiveSocket, SocketEvent};
use crate::core::diagnosis::{classify, Facts, Probe, ProbePlan, Streak};
use crate::core::machine::{Action, CloseInfo, Event, Machine, Millis, SocketId, State};
use crate::core::options::{BinaryType, Options};
use crate::core::url::UrlError;

/// Whether the events an input causes are delivered now or from a microtask.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dispatch {
    /// At once: the input came from the browser (a socket event, a timer, the network).
    Now,
    /// From a microtask: the input came from a call on the client.
    Later,
}

/// Something to deliver to the observer, in order.
enum Pending {
    Core(Event),
    /// The socket reported an error, or (with what was thrown) no socket could be created.
    Error(Option<JsValue>),
    /// The queue's leftovers, for the final close that follows.
    Unsent(Vec<JsValue>),
    /// A diagnosis whose probe finished after its close.
    Diagnosis(crate::core::diagnosis::Diagnosis),
}

/// What a diagnosis needs that may change before its probe finishes.
struct Ended {
    info: CloseInfo,
    url: String,
    mixed_content: bool,
    open_error: Option<String>,
}

/// Everything the driver mutates, behind one `RefCell` that is never held across JavaScript.
pub(super) struct Driver {
    pub(super) machine: Machine<JsValue>,
    socket: Option<(SocketId, LiveSocket)>,
    timer: Option<(Millis, Timer)>,
    environment: Option<Watch>,
    /// The URL of the current or last attempt.
    pub(super) url: String,
    pub(super) binary_type: BinaryType,
    /// The unsent messages the machine handed back, for the final close.
    unsent: Option<Vec<JsValue>>,
    /// The failure streak: probe results, console warnings, the previous idle drop.
    streak: Streak,
    /// Whether the page was loaded over HTTPS.
    page_secure: bool,
    /// Whether the last attempt failed to open as mixed content (`SecurityError`).
    mixed_content: bool,
    /// Why the last attempt failed before a socket existed, if it did.
    open_error: Option<String>,
    /// A URL function's pending Promise.
    url_wait: Option<Settling>,
    /// A running HTTPS probe.
    probe: Option<probe::Running>,
    /// The socket the observer was last told it may send on directly.
    sendable: Option<SocketId>,
    /// The last inbound time already reported to the machine.
    inbound_reported: f64,
}

/// The client's shared state: the driver, the observer and the delivery queue.
pub(super) struct Shared {
    driver: RefCell<Driver>,
    observer: Rc<dyn Observer>,
    url_source: UrlSource,
    pending: RefCell<VecDeque<Pending>>,
    /// Actions are being carried out by an outer call.
    running: Cell<bool>,
    /// Events are being delivered by an outer call.
    delivering: Cell<bool>,
    /// The microtask that delivers events caused by calls on the client.
    delivery: RefCell<Option<Settling>>,
    /// The client was dropped: nothing more happens.
    released: Cell<bool>,
}

impl Shared {
    /// Creates the driver and starts the first attempt.
    pub(super) fn start(
        url_source: UrlSource,
        options: Options,
        observer: Rc<dyn Observer>,
    ) -> Rc<Self> {
        let online = environment::is_online();
        let page_secure = super::url::page_is_secure();
        let seed = random_seed();
        let url = match &url_source {
            UrlSource::Fixed(url) => url.clone(),
            UrlSource::Function(_) => String::new(),
        };
        let driver = Driver {
            binary_type: options.binary_type,
            machine: Machine::new(options, seed),
            socket: None,
            timer: None,
            environment: None,
            url,
            unsent: None,
            streak: Streak::new(),
            page_secure,
            mixed_content: false,
            open_error: None,
            url_wait: None,
            probe: None,
            sendable: None,
            inbound_reported: -1.0,
        };
        let shared = Rc::new(Self {
            driver: RefCell::new(driver),
            observer,
            url_source,
            pending: RefCell::new(VecDeque::new()),
            running: Cell::new(false),
            delivering: Cell::new(false),
            delivery: RefCell::new(None),
            released: Cell::new(false),
        });
        shared.input(Dispatch::Later, |machine, now| {
            if !online {
                machine.handle_offline(now);
            }
            machine.handle_start(now);
        });
        shared
    }

    /// The driver's state, for a moment (the caller must not call into JavaScript with it).
    pub(super) fn driver(&self) -> Ref<'_, Driver> {
        self.driver.borrow()
    }

    /// Feeds one input to the machine, then carries out what it decided.
    pub(super) fn input(
        self: &Rc<Self>,
        dispatch: Dispatch,
        feed: impl FnOnce(&mut Machine<JsValue>, Millis),
    ) {
        if self.released.get() {
            return;
        }
        let now = js::now();
        self.report_inbound();
        feed(&mut self.driver.borrow_mut().machine, now);
        self.run(dispatch);
    }

    /// Tells the machine when the live socket last received a message, if that changed. The
    /// time is kept in JavaScript and read only here, so messages never call into WebAssembly.
    fn report_inbound(&self) {
        let clock = {
            let driver = self.driver.borrow();
            driver
                .socket
                .as_ref()
                .map(|(id, live)| (*id, live.last_inbound()))
        };
        let Some((socket, clock)) = clock else { return };
        let Some(at) = clock.read() else { return };
        let mut driver = self.driver.borrow_mut();
        if at > driver.inbound_reported {
            driver.inbound_reported = at;
            driver.machine.handle_inbound(at as Millis, socket);
        }
    }

    /// Carries out the machine's actions (unless an outer call already does), brings timers and
    /// listeners in line, then delivers the events.
    fn run(self: &Rc<Self>, dispatch: Dispatch) {
        if !self.running.replace(true) {
            loop {
                while let Some(action) = self.next_action() {
                    self.perform(action);
                }
                self.reconcile();
                match self.next_action() {
                    Some(action) => self.perform(action),
                    None => break,
                }
            }
            self.running.set(false);
        }
        match dispatch {
            Dispatch::Now => self.deliver(),
            Dispatch::Later => self.schedule_delivery(),
        }
    }

    fn next_action(&self) -> Option<Action<JsValue>> {
        self.driver.borrow_mut().machine.poll_action()
    }

    fn perform(self: &Rc<Self>, action: Action<JsValue>) {
        match action {
            Action::OpenSocket { socket, .. } => self.open(socket),
            Action::CloseSocket {
                socket,
                code,
                reason,
            } => {
                if let Some(handle) = self.handle(socket) {
                    handle.close(code, &reason);
                }
            }
            Action::Send { socket, message } => {
                if let Some(handle) = self.handle(socket) {
                    if handle.send(&message).is_err() {
                        self.push(Pending::Error(None));
                    }
                }
            }
            Action::SendHeartbeat { socket } => {
                let message = {
                    let driver = self.driver.borrow();
                    driver
                        .machine
                        .options()
                        .heartbeat
                        .as_ref()
                        .map(|h| h.message.clone())
                };
                if let (Some(handle), Some(message)) = (self.handle(socket), message) {
                    let _ = handle.send(&JsValue::from_str(&message));
                }
            }
            Action::Emit(event) => self.push(Pending::Core(event)),
            Action::Unsent(messages) => self.push(Pending::Unsent(messages)),
        }
    }

    fn push(&self, pending: Pending) {
        self.pending.borrow_mut().push_back(pending);
    }

    /// The live socket's handle, if it is `socket`.
    fn handle(&self, socket: SocketId) -> Option<Handle> {
        let driver = self.driver.borrow();
        driver
            .socket
            .as_ref()
            .filter(|(id, _)| *id == socket)
            .map(|(_, live)| live.handle())
    }

    /// The browser socket of the current attempt, if one is alive.
    pub(super) fn socket(&self) -> Option<WebSocket> {
        let driver = self.driver.borrow();
        driver.socket.as_ref().map(|(_, live)| live.raw().clone())
    }

    pub(super) fn set_binary_type(&self, binary_type: BinaryType) {
        let handle = {
            let mut driver = self.driver.borrow_mut();
            driver.binary_type = binary_type;
            driver.socket.as_ref().map(|(_, live)| live.handle())
        };
        if let Some(handle) = handle {
            handle.set_binary_type(binary_type);
        }
    }

    /// Resolves the attempt's URL (calling the user's function, which may return a Promise),
    /// then opens the socket.
    fn open(self: &Rc<Self>, socket: SocketId) {
        let function = match &self.url_source {
            UrlSource::Fixed(url) => return self.connect(socket, Ok(url.clone())),
            UrlSource::Function(function) => function,
        };
        match function.call0(&JsValue::UNDEFINED) {
            Ok(value) if value.is_instance_of::<js_sys::Promise>() => {
                let weak: Weak<Self> = Rc::downgrade(self);
                let wait = Settling::new(&value, move |fulfilled, value| {
                    let Some(shared) = weak.upgrade() else { return };
                    let finished = shared.driver.borrow_mut().url_wait.take();
                    drop(finished);
                    let url = if fulfilled {
                        shared.resolve(&value)
                    } else {
                        Err(url_function_failed(&value))
                    };
                    shared.connect(socket, url);
                    shared.run(Dispatch::Now);
                });
                let previous = self.driver.borrow_mut().url_wait.replace(wait);
                drop(previous);
            }
            Ok(value) => {
                let url = self.resolve(&value);
                self.connect(socket, url);
            }
            Err(thrown) => self.connect(socket, Err(url_function_failed(&thrown))),
        }
    }

    /// The WebSocket URL for a value the URL function gave.
    fn resolve(&self, value: &JsValue) -> Result<String, JsValue> {
        let Some(input) = value.as_string() else {
            return Err(js_sys::TypeError::new(
                "wsguard: the URL function must return a string or a Promise of one",
            )
            .into());
        };
        let (insecure, log) = {
            let driver = self.driver.borrow();
            let options = driver.machine.options();
            (options.insecure, options.log)
        };
        super::url::resolve_on_page(&input, insecure, log).map_err(|error| match error {
            UrlError::InsecureRefused { .. } => {
                web_sys::DomException::new_with_message_and_name(&error.message(), "SecurityError")
                    .map_or(JsValue::NULL, Into::into)
            }
            _ => js_sys::TypeError::new(&error.message()).into(),
        })
    }

    /// Opens the socket for `socket` at `url`, if the machine still wants it.
    fn connect(self: &Rc<Self>, socket: SocketId, url: Result<String, JsValue>) {
        let wanted = |shared: &Self| shared.driver.borrow().machine.socket() == Some(socket);
        if !wanted(self) {
            return;
        }
        self.release_socket();
        let url = match url {
            Ok(url) => url,
            Err(error) => return self.open_failed(socket, error),
        };
        let (protocols, binary_type) = {
            let mut driver = self.driver.borrow_mut();
            driver.url.clone_from(&url);
            (
                driver.machine.options().protocols.clone(),
                driver.binary_type,
            )
        };
        let weak: Weak<Self> = Rc::downgrade(self);
        let on_event = Rc::new(move |event| {
            if let Some(shared) = weak.upgrade() {
                shared.on_socket_event(socket, event);
            }
        });
        match LiveSocket::open(&url, &protocols, binary_type, on_event) {
            // A replaced `WebSocket` may have called back and moved the machine on.
            Ok(live) if wanted(self) => {
                let raw = live.raw().clone();
                {
                    let mut driver = self.driver.borrow_mut();
                    driver.mixed_content = false;
                    driver.open_error = None;
                    driver.inbound_reported = -1.0;
                    driver.socket = Some((socket, live));
                }
                self.observer.socket_changed(Some(&raw));
            }
            Ok(_) => {}
            Err(error) => self.open_failed(socket, error),
        }
    }

    /// An attempt that failed before a socket existed: remembered for the diagnosis, logged,
    /// reported as an `error` carrying what was thrown.
    fn open_failed(&self, socket: SocketId, error: JsValue) {
        let mixed_content = is_security_error(&error);
        let message = js::message_of(&error);
        let now = js::now();
        let log = {
            let mut driver = self.driver.borrow_mut();
            driver.mixed_content = mixed_content;
            driver.open_error = Some(message);
            driver.machine.handle_open_failed(now, socket);
            driver.machine.options().log
        };
        if log && !mixed_content {
            js::warn(
                &"wsguard: this attempt could not open a socket:".into(),
                Some(&error),
            );
        }
        self.push(Pending::Error(Some(error)));
    }

    fn on_socket_event(self: &Rc<Self>, socket: SocketId, event: SocketEvent) {
        match event {
            SocketEvent::Open => {
                self.input(Dispatch::Now, |m, now| m.handle_socket_open(now, socket))
            }
            SocketEvent::Error => {
                self.push(Pending::Error(None));
                self.input(Dispatch::Now, |m, now| m.handle_socket_error(now, socket));
            }
            SocketEvent::Close {
                code,
                reason,
                was_clean,
            } => self.input(Dispatch::Now, |m, now| {
                m.handle_socket_close(now, socket, code, &reason, was_clean);
            }),
        }
    }

    /// Lets go of the live socket: the observer first (it detaches its listeners), then the
    /// socket's own listeners, then the socket itself.
    fn release_socket(&self) {
        let released = self.driver.borrow_mut().socket.take();
        if let Some((_, live)) = released {
            self.observer.socket_changed(None);
            drop(live);
        }
    }

    /// Brings the browser side in line with the machine: the socket `send` may use directly, a
    /// socket the machine no longer tracks, the one timer, and the page listeners (kept only
    /// while the client is not closed).
    fn reconcile(self: &Rc<Self>) {
        let (sendable, stale_socket) = {
            let mut driver = self.driver.borrow_mut();
            let driver = &mut *driver;
            let wanted = driver.machine.socket();
            let open = driver.machine.state() == State::Open;
            let sendable = wanted
                .filter(|_| open)
                .filter(|id| driver.live(*id).is_some());
            let changed = (sendable != driver.sendable).then(|| {
                driver.sendable = sendable;
                sendable
                    .and_then(|id| driver.live(id))
                    .map(|live| live.raw().clone())
            });
            let stale = driver
                .socket
                .as_ref()
                .is_some_and(|(id, _)| Some(*id) != wanted);
            (changed, stale)
        };
        if let Some(socket) = sendable {
            self.observer.sendable_changed(socket.as_ref());
        }
        if stale_socket {
            self.release_socket();
        }
        self.rearm_timer();
        let (closed, watching) = {
            let driver = self.driver.borrow();
            (
                driver.machine.state() == State::Closed,
                driver.environment.is_some(),
            )
        };
        if closed && watching {
            let watch = self.driver.borrow_mut().environment.take();
            drop(watch);
        } else if !closed && !watching {
            let watch = self.watch_environment();
            self.driver.borrow_mut().environment = Some(watch);
        }
    }

    /// Re-arms the one timer when the machine's next deadline moved.
    fn rearm_timer(self: &Rc<Self>) {
        let (deadline, stale) = {
            let mut driver = self.driver.borrow_mut();
            let deadline = driver.machine.poll_timeout();
            if driver.timer.as_ref().map(|(at, _)| *at) == deadline {
                return;
            }
            (deadline, driver.timer.take())
        };
        drop(stale);
        if let Some(at) = deadline {
            let delay = u32::try_from(at.saturating_sub(js::now()))
                .unwrap_or(u32::MAX)
                .min(i32::MAX as u32);
            let weak = Rc::downgrade(self);
            let timer = Timer::new(delay, move || {
                if let Some(shared) = weak.upgrade() {
                    // The timer has fired: forget it, so the next deadline always re-arms.
                    let fired = shared.driver.borrow_mut().timer.take();
                    drop(fired);
                    shared.input(Dispatch::Now, |m, now| m.handle_timeout(now));
                }
            });
            self.driver.borrow_mut().timer = Some((at, timer));
        }
    }

    fn watch_environment(self: &Rc<Self>) -> Watch {
        let weak = Rc::downgrade(self);
        Watch::new(move |change| {
            if let Some(shared) = weak.upgrade() {
                shared.input(Dispatch::Now, |m, now| match change {
                    environment::Change::Online => m.handle_online(now),
                    environment::Change::Offline => m.handle_offline(now),
                    environment::Change::Visible => m.handle_visible(now),
                });
            }
        })
    }

    /// Delivers the queued events from a microtask. Dropping the client cancels it.
    fn schedule_delivery(self: &Rc<Self>) {
        if self.delivery.borrow().is_some() {
            return;
        }
        let weak = Rc::downgrade(self);
        let task = Settling::new(&JsValue::UNDEFINED, move |_, _| {
            if let Some(shared) = weak.upgrade() {
                let done = shared.delivery.borrow_mut().take();
                drop(done);
                shared.deliver();
            }
        });
        *self.delivery.borrow_mut() = Some(task);
    }

    /// Delivers the queued events in order. An observer that calls back into the client only
    /// adds to the queue, which this loop then picks up.
    fn deliver(self: &Rc<Self>) {
        if self.delivering.replace(true) {
            return;
        }
        loop {
            let next = self.pending.borrow_mut().pop_front();
            let Some(pending) = next else { break };
            if let Some(event) = self.translate(pending) {
                self.observer.event(event);
            }
        }
        self.delivering.set(false);
    }

    /// The event to deliver for a queued item, if any (some only update the driver).
    fn translate(self: &Rc<Self>, pending: Pending) -> Option<ClientEvent> {
        Some(match pending {
            Pending::Error(error) => ClientEvent::Error(error),
            Pending::Diagnosis(diagnosis) => ClientEvent::Diagnosis(diagnosis),
            Pending::Unsent(messages) => {
                self.driver.borrow_mut().unsent = Some(messages);
                return None;
            }
            Pending::Core(Event::Open { .. }) => {
                self.driver.borrow_mut().streak.opened();
                ClientEvent::Open
            }
            // The machine starts `Idle`, which is already reported as connecting.
            Pending::Core(Event::StateChange {
                from: State::Idle,
                to: State::Connecting,
            }) => return None,
            Pending::Core(Event::StateChange { from, to }) => ClientEvent::StateChange {
                from: if from == State::Idle {
                    State::Connecting
                } else {
                    from
                },
                to,
            },
            // A `close()` from an earlier listener made this retry moot.
            Pending::Core(Event::Reconnecting { .. }) if self.is_closing() => return None,
            Pending::Core(Event::Reconnecting { attempt, delay_ms }) => {
                ClientEvent::Reconnecting { attempt, delay_ms }
            }
            Pending::Core(Event::Close(info)) => {
                let unsent = self.driver.borrow_mut().unsent.take();
                self.observer.event(ClientEvent::Close(CloseReport {
                    code: info.code,
                    reason: info.reason.clone(),
                    was_clean: info.was_clean,
                    unsent,
                }));
                return self.diagnose(info).map(ClientEvent::Diagnosis);
            }
        })
    }

    /// The diagnosis for an ended socket; `None` when it waits for the HTTPS probe, whose
    /// result queues it later.
    fn diagnose(self: &Rc<Self>, mut info: CloseInfo) -> Option<crate::core::diagnosis::Diagnosis> {
        if self.is_closing() {
            // A `close()` from a `close` listener: no retry follows after all.
            info.will_retry = false;
            info.retry_in_ms = None;
        }
        let online = environment::is_online();
        let (ended, plan) = {
            let mut driver = self.driver.borrow_mut();
            let driver = &mut *driver;
            let ended = Ended {
                info,
                url: driver.url.clone(),
                mixed_content: driver.mixed_content,
                open_error: driver.open_error.clone(),
            };
            let facts = driver.facts(&ended, Probe::Skipped, online);
            let plan = driver
                .streak
                .plan_probe(&facts, driver.machine.options().probe);
            (ended, plan)
        };
        match plan {
            ProbePlan::Skip => Some(self.classify(&ended, Probe::Skipped, online)),
            ProbePlan::Reuse(result) => Some(self.classify(&ended, result, online)),
            ProbePlan::Run(origin) => {
                let weak = Rc::downgrade(self);
                let probed = origin.clone();
                let running = probe::Running::start(&origin, move |result| {
                    let Some(shared) = weak.upgrade() else { return };
                    let finished = {
                        let mut driver = shared.driver.borrow_mut();
                        driver.streak.record_probe(&probed, result);
                        driver.probe.take()
                    };
                    drop(finished);
                    let diagnosis = shared.classify(&ended, result, environment::is_online());
                    shared.push(Pending::Diagnosis(diagnosis));
                    shared.deliver();
                });
                let previous = self.driver.borrow_mut().probe.replace(running);
                drop(previous);
                None
            }
        }
    }

    /// Whether the client was closed for good (`close()`), perhaps by a listener of an event
    /// still being delivered.
    fn is_closing(&self) -> bool {
        matches!(
            self.driver.borrow().machine.state(),
            State::Closing | State::Closed
        )
    }

    /// Classifies an ended socket and warns on the console once per failure streak and kind.
    fn classify(
        &self,
        ended: &Ended,
        probe: Probe,
        online: bool,
    ) -> crate::core::diagnosis::Diagnosis {
        let (diagnosis, warn) = {
            let mut driver = self.driver.borrow_mut();
            let driver = &mut *driver;
            let diagnosis = classify(&driver.facts(ended, probe, online));
            let warn = driver
                .streak
                .observe(&diagnosis, driver.machine.options().log);
            (diagnosis, warn)
        };
        if warn {
            js::warn(&diagnosis.console_text().into(), None);
        }
        diagnosis
    }

    /// Releases everything now: socket, timer, listeners, pending work. Nothing is delivered
    /// afterwards.
    pub(super) fn release(&self) {
        self.released.set(true);
        self.pending.borrow_mut().clear();
        let delivery = self.delivery.borrow_mut().take();
        drop(delivery);
        let Ok(mut driver) = self.driver.try_borrow_mut() else {
            return;
        };
        let held = (
            driver.timer.take(),
            driver.environment.take(),
            driver.url_wait.take(),
            driver.probe.take(),
        );
        let had_socket = driver.socket.is_some();
        let socket = driver.socket.take();
        drop(driver);
        if had_socket {
            self.observer.sendable_changed(None);
            self.observer.socket_changed(None);
        }
        drop(socket);
        drop(held);
    }
}

impl Driver {
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

    /// The live socket, if it is `socket`.
    fn live(&self, socket: SocketId) -> Option<&LiveSocket> {
        self.socket
            .as_ref()
            .filter(|(id, _)| *id == socket)
            .map(|(_, live)| live)
    }
}

/// A seed for the machine's random source, from `Math.random`.
fn random_seed() -> u64 {
    let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (high << 32) | low
}

/// The error for a URL function that threw or whose Promise rejected: an `Error` that says
/// so, with what it threw as `cause`.
fn url_function_failed(thrown: &JsValue) -> JsValue {
    let error = js_sys::Error::new(
        &[
            "wsguard: the URL function failed: ",
            &js::message_of(thrown),
        ]
        .concat(),
    );
    error.set_cause(thrown);
    error.into()
}

/// Whether `error` is the `SecurityError` the WebSocket constructor throws for mixed content
/// (or the one wsguard throws for `insecure: "error"`).
fn is_security_error(error: &JsValue) -> bool {
    error
        .dyn_ref::<web_sys::DomException>()
        .is_some_and(|exception| exception.name() == "SecurityError")
}
