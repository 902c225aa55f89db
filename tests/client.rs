//! Browser tests of the Rust `Client`, run by `wasm-pack test --headless --chrome` in Chromium
//! against the local lab servers (`tests/servers/lab.mjs`) that `scripts/test.sh` starts; their
//! port arrives at compile time in `WSGUARD_LAB_WS_PORT`. Each test waits for what it expects
//! for at most `WAIT_MS`, then fails with what it saw.
#![cfg(all(target_arch = "wasm32", feature = "browser"))]

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wsguard::browser::client::{Client, ClientEvent, UrlSource};
use wsguard::browser::errors::{ClientError, SendFailure};
use wsguard::browser::subscription::Subscription;
use wsguard::browser::tally;
use wsguard::core::backoff::Jitter;
use wsguard::core::buffer::SendRefusal;
use wsguard::core::close::CloseError;
use wsguard::core::diagnosis::{Kind, Probe};
use wsguard::core::machine::State;
use wsguard::core::options::{BinaryType, Options};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "client/closing.rs"]
mod closing;
#[path = "client/hostile.rs"]
mod hostile;
#[path = "client/page.rs"]
mod page;
#[path = "client/probe.rs"]
mod probe;

/// How long a test waits for what it expects before it fails (the runner's limit is 20 s).
const WAIT_MS: u32 = 5_000;

fn lab_url(path: &str) -> String {
    let port = option_env!("WSGUARD_LAB_WS_PORT").unwrap_or("9");
    ["ws://127.0.0.1:", port, path].concat()
}

/// Options for tests: quick retries, no console output.
fn quick() -> Options {
    Options {
        min_delay_ms: 50,
        max_delay_ms: 200,
        jitter: Jitter::None,
        log: false,
        ..Options::default()
    }
}

async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    JsFuture::from(promise).await.unwrap();
}

/// Waits until `done()` holds; fails with `what` and `seen()` after `WAIT_MS`.
async fn until(what: &str, done: impl Fn() -> bool, seen: impl Fn() -> String) {
    let mut waited = 0;
    while !done() {
        assert!(
            waited < WAIT_MS,
            "timed out waiting for {what}; saw {}",
            seen()
        );
        sleep(10).await;
        waited += 10;
    }
}

/// Everything a client reported, as short strings: `open`, `error`, `close 1006`,
/// `state open>reconnecting`, `reconnecting 1`, `diagnosis connection-lost`, `text hi`,
/// `bytes [1, 2]`.
#[derive(Clone, Default)]
struct Log(Rc<RefCell<Vec<String>>>);

impl Log {
    fn push(&self, entry: String) {
        self.0.borrow_mut().push(entry);
    }

    fn has(&self, entry: &str) -> bool {
        self.0.borrow().iter().any(|e| e == entry)
    }

    fn count(&self, entry: &str) -> usize {
        self.0.borrow().iter().filter(|e| *e == entry).count()
    }

    fn entries(&self) -> Vec<String> {
        self.0.borrow().clone()
    }

    fn text(&self) -> String {
        self.entries().join(" | ")
    }

    async fn wait_for(&self, entry: &str) {
        until(entry, || self.has(entry), || self.text()).await;
    }

    /// Subscribes to everything `client` reports; the handles must live as long as the test.
    fn watch(&self, client: &Client) -> [Subscription; 2] {
        let events = self.clone();
        let messages = self.clone();
        [
            client.on_event(move |event| {
                events.push(match event {
                    ClientEvent::Open => "open".into(),
                    ClientEvent::Error(_) => "error".into(),
                    ClientEvent::Close(close) => format!("close {}", close.code),
                    ClientEvent::StateChange { from, to } => {
                        format!("state {}>{}", from.as_str(), to.as_str())
                    }
                    ClientEvent::Reconnecting { attempt, .. } => format!("reconnecting {attempt}"),
                    ClientEvent::Diagnosis(d) => format!("diagnosis {}", d.kind.as_str()),
                })
            }),
            client.on_message(move |message| {
                messages.push(match (message.text(), message.bytes()) {
                    (Some(text), _) => format!("text {text}"),
                    (None, Some(bytes)) => format!("bytes {bytes:?}"),
                    (None, None) => "blob".into(),
                })
            }),
        ]
    }
}

