//! Text without `core::fmt`: numbers in decimal and strings joined end to end.
//!
//! The shipped WebAssembly leaves out the formatting machinery (`format!`, `write!`,
//! `to_string()` on numbers), which costs kilobytes; every message wsguard builds goes
//! through these helpers instead.
//!
//! ```
//! use wsguard::core::text::{concat, decimal};
//! assert_eq!(concat(&["code ", &decimal(1006)]), "code 1006");
//! ```

use alloc::string::String;

/// `n` in decimal.
///
/// ```
/// use wsguard::core::text::decimal;
/// assert_eq!(decimal(0), "0");
/// assert_eq!(decimal(u64::MAX), "18446744073709551615");
/// ```
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in decimal to `out`.
///
/// ```
/// use wsguard::core::text::push_decimal;
/// let mut out = String::from("retry in ");
/// push_decimal(&mut out, 250);
/// assert_eq!(out, "retry in 250");
/// ```
pub fn push_decimal(out: &mut String, mut n: u64) {
    // u64::MAX has 20 digits. They are written from the end of the buffer.
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    for slot in digits.iter_mut().rev() {
        // `n % 10` is below 10, so the cast cannot truncate.
        *slot = b'0' + (n % 10) as u8;
        start -= 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for digit in digits.iter().skip(start) {
        out.push(char::from(*digit));
    }
}

/// The parts joined end to end, in one allocation.
///
/// ```
/// use wsguard::core::text::concat;
/// assert_eq!(concat(&["a", "", "bc"]), "abc");
/// ```
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}
