//! The probe after a handshake failed before the socket opened (see
//! [`core::diagnosis::ProbeRequest`](crate::core::diagnosis::ProbeRequest) for when and what):
//!
//! - **On the page's own origin**, a plain `GET` of the socket's own URL (`cache: "no-store"`,
//!   `credentials: "same-origin"`, `redirect: "manual"`), whose status (0 for a redirect), `Server`
//!   header and, for an error status, the first 512 characters of the body, come back as
//!   [`Outcome::Answered`]: 502 from a proxy whose backend is down, 404 for a wrong path.
//! - **Elsewhere**, one `no-cors` request to `https://host:port/` without path, query,
//!   credentials, cookies or referrer: it resolves (even with an opaque response) when TLS to
//!   that host works ([`Probe::TlsOk`]), and rejects when it does not, or when nothing listens
//!   ([`Probe::TlsFailed`]).
//!
//! The deadline is the session's
//! ([`PROBE_TIMEOUT_MS`](crate::core::session::PROBE_TIMEOUT_MS)): when it passes, the session
//! asks for the probe to be abandoned, and dropping [`Running`] aborts the request.
//!
//! ```no_run
//! use wsguard::browser::probe::{Outcome, Running};
//! // A `no-cors` probe: its outcome is always `Outcome::Finished` (no answer to read).
//! let running = Running::start("https://api.example/", false, |outcome| {
//!     if let Outcome::Finished(probe) = outcome {
//!         web_sys::console::log_1(&probe.as_str().into());
//!     }
//! });
//! drop(running); // gives up: the request is aborted and the callback never runs
//! ```

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::string::String;
use core::cell::Cell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::js::Settling;
use crate::core::diagnosis::Probe;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(url: &str, init: &JsValue) -> Result<JsValue, JsValue>;

    #[derive(Clone)]
    type AbortController;

    #[wasm_bindgen(constructor, catch)]
    fn new() -> Result<AbortController, JsValue>;

    #[wasm_bindgen(method, getter, catch)]
    fn signal(this: &AbortController) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(method, catch)]
    fn abort(this: &AbortController) -> Result<(), JsValue>;
}

#[wasm_bindgen(module = "/src/browser/helpers.js")]
extern "C" {
    #[wasm_bindgen(catch, js_name = readAnswer)]
    fn read_answer(fetched: &JsValue) -> Result<JsValue, JsValue>;
}

/// What a probe found.
///
/// ```no_run
/// use wsguard::browser::probe::Outcome;
/// use wsguard::core::diagnosis::Probe;
/// // nginx's answer when the socket's backend is down:
/// let gateway = Outcome::Answered { status: 502, server: "nginx/1.22.1".into(), body: String::new() };
/// // A `no-cors` request to `https://host:port/` that rejected:
/// let no_tls = Outcome::Finished(Probe::TlsFailed);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No HTTP answer the page could read: [`Probe::TlsOk`] (the `no-cors` request resolved),
    /// [`Probe::TlsFailed`] (it rejected) or [`Probe::Skipped`] (`fetch`
    /// threw). Report it with
    /// [`Session::probe_finished`](crate::core::session::Session::probe_finished).
    Finished(Probe),
    /// The same-origin request got an answer; report it with
    /// [`Session::probe_answered`](crate::core::session::Session::probe_answered).
    Answered {
        /// `response.status` (0 for a redirect, which is not followed).
        status: u16,
        /// The `Server` header, empty when absent.
        server: String,
        /// The first 512 characters of the body for a status of 400 or more, else empty.
        body: String,
    },
}

/// The callback waiting for the probe's outcome; taken by the answer, or by dropping the probe.
type Pending = Rc<Cell<Option<Box<dyn FnOnce(Outcome)>>>>;

