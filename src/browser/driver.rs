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
//! client. A probe event starts the probe (`probe.rs`), whose outcome goes back to the session.
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
//! The driver is internal: a [`Client`](super::client::Client) creates one and owns it. This
//! file holds the loop; `driver/open.rs` opens each attempt's socket (the URL first),
//! `driver/reconcile.rs` brings the browser side in line after the actions, and
//! `driver/deliver.rs` delivers the events.
//!
//! ```no_run
//! use wsguard::browser::client::Client;
//! use wsguard::core::options::Options;
//! // Starts the driver: the session's first attempt, its socket, timer and page listeners.
//! let client = Client::new("/ws", Options::default()).unwrap();
//! ```

use alloc::rc::Rc;
use alloc::string::String;
use core::cell::{Cell, Ref, RefCell};

use wasm_bindgen::prelude::*;
use web_sys::WebSocket;

use super::environment::{self, Watch};
use super::events::Observer;
use super::guards::Timer;
use super::js::{self, Settling};
use super::probe;
use super::socket::{Handle, LiveSocket};
use super::url::UrlSource;
use crate::core::machine::{Millis, SocketAction, SocketId};
use crate::core::options::{BinaryType, Options};
use crate::core::session::Session;

mod deliver;
mod open;
mod reconcile;

/// Whether the events an input causes are delivered now or from a microtask.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Dispatch {
    /// At once: the input came from the browser (a socket event, a timer, the network).
    Now,
    /// From a microtask: the input came from a call on the client.
    Later,
}

/// Everything the driver mutates, behind one `RefCell` that is never held across JavaScript.
pub(super) struct DriverState {
    pub(super) session: Session<JsValue>,
    socket: Option<(SocketId, LiveSocket)>,
    timer: Option<(Millis, Timer)>,
    environment: Option<Watch>,
    pub(super) binary_type: BinaryType,
    /// A URL function's pending Promise.
    url_wait: Option<Settling>,
    /// The probes running, by URL, until they answer or the session abandons them.
    probes: Vec<(String, probe::Running)>,
    /// The socket the observer was last told it may send on directly.
    sendable: Option<SocketId>,
}

/// One client's driver: its state, its observer and the flags of the loop.
pub(super) struct Driver {
    state: RefCell<DriverState>,
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

impl Driver {
    /// Creates the driver and starts the first attempt. `upgraded`: whether wsguard rewrote a
    /// fixed URL from `ws:` to `wss:`.
    pub(super) fn start(
        url_source: UrlSource,
        upgraded: bool,
        options: Options,
        observer: Rc<dyn Observer>,
    ) -> Rc<Self> {
        let online = environment::is_online();
        let page_secure = super::url::page_is_secure();
        let page = super::url::page_href();
        let seed = js::random_seed();
        let url = match &url_source {
            UrlSource::Fixed(url) => url.clone(),
            UrlSource::Function(_) => String::new(),
        };
        let binary_type = options.binary_type;
        let mut session = Session::new(options, seed, page_secure, url);
        // The page's own origin: a socket there is probed with a request to its own URL.
        if let Some(href) = &page {
            session.set_page(href);
        }
        session.set_upgraded(upgraded);
        let state = DriverState {
            binary_type,
            session,
            socket: None,
            timer: None,
            environment: None,
            url_wait: None,
            probes: Vec::new(),
            sendable: None,
        };
        let driver = Rc::new(Self {
            state: RefCell::new(state),
            observer,
            url_source,
            running: Cell::new(false),
            delivering: Cell::new(false),
            delivery: RefCell::new(None),
            released: Cell::new(false),
        });
        driver.input(Dispatch::Later, |session, now| session.start(now, online));
        driver
    }

    /// The driver's state, for a moment (the caller must not call into JavaScript with it).
    pub(super) fn state(&self) -> Ref<'_, DriverState> {
        self.state.borrow()
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
        feed(&mut self.state.borrow_mut().session, now);
        self.run(dispatch);
    }

    /// Tells the session when the live socket last received a message (it ignores a time it
    /// already knows). The time is kept in JavaScript and read only here, so messages never
    /// call into WebAssembly.
    fn report_inbound(&self) {
        let clock = {
            let state = self.state.borrow();
            state
                .socket
                .as_ref()
                .map(|(id, live)| (*id, live.last_inbound()))
        };
        let Some((socket, clock)) = clock else { return };
        if let Some(at) = clock.read() {
            self.state
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

    fn next_action(&self) -> Option<SocketAction<JsValue>> {
        if self.released.get() {
            return None;
        }
        self.state.borrow_mut().session.poll_action()
    }

    fn perform(self: &Rc<Self>, action: SocketAction<JsValue>) {
        match action {
            SocketAction::Open { socket, .. } => self.start_attempt(socket),
            SocketAction::Close {
                socket,
                code,
                reason,
            } => {
                if let Some(handle) = self.handle(socket) {
                    handle.close(code, &reason);
                }
            }
            SocketAction::Send { socket, message } => {
                if let Some(handle) = self.handle(socket) {
                    if handle.send(&message).is_err() {
                        self.state.borrow_mut().session.send_failed();
                    }
                }
            }
            SocketAction::SendHeartbeat { socket } => {
                let message = {
                    let state = self.state.borrow();
                    let options = state.session.machine().options();
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
        self.state.borrow().live(socket).map(LiveSocket::handle)
    }

    /// Whether the session still wants a socket for `socket`.
    fn wanted(&self, socket: SocketId) -> bool {
        self.state.borrow().session.machine().socket() == Some(socket)
    }

    /// The browser socket of the current attempt, if one is alive.
    pub(super) fn socket(&self) -> Option<WebSocket> {
        let state = self.state.borrow();
        state.socket.as_ref().map(|(_, live)| live.raw().clone())
    }

    pub(super) fn set_binary_type(&self, binary_type: BinaryType) {
        let handle = {
            let mut state = self.state.borrow_mut();
            state.binary_type = binary_type;
            state.socket.as_ref().map(|(_, live)| live.handle())
        };
        if let Some(handle) = handle {
            handle.set_binary_type(binary_type);
        }
    }

    /// Releases everything now: socket, timer, listeners, pending work. Nothing is delivered
    /// afterwards. Safe to call again (it then lets go of whatever was made since).
    pub(super) fn release(&self) {
        self.released.set(true);
        let delivery = self.delivery.borrow_mut().take();
        drop(delivery);
        let Ok(mut state) = self.state.try_borrow_mut() else {
            return;
        };
        let held = (
            state.timer.take(),
            state.environment.take(),
            state.url_wait.take(),
            core::mem::take(&mut state.probes),
        );
        let socket = state.socket.take();
        drop(state);
        if socket.is_some() {
            self.observer.sendable_changed(None);
            self.observer.socket_changed(None);
        }
        drop(socket);
        drop(held);
    }
}

impl DriverState {
    /// Takes the running probe of `url` out, if there is one (to drop once no borrow is held:
    /// dropping it aborts its request).
    pub(super) fn take_probe(&mut self, url: &str) -> Option<probe::Running> {
        let index = self.probes.iter().position(|(probed, _)| probed == url)?;
        Some(self.probes.swap_remove(index).1)
    }

    /// The live socket, if it is `socket`.
    fn live(&self, socket: SocketId) -> Option<&LiveSocket> {
        self.socket
            .as_ref()
            .filter(|(id, _)| *id == socket)
            .map(|(_, live)| live)
    }
}
