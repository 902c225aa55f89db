//! Page code that broke the globals the Rust `Client` calls: its guards must not let a thrown
//! exception unwind through the driver (which would leave it mid-update, or throw out of
//! `Client::new` and `drop` into the application's own frames), so a client is still created,
//! works, and lets go of everything.

use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;
use wsguard::browser::client::Client;
use wsguard::browser::tally;
use wsguard::core::machine::State;

use super::{lab_url, quick, Log};

#[wasm_bindgen(inline_js = r#"
const real = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
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
"#)]
extern "C" {
    #[wasm_bindgen(js_name = breakTimers)]
    fn break_timers();
    #[wasm_bindgen(js_name = restoreTimers)]
    fn restore_timers();
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
