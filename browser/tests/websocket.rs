//! WsClient against the test server's echo endpoint.
#![cfg(target_arch = "wasm32")]

mod common;

use echelon_browser::WsClient;
use js_sys::{Function, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The next message `client` receives.
async fn next_message(client: &mut WsClient, send: impl FnOnce(&WsClient)) -> JsValue {
    let mut resolve = None;
    let promise = Promise::new(&mut |res: Function, _rej: Function| resolve = Some(res));
    client.on_message(resolve.expect("the executor runs at once"));
    send(client);
    JsFuture::from(promise).await.expect("a message")
}

#[wasm_bindgen_test]
async fn echoes_text_and_bytes_then_releases_its_closures() {
    let mut client = WsClient::new(&common::ws("/echo")).expect("client");
    let errors = js_sys::Array::new();
    let push = Function::new_with_args("e", "this.push(e)").bind0(&errors);
    client.on_error(push);
    JsFuture::from(client.opened()).await.expect("open");
    assert_eq!(client.ready_state(), 1);

    let text = next_message(&mut client, |c| c.send("hello, echelon").expect("sent")).await;
    assert_eq!(text.as_string().as_deref(), Some("hello, echelon"));

    let bytes = next_message(&mut client, |c| c.send_bytes(&[1, 2, 3, 250]).expect("sent")).await;
    let bytes: Uint8Array = bytes.dyn_into().expect("binary arrives as Uint8Array");
    assert_eq!(bytes.to_vec(), vec![1, 2, 3, 250]);

    assert_eq!(client.handler_count(), 2);
    client.close().expect("close");
    assert_eq!(client.handler_count(), 0);
    assert!(client.ready_state() >= 2, "closing or closed");
    let err = client.send("after close").expect_err("not open");
    assert!(common::message(&err).contains("not open"));
    assert!(client.send_bytes(&[1]).is_err());
    client.close().expect("closing twice is harmless");
    assert_eq!(errors.length(), 0);
}

#[wasm_bindgen_test]
async fn a_refused_connection_rejects_opened_and_reports_the_error() {
    // Port 9 (discard) on localhost: nothing listens there.
    let mut client = WsClient::new("ws://127.0.0.1:9/").expect("client");
    let mut resolve = None;
    let errored = Promise::new(&mut |res: Function, _rej: Function| resolve = Some(res));
    client.on_error(resolve.expect("executor ran"));
    assert!(JsFuture::from(client.opened()).await.is_err());
    let event = JsFuture::from(errored).await.expect("on_error called");
    assert_eq!(
        event.dyn_into::<web_sys::Event>().expect("an Event").type_(),
        "error"
    );
    // Relative URLs resolve against the page; a non-WebSocket scheme throws.
    assert!(WsClient::new("ftp://127.0.0.1/").is_err());
}
