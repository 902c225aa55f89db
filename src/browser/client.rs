//! The public face of the browser driver: [`Client`], how it is told where to connect
//! ([`UrlSource`]), and what it reports, by typed subscriptions that return RAII
//! [`Subscription`] handles (`on_open`, `on_message`, `on_close`, `on_error`,
//! `on_state_change`, `on_reconnecting`, `on_diagnosis`, or every event with `on_event`).
//!
//! The client owns the socket, its timer and the page listeners; its driver (internal) runs
//! the sans-IO [`Session`](crate::core::session::Session), which decides everything else.
//! Messages do not pass through the driver: each `on_message` callback is a listener on the
//! live browser socket, moved to every new socket, so a message reaches it straight from the
//! browser.
//!
//! ```no_run
//! use wsguard::browser::client::Client;
//! use wsguard::core::options::Options;
//!
//! let client = Client::new("/ws", Options::default()).unwrap();
//! let _messages = client.on_message(|message| {
//!     web_sys::console::log_1(&message.data());
//! });
//! let _diagnoses = client.on_diagnosis(|diagnosis| {
//!     web_sys::console::warn_1(&diagnosis.summary.as_ref().into());
//! });
//! client.send_text("hello").unwrap(); // queued until the socket opens
//! ```

use alloc::rc::Rc;
use alloc::string::String;

use js_sys::Uint8Array;
use wasm_bindgen::JsValue;
use web_sys::WebSocket;

use super::driver::{Dispatch, Driver};
use super::errors::{ClientError, SendFailure};
use super::hub::Hub;
use super::payload::Payload;
use super::socket::Handle;
use crate::core::close::CloseError;
use crate::core::diagnosis::Diagnosis;
use crate::core::machine::State;
use crate::core::options::{BinaryType, Options};

pub use super::events::{ClientEvent, CloseReport};
pub use super::message::Message;
pub use super::subscription::Subscription;
pub use super::url::UrlSource;

mod listen;

/// A reconnecting WebSocket client running in the browser.
///
/// Dropping it releases everything: the socket (closed with 1000), the timer, every listener
/// and every subscription's callback.
///
/// ```no_run
/// use wsguard::browser::client::Client;
/// use wsguard::core::options::Options;
/// let client = Client::new("wss://api.example/ws", Options::default()).unwrap();
/// client.close(1000, "done").unwrap();
/// ```
pub struct Client {
    driver: Rc<Driver>,
    hub: Rc<Hub>,
}

impl Client {
    /// Creates a client for `url` and starts connecting. The URL is resolved here, on the
    /// page (see [`resolve_url`](super::url::resolve_url)), and the options are checked (see
    /// [`Options::validate`]), so a bad one fails at once.
    ///
    /// Events of the first attempt are delivered from a microtask at the earliest: subscribe
    /// right after this call and nothing is missed.
    ///
    /// ```no_run
    /// use wsguard::browser::client::Client;
    /// use wsguard::browser::errors::ClientError;
    /// use wsguard::core::options::Options;
    /// match Client::new("ftp://nope", Options::default()) {
    ///     Ok(_client) => {}
    ///     // Here: not a ws:, wss:, http: or https: URL.
    ///     Err(ClientError::Url(error)) => web_sys::console::warn_1(&error.message().into()),
    ///     Err(error) => web_sys::console::warn_1(&error.to_string().into()),
    /// }
    /// ```
    pub fn new(url: &str, options: Options) -> Result<Self, ClientError> {
        Self::with_source(UrlSource::Fixed(url.into()), options)
    }

    /// Creates a client whose URL comes from `source`: a fixed one as with [`Client::new`],
    /// or a JavaScript function called before every attempt (it may return a `Promise`).
    ///
    /// ```no_run
    /// use wasm_bindgen::{closure::Closure, JsCast, JsValue};
    /// use wsguard::browser::client::{Client, UrlSource};
    /// use wsguard::core::options::Options;
    /// let fresh = Closure::<dyn Fn() -> JsValue>::new(|| "/ws?token=abc".into());
    /// let source = UrlSource::Function(fresh.as_ref().unchecked_ref::<js_sys::Function>().clone());
    /// let client = Client::with_source(source, Options::default()).unwrap();
    /// # drop(fresh);
    /// ```
    pub fn with_source(url: UrlSource, mut options: Options) -> Result<Self, ClientError> {
        options.validate()?;
        options.normalize();
        // Whether wsguard rewrote the fixed URL from `ws:` to `wss:` (a URL function's answers
        // are resolved, and told, one by one).
        let (url, upgraded) = match url {
            UrlSource::Fixed(input) => {
                let resolved = super::url::resolve_on_page(&input, options.insecure, options.log)?;
                let upgraded = resolved.upgraded_from.is_some();
                (UrlSource::Fixed(resolved.url), upgraded)
            }
            source => (source, false),
        };
        let hub = Rc::new(Hub::default());
        let observer = Rc::clone(&hub);
        Ok(Self {
            driver: Driver::start(url, upgraded, options, observer),
            hub,
        })
    }

