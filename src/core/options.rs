//! The client's options, typed, and the rules their values must follow.
//!
//! Every option is a row of one table (`options/schema.rs`): its [`OptionName`], the
//! [`Shape`] of its value, what a value must be, and how it lands in the struct. The JS layer
//! checks the JS types of the user's options object (with the table generated from it) and
//! hands each value to a [`Reader`], which decides whether it fits, then applies
//! [`Options::validate`], which checks every rule about values and names the option that
//! breaks one, and [`Options::normalize`]. Rust users write the struct directly
//! (`..Options::default()`).
//!
//! ```
//! use wsguard::core::options::{OptionName, Options};
//!
//! let options = Options { min_delay_ms: 5000, max_delay_ms: 1000, ..Options::default() };
//! let err = options.validate().unwrap_err();
//! assert_eq!(err.option, OptionName::MaxDelayMs);
//! assert_eq!(err.expected, "at least the minimum delay and at most 2147483647 (ms)");
//! ```

use alloc::string::String;
use alloc::vec::Vec;

use super::backoff::{Backoff, Jitter};
use super::time::Millis;
use super::url::Insecure;

#[macro_use]
mod limits;
mod reader;
mod schema;
mod validate;

pub use limits::{MAX_FATAL_CODES, MAX_PROTOCOLS, MAX_SAFE_INTEGER, MAX_TIMER_MS};
pub use reader::Reader;
pub use schema::{OptionName, Shape, Value, TOO_MANY_FATAL_CODES, TOO_MANY_PROTOCOLS};
pub use validate::OptionsError;

/// The close codes after which the client does not reconnect by default: the server said
/// the client itself is at fault, so retrying the same thing would fail the same way.
///
/// - 1002 protocol error, 1003 unsupported data, 1007 invalid payload data,
/// - 1008 policy violation (often: not authorised), 1009 message too big,
/// - 1010 mandatory extension missing.
///
/// ```
/// use wsguard::core::options::{Options, DEFAULT_FATAL_CODES};
/// assert_eq!(Options::default().fatal_codes, DEFAULT_FATAL_CODES);
/// ```
pub const DEFAULT_FATAL_CODES: [u16; 6] = [1002, 1003, 1007, 1008, 1009, 1010];

/// What `binaryType` the socket uses for binary messages.
///
/// ```
/// use wsguard::core::options::{BinaryType, Options};
/// let options = Options { binary_type: BinaryType::ArrayBuffer, ..Options::default() };
/// assert_eq!(options.binary_type.as_str(), "arraybuffer");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
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

    /// The type named `"blob"` or `"arraybuffer"`, if any (names are case-sensitive, as
    /// for the browser).
    ///
    /// ```
    /// use wsguard::core::options::BinaryType;
    /// assert_eq!(BinaryType::parse("arraybuffer"), Some(BinaryType::ArrayBuffer));
    /// assert_eq!(BinaryType::parse("Blob"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "blob" => Some(Self::Blob),
            "arraybuffer" => Some(Self::ArrayBuffer),
            _ => None,
        }
    }
}

/// The heartbeat: after `interval_ms` without any inbound message, send `message`; if no
/// inbound message at all arrives within `timeout_ms` after that, the connection is dead.
///
/// ```
/// use wsguard::core::options::{Heartbeat, Options};
/// let heartbeat = Heartbeat { interval_ms: 20_000, ..Heartbeat::default() };
/// let options = Options { heartbeat: Some(heartbeat), ..Options::default() };
/// assert!(options.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct Heartbeat {
    /// Inbound silence, in milliseconds, after which the heartbeat message is sent
    /// (1 to [`MAX_TIMER_MS`]).
    pub interval_ms: Millis,
    /// The text message sent.
    pub message: String,
    /// How long, in milliseconds, to wait for any inbound message after sending it
    /// (1 to [`MAX_TIMER_MS`]).
    pub timeout_ms: Millis,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Self {
            interval_ms: 30_000,
            message: String::from("ping"),
            timeout_ms: 10_000,
        }
    }
}

