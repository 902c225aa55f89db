//! The client's options, typed, and the rules their values must follow.
//!
//! The JS layer reads the user's options object into [`Options`] (it owns the camelCase
//! names, the type checks and the choice between `TypeError` and `RangeError`), then calls
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
use core::fmt;

use super::backoff::Jitter;
use super::machine::Millis;
use super::text::{concat, decimal};
use super::url::Insecure;

// The limits are written once, as literals, so that the texts below can quote them with
// `concat!`.
macro_rules! max_timer_ms {
    () => {
        2147483647
    };
}
macro_rules! max_safe_integer {
    () => {
        9007199254740991
    };
}
macro_rules! max_protocols {
    () => {
        64
    };
}
macro_rules! max_fatal_codes {
    () => {
        256
    };
}
macro_rules! max_u32 {
    () => {
        4294967295
    };
}

/// The longest delay or timeout accepted: browsers run `setTimeout` with a 32-bit signed
/// delay, and a longer one fires at once.
pub const MAX_TIMER_MS: Millis = max_timer_ms!();

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`): the most
/// `max_buffered_bytes` may be.
pub const MAX_SAFE_INTEGER: u64 = max_safe_integer!();

/// The most sub-protocols `protocols` may list.
pub const MAX_PROTOCOLS: usize = max_protocols!();

/// The most close codes `fatal_codes` may list.
pub const MAX_FATAL_CODES: usize = max_fatal_codes!();

const _: () = assert!(u32::MAX as u64 == max_u32!());

/// The close codes after which the client does not reconnect by default: the server said
/// the client itself is at fault, so retrying the same thing would fail the same way.
///
/// - 1002 protocol error, 1003 unsupported data, 1007 invalid payload data,
/// - 1008 policy violation (often: not authorised), 1009 message too big,
/// - 1010 mandatory extension missing.
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
/// use wsguard::core::options::Heartbeat;
/// let hb = Heartbeat::default();
/// assert_eq!((hb.interval_ms, hb.timeout_ms, hb.message.as_str()), (30_000, 10_000, "ping"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
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
            protocols: Vec::new(),
            binary_type: BinaryType::Blob,
            insecure: Insecure::Upgrade,
            probe: true,
            fatal_codes: DEFAULT_FATAL_CODES.to_vec(),
            log: true,
        }
    }
}

/// What a sub-protocol name must be.
const TOKEN: &str =
    "HTTP tokens: non-empty, printable ASCII, without spaces or ()<>@,;:\\\"/[]?={}";
/// What two sub-protocol names must be.
const DISTINCT: &str = "distinct sub-protocol names";
/// What the list of sub-protocols must be (for a reader that refuses a longer list before
/// reading its items).
pub const TOO_MANY_PROTOCOLS: &str = concat!("at most ", max_protocols!(), " sub-protocols");
/// What each fatal code must be.
const CLOSE_CODES: &str = "close codes: integers from 1000 to 4999";
/// What the list of fatal codes must be (for a reader that refuses a longer list before
/// reading its items).
pub const TOO_MANY_FATAL_CODES: &str = concat!("at most ", max_fatal_codes!(), " close codes");

impl Options {
    /// Checks every rule about the values: the first option that breaks one is named in the
    /// error, with what it must be and, for a list, which item is wrong.
    ///
    /// | option | rule |
    /// |---|---|
    /// | `min_delay_ms`, `connect_timeout_ms`, `stable_after_ms` | 0 to [`MAX_TIMER_MS`] |
    /// | `max_delay_ms` | `min_delay_ms` to [`MAX_TIMER_MS`] |
    /// | `factor` | 1 to 1000 (not NaN) |
    /// | `max_buffered_bytes` | at most [`MAX_SAFE_INTEGER`] |
    /// | `heartbeat.interval_ms`, `heartbeat.timeout_ms` | 1 to [`MAX_TIMER_MS`] |
    /// | `protocols` | at most [`MAX_PROTOCOLS`] distinct HTTP tokens |
    /// | `fatal_codes` | at most [`MAX_FATAL_CODES`], each 1000 to 4999 |
    ///
    /// ```
    /// use wsguard::core::options::{OptionName, Options};
    /// let options = Options { protocols: vec!["chat".into(), "a b".into()], ..Options::default() };
    /// let err = options.validate().unwrap_err();
    /// assert_eq!((err.option, err.index), (OptionName::Protocols, Some(1)));
    /// assert!(Options::default().validate().is_ok());
    /// ```
    pub fn validate(&self) -> Result<(), OptionsError> {
        use OptionName::*;
        let timer = |value: Millis| value <= MAX_TIMER_MS;
        let heartbeat_timer = |value: Millis| (1..=MAX_TIMER_MS).contains(&value);
        check(timer(self.min_delay_ms), MinDelayMs)?;
        check(
            timer(self.max_delay_ms) && self.max_delay_ms >= self.min_delay_ms,
            MaxDelayMs,
        )?;
        // Written so that NaN fails too.
        check(self.factor >= 1.0 && self.factor <= 1000.0, Factor)?;
        check(timer(self.connect_timeout_ms), ConnectTimeoutMs)?;
        check(timer(self.stable_after_ms), StableAfterMs)?;
        check(
            self.max_buffered_bytes <= MAX_SAFE_INTEGER,
            MaxBufferedBytes,
        )?;
        if let Some(heartbeat) = &self.heartbeat {
            check(heartbeat_timer(heartbeat.interval_ms), HeartbeatIntervalMs)?;
            check(heartbeat_timer(heartbeat.timeout_ms), HeartbeatTimeoutMs)?;
        }
        if self.protocols.len() > MAX_PROTOCOLS {
            return Err(OptionsError::new(Protocols, TOO_MANY_PROTOCOLS, None));
        }
        for (index, name) in self.protocols.iter().enumerate() {
            if !is_token(name) {
                return Err(OptionsError::new(Protocols, TOKEN, Some(index)));
            }
            if self
                .protocols
                .iter()
                .take(index)
                .any(|earlier| earlier == name)
            {
                return Err(OptionsError::new(Protocols, DISTINCT, Some(index)));
            }
        }
        if self.fatal_codes.len() > MAX_FATAL_CODES {
            return Err(OptionsError::new(FatalCodes, TOO_MANY_FATAL_CODES, None));
        }
        for (index, code) in self.fatal_codes.iter().enumerate() {
            if !(1000..=4999).contains(code) {
                return Err(OptionsError::new(FatalCodes, CLOSE_CODES, Some(index)));
            }
        }
        Ok(())
    }

    /// Drops repeated fatal codes, keeping each code's first occurrence in place (the list
    /// is short, so no sorting).
    ///
    /// ```
    /// use wsguard::core::options::Options;
    /// let mut options = Options { fatal_codes: vec![4001, 1008, 4001], ..Options::default() };
    /// options.normalize();
    /// assert_eq!(options.fatal_codes, [4001, 1008]);
    /// ```
    pub fn normalize(&mut self) {
        let mut distinct: Vec<u16> = Vec::with_capacity(self.fatal_codes.len());
        for code in &self.fatal_codes {
            if !distinct.contains(code) {
                distinct.push(*code);
            }
        }
        self.fatal_codes = distinct;
    }
}

