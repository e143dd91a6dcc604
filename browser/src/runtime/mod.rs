//! `BrowserRuntime`: a WebAssembly module loaded in the page and called with
//! the server runtime's value rules.
//!
//! Loading from a URL uses `WebAssembly.instantiateStreaming` when the
//! response is `application/wasm` (compilation overlaps the download) and
//! falls back to `arrayBuffer()` + `WebAssembly.instantiate` otherwise,
//! since streaming rejects any other MIME type.
//!
//! Calls follow the server runtime (DESIGN.md, "Guest ABI"): an export
//! described in the module's `echelon:abi` custom section takes and returns
//! high-level values (strings, bytes, JSON) through `echelon_alloc`, memory
//! writes and packed `(ptr << 32) | len` results; any other export takes
//! plain numbers (`i64` as `BigInt`). See [`values`] for the exact rules.

mod core_types;
mod values;

use std::cell::RefCell;
use std::collections::HashMap;

use echelon_shared::abi::{self, Signature};
use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::Response;

use crate::error::{js_error, window};
use crate::net::{check_status, describe};
use core_types::{FuncType, ValType};
use values::{Guest, Lowered};

/// How a module reached the page.
const STREAMING: &str = "streaming";
const BYTES: &str = "bytes";

/// One instantiated WebAssembly module, callable by export name.
///
/// ```js
/// const rt = await BrowserRuntime.load_url("/modules/shared.wasm");
/// rt.call("validate_user", ['{"email":"ada@example.com","age":36}']); // "valid"
/// rt.call("fibonacci", [10]);                                          // 55n
/// ```
#[wasm_bindgen]
pub struct BrowserRuntime {
    module: WebAssembly::Module,
    imports: Object,
    /// The current instance's exports; replaced after an unclean trap.
    exports: RefCell<Object>,
    /// Why the module cannot be called any more, if it cannot.
    broken: RefCell<Option<String>>,
    signatures: HashMap<String, Signature>,
    /// Core types of the exported functions, read from the binary; `None`
    /// when the decoder could not read it.
    core: Option<HashMap<String, FuncType>>,
    loaded_by: &'static str,
}

#[wasm_bindgen]
impl BrowserRuntime {
    /// Fetches, compiles and instantiates the module at `url` with
    /// `imports` (default `{}`): streaming when the server says
    /// `application/wasm`, from the downloaded bytes otherwise.
    ///
    /// Rejects on a network error, a non-2xx status (naming it), an invalid
    /// module, missing imports, or a malformed `echelon:abi` section.
    pub async fn load_url(url: String, imports: Option<Object>) -> Result<BrowserRuntime, JsValue> {
        let imports = imports.unwrap_or_default();
        let response: Response = JsFuture::from(window()?.fetch_with_str(&url))
            .await
            .map_err(|e| js_error(format!("GET {url}: {}", describe(&e))))?
            .dyn_into()?;
        check_status("GET", &url, &response)?;
        let mime = response.headers().get("content-type")?.unwrap_or_default();
        let streams = mime.trim().eq_ignore_ascii_case("application/wasm") && has_streaming();
        let (source, bytes, loaded_by) = if streams {
            // The bytes are read alongside, from a copy of the stream, for
            // the export signatures JavaScript cannot tell.
            let copy = response.clone()?.array_buffer()?;
            let source = JsFuture::from(WebAssembly::instantiate_streaming(&response, &imports))
                .await
                .map_err(|e| js_error(format!("{url}: {}", describe(&e))))?;
            let bytes = Uint8Array::new(&JsFuture::from(copy).await?).to_vec();
            (source, bytes, STREAMING)
        } else {
            let buffer = JsFuture::from(response.array_buffer()?).await?;
            let bytes = Uint8Array::new(&buffer).to_vec();
            let source = JsFuture::from(WebAssembly::instantiate_buffer(&bytes, &imports))
                .await
                .map_err(|e| js_error(format!("{url}: {}", describe(&e))))?;
            (source, bytes, BYTES)
        };
        Self::from_source(source, &bytes, imports, loaded_by)
    }

