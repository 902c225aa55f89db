//! The client's options: read from a JS object with serde, then validated into [`Options`].
//!
//! serde's own type errors do not name the field they are about, so the object is first read
//! into loosely typed values (any number, string, boolean, array, object or `null`), and the
//! validation here then names the option, the value it got and what it allows, and says
//! whether the value had the wrong type ([`ErrorKind::Type`], a JS `TypeError`) or was out of
//! range ([`ErrorKind::Range`], a JS `RangeError`).
//!
//! `null` and `undefined` mean "the default" for every option. Unknown keys are refused.
//!
//! ```
//! use serde::de::value::{Error, MapDeserializer};
//! use wsguard::core::options::{ErrorKind, Options};
//!
//! let entries = vec![("minDelayMs", -5)];
//! let err = Options::from_deserializer(MapDeserializer::<_, Error>::new(entries.into_iter()))
//!     .unwrap_err();
//! assert_eq!(err.kind(), ErrorKind::Range);
//! assert_eq!(err.option(), "minDelayMs");
//! ```

use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use super::backoff::Jitter;
use super::machine::Millis;
use super::url::Insecure;

/// The longest delay or timeout accepted: browsers run `setTimeout` with a 32-bit signed
/// delay, and a longer one fires at once.
pub const MAX_TIMER_MS: Millis = 2_147_483_647;

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: u64 = 9_007_199_254_740_991;

/// The most entries an array or object in the options may have before it is refused
/// unread.
pub const MAX_RAW_ITEMS: usize = 1024;

/// How deeply arrays and objects may nest in the options (the deepest legal one is 2).
pub const MAX_RAW_DEPTH: u8 = 8;

/// The most sub-protocols `protocols` may list.
const MAX_PROTOCOLS: usize = 64;

/// The most close codes `fatalCodes` may list.
const MAX_FATAL_CODES: usize = 256;

/// The close codes after which the client does not reconnect by default: the server said
/// the client itself is at fault, so retrying the same thing would fail the same way.
///
/// - 1002 protocol error, 1003 unsupported data, 1007 invalid payload data,
/// - 1008 policy violation (often: not authorised), 1009 message too big,
/// - 1010 mandatory extension missing.
///
/// ```
/// use wsguard::core::options::DEFAULT_FATAL_CODES;
/// assert!(DEFAULT_FATAL_CODES.contains(&1008));
/// assert!(!DEFAULT_FATAL_CODES.contains(&1006));
/// ```
pub const DEFAULT_FATAL_CODES: [u16; 6] = [1002, 1003, 1007, 1008, 1009, 1010];

/// What `binaryType` the socket uses for binary messages.
///
/// ```
/// use wsguard::core::options::BinaryType;
/// assert_eq!(BinaryType::default(), BinaryType::Blob);
/// assert_eq!(BinaryType::ArrayBuffer.as_str(), "arraybuffer");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BinaryType {
    /// `"blob"`: the browser's own default.
    #[default]
    Blob,
    /// `"arraybuffer"`.
    ArrayBuffer,
}

impl BinaryType {
    /// The name the browser uses for this type.
    ///
    /// ```
    /// use wsguard::core::options::BinaryType;
    /// assert_eq!(BinaryType::Blob.as_str(), "blob");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Blob => "blob",
            Self::ArrayBuffer => "arraybuffer",
        }
    }
}

/// The heartbeat: after `interval_ms` without any inbound message, send `message`; if no
/// inbound message at all arrives within `timeout_ms` after that, the connection is dead.
///
/// ```
/// use wsguard::core::options::Heartbeat;
/// let hb = Heartbeat::default();
/// assert_eq!((hb.interval_ms, hb.timeout_ms, hb.message.as_str()), (30_000, 10_000, "ping"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heartbeat {
    /// Inbound silence, in milliseconds, after which the heartbeat message is sent.
    pub interval_ms: Millis,
    /// The text message sent.
    pub message: String,
    /// How long, in milliseconds, to wait for any inbound message after sending it.
    pub timeout_ms: Millis,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self {
            interval_ms: 30_000,
            message: "ping".to_string(),
            timeout_ms: 10_000,
        }
    }
}

