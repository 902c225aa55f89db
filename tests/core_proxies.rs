//! Host tests of the diagnosis behind proxies, on simulated time: the same-origin probe and
//! what each HTTP status it reads means, restarts in progress, the URL wsguard rewrote itself,
//! sockets on the page's own origin, Firefox's 1015, and mixed content that is not retried.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::diagnosis::{
    same_origin, Answer, Diagnosis, Kind, Probe, Software, RESTART_GRACE_MS,
};
use wsguard::core::machine::{Millis, SocketAction, SocketId, State};
use wsguard::core::options::Options;
use wsguard::core::session::{Session, SessionEvent};

type Msg = u32;

const PAGE: &str = "https://app.example/chat";
const SOCKET: &str = "wss://app.example/ws?room=1";
/// What the same-origin probe of `SOCKET` fetches: the socket's own URL over HTTPS.
const PROBED: &str = "https://app.example/ws?room=1";

fn session(options: Options, url: &str) -> Session<Msg> {
    let mut s = Session::new(options, 7, true, url.into());
    s.set_page(PAGE);
    s
}

fn actions(s: &mut Session<Msg>) -> Vec<SocketAction<Msg>> {
    std::iter::from_fn(|| s.poll_action()).collect()
}

fn events(s: &mut Session<Msg>) -> Vec<SessionEvent<Msg>> {
    std::iter::from_fn(|| s.poll_event(true)).collect()
}

fn opened(actions: &[SocketAction<Msg>]) -> Option<SocketId> {
    actions.iter().find_map(|a| match a {
        SocketAction::Open { socket, .. } => Some(*socket),
        _ => None,
    })
}

/// Starts `s` at `now` and creates its first socket.
fn start(s: &mut Session<Msg>, now: Millis) -> SocketId {
    s.start(now, true);
    let socket = opened(&actions(s)).expect("an open action");
    s.socket_created(socket);
    socket
}

/// Fires the retry timer and creates the attempt's socket; returns the time too.
fn retry(s: &mut Session<Msg>) -> (Millis, SocketId) {
    let at = s.deadline().expect("a retry timer");
    s.timeout(at);
    let socket = opened(&actions(s)).expect("a retry");
    s.socket_created(socket);
    (at, socket)
}

/// A handshake the browser fails (error, then 1006) at `now`.
fn fails(s: &mut Session<Msg>, now: Millis, socket: SocketId) -> Vec<SessionEvent<Msg>> {
    s.socket_error(now, socket);
    s.socket_closed(now + 1, socket, 1006, "", false);
    actions(s);
    events(s)
}

/// The probe request among `events`, if any: its URL and whether it is same-origin.
fn probe(events: &[SessionEvent<Msg>]) -> Option<(String, bool)> {
    events.iter().find_map(|e| match e {
        SessionEvent::Probe { url, same_origin } => Some((url.clone(), *same_origin)),
        _ => None,
    })
}

/// The diagnoses among `events`, with their warning flags.
fn diagnoses(events: &[SessionEvent<Msg>]) -> Vec<(Diagnosis, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            SessionEvent::Diagnosis { diagnosis, warn } => Some((diagnosis.clone(), *warn)),
            _ => None,
        })
        .collect()
}

/// One failed same-origin handshake whose probe answered `status` with `server` and `body`.
fn answered(status: u16, server: &str, body: &str) -> (Diagnosis, bool) {
    let mut s = session(Options::default(), SOCKET);
    let socket = start(&mut s, 0);
    let evs = fails(&mut s, 30, socket);
    assert_eq!(
        probe(&evs),
        Some((PROBED.into(), true)),
        "a same-origin probe"
    );
    assert!(
        diagnoses(&evs).is_empty(),
        "the diagnosis waits for the probe"
    );
    s.probe_answered(PROBED, status, server, body);
    let mut found = diagnoses(&events(&mut s));
    assert_eq!(found.len(), 1);
    found.remove(0)
}

const HAPROXY_503: &str = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.\n</body></html>";

