//! The observer behind each [`Client`](super::client::Client): who is subscribed to what.
//!
//! Lifecycle events go to every event callback, in subscription order. A `message` callback
//! is a listener of its own on the live browser socket (moved to each new socket), so a
//! message reaches it straight from the browser, with nothing in between. The hub also keeps
//! the last diagnosis and the socket `send` may use directly.
//!
//! No borrow is held while a callback runs: a callback is taken out of its slot, run, and put
//! back, so it may subscribe, unsubscribe (itself too) or call the client.
//!
//! ```no_run
//! # let client: wsguard::browser::client::Client = unimplemented!();
//! let subscription = client.on_open(|| web_sys::console::log_1(&"open".into()));
//! drop(subscription); // no more calls
//! ```

use alloc::boxed::Box;
use alloc::rc::Rc;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::WebSocket;

use super::events::{ClientEvent, Observer};
use super::message::{Message, MessageEvent};
use super::tally::{Counted, Tally};
use crate::core::diagnosis::Diagnosis;

/// A callback type for lifecycle events.
pub(crate) type EventCallback = dyn FnMut(&ClientEvent);
/// A callback type for messages.
pub(crate) type MessageCallback = dyn FnMut(Message);

/// One subscriber's callback. It is taken out while it runs, so no borrow is held across it
/// (a re-entrant call finds the slot empty and is skipped).
struct Slot<F: ?Sized> {
    callback: RefCell<Option<Box<F>>>,
    subscribed: Cell<bool>,
}

impl<F: ?Sized> Slot<F> {
    fn new(callback: Box<F>) -> Rc<Self> {
        Rc::new(Self {
            callback: RefCell::new(Some(callback)),
            subscribed: Cell::new(true),
        })
    }

    fn run(&self, call: impl FnOnce(&mut F)) {
        let taken = self.callback.borrow_mut().take();
        if let Some(mut callback) = taken {
            call(&mut callback);
            if self.subscribed.get() {
                *self.callback.borrow_mut() = Some(callback);
            }
        }
    }

    /// Unsubscribed: the callback is dropped now, or when its running call returns.
    fn end(&self) {
        self.subscribed.set(false);
        let callback = self.callback.borrow_mut().take();
        drop(callback);
    }
}

/// A `message` subscription: one JS listener, attached to the live socket (and counted as a
/// listener while it is).
struct Tap {
    slot: Rc<Slot<MessageCallback>>,
    listener: Closure<dyn Fn(MessageEvent)>,
    attached: RefCell<Option<(WebSocket, Tally)>>,
}

impl Tap {
    fn new(callback: Box<MessageCallback>) -> Self {
        let slot = Slot::new(callback);
        let called = Rc::clone(&slot);
        let listener = Closure::<dyn Fn(MessageEvent)>::new(move |event: MessageEvent| {
            // Its own handle: the callback may drop the subscription, and this listener with it.
            let slot = Rc::clone(&called);
            slot.run(|callback| callback(Message::new(event)));
        });
        Self {
            slot,
            listener,
            attached: RefCell::new(None),
        }
    }

    fn attach(&self, socket: &WebSocket) {
        self.detach();
        // Only a socket whose `addEventListener` page code replaced can make this throw.
        let _ = socket
            .add_event_listener_with_callback("message", self.listener.as_ref().unchecked_ref());
        *self.attached.borrow_mut() = Some((socket.clone(), Tally::new(Counted::Listener)));
    }

    fn detach(&self) {
        let attached = self.attached.borrow_mut().take();
        if let Some((socket, _tally)) = attached {
            let _ = socket.remove_event_listener_with_callback(
                "message",
                self.listener.as_ref().unchecked_ref(),
            );
        }
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        self.slot.end();
        self.detach();
    }
}

/// Every subscription of one client, and what the client's getters read from its events.
#[derive(Default)]
pub(crate) struct Hub {
    events: RefCell<Vec<(u32, Rc<Slot<EventCallback>>)>>,
    taps: RefCell<Vec<(u32, Rc<Tap>)>>,
    next_id: Cell<u32>,
    socket: RefCell<Option<WebSocket>>,
    sendable: RefCell<Option<WebSocket>>,
    last_diagnosis: RefCell<Option<Diagnosis>>,
}

impl Hub {
    fn next_id(&self) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1));
        id
    }

    /// Adds an event callback; returns its id for [`Hub::unsubscribe`].
    pub(crate) fn subscribe(&self, callback: Box<EventCallback>) -> u32 {
        let id = self.next_id();
        self.events.borrow_mut().push((id, Slot::new(callback)));
        id
    }

    /// Adds a message callback, attached at once to the live socket if there is one.
    pub(crate) fn subscribe_messages(&self, callback: Box<MessageCallback>) -> u32 {
        let id = self.next_id();
        let tap = Rc::new(Tap::new(callback));
        self.taps.borrow_mut().push((id, Rc::clone(&tap)));
        let socket = self.socket.borrow().clone();
        if let Some(socket) = socket {
            tap.attach(&socket);
        }
        id
    }

    /// Removes a subscription (a no-op for one already gone).
    pub(crate) fn unsubscribe(&self, id: u32) {
        let event = {
            let mut events = self.events.borrow_mut();
            let at = events.iter().position(|(each, _)| *each == id);
            at.map(|at| events.remove(at).1)
        };
        if let Some(slot) = event {
            slot.end();
        }
        let tap = {
            let mut taps = self.taps.borrow_mut();
            let at = taps.iter().position(|(each, _)| *each == id);
            at.map(|at| taps.remove(at).1)
        };
        drop(tap);
    }

    /// Removes every subscription (the client was dropped).
    pub(crate) fn clear(&self) {
        let events = core::mem::take(&mut *self.events.borrow_mut());
        for (_, slot) in &events {
            slot.end();
        }
        let taps = core::mem::take(&mut *self.taps.borrow_mut());
        drop(taps);
    }

    /// The socket `send` may use directly: `Some` while the client is open.
    pub(crate) fn sendable(&self) -> Option<WebSocket> {
        self.sendable.borrow().clone()
    }

    /// The last diagnosis delivered.
    pub(crate) fn last_diagnosis(&self) -> Option<Diagnosis> {
        self.last_diagnosis.borrow().clone()
    }
}

impl Observer for Hub {
    fn event(&self, event: ClientEvent) {
        if let ClientEvent::Diagnosis(diagnosis) = &event {
            *self.last_diagnosis.borrow_mut() = Some(diagnosis.clone());
        }
        let slots: Vec<_> = self
            .events
            .borrow()
            .iter()
            .map(|(_, s)| Rc::clone(s))
            .collect();
        for slot in slots {
            slot.run(|callback| callback(&event));
        }
    }

    fn socket_changed(&self, socket: Option<&WebSocket>) {
        *self.socket.borrow_mut() = socket.cloned();
        let taps: Vec<_> = self
            .taps
            .borrow()
            .iter()
            .map(|(_, t)| Rc::clone(t))
            .collect();
        for tap in taps {
            match socket {
                Some(socket) => tap.attach(socket),
                None => tap.detach(),
            }
        }
    }

    fn sendable_changed(&self, socket: Option<&WebSocket>) {
        *self.sendable.borrow_mut() = socket.cloned();
    }
}