/// The validated options. See `docs/options.md` for every default and why it was chosen.
///
/// Built from JS with [`Options::from_deserializer`]; Rust users may also write the struct
/// directly (`..Options::default()`): the connection machine then clamps what it must (a
/// `max_delay_ms` below `min_delay_ms` acts as the ceiling) and never panics.
///
/// ```
/// use wsguard::core::options::Options;
/// let options = Options { min_delay_ms: 500, ..Options::default() };
/// assert_eq!(options.max_delay_ms, 30_000);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    /// `minDelayMs`: the backoff ceiling of the first retry.
    pub min_delay_ms: Millis,
    /// `maxDelayMs`: no retry ever waits longer.
    pub max_delay_ms: Millis,
    /// `factor`: the ceiling grows by this factor per retry.
    pub factor: f64,
    /// `jitter`: how a delay is drawn below its ceiling.
    pub jitter: Jitter,
    /// `maxRetries`: retries allowed after a loss or failure before giving up; `None` is
    /// unbounded, `Some(0)` never reconnects.
    pub max_retries: Option<u32>,
    /// `connectTimeoutMs`: a socket still connecting after this long is closed and counts as
    /// a failed attempt; `0` leaves it to the browser.
    pub connect_timeout_ms: Millis,
    /// `stableAfterMs`: the backoff resets only once a connection has stayed open this long.
    pub stable_after_ms: Millis,
    /// `maxBufferedMessages`: sends queued while disconnected; `0` disables the queue.
    pub max_buffered_messages: u32,
    /// `maxBufferedBytes`: total bytes queued while disconnected; `0` disables the queue.
    pub max_buffered_bytes: u64,
    /// `heartbeat`: off (`None`) by default.
    pub heartbeat: Option<Heartbeat>,
    /// `protocols`: the sub-protocols offered in the handshake.
    pub protocols: Vec<String>,
    /// `binaryType`.
    pub binary_type: BinaryType,
    /// `insecure`: what to do with `ws://` on an HTTPS page.
    pub insecure: Insecure,
    /// `probe`: whether a failure diagnosis may probe the server over HTTP.
    pub probe: bool,
    /// `fatalCodes`: close codes after which the client does not reconnect, sorted.
    pub fatal_codes: Vec<u16>,
    /// `log`: whether the client warns on the console.
    pub log: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            min_delay_ms: 1000,
            max_delay_ms: 30_000,
            factor: 2.0,
            jitter: Jitter::Full,
            max_retries: None,
            connect_timeout_ms: 10_000,
            stable_after_ms: 5000,
            max_buffered_messages: 1000,
            max_buffered_bytes: 1 << 20,
            heartbeat: None,
            protocols: Vec::new(),
            binary_type: BinaryType::Blob,
            insecure: Insecure::Upgrade,
            probe: true,
            fatal_codes: DEFAULT_FATAL_CODES.to_vec(),
            log: true,
        }
    }
}

impl Options {
    /// Reads and validates options from any serde deserializer: in the browser,
    /// `serde_wasm_bindgen::Deserializer::from(js_value)`. `null` or `undefined` give the
    /// defaults.
    ///
    /// ```
    /// use serde::de::value::{Error, MapDeserializer};
    /// use wsguard::core::options::Options;
    ///
    /// let entries = vec![("maxRetries", 3)];
    /// let options =
    ///     Options::from_deserializer(MapDeserializer::<_, Error>::new(entries.into_iter()))
    ///         .unwrap();
    /// assert_eq!(options.max_retries, Some(3));
    /// ```
    pub fn from_deserializer<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Self, OptionsError> {
        let raw = RawValue::deserialize(deserializer)
            .map_err(|e| OptionsError::unreadable(&e.to_string()))?;
        Self::from_value(raw)
    }

