//! `classifyClose(input)`: the `Diagnosis` for a close of a `WebSocket` the page manages itself.
//! `arguments.js` reads and checks the input's fields by name and passes each (`undefined`
//! when absent, which takes the default of [`ClassifyInput`]).

use alloc::string::String;

use wasm_bindgen::prelude::*;
use wsguard::core::diagnosis::{classify_close as classify, ClassifyInput, Probe};

use crate::diagnosis::send_diagnosis;
use crate::recorder::Recorder;

/// Classifies a close; returns the `Diagnosis` object the recorder builds. The fields are
/// [`ClassifyInput`]'s, of the types `arguments.js` checked (whole numbers in range, a known
/// probe name).
#[wasm_bindgen(js_name = classifyClose)]
#[allow(clippy::too_many_arguments)]
pub fn classify_close(
    code: Option<u16>,
    reason: Option<String>,
    was_clean: Option<bool>,
    was_open: Option<bool>,
    open_for_ms: Option<f64>,
    idle_for_ms: Option<f64>,
    lifetime_ms: Option<f64>,
    url: Option<String>,
    page_secure: Option<bool>,
    online: Option<bool>,
    errored: Option<bool>,
    probe: Option<String>,
    closed_by_app: Option<bool>,
    mixed_content: Option<bool>,
    heartbeat: Option<bool>,
    previous_idle_ms: Option<f64>,
    attempt: Option<u32>,
    recorder: &Recorder,
) -> JsValue {
    let defaults = ClassifyInput::default();
    let millis = |ms: Option<f64>, default| ms.map_or(default, |ms| ms as u64);
    let input = ClassifyInput {
        code: code.unwrap_or(defaults.code),
        reason: reason.unwrap_or_default(),
        was_clean: was_clean.unwrap_or(defaults.was_clean),
        was_open: was_open.unwrap_or(defaults.was_open),
        open_for_ms: millis(open_for_ms, defaults.open_for_ms),
        idle_for_ms: millis(idle_for_ms, defaults.idle_for_ms),
        lifetime_ms: millis(lifetime_ms, defaults.lifetime_ms),
        url: url.unwrap_or_default(),
        page_secure: page_secure.unwrap_or(defaults.page_secure),
        online: online.unwrap_or(defaults.online),
        errored: errored.unwrap_or(defaults.errored),
        probe: probe
            .as_deref()
            .and_then(Probe::parse)
            .unwrap_or(defaults.probe),
        closed_by_app: closed_by_app.unwrap_or(defaults.closed_by_app),
        mixed_content: mixed_content.unwrap_or(defaults.mixed_content),
        heartbeat: heartbeat.unwrap_or(defaults.heartbeat),
        previous_idle_ms: previous_idle_ms.map(|ms| ms as u64),
        attempt: attempt.unwrap_or(defaults.attempt),
    };
    send_diagnosis(recorder, &classify(&input))
}
