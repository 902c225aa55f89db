//! The limits of option values, each written once as a literal so that the texts of
//! `schema.rs` can quote it with `concat!`.

use crate::core::time::Millis;

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
///
/// ```
/// use wsguard::core::options::MAX_TIMER_MS;
/// assert_eq!(MAX_TIMER_MS, i32::MAX as u64);
/// ```
pub const MAX_TIMER_MS: Millis = max_timer_ms!();

/// The largest integer a JS number holds exactly (`Number.MAX_SAFE_INTEGER`): the most
/// `max_buffered_bytes` may be.
///
/// ```
/// use wsguard::core::options::MAX_SAFE_INTEGER;
/// assert_eq!(MAX_SAFE_INTEGER, (1 << 53) - 1);
/// ```
pub const MAX_SAFE_INTEGER: u64 = max_safe_integer!();

/// The most sub-protocols `protocols` may list.
///
/// ```
/// use wsguard::core::options::{Options, MAX_PROTOCOLS};
/// let protocols = (0..=MAX_PROTOCOLS).map(|i| format!("p{i}")).collect();
/// assert!(Options { protocols, ..Options::default() }.validate().is_err());
/// ```
pub const MAX_PROTOCOLS: usize = max_protocols!();

/// The most close codes `fatal_codes` may list.
///
/// ```
/// use wsguard::core::options::{Options, MAX_FATAL_CODES};
/// let fatal_codes = (0..=MAX_FATAL_CODES as u16).map(|i| 4000 + i).collect();
/// assert!(Options { fatal_codes, ..Options::default() }.validate().is_err());
/// ```
pub const MAX_FATAL_CODES: usize = max_fatal_codes!();

const _: () = assert!(u32::MAX as u64 == max_u32!());
