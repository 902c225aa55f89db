//! The Rust [`Client`] exposed to JavaScript with the small surface of `WsGuard` that the parity
//! scenarios use (tests/e2e/parity.test.mjs, through tests/parity/page/adapters.mjs): create it
//! with a URL or a URL function and options, `send`, `close`, `reconnect`, read `state`, `url`,
//! `queuedBytes` and `lastDiagnosis`, set `binaryType`, and hear every event through one
//! listener function `(type, detail)`.
//!
//! It uses only wsguard's public Rust API, as a Rust application does, and decides nothing: each
//! call goes to the client as it is, each event comes back as the client reported it, each error
//! as its Rust type's name (`ClientError::Options`, `SendFailure::Refused`, …) and its `Display`.
//! Options come as JSON with the JS option names (wsguard's `serde` feature).
//!
//! Built with `wasm-pack build tests/parity/harness --dev --target web` (scripts/test.sh, the
//! `parity-build` suite), into `tests/parity/harness/pkg`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wsguard::browser::client::{Client, ClientEvent, CloseReport, Subscription, UrlSource};
use wsguard::browser::errors::{ClientError, SendFailure};
use wsguard::core::close::CloseError;
use wsguard::core::diagnosis::Diagnosis;
use wsguard::core::options::{BinaryType, Options};

/// One Rust [`Client`] and the subscriptions that report its events to a JavaScript listener.
#[wasm_bindgen]
pub struct RustGuard {
    client: Client,
    _subscriptions: Vec<Subscription>,
}

#[wasm_bindgen]
impl RustGuard {
    /// `url`: a string (`Client::new`) or a function (`UrlSource::Function`); `options`: JSON
    /// with the JS option names; `listener(type, detail)` hears every event.
    #[wasm_bindgen(constructor)]
    pub fn new(url: JsValue, options: &str, listener: Function) -> Result<RustGuard, JsValue> {
        let options: Options = serde_json::from_str(options)
            .map_err(|error| named_error("serde_json::Error", &error.to_string()))?;
        let source = match (url.as_string(), url.dyn_into::<Function>()) {
            (Some(text), _) => UrlSource::Fixed(text),
            (None, Ok(function)) => UrlSource::Function(function),
            (None, Err(_)) => {
                return Err(named_error(
                    "harness",
                    "the URL must be a string or a function",
                ))
            }
        };
        let client = Client::with_source(source, options).map_err(|error| {
            let name = match error {
                ClientError::Url(_) => "ClientError::Url",
                ClientError::Options(_) => "ClientError::Options",
            };
            named_error(name, &error.to_string())
        })?;
        let events = listener.clone();
        let subscriptions = vec![
            client.on_event(move |event| {
                let (kind, detail) = describe(event);
                // A listener that throws is the page's business, as with `WsGuard`.
                let _ = events.call2(&JsValue::NULL, &kind.into(), &detail);
            }),
            client.on_message(move |message| {
                let detail = record(&[("data", message.data())]);
                let _ = listener.call2(&JsValue::NULL, &"message".into(), &detail);
            }),
        ];
        Ok(RustGuard {
            client,
            _subscriptions: subscriptions,
        })
    }

    /// `Client::send`; a refusal throws an error named after the `SendFailure` variant, with the
    /// refused message on `data`.
    pub fn send(&self, data: &JsValue) -> Result<(), JsValue> {
        self.client.send(data).map_err(|failure| {
            let (name, refused) = match &failure {
                SendFailure::NotSendable => ("SendFailure::NotSendable", JsValue::UNDEFINED),
                SendFailure::Refused(error) => ("SendFailure::Refused", error.message.clone()),
            };
            let error = named_error(name, &failure.to_string());
            let _ = Reflect::set(&error, &"data".into(), &refused);
            error
        })
    }

    /// `Client::close(code, reason)`; a refused code or reason throws an error named after the
    /// `CloseError` variant.
    pub fn close(&self, code: u16, reason: &str) -> Result<(), JsValue> {
        self.client.close(code, reason).map_err(|error| {
            let name = match error {
                CloseError::InvalidCode(_) => "CloseError::InvalidCode",
                CloseError::ReasonTooLong { .. } => "CloseError::ReasonTooLong",
            };
            named_error(name, &error.to_string())
        })
    }

    /// `Client::reconnect`.
    pub fn reconnect(&self) {
        self.client.reconnect();
    }

    /// `Client::state`, by its name.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        self.client.state().as_str().into()
    }

    /// `Client::url`.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.client.url()
    }

    /// `Client::queued_bytes`.
    #[wasm_bindgen(getter, js_name = queuedBytes)]
    pub fn queued_bytes(&self) -> f64 {
        self.client.queued_bytes() as f64
    }

    /// `Client::last_diagnosis`, as the JS `Diagnosis` object, or `null`.
    #[wasm_bindgen(getter, js_name = lastDiagnosis)]
    pub fn last_diagnosis(&self) -> JsValue {
        self.client
            .last_diagnosis()
            .map_or(JsValue::NULL, |diagnosis| diagnosis_value(&diagnosis))
    }

    /// `Client::set_binary_type` with `"blob"` or `"arraybuffer"`.
    #[wasm_bindgen(setter, js_name = binaryType)]
    pub fn set_binary_type(&self, name: &str) -> Result<(), JsValue> {
        let binary_type = BinaryType::parse(name)
            .ok_or_else(|| named_error("harness", "binaryType is \"blob\" or \"arraybuffer\""))?;
        self.client.set_binary_type(binary_type);
        Ok(())
    }
}

/// An event's name and its detail as the JS API names them.
fn describe(event: &ClientEvent) -> (&'static str, JsValue) {
    match event {
        ClientEvent::Open => ("open", JsValue::UNDEFINED),
        ClientEvent::Error(thrown) => (
            "error",
            record(&[("error", thrown.clone().unwrap_or(JsValue::UNDEFINED))]),
        ),
        ClientEvent::Close(report) => ("close", close_value(report)),
        ClientEvent::StateChange { from, to } => (
            "statechange",
            record(&[("from", from.as_str().into()), ("to", to.as_str().into())]),
        ),
        ClientEvent::Reconnecting { attempt, delay_ms } => (
            "reconnecting",
            record(&[
                ("attempt", (*attempt).into()),
                ("delayMs", (*delay_ms as f64).into()),
            ]),
        ),
        ClientEvent::Diagnosis(diagnosis) => ("diagnosis", diagnosis_value(diagnosis)),
    }
}

fn close_value(report: &CloseReport) -> JsValue {
    let unsent = report
        .unsent
        .as_ref()
        .map_or(JsValue::UNDEFINED, |messages| {
            messages.iter().collect::<Array>().into()
        });
    record(&[
        ("code", report.code.into()),
        ("reason", report.reason.as_str().into()),
        ("wasClean", report.was_clean.into()),
        ("unsent", unsent),
    ])
}

/// The diagnosis through its `serde` form: the field names of the JS `Diagnosis`.
fn diagnosis_value(diagnosis: &Diagnosis) -> JsValue {
    serde_json::to_string(diagnosis)
        .ok()
        .and_then(|json| js_sys::JSON::parse(&json).ok())
        .unwrap_or(JsValue::NULL)
}

fn record(fields: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&object, &(*name).into(), value);
    }
    object.into()
}

fn named_error(name: &str, message: &str) -> JsValue {
    let error = js_sys::Error::new(message);
    error.set_name(name);
    error.into()
}
