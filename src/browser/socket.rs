//! One browser WebSocket and the four listeners that translate its events into core inputs.
//!
//! Teardown order (gloo-net's lesson): detach the listeners first, then close the socket, so no
//! callback can run on a socket the driver has let go of.
//!
//! ```no_run
//! use wsguard::browser::socket::{SocketEvent, LiveSocket};
//! use wsguard::core::options::BinaryType;
//! let socket = LiveSocket::open("wss://example.com/ws", &[], BinaryType::Blob, |event| {
//!     if let SocketEvent::Message(data) = event {
//!         web_sys::console::log_1(&data);
//!     }
//! });
//! ```

use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType as WebBinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use super::guards::Listener;
use super::tally::{Tally, What};
use crate::core::options::BinaryType;

#[wasm_bindgen]
extern "C" {
    /// A `WebSocket` seen only through its `send`.
    type Sender;

    /// `WebSocket.prototype.send` with any value: the browser picks the overload (string,
    /// ArrayBuffer, ArrayBufferView or Blob), so the payload never passes through WASM memory.
    #[wasm_bindgen(method, catch)]
    fn send(this: &Sender, data: &JsValue) -> Result<(), JsValue>;
}

/// What a socket reports, already stripped of everything the core does not need.
///
/// ```
/// # #[cfg(target_arch = "wasm32")] {
/// use wsguard::browser::socket::SocketEvent;
/// let event = SocketEvent::Close { code: 1006, reason: String::new(), was_clean: false };
/// assert!(matches!(event, SocketEvent::Close { code: 1006, .. }));
/// # }
/// ```
#[derive(Debug)]
pub enum SocketEvent {
    /// `open`.
    Open,
    /// `message`, with the browser's own event (its `data` is never copied).
    Message(MessageEvent),
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
/// use wsguard::browser::socket::LiveSocket;
/// use wsguard::core::options::BinaryType;
/// let socket = LiveSocket::open("ws://localhost:8080/ws", &[], BinaryType::Blob, |_| {}).unwrap();
/// drop(socket); // listeners removed, then `close(1000)`
/// ```
#[derive(Debug)]
pub struct LiveSocket {
    socket: WebSocket,
    listeners: Option<[Listener; 4]>,
    _tally: Tally,
}

impl LiveSocket {
    /// Opens a socket to `url` offering `protocols`, with `on_event` as the only callback.
    /// Errors are what the constructor throws (`SyntaxError`, `SecurityError`).
    ///
    /// ```no_run
    /// use wsguard::browser::socket::LiveSocket;
    /// use wsguard::core::options::BinaryType;
    /// let result = LiveSocket::open("ftp://nope", &[], BinaryType::Blob, |_| {});
    /// assert!(result.is_err());
    /// ```
    pub fn open(
        url: &str,
        protocols: &[String],
        binary_type: BinaryType,
        on_event: impl Fn(SocketEvent) + 'static,
    ) -> Result<Self, JsValue> {
        let socket = if protocols.is_empty() {
            WebSocket::new(url)?
        } else {
            let list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
            WebSocket::new_with_str_sequence(url, &list)?
        };
        let on_event = Rc::new(on_event);
        let target: &web_sys::EventTarget = socket.unchecked_ref();
        let forward = |event_type: &'static str, translate: fn(&Event) -> Option<SocketEvent>| {
            let on_event = Rc::clone(&on_event);
            Listener::new(target, event_type, move |event| {
                if let Some(translated) = translate(event) {
                    on_event(translated);
                }
            })
        };
        let listeners = [
            forward("open", |_| Some(SocketEvent::Open)),
            forward("message", |event| {
                event
                    .dyn_ref::<MessageEvent>()
                    .map(|message| SocketEvent::Message(message.clone()))
            }),
            forward("error", |_| Some(SocketEvent::Error)),
            forward("close", |event| {
                event
                    .dyn_ref::<CloseEvent>()
                    .map(|close| SocketEvent::Close {
                        code: close.code(),
                        reason: close.reason(),
                        was_clean: close.was_clean(),
                    })
            }),
        ];
        let live = Self {
            socket,
            listeners: Some(listeners),
            _tally: Tally::new(What::Socket),
        };
        live.set_binary_type(binary_type);
        Ok(live)
    }

    /// Sends a string, `ArrayBuffer`, `ArrayBufferView` or `Blob` as it is.
    ///
    /// ```no_run
    /// # use wsguard::browser::socket::LiveSocket;
    /// # let socket: LiveSocket = unimplemented!();
    /// socket.send(&"hello".into()).unwrap();
    /// ```
    pub fn send(&self, data: &JsValue) -> Result<(), JsValue> {
        self.socket.unchecked_ref::<Sender>().send(data)
    }

    /// Asks the socket to close with `code` (1000 or 3000–4999) and `reason`. Its `close`
    /// event still arrives while the listeners are attached.
    ///
    /// ```no_run
    /// # use wsguard::browser::socket::LiveSocket;
    /// # let socket: LiveSocket = unimplemented!();
    /// socket.close(1000, "bye");
    /// ```
    pub fn close(&self, code: u16, reason: &str) {
        // Codes and reasons come validated from the core; a throw here could only mean the
        // socket is already closing, which is what we asked for.
        let _ = self.socket.close_with_code_and_reason(code, reason);
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

    /// Applies a `binaryType` to the socket.
    ///
    /// ```no_run
    /// # use wsguard::browser::socket::LiveSocket;
    /// # use wsguard::core::options::BinaryType;
    /// # let socket: LiveSocket = unimplemented!();
    /// socket.set_binary_type(BinaryType::ArrayBuffer);
    /// ```
    pub fn set_binary_type(&self, binary_type: BinaryType) {
        self.socket.set_binary_type(match binary_type {
            BinaryType::Blob => WebBinaryType::Blob,
            BinaryType::ArrayBuffer => WebBinaryType::Arraybuffer,
        });
    }
}

impl Drop for LiveSocket {
    fn drop(&mut self) {
        drop(self.listeners.take());
        if self.socket.ready_state() <= WebSocket::OPEN {
            let _ = self.socket.close_with_code(1000);
        }
    }
}
