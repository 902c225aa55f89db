//! Host tests of option reading and validation, with `serde_json` standing in for
//! `serde_wasm_bindgen` (both drive the same `deserialize_any`).
#![cfg(not(target_arch = "wasm32"))]

use serde::de::value::{Error as ValueError, F64Deserializer, MapDeserializer};
use serde::de::IntoDeserializer;
use wsguard::core::backoff::Jitter;
use wsguard::core::options::{
    BinaryType, ErrorKind, Heartbeat, Options, OptionsError, DEFAULT_FATAL_CODES, MAX_TIMER_MS,
};
use wsguard::core::url::Insecure;

fn parse(json: &str) -> Result<Options, OptionsError> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    Options::from_deserializer(&mut deserializer)
}

fn parse_ok(json: &str) -> Options {
    parse(json).unwrap_or_else(|e| panic!("{json} was refused: {e}"))
}

/// Options with one number, including the NaN and infinities JSON cannot spell.
fn with_number(name: &'static str, value: f64) -> Result<Options, OptionsError> {
    let entries = vec![(name, value)];
    Options::from_deserializer(MapDeserializer::<_, ValueError>::new(
        entries
            .into_iter()
            .map(|(k, v)| (k, IntoDeserializer::<ValueError>::into_deserializer(v))),
    ))
}

fn refused(json: &str, kind: ErrorKind, option: &str, mentions: &[&str]) {
    let err = parse(json).expect_err(json);
    assert_eq!(err.kind(), kind, "{json}: {err}");
    assert_eq!(err.option(), option, "{json}: {err}");
    let text = err.to_string();
    for word in mentions {
        assert!(text.contains(word), "{json}: {text:?} lacks {word:?}");
    }
}

#[test]
fn defaults() {
    let options = parse_ok("{}");
    assert_eq!(options, Options::default());
    assert_eq!(options.min_delay_ms, 1000);
    assert_eq!(options.max_delay_ms, 30_000);
    assert_eq!(options.factor, 2.0);
    assert_eq!(options.jitter, Jitter::Full);
    assert_eq!(options.max_retries, None);
    assert_eq!(options.connect_timeout_ms, 10_000);
    assert_eq!(options.stable_after_ms, 5000);
    assert_eq!(options.max_buffered_messages, 1000);
    assert_eq!(options.max_buffered_bytes, 1_048_576);
    assert_eq!(options.heartbeat, None);
    assert!(options.protocols.is_empty());
    assert_eq!(options.binary_type, BinaryType::Blob);
    assert_eq!(options.insecure, Insecure::Upgrade);
    assert!(options.probe && options.log);
    assert_eq!(options.fatal_codes, DEFAULT_FATAL_CODES);
}

#[test]
fn null_and_absent_mean_default() {
    assert_eq!(parse_ok("null"), Options::default());
    assert_eq!(
        parse_ok(r#"{"minDelayMs": null, "heartbeat": null, "fatalCodes": null}"#),
        Options::default()
    );
}

#[test]
fn every_option_is_read() {
    let options = parse_ok(
        r#"{
            "minDelayMs": 250, "maxDelayMs": 60000, "factor": 1.5, "jitter": "equal",
            "maxRetries": 7, "connectTimeoutMs": 0, "stableAfterMs": 0,
            "maxBufferedMessages": 0, "maxBufferedBytes": 4096,
            "heartbeat": { "intervalMs": 15000, "message": "{\"type\":\"ping\"}", "timeoutMs": 5000 },
            "protocols": ["chat.v2", "chat"], "binaryType": "arraybuffer", "insecure": "allow",
            "probe": false, "fatalCodes": [4001, 1008, 4001], "log": false
        }"#,
    );
    assert_eq!(
        options,
        Options {
            min_delay_ms: 250,
            max_delay_ms: 60_000,
            factor: 1.5,
            jitter: Jitter::Equal,
            max_retries: Some(7),
            connect_timeout_ms: 0,
            stable_after_ms: 0,
            max_buffered_messages: 0,
            max_buffered_bytes: 4096,
            heartbeat: Some(Heartbeat {
                interval_ms: 15_000,
                message: r#"{"type":"ping"}"#.to_string(),
                timeout_ms: 5000,
            }),
            protocols: vec!["chat.v2".to_string(), "chat".to_string()],
            binary_type: BinaryType::ArrayBuffer,
            insecure: Insecure::Allow,
            probe: false,
            fatal_codes: vec![1008, 4001],
            log: false,
        }
    );
}

