//! Host tests of lazy inbound reporting: a driver that tells the machine about inbound
//! messages only before a timeout, an error or a close (with the latest message's time)
//! gets exactly the heartbeat sends, timeouts and close facts of a driver that reports every
//! message when it arrives.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use wsguard::core::machine::{
    Action, CloseCause, CloseInfo, Event, Machine, SocketAction, SocketId, CLOSE_HEARTBEAT_TIMEOUT,
};
use wsguard::core::options::{Heartbeat, Options};

/// How the driver reports inbound messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reporting {
    /// Every message, when it arrives.
    Eager,
    /// The latest message's time, before each timeout, error or close, when it changed.
    Lazy,
}

/// What the browser does to the socket, besides delivering messages.
#[derive(Clone, Copy, Debug)]
enum Ending {
    /// Nothing: only the heartbeat (if any) ends the socket.
    None,
    /// A close event (1006, unclean) at this time.
    Close(u64),
    /// An error event at this time, and no close event after it.
    Error(u64),
}

/// What happened, in order, with the time it happened at.
type Log = Vec<(u64, Action<()>)>;

fn options(heartbeat: Option<(u64, u64)>) -> Options {
    Options {
        heartbeat: heartbeat.map(|(interval_ms, timeout_ms)| Heartbeat {
            interval_ms,
            timeout_ms,
            ..Heartbeat::default()
        }),
        stable_after_ms: 0,
        ..Options::default()
    }
}

/// Opens a socket at 0, delivers `messages` (times, ascending) and `ending`, and runs the
/// timers until the socket ends or `until` passes. Returns every action with its time.
fn run(options: Options, messages: &[u64], ending: Ending, until: u64, how: Reporting) -> Log {
    let mut m: Machine<()> = Machine::new(options, 7);
    m.handle_start(0);
    let socket = m.socket().expect("a socket");
    m.handle_socket_open(0, socket);
    let mut log = Log::new();
    let record = |m: &mut Machine<()>, at: u64, log: &mut Log| {
        while let Some(action) = m.poll_action() {
            log.push((at, action));
        }
    };
    record(&mut m, 0, &mut log);
    let mut next_message = 0;
    // The latest message's time as the driver knows it, and as it last reported it.
    let mut seen: Option<u64> = None;
    let mut reported: Option<u64> = None;
    let mut report = |m: &mut Machine<()>, seen: Option<u64>, socket: SocketId| {
        if let Some(at) = seen.filter(|at| Some(*at) != reported) {
            m.handle_inbound(at, socket);
            reported = Some(at);
        }
    };
    let (mut close_at, mut error_at) = match ending {
        Ending::None => (None, None),
        Ending::Close(at) => (Some(at), None),
        Ending::Error(at) => (None, Some(at)),
    };
    while m.socket() == Some(socket) {
        let message = messages.get(next_message).copied();
        let timer = m.poll_timeout();
        // At equal times: a message first, then the browser's event, then the timer.
        let next = [message, close_at, error_at, timer]
            .into_iter()
            .flatten()
            .min();
        let Some(now) = next.filter(|now| *now <= until) else {
            break;
        };
        if message == Some(now) {
            next_message += 1;
            match how {
                Reporting::Eager => m.handle_inbound(now, socket),
                Reporting::Lazy => seen = Some(now),
            }
        } else if close_at == Some(now) {
            close_at = None;
            report(&mut m, seen, socket);
            m.handle_socket_close(now, socket, 1006, "", false);
        } else if error_at == Some(now) {
            error_at = None;
            report(&mut m, seen, socket);
            m.handle_socket_error(now, socket);
        } else {
            report(&mut m, seen, socket);
            m.handle_timeout(now);
        }
        record(&mut m, now, &mut log);
    }
    log
}

/// Runs both ways, checks that they agree, and returns the log.
fn agreed(heartbeat: Option<(u64, u64)>, messages: &[u64], ending: Ending, until: u64) -> Log {
    let eager = run(
        options(heartbeat),
        messages,
        ending,
        until,
        Reporting::Eager,
    );
    let lazy = run(options(heartbeat), messages, ending, until, Reporting::Lazy);
    assert_eq!(eager, lazy, "{heartbeat:?} {messages:?} {ending:?}");
    eager
}

fn heartbeats(log: &Log) -> Vec<u64> {
    log.iter()
        .filter(|(_, a)| matches!(a, Action::Socket(SocketAction::SendHeartbeat { .. })))
        .map(|(at, _)| *at)
        .collect()
}

