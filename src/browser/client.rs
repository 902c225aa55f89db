//! The browser driver: runs a [`Machine`] with a real `WebSocket`, timers and the page's
//! network and visibility events, and dispatches what happens as DOM events on an
//! [`EventTarget`].
//!
//! Re-entrancy: user code runs in three places — the URL function, event listeners, and
//! nothing else. No `RefCell` borrow is held across either, and a call back into the client
//! from inside them (`send`, `close`, `reconnect`) only queues work that the outer loop picks
//! up, so listeners never run nested inside each other.
//!
//! Events caused by a browser callback (a socket event, a timer, the network coming back)
//! are dispatched at once, as a `WebSocket` does. Events caused by a call from user code
//! (the constructor, `send`, `close`, `reconnect`) are dispatched from a microtask, so that
//! listeners added right after the call still see them.
//!
//! ```no_run
//! use wsguard::browser::client::{Client, UrlSource};
//! use wsguard::core::options::Options;
//!
//! let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default()).unwrap();
//! let _on_message = client.on("message", |event| {
//!     let data = js_sys::Reflect::get(event, &"data".into()).unwrap();
//!     web_sys::console::log_1(&data);
//! });
//! client.send(&"hello".into()).unwrap(); // queued until the socket opens
//! ```

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, EventTarget, MessageEvent};

use super::events;
use super::guards::{Listener, Timer};
use super::probe;
use super::socket::{LiveSocket, SocketEvent};
use super::{environment, payload};
use crate::core::buffer::SendError;
use crate::core::diagnosis::{classify, Facts, Probe, ProbePlan, Streak};
use crate::core::machine::{
    Action, CloseError, CloseInfo, Event as CoreEvent, Machine, Millis, SocketId, State,
};
use crate::core::options::{BinaryType, Options};
use crate::core::url::UrlError;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// The current time for the core: `performance.now()`, in whole milliseconds.
fn now() -> Millis {
    performance_now() as Millis
}

/// Where each attempt's URL comes from.
///
/// ```no_run
/// use wsguard::browser::client::UrlSource;
/// let fixed = UrlSource::Fixed("wss://api.example/ws".into());
/// ```
#[derive(Debug)]
pub enum UrlSource {
    /// A URL resolved once, when the client is created.
    Fixed(String),
    /// A function called before every attempt; it returns a URL or a `Promise` of one (for
    /// example with a fresh token in the query).
    Function(Function),
}

/// A reconnecting WebSocket client running in the browser.
///
/// Dropping it releases everything: the socket (closed with 1000), the timer and every
/// listener.
///
/// ```no_run
/// use wsguard::browser::client::{Client, UrlSource};
/// use wsguard::core::options::Options;
/// let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default()).unwrap();
/// client.close(1000, "done").unwrap();
/// ```
pub struct Client {
    inner: Rc<Inner>,
}

/// Whether the events an input causes are dispatched now or from a microtask.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Dispatch {
    Now,
    Later,
}

/// Something to dispatch on the event target, in order.
enum Outbound {
    Core(CoreEvent),
    Message(MessageEvent),
    Error,
    /// An attempt failed before a socket existed: the URL function threw or gave an unusable
    /// URL, or the constructor threw. The `error` event carries it as `error`.
    OpenFailed(JsValue),
    Unsent(Array),
    /// A diagnosis whose probe finished after its close event.
    Diagnosis(Event),
}

/// What a diagnosis needs that may change before its probe finishes.
struct Ended {
    info: CloseInfo,
    url: String,
    mixed_content: bool,
    open_error: Option<String>,
}

struct Inner {
    driver: RefCell<Driver>,
    target: EventTarget,
    url_source: UrlSource,
    pending: RefCell<VecDeque<Outbound>>,
    draining: Cell<bool>,
    flushing: Cell<bool>,
    flush_scheduled: Cell<bool>,
}

/// Everything the driver mutates, behind one `RefCell` that is never held across user code.
struct Driver {
    machine: Machine<JsValue>,
    socket: Option<(SocketId, LiveSocket)>,
    timer: Option<(Millis, Timer)>,
    environment: Option<environment::Watch>,
    /// The URL of the current or last attempt.
    url: String,
    binary_type: BinaryType,
    /// The unsent messages the machine handed back, for the final close event.
    last_unsent: Option<Array>,
    /// The `detail` of the last `diagnosis` event, or `null`.
    last_diagnosis: JsValue,
    /// The failure streak: probe results, console warnings, the previous idle drop.
    streak: Streak,
    /// Whether the page was loaded over HTTPS.
    page_secure: bool,
    /// Whether the last attempt failed to open as mixed content (`SecurityError`).
    mixed_content: bool,
    /// Why the last attempt failed before a socket existed, if it did.
    open_error: Option<String>,
}

