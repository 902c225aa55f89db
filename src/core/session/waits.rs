//! What a session waits for besides the machine's own timers, and the one deadline that covers
//! them all: the settle of `online` (`page.rs`), the HTTPS probe ([`PROBE_TIMEOUT_MS`]) and an
//! attempt's URL function (it has `connect_timeout_ms` to answer).

use alloc::string::String;

use super::{Pending, Session};
use crate::core::diagnosis::Probe;
use crate::core::machine::{State, LATE_TIMER_MS};
use crate::core::socket_id::SocketId;
use crate::core::text::{concat, decimal};
use crate::core::time::Millis;

/// How long the HTTPS probe may take: at this deadline the diagnosis goes on as if the probe
/// had not reached the server, and the driver is told to abandon the request
/// ([`SessionEvent::AbandonProbe`](super::SessionEvent::AbandonProbe)).
///
/// ```
/// assert_eq!(wsguard::core::session::PROBE_TIMEOUT_MS, 3000);
/// ```
pub const PROBE_TIMEOUT_MS: Millis = 3000;

impl<M> Session<M> {
    /// The URL function of attempt `socket` returned a Promise: until
    /// [`url_settled`](Self::url_settled), the attempt waits for it, and fails with its own
    /// message once `connect_timeout_ms` has passed.
    ///
    /// ```
    /// use wsguard::core::machine::SocketAction;
    /// use wsguard::core::session::{Session, SessionEvent};
    /// let mut session: Session<u32> = Session::new(Default::default(), 1, false, String::new());
    /// session.start(0, true);
    /// let Some(SocketAction::Open { socket, .. }) = session.poll_action() else { panic!() };
    /// session.url_pending(socket);
    /// session.timeout(10_000); // the default connect timeout
    /// while session.poll_action().is_some() {}
    /// let failed = std::iter::from_fn(|| session.poll_event(true))
    ///     .any(|event| matches!(event, SessionEvent::UrlFunctionTimeout { .. }));
    /// assert!(failed && !session.url_settled(socket)); // a late answer is not used
    /// ```
    pub fn url_pending(&mut self, socket: SocketId) {
        if self.machine.socket() == Some(socket) {
            self.url_pending = Some(socket);
        }
    }

    /// The URL function of attempt `socket` answered (or failed): whether the attempt still
    /// wants it. `false` for an attempt already over (timed out, closed, replaced): the driver
    /// drops the answer.
    ///
    /// ```
    /// use wsguard::core::machine::SocketAction;
    /// use wsguard::core::session::Session;
    /// let mut session: Session<u32> = Session::new(Default::default(), 1, false, String::new());
    /// session.start(0, true);
    /// let Some(SocketAction::Open { socket, .. }) = session.poll_action() else { panic!() };
    /// session.url_pending(socket);
    /// assert!(session.url_settled(socket));
    /// ```
    pub fn url_settled(&mut self, socket: SocketId) -> bool {
        if self.url_pending == Some(socket) {
            self.url_pending = None;
        }
        self.machine.socket() == Some(socket) && self.machine.state() == State::Connecting
    }

    /// The timer fired (an early or spurious call does nothing).
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.timeout(1000);
    /// ```
    pub fn timeout(&mut self, now: Millis) {
        let now = self.tick(now);
        if self.settle_deadline().is_some() {
            self.settle_network(now);
        }
        self.expire_probes(now);
        self.expire_url_wait(now);
        self.machine.handle_timeout(now);
    }

    /// When the timer must fire next, if at all: the machine's timers, the settle of `online`,
    /// the probes' deadlines.
    ///
    /// ```
    /// # let session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// let deadline = session.deadline();
    /// ```
    pub fn deadline(&self) -> Option<Millis> {
        let mut earliest = self.machine.poll_timeout();
        let mut consider = |at: Millis| earliest = Some(earliest.map_or(at, |e| e.min(at)));
        if let Some(at) = self.settle_deadline() {
            consider(at);
        }
        self.probing.iter().for_each(|(_, at, _)| consider(*at));
        earliest
    }

    /// Whether a probe of `url` is out (a diagnosis waits for it).
    pub(super) fn probe_out(&self, url: &str) -> bool {
        self.probing.iter().any(|(probed, ..)| probed == url)
    }

    /// Probes past their deadline: abandoned, and taken as not reached.
    fn expire_probes(&mut self, now: Millis) {
        while let Some((url, ..)) = self.probing.iter().find(|(_, at, _)| *at <= now) {
            let url = url.clone();
            self.settle_probe(&url, Probe::TlsFailed, None);
            self.events.push_back(Pending::AbandonProbe(url));
        }
    }

    /// An attempt still waiting for its URL function when its connect timeout passes fails,
    /// saying so. A timer that fired late (the page was not running) is the machine's: the
    /// attempt gets a fresh connect timeout.
    fn expire_url_wait(&mut self, now: Millis) {
        let Some(socket) = self.url_pending else {
            return;
        };
        if self.machine.socket() != Some(socket) || self.machine.state() != State::Connecting {
            self.url_pending = None;
            return;
        }
        let due = self.machine.connect_deadline();
        if !due.is_some_and(|at| at <= now && now - at < LATE_TIMER_MS) {
            return;
        }
        self.url_pending = None;
        let options = self.machine.options();
        let message = url_timeout_text(options.connect_timeout_ms);
        let warn = options.log;
        self.mixed_content = false;
        self.open_error = Some(message.clone());
        self.events.push_back(Pending::UrlTimeout { message, warn });
        self.machine.handle_open_failed(now, socket);
    }
}

/// What an attempt whose URL function did not answer within `timeout_ms` reports.
fn url_timeout_text(timeout_ms: Millis) -> String {
    concat(&[
        "wsguard: the URL function did not answer within ",
        &decimal(timeout_ms),
        " ms (`connect_timeout_ms`)",
    ])
}
