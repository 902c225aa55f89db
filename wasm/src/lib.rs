//! The JavaScript exports of wsguard: the `Session` (one client's logic) that the `WsGuard`
//! class of `raw.js` drives, and the free functions. Everything here translates between JS values and the `wsguard` library,
//! where the logic lives.
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
mod session;

use alloc::string::String;

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wsguard::core::url::Insecure;

pub use session::Session;

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

/// The `insecure` policy from `resolveUrl`'s options: `{ insecure? }`, `null` or `undefined`.
fn resolve_options(options: &JsValue) -> Result<Insecure, JsValue> {
    let refuse = |what: &str, got: &JsValue| {
        errors::type_error(
            &[
                "wsguard: invalid options for resolveUrl: ",
                what,
                "; got ",
                &errors::show(got),
            ]
            .concat(),
        )
    };
    if options.is_undefined() || options.is_null() {
        return Ok(Insecure::default());
    }
    if !errors::is_options_object(options) {
        return Err(refuse(
            "expected an object such as { insecure: \"error\" }",
            options,
        ));
    }
    let mut insecure = Insecure::default();
    for key in Reflect::own_keys(options)?.iter() {
        let Some(key) = key.as_string() else { continue };
        let value = Reflect::get(options, &JsValue::from_str(&key))?;
        if key != "insecure" {
            let name = errors::show(&JsValue::from_str(&key));
            return Err(refuse(
                &["unknown option ", &name, " (only insecure is known)"].concat(),
                &value,
            ));
        }
        if value.is_undefined() || value.is_null() {
            continue;
        }
        insecure = value
            .as_string()
            .as_deref()
            .and_then(Insecure::parse)
            .ok_or_else(|| {
                refuse(
                    "insecure must be \"upgrade\", \"error\" or \"allow\"",
                    &value,
                )
            })?;
    }
    Ok(insecure)
}

/// Resolves `input` to the WebSocket URL wsguard would open on this page: `wss:` on an HTTPS
/// page, `ws:` on an HTTP page, relative paths joined with `location.href`, `http(s):` mapped to
/// `ws(s):`, a fragment dropped, and a `ws://` URL on an HTTPS page handled per
/// `options.insecure` (`"upgrade"`, the default, `"error"` or `"allow"`).
///
/// Throws a `TypeError` naming the input and the rule when the input cannot be used.
#[wasm_bindgen(js_name = resolveUrl)]
pub fn resolve_url(input: &JsValue, options: &JsValue) -> Result<String, JsValue> {
    let Some(input) = input.as_string() else {
        return Err(errors::type_error(
            &[
                "wsguard: the URL must be a string; got ",
                &errors::describe(input),
            ]
            .concat(),
        ));
    };
    let insecure = resolve_options(options)?;
    wsguard::resolve_url(&input, insecure).map_err(|error| errors::type_error(&error.message()))
}

/// Classifies a close described by `input` and returns what `sink.diagnosis(…fields)` builds.
#[wasm_bindgen(js_name = classifyClose)]
pub fn classify_close(
    input: &JsValue,
    sink: &diagnosis::DiagnosisSink,
) -> Result<JsValue, JsValue> {
    classify::classify(input, sink)
}
