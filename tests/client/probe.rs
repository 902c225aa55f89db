//! The probe after a failed handshake, and the fixed URL the browser blocks, in the Rust
//! `Client`. The page's own origin is wasm-bindgen-test-runner's server, so a socket there
//! (a relative URL) is a same-origin one: its probe is a plain request to the socket's own URL.
//! `fetch` and `WebSocket` are replaced by spies or fakes (`inline_js` below) where a test
//! needs an answer the runner's server cannot give; each test puts the real ones back.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wsguard::browser::client::Client;
use wsguard::browser::tally;
use wsguard::core::diagnosis::{Diagnosis, Kind, Probe};
use wsguard::core::machine::State;
use wsguard::core::options::Options;
use wsguard::core::session::PROBE_TIMEOUT_MS;

use super::{lab_url, quick, sleep, until, Log};

#[wasm_bindgen(inline_js = r#"
const real = { fetch: globalThis.fetch, WebSocket: globalThis.WebSocket };
let calls = [];

// Replaces fetch: "spy" passes each call on, "never" never settles (and ignores the abort),
// "throw" throws at once, "haproxy" answers HAProxy's 503 page; every call is recorded.
export function fakeFetch(mode) {
  calls = [];
  globalThis.fetch = function (url, init) {
    calls.push({ url, init });
    if (mode === "throw") throw new TypeError("fetch is broken on this page");
    if (mode === "never") return new Promise(() => {});
    if (mode === "haproxy") {
      const page = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>\n";
      return Promise.resolve(new Response(page, { status: 503, headers: { "content-type": "text/html" } }));
    }
    return real.fetch.call(globalThis, url, init);
  };
}

// The recorded calls: "url mode cache credentials redirect referrerPolicy signal aborted".
export function fetchCalls() {
  return calls.map(({ url, init }) =>
    [url, init.mode, init.cache, init.credentials, init.redirect, init.referrerPolicy,
     init.signal instanceof AbortSignal ? "signal" : "no-signal",
     init.signal?.aborted ? "aborted" : "live"].join(" "));
}

// Replaces WebSocket by one that throws the browser's mixed-content SecurityError.
export function blockSockets() {
  calls = [];
  globalThis.WebSocket = function (url) {
    calls.push({ url, init: {} });
    throw new DOMException("An insecure WebSocket connection may not be initiated from a page loaded over HTTPS.", "SecurityError");
  };
}

export function restore() {
  globalThis.fetch = real.fetch;
  globalThis.WebSocket = real.WebSocket;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = fakeFetch)]
    fn fake_fetch(mode: &str);
    #[wasm_bindgen(js_name = fetchCalls)]
    fn fetch_calls() -> Vec<String>;
    #[wasm_bindgen(js_name = blockSockets)]
    fn block_sockets();
    fn restore();
}

/// One attempt, no retry: the diagnosis is the last word.
fn once() -> Options {
    Options {
        max_retries: Some(0),
        ..quick()
    }
}

/// Waits for the client's first diagnosis and returns it.
async fn diagnosis_of(client: &Client, log: &Log) -> Diagnosis {
    until(
        "a diagnosis",
        || client.last_diagnosis().is_some(),
        || log.text(),
    )
    .await;
    client.last_diagnosis().unwrap()
}

/// `http://127.0.0.1:PORT` of the test page.
fn page_origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

