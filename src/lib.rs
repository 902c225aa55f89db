//! # wsguard
//!
//! A WebSocket client for the browser that
//! - picks `wss:` or `ws:` from the page it runs on and never downgrades a secure URL,
//! - reconnects with jittered, bounded backoff and buffers sends while disconnected,
//! - diagnoses every failure (mixed content, certificate, rejected handshake, idle timeout, …).
//!
//! The crate has two layers:
//! - [`core`]: the sans-IO logic (URL scheme rules, options, backoff, the connection state
//!   machine, the send buffer, close classification). It performs no I/O, takes time and
//!   randomness as inputs, and runs anywhere, so `cargo test` covers it on the host.
//! - `browser` (only on `wasm32`, with the default `browser` feature): the thin driver that runs
//!   the core with `web_sys` and gloo, and its typed API, `browser::client::Client` (see the
//!   README's "Using it from Rust"). It is built with the standard library, as Rust applications
//!   are.
//!
//! Without the `browser` feature (`default-features = false`) the crate is `no_std` (it needs
//! only `alloc`): the npm package's WebAssembly build uses the core alone that way.
//!
//! The optional `serde` feature derives `Serialize` and `Deserialize` on the public data types
//! (`Options`, `Diagnosis`, `Kind`, `State`, …) with the names the JS API uses.
//!
//! ```
//! use wsguard::core::url::{resolve, Insecure, Page};
//! # struct Parser;
//! # impl wsguard::core::url::UrlParser for Parser {
//! #     fn parse(&self, input: &str, base: Option<&str>) -> Option<String> {
//! #         Some(input.to_string())
//! #     }
//! # }
//! let page = Page::new("https:", "https://example.com/app");
//! let resolved = resolve("http://example.com/ws", Some(&page), Insecure::Upgrade, &Parser).unwrap();
//! assert_eq!(resolved.url, "wss://example.com/ws");
//! ```
#![warn(missing_docs)]
// No standard library without the `browser` feature: the npm package's WebAssembly build, which
// uses only the core, stays free of Rust's formatting and panic machinery (see wasm/src/lib.rs).
// The browser driver, for Rust applications, and the tests use std as usual.
#![cfg_attr(not(any(test, feature = "browser")), no_std)]

extern crate alloc;

pub mod core;

// Without `browser`, on wasm32 (the npm package's build), the core still links wasm-bindgen,
// as it did when the browser module was always built: the generic code both need (growing a
// `Vec` or a `String`) is then compiled once and shared, not once in each crate (`opt-level =
// "z"` shares generics between crates). Without it the package's .wasm grows by about 500 B
// (160 B gzip); measured with scripts/build.sh (docs/architecture.md has the figures).
#[cfg(all(target_arch = "wasm32", not(feature = "browser")))]
extern crate wasm_bindgen as _;

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
pub mod browser;

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
pub use browser::url::resolve_url;
