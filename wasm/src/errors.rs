//! The JS errors the exports throw: a `TypeError` for a value of the wrong type, a `RangeError`
//! for one out of range, and the `DOMException`s a `WebSocket` would throw for the same mistake.
//! Every message starts with `wsguard:` and names the culprit.
//!
//! The constructors are `catch` imports: page code may have replaced them with something that
//! throws, and no JavaScript exception may unwind through these frames. Then the message itself
//! is thrown, as a string.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = TypeError)]
    type TypeErrorValue;

    #[wasm_bindgen(constructor, catch, js_class = "TypeError")]
    fn new(message: &str) -> Result<TypeErrorValue, JsValue>;

    #[wasm_bindgen(js_name = RangeError)]
    type RangeErrorValue;

    #[wasm_bindgen(constructor, catch, js_class = "RangeError")]
    fn new(message: &str) -> Result<RangeErrorValue, JsValue>;
}

/// A `TypeError` with `message`.
pub fn type_error(message: &str) -> JsValue {
    TypeErrorValue::new(message).map_or_else(|_| JsValue::from_str(message), Into::into)
}

/// A `RangeError` with `message`.
pub fn range_error(message: &str) -> JsValue {
    RangeErrorValue::new(message).map_or_else(|_| JsValue::from_str(message), Into::into)
}

/// A `DOMException` named `name` (`InvalidStateError`, `InvalidAccessError`, `SyntaxError`,
/// `SecurityError`), as a `WebSocket` throws.
pub fn dom_exception(message: &str, name: &str) -> JsValue {
    web_sys::DomException::new_with_message_and_name(message, name)
        .map_or_else(|_| JsValue::from_str(message), Into::into)
}

/// Whether `number` is a whole number from 0 to `max` (at most 2^53 − 1, where every whole
/// number is exact).
pub fn is_whole(number: f64, max: f64) -> bool {
    (0.0..=max).contains(&number) && (number as u64) as f64 == number
}
