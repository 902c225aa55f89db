//! Host tests of the connection machine's rules, one scenario each, on simulated time.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::buffer::SendRefusal;
use wsguard::core::machine::{
    Action, CloseCause, CloseError, CloseInfo, Event, Machine, SocketAction, SocketId, State,
    CLOSE_CONNECT_TIMEOUT, CLOSE_GRACE_MS, CLOSE_HEARTBEAT_TIMEOUT, CLOSE_RECONNECT,
};
use wsguard::core::options::{Heartbeat, Options};

type Msg = u32;

fn machine(options: Options) -> Machine<Msg> {
    Machine::new(options, 0xC0FFEE)
}

fn drain(m: &mut Machine<Msg>) -> Vec<Action<Msg>> {
    std::iter::from_fn(|| m.poll_action()).collect()
}

fn opened(actions: &[Action<Msg>]) -> Option<(SocketId, u32)> {
    actions.iter().find_map(|a| match a {
        Action::Socket(SocketAction::Open { socket, attempt }) => Some((*socket, *attempt)),
        _ => None,
    })
}

fn close_info(actions: &[Action<Msg>]) -> CloseInfo {
    actions
        .iter()
        .find_map(|a| match a {
            Action::Emit(Event::Close(info)) => Some(info.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no close event in {actions:?}"))
}

fn sent(actions: &[Action<Msg>]) -> Vec<Msg> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Socket(SocketAction::Send { message, .. }) => Some(*message),
            _ => None,
        })
        .collect()
}

fn reconnecting(actions: &[Action<Msg>]) -> Option<(u32, u64)> {
    actions.iter().find_map(|a| match a {
        Action::Emit(Event::Reconnecting { attempt, delay_ms }) => Some((*attempt, *delay_ms)),
        _ => None,
    })
}

/// Starts `m` at `now` and returns its first socket.
fn start(m: &mut Machine<Msg>, now: u64) -> SocketId {
    m.handle_start(now);
    let (socket, attempt) = opened(&drain(m)).expect("an open action");
    assert_eq!(attempt, 0);
    socket
}

/// Starts and opens `m` at `now`.
fn start_open(m: &mut Machine<Msg>, now: u64) -> SocketId {
    let socket = start(m, now);
    m.handle_socket_open(now, socket);
    drain(m);
    socket
}

/// Fires the pending timer and returns the actions.
fn fire(m: &mut Machine<Msg>) -> (u64, Vec<Action<Msg>>) {
    let at = m.poll_timeout().expect("a timer");
    m.handle_timeout(at);
    (at, drain(m))
}

#[test]
fn start_then_open_then_state_events() {
    let mut m = machine(Options::default());
    m.handle_start(0);
    let actions = drain(&mut m);
    assert_eq!(
        actions[0],
        Action::Emit(Event::StateChange {
            from: State::Idle,
            to: State::Connecting
        })
    );
    let (socket, _) = opened(&actions).unwrap();
    m.handle_socket_open(25, socket);
    let actions = drain(&mut m);
    assert!(actions.contains(&Action::Emit(Event::Open { socket, attempt: 0 })));
    assert_eq!(m.state(), State::Open);
    m.handle_start(30);
    assert!(drain(&mut m).is_empty(), "a second start is ignored");
}

#[test]
fn queue_flushes_in_order_once_on_open() {
    let mut m = machine(Options::default());
    for n in 1..=3 {
        m.handle_send(0, n, 10).unwrap();
    }
    let socket = start(&mut m, 0);
    m.handle_send(1, 4, 10).unwrap();
    assert_eq!(m.buffered_messages(), 4);
    m.handle_socket_open(2, socket);
    assert_eq!(sent(&drain(&mut m)), [1, 2, 3, 4]);
    assert_eq!((m.buffered_messages(), m.buffered_bytes()), (0, 0));
    m.handle_send(3, 5, 10).unwrap();
    assert_eq!(sent(&drain(&mut m)), [5]);
}