impl Client {
    /// Creates a client and starts connecting.
    ///
    /// A [`UrlSource::Fixed`] URL is resolved here (see [`resolve_url`](super::url::resolve_url)),
    /// so a bad one fails at once; a function's URL is resolved before each attempt.
    ///
    /// ```no_run
    /// use wsguard::browser::client::{Client, UrlSource};
    /// use wsguard::core::options::Options;
    /// let result = Client::new(UrlSource::Fixed("ftp://nope".into()), Options::default());
    /// assert!(result.is_err());
    /// ```
    pub fn new(url: UrlSource, options: Options) -> Result<Self, UrlError> {
        let url_source = match url {
            UrlSource::Fixed(input) => UrlSource::Fixed(super::url::resolve_on_page(
                &input,
                options.insecure,
                options.log,
            )?),
            source => source,
        };
        let url = match &url_source {
            UrlSource::Fixed(url) => url.clone(),
            UrlSource::Function(_) => String::new(),
        };
        let target = EventTarget::new().unwrap_throw();
        let driver = Driver {
            binary_type: options.binary_type,
            machine: Machine::new(options, random_seed()),
            socket: None,
            timer: None,
            environment: None,
            url,
            last_unsent: None,
            last_diagnosis: JsValue::NULL,
            streak: Streak::new(),
            page_secure: super::url::page_is_secure(),
            mixed_content: false,
            open_error: None,
        };
        let inner = Rc::new(Inner {
            driver: RefCell::new(driver),
            target,
            url_source,
            pending: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
            flushing: Cell::new(false),
            flush_scheduled: Cell::new(false),
        });
        inner.input(Dispatch::Later, |machine, now| {
            if !environment::is_online() {
                machine.handle_offline(now);
            }
            machine.handle_start(now);
        });
        Ok(Self { inner })
    }

    /// The event target every event is dispatched on: `open`, `message`, `error`, `close`,
    /// `statechange`, `reconnecting` and `diagnosis`.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let target: &web_sys::EventTarget = client.event_target();
    /// ```
    pub fn event_target(&self) -> &EventTarget {
        &self.inner.target
    }

