//! The timer input: [`Machine::handle_timeout`], and what each timer does when it fires.

use alloc::string::String;

use super::actions::{Action, SocketAction};
use super::suspend::LATE_TIMER_MS;
use super::timers::Timer;
use super::Machine;
use crate::core::close::{
    CloseCause, CLOSE_CONNECT_TIMEOUT, CLOSE_HEARTBEAT_TIMEOUT, CODE_ABNORMAL,
};
use crate::core::socket_id::SocketId;
use crate::core::time::Millis;

impl<M> Machine<M> {
    /// The timer armed from [`Machine::poll_timeout`] fired. Early or spurious calls do
    /// nothing.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_timeout(9_999);
    /// assert_eq!(machine.state(), State::Connecting);
    /// machine.handle_timeout(10_000);
    /// assert_eq!(machine.state(), State::Reconnecting);
    /// ```
    pub fn handle_timeout(&mut self, now: Millis) {
        let due = self.timers.earliest();
        self.tick(now);
        // A timer this late means the page was not running: check the socket first.
        let late = due.map_or(0, |at| self.now.saturating_sub(at));
        if late >= LATE_TIMER_MS {
            self.resume(late, false);
        }
        // Every timer a handler arms lies in the future or leads to a state that waits for
        // the driver, so a few rounds always suffice; the bound only guards the loop.
        for _ in 0..Timer::ALL.len() * 4 {
            let Some(timer) = self.timers.due(self.now) else {
                return;
            };
            self.disarm(timer);
            self.fire(timer);
        }
    }

    fn fire(&mut self, timer: Timer) {
        let live = self.socket();
        match (timer, live) {
            (Timer::Retry, _) => self.request_socket(self.retries),
            (Timer::ConnectTimeout, Some(socket)) => {
                self.close_dead(socket, CLOSE_CONNECT_TIMEOUT, CloseCause::ConnectTimeout);
            }
            (Timer::Stable, _) => self.retries = 0,
            (Timer::Watch, _) => self.arm_watch(),
            (Timer::HeartbeatIdle, Some(socket)) => self.send_heartbeat(socket),
            (Timer::HeartbeatDead, Some(socket)) => {
                self.close_dead(
                    socket,
                    CLOSE_HEARTBEAT_TIMEOUT,
                    CloseCause::HeartbeatTimeout,
                );
            }
            (Timer::CloseGrace, _) => {
                let (code, reason) = self
                    .user_close
                    .clone()
                    .unwrap_or_else(|| (1000, String::new()));
                self.end_socket(code, reason, false, CloseCause::UserClose);
            }
            (Timer::ErrorGrace, Some(socket)) => {
                self.actions.push_back(Action::Socket(SocketAction::Close {
                    socket,
                    code: 1000,
                    reason: String::new(),
                }));
                self.end_socket(
                    CODE_ABNORMAL,
                    String::new(),
                    false,
                    CloseCause::NoCloseEvent,
                );
            }
            // Socket timers are disarmed whenever the socket ends.
            (
                Timer::ConnectTimeout
                | Timer::HeartbeatIdle
                | Timer::HeartbeatDead
                | Timer::ErrorGrace,
                None,
            ) => {}
        }
    }

    /// The heartbeat's idle timer fired: send the heartbeat, unless one is already waiting
    /// for its answer (then this was only a wake-up, armed below).
    pub(super) fn send_heartbeat(&mut self, socket: SocketId) {
        let now = self.now;
        let (Some(live), Some(heartbeat)) = (self.socket.as_mut(), self.options.heartbeat.as_ref())
        else {
            return;
        };
        let interval = heartbeat.interval_ms;
        if live.heartbeat_sent_at.is_none() {
            live.heartbeat_sent_at = Some(now);
            let timeout = heartbeat.timeout_ms;
            self.actions
                .push_back(Action::Socket(SocketAction::SendHeartbeat { socket }));
            self.arm(Timer::HeartbeatDead, timeout);
        }
        // An answer at `t` re-arms the idle timer for `t + interval`, which may come before
        // the dead timer. A driver that reports messages lazily only reports them when the
        // machine wakes up, so wake up every `interval` meanwhile: an answer that arrived
        // since the last wake-up is then reported before its `t + interval`.
        let wake_up = now.saturating_add(interval);
        if self
            .timers
            .get(Timer::HeartbeatDead)
            .is_some_and(|dead| wake_up < dead)
        {
            self.arm_at(Timer::HeartbeatIdle, wake_up);
        }
    }
}
