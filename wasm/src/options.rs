//! `new WsGuard(url, options)`'s options: read from the JS object into typed [`Options`], with
//! the JS names. Only own string keys count (inherited ones and `Object.prototype` pollution
//! never do), getters and Proxy traps run once per key, and what they throw propagates as it is.
//! A value of the wrong JS type is a `TypeError`; a value out of range, as the core's
//! [`Options::validate`] decides, a `RangeError`. Both name the option and show the value.

use alloc::string::String;
use alloc::vec::Vec;

use js_sys::{Array, Reflect};
use wasm_bindgen::JsValue;
use wsguard::core::backoff::Jitter;
use wsguard::core::options::{
    BinaryType, Heartbeat, OptionName, Options, OptionsError, MAX_FATAL_CODES, MAX_PROTOCOLS,
};
use wsguard::core::url::Insecure;

use crate::errors::{describe, is_options_object, range_error, show, type_error};

/// The options by their JS names.
const OPTIONS: [(&str, OptionName); 16] = [
    ("minDelayMs", OptionName::MinDelayMs),
    ("maxDelayMs", OptionName::MaxDelayMs),
    ("factor", OptionName::Factor),
    ("jitter", OptionName::Jitter),
    ("maxRetries", OptionName::MaxRetries),
    ("connectTimeoutMs", OptionName::ConnectTimeoutMs),
    ("stableAfterMs", OptionName::StableAfterMs),
    ("maxBufferedMessages", OptionName::MaxBufferedMessages),
    ("maxBufferedBytes", OptionName::MaxBufferedBytes),
    ("heartbeat", OptionName::Heartbeat),
    ("protocols", OptionName::Protocols),
    ("binaryType", OptionName::BinaryType),
    ("insecure", OptionName::Insecure),
    ("probe", OptionName::Probe),
    ("fatalCodes", OptionName::FatalCodes),
    ("log", OptionName::Log),
];

/// The heartbeat's settings by their JS names.
const HEARTBEAT: [(&str, OptionName); 3] = [
    ("intervalMs", OptionName::HeartbeatIntervalMs),
    ("message", OptionName::HeartbeatMessage),
    ("timeoutMs", OptionName::HeartbeatTimeoutMs),
];

/// The JS name of an option (`"heartbeat.intervalMs"` for a heartbeat setting).
pub fn js_name(option: OptionName) -> &'static str {
    match option {
        OptionName::HeartbeatIntervalMs => "heartbeat.intervalMs",
        OptionName::HeartbeatMessage => "heartbeat.message",
        OptionName::HeartbeatTimeoutMs => "heartbeat.timeoutMs",
        other => OPTIONS
            .iter()
            .find(|(_, name)| *name == other)
            .map_or("", |(js, _)| js),
    }
}

/// `wsguard: option "<name>" must be <expected>; got <value>`.
fn message(option: OptionName, expected: &str, got: &str) -> String {
    [
        "wsguard: option \"",
        js_name(option),
        "\" must be ",
        expected,
        "; got ",
        got,
    ]
    .concat()
}

fn wrong_type(option: OptionName, value: &JsValue) -> JsValue {
    type_error(&message(option, option.expected(), &describe(value)))
}

fn out_of_range(option: OptionName, value: &JsValue) -> JsValue {
    range_error(&message(option, option.expected(), &show(value)))
}

/// The values as given, kept to show the one the core refuses.
struct Given {
    values: Vec<(OptionName, JsValue)>,
}

impl Given {
    fn value(&self, error: &OptionsError) -> JsValue {
        // A heartbeat setting is a field of the `heartbeat` object given.
        let (given, field) = match HEARTBEAT.iter().find(|(_, option)| *option == error.option) {
            Some((field, _)) => (OptionName::Heartbeat, Some(*field)),
            None => (error.option, None),
        };
        let mut value = self
            .values
            .iter()
            .find(|(option, _)| *option == given)
            .map(|(_, value)| value.clone())
            .unwrap_or(JsValue::UNDEFINED);
        if let Some(field) = field {
            value = Reflect::get(&value, &JsValue::from_str(field)).unwrap_or(JsValue::UNDEFINED);
        }
        match error.index {
            Some(index) if Array::is_array(&value) => {
                Reflect::get_u32(&value, index as u32).unwrap_or(value)
            }
            _ => value,
        }
    }
}

