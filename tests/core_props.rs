//! Property tests of the connection machine: arbitrary options and arbitrary sequences of
//! inputs and clock advances (10,000 sequences of up to 60 steps), checked against the
//! machine's invariants after every step.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use proptest::prelude::*;
use wsguard::core::backoff::{Jitter, RETRY_LATER_FLOOR_MS};
use wsguard::core::machine::{Action, CloseCause, Event, Machine, SocketAction, SocketId, State};
use wsguard::core::options::{Heartbeat, Options};

/// One input to the machine, or a clock advance.
#[derive(Clone, Debug)]
enum Step {
    Advance(u64),
    FireTimer,
    Start,
    Opened { send_from_onopen: bool },
    Message,
    Error,
    Closed { code: u16, was_clean: bool },
    OpenFailed,
    StaleClosed,
    Send { size: u64 },
    UserClose,
    Reconnect,
    Online,
    Offline,
    Visible,
}

/// Decodes a step from two raw numbers: generating plain integers keeps 10,000 debug-build
/// cases fast, where nested strategies would dominate the run time.
fn decode(kind: u8, value: u32) -> Step {
    const CODES: [u16; 8] = [1000, 1001, 1006, 1008, 1011, 1012, 1013, 4000];
    let flag = value & 1 == 1;
    match kind % 30 {
        0..=3 => Step::Advance(u64::from(value % 40_000)),
        4..=7 => Step::FireTimer,
        8 => Step::Start,
        9..=11 => Step::Opened {
            send_from_onopen: flag,
        },
        12 | 13 => Step::Message,
        14 => Step::Error,
        15..=17 => Step::Closed {
            code: CODES[(value >> 1) as usize % CODES.len()],
            was_clean: flag,
        },
        18 => Step::OpenFailed,
        19 => Step::StaleClosed,
        20..=23 => Step::Send {
            size: u64::from(value % 40),
        },
        24 => Step::UserClose,
        25 => Step::Reconnect,
        26 => Step::Online,
        27 => Step::Offline,
        _ => Step::Visible,
    }
}

fn steps() -> impl Strategy<Value = Vec<Step>> {
    prop::collection::vec((any::<u8>(), any::<u32>()), 1..60)
        .prop_map(|raw| raw.into_iter().map(|(k, v)| decode(k, v)).collect())
}

/// Decodes options from raw numbers, for the same reason as [`decode`].
fn options() -> impl Strategy<Value = Options> {
    any::<[u32; 8]>().prop_map(|r| Options {
        min_delay_ms: u64::from(r[0] % 3000),
        max_delay_ms: u64::from(r[0] % 3000 + r[1] % 40_000),
        factor: 1.0 + f64::from(r[2] % 2000) / 1000.0,
        jitter: [Jitter::Full, Jitter::Equal, Jitter::None][(r[2] >> 16) as usize % 3],
        max_retries: (r[3] % 6 != 5).then_some(r[3] % 6),
        connect_timeout_ms: u64::from(r[4] % 20_000),
        stable_after_ms: u64::from(r[5] % 10_000),
        max_buffered_messages: r[6] % 5,
        max_buffered_bytes: u64::from((r[6] >> 8) % 64),
        heartbeat: (r[7] % 2 == 0).then(|| Heartbeat {
            interval_ms: u64::from(1 + (r[7] >> 1) % 5000),
            message: "ping".to_string(),
            timeout_ms: u64::from(1 + (r[7] >> 16) % 3000),
        }),
        ..Options::default()
    })
}

/// The browser and the user around the machine, recording what it did.
struct World {
    machine: Machine<u64>,
    options: Options,
    now: u64,
    /// Sockets the machine opened and neither it nor the browser closed.
    alive: BTreeSet<SocketId>,
    /// Every socket ever opened, oldest first.
    opened: Vec<SocketId>,
    next_message: u64,
    accepted: u64,
    delivered: Vec<u64>,
}

