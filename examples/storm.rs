//! Reconnect storm: 100,000 clients lose their connection at t = 0 and the server stays down
//! for 10 s (an attempt before then is refused after 5 ms); then it accepts everyone (the
//! handshake takes 5 ms).
//!
//! wsguard runs its real [`Machine`] with the default options on simulated time, each client
//! seeded differently. The other libraries follow their documented default formulas:
//!
//! - socket.io-client: `1000 · 2^n`, ± up to 50 % (one `Math.random()` draws both the size and
//!   the sign), capped at 5000 after the jitter;
//! - reconnecting-websocket and partysocket: `min · 1.3^n`, capped at 10000, where
//!   `min = 1000 + 4000 · Math.random()` is drawn once when the module loads, i.e. once per
//!   page load, modelled here as once per client; no per-attempt jitter;
//! - sockette: a fixed 1000 ms;
//! - Phoenix: 10, 50, 100, 150, 200, 250, 500, 1000, 2000 ms, then 5000 ms.
//!
//! `cargo run --release --example storm`; the table is in `docs/storm.md`.

use wsguard::core::backoff::Rng;
use wsguard::core::machine::{Action, Machine, Millis, SocketAction};
use wsguard::core::options::Options;

const CLIENTS: usize = 100_000;
/// How long the server stays down after dropping everyone at t = 0.
const DOWN_MS: Millis = 10_000;
/// How long a refused attempt takes to fail, and an accepted one to open.
const ATTEMPT_MS: Millis = 5;
const WINDOW_MS: usize = 100;

/// What one client did after the drop, in ms since the drop.
struct Client {
    attempts: Vec<Millis>,
    reconnected: Millis,
}

/// One library's storm.
struct Storm {
    name: &'static str,
    attempts: Vec<Millis>,
    first_attempts: Vec<Millis>,
    reconnected: Vec<Millis>,
}

impl Storm {
    fn new(name: &'static str, clients: impl Iterator<Item = Client>) -> Self {
        let mut storm = Self {
            name,
            attempts: Vec::new(),
            first_attempts: Vec::new(),
            reconnected: Vec::new(),
        };
        for client in clients {
            storm.first_attempts.extend(client.attempts.first());
            storm.attempts.extend(&client.attempts);
            storm.reconnected.push(client.reconnected);
        }
        storm.first_attempts.sort_unstable();
        storm.reconnected.sort_unstable();
        storm
    }

    fn peak_fraction(times: &[Millis]) -> f64 {
        let end = times.iter().max().map_or(0, |t| *t as usize + 1);
        let mut per_ms = vec![0u32; end + WINDOW_MS];
        for t in times {
            per_ms[*t as usize] += 1;
        }
        let mut in_window: u64 = per_ms[..WINDOW_MS].iter().map(|n| u64::from(*n)).sum();
        let mut peak = in_window;
        for start in 1..end {
            in_window += u64::from(per_ms[start + WINDOW_MS - 1]);
            in_window -= u64::from(per_ms[start - 1]);
            peak = peak.max(in_window);
        }
        peak as f64 / CLIENTS as f64
    }

