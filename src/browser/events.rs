//! The DOM events the client dispatches. A `message` event carries the browser's own `data`
//! (a reference to the same JS value: never copied through WASM memory).
//!
//! ```no_run
//! let event = wsguard::browser::events::plain("open");
//! assert_eq!(event.type_(), "open");
//! ```

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    CloseEvent, CloseEventInit, CustomEvent, CustomEventInit, Event, EventTarget, MessageEvent,
};

use crate::core::diagnosis::Diagnosis;
use crate::core::machine::Millis;

/// An event with no payload (`open`, `error`).
///
/// ```no_run
/// let event = wsguard::browser::events::plain("error");
/// ```
pub fn plain(event_type: &str) -> Event {
    // `new Event(type)` only throws without a type, which never happens here; fall back to a
    // bare object rather than panicking.
    Event::new(event_type).unwrap_or_else(|_| Object::new().unchecked_into())
}

/// An `error` event whose `error` property holds what was thrown.
///
/// ```no_run
/// let event = wsguard::browser::events::error_with(&js_sys::TypeError::new("bad URL").into());
/// ```
pub fn error_with(error: &JsValue) -> Event {
    let event = plain("error");
    let _ = Reflect::set(&event, &"error".into(), error);
    event
}

#[wasm_bindgen(
    inline_js = "export function relay(target, event) { target.dispatchEvent(new MessageEvent('message', { data: event.data, origin: event.origin, lastEventId: event.lastEventId })); }"
)]
extern "C" {
    /// Dispatches on `target` a `message` event with the socket event's `data`, `origin` and
    /// `lastEventId`, all in JS: nothing of the message crosses into WASM memory, and a
    /// message costs one call.
    fn relay(target: &EventTarget, event: &MessageEvent);
}

/// Re-dispatches a socket's `message` event on `target` (a new `MessageEvent` with the same
/// `data`, `origin` and `lastEventId`; the data is the very same JS value).
///
/// ```no_run
/// # let from_socket: web_sys::MessageEvent = unimplemented!();
/// let target = web_sys::EventTarget::new().unwrap();
/// wsguard::browser::events::relay_message(&target, &from_socket);
/// ```
pub fn relay_message(target: &EventTarget, from_socket: &MessageEvent) {
    relay(target, from_socket);
}

/// A `close` event; on the final close, `unsent` (the messages still queued) is set on it.
///
/// ```no_run
/// let event = wsguard::browser::events::close(1000, "bye", true, None);
/// ```
pub fn close(code: u16, reason: &str, was_clean: bool, unsent: Option<Array>) -> Event {
    let init = CloseEventInit::new();
    init.set_code(code);
    init.set_reason(reason);
    init.set_was_clean(was_clean);
    let event: Event = CloseEvent::new_with_event_init_dict("close", &init)
        .map(Into::into)
        .unwrap_or_else(|_| plain("close"));
    if let Some(unsent) = unsent {
        let _ = Reflect::set(&event, &"unsent".into(), &unsent);
    }
    event
}

/// A `CustomEvent` of `event_type` whose `detail` is `detail`.
///
/// ```no_run
/// let event = wsguard::browser::events::custom("hello", &js_sys::Object::new().into());
/// ```
pub fn custom(event_type: &str, detail: &JsValue) -> Event {
    let init = CustomEventInit::new();
    init.set_detail(detail);
    CustomEvent::new_with_event_init_dict(event_type, &init)
        .map(Into::into)
        .unwrap_or_else(|_| plain(event_type))
}

/// `statechange`, with `detail: { from, to }`.
///
/// ```no_run
/// let event = wsguard::browser::events::state_change("connecting", "open");
/// ```
pub fn state_change(from: &str, to: &str) -> Event {
    custom(
        "statechange",
        &object(&[("from", from.into()), ("to", to.into())]),
    )
}

/// `reconnecting`, with `detail: { attempt, delayMs }`.
///
/// ```no_run
/// let event = wsguard::browser::events::reconnecting(1, 850);
/// ```
pub fn reconnecting(attempt: u32, delay_ms: Millis) -> Event {
    custom(
        "reconnecting",
        &object(&[
            ("attempt", attempt.into()),
            ("delayMs", (delay_ms as f64).into()),
        ]),
    )
}

/// A diagnosis as the plain JS object of the `diagnosis` event's `detail`.
///
/// ```no_run
/// # let diagnosis: wsguard::core::diagnosis::Diagnosis = unimplemented!();
/// let detail = wsguard::browser::events::diagnosis_detail(&diagnosis);
/// ```
pub fn diagnosis_detail(diagnosis: &Diagnosis) -> JsValue {
    let retry_in_ms = diagnosis
        .retry_in_ms
        .map_or(JsValue::NULL, |ms| (ms as f64).into());
    object(&[
        ("kind", diagnosis.kind.as_str().into()),
        ("summary", diagnosis.summary.as_ref().into()),
        ("advice", diagnosis.advice.into()),
        ("code", diagnosis.code.into()),
        ("reason", diagnosis.reason.as_str().into()),
        ("wasClean", diagnosis.was_clean.into()),
        ("wasOpen", diagnosis.was_open.into()),
        ("openForMs", (diagnosis.open_for_ms as f64).into()),
        ("idleForMs", (diagnosis.idle_for_ms as f64).into()),
        ("pageSecure", diagnosis.page_secure.into()),
        ("url", diagnosis.url.as_str().into()),
        ("attempt", diagnosis.attempt.into()),
        ("probe", diagnosis.probe.as_str().into()),
        ("willRetry", diagnosis.will_retry.into()),
        ("retryInMs", retry_in_ms),
    ])
}

/// A plain object from `(key, value)` pairs.
fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        let _ = Reflect::set(&object, &JsValue::from_str(key), value);
    }
    object.into()
}
