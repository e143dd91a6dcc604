//! Use case 3, real-time transformation: each message goes through a WASM
//! `transform` with a 100 ms limit.
//!
//! Run: `cargo run -p echelon-server --example stream_transform`

use std::time::Duration;

use echelon::runtime::{ExecOptions, Value, WasmSource};
use echelon::{RuntimeConfig, WasmRuntime};

#[tokio::main]
async fn main() -> echelon::Result<()> {
    let rt = WasmRuntime::new(RuntimeConfig::default())?;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wat/transform.wat");
    rt.load_module_as("transformer", WasmSource::file(path)).await?;
    for msg in ["sensor-1 temp=21.5", "sensor-2 humidity=40", "alert: door open"] {
        let r = rt
            .execute_report::<Vec<u8>>(
                "transformer",
                "transform",
                vec![Value::Bytes(msg.as_bytes().to_vec())],
                ExecOptions::timeout(Duration::from_millis(100)),
            )
            .await;
        let took = r.duration;
        println!(
            "{msg:>24} -> {} ({took:?})",
            String::from_utf8_lossy(&r.into_result()?)
        );
    }
    Ok(())
}
