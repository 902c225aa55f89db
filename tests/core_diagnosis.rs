#![cfg(not(target_arch = "wasm32"))]
//! Host tests of the failure classifier: the rule table, redaction, the probe decision and
//! URL, the failure streak, the texts, and the typed input of `classify_close`.

use wsguard::core::diagnosis::{
    classify, classify_close, matches_common_idle_limit, matches_previous_idle, probe_url,
    should_probe, ClassifyInput, Diagnosis, Facts, Kind, Probe, ProbePlan, ProbeRequest, Streak,
};
use wsguard::core::machine::{CloseCause, CloseInfo, Millis};

const SECRET_WSS: &str = "wss://user:pw@api.example:8443/live/ws?token=s3cret#frag";
const SECRET_WS: &str = "ws://user:pw@api.example:8080/live/ws?token=s3cret#frag";
const CERTIFICATE_PHRASE: &str = "likely a certificate problem (untrusted, expired, or hostname not in the certificate), or nothing answers at that address";
const CURL: &str = "curl -i -N -H \"Connection: Upgrade\" -H \"Upgrade: websocket\" -H \"Sec-WebSocket-Version: 13\" -H \"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\"";

/// Every kind, in declaration order.
const ALL_KINDS: [Kind; 11] = [
    Kind::MixedContent,
    Kind::Certificate,
    Kind::HandshakeRejected,
    Kind::Unreachable,
    Kind::Timeout,
    Kind::ConnectionLost,
    Kind::IdleTimeout,
    Kind::ServerClosed,
    Kind::ProtocolError,
    Kind::Offline,
    Kind::Normal,
];

/// One row of the table: the facts that vary, with the usual defaults.
#[derive(Clone, Copy, Debug)]
struct Case {
    code: u16,
    was_clean: bool,
    cause: CloseCause,
    was_open: bool,
    errored: bool,
    idle_for_ms: Millis,
    lifetime_ms: Millis,
    machine_offline: bool,
    wss: bool,
    page_secure: bool,
    mixed_content: bool,
    online: bool,
    probe: Probe,
    heartbeat: bool,
    previous_idle_ms: Option<Millis>,
}

/// A never-opened `wss:` socket closed by the browser with 1006 after 40 ms, on an HTTPS
/// page.
const HANDSHAKE: Case = Case {
    code: 1006,
    was_clean: false,
    cause: CloseCause::Socket,
    was_open: false,
    errored: true,
    idle_for_ms: 0,
    lifetime_ms: 40,
    machine_offline: false,
    wss: true,
    page_secure: true,
    mixed_content: false,
    online: true,
    probe: Probe::Skipped,
    heartbeat: false,
    previous_idle_ms: None,
};

/// An open `wss:` socket that dropped (1006, no error) after 5 s of silence.
const DROP: Case = Case {
    was_open: true,
    errored: false,
    idle_for_ms: 5_000,
    lifetime_ms: 20_000,
    ..HANDSHAKE
};

/// An open socket closed by the server with a close frame.
const SERVER: Case = Case {
    was_clean: true,
    errored: false,
    ..DROP
};

impl Case {
    fn close_info(&self) -> CloseInfo {
        CloseInfo {
            socket: None,
            code: self.code,
            reason: String::new(),
            was_clean: self.was_clean,
            cause: self.cause,
            was_open: self.was_open,
            open_for_ms: if self.was_open { 15_000 } else { 0 },
            idle_for_ms: self.idle_for_ms,
            lifetime_ms: self.lifetime_ms,
            attempt: 2,
            will_retry: true,
            retry_in_ms: Some(1_234),
            offline: self.machine_offline,
            errored: self.errored,
        }
    }

    fn diagnose(&self) -> Diagnosis {
        let close = self.close_info();
        let url = if self.wss { SECRET_WSS } else { SECRET_WS };
        let facts = Facts {
            wss: self.wss,
            page_secure: self.page_secure,
            mixed_content: self.mixed_content,
            online: self.online,
            probe: self.probe,
            heartbeat: self.heartbeat,
            previous_idle_ms: self.previous_idle_ms,
            ..Facts::new(&close, url)
        };
        classify(&facts)
    }
}