    /// Validates options given as a [`RawValue`] (the browser driver builds one straight
    /// from the JS object). `Null` gives the defaults; anything but an object is a type error.
    ///
    /// ```
    /// use wsguard::core::options::{Options, RawValue};
    /// let raw = RawValue::Object(vec![("maxRetries".into(), RawValue::Number(3.0))]);
    /// assert_eq!(Options::from_value(raw).unwrap().max_retries, Some(3));
    /// assert!(Options::from_value(RawValue::Number(5.0)).is_err());
    /// ```
    pub fn from_value(raw: RawValue) -> Result<Self, OptionsError> {
        match raw {
            RawValue::Null => Ok(Self::default()),
            RawValue::Object(entries) => validate(RawOptions::from_entries(entries)?),
            other => Err(OptionsError::new(
                ErrorKind::Type,
                "options",
                "an options object (or undefined)",
                &describe(&other),
            )),
        }
    }
}

/// Whether an [`OptionsError`] is about the type of a value or about its range.
///
/// ```
/// use wsguard::core::options::ErrorKind;
/// assert_ne!(ErrorKind::Type, ErrorKind::Range);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The value has the wrong type, or the key is unknown: throw a `TypeError`.
    Type,
    /// The value has the right type but is not allowed: throw a `RangeError`.
    Range,
}

/// An option that was refused. `Display` names the option, the value and what is allowed.
///
/// ```
/// use serde::de::value::{Error, MapDeserializer};
/// use wsguard::core::options::{ErrorKind, Options};
///
/// let entries = vec![("jitter", "fast")];
/// let err = Options::from_deserializer(MapDeserializer::<_, Error>::new(entries.into_iter()))
///     .unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Range);
/// assert!(err.to_string().contains("\"full\""));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionsError {
    kind: ErrorKind,
    option: String,
    message: String,
}

impl OptionsError {
    /// Whether the value had the wrong type or was out of range.
    ///
    /// ```
    /// use serde::de::value::{Error, MapDeserializer};
    /// use wsguard::core::options::{ErrorKind, Options};
    ///
    /// let entries = vec![("log", "yes")];
    /// let err = Options::from_deserializer(MapDeserializer::<_, Error>::new(entries.into_iter()))
    ///     .unwrap_err();
    /// assert_eq!(err.kind(), ErrorKind::Type);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The option's name as written in JS (`"heartbeat.intervalMs"` for a nested one), or
    /// `""` when the options as a whole could not be read.
    ///
    /// ```
    /// use serde::de::value::{Error, MapDeserializer};
    /// use wsguard::core::options::Options;
    ///
    /// let entries = vec![("minDelay", 1)];
    /// let err = Options::from_deserializer(MapDeserializer::<_, Error>::new(entries.into_iter()))
    ///     .unwrap_err();
    /// assert_eq!(err.option(), "minDelay");
    /// ```
    pub fn option(&self) -> &str {
        &self.option
    }

    /// The options could not be read at all: not an object, an unknown key, or nesting too
    /// deep. serde names an unknown key as `` unknown field `name` ``.
    fn unreadable(serde_message: &str) -> Self {
        let option = serde_message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split_once('`'))
            .map_or("", |(name, _)| name);
        Self {
            kind: ErrorKind::Type,
            option: option.to_string(),
            message: concat(&["wsguard: invalid options: ", serde_message]),
        }
    }

    /// The error for arrays or objects nested deeper than [`MAX_RAW_DEPTH`], for readers that
    /// build a [`RawValue`] themselves.
    ///
    /// ```
    /// use wsguard::core::options::{ErrorKind, OptionsError};
    /// assert_eq!(OptionsError::too_deep().kind(), ErrorKind::Type);
    /// ```
    pub fn too_deep() -> Self {
        Self {
            kind: ErrorKind::Type,
            option: String::new(),
            message: "wsguard: invalid options: the options nest arrays or objects too deeply"
                .to_string(),
        }
    }

    fn new(kind: ErrorKind, option: &str, expected: &str, got: &str) -> Self {
        // An unknown key can be any string: show at most 40 characters of it.
        const SHOWN_CHARS: usize = 40;
        let mut shown: String = option.chars().take(SHOWN_CHARS).collect();
        if shown.len() < option.len() {
            shown.push('…');
        }
        Self {
            kind,
            option: option.to_string(),
            message: concat(&[
                "wsguard: option \"",
                &shown,
                "\" must be ",
                expected,
                "; got ",
                got,
            ]),
        }
    }

    fn range(option: &str, expected: &str, value: &RawValue) -> Self {
        Self::new(ErrorKind::Range, option, expected, &describe(value))
    }

    fn type_of(option: &str, expected: &str, value: &RawValue) -> Self {
        Self::new(ErrorKind::Type, option, expected, &describe(value))
    }
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OptionsError {}

