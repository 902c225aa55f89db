//! Host tests of the URL scheme rules, with the `url` crate (a WHATWG parser, like the
//! browser's) standing in for `web_sys::Url`.
#![cfg(not(target_arch = "wasm32"))]

use wsguard::core::url::{redact, resolve, Insecure, Page, UrlError, UrlParser};

struct Whatwg;

impl UrlParser for Whatwg {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
        let base = base.map(url::Url::parse).transpose().ok()?;
        url::Url::options()
            .base_url(base.as_ref())
            .parse(input)
            .ok()
            .map(String::from)
    }
}

const HTTPS: (&str, &str) = ("https:", "https://app.example.com/rooms/lobby?x=1#top");
const HTTP: (&str, &str) = ("http:", "http://localhost:8080/app/index.html");
const ABOUT: (&str, &str) = ("about:", "about:blank");
const DATA: (&str, &str) = ("data:", "data:text/html,hi");
const FILE: (&str, &str) = ("file:", "file:///home/me/index.html");

/// What a case expects: the URL, an upgrade warning, or an error kind.
#[derive(Debug)]
enum Want {
    Url(&'static str),
    Upgraded(&'static str),
    Empty,
    Scheme(&'static str),
    NoBase,
    Invalid,
    Refused,
}

fn check(input: &str, page: Option<(&str, &str)>, insecure: Insecure, want: Want) {
    let page = page.map(|(protocol, href)| Page::new(protocol, href));
    let got = resolve(input, page.as_ref(), insecure, &Whatwg);
    let ok = match (&got, &want) {
        (Ok(r), Want::Url(u)) => r.url == *u && r.upgraded_from.is_none(),
        (Ok(r), Want::Upgraded(u)) => r.url == *u && r.upgraded_from.is_some(),
        (Err(UrlError::Empty), Want::Empty) => true,
        (Err(UrlError::UnsupportedScheme { scheme, .. }), Want::Scheme(s)) => scheme == s,
        (Err(UrlError::NoBase { .. }), Want::NoBase) => true,
        (Err(UrlError::Invalid { .. }), Want::Invalid) => true,
        (Err(UrlError::InsecureRefused { .. }), Want::Refused) => true,
        _ => false,
    };
    assert!(
        ok,
        "input {input:?} on {page:?} with {insecure:?}: got {got:?}, want {want:?}"
    );
}

/// One row of the table: input, page (protocol, href), policy, expectation.
type Case = (
    &'static str,
    Option<(&'static str, &'static str)>,
    Insecure,
    Want,
);

#[test]
fn scheme_rules_table() {
    use Insecure::{Allow, Error, Upgrade};
    use Want::*;
    let cases: Vec<Case> = vec![
        // Relative inputs follow the page's scheme.
        ("/ws", Some(HTTPS), Upgrade, Url("wss://app.example.com/ws")),
        ("/ws", Some(HTTP), Upgrade, Url("ws://localhost:8080/ws")),
        (
            "ws",
            Some(HTTPS),
            Upgrade,
            Url("wss://app.example.com/rooms/ws"),
        ),
        (
            "../ws",
            Some(HTTPS),
            Upgrade,
            Url("wss://app.example.com/ws"),
        ),
        ("../ws", Some(HTTP), Upgrade, Url("ws://localhost:8080/ws")),
        (
            "?room=1",
            Some(HTTPS),
            Upgrade,
            Url("wss://app.example.com/rooms/lobby?room=1"),
        ),
        (
            "?room=1",
            Some(HTTP),
            Upgrade,
            Url("ws://localhost:8080/app/index.html?room=1"),
        ),
        (
            "//other.example:9000/ws",
            Some(HTTPS),
            Upgrade,
            Url("wss://other.example:9000/ws"),
        ),
        (
            "//other.example/ws",
            Some(HTTP),
            Upgrade,
            Url("ws://other.example/ws"),
        ),
        (
            "  /ws  ",
            Some(HTTPS),
            Upgrade,
            Url("wss://app.example.com/ws"),
        ),
        (
            "/ws#frag",
            Some(HTTPS),
            Upgrade,
            Url("wss://app.example.com/ws"),
        ),
        // http(s) map to ws(s).
        (
            "https://api.example/ws",
            Some(HTTP),
            Upgrade,
            Url("wss://api.example/ws"),
        ),
        (
            "https://api.example/ws",
            Some(HTTPS),
            Upgrade,
            Url("wss://api.example/ws"),
        ),
        (
            "http://api.example/ws",
            Some(HTTP),
            Upgrade,
            Url("ws://api.example/ws"),
        ),
        (
            "HTTPS://API.example/ws",
            None,
            Upgrade,
            Url("wss://api.example/ws"),
        ),
        // ws:// on an HTTPS page follows the policy; wss:// is never downgraded.
        (
            "ws://api.example/ws",
            Some(HTTPS),
            Upgrade,
            Upgraded("wss://api.example/ws"),
        ),
        (
            "http://api.example/ws",
            Some(HTTPS),
            Upgrade,
            Upgraded("wss://api.example/ws"),
        ),
        ("ws://api.example/ws", Some(HTTPS), Error, Refused),
        ("http://api.example/ws", Some(HTTPS), Error, Refused),
        (
            "ws://localhost:3000/ws",
            Some(HTTPS),
            Allow,
            Url("ws://localhost:3000/ws"),
        ),
        (
            "ws://api.example/ws",
            Some(HTTP),
            Error,
            Url("ws://api.example/ws"),
        ),
        (
            "wss://api.example/ws",
            Some(HTTP),
            Upgrade,
            Url("wss://api.example/ws"),
        ),
        (
            "wss://api.example/ws",
            Some(HTTP),
            Allow,
            Url("wss://api.example/ws"),
        ),
        (
            "wss://api.example/ws",
            Some(HTTPS),
            Allow,
            Url("wss://api.example/ws"),
        ),
        (
            "wss://api.example:443/ws?t=1#x",
            Some(HTTPS),
            Upgrade,
            Url("wss://api.example/ws?t=1"),
        ),
        (
            "ws://[::1]:8080/ws",
            Some(HTTP),
            Upgrade,
            Url("ws://[::1]:8080/ws"),
        ),
        (
            "ws://bücher.example/ws",
            Some(HTTP),
            Upgrade,
            Url("ws://xn--bcher-kva.example/ws"),
        ),
        (
            "wss://user:pw@api.example/ws",
            None,
            Upgrade,
            Url("wss://user:pw@api.example/ws"),
        ),
        (
            "ws://api.example/ws",
            None,
            Upgrade,
            Url("ws://api.example/ws"),
        ),
        (
            "ws://api.example/ws",
            Some(FILE),
            Upgrade,
            Url("ws://api.example/ws"),
        ),
        // Other schemes are refused, whatever the page.
        ("ftp://files.example/x", Some(HTTPS), Upgrade, Scheme("ftp")),
        (
            "javascript:alert(1)",
            Some(HTTPS),
            Upgrade,
            Scheme("javascript"),
        ),
        ("data:text/plain,hi", Some(HTTP), Upgrade, Scheme("data")),
        ("file:///etc/passwd", Some(FILE), Allow, Scheme("file")),
        (
            "localhost:8080/ws",
            Some(HTTP),
            Upgrade,
            Scheme("localhost"),
        ),
        ("blob:https://a/b", Some(HTTPS), Upgrade, Scheme("blob")),
        // Empty input.
        ("", Some(HTTPS), Upgrade, Empty),
        ("   \t\n", Some(HTTP), Upgrade, Empty),
        // Relative input without an http(s) page.
        ("/ws", Some(ABOUT), Upgrade, NoBase),
        ("/ws", Some(DATA), Upgrade, NoBase),
        ("ws", Some(FILE), Upgrade, NoBase),
        ("//host/ws", None, Upgrade, NoBase),
        // Unparsable input.
        ("ws://", Some(HTTP), Upgrade, Invalid),
        ("wss://[::1/ws", Some(HTTPS), Upgrade, Invalid),
        ("http://exa mple.com/ws", None, Upgrade, Invalid),
    ];
    assert!(cases.len() >= 30);
    for (input, page, insecure, want) in cases {
        check(input, page, insecure, want);
    }
}

#[test]
fn errors_name_the_input_and_the_rule() {
    let page = Page::new("https:", "https://a.example/");
    let err = resolve(
        "ftp://files.example/x",
        Some(&page),
        Insecure::Upgrade,
        &Whatwg,
    )
    .unwrap_err();
    let text = err.message();
    assert_eq!(err.to_string(), text, "Display says the same");
    assert!(
        text.contains("ftp://files.example/x") && text.contains("ws:, wss:"),
        "{text}"
    );

    let err = resolve(
        "ws://a.example/?token=s3cret",
        Some(&page),
        Insecure::Error,
        &Whatwg,
    )
    .unwrap_err()
    .message();
    assert!(
        err.contains("ws://a.example/") && err.contains("insecure"),
        "{err}"
    );
    assert!(!err.contains("s3cret"), "{err}");

    let about = Page::new("about:", "about:blank");
    let err = resolve("/ws", Some(&about), Insecure::Upgrade, &Whatwg)
        .unwrap_err()
        .message();
    assert!(err.contains("\"/ws\"") && err.contains("about:"), "{err}");
}

#[test]
fn upgrade_reports_the_original_url() {
    let page = Page::new("https:", "https://a.example/");
    let r = resolve(
        "ws://api.example/ws#f",
        Some(&page),
        Insecure::Upgrade,
        &Whatwg,
    )
    .unwrap();
    assert_eq!(r.upgraded_from.as_deref(), Some("ws://api.example/ws"));
}

#[test]
fn redaction_removes_query_fragment_and_user_info() {
    assert_eq!(redact("wss://a.example/ws?token=x"), "wss://a.example/ws");
    assert_eq!(redact("wss://u:p@a.example/ws"), "wss://a.example/ws");
    assert_eq!(redact("wss://u@a.example"), "wss://a.example");
    assert_eq!(redact("/ws?x#y"), "/ws");
    assert_eq!(redact("wss://a.example/p@th"), "wss://a.example/p@th");
    let long = "x".repeat(1_000_000);
    assert_eq!(redact(&long).chars().count(), 121);
    let unicode = "é".repeat(200);
    assert!(redact(&unicode).ends_with('…'));
}

#[test]
fn every_error_message_in_full() {
    let cases = [
        (
            UrlError::Empty,
            "wsguard: the URL is empty; pass a ws:, wss:, http:, https: or relative URL such as \"/ws\"",
        ),
        (
            UrlError::UnsupportedScheme {
                input: "ftp://a/x".into(),
                scheme: "ftp".into(),
            },
            "wsguard: the URL \"ftp://a/x\" has the scheme \"ftp:\"; only ws:, wss:, http:, https: and relative URLs are allowed",
        ),
        (
            UrlError::NoBase {
                input: "/ws".into(),
                page_protocol: Some("file:".into()),
            },
            "wsguard: the relative URL \"/ws\" cannot be resolved on a page loaded from \"file:\"; pass an absolute ws: or wss: URL",
        ),
        (
            UrlError::NoBase {
                input: "/ws".into(),
                page_protocol: None,
            },
            "wsguard: the relative URL \"/ws\" cannot be resolved without a page location; pass an absolute ws: or wss: URL",
        ),
        (
            UrlError::Invalid {
                input: "ws://[::1".into(),
            },
            "wsguard: \"ws://[::1\" is not a valid URL",
        ),
        (
            UrlError::InsecureRefused {
                url: "ws://a/ws".into(),
            },
            "wsguard: the insecure URL \"ws://a/ws\" is refused on an HTTPS page (insecure: \"error\"); use wss:, or insecure: \"upgrade\" or \"allow\"",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.message(), text);
        assert_eq!(err.to_string(), text);
    }
}
