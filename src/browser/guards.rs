//! RAII guards for what the driver attaches to the browser: an event listener is removed and a
//! timer cleared when its guard drops. Nothing here is ever `forget`-ed.
//!
//! ```no_run
//! use wsguard::browser::guards::Listener;
//! let target = web_sys::EventTarget::new().unwrap();
//! let listener = Listener::new(&target, "ping", |_event| {});
//! drop(listener); // removeEventListener
//! ```

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use web_sys::{Event, EventTarget};

use super::tally::{Tally, What};

/// An event listener that is removed when dropped (gloo-events' `EventListener`, counted).
///
/// ```no_run
/// use wsguard::browser::guards::Listener;
/// let target = web_sys::EventTarget::new().unwrap();
/// let _listener = Listener::new(&target, "message", |event| {
///     web_sys::console::log_1(event);
/// });
/// ```
#[must_use = "the listener is removed as soon as this guard drops"]
#[derive(Debug)]
pub struct Listener {
    _listener: EventListener,
    _tally: Tally,
}

impl Listener {
    /// Adds `callback` as a listener for `event_type` on `target`.
    ///
    /// ```no_run
    /// use wsguard::browser::guards::Listener;
    /// let target = web_sys::EventTarget::new().unwrap();
    /// let _listener = Listener::new(&target, "open", |_| {});
    /// ```
    pub fn new<F>(target: &EventTarget, event_type: &'static str, callback: F) -> Self
    where
        F: FnMut(&Event) + 'static,
    {
        Self {
            _listener: EventListener::new(target, event_type, callback),
            _tally: Tally::new(What::Listener),
        }
    }
}

/// A one-shot timer that is cleared when dropped (gloo-timers' `Timeout`, counted).
///
/// ```no_run
/// use wsguard::browser::guards::Timer;
/// let timer = Timer::new(1000, || web_sys::console::log_1(&"fired".into()));
/// drop(timer); // clearTimeout
/// ```
#[must_use = "the timer is cleared as soon as this guard drops"]
#[derive(Debug)]
pub struct Timer {
    _timeout: Timeout,
    _tally: Tally,
}

impl Timer {
    /// Calls `callback` once after `millis` milliseconds.
    ///
    /// ```no_run
    /// use wsguard::browser::guards::Timer;
    /// let _timer = Timer::new(0, || {});
    /// ```
    pub fn new<F>(millis: u32, callback: F) -> Self
    where
        F: FnOnce() + 'static,
    {
        Self {
            _timeout: Timeout::new(millis, callback),
            _tally: Tally::new(What::Timer),
        }
    }
}
