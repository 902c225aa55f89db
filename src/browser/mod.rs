//! The browser driver (`wasm32` only): runs the [`core`](crate::core) with `web_sys`.
//!
//! [`client::Client`] is the reconnecting WebSocket; the other modules are its parts: the
//! socket and its listeners, the RAII guards for listeners and timers, the page's network
//! and visibility, the DOM events it dispatches, payload sizes, URL resolution on the page,
//! and live counts for leak tests.
//!
//! ```no_run
//! use wsguard::browser::client::{Client, UrlSource};
//! use wsguard::core::options::Options;
//! let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default()).unwrap();
//! ```

pub mod client;
pub mod environment;
pub mod events;
pub mod guards;
pub mod js_value;
pub mod payload;
pub mod probe;
pub mod socket;
pub mod tally;
pub mod url;
