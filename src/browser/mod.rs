//! The browser driver (`wasm32` only): runs the [`core`](crate::core) with `web_sys`.
//!
//! ```no_run
//! use wsguard::core::url::Insecure;
//! let url = wsguard::resolve_url("/ws", Insecure::Upgrade).unwrap();
//! assert!(url.starts_with("ws"));
//! ```

pub mod url;
