//! The JavaScript exports of wsguard: the `WsGuard` class and a few free functions. Everything
//! here translates between JS values and the `wsguard` library, where the logic lives.
//!
//! ```js
//! import init, { WsGuard, resolveUrl } from "wsguard";
//! await init();
//! const socket = new WsGuard("/ws");
//! socket.addEventListener("message", (event) => console.log(event.data));
//! socket.send("hello"); // queued until open
//! ```
#![cfg(target_arch = "wasm32")]

mod errors;
mod guard;
mod handlers;
mod types;

use wasm_bindgen::prelude::*;
use wsguard::browser::js_value::{named, to_raw};
use wsguard::core::diagnosis::ClassifyInput;
use wsguard::core::options::{describe, RawValue};
use wsguard::core::url::Insecure;

pub use guard::WsGuard;

/// The `insecure` policy from `resolveUrl`'s options: `{ insecure? }`, `null` or `undefined`.
fn resolve_options(options: &JsValue) -> Result<Insecure, JsValue> {
    let refuse = |what: &str, got: &RawValue| {
        errors::type_error(
            &[
                "wsguard: invalid options for resolveUrl: ",
                what,
                "; got ",
                &describe(got),
            ]
            .concat(),
        )
    };
    let entries = match to_raw(options) {
        Ok(RawValue::Null) => return Ok(Insecure::default()),
        Ok(RawValue::Object(entries)) => entries,
        Ok(other) => {
            return Err(refuse(
                "expected an object such as { insecure: \"error\" }",
                &other,
            ))
        }
        Err(error) => return Err(errors::read_error(error)),
    };
    let mut insecure = Insecure::default();
    for (key, value) in entries {
        match (key.as_str(), &value) {
            ("insecure", RawValue::Null) => {}
            ("insecure", RawValue::String(name)) if Insecure::parse(name).is_some() => {
                insecure = Insecure::parse(name).unwrap_or_default();
            }
            ("insecure", _) => {
                return Err(refuse(
                    "insecure must be \"upgrade\", \"error\" or \"allow\"",
                    &value,
                ))
            }
            (unknown, _) => {
                let shown: String = unknown.chars().take(40).collect();
                let what = ["unknown option \"", &shown, "\" (only insecure is known)"].concat();
                return Err(refuse(&what, &value));
            }
        }
    }
    Ok(insecure)
}

/// Resolves `input` to the WebSocket URL wsguard would open on this page: `wss:` on an HTTPS
/// page, `ws:` on an HTTP page, relative paths joined with `location.href`, `http(s):` mapped to
/// `ws(s):`, a fragment dropped, and a `ws://` URL on an HTTPS page handled per
/// `options.insecure` (`"upgrade"`, the default, `"error"` or `"allow"`).
///
/// Throws a `TypeError` naming the input and the rule when the input cannot be used.
#[wasm_bindgen(js_name = resolveUrl)]
pub fn resolve_url(
    #[wasm_bindgen(unchecked_param_type = "string")] input: &JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "{ insecure?: Insecure }")] options: &JsValue,
) -> Result<String, JsValue> {
    let Some(input) = input.as_string() else {
        return Err(errors::type_error(
            &[
                "wsguard: the URL must be a string; got ",
                &errors::describe(input),
            ]
            .concat(),
        ));
    };
    let insecure = resolve_options(options)?;
    wsguard::resolve_url(&input, insecure).map_err(|err| errors::type_error(&err.to_string()))
}

/// Live counts of what every client holds on to (listeners, timers, sockets), for
/// leak tests: after clients are closed they come back to their starting values.
#[wasm_bindgen(js_name = debugCounts, unchecked_return_type = "DebugCounts")]
pub fn debug_counts() -> JsValue {
    let counts = wsguard::browser::tally::counts();
    let object = js_sys::Object::new();
    for (key, value) in [
        ("listeners", counts.listeners),
        ("timers", counts.timers),
        ("sockets", counts.sockets),
    ] {
        let _ = js_sys::Reflect::set(&object, &key.into(), &value.into());
    }
    object.into()
}

/// Classifies a close of a `WebSocket` you manage yourself: pass what the page observed
/// (`code`, `reason`, `wasClean` — a `CloseEvent` fits as it is — plus `wasOpen`,
/// `openForMs`, `idleForMs`, `lifetimeMs`, `url`, `pageSecure`, `online`, `errored`, `probe`,
/// …; every key optional) and get the same `Diagnosis` a `WsGuard` emits.
#[wasm_bindgen(js_name = classifyClose, unchecked_return_type = "Diagnosis")]
pub fn classify_close(
    #[wasm_bindgen(unchecked_param_type = "ClassifyInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    let raw = named(&input, &ClassifyInput::KEYS).map_err(errors::read_error)?;
    let input = ClassifyInput::from_value(&raw).map_err(|message| errors::type_error(&message))?;
    let diagnosis = wsguard::core::diagnosis::classify_close(&input);
    Ok(wsguard::browser::events::diagnosis_detail(&diagnosis))
}

/// Debug builds report a Rust panic on the console with its message and location before the
/// module aborts. Release builds leave the hook out (it pulls in the formatting machinery):
/// no panic is reachable from user or browser input there, which the hostile-input table in the
/// end-to-end tests checks.
#[cfg(debug_assertions)]
#[wasm_bindgen(start)]
fn report_panics() {
    std::panic::set_hook(Box::new(|info| {
        let message = ["wsguard panicked: ", &info.to_string()].concat();
        web_sys::console::error_1(&message.into());
    }));
}
