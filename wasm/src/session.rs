//! `Session`: one client's logic as the JavaScript `WsGuard` (in `raw.js`) drives it. The
//! JavaScript side owns the socket, the timer and the page listeners; it reports what happens
//! here, then collects what to do ([`Session::actions`]) and what to deliver
//! ([`Session::event`]) through its [`Recorder`], which only builds plain records with named
//! fields. Nothing here calls page code, so no call can come back in while the session is
//! borrowed; refusals are records too, thrown by the glue after the call returned.
//!
//! Messages never cross: JavaScript keeps queued payloads in a map and passes their ids.
//! Times are `performance.now()` values.

use alloc::string::String;

use wasm_bindgen::prelude::*;
use wsguard::core::buffer::SendRefusal;
use wsguard::core::diagnosis::Probe;
use wsguard::core::machine::{CloseError, Millis, SocketAction, SocketId, State};
use wsguard::core::session::{PageFact, Session as Logic, SessionEvent};
use wsguard::core::url::{Page, UrlError};

use crate::diagnosis::send_diagnosis;
use crate::errors::{dom_exception, range_error, type_error};
use crate::recorder::Recorder;
use crate::url::{resolve_at, Parsed};

/// One client's logic.
#[wasm_bindgen]
pub struct Session {
    logic: Logic<u32>,
}

fn millis(time: f64) -> Millis {
    if time > 0.0 {
        time as Millis
    } else {
        0
    }
}

fn socket(id: f64) -> SocketId {
    SocketId::from_number(millis(id))
}

fn number(socket: Option<SocketId>) -> f64 {
    socket.map_or(0.0, |id| id.number() as f64)
}

#[wasm_bindgen]
impl Session {
    /// A session for `url` (`None` for a URL function; else resolved here, `joined` and
    /// `alone` being the input as the page's `URL` parsed it, see [`Parsed`]) with the options
    /// handed over just before (`optionNumber`, …), on the page at `page` (its `location.href`,
    /// `None` outside a page), with a random seed for the jitter (all read in JavaScript). A
    /// first upgrade of a `ws://` URL hands its warning to the recorder. Fails with the
    /// recorder's refusal: `TypeError` or `SecurityError` for the URL, `{ option, item,
    /// expected }` for an option.
    #[wasm_bindgen(constructor)]
    pub fn new(
        url: Option<String>,
        joined: Option<String>,
        alone: Option<String>,
        page: Option<String>,
        seed_high: u32,
        seed_low: u32,
        recorder: &Recorder,
    ) -> Result<Session, JsValue> {
        let options = crate::options::take(recorder)?;
        let parsed = Parsed { joined, alone };
        let resolved = match url {
            Some(input) => Some(
                resolve_at(
                    &input,
                    page.as_deref(),
                    &parsed,
                    options.insecure,
                    options.log,
                    recorder,
                )
                .map_err(|error| url_error(recorder, &error))?,
            ),
            None => None,
        };
        let seed = (u64::from(seed_high) << 32) | u64::from(seed_low);
        let page_secure = page
            .as_deref()
            .is_some_and(|href| Page::at(href).is_secure());
        let (url, upgraded) = match resolved {
            Some(resolved) => (resolved.url, resolved.upgraded_from.is_some()),
            None => (String::new(), false),
        };
        let mut logic = Logic::new(options, seed, page_secure, url);
        logic.set_upgraded(upgraded);
        if let Some(href) = &page {
            logic.set_page(href);
        }
        Ok(Self { logic })
    }

    /// The page or worker reported `fact` (its number: see `page_fact` below).
    pub fn page(&mut self, now: f64, fact: u32) {
        if let Some(fact) = page_fact(fact) {
            self.logic.page(millis(now), fact);
        }
    }

    /// The URL function of attempt `socket_id` returned a Promise that has not settled yet
    /// (`settled` false), or its Promise settled (`settled`): then whether the attempt still
    /// wants the answer (`false`: drop it).
    #[wasm_bindgen(js_name = urlWait)]
    pub fn url_wait(&mut self, socket_id: f64, settled: bool) -> bool {
        let socket = socket(socket_id);
        if settled {
            return self.logic.url_settled(socket);
        }
        self.logic.url_pending(socket);
        true
    }

    /// Starts the first attempt.
    pub fn start(&mut self, now: f64, online: bool) {
        self.logic.start(millis(now), online);
    }

    /// The URL a URL function gave for this attempt (`joined` and `alone` as the page's `URL`
    /// parsed it), resolved on the page at `page` and remembered as the attempt's URL, any
    /// upgrade warning handed to the recorder; fails with the recorder's `TypeError` or
    /// `SecurityError` refusal for an unusable one.
    pub fn resolve(
        &mut self,
        input: &str,
        page: Option<String>,
        joined: Option<String>,
        alone: Option<String>,
        recorder: &Recorder,
    ) -> Result<String, JsValue> {
        let options = self.logic.machine().options();
        let parsed = Parsed { joined, alone };
        let resolved = resolve_at(
            input,
            page.as_deref(),
            &parsed,
            options.insecure,
            options.log,
            recorder,
        )
        .map_err(|error| url_error(recorder, &error))?;
        self.logic.set_url(resolved.url.clone());
        self.logic.set_upgraded(resolved.upgraded_from.is_some());
        Ok(resolved.url)
    }