/// The error naming `option` unless `ok`, with what the option must be in general.
fn check(ok: bool, option: OptionName) -> Result<(), OptionsError> {
    if ok {
        Ok(())
    } else {
        Err(OptionsError::new(option, option.expected(), None))
    }
}

/// RFC 7230 `token`: what the browser accepts as a sub-protocol name.
fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Names one option (or one field of the heartbeat).
///
/// [`OptionName::as_str`] gives the Rust field name; the JS layer maps each to its own
/// camelCase name:
///
/// | variant | Rust | JS |
/// |---|---|---|
/// | `MinDelayMs` | `min_delay_ms` | `minDelayMs` |
/// | `MaxDelayMs` | `max_delay_ms` | `maxDelayMs` |
/// | `Factor` | `factor` | `factor` |
/// | `Jitter` | `jitter` | `jitter` |
/// | `MaxRetries` | `max_retries` | `maxRetries` |
/// | `ConnectTimeoutMs` | `connect_timeout_ms` | `connectTimeoutMs` |
/// | `StableAfterMs` | `stable_after_ms` | `stableAfterMs` |
/// | `MaxBufferedMessages` | `max_buffered_messages` | `maxBufferedMessages` |
/// | `MaxBufferedBytes` | `max_buffered_bytes` | `maxBufferedBytes` |
/// | `Heartbeat` | `heartbeat` | `heartbeat` |
/// | `HeartbeatIntervalMs` | `heartbeat.interval_ms` | `heartbeat.intervalMs` |
/// | `HeartbeatMessage` | `heartbeat.message` | `heartbeat.message` |
/// | `HeartbeatTimeoutMs` | `heartbeat.timeout_ms` | `heartbeat.timeoutMs` |
/// | `Protocols` | `protocols` | `protocols` |
/// | `BinaryType` | `binary_type` | `binaryType` |
/// | `Insecure` | `insecure` | `insecure` |
/// | `Probe` | `probe` | `probe` |
/// | `FatalCodes` | `fatal_codes` | `fatalCodes` |
/// | `Log` | `log` | `log` |
///
/// ```
/// use wsguard::core::options::OptionName;
/// assert_eq!(OptionName::HeartbeatTimeoutMs.as_str(), "heartbeat.timeout_ms");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionName {
    /// [`Options::min_delay_ms`].
    MinDelayMs,
    /// [`Options::max_delay_ms`].
    MaxDelayMs,
    /// [`Options::factor`].
    Factor,
    /// [`Options::jitter`].
    Jitter,
    /// [`Options::max_retries`].
    MaxRetries,
    /// [`Options::connect_timeout_ms`].
    ConnectTimeoutMs,
    /// [`Options::stable_after_ms`].
    StableAfterMs,
    /// [`Options::max_buffered_messages`].
    MaxBufferedMessages,
    /// [`Options::max_buffered_bytes`].
    MaxBufferedBytes,
    /// [`Options::heartbeat`] as a whole.
    Heartbeat,
    /// [`Heartbeat::interval_ms`].
    HeartbeatIntervalMs,
    /// [`Heartbeat::message`].
    HeartbeatMessage,
    /// [`Heartbeat::timeout_ms`].
    HeartbeatTimeoutMs,
    /// [`Options::protocols`].
    Protocols,
    /// [`Options::binary_type`].
    BinaryType,
    /// [`Options::insecure`].
    Insecure,
    /// [`Options::probe`].
    Probe,
    /// [`Options::fatal_codes`].
    FatalCodes,
    /// [`Options::log`].
    Log,
}

