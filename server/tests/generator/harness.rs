//! Running generated modules in wasmtime (directly, not through the runtime).

use echelon::generator::{Generator, GeneratorOptions};
use wasmtime::{Engine, Instance, Module, Store, Val};

/// A call's outcome: the value, or the trap message.
pub type Outcome = Result<Val, String>;

/// Instantiates `wasm` and calls `func(args)`.
pub fn call(wasm: &[u8], func: &str, args: &[Val]) -> Outcome {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).map_err(|e| format!("compile: {e:#}"))?;
    let mut store = Store::new(&engine, ());
    let instance = Instance::new(&mut store, &module, &[]).map_err(|e| format!("instantiate: {e:#}"))?;
    let f = instance
        .get_func(&mut store, func)
        .ok_or_else(|| format!("no export `{func}`"))?;
    let mut results = vec![Val::I32(0); f.ty(&store).results().len()];
    f.call(&mut store, args, &mut results)
        .map_err(|e| format!("trap: {e:#}"))?;
    Ok(results.into_iter().next().unwrap_or(Val::I32(0)))
}

/// Compiles TypeScript-subset source, panicking with the diagnostics on failure.
pub fn compile(src: &str) -> Vec<u8> {
    let r = Generator::new().generate_from_typescript(src, &GeneratorOptions::default());
    assert!(r.success, "compile failed: {:?}\n{src}", r.errors);
    r.wasm.expect("success implies a module")
}

/// Compiles TypeScript-subset source with Binaryen at level `speed`.
pub fn compile_optimized(src: &str) -> Vec<u8> {
    let options = GeneratorOptions::optimized(echelon::generator::OptimizationLevel::Speed);
    let r = Generator::new().generate_from_typescript(src, &options);
    assert!(r.success, "compile failed: {:?}\n{src}", r.errors);
    r.wasm.expect("success implies a module")
}

/// A comparable rendering of a value (floats by bits, so NaN equals NaN).
pub fn show(v: &Outcome) -> String {
    match v {
        Ok(Val::I32(x)) => format!("i32:{x}"),
        Ok(Val::I64(x)) => format!("i64:{x}"),
        Ok(Val::F32(b)) => format!("f32:{}", f32::from_bits(*b)),
        Ok(Val::F64(b)) => format!("f64:{}", f64::from_bits(*b)),
        Ok(other) => format!("{other:?}"),
        Err(e) if e.starts_with("trap") => "trap".to_string(),
        Err(e) => format!("error: {e}"),
    }
}
