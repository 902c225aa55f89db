//! The page's facts, reported as they happen, one [`PageFact`] per browser event: the network
//! (`online`/`offline` on the global object, and in a dedicated worker, where Chromium fires
//! neither, `navigator.connection`'s `change` read with `navigator.onLine`), and in a page its
//! lifecycle (`visibilitychange`, `pagehide`/`pageshow` with `persisted`, `freeze`/`resume` on
//! the document). What they mean (the online settle, how long the page was away, the hidden
//! threshold) is the session's: see [`Session::page`](crate::core::session::Session::page).
//!
//! No `unload` listener: it would keep the page out of the back/forward cache.
//!
//! ```no_run
//! use wsguard::browser::environment::Watch;
//! use wsguard::core::session::PageFact;
//! let watch = Watch::new(|fact| {
//!     if fact == PageFact::Online {
//!         web_sys::console::log_1(&"back online".into());
//!     }
//! });
//! drop(watch); // every listener removed
//! ```

use std::rc::Rc;

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Event, EventTarget};

use super::guards::Listener;
use crate::core::session::PageFact;

/// `navigator.onLine` of the page or worker (true where the global has no navigator, or page
/// code made it throw).
///
/// ```no_run
/// let online = wsguard::browser::environment::is_online();
/// ```
pub fn is_online() -> bool {
    let on_line = navigator().and_then(|navigator| Reflect::get(&navigator, &"onLine".into()).ok());
    on_line.and_then(|value| value.as_bool()).unwrap_or(true)
}

/// The listeners that report the page's facts; dropping it removes them all.
///
/// ```no_run
/// use wsguard::browser::environment::Watch;
/// let _watch = Watch::new(|fact| web_sys::console::log_1(&format!("{fact:?}").into()));
/// ```
#[must_use = "the listeners are removed as soon as this guard drops"]
pub struct Watch {
    _listeners: Vec<Listener>,
}

impl Watch {
    /// Starts listening; `on_fact` runs for every fact, at once.
    ///
    /// ```no_run
    /// let watch = wsguard::browser::environment::Watch::new(|_| {});
    /// ```
    pub fn new(on_fact: impl Fn(PageFact) + 'static) -> Self {
        let on_fact: Rc<dyn Fn(PageFact)> = Rc::new(on_fact);
        let global: EventTarget = js_sys::global().unchecked_into();
        let report = |target: &EventTarget, event_type, fact: fn(&Event) -> PageFact| {
            let on_fact = Rc::clone(&on_fact);
            Listener::new(target, event_type, move |event| on_fact(fact(&event)))
        };
        let mut listeners = vec![
            report(&global, "online", |_| PageFact::Online),
            report(&global, "offline", |_| PageFact::Offline),
        ];
        match global.dyn_ref::<web_sys::Window>() {
            Some(window) => {
                listeners.push(report(window, "pagehide", |_| PageFact::LeftForCache));
                listeners.push(report(window, "pageshow", |event| PageFact::Shown {
                    restored: field(event, "persisted").as_bool() == Some(true),
                }));
                if let Some(document) = window.document() {
                    listeners.push(report(&document, "freeze", |_| PageFact::Frozen));
                    listeners.push(report(&document, "resume", |_| PageFact::Resumed));
                    listeners.push(report(&document, "visibilitychange", |event| {
                        let document = field(event, "target");
                        match field(&document, "visibilityState").as_string().as_deref() {
                            Some("visible") => PageFact::Visible,
                            _ => PageFact::Hidden,
                        }
                    }));
                }
            }
            // A worker: its network change comes through `navigator.connection`, if it has one.
            None => {
                let connection = navigator()
                    .and_then(|navigator| Reflect::get(&navigator, &"connection".into()).ok())
                    .and_then(|connection| connection.dyn_into::<EventTarget>().ok());
                if let Some(connection) = connection {
                    listeners.push(report(&connection, "change", |_| {
                        if is_online() {
                            PageFact::Online
                        } else {
                            PageFact::Offline
                        }
                    }));
                }
            }
        }
        Self {
            _listeners: listeners,
        }
    }
}

/// The global object's `navigator`, if it has one that page code did not make throw.
fn navigator() -> Option<JsValue> {
    Reflect::get(&js_sys::global(), &"navigator".into())
        .ok()
        .filter(|navigator| navigator.is_object())
}

/// `value[key]`, read without trusting it: undefined where the read throws.
fn field(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &key.into()).unwrap_or(JsValue::UNDEFINED)
}