#[rustfmt::skip]
fn table() -> Vec<(&'static str, Case, Kind)> {
    use CloseCause::*;
    use Kind::*;
    vec![
        // mixed content
        ("mixed-content SecurityError", Case { wss: false, cause: OpenFailed, mixed_content: true, ..HANDSHAKE }, MixedContent),
        ("mixed-content while offline", Case { wss: false, cause: OpenFailed, mixed_content: true, online: false, ..HANDSHAKE }, MixedContent),
        ("insecure: error refusal", Case { wss: false, cause: OpenFailed, mixed_content: true, lifetime_ms: 0, ..HANDSHAKE }, MixedContent),
        ("loopback ws on https page is not mixed content", Case { wss: false, ..HANDSHAKE }, Unreachable),
        // WebKit blocks any ws:// socket on an HTTPS page (loopback too) with an error and no close.
        ("ws on https page, error without close (WebKit)", Case { wss: false, cause: NoCloseEvent, lifetime_ms: 1_000, ..HANDSHAKE }, MixedContent),
        ("ws on http page, error without close (CSP)", Case { wss: false, page_secure: false, cause: NoCloseEvent, ..HANDSHAKE }, Unreachable),
        ("wss on https page, error without close", Case { cause: NoCloseEvent, probe: Probe::TlsFailed, ..HANDSHAKE }, Certificate),
        ("error without close while offline", Case { wss: false, cause: NoCloseEvent, online: false, ..HANDSHAKE }, Offline),
        // the application
        ("user close, clean 1000", Case { cause: UserClose, code: 1000, ..SERVER }, Normal),
        ("user close while connecting (error + 1006)", Case { cause: UserClose, ..HANDSHAKE }, Normal),
        ("user close while offline", Case { cause: UserClose, online: false, ..DROP }, Normal),
        ("user reconnect", Case { cause: UserReconnect, code: 4902, ..DROP }, Normal),
        // server close frames
        ("server 1000", Case { code: 1000, ..SERVER }, ServerClosed),
        ("server 1001", Case { code: 1001, ..SERVER }, ServerClosed),
        ("server 1005", Case { code: 1005, ..SERVER }, ServerClosed),
        ("server 1002", Case { code: 1002, ..SERVER }, ServerClosed),
        ("server 1008", Case { code: 1008, ..SERVER }, ServerClosed),
        ("server 1009", Case { code: 1009, ..SERVER }, ServerClosed),
        ("server 1011", Case { code: 1011, ..SERVER }, ServerClosed),
        ("server 1012", Case { code: 1012, ..SERVER }, ServerClosed),
        ("server 1013", Case { code: 1013, ..SERVER }, ServerClosed),
        ("server 1014", Case { code: 1014, ..SERVER }, ServerClosed),
        // WebKit fails the connection on a close frame of 1012 to 1014 instead of reporting it.
        ("server 1012 in WebKit (error, 1006)", Case { errored: true, idle_for_ms: 20, ..DROP }, ProtocolError),
        ("server 3000", Case { code: 3000, ..SERVER }, ServerClosed),
        ("server 4001", Case { code: 4001, ..SERVER }, ServerClosed),
        ("server 4999", Case { code: 4999, ..SERVER }, ServerClosed),
        ("server close frame while offline", Case { code: 1001, online: false, ..SERVER }, ServerClosed),
        ("server close frame after 60 s idle", Case { code: 1000, idle_for_ms: 60_000, ..SERVER }, ServerClosed),
        // offline
        ("handshake failure, navigator.onLine false", Case { online: false, ..HANDSHAKE }, Offline),
        ("handshake failure, machine offline flag", Case { machine_offline: true, ..HANDSHAKE }, Offline),
        ("drop while offline", Case { online: false, ..DROP }, Offline),
        ("connect timeout while offline", Case { cause: ConnectTimeout, code: 4900, online: false, ..HANDSHAKE }, Offline),
        ("offline beats the probe", Case { online: false, probe: Probe::TlsOk, ..HANDSHAKE }, Offline),
        // timeouts
        ("our connect timeout", Case { cause: ConnectTimeout, code: 4900, lifetime_ms: 10_000, ..HANDSHAKE }, Timeout),
        ("our connect timeout on ws", Case { cause: ConnectTimeout, code: 4900, wss: false, ..HANDSHAKE }, Timeout),
        ("browser wss limit (30 s)", Case { lifetime_ms: 30_003, probe: Probe::TlsFailed, ..HANDSHAKE }, Timeout),
        ("browser wss limit, timer 0.5 s early", Case { lifetime_ms: 29_500, ..HANDSHAKE }, Timeout),
        ("browser ws limit (240 s)", Case { wss: false, lifetime_ms: 240_010, ..HANDSHAKE }, Timeout),
        ("ws after 30 s is not the ws limit", Case { wss: false, lifetime_ms: 30_010, ..HANDSHAKE }, Unreachable),
        ("wss after 28 s is below the limit", Case { lifetime_ms: 28_000, ..HANDSHAKE }, Certificate),
        // handshake failures
        ("wss, probe resolved", Case { probe: Probe::TlsOk, ..HANDSHAKE }, HandshakeRejected),
        ("wss, probe resolved, http page", Case { probe: Probe::TlsOk, page_secure: false, ..HANDSHAKE }, HandshakeRejected),
        ("wss, probe rejected", Case { probe: Probe::TlsFailed, ..HANDSHAKE }, Certificate),
        ("wss, no probe", Case { probe: Probe::Skipped, ..HANDSHAKE }, Certificate),
        ("wss, no error event", Case { errored: false, ..HANDSHAKE }, Certificate),
        ("ws, refused", Case { wss: false, ..HANDSHAKE }, Unreachable),
        ("ws on http page", Case { wss: false, page_secure: false, ..HANDSHAKE }, Unreachable),
        ("ws, a probe result is ignored", Case { wss: false, probe: Probe::TlsOk, ..HANDSHAKE }, Unreachable),
        ("constructor threw, not mixed content", Case { cause: OpenFailed, ..HANDSHAKE }, Unreachable),
        // open, then error
        ("invalid UTF-8 frame", Case { errored: true, ..DROP }, ProtocolError),
        ("protocol error with heartbeat", Case { errored: true, heartbeat: true, ..DROP }, ProtocolError),
        ("protocol error beats the idle rule", Case { errored: true, idle_for_ms: 60_000, ..DROP }, ProtocolError),
        // open, then dropped
        ("drop after 5 s", DROP, ConnectionLost),
        ("drop right after a message", Case { idle_for_ms: 0, ..DROP }, ConnectionLost),
        ("our heartbeat timeout", Case { cause: HeartbeatTimeout, code: 4901, heartbeat: true, idle_for_ms: 40_000, ..DROP }, ConnectionLost),
        ("heartbeat on: no idle rule at 60 s", Case { heartbeat: true, idle_for_ms: 60_000, ..DROP }, ConnectionLost),
        ("heartbeat on: no repeat rule", Case { heartbeat: true, idle_for_ms: 2_500, previous_idle_ms: Some(2_500), ..DROP }, ConnectionLost),
        ("idle 60 s (nginx, ALB)", Case { idle_for_ms: 60_000, ..DROP }, IdleTimeout),
        ("idle 58.3 s (within 3 %)", Case { idle_for_ms: 58_300, ..DROP }, IdleTimeout),
        ("idle 61.8 s (within 3 %)", Case { idle_for_ms: 61_800, ..DROP }, IdleTimeout),
        ("idle 58.1 s (outside)", Case { idle_for_ms: 58_100, ..DROP }, ConnectionLost),
        ("idle 61.9 s (outside)", Case { idle_for_ms: 61_900, ..DROP }, ConnectionLost),
        ("idle 55 s (Heroku)", Case { idle_for_ms: 55_040, ..DROP }, IdleTimeout),
        ("idle 100 s (Cloudflare)", Case { idle_for_ms: 100_020, ..DROP }, IdleTimeout),
        ("idle 240 s (Azure)", Case { idle_for_ms: 240_100, ..DROP }, IdleTimeout),
        ("idle 350 s (NLB)", Case { idle_for_ms: 349_000, ..DROP }, IdleTimeout),
        ("idle 10 min (API Gateway)", Case { idle_for_ms: 600_500, ..DROP }, IdleTimeout),
        ("idle 80 s (no common limit)", Case { idle_for_ms: 80_000, ..DROP }, ConnectionLost),
        ("repeat: 2.52 s after 2.50 s", Case { idle_for_ms: 2_520, previous_idle_ms: Some(2_500), ..DROP }, IdleTimeout),
        ("repeat: 3.00 s after 3.20 s (250 ms)", Case { idle_for_ms: 3_000, previous_idle_ms: Some(3_200), ..DROP }, IdleTimeout),
        ("repeat: 2.5 s after 4 s", Case { idle_for_ms: 2_500, previous_idle_ms: Some(4_000), ..DROP }, ConnectionLost),
        ("repeat: 3.0 s after 3.3 s", Case { idle_for_ms: 3_000, previous_idle_ms: Some(3_300), ..DROP }, ConnectionLost),
        ("repeat: too short to count", Case { idle_for_ms: 300, previous_idle_ms: Some(310), ..DROP }, ConnectionLost),
        ("repeat: 20 s after 20.5 s (3 %)", Case { idle_for_ms: 20_000, previous_idle_ms: Some(20_550), ..DROP }, IdleTimeout),
        ("unclean non-1006 drop", Case { code: 1011, ..DROP }, ConnectionLost),
    ]
}

