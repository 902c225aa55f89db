//! The public face of the browser driver: [`Client`], what it reports ([`ClientEvent`], through
//! an [`Observer`]), and how it is told where to connect ([`UrlSource`]).
//!
//! The client owns the socket, its timer and the page listeners; its driver (internal) runs
//! the sans-IO [`Session`](crate::core::session::Session), which decides everything else.
//! Messages do not pass through the client at all: the observer is told which socket is live
//! ([`Observer::socket_changed`]) and attaches its own `message` listeners to it, so the
//! browser's own event reaches them with nothing copied and nothing re-dispatched.
//!
//! ```no_run
//! use std::rc::Rc;
//! use wsguard::browser::client::{Client, ClientEvent, Observer, UrlSource};
//! use wsguard::core::options::Options;
//!
//! struct Log;
//! impl Observer for Log {
//!     fn event(&self, event: ClientEvent) {
//!         if let ClientEvent::Diagnosis(diagnosis) = event {
//!             web_sys::console::warn_1(&diagnosis.summary.as_ref().into());
//!         }
//!     }
//! }
//!
//! let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default(), Rc::new(Log)).unwrap();
//! client.send(&"hello".into()).unwrap(); // queued until the socket opens
//! ```

use alloc::rc::Rc;
use alloc::string::String;

use wasm_bindgen::JsValue;
use web_sys::WebSocket;

use super::driver::{Dispatch, Driver};
use super::payload::Payload;
use crate::core::buffer::SendError;
use crate::core::machine::{CloseError, State};
use crate::core::options::{BinaryType, Options};
use crate::core::url::UrlError;

pub use super::events::{ClientEvent, CloseReport, Observer};
pub use super::url::UrlSource;

/// A reconnecting WebSocket client running in the browser.
///
/// Dropping it releases everything: the socket (closed with 1000), the timer and every
/// listener.
///
/// ```no_run
/// use std::rc::Rc;
/// use wsguard::browser::client::{Client, ClientEvent, Observer, UrlSource};
/// use wsguard::core::options::Options;
/// # struct Ignore;
/// # impl Observer for Ignore { fn event(&self, _: ClientEvent) {} }
/// let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default(), Rc::new(Ignore)).unwrap();
/// client.close(1000, "done").unwrap();
/// ```
pub struct Client {
    driver: Rc<Driver>,
}

/// Why [`Client::send`] refused a message.
///
/// ```no_run
/// use wsguard::browser::client::SendFailure;
/// # let failure: SendFailure = unimplemented!();
/// let refused_message = match failure {
///     SendFailure::NotSendable => None,
///     SendFailure::Refused(error) => Some(error.into_message()),
/// };
/// ```
#[derive(Debug)]
pub enum SendFailure {
    /// The value is not a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`.
    NotSendable,
    /// The client is closed, or the queue is full or off; the message comes back.
    Refused(SendError<JsValue>),
}

impl Client {
    /// Creates a client and starts connecting.
    ///
    /// A [`UrlSource::Fixed`] URL is resolved here (see [`resolve_url`](super::url::resolve_url)),
    /// so a bad one fails at once; a function's URL is resolved before each attempt.
    ///
    /// ```no_run
    /// use std::rc::Rc;
    /// use wsguard::browser::client::{Client, ClientEvent, Observer, UrlSource};
    /// use wsguard::core::options::Options;
    /// # struct Ignore;
    /// # impl Observer for Ignore { fn event(&self, _: ClientEvent) {} }
    /// let result = Client::new(UrlSource::Fixed("ftp://nope".into()), Options::default(), Rc::new(Ignore));
    /// assert!(result.is_err());
    /// ```
    pub fn new(
        url: UrlSource,
        options: Options,
        observer: Rc<dyn Observer>,
    ) -> Result<Self, UrlError> {
        let url = match url {
            UrlSource::Fixed(input) => UrlSource::Fixed(super::url::resolve_on_page(
                &input,
                options.insecure,
                options.log,
            )?),
            source => source,
        };
        Ok(Self {
            driver: Driver::start(url, options, observer),
        })
    }

    /// Sends a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`: at once when open, else
    /// queued (within `max_buffered_messages`/`max_buffered_bytes`) and sent in order on open.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// client.send(&"hello".into()).unwrap();
    /// assert!(client.send(&42.into()).is_err()); // not a sendable type
    /// ```
    pub fn send(&self, data: &JsValue) -> Result<(), SendFailure> {
        let payload = Payload::of(data).ok_or(SendFailure::NotSendable)?;
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

    /// Closes for good with `code` (1000 or 3000–4999) and `reason` (at most 123 bytes).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert!(client.close(1001, "").is_err()); // scripts may not send 1001
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
    /// assert_eq!(client.retries(), 0);
    /// ```
    pub fn retries(&self) -> u32 {
        self.driver.state().session.machine().retries()
    }

    /// The URL of the current or last attempt (empty before a URL function first returned).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert!(client.url().starts_with("ws"));
    /// ```
    pub fn url(&self) -> String {
        self.driver.state().session.url().into()
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
    /// assert_eq!(client.queued_bytes(), 0);
    /// ```
    pub fn queued_bytes(&self) -> u64 {
        self.driver.state().session.machine().buffered_bytes()
    }

    /// The `binaryType` for binary messages, on this socket and every later one.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// assert_eq!(client.binary_type().as_str(), "blob");
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
    }
}