#[wasm_bindgen_test]
async fn a_failed_wss_handshake_elsewhere_gets_the_no_cors_probe_of_its_origin() {
    fake_fetch("spy");
    // The lab speaks plain HTTP on its port: TLS fails, and so does the probe.
    let url = lab_url("/echo").replacen("ws:", "wss:", 1);
    let client = Client::new(&url, once()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let diagnosis = diagnosis_of(&client, &log).await;
    restore();
    assert_eq!(diagnosis.probe, Probe::TlsFailed, "{}", log.text());
    assert_eq!(diagnosis.kind, Kind::Certificate);
    assert_eq!(diagnosis.probe_status, None);
    let origin = url.replacen("wss:", "https:", 1).replace("/echo", "/");
    assert_eq!(
        fetch_calls(),
        [format!(
            "{origin} no-cors no-store omit  no-referrer signal live"
        )]
    );
}

#[wasm_bindgen_test]
async fn a_same_origin_socket_is_probed_at_its_own_url_and_the_status_is_told() {
    fake_fetch("spy");
    // Nothing serves WebSockets at this path on the runner's server.
    let client = Client::new("/wsguard-no-such-socket?room=1#top", once()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let diagnosis = diagnosis_of(&client, &log).await;
    restore();
    let own_url = [&page_origin(), "/wsguard-no-such-socket?room=1"].concat();
    assert_eq!(
        fetch_calls(),
        [format!(
            "{own_url}  no-store same-origin manual  signal live"
        )]
    );
    assert_eq!(diagnosis.probe, Probe::Answered, "{}", log.text());
    let status = diagnosis.probe_status.expect("an HTTP status");
    assert_eq!(diagnosis.kind, Kind::HandshakeRejected);
    assert!(
        diagnosis
            .summary
            .starts_with(&format!("The server or a proxy answered {status} ")),
        "{}",
        diagnosis.summary
    );
}

#[wasm_bindgen_test]
async fn the_body_of_an_error_answer_names_haproxy() {
    fake_fetch("haproxy");
    let client = Client::new("/wsguard-behind-haproxy", once()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let diagnosis = diagnosis_of(&client, &log).await;
    restore();
    assert_eq!(diagnosis.kind, Kind::HandshakeRejected, "{}", log.text());
    assert_eq!(diagnosis.probe_status, Some(503));
    assert!(
        diagnosis.summary.starts_with("HAProxy answered 503 "),
        "{}",
        diagnosis.summary
    );
}

#[wasm_bindgen_test]
async fn a_probe_that_never_answers_reports_at_its_deadline() {
    fake_fetch("never");
    let url = lab_url("/echo").replacen("ws:", "wss:", 1);
    let client = Client::new(&url, once()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    until("the probe", || fetch_calls().len() == 1, || log.text()).await;
    // A third of the way to the deadline: the diagnosis still waits, the request is still out.
    sleep(i32::try_from(PROBE_TIMEOUT_MS / 3).unwrap()).await;
    assert!(client.last_diagnosis().is_none(), "{}", log.text());
    assert!(
        fetch_calls()[0].ends_with(" signal live"),
        "{:?}",
        fetch_calls()
    );
    // At the deadline (the fetch never settles, and ignores the abort): the diagnosis goes on
    // without it, and the request is aborted.
    let diagnosis = diagnosis_of(&client, &log).await;
    let calls = fetch_calls();
    restore();
    assert_eq!(diagnosis.probe, Probe::TlsFailed, "{}", log.text());
    assert_eq!(diagnosis.kind, Kind::Certificate);
    assert!(calls[0].ends_with(" signal aborted"), "{calls:?}");
    assert_eq!(client.state(), State::Closed);
}

#[wasm_bindgen_test]
async fn a_fetch_that_throws_skips_the_probe() {
    fake_fetch("throw");
    let client = Client::new("/wsguard-fetch-throws", once()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let diagnosis = diagnosis_of(&client, &log).await;
    restore();
    assert_eq!(diagnosis.probe, Probe::Skipped, "{}", log.text());
    assert_eq!(diagnosis.probe_status, None);
    assert_eq!(diagnosis.kind, Kind::Unreachable);
    assert_eq!(fetch_calls().len(), 1);
}

#[wasm_bindgen_test]
async fn dropping_the_client_abandons_its_probe() {
    let before = tally::counts();
    fake_fetch("never");
    let url = lab_url("/echo").replacen("ws:", "wss:", 1);
    let client = Client::new(&url, once()).unwrap();
    let log = Log::default();
    let watch = log.watch(&client);
    until("the probe", || fetch_calls().len() == 1, || log.text()).await;
    drop(client);
    let calls = fetch_calls();
    restore();
    assert!(calls[0].ends_with(" signal aborted"), "{calls:?}");
    assert_eq!(tally::counts(), before);
    drop(watch);
    sleep(i32::try_from(PROBE_TIMEOUT_MS).unwrap() + 200).await;
    assert!(
        !log.entries().iter().any(|e| e.starts_with("diagnosis")),
        "{}",
        log.text()
    );
}

#[wasm_bindgen_test]
async fn a_fixed_url_the_browser_blocks_as_mixed_content_is_final() {
    let options = Options {
        max_retries: None,
        ..quick()
    };
    block_sockets();
    let client = Client::new(&lab_url("/echo"), options).unwrap();
    restore();
    let log = Log::default();
    let _watch = log.watch(&client);
    let diagnosis = diagnosis_of(&client, &log).await;
    assert_eq!(diagnosis.kind, Kind::MixedContent, "{}", log.text());
    assert!(!diagnosis.will_retry);
    assert_eq!(diagnosis.probe, Probe::Skipped);
    sleep(300).await; // past the 50 ms retry delay a retry would take
    assert_eq!(client.state(), State::Closed, "{}", log.text());
    assert_eq!(fetch_calls().len(), 1, "one socket was asked for");
    assert!(!log.has("reconnecting 1"), "{}", log.text());
}
