//! `new WsGuard(url, options)`'s options, from the values `arguments.js` read and type-checked
//! into typed [`Options`]: whole numbers checked here, every other rule by the core's
//! [`Options::validate`]. A refusal is thrown as `[name, index, expected]` (the option's JS
//! name, the list item at fault or -1, what the value must be), which `arguments.js` turns into
//! a `RangeError` that also shows the value.

use alloc::string::String;
use alloc::vec::Vec;

use wasm_bindgen::prelude::*;
use wsguard::core::backoff::Jitter;
use wsguard::core::options::{
    BinaryType, Heartbeat, OptionName, Options, OptionsError, TOO_MANY_FATAL_CODES,
    TOO_MANY_PROTOCOLS,
};
use wsguard::core::text::concat;
use wsguard::core::url::Insecure;

/// The options' JS names, in the order of [`OptionName::ALL`].
const JS_NAMES: [&str; 20] = [
    "minDelayMs",
    "maxDelayMs",
    "factor",
    "jitter",
    "maxRetries",
    "connectTimeoutMs",
    "stableAfterMs",
    "maxBufferedMessages",
    "maxBufferedBytes",
    "heartbeat",
    "heartbeat.intervalMs",
    "heartbeat.message",
    "heartbeat.timeoutMs",
    "reconnectAfterSuspendMs",
    "protocols",
    "binaryType",
    "insecure",
    "probe",
    "fatalCodes",
    "log",
];

fn js_name(option: OptionName) -> &'static str {
    JS_NAMES[option as usize]
}

/// What the option named `name` (JS name) must be; with `too_many`, what its list must be.
#[wasm_bindgen(js_name = optionExpected)]
pub fn option_expected(name: &str, too_many: bool) -> String {
    let Some(option) = JS_NAMES
        .iter()
        .position(|named| *named == name)
        .map(|index| OptionName::ALL[index])
    else {
        return String::new();
    };
    match (too_many, option) {
        (true, OptionName::Protocols) => TOO_MANY_PROTOCOLS.into(),
        (true, OptionName::FatalCodes) => TOO_MANY_FATAL_CODES.into(),
        _ => option.expected().into(),
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = Array, js_name = of)]
    fn array_of(name: &str, index: f64, expected: &str) -> Result<JsValue, JsValue>;
}

/// The refusal thrown to `arguments.js`.
pub fn refusal(option: OptionName, index: Option<usize>, expected: &str) -> JsValue {
    let index = index.map_or(-1.0, |index| index as f64);
    // A `catch` import: a replaced `Array.of` that throws must not unwind through Rust. Then
    // the refusal is thrown as its plain message.
    array_of(js_name(option), index, expected).unwrap_or_else(|_| {
        concat(&["wsguard: option ", js_name(option), " must be ", expected]).into()
    })
}

fn refused(error: &OptionsError) -> JsValue {
    refusal(error.option, error.index, error.expected)
}

/// A whole number from 0 to 2^53 − 1 (the option's own bounds are the core's to check).
fn whole(option: OptionName, value: f64) -> Result<u64, JsValue> {
    if crate::errors::is_whole(value, 9_007_199_254_740_991.0) {
        Ok(value as u64)
    } else {
        Err(refusal(option, None, option.expected()))
    }
}

fn small(option: OptionName, value: f64) -> Result<u32, JsValue> {
    u32::try_from(whole(option, value)?).map_err(|_| refusal(option, None, option.expected()))
}

fn named<T>(option: OptionName, name: &str, parse: fn(&str) -> Option<T>) -> Result<T, JsValue> {
    parse(name).ok_or_else(|| refusal(option, None, option.expected()))
}

/// The options as `arguments.js` gives them: `values` holds, in this order, `minDelayMs`,
/// `maxDelayMs`, `factor`, `jitter`, `maxRetries`, `connectTimeoutMs`, `stableAfterMs`,
/// `maxBufferedMessages`, `maxBufferedBytes`, whether there is a heartbeat, the heartbeat's
/// `intervalMs`, `message` and `timeoutMs`, `reconnectAfterSuspendMs`, `binaryType`,
/// `insecure`, `probe` and `log`, each `undefined` when absent and otherwise already of the
/// right JS type; the two lists come apart (`fatal_codes` `None` when absent). Returns the
/// typed, validated options.
pub fn read(
    values: &[JsValue],
    protocols: Vec<String>,
    fatal_codes: Option<Vec<f64>>,
) -> Result<Options, JsValue> {
    use OptionName as N;
    let number = |index: usize| values.get(index).and_then(JsValue::as_f64);
    let text = |index: usize| values.get(index).and_then(JsValue::as_string);
    let flag = |index: usize| values.get(index).and_then(JsValue::as_bool);
    let millis = |option, index, default| number(index).map_or(Ok(default), |v| whole(option, v));
    let mut options = Options::default();
    options.min_delay_ms = millis(N::MinDelayMs, 0, options.min_delay_ms)?;
    options.max_delay_ms = match number(1) {
        Some(value) => whole(N::MaxDelayMs, value)?,
        // The default ceiling never sits below an explicit minimum.
        None => options.max_delay_ms.max(options.min_delay_ms),
    };
    options.factor = number(2).unwrap_or(options.factor);
    if let Some(jitter) = text(3) {
        options.jitter = named(N::Jitter, &jitter, Jitter::parse)?;
    }
    if let Some(retries) = number(4) {
        options.max_retries = match retries {
            f64::INFINITY => None,
            retries => Some(small(N::MaxRetries, retries)?),
        };
    }
    options.connect_timeout_ms = millis(N::ConnectTimeoutMs, 5, options.connect_timeout_ms)?;
    options.stable_after_ms = millis(N::StableAfterMs, 6, options.stable_after_ms)?;
    if let Some(messages) = number(7) {
        options.max_buffered_messages = small(N::MaxBufferedMessages, messages)?;
    }
    options.max_buffered_bytes = millis(N::MaxBufferedBytes, 8, options.max_buffered_bytes)?;
    if flag(9) == Some(true) {
        let defaults = Heartbeat::default();
        options.heartbeat = Some(Heartbeat {
            interval_ms: millis(N::HeartbeatIntervalMs, 10, defaults.interval_ms)?,
            message: text(11).unwrap_or(defaults.message),
            timeout_ms: millis(N::HeartbeatTimeoutMs, 12, defaults.timeout_ms)?,
        });
    }
    if let Some(limit) = number(13) {
        options.reconnect_after_suspend_ms = match limit {
            f64::INFINITY => None,
            limit => Some(whole(N::ReconnectAfterSuspendMs, limit)?),
        };
    }
    options.protocols = protocols;
    if let Some(binary_type) = text(14) {
        options.binary_type = named(N::BinaryType, &binary_type, BinaryType::parse)?;
    }
    if let Some(insecure) = text(15) {
        options.insecure = named(N::Insecure, &insecure, Insecure::parse)?;
    }
    options.probe = flag(16).unwrap_or(options.probe);
    if let Some(codes) = fatal_codes {
        // Anything but a whole number below 65536 becomes 0, which `validate` refuses.
        let code = |code: &f64| {
            if crate::errors::is_whole(*code, 65535.0) {
                *code as u16
            } else {
                0
            }
        };
        options.fatal_codes = codes.iter().map(code).collect();
    }
    options.log = flag(17).unwrap_or(options.log);
    options.validate().map_err(|error| refused(&error))?;
    options.normalize();
    Ok(options)
}