/// A value as JS gave it, before validation: what [`Options::from_value`] reads.
///
/// ```
/// use wsguard::core::options::RawValue;
/// let value = RawValue::Array(vec![RawValue::String("chat".into())]);
/// assert_ne!(value, RawValue::Null);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// `null` or `undefined`.
    Null,
    /// A boolean.
    Bool(bool),
    /// A number.
    Number(f64),
    /// A string.
    String(String),
    /// An array, with at most [`MAX_RAW_ITEMS`] items.
    Array(Vec<RawValue>),
    /// An object's own entries, at most [`MAX_RAW_ITEMS`] of them.
    Object(Vec<(String, RawValue)>),
    /// An array or object with more than [`MAX_RAW_ITEMS`] entries, left unread.
    TooLarge {
        /// How many entries it had.
        items: usize,
    },
    /// Anything else (a function, a symbol, a bigint…), described by its JS type.
    Other(&'static str),
}

/// Reads one [`RawValue`] at a nesting depth.
#[derive(Clone, Copy)]
struct RawSeed {
    depth: u8,
}

impl<'de> DeserializeSeed<'de> for RawSeed {
    type Value = RawValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawSeed { depth: 0 })
    }
}

impl RawSeed {
    fn inner<E: de::Error>(self) -> Result<Self, E> {
        if self.depth >= MAX_RAW_DEPTH {
            return Err(E::custom(
                "wsguard: the options nest arrays or objects too deeply",
            ));
        }
        Ok(Self {
            depth: self.depth + 1,
        })
    }
}

