//! Every call from WebAssembly into JavaScript, declared once: the methods of the `Recorder`
//! that the JavaScript side passes in (`pkg-template/boundary.js`). Each method only builds a
//! plain object with named fields from its arguments (numbers, booleans and strings) and keeps
//! or returns it: no page code, no built-in that page code could replace, runs inside a
//! WebAssembly call. The JavaScript side acts on the records once the call has returned.
//!
//! ```js
//! const recorder = new Recorder();
//! session.actions(recorder);            // calls recorder.open(socket), recorder.send(socket, id), …
//! for (const action of recorder.take()) perform(action); // { type: "open", socket }, …
//! ```

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The JavaScript recorder (`Recorder` in `boundary.js`).
    pub type Recorder;

    // --- actions, each appended to the recorder's list ---

    /// `{ type: "open", socket }`: open the attempt's socket.
    #[wasm_bindgen(method)]
    pub fn open(this: &Recorder, socket: f64);

    /// `{ type: "close", socket, code, reason }`: close the socket.
    #[wasm_bindgen(method)]
    pub fn close(this: &Recorder, socket: f64, code: u16, reason: &str);

    /// `{ type: "send", socket, message }`: send queued message `message` (an id) on it.
    #[wasm_bindgen(method)]
    pub fn send(this: &Recorder, socket: f64, message: u32);

    /// `{ type: "heartbeat", socket, text }`: send the heartbeat's text on it.
    #[wasm_bindgen(method)]
    pub fn heartbeat(this: &Recorder, socket: f64, text: &str);

    // --- events: each sets the recorder's one event ---

    /// `{ type: "open" }`.
    #[wasm_bindgen(method)]
    pub fn opened(this: &Recorder);

    /// `{ type: "error", thrown, warn }`: `thrown` the id of what a failed attempt threw, 0 for
    /// none; `warn`: write it to the console.
    #[wasm_bindgen(method)]
    pub fn error(this: &Recorder, thrown: u32, warn: bool);

    /// `{ type: "close", code, reason, wasClean, unsent }`: `unsent` an empty list on the final
    /// close (each [`Recorder::unsent`] call adds one id), else undefined.
    #[wasm_bindgen(method)]
    pub fn closed(this: &Recorder, code: u16, reason: &str, was_clean: bool, last: bool);

    /// Adds message id `id` to the close event's `unsent`.
    #[wasm_bindgen(method)]
    pub fn unsent(this: &Recorder, id: u32);

    /// `{ type: "statechange", from, to }`.
    #[wasm_bindgen(method)]
    pub fn statechange(this: &Recorder, from: &str, to: &str);

    /// `{ type: "reconnecting", attempt, delayMs }`.
    #[wasm_bindgen(method)]
    pub fn reconnecting(this: &Recorder, attempt: u32, delay_ms: f64);

    /// The console line of the diagnosis that follows (`warning` on its event).
    #[wasm_bindgen(method)]
    pub fn warn(this: &Recorder, text: &str);

    /// `{ type: "diagnosis", diagnosis, warning }` as the event, and returns the `Diagnosis`
    /// object (`{ kind, summary, advice, code, … }`).
    #[wasm_bindgen(method)]
    #[allow(clippy::too_many_arguments)]
    pub fn diagnosis(
        this: &Recorder,
        kind: &str,
        summary: &str,
        advice: &str,
        code: u16,
        reason: &str,
        was_clean: bool,
        was_open: bool,
        open_for_ms: f64,
        idle_for_ms: f64,
        page_secure: bool,
        url: &str,
        attempt: u32,
        probe: &str,
        probe_status: Option<u16>,
        will_retry: bool,
        retry_in_ms: Option<f64>,
    ) -> JsValue;

    /// `{ type: "probe", url, sameOrigin }`: fetch it, then re-arm the timer (the probe has a
    /// deadline).
    #[wasm_bindgen(method)]
    pub fn probe(this: &Recorder, url: &str, same_origin: bool);

    /// `{ type: "abandon", url }`: abort the probe of `url` (its deadline passed).
    #[wasm_bindgen(method)]
    pub fn abandon(this: &Recorder, url: &str);

    /// `{ type: "urltimeout", message, warn }`: an `error` event carrying `new Error(message)`,
    /// logged when `warn`: the URL function did not answer in time.
    #[wasm_bindgen(method, js_name = urlTimeout)]
    pub fn url_timeout(this: &Recorder, message: &str, warn: bool);

    /// The warning of a `ws://` URL upgraded for the first time, written once the call returned.
    #[wasm_bindgen(method)]
    pub fn upgraded(this: &Recorder, text: &str);

    // --- refusals, returned (and thrown by the glue once the call has returned) ---

    /// `{ name, message }`: `name` is `TypeError`, `RangeError`, or the name of the
    /// `DOMException` a `WebSocket` throws for the same mistake.
    #[wasm_bindgen(method)]
    pub fn refused(this: &Recorder, name: &str, message: &str) -> JsValue;

    /// `{ option, item, expected }`: option `option` (its index in the options table), list
    /// item `item` (-1 for the value as a whole), and what it must be.
    #[wasm_bindgen(method, js_name = optionRefused)]
    pub fn option_refused(this: &Recorder, option: u32, item: i32, expected: &str) -> JsValue;
}
