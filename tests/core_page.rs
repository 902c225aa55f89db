//! Host tests of the rules the drivers used to apply themselves, now the session's, on
//! simulated time: the page's lifecycle facts (the long-hidden threshold, the back/forward
//! cache, freeze and resume), the settle of `online`, the probe's deadline, an attempt waiting
//! for its URL function, `close()` before a socket exists, and a clock that goes backwards.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::diagnosis::{Kind, Probe};
use wsguard::core::machine::{Millis, SocketAction, SocketId, State, CLOSE_SUSPENDED};
use wsguard::core::options::{Heartbeat, Options};
use wsguard::core::session::{
    PageFact, Session, SessionEvent, LONG_HIDDEN_MS, ONLINE_SETTLE_MS, PROBE_TIMEOUT_MS,
};

type Msg = u32;

const WSS_URL: &str = "wss://api.example:8443/ws";
const WSS_ORIGIN: &str = "https://api.example:8443/";

fn actions(s: &mut Session<Msg>) -> Vec<SocketAction<Msg>> {
    std::iter::from_fn(|| s.poll_action()).collect()
}

fn events(s: &mut Session<Msg>) -> Vec<SessionEvent<Msg>> {
    std::iter::from_fn(|| s.poll_event(true)).collect()
}

/// The socket of the first `Open` among `actions`.
fn opened(actions: &[SocketAction<Msg>]) -> Option<SocketId> {
    actions.iter().find_map(|a| match a {
        SocketAction::Open { socket, .. } => Some(*socket),
        _ => None,
    })
}

fn sends_heartbeat(actions: &[SocketAction<Msg>]) -> bool {
    actions
        .iter()
        .any(|a| matches!(a, SocketAction::SendHeartbeat { .. }))
}

fn closes_suspended(actions: &[SocketAction<Msg>]) -> bool {
    actions.iter().any(|a| {
        matches!(
            a,
            SocketAction::Close {
                code: CLOSE_SUSPENDED,
                ..
            }
        )
    })
}

fn with_heartbeat() -> Options {
    let heartbeat = Heartbeat {
        interval_ms: 1_000_000,
        timeout_ms: 1_000_000,
        ..Heartbeat::default()
    };
    Options {
        heartbeat: Some(heartbeat),
        ..Options::default()
    }
}

/// A session whose first socket opened at 10.
fn open_session(options: Options) -> Session<Msg> {
    let mut s = Session::new(options, 5, false, "ws://h/ws".into());
    s.start(0, true);
    let socket = opened(&actions(&mut s)).expect("an open action");
    s.socket_created(socket);
    s.socket_opened(10, socket);
    actions(&mut s);
    events(&mut s);
    s
}

/// A session that started offline, whose first attempt failed: it waits for the network.
fn offline_session(start: Millis) -> Session<Msg> {
    let mut s = Session::new(Options::default(), 5, false, "ws://h/ws".into());
    s.start(start, false);
    let socket = opened(&actions(&mut s)).expect("an open action");
    s.socket_created(socket);
    s.socket_closed(start + 5, socket, 1006, "", false);
    actions(&mut s);
    events(&mut s);
    assert_eq!(s.machine().state(), State::Offline);
    s
}

#[test]
fn a_page_hidden_five_minutes_counts_as_suspended_and_one_ms_less_does_not() {
    for (hidden_for, checked) in [(LONG_HIDDEN_MS - 1, false), (LONG_HIDDEN_MS, true)] {
        let mut s = open_session(with_heartbeat());
        s.page(1_000, PageFact::Hidden);
        s.page(1_000 + hidden_for, PageFact::Visible);
        assert_eq!(
            sends_heartbeat(&actions(&mut s)),
            checked,
            "hidden for {hidden_for} ms"
        );
    }
    assert_eq!(LONG_HIDDEN_MS, 300_000);
}