impl<'de> Visitor<'de> for RawSeed {
    type Value = RawValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number, string, boolean, array, object or null")
    }

    fn visit_bool<E>(self, v: bool) -> Result<RawValue, E> {
        Ok(RawValue::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v as f64))
    }

    fn visit_u64<E>(self, v: u64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<RawValue, E> {
        Ok(RawValue::Number(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<RawValue, E> {
        Ok(RawValue::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<RawValue, E> {
        Ok(RawValue::String(v))
    }

    fn visit_none<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_unit<E>(self) -> Result<RawValue, E> {
        Ok(RawValue::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<RawValue, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
        let inner = self.inner()?;
        let mut items = Vec::new();
        let mut count = 0usize;
        while let Some(item) = seq.next_element_seed(inner)? {
            count += 1;
            if count <= MAX_RAW_ITEMS {
                items.push(item);
            }
        }
        Ok(if count > MAX_RAW_ITEMS {
            RawValue::TooLarge { items: count }
        } else {
            RawValue::Array(items)
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
        let inner = self.inner()?;
        let mut entries = Vec::new();
        let mut count = 0usize;
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(inner)?;
            count += 1;
            if count <= MAX_RAW_ITEMS {
                entries.push((key, value));
            }
        }
        Ok(if count > MAX_RAW_ITEMS {
            RawValue::TooLarge { items: count }
        } else {
            RawValue::Object(entries)
        })
    }
}

/// The options object as JS gave it: every field optional and loosely typed.
#[derive(Default)]
struct RawOptions {
    min_delay_ms: Option<RawValue>,
    max_delay_ms: Option<RawValue>,
    factor: Option<RawValue>,
    jitter: Option<RawValue>,
    max_retries: Option<RawValue>,
    connect_timeout_ms: Option<RawValue>,
    stable_after_ms: Option<RawValue>,
    max_buffered_messages: Option<RawValue>,
    max_buffered_bytes: Option<RawValue>,
    heartbeat: Option<RawValue>,
    protocols: Option<RawValue>,
    binary_type: Option<RawValue>,
    insecure: Option<RawValue>,
    probe: Option<RawValue>,
    fatal_codes: Option<RawValue>,
    log: Option<RawValue>,
}

/// Every option's name, for the error about an unknown key.
const OPTION_NAMES: &str = "minDelayMs, maxDelayMs, factor, jitter, maxRetries, connectTimeoutMs, stableAfterMs, maxBufferedMessages, maxBufferedBytes, heartbeat, protocols, binaryType, insecure, probe, fatalCodes, log";

impl RawOptions {
    /// Sorts an object's entries into the known options; an unknown key is a type error.
    fn from_entries(entries: Vec<(String, RawValue)>) -> Result<Self, OptionsError> {
        let mut raw = Self::default();
        for (key, value) in entries {
            let slot = match key.as_str() {
                "minDelayMs" => &mut raw.min_delay_ms,
                "maxDelayMs" => &mut raw.max_delay_ms,
                "factor" => &mut raw.factor,
                "jitter" => &mut raw.jitter,
                "maxRetries" => &mut raw.max_retries,
                "connectTimeoutMs" => &mut raw.connect_timeout_ms,
                "stableAfterMs" => &mut raw.stable_after_ms,
                "maxBufferedMessages" => &mut raw.max_buffered_messages,
                "maxBufferedBytes" => &mut raw.max_buffered_bytes,
                "heartbeat" => &mut raw.heartbeat,
                "protocols" => &mut raw.protocols,
                "binaryType" => &mut raw.binary_type,
                "insecure" => &mut raw.insecure,
                "probe" => &mut raw.probe,
                "fatalCodes" => &mut raw.fatal_codes,
                "log" => &mut raw.log,
                unknown => {
                    return Err(OptionsError::new(
                        ErrorKind::Type,
                        unknown,
                        &concat(&["absent: the options are ", OPTION_NAMES]),
                        "a value",
                    ))
                }
            };
            *slot = Some(value);
        }
        Ok(raw)
    }
}

/// The value given for an option, or `None` where it is absent, `null` or `undefined`.
fn given(value: &Option<RawValue>) -> Option<&RawValue> {
    value.as_ref().filter(|v| **v != RawValue::Null)
}

fn validate(raw: RawOptions) -> Result<Options, OptionsError> {
    let defaults = Options::default();
    let millis = |name: &str, value: &Option<RawValue>, min: u64, default: Millis| {
        given(value).map_or(Ok(default), |v| integer(name, v, min, MAX_TIMER_MS, "ms"))
    };
    let min_delay_ms = millis("minDelayMs", &raw.min_delay_ms, 0, defaults.min_delay_ms)?;
    let max_delay_ms = match given(&raw.max_delay_ms) {
        // The default ceiling never sits below an explicit minimum.
        None => defaults.max_delay_ms.max(min_delay_ms),
        Some(v) => {
            let max = integer("maxDelayMs", v, 0, MAX_TIMER_MS, "ms")?;
            if max < min_delay_ms {
                let expected = concat(&[
                    "at least minDelayMs (",
                    &min_delay_ms.to_string(),
                    ") and at most ",
                    &MAX_TIMER_MS.to_string(),
                ]);
                return Err(OptionsError::range("maxDelayMs", &expected, v));
            }
            max
        }
    };
    let factor = match given(&raw.factor) {
        None => defaults.factor,
        Some(v) => number("factor", v, 1.0, 1000.0, "a number from 1 to 1000")?,
    };
    let jitter = match given(&raw.jitter) {
        None => defaults.jitter,
        Some(v) => {
            let names = ["full", "equal", "none"];
            let chosen = choice("jitter", v, &names)?;
            Jitter::parse(chosen).unwrap_or_default()
        }
    };
    let max_retries = match given(&raw.max_retries) {
        None => defaults.max_retries,
        Some(RawValue::Number(n)) if *n == f64::INFINITY => None,
        Some(v) => {
            let expected = "an integer from 0 to 4294967295, or Infinity (unbounded)";
            let n = integer_within("maxRetries", v, 0, u32::MAX.into(), expected)?;
            Some(u32::try_from(n).unwrap_or(u32::MAX))
        }
    };
    let connect_timeout_ms = millis(
        "connectTimeoutMs",
        &raw.connect_timeout_ms,
        0,
        defaults.connect_timeout_ms,
    )?;
    let stable_after_ms = millis(
        "stableAfterMs",
        &raw.stable_after_ms,
        0,
        defaults.stable_after_ms,
    )?;
    let max_buffered_messages = match given(&raw.max_buffered_messages) {
        None => defaults.max_buffered_messages,
        Some(v) => {
            let n = integer("maxBufferedMessages", v, 0, u32::MAX.into(), "messages")?;
            u32::try_from(n).unwrap_or(u32::MAX)
        }
    };
    let max_buffered_bytes = match given(&raw.max_buffered_bytes) {
        None => defaults.max_buffered_bytes,
        Some(v) => integer("maxBufferedBytes", v, 0, MAX_SAFE_INTEGER, "bytes")?,
    };
    let heartbeat = match given(&raw.heartbeat) {
        None | Some(RawValue::Bool(false)) => None,
        Some(v) => Some(heartbeat(v)?),
    };
    let protocols = match given(&raw.protocols) {
        None => Vec::new(),
        Some(v) => protocols(v)?,
    };
    let binary_type = match given(&raw.binary_type) {
        None => defaults.binary_type,
        Some(v) => match choice("binaryType", v, &["blob", "arraybuffer"])? {
            "arraybuffer" => BinaryType::ArrayBuffer,
            _ => BinaryType::Blob,
        },
    };
    let insecure = match given(&raw.insecure) {
        None => defaults.insecure,
        Some(v) => {
            let chosen = choice("insecure", v, &["upgrade", "error", "allow"])?;
            Insecure::parse(chosen).unwrap_or_default()
        }
    };
    let probe = given(&raw.probe).map_or(Ok(defaults.probe), |v| boolean("probe", v))?;
    let fatal_codes = match given(&raw.fatal_codes) {
        None => defaults.fatal_codes,
        Some(v) => fatal_codes(v)?,
    };
    let log = given(&raw.log).map_or(Ok(defaults.log), |v| boolean("log", v))?;
    Ok(Options {
        min_delay_ms,
        max_delay_ms,
        factor,
        jitter,
        max_retries,
        connect_timeout_ms,
        stable_after_ms,
        max_buffered_messages,
        max_buffered_bytes,
        heartbeat,
        protocols,
        binary_type,
        insecure,
        probe,
        fatal_codes,
        log,
    })
}

fn heartbeat(value: &RawValue) -> Result<Heartbeat, OptionsError> {
    const EXPECTED: &str = "an object { intervalMs, message, timeoutMs }, or false";
    let RawValue::Object(entries) = value else {
        return Err(OptionsError::type_of("heartbeat", EXPECTED, value));
    };
    let mut heartbeat = Heartbeat::default();
    for (key, value) in entries {
        if *value == RawValue::Null {
            continue;
        }
        match key.as_str() {
            "intervalMs" => {
                heartbeat.interval_ms =
                    integer("heartbeat.intervalMs", value, 1, MAX_TIMER_MS, "ms")?;
            }
            "timeoutMs" => {
                heartbeat.timeout_ms =
                    integer("heartbeat.timeoutMs", value, 1, MAX_TIMER_MS, "ms")?;
            }
            "message" => match value {
                RawValue::String(text) => heartbeat.message.clone_from(text),
                other => {
                    return Err(OptionsError::type_of(
                        "heartbeat.message",
                        "a string",
                        other,
                    ))
                }
            },
            unknown => {
                let name = concat(&["heartbeat.", unknown]);
                return Err(OptionsError::new(
                    ErrorKind::Type,
                    &name,
                    "absent: heartbeat takes only intervalMs, message and timeoutMs",
                    "a value",
                ));
            }
        }
    }
    Ok(heartbeat)
}

fn protocols(value: &RawValue) -> Result<Vec<String>, OptionsError> {
    const EXPECTED: &str = "a sub-protocol name or an array of them";
    let items: &[RawValue] = match value {
        RawValue::String(_) => core::slice::from_ref(value),
        RawValue::Array(items) => items,
        RawValue::TooLarge { .. } => {
            let expected = concat(&["at most ", &MAX_PROTOCOLS.to_string(), " sub-protocols"]);
            return Err(OptionsError::range("protocols", &expected, value));
        }
        other => return Err(OptionsError::type_of("protocols", EXPECTED, other)),
    };
    if items.len() > MAX_PROTOCOLS {
        let expected = concat(&["at most ", &MAX_PROTOCOLS.to_string(), " sub-protocols"]);
        return Err(OptionsError::range("protocols", &expected, value));
    }
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        let RawValue::String(name) = item else {
            return Err(OptionsError::type_of(
                "protocols",
                "an array of strings",
                item,
            ));
        };
        if !is_token(name) {
            return Err(OptionsError::range(
                "protocols",
                "HTTP tokens: non-empty, printable ASCII, without spaces or ()<>@,;:\\\"/[]?={}",
                item,
            ));
        }
        if names.contains(name) {
            return Err(OptionsError::range(
                "protocols",
                "distinct sub-protocol names",
                item,
            ));
        }
        names.push(name.clone());
    }
    Ok(names)
}

/// RFC 7230 `token`: what the browser accepts as a sub-protocol name.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn fatal_codes(value: &RawValue) -> Result<Vec<u16>, OptionsError> {
    const EXPECTED_TYPE: &str = "an array of close codes (integers from 1000 to 4999)";
    let items = match value {
        RawValue::Array(items) if items.len() <= MAX_FATAL_CODES => items,
        RawValue::Array(_) | RawValue::TooLarge { .. } => {
            let expected = concat(&["at most ", &MAX_FATAL_CODES.to_string(), " close codes"]);
            return Err(OptionsError::range("fatalCodes", &expected, value));
        }
        other => return Err(OptionsError::type_of("fatalCodes", EXPECTED_TYPE, other)),
    };
    let mut codes = Vec::with_capacity(items.len());
    for item in items {
        let code = integer_within(
            "fatalCodes",
            item,
            1000,
            4999,
            "close codes: integers from 1000 to 4999",
        )?;
        codes.push(u16::try_from(code).unwrap_or(u16::MAX));
    }
    codes.sort_unstable();
    codes.dedup();
    Ok(codes)
}

fn boolean(name: &str, value: &RawValue) -> Result<bool, OptionsError> {
    match value {
        RawValue::Bool(b) => Ok(*b),
        other => Err(OptionsError::type_of(name, "true or false", other)),
    }
}

/// One of `names`, as the string given.
fn choice<'n>(name: &str, value: &RawValue, names: &[&'n str]) -> Result<&'n str, OptionsError> {
    let mut expected = String::from("one of ");
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            expected.push_str(", ");
        }
        expected.push('"');
        expected.push_str(n);
        expected.push('"');
    }
    match value {
        RawValue::String(s) => names
            .iter()
            .find(|n| **n == s.as_str())
            .copied()
            .ok_or_else(|| OptionsError::range(name, &expected, value)),
        other => Err(OptionsError::type_of(name, &expected, other)),
    }
}

