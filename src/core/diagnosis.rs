//! Failure diagnosis: tells apart the failures a browser reports all alike.
//!
//! Browsers report nearly every WebSocket failure the same way: an `error` event, then a
//! `close` with code 1006, an empty reason and `wasClean = false`. The exact network error
//! (`ERR_CERT_AUTHORITY_INVALID`, "Unexpected response code: 403", …) reaches only the
//! DevTools console, which scripts cannot read. What a page *can* observe still separates
//! most causes:
//!
//! - **the phase**: whether the socket ever opened, and whether an `error` came first;
//! - **the close frame**: `wasClean` means the server closed on purpose, with a code;
//! - **what wsguard did itself**: the user's `close()`, our connect timeout, our heartbeat;
//! - **the network**: `navigator.onLine`;
//! - **timing**: a handshake that lasted as long as the browser's own limit, a connection
//!   that dropped after a silence matching a common proxy idle limit or the previous drop;
//! - **what wsguard did to the URL**: a `ws:` URL it upgraded to `wss:` on an HTTPS page;
//! - **the page's own origin**: a `wss:` socket there shares the TLS setup the page loaded
//!   over, so its certificate is not the cause;
//! - **the failure streak**: one that began with the server's own close for a restart (1001,
//!   1012, 1013) is a restart in progress for [`RESTART_GRACE_MS`];
//! - **one probe** after a handshake failure (see [`should_probe`] and [`probe_request`]): on
//!   the page's own origin, a plain request to the socket's own URL whose HTTP status (and the
//!   software that gave it) the page may read ([`Answer`]); elsewhere, a `no-cors` `fetch` of
//!   `https://host:port/` tells "TLS works, so the upgrade was refused" from "TLS failed or
//!   nothing answers".
//!
//! This module is pure: the browser driver gathers the [`Facts`], runs the probe when
//! [`should_probe`] says so, calls [`classify`], and lets a [`Streak`] decide what reaches
//! the console. Pages that keep their own `WebSocket` use [`classify_close`].
//!
//! | facts (first rule that matches wins) | [`Kind`] |
//! |---|---|
//! | the application's `close()` or `reconnect()` | `normal` |
//! | lost to a suspension ([`CloseCause::Suspended`](crate::core::close::CloseCause::Suspended)) | `suspended` |
//! | mixed-content `SecurityError`, or `insecure: "error"` refused the URL | `mixed-content` |
//! | a close frame (`wasClean`) | `server-closed` |
//! | the constructor threw for another reason | `unreachable` |
//! | `navigator.onLine` false, or the machine saw `offline` | `offline` |
//! | our connect timeout, or a never-opened socket that lasted the browser's own handshake limit | `timeout` |
//! | our heartbeat got no answer | `connection-lost` |
//! | never opened, `ws:` on an HTTPS page, an `error` and no `close` (WebKit's mixed-content block) | `mixed-content` |
//! | never opened, a URL wsguard upgraded from `ws:` on another origin, TLS failed (1015) or probe not `tls-ok` | `mixed-content` |
//! | never opened, close code 1015 (Firefox's failed TLS handshake) | `certificate` |
//! | never opened within [`RESTART_GRACE_MS`] of the server's restart close, no 4xx answer | `restarting` |
//! | never opened, the same-origin probe answered (status → wording: 502–504, 404, 401/403, 400/426) | `handshake-rejected` |
//! | never opened, on the page's own origin, no answer | `unreachable` |
//! | never opened, `ws:` | `unreachable` |
//! | never opened, `wss:`, probe resolved | `handshake-rejected` |
//! | never opened, `wss:`, probe rejected or not made | `certificate` |
//! | opened, then `error` and close | `protocol-error` |
//! | opened, dropped after a silence matching a common idle limit or the previous drop, no heartbeat | `idle-timeout` |
//! | opened, dropped | `connection-lost` |
//!
//! ```
//! use wsguard::core::diagnosis::{classify, Facts, Kind, Probe};
//! use wsguard::core::close::{CloseCause, CloseInfo};
//!
//! let close = CloseInfo {
//!     socket: None, code: 1006, reason: String::new(), was_clean: false,
//!     cause: CloseCause::Socket, was_open: false, open_for_ms: 0, idle_for_ms: 0,
//!     lifetime_ms: 40, attempt: 0, will_retry: true, retry_in_ms: Some(800),
//!     offline: false, errored: true,
//! };
//! let facts = Facts { probe: Probe::TlsOk, ..Facts::new(&close, "wss://api.example/ws?token=x") };
//! let diagnosis = classify(&facts);
//! assert_eq!(diagnosis.kind, Kind::HandshakeRejected);
//! assert_eq!(diagnosis.url, "wss://api.example/ws");
//! ```

mod answer;
mod classify;
mod facts;
mod idle;
mod input;
mod kind;
mod probe;
mod report;
mod streak;
mod text;
mod text_handshake;

pub use answer::{Answer, Software};
pub use classify::classify;
pub use facts::{is_wss, Facts, Probe};
pub use idle::{matches_common_idle_limit, matches_previous_idle, IdleLimit, COMMON_IDLE_LIMITS};
pub use input::{classify_close, ClassifyInput};
pub use kind::Kind;
pub use probe::{
    probe_request, probe_url, reached_browser_handshake_limit, same_origin, should_probe,
    ProbeRequest,
};
pub use report::Diagnosis;
pub use streak::{ProbePlan, Streak};
pub use text::close_code_meaning;
pub use text_handshake::RESTART_GRACE_MS;
