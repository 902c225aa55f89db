//! One browser WebSocket and the three listeners that turn its `open`, `error` and `close`
//! events into core inputs. Messages never pass through here: they go from the socket to the
//! listeners of whoever embeds the client, and only their time is noted, in JavaScript (see
//! [`LiveSocket::last_inbound`]).
//!
//! Teardown order (gloo-net's lesson): detach the listeners first, then close the socket, so no
//! callback can run on a socket the driver has let go of.
//!
//! ```no_run
//! use std::rc::Rc;
//! use wsguard::browser::socket::{LiveSocket, SocketEvent};
//! use wsguard::core::options::BinaryType;
//! let socket = LiveSocket::open("wss://example.com/ws", &[], BinaryType::Blob, Rc::new(|event| {
//!     if let SocketEvent::Close { code, .. } = event {
//!         web_sys::console::log_1(&code.into());
//!     }
//! }));
//! ```

use alloc::rc::Rc;
use alloc::string::String;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType as WebBinaryType, CloseEvent, WebSocket};

use super::guards::Listener;
use super::tally::{Counted, Tally};
use crate::core::options::BinaryType;

#[wasm_bindgen(module = "/src/browser/helpers.js")]
extern "C" {
    /// The time of the last message on one socket, noted in JavaScript.
    #[derive(Clone)]
    type Inbound;

    #[wasm_bindgen(constructor)]
    fn new(socket: &WebSocket) -> Inbound;

    #[wasm_bindgen(method, getter)]
    fn at(this: &Inbound) -> f64;

    #[wasm_bindgen(method)]
    fn release(this: &Inbound);
}

#[wasm_bindgen]
extern "C" {
    /// A `WebSocket` seen through loosely typed methods that page code may have replaced.
    type LooseSocket;

    /// `send` with any value: the browser picks the overload (string, `ArrayBuffer`,
    /// `ArrayBufferView` or `Blob`), so the payload never passes through WASM memory.
    #[wasm_bindgen(method, catch)]
    fn send(this: &LooseSocket, data: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn close(this: &LooseSocket, code: u16, reason: &str) -> Result<(), JsValue>;
}

/// What a socket reports, already stripped of everything the core does not need.
///
/// ```no_run
/// use wsguard::browser::socket::SocketEvent;
/// let event = SocketEvent::Close { code: 1006, reason: String::new(), was_clean: false };
/// if let SocketEvent::Close { code, .. } = event {
///     web_sys::console::log_1(&code.into());
/// }
/// ```
#[derive(Debug)]
pub enum SocketEvent {
    /// `open`.
    Open,
    /// `error`.
    Error,
    /// `close`.
    Close {
        /// `code`.
        code: u16,
        /// `reason`.
        reason: String,
        /// `wasClean`.
        was_clean: bool,
    },
}

/// A live `WebSocket` with its listeners. Dropping it detaches the listeners, then closes the
/// socket (code 1000) if it is still connecting or open.
///
/// ```no_run
/// use std::rc::Rc;
/// use wsguard::browser::socket::LiveSocket;
/// use wsguard::core::options::BinaryType;
/// let socket = LiveSocket::open("ws://localhost:8080/ws", &[], BinaryType::Blob, Rc::new(|_| {}));
/// drop(socket); // listeners removed, then `close(1000)`
/// ```
pub struct LiveSocket {
    socket: WebSocket,
    inbound: Inbound,
    listeners: Option<[Listener; 3]>,
    _tally: Tally,
}

impl LiveSocket {
    /// Opens a socket to `url` offering `protocols`, with `on_event` as the only callback.
    /// Errors are what the constructor throws (`SyntaxError`, `SecurityError`, or anything a
    /// replaced `WebSocket` throws).
    ///
    /// ```no_run
    /// use std::rc::Rc;
    /// use wsguard::browser::socket::LiveSocket;
    /// use wsguard::core::options::BinaryType;
    /// // An `Err` with the constructor's `SyntaxError`: not a WebSocket URL.
    /// let result = LiveSocket::open("ftp://nope", &[], BinaryType::Blob, Rc::new(|_| {}));
    /// ```
    pub fn open(
        url: &str,
        protocols: &[String],
        binary_type: BinaryType,
        on_event: Rc<dyn Fn(SocketEvent)>,
    ) -> Result<Self, JsValue> {
        let socket = if protocols.is_empty() {
            WebSocket::new(url)?
        } else {
            let list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
            WebSocket::new_with_str_sequence(url, &list)?
        };
        let target: &web_sys::EventTarget = socket.unchecked_ref();
        let forward = |event_type: &'static str, translate: fn(&web_sys::Event) -> SocketEvent| {
            let on_event = Rc::clone(&on_event);
            Listener::new(target, event_type, move |event| on_event(translate(&event)))
        };
        let listeners = [
            forward("open", |_| SocketEvent::Open),
            forward("error", |_| SocketEvent::Error),
            forward("close", |event| {
                // The socket's `close` event is always a `CloseEvent`.
                let close: &CloseEvent = event.unchecked_ref();
                SocketEvent::Close {
                    code: close.code(),
                    reason: close.reason(),
                    was_clean: close.was_clean(),
                }
            }),
        ];
        let live = Self {
            inbound: Inbound::new(&socket),
            socket,
            listeners: Some(listeners),
            _tally: Tally::new(Counted::Socket),
        };
        live.handle().set_binary_type(binary_type);
        Ok(live)
    }

    /// A handle for sending and closing, usable without holding on to this value (the driver
    /// calls into JavaScript only after it has let go of its own state).
    ///
    /// ```no_run
    /// # use wsguard::browser::socket::LiveSocket;
    /// # let socket: LiveSocket = unimplemented!();
    /// let handle = socket.handle();
    /// handle.send(&"hello".into()).unwrap();
    /// ```
    pub fn handle(&self) -> Handle {
        Handle::of(self.socket.clone())
    }

    /// The browser's socket, for its read-only attributes (`protocol`, `extensions`,
    /// `bufferedAmount`, `readyState`).
    ///
    /// ```no_run
    /// # use wsguard::browser::socket::LiveSocket;
    /// # let socket: LiveSocket = unimplemented!();
    /// let protocol = socket.raw().protocol();
    /// ```
    pub fn raw(&self) -> &WebSocket {
        &self.socket
    }

    /// The clock of the socket's last inbound message, to read without holding this value.
    ///
    /// ```no_run
    /// # use wsguard::browser::socket::LiveSocket;
    /// # let socket: LiveSocket = unimplemented!();
    /// let silent = socket.last_inbound().read().is_none();
    /// ```
    pub fn last_inbound(&self) -> InboundClock {
        InboundClock(self.inbound.clone())
    }
}

