//! `WsGuard`: the reconnecting WebSocket exported to JavaScript. A thin translation layer over
//! [`wsguard::browser::client::Client`]: argument checks, JS errors, and the WebSocket-shaped
//! properties.

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wsguard::browser::client::{Client, SendFailure, UrlSource};
use wsguard::core::buffer::SendRefusal;
use wsguard::core::machine::{CloseError, State};
use wsguard::core::options::{BinaryType, Options};
use wsguard::core::url::UrlError;

use crate::errors::{describe, dom_exception, options_error, range_error, type_error};
use crate::handlers::Handlers;

#[wasm_bindgen]
extern "C" {
    /// An `EventTarget` seen with loosely typed arguments, so that listener objects with
    /// `handleEvent`, `{ once, signal, capture }` and booleans pass through untouched.
    type LooseTarget;

    #[wasm_bindgen(method, catch, js_name = addEventListener)]
    fn add(
        this: &LooseTarget,
        kind: &JsValue,
        listener: &JsValue,
        options: &JsValue,
    ) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = removeEventListener)]
    fn remove(
        this: &LooseTarget,
        kind: &JsValue,
        listener: &JsValue,
        options: &JsValue,
    ) -> Result<(), JsValue>;

    #[wasm_bindgen(method, catch, js_name = dispatchEvent)]
    fn dispatch(this: &LooseTarget, event: &JsValue) -> Result<bool, JsValue>;
}

/// A WebSocket that picks `wss:`/`ws:` from the page, reconnects with jittered backoff,
/// buffers sends while disconnected, and diagnoses every failure.
#[wasm_bindgen(js_name = WsGuard)]
pub struct WsGuard {
    client: Client,
    handlers: Handlers,
}

/// `readyState` values, as on `WebSocket`.
const CONNECTING: u16 = 0;
const OPEN: u16 = 1;
const CLOSING: u16 = 2;
const CLOSED: u16 = 3;

