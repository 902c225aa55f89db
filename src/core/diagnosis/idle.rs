//! The idle-timeout rules: a drop after a silence that matches a common proxy or
//! load-balancer idle limit, or the previous drop's silence.

use crate::core::time::Millis;

/// A documented default idle limit of a proxy, load balancer or platform.
///
/// ```
/// use wsguard::core::diagnosis::COMMON_IDLE_LIMITS;
/// let nginx = COMMON_IDLE_LIMITS.iter().find(|limit| limit.ms == 60_000).unwrap();
/// assert!(nginx.who.contains("nginx"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IdleLimit {
    /// The limit, in milliseconds.
    pub ms: Millis,
    /// Who uses it by default, as a phrase for the summary.
    pub who: &'static str,
}

/// Default idle limits that cut WebSocket connections which stay silent, shortest first.
///
/// | limit | who |
/// |---|---|
/// | 50 s | HAProxy's `timeout client`/`timeout server` in Debian's stock `haproxy.cfg` (no `timeout tunnel`) |
/// | 55 s | Heroku's router |
/// | 60 s | nginx `proxy_read_timeout` (so also ingress-nginx), AWS ALB and Classic ELB |
/// | 100 s | Cloudflare |
/// | 240 s | Azure Load Balancer (4 min) |
/// | 300 s | Envoy's stream idle timeout (5 min) |
/// | 350 s | AWS Network Load Balancer (TCP) |
/// | 600 s | AWS API Gateway WebSocket APIs (10 min) |
///
/// Google Cloud's HTTP(S) load balancer is missing on purpose: its backend timeout (30 s by
/// default) caps a WebSocket's whole life, silent or not.
///
/// ```
/// use wsguard::core::diagnosis::COMMON_IDLE_LIMITS;
/// assert!(COMMON_IDLE_LIMITS.windows(2).all(|w| w[0].ms < w[1].ms));
/// ```
pub const COMMON_IDLE_LIMITS: [IdleLimit; 8] = [
    IdleLimit {
        ms: 50_000,
        who: "HAProxy's timeout client and timeout server in Debian's stock configuration (50 s)",
    },
    IdleLimit {
        ms: 55_000,
        who: "Heroku's router (55 s)",
    },
    IdleLimit {
        ms: 60_000,
        who: "nginx's proxy_read_timeout and AWS load balancers (60 s)",
    },
    IdleLimit {
        ms: 100_000,
        who: "Cloudflare (100 s)",
    },
    IdleLimit {
        ms: 240_000,
        who: "Azure Load Balancer (4 min)",
    },
    IdleLimit {
        ms: 300_000,
        who: "Envoy (5 min)",
    },
    IdleLimit {
        ms: 350_000,
        who: "AWS Network Load Balancer (350 s)",
    },
    IdleLimit {
        ms: 600_000,
        who: "AWS API Gateway (10 min)",
    },
];

/// The least tolerance around a common limit, in ms.
const LIMIT_TOLERANCE_MIN_MS: Millis = 1_500;
/// The tolerance around a common limit, in percent of the limit (when more than the least).
const LIMIT_TOLERANCE_PERCENT: Millis = 3;

/// The least tolerance between two drops' silences, in ms.
const REPEAT_TOLERANCE_MIN_MS: Millis = 250;
/// The tolerance between two drops' silences, in percent (when more than the least).
const REPEAT_TOLERANCE_PERCENT: Millis = 3;
/// The shortest silence the repeat rule considers: drops right after traffic say nothing.
const REPEAT_MIN_IDLE_MS: Millis = 1_000;

/// The common idle limit a silence of `idle_ms` matches: within ±3 % of the limit, and at
/// least ±1.5 s.
///
/// ```
/// use wsguard::core::diagnosis::matches_common_idle_limit;
/// assert_eq!(matches_common_idle_limit(60_900).map(|l| l.ms), Some(60_000));
/// assert_eq!(matches_common_idle_limit(100_000 - 2_900).map(|l| l.ms), Some(100_000));
/// assert!(matches_common_idle_limit(45_000).is_none());
/// ```
pub fn matches_common_idle_limit(idle_ms: Millis) -> Option<&'static IdleLimit> {
    COMMON_IDLE_LIMITS.iter().find(|limit| {
        let tolerance =
            (limit.ms.saturating_mul(LIMIT_TOLERANCE_PERCENT) / 100).max(LIMIT_TOLERANCE_MIN_MS);
        idle_ms.abs_diff(limit.ms) <= tolerance
    })
}

/// Whether a silence of `idle_ms` repeats the previous drop's `previous_ms`: both at least
/// 1 s, and within ±3 % of each other (at least ±250 ms).
///
/// ```
/// use wsguard::core::diagnosis::matches_previous_idle;
/// assert!(matches_previous_idle(2_510, 2_480));
/// assert!(!matches_previous_idle(2_500, 4_000));
/// assert!(!matches_previous_idle(20, 25)); // too short to mean anything
/// ```
pub fn matches_previous_idle(idle_ms: Millis, previous_ms: Millis) -> bool {
    let tolerance =
        (previous_ms.saturating_mul(REPEAT_TOLERANCE_PERCENT) / 100).max(REPEAT_TOLERANCE_MIN_MS);
    idle_ms >= REPEAT_MIN_IDLE_MS
        && previous_ms >= REPEAT_MIN_IDLE_MS
        && idle_ms.abs_diff(previous_ms) <= tolerance
}

#[cfg(test)]
mod tests {
    use super::{matches_common_idle_limit, COMMON_IDLE_LIMITS};
    use crate::core::options::Heartbeat;

    #[test]
    fn the_default_heartbeat_speaks_before_any_common_idle_limit() {
        let heartbeat = Heartbeat::default();
        let shortest = COMMON_IDLE_LIMITS[0].ms;
        assert!(heartbeat.interval_ms + heartbeat.timeout_ms < shortest);
        assert!(matches_common_idle_limit(heartbeat.interval_ms).is_none());
    }
}
