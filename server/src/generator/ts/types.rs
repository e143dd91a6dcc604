//! Type checker: resolves names and types, infers `let`/`const` types from
//! their initializers, inserts implicit conversions and lowers the syntax tree
//! to the typed [`ir`](super::ir). AssemblyScript's rules are the reference.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::ast::{self, Item, Span, Stmt, StmtKind};
use super::ir::{Callee, LabelId, TExprKind, TFunction, TGlobal, TImport, TProgram, TStmt, Type};
use crate::generator::error::Diagnostic;

mod classes;
mod convert;
mod expr;
mod stmt;

use convert::{coerce, zero};
use stmt::terminates;

type CResult<T> = Result<T, Diagnostic>;

fn err(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(span.line, span.column, message)
}

/// Resolves a written type name; `classes` maps class names to numbers.
pub(super) fn resolve_type(t: &ast::TypeName, classes: &HashMap<String, u32>) -> CResult<Type> {
    if let Some(c) = classes.get(&t.name) {
        return Ok(Type::Class(*c));
    }
    if let Some(inner) = t.name.strip_suffix("[]") {
        let elem = ast::TypeName {
            name: inner.to_string(),
            span: t.span,
        };
        let e = resolve_type(&elem, classes)?;
        return e.elem().map(Type::Array).ok_or_else(|| {
            err(
                t.span,
                format!(
                    "arrays of `{}` are not supported: elements are numbers, bool or string",
                    e.name()
                ),
            )
        });
    }
    if let Some(e) = super::ir::Elem::from_typed_array(&t.name) {
        return Ok(Type::TypedArray(e));
    }
    Ok(match t.name.as_str() {
        "i8" => Type::I8,
        "i16" => Type::I16,
        "i32" | "isize" => Type::I32,
        "i64" => Type::I64,
        "u8" => Type::U8,
        "u16" => Type::U16,
        "u32" | "usize" => Type::U32,
        "u64" => Type::U64,
        "f32" => Type::F32,
        "f64" | "number" => Type::F64,
        "bool" | "boolean" => Type::Bool,
        "string" => Type::Str,
        "void" => Type::Void,
        other => {
            return Err(err(
                t.span,
                format!("unknown type `{other}`; the subset has i8, i16, i32, i64, u8, u16, u32, u64, isize, usize, f32, f64 (or number), bool (or boolean), string, void, arrays (`T[]`, `Array<T>`) and typed arrays (`Uint8Array`, ...)"),
            ))
        }
    })
}

/// A function's signature, known before any body is checked so that calls
/// may come in any order.
#[derive(Debug, Clone)]
struct Signature {
    index: u32,
    params: Vec<Type>,
    result: Type,
}

#[derive(Debug, Clone, Copy)]
struct GlobalInfo {
    index: u32,
    ty: Type,
    constant: bool,
}

#[derive(Debug, Clone, Copy)]
struct LocalVar {
    index: u32,
    ty: Type,
    constant: bool,
    span: Span,
}

#[derive(Debug, Clone)]
struct LabelFrame {
    name: Option<String>,
    id: LabelId,
    is_loop: bool,
    /// Whether an unlabelled `break` leaves it (loops and `switch`).
    breakable: bool,
}

/// Names visible to the whole program.
struct ModuleScope {
    functions: HashMap<String, Signature>,
    globals: HashMap<String, GlobalInfo>,
    imports: HashMap<String, (u32, Signature)>,
    /// Class numbers by name.
    classes: HashMap<String, u32>,
    /// Classes by number.
    class_info: Vec<classes::ClassInfo>,
    /// The prelude's static data blobs by name (`const __T = __data_u64([...])`).
    data: HashMap<String, u32>,
}

impl ModuleScope {
    fn resolve(&self, t: &ast::TypeName) -> CResult<Type> {
        resolve_type(t, &self.classes)
    }
}

