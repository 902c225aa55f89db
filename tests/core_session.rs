//! Host tests of the session: the events a user sees, in order, and the diagnosis of every
//! ended socket, on simulated time. The driver is the test itself: it drains the actions after
//! every input (as `poll_event` requires), and polls events one at a time where a listener's
//! call between two events matters.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::diagnosis::{Diagnosis, Kind, Probe};
use wsguard::core::machine::{Millis, SocketAction, SocketId, State, ERROR_CLOSE_GRACE_MS};
use wsguard::core::options::{Heartbeat, Options};
use wsguard::core::session::{Session, SessionEvent};

type Msg = u32;

const WS_URL: &str = "ws://api.example/ws";
const WSS_URL: &str = "wss://user:pw@api.example:8443/live/ws?token=s3cret";
/// What the diagnosis shows of `WSS_URL`.
const WSS_SHOWN: &str = "wss://api.example:8443/live/ws";
/// What the probe of `WSS_URL` fetches: scheme, host and port only.
const WSS_ORIGIN: &str = "https://api.example:8443/";

fn session(options: Options, page_secure: bool, url: &str) -> Session<Msg> {
    Session::new(options, 0xC0FFEE, page_secure, url.into())
}

/// The actions, drained as a driver does after every input.
fn actions(s: &mut Session<Msg>) -> Vec<SocketAction<Msg>> {
    std::iter::from_fn(|| s.poll_action()).collect()
}

/// Every event ready now (with the browser online).
fn events(s: &mut Session<Msg>) -> Vec<SessionEvent<Msg>> {
    std::iter::from_fn(|| s.poll_event(true)).collect()
}

/// The socket of the one `Open` action among `actions`.
fn opened(actions: &[SocketAction<Msg>]) -> SocketId {
    let sockets: Vec<SocketId> = actions
        .iter()
        .filter_map(|a| match a {
            SocketAction::Open { socket, .. } => Some(*socket),
            _ => None,
        })
        .collect();
    match sockets[..] {
        [socket] => socket,
        _ => panic!("expected one open action in {actions:?}"),
    }
}

/// Starts `s` at `now` and returns its first attempt's socket (not created yet).
fn start_attempt(s: &mut Session<Msg>, now: Millis) -> SocketId {
    s.start(now, true);
    opened(&actions(s))
}

/// Starts `s` at `now` and creates its first socket.
fn start(s: &mut Session<Msg>, now: Millis) -> SocketId {
    let socket = start_attempt(s, now);
    s.socket_created(socket);
    socket
}

/// Starts `s` and opens its first socket at `now`, dropping the events.
fn start_open(s: &mut Session<Msg>, now: Millis) -> SocketId {
    let socket = start(s, now);
    s.socket_opened(now, socket);
    actions(s);
    events(s);
    socket
}

/// Fires the timer at its deadline; returns the time and the actions.
fn fire(s: &mut Session<Msg>) -> (Millis, Vec<SocketAction<Msg>>) {
    let at = s.deadline().expect("a timer");
    s.timeout(at);
    (at, actions(s))
}

/// Fires the retry timer and creates the attempt's socket.
fn retry(s: &mut Session<Msg>) -> (Millis, SocketId) {
    let (at, actions) = fire(s);
    let socket = opened(&actions);
    s.socket_created(socket);
    (at, socket)
}

/// One line per event, for comparing sequences.
fn label(event: &SessionEvent<Msg>) -> String {
    match event {
        SessionEvent::Open => "open".into(),
        SessionEvent::Error { thrown, .. } => format!("error {thrown:?}"),
        SessionEvent::Close { code, .. } => format!("close {code}"),
        SessionEvent::StateChange { from, to } => {
            format!("statechange {}->{}", from.as_str(), to.as_str())
        }
        SessionEvent::Reconnecting { attempt, .. } => format!("reconnecting {attempt}"),
        SessionEvent::Diagnosis { diagnosis, .. } => {
            format!("diagnosis {}", diagnosis.kind.as_str())
        }
        SessionEvent::Probe {
            url,
            same_origin: false,
        } => format!("probe {url}"),
        SessionEvent::Probe {
            url,
            same_origin: true,
        } => format!("probe same-origin {url}"),
        SessionEvent::AbandonProbe { url } => format!("abandon probe {url}"),
        SessionEvent::UrlFunctionTimeout { message, .. } => format!("error {message}"),
    }
}

