//! The page's network and visibility: `online`/`offline` on the global object, and
//! `visibilitychange`/`pageshow` on the document, translated into core inputs.
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

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{EventTarget, VisibilityState};

use super::guards::{Listener, Timer};

/// How long after the browser's `online` event the client reports [`Change::Online`].
/// Browsers fire `online` as soon as a network interface comes up, often before routes and DNS
/// work (and Chromium's offline emulation lifts a moment after its event), so an attempt made
/// at that very instant tends to fail and fall back into backoff.
///
/// ```no_run
/// assert_eq!(wsguard::browser::environment::ONLINE_SETTLE_MS, 500);
/// ```
pub const ONLINE_SETTLE_MS: u32 = 500;

/// A change the client reacts to.
///
/// ```
/// # #[cfg(target_arch = "wasm32")] {
/// use wsguard::browser::environment::Change;
/// assert_ne!(Change::Online, Change::Offline);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The browser reports the network back.
    Online,
    /// The browser reports no network.
    Offline,
    /// The page became visible again (or was restored from the back/forward cache).
    Visible,
}

/// Whether the browser reports a network (`navigator.onLine`; true where it cannot tell).
///
/// ```no_run
/// if !wsguard::browser::environment::is_online() {
///     web_sys::console::log_1(&"offline".into());
/// }
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

/// The listeners for [`Change`]s; dropping it removes them all.
///
/// ```no_run
/// let _watch = wsguard::browser::environment::Watch::new(|_| {});
/// ```
#[must_use = "the listeners are removed as soon as this guard drops"]
#[derive(Debug)]
pub struct Watch {
    _listeners: Vec<Listener>,
    /// The pending [`Change::Online`], cleared by `offline` or when the watch drops.
    _settle: Rc<RefCell<Option<Timer>>>,
}

impl Watch {
    /// Starts watching, calling `on_change` for each change.
    ///
    /// ```no_run
    /// let _watch = wsguard::browser::environment::Watch::new(|change| {
    ///     web_sys::console::log_1(&format!("{change:?}").into());
    /// });
    /// ```
    pub fn new(on_change: impl Fn(Change) + 'static) -> Self {
        let on_change = Rc::new(on_change);
        let global: EventTarget = js_sys::global().unchecked_into();
        let listen = |target: &EventTarget, event_type: &'static str, change: Change| {
            let on_change = Rc::clone(&on_change);
            Listener::new(target, event_type, move |_| on_change(change))
        };
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
                *settle.borrow_mut() = Some(timer);
            })
        };
        let offline = {
            let on_change = Rc::clone(&on_change);
            let settle = Rc::clone(&settle);
            Listener::new(&global, "offline", move |_| {
                settle.borrow_mut().take();
                on_change(Change::Offline);
            })
        };
        let mut listeners = vec![online, offline];
        if let Some(window) = js_sys::global().dyn_ref::<web_sys::Window>() {
            listeners.push(listen(window, "pageshow", Change::Visible));
            if let Some(document) = window.document() {
                let on_change = Rc::clone(&on_change);
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
