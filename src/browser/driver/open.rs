//! Opening an attempt's socket: the URL first (calling the URL function, which may return a
//! Promise, and resolving its answer on the page), then the `WebSocket` with its listeners; an
//! attempt that cannot get that far is reported to the session with what was thrown.

use alloc::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::{Dispatch, Driver};
use crate::browser::js::{self, Settling};
use crate::browser::socket::{LiveSocket, SocketEvent};
use crate::browser::url::{resolve_on_page, UrlSource};
use crate::core::socket_id::SocketId;
use crate::core::url::UrlError;

impl Driver {
    /// Gets the attempt's URL (calling the user's function, which may return a Promise), then
    /// creates its socket.
    pub(super) fn start_attempt(self: &Rc<Self>, socket: SocketId) {
        let function = match &self.url_source {
            UrlSource::Fixed(url) => return self.create_socket(socket, url),
            UrlSource::Function(function) => function,
        };
        match function.call0(&JsValue::UNDEFINED) {
            Ok(value) if value.is_instance_of::<js_sys::Promise>() => {
                let weak: Weak<Self> = Rc::downgrade(self);
                let wait = Settling::new(&value, move |fulfilled, value| {
                    let Some(driver) = weak.upgrade() else { return };
                    let (finished, wanted) = {
                        let mut state = driver.state.borrow_mut();
                        (state.url_wait.take(), state.session.url_settled(socket))
                    };
                    drop(finished);
                    if !wanted {
                        return;
                    }
                    if fulfilled {
                        driver.url_answered(socket, &value);
                    } else {
                        driver.attempt_failed(socket, url_function_failed(&value));
                    }
                    driver.run(Dispatch::Now);
                });
                let previous = {
                    let mut state = self.state.borrow_mut();
                    state.session.url_pending(socket);
                    state.url_wait.replace(wait)
                };
                drop(previous);
            }
            Ok(value) => self.url_answered(socket, &value),
            Err(thrown) => self.attempt_failed(socket, url_function_failed(&thrown)),
        }
    }

    /// The URL function answered `value`: resolved on the page (remembered as the attempt's
    /// URL, with whether wsguard rewrote it from `ws:` to `wss:`), then opened.
    fn url_answered(self: &Rc<Self>, socket: SocketId, value: &JsValue) {
        if !self.wanted(socket) {
            return;
        }
        let Some(input) = value.as_string() else {
            return self.attempt_failed(
                socket,
                js_sys::TypeError::new(
                    "wsguard: the URL function must return a string or a Promise of one",
                )
                .into(),
            );
        };
        let (insecure, log) = {
            let state = self.state.borrow();
            let options = state.session.machine().options();
            (options.insecure, options.log)
        };
        match resolve_on_page(&input, insecure, log) {
            Ok(resolved) => {
                {
                    let mut state = self.state.borrow_mut();
                    state.session.set_url(resolved.url.clone());
                    state.session.set_upgraded(resolved.upgraded_from.is_some());
                }
                self.create_socket(socket, &resolved.url);
            }
            Err(error) => self.attempt_failed(socket, url_error(&error)),
        }
    }

    /// Creates the `WebSocket` for `socket` at `url`, if the session still wants it.
    fn create_socket(self: &Rc<Self>, socket: SocketId, url: &str) {
        if !self.wanted(socket) {
            return;
        }
        self.release_socket();
        let (protocols, binary_type) = {
            let state = self.state.borrow();
            let protocols = state.session.machine().options().protocols.clone();
            (protocols, state.binary_type)
        };
        let weak: Weak<Self> = Rc::downgrade(self);
        let on_event = Rc::new(move |event| {
            if let Some(driver) = weak.upgrade() {
                driver.on_socket_event(socket, event);
            }
        });
        match LiveSocket::open(url, &protocols, binary_type, on_event) {
            // A replaced `WebSocket` may have called back and moved the session on.
            Ok(live) if self.wanted(socket) => {
                let raw = live.raw().clone();
                {
                    let mut state = self.state.borrow_mut();
                    state.socket = Some((socket, live));
                    state.session.socket_created(socket);
                }
                self.observer.socket_changed(Some(&raw));
            }
            Ok(_) => {}
            Err(error) => self.attempt_failed(socket, error),
        }
    }

    /// An attempt that failed before a socket existed: reported to the session
    /// with what was thrown.
    fn attempt_failed(&self, socket: SocketId, error: JsValue) {
        let mixed_content = is_security_error(&error);
        let message = js::message_of(&error);
        let now = js::now();
        let wanted = self.state.borrow().session.machine().socket() == Some(socket);
        if !wanted {
            return;
        }
        self.state.borrow_mut().session.open_failed(
            now,
            socket,
            Some(error),
            message,
            mixed_content,
        );
    }

    fn on_socket_event(self: &Rc<Self>, socket: SocketId, event: SocketEvent) {
        match event {
            SocketEvent::Open => self.input(Dispatch::Now, |s, now| s.socket_opened(now, socket)),
            SocketEvent::Error => self.input(Dispatch::Now, |s, now| s.socket_error(now, socket)),
            SocketEvent::Close {
                code,
                reason,
                was_clean,
            } => self.input(Dispatch::Now, |s, now| {
                s.socket_closed(now, socket, code, &reason, was_clean);
            }),
        }
    }
}

/// The error for a URL function that threw or whose Promise rejected: an `Error` that says
/// so, with what it threw as `cause`.
fn url_function_failed(thrown: &JsValue) -> JsValue {
    let error = js_sys::Error::new(
        &[
            "wsguard: the URL function failed: ",
            &js::message_of(thrown),
        ]
        .concat(),
    );
    error.set_cause(thrown);
    error.into()
}

/// The error for an unusable URL from a URL function: a `SecurityError` for an insecure URL
/// refused by `insecure: "error"` (as the browser's own mixed-content check), a `TypeError`
/// otherwise.
fn url_error(error: &UrlError) -> JsValue {
    match error {
        UrlError::InsecureRefused { .. } => {
            web_sys::DomException::new_with_message_and_name(&error.message(), "SecurityError")
                .map_or(JsValue::NULL, Into::into)
        }
        _ => js_sys::TypeError::new(&error.message()).into(),
    }
}

/// Whether `error` is the `SecurityError` the WebSocket constructor throws for mixed content
/// (or the one wsguard throws for `insecure: "error"`).
fn is_security_error(error: &JsValue) -> bool {
    error
        .dyn_ref::<web_sys::DomException>()
        .is_some_and(|exception| exception.name() == "SecurityError")
}