impl World {
    fn new(options: Options, seed: u64) -> Self {
        Self {
            machine: Machine::new(options.clone(), seed),
            options,
            now: 0,
            alive: BTreeSet::new(),
            opened: Vec::new(),
            next_message: 0,
            accepted: 0,
            delivered: Vec::new(),
        }
    }

    fn send(&mut self) -> Result<(), TestCaseError> {
        self.send_sized(1)
    }

    fn send_sized(&mut self, size: u64) -> Result<(), TestCaseError> {
        let message = self.next_message;
        self.next_message += 1;
        match self.machine.handle_send(self.now, message, size) {
            Ok(()) => self.accepted += 1,
            Err(err) => prop_assert_eq!(err.into_message(), message),
        }
        Ok(())
    }

    /// The socket the browser would report on: the newest one.
    fn current(&self) -> Option<SocketId> {
        self.opened.last().copied()
    }

    fn apply(&mut self, step: &Step) -> Result<(), TestCaseError> {
        let was_closed = self.machine.state() == State::Closed;
        let mut send_from_onopen = false;
        match *step {
            Step::Advance(ms) => {
                self.now += ms;
                self.machine.handle_timeout(self.now);
            }
            Step::FireTimer => {
                if let Some(at) = self.machine.poll_timeout() {
                    prop_assert!(
                        at >= self.now,
                        "a deadline in the past: {} < {}",
                        at,
                        self.now
                    );
                    self.now = at;
                    self.machine.handle_timeout(at);
                }
            }
            Step::Start => self.machine.handle_start(self.now),
            Step::Opened {
                send_from_onopen: s,
            } => {
                send_from_onopen = s;
                if let Some(id) = self.current().filter(|id| self.alive.contains(id)) {
                    self.machine.handle_socket_open(self.now, id);
                }
            }
            Step::Message => {
                if let Some(id) = self.current() {
                    self.machine.handle_inbound(self.now, id);
                }
            }
            Step::Error => {
                if let Some(id) = self.current() {
                    self.machine.handle_socket_error(self.now, id);
                }
            }
            Step::Closed { code, was_clean } => {
                if let Some(id) = self.current() {
                    self.alive.remove(&id);
                    self.machine
                        .handle_socket_close(self.now, id, code, "", was_clean);
                }
            }
            Step::OpenFailed => {
                if let Some(id) = self.current().filter(|id| self.alive.contains(id)) {
                    self.alive.remove(&id);
                    self.machine.handle_open_failed(self.now, id);
                }
            }
            Step::StaleClosed => {
                if let Some(id) = self.opened.iter().rev().nth(1).copied() {
                    self.machine
                        .handle_socket_close(self.now, id, 1006, "", false);
                }
            }
            Step::Send { size } => self.send_sized(size)?,
            Step::UserClose => {
                prop_assert!(self.machine.handle_close(self.now, 1000, "bye").is_ok());
            }
            Step::Reconnect => self.machine.handle_reconnect(self.now),
            Step::Online => self.machine.handle_online(self.now),
            Step::Offline => self.machine.handle_offline(self.now),
            Step::Visible => self.machine.handle_resume(self.now, 0, false),
        }
        let revived = matches!(step, Step::Reconnect);
        let mut acted = false;
        while let Some(action) = self.machine.poll_action() {
            acted = true;
            if let Action::Emit(Event::Open { .. }) = action {
                if send_from_onopen {
                    self.send()?;
                }
            }
            self.check(action)?;
        }
        prop_assert!(
            !(was_closed && !revived && acted),
            "an action after the final close on {:?}",
            step
        );
        Ok(())
    }

