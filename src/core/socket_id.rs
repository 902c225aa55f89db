//! The names of sockets: every socket the machine asks for gets a [`SocketId`], and every
//! report about it carries that id back.

/// Names one socket the machine asked the driver to open. Ids increase and are never reused.
///
/// ```
/// use wsguard::core::machine::Machine;
/// use wsguard::core::options::Options;
/// let mut machine: Machine<()> = Machine::new(Options::default(), 1);
/// machine.handle_start(0);
/// let first = machine.socket().unwrap();
/// machine.handle_reconnect(10);
/// assert!(machine.socket().unwrap() > first);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SocketId(u64);

impl SocketId {
    /// The id as a number, for a driver that names sockets across a language boundary.
    ///
    /// ```
    /// use wsguard::core::machine::SocketId;
    /// assert_eq!(SocketId::from_number(7).number(), 7);
    /// ```
    pub fn number(self) -> u64 {
        self.0
    }

    /// The id a driver got as [`number`](Self::number). An id the machine never gave names no
    /// socket, and inputs for it are ignored.
    ///
    /// ```
    /// use wsguard::core::machine::SocketId;
    /// let id = SocketId::from_number(3);
    /// assert_eq!(id.number(), 3);
    /// ```
    pub fn from_number(number: u64) -> Self {
        Self(number)
    }

    /// The id after this one.
    pub(crate) fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::SocketId;

    #[test]
    fn ids_keep_their_number_and_increase() {
        let first = SocketId::from_number(41);
        assert_eq!(first.number(), 41);
        assert_eq!(first.next().number(), 42);
        assert!(first.next() > first);
    }
}
