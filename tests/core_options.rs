//! Host tests of the option rules: typed [`Options`] checked by `validate()`, the errors it
//! gives (option, expected text, item index, message), and `normalize()`.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::backoff::Jitter;
use wsguard::core::options::{
    BinaryType, Heartbeat, OptionName, Options, Reader, Value, DEFAULT_FATAL_CODES,
    MAX_FATAL_CODES, MAX_PROTOCOLS, MAX_SAFE_INTEGER, MAX_TIMER_MS,
};
use wsguard::core::text::decimal;
use wsguard::core::url::Insecure;

const TIMER: &str = "an integer from 0 to 2147483647 (ms)";
const HEARTBEAT_TIMER: &str = "an integer from 1 to 2147483647 (ms)";
const MAX_DELAY: &str = "at least the minimum delay and at most 2147483647 (ms)";
const FACTOR: &str = "a number from 1 to 1000";
const BYTES: &str = "an integer from 0 to 9007199254740991 (bytes)";
const TOKEN: &str =
    "HTTP tokens: non-empty, printable ASCII, without spaces or ()<>@,;:\\\"/[]?={}";
const DISTINCT: &str = "distinct sub-protocol names";
const CLOSE_CODES: &str = "close codes: integers from 1000 to 4999";

fn with_heartbeat(interval_ms: u64, timeout_ms: u64) -> Options {
    Options {
        heartbeat: Some(Heartbeat {
            interval_ms,
            timeout_ms,
            ..Heartbeat::default()
        }),
        ..Options::default()
    }
}

fn with_protocols(names: &[&str]) -> Options {
    Options {
        protocols: names.iter().map(|n| n.to_string()).collect(),
        ..Options::default()
    }
}

fn with_codes(codes: &[u16]) -> Options {
    Options {
        fatal_codes: codes.to_vec(),
        ..Options::default()
    }
}

/// `options` is refused for `option`, with `expected` and `index`.
fn refused(options: &Options, option: OptionName, expected: &str, index: Option<usize>) {
    let err = options.validate().expect_err(&format!("{options:?}"));
    assert_eq!(
        (err.option, err.expected, err.index),
        (option, expected, index),
        "{options:?}"
    );
}

fn accepted(options: &Options) {
    if let Err(err) = options.validate() {
        panic!("{options:?} was refused: {err}");
    }
}

#[test]
fn defaults() {
    let options = Options::default();
    accepted(&options);
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
    assert_eq!(options.reconnect_after_suspend_ms, Some(60_000));
    assert!(options.protocols.is_empty());
    assert_eq!(options.binary_type, BinaryType::Blob);
    assert_eq!(options.insecure, Insecure::Upgrade);
    assert!(options.probe && options.log);
    assert_eq!(options.fatal_codes, DEFAULT_FATAL_CODES);
    assert_eq!(
        Heartbeat::default(),
        Heartbeat {
            interval_ms: 30_000,
            message: "ping".to_string(),
            timeout_ms: 10_000
        }
    );
}

#[test]
fn every_option_set_and_every_limit_reached_is_accepted() {
    let options = Options {
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
        reconnect_after_suspend_ms: Some(MAX_TIMER_MS),
        protocols: vec!["chat.v2".to_string(), "chat".to_string()],
        binary_type: BinaryType::ArrayBuffer,
        insecure: Insecure::Allow,
        probe: false,
        fatal_codes: vec![4001, 1008, 4001],
        log: false,
    };
    accepted(&options);
    for options in [
        Options {
            min_delay_ms: MAX_TIMER_MS,
            max_delay_ms: MAX_TIMER_MS,
            connect_timeout_ms: MAX_TIMER_MS,
            stable_after_ms: MAX_TIMER_MS,
            max_buffered_bytes: MAX_SAFE_INTEGER,
            max_buffered_messages: u32::MAX,
            max_retries: Some(u32::MAX),
            factor: 1000.0,
            ..Options::default()
        },
        Options {
            min_delay_ms: 0,
            max_delay_ms: 0,
            factor: 1.0,
            max_retries: Some(0),
            ..Options::default()
        },
        with_heartbeat(1, 1),
        with_heartbeat(MAX_TIMER_MS, MAX_TIMER_MS),
        with_protocols(&["!#$%&'*+-.^_`|~", "Az09"]),
        with_protocols(&["p"]),
        Options {
            protocols: (0..MAX_PROTOCOLS).map(|n| format!("p{n}")).collect(),
            ..Options::default()
        },
        with_codes(&[1000, 4999]),
        with_codes(&[]),
        // Repeats are allowed (normalize drops them); only the count is bounded.
        with_codes(&[1000; MAX_FATAL_CODES]),
    ] {
        accepted(&options);
    }
}