    /// Calls `callback` for every event of `event_type` until the returned guard drops.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _open = client.on("open", |_| web_sys::console::log_1(&"open".into()));
    /// ```
    pub fn on<F>(&self, event_type: &'static str, callback: F) -> Listener
    where
        F: FnMut(&Event) + 'static,
    {
        Listener::new(&self.inner.target, event_type, callback)
    }

    /// Sends a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`: at once when open, else
    /// queued (within `maxBufferedMessages`/`maxBufferedBytes`) and sent in order on open.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.send(&"hello".into()).unwrap();
    /// assert!(client.send(&42.into()).is_err()); // not a sendable type
    /// ```
    pub fn send(&self, data: &JsValue) -> Result<(), SendFailure> {
        let kind = payload::Kind::of(data).ok_or(SendFailure::NotSendable)?;
        let mut result = Ok(());
        self.inner.input(Dispatch::Later, |machine, now| {
            // The size only matters when the message is queued.
            let size = if machine.state() == State::Open {
                0
            } else {
                kind.byte_size(data)
            };
            result = machine.handle_send(now, data.clone(), size);
        });
        result.map_err(SendFailure::Refused)
    }

    /// Closes for good with `code` (1000 or 3000–4999) and `reason` (at most 123 bytes).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert!(client.close(1001, "").is_err()); // scripts may not send 1001
    /// ```
    pub fn close(&self, code: u16, reason: &str) -> Result<(), CloseError> {
        let mut result = Ok(());
        self.inner.input(Dispatch::Later, |machine, now| {
            result = machine.handle_close(now, code, reason);
        });
        result
    }

    /// Drops the current socket, if any, and connects again at once with a fresh backoff,
    /// also after `close()` or after giving up.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.reconnect();
    /// ```
    pub fn reconnect(&self) {
        self.inner.input(Dispatch::Later, |machine, now| {
            machine.handle_reconnect(now)
        });
    }

    /// The connection state.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// println!("{}", client.state().as_str());
    /// ```
    pub fn state(&self) -> State {
        self.inner.driver.borrow().machine.state()
    }

    /// How many retries since the last stable connection (0 on the first attempt).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert_eq!(client.attempt(), 0);
    /// ```
    pub fn attempt(&self) -> u32 {
        self.inner.driver.borrow().machine.retries()
    }

    /// The URL of the current or last attempt (empty before a URL function first returned).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert!(client.url().starts_with("ws"));
    /// ```
    pub fn url(&self) -> String {
        self.inner.driver.borrow().url.clone()
    }

    /// The browser socket of the current attempt, if one is alive.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let protocol = client.socket().map(|s| s.protocol()).unwrap_or_default();
    /// ```
    pub fn socket(&self) -> Option<web_sys::WebSocket> {
        let driver = self.inner.driver.borrow();
        driver.socket.as_ref().map(|(_, live)| live.raw().clone())
    }

    /// Bytes waiting to go out: the socket's `bufferedAmount` plus the queue.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert_eq!(client.buffered_amount(), 0.0);
    /// ```
    pub fn buffered_amount(&self) -> f64 {
        let driver = self.inner.driver.borrow();
        let socket = driver
            .socket
            .as_ref()
            .map_or(0, |(_, live)| live.raw().buffered_amount());
        f64::from(socket) + driver.machine.buffered_bytes() as f64
    }

    /// The `detail` of the last `diagnosis` event, or `null` before the first.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert!(client.last_diagnosis().is_null());
    /// ```
    pub fn last_diagnosis(&self) -> JsValue {
        self.inner.driver.borrow().last_diagnosis.clone()
    }

    /// The `binaryType` for binary messages, on this socket and every later one.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert_eq!(client.binary_type().as_str(), "blob");
    /// ```
    pub fn binary_type(&self) -> BinaryType {
        self.inner.driver.borrow().binary_type
    }

    /// Sets the `binaryType` for the current socket and every later one.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.set_binary_type(wsguard::core::options::BinaryType::ArrayBuffer);
    /// ```
    pub fn set_binary_type(&self, binary_type: BinaryType) {
        let mut driver = self.inner.driver.borrow_mut();
        driver.binary_type = binary_type;
        if let Some((_, live)) = &driver.socket {
            live.set_binary_type(binary_type);
        }
    }
}

/// Why [`Client::send`] refused a message.
///
/// ```no_run
/// use wsguard::browser::client::SendFailure;
/// # let failure: SendFailure = unimplemented!();
/// web_sys::console::warn_1(&failure.to_string().into());
/// ```
#[derive(Debug)]
pub enum SendFailure {
    /// The value is not a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`.
    NotSendable,
    /// The client is closed, or the queue is full or off; the message comes back.
    Refused(SendError<JsValue>),
}

impl core::fmt::Display for SendFailure {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Self::NotSendable => {
                f.write_str("wsguard: send() takes a string, ArrayBuffer, ArrayBufferView or Blob")
            }
            Self::Refused(error) => error.fmt(f),
        }
    }
}

/// A seed for the machine's random source, from `Math.random`.
fn random_seed() -> u64 {
    let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (high << 32) | low
}

impl Inner {
    /// Feeds one input to the machine, then carries out what it decided.
    fn input(
        self: &Rc<Self>,
        dispatch: Dispatch,
        feed: impl FnOnce(&mut Machine<JsValue>, Millis),
    ) {
        feed(&mut self.driver.borrow_mut().machine, now());
        self.drive(dispatch);
    }

    /// Drains the machine's actions (unless an outer call is already draining), re-arms the
    /// timer, releases what the machine let go of, then dispatches the queued events.
    fn drive(self: &Rc<Self>, dispatch: Dispatch) {
        if !self.draining.replace(true) {
            loop {
                let action = self.driver.borrow_mut().machine.poll_action();
                match action {
                    Some(action) => self.execute(action),
                    None => break,
                }
            }
            self.reconcile();
            self.draining.set(false);
        }
        match dispatch {
            Dispatch::Now => self.flush(),
            Dispatch::Later => self.schedule_flush(),
        }
    }

