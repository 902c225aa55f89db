//! The sans-IO core: pure Rust, no `web_sys`, no clock and no random source of its own.
//!
//! Every module here is deterministic given its inputs, so the host test suite covers it
//! exhaustively.
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
pub mod url;
