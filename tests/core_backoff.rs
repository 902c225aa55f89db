//! Host tests of the backoff delays and the seeded random source.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::backoff::{is_retry_later, Backoff, Jitter, Rng, RETRY_LATER_FLOOR_MS};
use wsguard::core::options::Options;

fn backoff(jitter: Jitter) -> Backoff {
    Backoff::new(&Options {
        jitter,
        ..Options::default()
    })
}

fn draws(backoff: &Backoff, retry: u32, retry_later: bool) -> Vec<u64> {
    let mut rng = Rng::new(0x5EED);
    (0..20_000)
        .map(|_| backoff.delay(retry, retry_later, &mut rng))
        .collect()
}

fn mean(values: &[u64]) -> f64 {
    values.iter().sum::<u64>() as f64 / values.len() as f64
}

#[test]
fn ceiling_grows_by_factor_up_to_max() {
    let b = backoff(Jitter::None);
    let ceilings: Vec<u64> = (0..8).map(|n| b.ceiling(n)).collect();
    assert_eq!(
        ceilings,
        [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
    );
    assert_eq!(b.ceiling(u32::MAX), 30_000);
}

#[test]
fn no_jitter_is_exactly_the_ceiling() {
    let b = backoff(Jitter::None);
    assert!(draws(&b, 2, false).iter().all(|d| *d == 4000));
}

#[test]
fn full_jitter_is_uniform_from_zero() {
    let d = draws(&backoff(Jitter::Full), 0, false);
    assert!(d.iter().all(|d| *d <= 1000));
    assert!(d.iter().any(|d| *d < 20) && d.iter().any(|d| *d > 980));
    assert!((mean(&d) - 500.0).abs() < 15.0, "mean {}", mean(&d));
    let below_quarter = d.iter().filter(|d| **d < 250).count() as f64 / d.len() as f64;
    assert!((below_quarter - 0.25).abs() < 0.02, "{below_quarter}");
}

#[test]
fn equal_jitter_keeps_the_upper_half() {
    let d = draws(&backoff(Jitter::Equal), 3, false);
    assert!(d.iter().all(|d| (4000..=8000).contains(d)));
    assert!((mean(&d) - 6000.0).abs() < 60.0, "mean {}", mean(&d));
}

#[test]
fn retry_later_waits_at_least_the_floor_and_spreads_above_it() {
    assert!(is_retry_later(1012) && is_retry_later(1013) && !is_retry_later(1011));
    for jitter in [Jitter::Full, Jitter::Equal, Jitter::None] {
        for retry in [0, 1, 3, 10] {
            let d = draws(&backoff(jitter), retry, true);
            assert!(
                d.iter()
                    .all(|d| (RETRY_LATER_FLOOR_MS..=30_000).contains(d)),
                "{jitter:?} retry {retry}"
            );
        }
    }
    // Not a crowd at the floor: full jitter spreads over [5000, 10000] on the first retry.
    let d = draws(&backoff(Jitter::Full), 0, true);
    let at_floor = d.iter().filter(|d| **d == RETRY_LATER_FLOOR_MS).count();
    assert!(at_floor < 20, "{at_floor} draws exactly at the floor");
    assert!((mean(&d) - 7500.0).abs() < 100.0, "mean {}", mean(&d));
    assert!(d.iter().all(|d| *d <= 10_000));
}

#[test]
fn retry_later_floor_is_clamped_to_max_delay() {
    let b = Backoff::new(&Options {
        min_delay_ms: 100,
        max_delay_ms: 2000,
        ..Options::default()
    });
    assert!(draws(&b, 0, true).iter().all(|d| *d == 2000));
}

#[test]
fn unvalidated_options_never_exceed_max_delay() {
    let mut rng = Rng::new(1);
    for options in [
        Options {
            min_delay_ms: 50_000,
            max_delay_ms: 10,
            ..Options::default()
        },
        Options {
            factor: f64::NAN,
            ..Options::default()
        },
        Options {
            factor: f64::INFINITY,
            ..Options::default()
        },
        Options {
            min_delay_ms: u64::MAX,
            max_delay_ms: u64::MAX,
            ..Options::default()
        },
    ] {
        let b = Backoff::new(&options);
        for retry in [0, 1, 5, 1000, u32::MAX] {
            for retry_later in [false, true] {
                assert!(b.delay(retry, retry_later, &mut rng) <= options.max_delay_ms);
            }
        }
    }
}

#[test]
fn rng_is_deterministic_per_seed() {
    let sequence = |seed| {
        let mut rng = Rng::new(seed);
        (0..5).map(|_| rng.next_u64()).collect::<Vec<_>>()
    };
    assert_eq!(sequence(9), sequence(9));
    assert_ne!(sequence(9), sequence(10));
    let mut rng = Rng::new(4);
    assert!((0..1000).all(|_| rng.up_to(3) <= 3));
    assert_ne!(rng.up_to(u64::MAX), 0);
}

#[test]
fn full_jitter_spreads_the_first_retry_and_narrows_later_ones() {
    let backoff = Backoff::new(&Options::default());
    let mut rng = Rng::new(99);
    let first: Vec<u64> = (0..2000)
        .map(|_| backoff.delay(0, false, &mut rng))
        .collect();
    assert!(
        first.iter().any(|d| *d < 100),
        "the first retry reaches down to 0"
    );
    assert!(first.iter().all(|d| *d <= 1000));
    for retry in 1..8 {
        let ceiling = backoff.ceiling(retry);
        for _ in 0..500 {
            let delay = backoff.delay(retry, false, &mut rng);
            assert!(
                (ceiling / 2..=ceiling).contains(&delay),
                "retry {retry}: {delay} outside [{}, {ceiling}]",
                ceiling / 2
            );
        }
    }
}