/// State while checking one function body.
struct FnCtx<'m> {
    module: &'m ModuleScope,
    /// The module's globals, or while checking global initializers the ones
    /// declared so far (borrowed, so that checking a function costs nothing
    /// per global).
    globals: Cow<'m, HashMap<String, GlobalInfo>>,
    scopes: Vec<HashMap<String, LocalVar>>,
    locals: Vec<Type>,
    params: usize,
    result: Type,
    labels: Vec<LabelFrame>,
    next_label: LabelId,
    uses_random: bool,
    /// Whether this is a function of the runtime prelude, which may use the
    /// reserved `__` names and the memory built-ins.
    in_prelude: bool,
    /// Locals whose value is read somewhere.
    reads: HashSet<u32>,
    warnings: Vec<Diagnostic>,
    /// The class whose method, constructor or static method this is (for
    /// `private` and `protected`).
    class: Option<u32>,
    /// Whether this is that class's constructor (for `readonly`).
    in_constructor: bool,
}

/// What checking one function produced besides errors.
struct CheckedFunction {
    function: TFunction,
    uses_random: bool,
    warnings: Vec<Diagnostic>,
}

/// Export names the guest ABI uses.
const ABI_EXPORTS: &[&str] = &["memory", "echelon_alloc", "echelon_free", "echelon_last_error"];

fn reserved(span: Span) -> Diagnostic {
    err(span, "names starting with `__` are reserved for the compiler")
}

/// Checks a parsed program, together with the runtime prelude (whose
/// functions follow the program's in the result; codegen emits only those
/// the program reaches).
///
/// Every stage is linear in the number of items: names are resolved
/// through hash maps, and a global initializer sees the globals declared
/// before it through the same map, filled as they are declared.
///
/// # Errors
/// Every error found: one per function at most, plus declaration errors.
pub fn check_program(program: &ast::Program) -> Result<TProgram, Vec<Diagnostic>> {
    check_program_with(program, false)
}

/// [`check_program`], checking every prelude function even when nothing
/// calls it (for the prelude's own test).
#[cfg(test)]
pub(super) fn check_whole_prelude(program: &ast::Program) -> Result<TProgram, Vec<Diagnostic>> {
    check_program_with(program, true)
}

