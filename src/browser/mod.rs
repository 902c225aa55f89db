//! The browser driver (`wasm32` only, with the default `browser` feature, built with the
//! standard library): runs the [`core`](crate::core) with `web_sys`. It decides nothing: it
//! reports facts with their times and carries out what the session asks.
//!
//! [`client::Client`] is the reconnecting WebSocket; [`events`], [`message`] and
//! [`errors`] are what it reports and how it fails, [`subscription`] the RAII handle of each
//! callback. `driver` is its loop, a thin driver over the sans-IO
//! [`Session`](crate::core::session::Session), and `hub` the subscriptions it delivers to;
//! the other modules are its parts: the socket and its listeners, the RAII guards for
//! listeners and timers, the page's facts (network and lifecycle), the probe after a failed
//! handshake, payload sizes, URL resolution on the page, the few global JavaScript functions
//! it calls, and live counts for leak tests.
//!
//! ```no_run
//! use wsguard::browser::client::Client;
//! use wsguard::core::options::Options;
//! let client = Client::new("/ws", Options::default()).unwrap();
//! let _state = client.on_state_change(|_from, to| web_sys::console::log_1(&to.as_str().into()));
//! ```

pub mod client;
pub(crate) mod driver;
pub mod environment;
pub mod errors;
pub mod events;
pub mod guards;
mod hub;
pub mod js;
pub mod message;
pub mod payload;
pub mod probe;
pub mod socket;
pub mod subscription;
pub mod tally;
pub mod url;
