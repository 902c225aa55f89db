//! Delivering the session's events to the observer, in order: at once for an input from the
//! browser, from a microtask for a call on the client; and the probe an event asks for.

use alloc::rc::Rc;
use alloc::string::String;

use wasm_bindgen::JsValue;

use super::Driver;
use crate::browser::environment;
use crate::browser::events::{ClientEvent, CloseReport};
use crate::browser::js::{self, Settling};
use crate::browser::probe::{Outcome, Running};
use crate::core::session::SessionEvent;

impl Driver {
    /// Delivers the session's events from a microtask. Dropping the client cancels it.
    pub(super) fn schedule_delivery(self: &Rc<Self>) {
        if self.delivery.borrow().is_some() {
            return;
        }
        let weak = Rc::downgrade(self);
        let task = Settling::new(&JsValue::UNDEFINED, move |_, _| {
            if let Some(driver) = weak.upgrade() {
                let done = driver.delivery.borrow_mut().take();
                drop(done);
                driver.deliver();
            }
        });
        *self.delivery.borrow_mut() = Some(task);
    }

    /// Delivers the session's events in order. An observer that calls back into the client
    /// only adds to them, which this loop then picks up.
    pub(super) fn deliver(self: &Rc<Self>) {
        if self.delivering.replace(true) {
            return;
        }
        while !self.released.get() {
            // Read before borrowing: a diagnosis completed now needs `navigator.onLine`.
            let online = environment::is_online();
            let next = self.state.borrow_mut().session.poll_event(online);
            let event = match next {
                None => break,
                Some(SessionEvent::Probe { url, same_origin }) => {
                    self.start_probe(url, same_origin);
                    // The probe's deadline is the session's.
                    self.rearm_timer();
                    continue;
                }
                Some(SessionEvent::AbandonProbe { url }) => {
                    let abandoned = self.state.borrow_mut().take_probe(&url);
                    drop(abandoned);
                    continue;
                }
                Some(SessionEvent::UrlFunctionTimeout { message, warn }) => {
                    let error: JsValue = js_sys::Error::new(&message).into();
                    failure_warning(warn, &error);
                    ClientEvent::Error(Some(error))
                }
                Some(SessionEvent::Open) => ClientEvent::Open,
                Some(SessionEvent::Error { thrown, warn }) => {
                    if let Some(error) = &thrown {
                        failure_warning(warn, error);
                    }
                    ClientEvent::Error(thrown)
                }
                Some(SessionEvent::Close {
                    code,
                    reason,
                    was_clean,
                    unsent,
                }) => ClientEvent::Close(CloseReport {
                    code,
                    reason,
                    was_clean,
                    unsent,
                }),
                Some(SessionEvent::StateChange { from, to }) => {
                    ClientEvent::StateChange { from, to }
                }
                Some(SessionEvent::Reconnecting { attempt, delay_ms }) => {
                    ClientEvent::Reconnecting { attempt, delay_ms }
                }
                Some(SessionEvent::Diagnosis { diagnosis, warn }) => {
                    if warn {
                        js::warn(&diagnosis.console_text().into(), None);
                    }
                    ClientEvent::Diagnosis(diagnosis)
                }
            };
            self.observer.event(event);
        }
        self.delivering.set(false);
        if self.released.get() {
            self.release();
        }
    }

    /// Runs the probe the session asked for (of the socket's own URL when `same_origin`, else
    /// of its HTTPS origin); its outcome goes back to the session, and the diagnosis that
    /// waited for it is delivered. It runs until it answers or the session abandons it.
    fn start_probe(self: &Rc<Self>, url: String, same_origin: bool) {
        let weak = Rc::downgrade(self);
        let probed = url.clone();
        let running = Running::start(&probed, same_origin, move |outcome| {
            let Some(driver) = weak.upgrade() else { return };
            let finished = {
                let mut state = driver.state.borrow_mut();
                match outcome {
                    Outcome::Finished(result) => state.session.probe_finished(&url, result),
                    Outcome::Answered {
                        status,
                        server,
                        body,
                    } => state.session.probe_answered(&url, status, &server, &body),
                }
                state.take_probe(&url)
            };
            drop(finished);
            driver.rearm_timer();
            driver.deliver();
        });
        let previous = {
            let mut state = self.state.borrow_mut();
            let previous = state.take_probe(&probed);
            state.probes.push((probed, running));
            previous
        };
        drop(previous);
    }
}

/// Writes what an attempt that could not open a socket threw, when the session says to.
fn failure_warning(warn: bool, error: &JsValue) {
    if warn {
        js::warn(
            &"wsguard: this attempt could not open a socket:".into(),
            Some(error),
        );
    }
}
