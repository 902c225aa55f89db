//! The page's facts reaching the session through the Rust `Client`: the network (`offline`,
//! `online`) and the lifecycle (`visibilitychange`, `pageshow` from the back/forward cache,
//! `freeze`/`resume`). wasm-bindgen-test's page cannot really go offline, be frozen or be put in
//! the back/forward cache, so each test dispatches the very events the browser fires then (with
//! `document.visibilityState` set for the time of a test); everything after the event is real:
//! the client's listeners, the session, the lab's sockets.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wsguard::browser::client::Client;
use wsguard::core::close::CLOSE_SUSPENDED;
use wsguard::core::machine::State;
use wsguard::core::options::Options;

use super::{lab_url, quick, sleep, until, Log};

#[wasm_bindgen(inline_js = r#"
// Fires the event the browser fires on the global object (`online`, `offline`, `pagehide`,
// `pageshow` with `persisted`) or on the document (`freeze`, `resume`, `visibilitychange`).
export function fire(type, persisted) {
  if (type === "pageshow" || type === "pagehide") {
    return void globalThis.dispatchEvent(new PageTransitionEvent(type, { persisted }));
  }
  const onDocument = ["freeze", "resume", "visibilitychange"].includes(type);
  (onDocument ? document : globalThis).dispatchEvent(new Event(type));
}

// Makes `document.visibilityState` answer `state` ("visible" or "hidden"); "" puts back the
// browser's own.
export function setVisibility(state) {
  if (state === "") return void delete document.visibilityState;
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
}
"#)]
extern "C" {
    fn fire(event_type: &str, persisted: bool);
    #[wasm_bindgen(js_name = setVisibility)]
    fn set_visibility(state: &str);
}

/// Options whose retry waits long enough to see who started the next attempt: a page fact, or
/// the retry timer.
fn slow_retry() -> Options {
    Options {
        min_delay_ms: 8_000,
        max_delay_ms: 8_000,
        ..quick()
    }
}

#[wasm_bindgen_test]
async fn offline_holds_the_retry_until_online_has_settled() {
    let client = Client::new(&lab_url("/drop?after=100"), slow_retry()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("state open>reconnecting").await;
    fire("offline", false);
    log.wait_for("state reconnecting>offline").await;
    assert_eq!(client.state(), State::Offline);
    // `online` then `offline` at once: the network never counted as back.
    fire("online", false);
    fire("offline", false);
    sleep(800).await;
    assert_eq!(client.state(), State::Offline, "{}", log.text());
    fire("online", false);
    log.wait_for("state offline>connecting").await;
    until("a second open", || log.count("open") == 2, || log.text()).await;
    client.close(1000, "").unwrap();
}

#[wasm_bindgen_test]
async fn a_page_shown_again_tries_at_once_while_reconnecting() {
    let client = Client::new(&lab_url("/drop?after=100"), slow_retry()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("state open>reconnecting").await;
    set_visibility("hidden");
    fire("visibilitychange", false);
    set_visibility("visible");
    fire("visibilitychange", false);
    set_visibility("");
    // Long before the 8 s retry (and the 5 s a wait may take).
    log.wait_for("state reconnecting>connecting").await;
    until("a second open", || log.count("open") == 2, || log.text()).await;
    assert!(!log.has("reconnecting 2"), "{}", log.text());
    client.close(1000, "").unwrap();
}

#[wasm_bindgen_test]
async fn a_page_restored_from_the_back_forward_cache_replaces_its_socket() {
    let client = Client::new(&lab_url("/echo"), quick()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("open").await;
    // A `pageshow` that is not a restore (the first load) leaves the socket alone.
    fire("pageshow", false);
    sleep(300).await;
    assert_eq!(log.count("open"), 1, "{}", log.text());
    fire("pagehide", true);
    fire("pageshow", true);
    let closed = format!("close {CLOSE_SUSPENDED}");
    log.wait_for(&closed).await;
    until("a second open", || log.count("open") == 2, || log.text()).await;
    client.send_text("after the restore").unwrap();
    log.wait_for("text after the restore").await;
    client.close(1000, "").unwrap();
}

#[wasm_bindgen_test]
async fn a_page_frozen_longer_than_the_suspend_limit_replaces_its_socket() {
    let options = Options {
        reconnect_after_suspend_ms: Some(200),
        ..quick()
    };
    let client = Client::new(&lab_url("/echo"), options).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("open").await;
    fire("freeze", false);
    sleep(400).await;
    fire("resume", false);
    let closed = format!("close {CLOSE_SUSPENDED}");
    log.wait_for(&closed).await;
    until("a second open", || log.count("open") == 2, || log.text()).await;
    assert!(log.has("diagnosis suspended"), "{}", log.text());
    client.close(1000, "").unwrap();
}