#[test]
fn rule_table() {
    let rows = table();
    assert!(rows.len() >= 40, "{} rows", rows.len());
    for (name, case, kind) in &rows {
        let d = case.diagnose();
        assert_eq!(d.kind, *kind, "{name}: {d:?}");
    }
    // Every kind is reached by at least one row.
    for kind in ALL_KINDS {
        assert!(
            rows.iter().any(|(_, _, k)| *k == kind),
            "no row for {}",
            kind.as_str()
        );
    }
}

#[test]
fn no_secret_in_any_field_or_console_text() {
    for (name, case, _) in table() {
        let d = case.diagnose();
        let fields = format!("{d:?}");
        let text = d.console_text();
        for haystack in [&fields, &text, &d.url] {
            for secret in ["s3cret", "token=", "user:", "pw@", "frag", "?t"] {
                assert!(!haystack.contains(secret), "{name}: {secret} in {haystack}");
            }
        }
        let expected = if case.wss {
            "wss://api.example:8443/live/ws"
        } else {
            "ws://api.example:8080/live/ws"
        };
        assert_eq!(d.url, expected, "{name}");
        assert!(text.contains(expected), "{name}: {text}");
    }
}

#[test]
fn diagnosis_carries_the_facts() {
    let d = Case {
        idle_for_ms: 777,
        page_secure: false,
        probe: Probe::TlsFailed,
        ..DROP
    }
    .diagnose();
    assert_eq!(
        (
            d.code,
            d.was_clean,
            d.was_open,
            d.open_for_ms,
            d.idle_for_ms
        ),
        (1006, false, true, 15_000, 777)
    );
    assert_eq!(
        (
            d.page_secure,
            d.attempt,
            d.probe,
            d.will_retry,
            d.retry_in_ms
        ),
        (false, 2, Probe::TlsFailed, true, Some(1_234))
    );
}

