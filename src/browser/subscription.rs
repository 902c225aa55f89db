//! [`Subscription`]: the RAII handle a `Client::on_*` method returns. While it lives, its
//! callback is called; dropping it unsubscribes (a `message` listener leaves the socket).
//!
//! ```no_run
//! # let client: wsguard::browser::client::Client = unimplemented!();
//! let subscription = client.on_close(|close| web_sys::console::log_1(&close.code.into()));
//! drop(subscription);
//! ```

use alloc::rc::Weak;

use super::hub::Hub;

/// Keeps one callback subscribed; dropping it unsubscribes. Keep it next to the client (in a
/// component's state, say). It holds the client weakly: a subscription that outlives its
/// client is simply inert.
///
/// ```no_run
/// # let client: wsguard::browser::client::Client = unimplemented!();
/// struct Connection {
///     client: wsguard::browser::client::Client,
///     _on_open: wsguard::browser::subscription::Subscription,
/// }
/// let _on_open = client.on_open(|| web_sys::console::log_1(&"open".into()));
/// let connection = Connection { client, _on_open };
/// ```
#[must_use = "the callback is unsubscribed as soon as this handle drops"]
pub struct Subscription {
    hub: Weak<Hub>,
    id: u32,
}

impl Subscription {
    pub(crate) fn new(hub: Weak<Hub>, id: u32) -> Self {
        Self { hub, id }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(hub) = self.hub.upgrade() {
            hub.unsubscribe(self.id);
        }
    }
}
