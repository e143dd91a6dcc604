//! Templates: named generators of modules with declared, checked parameters,
//! and the built-in `mathFunction`.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_encoder::Instruction as I;

use super::builder::{FuncType, ModuleBuilder, ValueType};
use super::error::GeneratorError;

/// Template parameters by name, as JSON values.
pub type TemplateParams = serde_json::Map<String, Value>;

/// The function a template runs on its checked parameters (defaults filled in).
pub type TemplateFn = Arc<dyn Fn(&TemplateParams) -> Result<ModuleBuilder, GeneratorError> + Send + Sync>;

/// The JSON type a parameter must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParamKind {
    /// A JSON string.
    String,
    /// A JSON number.
    Number,
    /// A JSON boolean.
    Boolean,
}

impl ParamKind {
    fn matches(self, v: &Value) -> bool {
        match self {
            ParamKind::String => v.is_string(),
            ParamKind::Number => v.is_number(),
            ParamKind::Boolean => v.is_boolean(),
        }
    }
}

/// One declared parameter of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateParameter {
    /// Its name.
    pub name: String,
    /// Its JSON type.
    pub kind: ParamKind,
    /// Whether it must be given (a parameter with a default never must).
    pub required: bool,
    /// The value used when it is not given.
    pub default: Option<Value>,
    /// For strings: the accepted values (empty means any).
    pub allowed: Vec<String>,
}

impl TemplateParameter {
    /// A required parameter.
    pub fn required(name: &str, kind: ParamKind) -> Self {
        Self {
            name: name.to_string(),
            kind,
            required: true,
            default: None,
            allowed: Vec::new(),
        }
    }

    /// An optional parameter with a default.
    pub fn optional(name: &str, kind: ParamKind, default: Value) -> Self {
        Self {
            name: name.to_string(),
            kind,
            required: false,
            default: Some(default),
            allowed: Vec::new(),
        }
    }

    /// Restricts a string parameter to `values`.
    pub fn one_of(mut self, values: &[&str]) -> Self {
        self.allowed = values.iter().map(|v| v.to_string()).collect();
        self
    }
}

/// A named module generator.
#[derive(Clone)]
pub struct Template {
    /// The name it is called by.
    pub name: String,
    /// What it generates.
    pub description: String,
    /// Its declared parameters; calls are checked against them.
    pub parameters: Vec<TemplateParameter>,
    /// Builds the module from checked parameters.
    pub generate: TemplateFn,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Template")
            .field("name", &self.name)
            .field("description", &self.description)
            .field("parameters", &self.parameters)
            .finish_non_exhaustive()
    }
}

impl Template {
    /// A template from its parts.
    pub fn new(
        name: &str,
        description: &str,
        parameters: Vec<TemplateParameter>,
        generate: impl Fn(&TemplateParams) -> Result<ModuleBuilder, GeneratorError> + Send + Sync + 'static,
    ) -> Self {
        Self {
            name: name.to_string(),
            description: description.to_string(),
            parameters,
            generate: Arc::new(generate),
        }
    }

    fn error(&self, message: impl Into<String>) -> GeneratorError {
        GeneratorError::Template {
            name: self.name.clone(),
            message: message.into(),
        }
    }

    /// Checks `given` against the declared parameters and fills in defaults.
    ///
    /// # Errors
    /// An unknown, missing, mistyped or disallowed parameter.
    pub fn check_params(&self, given: &TemplateParams) -> Result<TemplateParams, GeneratorError> {
        let mut out = TemplateParams::new();
        for key in given.keys() {
            if !self.parameters.iter().any(|p| &p.name == key) {
                let known: Vec<&str> = self.parameters.iter().map(|p| p.name.as_str()).collect();
                return Err(self.error(format!(
                    "unknown parameter `{key}`; the parameters are {}",
                    known.join(", ")
                )));
            }
        }
        for p in &self.parameters {
            let value = match (given.get(&p.name), &p.default) {
                (Some(v), _) => v.clone(),
                (None, Some(d)) => d.clone(),
                (None, None) if p.required => {
                    return Err(self.error(format!("missing required parameter `{}`", p.name)))
                }
                (None, None) => continue,
            };
            if !p.kind.matches(&value) {
                return Err(self.error(
                    format!("parameter `{}` must be a {:?}, got {value}", p.name, p.kind).to_lowercase(),
                ));
            }
            if let (false, Some(s)) = (p.allowed.is_empty(), value.as_str()) {
                if !p.allowed.iter().any(|a| a == s) {
                    return Err(self.error(format!(
                        "parameter `{}` is `{s}`; expected one of {}",
                        p.name,
                        p.allowed.join(", ")
                    )));
                }
            }
            out.insert(p.name.clone(), value);
        }
        Ok(out)
    }

    /// Checks the parameters and builds the module.
    ///
    /// # Errors
    /// Parameter errors, or the template's own.
    pub fn instantiate(&self, given: &TemplateParams) -> Result<Vec<u8>, GeneratorError> {
        let params = self.check_params(given)?;
        (self.generate)(&params)?.finish()
    }
}

/// The registered templates, by name.
#[derive(Debug, Clone)]
pub struct TemplateRegistry {
    templates: BTreeMap<String, Template>,
}

impl Default for TemplateRegistry {
    /// A registry holding the built-in templates.
    fn default() -> Self {
        let mut r = Self {
            templates: BTreeMap::new(),
        };
        let m = math_function();
        r.templates.insert(m.name.clone(), m);
        r
    }
}