#[test]
fn visible_without_hidden_checks_nothing_but_attempts_at_once_while_reconnecting() {
    let mut s = open_session(with_heartbeat());
    s.page(400_000, PageFact::Visible);
    assert!(actions(&mut s).is_empty());
    let mut s = offline_session(0);
    s.page(20, PageFact::Visible);
    assert!(opened(&actions(&mut s)).is_some());
    assert_eq!(s.machine().state(), State::Connecting);
}

#[test]
fn a_restore_from_the_back_forward_cache_replaces_the_socket_and_a_plain_pageshow_does_not() {
    let mut s = open_session(Options::default());
    s.page(10_000, PageFact::LeftForCache);
    s.page(60_000, PageFact::Shown { restored: false });
    assert!(!closes_suspended(&actions(&mut s)));
    s.page(70_000, PageFact::LeftForCache);
    s.page(90_000, PageFact::Shown { restored: true });
    assert!(closes_suspended(&actions(&mut s)));
    // A plain pageshow checks nothing, whatever came before it.
    let mut checked = open_session(with_heartbeat());
    checked.page(10_000, PageFact::LeftForCache);
    checked.page(60_000, PageFact::Shown { restored: false });
    assert!(!sends_heartbeat(&actions(&mut checked)));
    let kinds: Vec<Kind> = events(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            SessionEvent::Diagnosis { diagnosis, .. } => Some(diagnosis.kind),
            _ => None,
        })
        .collect();
    assert_eq!(kinds, [Kind::Suspended]);
}

#[test]
fn resume_after_freeze_checks_the_socket_with_the_frozen_time() {
    let mut s = open_session(with_heartbeat());
    s.page(1_000, PageFact::Resumed); // never frozen: nothing to check
    assert!(!sends_heartbeat(&actions(&mut s)));
    s.page(2_000, PageFact::Frozen);
    s.page(2_500, PageFact::Resumed);
    assert!(sends_heartbeat(&actions(&mut s)));
}

#[test]
fn online_counts_only_after_it_settled() {
    let mut s = offline_session(0);
    s.page(1_000, PageFact::Online);
    assert!(actions(&mut s).is_empty());
    assert_eq!(s.deadline(), Some(1_000 + ONLINE_SETTLE_MS));
    s.timeout(1_000 + ONLINE_SETTLE_MS - 1);
    assert_eq!(s.machine().state(), State::Offline);
    s.timeout(1_000 + ONLINE_SETTLE_MS);
    assert!(opened(&actions(&mut s)).is_some());
    assert_eq!(s.machine().state(), State::Connecting);
}

#[test]
fn a_closed_client_waits_for_no_settle() {
    let mut s = offline_session(0);
    s.page(1_000, PageFact::Online);
    s.close(1_100, 1000, "").unwrap();
    assert_eq!(s.machine().state(), State::Closed);
    assert_eq!(s.deadline(), None);
    s.timeout(1_000 + ONLINE_SETTLE_MS);
    assert_eq!(s.machine().state(), State::Closed);
}

#[test]
fn offline_cancels_an_online_still_settling() {
    let mut s = offline_session(0);
    s.page(1_000, PageFact::Online);
    s.page(1_200, PageFact::Offline);
    assert_eq!(s.deadline(), None);
    s.timeout(1_000 + ONLINE_SETTLE_MS);
    assert!(actions(&mut s).is_empty());
    assert_eq!(s.machine().state(), State::Offline);
}

/// A session on an HTTPS page whose handshake to `WSS_URL` failed at 41: its probe is out.
fn probing_session() -> Session<Msg> {
    let mut s = Session::new(Options::default(), 5, true, WSS_URL.into());
    s.start(0, true);
    let socket = opened(&actions(&mut s)).expect("an open action");
    s.socket_created(socket);
    s.socket_error(40, socket);
    s.socket_closed(41, socket, 1006, "", false);
    actions(&mut s);
    let probes: Vec<String> = events(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            SessionEvent::Probe { url, .. } => Some(url),
            _ => None,
        })
        .collect();
    assert_eq!(probes, [WSS_ORIGIN]);
    s
}