#[test]
fn certificate_summary_names_every_possibility() {
    for probe in [Probe::TlsFailed, Probe::Skipped] {
        let d = Case { probe, ..HANDSHAKE }.diagnose();
        assert!(d.summary.contains(CERTIFICATE_PHRASE), "{}", d.summary);
        assert!(d
            .advice
            .contains("openssl s_client -connect host:443 -servername host"));
        assert!(d.advice.contains("WebSocket connection to"));
    }
}

#[test]
fn server_close_summaries_name_code_and_meaning() {
    let expectations = [
        (1000, "normal closure"),
        (1001, "going away"),
        (1005, "no status"),
        (1008, "policy violation"),
        (1009, "too big"),
        (1011, "internal server error"),
        (1012, "service restart"),
        (1013, "try again later"),
        (1014, "bad gateway"),
        (3042, "library or framework"),
        (4321, "application-defined"),
    ];
    for (code, meaning) in expectations {
        let d = Case { code, ..SERVER }.diagnose();
        let digits = code.to_string();
        assert!(d.summary.contains(&digits), "{code}: {}", d.summary);
        assert!(d.summary.contains(meaning), "{code}: {}", d.summary);
    }
    let auth = Case {
        code: 1008,
        ..SERVER
    }
    .diagnose();
    assert!(auth.advice.contains("credentials"));
    for code in [1012, 1013] {
        let later = Case { code, ..SERVER }.diagnose();
        assert!(later.advice.contains("waits at least 5 s"), "{code}");
    }
    let normal = Case {
        code: 1000,
        ..SERVER
    }
    .diagnose();
    assert_ne!(normal.advice, auth.advice);
}

#[test]
fn idle_timeout_summary_and_advice() {
    let at_limit = Case {
        idle_for_ms: 60_400,
        ..DROP
    }
    .diagnose();
    assert!(
        at_limit.summary.contains("about 60 s"),
        "{}",
        at_limit.summary
    );
    assert!(at_limit.summary.contains("nginx"), "{}", at_limit.summary);
    let repeated = Case {
        idle_for_ms: 2_490,
        previous_idle_ms: Some(2_510),
        ..DROP
    }
    .diagnose();
    assert!(
        repeated.summary.contains("about 2 s"),
        "{}",
        repeated.summary
    );
    assert!(
        repeated.summary.contains("previous"),
        "{}",
        repeated.summary
    );
    // The suggested interval is half the measured silence, in whole seconds (at least 1 s),
    // and the server must answer it.
    let suggested = [
        (
            &at_limit,
            "`heartbeat: { interval_ms: 30000, message: \"ping\", timeout_ms: 10000 }`",
        ),
        (
            &repeated,
            "`heartbeat: { interval_ms: 1000, message: \"ping\", timeout_ms: 1000 }`",
        ),
    ];
    for (d, heartbeat) in suggested {
        assert!(d.advice.contains(heartbeat), "{}", d.advice);
        assert!(d.advice.contains("must answer"), "{}", d.advice);
        assert!(d.advice.contains("proxy_read_timeout"), "{}", d.advice);
        assert!(d.advice.contains("timeout tunnel"), "{}", d.advice);
    }
}

#[test]
fn heartbeat_and_timeout_summaries_differ() {
    let ours = Case {
        cause: CloseCause::ConnectTimeout,
        code: 4900,
        ..HANDSHAKE
    }
    .diagnose();
    let browsers = Case {
        lifetime_ms: 30_000,
        ..HANDSHAKE
    }
    .diagnose();
    assert!(ours.summary.contains("`connect_timeout_ms`"));
    assert!(browsers.summary.contains("30 s"));
    let heartbeat = Case {
        cause: CloseCause::HeartbeatTimeout,
        code: 4901,
        heartbeat: true,
        ..DROP
    }
    .diagnose();
    assert!(heartbeat.summary.contains("heartbeat"));
    assert_ne!(heartbeat.summary, DROP.diagnose().summary);
}