#[test]
fn timers_out_of_range() {
    let over = MAX_TIMER_MS + 1;
    refused(
        &Options {
            min_delay_ms: over,
            max_delay_ms: over,
            ..Options::default()
        },
        OptionName::MinDelayMs,
        TIMER,
        None,
    );
    refused(
        &Options {
            max_delay_ms: over,
            ..Options::default()
        },
        OptionName::MaxDelayMs,
        MAX_DELAY,
        None,
    );
    refused(
        &Options {
            min_delay_ms: 5000,
            max_delay_ms: 4999,
            ..Options::default()
        },
        OptionName::MaxDelayMs,
        MAX_DELAY,
        None,
    );
    refused(
        &Options {
            connect_timeout_ms: over,
            ..Options::default()
        },
        OptionName::ConnectTimeoutMs,
        TIMER,
        None,
    );
    refused(
        &Options {
            stable_after_ms: u64::MAX,
            ..Options::default()
        },
        OptionName::StableAfterMs,
        TIMER,
        None,
    );
    refused(
        &Options {
            reconnect_after_suspend_ms: Some(over),
            ..Options::default()
        },
        OptionName::ReconnectAfterSuspendMs,
        "an integer from 0 to 2147483647 (ms), or Infinity (never)",
        None,
    );
    for limit in [None, Some(0), Some(MAX_TIMER_MS)] {
        accepted(&Options {
            reconnect_after_suspend_ms: limit,
            ..Options::default()
        });
    }
    for (interval, timeout, option) in [
        (0, 1, OptionName::HeartbeatIntervalMs),
        (over, 1, OptionName::HeartbeatIntervalMs),
        (1, 0, OptionName::HeartbeatTimeoutMs),
        (1, over, OptionName::HeartbeatTimeoutMs),
    ] {
        refused(
            &with_heartbeat(interval, timeout),
            option,
            HEARTBEAT_TIMER,
            None,
        );
    }
}

#[test]
fn factor_and_bytes_out_of_range() {
    for factor in [
        0.5,
        0.999_999,
        1_000.000_1,
        -1.0,
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
    ] {
        refused(
            &Options {
                factor,
                ..Options::default()
            },
            OptionName::Factor,
            FACTOR,
            None,
        );
    }
    refused(
        &Options {
            max_buffered_bytes: MAX_SAFE_INTEGER + 1,
            ..Options::default()
        },
        OptionName::MaxBufferedBytes,
        BYTES,
        None,
    );
}

#[test]
fn protocols_must_be_distinct_tokens() {
    refused(
        &with_protocols(&["a b"]),
        OptionName::Protocols,
        TOKEN,
        Some(0),
    );
    refused(
        &with_protocols(&["chat", ""]),
        OptionName::Protocols,
        TOKEN,
        Some(1),
    );
    refused(
        &with_protocols(&["café"]),
        OptionName::Protocols,
        TOKEN,
        Some(0),
    );
    for separator in "()<>@,;:\\\"/[]?={} \t".chars() {
        let name = format!("a{separator}b");
        refused(
            &with_protocols(&[&name]),
            OptionName::Protocols,
            TOKEN,
            Some(0),
        );
    }
    refused(
        &with_protocols(&["chat", "mqtt", "chat"]),
        OptionName::Protocols,
        DISTINCT,
        Some(2),
    );
    let too_many = Options {
        protocols: (0..=MAX_PROTOCOLS).map(|n| format!("p{n}")).collect(),
        ..Options::default()
    };
    refused(
        &too_many,
        OptionName::Protocols,
        "at most 64 sub-protocols",
        None,
    );
}

