//! The failure streak: what the driver remembers between closes, so that the console gets
//! one warning per failure streak rather than one per attempt, the probe runs at most once
//! per streak, and the repeated-idle rule knows the previous drop.

use alloc::string::String;

use super::answer::Answer;
use super::facts::{Facts, Probe};
use super::kind::Kind;
use super::probe::{probe_request, should_probe, ProbeRequest};
use super::report::Diagnosis;
use crate::core::time::Millis;

/// What to do about the probe for one close (see [`Streak::plan_probe`]).
///
/// ```
/// use wsguard::core::diagnosis::{ProbePlan, Probe};
/// let plan = ProbePlan::Reuse(Probe::TlsOk, None);
/// assert!(!matches!(plan, ProbePlan::Run(_)));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbePlan {
    /// Make this request (see [`probe_request`](super::probe_request)), then call
    /// [`Streak::record_probe`] and classify with the result.
    Run(ProbeRequest),
    /// This streak already probed the same URL: classify with that result (and answer).
    Reuse(Probe, Option<Answer>),
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
/// - the probe runs at most once, and its result is reused for later failures to the same
///   URL, so the kind does not flip between attempts;
/// - a streak that began with the server's own close for a restart (1001, 1012, 1013) is a
///   restart in progress: that close is not warned about, and
///   [`Streak::since_restart_ms`] tells the classifier how long it has lasted.
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
    /// Whether this streak has seen a failure yet.
    failing: bool,
    /// The probe of this streak: its URL, and its result ([`Probe::Skipped`] while pending).
    probe: Option<(String, Probe, Option<Answer>)>,
    previous_idle_ms: Option<Millis>,
    /// When the server's restart close that began this streak happened.
    restart_at: Option<Millis>,
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
        self.failing = false;
        self.probe = None;
        self.restart_at = None;
    }

    /// How long before `now` the server closed with a restart code (1001, 1012, 1013) the
    /// connection whose end began this failure streak; `None` for any other streak. Pass it
    /// as [`Facts::since_restart_ms`].
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
    /// let mut streak = Streak::new();
    /// let restart = ClassifyInput { code: 1012, was_clean: true, was_open: true, ..Default::default() };
    /// streak.observe_at(&classify_close(&restart), true, 1_000);
    /// assert_eq!(streak.since_restart_ms(4_000), Some(3_000));
    /// ```
    pub fn since_restart_ms(&self, now: Millis) -> Option<Millis> {
        self.restart_at.map(|at| now.saturating_sub(at))
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

    /// Decides about the probe for this close (`enabled` is the `probe` option). On
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
    /// let ProbePlan::Run(request) = streak.plan_probe(&facts, true) else { panic!() };
    /// assert_eq!(request.url, "https://api.example:8443/");
    /// streak.record_probe(&request.url, Probe::TlsOk, None);
    /// assert_eq!(streak.plan_probe(&facts, true), ProbePlan::Reuse(Probe::TlsOk, None));
    /// ```
    pub fn plan_probe(&mut self, facts: &Facts<'_>, enabled: bool) -> ProbePlan {
        if !should_probe(facts, enabled) {
            return ProbePlan::Skip;
        }
        let Some(request) = probe_request(facts) else {
            return ProbePlan::Skip;
        };
        match self.probe.as_ref() {
            Some((probed, result, answer))
                if *probed == request.url && *result != Probe::Skipped =>
            {
                ProbePlan::Reuse(*result, *answer)
            }
            Some(_) => ProbePlan::Skip,
            None => {
                self.probe = Some((request.url.clone(), Probe::Skipped, None));
                ProbePlan::Run(request)
            }
        }
    }

    /// The probe of `url` finished with `result` (and, for [`Probe::Answered`], `answer`).
    ///
    /// ```
    /// use wsguard::core::diagnosis::{Probe, Streak};
    /// let mut streak = Streak::new();
    /// streak.record_probe("https://a.example/", Probe::TlsFailed, None);
    /// assert!(streak.probed());
    /// ```
    pub fn record_probe(&mut self, url: &str, result: Probe, answer: Option<Answer>) {
        self.probe = Some((url.into(), result, answer));
    }

    /// Takes note of a diagnosis, and answers whether to warn about it on the console
    /// (with [`Diagnosis::console_text`]); `log` is the `log` option. The same as
    /// [`Streak::observe_at`] at time 0, for callers without a clock.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
    /// let mut streak = Streak::new();
    /// let failure = classify_close(&ClassifyInput::default());
    /// assert!(!streak.observe(&failure, false)); // log: false silences it
    /// ```
    pub fn observe(&mut self, diagnosis: &Diagnosis, log: bool) -> bool {
        self.observe_at(diagnosis, log, 0)
    }

    /// [`Streak::observe`] for a close that happened at `now`: a server's restart close
    /// (1001, 1012, 1013) that begins a streak starts a restart, which is not warned about.
    ///
    /// ```
    /// use wsguard::core::diagnosis::{classify_close, ClassifyInput, Streak};
    /// let mut streak = Streak::new();
    /// let restart = ClassifyInput { code: 1001, was_clean: true, was_open: true, ..Default::default() };
    /// assert!(!streak.observe_at(&classify_close(&restart), true, 500));
    /// ```
    pub fn observe_at(&mut self, diagnosis: &Diagnosis, log: bool, now: Millis) -> bool {
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
        let began = !self.failing;
        self.failing = true;
        if began && diagnosis.is_restart_close() {
            self.restart_at = Some(now);
            return false;
        }
        let bit = diagnosis.kind.bit();
        let first_of_kind = self.warned & bit == 0;
        self.warned |= bit;
        log && first_of_kind
    }
}