    fn execute(self: &Rc<Self>, action: Action<JsValue>) {
        match action {
            Action::OpenSocket { socket, .. } => self.open(socket),
            Action::CloseSocket {
                socket,
                code,
                reason,
            } => {
                if let Some(live) = self.driver.borrow().live(socket) {
                    live.close(code, &reason);
                }
            }
            Action::Send { socket, message } => {
                let sent = self
                    .driver
                    .borrow()
                    .live(socket)
                    .map(|live| live.send(&message));
                if let Some(Err(_)) = sent {
                    self.pending.borrow_mut().push_back(Outbound::Error);
                }
            }
            Action::SendHeartbeat { socket } => {
                let driver = self.driver.borrow();
                let message = driver.machine.options().heartbeat.as_ref();
                if let (Some(live), Some(heartbeat)) = (driver.live(socket), message) {
                    let _ = live.send(&JsValue::from_str(&heartbeat.message));
                }
            }
            Action::Emit(event) => self.pending.borrow_mut().push_back(Outbound::Core(event)),
            Action::Unsent(messages) => {
                let messages: Array = messages.into_iter().collect();
                self.pending
                    .borrow_mut()
                    .push_back(Outbound::Unsent(messages));
            }
        }
    }

    /// Resolves the attempt's URL (calling the user's function, which may return a Promise),
    /// then opens the socket.
    fn open(self: &Rc<Self>, socket: SocketId) {
        let url = match &self.url_source {
            UrlSource::Fixed(url) => Ok(url.clone()),
            UrlSource::Function(function) => match function.call0(&JsValue::UNDEFINED) {
                Ok(value) if value.is_instance_of::<Promise>() => {
                    let weak = Rc::downgrade(self);
                    let promise: Promise = value.unchecked_into();
                    wasm_bindgen_futures::spawn_local(async move {
                        let value = JsFuture::from(promise).await;
                        if let Some(inner) = weak.upgrade() {
                            let url = value
                                .map_err(|thrown| url_function_failed(&thrown))
                                .and_then(|value| inner.resolve(&value));
                            inner.connect(socket, url);
                            inner.drive(Dispatch::Now);
                        }
                    });
                    return;
                }
                Ok(value) => self.resolve(&value),
                Err(thrown) => Err(url_function_failed(&thrown)),
            },
        };
        self.connect(socket, url);
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
            (
                driver.machine.options().insecure,
                driver.machine.options().log,
            )
        };
        super::url::resolve_on_page(&input, insecure, log).map_err(|error| match error {
            UrlError::InsecureRefused { .. } => web_sys::DomException::new_with_message_and_name(
                &error.to_string(),
                "SecurityError",
            )
            .map_or(JsValue::NULL, Into::into),
            _ => js_sys::TypeError::new(&error.to_string()).into(),
        })
    }

    /// Opens the socket for `socket` at `url`, if the machine still wants it.
    fn connect(self: &Rc<Self>, socket: SocketId, url: Result<String, JsValue>) {
        let mut driver = self.driver.borrow_mut();
        if driver.machine.socket() != Some(socket) {
            return;
        }
        let opened = url.and_then(|url| {
            let weak: Weak<Inner> = Rc::downgrade(self);
            let protocols = &driver.machine.options().protocols;
            let live = LiveSocket::open(&url, protocols, driver.binary_type, move |event| {
                if let Some(inner) = weak.upgrade() {
                    inner.on_socket_event(socket, event);
                }
            });
            driver.url = url;
            live
        });
        match opened {
            Ok(live) => {
                driver.mixed_content = false;
                driver.open_error = None;
                driver.socket = Some((socket, live));
            }
            Err(error) => {
                driver.mixed_content = is_security_error(&error);
                driver.open_error = Some(message_of(&error));
                driver.machine.handle_open_failed(now(), socket);
                let log = driver.machine.options().log;
                drop(driver);
                if log && !is_security_error(&error) {
                    web_sys::console::warn_2(
                        &"wsguard: this attempt could not open a socket:".into(),
                        &error,
                    );
                }
                self.pending
                    .borrow_mut()
                    .push_back(Outbound::OpenFailed(error));
            }
        }
    }

    fn on_socket_event(self: &Rc<Self>, socket: SocketId, event: SocketEvent) {
        match event {
            SocketEvent::Open => {
                self.input(Dispatch::Now, |m, now| m.handle_socket_open(now, socket));
            }
            SocketEvent::Message(message) => {
                self.pending
                    .borrow_mut()
                    .push_back(Outbound::Message(message));
                self.input(Dispatch::Now, |m, now| m.handle_socket_message(now, socket));
            }
            SocketEvent::Error => {
                self.pending.borrow_mut().push_back(Outbound::Error);
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

    /// Brings the browser side in line with the machine: lets go of a socket it no longer
    /// tracks, re-arms the one timer when the deadline moved, and watches the network and
    /// visibility only while the client is not closed.
    fn reconcile(self: &Rc<Self>) {
        let mut driver = self.driver.borrow_mut();
        let wanted = driver.machine.socket();
        if driver
            .socket
            .as_ref()
            .is_some_and(|(id, _)| Some(*id) != wanted)
        {
            driver.socket = None;
        }
        let deadline = driver.machine.poll_timeout();
        if driver.timer.as_ref().map(|(at, _)| *at) != deadline {
            driver.timer = deadline.map(|at| (at, self.arm_timer(at)));
        }
        let closed = driver.machine.state() == State::Closed;
        if closed {
            driver.environment = None;
        } else if driver.environment.is_none() {
            driver.environment = Some(self.watch_environment());
        }
    }

    fn arm_timer(self: &Rc<Self>, at: Millis) -> Timer {
        let delay = u32::try_from(at.saturating_sub(now()))
            .unwrap_or(u32::MAX)
            .min(i32::MAX as u32);
        let weak = Rc::downgrade(self);
        Timer::new(delay, move || {
            if let Some(inner) = weak.upgrade() {
                // The timer has fired: forget it, so the next deadline always re-arms.
                inner.driver.borrow_mut().timer = None;
                inner.input(Dispatch::Now, |m, now| m.handle_timeout(now));
            }
        })
    }

    fn watch_environment(self: &Rc<Self>) -> environment::Watch {
        let weak = Rc::downgrade(self);
        environment::Watch::new(move |change| {
            if let Some(inner) = weak.upgrade() {
                inner.input(Dispatch::Now, |m, now| match change {
                    environment::Change::Online => m.handle_online(now),
                    environment::Change::Offline => m.handle_offline(now),
                    environment::Change::Visible => m.handle_visible(now),
                });
            }
        })
    }

    /// Dispatches the queued events from a microtask. The task holds the client weakly: a
    /// client freed before it runs is simply gone, and nothing is left to call.
    fn schedule_flush(self: &Rc<Self>) {
        if self.flush_scheduled.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        wasm_bindgen_futures::spawn_local(async move {
            if let Some(inner) = weak.upgrade() {
                inner.flush_scheduled.set(false);
                inner.flush();
            }
        });
    }

    /// Dispatches the queued events in order. A listener that calls back into the client
    /// only adds to the queue, which this loop then picks up.
    fn flush(self: &Rc<Self>) {
        if self.flushing.replace(true) {
            return;
        }
        loop {
            let next = self.pending.borrow_mut().pop_front();
            let Some(outbound) = next else { break };
            self.dispatch(outbound);
        }
        self.flushing.set(false);
    }

    fn dispatch(self: &Rc<Self>, outbound: Outbound) {
        let event = match outbound {
            Outbound::Message(message) => {
                events::relay_message(&self.target, &message);
                return;
            }
            Outbound::Error => events::plain("error"),
            Outbound::OpenFailed(error) => events::error_with(&error),
            Outbound::Unsent(messages) => {
                self.driver.borrow_mut().last_unsent = Some(messages);
                return;
            }
            Outbound::Diagnosis(event) => event,
            Outbound::Core(CoreEvent::Open { .. }) => {
                self.driver.borrow_mut().streak.opened();
                events::plain("open")
            }
            // The machine starts `Idle`, which the JS surface already reports as connecting.
            Outbound::Core(CoreEvent::StateChange {
                from: State::Idle,
                to: State::Connecting,
            }) => return,
            Outbound::Core(CoreEvent::StateChange { from, to }) => {
                let from = if from == State::Idle {
                    State::Connecting
                } else {
                    from
                };
                events::state_change(from.as_str(), to.as_str())
            }
            // A `close()` from an earlier listener made this retry moot.
            Outbound::Core(CoreEvent::Reconnecting { .. }) if self.is_closing() => return,
            Outbound::Core(CoreEvent::Reconnecting { attempt, delay_ms }) => {
                events::reconnecting(attempt, delay_ms)
            }
            Outbound::Core(CoreEvent::Close(info)) => {
                let unsent = self.driver.borrow_mut().last_unsent.take();
                let close = events::close(info.code, &info.reason, info.was_clean, unsent);
                let _ = self.target.dispatch_event(&close);
                match self.diagnose(info) {
                    Some(diagnosis) => diagnosis,
                    None => return,
                }
            }
        };
        let _ = self.target.dispatch_event(&event);
    }

    /// The `diagnosis` event for an ended socket; `None` when it waits for the HTTPS probe,
    /// whose result dispatches it later.
    fn diagnose(self: &Rc<Self>, mut info: CloseInfo) -> Option<Event> {
        if self.is_closing() {
            // A `close()` from a `close` listener: no retry follows after all.
            info.will_retry = false;
            info.retry_in_ms = None;
        }
        let (ended, plan) = {
            let mut driver = self.driver.borrow_mut();
            let driver = &mut *driver;
            let ended = Ended {
                info,
                url: driver.url.clone(),
                mixed_content: driver.mixed_content,
                open_error: driver.open_error.clone(),
            };
            let facts = driver.facts(&ended, Probe::Skipped);
            let plan = driver
                .streak
                .plan_probe(&facts, driver.machine.options().probe);
            (ended, plan)
        };
        match plan {
            ProbePlan::Skip => Some(self.classify(&ended, Probe::Skipped)),
            ProbePlan::Reuse(result) => Some(self.classify(&ended, result)),
            ProbePlan::Run(origin) => {
                let weak = Rc::downgrade(self);
                wasm_bindgen_futures::spawn_local(async move {
                    let result = probe::run(&origin).await;
                    if let Some(inner) = weak.upgrade() {
                        inner
                            .driver
                            .borrow_mut()
                            .streak
                            .record_probe(&origin, result);
                        let event = inner.classify(&ended, result);
                        inner
                            .pending
                            .borrow_mut()
                            .push_back(Outbound::Diagnosis(event));
                        inner.flush();
                    }
                });
                None
            }
        }
    }

    /// Whether the user closed the client for good (`close()`), perhaps from a listener of
    /// an event still being dispatched.
    fn is_closing(&self) -> bool {
        matches!(
            self.driver.borrow().machine.state(),
            State::Closing | State::Closed
        )
    }

    /// Classifies an ended socket, remembers the result as `lastDiagnosis`, warns on the
    /// console once per failure streak, and returns the `diagnosis` event.
    fn classify(&self, ended: &Ended, probe: Probe) -> Event {
        let mut driver = self.driver.borrow_mut();
        let driver = &mut *driver;
        let diagnosis = classify(&driver.facts(ended, probe));
        if driver
            .streak
            .observe(&diagnosis, driver.machine.options().log)
        {
            web_sys::console::warn_1(&diagnosis.console_text().into());
        }
        let detail = events::diagnosis_detail(&diagnosis);
        driver.last_diagnosis = detail.clone();
        events::custom("diagnosis", &detail)
    }
}

/// What a thrown value says: an `Error`'s message, a string as it is.
fn message_of(thrown: &JsValue) -> String {
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => thrown
            .as_string()
            .unwrap_or_else(|| "a value that is not an Error".into()),
    }
}

/// The error for a URL function that threw or whose Promise rejected: an `Error` that says
/// so, with what it threw as `cause`.
fn url_function_failed(thrown: &JsValue) -> JsValue {
    let error =
        js_sys::Error::new(&["wsguard: the URL function failed: ", &message_of(thrown)].concat());
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

impl Driver {
    /// What the classifier needs to know about an ended socket.
    fn facts<'a>(&self, ended: &'a Ended, probe: Probe) -> Facts<'a> {
        Facts {
            page_secure: self.page_secure,
            mixed_content: ended.mixed_content,
            online: environment::is_online(),
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

impl Drop for Client {
    fn drop(&mut self) {
        // Release the socket, the timer and the listeners now, even if a pending future
        // still holds a (weak) reference.
        if let Ok(mut driver) = self.inner.driver.try_borrow_mut() {
            driver.socket = None;
            driver.timer = None;
            driver.environment = None;
        }
        self.inner.pending.borrow_mut().clear();
    }
}
