//! Live counts of what the driver holds on to: event listeners, timers and sockets.
//!
//! Every guard in this module increments its count when created and decrements it in `Drop`,
//! so a test can run many reconnect cycles and check that the counts come back to where they
//! started: the driver leaks nothing per connection.
//!
//! ```no_run
//! let before = wsguard::browser::tally::counts();
//! // … open, reconnect and close clients …
//! assert_eq!(wsguard::browser::tally::counts(), before);
//! ```

use std::cell::Cell;

thread_local! {
    static LISTENERS: Cell<u32> = const { Cell::new(0) };
    static TIMERS: Cell<u32> = const { Cell::new(0) };
    static SOCKETS: Cell<u32> = const { Cell::new(0) };
}

/// A snapshot of the live counts.
///
/// ```no_run
/// let counts = wsguard::browser::tally::counts();
/// assert!(counts.sockets <= counts.listeners);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Event listeners attached (to sockets, the window, the document and handler slots).
    pub listeners: u32,
    /// Timers armed.
    pub timers: u32,
    /// WebSockets held.
    pub sockets: u32,
}

/// The live counts now.
///
/// ```no_run
/// assert_eq!(wsguard::browser::tally::counts().timers, 0);
/// ```
pub fn counts() -> Counts {
    Counts {
        listeners: LISTENERS.with(Cell::get),
        timers: TIMERS.with(Cell::get),
        sockets: SOCKETS.with(Cell::get),
    }
}

/// Which count a [`Tally`] adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum What {
    Listener,
    Timer,
    Socket,
}

impl What {
    fn add(self, delta: i32) {
        let cell = match self {
            Self::Listener => &LISTENERS,
            Self::Timer => &TIMERS,
            Self::Socket => &SOCKETS,
        };
        cell.with(|count| count.set(count.get().saturating_add_signed(delta)));
    }
}

/// Counts one live thing for as long as it exists: embed it in the guard that owns the thing.
#[derive(Debug)]
pub(crate) struct Tally(What);

impl Tally {
    pub(crate) fn new(what: What) -> Self {
        what.add(1);
        Self(what)
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        self.0.add(-1);
    }
}
