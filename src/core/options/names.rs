//! The options' names ([`OptionName`]) and the texts that say what a value must be.

/// What a sub-protocol name must be.
pub(super) const TOKEN: &str =
    "HTTP tokens: non-empty, printable ASCII, without spaces or ()<>@,;:\\\"/[]?={}";
/// What two sub-protocol names must be.
pub(super) const DISTINCT: &str = "distinct sub-protocol names";
/// What the list of sub-protocols must be (for a reader that refuses a longer list before
/// reading its items).
///
/// ```
/// use wsguard::core::options::TOO_MANY_PROTOCOLS;
/// assert!(TOO_MANY_PROTOCOLS.starts_with("at most "));
/// ```
pub const TOO_MANY_PROTOCOLS: &str = concat!("at most ", max_protocols!(), " sub-protocols");
/// What each fatal code must be.
pub(super) const CLOSE_CODES: &str = "close codes: integers from 1000 to 4999";
/// What the list of fatal codes must be (for a reader that refuses a longer list before
/// reading its items).
///
/// ```
/// use wsguard::core::options::TOO_MANY_FATAL_CODES;
/// assert!(TOO_MANY_FATAL_CODES.ends_with(" close codes"));
/// ```
pub const TOO_MANY_FATAL_CODES: &str = concat!("at most ", max_fatal_codes!(), " close codes");

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
/// | `ReconnectAfterSuspendMs` | `reconnect_after_suspend_ms` | `reconnectAfterSuspendMs` |
/// | `Protocols` | `protocols` | `protocols` |
/// | `BinaryType` | `binary_type` | `binaryType` |
/// | `Insecure` | `insecure` | `insecure` |
/// | `Probe` | `probe` | `probe` |
/// | `FatalCodes` | `fatal_codes` | `fatalCodes` |
/// | `Log` | `log` | `log` |
///
/// ```
/// use wsguard::core::options::OptionName;
/// assert_eq!(OptionName::MinDelayMs.as_str(), "min_delay_ms");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptionName {
    /// [`Options::min_delay_ms`](super::Options::min_delay_ms).
    MinDelayMs,
    /// [`Options::max_delay_ms`](super::Options::max_delay_ms).
    MaxDelayMs,
    /// [`Options::factor`](super::Options::factor).
    Factor,
    /// [`Options::jitter`](super::Options::jitter).
    Jitter,
    /// [`Options::max_retries`](super::Options::max_retries).
    MaxRetries,
    /// [`Options::connect_timeout_ms`](super::Options::connect_timeout_ms).
    ConnectTimeoutMs,
    /// [`Options::stable_after_ms`](super::Options::stable_after_ms).
    StableAfterMs,
    /// [`Options::max_buffered_messages`](super::Options::max_buffered_messages).
    MaxBufferedMessages,
    /// [`Options::max_buffered_bytes`](super::Options::max_buffered_bytes).
    MaxBufferedBytes,
    /// [`Options::heartbeat`](super::Options::heartbeat) as a whole.
    Heartbeat,
    /// [`Heartbeat::interval_ms`](super::Heartbeat::interval_ms).
    HeartbeatIntervalMs,
    /// [`Heartbeat::message`](super::Heartbeat::message).
    HeartbeatMessage,
    /// [`Heartbeat::timeout_ms`](super::Heartbeat::timeout_ms).
    HeartbeatTimeoutMs,
    /// [`Options::reconnect_after_suspend_ms`](super::Options::reconnect_after_suspend_ms).
    ReconnectAfterSuspendMs,
    /// [`Options::protocols`](super::Options::protocols).
    Protocols,
    /// [`Options::binary_type`](super::Options::binary_type).
    BinaryType,
    /// [`Options::insecure`](super::Options::insecure).
    Insecure,
    /// [`Options::probe`](super::Options::probe).
    Probe,
    /// [`Options::fatal_codes`](super::Options::fatal_codes).
    FatalCodes,
    /// [`Options::log`](super::Options::log).
    Log,
}

impl OptionName {
    /// Every option, in the order of its declaration (so `option as usize` is its index here).
    ///
    /// ```
    /// use wsguard::core::options::OptionName;
    /// let names: Vec<&str> = OptionName::ALL.iter().map(|option| option.as_str()).collect();
    /// assert!(names.contains(&"heartbeat.interval_ms"));
    /// ```
    pub const ALL: [OptionName; 20] = [
        Self::MinDelayMs,
        Self::MaxDelayMs,
        Self::Factor,
        Self::Jitter,
        Self::MaxRetries,
        Self::ConnectTimeoutMs,
        Self::StableAfterMs,
        Self::MaxBufferedMessages,
        Self::MaxBufferedBytes,
        Self::Heartbeat,
        Self::HeartbeatIntervalMs,
        Self::HeartbeatMessage,
        Self::HeartbeatTimeoutMs,
        Self::ReconnectAfterSuspendMs,
        Self::Protocols,
        Self::BinaryType,
        Self::Insecure,
        Self::Probe,
        Self::FatalCodes,
        Self::Log,
    ];

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
            Self::ReconnectAfterSuspendMs => "reconnect_after_suspend_ms",
            Self::Protocols => "protocols",
            Self::BinaryType => "binary_type",
            Self::Insecure => "insecure",
            Self::Probe => "probe",
            Self::FatalCodes => "fatal_codes",
            Self::Log => "log",
        }
    }

    /// What a value of the option must be, in general: the text of [`Options::validate`](super::Options::validate)'s
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
            Self::ReconnectAfterSuspendMs => concat!(
                "an integer from 0 to ",
                max_timer_ms!(),
                " (ms), or Infinity (never)"
            ),
            Self::Protocols => "a sub-protocol name or an array of them",
            Self::BinaryType => "one of \"blob\", \"arraybuffer\"",
            Self::Insecure => "one of \"upgrade\", \"error\", \"allow\"",
            Self::Probe | Self::Log => "true or false",
            Self::FatalCodes => "an array of close codes (integers from 1000 to 4999)",
        }
    }
}
