//! How the Rust `Client` ends: a server's close with a fatal code (the defaults, and the
//! `fatal_codes` option) is final, any other code is retried; `close()` while the URL function
//! has not answered ends at once.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use wsguard::browser::client::{Client, UrlSource};
use wsguard::core::machine::State;
use wsguard::core::options::Options;

use super::{lab_url, quick, sleep, until, Log};

#[wasm_bindgen_test]
async fn a_default_fatal_code_from_the_server_is_final() {
    let client = Client::new(&lab_url("/close?code=1008&reason=policy"), quick()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("close 1008").await;
    until(
        "the diagnosis",
        || client.last_diagnosis().is_some(),
        || log.text(),
    )
    .await;
    let diagnosis = client.last_diagnosis().unwrap();
    assert!(!diagnosis.will_retry, "{}", log.text());
    assert_eq!(diagnosis.code, 1008);
    sleep(300).await; // past the 50 ms retry delay a retry would take
    assert_eq!(client.state(), State::Closed, "{}", log.text());
    assert_eq!(log.count("open"), 1, "{}", log.text());
    assert!(!log.has("reconnecting 1"), "{}", log.text());
}

#[wasm_bindgen_test]
async fn fatal_codes_are_the_ones_the_option_names() {
    let options = Options {
        fatal_codes: vec![4001],
        ..quick()
    };
    let fatal = Client::new(&lab_url("/close?code=4001"), options.clone()).unwrap();
    let retried = Client::new(&lab_url("/close?code=1008"), options).unwrap();
    let (fatal_log, retried_log) = (Log::default(), Log::default());
    let _watch_fatal = fatal_log.watch(&fatal);
    let _watch_retried = retried_log.watch(&retried);
    // 1008 is fatal by default, not with this option: it is retried.
    retried_log.wait_for("reconnecting 1").await;
    until(
        "a second open",
        || retried_log.count("open") == 2,
        || retried_log.text(),
    )
    .await;
    fatal_log.wait_for("close 4001").await;
    until(
        "the diagnosis",
        || fatal.last_diagnosis().is_some(),
        || fatal_log.text(),
    )
    .await;
    assert!(!fatal.last_diagnosis().unwrap().will_retry);
    assert_eq!(fatal.state(), State::Closed, "{}", fatal_log.text());
    assert!(!fatal_log.has("reconnecting 1"), "{}", fatal_log.text());
    retried.close(1000, "").unwrap();
}

#[wasm_bindgen_test]
async fn close_while_the_url_function_is_pending_ends_at_once() {
    let never = Closure::<dyn Fn() -> JsValue>::new(|| Promise::new(&mut |_, _| {}).into());
    let source = UrlSource::Function(never.as_ref().unchecked_ref::<js_sys::Function>().clone());
    let client = Client::with_source(source, quick()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    // `Client::new` called the URL function; its Promise never settles.
    assert_eq!(client.state(), State::Connecting);
    client.close(1000, "bye").unwrap();
    // No socket to wait for: closed at once, not after a grace period or the connect timeout.
    assert_eq!(client.state(), State::Closed);
    log.wait_for("close 1000").await;
    assert!(!log.has("open"), "{}", log.text());
}

#[wasm_bindgen_test]
async fn a_url_function_that_never_answers_fails_with_its_own_message() {
    let never = Closure::<dyn Fn() -> JsValue>::new(|| Promise::new(&mut |_, _| {}).into());
    let source = UrlSource::Function(never.as_ref().unchecked_ref::<js_sys::Function>().clone());
    let options = Options {
        connect_timeout_ms: 300,
        max_retries: Some(0),
        ..quick()
    };
    let client = Client::with_source(source, options).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let errors = Log::default();
    let seen = errors.clone();
    let _errors = client.on_error(move |error| {
        seen.push(
            error
                .map(wsguard::browser::js::message_of)
                .unwrap_or_default(),
        );
    });
    until(
        "the diagnosis",
        || client.last_diagnosis().is_some(),
        || log.text(),
    )
    .await;
    assert_eq!(
        errors.entries(),
        ["wsguard: the URL function did not answer within 300 ms (`connect_timeout_ms`)"],
        "{}",
        log.text()
    );
    assert!(!client.last_diagnosis().unwrap().will_retry);
    assert_eq!(client.state(), State::Closed);
}
