//! The page's life as the driver reports it, one [`PageFact`] per browser event, and what it
//! means for the connection: how long the page was away (hidden, frozen, in the back/forward
//! cache), whether that counts as a suspension ([`LONG_HIDDEN_MS`]), and when the network
//! counts as back ([`ONLINE_SETTLE_MS`] after `online`, unless `offline` came first).

use super::Session;
use crate::core::machine::State;
use crate::core::time::Millis;

/// How long after `online` the network counts as back: browsers fire it as soon as an
/// interface comes up, often before routes and DNS work. An `offline` meanwhile cancels it.
///
/// ```
/// assert_eq!(wsguard::core::session::ONLINE_SETTLE_MS, 500);
/// ```
pub const ONLINE_SETTLE_MS: Millis = 500;

/// A page hidden at least this long is treated as suspended when it becomes visible again:
/// Chromium throttles a hidden page's timers to once a minute after five minutes, and freezes
/// some.
///
/// ```
/// assert_eq!(wsguard::core::session::LONG_HIDDEN_MS, 300_000);
/// ```
pub const LONG_HIDDEN_MS: Millis = 300_000;

/// One event of the page or worker, reported as it happens with [`Session::page`].
///
/// ```
/// use wsguard::core::session::PageFact;
/// // `pageshow` with `event.persisted`:
/// let fact = PageFact::Shown { restored: true };
/// assert_ne!(fact, PageFact::Shown { restored: false });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageFact {
    /// `online` (or, in a worker, a `navigator.connection` change while `navigator.onLine`).
    Online,
    /// `offline` (or, in a worker, a `navigator.connection` change while not `onLine`).
    Offline,
    /// `visibilitychange` to hidden.
    Hidden,
    /// `visibilitychange` to visible.
    Visible,
    /// `pagehide`: the page may go into the back/forward cache.
    LeftForCache,
    /// `pageshow`; `restored` is its `persisted`: back from the back/forward cache.
    Shown {
        /// Whether the page came back from the back/forward cache.
        restored: bool,
    },
    /// `freeze` on the document.
    Frozen,
    /// `resume` on the document.
    Resumed,
}

/// When the page stopped running, by cause, and the pending `online`.
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Lifecycle {
    hidden_since: Option<Millis>,
    left_since: Option<Millis>,
    frozen_since: Option<Millis>,
    /// When a reported `online` counts, unless `offline` comes first.
    settle_at: Option<Millis>,
}

impl<M> Session<M> {
    /// The page or worker reported `fact` at `now`.
    ///
    /// ```
    /// use wsguard::core::machine::State;
    /// use wsguard::core::session::{PageFact, Session};
    /// let mut session: Session<u32> = Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// session.start(0, false);
    /// session.page(10, PageFact::Online);
    /// assert_eq!(session.deadline(), Some(510)); // the network counts as back at 510
    /// ```
    pub fn page(&mut self, now: Millis, fact: PageFact) {
        let now = self.tick(now);
        let away = |since: Option<Millis>| since.map_or(0, |at| now.saturating_sub(at));
        let life = &mut self.lifecycle;
        // The page runs again: after a pause of how long, and restored from the cache or not.
        let (paused, restored) = match fact {
            PageFact::Online => {
                life.settle_at = Some(now.saturating_add(ONLINE_SETTLE_MS));
                return;
            }
            PageFact::Offline => {
                life.settle_at = None;
                return self.machine.handle_offline(now);
            }
            PageFact::Hidden => {
                life.hidden_since.get_or_insert(now);
                return;
            }
            PageFact::LeftForCache => {
                life.left_since = Some(now);
                return;
            }
            PageFact::Frozen => {
                life.frozen_since = Some(now);
                return;
            }
            PageFact::Visible => {
                let hidden = away(life.hidden_since.take());
                (if hidden >= LONG_HIDDEN_MS { hidden } else { 0 }, false)
            }
            PageFact::Shown { restored } => {
                let left = away(life.left_since.take());
                (if restored { left } else { 0 }, restored)
            }
            PageFact::Resumed => (away(life.frozen_since.take()), false),
        };
        self.machine.handle_resume(now, paused, restored);
    }

    /// When a reported `online` counts; none once the client is closed (nothing waits for the
    /// network then, and a closed client holds no timer).
    pub(super) fn settle_deadline(&self) -> Option<Millis> {
        self.lifecycle
            .settle_at
            .filter(|_| self.machine.state() != State::Closed)
    }

    /// At `now`, the settled `online`, if due.
    pub(super) fn settle_network(&mut self, now: Millis) {
        if self.lifecycle.settle_at.is_some_and(|at| at <= now) {
            self.lifecycle.settle_at = None;
            self.machine.handle_online(now);
        }
    }
}