fn labels(events: &[SessionEvent<Msg>]) -> Vec<String> {
    events.iter().map(label).collect()
}

/// The one diagnosis among `events`, and its `warn`.
fn diagnosis(events: &[SessionEvent<Msg>]) -> (&Diagnosis, bool) {
    let found: Vec<(&Diagnosis, bool)> = events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Diagnosis { diagnosis, warn } => Some((diagnosis, *warn)),
            _ => None,
        })
        .collect();
    match found[..] {
        [one] => one,
        _ => panic!("expected one diagnosis in {:?}", labels(events)),
    }
}

/// The delay of the one `Reconnecting` event among `events`.
fn reconnect_delay(events: &[SessionEvent<Msg>]) -> Millis {
    events
        .iter()
        .find_map(|e| match e {
            SessionEvent::Reconnecting { delay_ms, .. } => Some(*delay_ms),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no reconnecting event in {:?}", labels(events)))
}

/// The `unsent` of the last close event among `events`.
fn unsent(events: &[SessionEvent<Msg>]) -> Option<Vec<Msg>> {
    events
        .iter()
        .rev()
        .find_map(|e| match e {
            SessionEvent::Close { unsent, .. } => Some(unsent.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no close event in {:?}", labels(events)))
}

// (1) Event order.

#[test]
fn a_lost_open_connection_reports_statechange_close_diagnosis_reconnecting() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_open(&mut s, 0);
    s.socket_closed(8_000, socket, 1006, "", false);
    assert!(actions(&mut s).is_empty(), "the browser already closed it");
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "statechange open->reconnecting",
            "close 1006",
            "diagnosis connection-lost",
            "reconnecting 1",
        ]
    );
    let SessionEvent::Close {
        reason,
        was_clean,
        unsent,
        ..
    } = &evs[1]
    else {
        unreachable!()
    };
    assert_eq!((reason.as_str(), *was_clean, unsent), ("", false, &None));
    let (d, warn) = diagnosis(&evs);
    assert!(warn);
    assert!(d.was_open && d.will_retry);
    assert_eq!((d.open_for_ms, d.idle_for_ms), (8_000, 8_000));
    assert_eq!(d.retry_in_ms, Some(reconnect_delay(&evs)));
    assert_eq!(d.url, WS_URL);
    assert_eq!(s.machine().state(), State::Reconnecting);
    assert!(events(&mut s).is_empty());
}

// (2) The first state change.

#[test]
fn the_start_from_idle_is_not_reported() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start(&mut s, 0);
    assert_eq!(s.machine().state(), State::Connecting);
    assert!(
        labels(&events(&mut s)).is_empty(),
        "idle -> connecting is not an event: state is connecting from the start"
    );
    s.socket_opened(30, socket);
    actions(&mut s);
    assert_eq!(
        labels(&events(&mut s)),
        ["statechange connecting->open", "open"]
    );
}

#[test]
fn a_later_change_from_idle_is_reported_from_connecting() {
    let mut s = session(Options::default(), false, WS_URL);
    s.close(0, 1000, "bye").unwrap();
    assert!(actions(&mut s).is_empty(), "no socket to close");
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "statechange connecting->closed",
            "close 1000",
            "diagnosis normal"
        ]
    );
    let (d, warn) = diagnosis(&evs);
    assert_eq!(
        (d.reason.as_str(), d.will_retry, warn),
        ("bye", false, false)
    );
}

// (3) A listener's close() between two events.

#[test]
fn close_from_a_close_listener_makes_the_diagnosis_final_and_drops_reconnecting() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_open(&mut s, 0);
    s.socket_closed(8_000, socket, 1006, "", false);
    actions(&mut s);
    let first: Vec<_> = std::iter::from_fn(|| s.poll_event(true)).take(2).collect();
    assert_eq!(
        labels(&first),
        ["statechange open->reconnecting", "close 1006"]
    );
    // The `close` listener calls close().
    s.close(8_001, 1000, "done").unwrap();
    assert!(actions(&mut s).is_empty(), "no socket is alive");
    let rest = events(&mut s);
    assert_eq!(
        labels(&rest),
        [
            "diagnosis connection-lost",
            "statechange reconnecting->closed",
            "close 1000",
            "diagnosis normal",
        ],
        "the moot reconnecting event is dropped"
    );
    let SessionEvent::Diagnosis { diagnosis: d, .. } = &rest[0] else {
        unreachable!()
    };
    assert!(!d.will_retry);
    assert_eq!(d.retry_in_ms, None);
    assert!(d.console_text().ends_with("Not retrying."));
}

