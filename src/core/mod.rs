//! The sans-IO core: pure Rust, no `web_sys`, no clock and no random source of its own.
//!
//! Every module here is deterministic given its inputs, so the host test suite covers it
//! exhaustively. It needs only `core` and `alloc`, and builds no text with `core::fmt`
//! (see [`text`]): the shipped WebAssembly is `#![no_std]` and leaves the formatting
//! machinery out.
//!
//! The modules depend on each other one way only: each imports from modules above it in this
//! list, never from one below.
//!
//! | module | owns | imports |
//! |---|---|---|
//! | [`time`] | `Millis` | — |
//! | [`text`] | numbers to decimal text, strings joined | — |
//! | [`socket_id`] | `SocketId` | — |
//! | [`url`] | which WebSocket URL an input means; redaction; which upgrades were already reported | `text` |
//! | [`close`] | wsguard's close codes, `close()` rules, `CloseInfo`, `CloseCause` | `time`, `socket_id`, `text` |
//! | [`backoff`] | delay ceilings, jitter, the seeded random source | `time` |
//! | [`buffer`] | the bounded send queue | `text` |
//! | [`options`] | `Options`, their defaults, validation and names | `time`, `text`, `backoff`, `url` |
//! | [`machine`] | the connection state machine | `time`, `socket_id`, `close`, `backoff`, `buffer`, `options` |
//! | [`diagnosis`] | the failure classifier | `time`, `text`, `close`, `url` |
//! | [`session`] | one client: machine, event order, diagnoses | `time`, `socket_id`, `close`, `buffer`, `options`, `machine`, `diagnosis` |

pub mod backoff;
pub mod buffer;
pub mod close;
pub mod diagnosis;
pub mod machine;
pub mod options;
pub mod session;
pub mod socket_id;
pub mod text;
pub mod time;
pub mod url;
