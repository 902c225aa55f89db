//! The classifier: the rules that turn the facts of one close into a [`Diagnosis`], the first
//! rule that matches winning (the table is in the module's documentation).

use alloc::borrow::Cow;
use alloc::string::String;

use super::facts::{Facts, Probe};
use super::idle::{matches_common_idle_limit, matches_previous_idle};
use super::kind::Kind;
use super::probe::reached_browser_handshake_limit;
use super::report::Diagnosis;
use super::text::{
    idle_advice, idle_at_limit, idle_repeated, server_closed_advice, server_closed_summary, Advice,
    BROWSER_TIMEOUT, CERTIFICATE, CERTIFICATE_ADVICE, CONNECTION_LOST, CONNECTION_LOST_ADVICE,
    CONNECT_TIMEOUT, HANDSHAKE_REJECTED, HANDSHAKE_REJECTED_ADVICE, HEARTBEAT_ADVICE,
    HEARTBEAT_LOST, MIXED_CONTENT, MIXED_CONTENT_ADVICE, NORMAL_ADVICE, OFFLINE, OFFLINE_ADVICE,
    OPEN_FAILED, OPEN_FAILED_ADVICE, OPEN_FAILED_BECAUSE, PROTOCOL_ERROR, PROTOCOL_ERROR_ADVICE,
    SUSPENDED, SUSPENDED_ADVICE, TIMEOUT_ADVICE, UNREACHABLE, UNREACHABLE_ADVICE, USER_CLOSE,
    USER_RECONNECT,
};
use super::text_handshake::{
    answered, RESTARTING, RESTARTING_ADVICE, RESTART_GRACE_MS, REWRITTEN, REWRITTEN_ADVICE,
    SAME_ORIGIN_DOWN, SAME_ORIGIN_DOWN_ADVICE, SAME_ORIGIN_FAILED, TLS_FAILED, TLS_FAILED_ADVICE,
};
use crate::core::close::CloseCause;
use crate::core::text::concat;
use crate::core::url::redact;

/// Classifies one close. Pure: the same facts always give the same diagnosis.
///
/// ```
/// use wsguard::core::diagnosis::{classify, Facts, Kind};
/// use wsguard::core::close::{CloseCause, CloseInfo};
/// let close = CloseInfo {
///     socket: None, code: 1008, reason: "bad token".into(), was_clean: true,
///     cause: CloseCause::Socket, was_open: true, open_for_ms: 50, idle_for_ms: 5,
///     lifetime_ms: 60, attempt: 0, will_retry: false, retry_in_ms: None,
///     offline: false, errored: false,
/// };
/// let d = classify(&Facts::new(&close, "wss://a.example/ws"));
/// assert_eq!(d.kind, Kind::ServerClosed);
/// assert!(d.summary.contains("1008"));
/// ```
pub fn classify(facts: &Facts<'_>) -> Diagnosis {
    let (kind, summary, advice) = explain(facts);
    let close = facts.close;
    Diagnosis {
        kind,
        summary,
        advice,
        code: close.code,
        reason: close.reason.clone(),
        was_clean: close.was_clean,
        was_open: close.was_open,
        open_for_ms: close.open_for_ms,
        idle_for_ms: close.idle_for_ms,
        page_secure: facts.page_secure,
        url: redact(facts.url),
        attempt: close.attempt,
        probe: facts.probe,
        probe_status: facts.answer.map(|answer| answer.status),
        will_retry: close.will_retry,
        retry_in_ms: close.retry_in_ms,
    }
}

/// A kind, its summary and its advice.
type Explanation = (Kind, Cow<'static, str>, Cow<'static, str>);

/// An explanation whose summary is written out in full.
fn fixed(kind: Kind, summary: &'static str, advice: Advice) -> Explanation {
    (kind, Cow::Borrowed(summary), join(advice))
}

/// An explanation whose summary is made for this close.
fn made(kind: Kind, summary: String, advice: Advice) -> Explanation {
    (kind, Cow::Owned(summary), join(advice))
}

/// An advice's pieces as one text: borrowed when there is only one.
fn join(advice: Advice) -> Cow<'static, str> {
    match advice {
        [only] => Cow::Borrowed(only),
        pieces => Cow::Owned(concat(pieces)),
    }
}

/// The rules, in order: the first that matches wins.
fn explain(facts: &Facts<'_>) -> Explanation {
    let close = facts.close;
    match close.cause {
        CloseCause::UserClose => return fixed(Kind::Normal, USER_CLOSE, NORMAL_ADVICE),
        CloseCause::UserReconnect => return fixed(Kind::Normal, USER_RECONNECT, NORMAL_ADVICE),
        CloseCause::Suspended => return fixed(Kind::Suspended, SUSPENDED, SUSPENDED_ADVICE),
        _ => {}
    }
    if facts.mixed_content {
        return fixed(Kind::MixedContent, MIXED_CONTENT, MIXED_CONTENT_ADVICE);
    }
    if close.was_clean {
        let code = close.code;
        let summary = server_closed_summary(code);
        return made(Kind::ServerClosed, summary, server_closed_advice(code));
    }
    if close.cause == CloseCause::OpenFailed {
        return match facts.open_error {
            Some(error) => {
                let summary = concat(&[OPEN_FAILED_BECAUSE, error]);
                made(Kind::Unreachable, summary, OPEN_FAILED_ADVICE)
            }
            None => fixed(Kind::Unreachable, OPEN_FAILED, OPEN_FAILED_ADVICE),
        };
    }
    if facts.offline() {
        return fixed(Kind::Offline, OFFLINE, OFFLINE_ADVICE);
    }
    match close.cause {
        CloseCause::ConnectTimeout => fixed(Kind::Timeout, CONNECT_TIMEOUT, TIMEOUT_ADVICE),
        CloseCause::HeartbeatTimeout => {
            fixed(Kind::ConnectionLost, HEARTBEAT_LOST, HEARTBEAT_ADVICE)
        }
        _ if close.was_open => opened_then_failed(facts),
        _ => handshake_failed(facts),
    }
}