/// Reads the options object (`undefined` and `null` give the defaults).
pub fn read_options(value: &JsValue) -> Result<Options, JsValue> {
    let mut options = Options::default();
    if value.is_undefined() || value.is_null() {
        return Ok(options);
    }
    if !is_options_object(value) {
        return Err(type_error(
            &[
                "wsguard: options must be an object such as { maxRetries: 5 }; got ",
                &describe(value),
            ]
            .concat(),
        ));
    }
    let mut given = Given { values: Vec::new() };
    for (key, option) in own_keys(value, &OPTIONS, "")? {
        let raw = Reflect::get(value, &JsValue::from_str(&key))?;
        if raw.is_undefined() || raw.is_null() {
            continue;
        }
        apply(&mut options, option, &raw)?;
        given.values.push((option, raw));
    }
    if !given
        .values
        .iter()
        .any(|(option, _)| *option == OptionName::MaxDelayMs)
    {
        // The default ceiling never sits below an explicit minimum.
        options.max_delay_ms = options.max_delay_ms.max(options.min_delay_ms);
    }
    options.normalize();
    options.validate().map_err(|error| {
        let shown = show(&given.value(&error));
        range_error(&message(error.option, error.expected, &shown))
    })?;
    Ok(options)
}

/// The own string keys of `object`, each matched to a known option; an unknown one is a
/// `TypeError` naming it.
fn own_keys(
    object: &JsValue,
    known: &[(&'static str, OptionName)],
    prefix: &str,
) -> Result<Vec<(String, OptionName)>, JsValue> {
    let keys = Reflect::own_keys(object)?;
    let mut found = Vec::new();
    for key in keys.iter() {
        let Some(key) = key.as_string() else { continue };
        match known.iter().find(|(name, _)| *name == key) {
            Some((_, option)) => found.push((key, *option)),
            None => {
                let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
                return Err(type_error(
                    &[
                        "wsguard: unknown option ",
                        &crate::errors::show(&JsValue::from_str(&[prefix, &key].concat())),
                        "; the options are ",
                        &names.join(", "),
                    ]
                    .concat(),
                ));
            }
        }
    }
    Ok(found)
}

/// Sets one option from its JS value.
fn apply(options: &mut Options, option: OptionName, raw: &JsValue) -> Result<(), JsValue> {
    match option {
        OptionName::MinDelayMs => options.min_delay_ms = integer(option, raw)?,
        OptionName::MaxDelayMs => options.max_delay_ms = integer(option, raw)?,
        OptionName::ConnectTimeoutMs => options.connect_timeout_ms = integer(option, raw)?,
        OptionName::StableAfterMs => options.stable_after_ms = integer(option, raw)?,
        OptionName::MaxBufferedBytes => options.max_buffered_bytes = integer(option, raw)?,
        OptionName::MaxBufferedMessages => {
            options.max_buffered_messages =
                u32::try_from(integer(option, raw)?).map_err(|_| out_of_range(option, raw))?;
        }
        OptionName::MaxRetries => {
            options.max_retries = match raw.as_f64() {
                Some(f64::INFINITY) => None,
                _ => Some(
                    u32::try_from(integer(option, raw)?).map_err(|_| out_of_range(option, raw))?,
                ),
            };
        }
        OptionName::Factor => {
            options.factor = raw.as_f64().ok_or_else(|| wrong_type(option, raw))?
        }
        OptionName::Jitter => options.jitter = choice(option, raw, Jitter::parse)?,
        OptionName::BinaryType => options.binary_type = choice(option, raw, BinaryType::parse)?,
        OptionName::Insecure => options.insecure = choice(option, raw, Insecure::parse)?,
        OptionName::Probe => {
            options.probe = raw.as_bool().ok_or_else(|| wrong_type(option, raw))?
        }
        OptionName::Log => options.log = raw.as_bool().ok_or_else(|| wrong_type(option, raw))?,
        OptionName::Heartbeat => options.heartbeat = heartbeat(raw)?,
        OptionName::Protocols => options.protocols = protocols(raw)?,
        OptionName::FatalCodes => options.fatal_codes = fatal_codes(raw)?,
        // Heartbeat settings are read by `heartbeat`.
        OptionName::HeartbeatIntervalMs
        | OptionName::HeartbeatMessage
        | OptionName::HeartbeatTimeoutMs => {}
    }
    Ok(())
}

/// A whole number from 0 to 2^53 − 1: a `TypeError` for a non-number, a `RangeError` for a
/// fraction, a negative number, NaN or an infinity. The core checks the option's own bounds.
fn integer(option: OptionName, raw: &JsValue) -> Result<u64, JsValue> {
    let number = raw.as_f64().ok_or_else(|| wrong_type(option, raw))?;
    if crate::errors::is_whole(number, 9_007_199_254_740_991.0) {
        Ok(number as u64)
    } else {
        Err(out_of_range(option, raw))
    }
}

/// One of an option's names (`"full"`, `"arraybuffer"`, …).
fn choice<T>(
    option: OptionName,
    raw: &JsValue,
    parse: fn(&str) -> Option<T>,
) -> Result<T, JsValue> {
    let name = raw.as_string().ok_or_else(|| wrong_type(option, raw))?;
    parse(&name).ok_or_else(|| out_of_range(option, raw))
}

/// `heartbeat`: `false` (off) or an object of settings, each optional.
fn heartbeat(raw: &JsValue) -> Result<Option<Heartbeat>, JsValue> {
    if raw.as_bool() == Some(false) {
        return Ok(None);
    }
    if !is_options_object(raw) {
        return Err(wrong_type(OptionName::Heartbeat, raw));
    }
    let mut heartbeat = Heartbeat::default();
    for (key, option) in own_keys(raw, &HEARTBEAT, "heartbeat.")? {
        let value = Reflect::get(raw, &JsValue::from_str(&key))?;
        if value.is_undefined() || value.is_null() {
            continue;
        }
        match option {
            OptionName::HeartbeatIntervalMs => heartbeat.interval_ms = integer(option, &value)?,
            OptionName::HeartbeatTimeoutMs => heartbeat.timeout_ms = integer(option, &value)?,
            _ => {
                heartbeat.message = value
                    .as_string()
                    .ok_or_else(|| wrong_type(option, &value))?
            }
        }
    }
    Ok(Some(heartbeat))
}

/// The items of a list option, refusing a list longer than `max` before reading any item.
fn items(
    option: OptionName,
    raw: &JsValue,
    max: usize,
    too_many: &str,
) -> Result<Vec<JsValue>, JsValue> {
    if !Array::is_array(raw) {
        return Err(wrong_type(option, raw));
    }
    let length = Reflect::get(raw, &JsValue::from_str("length"))?
        .as_f64()
        .unwrap_or(0.0);
    if length > max as f64 {
        let got = [&crate::errors::number_text(length), " items"].concat();
        return Err(range_error(&message(option, too_many, &got)));
    }
    (0..length as u32)
        .map(|index| Reflect::get_u32(raw, index))
        .collect()
}

/// `protocols`: a name or an array of names.
fn protocols(raw: &JsValue) -> Result<Vec<String>, JsValue> {
    let option = OptionName::Protocols;
    if let Some(name) = raw.as_string() {
        return Ok(alloc::vec![name]);
    }
    let list = items(
        option,
        raw,
        MAX_PROTOCOLS,
        wsguard::core::options::TOO_MANY_PROTOCOLS,
    )?;
    list.iter()
        .map(|item| item.as_string().ok_or_else(|| wrong_type(option, item)))
        .collect()
}

/// `fatalCodes`: an array of close codes.
fn fatal_codes(raw: &JsValue) -> Result<Vec<u16>, JsValue> {
    let option = OptionName::FatalCodes;
    let list = items(
        option,
        raw,
        MAX_FATAL_CODES,
        wsguard::core::options::TOO_MANY_FATAL_CODES,
    )?;
    list.iter()
        .map(|item| {
            let code = integer(option, item)?;
            u16::try_from(code).map_err(|_| out_of_range(option, item))
        })
        .collect()
}
