//! The same-origin probe's [`Answer`]: the HTTP status a plain request to the socket's own URL
//! got, and the software that gave it when the answer names it ([`Software`]).

/// Who gave an answer, when it says so.
///
/// ```
/// use wsguard::core::diagnosis::Software;
/// assert_eq!(Software::identify("nginx/1.22.1", ""), Software::Nginx);
/// let page = "<html><body><h1>503 Service Unavailable</h1>\nNo server is available to handle this request.";
/// assert_eq!(Software::identify("", page), Software::Haproxy);
/// assert_eq!(Software::identify("Caddy", ""), Software::Unknown);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Software {
    /// nginx: its `Server` header starts with `nginx` (`nginx/1.22.1`, or `nginx` with
    /// `server_tokens off`); nginx puts its own in place of the upstream's.
    Nginx,
    /// HAProxy: it sends no `Server` header of its own, but its built-in error pages (502, 503,
    /// 504, and 403 for a denied request) have a shape of their own.
    Haproxy,
    /// Nothing in the answer names the software.
    #[default]
    Unknown,
}

/// How HAProxy's built-in error pages (HAProxy 2.x: 502, 503, 504, and the 403 of an
/// `http-request deny`) begin; nginx's and most servers' put a `<head>` first.
const HAPROXY_PAGE: &str = "<html><body><h1>";

impl Software {
    /// The software an answer names, from its `Server` header (empty when absent) and the
    /// start of its body (empty when not read).
    ///
    /// ```
    /// use wsguard::core::diagnosis::Software;
    /// assert_eq!(Software::identify("NGINX", ""), Software::Nginx);
    /// assert_eq!(Software::identify("", "<h1>503</h1>"), Software::Unknown);
    /// ```
    pub fn identify(server: &str, body: &str) -> Self {
        let named = server
            .get(..5)
            .is_some_and(|start| start.eq_ignore_ascii_case("nginx"));
        if named {
            Self::Nginx
        } else if body.starts_with(HAPROXY_PAGE) {
            Self::Haproxy
        } else {
            Self::Unknown
        }
    }
}

/// What a plain request to the socket's own URL (same origin, same credentials as the
/// handshake) got: the one HTTP answer a page may read about its socket's path.
///
/// ```
/// use wsguard::core::diagnosis::{Answer, Software};
/// let answer = Answer::read(502, "nginx/1.22.1", "");
/// assert_eq!(answer, Answer { status: 502, software: Software::Nginx });
/// assert!(answer.is_gateway_failure());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Answer {
    /// The HTTP status (0 for a redirect the request did not follow).
    pub status: u16,
    /// Who answered, when the answer says so.
    pub software: Software,
}

impl Answer {
    /// The answer with `status`, its `Server` header (empty when absent) and the start of its
    /// body (empty when not read).
    ///
    /// ```
    /// use wsguard::core::diagnosis::{Answer, Software};
    /// assert_eq!(Answer::read(404, "", "").software, Software::Unknown);
    /// ```
    pub fn read(status: u16, server: &str, body: &str) -> Self {
        Self {
            status,
            software: Software::identify(server, body),
        }
    }

    /// A gateway's own failure (502, 503, 504): something answers for the URL, and the server
    /// it forwards to does not.
    ///
    /// ```
    /// use wsguard::core::diagnosis::Answer;
    /// assert!(Answer::read(503, "", "").is_gateway_failure());
    /// assert!(!Answer::read(500, "", "").is_gateway_failure());
    /// ```
    pub fn is_gateway_failure(&self) -> bool {
        matches!(self.status, 502..=504)
    }
}