#[test]
fn reentrant_send_while_flushing_follows_the_queue() {
    let mut m = machine(Options::default());
    m.handle_send(0, 1, 1).unwrap();
    m.handle_send(0, 2, 1).unwrap();
    let socket = start(&mut m, 0);
    m.handle_socket_open(5, socket);
    let mut order = Vec::new();
    while let Some(action) = m.poll_action() {
        match action {
            // A user's `onopen` (and a `statechange` listener) sending at once.
            Action::Emit(Event::Open { .. }) => m.handle_send(5, 3, 1).unwrap(),
            Action::Emit(Event::StateChange {
                to: State::Open, ..
            }) => m.handle_send(5, 4, 1).unwrap(),
            Action::Socket(SocketAction::Send { message, .. }) => order.push(message),
            _ => {}
        }
    }
    assert_eq!(order, [1, 2, 4, 3]);
}

#[test]
fn buffer_limit_by_count_hands_the_message_back() {
    let mut m = machine(Options {
        max_buffered_messages: 2,
        ..Options::default()
    });
    m.handle_send(0, 1, 1).unwrap();
    m.handle_send(0, 2, 1).unwrap();
    let err = m.handle_send(0, 3, 1).unwrap_err();
    assert_eq!(err.refusal, SendRefusal::TooManyMessages { limit: 2 });
    assert_eq!(err.into_message(), 3);
    assert_eq!(m.buffered_messages(), 2);
}

#[test]
fn buffer_limit_by_bytes() {
    let mut m = machine(Options {
        max_buffered_bytes: 100,
        ..Options::default()
    });
    m.handle_send(0, 1, 60).unwrap();
    let err = m.handle_send(0, 2, 41).unwrap_err();
    assert_eq!(
        err.refusal,
        SendRefusal::TooManyBytes {
            limit: 100,
            queued: 60,
            size: 41
        }
    );
    m.handle_send(0, 3, 40).unwrap();
    assert_eq!(m.buffered_bytes(), 100);
    let err = m.handle_send(0, 4, u64::MAX).unwrap_err();
    assert!(matches!(err.refusal, SendRefusal::TooManyBytes { .. }));
}

#[test]
fn zero_limits_disable_buffering_but_not_sending() {
    for options in [
        Options {
            max_buffered_messages: 0,
            ..Options::default()
        },
        Options {
            max_buffered_bytes: 0,
            ..Options::default()
        },
    ] {
        let mut m = machine(options);
        let err = m.handle_send(0, 1, 1).unwrap_err();
        assert_eq!(err.refusal, SendRefusal::BufferingDisabled);
        start_open(&mut m, 0);
        m.handle_send(1, 2, 1_000_000).unwrap();
        assert_eq!(sent(&drain(&mut m)), [2]);
    }
}

#[test]
fn failed_attempts_back_off_within_the_ceilings() {
    let mut m = machine(Options::default());
    let mut socket = start(&mut m, 0);
    let mut now = 0;
    for retry in 1..=8u32 {
        m.handle_socket_error(now + 5, socket);
        m.handle_socket_close(now + 5, socket, 1006, "", false);
        let actions = drain(&mut m);
        let info = close_info(&actions);
        assert!(info.errored && !info.was_open && info.will_retry);
        assert_eq!(info.attempt, retry - 1);
        let (attempt, delay) = reconnecting(&actions).unwrap();
        assert_eq!(attempt, retry);
        assert_eq!(info.retry_in_ms, Some(delay));
        let ceiling = (1000u64 << (retry - 1)).min(30_000);
        assert!(delay <= ceiling, "retry {retry}: {delay} > {ceiling}");
        assert_eq!(m.state(), State::Reconnecting);
        assert_eq!(m.poll_timeout(), Some(now + 5 + delay));
        let (at, actions) = fire(&mut m);
        let (next, attempt) = opened(&actions).unwrap();
        assert_eq!(attempt, retry);
        assert!(next > socket);
        socket = next;
        now = at;
    }
}

