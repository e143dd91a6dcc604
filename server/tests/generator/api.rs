//! Templates, the module builder, expressions, validation and .d.ts.

use echelon::generator::{
    module_declaration, validate, ConstValue, FuncType, Generator, GeneratorError, GeneratorSource,
    ParamKind, Template, TemplateParameter, TemplateParams, ValueType,
};
use serde_json::json;
use wasm_encoder::Instruction as I;
use wasmtime::Val;

use crate::harness::{call, compile, show};

fn params(v: serde_json::Value) -> TemplateParams {
    v.as_object().cloned().expect("an object")
}

#[test]
fn math_function_template_as_in_the_spec() {
    let g = Generator::new();
    let wasm = g
        .generate_from_template(
            "mathFunction",
            &params(json!({"name": "multiply", "operation": "mul", "type": "i32"})),
        )
        .expect("generates");
    assert_eq!(
        show(&call(&wasm, "multiply", &[Val::I32(6), Val::I32(7)])),
        "i32:42"
    );
    let wasm = g
        .generate_from_template(
            "mathFunction",
            &params(json!({"name": "q", "operation": "div_u"})),
        )
        .expect("type defaults to i32");
    assert_eq!(
        show(&call(&wasm, "q", &[Val::I32(-2), Val::I32(2)])),
        "i32:2147483647"
    );
    let wasm = g
        .generate_from_template(
            "mathFunction",
            &params(json!({"name": "m", "operation": "max", "type": "f64"})),
        )
        .expect("float max");
    assert_eq!(
        show(&call(
            &wasm,
            "m",
            &[Val::F64(1.5f64.to_bits()), Val::F64(2.5f64.to_bits())]
        )),
        "f64:2.5"
    );
}

#[test]
fn template_parameters_are_checked() {
    let g = Generator::new();
    let err = |p: serde_json::Value| {
        g.generate_from_template("mathFunction", &params(p))
            .unwrap_err()
            .to_string()
    };
    assert!(err(json!({"operation": "add"})).contains("missing required parameter `name`"));
    assert!(err(json!({"name": "f", "operation": "pow"})).contains("expected one of"));
    assert!(err(json!({"name": "f", "operation": "add", "type": "i128"})).contains("expected one of"));
    assert!(err(json!({"name": 3, "operation": "add"})).contains("must be a string"));
    assert!(err(json!({"name": "f", "operation": "add", "extra": 1})).contains("unknown parameter `extra`"));
    assert!(
        err(json!({"name": "f", "operation": "div_s", "type": "f64"})).contains("does not exist for `f64`")
    );
    assert!(matches!(
        g.generate_from_template("nope", &TemplateParams::new()),
        Err(GeneratorError::UnknownTemplate(_))
    ));
}

#[test]
fn custom_templates_register_and_unregister() {
    let mut g = Generator::new();
    g.register_template(Template::new(
        "constant",
        "A function returning a constant, plus a global and a memory",
        vec![
            TemplateParameter::required("value", ParamKind::Number),
            TemplateParameter::optional("export", ParamKind::String, json!("get")),
        ],
        |p| {
            let value = p.get("value").and_then(serde_json::Value::as_i64).unwrap_or(0);
            let name = p
                .get("export")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("get");
            let mut b = Generator::new().create_module_builder();
            let global = b.global("value", false, ConstValue::I64(value));
            let f = b.function(
                "get",
                FuncType::new([], [ValueType::I64]),
                Vec::new(),
                vec![I::GlobalGet(global.0)],
            );
            let memory = b.memory(1, Some(2));
            b.export_function(name, f)?;
            b.export_global("value", global)?;
            b.export_memory("memory", memory)?;
            Ok(b)
        },
    ));
    let names: Vec<&str> = g.get_templates().iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, vec!["constant", "mathFunction"]);
    let r = g.generate(&GeneratorSource::template(
        "constant",
        params(json!({"value": 7, "export": "seven"})),
    ));
    assert!(r.success, "{:?}", r.errors);
    let wasm = r.wasm.expect("module");
    assert_eq!(show(&call(&wasm, "seven", &[])), "i64:7");
    let dts = module_declaration(&wasm).expect("parses");
    assert!(dts.contains("export declare function seven(): bigint;"), "{dts}");
    assert!(
        dts.contains("export declare const memory: WebAssembly.Memory;"),
        "{dts}"
    );
    assert!(g.unregister_template("constant"));
    assert!(!g.unregister_template("constant"));
    assert_eq!(g.get_templates().len(), 1);
}

