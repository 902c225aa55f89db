//! The Rust `Client` in a dedicated worker, run by `wasm-pack test --headless --chrome` against
//! the lab servers (`tests/servers/lab.mjs`, port in `WSGUARD_LAB_WS_PORT` at compile time).
//! Chromium fires no `online`/`offline` in a worker; `navigator.connection`'s `change` reaches
//! it, and the client reads `navigator.onLine` then. The worker cannot really lose its network
//! here, so the test sets `navigator.onLine` and fires that `change` event, as the browser does;
//! everything after the event is real.
#![cfg(all(target_arch = "wasm32", feature = "browser"))]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wsguard::browser::client::{Client, ClientEvent};
use wsguard::core::backoff::Jitter;
use wsguard::core::machine::State;
use wsguard::core::options::Options;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

/// How long the test waits for what it expects before it fails.
const WAIT_MS: u32 = 5_000;

#[wasm_bindgen(inline_js = r#"
// Makes the worker's `navigator.onLine` answer `online`, and fires `change` on
// `navigator.connection`, as Chromium does when the network changes.
export function networkChanged(online) {
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => online });
  navigator.connection.dispatchEvent(new Event("change"));
}

// Puts back the worker's own `navigator.onLine`.
export function restoreOnLine() {
  delete navigator.onLine;
}

export function isWorker() {
  return typeof WorkerGlobalScope === "function" && typeof document === "undefined";
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = networkChanged)]
    fn network_changed(online: bool);
    #[wasm_bindgen(js_name = restoreOnLine)]
    fn restore_on_line();
    #[wasm_bindgen(js_name = isWorker)]
    fn is_worker() -> bool;
    #[wasm_bindgen(js_name = sleep)]
    fn sleep_promise(ms: u32) -> Promise;
}

async fn sleep(ms: u32) {
    JsFuture::from(sleep_promise(ms)).await.unwrap();
}

fn lab_url(path: &str) -> String {
    let port = option_env!("WSGUARD_LAB_WS_PORT").unwrap_or("9");
    ["ws://127.0.0.1:", port, path].concat()
}

/// The client's events as short strings: `open`, `close 1006`, `state open>reconnecting`.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    fn text(&self) -> String {
        self.0.borrow().join(" | ")
    }

    fn count(&self, entry: &str) -> usize {
        self.0.borrow().iter().filter(|e| *e == entry).count()
    }

    async fn wait_for(&self, entry: &str, times: usize) {
        let mut waited = 0;
        while self.count(entry) < times {
            assert!(
                waited < WAIT_MS,
                "timed out waiting for {entry}; saw {}",
                self.text()
            );
            sleep(10).await;
            waited += 10;
        }
    }
}

#[wasm_bindgen_test]
async fn a_network_change_in_a_worker_holds_and_resumes_the_retries() {
    assert!(is_worker(), "the test must run in a dedicated worker");
    // A retry slower than the test's waits: only the network change can start the next attempt.
    let options = Options {
        min_delay_ms: 8_000,
        max_delay_ms: 8_000,
        jitter: Jitter::None,
        log: false,
        ..Options::default()
    };
    let client = Client::new(&lab_url("/drop?after=100"), options).unwrap();
    let log = Log::default();
    let seen = log.clone();
    let _events = client.on_event(move |event| {
        let entry = match event {
            ClientEvent::Open => "open".into(),
            ClientEvent::Close(close) => format!("close {}", close.code),
            ClientEvent::StateChange { from, to } => {
                format!("state {}>{}", from.as_str(), to.as_str())
            }
            _ => return,
        };
        seen.0.borrow_mut().push(entry);
    });
    log.wait_for("state open>reconnecting", 1).await;
    network_changed(false);
    log.wait_for("state reconnecting>offline", 1).await;
    assert_eq!(client.state(), State::Offline);
    network_changed(true);
    restore_on_line();
    log.wait_for("state offline>connecting", 1).await;
    log.wait_for("open", 2).await;
    client.close(1000, "").unwrap();
}
