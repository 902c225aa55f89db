//! The JS side of a client's reports: the observer object that `raw.js` passes to `new
//! Client(…)`, with one method per event. Each call is a `catch` import: whatever that object
//! (or page code behind it) throws stays in JavaScript.

use alloc::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use web_sys::WebSocket;
use wsguard::browser::client::{ClientEvent, Observer};
use wsguard::core::diagnosis::Diagnosis;

#[wasm_bindgen]
extern "C" {
    /// The observer object: `{ open, error, close, statechange, reconnecting, diagnosis,
    /// socket, sendable }`.
    pub type JsObserver;

    #[wasm_bindgen(method, catch)]
    fn open(this: &JsObserver) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn error(this: &JsObserver, error: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn close(
        this: &JsObserver,
        code: u16,
        reason: &str,
        was_clean: bool,
        unsent: &JsValue,
    ) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn statechange(this: &JsObserver, from: &str, to: &str) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn reconnecting(this: &JsObserver, attempt: u32, delay_ms: f64) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn socket(this: &JsObserver, socket: Option<WebSocket>) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch)]
    fn sendable(this: &JsObserver, socket: Option<WebSocket>) -> Result<(), JsValue>;

    /// Anything with a `diagnosis` method taking the fields in order (the observer, or
    /// `classifyClose`'s object builder).
    pub type DiagnosisSink;

    #[wasm_bindgen(method, catch)]
    #[allow(clippy::too_many_arguments)]
    fn diagnosis(
        this: &DiagnosisSink,
        kind: &str,
        summary: &str,
        advice: &str,
        code: u16,
        reason: &str,
        was_clean: bool,
        was_open: bool,
        open_for_ms: f64,
        idle_for_ms: f64,
        page_secure: bool,
        url: &str,
        attempt: u32,
        probe: &str,
        will_retry: bool,
        retry_in_ms: Option<f64>,
    ) -> Result<JsValue, JsValue>;
}

/// Hands a diagnosis to `sink` field by field; returns what the sink returns.
pub fn send_diagnosis(sink: &DiagnosisSink, diagnosis: &Diagnosis) -> Result<JsValue, JsValue> {
    sink.diagnosis(
        diagnosis.kind.as_str(),
        &diagnosis.summary,
        &diagnosis.advice,
        diagnosis.code,
        &diagnosis.reason,
        diagnosis.was_clean,
        diagnosis.was_open,
        diagnosis.open_for_ms as f64,
        diagnosis.idle_for_ms as f64,
        diagnosis.page_secure,
        &diagnosis.url,
        diagnosis.attempt,
        diagnosis.probe.as_str(),
        diagnosis.will_retry,
        diagnosis.retry_in_ms.map(|ms| ms as f64),
    )
}

/// The client's [`Observer`], forwarding to the JS observer object.
pub struct Forward(pub JsObserver);

impl Forward {
    pub fn new(observer: JsObserver) -> Rc<Self> {
        Rc::new(Self(observer))
    }
}

impl Observer for Forward {
    fn event(&self, event: ClientEvent) {
        let observer = &self.0;
        let _ = match event {
            ClientEvent::Open => observer.open(),
            ClientEvent::Error(error) => observer.error(&error.unwrap_or(JsValue::UNDEFINED)),
            ClientEvent::Close(report) => {
                let unsent = report.unsent.map_or(JsValue::UNDEFINED, |messages| {
                    messages.into_iter().collect::<Array>().into()
                });
                observer.close(report.code, &report.reason, report.was_clean, &unsent)
            }
            ClientEvent::StateChange { from, to } => {
                observer.statechange(from.as_str(), to.as_str())
            }
            ClientEvent::Reconnecting { attempt, delay_ms } => {
                observer.reconnecting(attempt, delay_ms as f64)
            }
            ClientEvent::Diagnosis(diagnosis) => {
                send_diagnosis(observer.unchecked_ref(), &diagnosis).map(drop)
            }
        };
    }

    fn socket_changed(&self, socket: Option<&WebSocket>) {
        let _ = self.0.socket(socket.cloned());
    }

    fn sendable_changed(&self, socket: Option<&WebSocket>) {
        let _ = self.0.sendable(socket.cloned());
    }
}