// (4) Attempts that fail before a socket exists.

/// Whether the error events of `evs` say to write them to the console, in order.
fn error_warnings(evs: &[SessionEvent<Msg>]) -> Vec<bool> {
    evs.iter()
        .filter_map(|event| match event {
            SessionEvent::Error { warn, .. } => Some(*warn),
            _ => None,
        })
        .collect()
}

#[test]
fn the_session_says_which_errors_to_write_to_the_console() {
    // An attempt that could not open a socket: written, with `log` on.
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_attempt(&mut s, 0);
    s.open_failed(5, socket, Some(1), "refused".into(), false);
    actions(&mut s);
    assert_eq!(error_warnings(&events(&mut s)), [true]);
    // Not with `log` off.
    let quiet = Options {
        log: false,
        ..Options::default()
    };
    let mut s = session(quiet, false, WS_URL);
    let socket = start_attempt(&mut s, 0);
    s.open_failed(5, socket, Some(1), "refused".into(), false);
    actions(&mut s);
    assert_eq!(error_warnings(&events(&mut s)), [false]);
    // Not the browser's mixed-content refusal: its diagnosis explains it.
    let mut s = session(Options::default(), true, WS_URL);
    let socket = start_attempt(&mut s, 0);
    s.open_failed(5, socket, Some(1), "SecurityError".into(), true);
    actions(&mut s);
    assert_eq!(error_warnings(&events(&mut s)), [false]);
    // Nor a socket's own error event: the browser has written it already.
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_open(&mut s, 0);
    s.socket_error(10, socket);
    actions(&mut s);
    assert_eq!(error_warnings(&events(&mut s)), [false]);
}

#[test]
fn open_failed_reports_the_thrown_value_first_and_quotes_its_message() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_attempt(&mut s, 0);
    let message = "wsguard: the URL function failed: token endpoint answered 500";
    s.open_failed(5, socket, Some(77), message.into(), false);
    actions(&mut s);
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "error Some(77)",
            "statechange connecting->reconnecting",
            "close 1006",
            "diagnosis unreachable",
            "reconnecting 1",
        ]
    );
    let (d, warn) = diagnosis(&evs);
    assert!(warn);
    assert!(
        d.summary.contains(message),
        "the summary quotes the error: {}",
        d.summary
    );
    // A second report for the same, already failed, attempt is ignored.
    s.open_failed(6, socket, Some(78), "again".into(), false);
    actions(&mut s);
    assert!(events(&mut s).is_empty());
}

#[test]
fn open_failed_as_mixed_content_on_an_https_page_is_mixed_content_and_final() {
    let mut s = session(Options::default(), true, WS_URL);
    let socket = start_attempt(&mut s, 0);
    s.open_failed(
        0,
        socket,
        Some(5),
        "SecurityError: The operation is insecure.".into(),
        true,
    );
    actions(&mut s);
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "error Some(5)",
            "statechange connecting->closed",
            "close 1006",
            "diagnosis mixed-content",
        ]
    );
    let (d, warn) = diagnosis(&evs);
    assert!(warn && d.page_secure && !d.was_open);
}

#[test]
fn failure_facts_survive_a_reconnect_from_the_error_listener() {
    let mut s = session(Options::default(), true, WS_URL);
    let socket = start_attempt(&mut s, 0);
    s.open_failed(0, socket, Some(5), "SecurityError".into(), true);
    actions(&mut s);
    let error = s.poll_event(true).expect("the error event");
    assert_eq!(label(&error), "error Some(5)");
    // The `error` listener calls reconnect(); the driver opens the next socket at once.
    s.reconnect(1);
    let next = opened(&actions(&mut s));
    s.set_url("wss://api.example/ws".into());
    s.socket_created(next);
    let evs = events(&mut s);
    let (d, _) = diagnosis(&evs);
    assert_eq!(d.kind, Kind::MixedContent, "{}", d.summary);
    assert_eq!(d.url, WS_URL);
}

