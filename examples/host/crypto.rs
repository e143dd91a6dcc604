//! Use case 4, cryptography: AES-256 block encryption and SHA-256 in the
//! guest module, checked against the native build.
//!
//! Run: `cargo run -p echelon-server --example crypto`

use echelon::runtime::{ExecOptions, Value, WasmSource};
use echelon::{RuntimeConfig, WasmRuntime};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rt = WasmRuntime::new(RuntimeConfig::default())?;
    rt.load_module_as("shared", WasmSource::file(echelon_tests::shared_guest_wasm()?))
        .await?;
    let key: Vec<u8> = (0u8..32).collect();
    let block = b"attack at dawn!!".to_vec();
    let ct = rt
        .execute::<Vec<u8>>(
            "shared",
            "encrypt_block",
            vec![Value::Bytes(key.clone()), Value::Bytes(block.clone())],
            ExecOptions::default(),
        )
        .await
        .map(|e| e.value)?;
    let pt = rt
        .execute::<Vec<u8>>(
            "shared",
            "decrypt_block",
            vec![Value::Bytes(key.clone()), Value::Bytes(ct.clone())],
            ExecOptions::default(),
        )
        .await
        .map(|e| e.value)?;
    println!("ciphertext {}", hex(&ct));
    println!("round trip {:?}", String::from_utf8_lossy(&pt));
    println!(
        "same as native: {}",
        ct == echelon_shared::crypto::encrypt_block(&key, &block)?
    );
    let short = rt
        .execute_report::<Vec<u8>>(
            "shared",
            "encrypt_block",
            vec![Value::Bytes(vec![1; 5]), Value::Bytes(block)],
            ExecOptions::default(),
        )
        .await;
    println!(
        "short key: {}",
        short.error.map(|e| e.to_string()).unwrap_or_default()
    );
    Ok(())
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
