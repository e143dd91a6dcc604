//! Use case 1, a plugin system: run untrusted plugins, each under the
//! manifest it was given — a greeting from its configuration, log lines
//! that come back with each call, a visit counter in its own key-value
//! namespace — and refuse a plugin that asks for more than it is granted.
//!
//! Run: `cargo run -p echelon-server --example plugin_system`

use echelon::manifest::{ManifestPolicy, PluginManifest};
use echelon::runtime::{ExecOptions, InstantiateOptions, WasmSource};
use echelon::sandbox::SandboxConfig;
use echelon::{RuntimeConfig, WasmRuntime};

#[tokio::main]
async fn main() -> echelon::Result<()> {
    let data = std::env::temp_dir().join(format!("echelon-plugin-system-{}", std::process::id()));
    // The key-value store persists in a file; without `kv_path` it lives in memory.
    let rt = WasmRuntime::new(RuntimeConfig::default().kv_path(data.join("kv.redb")))?;
    let manifest = PluginManifest::from_json(
        br#"{"capabilities": ["console", "env", "kv-read", "kv-write"],
             "config": {"greeting": "welcome back"},
             "limits": {"memory_bytes": 8388608, "timeout_ms": 500}}"#,
    )?;
    manifest.validate(&ManifestPolicy::default())?;
    let sandbox = rt.create_sandbox(manifest.sandbox_config(&SandboxConfig::default()).id("visitor"))?;

    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wat");
    rt.load_module_as("visitor", WasmSource::file(format!("{dir}/plugins/visitor.wat")))
        .await?;
    let opts = InstantiateOptions {
        sandbox_id: Some(sandbox.id.clone()),
        ..Default::default()
    };
    rt.instantiate("visitor", opts.clone()).await?;
    for name in ["ada", "grace", "ada"] {
        let r = rt
            .execute_report::<i32>("visitor", "visit", echelon::args![name], ExecOptions::default())
            .await;
        for line in &r.logs {
            println!("  [{:?}] {}", line.level, line.message);
        }
        let duration = r.duration;
        println!("visit({name}) -> {} in {duration:?}", r.into_result()?);
    }
    // The host reads the plugin's namespace directly.
    let kv = rt.kv()?;
    for key in kv.keys("visitor")? {
        let count = kv.get("visitor", &key)?.unwrap_or_default();
        println!("kv visitor/{key} = {:?}", count);
    }

    // A plugin asking for a host function it was not granted is refused at
    // instantiation, with the capability's name.
    rt.load_module_as("greedy", WasmSource::file(format!("{dir}/plugins/http.wat")))
        .await?;
    match rt.instantiate("greedy", opts).await {
        Ok(_) => println!("greedy plugin was allowed (unexpected)"),
        Err(e) => println!("greedy plugin refused: {e}"),
    }
    let _ = std::fs::remove_dir_all(&data);
    Ok(())
}