#[test]
fn common_limit_rule() {
    assert_eq!(
        matches_common_idle_limit(60_000).map(|l| l.ms),
        Some(60_000)
    );
    assert_eq!(
        matches_common_idle_limit(58_200).map(|l| l.ms),
        Some(60_000)
    );
    assert_eq!(
        matches_common_idle_limit(56_650).map(|l| l.ms),
        Some(55_000)
    );
    assert_eq!(
        matches_common_idle_limit(53_350).map(|l| l.ms),
        Some(55_000)
    );
    assert_eq!(matches_common_idle_limit(53_300), None);
    assert_eq!(matches_common_idle_limit(57_000), None);
    assert_eq!(
        matches_common_idle_limit(103_000).map(|l| l.ms),
        Some(100_000)
    );
    assert_eq!(matches_common_idle_limit(103_100), None);
    assert_eq!(matches_common_idle_limit(0), None);
    assert_eq!(matches_common_idle_limit(u64::MAX), None);
}

#[test]
fn repeat_rule() {
    assert!(matches_previous_idle(2_500, 2_500));
    assert!(matches_previous_idle(2_750, 2_500));
    assert!(!matches_previous_idle(2_751, 2_500));
    assert!(matches_previous_idle(1_000, 1_100));
    assert!(!matches_previous_idle(999, 1_000));
    assert!(!matches_previous_idle(1_000, 999));
    assert!(matches_previous_idle(100_000, 103_000));
    assert!(!matches_previous_idle(100_000, 103_200));
    assert!(!matches_previous_idle(u64::MAX, 2_500));
    assert!(matches_previous_idle(u64::MAX, u64::MAX));
}

#[test]
fn probe_urls() {
    let cases: &[(&str, Option<&str>)] = &[
        ("wss://api.example/ws", Some("https://api.example/")),
        ("wss://api.example", Some("https://api.example/")),
        (
            "wss://api.example:8443/a/b/c",
            Some("https://api.example:8443/"),
        ),
        (
            "wss://api.example/ws?token=s3cret",
            Some("https://api.example/"),
        ),
        (
            "wss://api.example?token=s3cret",
            Some("https://api.example/"),
        ),
        ("wss://api.example#frag", Some("https://api.example/")),
        (
            "wss://user:pw@api.example:9443/ws",
            Some("https://api.example:9443/"),
        ),
        ("wss://user@api.example/", Some("https://api.example/")),
        ("wss://[::1]:8443/ws", Some("https://[::1]:8443/")),
        ("wss://[::1]/ws", Some("https://[::1]/")),
        (
            "wss://[2001:db8::1]:443/x?y",
            Some("https://[2001:db8::1]:443/"),
        ),
        ("wss://u:p@[fe80::1]:9/x", Some("https://[fe80::1]:9/")),
        ("wss://127.0.0.1:3000/", Some("https://127.0.0.1:3000/")),
        ("WSS://API.example/", Some("https://API.example/")),
        ("ws://api.example/ws", None),
        ("https://api.example/", None),
        ("wss://", None),
        ("wss:///path", None),
        ("wss://user:pw@/path", None),
        ("wss://[]:443/", None),
        ("wss://:443/", None),
        ("wss://a b/", None),
        ("", None),
        ("wss", None),
    ];
    for (input, expected) in cases {
        assert_eq!(probe_url(input).as_deref(), *expected, "{input}");
    }
}

fn probe_facts<'a>(close: &'a CloseInfo, url: &'a str) -> Facts<'a> {
    Facts {
        page_secure: true,
        ..Facts::new(close, url)
    }
}

#[test]
fn should_probe_conditions() {
    let base = HANDSHAKE.close_info();
    let url = "wss://api.example/ws";
    assert!(should_probe(&probe_facts(&base, url), true));
    // On an http page too: TLS is involved either way.
    let http_page = Facts {
        page_secure: false,
        ..probe_facts(&base, url)
    };
    assert!(should_probe(&http_page, true));
    // Option off.
    assert!(!should_probe(&probe_facts(&base, url), false));
    // Not wss.
    let ws = Facts::new(&base, "ws://api.example/ws");
    assert!(!should_probe(&ws, true));
    // Mixed content, offline (either source).
    for facts in [
        Facts {
            mixed_content: true,
            ..probe_facts(&base, url)
        },
        Facts {
            online: false,
            ..probe_facts(&base, url)
        },
    ] {
        assert!(!should_probe(&facts, true));
    }
    let closes = [
        CloseInfo {
            offline: true,
            ..base.clone()
        },
        CloseInfo {
            cause: CloseCause::ConnectTimeout,
            code: 4900,
            ..base.clone()
        },
        CloseInfo {
            cause: CloseCause::OpenFailed,
            ..base.clone()
        },
        CloseInfo {
            cause: CloseCause::UserClose,
            ..base.clone()
        },
        CloseInfo {
            was_open: true,
            ..base.clone()
        },
        CloseInfo {
            was_clean: true,
            code: 1000,
            ..base.clone()
        },
        CloseInfo {
            code: 1015,
            ..base.clone()
        },
        // Already at the browser's own limit: the result could not change the kind.
        CloseInfo {
            lifetime_ms: 30_000,
            ..base.clone()
        },
    ];
    for close in &closes {
        assert!(!should_probe(&probe_facts(close, url), true), "{close:?}");
    }
    // A result already known.
    let known = Facts {
        probe: Probe::TlsOk,
        ..probe_facts(&base, url)
    };
    assert!(!should_probe(&known, true));
    // A URL without a host.
    assert!(!should_probe(&probe_facts(&base, "wss:///ws"), true));
}

