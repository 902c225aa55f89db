//! Reconnect delays: exponential backoff with jitter, and the seeded random source it draws
//! from.
//!
//! Retry `n` (counted from 0) has the ceiling `min(max_delay_ms, min_delay_ms · factor^n)`, and
//! the [`Jitter`] mode draws the delay below it:
//!
//! | jitter | delay |
//! |---|---|
//! | `full` (default) | uniform in `[0, ceiling]` for the first retry, then in `[ceiling / 2, ceiling]` |
//! | `equal` | uniform in `[ceiling / 2, ceiling]` |
//! | `none` | exactly `ceiling` |
//!
//! Why `full` narrows after the first retry: the first retry is where a crowd dropped
//! together forms a herd, and spreading it over the whole `[0, ceiling]` gives the lowest
//! possible peak for its median delay. A later retry drawn from `[0, ceiling]` again would
//! land back inside the first wave (retry 1 of a client that failed at 100 ms can fire at
//! 150 ms) and raise that peak by half; drawn from the upper half it follows the wave
//! instead. The reconnect-storm simulation (`cargo run --release --example storm`) measures
//! both: 0.151 of the clients in the busiest 100 ms with `[0, ceiling]` on every retry,
//! 0.103 with this policy, which also brings clients back sooner.
//!
//! After a close with 1012 (service restart) or 1013 (try again later) the server asked for
//! patience: the delay is at least [`RETRY_LATER_FLOOR_MS`] (clamped to `max_delay_ms`), and is
//! spread above that floor, up to `max(ceiling, 2 · floor)` (again clamped), so that the
//! clients a restart dropped together do not all return together at the floor.
//!
//! ```
//! use wsguard::core::backoff::{Backoff, Rng};
//! use wsguard::core::options::Options;
//!
//! let backoff = Backoff::new(&Options::default());
//! let mut rng = Rng::new(7);
//! assert_eq!(backoff.ceiling(0), 1000);
//! assert!(backoff.delay(0, false, &mut rng) <= 1000);
//! assert!(backoff.delay(0, true, &mut rng) >= 5000);
//! ```

use super::time::Millis;

/// The least delay after a close with 1012 or 1013, unless `max_delay_ms` is shorter.
///
/// A restarting service usually needs seconds, not the one second of a first retry.
///
/// ```
/// use wsguard::core::backoff::RETRY_LATER_FLOOR_MS;
/// assert_eq!(RETRY_LATER_FLOOR_MS, 5000);
/// ```
pub const RETRY_LATER_FLOOR_MS: Millis = 5000;

/// Whether a close code asks the client to come back later: 1012 (service restart) or 1013
/// (try again later).
///
/// ```
/// use wsguard::core::backoff::is_retry_later;
/// assert!(is_retry_later(1013));
/// assert!(!is_retry_later(1006));
/// ```
pub fn is_retry_later(code: u16) -> bool {
    matches!(code, 1012 | 1013)
}

/// How a delay is drawn below its ceiling.
///
/// ```
/// use wsguard::core::backoff::Jitter;
/// use wsguard::core::options::Options;
/// let options = Options { jitter: Jitter::Equal, ..Options::default() };
/// assert_eq!(Options::default().jitter, Jitter::Full);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Jitter {
    /// Uniform in `[0, ceiling]`: spreads a crowd the most (the default).
    #[default]
    Full,
    /// Uniform in `[ceiling / 2, ceiling]`: never retries much sooner than the ceiling.
    Equal,
    /// Exactly the ceiling: every client dropped together retries together.
    None,
}

impl Jitter {
    /// The mode named `"full"`, `"equal"` or `"none"`, if any.
    ///
    /// ```
    /// use wsguard::core::backoff::Jitter;
    /// assert_eq!(Jitter::parse("none"), Some(Jitter::None));
    /// assert_eq!(Jitter::parse("half"), None);
    /// ```
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "full" => Some(Self::Full),
            "equal" => Some(Self::Equal),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}

/// A small seeded pseudo-random generator (SplitMix64): deterministic for tests, seeded by
/// the browser driver from `Math.random`. Not for cryptography.
///
/// ```
/// use wsguard::core::backoff::Rng;
/// let (mut a, mut b) = (Rng::new(1), Rng::new(1));
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// A generator whose sequence is fixed by `seed`.
    ///
    /// ```
    /// use wsguard::core::backoff::Rng;
    /// assert_ne!(Rng::new(1).next_u64(), Rng::new(2).next_u64());
    /// ```
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// use wsguard::core::backoff::Rng;
    /// let mut rng = Rng::new(0);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number drawn uniformly from `0..=max`.
    ///
    /// ```
    /// use wsguard::core::backoff::Rng;
    /// let mut rng = Rng::new(3);
    /// assert!(rng.up_to(10) <= 10);
    /// assert_eq!(rng.up_to(0), 0);
    /// ```
    pub fn up_to(&mut self, max: u64) -> u64 {
        let span = u128::from(max) + 1;
        ((u128::from(self.next_u64()) * span) >> 64) as u64
    }
}