/// When the last message arrived on a socket, noted in JavaScript.
///
/// ```no_run
/// # let clock: wsguard::browser::socket::InboundClock = unimplemented!();
/// let at = clock.read(); // `event.timeStamp` of the last message, if any
/// ```
pub struct InboundClock(Inbound);

impl InboundClock {
    /// The last message's `event.timeStamp` (the `performance.now()` clock), or `None` before
    /// the first.
    ///
    /// ```no_run
    /// # let clock: wsguard::browser::socket::InboundClock = unimplemented!();
    /// let silent = clock.read().is_none();
    /// ```
    pub fn read(&self) -> Option<f64> {
        let at = self.0.at();
        (at >= 0.0).then_some(at)
    }
}

/// The browser socket of a [`LiveSocket`], for `send` and `close`.
///
/// ```no_run
/// # let handle: wsguard::browser::socket::Handle = unimplemented!();
/// handle.close(1000, "bye");
/// ```
#[derive(Clone)]
pub struct Handle(WebSocket);

impl Handle {
    pub(crate) fn of(socket: WebSocket) -> Self {
        Self(socket)
    }

    /// Sends a string, `ArrayBuffer`, `ArrayBufferView` or `Blob` as it is.
    ///
    /// ```no_run
    /// # let handle: wsguard::browser::socket::Handle = unimplemented!();
    /// handle.send(&"hello".into()).unwrap();
    /// ```
    pub fn send(&self, data: &JsValue) -> Result<(), JsValue> {
        self.0.unchecked_ref::<LooseSocket>().send(data)
    }

    /// Asks the socket to close with `code` (1000 or 3000–4999) and `reason`. Its `close`
    /// event still arrives while the socket's listeners are attached.
    ///
    /// ```no_run
    /// # let handle: wsguard::browser::socket::Handle = unimplemented!();
    /// handle.close(1000, "bye");
    /// ```
    pub fn close(&self, code: u16, reason: &str) {
        // Codes and reasons come validated from the core; a throw could only mean the socket
        // is already closing (what we asked for) or a replaced `close`.
        let _ = self.0.unchecked_ref::<LooseSocket>().close(code, reason);
    }

    /// Applies a `binaryType` to the socket.
    ///
    /// ```no_run
    /// # use wsguard::core::options::BinaryType;
    /// # let handle: wsguard::browser::socket::Handle = unimplemented!();
    /// handle.set_binary_type(BinaryType::ArrayBuffer);
    /// ```
    pub fn set_binary_type(&self, binary_type: BinaryType) {
        self.0.set_binary_type(match binary_type {
            BinaryType::Blob => WebBinaryType::Blob,
            BinaryType::ArrayBuffer => WebBinaryType::Arraybuffer,
        });
    }
}

impl Drop for LiveSocket {
    fn drop(&mut self) {
        self.inbound.release();
        drop(self.listeners.take());
        if self.socket.ready_state() <= WebSocket::OPEN {
            self.handle().close(1000, "");
        }
    }
}
