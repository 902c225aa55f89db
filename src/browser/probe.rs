//! The HTTPS probe: after a `wss://` handshake failed before the socket opened, one request to
//! `https://host:port/` tells whether TLS to that host works (the request resolves, even with
//! an opaque response) or not (it rejects: a certificate the browser does not trust, or
//! nothing listening).
//!
//! The request carries no path, query, credentials, cookies or referrer, and gives up after
//! [`PROBE_TIMEOUT_MS`].
//!
//! ```no_run
//! use wsguard::core::diagnosis::Probe;
//! let running = wsguard::browser::probe::Running::start("https://api.example/", |result| {
//!     assert!(matches!(result, Probe::TlsOk | Probe::TlsFailed | Probe::Skipped));
//! });
//! drop(running); // gives up: the callback never runs
//! ```

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use super::guards::Timer;
use super::js::Settling;
use crate::core::diagnosis::Probe;

/// How long the probe waits for an answer.
///
/// ```no_run
/// assert_eq!(wsguard::browser::probe::PROBE_TIMEOUT_MS, 3000);
/// ```
pub const PROBE_TIMEOUT_MS: u32 = 3000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<JsValue, JsValue>;

    type AbortController;

    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;

    #[wasm_bindgen(method, catch)]
    fn abort(this: &AbortController) -> Result<(), JsValue>;
}

/// One probe in flight; dropping it abandons the probe (its callback never runs).
///
/// ```no_run
/// let running = wsguard::browser::probe::Running::start("https://api.example/", |_| {});
/// ```
pub struct Running {
    _answer: Settling,
    _deadline: Timer,
}

impl Running {
    /// Sends the request to `url`; `done` runs once with the result, unless this is dropped
    /// first. A page without a working `fetch` gives [`Probe::Skipped`].
    ///
    /// ```no_run
    /// let _running = wsguard::browser::probe::Running::start("https://api.example/", |probe| {
    ///     web_sys::console::log_1(&probe.as_str().into());
    /// });
    /// ```
    pub fn start(url: &str, done: impl FnOnce(Probe) + 'static) -> Self {
        let controller = AbortController::new().ok();
        let init = Object::new();
        for (key, value) in [
            ("mode", "no-cors"),
            ("cache", "no-store"),
            ("credentials", "omit"),
            ("referrerPolicy", "no-referrer"),
        ] {
            let _ = Reflect::set(&init, &key.into(), &value.into());
        }
        if let Some(controller) = &controller {
            let _ = Reflect::set(&init, &"signal".into(), &controller.signal());
        }
        let (request, fetched) = match global_fetch(url, &init) {
            Ok(request) => (request, true),
            Err(thrown) => (js_sys::Promise::reject(&thrown).into(), false),
        };
        let answer = Settling::new(&request, move |fulfilled, _| {
            done(match (fetched, fulfilled) {
                (false, _) => Probe::Skipped,
                (true, true) => Probe::TlsOk,
                (true, false) => Probe::TlsFailed,
            })
        });
        let deadline = Timer::new(PROBE_TIMEOUT_MS, move || {
            if let Some(controller) = controller {
                let _ = controller.abort();
            }
        });
        Self {
            _answer: answer,
            _deadline: deadline,
        }
    }
}