// (5) Unsent leftovers.

#[test]
fn queued_messages_come_back_oldest_first_on_the_final_close() {
    let mut s = session(Options::default(), false, WS_URL);
    s.send(0, 1, 10).unwrap();
    s.send(0, 2, 10).unwrap();
    let socket = start(&mut s, 0);
    s.send(1, 3, 10).unwrap();
    s.socket_closed(50, socket, 1006, "", false);
    actions(&mut s);
    let evs = events(&mut s);
    assert_eq!(
        unsent(&evs),
        None,
        "a close that retries hands nothing back"
    );
    assert_eq!(s.machine().state(), State::Reconnecting);
    s.send(60, 4, 10).unwrap();
    s.close(70, 1000, "").unwrap();
    actions(&mut s);
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "statechange reconnecting->closed",
            "close 1000",
            "diagnosis normal"
        ]
    );
    assert_eq!(unsent(&evs), Some(vec![1, 2, 3, 4]));
    assert!(s.send(80, 5, 10).is_err(), "closed for good");
}

#[test]
fn unsent_waits_for_the_close_of_a_socket_still_closing() {
    let mut s = session(Options::default(), false, WS_URL);
    s.send(0, 7, 1).unwrap();
    let socket = start(&mut s, 0);
    s.close(10, 4000, "leaving").unwrap();
    let acts = actions(&mut s);
    assert_eq!(
        acts,
        [SocketAction::Close {
            socket,
            code: 4000,
            reason: "leaving".into()
        }]
    );
    assert_eq!(labels(&events(&mut s)), ["statechange connecting->closing"]);
    s.socket_closed(20, socket, 4000, "leaving", true);
    actions(&mut s);
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "statechange closing->closed",
            "close 4000",
            "diagnosis normal"
        ]
    );
    assert_eq!(unsent(&evs), Some(vec![7]));
}

#[test]
fn a_final_close_with_nothing_queued_has_no_unsent() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_open(&mut s, 0);
    s.close(10, 1000, "").unwrap();
    actions(&mut s);
    s.socket_closed(20, socket, 1000, "", true);
    actions(&mut s);
    assert_eq!(unsent(&events(&mut s)), None);
}

// (6) The HTTPS probe.

/// A `wss:` handshake of `socket` that the browser fails (error, then 1006) at `now`.
fn handshake_fails(s: &mut Session<Msg>, now: Millis, socket: SocketId) -> Vec<SessionEvent<Msg>> {
    s.socket_error(now, socket);
    s.socket_closed(now + 1, socket, 1006, "", false);
    actions(s);
    events(s)
}

#[test]
fn the_probe_decides_between_handshake_rejected_and_certificate() {
    for (result, kind) in [
        (Probe::TlsOk, Kind::HandshakeRejected),
        (Probe::TlsFailed, Kind::Certificate),
    ] {
        let mut s = session(Options::default(), true, WSS_URL);
        let socket = start(&mut s, 0);
        let evs = handshake_fails(&mut s, 40, socket);
        assert_eq!(
            labels(&evs),
            [
                "error None",
                "statechange connecting->reconnecting",
                "close 1006",
                "probe https://api.example:8443/",
                "reconnecting 1",
            ],
            "the diagnosis waits for the probe"
        );
        assert!(events(&mut s).is_empty());
        s.probe_finished("https://other.example/", result);
        assert!(events(&mut s).is_empty(), "another origin's answer");
        s.probe_finished(WSS_ORIGIN, result);
        let evs = events(&mut s);
        assert_eq!(labels(&evs), [format!("diagnosis {}", kind.as_str())]);
        let (d, warn) = diagnosis(&evs);
        assert!(warn && d.will_retry && !d.was_open);
        assert_eq!((d.probe, d.url.as_str()), (result, WSS_SHOWN));
        assert!(events(&mut s).is_empty());
    }
}

