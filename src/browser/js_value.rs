//! Reads JS values into the core's [`RawValue`], without serde: options objects, the input of
//! `classifyClose`, and other small argument objects. Arrays and objects are read to a bounded
//! depth and length, so a hostile argument cannot make the reader run long or deep.
//!
//! ```no_run
//! use wsguard::browser::js_value::to_raw;
//! use wsguard::core::options::RawValue;
//! let raw = to_raw(&wasm_bindgen::JsValue::from_f64(5.0)).unwrap();
//! assert_eq!(raw, RawValue::Number(5.0));
//! ```

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::core::options::{OptionsError, RawValue, MAX_RAW_DEPTH, MAX_RAW_ITEMS};

/// Why a JS value could not be read.
///
/// ```no_run
/// use wsguard::browser::js_value::{to_raw, ReadError};
/// if let Err(ReadError::Thrown(error)) = to_raw(&js_sys::Object::new().into()) {
///     web_sys::console::log_1(&error);
/// }
/// ```
#[derive(Debug)]
pub enum ReadError {
    /// Arrays or objects nested too deeply.
    Invalid(OptionsError),
    /// A getter threw this: rethrow it as it is.
    Thrown(JsValue),
}

/// Reads `value`: `null`/`undefined`, booleans, numbers, strings, arrays and plain objects
/// (their own enumerable string keys); anything else becomes [`RawValue::Other`].
///
/// ```no_run
/// use wsguard::browser::js_value::to_raw;
/// assert!(to_raw(&js_sys::Object::new().into()).is_ok());
/// ```
pub fn to_raw(value: &JsValue) -> Result<RawValue, ReadError> {
    read(value, 0)
}

/// Reads the properties `keys` of `value` (own or inherited, getters included: a
/// `CloseEvent` works) into a [`RawValue::Object`]; `null`/`undefined` give `Null`.
///
/// ```no_run
/// use wsguard::browser::js_value::named;
/// let raw = named(&js_sys::Object::new().into(), &["code"]).unwrap();
/// ```
pub fn named(value: &JsValue, keys: &[&str]) -> Result<RawValue, ReadError> {
    if value.is_null() || value.is_undefined() {
        return Ok(RawValue::Null);
    }
    if !value.is_object() {
        return read(value, 0);
    }
    let mut entries = Vec::with_capacity(keys.len());
    for key in keys {
        let property = Reflect::get(value, &JsValue::from_str(key)).map_err(ReadError::Thrown)?;
        entries.push(((*key).to_string(), read(&property, 1)?));
    }
    Ok(RawValue::Object(entries))
}

fn read(value: &JsValue, depth: u8) -> Result<RawValue, ReadError> {
    if value.is_null() || value.is_undefined() {
        return Ok(RawValue::Null);
    }
    if let Some(flag) = value.as_bool() {
        return Ok(RawValue::Bool(flag));
    }
    if let Some(number) = value.as_f64() {
        return Ok(RawValue::Number(number));
    }
    if let Some(text) = value.as_string() {
        return Ok(RawValue::String(text));
    }
    if !value.is_object() {
        return Ok(RawValue::Other(if value.is_function() {
            "function"
        } else if value.is_symbol() {
            "symbol"
        } else if value.is_bigint() {
            "bigint"
        } else {
            "value of another type"
        }));
    }
    if depth >= MAX_RAW_DEPTH {
        return Err(ReadError::Invalid(OptionsError::too_deep()));
    }
    if let Some(array) = value.dyn_ref::<Array>() {
        let length = array.length() as usize;
        if length > MAX_RAW_ITEMS {
            return Ok(RawValue::TooLarge { items: length });
        }
        let mut items = Vec::with_capacity(length);
        for item in array.iter() {
            items.push(read(&item, depth + 1)?);
        }
        return Ok(RawValue::Array(items));
    }
    let keys = Object::keys(value.unchecked_ref::<Object>());
    let length = keys.length() as usize;
    if length > MAX_RAW_ITEMS {
        return Ok(RawValue::TooLarge { items: length });
    }
    let mut entries = Vec::with_capacity(length);
    for key in keys.iter() {
        let property = Reflect::get(value, &key).map_err(ReadError::Thrown)?;
        entries.push((
            key.as_string().unwrap_or_default(),
            read(&property, depth + 1)?,
        ));
    }
    Ok(RawValue::Object(entries))
}
