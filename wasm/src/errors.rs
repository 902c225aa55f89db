//! Refusals as data: what a `TypeError`, a `RangeError` or a `DOMException` would say, as the
//! `{ name, message }` record the recorder builds. The exports return it as their error, the
//! glue throws it once the call has returned, and `boundary.js` turns it into the error object
//! (with the constructors taken at load), outside WebAssembly. Every message starts with
//! `wsguard:` and names the culprit.

use wasm_bindgen::JsValue;

use crate::recorder::Recorder;

/// A `TypeError`: a value of the wrong type, or a URL that cannot be used.
pub fn type_error(recorder: &Recorder, message: &str) -> JsValue {
    recorder.refused("TypeError", message)
}

/// A `RangeError`: a value out of range.
pub fn range_error(recorder: &Recorder, message: &str) -> JsValue {
    recorder.refused("RangeError", message)
}

/// A `DOMException` named `name` (`InvalidStateError`, `InvalidAccessError`, `SyntaxError`,
/// `SecurityError`), as a `WebSocket` throws.
pub fn dom_exception(recorder: &Recorder, message: &str, name: &str) -> JsValue {
    recorder.refused(name, message)
}
