//! Use case 1, a plugin system: run an untrusted plugin under a strict
//! sandbox that grants a logger and nothing else.
//!
//! Run: `cargo run -p echelon-server --example plugin_system`

use echelon::runtime::{
    ExecOptions, HostFunction, InstantiateOptions, ParamType, ValKind, Value, WasmSource,
};
use echelon::sandbox::{Capability, SandboxConfig};
use echelon::{RuntimeConfig, WasmRuntime};

#[tokio::main]
async fn main() -> echelon::Result<()> {
    let rt = WasmRuntime::new(RuntimeConfig::default())?;
    rt.register_host_function(
        HostFunction::sync(
            "env",
            "log",
            [ParamType::Core(ValKind::I32), ParamType::Core(ValKind::I32)],
            [],
            |caller, args| {
                if let (Value::I32(p), Value::I32(l)) = (&args[0], &args[1]) {
                    let text = caller.read_string(*p as u32, *l as u32)?;
                    println!("[plugin {}] {text}", caller.module_id());
                }
                Ok(vec![])
            },
        )
        .with_capability(Capability::Console),
    );
    let sandbox = rt.create_sandbox(
        SandboxConfig::default()
            .memory_limit(8 * 1024 * 1024)
            .grant([Capability::Console])
            .allow_host_functions(["env.log"])
            .deny_host_functions(["env.fetch"]),
    )?;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/wat");
    rt.load_module_as("polite", WasmSource::file(format!("{dir}/polite_plugin.wat")))
        .await?;
    rt.load_module_as("greedy", WasmSource::file(format!("{dir}/plugin.wat")))
        .await?;
    let opts = InstantiateOptions {
        sandbox_id: Some(sandbox.id.clone()),
        ..Default::default()
    };
    rt.instantiate("polite", opts.clone()).await?;
    let r = rt
        .execute::<i32>("polite", "run", vec![], ExecOptions::default())
        .await;
    println!("polite plugin returned {:?} in {:?}", r.value, r.duration);
    match rt.instantiate("greedy", opts).await {
        Ok(_) => println!("greedy plugin was allowed (unexpected)"),
        Err(e) => println!("greedy plugin refused: {e}"),
    }
    for v in rt
        .get_sandbox(&sandbox.id)
        .map(|s| s.violations)
        .unwrap_or_default()
    {
        println!("violation recorded: {:?} {}", v.kind, v.message);
    }
    Ok(())
}
