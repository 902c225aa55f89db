//! The `on<event>` properties: each is a slot holding one handler, backed by a single listener
//! on the event target that calls whatever the slot holds, so setting `onmessage` twice replaces
//! the handler as on a `WebSocket`.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::EventTarget;
use wsguard::browser::guards::Listener;

/// The events that have an `on<event>` property.
pub const EVENTS: [&str; 7] = [
    "open",
    "message",
    "close",
    "error",
    "statechange",
    "reconnecting",
    "diagnosis",
];

struct Slot {
    handler: Rc<RefCell<Option<Function>>>,
    _listener: Listener,
}

/// The `on<event>` slots of one client; the listeners are added on first use.
#[derive(Default)]
pub struct Handlers {
    slots: RefCell<[Option<Slot>; EVENTS.len()]>,
}

impl Handlers {
    /// The handler for `event_type`, or `null`.
    pub fn get(&self, event_type: &str) -> JsValue {
        let slots = self.slots.borrow();
        index(event_type)
            .and_then(|i| slots.get(i))
            .and_then(Option::as_ref)
            .and_then(|slot| slot.handler.borrow().clone())
            .map_or(JsValue::NULL, Into::into)
    }

    /// Sets (a function) or clears (anything else, as browsers do) the handler.
    pub fn set(&self, target: &EventTarget, event_type: &'static str, value: &JsValue) {
        let handler = value.dyn_ref::<Function>().cloned();
        let mut slots = self.slots.borrow_mut();
        let Some(slot) = index(event_type).and_then(|i| slots.get_mut(i)) else {
            return;
        };
        match slot {
            Some(slot) => *slot.handler.borrow_mut() = handler,
            None => {
                let shared = Rc::new(RefCell::new(handler));
                let current = Rc::clone(&shared);
                let listener = Listener::new(target, event_type, move |event| {
                    // Take the handler out of the borrow before calling user code, which
                    // may set this very property.
                    let handler = current.borrow().clone();
                    if let Some(handler) = handler {
                        let this = event
                            .current_target()
                            .map_or(JsValue::UNDEFINED, Into::into);
                        if let Err(thrown) = handler.call1(&this, event) {
                            report_error(&thrown);
                        }
                    }
                });
                *slot = Some(Slot {
                    handler: shared,
                    _listener: listener,
                });
            }
        }
    }

    /// Removes every handler and its listener.
    pub fn clear(&self) {
        *self.slots.borrow_mut() = Default::default();
    }
}

/// Reports an exception from a handler as an uncaught one (`reportError`), as the browser
/// does for a throwing `on<event>` handler, without unwinding through WASM.
fn report_error(thrown: &JsValue) {
    let global = js_sys::global();
    match js_sys::Reflect::get(&global, &"reportError".into()) {
        Ok(report) if report.is_function() => {
            let _ = report.unchecked_ref::<Function>().call1(&global, thrown);
        }
        _ => web_sys::console::error_1(thrown),
    }
}

fn index(event_type: &str) -> Option<usize> {
    EVENTS.iter().position(|known| *known == event_type)
}