#[test]
fn open_failed_counts_as_a_failed_attempt() {
    let mut m = machine(Options {
        max_retries: Some(1),
        ..Options::default()
    });
    let socket = start(&mut m, 0);
    m.handle_open_failed(0, socket);
    let info = close_info(&drain(&mut m));
    assert_eq!((info.cause, info.code), (CloseCause::OpenFailed, 1006));
    let (_, actions) = fire(&mut m);
    let (socket, attempt) = opened(&actions).unwrap();
    assert_eq!(attempt, 1);
    m.handle_open_failed(2000, socket);
    assert!(!close_info(&drain(&mut m)).will_retry);
    assert_eq!(m.state(), State::Closed);
}

#[test]
fn stale_socket_ids_are_ignored() {
    let mut m = machine(Options::default());
    let old = start_open(&mut m, 0);
    m.handle_reconnect(10);
    let actions = drain(&mut m);
    let (new, _) = opened(&actions).unwrap();
    assert_ne!(old, new);
    m.handle_socket_open(11, old);
    m.handle_inbound(11, old);
    m.handle_socket_error(11, old);
    m.handle_socket_close(12, old, 1000, "", true);
    m.handle_open_failed(12, old);
    assert!(drain(&mut m).is_empty());
    assert_eq!((m.state(), m.socket()), (State::Connecting, Some(new)));
}

#[test]
fn connect_timeout_closes_and_counts_as_failed() {
    let mut m = machine(Options::default());
    let socket = start(&mut m, 100);
    m.handle_timeout(10_099);
    assert!(drain(&mut m).is_empty(), "an early timeout is a no-op");
    let (at, actions) = fire(&mut m);
    assert_eq!(at, 10_100);
    assert!(actions.contains(&Action::Socket(SocketAction::Close {
        socket,
        code: CLOSE_CONNECT_TIMEOUT,
        reason: "wsguard: connect timeout".to_string()
    })));
    let info = close_info(&actions);
    assert_eq!(info.cause, CloseCause::ConnectTimeout);
    assert_eq!(info.lifetime_ms, 10_000);
    assert_eq!(reconnecting(&actions).map(|r| r.0), Some(1));
    assert_eq!(m.socket(), None);
}

#[test]
fn zero_connect_timeout_leaves_it_to_the_browser() {
    let mut m = machine(Options {
        connect_timeout_ms: 0,
        ..Options::default()
    });
    start(&mut m, 0);
    assert_eq!(m.poll_timeout(), None);
}

#[test]
fn spurious_timeouts_do_nothing() {
    let mut m = machine(Options::default());
    m.handle_timeout(1_000_000);
    assert!(drain(&mut m).is_empty());
    start_open(&mut m, 0);
    m.handle_timeout(1);
    assert!(drain(&mut m).is_empty());
}

#[test]
fn backoff_resets_only_after_a_stable_connection() {
    let mut m = machine(Options {
        jitter: wsguard::core::backoff::Jitter::None,
        ..Options::default()
    });
    let socket = start_open(&mut m, 0);
    // Open 4.9 s: not stable; the retry count keeps growing.
    m.handle_socket_close(4900, socket, 1006, "", false);
    assert_eq!(reconnecting(&drain(&mut m)), Some((1, 1000)));
    let (at, actions) = fire(&mut m);
    let (socket, _) = opened(&actions).unwrap();
    m.handle_socket_open(at, socket);
    drain(&mut m);
    m.handle_socket_close(at + 4999, socket, 1006, "", false);
    assert_eq!(reconnecting(&drain(&mut m)), Some((2, 2000)));
    // Open 5 s: stable; the next loss starts over.
    let (at, actions) = fire(&mut m);
    let (socket, _) = opened(&actions).unwrap();
    m.handle_socket_open(at, socket);
    drain(&mut m);
    m.handle_timeout(at + 5000);
    assert_eq!(m.retries(), 0);
    m.handle_socket_close(at + 6000, socket, 1006, "", false);
    let actions = drain(&mut m);
    assert_eq!(reconnecting(&actions), Some((1, 1000)));
    assert_eq!(close_info(&actions).open_for_ms, 6000);
}

