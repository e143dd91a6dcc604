//! TypeScript declarations (.d.ts) of a loaded module's exports.

use std::fmt::Write as _;
use std::time::SystemTime;

use echelon_shared::abi::AbiType;

use super::module::LoadedModule;
use super::values::{ParamType, ValKind};

fn ts_type(p: ParamType) -> &'static str {
    match p {
        ParamType::Core(ValKind::I32 | ValKind::F32 | ValKind::F64) => "number",
        ParamType::Core(ValKind::I64) => "bigint",
        ParamType::Core(ValKind::V128) => "Uint8Array",
        ParamType::Core(ValKind::FuncRef) => "Function | null",
        ParamType::Core(ValKind::ExternRef) => "unknown",
        ParamType::Abi(AbiType::I32 | AbiType::F32 | AbiType::F64) => "number",
        ParamType::Abi(AbiType::I64) => "bigint",
        ParamType::Abi(AbiType::Bool) => "boolean",
        ParamType::Abi(AbiType::Bytes) => "Uint8Array",
        ParamType::Abi(AbiType::String) => "string",
        ParamType::Abi(AbiType::Json) => "unknown",
    }
}

/// Renders the declaration in the spec's format: a header naming the source
/// and time, then `declare module "<path>" { ... }` with one line per export.
pub(crate) fn declaration(path: &str, m: &LoadedModule) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "// Auto-generated TypeScript declarations for WASM module");
    let _ = writeln!(out, "// Source: {path}");
    let _ = writeln!(out, "// Generated: {}", rfc3339(SystemTime::now()));
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "declare module {} {{",
        serde_json::Value::String(path.to_string())
    );
    for e in &m.exports {
        match e.kind {
            "func" => {
                let Some(shape) = m.funcs.get(&e.name) else {
                    continue;
                };
                let names: Vec<String> = match &shape.abi {
                    Some(sig) => sig
                        .params
                        .iter()
                        .enumerate()
                        .map(|(i, p)| p.name.clone().unwrap_or_else(|| format!("arg{i}")))
                        .collect(),
                    None => (0..shape.params.len()).map(|i| format!("arg{i}")).collect(),
                };
                let params: Vec<String> = names
                    .iter()
                    .zip(&shape.params)
                    .map(|(n, p)| format!("{n}: {}", ts_type(*p)))
                    .collect();
                let result = match shape.results.as_slice() {
                    [] => "void".to_string(),
                    [one] => ts_type(*one).to_string(),
                    many => format!(
                        "[{}]",
                        many.iter().map(|p| ts_type(*p)).collect::<Vec<_>>().join(", ")
                    ),
                };
                let _ = writeln!(
                    out,
                    "  export function {}({}): {result};",
                    e.name,
                    params.join(", ")
                );
            }
            "memory" => {
                let _ = writeln!(out, "  export const {}: WebAssembly.Memory;", e.name);
            }
            "global" => {
                let _ = writeln!(out, "  export const {}: WebAssembly.Global;", e.name);
            }
            "table" => {
                let _ = writeln!(out, "  export const {}: WebAssembly.Table;", e.name);
            }
            _ => {
                let _ = writeln!(out, "  export const {}: WebAssembly.Tag;", e.name);
            }
        }
    }
    out.push_str("}\n");
    out
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` for a system time (UTC).
pub(crate) fn rfc3339(t: SystemTime) -> String {
    let d = t.duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Howard Hinnant's civil-from-days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(SystemTime::UNIX_EPOCH), "1970-01-01T00:00:00.000Z");
        let t = SystemTime::UNIX_EPOCH + Duration::from_millis(1_737_979_200_123);
        assert_eq!(rfc3339(t), "2025-01-27T12:00:00.123Z");
        let leap = SystemTime::UNIX_EPOCH + Duration::from_secs(951_782_400);
        assert_eq!(rfc3339(leap), "2000-02-29T00:00:00.000Z");
    }
}
