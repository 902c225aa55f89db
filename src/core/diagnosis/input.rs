//! Classification for pages that keep their own `WebSocket`: what such a page can observe,
//! read from a JS object.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use super::{classify, is_wss, Diagnosis, Facts, Probe};
use crate::core::machine::{CloseCause, CloseInfo, Millis};

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
