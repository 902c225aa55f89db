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
//! - `browser` (only on `wasm32`): the thin driver that runs the core with `web_sys`, and its
//!   typed API, `browser::client::Client` (see the README's "Using it from Rust").
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
// No standard library: the WebAssembly build stays free of Rust's formatting and panic
// machinery (see wasm/src/lib.rs). Tests use std as usual.
#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod core;

#[cfg(target_arch = "wasm32")]
pub mod browser;

#[cfg(target_arch = "wasm32")]
pub use browser::url::resolve_url;
