//! The JS errors the exports throw: a `TypeError` for a value of the wrong type, a `RangeError`
//! for one out of range, and the `DOMException`s a `WebSocket` would throw for the same mistake.
//! Every message starts with `wsguard:` and names the culprit.

use wasm_bindgen::JsValue;

/// A `TypeError` with `message`.
pub fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// A `RangeError` with `message`.
pub fn range_error(message: &str) -> JsValue {
    js_sys::RangeError::new(message).into()
}

/// A `DOMException` named `name` (`InvalidStateError`, `InvalidAccessError`, `SyntaxError`,
/// `SecurityError`), as a `WebSocket` throws.
pub fn dom_exception(message: &str, name: &str) -> JsValue {
    web_sys::DomException::new_with_message_and_name(message, name)
        .map(Into::into)
        .unwrap_or_else(|_| js_sys::Error::new(message).into())
}

/// Whether `number` is a whole number from 0 to `max` (at most 2^53 − 1, where every whole
/// number is exact).
pub fn is_whole(number: f64, max: f64) -> bool {
    (0.0..=max).contains(&number) && (number as u64) as f64 == number
}