fn closed(log: &Log) -> (u64, CloseInfo) {
    log.iter()
        .find_map(|(at, a)| match a {
            Action::Emit(Event::Close(info)) => Some((*at, info.clone())),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no close in {log:?}"))
}

#[test]
fn traffic_keeps_the_heartbeat_quiet_until_it_stops() {
    let log = agreed(
        Some((1000, 500)),
        &[300, 900, 1700, 2500],
        Ending::None,
        10_000,
    );
    assert_eq!(heartbeats(&log), [3500]);
    let (at, info) = closed(&log);
    assert_eq!(at, 4000);
    assert_eq!(info.cause, CloseCause::HeartbeatTimeout);
    assert_eq!(info.code, CLOSE_HEARTBEAT_TIMEOUT);
    assert_eq!((info.open_for_ms, info.idle_for_ms), (4000, 1500));
}

#[test]
fn an_answer_after_the_heartbeat_cancels_the_dead_timer() {
    // The heartbeat goes out at 1000; the answer arrives at 1200, and the lazy driver tells
    // the machine only when the dead timer fires at 1500.
    let log = agreed(Some((1000, 500)), &[1200], Ending::None, 10_000);
    assert_eq!(heartbeats(&log), [1000, 2200]);
    let (at, info) = closed(&log);
    assert_eq!((at, info.idle_for_ms), (2700, 1500));
}

#[test]
fn an_answer_is_noticed_in_time_when_the_timeout_outlasts_the_interval() {
    // Heartbeat at 1000, answered at 1100: the next one is due at 2100, long before the
    // dead timer (6000) the lazy driver would otherwise wait for.
    let log = agreed(Some((1000, 5000)), &[1100], Ending::None, 20_000);
    assert_eq!(heartbeats(&log), [1000, 2100]);
    let (at, info) = closed(&log);
    assert_eq!((at, info.idle_for_ms), (7100, 6000));
}

#[test]
fn an_answer_after_several_intervals_is_noticed_in_time() {
    // Heartbeat at 1000; no answer by 2000 or 3000; the answer at 3500 makes the next
    // heartbeat due at 4500, still before the dead timer (6000).
    let log = agreed(Some((1000, 5000)), &[3500], Ending::None, 20_000);
    assert_eq!(heartbeats(&log), [1000, 4500]);
    assert_eq!(closed(&log).0, 9500);
    // The same with the shortest interval.
    let log = agreed(Some((1, 507)), &[3], Ending::None, 20_000);
    assert_eq!(heartbeats(&log), [1, 4]);
    assert_eq!(closed(&log).0, 511);
}

#[test]
fn the_last_answer_counts_when_several_arrive() {
    let log = agreed(
        Some((1000, 5000)),
        &[1100, 1900, 2050, 2600],
        Ending::None,
        20_000,
    );
    assert_eq!(heartbeats(&log), [1000, 3600]);
    assert_eq!(closed(&log).0, 8600);
}

#[test]
fn idle_time_of_a_browser_close_counts_from_the_last_message() {
    for heartbeat in [None, Some((30_000, 10_000))] {
        let log = agreed(heartbeat, &[100, 400], Ending::Close(700), 10_000);
        let (at, info) = closed(&log);
        assert_eq!(at, 700);
        assert_eq!(info.cause, CloseCause::Socket);
        assert_eq!((info.open_for_ms, info.idle_for_ms), (700, 300));
    }
}

#[test]
fn idle_time_of_an_error_without_close_counts_from_the_last_message() {
    let log = agreed(None, &[100, 2000], Ending::Error(2500), 10_000);
    let (at, info) = closed(&log);
    assert_eq!(at, 3500); // the error grace period
    assert!(info.errored);
    assert_eq!(info.idle_for_ms, 1500);
}

#[test]
fn an_older_report_never_moves_the_last_message_back() {
    let mut m: Machine<()> = Machine::new(options(Some((1000, 500))), 7);
    m.handle_start(0);
    let socket = m.socket().unwrap();
    m.handle_socket_open(0, socket);
    m.handle_inbound(600, socket);
    m.handle_inbound(300, socket);
    m.handle_inbound(600, socket);
    assert_eq!(m.poll_timeout(), Some(1600));
    m.handle_socket_close(900, socket, 1006, "", false);
    let info = std::iter::from_fn(|| m.poll_action())
        .find_map(|a| match a {
            Action::Emit(Event::Close(info)) => Some(info),
            _ => None,
        })
        .unwrap();
    assert_eq!(info.idle_for_ms, 300);
}

#[test]
fn a_report_older_than_the_heartbeat_does_not_answer_it() {
    let mut m: Machine<()> = Machine::new(options(Some((1000, 500))), 7);
    m.handle_start(0);
    let socket = m.socket().unwrap();
    m.handle_socket_open(0, socket);
    m.handle_timeout(1000);
    assert!(std::iter::from_fn(|| m.poll_action())
        .any(|a| matches!(a, Action::Socket(SocketAction::SendHeartbeat { .. }))));
    // A message from before the heartbeat, reported late.
    m.handle_inbound(999, socket);
    assert_eq!(m.poll_timeout(), Some(1500));
    m.handle_timeout(1500);
    assert_eq!(m.socket(), None, "the heartbeat went unanswered");
}

#[test]
fn reports_before_open_or_for_another_socket_are_ignored() {
    let mut m: Machine<()> = Machine::new(options(Some((1000, 500))), 7);
    m.handle_start(0);
    let socket = m.socket().unwrap();
    m.handle_inbound(50, socket);
    m.handle_socket_open(100, socket);
    assert_eq!(m.poll_timeout(), Some(1100));
    m.handle_reconnect(200);
    let stale = socket;
    let socket = m.socket().unwrap();
    m.handle_socket_open(300, socket);
    m.handle_inbound(900, stale);
    assert_eq!(m.poll_timeout(), Some(1300));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    /// Any heartbeat, any message times, any ending: lazy reporting changes nothing.
    #[test]
    fn lazy_reporting_matches_eager_reporting(
        heartbeat in prop::option::weighted(0.9, (1u64..3000, 1u64..3000)),
        gaps in prop::collection::vec(0u64..2500, 0..30),
        ending in (0u8..3, 0u64..40_000),
    ) {
        let messages: Vec<u64> = gaps
            .iter()
            .scan(0, |at, gap| {
                *at += gap;
                Some(*at)
            })
            .collect();
        let ending = match ending {
            (0, _) => Ending::None,
            (1, at) => Ending::Close(at),
            (_, at) => Ending::Error(at),
        };
        let eager = run(options(heartbeat), &messages, ending, 60_000, Reporting::Eager);
        let lazy = run(options(heartbeat), &messages, ending, 60_000, Reporting::Lazy);
        prop_assert_eq!(eager, lazy);
    }
}
