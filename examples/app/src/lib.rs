//! A page that uses wsguard from Rust with plain wasm-bindgen: it connects, shows the state and
//! the last diagnosis (with the HTTP status its probe got, if any), sends what is typed and logs
//! what comes back. Copy it as a start.
//!
//! The server URL is `/ws` on the page's own host (`wss:` on HTTPS), or the `url` query
//! parameter: `index.html?url=ws://127.0.0.1:8080/echo`. Build with
//! `wasm-pack build --target web` in this directory, then serve it with `index.html`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};
use wsguard::browser::client::{Client, Subscription};
use wsguard::core::options::{BinaryType, Options};

/// Everything the page keeps alive: the client, its subscriptions and the form's listener.
/// Dropping it would close the socket and detach every listener.
struct App {
    client: Client,
    _subscriptions: Vec<Subscription>,
    _on_submit: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static APP: RefCell<Option<App>> = const { RefCell::new(None) };
}

#[wasm_bindgen(start)]
pub fn start() -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|window| window.document())
        .ok_or("no document")?;
    let client = Client::new(&server_url(), Options::default())
        .map_err(|error| JsValue::from(error.to_string()))?;
    client.set_binary_type(BinaryType::ArrayBuffer);

    let state = element(&document, "state")?;
    let diagnosis = element(&document, "diagnosis")?;
    let log = element(&document, "log")?;
    let subscriptions = vec![
        client.on_state_change(move |_from, to| state.set_text_content(Some(to.as_str()))),
        client.on_diagnosis(move |d| {
            // The HTTP status a plain request to the socket's own URL got, when the socket is
            // on this page's origin and its handshake failed (a proxy's 502, a 404 path).
            let status = d.probe_status.map(|status| format!(" (HTTP {status})"));
            let status = status.as_deref().unwrap_or("");
            let text = [d.kind.as_str(), status, ": ", &d.summary, " ", &d.advice].concat();
            diagnosis.set_text_content(Some(&text));
        }),
        client.on_message(move |message| {
            let line = match (message.text(), message.bytes()) {
                (Some(text), _) => ["< ", &text, "\n"].concat(),
                (None, Some(bytes)) => format!("< {} bytes\n", bytes.len()),
                (None, None) => "< (a blob)\n".into(),
            };
            let _ = log.insert_adjacent_text("beforeend", &line);
        }),
    ];

    let input: HtmlInputElement = element(&document, "message")?.dyn_into()?;
    let on_submit = Closure::<dyn FnMut(web_sys::Event)>::new(move |event: web_sys::Event| {
        event.prevent_default();
        let text = input.value();
        // `APP` is borrowed only for this call: sending never calls back into the page.
        let sent = APP.with_borrow(|app| app.as_ref().map(|app| app.client.send_text(&text)));
        match sent {
            Some(Ok(())) => input.set_value(""),
            Some(Err(error)) => web_sys::console::warn_1(&error.to_string().into()),
            None => {}
        }
    });
    element(&document, "send")?
        .add_event_listener_with_callback("submit", on_submit.as_ref().unchecked_ref())?;

    APP.set(Some(App {
        client,
        _subscriptions: subscriptions,
        _on_submit: on_submit,
    }));
    Ok(())
}

/// The `url` query parameter, or `/ws` on this page's host.
fn server_url() -> String {
    web_sys::window()
        .and_then(|window| window.location().search().ok())
        .and_then(|search| web_sys::UrlSearchParams::new_with_str(&search).ok())
        .and_then(|params| params.get("url"))
        .unwrap_or_else(|| "/ws".into())
}

fn element(document: &Document, id: &str) -> Result<Element, JsValue> {
    document
        .get_element_by_id(id)
        .ok_or_else(|| ["no element #", id].concat().into())
}
