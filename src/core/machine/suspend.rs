//! Suspensions: the page was not running (a sleeping device, a frozen or stopped page, the
//! back/forward cache), so a connection that looks open may have died meanwhile without a
//! trace (a NAT or proxy forgot it), or the browser closed it. The machine learns of one from
//! the driver ([`Machine::handle_resume`]: the page resumed, was restored from the cache, or
//! became visible after a long hidden time) or notices it itself: a timer that fires
//! [`LATE_TIMER_MS`] or more after its deadline means the page was not running meanwhile.
//!
//! What follows:
//! - while reconnecting or offline, the driver's signals attempt at once;
//! - a restore from the back/forward cache replaces the live socket at once (browsers close
//!   a cached page's sockets; Chromium reports it only after the restore);
//! - with a heartbeat, an open socket is checked: the heartbeat goes out at once and its
//!   timeout applies (once per suspension, so that throttled timers cannot postpone it);
//! - without one, a pause of at least `reconnect_after_suspend_ms` replaces the open socket;
//!   while open, a wake-up every half of that (1–30 s) lets a pause show up as lateness;
//! - a socket replaced, or one that ends while the heartbeat sent on resuming waits for its
//!   answer (no inbound message has shown it alive since), is reported as
//!   [`CloseCause::Suspended`] and retried at once, not after a backoff delay. Without a
//!   heartbeat a shorter pause leaves no mark: a later drop is an ordinary loss, retried with
//!   backoff (timers of hidden tabs run late all the time, and a server that drops every
//!   client must not get them back all at once).

use alloc::string::String;

use super::actions::{Action, SocketAction};
use super::state::State;
use super::timers::Timer;
use super::Machine;
use crate::core::close::{CloseCause, CLOSE_SUSPENDED};
use crate::core::time::Millis;

/// How late a timer must fire for the machine to take it as a suspension: above the
/// alignment browsers apply to timers of hidden pages (1 s).
pub const LATE_TIMER_MS: Millis = 2000;

/// The shortest and longest period of the [`Timer::Watch`] wake-up.
const WATCH_MS: (Millis, Millis) = (1000, 30_000);

impl<M> Machine<M> {
    /// The page resumed after being suspended for about `paused_ms` (`restored`: it came back
    /// from the back/forward cache); the session calls it for the page facts that mean the
    /// page runs again (see [`Session::page`](crate::core::session::Session::page)). While
    /// reconnecting or offline it attempts at once with a fresh backoff; with `paused_ms` 0
    /// and not `restored` (the page only became visible) there is nothing else to do.
    ///
    /// ```
    /// use wsguard::core::machine::{Action, Machine, SocketAction, State, CLOSE_SUSPENDED};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_open(10, machine.socket().unwrap());
    /// while machine.poll_action().is_some() {}
    /// machine.handle_resume(60_000, 50_000, true); // back from the back/forward cache
    /// let closed = std::iter::from_fn(|| machine.poll_action())
    ///     .any(|a| matches!(a, Action::Socket(SocketAction::Close { code: CLOSE_SUSPENDED, .. })));
    /// assert!(closed);
    /// // No backoff delay: the retry is due now.
    /// assert_eq!((machine.state(), machine.poll_timeout()), (State::Reconnecting, Some(60_000)));
    /// ```
    pub fn handle_resume(&mut self, now: Millis, paused_ms: Millis, restored: bool) {
        self.tick(now);
        if matches!(self.state, State::Reconnecting | State::Offline) {
            self.attempt_afresh();
        } else {
            self.resume(paused_ms, restored);
        }
    }

    /// Checks or replaces the live socket after a suspension of `paused_ms`.
    pub(super) fn resume(&mut self, paused_ms: Millis, restored: bool) {
        if paused_ms == 0 && !restored {
            return;
        }
        let now = self.now;
        let state = self.state;
        let heartbeat = self.options.heartbeat.is_some();
        let limit = self.options.reconnect_after_suspend_ms;
        let connect_timeout = self.options.connect_timeout_ms;
        // Only a socket that lived through the pause; one made since is fresh.
        let Some(live) = self
            .socket
            .as_mut()
            .filter(|live| live.requested_at.saturating_add(paused_ms) <= now)
        else {
            return;
        };
        let id = live.id;
        let replace = restored
            || (state == State::Open && !heartbeat && limit.is_some_and(|at| paused_ms >= at));
        match state {
            State::Connecting | State::Open if replace => {
                let reason = String::from("wsguard: suspended");
                self.actions.push_back(Action::Socket(SocketAction::Close {
                    socket: id,
                    code: CLOSE_SUSPENDED,
                    reason: reason.clone(),
                }));
                self.end_socket(CLOSE_SUSPENDED, reason, false, CloseCause::Suspended);
            }
            State::Open if heartbeat && !(live.checking && live.heartbeat_sent_at.is_some()) => {
                live.resumed_at = Some(now);
                live.heartbeat_sent_at = None;
                live.checking = true;
                self.send_heartbeat(id);
            }
            // The handshake's time ran while the page did not: it gets a fresh one.
            State::Connecting if connect_timeout > 0 => {
                self.arm(Timer::ConnectTimeout, connect_timeout);
            }
            _ => {}
        }
    }

    /// While open without a heartbeat, with a suspension limit: the next wake-up.
    pub(super) fn arm_watch(&mut self) {
        if self.state != State::Open || self.options.heartbeat.is_some() {
            return;
        }
        if let Some(limit) = self.options.reconnect_after_suspend_ms {
            let (shortest, longest) = WATCH_MS;
            self.arm(Timer::Watch, (limit / 2).clamp(shortest, longest));
        }
    }
}
