//! The driver's inputs: the socket's events, the user's calls and the page's signals, each
//! with the time. The timer input is in `timeouts.rs`.

use alloc::string::String;

use super::actions::{Action, Event, SocketAction};
use super::state::State;
use super::timers::{Timer, CLOSE_GRACE_MS, ERROR_CLOSE_GRACE_MS};
use super::Machine;
use crate::core::buffer::{SendError, SendRefusal};
use crate::core::close::{
    check_user_close, CloseCause, CloseError, CLOSE_RECONNECT, CODE_ABNORMAL,
};
use crate::core::socket_id::SocketId;
use crate::core::time::Millis;

impl<M> Machine<M> {
    /// Starts the client: the first attempt. Ignored unless [`State::Idle`].
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// let first = machine.socket();
    /// machine.handle_start(1);
    /// assert_eq!(machine.socket(), first);
    /// ```
    pub fn handle_start(&mut self, now: Millis) {
        self.tick(now);
        if self.state == State::Idle {
            self.request_socket(0);
        }
    }

    /// The socket's `open` event.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_open(30, machine.socket().unwrap());
    /// assert_eq!(machine.state(), State::Open);
    /// ```
    pub fn handle_socket_open(&mut self, now: Millis, socket: SocketId) {
        self.tick(now);
        if self.state != State::Connecting {
            return;
        }
        let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) else {
            return;
        };
        live.opened_at = Some(self.now);
        live.last_inbound = self.now;
        live.heartbeat_sent_at = None;
        live.resumed_at = None;
        let attempt = live.attempt;
        self.disarm(Timer::ConnectTimeout);
        // The queue goes out first, so that anything sent from here on (even from the
        // `open` event's listeners) follows it.
        self.actions.extend(
            self.buffer
                .drain()
                .map(|message| Action::Socket(SocketAction::Send { socket, message })),
        );
        self.set_state(State::Open);
        self.emit(Event::Open { socket, attempt });
        if self.options.stable_after_ms == 0 {
            self.retries = 0;
        } else {
            self.arm(Timer::Stable, self.options.stable_after_ms);
        }
        self.arm_heartbeat();
        self.arm_watch();
    }

    /// The latest inbound message on `socket` arrived at `at` (its content stays with the
    /// driver): proof of life for the heartbeat, and the start of the silence a close reports
    /// as [`CloseInfo::idle_for_ms`](crate::core::close::CloseInfo::idle_for_ms).
    ///
    /// The driver may report messages lazily (see the module docs): `at` may lie before the
    /// machine's current time, and reporting the same time again changes nothing. The
    /// heartbeat timer is re-armed from `at`, and a message that arrived after the heartbeat
    /// was sent answers it.
    ///
    /// ```
    /// use wsguard::core::machine::{Action, Machine, SocketAction};
    /// use wsguard::core::options::{Heartbeat, Options};
    /// let heartbeat = Heartbeat { interval_ms: 1000, timeout_ms: 500, ..Heartbeat::default() };
    /// let options = Options { heartbeat: Some(heartbeat), stable_after_ms: 0, ..Options::default() };
    /// let mut machine: Machine<()> = Machine::new(options, 1);
    /// machine.handle_start(0);
    /// let id = machine.socket().unwrap();
    /// machine.handle_socket_open(0, id);
    /// // The timer set for 1000 fires; the driver first reports the message of 600.
    /// machine.handle_inbound(600, id);
    /// machine.handle_timeout(1000);
    /// assert!(std::iter::from_fn(|| machine.poll_action()).all(|a| !matches!(a, Action::Socket(SocketAction::SendHeartbeat { .. }))));
    /// assert_eq!(machine.poll_timeout(), Some(1600));
    /// ```
    pub fn handle_inbound(&mut self, at: Millis, socket: SocketId) {
        self.tick(at);
        if self.state != State::Open {
            return;
        }
        let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) else {
            return;
        };
        live.last_inbound = live.last_inbound.max(at);
        let last_inbound = live.last_inbound;
        if live.resumed_at.is_some_and(|resumed| at >= resumed) {
            // It survived the suspension.
            live.resumed_at = None;
        }
        if live.heartbeat_sent_at.is_some_and(|sent| at < sent) {
            // Older than the heartbeat: it cannot answer it, and the idle timer it would have
            // re-armed has already fired.
            return;
        }
        live.heartbeat_sent_at = None;
        live.checking = false;
        self.disarm(Timer::HeartbeatDead);
        if let Some(interval) = self.options.heartbeat.as_ref().map(|h| h.interval_ms) {
            self.arm_at(Timer::HeartbeatIdle, last_inbound.saturating_add(interval));
        }
    }

    /// The socket's `error` event: noted for the close that follows it.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_error(5, machine.socket().unwrap());
    /// assert_eq!(machine.state(), State::Connecting);
    /// ```
    pub fn handle_socket_error(&mut self, now: Millis, socket: SocketId) {
        self.tick(now);
        if let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) {
            live.errored = true;
            self.arm(Timer::ErrorGrace, ERROR_CLOSE_GRACE_MS);
        }
    }

    /// The socket's `close` event.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_socket_close(5, machine.socket().unwrap(), 1008, "forbidden", true);
    /// assert_eq!(machine.state(), State::Closed); // 1008 is fatal by default
    /// ```
    pub fn handle_socket_close(
        &mut self,
        now: Millis,
        socket: SocketId,
        code: u16,
        reason: &str,
        was_clean: bool,
    ) {
        self.tick(now);
        if self.socket() == Some(socket) {
            self.end_socket(code, reason.into(), was_clean, CloseCause::Socket);
        }
    }

    /// Opening the socket failed before it existed: the constructor threw (`SecurityError`,
    /// `SyntaxError`) or the URL function failed. Counts as a failed attempt.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_open_failed(0, machine.socket().unwrap());
    /// assert_eq!(machine.state(), State::Reconnecting);
    /// ```
    pub fn handle_open_failed(&mut self, now: Millis, socket: SocketId) {
        self.tick(now);
        if self.socket() == Some(socket) {
            self.end_socket(CODE_ABNORMAL, String::new(), false, CloseCause::OpenFailed);
        }
    }

    /// The browser blocks the URL of `socket` as mixed content, and will on every attempt
    /// (the URL is fixed, not a function's): if the socket fails to open (the constructor
    /// threw, or an `error` came without a `close`), the client closes for good instead of
    /// retrying.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// let socket = machine.socket().unwrap();
    /// machine.handle_blocked_for_good(socket);
    /// machine.handle_open_failed(0, socket);
    /// assert_eq!(machine.state(), State::Closed);
    /// ```
    pub fn handle_blocked_for_good(&mut self, socket: SocketId) {
        if let Some(live) = self.socket.as_mut().filter(|s| s.id == socket) {
            live.blocked_for_good = true;
        }
    }

    /// The user's `send(message)`, `size` being the message's size in bytes. Sent at once
    /// when open, queued otherwise; refused (and handed back) when the queue is full or off,
    /// or the client is closed.
    ///
    /// ```
    /// use wsguard::core::buffer::SendRefusal;
    /// use wsguard::core::machine::Machine;
    /// use wsguard::core::options::Options;
    /// let options = Options { max_buffered_messages: 1, ..Options::default() };
    /// let mut machine = Machine::new(options, 1);
    /// machine.handle_send(0, "a", 1).unwrap();
    /// let err = machine.handle_send(0, "b", 1).unwrap_err();
    /// assert_eq!(err.refusal, SendRefusal::TooManyMessages { limit: 1 });
    /// ```
    pub fn handle_send(&mut self, now: Millis, message: M, size: u64) -> Result<(), SendError<M>> {
        self.tick(now);
        match (self.state, self.socket()) {
            (State::Open, Some(socket)) => {
                self.actions
                    .push_back(Action::Socket(SocketAction::Send { socket, message }));
                Ok(())
            }
            (State::Closing | State::Closed, _) => Err(SendError {
                refusal: SendRefusal::Closed,
                message,
            }),
            _ => self.buffer.push(message, size),
        }
    }

    /// The user's `close(code, reason)`: final. The code must be 1000 or 3000–4999 and the
    /// reason at most 123 UTF-8 bytes, as for the browser's own `close()`.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_close(10, 1000, "bye").unwrap();
    /// assert_eq!(machine.state(), State::Closing);
    /// machine.handle_socket_close(20, machine.socket().unwrap(), 1000, "bye", true);
    /// assert_eq!(machine.state(), State::Closed);
    /// ```
    pub fn handle_close(&mut self, now: Millis, code: u16, reason: &str) -> Result<(), CloseError> {
        check_user_close(code, reason)?;
        self.tick(now);
        match (self.state, self.socket()) {
            (State::Closing | State::Closed, _) => {}
            (State::Connecting | State::Open, Some(socket)) => {
                self.actions.push_back(Action::Socket(SocketAction::Close {
                    socket,
                    code,
                    reason: reason.into(),
                }));
                self.timers.clear();
                self.user_close = Some((code, reason.into()));
                self.set_state(State::Closing);
                self.arm(Timer::CloseGrace, CLOSE_GRACE_MS);
            }
            _ => {
                let info = self.close_info_without_socket(code, reason.into());
                self.finish(info);
            }
        }
        Ok(())
    }

    /// The user's `reconnect()`: closes the current socket, if any, and attempts at once with
    /// a fresh backoff. Also revives a [`State::Closed`] client.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_close(0, 1000, "").unwrap();
    /// machine.handle_reconnect(10);
    /// assert_eq!(machine.state(), State::Connecting);
    /// assert!(machine.socket().is_some());
    /// ```
    pub fn handle_reconnect(&mut self, now: Millis) {
        self.tick(now);
        if let Some(live) = self.socket.take() {
            let (code, reason, cause) = match self.user_close.take() {
                // close() already asked this socket to close.
                Some((code, reason)) => (code, reason, CloseCause::UserClose),
                None => {
                    let reason = String::from("wsguard: reconnect");
                    self.actions.push_back(Action::Socket(SocketAction::Close {
                        socket: live.id,
                        code: CLOSE_RECONNECT,
                        reason: reason.clone(),
                    }));
                    (CLOSE_RECONNECT, reason, CloseCause::UserReconnect)
                }
            };
            let mut info = self.close_info(&live, code, reason, false, cause);
            info.will_retry = true;
            info.retry_in_ms = Some(0);
            self.emit(Event::Close(info));
        }
        self.attempt_afresh();
    }

    /// The browser's `online` event: while reconnecting or offline, attempts at once with a
    /// fresh backoff.
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_offline(0);
    /// machine.handle_start(0);
    /// machine.handle_socket_close(5, machine.socket().unwrap(), 1006, "", false);
    /// assert_eq!(machine.state(), State::Offline);
    /// machine.handle_online(60_000);
    /// assert_eq!(machine.state(), State::Connecting);
    /// ```
    pub fn handle_online(&mut self, now: Millis) {
        self.tick(now);
        let was_online = core::mem::replace(&mut self.online, true);
        if !was_online && matches!(self.state, State::Reconnecting | State::Offline) {
            self.attempt_afresh();
        }
    }

    /// The browser's `offline` event: a pending retry waits for the network instead. A live
    /// socket is left alone (`navigator.onLine` is only a hint, and loopback still works).
    ///
    /// ```
    /// use wsguard::core::machine::{Machine, State};
    /// use wsguard::core::options::Options;
    /// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
    /// machine.handle_start(0);
    /// machine.handle_open_failed(0, machine.socket().unwrap());
    /// machine.handle_offline(10);
    /// assert_eq!((machine.state(), machine.poll_timeout()), (State::Offline, None));
    /// ```
    pub fn handle_offline(&mut self, now: Millis) {
        self.tick(now);
        self.online = false;
        if self.state == State::Reconnecting {
            self.disarm(Timer::Retry);
            self.set_state(State::Offline);
        }
    }
}
