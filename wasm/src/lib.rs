//! The JavaScript exports of wsguard: the `Session` (one client's logic) that the `WsGuard`
//! class of `raw.js` drives, and the free functions. Everything here translates between JS
//! values and the `wsguard` library, where the logic lives.
//!
//! Nothing here calls page code: values come in as numbers, booleans and strings (a URL
//! already parsed by the page's `URL` in JavaScript), and results go out through the
//! JavaScript `Recorder` passed in ([`recorder`]), which only builds plain records; refusals
//! are such records too, thrown by the glue after the call returned.
//!
//! The module is `no_std`: with the standard library, Rust's panic and formatting machinery
//! comes along (about a third of the `.wasm`), whether or not anything formats. Instead, a
//! panic — which no user or browser input reaches; the hostile-input suite checks — aborts with
//! `unreachable`, and memory comes from a small free-list allocator.
//!
//! ```js
//! import { WsGuard, resolveUrl } from "wsguard";
//! const socket = new WsGuard("/ws");
//! socket.addEventListener("message", (event) => console.log(event.data));
//! socket.send("hello"); // queued until open
//! ```
#![cfg(target_arch = "wasm32")]
#![no_std]

extern crate alloc;

mod classify;
mod diagnosis;
mod errors;
mod options;
mod recorder;
mod session;
mod url;

use alloc::string::String;

use wasm_bindgen::prelude::*;
use wsguard::core::options::{OptionName, OptionsError};
use wsguard::core::url::Insecure;

pub use classify::classify_close;
pub use options::{option_expected, option_flag, option_number, option_text};
pub use session::Session;

use recorder::Recorder;
use url::Parsed;

// A test harness (`cargo clippy --all-targets`) links the standard library, which brings its
// own allocator and panic handler.
// SAFETY: the module runs on one thread (wasm32 without the `atomics` feature).
#[cfg(not(test))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };

#[cfg(not(test))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

/// Resolves `input` to the WebSocket URL wsguard would open on this page: `wss:` on an HTTPS
/// page, `ws:` on an HTTP page, relative paths joined with `location.href`, `http(s):` mapped to
/// `ws(s):`, a fragment dropped, and a `ws://` URL on an HTTPS page handled per `insecure`
/// (`"upgrade"`, the default, `"error"` or `"allow"`). `page` is the page's `location.href`
/// (`undefined` outside a page), `joined` and `alone` the input as the page's `URL` parsed it
/// with and without it (see [`url::Parsed`]), all read by the JavaScript side. A first upgrade
/// of a `ws://` URL hands its warning to the recorder.
///
/// Fails with the recorder's `{ name: "TypeError", message }` naming the input and the rule
/// when the input cannot be used (`SecurityError` for one refused by `insecure: "error"`), and
/// its `{ option, item, expected }` for an unknown policy.
#[wasm_bindgen(js_name = resolveUrl)]
pub fn resolve_url(
    input: &str,
    insecure: Option<String>,
    page: Option<String>,
    joined: Option<String>,
    alone: Option<String>,
    recorder: &Recorder,
) -> Result<String, JsValue> {
    let insecure = match insecure {
        None => Insecure::default(),
        Some(name) => Insecure::parse(&name).ok_or_else(|| {
            let option = OptionName::Insecure;
            options::refusal(
                recorder,
                &OptionsError::new(option, option.expected(), None),
            )
        })?,
    };
    let parsed = Parsed { joined, alone };
    url::resolve_at(input, page.as_deref(), &parsed, insecure, true, recorder)
        .map(|resolved| resolved.url)
        .map_err(|error| session::url_error(recorder, &error))
}