#[test]
fn fatal_codes_must_be_few_close_codes() {
    refused(
        &with_codes(&[999]),
        OptionName::FatalCodes,
        CLOSE_CODES,
        Some(0),
    );
    refused(
        &with_codes(&[1008, 5000]),
        OptionName::FatalCodes,
        CLOSE_CODES,
        Some(1),
    );
    refused(
        &with_codes(&[0]),
        OptionName::FatalCodes,
        CLOSE_CODES,
        Some(0),
    );
    refused(
        &with_codes(&[1000; MAX_FATAL_CODES + 1]),
        OptionName::FatalCodes,
        "at most 256 close codes",
        None,
    );
}

#[test]
fn the_first_broken_rule_is_reported() {
    let options = Options {
        factor: f64::NAN,
        protocols: vec![String::new()],
        fatal_codes: vec![1],
        ..Options::default()
    };
    assert_eq!(options.validate().unwrap_err().option, OptionName::Factor);
    let options = Options {
        protocols: vec![String::new()],
        fatal_codes: vec![1],
        ..Options::default()
    };
    assert_eq!(
        options.validate().unwrap_err().option,
        OptionName::Protocols
    );
}

#[test]
fn messages_name_the_option_and_the_rule() {
    let err = Options {
        min_delay_ms: 5000,
        max_delay_ms: 1000,
        ..Options::default()
    }
    .validate()
    .unwrap_err();
    assert_eq!(
        err.message(),
        "wsguard: option max_delay_ms must be at least the minimum delay and at most 2147483647 (ms)"
    );
    assert_eq!(err.to_string(), err.message());
    let err = with_protocols(&["chat", "chat"]).validate().unwrap_err();
    assert_eq!(
        err.message(),
        "wsguard: option protocols[1] must be distinct sub-protocol names"
    );
    let err = with_heartbeat(0, 1).validate().unwrap_err();
    assert_eq!(
        err.message(),
        "wsguard: option heartbeat.interval_ms must be an integer from 1 to 2147483647 (ms)"
    );
    let err = with_codes(&[1000; 300]).validate().unwrap_err();
    assert_eq!(
        err.to_string(),
        "wsguard: option fatal_codes must be at most 256 close codes"
    );
}

#[test]
fn texts_quote_the_real_limits() {
    let timer = decimal(MAX_TIMER_MS);
    for option in [
        OptionName::MinDelayMs,
        OptionName::MaxDelayMs,
        OptionName::ConnectTimeoutMs,
        OptionName::StableAfterMs,
        OptionName::HeartbeatIntervalMs,
        OptionName::HeartbeatTimeoutMs,
    ] {
        assert!(option.expected().contains(&timer), "{option:?}");
    }
    assert!(OptionName::MaxBufferedBytes
        .expected()
        .contains(&decimal(MAX_SAFE_INTEGER)));
    assert!(OptionName::MaxRetries
        .expected()
        .contains(&decimal(u32::MAX.into())));
    assert!(OptionName::MaxBufferedMessages
        .expected()
        .contains(&decimal(u32::MAX.into())));
    let too_many = Options {
        protocols: vec!["p".to_string(); MAX_PROTOCOLS + 1],
        ..Options::default()
    };
    let expected = too_many.validate().unwrap_err().expected;
    assert!(
        expected.contains(&decimal(MAX_PROTOCOLS as u64)),
        "{expected}"
    );
    let expected = with_codes(&[1000; MAX_FATAL_CODES + 1])
        .validate()
        .unwrap_err()
        .expected;
    assert!(
        expected.contains(&decimal(MAX_FATAL_CODES as u64)),
        "{expected}"
    );
}

