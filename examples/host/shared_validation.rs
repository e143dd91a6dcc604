//! Use case 6, the same validation on both sides: the shared crate natively
//! and as the guest module give the same verdicts (the browser bundle runs
//! the same code through wasm-bindgen).
//!
//! Run: `cargo run -p echelon-server --example shared_validation`

use echelon::runtime::{ExecOptions, Value, WasmSource};
use echelon::{RuntimeConfig, WasmRuntime};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rt = WasmRuntime::new(RuntimeConfig::default())?;
    rt.load_module_as(
        "validation",
        WasmSource::file(echelon_tests::shared_guest_wasm()?),
    )
    .await?;
    for user in [
        r#"{"email":"ada@example.com","age":36}"#,
        r#"{"email":"ada@example","age":36}"#,
        r#"{"email":"kid@example.com","age":12}"#,
        "not json",
    ] {
        let wasm = rt
            .execute::<String>(
                "validation",
                "validate_user",
                vec![Value::String(user.into())],
                ExecOptions::default(),
            )
            .await
            .map(|e| e.value)?;
        let native = echelon_shared::validation::validate_user(user);
        println!("{user:<42} wasm: {wasm:<45} native agrees: {}", wasm == native);
    }
    Ok(())
}
