//! The rules option values must follow: [`Options::validate`], [`Options::normalize`], and
//! the [`OptionsError`] that names the option breaking one.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use super::limits::{MAX_FATAL_CODES, MAX_PROTOCOLS, MAX_SAFE_INTEGER, MAX_TIMER_MS};
use super::schema::{
    OptionName, CLOSE_CODES, DISTINCT, TOKEN, TOO_MANY_FATAL_CODES, TOO_MANY_PROTOCOLS,
};
use super::Options;
use crate::core::text::{concat, decimal};
use crate::core::time::Millis;

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
    /// | `reconnect_after_suspend_ms` | `None`, or 0 to [`MAX_TIMER_MS`] |
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
        check(
            self.reconnect_after_suspend_ms.is_none_or(timer),
            ReconnectAfterSuspendMs,
        )?;
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