#[test]
fn fatal_codes_close_for_good() {
    for code in [1002, 1003, 1007, 1008, 1009, 1010] {
        let mut m = machine(Options::default());
        let socket = start_open(&mut m, 0);
        m.handle_send(1, 7, 1).unwrap();
        m.handle_socket_close(10, socket, code, "no", true);
        let actions = drain(&mut m);
        let info = close_info(&actions);
        assert!(!info.will_retry && info.retry_in_ms.is_none());
        assert_eq!(m.state(), State::Closed);
        assert_eq!(m.poll_timeout(), None);
        assert_eq!(reconnecting(&actions), None);
    }
    let mut m = machine(Options {
        fatal_codes: vec![4001],
        ..Options::default()
    });
    let socket = start_open(&mut m, 0);
    m.handle_socket_close(10, socket, 4001, "banned", true);
    drain(&mut m);
    assert_eq!(m.state(), State::Closed);
    for code in [1000, 1001, 1006, 1011, 4000] {
        let mut m = machine(Options::default());
        let socket = start_open(&mut m, 0);
        m.handle_socket_close(10, socket, code, "", false);
        drain(&mut m);
        assert_eq!(m.state(), State::Reconnecting, "code {code}");
    }
}

#[test]
fn max_retries_zero_never_reconnects() {
    let mut m = machine(Options {
        max_retries: Some(0),
        ..Options::default()
    });
    let socket = start_open(&mut m, 0);
    m.handle_timeout(10_000); // stable
    m.handle_socket_close(20_000, socket, 1006, "", false);
    let info = close_info(&drain(&mut m));
    assert!(!info.will_retry);
    assert_eq!(m.state(), State::Closed);
    m.handle_online(20_001);
    m.handle_resume(20_002, 0, false);
    assert!(drain(&mut m).is_empty());
}

#[test]
fn max_retries_bounds_the_attempts() {
    let mut m = machine(Options {
        max_retries: Some(3),
        ..Options::default()
    });
    let mut socket = start(&mut m, 0);
    let mut attempts = vec![0];
    while m.state() != State::Closed {
        m.handle_socket_close(m.poll_timeout().unwrap_or(0), socket, 1006, "", false);
        if drain(&mut m).iter().any(|a| {
            *a == Action::Emit(Event::StateChange {
                from: State::Connecting,
                to: State::Closed,
            })
        }) {
            break;
        }
        let (_, actions) = fire(&mut m);
        let (next, attempt) = opened(&actions).unwrap();
        attempts.push(attempt);
        socket = next;
    }
    assert_eq!(attempts, [0, 1, 2, 3]);
}

#[test]
fn retry_later_codes_wait_at_least_the_floor() {
    for code in [1012, 1013] {
        let mut m = machine(Options::default());
        let socket = start_open(&mut m, 0);
        m.handle_socket_close(10, socket, code, "restart", true);
        let (_, delay) = reconnecting(&drain(&mut m)).unwrap();
        assert!((5000..=10_000).contains(&delay), "{code}: {delay}");
    }
}

#[test]
fn offline_waits_without_spending_retries() {
    let mut m = machine(Options::default());
    let socket = start(&mut m, 0);
    m.handle_socket_close(5, socket, 1006, "", false);
    drain(&mut m);
    assert_eq!((m.state(), m.retries()), (State::Reconnecting, 1));
    m.handle_offline(10);
    assert_eq!(
        drain(&mut m),
        [Action::Emit(Event::StateChange {
            from: State::Reconnecting,
            to: State::Offline
        })]
    );
    assert_eq!(m.poll_timeout(), None);
    m.handle_timeout(1_000_000);
    m.handle_offline(1_000_001);
    assert!(drain(&mut m).is_empty());
    m.handle_online(2_000_000);
    let (socket, attempt) = opened(&drain(&mut m)).unwrap();
    assert_eq!((attempt, m.retries()), (0, 0));
    // A loss while offline: straight to Offline, no delay, no retry spent.
    m.handle_offline(2_000_001);
    m.handle_socket_close(2_000_002, socket, 1006, "", false);
    let actions = drain(&mut m);
    let info = close_info(&actions);
    assert!(info.offline && info.will_retry && info.retry_in_ms.is_none());
    assert_eq!(reconnecting(&actions), None);
    assert_eq!((m.state(), m.retries()), (State::Offline, 0));
}

