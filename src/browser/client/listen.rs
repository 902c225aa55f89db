//! The typed subscriptions of a [`Client`]: one `on_*` method per event, each returning a
//! [`Subscription`] that unsubscribes when dropped.

use alloc::boxed::Box;
use alloc::rc::Rc;

use wasm_bindgen::JsValue;

use super::{Client, ClientEvent, CloseReport, Message, Subscription};
use crate::core::diagnosis::Diagnosis;
use crate::core::machine::State;
use crate::core::time::Millis;

impl Client {
    /// Calls `callback` with every event but messages, in order: the typed enum for apps that
    /// turn events into their own messages (a Yew `Msg`, a Leptos signal).
    ///
    /// ```no_run
    /// use wsguard::browser::client::ClientEvent;
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _all = client.on_event(|event| {
    ///     if let ClientEvent::Open = event {
    ///         web_sys::console::log_1(&"open".into());
    ///     }
    /// });
    /// ```
    pub fn on_event(&self, callback: impl FnMut(&ClientEvent) + 'static) -> Subscription {
        let id = self.hub.subscribe(Box::new(callback));
        Subscription::new(Rc::downgrade(&self.hub), id)
    }

    /// Calls `callback` with every message, straight from the browser socket's own `message`
    /// event (the listener moves to each new socket).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _messages = client.on_message(|message| {
    ///     if let Some(bytes) = message.bytes() {
    ///         web_sys::console::log_1(&bytes.len().into());
    ///     }
    /// });
    /// ```
    pub fn on_message(&self, callback: impl FnMut(Message) + 'static) -> Subscription {
        let id = self.hub.subscribe_messages(Box::new(callback));
        Subscription::new(Rc::downgrade(&self.hub), id)
    }

    /// Calls `callback` each time a socket opens (its queue already flushed into it).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _open = client.on_open(|| web_sys::console::log_1(&"open".into()));
    /// ```
    pub fn on_open(&self, mut callback: impl FnMut() + 'static) -> Subscription {
        self.on_event(move |event| {
            if let ClientEvent::Open = event {
                callback();
            }
        })
    }

    /// Calls `callback` when a socket ends (each failed attempt, each lost connection, and
    /// the final close, whose report carries the unsent messages).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _close = client.on_close(|close| {
    ///     web_sys::console::log_3(&close.code.into(), &close.reason.as_str().into(), &close.was_clean.into());
    /// });
    /// ```
    pub fn on_close(&self, mut callback: impl FnMut(&CloseReport) + 'static) -> Subscription {
        self.on_event(move |event| {
            if let ClientEvent::Close(report) = event {
                callback(report);
            }
        })
    }

    /// Calls `callback` when the browser socket reports an error, or with what was thrown
    /// when no socket could be created (the browser refused the URL, the URL function failed).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _error = client.on_error(|thrown| {
    ///     if let Some(thrown) = thrown {
    ///         web_sys::console::warn_1(thrown);
    ///     }
    /// });
    /// ```
    pub fn on_error(&self, mut callback: impl FnMut(Option<&JsValue>) + 'static) -> Subscription {
        self.on_event(move |event| {
            if let ClientEvent::Error(thrown) = event {
                callback(thrown.as_ref());
            }
        })
    }

    /// Calls `callback(from, to)` when the state changes.
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _state = client.on_state_change(|from, to| {
    ///     web_sys::console::log_2(&from.as_str().into(), &to.as_str().into());
    /// });
    /// ```
    pub fn on_state_change(
        &self,
        mut callback: impl FnMut(State, State) + 'static,
    ) -> Subscription {
        self.on_event(move |event| {
            if let ClientEvent::StateChange { from, to } = event {
                callback(*from, *to);
            }
        })
    }

    /// Calls `callback(attempt, delay_ms)` when a retry is scheduled (`attempt` from 1).
    ///
    /// ```no_run
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _retry = client.on_reconnecting(|attempt, delay_ms| {
    ///     web_sys::console::log_2(&attempt.into(), &(delay_ms as f64).into());
    /// });
    /// ```
    pub fn on_reconnecting(&self, mut callback: impl FnMut(u32, Millis) + 'static) -> Subscription {
        self.on_event(move |event| {
            if let ClientEvent::Reconnecting { attempt, delay_ms } = event {
                callback(*attempt, *delay_ms);
            }
        })
    }

    /// Calls `callback` with the diagnosis of each close: what most likely happened and what
    /// to do (after the close, at once or when the HTTPS probe answered).
    ///
    /// ```no_run
    /// use wsguard::core::diagnosis::Kind;
    /// # let client: wsguard::browser::client::Client = unimplemented!();
    /// let _diagnosis = client.on_diagnosis(|diagnosis| {
    ///     if diagnosis.kind == Kind::Certificate {
    ///         web_sys::console::warn_1(&diagnosis.advice.as_ref().into());
    ///     }
    /// });
    /// ```
    pub fn on_diagnosis(&self, mut callback: impl FnMut(&Diagnosis) + 'static) -> Subscription {
        self.on_event(move |event| {
            if let ClientEvent::Diagnosis(diagnosis) = event {
                callback(diagnosis);
            }
        })
    }
}
