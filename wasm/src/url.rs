//! URL resolution for the exports: the rules of `wsguard::core::url` with the browser's own
//! parser (`new URL(input, base)`, imported here), and the upgrade warnings, returned as data.
//!
//! Nothing here writes to the console: a resolution that upgraded a `ws://` URL for the first
//! time leaves its warning for [`take_warning`], which `driver.js` calls right after the call
//! that resolved returned, and writes with the page's `console.warn` as it is at that moment.

use alloc::string::String;
use core::cell::RefCell;

use wasm_bindgen::prelude::*;
use wsguard::core::url::{resolve, Insecure, Page, Resolved, UpgradeWarnings, UrlError, UrlParser};

#[wasm_bindgen]
extern "C" {
    /// The page's `URL`, through `catch` imports: whatever page code put in its place must not
    /// unwind through Rust.
    #[wasm_bindgen(js_name = URL)]
    type PageUrl;

    #[wasm_bindgen(constructor, catch, js_class = "URL")]
    fn new(input: &str, base: Option<&str>) -> Result<PageUrl, JsValue>;

    #[wasm_bindgen(method, getter, catch)]
    fn href(this: &PageUrl) -> Result<String, JsValue>;
}

/// The browser's WHATWG URL parser.
struct BrowserParser;

impl UrlParser for BrowserParser {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
        PageUrl::new(input, base).and_then(|url| url.href()).ok()
    }
}

/// The URLs already warned about on this page, and the warning not yet taken.
struct Warnings(RefCell<(UpgradeWarnings, Option<String>)>);

// SAFETY: the module runs on one thread (wasm32 without the `atomics` feature); nothing else
// can reach this value.
#[cfg(not(target_feature = "atomics"))]
unsafe impl Sync for Warnings {}

static WARNINGS: Warnings = Warnings(RefCell::new((UpgradeWarnings::new(), None)));

/// Resolves `input` on the page at `href` (`None` outside a page); with `log`, a first upgrade
/// of its `ws://` URL leaves the warning for [`take_warning`] (any earlier one is dropped).
pub fn resolve_at(
    input: &str,
    href: Option<&str>,
    insecure: Insecure,
    log: bool,
) -> Result<Resolved, UrlError> {
    let page = href.map(Page::at);
    let resolved = resolve(input, page.as_ref(), insecure, &BrowserParser);
    if let Ok(mut warnings) = WARNINGS.0.try_borrow_mut() {
        let (seen, pending) = &mut *warnings;
        *pending = match &resolved {
            Ok(resolved) if log => seen.first(resolved),
            _ => None,
        };
    }
    resolved
}

/// The upgrade warning the last URL resolution left, once (`""` when there is none).
#[wasm_bindgen(js_name = takeWarning)]
pub fn take_warning() -> String {
    WARNINGS
        .0
        .try_borrow_mut()
        .ok()
        .and_then(|mut warnings| warnings.1.take())
        .unwrap_or_default()
}
