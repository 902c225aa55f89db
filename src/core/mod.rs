//! The sans-IO core: pure Rust, no `web_sys`, no clock and no random source of its own.
//!
//! Every module here is deterministic given its inputs, so the host test suite covers it
//! exhaustively. It needs only `core` and `alloc`, and builds no text with `core::fmt`
//! (see [`text`]): the shipped WebAssembly is `#![no_std]` and leaves the formatting
//! machinery out.
//!
//! ```
//! use wsguard::core::url::Insecure;
//! assert_eq!(Insecure::default(), Insecure::Upgrade);
//! ```

pub mod backoff;
pub mod buffer;
pub mod diagnosis;
pub mod machine;
pub mod options;
pub mod session;
pub mod text;
pub mod url;