/// The options. See `docs/options.md` for every default and why it was chosen.
///
/// [`Options::validate`] checks the rules below; the connection machine never panics on
/// options that break them either (it clamps what it must: a `max_delay_ms` below
/// `min_delay_ms` acts as the ceiling).
///
/// ```
/// use wsguard::core::options::Options;
/// let options = Options { min_delay_ms: 500, ..Options::default() };
/// assert_eq!(options.max_delay_ms, 30_000);
/// assert!(options.validate().is_ok());
/// ```
#[derive(Clone, Debug, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase", default))]
pub struct Options {
    /// The backoff ceiling of the first retry: 0 to [`MAX_TIMER_MS`].
    pub min_delay_ms: Millis,
    /// No retry ever waits longer: `min_delay_ms` to [`MAX_TIMER_MS`]. A reader of user
    /// options that leaves it at its default should raise it to `min_delay_ms` (the default
    /// ceiling never sits below an explicit minimum).
    pub max_delay_ms: Millis,
    /// The ceiling grows by this factor per retry: 1 to 1000.
    pub factor: f64,
    /// How a delay is drawn below its ceiling.
    pub jitter: Jitter,
    /// Retries allowed after a loss or failure before giving up; `None` is unbounded,
    /// `Some(0)` never reconnects.
    pub max_retries: Option<u32>,
    /// A socket still connecting after this long is closed and counts as a failed attempt;
    /// `0` leaves it to the browser. At most [`MAX_TIMER_MS`].
    pub connect_timeout_ms: Millis,
    /// The backoff resets only once a connection has stayed open this long. At most
    /// [`MAX_TIMER_MS`].
    pub stable_after_ms: Millis,
    /// Sends queued while disconnected; `0` disables the queue.
    pub max_buffered_messages: u32,
    /// Total bytes queued while disconnected; `0` disables the queue. At most
    /// [`MAX_SAFE_INTEGER`].
    pub max_buffered_bytes: u64,
    /// Off (`None`) by default.
    pub heartbeat: Option<Heartbeat>,
    /// Without a heartbeat: an open socket is replaced when the page is found to have been
    /// suspended (not running) at least this long; `None` never. At most [`MAX_TIMER_MS`].
    /// With a heartbeat, a suspension sends the heartbeat at once instead.
    pub reconnect_after_suspend_ms: Option<Millis>,
    /// The sub-protocols offered in the handshake: at most [`MAX_PROTOCOLS`] distinct HTTP
    /// tokens.
    pub protocols: Vec<String>,
    /// The socket's `binaryType`.
    pub binary_type: BinaryType,
    /// What to do with `ws://` on an HTTPS page.
    pub insecure: Insecure,
    /// Whether a failure diagnosis may probe the server over HTTP.
    pub probe: bool,
    /// Close codes after which the client does not reconnect: at most [`MAX_FATAL_CODES`],
    /// each from 1000 to 4999. Only membership matters; [`Options::normalize`] drops
    /// repeats.
    pub fatal_codes: Vec<u16>,
    /// Whether the client warns on the console.
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
            reconnect_after_suspend_ms: Some(60_000),
            protocols: Vec::new(),
            binary_type: BinaryType::Blob,
            insecure: Insecure::Upgrade,
            probe: true,
            fatal_codes: DEFAULT_FATAL_CODES.to_vec(),
            log: true,
        }
    }
}

impl Backoff {
    /// The backoff of `options` (`min_delay_ms`, `max_delay_ms`, `factor`, `jitter`).
    ///
    /// ```
    /// use wsguard::core::backoff::Backoff;
    /// use wsguard::core::options::Options;
    /// assert_eq!(Backoff::new(&Options::default()).ceiling(10), 30_000);
    /// ```
    pub fn new(options: &Options) -> Self {
        Self::with(
            options.min_delay_ms,
            options.max_delay_ms,
            options.factor,
            options.jitter,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{BinaryType, Heartbeat, Options};

    #[test]
    fn binary_type_names_parse_back_and_blob_is_the_default() {
        for binary_type in [BinaryType::Blob, BinaryType::ArrayBuffer] {
            assert_eq!(BinaryType::parse(binary_type.as_str()), Some(binary_type));
        }
        assert_eq!(BinaryType::default(), BinaryType::Blob);
    }

    #[test]
    fn the_default_heartbeat_is_valid() {
        let options = Options {
            heartbeat: Some(Heartbeat::default()),
            ..Options::default()
        };
        assert_eq!(options.validate(), Ok(()));
    }
}
