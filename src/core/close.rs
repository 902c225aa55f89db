//! Closes: the codes wsguard sends itself, the rule for a script's own `close()`, and the facts
//! about one ended socket ([`CloseInfo`]) that the machine reports and a diagnosis reads.

use alloc::string::String;
use core::fmt;

use super::socket_id::SocketId;
use super::text::{concat, decimal};
use super::time::Millis;

/// The close code sent when our connect timeout gives up on a socket.
///
/// wsguard's own codes sit in the 4900s of the private range, where applications rarely put
/// theirs; scripts may only send 1000 and 3000–4999.
///
/// ```
/// use wsguard::core::close::{CLOSE_CONNECT_TIMEOUT, CLOSE_HEARTBEAT_TIMEOUT, CLOSE_RECONNECT};
/// assert_eq!([CLOSE_CONNECT_TIMEOUT, CLOSE_HEARTBEAT_TIMEOUT, CLOSE_RECONNECT], [4900, 4901, 4902]);
/// ```
pub const CLOSE_CONNECT_TIMEOUT: u16 = 4900;

/// The close code sent when the heartbeat finds the connection dead.
///
/// ```
/// use wsguard::core::close::CLOSE_HEARTBEAT_TIMEOUT;
/// assert!((4000..5000).contains(&CLOSE_HEARTBEAT_TIMEOUT));
/// ```
pub const CLOSE_HEARTBEAT_TIMEOUT: u16 = 4901;

/// The close code sent when the user's `reconnect()` replaces the socket.
///
/// ```
/// use wsguard::core::close::CLOSE_RECONNECT;
/// assert_eq!(CLOSE_RECONNECT, 4902);
/// ```
pub const CLOSE_RECONNECT: u16 = 4902;

/// The close code sent when the page resumes after a suspension (restored from the
/// back/forward cache, or paused longer than the options allow without a heartbeat) and the
/// connection is replaced instead of trusted.
pub const CLOSE_SUSPENDED: u16 = 4903;

/// The close code reported for a socket that failed without a close event of its own.
pub(crate) const CODE_ABNORMAL: u16 = 1006;

/// The longest close reason, in UTF-8 bytes, that a browser accepts.
///
/// ```
/// use wsguard::core::close::MAX_CLOSE_REASON_BYTES;
/// assert!("bye".len() <= MAX_CLOSE_REASON_BYTES);
/// ```
pub const MAX_CLOSE_REASON_BYTES: usize = 123;

/// What ended a socket.
///
/// ```
/// use wsguard::core::close::CloseCause;
/// assert_ne!(CloseCause::UserClose, CloseCause::Socket);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseCause {
    /// The browser reported the close (the server closed, or the connection failed).
    Socket,
    /// The browser reported an `error` and no `close` followed within the grace: a socket the
    /// browser blocked before it connected (Chromium does so for the page's
    /// Content-Security-Policy, WebKit for any `ws:` socket on an HTTPS page, loopback too).
    NoCloseEvent,
    /// Opening the socket failed synchronously (the constructor threw, or the URL could not
    /// be resolved).
    OpenFailed,
    /// Our connect timeout closed it.
    ConnectTimeout,
    /// Our heartbeat found it dead and closed it.
    HeartbeatTimeout,
    /// The user's `close()`.
    UserClose,
    /// The user's `reconnect()`.
    UserReconnect,
    /// The page was suspended (a sleeping device, a frozen or stopped page, the back/forward
    /// cache) while the socket was alive, and the socket did not survive it: the browser
    /// closed it after the page resumed, the heartbeat sent on resuming got no answer, or
    /// wsguard replaced it on resuming.
    Suspended,
}