fn check_program_with(
    program: &ast::Program,
    check_whole_prelude: bool,
) -> Result<TProgram, Vec<Diagnostic>> {
    let prelude = super::prelude::program()?;
    let with_statics = classes::with_statics(program);
    let program = with_statics.as_ref().unwrap_or(program);
    let mut errors = Vec::new();
    // Classes first: their names are types everywhere else.
    let mut class_names = HashMap::new();
    let mut class_decls = Vec::new();
    for item in &program.items {
        let Item::Class(c) = item else { continue };
        if class_names
            .insert(c.name.clone(), class_decls.len() as u32)
            .is_some()
        {
            errors.push(err(c.span, format!("duplicate class `{}`", c.name)));
            continue;
        }
        class_decls.push(c);
    }
    let order = classes::order(&class_decls, &class_names).map_err(|e| vec![e])?;
    let mut laid_out: Vec<Option<classes::ClassInfo>> = vec![None; class_decls.len()];
    for i in order {
        let c = class_decls[i];
        let parent = c
            .extends
            .as_ref()
            .and_then(|b| class_names.get(&b.name).copied())
            .and_then(|p| laid_out.get(p as usize).and_then(|l| l.as_ref()).map(|l| (p, l)));
        match classes::layout(c, i as u32, parent, &|t| resolve_type(t, &class_names)) {
            Ok(info) => laid_out[i] = Some(info),
            Err(e) => {
                errors.push(e);
                return Err(errors);
            }
        }
    }
    // `order` placed every class.
    let class_info: Vec<classes::ClassInfo> = laid_out.into_iter().flatten().collect();
    let _parents = convert::ClassParents::set(class_info.iter().map(|c| c.parent).collect());
    let mut class_fns: Vec<ast::Function> = Vec::new();
    for c in &class_decls {
        let inherited = classes::constructor_params(&class_decls, &class_names, c);
        match classes::functions(c, &inherited) {
            Ok(fns) => class_fns.extend(fns),
            Err(e) => errors.push(e),
        }
    }
    let user_fns = program
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Function(f) => Some((f, false)),
            _ => None,
        })
        .chain(class_fns.iter().map(|f| (f, false)));
    let prelude_fns = prelude.items.iter().filter_map(|i| match i {
        Item::Function(f) => Some((f, true)),
        _ => None,
    });
    let functions: Vec<(&ast::Function, bool)> = user_fns.chain(prelude_fns).collect();
    let user_functions = functions.iter().filter(|(_, p)| !p).count() as u32;
    let mut module = ModuleScope {
        functions: HashMap::with_capacity(functions.len()),
        globals: HashMap::new(),
        imports: HashMap::new(),
        classes: class_names,
        class_info,
        data: HashMap::new(),
    };
    for (index, (f, in_prelude)) in functions.iter().enumerate() {
        match signature(f, index as u32, &module) {
            Ok(sig) if f.exported && sig.params.iter().chain([&sig.result]).any(|t| crosses_badly(*t)) => {
                errors.push(err(
                    f.span,
                    format!(
                        "exported function `{}` passes an array or an object: the guest ABI carries numbers, bool, string and Uint8Array (bytes)",
                        f.name
                    ),
                ));
            }
            Ok(_) if f.exported && ABI_EXPORTS.contains(&f.name.as_str()) => {
                errors.push(err(
                    f.span,
                    format!(
                        "`{}` is exported by the guest ABI itself: choose another name",
                        f.name
                    ),
                ));
            }
            Ok(sig) => {
                if f.name.starts_with("__") && !in_prelude {
                    errors.push(reserved(f.span));
                } else if module.functions.insert(f.name.clone(), sig).is_some() {
                    errors.push(err(f.span, format!("duplicate function `{}`", f.name)));
                }
            }
            Err(e) => errors.push(e),
        }
    }
    let mut imports = Vec::new();
    for item in &program.items {
        let Item::Import(d) = item else { continue };
        match import(d, imports.len() as u32, &module) {
            Ok((sig, t)) => {
                if d.name.starts_with("__") {
                    errors.push(reserved(d.span));
                } else if module.functions.contains_key(&d.name)
                    || module.imports.insert(d.name.clone(), (sig.index, sig)).is_some()
                {
                    errors.push(err(d.span, format!("duplicate function `{}`", d.name)));
                } else {
                    imports.push(t);
                }
            }
            Err(e) => errors.push(e),
        }
    }

    // The prelude's static tables are data, not globals.
    let mut data = Vec::new();
    for item in &prelude.items {
        let Item::Global(decl) = item else { continue };
        match static_data(decl) {
            Some(Ok(bytes)) => {
                module.data.insert(decl.name.clone(), data.len() as u32);
                data.push(bytes);
            }
            Some(Err(e)) => errors.push(Diagnostic::unlocated(format!(
                "internal: the runtime prelude does not check: {}:{}: {}",
                e.line, e.column, e.message
            ))),
            None => {}
        }
    }

    // Globals, in order: an initializer sees only the globals declared
    // before it (the map is filled as they are declared).
    let mut globals = Vec::new();
    let mut start = FnCtx::new(&module, 0, Type::Void);
    start.globals = Cow::Owned(HashMap::new());
    let mut start_body = Vec::new();
    let mut user_globals = 0;
    let all_globals = program
        .items
        .iter()
        .map(|i| (i, false))
        .chain(prelude.items.iter().map(|i| (i, true)));
    for (item, in_prelude) in all_globals {
        let Item::Global(decl) = item else { continue };
        if in_prelude && module.data.contains_key(&decl.name) {
            continue;
        }
        start.in_prelude = in_prelude;
        // A static field `C.x`'s initializer is inside class `C`.
        start.class = decl
            .name
            .split_once('.')
            .and_then(|(class, _)| module.classes.get(class).copied());
        if decl.name.starts_with("__") && !in_prelude {
            errors.push(reserved(decl.span));
            continue;
        }
        if module.functions.contains_key(&decl.name)
            || module.imports.contains_key(&decl.name)
            || start.globals.contains_key(&decl.name)
        {
            errors.push(err(
                decl.span,
                format!("duplicate declaration of `{}`", decl.name),
            ));
            continue;
        }
        match global(&mut start, decl, globals.len() as u32) {
            Ok((g, init)) => {
                let info = GlobalInfo {
                    index: globals.len() as u32,
                    ty: g.ty,
                    constant: decl.constant,
                };
                start.globals.to_mut().insert(decl.name.clone(), info);
                if !in_prelude {
                    user_globals += 1;
                }
                start_body.extend(init);
                globals.push(g);
            }
            Err(e) => {
                errors.push(e);
                break;
            }
        }
    }
    let start_locals = std::mem::take(&mut start.locals);
    let mut uses_random = start.uses_random;
    let declared = std::mem::take(&mut start.globals).into_owned();
    drop(start);
    module.globals = declared;

    // The math library and float printing are large and most programs use
    // little of them: their functions are checked only when something
    // checked calls them (so they are all that the plan can reach); the
    // others stay placeholders, which codegen never emits.
    let deferred = |i: usize| {
        let (f, in_prelude) = functions[i];
        in_prelude && !check_whole_prelude && (f.name.starts_with("__math") || f.name.starts_with("__dtoa"))
    };
    let mut slots: Vec<Option<TFunction>> = vec![None; functions.len()];
    let mut work: Vec<usize> = Vec::new();
    let mut warnings = Vec::new();
    let note_calls = |body: &[TStmt], work: &mut Vec<usize>| {
        super::ir::visit_exprs(body, &mut |e| {
            if let TExprKind::Call { callee, .. } = &e.kind {
                let index = match callee {
                    Callee::User(i) => Some(*i as usize),
                    Callee::Runtime(name) => module.functions.get(*name).map(|s| s.index as usize),
                    _ => None,
                };
                if let Some(i) = index.filter(|i| *i < functions.len() && deferred(*i)) {
                    work.push(i);
                }
            }
        });
    };
    note_calls(&start_body, &mut work);
    let eager: Vec<usize> = (0..functions.len()).filter(|i| !deferred(*i)).collect();
    let mut queue = eager.into_iter();
    loop {
        let i = match queue.next() {
            Some(i) => i,
            None => match work.pop() {
                Some(i) if slots[i].is_none() => i,
                Some(_) => continue,
                None => break,
            },
        };
        let (f, in_prelude) = functions[i];
        let Some(sig) = module.functions.get(&f.name) else {
            continue;
        };
        match function(&module, f, sig, in_prelude) {
            Ok(c) => {
                uses_random |= c.uses_random;
                if !in_prelude {
                    warnings.extend(c.warnings);
                }
                note_calls(&c.function.body, &mut work);
                slots[i] = Some(c.function);
            }
            Err(e) if in_prelude => errors.push(Diagnostic::unlocated(format!(
                "internal: the runtime prelude does not check: {}:{}: {}",
                e.line, e.column, e.message
            ))),
            Err(e) => errors.push(e),
        }
    }
    let checked: Vec<TFunction> = slots
        .into_iter()
        .enumerate()
        .filter_map(|(i, slot)| {
            let (f, _) = functions[i];
            let sig = module.functions.get(&f.name)?;
            Some(slot.unwrap_or_else(|| {
                TFunction {
                    name: f.name.clone(),
                    exported: false,
                    params: f
                        .params
                        .iter()
                        .map(|p| p.name.clone())
                        .zip(sig.params.iter().copied())
                        .collect(),
                    result: sig.result,
                    locals: Vec::new(),
                    body: Vec::new(),
                }
            }))
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let start = (!start_body.is_empty()).then(|| TFunction {
        name: "__start".to_string(),
        exported: false,
        params: Vec::new(),
        result: Type::Void,
        locals: start_locals,
        body: start_body,
    });
    warnings.sort_by_key(|d: &Diagnostic| (d.line, d.column));
    Ok(TProgram {
        functions: checked,
        globals,
        start,
        uses_random,
        user_globals,
        user_functions: user_functions as usize,
        imports,
        classes: module.class_info.iter().map(classes::ClassInfo::layout).collect(),
        data,
        warnings,
    })
}

/// The bytes of a prelude table, `const __T: u32 = __data_u64([...])`:
/// `None` for any other declaration.
fn static_data(decl: &ast::VarDecl) -> Option<CResult<Vec<u8>>> {
    let ast::ExprKind::Call { callee, args } = &decl.init.as_ref()?.kind else {
        return None;
    };
    if !matches!(&callee.kind, ast::ExprKind::Ident(n) if n == "__data_u64") {
        return None;
    }
    let [ast::Expr {
        kind: ast::ExprKind::ArrayLit(items),
        ..
    }] = args.as_slice()
    else {
        return Some(Err(err(decl.span, "`__data_u64` takes an array literal")));
    };
    let mut bytes = Vec::with_capacity(items.len() * 8);
    for item in items {
        let ast::ExprKind::Int(v) = item.kind else {
            return Some(Err(err(item.span, "`__data_u64` takes integer literals")));
        };
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    Some(Ok(bytes))
}

/// Whether a value of `t` cannot cross the host boundary.
fn crosses_badly(t: Type) -> bool {
    // `Uint8Array` crosses as bytes.
    matches!(t, Type::Array(_) | Type::Class(_))
        || matches!(t, Type::TypedArray(e) if e != super::ir::Elem::U8)
}

/// The types an import may take and return: numbers, `bool` and `string`.
fn import(d: &ast::ImportDecl, index: u32, module: &ModuleScope) -> CResult<(Signature, TImport)> {
    let mut params = Vec::new();
    for p in &d.params {
        let Some(t) = &p.ty else {
            return Err(err(
                p.span,
                format!("parameter `{}` needs a type annotation", p.name),
            ));
        };
        let ty = module.resolve(t)?;
        if ty == Type::Void || crosses_badly(ty) {
            return Err(err(
                t.span,
                format!(
                    "an import parameter cannot be `{}`: use numbers, bool or string",
                    ty.name()
                ),
            ));
        }
        params.push(ty);
    }
    let result = match &d.result {
        Some(t) => module.resolve(t)?,
        None => Type::Void,
    };
    if crosses_badly(result) {
        return Err(err(
            d.span,
            "an import cannot return an array or an object: use numbers, bool, string or Uint8Array",
        ));
    }
    let t = TImport {
        module: d.module.clone(),
        name: d.import_name.clone(),
        local: d.name.clone(),
        params: params.clone(),
        result,
    };
    Ok((
        Signature {
            index,
            params,
            result,
        },
        t,
    ))
}

/// Where `name` is read or written inside `e`, if anywhere: a declaration's
/// own initializer must not use it (TypeScript's temporal dead zone).
fn mention(e: &ast::Expr, name: &str) -> Option<Span> {
    use ast::ExprKind as K;
    match &e.kind {
        K::Ident(n) | K::Update { target: n, .. } if n == name => Some(e.span),
        K::Assign {
            target, target_span, ..
        } if target == name => Some(*target_span),
        K::Assign { value, .. } => mention(value, name),
        K::Binary { lhs, rhs, .. } => mention(lhs, name).or_else(|| mention(rhs, name)),
        K::Unary { operand, .. } => mention(operand, name),
        K::Cast { value, .. } => mention(value, name),
        K::Conditional {
            cond,
            then,
            otherwise,
        } => mention(cond, name)
            .or_else(|| mention(then, name))
            .or_else(|| mention(otherwise, name)),
        K::Member { object, .. } => mention(object, name),
        K::Index { object, index } => mention(object, name).or_else(|| mention(index, name)),
        K::IndexAssign {
            object, index, value, ..
        } => mention(object, name)
            .or_else(|| mention(index, name))
            .or_else(|| mention(value, name)),
        K::ArrayLit(items) | K::New { args: items, .. } => items.iter().find_map(|a| mention(a, name)),
        K::Template { exprs, .. } => exprs.iter().find_map(|a| mention(a, name)),
        K::Call { callee, args } => {
            mention(callee, name).or_else(|| args.iter().find_map(|a| mention(a, name)))
        }
        _ => None,
    }
}

fn contains_value_return(stmts: &[Stmt]) -> bool {
    stmts.iter().any(|s| match &s.kind {
        StmtKind::Return(v) => v.is_some(),
        StmtKind::Block(b) => contains_value_return(b),
        StmtKind::If { then, otherwise, .. } => {
            contains_value_return(std::slice::from_ref(then))
                || otherwise
                    .as_ref()
                    .is_some_and(|o| contains_value_return(std::slice::from_ref(o)))
        }
        StmtKind::While { body, .. }
        | StmtKind::DoWhile { body, .. }
        | StmtKind::For { body, .. }
        | StmtKind::Labeled { body, .. } => contains_value_return(std::slice::from_ref(body)),
        StmtKind::Switch { cases, .. } => cases.iter().any(|c| contains_value_return(&c.body)),
        _ => false,
    })
}

fn signature(f: &ast::Function, index: u32, module: &ModuleScope) -> CResult<Signature> {
    let mut params = Vec::new();
    for p in &f.params {
        let Some(t) = &p.ty else {
            return Err(err(
                p.span,
                format!(
                    "parameter `{}` needs a type annotation, e.g. `{}: i32`",
                    p.name, p.name
                ),
            ));
        };
        let ty = module.resolve(t)?;
        if ty == Type::Void {
            return Err(err(t.span, "a parameter cannot be `void`"));
        }
        params.push(ty);
    }
    let result = match &f.result {
        Some(t) => module.resolve(t)?,
        None if contains_value_return(&f.body) => {
            return Err(err(
                f.span,
                format!(
                    "function `{}` returns a value: declare its result type, e.g. `): i32`",
                    f.name
                ),
            ))
        }
        None => Type::Void,
    };
    Ok(Signature {
        index,
        params,
        result,
    })
}

fn global(ctx: &mut FnCtx<'_>, decl: &ast::VarDecl, index: u32) -> CResult<(TGlobal, Option<TStmt>)> {
    let (ty, init) = ctx.typed_initializer(decl)?;
    let zero_init = zero(ty).ok_or_else(|| err(decl.span, "a variable cannot be `void`"))?;
    let (init, stmt) = match init {
        Some(e) => match e.kind {
            TExprKind::Const(c) => (c, None),
            _ => (zero_init, Some(e)),
        },
        None => (zero_init, None),
    };
    let g = TGlobal {
        name: decl.name.clone(),
        exported: decl.exported,
        // A `const` computed by the start function is still written once.
        mutable: !decl.constant || stmt.is_some(),
        ty,
        init,
    };
    let stmt = stmt.map(|value| {
        TStmt::Expr(super::ir::TExpr {
            kind: TExprKind::SetGlobal {
                index,
                value: Box::new(value),
                keep: false,
            },
            ty: Type::Void,
        })
    });
    Ok((g, stmt))
}

fn function(
    module: &ModuleScope,
    f: &ast::Function,
    sig: &Signature,
    in_prelude: bool,
) -> CResult<CheckedFunction> {
    let mut ctx = FnCtx::new(module, sig.params.len(), sig.result);
    ctx.in_prelude = in_prelude;
    // Methods are the functions `C#m`, static methods `C.m` (see classes.rs).
    if let Some((class, member)) = f.name.split_once('#').or_else(|| f.name.split_once('.')) {
        ctx.class = module.classes.get(class).copied();
        ctx.in_constructor = f.name.contains('#') && member == "constructor";
    }
    for (p, ty) in f.params.iter().zip(&sig.params) {
        ctx.declare(&p.name, p.span, *ty, false)?;
    }
    let body = ctx.stmts(&f.body)?;
    if let Some(scope) = ctx.scopes.pop() {
        ctx.warn_unread(scope);
    }
    if sig.result != Type::Void && !terminates(&body) {
        return Err(err(
            f.end,
            format!(
                "function `{}` must return a `{}` on every path: add a `return` before this `}}`",
                f.name,
                sig.result.name()
            ),
        ));
    }
    let params = f
        .params
        .iter()
        .map(|p| p.name.clone())
        .zip(sig.params.iter().copied())
        .collect();
    Ok(CheckedFunction {
        function: TFunction {
            name: f.name.clone(),
            exported: f.exported,
            params,
            result: sig.result,
            locals: ctx.locals[ctx.params..].to_vec(),
            body,
        },
        uses_random: ctx.uses_random,
        warnings: ctx.warnings,
    })
}

impl<'m> FnCtx<'m> {
    fn new(module: &'m ModuleScope, params: usize, result: Type) -> Self {
        Self {
            module,
            globals: Cow::Borrowed(&module.globals),
            scopes: vec![HashMap::new()],
            // Parameters become locals 0.. when `function` declares them.
            params,
            locals: Vec::new(),
            result,
            labels: Vec::new(),
            next_label: 0,
            uses_random: false,
            in_prelude: false,
            reads: HashSet::new(),
            warnings: Vec::new(),
            class: None,
            in_constructor: false,
        }
    }

    fn declare(&mut self, name: &str, span: Span, ty: Type, constant: bool) -> CResult<u32> {
        if name.starts_with("__") && !self.in_prelude {
            return Err(reserved(span));
        }
        let index = self.locals.len() as u32;
        // `scopes` always holds the function's own scope.
        let scope = self
            .scopes
            .last_mut()
            .ok_or_else(|| err(span, "internal: no scope"))?;
        if scope.contains_key(name) {
            return Err(err(span, format!("`{name}` is already declared in this scope")));
        }
        scope.insert(
            name.to_string(),
            LocalVar {
                index,
                ty,
                constant,
                span,
            },
        );
        self.locals.push(ty);
        Ok(index)
    }

    fn lookup_local(&self, name: &str) -> Option<LocalVar> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    fn scoped<T>(&mut self, f: impl FnOnce(&mut Self) -> CResult<T>) -> CResult<T> {
        self.scopes.push(HashMap::new());
        let r = f(self);
        if let Some(scope) = self.scopes.pop() {
            self.warn_unread(scope);
        }
        r
    }

    /// Warns about the variables of a closed scope that are never read (as
    /// TypeScript's `noUnusedLocals`; parameters and `_names` are exempt).
    fn warn_unread(&mut self, scope: HashMap<String, LocalVar>) {
        for (name, v) in scope {
            if (v.index as usize) >= self.params && !name.starts_with('_') && !self.reads.contains(&v.index) {
                self.warnings.push(err(
                    v.span,
                    format!("`{name}` is declared but its value is never read"),
                ));
            }
        }
    }

    /// The type and checked initializer of a declaration.
    fn typed_initializer(&mut self, d: &ast::VarDecl) -> CResult<(Type, Option<super::ir::TExpr>)> {
        let declared = d.ty.as_ref().map(|t| self.module.resolve(t)).transpose()?;
        if declared == Some(Type::Void) {
            return Err(err(d.span, "a variable cannot be `void`"));
        }
        match (&d.init, declared) {
            (None, None) => Err(err(
                d.span,
                format!("`{}` needs a type annotation or an initializer", d.name),
            )),
            (None, Some(_)) if d.constant => {
                Err(err(d.span, format!("`const {}` needs an initializer", d.name)))
            }
            (None, Some(t)) => Ok((t, None)),
            (Some(init), declared) => {
                if let Some(span) = mention(init, &d.name) {
                    return Err(err(
                        span,
                        format!("`{}` is used before its declaration is complete", d.name),
                    ));
                }
                let e = self.expr(init, declared)?;
                let e = match declared {
                    Some(t) => coerce(e, t, init.span)?,
                    None => e,
                };
                if e.ty == Type::Void {
                    return Err(err(
                        init.span,
                        "this expression is `void` and has no value to store",
                    ));
                }
                Ok((e.ty, Some(e)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::check_program;
    use crate::generator::ts::parser::parse_program;

    fn check_err(src: &str) -> (u32, u32, String) {
        let p = parse_program(src).unwrap();
        let e = check_program(&p).unwrap_err();
        (e[0].line, e[0].column, e[0].message.clone())
    }

    #[test]
    fn infers_and_reports() {
        let p = parse_program("export function f(): f64 { let x = 1; let y = 2.5; return x + y; }").unwrap();
        let t = check_program(&p).unwrap();
        assert_eq!(t.functions[0].locals.len(), 2);
        let (l, c, m) = check_err("function f(): i32 {\n  let x: f64 = 1.5;\n  return x;\n}");
        assert_eq!((l, c), (3, 10));
        assert!(m.contains("as i32"), "{m}");
        let (l, c, _) = check_err("function f(): i32 {\n  if (true) { return 1; }\n}");
        assert_eq!((l, c), (3, 1));
    }
}
