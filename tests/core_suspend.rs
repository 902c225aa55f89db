//! Host tests of suspensions (sleep, freeze, the back/forward cache) on simulated time: what the
//! machine does when the page resumes or a timer fires late, and how the session diagnoses it.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::diagnosis::Kind;
use wsguard::core::machine::{
    Action, CloseCause, CloseInfo, Event, Machine, SocketAction, SocketId, State,
    CLOSE_HEARTBEAT_TIMEOUT, CLOSE_SUSPENDED, LATE_TIMER_MS,
};
use wsguard::core::options::{Heartbeat, Options};
use wsguard::core::session::{PageFact, Session, SessionEvent};

type Msg = u32;

const HEARTBEAT: Heartbeat = Heartbeat {
    interval_ms: 1000,
    message: String::new(),
    timeout_ms: 1500,
};

fn machine(options: Options) -> Machine<Msg> {
    Machine::new(options, 0xC0FFEE)
}

fn with_heartbeat() -> Options {
    Options {
        heartbeat: Some(HEARTBEAT),
        stable_after_ms: 0,
        ..Options::default()
    }
}

fn drain(m: &mut Machine<Msg>) -> Vec<Action<Msg>> {
    std::iter::from_fn(|| m.poll_action()).collect()
}

fn start_open(m: &mut Machine<Msg>, now: u64) -> SocketId {
    m.handle_start(now);
    let socket = m.socket().expect("a socket");
    m.handle_socket_open(now, socket);
    drain(m);
    socket
}

fn close_info(actions: &[Action<Msg>]) -> Option<CloseInfo> {
    actions.iter().find_map(|a| match a {
        Action::Emit(Event::Close(info)) => Some(info.clone()),
        _ => None,
    })
}

fn closed_with(actions: &[Action<Msg>]) -> Option<u16> {
    actions.iter().find_map(|a| match a {
        Action::Socket(SocketAction::Close { code, .. }) => Some(*code),
        _ => None,
    })
}

fn heartbeats(actions: &[Action<Msg>]) -> usize {
    actions
        .iter()
        .filter(|a| matches!(a, Action::Socket(SocketAction::SendHeartbeat { .. })))
        .count()
}

fn reconnecting(actions: &[Action<Msg>]) -> Option<(u32, u64)> {
    actions.iter().find_map(|a| match a {
        Action::Emit(Event::Reconnecting { attempt, delay_ms }) => Some((*attempt, *delay_ms)),
        _ => None,
    })
}

#[test]
fn a_restore_from_the_cache_replaces_the_socket_and_retries_at_once_with_the_queue() {
    let mut m = machine(Options::default());
    let old = start_open(&mut m, 0);
    m.handle_resume(90_000, 80_000, true);
    let actions = drain(&mut m);
    assert_eq!(closed_with(&actions), Some(CLOSE_SUSPENDED));
    let info = close_info(&actions).expect("a close event");
    assert_eq!(
        (info.cause, info.code, info.socket),
        (CloseCause::Suspended, CLOSE_SUSPENDED, Some(old))
    );
    assert_eq!(info.retry_in_ms, Some(0));
    assert_eq!(reconnecting(&actions), Some((1, 0)));
    // Sent between the restore and the new socket's open: queued, then flushed once.
    m.handle_send(90_001, 7, 1).unwrap();
    m.handle_timeout(90_001);
    let new = m.socket().expect("a new socket");
    assert_ne!(new, old);
    m.handle_socket_open(90_020, new);
    let sent: Vec<_> = drain(&mut m)
        .into_iter()
        .filter_map(|a| match a {
            Action::Socket(SocketAction::Send { message, .. }) => Some(message),
            _ => None,
        })
        .collect();
    assert_eq!(sent, [7]);
    // The old socket's own late close is ignored.
    m.handle_socket_close(90_030, old, 1006, "", false);
    assert_eq!(m.state(), State::Open);
}

#[test]
fn a_socket_made_after_the_page_resumed_is_not_replaced() {
    let mut m = machine(Options::default());
    m.handle_start(50_000);
    m.handle_resume(60_000, 20_000, true); // away since 40 000, before this socket
    assert_eq!(closed_with(&drain(&mut m)), None);
    assert_eq!(m.state(), State::Connecting);
}

