//! Classification for pages that keep their own `WebSocket`: what such a page can observe,
//! read from a JS object.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{classify, is_wss, Diagnosis, Facts, Probe};
use crate::core::machine::{CloseCause, CloseInfo, Millis};
use crate::core::options::RawValue;

/// What a page can observe about a close on its own socket: the input of a later JS
/// `classifyClose(...)`.
///
/// Read with serde from an object with camelCase keys; every key is optional, and
/// `null`/`undefined` mean the default. Durations accept fractional numbers (differences
/// of `performance.now()`). A `CloseEvent`'s own `code`, `reason` and `wasClean` fit as
/// they are.
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind};
/// let input: ClassifyInput = serde_json::from_str(
///     r#"{"code": 1006, "url": "wss://api.example/ws", "probe": "tls-ok", "errored": true}"#,
/// ).unwrap();
/// assert_eq!(classify_close(&input).kind, Kind::HandshakeRejected);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClassifyInput {
    /// `CloseEvent.code` (default 1006).
    #[serde(deserialize_with = "code")]
    pub code: u16,
    /// `CloseEvent.reason` (default empty).
    #[serde(deserialize_with = "nullable")]
    pub reason: String,
    /// `CloseEvent.wasClean` (default false).
    #[serde(deserialize_with = "nullable")]
    pub was_clean: bool,
    /// Whether the socket had fired `open` (default false).
    #[serde(deserialize_with = "nullable")]
    pub was_open: bool,
    /// How long it was open, in ms (default 0).
    #[serde(deserialize_with = "millis")]
    pub open_for_ms: Millis,
    /// How long since its last inbound message (or its `open`), in ms (default 0).
    #[serde(deserialize_with = "millis")]
    pub idle_for_ms: Millis,
    /// How long since `new WebSocket(...)`, in ms (default 0): a never-opened socket that
    /// lasted the browser's own handshake limit timed out.
    #[serde(deserialize_with = "millis")]
    pub lifetime_ms: Millis,
    /// The socket's URL (`WebSocket.url`); redacted in the diagnosis.
    #[serde(deserialize_with = "nullable")]
    pub url: String,
    /// Whether the page was loaded over HTTPS (default false).
    #[serde(deserialize_with = "nullable")]
    pub page_secure: bool,
    /// `navigator.onLine` (default true).
    #[serde(deserialize_with = "nullable_online")]
    pub online: bool,
    /// Whether an `error` event came before the close (default false).
    #[serde(deserialize_with = "nullable")]
    pub errored: bool,
    /// The TLS probe's result: `"tls-ok"`, `"tls-failed"` or `"skipped"` (default).
    #[serde(deserialize_with = "nullable")]
    pub probe: Probe,
    /// Whether the page itself called `close()` (default false).
    #[serde(deserialize_with = "nullable")]
    pub closed_by_app: bool,
    /// Whether `new WebSocket(...)` threw a mixed-content `SecurityError` (default false).
    #[serde(deserialize_with = "nullable")]
    pub mixed_content: bool,
    /// Whether the page runs a heartbeat on the socket (default false).
    #[serde(deserialize_with = "nullable")]
    pub heartbeat: bool,
    /// The previous drop's `idleForMs`, for the repeated-idle rule (default none).
    #[serde(deserialize_with = "optional_millis")]
    pub previous_idle_ms: Option<Millis>,
    /// The attempt number (default 0).
    #[serde(deserialize_with = "nullable")]
    pub attempt: u32,
}

impl Default for ClassifyInput {
    fn default() -> Self {
        Self {
            code: 1006,
            reason: String::new(),
            was_clean: false,
            was_open: false,
            open_for_ms: 0,
            idle_for_ms: 0,
            lifetime_ms: 0,
            url: String::new(),
            page_secure: false,
            online: true,
            errored: false,
            probe: Probe::Skipped,
            closed_by_app: false,
            mixed_content: false,
            heartbeat: false,
            previous_idle_ms: None,
            attempt: 0,
        }
    }
}