impl OptionName {
    /// The Rust field's name (`"heartbeat.interval_ms"` for a field of the heartbeat).
    ///
    /// ```
    /// use wsguard::core::options::OptionName;
    /// assert_eq!(OptionName::MaxBufferedBytes.as_str(), "max_buffered_bytes");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MinDelayMs => "min_delay_ms",
            Self::MaxDelayMs => "max_delay_ms",
            Self::Factor => "factor",
            Self::Jitter => "jitter",
            Self::MaxRetries => "max_retries",
            Self::ConnectTimeoutMs => "connect_timeout_ms",
            Self::StableAfterMs => "stable_after_ms",
            Self::MaxBufferedMessages => "max_buffered_messages",
            Self::MaxBufferedBytes => "max_buffered_bytes",
            Self::Heartbeat => "heartbeat",
            Self::HeartbeatIntervalMs => "heartbeat.interval_ms",
            Self::HeartbeatMessage => "heartbeat.message",
            Self::HeartbeatTimeoutMs => "heartbeat.timeout_ms",
            Self::Protocols => "protocols",
            Self::BinaryType => "binary_type",
            Self::Insecure => "insecure",
            Self::Probe => "probe",
            Self::FatalCodes => "fatal_codes",
            Self::Log => "log",
        }
    }

    /// What a value of the option must be, in general: the text of [`Options::validate`]'s
    /// errors about single values, and a ready text for a reader of user options that
    /// refuses a value before it fits the struct (a fraction, a negative number, an unknown
    /// name, a value of the wrong kind).
    ///
    /// ```
    /// use wsguard::core::options::OptionName;
    /// assert_eq!(OptionName::MinDelayMs.expected(), "an integer from 0 to 2147483647 (ms)");
    /// assert_eq!(OptionName::Jitter.expected(), "one of \"full\", \"equal\", \"none\"");
    /// ```
    pub fn expected(self) -> &'static str {
        match self {
            Self::MinDelayMs | Self::ConnectTimeoutMs | Self::StableAfterMs => {
                concat!("an integer from 0 to ", max_timer_ms!(), " (ms)")
            }
            Self::MaxDelayMs => concat!(
                "at least the minimum delay and at most ",
                max_timer_ms!(),
                " (ms)"
            ),
            Self::Factor => "a number from 1 to 1000",
            Self::Jitter => "one of \"full\", \"equal\", \"none\"",
            Self::MaxRetries => concat!(
                "an integer from 0 to ",
                max_u32!(),
                ", or Infinity (unbounded)"
            ),
            Self::MaxBufferedMessages => {
                concat!("an integer from 0 to ", max_u32!(), " (messages)")
            }
            Self::MaxBufferedBytes => {
                concat!("an integer from 0 to ", max_safe_integer!(), " (bytes)")
            }
            Self::Heartbeat => "the heartbeat settings (an object), or false",
            Self::HeartbeatIntervalMs | Self::HeartbeatTimeoutMs => {
                concat!("an integer from 1 to ", max_timer_ms!(), " (ms)")
            }
            Self::HeartbeatMessage => "a string",
            Self::Protocols => "a sub-protocol name or an array of them",
            Self::BinaryType => "one of \"blob\", \"arraybuffer\"",
            Self::Insecure => "one of \"upgrade\", \"error\", \"allow\"",
            Self::Probe | Self::Log => "true or false",
            Self::FatalCodes => "an array of close codes (integers from 1000 to 4999)",
        }
    }
}