fn failure() -> Diagnosis {
    HANDSHAKE.diagnose()
}

#[test]
fn streak_warns_once_per_streak() {
    let mut streak = Streak::new();
    let f = failure();
    assert!(streak.observe(&f, true));
    for _ in 0..10 {
        assert!(
            !streak.observe(&f, true),
            "one warning per streak, not per attempt"
        );
    }
    streak.opened();
    assert!(streak.observe(&f, true), "a new streak warns again");
}

#[test]
fn streak_log_false_silences() {
    let mut streak = Streak::new();
    assert!(!streak.observe(&failure(), false));
    assert!(!streak.observe(&DROP.diagnose(), false));
    // The streak went on meanwhile: with logging back on, those kinds stay quiet.
    assert!(!streak.observe(&failure(), true));
    assert!(!streak.observe(&DROP.diagnose(), true));
}

#[test]
fn streak_warns_once_per_new_kind() {
    let mut streak = Streak::new();
    let lost = DROP.diagnose();
    let unreachable = Case {
        wss: false,
        ..HANDSHAKE
    }
    .diagnose();
    assert!(streak.observe(&lost, true));
    assert!(streak.observe(&unreachable, true));
    assert!(!streak.observe(&unreachable, true));
    assert!(!streak.observe(&lost, true));
}

#[test]
fn streak_ignores_normal_closes_and_server_1000() {
    let mut streak = Streak::new();
    let user = Case {
        cause: CloseCause::UserClose,
        code: 1000,
        ..SERVER
    }
    .diagnose();
    let bye = Case {
        code: 1000,
        ..SERVER
    }
    .diagnose();
    assert!(!user.is_failure() && !bye.is_failure());
    assert!(!streak.observe(&user, true));
    assert!(!streak.observe(&bye, true));
    // A restart close (1001) begins a restart, not warned about; a server error (1011) is.
    let going_away = Case {
        code: 1001,
        ..SERVER
    }
    .diagnose();
    assert!(going_away.is_failure() && going_away.is_restart_close());
    assert!(!streak.observe(&going_away, true));
    streak.opened();
    let server_error = Case {
        code: 1011,
        ..SERVER
    }
    .diagnose();
    assert!(streak.observe(&server_error, true));
    // The application's own close or reconnect starts afresh.
    assert!(streak.observe(&failure(), true));
    assert!(!streak.observe(&failure(), true));
    streak.observe(&user, true);
    assert!(streak.observe(&failure(), true));
}

#[test]
fn streak_probes_once_and_reuses_the_result() {
    let close = HANDSHAKE.close_info();
    let facts = probe_facts(&close, "wss://user:pw@api.example:8443/ws?token=s3cret");
    let mut streak = Streak::new();
    let plan = streak.plan_probe(&facts, true);
    let request = ProbeRequest {
        url: "https://api.example:8443/".into(),
        same_origin: false,
    };
    assert_eq!(plan, ProbePlan::Run(request));
    assert!(streak.probed());
    // Pending: no second probe.
    assert_eq!(streak.plan_probe(&facts, true), ProbePlan::Skip);
    streak.record_probe("https://api.example:8443/", Probe::TlsOk, None);
    assert_eq!(
        streak.plan_probe(&facts, true),
        ProbePlan::Reuse(Probe::TlsOk, None)
    );
    // Another host in the same streak: no probe.
    let other = probe_facts(&close, "wss://other.example/ws");
    assert_eq!(streak.plan_probe(&other, true), ProbePlan::Skip);
    // The option off, or a close the probe cannot help with.
    assert_eq!(streak.plan_probe(&facts, false), ProbePlan::Skip);
    let ws = probe_facts(&close, "ws://api.example/ws");
    assert_eq!(streak.plan_probe(&ws, true), ProbePlan::Skip);
    // A socket opened: the next streak may probe again.
    streak.opened();
    assert!(!streak.probed());
    assert!(matches!(streak.plan_probe(&other, true), ProbePlan::Run(_)));
}

#[test]
fn streak_remembers_the_previous_drop_across_opens() {
    // The end-to-end scenario: a proxy that cuts after ~2.5 s of silence, twice.
    let mut streak = Streak::new();
    let first = Case {
        idle_for_ms: 2_503,
        previous_idle_ms: streak.previous_idle_ms(),
        ..DROP
    }
    .diagnose();
    assert_eq!(first.kind, Kind::ConnectionLost);
    assert!(streak.observe(&first, true));
    streak.opened();
    assert_eq!(streak.previous_idle_ms(), Some(2_503));
    let second = Case {
        idle_for_ms: 2_497,
        previous_idle_ms: streak.previous_idle_ms(),
        ..DROP
    }
    .diagnose();
    assert_eq!(second.kind, Kind::IdleTimeout);
    assert!(streak.observe(&second, true));
    assert_eq!(streak.previous_idle_ms(), Some(2_497));
    // Other kinds leave it alone.
    streak.observe(&failure(), true);
    assert_eq!(streak.previous_idle_ms(), Some(2_497));
}

