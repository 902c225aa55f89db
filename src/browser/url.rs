//! Where each attempt's URL comes from ([`UrlSource`]), and URL resolution on the current
//! page with the browser's own URL parser.
//!
//! ```no_run
//! use wsguard::core::url::Insecure;
//! // On https://app.example/, this is "wss://app.example/ws".
//! let url = wsguard::browser::url::resolve_url("/ws", Insecure::Upgrade).unwrap();
//! ```

use alloc::string::String;
use core::cell::RefCell;

use js_sys::Function;
use wasm_bindgen::JsCast;

use crate::core::url::{resolve, Insecure, Page, Resolved, UpgradeWarnings, UrlError, UrlParser};

/// Where each attempt's URL comes from.
///
/// ```no_run
/// use wsguard::browser::client::UrlSource;
/// let fixed = UrlSource::Fixed("wss://api.example/ws".into());
/// ```
#[derive(Debug)]
pub enum UrlSource {
    /// A URL resolved once, when the client is created.
    Fixed(String),
    /// A function called before every attempt; it returns a URL or a `Promise` of one (for
    /// example with a fresh token in the query).
    Function(Function),
}

/// The browser's WHATWG URL parser, `new URL(input, base)`.
struct BrowserParser;

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The page's `URL`, through `catch` imports: whatever page code put in its place must not
    /// unwind through Rust.
    #[wasm_bindgen(js_name = URL)]
    type PageUrl;

    #[wasm_bindgen(constructor, catch, js_class = "URL")]
    fn new(input: &str, base: Option<&str>) -> Result<PageUrl, wasm_bindgen::JsValue>;

    #[wasm_bindgen(method, getter, catch)]
    fn href(this: &PageUrl) -> Result<String, wasm_bindgen::JsValue>;
}

impl UrlParser for BrowserParser {
    fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
        PageUrl::new(input, base).and_then(|url| url.href()).ok()
    }
}

/// `location.protocol` and `location.href` of the window or worker, if it has a location.
fn page_location() -> Option<(String, String)> {
    let global = js_sys::global();
    if let Some(window) = global.dyn_ref::<web_sys::Window>() {
        let location = window.location();
        return Some((location.protocol().ok()?, location.href().ok()?));
    }
    let worker = global.dyn_ref::<web_sys::WorkerGlobalScope>()?;
    let location = worker.location();
    Some((location.protocol(), location.href()))
}

/// Whether the page (or worker) was loaded over HTTPS.
///
/// ```no_run
/// let secure = wsguard::browser::url::page_is_secure(); // true on an https: page
/// ```
pub fn page_is_secure() -> bool {
    page_location().is_some_and(|(protocol, _)| Page::new(&protocol, "").is_secure())
}

/// The address of the page (or worker), its `location.href`; `None` without a location.
///
/// ```no_run
/// let href = wsguard::browser::url::page_href(); // Some("https://app.example/chat")
/// ```
pub fn page_href() -> Option<String> {
    page_location().map(|(_, href)| href)
}

/// Resolves `input` to the WebSocket URL to open on the current page (see
/// [`core::url`](crate::core::url) for the rules). A `ws://` URL upgraded to `wss://` is
/// reported once per URL with `console.warn`.
///
/// ```no_run
/// use wsguard::core::url::Insecure;
/// let url = wsguard::resolve_url("https://api.example/ws", Insecure::Upgrade).unwrap();
/// // url == "wss://api.example/ws"
/// ```
pub fn resolve_url(input: &str, insecure: Insecure) -> Result<String, UrlError> {
    resolve_on_page(input, insecure, true).map(|resolved| resolved.url)
}

/// [`resolve_url`], with the upgrade warning only when `log` is set (the `log` option); the
/// result also says whether the URL was upgraded from `ws:`.
///
/// ```no_run
/// use wsguard::core::url::Insecure;
/// let quiet = wsguard::browser::url::resolve_on_page("/ws", Insecure::Upgrade, false).unwrap();
/// let upgraded = quiet.upgraded_from.is_some(); // true for ws: on an https: page
/// ```
pub fn resolve_on_page(input: &str, insecure: Insecure, log: bool) -> Result<Resolved, UrlError> {
    let location = page_location();
    let page = location
        .as_ref()
        .map(|(protocol, href)| Page::new(protocol, href));
    let resolved = resolve(input, page.as_ref(), insecure, &BrowserParser)?;
    if log {
        warn_upgrade_once(&resolved);
    }
    Ok(resolved)
}

thread_local! {
    /// The `ws://` URLs already warned about on this page.
    static WARNED: RefCell<UpgradeWarnings> = const { RefCell::new(UpgradeWarnings::new()) };
}

/// Writes the core's upgrade warning for `resolved`, if it has one, once the memory of warned
/// URLs is no longer borrowed: `console.warn` is page code, which may resolve a URL again.
fn warn_upgrade_once(resolved: &Resolved) {
    let text = WARNED.with(|warned| {
        warned
            .try_borrow_mut()
            .ok()
            .and_then(|mut warned| warned.first(resolved))
    });
    if let Some(text) = text {
        super::js::warn(&text.into(), None);
    }
}