    /// Compiles and instantiates a module from its bytes with `imports`
    /// (default `{}`).
    pub async fn load_bytes(bytes: Vec<u8>, imports: Option<Object>) -> Result<BrowserRuntime, JsValue> {
        let imports = imports.unwrap_or_default();
        let source = JsFuture::from(WebAssembly::instantiate_buffer(&bytes, &imports))
            .await
            .map_err(|e| js_error(describe(&e)))?;
        Self::from_source(source, &bytes, imports, BYTES)
    }

    /// `"streaming"` or `"bytes"`: how the module was compiled.
    #[wasm_bindgen(getter)]
    pub fn loaded_by(&self) -> String {
        self.loaded_by.to_string()
    }

    /// Whether the module carries an `echelon:abi` section.
    #[wasm_bindgen(getter)]
    pub fn has_abi(&self) -> bool {
        !self.signatures.is_empty()
    }

    /// The names of the module's exported functions, in export order.
    pub fn functions(&self) -> Vec<String> {
        WebAssembly::Module::exports(&self.module)
            .iter()
            .filter(|e| {
                Reflect::get(e, &"kind".into())
                    .ok()
                    .and_then(|k| k.as_string())
                    .as_deref()
                    == Some("function")
            })
            .filter_map(|e| Reflect::get(&e, &"name".into()).ok()?.as_string())
            .collect()
    }

    /// The `echelon:abi` signature of `name` (e.g.
    /// `validate_user(json: string) -> string`), if the section gives one.
    pub fn signature(&self, name: &str) -> Option<String> {
        self.signatures.get(name).map(ToString::to_string)
    }

    /// Calls export `name` with `args`.
    ///
    /// With an `echelon:abi` signature: `i32` takes an integer number,
    /// `i64` a `BigInt` (or a safe-integer number, or a decimal string),
    /// `f32`/`f64` a number, `bool` a boolean, `string` a string, `bytes` a
    /// `Uint8Array`, `ArrayBuffer` or array of bytes, `json` any
    /// JSON-serializable value; results come back as number, `BigInt`,
    /// boolean, string, `Uint8Array` or parsed JSON. Without one, the
    /// export's core types (read from the module's bytes) get the same
    /// number rules, references pass as they are, and the result is what
    /// WebAssembly's JS API returns.
    ///
    /// A wrong argument count or type is an error before the module runs.
    /// A trap is an error. When the module explains it through
    /// `echelon_last_error` (a clean refusal), that message is the error's
    /// message and the instance stays in use. Any other trap may have left
    /// the instance inconsistent (an allocator mid-update), so, like the
    /// server, the runtime replaces it with a fresh instance of the same
    /// module (`new WebAssembly.Instance`); if the browser refuses that,
    /// later calls fail until the module is loaded again.
    pub fn call(&self, name: &str, args: Vec<JsValue>) -> Result<JsValue, JsValue> {
        if let Some(why) = self.broken.borrow().as_ref() {
            return Err(js_error(format!("{name}: {why}")));
        }
        let function = self.function(name)?;
        match self.signatures.get(name) {
            Some(signature) => self.call_abi(name, &function, signature, &args),
            None => self.call_core(name, &function, &args),
        }
    }
}

impl BrowserRuntime {
    /// Builds the runtime from `{ module, instance }`, reading and checking
    /// the `echelon:abi` section against the exports.
    fn from_source(
        source: JsValue,
        bytes: &[u8],
        imports: Object,
        loaded_by: &'static str,
    ) -> Result<BrowserRuntime, JsValue> {
        let source: WebAssembly::InstantiatedSource = source.unchecked_into();
        let module = source.module();
        let exports = source.instance().exports();
        let sections = WebAssembly::Module::custom_sections(&module, abi::SECTION_NAME);
        let mut text = String::new();
        for section in sections.iter() {
            let bytes = Uint8Array::new(&section).to_vec();
            let part = String::from_utf8(bytes)
                .map_err(|_| js_error(format!("the `{}` section is not UTF-8", abi::SECTION_NAME)))?;
            text.push_str(&part);
            text.push('\n');
        }
        let parsed = abi::parse_section(&text).map_err(|e| js_error(e.to_string()))?;
        let runtime = BrowserRuntime {
            module,
            imports,
            exports: RefCell::new(exports),
            broken: RefCell::new(None),
            signatures: parsed.into_iter().map(|s| (s.name.clone(), s)).collect(),
            core: core_types::exported_functions(bytes),
            loaded_by,
        };
        runtime.check_signatures()?;
        Ok(runtime)
    }

