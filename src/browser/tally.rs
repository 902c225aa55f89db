//! Live counts of what the driver holds on to: event listeners, timers and sockets.
//!
//! Every guard increments its count when created and decrements it in `Drop`, so a test can
//! run many reconnect cycles and check that the counts come back to where they started: the
//! driver leaks nothing per connection.
//!
//! ```no_run
//! let before = wsguard::browser::tally::counts();
//! // … open, reconnect and close clients …
//! let leaked = wsguard::browser::tally::counts() != before; // false: nothing leaks
//! ```

use core::sync::atomic::{AtomicU32, Ordering};

// The WebAssembly build is single-threaded: these atomics compile to plain loads and stores.
static LISTENERS: AtomicU32 = AtomicU32::new(0);
static TIMERS: AtomicU32 = AtomicU32::new(0);
static SOCKETS: AtomicU32 = AtomicU32::new(0);

/// How many listeners, timers and sockets all clients hold right now.
///
/// ```no_run
/// let counts = wsguard::browser::tally::counts();
/// let sockets = counts.sockets; // the sockets alive, 0 once every client is dropped
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Event listeners attached (sockets, page events).
    pub listeners: u32,
    /// Timers armed.
    pub timers: u32,
    /// Browser sockets alive.
    pub sockets: u32,
}

/// The current counts.
///
/// ```no_run
/// let counts = wsguard::browser::tally::counts();
/// ```
pub fn counts() -> Counts {
    Counts {
        listeners: LISTENERS.load(Ordering::Relaxed),
        timers: TIMERS.load(Ordering::Relaxed),
        sockets: SOCKETS.load(Ordering::Relaxed),
    }
}

/// What a [`Tally`] counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Counted {
    Listener,
    Timer,
    Socket,
}

impl Counted {
    fn counter(self) -> &'static AtomicU32 {
        match self {
            Self::Listener => &LISTENERS,
            Self::Timer => &TIMERS,
            Self::Socket => &SOCKETS,
        }
    }
}

/// One counted thing: +1 while it lives.
#[derive(Debug)]
pub(crate) struct Tally(Counted);

impl Tally {
    pub(crate) fn new(what: Counted) -> Self {
        what.counter().fetch_add(1, Ordering::Relaxed);
        Self(what)
    }
}

impl Drop for Tally {
    fn drop(&mut self) {
        self.0.counter().fetch_sub(1, Ordering::Relaxed);
    }
}
