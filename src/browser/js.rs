//! The few global JavaScript functions the driver calls: the clock, timers and microtasks.
//! Every import that page code could replace with a throwing function is a `catch` import,
//! so a JS exception never unwinds through the driver.
//!
//! ```no_run
//! let started = wsguard::browser::js::now();
//! ```

use std::cell::Cell;

use js_sys::Function;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::core::machine::Millis;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = performance, js_name = now)]
    fn performance_now() -> Result<f64, JsValue>;

    #[wasm_bindgen(catch, js_name = setTimeout)]
    pub(crate) fn set_timeout(callback: &Function, millis: u32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_name = queueMicrotask)]
    pub(crate) fn queue_microtask(callback: &Function) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = console, js_name = warn)]
    fn console_warn(message: &JsValue) -> Result<(), JsValue>;

    #[wasm_bindgen(catch, js_namespace = console, js_name = warn)]
    fn console_warn_with(message: &JsValue, detail: &JsValue) -> Result<(), JsValue>;
}

/// `console.warn(message, detail?)`; a console that page code broke is ignored.
///
/// ```no_run
/// wsguard::browser::js::warn(&"wsguard: careful".into(), None);
/// ```
pub fn warn(message: &JsValue, detail: Option<&JsValue>) {
    let _ = match detail {
        Some(detail) => console_warn_with(message, detail),
        None => console_warn(message),
    };
}

thread_local! {
    /// The last time `performance.now()` gave that could be used.
    static LAST_GOOD: Cell<f64> = const { Cell::new(0.0) };
}

/// The current time for the core, in whole milliseconds: `performance.now()`, or the last
/// good time it gave where page code broke it (it throws, or answers something that is not a
/// time, or a time before the last one): never an epoch jump to `Date.now()`.
///
/// ```no_run
/// let started = wsguard::browser::js::now();
/// let later = wsguard::browser::js::now(); // never before `started`
/// ```
pub fn now() -> Millis {
    LAST_GOOD.with(|last| {
        let good = performance_now()
            .ok()
            .filter(|time| time.is_finite() && *time >= last.get() && *time < 9e15);
        if let Some(time) = good {
            last.set(time);
        }
        last.get() as Millis
    })
}

/// A seed for a random source, from two calls of `Math.random`.
///
/// ```no_run
/// let seed = wsguard::browser::js::random_seed();
/// ```
pub fn random_seed() -> u64 {
    let high = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let low = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (high << 32) | low
}

/// The message of a thrown value: an `Error`'s `message`, a string as it is.
///
/// ```no_run
/// let thrown = js_sys::Error::new("boom");
/// let message = wsguard::browser::js::message_of(&thrown.into()); // "boom"
/// ```
pub fn message_of(thrown: &JsValue) -> alloc::string::String {
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(error) => error.message().into(),
        None => thrown
            .as_string()
            .unwrap_or_else(|| "a value that is not an Error".into()),
    }
}

#[wasm_bindgen(module = "/src/browser/helpers.js")]
extern "C" {
    #[wasm_bindgen(catch)]
    fn settle(promise: &JsValue, callback: &Function) -> Result<Function, JsValue>;
}

/// A callback waiting for a Promise; dropping it cancels the wait (the callback never runs).
///
/// ```no_run
/// use wsguard::browser::js::Settling;
/// let promise = js_sys::Promise::resolve(&wasm_bindgen::JsValue::from(1));
/// let waiting = Settling::new(&promise, |fulfilled, value| {
///     if fulfilled {
///         web_sys::console::log_1(&value);
///     }
/// });
/// ```
pub struct Settling {
    cancel: Option<Function>,
    _callback: Closure<dyn FnMut(bool, JsValue)>,
}

impl Settling {
    /// Calls `callback(true, value)` or `callback(false, reason)` once `promise` settles (a
    /// value that is not a Promise counts as fulfilled with itself).
    ///
    /// ```no_run
    /// # use wsguard::browser::js::Settling;
    /// let waiting = Settling::new(&"ws://x".into(), |_, _| {});
    /// ```
    pub fn new(promise: &JsValue, callback: impl FnOnce(bool, JsValue) + 'static) -> Self {
        let mut callback = Some(callback);
        let callback = Closure::<dyn FnMut(bool, JsValue)>::new(move |fulfilled, value| {
            if let Some(callback) = callback.take() {
                callback(fulfilled, value);
            }
        });
        let cancel = settle(promise, callback.as_ref().unchecked_ref()).ok();
        Self {
            cancel,
            _callback: callback,
        }
    }
}

impl Drop for Settling {
    fn drop(&mut self) {
        if let Some(cancel) = self.cancel.take() {
            let _ = cancel.call0(&JsValue::UNDEFINED);
        }
    }
}