#[test]
fn builder_imports_must_come_first_and_bodies_must_be_defined() {
    let mut b = Generator::new().create_module_builder();
    let log = b
        .import_function("env", "log", FuncType::new([ValueType::I32], []))
        .expect("first");
    let f = b.declare_function("run", FuncType::new([], []));
    assert!(b.import_function("env", "late", FuncType::new([], [])).is_err());
    b.define_function(f, vec![ValueType::I32], vec![I::I32Const(1), I::Call(log.0)])
        .expect("declared");
    b.export_function("run", f).expect("first export");
    assert!(b.export_function("run", f).is_err());
    let wasm = b.finish().expect("complete");
    assert!(validate(&wasm).valid);

    let mut b = Generator::new().create_module_builder();
    b.declare_function("missing", FuncType::new([], []));
    assert!(b.finish().is_err());
}

#[test]
fn compile_expression_exports_eval() {
    let g = Generator::new();
    let wasm = g
        .compile_expression("Math.sqrt(2) * Math.sqrt(2) + 1", ValueType::F64)
        .expect("compiles");
    let v = show(&call(&wasm, "eval", &[]));
    assert!(v.starts_with("f64:3.0000000000000") || v == "f64:3", "{v}");
    let wasm = g
        .compile_expression("(7 + 3) * 2 % 6", ValueType::I32)
        .expect("compiles");
    assert_eq!(show(&call(&wasm, "eval", &[])), "i32:2");
    let wasm = g.compile_expression("1 << 40", ValueType::I64).expect("compiles");
    assert_eq!(show(&call(&wasm, "eval", &[])), "i64:1099511627776");
    assert!(g.compile_expression("2.5", ValueType::I32).is_err());
}

#[test]
fn declarations_for_a_generated_module() {
    let wasm = compile(
        "export function scale(value: f64, factor: i32): f64 { return value * factor; }
         export function big(n: i64): i64 { return n; }
         export function tick(): void {}
         export let counter: i32 = 0;",
    );
    let dts = Generator::new().generate_declaration(&wasm).expect("parses");
    assert!(
        dts.contains("export declare function scale(value: number, factor: number): number;"),
        "{dts}"
    );
    assert!(
        dts.contains("export declare function big(n: bigint): bigint;"),
        "{dts}"
    );
    assert!(dts.contains("export declare function tick(): void;"), "{dts}");
    assert!(
        dts.contains("export declare const counter: WebAssembly.Global;"),
        "{dts}"
    );
}

#[test]
fn validation_reports_errors_with_offsets() {
    let g = Generator::new();
    assert!(
        g.validate(&compile("export function f(): i32 { return 1; }"))
            .valid
    );
    let r = g.validate(b"\0asm\x01\0\0\0\x01\x05");
    assert!(!r.valid);
    assert!(r.errors[0].contains("offset"), "{:?}", r.errors);
    assert!(matches!(
        g.optimize(b"not wasm", echelon::generator::OptimizationLevel::Size),
        Err(GeneratorError::Validation(_))
    ));
}

#[test]
fn generation_stats_are_filled() {
    let r = Generator::new().generate(&GeneratorSource::typescript(crate::examples::MATH));
    assert!(r.success);
    assert_eq!(r.stats.functions, 2);
    assert_eq!(r.stats.source_size, crate::examples::MATH.len());
    assert_eq!(r.stats.wasm_size, r.wasm.as_ref().map_or(0, Vec::len));
    assert!(r.stats.optimization.is_none());
}

#[test]
fn unread_variables_are_warnings() {
    let src = "export function f(x: i32): i32 {\n  let unused = 1;\n  let _quiet = 2;\n  let a = 0;\n  let b = a++;\n  for (let i = 0; i < 3; i++) { let tmp = i; }\n  return b;\n}";
    let r = Generator::new().generate_from_typescript(src, &echelon::generator::GeneratorOptions::default());
    assert!(r.success, "{:?}", r.errors);
    let w: Vec<(u32, u32, &str)> = r
        .warnings
        .iter()
        .map(|d| (d.line, d.column, d.message.as_str()))
        .collect();
    assert_eq!(
        w,
        vec![
            (2, 7, "`unused` is declared but its value is never read"),
            (6, 37, "`tmp` is declared but its value is never read"),
        ]
    );
}
