//! [`Reader`]: user options, value by value (each named by its [`OptionName`], of its
//! [`Shape`](super::Shape)), into checked [`Options`]. The JavaScript layer checks the JS
//! types and hands over numbers, strings and booleans; whether a number is whole, a name is
//! known and every rule holds is decided here.

use super::schema::{OptionName, Value};
use super::validate::OptionsError;
use super::Options;

/// The largest whole number a value may be before a rule sees it: 2^53 − 1, up to which every
/// whole number is exact in a JS number.
const LARGEST_WHOLE: f64 = 9_007_199_254_740_991.0;

/// `number` if it is a whole number from 0 to 2^53 − 1.
pub(super) fn whole(number: f64) -> Option<u64> {
    ((0.0..=LARGEST_WHOLE).contains(&number) && (number as u64) as f64 == number)
        .then_some(number as u64)
}

/// `number` if it is a whole number from 0 to `u32::MAX`.
pub(super) fn count(number: f64) -> Option<u32> {
    whole(number).and_then(|number| u32::try_from(number).ok())
}

/// Reads options given value by value, in any order except that a section's or a list's
/// start comes before its fields or items; the first value that does not fit is the one
/// refused. [`Reader::finish`] then applies [`Options::validate`] and
/// [`Options::normalize`].
///
/// ```
/// use wsguard::core::options::{OptionName, Reader, Value};
/// let mut reader = Reader::new();
/// reader.give(OptionName::MinDelayMs, Value::Number(500.0));
/// reader.give(OptionName::FatalCodes, Value::Flag(true));
/// reader.give(OptionName::FatalCodes, Value::Number(4001.0));
/// let options = reader.finish().unwrap();
/// assert_eq!((options.min_delay_ms, options.fatal_codes), (500, vec![4001]));
///
/// let mut reader = Reader::new();
/// reader.give(OptionName::MaxRetries, Value::Number(1.5));
/// assert_eq!(reader.finish().unwrap_err().option, OptionName::MaxRetries);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Reader {
    options: Options,
    max_delay_given: bool,
    refused: Option<OptionsError>,
}

impl Reader {
    /// A reader starting from the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads `value` for `option`; a value that does not fit is refused with the option's
    /// expected text (the first refusal is kept, later values are ignored).
    pub fn give(&mut self, option: OptionName, value: Value<'_>) {
        if self.refused.is_some() {
            return;
        }
        self.max_delay_given |= option == OptionName::MaxDelayMs;
        if option.set(&mut self.options, value).is_none() {
            self.refused = Some(OptionsError::new(option, option.expected(), None));
        }
    }

    /// The options read, validated and normalized, or the first refusal. A maximum delay
    /// left at its default never sits below an explicit minimum.
    ///
    /// ```
    /// use wsguard::core::options::{OptionName, Reader, Value};
    /// let mut reader = Reader::new();
    /// reader.give(OptionName::MinDelayMs, Value::Number(60_000.0));
    /// assert_eq!(reader.finish().unwrap().max_delay_ms, 60_000);
    /// ```
    pub fn finish(self) -> Result<Options, OptionsError> {
        if let Some(refused) = self.refused {
            return Err(refused);
        }
        let mut options = self.options;
        if !self.max_delay_given {
            options.max_delay_ms = options.max_delay_ms.max(options.min_delay_ms);
        }
        options.validate()?;
        options.normalize();
        Ok(options)
    }
}