/// An integer from `min` to `max`, described as "an integer number of `unit` from … to …".
fn integer(
    name: &str,
    value: &RawValue,
    min: u64,
    max: u64,
    unit: &str,
) -> Result<u64, OptionsError> {
    let expected = concat(&[
        "an integer number of ",
        unit,
        " from ",
        &min.to_string(),
        " to ",
        &max.to_string(),
    ]);
    integer_within(name, value, min, max, &expected)
}

fn integer_within(
    name: &str,
    value: &RawValue,
    min: u64,
    max: u64,
    expected: &str,
) -> Result<u64, OptionsError> {
    let RawValue::Number(n) = value else {
        return Err(OptionsError::type_of(name, expected, value));
    };
    // `min` and `max` are at most 2^53, so they convert to f64 exactly.
    if n.fract() != 0.0 || !(*n >= min as f64 && *n <= max as f64) {
        return Err(OptionsError::range(name, expected, value));
    }
    Ok(*n as u64)
}

fn number(
    name: &str,
    value: &RawValue,
    min: f64,
    max: f64,
    expected: &str,
) -> Result<f64, OptionsError> {
    match value {
        RawValue::Number(n) if *n >= min && *n <= max => Ok(*n),
        RawValue::Number(_) => Err(OptionsError::range(name, expected, value)),
        other => Err(OptionsError::type_of(name, expected, other)),
    }
}

