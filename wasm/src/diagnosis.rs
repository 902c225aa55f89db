//! A `Diagnosis` handed to JavaScript: the recorder's `diagnosis` method, with every field
//! named, builds the plain object (the `detail` of a `diagnosis` event, and what
//! `classifyClose` returns).

use wasm_bindgen::JsValue;
use wsguard::core::diagnosis::Diagnosis;

use crate::recorder::Recorder;

/// Hands `diagnosis` to `recorder`; returns the object it built.
pub fn send_diagnosis(recorder: &Recorder, diagnosis: &Diagnosis) -> JsValue {
    recorder.diagnosis(
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
        diagnosis.probe_status,
        diagnosis.will_retry,
        diagnosis.retry_in_ms.map(|ms| ms as f64),
    )
}
