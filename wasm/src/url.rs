//! URL resolution for the exports: the rules of `wsguard::core::url`, with the parsing done
//! in JavaScript before the call. The JavaScript side parses the input with the page's `URL`
//! twice, against the page's address (`joined`) and alone (`alone`), and passes the two
//! serializations (`None` where `URL` threw); the core asks for one of them. Nothing here
//! calls JavaScript.
//!
//! Nothing here writes to the console either: a resolution that upgraded a `ws://` URL for the
//! first time hands its warning to the recorder (`upgraded(text)`), and the driver writes it,
//! once the call that resolved returned, with the page's `console.warn` as it is then.

use alloc::string::String;
use core::cell::RefCell;

use wsguard::core::url::{resolve, Insecure, Page, Resolved, UpgradeWarnings, UrlError, UrlParser};

use crate::recorder::Recorder;

/// An input as the page's `URL` parsed it, before the call.
pub struct Parsed {
    /// `new URL(input, location.href).href` (the input alone where there is no page).
    pub joined: Option<String>,
    /// `new URL(input).href`.
    pub alone: Option<String>,
}

impl UrlParser for Parsed {
    // The core parses its input (trimmed as the WHATWG parser trims it) against the page's
    // address or against nothing: the two results computed before the call.
    fn parse(&self, _input: &str, base: Option<&str>) -> Option<String> {
        match base {
            Some(_) => self.joined.clone(),
            None => self.alone.clone(),
        }
    }
}

/// The URLs already warned about on this page.
struct Warnings(RefCell<UpgradeWarnings>);

// SAFETY: the module runs on one thread (wasm32 without the `atomics` feature); nothing else
// can reach this value.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for Warnings {}

static WARNINGS: Warnings = Warnings(RefCell::new(UpgradeWarnings::new()));

/// Resolves `input` on the page at `href` (`None` outside a page), `parsed` as the page's
/// `URL` parsed it; with `log`, a first upgrade of its `ws://` URL hands the warning to
/// `recorder`.
pub fn resolve_at(
    input: &str,
    href: Option<&str>,
    parsed: &Parsed,
    insecure: Insecure,
    log: bool,
    recorder: &Recorder,
) -> Result<Resolved, UrlError> {
    let page = href.map(Page::at);
    let resolved = resolve(input, page.as_ref(), insecure, parsed);
    let warning = match (&resolved, WARNINGS.0.try_borrow_mut()) {
        (Ok(resolved), Ok(mut seen)) if log => seen.first(resolved),
        _ => None,
    };
    if let Some(text) = warning {
        recorder.upgraded(&text);
    }
    resolved
}