    /// The socket for `socket` was created.
    pub fn created(&mut self, socket_id: f64) {
        self.logic.socket_created(socket(socket_id));
    }

    /// The socket's `open` event.
    pub fn opened(&mut self, now: f64, socket_id: f64) {
        self.logic.socket_opened(millis(now), socket(socket_id));
    }

    /// The socket's `error` event.
    pub fn errored(&mut self, now: f64, socket_id: f64) {
        self.logic.socket_error(millis(now), socket(socket_id));
    }

    /// The socket's `close` event.
    pub fn closed(&mut self, now: f64, socket_id: f64, code: u16, reason: &str, was_clean: bool) {
        self.logic
            .socket_closed(millis(now), socket(socket_id), code, reason, was_clean);
    }

    /// No socket could be created: `thrown` (an id, 0 for none) with `message`.
    pub fn failed(
        &mut self,
        now: f64,
        socket_id: f64,
        thrown: u32,
        message: String,
        mixed_content: bool,
    ) {
        let thrown = (thrown != 0).then_some(thrown);
        self.logic.open_failed(
            millis(now),
            socket(socket_id),
            thrown,
            message,
            mixed_content,
        );
    }

    /// Sending on the socket threw.
    #[wasm_bindgen(js_name = sendFailed)]
    pub fn send_failed(&mut self) {
        self.logic.send_failed();
    }

    /// The last message on the socket arrived at `at`.
    pub fn inbound(&mut self, at: f64, socket_id: f64) {
        self.logic.inbound(millis(at), socket(socket_id));
    }

    /// The timer fired.
    pub fn timeout(&mut self, now: f64) {
        self.logic.timeout(millis(now));
    }

    /// Queues message `id` of `size` bytes, or hands it to the open socket; fails with the
    /// recorder's refusal (a `RangeError` for a full queue, an `InvalidStateError` after
    /// `close()` or with the queue off).
    pub fn send(
        &mut self,
        now: f64,
        id: u32,
        size: f64,
        recorder: &Recorder,
    ) -> Result<(), JsValue> {
        self.logic
            .send(millis(now), id, millis(size))
            .map_err(|refused| match refused.refusal {
                SendRefusal::TooManyMessages { .. } | SendRefusal::TooManyBytes { .. } => {
                    range_error(recorder, &refused.refusal.message())
                }
                _ => dom_exception(recorder, &refused.refusal.message(), "InvalidStateError"),
            })
    }

    /// Closes for good with `code` (1000 or 3000–4999) and `reason` (at most 123 UTF-8 bytes);
    /// fails with the recorder's `InvalidAccessError` or `SyntaxError` refusal as a
    /// `WebSocket` would throw.
    pub fn close(
        &mut self,
        now: f64,
        code: u16,
        reason: &str,
        recorder: &Recorder,
    ) -> Result<(), JsValue> {
        let refused =
            |name| move |error: CloseError| dom_exception(recorder, &error.message(), name);
        self.logic
            .close(millis(now), code, reason)
            .map_err(|error| match error {
                CloseError::InvalidCode(_) => refused("InvalidAccessError")(error),
                CloseError::ReasonTooLong { .. } => refused("SyntaxError")(error),
            })
    }

    /// Connects again now with a fresh backoff.
    pub fn reconnect(&mut self, now: f64) {
        self.logic.reconnect(millis(now));
    }

    /// The probe of `url` settled: `status` is the HTTP status a same-origin probe read (with
    /// its `Server` header and the start of its body, empty when absent), or `None` when no
    /// status could be read: then `reached` when the request resolved, `skipped` when no
    /// request could be made.
    pub fn probed(
        &mut self,
        url: &str,
        reached: bool,
        skipped: bool,
        status: Option<u16>,
        server: &str,
        body: &str,
    ) {
        let result = match (status, skipped, reached) {
            (Some(status), _, _) => return self.logic.probe_answered(url, status, server, body),
            (None, true, _) => Probe::Skipped,
            (None, false, true) => Probe::TlsOk,
            (None, false, false) => Probe::TlsFailed,
        };
        self.logic.probe_finished(url, result);
    }

    /// Hands every pending action to `recorder`, in order (`open`, `close`, `send`,
    /// `heartbeat`).
    pub fn actions(&mut self, recorder: &Recorder) {
        while let Some(action) = self.logic.poll_action() {
            match action {
                SocketAction::Open { socket, .. } => recorder.open(number(Some(socket))),
                SocketAction::Close {
                    socket,
                    code,
                    reason,
                } => recorder.close(number(Some(socket)), code, &reason),
                SocketAction::Send { socket, message } => {
                    recorder.send(number(Some(socket)), message)
                }
                SocketAction::SendHeartbeat { socket } => {
                    let heartbeat = self.logic.machine().options().heartbeat.as_ref();
                    let text = heartbeat.map_or("", |heartbeat| heartbeat.message.as_str());
                    recorder.heartbeat(number(Some(socket)), text);
                }
            }
        }
    }