#[test]
fn a_browser_close_after_a_resume_is_a_suspension_but_a_close_frame_is_not() {
    for (clean, cause) in [(false, CloseCause::Suspended), (true, CloseCause::Socket)] {
        let mut m = machine(with_heartbeat());
        let socket = start_open(&mut m, 0);
        m.handle_resume(500, 300, false);
        drain(&mut m);
        m.handle_socket_close(510, socket, if clean { 1001 } else { 1006 }, "", clean);
        let info = close_info(&drain(&mut m)).expect("a close event");
        assert_eq!(info.cause, cause, "clean: {clean}");
        if !clean {
            assert_eq!(info.retry_in_ms, Some(0), "retried at once");
        }
    }
}

#[test]
fn with_a_heartbeat_a_late_timer_sends_it_at_once_and_no_answer_replaces_the_socket_at_once() {
    let mut m = machine(with_heartbeat());
    let socket = start_open(&mut m, 0);
    // The idle timer was due at 1000; the page ran again at 9000.
    m.handle_timeout(9000);
    let actions = drain(&mut m);
    assert_eq!(heartbeats(&actions), 1);
    assert_eq!(
        m.poll_timeout(),
        Some(10_000),
        "a wake-up before the dead timer at 10 500"
    );
    m.handle_timeout(10_000);
    assert_eq!(heartbeats(&drain(&mut m)), 0, "one heartbeat per check");
    m.handle_timeout(10_500);
    let actions = drain(&mut m);
    assert_eq!(closed_with(&actions), Some(CLOSE_HEARTBEAT_TIMEOUT));
    let info = close_info(&actions).expect("a close event");
    assert_eq!(
        (info.cause, info.socket, info.retry_in_ms),
        (CloseCause::Suspended, Some(socket), Some(0))
    );
}

#[test]
fn with_a_heartbeat_an_answer_after_the_resume_keeps_the_socket_and_ends_the_suspension() {
    let mut m = machine(with_heartbeat());
    let socket = start_open(&mut m, 0);
    m.handle_resume(20_000, 19_000, false);
    assert_eq!(heartbeats(&drain(&mut m)), 1);
    m.handle_inbound(20_040, socket);
    m.handle_timeout(21_040);
    drain(&mut m);
    assert_eq!(m.state(), State::Open);
    // A later drop is an ordinary loss again.
    m.handle_socket_close(21_100, socket, 1006, "", false);
    let info = close_info(&drain(&mut m)).expect("a close event");
    assert_eq!(info.cause, CloseCause::Socket);
    assert!(info.retry_in_ms.is_some_and(|delay| delay <= 1000));
}

#[test]
fn a_dead_timer_that_came_due_during_the_pause_checks_again_instead_of_closing() {
    let mut m = machine(with_heartbeat());
    start_open(&mut m, 0);
    m.handle_timeout(1000); // heartbeat sent, dead at 2500
    assert_eq!(heartbeats(&drain(&mut m)), 1);
    m.handle_timeout(8000); // the page was stopped from about 1000 to 8000
    let actions = drain(&mut m);
    assert_eq!(
        closed_with(&actions),
        None,
        "the answer had no chance to arrive"
    );
    assert_eq!(heartbeats(&actions), 1, "sent again");
    assert_eq!(m.state(), State::Open);
    // Throttled timers keep firing late: the check is not postponed again.
    m.handle_timeout(9500 + LATE_TIMER_MS * 5);
    assert_eq!(closed_with(&drain(&mut m)), Some(CLOSE_HEARTBEAT_TIMEOUT));
}

#[test]
fn without_a_heartbeat_a_pause_as_long_as_the_limit_replaces_the_socket() {
    let options = Options {
        reconnect_after_suspend_ms: Some(10_000),
        ..Options::default()
    };
    let mut m = machine(options.clone());
    start_open(&mut m, 0);
    // The stable timer at 5000 and the wake-up every 5000 (half of the limit).
    m.handle_timeout(5000);
    drain(&mut m);
    assert_eq!(m.poll_timeout(), Some(10_000));
    m.handle_timeout(16_000); // 6 s late: shorter than the limit
    assert_eq!(closed_with(&drain(&mut m)), None);
    assert_eq!(m.poll_timeout(), Some(21_000));
    m.handle_timeout(31_000); // 10 s late
    let actions = drain(&mut m);
    assert_eq!(closed_with(&actions), Some(CLOSE_SUSPENDED));
    assert_eq!(
        close_info(&actions).map(|i| i.cause),
        Some(CloseCause::Suspended)
    );
    assert_eq!(m.state(), State::Connecting, "the retry was due at once");

    // A page that says how long it was frozen is believed at once.
    let mut m = machine(options);
    start_open(&mut m, 0);
    m.handle_resume(40_000, 12_000, false);
    assert_eq!(closed_with(&drain(&mut m)), Some(CLOSE_SUSPENDED));
}

