//! The close rules: what follows the end of the live socket. The machine reports the facts
//! ([`CloseInfo`]), then closes for good (the user's `close()`, a fatal code, no retries
//! left), waits for the network (offline), or schedules a retry after a backoff delay.

use alloc::string::String;
use alloc::vec::Vec;

use super::actions::{Action, Event, SocketAction};
use super::state::State;
use super::timers::Timer;
use super::{Machine, Socket};
use crate::core::backoff::is_retry_later;
use crate::core::close::{CloseCause, CloseInfo};
use crate::core::socket_id::SocketId;

impl<M> Machine<M> {
    /// Closes a socket our own timer gave up on, and treats it as lost.
    pub(super) fn close_dead(&mut self, socket: SocketId, code: u16, cause: CloseCause) {
        let reason = match cause {
            CloseCause::ConnectTimeout => "wsguard: connect timeout",
            _ => "wsguard: heartbeat timeout",
        };
        self.actions.push_back(Action::Socket(SocketAction::Close {
            socket,
            code,
            reason: reason.into(),
        }));
        self.end_socket(code, reason.into(), false, cause);
    }

    /// The live socket ended: report it, then close for good, wait, or schedule a retry.
    pub(super) fn end_socket(
        &mut self,
        code: u16,
        reason: String,
        was_clean: bool,
        cause: CloseCause,
    ) {
        let Some(live) = self.socket.take() else {
            return;
        };
        self.timers.clear();
        // Lost to a suspension: the heartbeat sent on resuming has not been answered, and no
        // close frame says otherwise.
        let suspended = live.resumed_at.is_some() && !was_clean;
        let cause = match cause {
            CloseCause::Socket | CloseCause::HeartbeatTimeout if suspended => CloseCause::Suspended,
            cause => cause,
        };
        let mut info = self.close_info(&live, code, reason, was_clean, cause);
        if self.state == State::Closing {
            info.cause = CloseCause::UserClose;
            self.finish(info);
            return;
        }
        let blocked = live.blocked_for_good
            && live.opened_at.is_none()
            && matches!(cause, CloseCause::OpenFailed | CloseCause::NoCloseEvent);
        let fatal =
            blocked || (cause == CloseCause::Socket && self.options.fatal_codes.contains(&code));
        let exhausted = self
            .options
            .max_retries
            .is_some_and(|max| self.retries >= max);
        if fatal || exhausted {
            self.finish(info);
            return;
        }
        info.will_retry = true;
        if !self.online {
            self.set_state(State::Offline);
            self.emit(Event::Close(info));
            return;
        }
        let retry_later = cause == CloseCause::Socket && is_retry_later(code);
        // Nothing is wrong with the network or the server: retry at once, afresh.
        let delay = if cause == CloseCause::Suspended {
            self.retries = 0;
            0
        } else {
            self.backoff.delay(self.retries, retry_later, &mut self.rng)
        };
        self.retries = self.retries.saturating_add(1);
        info.retry_in_ms = Some(delay);
        self.arm(Timer::Retry, delay);
        self.set_state(State::Reconnecting);
        self.emit(Event::Close(info));
        self.emit(Event::Reconnecting {
            attempt: self.retries,
            delay_ms: delay,
        });
    }

    /// Closes for good: hands back what is still queued, then reports the close.
    pub(super) fn finish(&mut self, mut info: CloseInfo) {
        self.timers.clear();
        self.socket = None;
        self.user_close = None;
        self.set_state(State::Closed);
        let unsent: Vec<M> = self.buffer.drain().collect();
        if !unsent.is_empty() {
            self.actions.push_back(Action::Unsent(unsent));
        }
        info.will_retry = false;
        info.retry_in_ms = None;
        self.emit(Event::Close(info));
    }

    /// The facts about the end of `live`, as of now; no retry planned yet.
    pub(super) fn close_info(
        &self,
        live: &Socket,
        code: u16,
        reason: String,
        was_clean: bool,
        cause: CloseCause,
    ) -> CloseInfo {
        let now = self.now;
        CloseInfo {
            socket: Some(live.id),
            code,
            reason,
            was_clean,
            cause,
            was_open: live.opened_at.is_some(),
            open_for_ms: live.opened_at.map_or(0, |at| now.saturating_sub(at)),
            idle_for_ms: live
                .opened_at
                .map_or(0, |_| now.saturating_sub(live.last_inbound)),
            lifetime_ms: now.saturating_sub(live.requested_at),
            attempt: live.attempt,
            will_retry: false,
            retry_in_ms: None,
            offline: !self.online,
            errored: live.errored,
        }
    }

    /// The report of a `close()` while no socket is alive.
    pub(super) fn close_info_without_socket(&self, code: u16, reason: String) -> CloseInfo {
        CloseInfo {
            socket: None,
            code,
            reason,
            was_clean: true,
            cause: CloseCause::UserClose,
            was_open: false,
            open_for_ms: 0,
            idle_for_ms: 0,
            lifetime_ms: 0,
            attempt: self.retries,
            will_retry: false,
            retry_in_ms: None,
            offline: !self.online,
            errored: false,
        }
    }
}