    /// The table row, and the peak (all attempts) and median first attempt for the summary
    /// line.
    fn row(&self) -> (String, f64, f64) {
        let peak = Self::peak_fraction(&self.attempts);
        let peak_first = Self::peak_fraction(&self.first_attempts);
        let median_first = percentile(&self.first_attempts, 0.5) as f64;
        let ratio = peak * median_first / 50.0;
        let row = format!(
            "| {} | {:.3} | {:.3} | {} | {} | {} | {} | {:.2} | {:.2} |",
            self.name,
            peak,
            peak_first,
            percentile(&self.reconnected, 0.5),
            percentile(&self.reconnected, 0.99),
            median_first,
            self.attempts.len(),
            ratio,
            peak_first * median_first / 50.0,
        );
        (row, peak, median_first)
    }
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[Millis], p: f64) -> Millis {
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// A client of a library whose n-th retry (from 0) waits `delay(n, rng)` ms.
fn formula_client(rng: &mut Rng, mut delay: impl FnMut(u32, &mut Rng) -> f64) -> Client {
    let mut attempts = Vec::new();
    let mut t = 0.0;
    for n in 0.. {
        t += delay(n, rng);
        let at = t as Millis;
        attempts.push(at);
        if at >= DOWN_MS {
            break;
        }
        t += ATTEMPT_MS as f64;
    }
    let reconnected = attempts.last().map_or(0, |at| at + ATTEMPT_MS);
    Client {
        attempts,
        reconnected,
    }
}

/// `Math.random()`.
fn random(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// A wsguard client: the real machine with default options, connected and stable before the
/// drop.
fn wsguard_client(seed: u64) -> Client {
    let mut machine: Machine<()> = Machine::new(Options::default(), seed);
    // Connected at -10 s: long past `stableAfterMs`.
    let drop_at: Millis = 10_000;
    machine.handle_start(0);
    let socket = machine.socket();
    drain(&mut machine);
    if let Some(socket) = socket {
        machine.handle_socket_open(0, socket);
        machine.handle_timeout(drop_at - 1);
        drain(&mut machine);
        machine.handle_socket_close(drop_at, socket, 1006, "", false);
    }
    let mut attempts = Vec::new();
    let mut now = drop_at;
    loop {
        let opened = drain(&mut machine);
        if let Some(socket) = opened {
            attempts.push(now - drop_at);
            let refused = now - drop_at < DOWN_MS;
            now += ATTEMPT_MS;
            if refused {
                machine.handle_socket_error(now, socket);
                machine.handle_socket_close(now, socket, 1006, "", false);
            } else {
                machine.handle_socket_open(now, socket);
                return Client {
                    attempts,
                    reconnected: now - drop_at,
                };
            }
        } else {
            match machine.poll_timeout() {
                Some(at) => {
                    now = at;
                    machine.handle_timeout(at);
                }
                None => {
                    return Client {
                        attempts,
                        reconnected: Millis::MAX,
                    }
                }
            }
        }
    }
}

/// Carries out the machine's actions; returns the socket it asked to open, if any.
fn drain(machine: &mut Machine<()>) -> Option<wsguard::core::machine::SocketId> {
    let mut opened = None;
    while let Some(action) = machine.poll_action() {
        if let Action::Socket(SocketAction::Open { socket, .. }) = action {
            opened = Some(socket);
        }
    }
    opened
}

fn main() {
    let mut rng = Rng::new(0x5707_2A11);
    let storms = [
        Storm::new(
            "wsguard (defaults)",
            (0..CLIENTS as u64).map(|i| wsguard_client(i.wrapping_mul(0x9E37_79B9) ^ 0xA5A5)),
        ),
        Storm::new(
            "socket.io-client",
            (0..CLIENTS).map(|_| {
                formula_client(&mut rng, |n, rng| {
                    let ms = 1000.0 * 2f64.powi(n as i32);
                    let rand = random(rng);
                    let deviation = (rand * 0.5 * ms).floor();
                    let jittered = if ((rand * 10.0).floor() as u64) & 1 == 0 {
                        ms - deviation
                    } else {
                        ms + deviation
                    };
                    jittered.min(5000.0).floor()
                })
            }),
        ),
        Storm::new(
            "reconnecting-websocket / partysocket",
            (0..CLIENTS).map(|_| {
                let min = 1000.0 + random(&mut rng) * 4000.0;
                formula_client(&mut rng, move |n, _| {
                    (min * 1.3f64.powi(n as i32)).min(10_000.0)
                })
            }),
        ),
        Storm::new(
            "sockette",
            (0..CLIENTS).map(|_| formula_client(&mut rng, |_, _| 1000.0)),
        ),
        Storm::new(
            "Phoenix",
            (0..CLIENTS).map(|_| {
                formula_client(&mut rng, |n, _| {
                    const STEPS: [f64; 9] = [
                        10.0, 50.0, 100.0, 150.0, 200.0, 250.0, 500.0, 1000.0, 2000.0,
                    ];
                    STEPS.get(n as usize).copied().unwrap_or(5000.0)
                })
            }),
        ),
    ];
    println!(
        "{CLIENTS} clients dropped at t = 0; server down for {DOWN_MS} ms (attempts refused after {ATTEMPT_MS} ms), then up.\n"
    );
    println!("| client | peak attempts / 100 ms (all) | peak first attempts / 100 ms | median reconnected (ms) | p99 reconnected (ms) | median first attempt (ms) | total attempts | bound_ratio | bound_ratio (first attempts) |");
    println!("|---|---|---|---|---|---|---|---|---|");
    // The summary line takes wsguard's peak over all attempts (first attempts and retries
    // alike), which can only be higher than the first-attempt peak the bound is about.
    let mut summary = None;
    for storm in &storms {
        let (row, peak, median_first) = storm.row();
        println!("{row}");
        summary.get_or_insert((peak, median_first));
    }
    if let Some((peak, median_first)) = summary {
        println!(
            "storm: peak_fraction_100ms={peak:.4} median_first_attempt_ms={median_first} bound_ratio={:.3}",
            peak * median_first / 50.0
        );
    }
}
