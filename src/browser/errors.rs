//! What can go wrong when a Rust app uses a [`Client`](super::client::Client), as enums:
//! [`ClientError`] from creating one, [`SendFailure`] from sending. Closing fails with the
//! core's [`CloseError`](crate::core::close::CloseError). Each has `Display` (the same
//! sentence the JS API throws) and implements `core::error::Error`.
//!
//! ```no_run
//! use wsguard::browser::client::Client;
//! use wsguard::browser::errors::ClientError;
//! use wsguard::core::options::Options;
//! match Client::new("ftp://files.example/", Options::default()) {
//!     Err(ClientError::Url(error)) => web_sys::console::warn_1(&error.to_string().into()),
//!     Err(ClientError::Options(error)) => web_sys::console::warn_1(&error.to_string().into()),
//!     Ok(_client) => {}
//! }
//! ```

use core::fmt;

use wasm_bindgen::JsValue;

use crate::core::buffer::SendError;
use crate::core::options::OptionsError;
use crate::core::url::UrlError;

/// Why [`Client::new`](super::client::Client::new) refused to create a client.
///
/// ```no_run
/// use wsguard::browser::client::Client;
/// use wsguard::browser::errors::ClientError;
/// use wsguard::core::options::Options;
/// let options = Options { factor: 0.5, ..Options::default() };
/// if let Err(ClientError::Options(error)) = Client::new("/ws", options) {
///     web_sys::console::warn_1(&error.to_string().into()); // `factor` must be at least 1
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The URL is unusable on this page (see [`core::url`](crate::core::url)).
    Url(UrlError),
    /// An option breaks a rule (see [`Options::validate`](crate::core::options::Options::validate)).
    Options(OptionsError),
}

impl From<UrlError> for ClientError {
    fn from(error: UrlError) -> Self {
        Self::Url(error)
    }
}

impl From<OptionsError> for ClientError {
    fn from(error: OptionsError) -> Self {
        Self::Options(error)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Url(error) => error.fmt(f),
            Self::Options(error) => error.fmt(f),
        }
    }
}

impl core::error::Error for ClientError {}

/// Why [`Client::send`](super::client::Client::send) refused a message.
///
/// ```no_run
/// use wsguard::browser::errors::SendFailure;
/// # let failure: SendFailure = unimplemented!();
/// let refused_message = match failure {
///     SendFailure::NotSendable => None,
///     SendFailure::Refused(error) => Some(error.into_message()),
/// };
/// ```
#[derive(Clone, Debug)]
pub enum SendFailure {
    /// The value is not a string, `ArrayBuffer`, `ArrayBufferView` or `Blob`.
    NotSendable,
    /// The client is closed, or the queue is full or off
    /// ([`SendRefusal`](crate::core::buffer::SendRefusal) says which); the message comes back.
    Refused(SendError<JsValue>),
}

impl fmt::Display for SendFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotSendable => {
                f.write_str("wsguard: send() takes a string, ArrayBuffer, ArrayBufferView or Blob")
            }
            Self::Refused(error) => error.fmt(f),
        }
    }
}

impl core::error::Error for SendFailure {}
