//! The page's network and visibility: `online`/`offline` on the global object, and
//! `visibilitychange`/`pageshow` on the document, reported as they happen (the session settles
//! `online` itself, see [`ONLINE_SETTLE_MS`](crate::core::session::ONLINE_SETTLE_MS)).
//!
//! ```no_run
//! use wsguard::browser::environment::{Change, Watch};
//! let watch = Watch::new(|change| {
//!     if change == Change::Online {
//!         web_sys::console::log_1(&"back online".into());
//!     }
//! });
//! drop(watch); // every listener removed
//! ```

use alloc::rc::Rc;
use alloc::vec::Vec;

use wasm_bindgen::JsCast;
use web_sys::{EventTarget, VisibilityState};

use super::guards::Listener;

/// A change the session cares about.
///
/// ```no_run
/// use wsguard::browser::environment::Change;
/// assert_ne!(Change::Online, Change::Offline);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The `online` event.
    Online,
    /// The network went away.
    Offline,
    /// The page became visible again, or was restored from the back/forward cache.
    Visible,
}

/// `navigator.onLine` of the page or worker (true where the global has no navigator).
///
/// ```no_run
/// let online = wsguard::browser::environment::is_online();
/// ```
pub fn is_online() -> bool {
    let global = js_sys::global();
    if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        return window.navigator().on_line();
    }
    global
        .dyn_ref::<web_sys::WorkerGlobalScope>()
        .is_none_or(|worker| worker.navigator().on_line())
}

/// The listeners for network and visibility changes; dropping it removes them all.
///
/// ```no_run
/// use wsguard::browser::environment::Watch;
/// let _watch = Watch::new(|change| web_sys::console::log_1(&format!("{change:?}").into()));
/// ```
#[must_use = "the listeners are removed as soon as this guard drops"]
pub struct Watch {
    _listeners: Vec<Listener>,
}

impl Watch {
    /// Starts watching; `on_change` runs for every change.
    ///
    /// ```no_run
    /// let watch = wsguard::browser::environment::Watch::new(|_| {});
    /// ```
    pub fn new(on_change: impl Fn(Change) + 'static) -> Self {
        let on_change: Rc<dyn Fn(Change)> = Rc::new(on_change);
        let global: EventTarget = js_sys::global().unchecked_into();
        let online = {
            let on_change = Rc::clone(&on_change);
            Listener::new(&global, "online", move |_| on_change(Change::Online))
        };
        let offline = {
            let on_change = Rc::clone(&on_change);
            Listener::new(&global, "offline", move |_| on_change(Change::Offline))
        };
        let mut listeners = Vec::with_capacity(4);
        listeners.push(online);
        listeners.push(offline);
        if let Some(window) = global.dyn_ref::<web_sys::Window>() {
            let shown = Rc::clone(&on_change);
            listeners.push(Listener::new(window, "pageshow", move |_| {
                shown(Change::Visible)
            }));
            if let Some(document) = window.document() {
                let watched = document.clone();
                listeners.push(Listener::new(&document, "visibilitychange", move |_| {
                    if watched.visibility_state() == VisibilityState::Visible {
                        on_change(Change::Visible);
                    }
                }));
            }
        }
        Self {
            _listeners: listeners,
        }
    }
}
