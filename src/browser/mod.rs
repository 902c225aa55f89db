//! The browser driver (`wasm32` only): runs the [`core`](crate::core) with `web_sys`.
//!
//! [`client::Client`] is the reconnecting WebSocket, [`events`] what it reports to its
//! observer, and `driver` its loop, a thin driver over the sans-IO
//! [`Session`](crate::core::session::Session); the other modules are its parts:
//! the socket and its listeners, the RAII guards for listeners and timers, the page's network
//! and visibility, the HTTPS probe, payload sizes, URL resolution on the page, the few global
//! JavaScript functions it calls, and live counts for leak tests.
//!
//! ```no_run
//! use std::rc::Rc;
//! use wsguard::browser::client::{Client, ClientEvent, Observer, UrlSource};
//! use wsguard::core::options::Options;
//! struct Ignore;
//! impl Observer for Ignore {
//!     fn event(&self, _event: ClientEvent) {}
//! }
//! let client = Client::new(UrlSource::Fixed("/ws".into()), Options::default(), Rc::new(Ignore));
//! ```

pub mod client;
pub(crate) mod driver;
pub mod environment;
pub mod events;
pub mod guards;
pub mod js;
pub mod payload;
pub mod probe;
pub mod socket;
pub mod tally;
pub mod url;
