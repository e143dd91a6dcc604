//! Use case 2, an image pipeline: decode a PNG, fit it into 1920x1080 with
//! Lanczos3 and re-encode it, inside the shared guest module.
//!
//! Run: `cargo run -p echelon-server --example image_pipeline`

use echelon::runtime::{ExecOptions, Value, WasmSource};
use echelon::{RuntimeConfig, WasmRuntime};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let rt = WasmRuntime::new(RuntimeConfig::default())?;
    rt.load_module_as("shared", WasmSource::file(echelon_tests::shared_guest_wasm()?))
        .await?;
    let (w, h) = (2400u32, 1600u32);
    let pixels: Vec<u8> = (0..w * h)
        .flat_map(|i| [(i % w % 256) as u8, (i / w % 256) as u8, 128, 255])
        .collect();
    let png = echelon_shared::image::encode_png(&pixels, w, h)?;
    let r = rt
        .execute_report::<Vec<u8>>(
            "shared",
            "process_upload",
            vec![Value::Bytes(png.clone()), Value::I32(1920), Value::I32(1080)],
            ExecOptions::default(),
        )
        .await;
    let out = r.into_result()?;
    let info = echelon_shared::image::image_dimensions(&out)?;
    println!(
        "{w}x{h} PNG ({} bytes) -> {}x{} PNG ({} bytes)",
        png.len(),
        info.width,
        info.height,
        out.len()
    );
    Ok(())
}
