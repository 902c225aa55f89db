//! Browser tests, run by `wasm-pack test --headless --chrome` in Chromium against the local lab
//! servers (`tests/servers/lab.mjs`) that `scripts/test.sh` starts; their port arrives at compile
//! time in `WSGUARD_LAB_WS_PORT`.
#![cfg(all(target_arch = "wasm32", feature = "browser"))]

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::{prelude::*, JsCast};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{MessageEvent, WebSocket};
use wsguard::core::url::{Insecure, UrlError};

wasm_bindgen_test_configure!(run_in_browser);

/// How long one async test may wait before it fails on its own (the runner's limit is 20 s).
const TEST_TIMEOUT_MS: i32 = 5_000;

fn lab_url(path: &str) -> String {
    let port = option_env!("WSGUARD_LAB_WS_PORT").unwrap_or("9");
    ["ws://127.0.0.1:", port, path].concat()
}

fn page_origin() -> String {
    web_sys::window().unwrap().location().origin().unwrap()
}

/// Opens a socket to `url`, sends `payload` once open, and resolves with the first message's
/// data; rejects on error, close or timeout.
async fn round_trip(url: &str, payload: JsValue, binary: bool) -> Result<JsValue, JsValue> {
    let socket = WebSocket::new(url)?;
    if binary {
        socket.set_binary_type(web_sys::BinaryType::Arraybuffer);
    }
    let mut keep = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let on_open = {
            let socket = socket.clone();
            let payload = payload.clone();
            Closure::<dyn FnMut()>::new(move || {
                let sent = match payload.as_string() {
                    Some(text) => socket.send_with_str(&text),
                    None => socket.send_with_array_buffer(payload.unchecked_ref()),
                };
                sent.unwrap();
            })
        };
        let on_message = {
            let resolve = resolve.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                resolve.call1(&JsValue::NULL, &event.data()).unwrap();
            })
        };
        let on_fail = {
            let reject = reject.clone();
            Closure::<dyn FnMut(JsValue)>::new(move |event: JsValue| {
                reject.call1(&JsValue::NULL, &event).unwrap();
            })
        };
        let on_timeout = {
            let reject = reject.clone();
            Closure::<dyn FnMut()>::new(move || {
                reject
                    .call1(&JsValue::NULL, &"timed out waiting for the echo".into())
                    .unwrap();
            })
        };
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onerror(Some(on_fail.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_fail.as_ref().unchecked_ref()));
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(
                on_timeout.as_ref().unchecked_ref(),
                TEST_TIMEOUT_MS,
            )
            .unwrap();
        keep = Some((on_open, on_message, on_fail, on_timeout));
    });
    let result = JsFuture::from(promise).await;
    socket.set_onclose(None);
    socket.set_onerror(None);
    socket.close()?;
    drop(keep);
    result
}

#[wasm_bindgen_test]
fn relative_urls_follow_the_test_page_scheme() {
    let origin = page_origin();
    assert!(origin.starts_with("http://"), "{origin}");
    let expected = ["ws", &origin["http".len()..], "/ws"].concat();
    assert_eq!(
        wsguard::resolve_url("/ws", Insecure::Upgrade).unwrap(),
        expected
    );
    let scheme_relative = ["//", &origin["http://".len()..], "/x#f"].concat();
    assert_eq!(
        wsguard::resolve_url(&scheme_relative, Insecure::Upgrade).unwrap(),
        ["ws", &origin["http".len()..], "/x"].concat()
    );
}

#[wasm_bindgen_test]
fn absolute_urls_map_http_schemes() {
    assert_eq!(
        wsguard::resolve_url("https://api.example/ws", Insecure::Error).unwrap(),
        "wss://api.example/ws"
    );
    // On an HTTP page, ws:// is not mixed content and is kept whatever the policy.
    assert_eq!(
        wsguard::resolve_url("ws://api.example/ws", Insecure::Error).unwrap(),
        "ws://api.example/ws"
    );
}

#[wasm_bindgen_test]
fn other_schemes_are_refused_with_a_clear_error() {
    let err = wsguard::resolve_url("ftp://files.example/x", Insecure::Upgrade).unwrap_err();
    assert!(matches!(err, UrlError::UnsupportedScheme { .. }));
    assert!(err.to_string().contains("ftp://files.example/x"));
    assert_eq!(
        wsguard::resolve_url("  ", Insecure::Upgrade),
        Err(UrlError::Empty)
    );
}

#[wasm_bindgen_test]
async fn a_real_socket_echoes_text() {
    let url = wsguard::resolve_url(&lab_url("/echo"), Insecure::Upgrade).unwrap();
    let data = round_trip(&url, "hello from wasm".into(), false)
        .await
        .unwrap();
    assert_eq!(data.as_string().as_deref(), Some("hello from wasm"));
}

#[wasm_bindgen_test]
async fn a_real_socket_echoes_binary() {
    let bytes = Uint8Array::from(&[0u8, 1, 2, 254, 255][..]);
    let data = round_trip(&lab_url("/echo"), bytes.buffer().into(), true)
        .await
        .unwrap();
    assert_eq!(Uint8Array::new(&data).to_vec(), vec![0, 1, 2, 254, 255]);
}
