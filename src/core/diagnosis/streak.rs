//! The failure streak: what the driver remembers between closes, so that the console gets
//! one warning per failure streak rather than one per attempt, the probe runs at most once
//! per streak, and the repeated-idle rule knows the previous drop.

use alloc::string::String;

use super::facts::{Facts, Probe};
use super::kind::Kind;
use super::probe::{probe_url, should_probe};
use super::report::Diagnosis;
use crate::core::time::Millis;

/// What to do about the TLS probe for one close (see [`Streak::plan_probe`]).
///
/// ```
/// use wsguard::core::diagnosis::{ProbePlan, Probe};
/// let plan = ProbePlan::Reuse(Probe::TlsOk);
/// assert!(!matches!(plan, ProbePlan::Run(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbePlan {
    /// Fetch this URL (see [`probe_url`]), then call [`Streak::record_probe`] and classify
    /// with the result.
    Run(String),
    /// This streak already probed the same host and port: classify with that result.
    Reuse(Probe),
    /// No probe: classify with [`Probe::Skipped`].
    Skip,
}

/// State kept across closes by the driver (one per client).
///
/// A **failure streak** starts with the first failing close ([`Diagnosis::is_failure`])
/// and ends when a socket opens ([`Streak::opened`]) or the application closes or replaces
/// the connection itself (a [`Kind::Normal`] close). Within a streak:
/// - each kind is warned about at most once (a retry that fails the same way stays quiet; a
///   streak that starts as `connection-lost` and goes on as `unreachable` says both);
/// - the TLS probe runs at most once, and its result is reused for later failures to the
///   same host and port, so the kind does not flip between attempts.
///
/// The silence of the last dropped connection survives the end of a streak: the
/// repeated-idle rule compares two drops with an open in between.
///
/// ```
/// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
/// let mut streak = Streak::new();
/// let failure = classify_close(&ClassifyInput::default());
/// assert!(streak.observe(&failure, true)); // first failure: warn
/// assert!(!streak.observe(&failure, true)); // the retry failed the same way: quiet
/// streak.opened();
/// assert!(streak.observe(&failure, true)); // a new streak
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Streak {
    /// The kinds already warned about in this streak, one bit each.
    warned: u16,
    /// The probe of this streak: its URL, and its result ([`Probe::Skipped`] while pending).
    probe: Option<(String, Probe)>,
    previous_idle_ms: Option<Millis>,
}

impl Streak {
    /// No streak, no probe, no previous drop.
    ///
    /// ```
    /// let streak = wsguard::core::diagnosis::Streak::new();
    /// assert_eq!(streak, Default::default());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// A socket opened: the streak (if any) ends.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
    /// let mut streak = Streak::new();
    /// let failure = classify_close(&ClassifyInput::default());
    /// streak.observe(&failure, true);
    /// streak.opened();
    /// assert!(streak.observe(&failure, true)); // a new streak warns again
    /// ```
    pub fn opened(&mut self) {
        self.warned = 0;
        self.probe = None;
    }

    /// How long the last dropped connection (`connection-lost` or `idle-timeout`) had been
    /// silent: pass it as [`Facts::previous_idle_ms`].
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
    /// let mut streak = Streak::new();
    /// let drop = ClassifyInput { was_open: true, idle_for_ms: 2_500, ..Default::default() };
    /// streak.observe(&classify_close(&drop), true);
    /// assert_eq!(streak.previous_idle_ms(), Some(2_500));
    /// ```
    pub fn previous_idle_ms(&self) -> Option<Millis> {
        self.previous_idle_ms
    }

    /// Whether a probe was started in this streak.
    ///
    /// ```
    /// use wsguard::core::diagnosis::Streak;
    /// assert!(!Streak::new().probed());
    /// ```
    pub fn probed(&self) -> bool {
        self.probe.is_some()
    }

    /// Decides about the TLS probe for this close (`enabled` is the `probe` option). On
    /// [`ProbePlan::Run`] the streak counts the probe as made; report its result with
    /// [`Streak::record_probe`].
    ///
    /// ```
    /// use wsguard::core::diagnosis::{Facts, Probe, ProbePlan, Streak};
    /// use wsguard::core::close::{CloseCause, CloseInfo};
    /// let close = CloseInfo {
    ///     socket: None, code: 1006, reason: String::new(), was_clean: false,
    ///     cause: CloseCause::Socket, was_open: false, open_for_ms: 0, idle_for_ms: 0,
    ///     lifetime_ms: 30, attempt: 0, will_retry: true, retry_in_ms: Some(600),
    ///     offline: false, errored: true,
    /// };
    /// let facts = Facts::new(&close, "wss://api.example:8443/ws");
    /// let mut streak = Streak::new();
    /// let plan = streak.plan_probe(&facts, true);
    /// assert_eq!(plan, ProbePlan::Run("https://api.example:8443/".into()));
    /// streak.record_probe("https://api.example:8443/", Probe::TlsOk);
    /// assert_eq!(streak.plan_probe(&facts, true), ProbePlan::Reuse(Probe::TlsOk));
    /// ```
    pub fn plan_probe(&mut self, facts: &Facts<'_>, enabled: bool) -> ProbePlan {
        if !should_probe(facts, enabled) {
            return ProbePlan::Skip;
        }
        let Some(url) = probe_url(facts.url) else {
            return ProbePlan::Skip;
        };
        match self.probe.as_ref() {
            Some((probed, result)) if *probed == url && *result != Probe::Skipped => {
                ProbePlan::Reuse(*result)
            }
            Some(_) => ProbePlan::Skip,
            None => {
                self.probe = Some((url.clone(), Probe::Skipped));
                ProbePlan::Run(url)
            }
        }
    }

    /// The probe of `url` finished with `result`.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{Probe, Streak};
    /// let mut streak = Streak::new();
    /// streak.record_probe("https://a.example/", Probe::TlsFailed);
    /// assert!(streak.probed());
    /// ```
    pub fn record_probe(&mut self, url: &str, result: Probe) {
        self.probe = Some((url.into(), result));
    }

    /// Takes note of a diagnosis, and answers whether to warn about it on the console
    /// (with [`Diagnosis::console_text`]); `log` is the `log` option.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
    /// let mut streak = Streak::new();
    /// let failure = classify_close(&ClassifyInput::default());
    /// assert!(!streak.observe(&failure, false)); // log: false silences it
    /// ```
    pub fn observe(&mut self, diagnosis: &Diagnosis, log: bool) -> bool {
        if matches!(diagnosis.kind, Kind::ConnectionLost | Kind::IdleTimeout) {
            self.previous_idle_ms = Some(diagnosis.idle_for_ms);
        }
        if diagnosis.kind == Kind::Normal {
            self.opened();
            return false;
        }
        if !diagnosis.is_failure() {
            return false;
        }
        let bit = diagnosis.kind.bit();
        let first_of_kind = self.warned & bit == 0;
        self.warned |= bit;
        log && first_of_kind
    }
}
