//! The words for handshake failures that more than the browser's 1006 explains: the
//! same-origin probe's HTTP answer, a restart in progress, a URL wsguard rewrote itself, a
//! page's own origin, and Firefox's 1015. Written once each, like `text.rs`.

use alloc::string::String;

use super::answer::{Answer, Software};
use super::text::{Advice, CONSOLE_LINE, EXPECT_101, NGINX_UPGRADE, TEST_WITH_CURL};
use crate::core::text::push_decimal;

/// The summary and advice for a handshake failure whose same-origin probe got `answer`.
pub(super) fn answered(answer: Answer) -> (String, Advice) {
    let status = answer.status;
    let software = answer.software;
    let (tail, advice): (&str, Advice) = match status {
        502..=504 => (
            ": it runs, but the server behind it does not answer (down, restarting, or not where the proxy points).",
            match software {
                Software::Nginx => NGINX_BACKEND_DOWN,
                Software::Haproxy => HAPROXY_BACKEND_DOWN,
                Software::Unknown => PROXY_BACKEND_DOWN,
            },
        ),
        404 => (
            ": likely nothing serves WebSockets at this path.",
            WRONG_PATH,
        ),
        401 | 403 => (
            ": an authentication or Origin check refused it.",
            REFUSED,
        ),
        400 | 426 => (
            ", as a WebSocket server does without an upgrade: most likely a proxy drops the Upgrade and Connection headers, or the server refused this page's Origin or credentials.",
            UPGRADE_LOST,
        ),
        0 => (
            ": a redirect, which a handshake does not follow.",
            REDIRECTED,
        ),
        _ => (
            ", and refused the upgrade.",
            super::text::HANDSHAKE_REJECTED_ADVICE,
        ),
    };
    let who = match software {
        Software::Nginx => "nginx",
        Software::Haproxy => "HAProxy",
        Software::Unknown => "The server or a proxy",
    };
    let mut summary = String::with_capacity(64 + tail.len());
    summary.push_str(who);
    summary.push_str(" answered ");
    if status == 0 {
        summary.push_str("with a redirect");
    } else {
        push_decimal(&mut summary, status.into());
    }
    summary.push_str(" to a plain request for this URL");
    summary.push_str(tail);
    (summary, advice)
}

const NGINX_BACKEND_DOWN: Advice = &["Start the WebSocket server, or point nginx's proxy_pass at where it listens; nginx's error log names the upstream it could not reach."];
const HAPROXY_BACKEND_DOWN: Advice = &["Start the WebSocket server, or point the server line of the HAProxy backend for this path at where it listens."];
const PROXY_BACKEND_DOWN: Advice = &["Start the WebSocket server, or point the proxy at where it listens; the proxy's error log names what it could not reach."];

const WRONG_PATH: Advice = &["Check the URL's path against the server's WebSocket route, and the proxy rule that forwards it (an nginx location, an HAProxy ACL)."];

const REDIRECTED: Advice =
    &["Use the URL it redirects to; a login redirect means missing credentials."];

const REFUSED: Advice = &["Check the credentials the server expects (a cookie, or a token in the query) and the Origins that it and any proxy allow: the handshake sends this page's Origin."];

const UPGRADE_LOST: Advice = &[
    NGINX_UPGRADE,
    "Else check the Origins and credentials the server accepts. ",
    TEST_WITH_CURL,
    "https://host/path",
    EXPECT_101,
];

/// How long a restart may keep the retries quiet: past it, a streak that began with the
/// server's restart close (1001, 1012, 1013) is diagnosed, and warned about, as any other.
/// A rolling deploy or a process restart takes seconds; a minute covers a slow one (a
/// container pulled and started, a JIT warming up) without hiding a server that stays down.
///
/// ```
/// assert_eq!(wsguard::core::diagnosis::RESTART_GRACE_MS, 60_000);
/// ```
pub const RESTART_GRACE_MS: u64 = 60_000;

pub(super) const RESTARTING: &str =
    "The server closed for a restart (1001, 1012 or 1013) and is not back yet.";
pub(super) const RESTARTING_ADVICE: Advice = &["Nothing to fix during a deploy: wsguard keeps retrying, and reports the failure if the server is not back within 60 s."];

pub(super) const SAME_ORIGIN_DOWN: &str = "Nothing answers at this page's own origin: the server or its proxy is down (the page loaded over its certificate).";
pub(super) const SAME_ORIGIN_DOWN_ADVICE: Advice = &[
    "Check that the server and its proxy run; wsguard keeps retrying. ",
    CONSOLE_LINE,
    " names the error.",
];

pub(super) const SAME_ORIGIN_FAILED: &str = "The handshake to this page's own origin failed: an upgrade refused, or nothing answered (the page loaded over its certificate).";

pub(super) const REWRITTEN: &str = "wsguard upgraded this ws:// URL to wss:// for the HTTPS page, and TLS to that port failed: it likely speaks plain HTTP (or nothing listens, or the certificate is untrusted).";
pub(super) const REWRITTEN_ADVICE: Advice = &["Use a relative URL such as \"/ws\" (the page's own scheme, host and port), or wss:// with the port that serves TLS (443 by default)."];

pub(super) const TLS_FAILED: &str = "The TLS handshake failed (Firefox's code 1015): an untrusted, expired or wrong-host certificate, or no TLS on that port.";
pub(super) const TLS_FAILED_ADVICE: Advice = &[
    "Firefox's console says only \"Firefox can’t establish a connection to the server at wss://…\": open https://host:port/ in a tab to see the certificate error. ",
    super::text::CERTIFICATE_FIX,
];

#[cfg(test)]
mod tests {
    use super::{answered, RESTARTING_ADVICE, RESTART_GRACE_MS};
    use crate::core::diagnosis::Answer;

    #[test]
    fn the_restart_advice_names_the_grace() {
        let seconds = RESTART_GRACE_MS / 1000;
        assert!(RESTARTING_ADVICE[0].contains(&alloc::format!("within {seconds} s")));
    }

    #[test]
    fn an_answer_names_its_status_and_who_gave_it() {
        let (summary, _) = answered(Answer::read(502, "nginx/1.22.1", ""));
        assert!(summary.starts_with("nginx answered 502 "), "{summary}");
        let (summary, _) = answered(Answer::read(418, "", ""));
        assert!(
            summary.starts_with("The server or a proxy answered 418 "),
            "{summary}"
        );
    }
}