impl ClassifyInput {
    /// `open_for_ms`, which only means something for a socket that opened.
    fn open_for_ms(&self) -> Millis {
        if self.was_open {
            self.open_for_ms
        } else {
            0
        }
    }

    /// The close as the machine would have reported it (nobody retries it).
    fn close_info(&self) -> CloseInfo {
        CloseInfo {
            socket: None,
            code: self.code,
            reason: self.reason.clone(),
            was_clean: self.was_clean,
            cause: if self.closed_by_app {
                CloseCause::UserClose
            } else {
                CloseCause::Socket
            },
            was_open: self.was_open,
            open_for_ms: self.open_for_ms(),
            idle_for_ms: if self.was_open { self.idle_for_ms } else { 0 },
            lifetime_ms: self.lifetime_ms.max(self.open_for_ms()),
            attempt: self.attempt,
            will_retry: false,
            retry_in_ms: None,
            offline: !self.online,
            errored: self.errored,
        }
    }
}

/// Classifies a close observed on a page's own socket.
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind};
/// let input = ClassifyInput {
///     url: "wss://api.example/ws".into(),
///     was_open: true,
///     idle_for_ms: 60_200,
///     ..ClassifyInput::default()
/// };
/// assert_eq!(classify_close(&input).kind, Kind::IdleTimeout);
/// ```
pub fn classify_close(input: &ClassifyInput) -> Diagnosis {
    let close = input.close_info();
    let facts = Facts {
        close: &close,
        url: &input.url,
        wss: is_wss(&input.url),
        page_secure: input.page_secure,
        mixed_content: input.mixed_content,
        online: input.online,
        probe: input.probe,
        heartbeat: input.heartbeat,
        previous_idle_ms: input.previous_idle_ms,
        open_error: None,
    };
    classify(&facts)
}

/// A value where `null` and `undefined` mean the type's default.
fn nullable<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

/// `navigator.onLine`: `null` and `undefined` mean online.
fn nullable_online<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Option::<bool>::deserialize(deserializer).map(|online| online.unwrap_or(true))
}

/// A close code: `null` and `undefined` mean 1006.
fn code<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u16, D::Error> {
    Option::<u16>::deserialize(deserializer).map(|code| code.unwrap_or(1006))
}

fn millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Millis, D::Error> {
    optional_millis(deserializer).map(Option::unwrap_or_default)
}

/// A duration in ms from any JS number: rounded, negative and NaN as 0; `null` and
/// `undefined` as none.
fn optional_millis<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Millis>, D::Error> {
    deserializer.deserialize_any(MillisVisitor)
}

struct MillisVisitor;

