//! The few global JavaScript functions the driver calls: the clock, timers and microtasks.
//! Every import that page code could replace with a throwing function is a `catch` import,
//! so a JS exception never unwinds through the driver.
//!
//! ```no_run
//! let started = wsguard::browser::js::now();
//! ```

use core::sync::atomic::{AtomicU64, Ordering};

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

/// The current time for the core, in whole milliseconds: `performance.now()` as it answers,
/// or its last good answer where page code broke it (the core takes a time earlier than one
/// it saw as that one).
///
/// ```no_run
/// let a = wsguard::browser::js::now();
/// let b = wsguard::browser::js::now();
/// assert!(b >= a);
/// ```
pub fn now() -> Millis {
    match performance_now() {
        Ok(time) if time.is_finite() => {
            LAST_GOOD_NOW.store(time.to_bits(), Ordering::Relaxed);
            time as Millis
        }
        _ => f64::from_bits(LAST_GOOD_NOW.load(Ordering::Relaxed)) as Millis,
    }
}

/// The last good answer of `performance.now()`, as the bits of an `f64`.
static LAST_GOOD_NOW: AtomicU64 = AtomicU64::new(0);

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
/// assert_eq!(wsguard::browser::js::message_of(&thrown.into()), "boom");
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
/// let waiting = Settling::new(&promise, |fulfilled, value| assert!(fulfilled));
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