#[test]
fn an_open_socket_survives_an_offline_event() {
    let mut m = machine(Options::default());
    start_open(&mut m, 0);
    m.handle_offline(10);
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.state(), State::Open);
}

#[test]
fn becoming_visible_attempts_at_once_with_a_fresh_backoff() {
    let mut m = machine(Options::default());
    let mut socket = start(&mut m, 0);
    for n in 0..4 {
        m.handle_socket_close(n * 100_000, socket, 1006, "", false);
        drain(&mut m);
        let (_, actions) = fire(&mut m);
        socket = opened(&actions).unwrap().0;
    }
    m.handle_socket_close(900_000, socket, 1006, "", false);
    drain(&mut m);
    assert_eq!(m.retries(), 5);
    m.handle_resume(900_001, 0, false);
    let (_, attempt) = opened(&drain(&mut m)).unwrap();
    assert_eq!((attempt, m.retries()), (0, 0));
    // Visible while connecting or open changes nothing.
    m.handle_resume(900_002, 0, false);
    assert!(drain(&mut m).is_empty());
}

#[test]
fn heartbeat_detects_a_dead_connection() {
    let mut m = machine(Options {
        heartbeat: Some(Heartbeat {
            interval_ms: 1000,
            message: "ping".to_string(),
            timeout_ms: 500,
        }),
        stable_after_ms: 0,
        ..Options::default()
    });
    let socket = start_open(&mut m, 0);
    assert_eq!(m.poll_timeout(), Some(1000));
    // Inbound traffic pushes the heartbeat back.
    m.handle_inbound(800, socket);
    assert_eq!(m.poll_timeout(), Some(1800));
    let (_, actions) = fire(&mut m);
    assert_eq!(
        actions,
        [Action::Socket(SocketAction::SendHeartbeat { socket })]
    );
    assert_eq!(m.poll_timeout(), Some(2300));
    // The pong arrives in time.
    m.handle_inbound(2000, socket);
    assert_eq!(m.poll_timeout(), Some(3000));
    let (_, actions) = fire(&mut m);
    assert_eq!(
        actions,
        [Action::Socket(SocketAction::SendHeartbeat { socket })]
    );
    // Silence: dead.
    let (at, actions) = fire(&mut m);
    assert_eq!(at, 3500);
    assert!(actions.contains(&Action::Socket(SocketAction::Close {
        socket,
        code: CLOSE_HEARTBEAT_TIMEOUT,
        reason: "wsguard: heartbeat timeout".to_string()
    })));
    let info = close_info(&actions);
    assert_eq!(info.cause, CloseCause::HeartbeatTimeout);
    assert_eq!((info.open_for_ms, info.idle_for_ms), (3500, 1500));
    assert_eq!(m.state(), State::Reconnecting);
}

#[test]
fn user_close_waits_for_the_socket_and_is_final() {
    let mut m = machine(Options::default());
    let socket = start_open(&mut m, 0);
    m.handle_close(100, 4000, "done").unwrap();
    let actions = drain(&mut m);
    assert!(actions.contains(&Action::Socket(SocketAction::Close {
        socket,
        code: 4000,
        reason: "done".to_string()
    })));
    assert_eq!(m.state(), State::Closing);
    assert_eq!(
        m.handle_send(101, 9, 1).unwrap_err().refusal,
        SendRefusal::Closed
    );
    m.handle_socket_close(150, socket, 4000, "done", true);
    let info = close_info(&drain(&mut m));
    assert_eq!(info.cause, CloseCause::UserClose);
    assert!(info.was_clean && !info.will_retry);
    assert_eq!(m.state(), State::Closed);
    m.handle_close(200, 1000, "").unwrap();
    m.handle_timeout(1_000_000);
    m.handle_online(1_000_000);
    m.handle_resume(1_000_000, 0, false);
    assert!(drain(&mut m).is_empty());
}