impl TemplateRegistry {
    /// Adds or replaces a template.
    pub fn register(&mut self, template: Template) {
        self.templates.insert(template.name.clone(), template);
    }

    /// Removes a template; returns whether it existed.
    pub fn unregister(&mut self, name: &str) -> bool {
        self.templates.remove(name).is_some()
    }

    /// The templates in name order.
    pub fn list(&self) -> Vec<&Template> {
        self.templates.values().collect()
    }

    /// Runs template `name` on `params`.
    ///
    /// # Errors
    /// [`GeneratorError::UnknownTemplate`], or the template's errors.
    pub fn generate(&self, name: &str, params: &TemplateParams) -> Result<Vec<u8>, GeneratorError> {
        self.templates
            .get(name)
            .ok_or_else(|| GeneratorError::UnknownTemplate(name.to_string()))?
            .instantiate(params)
    }
}

const INT_OPS: &[&str] = &[
    "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u",
    "rotl", "rotr",
];
const FLOAT_OPS: &[&str] = &["add", "sub", "mul", "div", "min", "max", "copysign"];

fn math_instruction(op: &str, ty: ValueType) -> Option<I<'static>> {
    use ValueType::*;
    Some(match (op, ty) {
        ("add", I32) => I::I32Add,
        ("sub", I32) => I::I32Sub,
        ("mul", I32) => I::I32Mul,
        ("div_s", I32) => I::I32DivS,
        ("div_u", I32) => I::I32DivU,
        ("rem_s", I32) => I::I32RemS,
        ("rem_u", I32) => I::I32RemU,
        ("and", I32) => I::I32And,
        ("or", I32) => I::I32Or,
        ("xor", I32) => I::I32Xor,
        ("shl", I32) => I::I32Shl,
        ("shr_s", I32) => I::I32ShrS,
        ("shr_u", I32) => I::I32ShrU,
        ("rotl", I32) => I::I32Rotl,
        ("rotr", I32) => I::I32Rotr,
        ("add", I64) => I::I64Add,
        ("sub", I64) => I::I64Sub,
        ("mul", I64) => I::I64Mul,
        ("div_s", I64) => I::I64DivS,
        ("div_u", I64) => I::I64DivU,
        ("rem_s", I64) => I::I64RemS,
        ("rem_u", I64) => I::I64RemU,
        ("and", I64) => I::I64And,
        ("or", I64) => I::I64Or,
        ("xor", I64) => I::I64Xor,
        ("shl", I64) => I::I64Shl,
        ("shr_s", I64) => I::I64ShrS,
        ("shr_u", I64) => I::I64ShrU,
        ("rotl", I64) => I::I64Rotl,
        ("rotr", I64) => I::I64Rotr,
        ("add", F32) => I::F32Add,
        ("sub", F32) => I::F32Sub,
        ("mul", F32) => I::F32Mul,
        ("div", F32) => I::F32Div,
        ("min", F32) => I::F32Min,
        ("max", F32) => I::F32Max,
        ("copysign", F32) => I::F32Copysign,
        ("add", F64) => I::F64Add,
        ("sub", F64) => I::F64Sub,
        ("mul", F64) => I::F64Mul,
        ("div", F64) => I::F64Div,
        ("min", F64) => I::F64Min,
        ("max", F64) => I::F64Max,
        ("copysign", F64) => I::F64Copysign,
        _ => return None,
    })
}

/// The built-in `mathFunction { name, operation, type }`: one exported
/// function `name(a: type, b: type) -> type` computing `a operation b`.
pub fn math_function() -> Template {
    let mut all_ops: Vec<&str> = INT_OPS.to_vec();
    all_ops.extend(FLOAT_OPS.iter().filter(|o| !INT_OPS.contains(o)));
    Template::new(
        "mathFunction",
        "One exported binary function `name(a, b)` applying a wasm numeric operation",
        vec![
            TemplateParameter::required("name", ParamKind::String),
            TemplateParameter::required("operation", ParamKind::String).one_of(&all_ops),
            TemplateParameter::optional("type", ParamKind::String, Value::from("i32"))
                .one_of(&["i32", "i64", "f32", "f64"]),
        ],
        |params| {
            let error = |message: String| GeneratorError::Template {
                name: "mathFunction".to_string(),
                message,
            };
            let name = params.get("name").and_then(Value::as_str).unwrap_or_default();
            if name.is_empty() {
                return Err(error("parameter `name` must not be empty".to_string()));
            }
            let op = params
                .get("operation")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let ty = params
                .get("type")
                .and_then(Value::as_str)
                .and_then(ValueType::parse)
                .unwrap_or(ValueType::I32);
            let instr = math_instruction(op, ty).ok_or_else(|| {
                let ops = if matches!(ty, ValueType::I32 | ValueType::I64) {
                    INT_OPS
                } else {
                    FLOAT_OPS
                };
                error(format!(
                    "operation `{op}` does not exist for `{}`; use one of {}",
                    ty.name(),
                    ops.join(", ")
                ))
            })?;
            let mut b = ModuleBuilder::new();
            let f = b.function(
                name,
                FuncType::new([ty, ty], [ty]),
                Vec::new(),
                vec![I::LocalGet(0), I::LocalGet(1), instr],
            );
            b.name_params(f, vec!["a".to_string(), "b".to_string()])?;
            b.export_function(name, f)?;
            Ok(b)
        },
    )
}
