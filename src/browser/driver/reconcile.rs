//! Bringing the browser side in line with the session after its actions: the socket `send`
//! may use directly, a socket the session let go of, the one timer, and the page listeners.

use alloc::rc::Rc;

use super::{Dispatch, Driver};
use crate::browser::environment::Watch;
use crate::browser::guards::Timer;
use crate::browser::js;
use crate::core::machine::State;

impl Driver {
    /// Brings the browser side in line with the session: the socket `send` may use directly, a
    /// socket the session no longer tracks, the one timer, and the page listeners (kept only
    /// while the client is not closed).
    pub(super) fn reconcile(self: &Rc<Self>) {
        let (sendable, stale_socket) = {
            let mut state = self.state.borrow_mut();
            let state = &mut *state;
            let sendable = state
                .session
                .sendable()
                .filter(|id| state.live(*id).is_some());
            let changed = (sendable != state.sendable).then(|| {
                state.sendable = sendable;
                sendable
                    .and_then(|id| state.live(id))
                    .map(|live| live.raw().clone())
            });
            let wanted = state.session.machine().socket();
            let stale = state
                .socket
                .as_ref()
                .is_some_and(|(id, _)| Some(*id) != wanted);
            (changed, stale)
        };
        if let Some(socket) = sendable {
            self.observer.sendable_changed(socket.as_ref());
        }
        if stale_socket {
            self.release_socket();
        }
        self.rearm_timer();
        let (closed, watching) = {
            let state = self.state.borrow();
            (
                state.session.machine().state() == State::Closed,
                state.environment.is_some(),
            )
        };
        if closed && watching {
            let watch = self.state.borrow_mut().environment.take();
            drop(watch);
        } else if !closed && !watching {
            let watch = self.watch_environment();
            self.state.borrow_mut().environment = Some(watch);
        }
    }

    /// Lets go of the live socket: the observer first (it detaches its listeners), then the
    /// socket's own listeners, then the socket itself.
    pub(super) fn release_socket(&self) {
        let released = self.state.borrow_mut().socket.take();
        if let Some((_, live)) = released {
            self.observer.socket_changed(None);
            drop(live);
        }
    }

    /// Re-arms the one timer when the session's next deadline moved.
    pub(super) fn rearm_timer(self: &Rc<Self>) {
        let (deadline, stale) = {
            let mut state = self.state.borrow_mut();
            let deadline = state.session.deadline();
            if state.timer.as_ref().map(|(at, _)| *at) == deadline {
                return;
            }
            (deadline, state.timer.take())
        };
        drop(stale);
        if let Some(at) = deadline {
            let delay = u32::try_from(at.saturating_sub(js::now()))
                .unwrap_or(u32::MAX)
                .min(i32::MAX as u32);
            let weak = Rc::downgrade(self);
            let timer = Timer::new(delay, move || {
                if let Some(driver) = weak.upgrade() {
                    // The timer has fired: forget it, so the next deadline always re-arms.
                    let fired = driver.state.borrow_mut().timer.take();
                    drop(fired);
                    driver.input(Dispatch::Now, |s, now| s.timeout(now));
                }
            });
            self.state.borrow_mut().timer = Some((at, timer));
        }
    }

    /// Listens for the page's facts, each reported to the session at once.
    fn watch_environment(self: &Rc<Self>) -> Watch {
        let weak = Rc::downgrade(self);
        Watch::new(move |fact| {
            if let Some(driver) = weak.upgrade() {
                driver.input(Dispatch::Now, |s, now| s.page(now, fact));
            }
        })
    }
}
