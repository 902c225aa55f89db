//! [`Message`]: one inbound message, as the browser delivered it. Nothing is copied until it
//! is asked for: [`Message::text`] and [`Message::bytes`] copy the data into Rust,
//! [`Message::data`] hands back the browser's own value.
//!
//! ```no_run
//! # let client: wsguard::browser::client::Client = unimplemented!();
//! let _subscription = client.on_message(|message| {
//!     if let Some(text) = message.text() {
//!         web_sys::console::log_1(&text.into());
//!     }
//! });
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Event;

#[wasm_bindgen]
extern "C" {
    /// The browser's `MessageEvent`, bound here for its `data` only (so that the crate asks
    /// `web-sys` for no feature the npm build does not need).
    #[derive(Clone, Debug)]
    pub(crate) type MessageEvent;

    #[wasm_bindgen(method, getter)]
    fn data(this: &MessageEvent) -> JsValue;
}

/// One message from the server: the browser's `MessageEvent`, read on demand.
///
/// A text frame is a string; a binary frame is an `ArrayBuffer` with
/// [`BinaryType::ArrayBuffer`](crate::core::options::BinaryType::ArrayBuffer), or a `Blob`
/// with the browser's default `BinaryType::Blob` (read it with `Blob.arrayBuffer()`).
///
/// ```no_run
/// # let message: wsguard::browser::message::Message = unimplemented!();
/// match (message.text(), message.bytes()) {
///     (Some(text), _) => web_sys::console::log_1(&text.into()),
///     (None, Some(bytes)) => web_sys::console::log_1(&bytes.len().into()),
///     (None, None) => web_sys::console::log_1(&message.data()), // a Blob
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Message(MessageEvent);

impl Message {
    pub(crate) fn new(event: MessageEvent) -> Self {
        Self(event)
    }

    /// The text of a text frame; `None` for a binary one.
    ///
    /// ```no_run
    /// # let message: wsguard::browser::message::Message = unimplemented!();
    /// let text: Option<String> = message.text();
    /// ```
    pub fn text(&self) -> Option<String> {
        self.0.data().as_string()
    }

    /// The bytes of a binary frame received as an `ArrayBuffer`; `None` for text or a `Blob`.
    ///
    /// ```no_run
    /// # let message: wsguard::browser::message::Message = unimplemented!();
    /// let length = message.bytes().map_or(0, |bytes| bytes.len());
    /// ```
    pub fn bytes(&self) -> Option<Vec<u8>> {
        let data = self.0.data();
        data.dyn_ref::<ArrayBuffer>()
            .map(|buffer| Uint8Array::new(buffer).to_vec())
    }

    /// Whether it came in a binary frame.
    ///
    /// ```no_run
    /// # let message: wsguard::browser::message::Message = unimplemented!();
    /// if message.is_binary() {
    ///     let bytes = message.bytes(); // `None` for a `Blob`: read it with `data()`
    /// }
    /// ```
    pub fn is_binary(&self) -> bool {
        !self.0.data().is_string()
    }

    /// The browser's own value: a string, `ArrayBuffer` or `Blob`, not copied.
    ///
    /// ```no_run
    /// # let message: wsguard::browser::message::Message = unimplemented!();
    /// let value = message.data(); // hand it to JavaScript as it is
    /// ```
    pub fn data(&self) -> JsValue {
        self.0.data()
    }

    /// The browser's `MessageEvent` itself, as an `Event` (`timeStamp`, the socket as
    /// `target`); cast it for `origin` or `lastEventId`.
    ///
    /// ```no_run
    /// use wasm_bindgen::JsCast;
    /// # let message: wsguard::browser::message::Message = unimplemented!();
    /// let origin = message.event().unchecked_ref::<web_sys::MessageEvent>().origin();
    /// ```
    pub fn event(&self) -> &Event {
        self.0.unchecked_ref()
    }
}