    fn check(&mut self, action: Action<u64>) -> Result<(), TestCaseError> {
        let max_delay = self.options.max_delay_ms;
        match action {
            Action::Socket(SocketAction::Open { socket, attempt }) => {
                prop_assert!(
                    self.alive.is_empty(),
                    "a second socket alive: {:?}",
                    self.alive
                );
                prop_assert!(self.opened.last().is_none_or(|last| *last < socket));
                self.alive.insert(socket);
                self.opened.push(socket);
                if let Some(max) = self.options.max_retries {
                    prop_assert!(attempt <= max, "attempt {} > maxRetries {}", attempt, max);
                }
            }
            Action::Socket(SocketAction::Close { socket, code, .. }) => {
                prop_assert!(code == 1000 || (3000..=4999).contains(&code));
                self.alive.remove(&socket);
            }
            Action::Socket(SocketAction::Send { socket, message }) => {
                prop_assert!(self.alive.contains(&socket));
                self.deliver(message)?;
            }
            Action::Socket(SocketAction::SendHeartbeat { socket }) => {
                prop_assert!(self.options.heartbeat.is_some());
                prop_assert!(self.alive.contains(&socket));
            }
            Action::Unsent(messages) => {
                prop_assert!(!messages.is_empty());
                prop_assert_eq!(self.machine.state(), State::Closed);
                for message in messages {
                    self.deliver(message)?;
                }
            }
            Action::Emit(Event::Reconnecting { delay_ms, .. }) => {
                prop_assert!(delay_ms <= max_delay, "delay {} > {}", delay_ms, max_delay);
            }
            Action::Emit(Event::Close(info)) => {
                if let Some(delay) = info.retry_in_ms {
                    prop_assert!(delay <= max_delay);
                    prop_assert!(info.will_retry);
                    let retry_later = matches!(info.code, 1012 | 1013);
                    if info.cause == CloseCause::Socket && retry_later {
                        let floor = RETRY_LATER_FLOOR_MS.min(max_delay);
                        prop_assert!(delay >= floor, "delay {} under the floor {}", delay, floor);
                    }
                }
            }
            Action::Emit(Event::Open { .. } | Event::StateChange { .. }) => {}
        }
        Ok(())
    }

    /// A message left the machine (sent or handed back): exactly once, in order.
    fn deliver(&mut self, message: u64) -> Result<(), TestCaseError> {
        prop_assert!(
            self.delivered.last().is_none_or(|last| *last < message),
            "message {} after {:?}",
            message,
            self.delivered.last()
        );
        self.delivered.push(message);
        Ok(())
    }

    fn finish(&self) -> Result<(), TestCaseError> {
        let held = self.machine.buffered_messages() as u64;
        prop_assert_eq!(self.delivered.len() as u64 + held, self.accepted);
        prop_assert!(self.alive.len() <= 1);
        if let Some(at) = self.machine.poll_timeout() {
            prop_assert!(at >= self.now);
        }
        Ok(())
    }
}

fn run(options: Options, seed: u64, steps: &[Step]) -> Result<(), TestCaseError> {
    let mut world = World::new(options, seed);
    world.machine.handle_start(0);
    world.apply(&Step::Advance(0))?;
    for step in steps {
        world.apply(step)?;
    }
    world.finish()
}

proptest! {
    /// The one number formatter agrees with the standard library's.
    #[test]
    fn decimal_matches_display(n in any::<u64>(), small in 0u64..1000) {
        prop_assert_eq!(wsguard::core::text::decimal(n), n.to_string());
        prop_assert_eq!(wsguard::core::text::decimal(small), small.to_string());
    }
}

proptest! {
    // Two properties of 5,000 sequences each (10,000 in all), so that the test harness runs
    // them on two threads.
    #![proptest_config(ProptestConfig::with_cases(5_000))]

    #[test]
    fn invariants_hold_from_a_start(options in options(), seed in any::<u64>(), steps in steps()) {
        run(options, seed, &steps)?;
    }

    #[test]
    fn invariants_hold_with_messages_queued_first(
        options in options(),
        seed in any::<u64>(),
        steps in steps(),
    ) {
        let queued: Vec<Step> = (0..3).map(|size| Step::Send { size }).collect();
        run(options, seed, &[queued, steps].concat())?;
    }
}