#[test]
fn a_second_failure_in_the_streak_reuses_the_probe() {
    let mut s = session(Options::default(), true, WSS_URL);
    let socket = start(&mut s, 0);
    handshake_fails(&mut s, 40, socket);
    s.probe_finished(WSS_ORIGIN, Probe::TlsOk);
    events(&mut s);
    let (at, socket) = retry(&mut s);
    let evs = handshake_fails(&mut s, at + 40, socket);
    assert_eq!(
        labels(&evs),
        [
            "statechange reconnecting->connecting",
            "error None",
            "statechange connecting->reconnecting",
            "close 1006",
            "diagnosis handshake-rejected",
            "reconnecting 2",
        ]
    );
    let (d, warn) = diagnosis(&evs);
    assert_eq!((d.probe, d.attempt, warn), (Probe::TlsOk, 1, false));
}

#[test]
fn without_the_probe_option_a_failed_wss_handshake_is_certificate_at_once() {
    let options = Options {
        probe: false,
        ..Options::default()
    };
    let mut s = session(options, true, WSS_URL);
    let socket = start(&mut s, 0);
    let evs = handshake_fails(&mut s, 40, socket);
    assert_eq!(
        labels(&evs),
        [
            "error None",
            "statechange connecting->reconnecting",
            "close 1006",
            "diagnosis certificate",
            "reconnecting 1",
        ]
    );
    assert_eq!(diagnosis(&evs).0.probe, Probe::Skipped);
}

#[test]
fn close_while_the_probe_runs_makes_its_diagnosis_final() {
    let mut s = session(Options::default(), true, WSS_URL);
    let socket = start(&mut s, 0);
    let evs = handshake_fails(&mut s, 40, socket);
    assert_eq!(label(evs.last().unwrap()), "reconnecting 1");
    // The `reconnecting` listener calls close() while the probe is still out.
    s.close(50, 1000, "").unwrap();
    actions(&mut s);
    events(&mut s);
    assert_eq!(s.machine().state(), State::Closed);
    s.probe_finished(WSS_ORIGIN, Probe::TlsOk);
    let evs = events(&mut s);
    let (d, _) = diagnosis(&evs);
    assert_eq!(d.kind, Kind::HandshakeRejected);
    assert_eq!((d.will_retry, d.retry_in_ms), (false, None));
}

#[test]
fn a_failure_while_the_probe_is_out_waits_for_its_result() {
    let mut s = session(Options::default(), true, WSS_URL);
    let socket = start(&mut s, 0);
    handshake_fails(&mut s, 40, socket);
    let (at, socket) = retry(&mut s);
    let evs = handshake_fails(&mut s, at + 40, socket);
    assert!(
        !labels(&evs).iter().any(|l| l.starts_with("diagnosis")),
        "the retry's diagnosis came before the probe answered: {:?}",
        labels(&evs)
    );
    s.probe_finished(WSS_ORIGIN, Probe::TlsOk);
    let kinds: Vec<String> = labels(&events(&mut s));
    assert_eq!(
        kinds,
        [
            "diagnosis handshake-rejected",
            "diagnosis handshake-rejected"
        ]
    );
}

#[test]
fn every_ended_socket_is_diagnosed_even_when_probes_overlap() {
    // Short retry delays: everything below happens within the probe's deadline.
    let options = Options {
        min_delay_ms: 100,
        ..Options::default()
    };
    let mut s = session(options, true, WSS_URL);
    let first = start(&mut s, 0);
    let evs = handshake_fails(&mut s, 40, first);
    assert!(labels(&evs).contains(&format!("probe {WSS_ORIGIN}")));
    // Before the probe answers: the retry opens (a new streak), drops, and the next
    // handshake fails again.
    let (at, second) = retry(&mut s);
    s.socket_opened(at + 20, second);
    actions(&mut s);
    s.socket_closed(at + 500, second, 1006, "", false);
    actions(&mut s);
    events(&mut s);
    let (at, third) = retry(&mut s);
    let evs = handshake_fails(&mut s, at + 40, third);
    // The probe of that origin is still out: the failure waits for its answer, with no second
    // request and no diagnosis yet.
    assert!(
        !labels(&evs)
            .iter()
            .any(|l| l.starts_with("probe") || l.starts_with("diagnosis")),
        "{:?}",
        labels(&evs)
    );
    s.probe_finished(WSS_ORIGIN, Probe::TlsOk);
    let diagnosed: Vec<u32> = events(&mut s)
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Diagnosis { diagnosis, .. } => Some(diagnosis.attempt),
            _ => None,
        })
        .collect();
    assert_eq!(diagnosed, [0, 2], "the first and the third socket");
}