/// The probe results of the diagnoses among `events`, and whether the probe was abandoned.
fn probe_outcome(events: &[SessionEvent<Msg>]) -> (Vec<Probe>, bool) {
    let probes = events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Diagnosis { diagnosis, .. } => Some(diagnosis.probe),
            _ => None,
        })
        .collect();
    let abandoned = events
        .iter()
        .any(|e| matches!(e, SessionEvent::AbandonProbe { url } if url == WSS_ORIGIN));
    (probes, abandoned)
}

#[test]
fn a_probe_without_an_answer_counts_as_not_reached_at_its_deadline() {
    let mut s = probing_session();
    let deadline = 41 + PROBE_TIMEOUT_MS;
    assert!(s.deadline().is_some_and(|at| at <= deadline));
    s.timeout(deadline - 1);
    actions(&mut s);
    assert_eq!(probe_outcome(&events(&mut s)), (vec![], false));
    s.timeout(deadline);
    actions(&mut s);
    assert_eq!(
        probe_outcome(&events(&mut s)),
        (vec![Probe::TlsFailed], true)
    );
}

#[test]
fn a_probe_answer_after_the_deadline_is_ignored() {
    let mut s = probing_session();
    let at = 41 + PROBE_TIMEOUT_MS;
    s.timeout(at); // the retry is due by now too
    let socket = opened(&actions(&mut s)).expect("the retry's socket");
    events(&mut s);
    s.probe_finished(WSS_ORIGIN, Probe::TlsOk);
    s.probe_answered(WSS_ORIGIN, 502, "nginx", "");
    assert!(events(&mut s).is_empty());
    // The next failure of the streak goes on with the result the deadline gave.
    s.socket_created(socket);
    s.socket_error(at + 40, socket);
    s.socket_closed(at + 41, socket, 1006, "", false);
    actions(&mut s);
    let evs = events(&mut s);
    assert!(!evs.iter().any(|e| matches!(e, SessionEvent::Probe { .. })));
    assert_eq!(probe_outcome(&evs), (vec![Probe::TlsFailed], false));
}

#[test]
fn a_probe_answer_in_time_is_used() {
    let mut s = probing_session();
    s.probe_finished(WSS_ORIGIN, Probe::TlsOk);
    assert_eq!(probe_outcome(&events(&mut s)), (vec![Probe::TlsOk], false));
}

/// A session with a URL function whose first attempt (requested at 0) waits for it.
fn waiting_for_url() -> (Session<Msg>, SocketId) {
    let mut s = Session::new(Options::default(), 5, false, String::new());
    s.start(0, true);
    let socket = opened(&actions(&mut s)).expect("an open action");
    s.url_pending(socket);
    (s, socket)
}

#[test]
fn a_url_function_that_does_not_answer_fails_the_attempt_at_the_connect_timeout() {
    let (mut s, socket) = waiting_for_url();
    let timeout = s.machine().options().connect_timeout_ms;
    assert_eq!(s.deadline(), Some(timeout));
    s.timeout(timeout - 1);
    assert!(actions(&mut s).is_empty());
    s.timeout(timeout);
    let acts = actions(&mut s);
    assert!(acts.is_empty(), "no socket to close: {acts:?}");
    let evs = events(&mut s);
    let message = evs.iter().find_map(|e| match e {
        SessionEvent::UrlFunctionTimeout { message, warn } => Some((message.clone(), *warn)),
        _ => None,
    });
    let expected =
        "wsguard: the URL function did not answer within 10000 ms (`connect_timeout_ms`)";
    assert_eq!(message, Some((expected.into(), true)));
    let diagnosis = evs.iter().find_map(|e| match e {
        SessionEvent::Diagnosis { diagnosis, .. } => Some(diagnosis),
        _ => None,
    });
    let diagnosis = diagnosis.expect("a diagnosis");
    assert!(
        diagnosis.summary.contains(expected),
        "{}",
        diagnosis.summary
    );
    assert!(diagnosis.will_retry);
    assert_eq!(s.machine().state(), State::Reconnecting);
    // The late answer is not used.
    assert!(!s.url_settled(socket));
}

