//! The JavaScript exports of wsguard. Everything here is a thin translation between JS values
//! and the `wsguard` library; the logic lives there.
//!
//! ```js
//! import { resolveUrl } from "wsguard";
//! resolveUrl("/ws"); // "wss://app.example/ws" on https://app.example/
//! ```
#![cfg(target_arch = "wasm32")]

use serde::Deserialize;
use wasm_bindgen::prelude::*;
use wsguard::core::url::Insecure;

/// Options of `resolveUrl`.
#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
struct ResolveOptions {
    insecure: Insecure,
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
        return Err(type_error("wsguard: the URL must be a string"));
    };
    let options: ResolveOptions = if options.is_undefined() || options.is_null() {
        ResolveOptions::default()
    } else {
        serde_wasm_bindgen::from_value(options.clone()).map_err(|err| {
            type_error(
                &[
                    "wsguard: invalid options for resolveUrl: ",
                    &err.to_string(),
                ]
                .concat(),
            )
        })?
    };
    wsguard::resolve_url(&input, options.insecure).map_err(|err| type_error(&err.to_string()))
}

fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
