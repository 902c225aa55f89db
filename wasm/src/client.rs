//! `Client`: the Rust client as the JavaScript `WsGuard` class (in `raw.js`) sees it. It checks
//! the arguments, turns errors into the JS errors a `WebSocket` would throw, and reports through
//! the observer object it was given.

use alloc::string::String;

use js_sys::{Function, Reflect};
use wasm_bindgen::prelude::*;
use wsguard::browser::client::{Client as Driven, SendFailure, UrlSource};
use wsguard::core::buffer::SendRefusal;
use wsguard::core::machine::{CloseError, State};
use wsguard::core::options::BinaryType;
use wsguard::core::url::UrlError;

use crate::errors::{describe, dom_exception, number_text, range_error, show, type_error};
use crate::observer::{Forward, JsObserver};
use crate::options::read_options;

/// The reconnecting client behind one `WsGuard`.
#[wasm_bindgen]
pub struct Client {
    client: Driven,
}

/// `readyState` values, as on `WebSocket`.
const CONNECTING: u16 = 0;
const OPEN: u16 = 1;
const CLOSING: u16 = 2;
const CLOSED: u16 = 3;

#[wasm_bindgen]
impl Client {
    /// `url` is a string or a function returning one (or a Promise of one) before every
    /// attempt; `options` an options object or `undefined`; `observer` receives the events.
    #[wasm_bindgen(constructor)]
    pub fn new(url: JsValue, options: JsValue, observer: JsObserver) -> Result<Client, JsValue> {
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
        let client = Driven::new(source, options, Forward::new(observer))
            .map_err(|error| url_error(&error))?;
        Ok(Self { client })
    }

    /// Sends now, or queues; throws with the refused message as `error.data`.
    pub fn send(&self, data: JsValue) -> Result<(), JsValue> {
        self.client.send(&data).map_err(|failure| {
            let error = match &failure {
                SendFailure::NotSendable => type_error(
                    &["wsguard: send() takes a string, ArrayBuffer, ArrayBufferView or Blob; got ", &describe(&data)]
                        .concat(),
                ),
                SendFailure::Refused(refused) => match refused.refusal {
                    SendRefusal::TooManyMessages { .. } | SendRefusal::TooManyBytes { .. } => {
                        range_error(&refused.refusal.message())
                    }
                    _ => dom_exception(&refused.refusal.message(), "InvalidStateError"),
                },
            };
            let _ = Reflect::set(&error, &JsValue::from_str("data"), &data);
            error
        })
    }

    /// Closes for good with `code` (1000, the default, or 3000–4999) and `reason`.
    pub fn close(&self, code: JsValue, reason: JsValue) -> Result<(), JsValue> {
        let code = match code.as_f64() {
            None if code.is_undefined() => 1000,
            Some(number)
                if (0.0..=65535.0).contains(&number) && f64::from(number as u16) == number =>
            {
                number as u16
            }
            _ => {
                let shown = match code.as_f64() {
                    Some(number) => number_text(number),
                    None => show(&code),
                };
                return Err(dom_exception(
                    &[
                        "wsguard: close() code must be 1000 or an integer in 3000-4999; got ",
                        &shown,
                    ]
                    .concat(),
                    "InvalidAccessError",
                ));
            }
        };
        let reason: String = match reason.as_string() {
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
                CloseError::InvalidCode(_) => dom_exception(&error.message(), "InvalidAccessError"),
                CloseError::ReasonTooLong { .. } => dom_exception(&error.message(), "SyntaxError"),
            })
    }

    /// Connects again now with a fresh backoff.
    pub fn reconnect(&self) {
        self.client.reconnect();
    }

    /// The URL of the current or last attempt.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.client.url()
    }

    /// `0` connecting (also waiting to reconnect, or offline), `1` open, `2` closing, `3` closed.
    #[wasm_bindgen(getter = readyState)]
    pub fn ready_state(&self) -> u16 {
        match self.client.state() {
            State::Open => OPEN,
            State::Closing => CLOSING,
            State::Closed => CLOSED,
            _ => CONNECTING,
        }
    }

    /// The state's name.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        match self.client.state() {
            State::Idle => State::Connecting.as_str().into(),
            state => state.as_str().into(),
        }
    }

    /// Retries since the last stable connection.
    #[wasm_bindgen(getter)]
    pub fn attempt(&self) -> u32 {
        self.client.retries()
    }

    /// Bytes waiting in the queue.
    #[wasm_bindgen(getter = queuedBytes)]
    pub fn queued_bytes(&self) -> f64 {
        self.client.queued_bytes() as f64
    }

    /// `"blob"` or `"arraybuffer"`.
    #[wasm_bindgen(getter = binaryType)]
    pub fn binary_type(&self) -> String {
        self.client.binary_type().as_str().into()
    }

    /// Sets `binaryType`; anything but `"blob"` or `"arraybuffer"` throws a `TypeError`.
    #[wasm_bindgen(setter = binaryType)]
    pub fn set_binary_type(&self, value: JsValue) -> Result<(), JsValue> {
        let parsed = value.as_string().as_deref().and_then(BinaryType::parse);
        let Some(binary_type) = parsed else {
            return Err(type_error(
                &[
                    "wsguard: binaryType must be \"blob\" or \"arraybuffer\"; got ",
                    &show(&value),
                ]
                .concat(),
            ));
        };
        self.client.set_binary_type(binary_type);
        Ok(())
    }
}

/// The error for an unusable URL: `SecurityError` for an insecure URL refused by
/// `insecure: "error"` (as the browser's own mixed-content check), `TypeError` otherwise.
pub fn url_error(error: &UrlError) -> JsValue {
    match error {
        UrlError::InsecureRefused { .. } => dom_exception(&error.message(), "SecurityError"),
        _ => type_error(&error.message()),
    }
}