// (7) Console warnings.

/// Runs a fixed sequence of failures and returns each diagnosis' kind and `warn`: two
/// unreachable, a connect timeout, unreachable again, then an open connection lost, then
/// unreachable.
fn warnings(log: bool) -> Vec<(Kind, bool)> {
    let options = Options {
        log,
        ..Options::default()
    };
    let mut s = session(options, false, WS_URL);
    let mut seen = Vec::new();
    let mut note = |evs: Vec<SessionEvent<Msg>>| {
        let (d, warn) = diagnosis(&evs);
        seen.push((d.kind, warn));
    };
    let socket = start(&mut s, 0);
    s.socket_closed(10, socket, 1006, "", false);
    actions(&mut s);
    note(events(&mut s));
    let (at, socket) = retry(&mut s);
    s.socket_closed(at + 10, socket, 1006, "", false);
    actions(&mut s);
    note(events(&mut s));
    retry(&mut s);
    let (_, acts) = fire(&mut s); // the connect timeout
    assert!(acts
        .iter()
        .any(|a| matches!(a, SocketAction::Close { code: 4900, .. })));
    note(events(&mut s));
    let (at, socket) = retry(&mut s);
    s.socket_closed(at + 10, socket, 1006, "", false);
    actions(&mut s);
    note(events(&mut s));
    let (at, socket) = retry(&mut s);
    s.socket_opened(at + 10, socket);
    actions(&mut s);
    events(&mut s);
    s.socket_closed(at + 3_000, socket, 1006, "", false);
    actions(&mut s);
    note(events(&mut s));
    let (at, socket) = retry(&mut s);
    s.socket_closed(at + 10, socket, 1006, "", false);
    actions(&mut s);
    note(events(&mut s));
    seen
}

#[test]
fn warn_once_per_failure_streak_and_kind() {
    use Kind::*;
    assert_eq!(
        warnings(true),
        [
            (Unreachable, true),
            (Unreachable, false),
            (Timeout, true),
            (Unreachable, false),
            (ConnectionLost, true), // the open ended the streak
            (Unreachable, true),
        ]
    );
}

#[test]
fn warn_is_off_with_log_off() {
    let seen = warnings(false);
    assert_eq!(seen.len(), 6);
    assert!(seen.iter().all(|(_, warn)| !warn), "{seen:?}");
}

// (8) Lazy inbound reports.

#[test]
fn inbound_reports_move_the_heartbeat_and_the_idle_time_and_older_ones_do_not() {
    let options = Options {
        heartbeat: Some(Heartbeat {
            interval_ms: 1_000,
            timeout_ms: 500,
            ..Heartbeat::default()
        }),
        stable_after_ms: 0,
        ..Options::default()
    };
    let mut s = session(options, false, WS_URL);
    let socket = start_open(&mut s, 0);
    assert_eq!(s.deadline(), Some(1_000));
    s.inbound(600, socket);
    assert_eq!(s.deadline(), Some(1_600));
    s.inbound(400, socket);
    assert_eq!(s.deadline(), Some(1_600), "an older time is ignored");
    s.inbound(600, socket);
    assert_eq!(s.deadline(), Some(1_600), "so is the same time");
    s.inbound(700, socket);
    assert_eq!(s.deadline(), Some(1_700));
    s.socket_closed(900, socket, 1006, "", false);
    actions(&mut s);
    let evs = events(&mut s);
    assert_eq!(
        diagnosis(&evs).0.idle_for_ms,
        200,
        "idle since the last message"
    );
    let (at, next) = retry(&mut s);
    s.socket_opened(at + 10, next);
    actions(&mut s);
    s.inbound(at + 300, next);
    assert_eq!(
        s.deadline(),
        Some(at + 1_300),
        "the new socket's messages count"
    );
}

// (9) The direct send path.

