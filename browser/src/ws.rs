//! WebSocket client whose callbacks live exactly as long as it does.

use js_sys::{ArrayBuffer, Function, Promise, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{BinaryType, Event, MessageEvent, WebSocket};

use crate::error::js_error;

/// A WebSocket whose `message` and `error` handlers are Rust closures owned
/// by this object: replacing a handler drops the previous closure, and
/// `close()` (or freeing the object) detaches and drops both. Nothing is
/// leaked per message or per handler.
///
/// ```js
/// const ws = new WsClient("ws://localhost:3000/ws");
/// ws.on_message((data) => console.log(data)); // string or Uint8Array
/// ws.on_error((event) => console.error(event));
/// await ws.opened();
/// ws.send("hello");
/// ws.close();
/// ```
#[wasm_bindgen]
pub struct WsClient {
    ws: WebSocket,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_error: Option<Closure<dyn FnMut(Event)>>,
}

#[wasm_bindgen]
impl WsClient {
    /// Connects to `url` (`ws://` or `wss://`). Binary messages arrive as
    /// `Uint8Array`. Fails for a malformed URL; a refused connection is
    /// reported later through `on_error` and `opened()`.
    #[wasm_bindgen(constructor)]
    pub fn new(url: &str) -> Result<WsClient, JsValue> {
        let ws = WebSocket::new(url)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        Ok(WsClient {
            ws,
            on_message: None,
            on_error: None,
        })
    }

    /// A promise that resolves when the connection is open (at once if it
    /// already is) and rejects if it errors or closes first.
    pub fn opened(&self) -> Promise {
        let ws = self.ws.clone();
        Promise::new(&mut |resolve: Function, reject: Function| {
            match ws.ready_state() {
                WebSocket::OPEN => {
                    let _ = resolve.call0(&JsValue::UNDEFINED);
                }
                WebSocket::CONNECTING => {
                    // Plain JS functions as listeners: no Rust closure to keep.
                    let listen = |kind: &str, f: &Function| {
                        let _ = ws.add_event_listener_with_callback(kind, f);
                    };
                    listen("open", &resolve);
                    listen("error", &reject);
                    listen("close", &reject);
                }
                _ => {
                    let _ = reject.call1(
                        &JsValue::UNDEFINED,
                        &js_sys::Error::new("the WebSocket is closing or closed").into(),
                    );
                }
            }
        })
    }

    /// Sends a text message. Fails if the socket is not open (the browser
    /// itself silently drops messages sent while closing or closed).
    pub fn send(&self, text: &str) -> Result<(), JsValue> {
        self.check_open()?;
        self.ws.send_with_str(text)
    }

    /// Sends a binary message. Fails if the socket is not open.
    pub fn send_bytes(&self, bytes: &[u8]) -> Result<(), JsValue> {
        self.check_open()?;
        self.ws.send_with_u8_array(bytes)
    }

    /// Calls `callback(data)` for every message: a `string` for text, a
    /// `Uint8Array` for binary. Replaces (and drops) any previous handler.
    /// An exception thrown by `callback` does not stop later messages.
    pub fn on_message(&mut self, callback: Function) {
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let data = match data.dyn_ref::<ArrayBuffer>() {
                Some(buffer) => Uint8Array::new(buffer).into(),
                None => data,
            };
            let _ = callback.call1(&JsValue::UNDEFINED, &data);
        });
        self.ws.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        self.on_message = Some(handler);
    }

    /// Calls `callback(event)` when the socket reports an error. Replaces
    /// (and drops) any previous handler.
    pub fn on_error(&mut self, callback: Function) {
        let handler = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            let _ = callback.call1(&JsValue::UNDEFINED, &event);
        });
        self.ws.set_onerror(Some(handler.as_ref().unchecked_ref()));
        self.on_error = Some(handler);
    }

    /// Closes the connection and releases both handlers. Calling it again is
    /// harmless.
    pub fn close(&mut self) -> Result<(), JsValue> {
        self.release();
        match self.ws.ready_state() {
            WebSocket::CLOSING | WebSocket::CLOSED => Ok(()),
            _ => self.ws.close(),
        }
    }

    /// The socket's `readyState`: 0 connecting, 1 open, 2 closing, 3 closed.
    #[wasm_bindgen(getter)]
    pub fn ready_state(&self) -> u16 {
        self.ws.ready_state()
    }

    /// How many handlers (message, error) this client currently holds; 0
    /// after `close()`.
    #[wasm_bindgen(getter)]
    pub fn handler_count(&self) -> u32 {
        u32::from(self.on_message.is_some()) + u32::from(self.on_error.is_some())
    }
}

impl WsClient {
    /// An error unless the socket is open.
    fn check_open(&self) -> Result<(), JsValue> {
        let state = match self.ws.ready_state() {
            WebSocket::OPEN => return Ok(()),
            WebSocket::CONNECTING => "still connecting (await opened())",
            WebSocket::CLOSING => "closing",
            _ => "closed",
        };
        Err(js_error(format!("the WebSocket is not open: {state}")))
    }

    /// Detaches the handlers from the socket, then drops the closures, so
    /// the socket can never call a dropped closure.
    fn release(&mut self) {
        self.ws.set_onmessage(None);
        self.ws.set_onerror(None);
        self.on_message = None;
        self.on_error = None;
    }
}

impl Drop for WsClient {
    fn drop(&mut self) {
        self.release();
        if self.ws.ready_state() <= WebSocket::OPEN {
            let _ = self.ws.close();
        }
    }
}