#[test]
fn without_a_heartbeat_a_shorter_pause_leaves_a_later_drop_an_ordinary_loss() {
    let mut m = machine(Options {
        stable_after_ms: 0,
        ..Options::default()
    });
    let socket = start_open(&mut m, 0);
    m.handle_timeout(50_000); // the wake-up due at 30 000, 20 s late: below the 60 s limit
    assert_eq!(closed_with(&drain(&mut m)), None);
    m.handle_socket_close(50_100, socket, 1006, "", false);
    let info = close_info(&drain(&mut m)).expect("a close event");
    assert_eq!(
        info.cause,
        CloseCause::Socket,
        "retried with backoff, not all at once"
    );
}

#[test]
fn without_a_heartbeat_and_no_limit_the_socket_is_trusted_and_no_wake_up_is_kept() {
    let mut m = machine(Options {
        reconnect_after_suspend_ms: None,
        stable_after_ms: 0,
        ..Options::default()
    });
    start_open(&mut m, 0);
    assert_eq!(m.poll_timeout(), None);
    m.handle_resume(3_600_000, 3_600_000, false);
    assert_eq!(closed_with(&drain(&mut m)), None);
    assert_eq!(m.state(), State::Open);
}

#[test]
fn the_wake_up_period_is_half_the_limit_between_one_and_thirty_seconds() {
    for (limit, period) in [
        (0, 1000),
        (1500, 1000),
        (10_000, 5000),
        (60_000, 30_000),
        (600_000, 30_000),
    ] {
        let mut m = machine(Options {
            reconnect_after_suspend_ms: Some(limit),
            stable_after_ms: 0,
            ..Options::default()
        });
        start_open(&mut m, 0);
        assert_eq!(m.poll_timeout(), Some(period), "limit {limit}");
    }
}

#[test]
fn resuming_while_a_retry_waits_attempts_at_once_afresh() {
    let mut m = machine(Options::default());
    m.handle_start(0);
    let socket = m.socket().unwrap();
    m.handle_socket_close(10, socket, 1006, "", false);
    drain(&mut m);
    assert_eq!(m.state(), State::Reconnecting);
    m.handle_resume(20, 5, false);
    assert_eq!((m.state(), m.retries()), (State::Connecting, 0));
}

#[test]
fn a_handshake_that_lived_through_a_pause_gets_a_fresh_connect_timeout() {
    let mut m = machine(Options::default());
    m.handle_start(0);
    m.handle_timeout(30_000); // due at 10 000: the page was stopped
    assert_eq!(m.state(), State::Connecting);
    assert_eq!(m.poll_timeout(), Some(40_000));
}

#[test]
fn the_session_diagnoses_a_suspension_without_a_warning() {
    let mut s: Session<Msg> = Session::new(Options::default(), 1, false, "ws://h/ws".into());
    s.start(0, true);
    while s.poll_action().is_some() {}
    let socket = s.machine().socket().unwrap();
    s.socket_opened(10, socket);
    s.page(10_000, PageFact::LeftForCache);
    s.page(60_000, PageFact::Shown { restored: true });
    while s.poll_action().is_some() {}
    let diagnosis = std::iter::from_fn(|| s.poll_event(true)).find_map(|event| match event {
        SessionEvent::Diagnosis { diagnosis, warn } => Some((diagnosis, warn)),
        _ => None,
    });
    let (diagnosis, warn) = diagnosis.expect("a diagnosis");
    assert_eq!(diagnosis.kind, Kind::Suspended);
    assert_eq!(diagnosis.kind.as_str(), "suspended");
    assert_eq!(
        (diagnosis.code, diagnosis.retry_in_ms),
        (CLOSE_SUSPENDED, Some(0))
    );
    assert!(!warn && !diagnosis.is_failure());
    assert!(diagnosis.summary.contains("not running"));
}