    /// Every described export exists with the lowered parameter count, and
    /// the ABI's helpers are there when some signature needs memory.
    fn check_signatures(&self) -> Result<(), JsValue> {
        let mut needs_memory = false;
        for signature in self.signatures.values() {
            let function = self.function(&signature.name).map_err(|_| {
                js_error(format!(
                    "`{}` describes `{signature}`, but the module exports no such function",
                    abi::SECTION_NAME
                ))
            })?;
            let core = signature.core_params().len() as u32;
            if function.length() != core {
                return Err(js_error(format!(
                    "`{signature}` lowers to {core} core parameter(s), but the export takes {}",
                    function.length()
                )));
            }
            if let Some(actual) = self.core.as_ref().and_then(|c| c.get(&signature.name)) {
                let lowered = FuncType {
                    params: signature.core_params().into_iter().map(ValType::from).collect(),
                    results: signature.core_result().into_iter().map(ValType::from).collect(),
                };
                if *actual != lowered {
                    return Err(js_error(format!(
                        "`{signature}` does not match the export's core type {}",
                        core_types::describe(actual)
                    )));
                }
            }
            needs_memory |= signature.params.iter().any(|p| p.ty.is_indirect())
                || signature.result.is_some_and(|r| r.is_indirect());
        }
        if needs_memory {
            self.guest()?;
        }
        Ok(())
    }

    /// The exported function `name`.
    fn function(&self, name: &str) -> Result<Function, JsValue> {
        Reflect::get(&self.exports.borrow(), &name.into())?
            .dyn_into::<Function>()
            .map_err(|_| {
                js_error(format!(
                    "the module exports no function `{name}` (it has: {})",
                    self.functions().join(", ")
                ))
            })
    }

    /// The module's memory and ABI helpers.
    fn guest(&self) -> Result<Guest, JsValue> {
        let exports = self.exports.borrow();
        let get = |name: &str| Reflect::get(&exports, &name.into());
        let memory = get("memory")?
            .dyn_into::<WebAssembly::Memory>()
            .map_err(|_| js_error("the module uses the guest ABI but exports no `memory`"))?;
        let helper = |name: &str| {
            get(name)?.dyn_into::<Function>().map_err(|_| {
                js_error(format!(
                    "the module uses the guest ABI but exports no `{name}` function"
                ))
            })
        };
        Ok(Guest {
            memory,
            alloc: helper("echelon_alloc")?,
            free: helper("echelon_free")?,
            last_error: get("echelon_last_error")?.dyn_into::<Function>().ok(),
        })
    }