#[test]
fn each_status_of_the_same_origin_probe_has_its_own_words() {
    // (status, Server, body, summary starts, advice names)
    let cases = [
        (502, "nginx/1.22.1", "", "nginx answered 502 ", "proxy_pass"),
        (504, "nginx", "", "nginx answered 504 ", "proxy_pass"),
        (
            503,
            "",
            HAPROXY_503,
            "HAProxy answered 503 ",
            "server line of the HAProxy backend",
        ),
        (
            502,
            "",
            "<h1>Bad gateway</h1>",
            "The server or a proxy answered 502 ",
            "the proxy",
        ),
        (
            404,
            "nginx/1.22.1",
            "",
            "nginx answered 404 ",
            "nginx location",
        ),
        (403, "", "", "The server or a proxy answered 403 ", "Origin"),
        (
            401,
            "",
            "",
            "The server or a proxy answered 401 ",
            "credentials",
        ),
        (
            426,
            "nginx/1.22.1",
            "",
            "nginx answered 426 ",
            "proxy_set_header Upgrade",
        ),
        (
            400,
            "",
            "",
            "The server or a proxy answered 400 ",
            "proxy_set_header Upgrade",
        ),
        (
            0,
            "",
            "",
            "The server or a proxy answered with a redirect ",
            "redirect",
        ),
        (
            200,
            "",
            "",
            "The server or a proxy answered 200 ",
            "Sec-WebSocket-Key",
        ),
    ];
    let mut advices = Vec::new();
    for (status, server, body, starts, names) in cases {
        let (d, warn) = answered(status, server, body);
        assert_eq!(d.kind, Kind::HandshakeRejected, "{status}");
        assert_eq!(d.probe, Probe::Answered, "{status}");
        assert_eq!(d.probe_status, Some(status));
        assert!(d.summary.starts_with(starts), "{status}: {}", d.summary);
        assert!(d.advice.contains(names), "{status}: {}", d.advice);
        assert!(!d.summary.contains("certificate"), "{}", d.summary);
        assert!(warn, "a misconfiguration is warned about");
        advices.push((status, server, d.advice.to_string()));
    }
    // The gateway advice is the software's own.
    let gateway: Vec<&String> = advices[..4].iter().map(|(_, _, a)| a).collect();
    assert_ne!(gateway[0], gateway[2]);
    assert_ne!(gateway[2], gateway[3]);
}

#[test]
fn the_software_is_named_only_when_the_answer_names_it() {
    assert_eq!(
        Answer::read(502, "nginx/1.22.1", "").software,
        Software::Nginx
    );
    assert_eq!(
        Answer::read(
            403,
            "",
            "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative rules."
        )
        .software,
        Software::Haproxy
    );
    let nginx_page = "<html>\r\n<head><title>502 Bad Gateway</title></head>";
    assert_eq!(
        Answer::read(502, "", nginx_page).software,
        Software::Unknown
    );
    assert_eq!(Answer::read(502, "Apache", "").software, Software::Unknown);
}

#[test]
fn a_socket_on_the_page_origin_is_not_blamed_on_its_certificate() {
    // The probe could not connect either: the server is down, not its certificate.
    let mut s = session(Options::default(), SOCKET);
    let socket = start(&mut s, 0);
    fails(&mut s, 30, socket);
    s.probe_finished(PROBED, Probe::TlsFailed);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!(d.kind, Kind::Unreachable);
    assert!(d.summary.contains("own origin"), "{}", d.summary);
    // With probe: false, still not a certificate problem.
    let options = Options {
        probe: false,
        ..Options::default()
    };
    let mut s = session(options, SOCKET);
    let socket = start(&mut s, 0);
    let (d, _) = diagnoses(&fails(&mut s, 30, socket)).remove(0);
    assert_eq!((d.kind, d.probe), (Kind::Unreachable, Probe::Skipped));
    // Another origin keeps the no-cors probe of the host, and its certificate verdict.
    let mut s = session(Options::default(), "wss://api.example/ws?room=1");
    let socket = start(&mut s, 0);
    let evs = fails(&mut s, 30, socket);
    assert_eq!(probe(&evs), Some(("https://api.example/".into(), false)));
    s.probe_finished("https://api.example/", Probe::TlsFailed);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!(d.kind, Kind::Certificate);
}

#[test]
fn same_origin_needs_the_matching_scheme_host_and_port() {
    assert!(same_origin(
        "https://app.example/chat",
        "wss://app.example/ws"
    ));
    assert!(same_origin(
        "https://APP.example:8443",
        "wss://app.example:8443/ws"
    ));
    assert!(same_origin(
        "http://localhost:5173/",
        "ws://localhost:5173/"
    ));
    for (page, socket) in [
        ("https://app.example/", "ws://app.example/ws"),
        ("https://app.example/", "wss://app.example:8443/ws"),
        ("https://app.example:8443/", "wss://app.example/ws"),
        ("https://app.example.evil/", "wss://app.example/ws"),
        ("https://app.example/", "wss://u:p@app.example/ws"),
        ("about:blank", "wss://app.example/ws"),
        ("https://app.example/", "not a url"),
    ] {
        assert!(!same_origin(page, socket), "{page} / {socket}");
    }
}

