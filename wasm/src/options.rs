//! `new WsGuard(url, options)`'s options, handed over value by value before the `Session` is
//! made: `arguments.js` checks the JS types with the table generated from the core's
//! (`schema.js`), then `optionNumber`, `optionText` and `optionFlag` name each value by its
//! option's index in that table. The core's [`Reader`] decides whether each fits and applies
//! every rule; [`take`] gives the result to `Session::new`. A refusal is the recorder's
//! `{ option, item, expected }`, which `arguments.js` turns into a `RangeError` showing the
//! value.

use alloc::string::String;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;
use wsguard::core::options::{
    OptionName, Options, OptionsError, Reader, Value, TOO_MANY_FATAL_CODES, TOO_MANY_PROTOCOLS,
};

use crate::recorder::Recorder;

/// The options handed over for the next `Session`.
struct Pending(RefCell<Option<Reader>>);

// SAFETY: the module runs on one thread (wasm32 without the `atomics` feature); nothing else
// can reach this value.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for Pending {}

static PENDING: Pending = Pending(RefCell::new(None));

/// Hands `value` to the pending reader for the option at `index` (an unknown index is ignored).
fn give(index: u32, value: Value<'_>) {
    let Some(&option) = OptionName::ALL.get(index as usize) else {
        return;
    };
    if let Ok(mut pending) = PENDING.0.try_borrow_mut() {
        pending.get_or_insert_with(Reader::new).give(option, value);
    }
}

/// Hands over a number for the option at `index`.
#[wasm_bindgen(js_name = optionNumber)]
pub fn option_number(index: u32, value: f64) {
    give(index, Value::Number(value));
}

/// Hands over a string for the option at `index`.
#[wasm_bindgen(js_name = optionText)]
pub fn option_text(index: u32, value: &str) {
    give(index, Value::Text(value));
}

/// Hands over a boolean for the option at `index` (or starts its section or list).
#[wasm_bindgen(js_name = optionFlag)]
pub fn option_flag(index: u32, value: bool) {
    give(index, Value::Flag(value));
}

/// The options handed over since the last call (the defaults for none), checked.
pub fn take(recorder: &Recorder) -> Result<Options, JsValue> {
    let reader = PENDING
        .0
        .try_borrow_mut()
        .ok()
        .and_then(|mut pending| pending.take());
    reader
        .unwrap_or_default()
        .finish()
        .map_err(|error| refusal(recorder, &error))
}

/// What the option at `index` must be; with `too_many`, what its list must be.
#[wasm_bindgen(js_name = optionExpected)]
pub fn option_expected(index: u32, too_many: bool) -> String {
    match (too_many, OptionName::ALL.get(index as usize)) {
        (true, Some(OptionName::Protocols)) => TOO_MANY_PROTOCOLS.into(),
        (true, Some(OptionName::FatalCodes)) => TOO_MANY_FATAL_CODES.into(),
        (_, Some(option)) => option.expected().into(),
        (_, None) => String::new(),
    }
}

/// The recorder's `{ option, item, expected }` for `error`.
pub fn refusal(recorder: &Recorder, error: &OptionsError) -> JsValue {
    let item = error.index.map_or(-1, |index| index as i32);
    recorder.option_refused(error.option as u32, item, error.expected)
}