#[test]
fn user_close_gives_up_waiting_after_the_grace_period() {
    let mut m = machine(Options::default());
    start_open(&mut m, 0);
    m.handle_close(100, 1000, "").unwrap();
    drain(&mut m);
    let (at, actions) = fire(&mut m);
    assert_eq!(at, 100 + CLOSE_GRACE_MS);
    let info = close_info(&actions);
    assert!(!info.was_clean && info.cause == CloseCause::UserClose);
    assert_eq!(m.state(), State::Closed);
}

#[test]
fn user_close_while_waiting_hands_back_the_queue() {
    let mut m = machine(Options::default());
    let socket = start(&mut m, 0);
    m.handle_socket_close(5, socket, 1006, "", false);
    drain(&mut m);
    m.handle_send(6, 1, 1).unwrap();
    m.handle_send(6, 2, 1).unwrap();
    m.handle_close(7, 1000, "bye").unwrap();
    let actions = drain(&mut m);
    let unsent = actions
        .iter()
        .position(|a| *a == Action::Unsent(vec![1, 2]));
    let close = actions
        .iter()
        .position(|a| matches!(a, Action::Emit(Event::Close(_))));
    assert!(unsent.is_some() && unsent < close, "{actions:?}");
    assert_eq!(close_info(&actions).socket, None);
    assert_eq!(m.buffered_messages(), 0);
}

#[test]
fn a_fatal_close_hands_back_the_queue() {
    let mut m = machine(Options::default());
    let socket = start(&mut m, 0);
    m.handle_send(1, 5, 1).unwrap();
    m.handle_socket_close(2, socket, 1008, "", true);
    assert!(drain(&mut m).contains(&Action::Unsent(vec![5])));
}

#[test]
fn close_arguments_are_checked_like_the_browser() {
    let mut m = machine(Options::default());
    assert_eq!(
        m.handle_close(0, 1001, ""),
        Err(CloseError::InvalidCode(1001))
    );
    assert_eq!(
        m.handle_close(0, 5000, ""),
        Err(CloseError::InvalidCode(5000))
    );
    let long = "é".repeat(62);
    assert_eq!(
        m.handle_close(0, 1000, &long),
        Err(CloseError::ReasonTooLong { bytes: 124 })
    );
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.state(), State::Idle);
    assert!(m.handle_close(0, 3000, &"é".repeat(61)).is_ok());
    assert_eq!(m.state(), State::Closed);
}

#[test]
fn refusal_messages_in_full() {
    let cases = [
        (
            CloseError::InvalidCode(1001).message(),
            "wsguard: close() code 1001 is not allowed; use 1000 or 3000-4999",
        ),
        (
            CloseError::ReasonTooLong { bytes: 124 }.message(),
            "wsguard: close() reason is 124 bytes long; at most 123 UTF-8 bytes are allowed",
        ),
        (
            SendRefusal::Closed.message(),
            "wsguard: send() after the client was closed",
        ),
        (
            SendRefusal::BufferingDisabled.message(),
            "wsguard: send() while not connected, and buffering is off (`max_buffered_messages` or `max_buffered_bytes` is 0)",
        ),
        (
            SendRefusal::TooManyMessages { limit: 1000 }.message(),
            "wsguard: send() while not connected, and the buffer already holds `max_buffered_messages` (1000) messages",
        ),
        (
            SendRefusal::TooManyBytes {
                limit: 1_048_576,
                queued: 1_048_000,
                size: 4096,
            }
            .message(),
            "wsguard: send() while not connected: a message of 4096 bytes does not fit the buffer (1048000 of `max_buffered_bytes` 1048576 used)",
        ),
    ];
    for (message, text) in cases {
        assert_eq!(message, text);
    }
    assert_eq!(
        CloseError::InvalidCode(0).to_string(),
        CloseError::InvalidCode(0).message()
    );
    let refusal = SendRefusal::TooManyBytes {
        limit: u64::MAX,
        queued: 0,
        size: u64::MAX,
    };
    assert_eq!(refusal.to_string(), refusal.message());
    assert!(refusal.message().contains("18446744073709551615"));
    let err = wsguard::core::buffer::SendError {
        refusal,
        message: (),
    };
    assert_eq!(err.to_string(), refusal.message());
}