/// A short description of a rejected value, safe to show: the value itself for booleans,
/// numbers and (the start of) strings, the kind of value otherwise.
///
/// ```
/// use wsguard::core::options::{describe, RawValue};
/// assert_eq!(describe(&RawValue::Number(-1.0)), "-1");
/// assert_eq!(describe(&RawValue::String("x".into())), "the string \"x\"");
/// ```
pub fn describe(value: &RawValue) -> String {
    match value {
        RawValue::Null => "null".to_string(),
        RawValue::Bool(true) => "true".to_string(),
        RawValue::Bool(false) => "false".to_string(),
        RawValue::Number(n) => format_number(*n),
        RawValue::String(s) => {
            const SHOWN_CHARS: usize = 40;
            let mut shown: String = s.chars().take(SHOWN_CHARS).collect();
            if shown.len() < s.len() {
                shown.push('…');
            }
            concat(&["the string \"", &shown, "\""])
        }
        RawValue::Array(items) => concat(&["an array of ", &items.len().to_string(), " items"]),
        RawValue::Object(_) => "an object".to_string(),
        RawValue::TooLarge { items } => {
            concat(&["an array or object of ", &items.to_string(), " items"])
        }
        RawValue::Other(js_type) => concat(&["a ", js_type]),
    }
}

/// Formats a number without the float formatting machinery: integers exactly, other values
/// to six decimals.
fn format_number(n: f64) -> String {
    if n.is_nan() {
        return "NaN".to_string();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let magnitude = n.abs();
    if magnitude > MAX_SAFE_INTEGER as f64 {
        return concat(&[sign, "a number beyond 9007199254740991"]);
    }
    let whole = magnitude.trunc();
    let mut text = concat(&[sign, &(whole as u64).to_string()]);
    let fraction = magnitude - whole;
    if fraction > 0.0 {
        const DECIMALS: usize = 6;
        let rounded = (fraction * 1e6).round() as u64;
        // Keep a visible fraction: 2.9999999 shows as 2.999999…, not as 2.
        let millionths = rounded.clamp(1, 999_999);
        let digits = millionths.to_string();
        text.push('.');
        for _ in digits.len()..DECIMALS {
            text.push('0');
        }
        text.push_str(digits.trim_end_matches('0'));
        if millionths != rounded {
            text.push('…');
        }
    }
    text
}

fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}