impl<'de> Visitor<'de> for MillisVisitor {
    type Value = Option<Millis>;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("a duration in milliseconds")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(u64::try_from(v).unwrap_or(0)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // `as` saturates: NaN and negatives become 0, huge values u64::MAX.
        Ok(Some(v.round() as u64))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl ClassifyInput {
    /// The keys [`ClassifyInput::from_value`] reads, as JS names them.
    ///
    /// ```
    /// use wsguard::core::diagnosis::ClassifyInput;
    /// assert!(ClassifyInput::KEYS.contains(&"wasClean"));
    /// ```
    pub const KEYS: [&'static str; 17] = [
        "code",
        "reason",
        "wasClean",
        "wasOpen",
        "openForMs",
        "idleForMs",
        "lifetimeMs",
        "url",
        "pageSecure",
        "online",
        "errored",
        "probe",
        "closedByApp",
        "mixedContent",
        "heartbeat",
        "previousIdleMs",
        "attempt",
    ];

    /// Reads the input from an object's entries (the browser driver reads [`Self::KEYS`] off
    /// the JS object, so a `CloseEvent`'s own getters count). `Null` entries and unknown keys
    /// are ignored; a value of the wrong type is an error naming the key.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind};
    /// use wsguard::core::options::RawValue;
    /// let raw = RawValue::Object(vec![
    ///     ("code".into(), RawValue::Number(1008.0)),
    ///     ("wasClean".into(), RawValue::Bool(true)),
    ///     ("wasOpen".into(), RawValue::Bool(true)),
    /// ]);
    /// let input = ClassifyInput::from_value(&raw).unwrap();
    /// assert_eq!(classify_close(&input).kind, Kind::ServerClosed);
    /// ```
    pub fn from_value(value: &RawValue) -> Result<Self, String> {
        let mut input = Self::default();
        let entries =
            match value {
                RawValue::Null => return Ok(input),
                RawValue::Object(entries) => entries,
                _ => return Err(
                    "wsguard: classifyClose() takes an object (for example a CloseEvent's fields)"
                        .into(),
                ),
            };
        for (key, value) in entries {
            if *value == RawValue::Null {
                continue;
            }
            match key.as_str() {
                "code" => input.code = whole(key, value, u16::MAX.into())? as u16,
                "attempt" => input.attempt = whole(key, value, u32::MAX.into())? as u32,
                "reason" => input.reason = text(key, value)?,
                "url" => input.url = text(key, value)?,
                "wasClean" => input.was_clean = flag(key, value)?,
                "wasOpen" => input.was_open = flag(key, value)?,
                "pageSecure" => input.page_secure = flag(key, value)?,
                "online" => input.online = flag(key, value)?,
                "errored" => input.errored = flag(key, value)?,
                "closedByApp" => input.closed_by_app = flag(key, value)?,
                "mixedContent" => input.mixed_content = flag(key, value)?,
                "heartbeat" => input.heartbeat = flag(key, value)?,
                "openForMs" => input.open_for_ms = duration(key, value)?,
                "idleForMs" => input.idle_for_ms = duration(key, value)?,
                "lifetimeMs" => input.lifetime_ms = duration(key, value)?,
                "previousIdleMs" => input.previous_idle_ms = Some(duration(key, value)?),
                "probe" => {
                    input.probe = match value {
                        RawValue::String(name) if name == "tls-ok" => Probe::TlsOk,
                        RawValue::String(name) if name == "tls-failed" => Probe::TlsFailed,
                        RawValue::String(name) if name == "skipped" => Probe::Skipped,
                        other => {
                            return Err(wrong(
                                key,
                                "\"tls-ok\", \"tls-failed\" or \"skipped\"",
                                other,
                            ))
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(input)
    }
}

/// The error for `key` holding something other than `expected`.
fn wrong(key: &str, expected: &str, got: &RawValue) -> String {
    [
        "wsguard: classifyClose() input \"",
        key,
        "\" must be ",
        expected,
        "; got ",
        &crate::core::options::describe(got),
    ]
    .concat()
}

fn flag(key: &str, value: &RawValue) -> Result<bool, String> {
    match value {
        RawValue::Bool(flag) => Ok(*flag),
        other => Err(wrong(key, "a boolean", other)),
    }
}

fn text(key: &str, value: &RawValue) -> Result<String, String> {
    match value {
        RawValue::String(text) => Ok(text.clone()),
        other => Err(wrong(key, "a string", other)),
    }
}

/// A whole number from 0 to `max`.
fn whole(key: &str, value: &RawValue, max: u64) -> Result<u64, String> {
    match value {
        RawValue::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n <= max as f64 => Ok(*n as u64),
        other => {
            let expected = ["a whole number from 0 to ", &max.to_string()].concat();
            Err(wrong(key, &expected, other))
        }
    }
}

/// A duration in milliseconds: fractions round, and `as` saturates (NaN and negatives are 0).
fn duration(key: &str, value: &RawValue) -> Result<Millis, String> {
    match value {
        RawValue::Number(n) => Ok(n.round() as Millis),
        other => Err(wrong(key, "a number of milliseconds", other)),
    }
}
