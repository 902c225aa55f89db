//! The JS errors the exports throw: `TypeError` for a value of the wrong type, `RangeError`
//! for one out of range, and the `DOMException`s a `WebSocket` would throw for the same
//! mistake. Every message starts with `wsguard:` and names the culprit.

use wasm_bindgen::JsValue;
use wsguard::browser::js_value::ReadError;
use wsguard::core::options::{ErrorKind, OptionsError};

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

/// The error for invalid options: `TypeError` or `RangeError` as the core decided.
pub fn options_error(error: &OptionsError) -> JsValue {
    let message = error.to_string();
    match error.kind() {
        ErrorKind::Type => type_error(&message),
        ErrorKind::Range => range_error(&message),
    }
}

/// The JS type of `value` for a message: `typeof`, with `null` and arrays told apart.
pub fn describe(value: &JsValue) -> String {
    if value.is_null() {
        "null".into()
    } else if js_sys::Array::is_array(value) {
        "an array".into()
    } else {
        value.js_typeof().as_string().unwrap_or_default()
    }
}

/// The error for an argument object that could not be read: what its getter threw, as it is,
/// or the options error for nesting too deep.
pub fn read_error(error: ReadError) -> JsValue {
    match error {
        ReadError::Thrown(thrown) => thrown,
        ReadError::Invalid(error) => options_error(&error),
    }
}