/// An option value that breaks a rule: which option, what it must be, and for a list
/// (`protocols`, `fatal_codes`) which item, if one item is at fault.
///
/// [`OptionsError::message`] (and `Display`) says it in a sentence with the Rust names; the
/// JS layer builds its own sentence from the fields, with the JS name and the value given.
///
/// ```
/// use wsguard::core::options::{OptionName, Options};
/// let options = Options { fatal_codes: vec![1008, 999], ..Options::default() };
/// let err = options.validate().unwrap_err();
/// assert_eq!((err.option, err.index), (OptionName::FatalCodes, Some(1)));
/// assert_eq!(err.expected, "close codes: integers from 1000 to 4999");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptionsError {
    /// The option.
    pub option: OptionName,
    /// What its value must be, to follow "must be": `"a number from 1 to 1000"`.
    pub expected: &'static str,
    /// The position of the item at fault in `protocols` or `fatal_codes`; `None` when the
    /// value as a whole is.
    pub index: Option<usize>,
}

impl OptionsError {
    /// The error about `option`.
    ///
    /// ```
    /// use wsguard::core::options::{OptionName, OptionsError};
    /// let err = OptionsError::new(OptionName::Log, OptionName::Log.expected(), None);
    /// assert_eq!(err.message(), "wsguard: option log must be true or false");
    /// ```
    pub fn new(option: OptionName, expected: &'static str, index: Option<usize>) -> Self {
        Self {
            option,
            expected,
            index,
        }
    }

    /// The error in a sentence, with the Rust names: `wsguard: option <name> must be
    /// <expected>`, the name followed by `[index]` for one item of a list.
    ///
    /// ```
    /// use wsguard::core::options::Options;
    /// let options = Options { protocols: vec!["chat".into(), "chat".into()], ..Options::default() };
    /// assert_eq!(
    ///     options.validate().unwrap_err().message(),
    ///     "wsguard: option protocols[1] must be distinct sub-protocol names",
    /// );
    /// ```
    pub fn message(&self) -> String {
        let index = self.index.map(|i| decimal(i as u64));
        let (open, index, close) = match &index {
            Some(index) => ("[", index.as_str(), "]"),
            None => ("", "", ""),
        };
        concat(&[
            "wsguard: option ",
            self.option.as_str(),
            open,
            index,
            close,
            " must be ",
            self.expected,
        ])
    }
}

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for OptionsError {}