#[test]
fn heartbeat_fields_default_and_false_is_off() {
    assert_eq!(
        parse_ok(r#"{"heartbeat": {}}"#).heartbeat,
        Some(Heartbeat::default())
    );
    assert_eq!(
        parse_ok(r#"{"heartbeat": {"intervalMs": 1000}}"#).heartbeat,
        Some(Heartbeat {
            interval_ms: 1000,
            ..Heartbeat::default()
        })
    );
    assert_eq!(parse_ok(r#"{"heartbeat": false}"#).heartbeat, None);
}

#[test]
fn single_protocol_string() {
    assert_eq!(parse_ok(r#"{"protocols": "mqtt"}"#).protocols, ["mqtt"]);
    assert!(parse_ok(r#"{"protocols": []}"#).protocols.is_empty());
}

#[test]
fn max_delay_defaults_to_at_least_min_delay() {
    let options = parse_ok(r#"{"minDelayMs": 60000}"#);
    assert_eq!(
        (options.min_delay_ms, options.max_delay_ms),
        (60_000, 60_000)
    );
}

#[test]
fn infinity_max_retries_is_unbounded() {
    assert_eq!(
        with_number("maxRetries", f64::INFINITY)
            .unwrap()
            .max_retries,
        None
    );
    assert_eq!(parse_ok(r#"{"maxRetries": 0}"#).max_retries, Some(0));
}

#[test]
fn numbers_out_of_range() {
    for (name, value) in [
        ("minDelayMs", f64::NAN),
        ("minDelayMs", -1.0),
        ("minDelayMs", f64::INFINITY),
        ("minDelayMs", 1.5),
        ("maxDelayMs", MAX_TIMER_MS as f64 + 1.0),
        ("connectTimeoutMs", f64::NEG_INFINITY),
        ("stableAfterMs", 1e300),
        ("maxRetries", -1.0),
        ("maxRetries", f64::NAN),
        ("maxRetries", f64::NEG_INFINITY),
        ("maxRetries", 0.5),
        ("maxBufferedMessages", 1e10),
        ("maxBufferedBytes", -0.5),
        ("factor", 0.5),
        ("factor", f64::NAN),
        ("factor", f64::INFINITY),
    ] {
        let err = with_number(name, value).expect_err(name);
        assert_eq!(err.kind(), ErrorKind::Range, "{name}={value}: {err}");
        assert_eq!(err.option(), name);
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn rejected_values_are_shown() {
    let shown = |name: &'static str, value: f64| with_number(name, value).unwrap_err().to_string();
    assert!(shown("minDelayMs", f64::NAN).ends_with("got NaN"));
    assert!(shown("minDelayMs", -5.0).ends_with("got -5"));
    assert!(shown("minDelayMs", 1.25).ends_with("got 1.25"));
    assert!(shown("minDelayMs", 2.999_999_9).ends_with("got 2.999999…"));
    assert!(shown("minDelayMs", f64::NEG_INFINITY).ends_with("got -Infinity"));
    assert!(shown("minDelayMs", 1e300).ends_with("got a number beyond 9007199254740991"));
    let text = shown("minDelayMs", -5.0);
    assert!(text.contains("from 0 to 2147483647"), "{text}");
}

#[test]
fn wrong_types() {
    refused(
        r#"{"minDelayMs": "1000"}"#,
        ErrorKind::Type,
        "minDelayMs",
        &["minDelayMs", "the string \"1000\"", "integer"],
    );
    refused(r#"{"factor": true}"#, ErrorKind::Type, "factor", &["true"]);
    refused(
        r#"{"log": "yes"}"#,
        ErrorKind::Type,
        "log",
        &["true or false"],
    );
    refused(r#"{"probe": 1}"#, ErrorKind::Type, "probe", &["got 1"]);
    refused(r#"{"jitter": 1}"#, ErrorKind::Type, "jitter", &["\"full\""]);
    refused(
        r#"{"heartbeat": true}"#,
        ErrorKind::Type,
        "heartbeat",
        &["intervalMs"],
    );
    refused(
        r#"{"heartbeat": {"message": 5}}"#,
        ErrorKind::Type,
        "heartbeat.message",
        &["a string"],
    );
    refused(
        r#"{"protocols": 5}"#,
        ErrorKind::Type,
        "protocols",
        &["got 5"],
    );
    refused(
        r#"{"protocols": ["a", 1]}"#,
        ErrorKind::Type,
        "protocols",
        &["strings"],
    );
    refused(
        r#"{"fatalCodes": 1008}"#,
        ErrorKind::Type,
        "fatalCodes",
        &["array"],
    );
    refused(
        r#"{"fatalCodes": ["1008"]}"#,
        ErrorKind::Type,
        "fatalCodes",
        &["1000 to 4999"],
    );
    refused(
        r#"{"maxRetries": "Infinity"}"#,
        ErrorKind::Type,
        "maxRetries",
        &["Infinity"],
    );
}

#[test]
fn values_out_of_range() {
    refused(
        r#"{"minDelayMs": 5000, "maxDelayMs": 1000}"#,
        ErrorKind::Range,
        "maxDelayMs",
        &["minDelayMs (5000)", "got 1000"],
    );
    refused(
        r#"{"jitter": "fast"}"#,
        ErrorKind::Range,
        "jitter",
        &["\"full\", \"equal\", \"none\"", "\"fast\""],
    );
    refused(
        r#"{"binaryType": "Blob"}"#,
        ErrorKind::Range,
        "binaryType",
        &["\"arraybuffer\""],
    );
    refused(
        r#"{"insecure": "downgrade"}"#,
        ErrorKind::Range,
        "insecure",
        &["\"upgrade\""],
    );
    refused(
        r#"{"heartbeat": {"intervalMs": 0}}"#,
        ErrorKind::Range,
        "heartbeat.intervalMs",
        &["from 1"],
    );
    refused(
        r#"{"heartbeat": {"timeoutMs": -1}}"#,
        ErrorKind::Range,
        "heartbeat.timeoutMs",
        &["got -1"],
    );
    refused(
        r#"{"protocols": ["a b"]}"#,
        ErrorKind::Range,
        "protocols",
        &["token", "\"a b\""],
    );
    refused(
        r#"{"protocols": [""]}"#,
        ErrorKind::Range,
        "protocols",
        &["non-empty"],
    );
    refused(
        r#"{"protocols": ["chat", "chat"]}"#,
        ErrorKind::Range,
        "protocols",
        &["distinct"],
    );
    refused(
        r#"{"protocols": "caf\u00e9"}"#,
        ErrorKind::Range,
        "protocols",
        &["ASCII"],
    );
    refused(
        r#"{"fatalCodes": [999]}"#,
        ErrorKind::Range,
        "fatalCodes",
        &["got 999"],
    );
    refused(
        r#"{"fatalCodes": [5000]}"#,
        ErrorKind::Range,
        "fatalCodes",
        &["1000 to 4999"],
    );
    refused(
        r#"{"fatalCodes": [1008.5]}"#,
        ErrorKind::Range,
        "fatalCodes",
        &["1008.5"],
    );
}

#[test]
fn huge_arrays_are_refused_clearly() {
    let codes = vec!["1000"; 300].join(",");
    refused(
        &format!(r#"{{"fatalCodes": [{codes}]}}"#),
        ErrorKind::Range,
        "fatalCodes",
        &["at most 256", "300 items"],
    );
    let names = vec![r#""p""#; 5000].join(",");
    refused(
        &format!(r#"{{"protocols": [{names}]}}"#),
        ErrorKind::Range,
        "protocols",
        &["at most 64", "5000 items"],
    );
}

#[test]
fn deep_nesting_is_refused_without_overflow() {
    let deep = format!(r#"{{"protocols": {}{}}}"#, "[".repeat(100), "]".repeat(100));
    let err = parse(&deep).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Type);
    assert!(err.to_string().contains("too deeply"), "{err}");
}

#[test]
fn unknown_keys_are_named() {
    refused(
        r#"{"minDelay": 1}"#,
        ErrorKind::Type,
        "minDelay",
        &["minDelay", "minDelayMs"],
    );
    refused(
        r#"{"__proto__": {"log": false}}"#,
        ErrorKind::Type,
        "__proto__",
        &["__proto__"],
    );
    refused(
        r#"{"constructor": 1}"#,
        ErrorKind::Type,
        "constructor",
        &["constructor"],
    );
    refused(
        r#"{"heartbeat": {"interval": 1000}}"#,
        ErrorKind::Type,
        "heartbeat.interval",
        &["heartbeat.interval", "intervalMs"],
    );
}

#[test]
fn non_objects_are_type_errors() {
    for json in ["5", "\"fast\"", "[1, 2]", "true"] {
        let err = parse(json).expect_err(json);
        assert_eq!(err.kind(), ErrorKind::Type, "{json}: {err}");
        assert!(err.to_string().contains("options object"), "{err}");
    }
    let err = Options::from_deserializer(F64Deserializer::<ValueError>::new(1.0)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Type);
}
