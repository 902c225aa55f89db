//! The diagnosis bookkeeping: what the page and the URL tell (its origin, an upgraded URL), the
//! facts of each ended socket, the probe it may wait for, and
//! the failure streak that decides the console warning.

use super::output::SessionEvent;
use super::{ClosedAttempt, Pending, Session, PROBE_TIMEOUT_MS};
use crate::core::diagnosis::{
    classify, probe_request, same_origin, should_probe, Answer, Facts, Probe, ProbePlan,
};

impl<M> Session<M> {
    /// The page's own address (`location.href`): a socket on its origin is probed with a
    /// plain request to the socket's own URL, and is never blamed on a certificate the page
    /// itself loaded over.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, true, "wss://h/ws".into());
    /// session.set_page("https://h/app");
    /// ```
    pub fn set_page(&mut self, href: &str) {
        self.page = Some(href.into());
    }

    /// Whether wsguard rewrote the current URL from `ws:` to `wss:` (`insecure: "upgrade"` on
    /// an HTTPS page), as [`Resolved::upgraded_from`](crate::core::url::Resolved) tells.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, true, "wss://h:8080/ws".into());
    /// session.set_upgraded(true);
    /// ```
    pub fn set_upgraded(&mut self, upgraded: bool) {
        self.upgraded = upgraded;
    }

    /// The probe of `url` finished without an HTTP answer the page could read: the diagnoses
    /// that waited for it are queued. An answer after the probe's deadline
    /// ([`PROBE_TIMEOUT_MS`]), or to no probe, is ignored.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, false, "ws://h/ws".into());
    /// # session.start(0, true);
    /// session.probe_finished("https://h/", wsguard::core::diagnosis::Probe::TlsOk);
    /// ```
    pub fn probe_finished(&mut self, url: &str, result: Probe) {
        if self.probe_out(url) {
            self.settle_probe(url, result, None);
        }
    }

    /// The same-origin probe of `url` got an HTTP answer: its `status`, its `Server` header
    /// (empty when absent) and the start of its body (empty when not read). Ignored after the
    /// probe's deadline.
    ///
    /// ```
    /// # let mut session: wsguard::core::session::Session<u32> =
    /// #     wsguard::core::session::Session::new(Default::default(), 1, true, "wss://h/ws".into());
    /// # session.start(0, true);
    /// session.probe_answered("https://h/ws", 502, "nginx/1.22.1", "");
    /// ```
    pub fn probe_answered(&mut self, url: &str, status: u16, server: &str, body: &str) {
        if self.probe_out(url) {
            let answer = Answer::read(status, server, body);
            self.settle_probe(url, Probe::Answered, Some(answer));
        }
    }

    /// The probe of `url` settled (or passed its deadline): the diagnoses that waited for it
    /// are queued.
    pub(super) fn settle_probe(&mut self, url: &str, result: Probe, answer: Option<Answer>) {
        self.streak.record_probe(url, result, answer);
        let mut index = 0;
        while index < self.probing.len() {
            if self.probing[index].0 == url {
                let (_, _, ended) = self.probing.remove(index);
                self.events
                    .push_back(Pending::Probed(ended, result, answer));
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
        let facts = self.facts(&ended, Probe::Skipped, None, online);
        let enabled = self.machine.options().probe;
        // A failure while the same probe is still out waits for its answer, so that the
        // streak is diagnosed with one result throughout.
        let waiting = probe_request(&facts)
            .filter(|_| should_probe(&facts, enabled))
            .and_then(|request| {
                let out = self
                    .probing
                    .iter()
                    .find(|(probed, ..)| *probed == request.url);
                out.map(|(_, deadline, _)| (request.url, *deadline))
            });
        if let Some((url, deadline)) = waiting {
            self.probing.push((url, deadline, ended));
            return None;
        }
        match self.streak.plan_probe(&facts, enabled) {
            ProbePlan::Skip => Some(self.diagnosis_event(&ended, Probe::Skipped, None, online)),
            ProbePlan::Reuse(result, answer) => {
                Some(self.diagnosis_event(&ended, result, answer, online))
            }
            ProbePlan::Run(request) => {
                let deadline = self.tick(0).saturating_add(PROBE_TIMEOUT_MS);
                self.probing.push((request.url.clone(), deadline, ended));
                Some(SessionEvent::Probe {
                    url: request.url,
                    same_origin: request.same_origin,
                })
            }
        }
    }

    /// The diagnosis event; a `close()` made since the socket ended (by a listener, or while
    /// the probe ran) means that no retry follows after all.
    pub(super) fn diagnosis_event(
        &mut self,
        ended: &ClosedAttempt,
        probe: Probe,
        answer: Option<Answer>,
        online: bool,
    ) -> SessionEvent<M> {
        let mut info = ended.info.clone();
        if self.is_closing() {
            info.will_retry = false;
            info.retry_in_ms = None;
        }
        let facts = Facts {
            close: &info,
            ..self.facts(ended, probe, answer, online)
        };
        let diagnosis = classify(&facts);
        let log = self.machine.options().log;
        let warn = self.streak.observe_at(&diagnosis, log, ended.ended_at);
        SessionEvent::Diagnosis { diagnosis, warn }
    }

    /// What the classifier needs to know about an ended socket.
    fn facts<'a>(
        &self,
        ended: &'a ClosedAttempt,
        probe: Probe,
        answer: Option<Answer>,
        online: bool,
    ) -> Facts<'a> {
        Facts {
            page_secure: self.page_secure,
            same_origin: ended.same_origin,
            upgraded: ended.upgraded,
            mixed_content: ended.mixed_content,
            online,
            probe,
            answer,
            heartbeat: self.machine.options().heartbeat.is_some(),
            previous_idle_ms: self.streak.previous_idle_ms(),
            since_restart_ms: self.streak.since_restart_ms(ended.ended_at),
            open_error: ended.open_error.as_deref(),
            ..Facts::new(&ended.info, &ended.url)
        }
    }

    /// Whether the current URL is on the page's own origin.
    pub(super) fn same_origin(&self) -> bool {
        self.page
            .as_deref()
            .is_some_and(|page| same_origin(page, &self.url))
    }
}