    /// Hands the next event to `recorder`; `false` when there is none. `online` is
    /// `navigator.onLine` now.
    pub fn event(&mut self, recorder: &Recorder, online: bool) -> bool {
        let Some(event) = self.logic.poll_event(online) else {
            return false;
        };
        match event {
            SessionEvent::Open => recorder.opened(),
            SessionEvent::Error { thrown, warn } => recorder.error(thrown.unwrap_or(0), warn),
            SessionEvent::Close {
                code,
                reason,
                was_clean,
                unsent,
            } => {
                recorder.closed(code, &reason, was_clean, unsent.is_some());
                for id in unsent.unwrap_or_default() {
                    recorder.unsent(id);
                }
            }
            SessionEvent::StateChange { from, to } => {
                recorder.statechange(from.as_str(), to.as_str())
            }
            SessionEvent::Reconnecting { attempt, delay_ms } => {
                recorder.reconnecting(attempt, delay_ms as f64)
            }
            SessionEvent::Diagnosis { diagnosis, warn } => {
                if warn {
                    recorder.warn(&diagnosis.console_text());
                }
                send_diagnosis(recorder, &diagnosis);
            }
            SessionEvent::Probe { url, same_origin } => recorder.probe(&url, same_origin),
            SessionEvent::AbandonProbe { url } => recorder.abandon(&url),
            SessionEvent::UrlFunctionTimeout { message, warn } => {
                recorder.url_timeout(&message, warn)
            }
        }
        true
    }

    /// The URL of the current or last attempt.
    #[wasm_bindgen(getter)]
    pub fn url(&self) -> String {
        self.logic.url().into()
    }

    /// `0` connecting (also waiting to reconnect, or offline), `1` open, `2` closing, `3` closed.
    #[wasm_bindgen(getter = readyState)]
    pub fn ready_state(&self) -> u16 {
        match self.logic.machine().state() {
            State::Open => 1,
            State::Closing => 2,
            State::Closed => 3,
            _ => 0,
        }
    }

    /// The state's name.
    #[wasm_bindgen(getter)]
    pub fn state(&self) -> String {
        match self.logic.machine().state() {
            State::Idle => State::Connecting.as_str().into(),
            state => state.as_str().into(),
        }
    }

    /// Retries since the last stable connection.
    #[wasm_bindgen(getter)]
    pub fn attempt(&self) -> u32 {
        self.logic.machine().retries()
    }

    /// Bytes waiting in the queue.
    #[wasm_bindgen(getter = queuedBytes)]
    pub fn queued_bytes(&self) -> f64 {
        self.logic.machine().buffered_bytes() as f64
    }

    /// The socket the machine tracks (0 for none).
    #[wasm_bindgen(getter)]
    pub fn socket(&self) -> f64 {
        number(self.logic.machine().socket())
    }

    /// The socket `send()` may use directly (0 for none).
    #[wasm_bindgen(getter)]
    pub fn sendable(&self) -> f64 {
        number(self.logic.sendable())
    }

    /// When the timer must fire (`performance.now()` time), or -1.
    #[wasm_bindgen(getter)]
    pub fn deadline(&self) -> f64 {
        self.logic.deadline().map_or(-1.0, |at| at as f64)
    }

    /// The `binaryType` the options chose.
    #[wasm_bindgen(getter = binaryType)]
    pub fn binary_type(&self) -> String {
        self.logic.machine().options().binary_type.as_str().into()
    }

    /// Whether failures are logged (the `log` option).
    #[wasm_bindgen(getter)]
    pub fn log(&self) -> bool {
        self.logic.machine().options().log
    }
}

/// The page fact with the number the driver reports it by: 0 `online`, 1 `offline`, 2 hidden,
/// 3 visible, 4 `pagehide`, 5 `pageshow`, 6 `pageshow` restored from the back/forward cache
/// (`persisted`), 7 `freeze`, 8 `resume`.
pub fn page_fact(code: u32) -> Option<PageFact> {
    Some(match code {
        0 => PageFact::Online,
        1 => PageFact::Offline,
        2 => PageFact::Hidden,
        3 => PageFact::Visible,
        4 => PageFact::LeftForCache,
        5 => PageFact::Shown { restored: false },
        6 => PageFact::Shown { restored: true },
        7 => PageFact::Frozen,
        8 => PageFact::Resumed,
        _ => return None,
    })
}

/// The refusal of an unusable URL: `SecurityError` for an insecure URL refused by
/// `insecure: "error"` (as the browser's own mixed-content check), `TypeError` otherwise.
pub fn url_error(recorder: &Recorder, error: &UrlError) -> JsValue {
    match error {
        UrlError::InsecureRefused { .. } => {
            dom_exception(recorder, &error.message(), "SecurityError")
        }
        _ => type_error(recorder, &error.message()),
    }
}
