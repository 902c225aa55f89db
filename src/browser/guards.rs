//! RAII guards for what the driver attaches to the browser: an event listener is removed and a
//! timer cleared when its guard drops. Nothing here is ever `forget`-ed, and each guard is
//! counted (see [`tally`](super::tally)) so that leak tests can check that they all go.
//!
//! A call that page code made throw (a replaced `setTimeout`, `clearTimeout`,
//! `addEventListener` or `removeEventListener`) is ignored: the timer or listener is then
//! missing, and no exception unwinds through the driver. That, and their size, is why these are
//! not gloo's `Timeout` and `EventListener`, which throw instead (docs/architecture.md,
//! "Decision: gloo").
//!
//! ```no_run
//! use wsguard::browser::guards::Listener;
//! let target = web_sys::EventTarget::new().unwrap();
//! let listener = Listener::new(&target, "ping", |_event| {});
//! drop(listener); // removeEventListener
//! ```

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, EventTarget};

use super::js;
use super::tally::{Counted, Tally};

/// An event listener, removed when dropped.
///
/// ```no_run
/// use wsguard::browser::guards::Listener;
/// let target = web_sys::EventTarget::new().unwrap();
/// let _listener = Listener::new(&target, "open", |event| drop(event));
/// ```
#[must_use = "the listener is removed as soon as this guard drops"]
pub struct Listener {
    target: EventTarget,
    event_type: &'static str,
    callback: Closure<dyn FnMut(Event)>,
    _tally: Tally,
}

impl Listener {
    /// Adds `callback` as a listener for `event_type` on `target`.
    ///
    /// ```no_run
    /// # use wsguard::browser::guards::Listener;
    /// # let target = web_sys::EventTarget::new().unwrap();
    /// let listener = Listener::new(&target, "close", |_| {});
    /// ```
    pub fn new(
        target: &EventTarget,
        event_type: &'static str,
        callback: impl FnMut(Event) + 'static,
    ) -> Self {
        let callback = Closure::<dyn FnMut(Event)>::new(callback);
        // Only a page that replaced `addEventListener` can make this throw; the listener is
        // then simply missing, as it would be for that page's own code.
        let _ =
            target.add_event_listener_with_callback(event_type, callback.as_ref().unchecked_ref());
        Self {
            target: target.clone(),
            event_type,
            callback,
            _tally: Tally::new(Counted::Listener),
        }
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(
            self.event_type,
            self.callback.as_ref().unchecked_ref(),
        );
    }
}

/// A `setTimeout` that runs `callback` once, cleared when dropped.
///
/// ```no_run
/// use wsguard::browser::guards::Timer;
/// let timer = Timer::new(1000, || {});
/// drop(timer); // clearTimeout
/// ```
#[must_use = "the timer is cleared as soon as this guard drops"]
pub struct Timer {
    id: JsValue,
    _callback: Closure<dyn FnMut()>,
    _tally: Tally,
}

impl Timer {
    /// Arms a timer for `millis` milliseconds.
    ///
    /// ```no_run
    /// # use wsguard::browser::guards::Timer;
    /// let _timer = Timer::new(0, || web_sys::console::log_1(&"fired".into()));
    /// ```
    pub fn new(millis: u32, callback: impl FnOnce() + 'static) -> Self {
        let mut callback = Some(callback);
        let callback = Closure::<dyn FnMut()>::new(move || {
            if let Some(callback) = callback.take() {
                callback();
            }
        });
        let id = js::set_timeout(callback.as_ref().unchecked_ref(), millis)
            .unwrap_or(JsValue::UNDEFINED);
        Self {
            id,
            _callback: callback,
            _tally: Tally::new(Counted::Timer),
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        let _ = js::clear_timeout(&self.id);
    }
}
