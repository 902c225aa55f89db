//! The driver loop: feeds the [`Session`] its inputs with the time, carries out its actions on
//! the real socket, timer and page listeners, and delivers its events to the
//! [`Observer`]. What to do and what it means (the event order, the
//! final close's leftovers, the diagnosis and its probe plan, the console warning) is all the
//! session's; this file only does the I/O, as `pkg-template/driver.js` does for the npm package.
//!
//! One input runs in four steps: report the last inbound message's time, feed the input,
//! carry out the actions and bring the browser side in line (the socket `send` may use
//! directly, a socket the session let go of, the one timer, the page listeners), then deliver
//! the events — at once for an input from the browser, from a microtask for a call on the
//! client. A probe event starts the HTTPS probe, whose answer goes back to the session.
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
//! A call back into the client from inside such code only adds to the session's actions or
//! events, which the outer loop picks up: actions are carried out in order, and the observer
//! is never entered for one event while it handles another.
//!
//! The driver is internal: a [`Client`](super::client::Client) creates one and owns it.
//!
//! ```no_run
//! use std::rc::Rc;
//! use wsguard::browser::client::{Client, ClientEvent, Observer, UrlSource};
//! use wsguard::core::options::Options;
//! struct Ignore;
//! impl Observer for Ignore {
//!     fn event(&self, _event: ClientEvent) {}
//! }
//! // Starts the driver: the session's first attempt, its socket, timer and page listeners.
//! let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default(), Rc::new(Ignore));
//! ```

use alloc::rc::{Rc, Weak};
use alloc::string::String;
use core::cell::{Cell, Ref, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::WebSocket;

use super::client::{ClientEvent, CloseReport, Observer, UrlSource};
use super::environment::{self, Change, Watch};
use super::guards::Timer;
use super::js::{self, Settling};
use super::probe;
use super::socket::{Handle, LiveSocket, SocketEvent};
use crate::core::machine::{Millis, SocketId, State};
use crate::core::options::{BinaryType, Options};
use crate::core::session::{Session, SessionAction, SessionEvent};
use crate::core::url::UrlError;

/// Whether the events an input causes are delivered now or from a microtask.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dispatch {
    /// At once: the input came from the browser (a socket event, a timer, the network).
    Now,
    /// From a microtask: the input came from a call on the client.
    Later,
}

/// Everything the driver mutates, behind one `RefCell` that is never held across JavaScript.
pub(super) struct Driver {
    pub(super) session: Session<JsValue>,
    socket: Option<(SocketId, LiveSocket)>,
    timer: Option<(Millis, Timer)>,
    environment: Option<Watch>,
    pub(super) binary_type: BinaryType,
    /// A URL function's pending Promise.
    url_wait: Option<Settling>,
    /// A running HTTPS probe.
    probe: Option<probe::Running>,
    /// The socket the observer was last told it may send on directly.
    sendable: Option<SocketId>,
}