#[wasm_bindgen_test]
async fn opens_and_echoes_text_and_bytes_sent_before_and_after_open() {
    let client = Client::new(&lab_url("/echo"), quick()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    client.set_binary_type(BinaryType::ArrayBuffer);
    assert_eq!(client.state(), State::Connecting);
    assert_eq!(client.url(), lab_url("/echo"));
    // Queued while connecting, sent in order on open.
    client.send_text("before open").unwrap();
    assert_eq!(client.queued_bytes(), "before open".len() as u64);
    log.wait_for("open").await;
    assert_eq!(client.state(), State::Open);
    assert_eq!(client.queued_bytes(), 0);
    client.send_text("héllo").unwrap();
    client.send_bytes(&[0, 1, 2, 254, 255]).unwrap();
    log.wait_for("bytes [0, 1, 2, 254, 255]").await;
    let messages: Vec<String> = log
        .entries()
        .into_iter()
        .filter(|e| e.starts_with("text") || e.starts_with("bytes"))
        .collect();
    assert_eq!(
        messages,
        [
            "text before open",
            "text héllo",
            "bytes [0, 1, 2, 254, 255]"
        ]
    );
    assert_eq!(log.entries()[0], "state connecting>open", "{}", log.text());
    client.close(1000, "done").unwrap();
    log.wait_for("close 1000").await;
    assert_eq!(client.state(), State::Closed);
}

#[wasm_bindgen_test]
async fn a_dropped_message_subscription_leaves_the_socket() {
    let client = Client::new(&lab_url("/echo"), quick()).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let second = Log::default();
    let seen = second.clone();
    let subscription = client.on_message(move |m| seen.push(m.text().unwrap_or_default()));
    log.wait_for("open").await;
    let attached = tally::counts().listeners;
    client.send_text("one").unwrap();
    log.wait_for("text one").await;
    drop(subscription);
    assert_eq!(tally::counts().listeners, attached - 1);
    client.send_text("two").unwrap();
    log.wait_for("text two").await;
    assert_eq!(second.entries(), ["one"]);
}

#[wasm_bindgen_test]
async fn reconnects_after_a_drop_and_sends_what_was_queued_meanwhile() {
    let options = Options {
        min_delay_ms: 300,
        max_delay_ms: 300,
        binary_type: BinaryType::ArrayBuffer,
        ..quick()
    };
    let client = Client::new(&lab_url("/drop?after=400"), options).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("open").await;
    log.wait_for("state open>reconnecting").await;
    assert_eq!(client.state(), State::Reconnecting);
    client.send_text("while away").unwrap();
    client.send_bytes(&[7, 7]).unwrap();
    assert_eq!(client.queued_bytes(), "while away".len() as u64 + 2);
    log.wait_for("bytes [7, 7]").await;
    let entries = log.entries();
    let reopened = entries.iter().rposition(|e| e == "open").unwrap();
    let echoed = entries.iter().position(|e| e == "text while away").unwrap();
    assert!(reopened < echoed, "{}", log.text());
    assert_eq!(log.count("open"), 2, "{}", log.text());
    assert!(log.has("close 1006"), "{}", log.text());
    assert!(log.has("diagnosis connection-lost"), "{}", log.text());
    assert!(log.has("reconnecting 1"), "{}", log.text());
    let diagnosis = client.last_diagnosis().unwrap();
    assert_eq!(diagnosis.kind, Kind::ConnectionLost);
    assert!(diagnosis.was_open && diagnosis.will_retry);
    assert_eq!(diagnosis.retry_in_ms, Some(300));
    client.close(1000, "").unwrap();
}

#[wasm_bindgen_test]
async fn a_refused_handshake_gets_a_diagnosis() {
    let options = Options {
        max_retries: Some(0),
        ..quick()
    };
    let client = Client::new(&lab_url("/refuse"), options).unwrap();
    let log = Log::default();
    let _watch = log.watch(&client);
    let diagnoses = Log::default();
    let seen = diagnoses.clone();
    let _diagnosis = client.on_diagnosis(move |d| {
        seen.push(format!("{} {} {}", d.kind.as_str(), d.code, d.will_retry));
    });
    log.wait_for("diagnosis unreachable").await;
    assert_eq!(diagnoses.entries(), ["unreachable 1006 false"]);
    let entries = log.entries();
    let error = entries.iter().position(|e| e == "error").unwrap();
    let close = entries.iter().position(|e| e == "close 1006").unwrap();
    assert!(error < close, "{}", log.text());
    let diagnosis = client.last_diagnosis().unwrap();
    assert!(!diagnosis.was_open);
    assert_eq!(diagnosis.probe, Probe::Skipped); // a ws: URL: no HTTPS probe
    assert_eq!(diagnosis.url, lab_url("/refuse"));
    assert_eq!(client.state(), State::Closed);
    assert!(!log.has("open"), "{}", log.text());
}

#[wasm_bindgen_test]
async fn dropping_the_client_releases_everything() {
    let before = tally::counts();
    let log = Log::default();
    let client = Client::new(&lab_url("/echo"), quick()).unwrap();
    let watch = log.watch(&client);
    log.wait_for("open").await;
    let live = tally::counts();
    assert_eq!(live.sockets, before.sockets + 1);
    // The socket's open/error/close, the message subscription, and the page's listeners.
    assert!(live.listeners >= before.listeners + 4, "{live:?}");
    drop(client);
    assert_eq!(tally::counts(), before);
    drop(watch); // inert once the client is gone
    sleep(50).await;
    assert!(!log.has("close 1000"), "nothing after drop: {}", log.text());
    assert_eq!(tally::counts(), before);
}

#[wasm_bindgen_test]
async fn callbacks_may_call_the_client_and_drop_their_own_subscription() {
    let client = Rc::new(Client::new(&lab_url("/echo"), quick()).unwrap());
    let log = Log::default();
    let _watch = log.watch(&client);
    let weak = Rc::downgrade(&client);
    let _send_on_open = client.on_open(move || {
        if let Some(client) = weak.upgrade() {
            client.send_text("from open").unwrap();
        }
    });
    let once: Rc<RefCell<Option<Subscription>>> = Rc::default();
    let calls = Rc::new(RefCell::new(0));
    let (slot, counted) = (Rc::clone(&once), Rc::clone(&calls));
    *once.borrow_mut() = Some(client.on_state_change(move |_, _| {
        *counted.borrow_mut() += 1;
        drop(slot.borrow_mut().take()); // unsubscribes itself, mid-call
    }));
    log.wait_for("text from open").await;
    client.reconnect();
    until(
        "a second echo",
        || log.count("text from open") == 2,
        || log.text(),
    )
    .await;
    assert_eq!(*calls.borrow(), 1, "{}", log.text());
    assert!(once.borrow().is_none());
}

#[wasm_bindgen_test]
async fn a_url_function_is_called_before_every_attempt() {
    let calls = Rc::new(RefCell::new(0));
    let counted = Rc::clone(&calls);
    let url = Closure::<dyn Fn() -> JsValue>::new(move || {
        *counted.borrow_mut() += 1;
        Promise::resolve(&JsValue::from(lab_url("/echo?via=function"))).into()
    });
    let source = UrlSource::Function(url.as_ref().unchecked_ref::<js_sys::Function>().clone());
    let client = Client::with_source(source, quick()).unwrap();
    assert_eq!(client.url(), "");
    let log = Log::default();
    let _watch = log.watch(&client);
    log.wait_for("open").await;
    assert_eq!(client.url(), lab_url("/echo?via=function"));
    client.reconnect();
    until("a second open", || log.count("open") == 2, || log.text()).await;
    assert_eq!(*calls.borrow(), 2);
    drop(client);
}

#[wasm_bindgen_test]
fn errors_are_typed() {
    assert!(matches!(
        Client::new("ftp://files.example/", quick()),
        Err(ClientError::Url(_))
    ));
    let bad = Options {
        factor: 0.5,
        ..quick()
    };
    let Err(ClientError::Options(error)) = Client::new(&lab_url("/echo"), bad) else {
        panic!("factor 0.5 accepted");
    };
    assert!(error.to_string().contains("factor"), "{error}");

    let client = Client::new(&lab_url("/echo"), quick()).unwrap();
    assert!(matches!(
        client.send(&JsValue::from(42)),
        Err(SendFailure::NotSendable)
    ));
    assert_eq!(client.close(1001, ""), Err(CloseError::InvalidCode(1001)));
    client.close(1000, "").unwrap();
    let Err(SendFailure::Refused(refused)) = client.send_text("late") else {
        panic!("a send after close was accepted");
    };
    assert_eq!(refused.refusal, SendRefusal::Closed);
    assert_eq!(refused.into_message().as_string().as_deref(), Some("late"));
}
