//! The diagnosis bookkeeping: the facts of each ended socket, the HTTPS probe it may wait
//! for, and the failure streak that decides the console warning.

use super::output::SessionEvent;
use super::{ClosedAttempt, Pending, Session};
use crate::core::diagnosis::{classify, probe_url, should_probe, Facts, Probe, ProbePlan};

impl<M> Session<M> {
    /// The HTTPS probe against `origin` answered: the diagnoses that waited for it are queued.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.probe_finished("https://h/", wsguard::core::diagnosis::Probe::TlsOk);
    /// ```
    pub fn probe_finished(&mut self, origin: &str, result: Probe) {
        self.streak.record_probe(origin, result);
        let mut index = 0;
        while index < self.probing.len() {
            if self.probing[index].0 == origin {
                let (_, ended) = self.probing.remove(index);
                self.events.push_back(Pending::Probed(ended, result));
            } else {
                index += 1;
            }
        }
    }

    /// The diagnosis of an ended socket, or the probe it waits for.
    pub(super) fn diagnose(
        &mut self,
        ended: ClosedAttempt,
        online: bool,
    ) -> Option<SessionEvent<M>> {
        let facts = self.facts(&ended, Probe::Skipped, online);
        let enabled = self.machine.options().probe;
        // A failure while this origin's probe is still out waits for its answer, so that the
        // streak is diagnosed with one result throughout.
        let waiting = probe_url(&ended.url)
            .filter(|origin| self.probing.iter().any(|(probed, _)| probed == origin))
            .filter(|_| should_probe(&facts, enabled));
        if let Some(origin) = waiting {
            self.probing.push((origin, ended));
            return None;
        }
        match self.streak.plan_probe(&facts, enabled) {
            ProbePlan::Skip => Some(self.diagnosis_event(&ended, Probe::Skipped, online)),
            ProbePlan::Reuse(result) => Some(self.diagnosis_event(&ended, result, online)),
            ProbePlan::Run(origin) => {
                self.probing.push((origin.clone(), ended));
                Some(SessionEvent::Probe { origin })
            }
        }
    }

    /// The diagnosis event; a `close()` made since the socket ended (by a listener, or while
    /// the probe ran) means that no retry follows after all.
    pub(super) fn diagnosis_event(
        &mut self,
        ended: &ClosedAttempt,
        probe: Probe,
        online: bool,
    ) -> SessionEvent<M> {
        let mut info = ended.info.clone();
        if self.is_closing() {
            info.will_retry = false;
            info.retry_in_ms = None;
        }
        let facts = Facts {
            close: &info,
            ..self.facts(ended, probe, online)
        };
        let diagnosis = classify(&facts);
        let warn = self.streak.observe(&diagnosis, self.machine.options().log);
        SessionEvent::Diagnosis { diagnosis, warn }
    }

    /// What the classifier needs to know about an ended socket.
    fn facts<'a>(&self, ended: &'a ClosedAttempt, probe: Probe, online: bool) -> Facts<'a> {
        Facts {
            page_secure: self.page_secure,
            mixed_content: ended.mixed_content,
            online,
            probe,
            heartbeat: self.machine.options().heartbeat.is_some(),
            previous_idle_ms: self.streak.previous_idle_ms(),
            open_error: ended.open_error.as_deref(),
            ..Facts::new(&ended.info, &ended.url)
        }
    }
}