/// One probe in flight; dropping it abandons the probe (the request is aborted and its
/// callback never runs).
///
/// ```no_run
/// let running = wsguard::browser::probe::Running::start("https://api.example/", false, |_| {});
/// ```
pub struct Running {
    pending: Pending,
    controller: Option<AbortController>,
    _answer: Settling,
}

impl Running {
    /// Sends the request to `url`, a same-origin one whose answer is read (`same_origin`) or a
    /// `no-cors` one; `done` runs once with the outcome, unless this is dropped first. It never
    /// runs from inside this call: a `fetch` that throws gives [`Probe::Skipped`] from a
    /// microtask.
    ///
    /// ```no_run
    /// use wsguard::browser::probe::{Outcome, Running};
    /// let _running = Running::start("https://app.example/ws", true, |outcome| {
    ///     if let Outcome::Answered { status, .. } = outcome {
    ///         web_sys::console::log_1(&status.into());
    ///     }
    /// });
    /// ```
    pub fn start(url: &str, same_origin: bool, done: impl FnOnce(Outcome) + 'static) -> Self {
        let controller = AbortController::new().ok();
        let init = Object::new();
        let fields: &[(&str, &str)] = if same_origin {
            &[
                ("cache", "no-store"),
                ("credentials", "same-origin"),
                ("redirect", "manual"),
            ]
        } else {
            &[
                ("mode", "no-cors"),
                ("cache", "no-store"),
                ("credentials", "omit"),
                ("referrerPolicy", "no-referrer"),
            ]
        };
        for (key, value) in fields {
            let _ = Reflect::set(&init, &(*key).into(), &(*value).into());
        }
        // A page that broke `AbortController` gets a probe without a signal; the deadline
        // still reports.
        if let Some(signal) = controller.as_ref().and_then(|c| c.signal().ok()) {
            let _ = Reflect::set(&init, &"signal".into(), &signal);
        }
        let (request, fetched) = match global_fetch(url, &init) {
            Ok(response) if same_origin => match read_answer(&response) {
                Ok(answer) => (answer, true),
                Err(thrown) => (js_sys::Promise::reject(&thrown).into(), true),
            },
            Ok(response) => (response, true),
            Err(thrown) => (js_sys::Promise::reject(&thrown).into(), false),
        };
        let pending: Pending = Rc::new(Cell::new(Some(Box::new(done))));
        let answered = Rc::clone(&pending);
        let answer = Settling::new(&request, move |fulfilled, value| {
            let outcome = match (fetched, fulfilled) {
                (false, _) => Outcome::Finished(Probe::Skipped),
                (true, false) => Outcome::Finished(Probe::TlsFailed),
                (true, true) if same_origin => answer_of(&value),
                (true, true) => Outcome::Finished(Probe::TlsOk),
            };
            report(&answered, outcome);
        });
        Self {
            pending,
            controller,
            _answer: answer,
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Abandoned before it finished: the request is not needed any more.
        if self.pending.take().is_some() {
            abort(self.controller.as_ref());
        }
    }
}

/// Hands `outcome` to the waiting callback, if nothing did yet.
fn report(pending: &Pending, outcome: Outcome) {
    if let Some(done) = pending.take() {
        done(outcome);
    }
}

/// Aborts the request; an `AbortController` that page code broke is ignored.
fn abort(controller: Option<&AbortController>) {
    if let Some(controller) = controller {
        let _ = controller.abort();
    }
}

/// The answer `readAnswer` (`helpers.js`) read: `[status, server, body]`.
fn answer_of(value: &JsValue) -> Outcome {
    let Some(fields) = value.dyn_ref::<Array>() else {
        return Outcome::Finished(Probe::TlsFailed);
    };
    let status = fields
        .get(0)
        .as_f64()
        .filter(|status| (0.0..=f64::from(u16::MAX)).contains(status))
        .map_or(0, |status| status as u16);
    Outcome::Answered {
        status,
        server: fields.get(1).as_string().unwrap_or_default(),
        body: fields.get(2).as_string().unwrap_or_default(),
    }
}