#[test]
fn option_names_are_distinct_rust_field_names() {
    use OptionName::*;
    let all = OptionName::ALL;
    for (i, option) in all.iter().enumerate() {
        let name = option.as_str();
        assert_eq!(
            *option as usize, i,
            "{name}: ALL follows the declaration order"
        );
        assert!(
            name.bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_' || b == b'.'),
            "{name}"
        );
        assert!(!option.expected().is_empty(), "{name}");
        assert!(all[..i].iter().all(|o| o.as_str() != name), "{name} twice");
    }
    assert_eq!(Jitter.expected(), "one of \"full\", \"equal\", \"none\"");
    assert_eq!(BinaryType.expected(), "one of \"blob\", \"arraybuffer\"");
    assert_eq!(
        Insecure.expected(),
        "one of \"upgrade\", \"error\", \"allow\""
    );
    assert_eq!(Log.expected(), "true or false");
    assert!(MaxRetries.expected().contains("Infinity"));
}

#[test]
fn names_the_js_layer_maps_with() {
    for jitter in [Jitter::Full, Jitter::Equal, Jitter::None] {
        let name = match jitter {
            Jitter::Full => "full",
            Jitter::Equal => "equal",
            Jitter::None => "none",
        };
        assert_eq!(Jitter::parse(name), Some(jitter));
    }
    for binary_type in [BinaryType::Blob, BinaryType::ArrayBuffer] {
        assert_eq!(BinaryType::parse(binary_type.as_str()), Some(binary_type));
    }
    assert_eq!(Insecure::parse("upgrade"), Some(Insecure::Upgrade));
    assert_eq!(Insecure::parse("error"), Some(Insecure::Error));
    assert_eq!(Insecure::parse("allow"), Some(Insecure::Allow));
    for wrong in ["", "Blob", "ARRAYBUFFER", "fast", "downgrade", " full"] {
        assert_eq!(BinaryType::parse(wrong), None, "{wrong}");
        assert_eq!(Jitter::parse(wrong), None, "{wrong}");
        assert_eq!(Insecure::parse(wrong), None, "{wrong}");
    }
}

#[test]
fn normalize_drops_repeated_fatal_codes_in_place() {
    let mut options = with_codes(&[4001, 1008, 4001, 1002, 1008, 4001]);
    options.normalize();
    assert_eq!(options.fatal_codes, [4001, 1008, 1002]);
    let mut options = with_codes(&[1000; MAX_FATAL_CODES]);
    options.normalize();
    assert_eq!(options.fatal_codes, [1000]);
    let mut defaults = Options::default();
    defaults.normalize();
    assert_eq!(defaults, Options::default());
}