/// Opens `s`'s first socket at 0; the server then closes it with `code` at `at`.
fn server_closes(s: &mut Session<Msg>, code: u16, at: Millis) -> Vec<(Diagnosis, bool)> {
    let socket = start(s, 0);
    s.socket_opened(10, socket);
    actions(s);
    events(s);
    s.socket_closed(at, socket, code, "restart", true);
    actions(s);
    diagnoses(&events(s))
}

#[test]
fn a_restart_is_quiet_until_it_lasts_longer_than_the_grace() {
    for code in [1001, 1012, 1013] {
        let mut s = session(Options::default(), SOCKET);
        let closed = server_closes(&mut s, code, 1_000);
        assert_eq!(closed.len(), 1);
        assert_eq!(closed[0].0.kind, Kind::ServerClosed);
        assert!(!closed[0].1, "{code}: a restart close is not warned about");
        // Retries meet the proxy's 502 while the server restarts: restarting, quiet.
        let (at, socket) = retry(&mut s);
        let evs = fails(&mut s, at, socket);
        assert_eq!(probe(&evs), Some((PROBED.into(), true)));
        s.probe_answered(PROBED, 502, "nginx/1.22.1", "");
        let (d, warn) = diagnoses(&events(&mut s)).remove(0);
        assert_eq!((d.kind, warn), (Kind::Restarting, false), "{code}");
        assert_eq!(d.probe_status, Some(502));
        assert!(
            !d.advice.contains("proxy_pass"),
            "no config advice: {}",
            d.advice
        );
        // Past the grace, the same failure is diagnosed and warned about as any other.
        let mut last = (d, warn);
        while s.machine().now() <= 1_000 + RESTART_GRACE_MS {
            let (at, socket) = retry(&mut s);
            last = diagnoses(&fails(&mut s, at, socket)).remove(0);
        }
        assert_eq!(last.0.kind, Kind::HandshakeRejected, "{code}");
        assert!(last.0.summary.starts_with("nginx answered 502"));
        assert!(last.1, "warned once the restart lasts too long");
    }
}

#[test]
fn a_restart_streak_ends_with_an_open_and_a_refusal_is_not_a_restart() {
    let mut s = session(Options::default(), SOCKET);
    server_closes(&mut s, 1012, 1_000);
    let (at, socket) = retry(&mut s);
    fails(&mut s, at, socket);
    // A 403 during the restart is a refusal, not the restart.
    s.probe_answered(PROBED, 403, "", "");
    let (d, warn) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!((d.kind, warn), (Kind::HandshakeRejected, true));
    // Nothing answering at all during a restart is the restart too (ws: has no probe).
    let mut s = session(Options::default(), "ws://api.example/ws");
    server_closes(&mut s, 1001, 1_000);
    let (at, socket) = retry(&mut s);
    let (d, warn) = diagnoses(&fails(&mut s, at, socket)).remove(0);
    assert_eq!((d.kind, warn), (Kind::Restarting, false));
    // Back open: the next failure is a new streak, not a restart.
    let (at, socket) = retry(&mut s);
    s.socket_opened(at + 5, socket);
    actions(&mut s);
    events(&mut s);
    s.socket_closed(at + 10, socket, 1006, "", false);
    actions(&mut s);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!(d.kind, Kind::ConnectionLost);
    let (at, socket) = retry(&mut s);
    let (d, _) = diagnoses(&fails(&mut s, at, socket)).remove(0);
    assert_eq!(d.kind, Kind::Unreachable);
    // A close with another code (1011) begins no restart.
    let mut s = session(Options::default(), "ws://api.example/ws");
    let closed = server_closes(&mut s, 1011, 1_000);
    assert!(closed[0].1, "a server error is warned about");
    let (at, socket) = retry(&mut s);
    let (d, _) = diagnoses(&fails(&mut s, at, socket)).remove(0);
    assert_eq!(d.kind, Kind::Unreachable);
}

