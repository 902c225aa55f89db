//! What `send()` accepts, and a message's size in bytes for the send buffer — read from the JS
//! value without copying it into WASM memory.
//!
//! ```no_run
//! use wsguard::browser::payload::Payload;
//! let data = wasm_bindgen::JsValue::from_str("héllo");
//! if let Some(payload) = Payload::of(&data) {
//!     let bytes = payload.byte_size(&data); // 6: "é" takes two bytes in UTF-8
//! }
//! ```

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    type TextEncoder;

    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;

    /// `encode()` with the JS string itself, so the string never enters WASM memory.
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, input: &JsValue) -> Uint8Array;

    /// Any object with a numeric `size` (a `Blob`).
    #[wasm_bindgen(js_name = Blob)]
    type Blob;

    #[wasm_bindgen(method, getter)]
    fn size(this: &Blob) -> f64;

    /// Any object with a numeric `byteLength` (an `ArrayBuffer` or a view).
    type ByteLength;

    #[wasm_bindgen(method, getter, js_name = byteLength)]
    fn byte_length(this: &ByteLength) -> f64;
}

/// A value a WebSocket can send, by its kind.
///
/// ```no_run
/// use wsguard::browser::payload::Payload;
/// let kind = Payload::of(&42.into()); // `None`: a WebSocket cannot send a number
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Payload {
    /// A string, sent as a text frame.
    Text,
    /// An `ArrayBuffer` or an `ArrayBufferView` (typed array, `DataView`).
    Bytes,
    /// A `Blob` (or `File`).
    Blob,
}

impl Payload {
    /// The kind of `data`, or `None` if a WebSocket cannot send it as it is.
    ///
    /// ```no_run
    /// use wsguard::browser::payload::Payload;
    /// let kind = Payload::of(&"hi".into()); // `Some(Payload::Text)`
    /// ```
    pub fn of(data: &JsValue) -> Option<Self> {
        if data.is_string() {
            Some(Self::Text)
        } else if data.is_instance_of::<ArrayBuffer>() || ArrayBuffer::is_view(data) {
            Some(Self::Bytes)
        } else if data.is_instance_of::<Blob>() {
            Some(Self::Blob)
        } else {
            None
        }
    }

    /// The bytes `data` (of this kind) puts on the wire: UTF-8 length for text.
    ///
    /// ```no_run
    /// use wsguard::browser::payload::Payload;
    /// let data = js_sys::ArrayBuffer::new(16).into();
    /// let bytes = Payload::Bytes.byte_size(&data); // 16
    /// ```
    pub fn byte_size(self, data: &JsValue) -> u64 {
        let size = match self {
            Self::Text => f64::from(TextEncoder::new().encode(data).length()),
            Self::Bytes => data.unchecked_ref::<ByteLength>().byte_length(),
            Self::Blob => data.unchecked_ref::<Blob>().size(),
        };
        size as u64
    }
}
