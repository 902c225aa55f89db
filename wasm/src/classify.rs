//! `classifyClose(input)`: the `Diagnosis` for a close of a `WebSocket` the page manages itself.
//! `arguments.js` reads and checks the input's fields; absent ones take the defaults of
//! [`ClassifyInput`].

use alloc::vec::Vec;

use wasm_bindgen::prelude::*;
use wsguard::core::diagnosis::{classify_close as classify, ClassifyInput, Probe};

use crate::diagnosis::{send_diagnosis, DiagnosisSink};

/// Classifies a close and returns what `sink.diagnosis(…fields)` builds. `values` holds the
/// input's fields in the order of [`ClassifyInput`]'s (`code`, `reason`, `wasClean`, `wasOpen`,
/// `openForMs`, `idleForMs`, `lifetimeMs`, `url`, `pageSecure`, `online`, `errored`, `probe`,
/// `closedByApp`, `mixedContent`, `heartbeat`, `previousIdleMs`, `attempt`), each `undefined`
/// when absent and otherwise of the type `arguments.js` checked.
#[wasm_bindgen(js_name = classifyClose)]
pub fn classify_close(values: Vec<JsValue>, sink: &DiagnosisSink) -> Result<JsValue, JsValue> {
    let number = |index: usize| values.get(index).and_then(JsValue::as_f64);
    let text = |index: usize| values.get(index).and_then(JsValue::as_string);
    let flag = |index: usize, default| {
        values
            .get(index)
            .and_then(JsValue::as_bool)
            .unwrap_or(default)
    };
    let millis = |index, default| number(index).map_or(default, |ms| ms as u64);
    let defaults = ClassifyInput::default();
    let input = ClassifyInput {
        code: number(0).map_or(defaults.code, |code| code as u16),
        reason: text(1).unwrap_or_default(),
        was_clean: flag(2, defaults.was_clean),
        was_open: flag(3, defaults.was_open),
        open_for_ms: millis(4, defaults.open_for_ms),
        idle_for_ms: millis(5, defaults.idle_for_ms),
        lifetime_ms: millis(6, defaults.lifetime_ms),
        url: text(7).unwrap_or_default(),
        page_secure: flag(8, defaults.page_secure),
        online: flag(9, defaults.online),
        errored: flag(10, defaults.errored),
        probe: text(11)
            .as_deref()
            .and_then(Probe::parse)
            .unwrap_or(defaults.probe),
        closed_by_app: flag(12, defaults.closed_by_app),
        mixed_content: flag(13, defaults.mixed_content),
        heartbeat: flag(14, defaults.heartbeat),
        previous_idle_ms: number(15).map(|ms| ms as u64),
        attempt: number(16).map_or(defaults.attempt, |attempt| attempt as u32),
    };
    send_diagnosis(sink, &classify(&input))
}