/// Reads `values` (option, value) with a fresh [`Reader`].
fn read(
    values: &[(OptionName, Value<'_>)],
) -> Result<Options, wsguard::core::options::OptionsError> {
    let mut reader = Reader::new();
    for (option, value) in values {
        reader.give(*option, *value);
    }
    reader.finish()
}

#[test]
fn the_reader_puts_every_option_in_its_field() {
    use OptionName::*;
    use Value::{Flag, Number, Text};
    let options = read(&[
        (MinDelayMs, Number(10.0)),
        (MaxDelayMs, Number(20.0)),
        (Factor, Number(1.5)),
        (Jitter, Text("equal")),
        (MaxRetries, Number(3.0)),
        (ConnectTimeoutMs, Number(4.0)),
        (StableAfterMs, Number(5.0)),
        (MaxBufferedMessages, Number(6.0)),
        (MaxBufferedBytes, Number(7.0)),
        (Heartbeat, Flag(true)),
        (HeartbeatIntervalMs, Number(8.0)),
        (HeartbeatMessage, Text("hb")),
        (HeartbeatTimeoutMs, Number(9.0)),
        (ReconnectAfterSuspendMs, Number(f64::INFINITY)),
        (Protocols, Flag(true)),
        (Protocols, Text("a")),
        (Protocols, Text("b")),
        (BinaryType, Text("arraybuffer")),
        (Insecure, Text("allow")),
        (Probe, Flag(false)),
        (FatalCodes, Flag(true)),
        (FatalCodes, Number(4001.0)),
        (FatalCodes, Number(4001.0)),
        (Log, Flag(false)),
    ])
    .unwrap();
    let expected = Options {
        min_delay_ms: 10,
        max_delay_ms: 20,
        factor: 1.5,
        jitter: wsguard::core::backoff::Jitter::Equal,
        max_retries: Some(3),
        connect_timeout_ms: 4,
        stable_after_ms: 5,
        max_buffered_messages: 6,
        max_buffered_bytes: 7,
        heartbeat: Some(wsguard::core::options::Heartbeat {
            interval_ms: 8,
            message: "hb".into(),
            timeout_ms: 9,
        }),
        reconnect_after_suspend_ms: None,
        protocols: vec!["a".into(), "b".into()],
        binary_type: wsguard::core::options::BinaryType::ArrayBuffer,
        insecure: wsguard::core::url::Insecure::Allow,
        probe: false,
        fatal_codes: vec![4001],
        log: false,
    };
    assert_eq!(options, expected);
    assert_eq!(read(&[]).unwrap(), Options::default());
}

#[test]
fn the_reader_refuses_values_that_do_not_fit_with_the_options_text() {
    use OptionName::*;
    use Value::{Flag, Number, Text};
    for (option, value) in [
        (MinDelayMs, Number(1.5)),
        (MinDelayMs, Number(-1.0)),
        (MinDelayMs, Number(f64::NAN)),
        (MinDelayMs, Number(9_007_199_254_740_992.0)),
        (MaxRetries, Number(4_294_967_296.0)),
        (MaxRetries, Number(f64::NEG_INFINITY)),
        (MaxBufferedMessages, Number(0.5)),
        (ReconnectAfterSuspendMs, Number(-0.5)),
        (Jitter, Text("fast")),
        (BinaryType, Text("Blob")),
        (Insecure, Text("downgrade")),
        // A value of the wrong shape.
        (Factor, Text("2")),
        (Log, Number(1.0)),
        (HeartbeatMessage, Flag(true)),
        (Heartbeat, Number(1.0)),
    ] {
        let err = read(&[(option, value)]).unwrap_err();
        assert_eq!(
            (err.option, err.expected, err.index),
            (option, option.expected(), None),
            "{option:?} {value:?}"
        );
    }
    // The first refusal is kept.
    let err = read(&[(Factor, Text("x")), (Log, Number(1.0))]).unwrap_err();
    assert_eq!(err.option, Factor);
}

#[test]
fn the_reader_starts_lists_and_sections_and_applies_the_rules() {
    use OptionName::*;
    use Value::{Flag, Number, Text};
    // An empty list given replaces the default one.
    assert_eq!(
        read(&[(FatalCodes, Flag(true))]).unwrap().fatal_codes,
        Vec::<u16>::new()
    );
    // An item that is no close code is refused by the rule, with its index.
    let err = read(&[
        (FatalCodes, Flag(true)),
        (FatalCodes, Number(4001.0)),
        (FatalCodes, Number(70000.0)),
    ])
    .unwrap_err();
    assert_eq!((err.option, err.index), (FatalCodes, Some(1)));
    let err = read(&[(Protocols, Flag(true)), (Protocols, Text("a b"))]).unwrap_err();
    assert_eq!((err.option, err.index), (Protocols, Some(0)));
    // The heartbeat: on with its defaults, off, or a field alone turns it on.
    assert_eq!(
        read(&[(Heartbeat, Flag(true))]).unwrap().heartbeat,
        Some(wsguard::core::options::Heartbeat::default())
    );
    assert_eq!(read(&[(Heartbeat, Flag(false))]).unwrap().heartbeat, None);
    let err = read(&[(Heartbeat, Flag(true)), (HeartbeatTimeoutMs, Number(0.0))]).unwrap_err();
    assert_eq!(err.option, HeartbeatTimeoutMs);
    // The default maximum delay follows an explicit minimum; an explicit one does not.
    assert_eq!(
        read(&[(MinDelayMs, Number(40_000.0))])
            .unwrap()
            .max_delay_ms,
        40_000
    );
    let err = read(&[
        (MinDelayMs, Number(40_000.0)),
        (MaxDelayMs, Number(30_000.0)),
    ])
    .unwrap_err();
    assert_eq!(err.option, MaxDelayMs);
    assert_eq!(
        read(&[(MaxRetries, Number(f64::INFINITY))])
            .unwrap()
            .max_retries,
        None
    );
}
