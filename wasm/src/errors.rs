//! The JS errors the exports throw, and how a rejected value is shown in their messages.
//! Every message starts with `wsguard:` and names the culprit: a `TypeError` for a value of the
//! wrong type, a `RangeError` for one out of range, and the `DOMException`s a `WebSocket` would
//! throw for the same mistake.

use alloc::string::String;

use wasm_bindgen::{JsCast, JsValue};

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

/// How many characters of a rejected string a message quotes.
const SHOWN_CHARS: usize = 40;

/// A value of the wrong type as a message shows it: its type, and for a number also its value
/// (`42 (a number)`); strings, booleans, `null` and `undefined` as [`show`] gives them.
pub fn describe(value: &JsValue) -> String {
    match value.as_f64() {
        Some(number) => [&number_text(number), " (a number)"].concat(),
        None => show(value),
    }
}

/// A rejected value as a message shows it: numbers, booleans, `null` and `undefined` as
/// JavaScript prints them, strings quoted (at most 40 characters), anything else by its type
/// ("an array", "an object", "a function", "a symbol", "a bigint").
pub fn show(value: &JsValue) -> String {
    if let Some(text) = value.as_string() {
        let mut shown = String::from("\"");
        let mut chars = text.chars();
        shown.extend(chars.by_ref().take(SHOWN_CHARS));
        if chars.next().is_some() {
            shown.push('…');
        }
        shown.push('"');
        return shown;
    }
    if let Some(number) = value.as_f64() {
        return number_text(number);
    }
    if let Some(flag) = value.as_bool() {
        return String::from(if flag { "true" } else { "false" });
    }
    if value.is_null() {
        return String::from("null");
    }
    if value.is_undefined() {
        return String::from("undefined");
    }
    if js_sys::Array::is_array(value) {
        return String::from("an array");
    }
    let kind = value.js_typeof().as_string().unwrap_or_default();
    let article = if kind.starts_with('o') { "an " } else { "a " };
    [article, &kind].concat()
}

/// A number as JavaScript prints it (`1.5`, `-1`, `NaN`, `Infinity`, `1e+21`).
pub fn number_text(number: f64) -> String {
    js_sys::Number::from(number)
        .to_string_with_radix(10)
        .map(String::from)
        .unwrap_or_default()
}

/// Whether `value` is an object that can carry options (not an array, a function or a
/// primitive).
pub fn is_options_object(value: &JsValue) -> bool {
    value.is_object()
        && !js_sys::Array::is_array(value)
        && value.dyn_ref::<js_sys::Function>().is_none()
}

/// Whether `number` is a whole number from 0 to `max` (at most 2^53 − 1, where every whole
/// number is exact).
pub fn is_whole(number: f64, max: f64) -> bool {
    (0.0..=max).contains(&number) && (number as u64) as f64 == number
}