#[test]
fn kinds_and_probes_have_stable_names() {
    let names: Vec<&str> = ALL_KINDS.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "mixed-content",
            "certificate",
            "handshake-rejected",
            "unreachable",
            "timeout",
            "connection-lost",
            "idle-timeout",
            "server-closed",
            "protocol-error",
            "offline",
            "normal"
        ]
    );
    for probe in [Probe::TlsOk, Probe::TlsFailed, Probe::Skipped] {
        assert_eq!(Probe::parse(probe.as_str()), Some(probe));
    }
    assert_eq!(
        [Probe::TlsOk, Probe::TlsFailed, Probe::Skipped].map(Probe::as_str),
        ["tls-ok", "tls-failed", "skipped"]
    );
    for wrong in ["", "maybe", "TLS-OK", "tls_ok"] {
        assert_eq!(Probe::parse(wrong), None, "{wrong}");
    }
}

#[test]
fn retry_in_ms_is_none_unless_a_retry_is_scheduled() {
    let d = Case {
        code: 1008,
        ..SERVER
    }
    .diagnose();
    assert_eq!((d.will_retry, d.retry_in_ms), (true, Some(1234)));
    let final_close = classify_close(&ClassifyInput::default());
    assert_eq!(
        (final_close.will_retry, final_close.retry_in_ms),
        (false, None)
    );
}

#[test]
fn advice_texts_say_each_piece_in_full() {
    let timeout = Case {
        cause: CloseCause::ConnectTimeout,
        code: 4900,
        ..HANDSHAKE
    }
    .diagnose();
    let unreachable = Case {
        wss: false,
        ..HANDSHAKE
    }
    .diagnose();
    let rejected = Case {
        probe: Probe::TlsOk,
        ..HANDSHAKE
    }
    .diagnose();
    let tests = [
        (
            &timeout,
            "https://host/path (http:// for ws://) and expect 101 Switching Protocols.",
        ),
        (
            &unreachable,
            "http://host:port/path and expect 101 Switching Protocols.",
        ),
        (
            &rejected,
            "https://host/path and expect 101 Switching Protocols.",
        ),
    ];
    for (d, target) in tests {
        let command = format!("Test with {CURL} {target}");
        assert!(d.advice.contains(&command), "{:?}: {}", d.kind, d.advice);
        assert_eq!(d.advice.matches("curl").count(), 1, "{}", d.advice);
        assert!(!d.advice.contains("  "), "{}", d.advice);
    }
    for d in [&unreachable, &rejected] {
        assert!(d.advice.contains(
            "Behind nginx set proxy_http_version 1.1, proxy_set_header Upgrade $http_upgrade and proxy_set_header Connection \"upgrade\"."
        ), "{}", d.advice);
    }
    assert!(unreachable.advice.starts_with(
        "In Chromium, the console line \"WebSocket connection to '…' failed: …\" names the exact error (ERR_CONNECTION_REFUSED"
    ));
    assert!(unreachable.advice.ends_with(
        "Outside local development use wss://: middleboxes often break plain ws:// upgrades."
    ));
    assert!(rejected
        .advice
        .contains("gives the status (\"Unexpected response code: 403\")"));
    assert!(timeout
        .advice
        .contains("raise `connect_timeout_ms` only if the server is merely slow. Test with curl"));
    let protocol = Case {
        errored: true,
        ..DROP
    }
    .diagnose();
    assert!(protocol.advice.starts_with("In Chromium, the console line"));
    assert!(protocol
        .summary
        .contains("for Safari a close code 1012 to 1014"));
    let blocked = Case {
        wss: false,
        cause: CloseCause::NoCloseEvent,
        ..HANDSHAKE
    }
    .diagnose();
    assert!(blocked
        .advice
        .ends_with("may keep ws:// on a secure page, and not in Safari."));
    assert!(protocol.advice.contains("text frames must be valid UTF-8"));
    let lost = DROP.diagnose();
    assert!(lost.advice.contains(
        "enable the heartbeat (`heartbeat: { interval_ms: 25000, message: \"ping\", timeout_ms: 10000 }`) so that dead connections are noticed within seconds."
    ));
    for (name, case, _) in table() {
        let d = case.diagnose();
        assert!(!d.advice.is_empty(), "{name}");
        assert!(d.advice.ends_with('.'), "{name}: {}", d.advice);
    }
}