#[test]
fn a_url_wsguard_upgraded_says_so_when_tls_fails() {
    let mut s = session(Options::default(), "wss://app.example:8080/ws");
    s.set_upgraded(true);
    let socket = start(&mut s, 0);
    let evs = fails(&mut s, 30, socket);
    let (url, same) = probe(&evs).expect("a probe");
    assert!(!same, "another port is another origin");
    s.probe_finished(&url, Probe::TlsFailed);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!(d.kind, Kind::MixedContent);
    assert!(d.summary.contains("upgraded"), "{}", d.summary);
    assert!(d.advice.contains("relative URL"), "{}", d.advice);
    // TLS works on that port: the rewrite is not the cause.
    let mut s = session(Options::default(), "wss://app.example:8080/ws");
    s.set_upgraded(true);
    let socket = start(&mut s, 0);
    let (url, _) = probe(&fails(&mut s, 30, socket)).expect("a probe");
    s.probe_finished(&url, Probe::TlsOk);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!(d.kind, Kind::HandshakeRejected);
    // Not upgraded: a certificate problem, as before.
    let mut s = session(Options::default(), "wss://app.example:8080/ws");
    let socket = start(&mut s, 0);
    let (url, _) = probe(&fails(&mut s, 30, socket)).expect("a probe");
    s.probe_finished(&url, Probe::TlsFailed);
    assert_eq!(diagnoses(&events(&mut s))[0].0.kind, Kind::Certificate);
}

/// A handshake Firefox fails with 1015 at `now`.
fn fails_with_1015(s: &mut Session<Msg>, now: Millis, socket: SocketId) -> Vec<SessionEvent<Msg>> {
    s.socket_error(now, socket);
    s.socket_closed(now + 1, socket, 1015, "", false);
    actions(s);
    events(s)
}

#[test]
fn firefox_1015_is_a_certain_tls_failure_without_a_probe() {
    let mut s = session(Options::default(), "wss://api.example/ws");
    let socket = start(&mut s, 0);
    let evs = fails_with_1015(&mut s, 30, socket);
    assert_eq!(probe(&evs), None, "no probe: the code says it all");
    let (d, _) = diagnoses(&evs).remove(0);
    assert_eq!((d.kind, d.code), (Kind::Certificate, 1015));
    assert!(d.summary.contains("1015") && d.summary.contains("Firefox"));
    assert!(
        d.advice.contains("Firefox can’t establish a connection"),
        "{}",
        d.advice
    );
    // An upgraded URL: the rewrite is named instead.
    let mut s = session(Options::default(), "wss://api.example:8080/ws");
    s.set_upgraded(true);
    let socket = start(&mut s, 0);
    let (d, _) = diagnoses(&fails_with_1015(&mut s, 30, socket)).remove(0);
    assert_eq!(d.kind, Kind::MixedContent);
}

#[test]
fn a_fixed_url_blocked_as_mixed_content_is_not_retried_and_close_after_it_is_normal() {
    // WebKit's block: an error and no close, on a fixed ws: URL of an HTTPS page.
    let mut s = session(Options::default(), "ws://api.example/ws");
    let socket = start(&mut s, 0);
    s.socket_error(10, socket);
    actions(&mut s);
    let at = s.deadline().expect("the error grace");
    s.timeout(at);
    actions(&mut s);
    let evs = events(&mut s);
    let (d, _) = diagnoses(&evs).remove(0);
    assert_eq!((d.kind, d.will_retry), (Kind::MixedContent, false));
    assert_eq!(s.machine().state(), State::Closed);
    assert_eq!(s.deadline(), None, "no retry is scheduled");
    // A URL function may return another URL: its block is retried, and close() then ends
    // `normal`, not `mixed-content`.
    let mut s: Session<Msg> = Session::new(Options::default(), 7, true, String::new());
    s.set_page(PAGE);
    s.start(0, true);
    let socket = opened(&actions(&mut s)).expect("an attempt");
    s.set_url("ws://api.example/ws".into());
    s.open_failed(5, socket, Some(1), "SecurityError".into(), true);
    actions(&mut s);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!((d.kind, d.will_retry), (Kind::MixedContent, true));
    assert_eq!(s.machine().state(), State::Reconnecting);
    s.close(20, 1000, "").expect("close");
    actions(&mut s);
    let (d, _) = diagnoses(&events(&mut s)).remove(0);
    assert_eq!(d.kind, Kind::Normal);
}
