//! The kinds of close a diagnosis tells apart.

/// What went wrong (or did not): the class of a close, named in JS by its stable kebab-case
/// name ([`Kind::as_str`]).
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Kind};
/// let input = ClassifyInput { url: "ws://localhost:1/".into(), ..ClassifyInput::default() };
/// assert_eq!(classify_close(&input).kind, Kind::Unreachable);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum Kind {
    /// `mixed-content`: a `ws://` socket from an HTTPS page, blocked by the browser (a
    /// synchronous `SecurityError`) or refused by `insecure: "error"`. Never a loopback host.
    MixedContent,
    /// `certificate`: a `wss://` handshake failed and the TLS probe failed or was not made:
    /// an untrusted, expired or wrong-name certificate, or nothing answering at that address.
    Certificate,
    /// `handshake-rejected`: TLS works (the probe resolved) but the server or a proxy did not
    /// accept the upgrade (a 400/401/403/404/502 answer, a bad `Sec-WebSocket-Accept`, no
    /// sub-protocol selected).
    HandshakeRejected,
    /// `unreachable`: a `ws://` handshake failed (refused, reset, name not resolved, or the
    /// upgrade refused), or the browser refused to create the socket at all.
    Unreachable,
    /// `timeout`: the handshake took too long (our `connect_timeout_ms`, or the browser's own
    /// ~30 s `wss:` / ~240 s `ws:` limit).
    Timeout,
    /// `connection-lost`: an open connection dropped without a close frame (or our heartbeat
    /// found it dead).
    ConnectionLost,
    /// `idle-timeout`: an open connection without heartbeat dropped after a silence that
    /// matches a common proxy idle limit, or the previous drop's silence.
    IdleTimeout,
    /// `server-closed`: the server sent a close frame; the code says why.
    ServerClosed,
    /// `protocol-error`: the browser failed an open connection (`error`, then 1006), for
    /// example on an invalid UTF-8 text frame.
    ProtocolError,
    /// `offline`: the browser reports no network.
    Offline,
    /// `normal`: the application closed or replaced the connection itself.
    Normal,
    /// `suspended`: the page was not running (a sleeping device, a frozen or stopped page,
    /// the back/forward cache) and the connection did not survive it; nothing is wrong with
    /// the network or the server, and the client reconnects at once.
    Suspended,
    /// `restarting`: the server closed the connection for a restart (1001, 1012 or 1013) and
    /// is not back yet: connecting fails the way it does while a server restarts (a proxy's
    /// 502/503/504, nothing answering). Nothing to fix unless it lasts; wsguard keeps retrying.
    Restarting,
}

impl Kind {
    /// The stable name used in JS (`diagnosis.kind`) and on the console.
    ///
    /// ```
    /// use wsguard::core::diagnosis::Kind;
    /// assert_eq!(Kind::MixedContent.as_str(), "mixed-content");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MixedContent => "mixed-content",
            Self::Certificate => "certificate",
            Self::HandshakeRejected => "handshake-rejected",
            Self::Unreachable => "unreachable",
            Self::Timeout => "timeout",
            Self::ConnectionLost => "connection-lost",
            Self::IdleTimeout => "idle-timeout",
            Self::ServerClosed => "server-closed",
            Self::ProtocolError => "protocol-error",
            Self::Offline => "offline",
            Self::Normal => "normal",
            Self::Suspended => "suspended",
            Self::Restarting => "restarting",
        }
    }

    /// A bit of its own, for small sets of kinds.
    pub(super) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

// Every kind has a bit of its own only while a `u16` has a bit for each: `Restarting` is the last.
const _: () = assert!((Kind::Restarting as u32) < u16::BITS);