    /// Sends a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`: at once when open (one
    /// call on the browser socket), else queued (within `max_buffered_messages` and
    /// `max_buffered_bytes`) and sent in order on the next open.
    ///
    /// ```no_run
    /// use wsguard::browser::errors::SendFailure;
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.send(&"hello".into()).unwrap();
    /// if let Err(SendFailure::NotSendable) = client.send(&42.into()) {
    ///     // A number is not a string, ArrayBuffer, ArrayBufferView or Blob.
    /// }
    /// ```
    pub fn send(&self, data: &JsValue) -> Result<(), SendFailure> {
        let payload = Payload::of(data).ok_or(SendFailure::NotSendable)?;
        if let Some(socket) = self.hub.sendable() {
            // Open, queue empty: straight to the socket. Only a `send` that page code replaced
            // can throw; the message then takes the session's way, as while disconnected.
            if Handle::of(socket).send(data).is_ok() {
                return Ok(());
            }
        }
        // The size only matters when the message is queued; reading it calls into JS, so it
        // happens before the session is borrowed.
        let size = if self.state() == State::Open {
            0
        } else {
            payload.byte_size(data)
        };
        let mut result = Ok(());
        self.driver.input(Dispatch::Later, |session, now| {
            result = session.send(now, data.clone(), size);
        });
        result.map_err(SendFailure::Refused)
    }

    /// Sends `text` in a text frame, as [`Client::send`] does.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.send_text("hello").unwrap();
    /// ```
    pub fn send_text(&self, text: &str) -> Result<(), SendFailure> {
        self.send(&JsValue::from_str(text))
    }

    /// Sends `bytes` in a binary frame, as [`Client::send`] does.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.send_bytes(&[1, 2, 3]).unwrap();
    /// ```
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), SendFailure> {
        self.send(&Uint8Array::from(bytes).into())
    }

    /// Closes for good with `code` (1000 or 3000–4999) and `reason` (at most 123 bytes).
    ///
    /// ```no_run
    /// use wsguard::core::close::CloseError;
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// if let Err(CloseError::InvalidCode(code)) = client.close(1001, "") {
    ///     // 1001 is the browser's own code: a script may not send it.
    ///     client.close(1000, "done").unwrap();
    /// }
    /// ```
    pub fn close(&self, code: u16, reason: &str) -> Result<(), CloseError> {
        let mut result = Ok(());
        self.driver.input(Dispatch::Later, |session, now| {
            result = session.close(now, code, reason);
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
        self.driver
            .input(Dispatch::Later, |session, now| session.reconnect(now));
    }

    /// The connection state ([`State::Idle`] only before the constructor's first attempt).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// web_sys::console::log_1(&client.state().as_str().into());
    /// ```
    pub fn state(&self) -> State {
        self.driver.state().session.machine().state()
    }

    /// How many retries since the last stable connection (0 on the first attempt).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let retries = client.retries(); // 0 while the first attempt runs
    /// ```
    pub fn retries(&self) -> u32 {
        self.driver.state().session.machine().retries()
    }

    /// The URL of the current or last attempt (empty before a URL function first returned).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let url = client.url(); // "wss://api.example/ws"
    /// ```
    pub fn url(&self) -> String {
        self.driver.state().session.url().into()
    }

    /// The last diagnosis delivered, if any (the JS API's `lastDiagnosis`).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// if let Some(diagnosis) = client.last_diagnosis() {
    ///     web_sys::console::log_1(&diagnosis.kind.as_str().into());
    /// }
    /// ```
    pub fn last_diagnosis(&self) -> Option<Diagnosis> {
        self.hub.last_diagnosis()
    }

    /// The browser socket of the current attempt, if one is alive.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let protocol = client.socket().map(|s| s.protocol()).unwrap_or_default();
    /// ```
    pub fn socket(&self) -> Option<WebSocket> {
        self.driver.socket()
    }

    /// Bytes waiting in the queue (UTF-8 length of strings, byte length of binary data); the
    /// socket's own `bufferedAmount` comes on top.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let waiting = client.queued_bytes(); // 0 while open
    /// ```
    pub fn queued_bytes(&self) -> u64 {
        self.driver.state().session.machine().buffered_bytes()
    }

    /// The `binaryType` for binary messages, on this socket and every later one.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let binary_type = client.binary_type(); // `BinaryType::Blob` unless set
    /// ```
    pub fn binary_type(&self) -> BinaryType {
        self.driver.state().binary_type
    }

    /// Sets the `binaryType` for the current socket and every later one.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.set_binary_type(wsguard::core::options::BinaryType::ArrayBuffer);
    /// ```
    pub fn set_binary_type(&self, binary_type: BinaryType) {
        self.driver.set_binary_type(binary_type);
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        self.driver.release();
        self.hub.clear();
    }
}
