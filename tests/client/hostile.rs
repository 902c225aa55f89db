//! Page code that broke the globals the Rust `Client` calls: its guards must not let a thrown
//! exception unwind through the driver (which would leave it mid-update, or throw out of
//! `Client::new` and `drop` into the application's own frames), so a client is still created,
//! works, and lets go of everything.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wsguard::browser::client::Client;
use wsguard::browser::tally;
use wsguard::core::machine::State;
use wsguard::core::options::Options;

use super::{lab_url, quick, sleep, Log};

#[wasm_bindgen(inline_js = r#"
const real = {
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
  now: performance.now,
};
const broken = () => { throw new Error("broken by the page"); };

// Replaces setTimeout and clearTimeout with functions that throw.
export function breakTimers() {
  globalThis.setTimeout = broken;
  globalThis.clearTimeout = broken;
}

export function restoreTimers() {
  globalThis.setTimeout = real.setTimeout;
  globalThis.clearTimeout = real.clearTimeout;
}

// Replaces performance.now with a function that throws; `restoreClock` puts it back.
export function breakClock() {
  performance.now = broken;
}

export function restoreClock() {
  performance.now = real.now;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = breakTimers)]
    fn break_timers();
    #[wasm_bindgen(js_name = restoreTimers)]
    fn restore_timers();
    #[wasm_bindgen(js_name = breakClock)]
    fn break_clock();
    #[wasm_bindgen(js_name = restoreClock)]
    fn restore_clock();
}

#[wasm_bindgen_test]
async fn timers_that_throw_neither_stop_nor_leak_a_client() {
    let before = tally::counts();
    break_timers();
    // The connect timeout cannot be armed: the client connects without it.
    let created = Client::new(&lab_url("/echo"), quick());
    restore_timers();
    let client = created.unwrap();
    let log = Log::default();
    let watch = log.watch(&client);
    log.wait_for("open").await;
    client.send_text("still works").unwrap();
    log.wait_for("text still works").await;
    assert_eq!(client.state(), State::Open);
    drop(watch);
    break_timers();
    // Clearing the timers throws: the guards go all the same.
    drop(client);
    restore_timers();
    assert_eq!(tally::counts(), before);
}

#[wasm_bindgen_test]
async fn a_clock_that_throws_is_no_jump_in_time() {
    // Replaced when the page seems to have been suspended 2 s or more: a jump to `Date.now()`
    // (decades since 1970) would read as one.
    let options = Options {
        reconnect_after_suspend_ms: Some(2_000),
        ..quick()
    };
    let client = Client::new(&lab_url("/echo"), options).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("open").await;
    break_clock();
    client.send_text("clock broken").unwrap();
    // The suspension watch's timer fires meanwhile (every second).
    sleep(1_500).await;
    restore_clock();
    client.send_text("clock back").unwrap();
    log.wait_for("text clock back").await;
    assert!(log.has("text clock broken"), "{}", log.text());
    assert_eq!(log.count("open"), 1, "{}", log.text());
    assert!(
        !log.entries().iter().any(|e| e.starts_with("close")),
        "{}",
        log.text()
    );
    assert_eq!(client.state(), State::Open);
    client.close(1000, "").unwrap();
}