/// The facts about one ended socket (or a `close()` while no socket was alive): what the
/// close event reports, and what a diagnosis needs.
///
/// ```
/// use wsguard::core::machine::{Action, Event, Machine};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let id = machine.socket().unwrap();
/// machine.handle_socket_close(5, id, 1006, "", false);
/// let info = std::iter::from_fn(|| machine.poll_action())
///     .find_map(|a| match a { Action::Emit(Event::Close(info)) => Some(info), _ => None })
///     .unwrap();
/// assert!(!info.was_open && info.will_retry && info.lifetime_ms == 5);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseInfo {
    /// The socket, or `None` for a `close()` while none was alive.
    pub socket: Option<SocketId>,
    /// The close code: the browser's, or the one wsguard sent, or 1006 for a failed open.
    pub code: u16,
    /// The close reason, as for `code`.
    pub reason: String,
    /// Whether the closing handshake completed.
    pub was_clean: bool,
    /// What ended it.
    pub cause: CloseCause,
    /// Whether the socket had opened.
    pub was_open: bool,
    /// How long it was open (0 if it never opened).
    pub open_for_ms: Millis,
    /// How long since its last inbound message, or since it opened (0 if it never opened).
    pub idle_for_ms: Millis,
    /// How long since the machine asked for it to be opened.
    pub lifetime_ms: Millis,
    /// The attempt that opened it: 0 for a first attempt, `n` for the n-th retry.
    pub attempt: u32,
    /// Whether the client will try again (at once, after `retry_in_ms`, or when back online).
    pub will_retry: bool,
    /// The delay before the next attempt; `None` when it waits for the network or gives up.
    pub retry_in_ms: Option<Millis>,
    /// Whether the network was reported offline.
    pub offline: bool,
    /// Whether the socket reported an `error` event first.
    pub errored: bool,
}

/// A `close()` call the browser would refuse.
///
/// ```
/// use wsguard::core::machine::{CloseError, Machine};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// assert_eq!(machine.handle_close(0, 1001, ""), Err(CloseError::InvalidCode(1001)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseError {
    /// The code is neither 1000 nor in 3000–4999 (the browser throws `InvalidAccessError`).
    InvalidCode(u16),
    /// The reason is longer than 123 UTF-8 bytes (the browser throws `SyntaxError`).
    ReasonTooLong {
        /// The reason's length in bytes.
        bytes: usize,
    },
}

impl CloseError {
    /// The error in a sentence, starting with `wsguard: `.
    ///
    /// ```
    /// use wsguard::core::close::CloseError;
    /// assert_eq!(
    ///     CloseError::InvalidCode(1001).message(),
    ///     "wsguard: close() code 1001 is not allowed; use 1000 or 3000-4999",
    /// );
    /// ```
    pub fn message(&self) -> String {
        match *self {
            Self::InvalidCode(code) => concat(&[
                "wsguard: close() code ",
                &decimal(code.into()),
                " is not allowed; use 1000 or 3000-4999",
            ]),
            Self::ReasonTooLong { bytes } => concat(&[
                "wsguard: close() reason is ",
                &decimal(bytes as u64),
                " bytes long; at most 123 UTF-8 bytes are allowed",
            ]),
        }
    }
}

impl fmt::Display for CloseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl core::error::Error for CloseError {}

/// Whether the browser's own `close(code, reason)` would accept these: the code 1000 or in
/// 3000–4999, the reason at most [`MAX_CLOSE_REASON_BYTES`] UTF-8 bytes.
pub(crate) fn check_user_close(code: u16, reason: &str) -> Result<(), CloseError> {
    if code != 1000 && !(3000..=4999).contains(&code) {
        return Err(CloseError::InvalidCode(code));
    }
    if reason.len() > MAX_CLOSE_REASON_BYTES {
        return Err(CloseError::ReasonTooLong {
            bytes: reason.len(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_close_takes_1000_or_3000_to_4999() {
        for code in [1000, 3000, 4000, 4999] {
            assert_eq!(check_user_close(code, ""), Ok(()), "{code}");
        }
        for code in [0, 999, 1001, 1006, 2999, 5000, u16::MAX] {
            assert_eq!(
                check_user_close(code, ""),
                Err(CloseError::InvalidCode(code))
            );
        }
    }

    #[test]
    fn a_user_close_reason_is_counted_in_utf8_bytes() {
        let at_limit = "é".repeat(MAX_CLOSE_REASON_BYTES / 2) + "a";
        assert_eq!(at_limit.len(), MAX_CLOSE_REASON_BYTES);
        assert_eq!(check_user_close(1000, &at_limit), Ok(()));
        let over = "é".repeat(MAX_CLOSE_REASON_BYTES / 2 + 1);
        assert_eq!(
            check_user_close(1000, &over),
            Err(CloseError::ReasonTooLong { bytes: over.len() })
        );
    }

    #[test]
    fn wsguards_own_codes_are_ones_a_script_may_send() {
        for code in [
            CLOSE_CONNECT_TIMEOUT,
            CLOSE_HEARTBEAT_TIMEOUT,
            CLOSE_RECONNECT,
            CLOSE_SUSPENDED,
        ] {
            assert_eq!(check_user_close(code, "wsguard: heartbeat timeout"), Ok(()));
        }
    }
}
