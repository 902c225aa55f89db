//! The HTTPS probe: after a `wss://` handshake failed before the socket opened, one request to
//! `https://host:port/` tells whether TLS to that host works (the request resolves, even with
//! an opaque response) or not (it rejects: a certificate the browser does not trust, or
//! nothing listening).
//!
//! The request carries no path, query, credentials, cookies or referrer, and gives up after
//! [`PROBE_TIMEOUT_MS`].
//!
//! ```no_run
//! # async fn demo() {
//! use wsguard::core::diagnosis::Probe;
//! let result = wsguard::browser::probe::run("https://api.example/").await;
//! assert!(matches!(result, Probe::TlsOk | Probe::TlsFailed));
//! # }
//! ```

use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::guards::Timer;
use crate::core::diagnosis::Probe;

/// How long the probe waits for an answer before it counts as failed.
///
/// ```no_run
/// assert_eq!(wsguard::browser::probe::PROBE_TIMEOUT_MS, 3000);
/// ```
pub const PROBE_TIMEOUT_MS: u32 = 3000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Promise;

    type AbortController;

    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;

    #[wasm_bindgen(method, getter)]
    fn signal(this: &AbortController) -> JsValue;

    #[wasm_bindgen(method)]
    fn abort(this: &AbortController);
}

/// Requests `url` (an origin, `https://host:port/`) once and reports whether TLS worked.
///
/// ```no_run
/// # async fn demo() {
/// let probe = wsguard::browser::probe::run("https://127.0.0.1:8443/").await;
/// # }
/// ```
pub async fn run(url: &str) -> Probe {
    let Ok(controller) = AbortController::new() else {
        return Probe::Skipped;
    };
    let init = Object::new();
    for (key, value) in [
        ("mode", "no-cors"),
        ("cache", "no-store"),
        ("credentials", "omit"),
        ("referrerPolicy", "no-referrer"),
    ] {
        let _ = Reflect::set(&init, &key.into(), &value.into());
    }
    let _ = Reflect::set(&init, &"signal".into(), &controller.signal());
    let request = global_fetch(url, &init);
    let _deadline = Timer::new(PROBE_TIMEOUT_MS, move || controller.abort());
    match JsFuture::from(request).await {
        Ok(_) => Probe::TlsOk,
        Err(_) => Probe::TlsFailed,
    }
}