#[test]
fn console_text_shape() {
    let d = Case {
        code: 1008,
        ..SERVER
    }
    .diagnose();
    let text = d.console_text();
    assert!(
        text.starts_with("wsguard: server-closed, wss://api.example:8443/live/ws: "),
        "{text}"
    );
    assert!(text.contains(d.summary.as_ref()));
    assert!(text.contains(d.advice.as_ref()));
    assert!(text.ends_with("Retrying in 1234 ms."), "{text}");
    let with_reason = Diagnosis {
        reason: "token expired".into(),
        ..d.clone()
    };
    assert!(with_reason
        .console_text()
        .contains("Reason: \"token expired\"."));
    let offline = Diagnosis {
        retry_in_ms: None,
        ..d.clone()
    };
    assert!(offline
        .console_text()
        .ends_with("Retrying when the network is back."));
    let last = Diagnosis {
        will_retry: false,
        retry_in_ms: None,
        ..d
    };
    assert!(last.console_text().ends_with("Not retrying."));
}

#[test]
fn classify_input_defaults_and_fields() {
    let empty = ClassifyInput::default();
    assert_eq!(
        (
            empty.code,
            empty.online,
            empty.probe,
            empty.previous_idle_ms
        ),
        (1006, true, Probe::Skipped, None)
    );
    assert!(!empty.was_clean && !empty.was_open && !empty.errored && !empty.closed_by_app);
    assert_eq!(
        (empty.open_for_ms, empty.idle_for_ms, empty.lifetime_ms),
        (0, 0, 0)
    );
    let input = ClassifyInput {
        was_open: true,
        open_for_ms: 61_235,
        idle_for_ms: 60_012,
        url: "wss://u:p@h.example/ws?t=1".into(),
        page_secure: true,
        ..ClassifyInput::default()
    };
    let d = classify_close(&input);
    assert_eq!(d.kind, Kind::IdleTimeout);
    assert_eq!(d.url, "wss://h.example/ws");
    assert!(d.page_secure);
    assert_eq!((d.open_for_ms, d.idle_for_ms), (61_235, 60_012));
}

#[test]
fn classify_close_rules() {
    let base = ClassifyInput {
        url: "wss://api.example/ws".into(),
        page_secure: true,
        ..ClassifyInput::default()
    };
    let kind = |input: ClassifyInput| classify_close(&input).kind;
    assert_eq!(kind(base.clone()), Kind::Certificate);
    assert_eq!(
        kind(ClassifyInput {
            probe: Probe::TlsOk,
            ..base.clone()
        }),
        Kind::HandshakeRejected
    );
    assert_eq!(
        kind(ClassifyInput {
            closed_by_app: true,
            ..base.clone()
        }),
        Kind::Normal
    );
    assert_eq!(
        kind(ClassifyInput {
            mixed_content: true,
            url: "ws://api.example/ws".into(),
            ..base.clone()
        }),
        Kind::MixedContent
    );
    assert_eq!(
        kind(ClassifyInput {
            online: false,
            ..base.clone()
        }),
        Kind::Offline
    );
    assert_eq!(
        kind(ClassifyInput {
            lifetime_ms: 30_000,
            ..base.clone()
        }),
        Kind::Timeout
    );
    assert_eq!(
        kind(ClassifyInput {
            was_open: true,
            errored: true,
            ..base.clone()
        }),
        Kind::ProtocolError
    );
    assert_eq!(
        kind(ClassifyInput {
            was_open: true,
            idle_for_ms: 2_500,
            previous_idle_ms: Some(2_480),
            ..base.clone()
        }),
        Kind::IdleTimeout
    );
    assert_eq!(
        kind(ClassifyInput {
            code: 4003,
            was_clean: true,
            was_open: true,
            ..base.clone()
        }),
        Kind::ServerClosed
    );
    // Timings of a never-opened socket are ignored.
    let never = classify_close(&ClassifyInput {
        idle_for_ms: 60_000,
        open_for_ms: 60_000,
        ..base
    });
    assert_eq!(
        (never.kind, never.idle_for_ms, never.open_for_ms),
        (Kind::Certificate, 0, 0)
    );
    assert!(!never.will_retry && never.retry_in_ms.is_none());
}

#[test]
fn an_open_error_the_driver_knows_is_in_the_summary() {
    let close = CloseInfo {
        socket: None,
        code: 1006,
        reason: String::new(),
        was_clean: false,
        cause: CloseCause::OpenFailed,
        was_open: false,
        open_for_ms: 0,
        idle_for_ms: 0,
        lifetime_ms: 0,
        attempt: 0,
        will_retry: true,
        retry_in_ms: Some(500),
        offline: false,
        errored: false,
    };
    let facts = Facts {
        open_error: Some("wsguard: the URL function failed: token service down"),
        ..Facts::new(&close, "")
    };
    let diagnosis = classify(&facts);
    assert_eq!(diagnosis.kind, Kind::Unreachable);
    assert!(
        diagnosis.summary.contains("token service down"),
        "{}",
        diagnosis.summary
    );
    assert!(
        diagnosis.advice.contains("URL function"),
        "{}",
        diagnosis.advice
    );
}