#[test]
fn a_url_function_that_answers_in_time_keeps_its_attempt() {
    let (mut s, socket) = waiting_for_url();
    s.timeout(9_999);
    assert!(s.url_settled(socket));
    s.set_url("ws://h/ws".into());
    s.socket_created(socket);
    s.timeout(10_000); // now the machine's connect timeout: the socket is closed
    let closed = actions(&mut s)
        .iter()
        .any(|a| matches!(a, SocketAction::Close { socket: id, .. } if *id == socket));
    assert!(closed);
    assert!(!events(&mut s)
        .iter()
        .any(|e| matches!(e, SessionEvent::UrlFunctionTimeout { .. })));
}

#[test]
fn a_url_wait_across_a_suspension_gets_a_fresh_connect_timeout() {
    let (mut s, socket) = waiting_for_url();
    s.timeout(30_000); // due at 10 000: the page was not running
    assert_eq!(s.machine().state(), State::Connecting);
    assert_eq!(s.deadline(), Some(40_000));
    s.timeout(40_000);
    actions(&mut s);
    assert!(events(&mut s)
        .iter()
        .any(|e| matches!(e, SessionEvent::UrlFunctionTimeout { .. })));
    assert!(!s.url_settled(socket));
}

#[test]
fn close_before_the_socket_exists_ends_at_once() {
    let (mut s, socket) = waiting_for_url();
    s.close(100, 4000, "bye").unwrap();
    assert_eq!(s.machine().state(), State::Closed);
    assert!(actions(&mut s)
        .iter()
        .all(|a| !matches!(a, SocketAction::Open { .. })));
    let close = events(&mut s).into_iter().find_map(|e| match e {
        SessionEvent::Close {
            code,
            reason,
            was_clean,
            ..
        } => Some((code, reason, was_clean)),
        _ => None,
    });
    assert_eq!(close, Some((4000, "bye".into(), true)));
    assert_eq!(s.deadline(), None);
    assert!(!s.url_settled(socket));
}

#[test]
fn close_with_a_socket_waits_for_its_close_event() {
    let (mut s, socket) = waiting_for_url();
    assert!(s.url_settled(socket));
    s.socket_created(socket);
    s.close(100, 4000, "bye").unwrap();
    assert_eq!(s.machine().state(), State::Closing);
    assert!(s.deadline().is_some());
}

#[test]
fn an_attempt_closed_before_it_was_carried_out_is_not_opened() {
    let mut s = Session::<Msg>::new(Options::default(), 5, false, "ws://h/ws".into());
    s.start(0, true);
    s.close(0, 1000, "").unwrap();
    assert!(actions(&mut s)
        .iter()
        .all(|a| !matches!(a, SocketAction::Open { .. })));
    assert_eq!(s.machine().state(), State::Closed);
}

#[test]
fn a_clock_that_goes_backwards_counts_as_the_latest_time_seen() {
    // The machine saw 10 000; then the clock reads 500: `online` settles from 10 000.
    let mut s = offline_session(9_995);
    s.page(500, PageFact::Online);
    assert_eq!(s.deadline(), Some(10_000 + ONLINE_SETTLE_MS));
    s.timeout(10_000 + ONLINE_SETTLE_MS - 1);
    assert_eq!(s.machine().state(), State::Offline);
    // A page hidden at 400 000 and visible "at 100" was hidden for no time at all.
    let mut s = open_session(with_heartbeat());
    s.page(400_000, PageFact::Hidden);
    s.page(100, PageFact::Visible);
    assert!(!sends_heartbeat(&actions(&mut s)));
}