/// The backoff parameters: `min_delay_ms`, `max_delay_ms`, `factor` and `jitter`. Made from the
/// options with `Backoff::new(&options)` (written with the options, in `options.rs`, so that
/// this module knows nothing of them).
///
/// ```
/// use wsguard::core::backoff::Backoff;
/// use wsguard::core::options::Options;
/// let backoff = Backoff::new(&Options { factor: 3.0, ..Options::default() });
/// assert_eq!(backoff.ceiling(2), 9000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Backoff {
    min_delay_ms: Millis,
    max_delay_ms: Millis,
    factor: f64,
    jitter: Jitter,
}

impl Backoff {
    /// The backoff with these parameters (see [`Backoff::new`] for the one of the options).
    pub(crate) fn with(
        min_delay_ms: Millis,
        max_delay_ms: Millis,
        factor: f64,
        jitter: Jitter,
    ) -> Self {
        Self {
            min_delay_ms,
            max_delay_ms,
            factor,
            jitter,
        }
    }

    /// The ceiling of retry `retry` (from 0): `min(max_delay_ms, min_delay_ms · factor^retry)`.
    ///
    /// ```
    /// use wsguard::core::backoff::Backoff;
    /// use wsguard::core::options::Options;
    /// let backoff = Backoff::new(&Options::default());
    /// assert_eq!((backoff.ceiling(0), backoff.ceiling(3)), (1000, 8000));
    /// ```
    pub fn ceiling(&self, retry: u32) -> Millis {
        // Past 2^10 retries every factor ≥ 2 has long reached any ceiling; the cap keeps the
        // loop in `powi` short.
        const MAX_EXPONENT: u32 = 1024;
        let grown = self.min_delay_ms as f64 * powi(self.factor, retry.min(MAX_EXPONENT));
        // `f64::min` ignores NaN, and `as` saturates: the result is always ≤ max_delay_ms.
        (grown.min(self.max_delay_ms as f64) as Millis).min(self.max_delay_ms)
    }

    /// The delay before retry `retry` (from 0), drawn from `rng`; `retry_later` after a close
    /// with 1012 or 1013. Always within `[0, max_delay_ms]`.
    ///
    /// ```
    /// use wsguard::core::backoff::{Backoff, Jitter, Rng};
    /// use wsguard::core::options::Options;
    /// let backoff = Backoff::new(&Options { jitter: Jitter::None, ..Options::default() });
    /// assert_eq!(backoff.delay(1, false, &mut Rng::new(0)), 2000);
    /// ```
    pub fn delay(&self, retry: u32, retry_later: bool, rng: &mut Rng) -> Millis {
        let ceiling = self.ceiling(retry);
        if !retry_later {
            let jitter = match self.jitter {
                Jitter::Full if retry > 0 => Jitter::Equal,
                jitter => jitter,
            };
            return draw(jitter, 0, ceiling, rng);
        }
        let floor = RETRY_LATER_FLOOR_MS.min(self.max_delay_ms);
        match self.jitter {
            Jitter::None => ceiling.max(floor),
            Jitter::Full | Jitter::Equal => {
                let top = ceiling
                    .max(floor.saturating_mul(2))
                    .min(self.max_delay_ms)
                    .max(floor);
                draw(self.jitter, floor, top, rng)
            }
        }
    }
}

/// A delay in `[low, high]` shaped by `jitter`.
fn draw(jitter: Jitter, low: Millis, high: Millis, rng: &mut Rng) -> Millis {
    match jitter {
        Jitter::Full => low + rng.up_to(high - low),
        Jitter::Equal => {
            let middle = low + (high - low) / 2;
            middle + rng.up_to(high - middle)
        }
        Jitter::None => high,
    }
}

/// `base` to the power `exponent`, by repeated squaring: `f64::powi` lives in `std`, not in
/// `core`. The same steps as the compiler's own `powi` routine, so the same results.
fn powi(mut base: f64, mut exponent: u32) -> f64 {
    let mut result = 1.0;
    loop {
        if exponent & 1 == 1 {
            result *= base;
        }
        exponent /= 2;
        if exponent == 0 {
            return result;
        }
        base *= base;
    }
}

#[cfg(test)]
mod tests {
    use super::{powi, Jitter};

    #[test]
    fn jitter_names_and_the_default() {
        assert_eq!(Jitter::parse("full"), Some(Jitter::Full));
        assert_eq!(Jitter::parse("equal"), Some(Jitter::Equal));
        assert_eq!(Jitter::parse("Full"), None);
        assert_eq!(Jitter::default(), Jitter::Full);
    }

    #[test]
    fn powi_is_repeated_multiplication() {
        for base in [1.0, 1.5, 2.0, 3.0] {
            let mut expected = 1.0;
            for exponent in 0..20 {
                assert_eq!(powi(base, exponent), expected, "{base}^{exponent}");
                expected *= base;
            }
        }
    }
}
