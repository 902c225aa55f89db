//! The page's network and visibility: `online`/`offline` on the global object, and
//! `visibilitychange`/`pageshow` on the document, turned into session inputs.
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
use core::cell::RefCell;

use wasm_bindgen::JsCast;
use web_sys::{EventTarget, VisibilityState};

use super::guards::{Listener, Timer};

/// How long after `online` the change is reported: browsers fire it as soon as an interface
/// comes up, often before routes and DNS work.
///
/// ```no_run
/// assert_eq!(wsguard::browser::environment::ONLINE_SETTLE_MS, 500);
/// ```
pub const ONLINE_SETTLE_MS: u32 = 500;

/// A change the session cares about.
///
/// ```no_run
/// use wsguard::browser::environment::Change;
/// assert_ne!(Change::Online, Change::Offline);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The network came back (reported [`ONLINE_SETTLE_MS`] after the `online` event).
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
    _settle: Rc<RefCell<Option<Timer>>>,
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
        let settle: Rc<RefCell<Option<Timer>>> = Rc::default();
        let online = {
            let on_change = Rc::clone(&on_change);
            let settle = Rc::clone(&settle);
            Listener::new(&global, "online", move |_| {
                let on_change = Rc::clone(&on_change);
                let fired = Rc::downgrade(&settle);
                let timer = Timer::new(ONLINE_SETTLE_MS, move || {
                    // Forget the fired timer first: the change may drop this very watch.
                    if let Some(settle) = fired.upgrade() {
                        let timer = settle.borrow_mut().take();
                        drop(timer);
                    }
                    on_change(Change::Online);
                });
                let previous = settle.borrow_mut().replace(timer);
                drop(previous);
            })
        };
        let offline = {
            let on_change = Rc::clone(&on_change);
            let settle = Rc::clone(&settle);
            Listener::new(&global, "offline", move |_| {
                let pending = settle.borrow_mut().take();
                drop(pending);
                on_change(Change::Offline);
            })
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
            _settle: settle,
        }
    }
}