/// The client's shared state: the driver, the observer and the delivery flags.
pub(super) struct Shared {
    driver: RefCell<Driver>,
    observer: Rc<dyn Observer>,
    url_source: UrlSource,
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
            session: Session::new(options, seed, page_secure, url),
            socket: None,
            timer: None,
            environment: None,
            url_wait: None,
            probe: None,
            sendable: None,
        };
        let shared = Rc::new(Self {
            driver: RefCell::new(driver),
            observer,
            url_source,
            running: Cell::new(false),
            delivering: Cell::new(false),
            delivery: RefCell::new(None),
            released: Cell::new(false),
        });
        shared.input(Dispatch::Later, |session, now| session.start(now, online));
        shared
    }

    /// The driver's state, for a moment (the caller must not call into JavaScript with it).
    pub(super) fn driver(&self) -> Ref<'_, Driver> {
        self.driver.borrow()
    }

    /// Feeds one input to the session (after the last message's time), then carries out what
    /// it decided.
    pub(super) fn input(
        self: &Rc<Self>,
        dispatch: Dispatch,
        feed: impl FnOnce(&mut Session<JsValue>, Millis),
    ) {
        if self.released.get() {
            return;
        }
        let now = js::now();
        self.report_inbound();
        feed(&mut self.driver.borrow_mut().session, now);
        self.run(dispatch);
    }

    /// Tells the session when the live socket last received a message (it ignores a time it
    /// already knows). The time is kept in JavaScript and read only here, so messages never
    /// call into WebAssembly.
    fn report_inbound(&self) {
        let clock = {
            let driver = self.driver.borrow();
            driver
                .socket
                .as_ref()
                .map(|(id, live)| (*id, live.last_inbound()))
        };
        let Some((socket, clock)) = clock else { return };
        if let Some(at) = clock.read() {
            self.driver
                .borrow_mut()
                .session
                .inbound(at as Millis, socket);
        }
    }

    /// Carries out the session's actions (unless an outer call already does), brings the
    /// browser side in line, then delivers the events.
    fn run(self: &Rc<Self>, dispatch: Dispatch) {
        if !self.running.replace(true) {
            loop {
                while let Some(action) = self.next_action() {
                    self.perform(action);
                }
                if self.released.get() {
                    break;
                }
                self.reconcile();
                match self.next_action() {
                    Some(action) => self.perform(action),
                    None => break,
                }
            }
            self.running.set(false);
            // The observer may have dropped the client midway: let go of anything made since.
            if self.released.get() {
                self.release();
            }
        }
        match dispatch {
            Dispatch::Now => self.deliver(),
            Dispatch::Later => self.schedule_delivery(),
        }
    }

    fn next_action(&self) -> Option<SessionAction<JsValue>> {
        if self.released.get() {
            return None;
        }
        self.driver.borrow_mut().session.poll_action()
    }

    fn perform(self: &Rc<Self>, action: SessionAction<JsValue>) {
        match action {
            SessionAction::Open { socket } => self.open(socket),
            SessionAction::Close {
                socket,
                code,
                reason,
            } => {
                if let Some(handle) = self.handle(socket) {
                    handle.close(code, &reason);
                }
            }
            SessionAction::Send { socket, message } => {
                if let Some(handle) = self.handle(socket) {
                    if handle.send(&message).is_err() {
                        self.driver.borrow_mut().session.send_failed();
                    }
                }
            }
            SessionAction::SendHeartbeat { socket } => {
                let message = {
                    let driver = self.driver.borrow();
                    let options = driver.session.machine().options();
                    options.heartbeat.as_ref().map(|h| h.message.clone())
                };
                if let (Some(handle), Some(message)) = (self.handle(socket), message) {
                    let _ = handle.send(&JsValue::from_str(&message));
                }
            }
        }
    }

    /// The live socket's handle, if it is `socket`.
    fn handle(&self, socket: SocketId) -> Option<Handle> {
        self.driver.borrow().live(socket).map(LiveSocket::handle)
    }

    /// Whether the session still wants a socket for `socket`.
    fn wanted(&self, socket: SocketId) -> bool {
        self.driver.borrow().session.machine().socket() == Some(socket)
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
            UrlSource::Fixed(url) => return self.connect(socket, url),
            UrlSource::Function(function) => function,
        };
        match function.call0(&JsValue::UNDEFINED) {
            Ok(value) if value.is_instance_of::<js_sys::Promise>() => {
                let weak: Weak<Self> = Rc::downgrade(self);
                let wait = Settling::new(&value, move |fulfilled, value| {
                    let Some(shared) = weak.upgrade() else { return };
                    let finished = shared.driver.borrow_mut().url_wait.take();
                    drop(finished);
                    if fulfilled {
                        shared.resolved(socket, &value);
                    } else {
                        shared.failed(socket, url_function_failed(&value));
                    }
                    shared.run(Dispatch::Now);
                });
                let previous = self.driver.borrow_mut().url_wait.replace(wait);
                drop(previous);
            }
            Ok(value) => self.resolved(socket, &value),
            Err(thrown) => self.failed(socket, url_function_failed(&thrown)),
        }
    }

    /// The URL function answered `value`: resolved on the page (and remembered as the
    /// attempt's URL), then opened.
    fn resolved(self: &Rc<Self>, socket: SocketId, value: &JsValue) {
        if !self.wanted(socket) {
            return;
        }
        let Some(input) = value.as_string() else {
            return self.failed(
                socket,
                js_sys::TypeError::new(
                    "wsguard: the URL function must return a string or a Promise of one",
                )
                .into(),
            );
        };
        let (insecure, log) = {
            let driver = self.driver.borrow();
            let options = driver.session.machine().options();
            (options.insecure, options.log)
        };
        match super::url::resolve_on_page(&input, insecure, log) {
            Ok(url) => {
                self.driver.borrow_mut().session.set_url(url.clone());
                self.connect(socket, &url);
            }
            Err(error) => self.failed(socket, url_error(&error)),
        }
    }

    /// Opens the socket for `socket` at `url`, if the session still wants it.
    fn connect(self: &Rc<Self>, socket: SocketId, url: &str) {
        if !self.wanted(socket) {
            return;
        }
        self.release_socket();
        let (protocols, binary_type) = {
            let driver = self.driver.borrow();
            let protocols = driver.session.machine().options().protocols.clone();
            (protocols, driver.binary_type)
        };
        let weak: Weak<Self> = Rc::downgrade(self);
        let on_event = Rc::new(move |event| {
            if let Some(shared) = weak.upgrade() {
                shared.on_socket_event(socket, event);
            }
        });
        match LiveSocket::open(url, &protocols, binary_type, on_event) {
            // A replaced `WebSocket` may have called back and moved the session on.
            Ok(live) if self.wanted(socket) => {
                let raw = live.raw().clone();
                {
                    let mut driver = self.driver.borrow_mut();
                    driver.socket = Some((socket, live));
                    driver.session.socket_created(socket);
                }
                self.observer.socket_changed(Some(&raw));
            }
            Ok(_) => {}
            Err(error) => self.failed(socket, error),
        }
    }

    /// An attempt that failed before a socket existed: logged, and reported to the session
    /// with what was thrown.
    fn failed(&self, socket: SocketId, error: JsValue) {
        let mixed_content = is_security_error(&error);
        let message = js::message_of(&error);
        let now = js::now();
        let (wanted, log) = {
            let driver = self.driver.borrow();
            let session = &driver.session;
            (
                session.machine().socket() == Some(socket),
                session.machine().options().log,
            )
        };
        if !wanted {
            return;
        }
        if log && !mixed_content {
            js::warn(
                &"wsguard: this attempt could not open a socket:".into(),
                Some(&error),
            );
        }
        self.driver.borrow_mut().session.open_failed(
            now,
            socket,
            Some(error),
            message,
            mixed_content,
        );
    }

    fn on_socket_event(self: &Rc<Self>, socket: SocketId, event: SocketEvent) {
        match event {
            SocketEvent::Open => self.input(Dispatch::Now, |s, now| s.socket_opened(now, socket)),
            SocketEvent::Error => self.input(Dispatch::Now, |s, now| s.socket_error(now, socket)),
            SocketEvent::Close {
                code,
                reason,
                was_clean,
            } => self.input(Dispatch::Now, |s, now| {
                s.socket_closed(now, socket, code, &reason, was_clean);
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

    /// Brings the browser side in line with the session: the socket `send` may use directly, a
    /// socket the session no longer tracks, the one timer, and the page listeners (kept only
    /// while the client is not closed).
    fn reconcile(self: &Rc<Self>) {
        let (sendable, stale_socket) = {
            let mut driver = self.driver.borrow_mut();
            let driver = &mut *driver;
            let sendable = driver
                .session
                .sendable()
                .filter(|id| driver.live(*id).is_some());
            let changed = (sendable != driver.sendable).then(|| {
                driver.sendable = sendable;
                sendable
                    .and_then(|id| driver.live(id))
                    .map(|live| live.raw().clone())
            });
            let wanted = driver.session.machine().socket();
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
                driver.session.machine().state() == State::Closed,
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

    /// Re-arms the one timer when the session's next deadline moved.
    fn rearm_timer(self: &Rc<Self>) {
        let (deadline, stale) = {
            let mut driver = self.driver.borrow_mut();
            let deadline = driver.session.deadline();
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
                    shared.input(Dispatch::Now, |s, now| s.timeout(now));
                }
            });
            self.driver.borrow_mut().timer = Some((at, timer));
        }
    }

    fn watch_environment(self: &Rc<Self>) -> Watch {
        let weak = Rc::downgrade(self);
        Watch::new(move |change| {
            if let Some(shared) = weak.upgrade() {
                shared.input(Dispatch::Now, |s, now| match change {
                    Change::Online => s.network(now, true),
                    Change::Offline => s.network(now, false),
                    Change::Visible => s.visible(now),
                });
            }
        })
    }

    /// Delivers the session's events from a microtask. Dropping the client cancels it.
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

    /// Delivers the session's events in order. An observer that calls back into the client
    /// only adds to them, which this loop then picks up.
    fn deliver(self: &Rc<Self>) {
        if self.delivering.replace(true) {
            return;
        }
        while !self.released.get() {
            // Read before borrowing: a diagnosis completed now needs `navigator.onLine`.
            let online = environment::is_online();
            let next = self.driver.borrow_mut().session.poll_event(online);
            let event = match next {
                None => break,
                Some(SessionEvent::Probe { origin }) => {
                    self.start_probe(origin);
                    continue;
                }
                Some(SessionEvent::Open) => ClientEvent::Open,
                Some(SessionEvent::Error(thrown)) => ClientEvent::Error(thrown),
                Some(SessionEvent::Close {
                    code,
                    reason,
                    was_clean,
                    unsent,
                }) => ClientEvent::Close(CloseReport {
                    code,
                    reason,
                    was_clean,
                    unsent,
                }),
                Some(SessionEvent::StateChange { from, to }) => {
                    ClientEvent::StateChange { from, to }
                }
                Some(SessionEvent::Reconnecting { attempt, delay_ms }) => {
                    ClientEvent::Reconnecting { attempt, delay_ms }
                }
                Some(SessionEvent::Diagnosis { diagnosis, warn }) => {
                    if warn {
                        js::warn(&diagnosis.console_text().into(), None);
                    }
                    ClientEvent::Diagnosis(diagnosis)
                }
            };
            self.observer.event(event);
        }
        self.delivering.set(false);
        if self.released.get() {
            self.release();
        }
    }

    /// Runs the HTTPS probe the session asked for; its answer goes back to the session, and
    /// the diagnosis that waited for it is delivered.
    fn start_probe(self: &Rc<Self>, origin: String) {
        let weak = Rc::downgrade(self);
        let probed = origin.clone();
        let running = probe::Running::start(&probed, move |result| {
            let Some(shared) = weak.upgrade() else { return };
            let finished = {
                let mut driver = shared.driver.borrow_mut();
                driver.session.probe_finished(&origin, result);
                driver.probe.take()
            };
            drop(finished);
            shared.deliver();
        });
        let previous = self.driver.borrow_mut().probe.replace(running);
        drop(previous);
    }

    /// Releases everything now: socket, timer, listeners, pending work. Nothing is delivered
    /// afterwards. Safe to call again (it then lets go of whatever was made since).
    pub(super) fn release(&self) {
        self.released.set(true);
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
        let socket = driver.socket.take();
        drop(driver);
        if socket.is_some() {
            self.observer.sendable_changed(None);
            self.observer.socket_changed(None);
        }
        drop(socket);
        drop(held);
    }
}

impl Driver {
    /// The live socket, if it is `socket`.
    fn live(&self, socket: SocketId) -> Option<&LiveSocket> {
        self.socket
            .as_ref()
            .filter(|(id, _)| *id == socket)
            .map(|(_, live)| live)
    }
}

/// A seed for the session's random source, from `Math.random`.
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

/// The error for an unusable URL from a URL function: a `SecurityError` for an insecure URL
/// refused by `insecure: "error"` (as the browser's own mixed-content check), a `TypeError`
/// otherwise.
fn url_error(error: &UrlError) -> JsValue {
    match error {
        UrlError::InsecureRefused { .. } => {
            web_sys::DomException::new_with_message_and_name(&error.message(), "SecurityError")
                .map_or(JsValue::NULL, Into::into)
        }
        _ => js_sys::TypeError::new(&error.message()).into(),
    }
}

/// Whether `error` is the `SecurityError` the WebSocket constructor throws for mixed content
/// (or the one wsguard throws for `insecure: "error"`).
fn is_security_error(error: &JsValue) -> bool {
    error
        .dyn_ref::<web_sys::DomException>()
        .is_some_and(|exception| exception.name() == "SecurityError")
}