#[test]
fn reconnect_replaces_the_socket_at_once() {
    let mut m = machine(Options::default());
    let old = start_open(&mut m, 0);
    m.handle_reconnect(50);
    let actions = drain(&mut m);
    assert!(actions.contains(&Action::Socket(SocketAction::Close {
        socket: old,
        code: CLOSE_RECONNECT,
        reason: "wsguard: reconnect".to_string()
    })));
    let info = close_info(&actions);
    assert_eq!(info.cause, CloseCause::UserReconnect);
    assert_eq!(info.retry_in_ms, Some(0));
    let close_at = actions
        .iter()
        .position(|a| matches!(a, Action::Socket(SocketAction::Close { .. })));
    let open_at = actions
        .iter()
        .position(|a| matches!(a, Action::Socket(SocketAction::Open { .. })));
    assert!(close_at < open_at, "closes the old one first: {actions:?}");
    assert_eq!(opened(&actions).map(|o| o.1), Some(0));
}

#[test]
fn reconnect_revives_a_closed_client() {
    let mut m = machine(Options::default());
    let socket = start_open(&mut m, 0);
    m.handle_socket_close(10, socket, 1008, "", true);
    drain(&mut m);
    assert_eq!(m.state(), State::Closed);
    m.handle_send(11, 1, 1).unwrap_err();
    m.handle_reconnect(20);
    let (socket, attempt) = opened(&drain(&mut m)).unwrap();
    assert_eq!(attempt, 0);
    m.handle_send(21, 2, 1).unwrap();
    m.handle_socket_open(22, socket);
    assert_eq!(sent(&drain(&mut m)), [2]);
}

#[test]
fn reconnect_while_closing_forgets_the_closing_socket() {
    let mut m = machine(Options::default());
    let old = start_open(&mut m, 0);
    m.handle_close(10, 1000, "").unwrap();
    drain(&mut m);
    m.handle_reconnect(20);
    let actions = drain(&mut m);
    assert!(!actions
        .iter()
        .any(|a| matches!(a, Action::Socket(SocketAction::Close { .. }))));
    assert!(opened(&actions).is_some());
    m.handle_socket_close(30, old, 1000, "", true);
    assert!(drain(&mut m).is_empty());
    assert_eq!(m.state(), State::Connecting);
}

#[test]
fn close_facts_for_a_diagnosis() {
    let mut m = machine(Options::default());
    let socket = start(&mut m, 1000);
    m.handle_socket_open(1200, socket);
    m.handle_inbound(3000, socket);
    m.handle_offline(3500);
    drain(&mut m);
    m.handle_socket_close(4000, socket, 1001, "going away", true);
    let info = close_info(&drain(&mut m));
    assert_eq!(
        info,
        CloseInfo {
            socket: Some(socket),
            code: 1001,
            reason: "going away".to_string(),
            was_clean: true,
            cause: CloseCause::Socket,
            was_open: true,
            open_for_ms: 2800,
            idle_for_ms: 1000,
            lifetime_ms: 3000,
            attempt: 0,
            will_retry: true,
            retry_in_ms: None,
            offline: true,
            errored: false,
        }
    );
}

#[test]
fn time_never_runs_backwards() {
    let mut m = machine(Options::default());
    let socket = start(&mut m, 5000);
    m.handle_socket_close(10, socket, 1006, "", false);
    let info = close_info(&drain(&mut m));
    assert_eq!(info.lifetime_ms, 0);
    assert!(m.poll_timeout().unwrap() >= 5000);
}
