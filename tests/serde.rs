//! The `serde` feature: the public data types serialize with the names the JS API uses, and
//! come back equal. `cargo test -p wsguard --features serde --test serde`.
#![cfg(all(feature = "serde", not(target_arch = "wasm32")))]

use serde_json::{json, Value};
use wsguard::core::backoff::Jitter;
use wsguard::core::diagnosis::{classify_close, ClassifyInput, Diagnosis, Kind, Probe};
use wsguard::core::machine::State;
use wsguard::core::options::{BinaryType, Heartbeat, Options};
use wsguard::core::url::Insecure;

#[test]
fn options_use_the_js_option_names_and_round_trip() {
    let options = Options {
        min_delay_ms: 250,
        max_retries: Some(7),
        jitter: Jitter::Equal,
        heartbeat: Some(Heartbeat::default()),
        protocols: vec!["chat.v2".into()],
        binary_type: BinaryType::ArrayBuffer,
        insecure: Insecure::Allow,
        ..Options::default()
    };
    let value = serde_json::to_value(&options).unwrap();
    assert_eq!(value["minDelayMs"], 250);
    assert_eq!(value["maxRetries"], 7);
    assert_eq!(value["jitter"], "equal");
    assert_eq!(value["binaryType"], "arraybuffer");
    assert_eq!(value["insecure"], "allow");
    assert_eq!(
        value["heartbeat"],
        json!({ "intervalMs": 30000, "message": "ping", "timeoutMs": 10000 })
    );
    assert_eq!(
        value["fatalCodes"],
        json!([1002, 1003, 1007, 1008, 1009, 1010])
    );
    let back: Options = serde_json::from_value(value).unwrap();
    assert_eq!(back, options);
}

#[test]
fn options_left_out_take_their_defaults() {
    let options: Options =
        serde_json::from_str(r#"{ "minDelayMs": 500, "heartbeat": { "intervalMs": 5000 } }"#)
            .unwrap();
    assert_eq!(options.min_delay_ms, 500);
    assert_eq!(options.max_delay_ms, Options::default().max_delay_ms);
    let heartbeat = options.heartbeat.unwrap();
    assert_eq!(heartbeat.interval_ms, 5000);
    assert_eq!(heartbeat.message, "ping");
    assert!(serde_json::from_str::<Options>(r#"{ "jitter": "half" }"#).is_err());
}

#[test]
fn a_diagnosis_has_the_fields_of_the_js_diagnosis_and_round_trips() {
    let diagnosis = classify_close(&ClassifyInput {
        url: "wss://api.example/ws".into(),
        page_secure: true,
        probe: Probe::TlsFailed,
        ..ClassifyInput::default()
    });
    assert_eq!(diagnosis.kind, Kind::Certificate);
    let value = serde_json::to_value(&diagnosis).unwrap();
    let mut names: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "advice",
            "attempt",
            "code",
            "idleForMs",
            "kind",
            "openForMs",
            "pageSecure",
            "probe",
            "probeStatus",
            "reason",
            "retryInMs",
            "summary",
            "url",
            "wasClean",
            "wasOpen",
            "willRetry"
        ]
    );
    assert_eq!(value["kind"], "certificate");
    assert_eq!(value["probe"], "tls-failed");
    assert_eq!(value["retryInMs"], Value::Null);
    let back: Diagnosis = serde_json::from_value(value).unwrap();
    assert_eq!(back, diagnosis);
}

#[test]
fn kinds_and_states_serialize_as_their_js_names() {
    for kind in [
        Kind::MixedContent,
        Kind::HandshakeRejected,
        Kind::ConnectionLost,
        Kind::IdleTimeout,
        Kind::Normal,
    ] {
        assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
    }
    for state in [
        State::Connecting,
        State::Reconnecting,
        State::Offline,
        State::Closed,
    ] {
        let value = serde_json::to_value(state).unwrap();
        assert_eq!(value, state.as_str());
        assert_eq!(serde_json::from_value::<State>(value).unwrap(), state);
    }
}
