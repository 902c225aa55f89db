//! The machine's timers and the table of their deadlines. The driver arms one real timer for
//! the earliest deadline ([`Machine::poll_timeout`](super::Machine::poll_timeout)); what each
//! timer does when it fires is in `timeouts.rs`.

use crate::core::time::Millis;

/// How long the user's `close()` waits for the browser's close event before reporting the
/// client closed anyway.
///
/// ```
/// use wsguard::core::machine::CLOSE_GRACE_MS;
/// assert_eq!(CLOSE_GRACE_MS, 5000);
/// ```
pub const CLOSE_GRACE_MS: Millis = 5000;

/// How long after a socket's `error` event the machine waits for its `close` event before it
/// treats the socket as closed (1006) itself. Browsers follow an error with a close at once,
/// except where they do not: Chromium reports a connection blocked by the page's
/// Content-Security-Policy with an `error` alone, which would otherwise leave the attempt
/// hanging until the connect timeout.
///
/// ```
/// use wsguard::core::machine::{CLOSE_GRACE_MS, ERROR_CLOSE_GRACE_MS};
/// assert!(ERROR_CLOSE_GRACE_MS < CLOSE_GRACE_MS);
/// ```
pub const ERROR_CLOSE_GRACE_MS: Millis = 1000;

/// One of the machine's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Timer {
    /// The backoff delay before the next attempt.
    Retry,
    /// `connect_timeout_ms` for a socket still connecting.
    ConnectTimeout,
    /// `stable_after_ms`: an open socket this old resets the retry count.
    Stable,
    /// The heartbeat's silence before it sends (and its wake-ups while it waits).
    HeartbeatIdle,
    /// The heartbeat's wait for an answer.
    HeartbeatDead,
    /// The user's `close()` waiting for the socket's close event.
    CloseGrace,
    /// An `error` waiting for the socket's close event.
    ErrorGrace,
    /// While open without a heartbeat: a wake-up whose lateness shows that the page was not
    /// running (see `suspend.rs`).
    Watch,
}

impl Timer {
    /// Every timer, in the order they win a tie.
    pub(super) const ALL: [Self; 8] = [
        Self::Retry,
        Self::ConnectTimeout,
        Self::Stable,
        Self::HeartbeatIdle,
        Self::HeartbeatDead,
        Self::CloseGrace,
        Self::ErrorGrace,
        Self::Watch,
    ];
}

/// The deadline of each timer, `None` while it is disarmed.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Timers([Option<Millis>; Timer::ALL.len()]);

impl Timers {
    /// The deadline of `timer`, if armed.
    pub(super) fn get(&self, timer: Timer) -> Option<Millis> {
        self.0.get(timer as usize).copied().flatten()
    }

    /// Arms `timer` for `deadline`, or disarms it (`None`).
    pub(super) fn set(&mut self, timer: Timer, deadline: Option<Millis>) {
        if let Some(slot) = self.0.get_mut(timer as usize) {
            *slot = deadline;
        }
    }

    /// Disarms every timer.
    pub(super) fn clear(&mut self) {
        *self = Self::default();
    }

    /// The earliest deadline.
    pub(super) fn earliest(&self) -> Option<Millis> {
        self.0.iter().flatten().min().copied()
    }

    /// The timer due first at `now`, if any.
    pub(super) fn due(&self, now: Millis) -> Option<Timer> {
        Timer::ALL
            .into_iter()
            .filter_map(|timer| self.get(timer).map(|at| (at, timer)))
            .filter(|(at, _)| *at <= now)
            .min_by_key(|(at, _)| *at)
            .map(|(_, timer)| timer)
    }
}

#[cfg(test)]
mod tests {
    use super::{Timer, Timers};

    #[test]
    fn every_timer_has_its_own_entry() {
        for (index, timer) in Timer::ALL.into_iter().enumerate() {
            assert_eq!(timer as usize, index, "{timer:?}");
        }
    }

    #[test]
    fn the_earliest_due_timer_fires_first_and_ties_go_in_table_order() {
        let mut timers = Timers::default();
        timers.set(Timer::HeartbeatDead, Some(50));
        timers.set(Timer::Stable, Some(30));
        timers.set(Timer::ConnectTimeout, Some(30));
        assert_eq!(timers.earliest(), Some(30));
        assert_eq!(timers.due(29), None);
        assert_eq!(timers.due(60), Some(Timer::ConnectTimeout));
        timers.set(Timer::ConnectTimeout, None);
        assert_eq!(timers.due(60), Some(Timer::Stable));
    }

    #[test]
    fn clear_disarms_every_timer() {
        let mut timers = Timers::default();
        for timer in Timer::ALL {
            timers.set(timer, Some(1));
        }
        timers.clear();
        assert_eq!(timers.earliest(), None);
        assert!(Timer::ALL
            .into_iter()
            .all(|timer| timers.get(timer).is_none()));
    }
}