#[wasm_bindgen(js_class = WsGuard)]
impl WsGuard {
    /// `new WsGuard(url, options?)`: `url` is a string (`/ws`, `wss://…`, `https://…`) or a
    /// function returning one or a Promise of one, called before every attempt.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "WsGuardUrl")] url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WsGuardOptions")] options: JsValue,
    ) -> Result<WsGuard, JsValue> {
        let options = read_options(&options)?;
        let source = if let Some(url) = url.as_string() {
            UrlSource::Fixed(url)
        } else if let Some(function) = url.dyn_ref::<Function>() {
            UrlSource::Function(function.clone())
        } else {
            return Err(type_error(
                &[
                    "wsguard: the URL must be a string or a function returning one; got ",
                    &describe(&url),
                ]
                .concat(),
            ));
        };
        let client = Client::new(source, options).map_err(|error| url_error(&error))?;
        Ok(Self {
            client,
            handlers: Handlers::default(),
        })
    }

    /// Sends a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`: at once when open, else
    /// queued and sent in order on open. Throws (with the message as `error.data`) when the
    /// queue is full or off, or after `close()`.
    pub fn send(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | ArrayBufferLike | Blob | ArrayBufferView")]
        data: JsValue,
    ) -> Result<(), JsValue> {
        self.client.send(&data).map_err(|failure| {
            let error = match &failure {
                SendFailure::NotSendable => type_error(
                    &[
                        "wsguard: send() takes a string, ArrayBuffer, ArrayBufferView or Blob; got ",
                        &describe(&data),
                    ]
                    .concat(),
                ),
                SendFailure::Refused(refused) => match refused.refusal {
                    SendRefusal::TooManyMessages { .. } | SendRefusal::TooManyBytes { .. } => {
                        range_error(&failure.to_string())
                    }
                    _ => dom_exception(&failure.to_string(), "InvalidStateError"),
                },
            };
            let _ = Reflect::set(&error, &"data".into(), &data);
            error
        })
    }

    /// Closes for good: no reconnect; the socket, timers and listeners are released.
    /// `code` is 1000 (default) or 3000–4999; `reason` at most 123 UTF-8 bytes.
    pub fn close(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "number")] code: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] reason: JsValue,
    ) -> Result<(), JsValue> {
        let code = match code.as_f64() {
            None if code.is_undefined() => 1000,
            Some(number) if number.fract() == 0.0 && (0.0..=65535.0).contains(&number) => {
                number as u16
            }
            _ => {
                return Err(dom_exception(
                    &[
                        "wsguard: close() code must be 1000 or an integer in 3000-4999; got ",
                        &display(&code),
                    ]
                    .concat(),
                    "InvalidAccessError",
                ))
            }
        };
        let reason = match reason.as_string() {
            Some(reason) => reason,
            None if reason.is_undefined() => String::new(),
            None => {
                return Err(type_error(
                    &[
                        "wsguard: close() reason must be a string; got ",
                        &describe(&reason),
                    ]
                    .concat(),
                ))
            }
        };
        self.client
            .close(code, &reason)
            .map_err(|error| match error {
                CloseError::InvalidCode(_) => {
                    dom_exception(&error.to_string(), "InvalidAccessError")
                }
                CloseError::ReasonTooLong { .. } => {
                    dom_exception(&error.to_string(), "SyntaxError")
                }
            })
    }

    /// Connects again now with a fresh backoff, dropping the current socket if any; also
    /// revives a client after `close()` or after it gave up.
    pub fn reconnect(&self) {
        self.client.reconnect();
    }

    /// The URL of the current or last attempt.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.client.url()
    }

    /// `0` connecting (also while waiting to reconnect or offline), `1` open, `2` closing,
    /// `3` closed.
    #[wasm_bindgen(getter = readyState)]
    pub fn ready_state(&self) -> u16 {
        match self.client.state() {
            State::Open => OPEN,
            State::Closing => CLOSING,
            State::Closed => CLOSED,
            _ => CONNECTING,
        }
    }

    /// `"connecting" | "open" | "closing" | "reconnecting" | "offline" | "closed"`.
    #[wasm_bindgen(getter, unchecked_return_type = "WsGuardState")]
    pub fn state(&self) -> String {
        match self.client.state() {
            State::Idle => State::Connecting.as_str().into(),
            state => state.as_str().into(),
        }
    }

    /// Retries since the last stable connection (0 on the first attempt).
    #[wasm_bindgen(getter)]
    pub fn attempt(&self) -> u32 {
        self.client.attempt()
    }

    /// The sub-protocol the server selected, or `""`.
    #[wasm_bindgen(getter)]
    pub fn protocol(&self) -> String {
        self.client
            .socket()
            .map(|s| s.protocol())
            .unwrap_or_default()
    }

    /// The extensions the server selected, or `""`.
    #[wasm_bindgen(getter)]
    pub fn extensions(&self) -> String {
        self.client
            .socket()
            .map(|s| s.extensions())
            .unwrap_or_default()
    }

    /// Bytes not yet sent: the socket's `bufferedAmount` plus what is queued.
    #[wasm_bindgen(getter = bufferedAmount)]
    pub fn buffered_amount(&self) -> f64 {
        self.client.buffered_amount()
    }

    /// `"blob"` or `"arraybuffer"`, for this socket and every later one.
    #[wasm_bindgen(getter = binaryType, unchecked_return_type = "BinaryType")]
    pub fn binary_type(&self) -> String {
        self.client.binary_type().as_str().into()
    }

    /// Sets `binaryType`; anything but `"blob"` or `"arraybuffer"` throws a `TypeError`.
    #[wasm_bindgen(setter = binaryType)]
    pub fn set_binary_type(
        &self,
        #[wasm_bindgen(unchecked_param_type = "BinaryType")] value: JsValue,
    ) -> Result<(), JsValue> {
        let binary_type = match value.as_string().as_deref() {
            Some("blob") => BinaryType::Blob,
            Some("arraybuffer") => BinaryType::ArrayBuffer,
            _ => {
                return Err(type_error(
                    &[
                        "wsguard: binaryType must be \"blob\" or \"arraybuffer\"; got ",
                        &display(&value),
                    ]
                    .concat(),
                ))
            }
        };
        self.client.set_binary_type(binary_type);
        Ok(())
    }

    /// The diagnosis of the last failure or close, or `null`.
    #[wasm_bindgen(getter = lastDiagnosis, unchecked_return_type = "Diagnosis | null")]
    pub fn last_diagnosis(&self) -> JsValue {
        self.client.last_diagnosis()
    }

    /// `EventTarget.addEventListener`, with `once`, `signal`, `capture` and `handleEvent`.
    #[wasm_bindgen(js_name = addEventListener, skip_typescript)]
    pub fn add_event_listener(
        &self,
        kind: JsValue,
        listener: JsValue,
        options: JsValue,
    ) -> Result<(), JsValue> {
        self.target().add(&kind, &listener, &options)
    }

    /// `EventTarget.removeEventListener`.
    #[wasm_bindgen(js_name = removeEventListener, skip_typescript)]
    pub fn remove_event_listener(
        &self,
        kind: JsValue,
        listener: JsValue,
        options: JsValue,
    ) -> Result<(), JsValue> {
        self.target().remove(&kind, &listener, &options)
    }

    /// `EventTarget.dispatchEvent`.
    #[wasm_bindgen(js_name = dispatchEvent)]
    pub fn dispatch_event(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Event")] event: JsValue,
    ) -> Result<bool, JsValue> {
        self.target().dispatch(&event)
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn onopen(&self) -> JsValue {
        self.handlers.get("open")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_onopen(&self, handler: JsValue) {
        self.set_handler("open", &handler);
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn onmessage(&self) -> JsValue {
        self.handlers.get("message")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_onmessage(&self, handler: JsValue) {
        self.set_handler("message", &handler);
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn onclose(&self) -> JsValue {
        self.handlers.get("close")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_onclose(&self, handler: JsValue) {
        self.set_handler("close", &handler);
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn onerror(&self) -> JsValue {
        self.handlers.get("error")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_onerror(&self, handler: JsValue) {
        self.set_handler("error", &handler);
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn onstatechange(&self) -> JsValue {
        self.handlers.get("statechange")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_onstatechange(&self, handler: JsValue) {
        self.set_handler("statechange", &handler);
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn onreconnecting(&self) -> JsValue {
        self.handlers.get("reconnecting")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_onreconnecting(&self, handler: JsValue) {
        self.set_handler("reconnecting", &handler);
    }

    #[wasm_bindgen(getter, skip_typescript)]
    pub fn ondiagnosis(&self) -> JsValue {
        self.handlers.get("diagnosis")
    }

    #[wasm_bindgen(setter, skip_typescript)]
    pub fn set_ondiagnosis(&self, handler: JsValue) {
        self.set_handler("diagnosis", &handler);
    }

    /// `0`: the `readyState` while connecting, waiting to reconnect, or offline.
    #[wasm_bindgen(getter = CONNECTING)]
    pub fn connecting(&self) -> u16 {
        CONNECTING
    }

    /// `1`: the `readyState` while open.
    #[wasm_bindgen(getter = OPEN)]
    pub fn open(&self) -> u16 {
        OPEN
    }

    /// `2`: the `readyState` while closing.
    #[wasm_bindgen(getter = CLOSING)]
    pub fn closing(&self) -> u16 {
        CLOSING
    }

    /// `3`: the `readyState` once closed.
    #[wasm_bindgen(getter = CLOSED)]
    pub fn closed(&self) -> u16 {
        CLOSED
    }
}

impl WsGuard {
    fn target(&self) -> &LooseTarget {
        self.client.event_target().unchecked_ref()
    }

    fn set_handler(&self, event_type: &'static str, handler: &JsValue) {
        self.handlers
            .set(self.client.event_target(), event_type, handler);
    }
}

impl Drop for WsGuard {
    fn drop(&mut self) {
        self.handlers.clear();
    }
}

/// Options from a JS value (`undefined` and `null` give the defaults).
fn read_options(value: &JsValue) -> Result<Options, JsValue> {
    match wsguard::browser::js_value::to_raw(value) {
        Ok(raw) => Options::from_value(raw).map_err(|error| options_error(&error)),
        Err(error) => Err(crate::errors::read_error(error)),
    }
}

/// The error for an unusable URL: `SecurityError` for an insecure URL refused by
/// `insecure: "error"` (as the browser's own mixed-content check), `TypeError` otherwise.
fn url_error(error: &UrlError) -> JsValue {
    match error {
        UrlError::InsecureRefused { .. } => dom_exception(&error.to_string(), "SecurityError"),
        _ => type_error(&error.to_string()),
    }
}

/// A short text for a rejected value: the value itself for numbers and strings, its type
/// otherwise.
fn display(value: &JsValue) -> String {
    match value.as_string() {
        Some(text) => ["\"", &wsguard::core::url::redact(&text), "\""].concat(),
        None => match value.as_f64() {
            Some(number) => js_sys::Number::from(number)
                .to_string_with_radix(10)
                .map(String::from)
                .unwrap_or_default(),
            None => describe(value),
        },
    }
}
