//! `classifyClose(input)`: the `Diagnosis` for a close of a `WebSocket` the page manages itself.
//! The input's fields are read by name, own or inherited (a `CloseEvent` has `code`, `reason`
//! and `wasClean` as getters), each optional.

use alloc::string::String;

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use wsguard::core::diagnosis::{classify_close, ClassifyInput, Probe};
use wsguard::core::machine::Millis;

use crate::diagnosis::{send_diagnosis, DiagnosisSink};
use crate::errors::{show, type_error};

/// Classifies `input` and hands the diagnosis to `sink` (which builds the JS object).
pub fn classify(input: &JsValue, sink: &DiagnosisSink) -> Result<JsValue, JsValue> {
    let input = read(input)?;
    send_diagnosis(sink, &classify_close(&input))
}

fn refuse(field: &str, expected: &str, value: &JsValue) -> JsValue {
    type_error(
        &[
            "wsguard: classifyClose: \"",
            field,
            "\" must be ",
            expected,
            "; got ",
            &show(value),
        ]
        .concat(),
    )
}

/// One field: `None` when absent (`undefined` or `null`).
fn field(input: &JsValue, name: &str) -> Result<Option<JsValue>, JsValue> {
    let value = Reflect::get(input, &JsValue::from_str(name))?;
    Ok((!value.is_undefined() && !value.is_null()).then_some(value))
}

fn boolean(input: &JsValue, name: &str, default: bool) -> Result<bool, JsValue> {
    match field(input, name)? {
        None => Ok(default),
        Some(value) => value
            .as_bool()
            .ok_or_else(|| refuse(name, "true or false", &value)),
    }
}

fn text(input: &JsValue, name: &str) -> Result<String, JsValue> {
    match field(input, name)? {
        None => Ok(String::new()),
        Some(value) => value
            .as_string()
            .ok_or_else(|| refuse(name, "a string", &value)),
    }
}

/// A whole number from 0 to `max`.
fn whole(input: &JsValue, name: &str, max: f64, expected: &str) -> Result<Option<u64>, JsValue> {
    let Some(value) = field(input, name)? else {
        return Ok(None);
    };
    match value.as_f64() {
        Some(n) if crate::errors::is_whole(n, max) => Ok(Some(n as u64)),
        _ => Err(refuse(name, expected, &value)),
    }
}

fn millis(input: &JsValue, name: &str) -> Result<Option<Millis>, JsValue> {
    whole(
        input,
        name,
        9_007_199_254_740_991.0,
        "a whole number of milliseconds",
    )
}

fn read(input: &JsValue) -> Result<ClassifyInput, JsValue> {
    let defaults = ClassifyInput::default();
    if input.is_undefined() || input.is_null() {
        return Ok(defaults);
    }
    if !input.is_object() {
        return Err(type_error(
            &[
                "wsguard: classifyClose takes an object such as a CloseEvent; got ",
                &show(input),
            ]
            .concat(),
        ));
    }
    let probe = match field(input, "probe")? {
        None => defaults.probe,
        Some(value) => value
            .as_string()
            .as_deref()
            .and_then(Probe::parse)
            .ok_or_else(|| refuse("probe", "\"tls-ok\", \"tls-failed\" or \"skipped\"", &value))?,
    };
    Ok(ClassifyInput {
        code: whole(
            input,
            "code",
            65535.0,
            "a close code (an integer from 0 to 65535)",
        )?
        .map_or(defaults.code, |code| code as u16),
        reason: text(input, "reason")?,
        was_clean: boolean(input, "wasClean", defaults.was_clean)?,
        was_open: boolean(input, "wasOpen", defaults.was_open)?,
        open_for_ms: millis(input, "openForMs")?.unwrap_or(defaults.open_for_ms),
        idle_for_ms: millis(input, "idleForMs")?.unwrap_or(defaults.idle_for_ms),
        lifetime_ms: millis(input, "lifetimeMs")?.unwrap_or(defaults.lifetime_ms),
        url: text(input, "url")?,
        page_secure: boolean(input, "pageSecure", defaults.page_secure)?,
        online: boolean(input, "online", defaults.online)?,
        errored: boolean(input, "errored", defaults.errored)?,
        probe,
        closed_by_app: boolean(input, "closedByApp", defaults.closed_by_app)?,
        mixed_content: boolean(input, "mixedContent", defaults.mixed_content)?,
        heartbeat: boolean(input, "heartbeat", defaults.heartbeat)?,
        previous_idle_ms: millis(input, "previousIdleMs")?,
        attempt: whole(input, "attempt", f64::from(u32::MAX), "a whole number")?
            .map_or(defaults.attempt, |attempt| attempt as u32),
    })
}
