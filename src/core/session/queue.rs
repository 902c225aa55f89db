//! The two queues a driver drains: the machine's [`SocketAction`]s, passed on, and
//! the session's events completed one at a time as [`SessionEvent`]s.

use super::output::SessionEvent;
use super::{ClosedAttempt, Pending, Session};
use crate::core::machine::{Action, Event, SocketAction, State};

impl<M> Session<M> {
    /// The next thing to do to sockets; events move to the event queue on the way.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// while let Some(action) = session.poll_action() {
    ///     // carry it out
    /// }
    /// ```
    pub fn poll_action(&mut self) -> Option<SocketAction<M>> {
        loop {
            match self.machine.poll_action()? {
                // An attempt already over (a `close()` made before it was carried out) is
                // not opened.
                Action::Socket(SocketAction::Open { socket, .. })
                    if self.machine.socket() != Some(socket) => {}
                Action::Socket(action) => return Some(action),
                // The attempt's facts are taken now: a listener of an earlier event may start
                // the next attempt before this close is delivered.
                Action::Emit(Event::Close(info)) => {
                    self.events.push_back(Pending::Close(ClosedAttempt {
                        info,
                        url: self.url.clone(),
                        upgraded: self.upgraded,
                        same_origin: self.same_origin(),
                        mixed_content: self.mixed_content,
                        open_error: self.open_error.clone(),
                        ended_at: self.machine.now(),
                    }))
                }
                Action::Emit(event) => self.events.push_back(Pending::Machine(event)),
                Action::Unsent(messages) => self.events.push_back(Pending::Unsent(messages)),
            }
        }
    }

    /// The next event to deliver, completed now; `online` is `navigator.onLine` at this moment.
    /// Drain [`poll_action`](Self::poll_action) first.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// while let Some(event) = session.poll_event(true) {
    ///     // dispatch it
    /// }
    /// ```
    pub fn poll_event(&mut self, online: bool) -> Option<SessionEvent<M>> {
        loop {
            let event = match self.events.pop_front()? {
                Pending::Error(thrown, warn) => SessionEvent::Error { thrown, warn },
                Pending::UrlTimeout { message, warn } => {
                    SessionEvent::UrlFunctionTimeout { message, warn }
                }
                Pending::AbandonProbe(url) => SessionEvent::AbandonProbe { url },
                Pending::Unsent(messages) => {
                    self.unsent = Some(messages);
                    continue;
                }
                Pending::Machine(Event::Open { .. }) => {
                    self.streak.opened();
                    SessionEvent::Open
                }
                // The machine starts `Idle`, which is already reported as connecting.
                Pending::Machine(Event::StateChange {
                    from: State::Idle,
                    to: State::Connecting,
                }) => continue,
                Pending::Machine(Event::StateChange { from, to }) => SessionEvent::StateChange {
                    from: if from == State::Idle {
                        State::Connecting
                    } else {
                        from
                    },
                    to,
                },
                // A `close()` from an earlier listener made this retry moot.
                Pending::Machine(Event::Reconnecting { .. }) if self.is_closing() => continue,
                Pending::Machine(Event::Reconnecting { attempt, delay_ms }) => {
                    SessionEvent::Reconnecting { attempt, delay_ms }
                }
                Pending::Close(ended) => {
                    let event = SessionEvent::Close {
                        code: ended.info.code,
                        reason: ended.info.reason.clone(),
                        was_clean: ended.info.was_clean,
                        unsent: self.unsent.take(),
                    };
                    self.events.push_front(Pending::Diagnose(ended));
                    event
                }
                // Emitted as `Ended` by `poll_action`.
                Pending::Machine(Event::Close(_)) => continue,
                Pending::Diagnose(ended) => match self.diagnose(ended, online) {
                    Some(event) => event,
                    None => continue,
                },
                Pending::Probed(ended, probe, answer) => {
                    self.diagnosis_event(&ended, probe, answer, online)
                }
            };
            return Some(event);
        }
    }
}
