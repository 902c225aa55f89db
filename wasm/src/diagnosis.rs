//! A `Diagnosis` handed to JavaScript field by field: `raw.js` builds the plain object (the
//! `detail` of a `diagnosis` event, and what `classifyClose` returns).

use wasm_bindgen::prelude::*;
use wsguard::core::diagnosis::Diagnosis;

#[wasm_bindgen]
extern "C" {
    /// Anything with a `diagnosis` method taking the fields in order.
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
        probe_status: Option<u16>,
        will_retry: bool,
        retry_in_ms: Option<f64>,
    ) -> Result<JsValue, JsValue>;
}

/// Hands `diagnosis` to `sink`; returns what the sink returns.
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
        diagnosis.probe_status,
        diagnosis.will_retry,
        diagnosis.retry_in_ms.map(|ms| ms as f64),
    )
}