#[test]
fn sendable_only_while_open() {
    let mut s = session(Options::default(), false, WS_URL);
    assert_eq!(s.sendable(), None, "idle");
    let socket = start(&mut s, 0);
    assert_eq!(s.sendable(), None, "connecting");
    s.socket_opened(10, socket);
    actions(&mut s);
    assert_eq!(s.sendable(), Some(socket), "open");
    s.send(11, 1, 1).unwrap();
    assert_eq!(actions(&mut s), [SocketAction::Send { socket, message: 1 }]);
    s.socket_closed(20, socket, 1006, "", false);
    actions(&mut s);
    assert_eq!(s.sendable(), None, "reconnecting");
    let (at, next) = retry(&mut s);
    assert_eq!(s.sendable(), None, "connecting again");
    s.socket_opened(at + 10, next);
    actions(&mut s);
    assert_eq!(s.sendable(), Some(next));
    s.close(at + 20, 1000, "").unwrap();
    actions(&mut s);
    assert_eq!(s.machine().state(), State::Closing);
    assert_eq!(s.sendable(), None, "closing");
    s.socket_closed(at + 30, next, 1000, "", true);
    actions(&mut s);
    assert_eq!(s.sendable(), None, "closed");
}

// (10) Errors.

#[test]
fn an_error_without_a_close_ends_the_socket_after_the_grace() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start(&mut s, 0);
    s.socket_error(100, socket);
    assert!(actions(&mut s).is_empty());
    assert_eq!(labels(&events(&mut s)), ["error None"]);
    assert_eq!(s.machine().state(), State::Connecting);
    let grace_end = 100 + ERROR_CLOSE_GRACE_MS;
    assert_eq!(s.deadline(), Some(grace_end));
    s.timeout(grace_end - 1);
    assert!(actions(&mut s).is_empty());
    assert!(events(&mut s).is_empty());
    s.timeout(grace_end);
    assert_eq!(
        actions(&mut s),
        [SocketAction::Close {
            socket,
            code: 1000,
            reason: String::new()
        }]
    );
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "statechange connecting->reconnecting",
            "close 1006",
            "diagnosis unreachable",
            "reconnecting 1",
        ]
    );
    let SessionEvent::Close { was_clean, .. } = &evs[1] else {
        unreachable!()
    };
    assert!(!was_clean);
    // The browser's late close of that socket changes nothing.
    s.socket_closed(grace_end + 5, socket, 1006, "", false);
    assert!(actions(&mut s).is_empty());
    assert!(events(&mut s).is_empty());
}

#[test]
fn an_error_without_a_close_on_a_secure_page_is_webkits_mixed_content_block() {
    // WebKit blocks a ws:// socket on an HTTPS page, loopback included, with an `error` and no
    // `close`: the grace ends it, and the diagnosis names mixed content.
    let options = Options {
        max_retries: Some(0),
        ..Options::default()
    };
    let mut s = session(options, true, "ws://127.0.0.1:8080/ws");
    let socket = start(&mut s, 0);
    s.socket_error(5, socket);
    actions(&mut s);
    events(&mut s);
    s.timeout(5 + ERROR_CLOSE_GRACE_MS);
    actions(&mut s);
    let labels = labels(&events(&mut s));
    assert!(
        labels.contains(&"diagnosis mixed-content".to_string()),
        "{labels:?}"
    );
}

#[test]
fn an_error_followed_by_its_close_ends_the_socket_once() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start_open(&mut s, 0);
    s.socket_error(100, socket);
    s.socket_closed(101, socket, 1006, "", false);
    assert!(actions(&mut s).is_empty(), "no close of our own");
    let evs = events(&mut s);
    assert_eq!(
        labels(&evs),
        [
            "error None",
            "statechange open->reconnecting",
            "close 1006",
            "diagnosis protocol-error",
            "reconnecting 1",
        ]
    );
    // The next timer is the retry, not the error grace.
    let (_, acts) = fire(&mut s);
    opened(&acts);
}

#[test]
fn send_failed_is_an_error_event() {
    let mut s = session(Options::default(), false, WS_URL);
    start_open(&mut s, 0);
    s.send_failed();
    assert_eq!(labels(&events(&mut s)), ["error None"]);
}

#[test]
fn an_error_of_a_socket_the_session_moved_on_from_is_ignored() {
    let mut s = session(Options::default(), false, WS_URL);
    let socket = start(&mut s, 0);
    s.socket_closed(10, socket, 1006, "", false);
    actions(&mut s);
    events(&mut s);
    s.socket_error(11, socket);
    actions(&mut s);
    assert!(labels(&events(&mut s)).is_empty());
}