/// A socket that never opened and that the browser closed.
fn handshake_failed(facts: &Facts<'_>) -> Explanation {
    let close = facts.close;
    if !facts.wss && facts.page_secure && close.cause == CloseCause::NoCloseEvent {
        // WebKit's mixed-content block: an `error` and no `close`, instead of an exception.
        return fixed(Kind::MixedContent, MIXED_CONTENT, MIXED_CONTENT_ADVICE);
    }
    if reached_browser_handshake_limit(facts.wss, close.lifetime_ms) {
        return fixed(Kind::Timeout, BROWSER_TIMEOUT, TIMEOUT_ADVICE);
    }
    let tls_failed = close.code == CODE_TLS_FAILED;
    if facts.upgraded && !facts.same_origin && (tls_failed || facts.probe != Probe::TlsOk) {
        // wsguard's own `ws:` → `wss:` rewrite, onto a port that may not speak TLS.
        return fixed(Kind::MixedContent, REWRITTEN, REWRITTEN_ADVICE);
    }
    if tls_failed {
        return fixed(Kind::Certificate, TLS_FAILED, TLS_FAILED_ADVICE);
    }
    let gateway_or_silence = facts
        .answer
        .is_none_or(|answer| answer.is_gateway_failure());
    let restarting = facts
        .since_restart_ms
        .is_some_and(|since| since <= RESTART_GRACE_MS);
    if restarting && gateway_or_silence {
        return fixed(Kind::Restarting, RESTARTING, RESTARTING_ADVICE);
    }
    if let Some(answer) = facts.answer {
        let (summary, advice) = answered(answer);
        return made(Kind::HandshakeRejected, summary, advice);
    }
    if facts.same_origin {
        // The page itself loaded over this origin's TLS: the certificate is the least likely
        // cause, whatever the probe says.
        return match facts.probe {
            Probe::TlsFailed => fixed(Kind::Unreachable, SAME_ORIGIN_DOWN, SAME_ORIGIN_DOWN_ADVICE),
            _ => fixed(Kind::Unreachable, SAME_ORIGIN_FAILED, UNREACHABLE_ADVICE),
        };
    }
    if !facts.wss {
        fixed(Kind::Unreachable, UNREACHABLE, UNREACHABLE_ADVICE)
    } else if matches!(facts.probe, Probe::TlsOk | Probe::Answered) {
        fixed(
            Kind::HandshakeRejected,
            HANDSHAKE_REJECTED,
            HANDSHAKE_REJECTED_ADVICE,
        )
    } else {
        // The probe failed, or was not made.
        fixed(Kind::Certificate, CERTIFICATE, CERTIFICATE_ADVICE)
    }
}

/// The close code Firefox reports for any failed TLS handshake.
const CODE_TLS_FAILED: u16 = 1015;

/// A socket that had opened and that the browser closed without a close frame.
fn opened_then_failed(facts: &Facts<'_>) -> Explanation {
    let close = facts.close;
    if close.errored {
        return fixed(Kind::ProtocolError, PROTOCOL_ERROR, PROTOCOL_ERROR_ADVICE);
    }
    let idle = close.idle_for_ms;
    if !facts.heartbeat {
        if let Some(limit) = matches_common_idle_limit(idle) {
            let summary = Cow::Owned(idle_at_limit(idle, limit));
            return (Kind::IdleTimeout, summary, Cow::Owned(idle_advice(idle)));
        }
        let repeated = facts.previous_idle_ms;
        if repeated.is_some_and(|previous| matches_previous_idle(idle, previous)) {
            let summary = Cow::Owned(idle_repeated(idle));
            return (Kind::IdleTimeout, summary, Cow::Owned(idle_advice(idle)));
        }
    }
    fixed(
        Kind::ConnectionLost,
        CONNECTION_LOST,
        CONNECTION_LOST_ADVICE,
    )
}

#[cfg(test)]
mod tests {
    use alloc::borrow::Cow;

    use super::join;

    #[test]
    fn an_advice_of_one_piece_is_borrowed_and_pieces_are_joined() {
        assert!(matches!(
            join(&["Nothing to fix."]),
            Cow::Borrowed("Nothing to fix.")
        ));
        let joined = join(&["Check the host. ", "Then the port."]);
        assert!(matches!(&joined, Cow::Owned(text) if text == "Check the host. Then the port."));
    }
}