    fn call_abi(
        &self,
        name: &str,
        function: &Function,
        signature: &Signature,
        args: &[JsValue],
    ) -> Result<JsValue, JsValue> {
        if args.len() != signature.params.len() {
            return Err(js_error(format!(
                "{name}: expected {} argument(s) ({signature}), got {}",
                signature.params.len(),
                args.len()
            )));
        }
        // Every argument is checked before anything is written to the guest.
        let lowered = signature
            .params
            .iter()
            .zip(args)
            .enumerate()
            .map(|(i, (param, arg))| {
                values::lower(param.ty, arg).map_err(|why| {
                    let label = param
                        .name
                        .as_deref()
                        .map(|n| format!(" `{n}`"))
                        .unwrap_or_default();
                    js_error(format!("{name}: argument {i}{label}: {why}"))
                })
            })
            .collect::<Result<Vec<Lowered>, JsValue>>()?;
        let needs_guest = lowered.iter().any(|l| matches!(l, Lowered::Indirect(_)))
            || signature.result.is_some_and(|r| r.is_indirect());
        let guest = if needs_guest { Some(self.guest()?) } else { None };

        let core = Array::new();
        let mut written = Vec::new();
        let mut clean = true;
        let outcome = (|| {
            for value in &lowered {
                match value {
                    Lowered::Direct(v) => {
                        core.push(v);
                    }
                    Lowered::Indirect(bytes) => {
                        let guest = guest.as_ref().ok_or_else(|| js_error("no guest memory"))?;
                        let (ptr, len) = guest.write(bytes)?;
                        written.push((ptr, len));
                        core.push(&ptr.into());
                        core.push(&len.into());
                    }
                }
            }
            let result = function.apply(&JsValue::UNDEFINED, &core).map_err(|trap| {
                let (err, refused) = self.trapped(name, trap);
                clean = refused;
                err
            })?;
            match signature.result {
                None => Ok(JsValue::UNDEFINED),
                Some(ty) => values::lift(ty, result, guest.as_ref())
                    .map_err(|why| js_error(format!("{name}: result: {why}"))),
            }
        })();
        // After an unclean trap the arguments went with the old instance.
        if let (Some(guest), true) = (&guest, clean) {
            for (ptr, len) in written {
                let _ = guest.free(ptr, len);
            }
        }
        outcome
    }

    /// A call to an export without an `echelon:abi` signature: numbers in,
    /// whatever the JS API returns out.
    fn call_core(&self, name: &str, function: &Function, args: &[JsValue]) -> Result<JsValue, JsValue> {
        let expected = function.length() as usize;
        if args.len() != expected {
            return Err(js_error(format!(
                "{name}: expected {expected} argument(s), got {}",
                args.len()
            )));
        }
        let core = Array::new();
        match self.core.as_ref().and_then(|c| c.get(name)) {
            Some(ty) => {
                if ty.results.contains(&ValType::V128) {
                    return Err(js_error(format!(
                        "{name}: returns a v128, which JavaScript cannot receive"
                    )));
                }
                for (i, (param, arg)) in ty.params.iter().zip(args).enumerate() {
                    let value = values::lower_core(*param, arg)
                        .map_err(|why| js_error(format!("{name}: argument {i}: {why}")))?;
                    core.push(&value);
                }
            }
            // Types unknown: numbers and BigInts, converted by the engine.
            None => {
                for (i, arg) in args.iter().enumerate() {
                    if arg.as_f64().is_none() && !arg.is_bigint() {
                        return Err(js_error(format!(
                            "{name}: argument {i} must be a number or BigInt, got {}",
                            values::type_of(arg)
                        )));
                    }
                    core.push(arg);
                }
            }
        }
        function
            .apply(&JsValue::UNDEFINED, &core)
            .map_err(|trap| self.trapped(name, trap).0)
    }

    /// The error for a call that threw, and whether it was a clean refusal.
    ///
    /// A refusal carries the guest's own message (`echelon_last_error`).
    /// Anything else reports the engine's message (e.g. `unreachable`) and
    /// replaces the instance, which may be inconsistent now.
    fn trapped(&self, name: &str, trap: JsValue) -> (JsValue, bool) {
        if let Some(message) = self.guest().ok().and_then(|g| g.take_last_error()) {
            return (js_error(format!("{name}: {message}")), true);
        }
        let message = describe(&trap);
        match WebAssembly::Instance::new(&self.module, &self.imports) {
            Ok(fresh) => {
                self.exports.replace(fresh.exports());
            }
            Err(e) => {
                self.broken.replace(Some(format!(
                    "the module trapped earlier ({message}) and could not be instantiated again \
                     ({}); load it again",
                    describe(&e)
                )));
            }
        }
        (js_error(format!("{name}: {message}")), false)
    }
}

/// Whether the browser has `WebAssembly.instantiateStreaming`.
fn has_streaming() -> bool {
    Reflect::get(&js_sys::global(), &"WebAssembly".into())
        .and_then(|wa| Reflect::get(&wa, &"instantiateStreaming".into()))
        .map(|f| f.is_function())
        .unwrap_or(false)
}
