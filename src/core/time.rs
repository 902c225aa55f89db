//! Time as the core sees it: whole milliseconds on the driver's monotonic clock
//! (`performance.now()` in the browser). The core never reads a clock: every input comes with
//! the time.

/// A point in time or a duration, in milliseconds.
///
/// ```
/// use wsguard::core::time::Millis;
/// let retry_after: Millis = 1_500;
/// ```
pub type Millis = u64;
