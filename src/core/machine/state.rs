//! The machine's states.

/// Where the client is.
///
/// ```
/// use wsguard::core::machine::{Machine, State};
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// assert_eq!(machine.state(), State::Idle);
/// machine.handle_start(0);
/// assert_eq!(machine.state(), State::Connecting);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum State {
    /// Created, not started yet.
    Idle,
    /// A socket is connecting.
    Connecting,
    /// The socket is open.
    Open,
    /// The user called `close()`; waiting for the socket to close.
    Closing,
    /// Waiting for the backoff delay before the next attempt.
    Reconnecting,
    /// Waiting for the network to come back (no retries spent meanwhile).
    Offline,
    /// Final: closed by the user, by a fatal close code, or out of retries. Only the user's
    /// `reconnect()` leaves it.
    Closed,
}

impl State {
    /// The state's name for JS (`"connecting"`, `"open"`, …).
    ///
    /// ```
    /// use wsguard::core::machine::State;
    /// assert_eq!(State::Open.as_str(), "open");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Closing => "closing",
            Self::Reconnecting => "reconnecting",
            Self::Offline => "offline",
            Self::Closed => "closed",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::State;

    #[test]
    fn state_names_are_distinct_lower_case_words() {
        let all = [
            State::Idle,
            State::Connecting,
            State::Open,
            State::Closing,
            State::Reconnecting,
            State::Offline,
            State::Closed,
        ];
        for (i, state) in all.iter().enumerate() {
            let name = state.as_str();
            assert!(name.bytes().all(|b| b.is_ascii_lowercase()), "{name}");
            assert!(all[..i].iter().all(|s| s.as_str() != name), "{name} twice");
        }
    }
}
