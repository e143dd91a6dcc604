//! Reading an exported function's signature: which of the supported types
//! each parameter and the result are, with a spanned error for anything
//! else.
//!
//! Types are recognised by how they are written (the last path segment), as
//! the glue for each differs: `u32` crosses as one `i32`, `&str` as a
//! `(ptr, len)` pair, `Json<T>` as JSON text. A type alias of a supported
//! type is therefore refused: write the type itself.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

/// The integer types, with how they cross the guest ABI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Int {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
    Isize,
    Usize,
}

impl Int {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "i8" => Int::I8,
            "i16" => Int::I16,
            "i32" => Int::I32,
            "i64" => Int::I64,
            "u8" => Int::U8,
            "u16" => Int::U16,
            "u32" => Int::U32,
            "u64" => Int::U64,
            "isize" => Int::Isize,
            "usize" => Int::Usize,
            _ => return None,
        })
    }

    fn wide(self) -> bool {
        matches!(self, Int::I64 | Int::U64)
    }
}

/// A supported parameter or result type.
#[derive(Debug, Clone)]
pub enum Kind {
    /// An integer (`i32` or `i64` in the ABI).
    Int(Int),
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `bool`.
    Bool,
    /// `&str`.
    Str,
    /// `String`.
    String,
    /// `&[u8]`.
    Bytes,
    /// `Vec<u8>`.
    VecU8,
    /// `[u8; N]` (results only).
    ByteArray,
    /// `Json<T>`: any serde type, as JSON.
    Json,
    /// `Option<T>`: JSON (`null` for `None`) in the guest ABI, `T |
    /// undefined` in the browser.
    Option(Box<Kind>),
}

impl Kind {
    /// The type's name in an `echelon:abi` line.
    pub fn abi(&self) -> &'static str {
        match self {
            Kind::Int(i) if i.wide() => "i64",
            Kind::Int(_) => "i32",
            Kind::F32 => "f32",
            Kind::F64 => "f64",
            Kind::Bool => "bool",
            Kind::Str | Kind::String => "string",
            Kind::Bytes | Kind::VecU8 | Kind::ByteArray => "bytes",
            Kind::Json | Kind::Option(_) => "json",
        }
    }

    /// Whether a parameter of this kind is a `(ptr, len)` pair.
    pub fn indirect(&self) -> bool {
        !matches!(self, Kind::Int(_) | Kind::F32 | Kind::F64 | Kind::Bool)
    }

    /// Whether the type is a borrow (`&str`, `&[u8]`).
    pub fn borrowed(&self) -> bool {
        matches!(self, Kind::Str | Kind::Bytes)
    }
}

/// One parameter.
pub struct Param {
    pub name: Ident,
    pub ty: Type,
    pub kind: Kind,
}

/// The result.
pub enum Output {
    /// No result (`()` or nothing written).
    Unit,
    /// A value.
    Value(Kind),
    /// `Result<T, E>` (or a one-argument `Result<T>` alias); `None` for
    /// `Result<(), E>`.
    Result(Option<Kind>),
}

/// An exported function's signature.
pub struct Signature {
    pub name: Ident,
    pub params: Vec<Param>,
    pub output: Output,
}

impl Signature {
    /// The `echelon:abi` line, e.g. `add(a: i32, b: i32) -> i64`.
    pub fn abi_line(&self, export: &str) -> String {
        let params: Vec<String> = self
            .params
            .iter()
            .map(|p| format!("{}: {}", unraw(&p.name), p.kind.abi()))
            .collect();
        let result = match &self.output {
            Output::Unit | Output::Result(None) => String::new(),
            Output::Value(k) | Output::Result(Some(k)) => format!(" -> {}", k.abi()),
        };
        format!("{export}({}){result}", params.join(", "))
    }
}

/// An identifier without its `r#` prefix.
pub fn unraw(ident: &Ident) -> String {
    let s = ident.to_string();
    s.strip_prefix("r#").map(str::to_string).unwrap_or(s)
}

const SUPPORTED: &str = "integers (i8..i64, u8..u64, isize, usize), f32, f64, bool, &str, String, \
                         &[u8], Vec<u8>, [u8; N] (results), Json<T> (any serde type) and Option<T> of those";

/// Checks the function's shape and classifies its types.
pub fn read(item: &ItemFn) -> syn::Result<Signature> {
    let sig = &item.sig;
    let refuse = |span: Span, what: &str| Err(syn::Error::new(span, what));
    if let Some(t) = &sig.asyncness {
        return refuse(
            t.span(),
            "`#[echelon_guest::export]` cannot export an async function: the guest ABI call is synchronous",
        );
    }
    if let Some(t) = &sig.unsafety {
        return refuse(
            t.span(),
            "`#[echelon_guest::export]` cannot export an unsafe function: hosts cannot uphold its contract",
        );
    }
    if let Some(abi) = &sig.abi {
        return refuse(
            abi.span(),
            "remove the `extern` ABI: `#[echelon_guest::export]` writes the extern glue itself",
        );
    }
    if let Some(c) = &sig.constness {
        return refuse(c.span(), "`#[echelon_guest::export]` cannot export a const fn");
    }
    if !sig.generics.params.is_empty() || sig.generics.where_clause.is_some() {
        return Err(syn::Error::new_spanned(
            &sig.generics,
            "`#[echelon_guest::export]` cannot export a generic function: every export has one concrete signature",
        ));
    }
    if let Some(v) = &sig.variadic {
        return refuse(
            v.span(),
            "`#[echelon_guest::export]` cannot export a variadic function",
        );
    }
    let name = unraw(&sig.ident);
    if name.starts_with("echelon_") || name.starts_with("__wbindgen") || name.starts_with("__wbg") {
        return refuse(
            sig.ident.span(),
            "this name is reserved for the ABI's own exports (`echelon_alloc`, `echelon_free`, `echelon_last_error`, wasm-bindgen's); rename the function",
        );
    }
    let mut params = Vec::new();
    for input in &sig.inputs {
        let pt = match input {
            FnArg::Receiver(r) => return refuse(
                r.span(),
                "`#[echelon_guest::export]` exports free functions, not methods: move it out of the `impl`",
            ),
            FnArg::Typed(pt) => pt,
        };
        let ident = match &*pt.pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => pi.ident.clone(),
            other => {
                return Err(syn::Error::new_spanned(
                    other,
                    "exported parameters must be plain names (`name: Type`); destructure inside the body",
                ))
            }
        };
        let kind = classify(&pt.ty, Position::Param)?;
        params.push(Param {
            name: ident,
            ty: (*pt.ty).clone(),
            kind,
        });
    }
    let output = match &sig.output {
        ReturnType::Default => Output::Unit,
        ReturnType::Type(_, ty) => output(ty)?,
    };
    Ok(Signature {
        name: sig.ident.clone(),
        params,
        output,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Position {
    Param,
    Result,
    OptionInner,
    /// Inside an `Option` result (where `[u8; N]` is allowed too).
    ResultOptionInner,
}

fn is_unit(ty: &Type) -> bool {
    matches!(ty, Type::Tuple(t) if t.elems.is_empty())
}

fn output(ty: &Type) -> syn::Result<Output> {
    if is_unit(ty) {
        return Ok(Output::Unit);
    }
    if let Some((name, args)) = last_segment(ty) {
        if name == "Result" {
            let inner = match args.first() {
                Some(t) if args.len() <= 2 => t,
                _ => {
                    return Err(syn::Error::new_spanned(
                        ty,
                        "expected `Result<T, E>` with `E: Display` (or a `Result<T>` alias)",
                    ))
                }
            };
            if is_unit(inner) {
                return Ok(Output::Result(None));
            }
            return Ok(Output::Result(Some(classify(inner, Position::Result)?)));
        }
    }
    Ok(Output::Value(classify(ty, Position::Result)?))
}

/// The last path segment's name and its generic type arguments.
fn last_segment(ty: &Type) -> Option<(String, Vec<&Type>)> {
    let Type::Path(p) = ty else { return None };
    if p.qself.is_some() {
        return None;
    }
    let seg = p.path.segments.last()?;
    let args = match &seg.arguments {
        PathArguments::None => Vec::new(),
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        PathArguments::Parenthesized(_) => return None,
    };
    Some((seg.ident.to_string(), args))
}

/// A type as its author would write it (tokens print with extra spaces).
fn written(ty: &Type) -> String {
    let mut s = ty.to_token_stream().to_string();
    for (from, to) in [
        (" <", "<"),
        ("< ", "<"),
        (" >", ">"),
        (" ::", "::"),
        (":: ", "::"),
        ("& ", "&"),
        (" ,", ","),
        ("[u8 ;", "[u8;"),
    ] {
        s = s.replace(from, to);
    }
    s
}

fn unsupported(ty: &Type, pos: Position) -> syn::Error {
    let shown = written(ty);
    let hint = match ty {
        Type::Reference(r) if r.mutability.is_some() => {
            " (mutable borrows cannot cross: take the value and return the new one)".to_string()
        }
        Type::Reference(_) => " (only `&str` and `&[u8]` can be borrowed)".to_string(),
        Type::Tuple(_) | Type::Array(_) => {
            " (wrap it in `Json<...>` to pass it as JSON, or use `Vec<u8>` for bytes)".to_string()
        }
        Type::ImplTrait(_) => " (`impl Trait` has no ABI form: name a concrete type)".to_string(),
        _ => " (wrap serde types in `echelon_guest::Json<T>`)".to_string(),
    };
    let place = match pos {
        Position::Param => "parameter",
        Position::Result => "result",
        Position::OptionInner | Position::ResultOptionInner => "`Option` content",
    };
    syn::Error::new_spanned(
        ty,
        format!("unsupported {place} type `{shown}`{hint}; `#[echelon_guest::export]` supports {SUPPORTED}"),
    )
}

fn classify(ty: &Type, pos: Position) -> syn::Result<Kind> {
    match ty {
        Type::Paren(p) => classify(&p.elem, pos),
        Type::Array(a)
            if matches!(pos, Position::Result | Position::ResultOptionInner)
                && matches!(&*a.elem, Type::Path(p) if p.path.is_ident("u8")) =>
        {
            Ok(Kind::ByteArray)
        }
        Type::Group(g) => classify(&g.elem, pos),
        Type::Reference(r) if r.mutability.is_none() => match &*r.elem {
            Type::Path(p) if p.path.is_ident("str") => Ok(Kind::Str),
            Type::Slice(s) if matches!(&*s.elem, Type::Path(p) if p.path.is_ident("u8")) => Ok(Kind::Bytes),
            _ => Err(unsupported(ty, pos)),
        },
        Type::Path(_) => {
            let Some((name, args)) = last_segment(ty) else {
                return Err(unsupported(ty, pos));
            };
            if args.is_empty() {
                if let Some(i) = Int::parse(&name) {
                    return Ok(Kind::Int(i));
                }
                return match name.as_str() {
                    "f32" => Ok(Kind::F32),
                    "f64" => Ok(Kind::F64),
                    "bool" => Ok(Kind::Bool),
                    "String" => Ok(Kind::String),
                    "Result" if pos != Position::Result => Err(syn::Error::new_spanned(
                        ty,
                        "`Result` is only supported as the function's result",
                    )),
                    _ => Err(unsupported(ty, pos)),
                };
            }
            match (name.as_str(), args.as_slice()) {
                ("Vec", [Type::Path(p)]) if p.path.is_ident("u8") => Ok(Kind::VecU8),
                ("Json", [_]) => Ok(Kind::Json),
                ("Option", [inner]) => {
                    if matches!(pos, Position::OptionInner | Position::ResultOptionInner) {
                        return Err(syn::Error::new_spanned(
                            ty,
                            "nested `Option<Option<T>>` has no distinct JSON form; use one `Option`",
                        ));
                    }
                    let inner_pos = if pos == Position::Result {
                        Position::ResultOptionInner
                    } else {
                        Position::OptionInner
                    };
                    Ok(Kind::Option(Box::new(classify(inner, inner_pos)?)))
                }
                ("Result", _) => Err(syn::Error::new_spanned(
                    ty,
                    if pos == Position::Param {
                        "`Result` is only supported as the function's result"
                    } else {
                        "`Result` must be the outermost result type"
                    },
                )),
                _ => Err(unsupported(ty, pos)),
            }
        }
        _ => Err(unsupported(ty, pos)),
    }
}

/// The `T` of `Json<T>` / `Option<T>` as written.
pub fn first_arg(ty: &Type) -> Option<&Type> {
    match ty {
        Type::Paren(p) => first_arg(&p.elem),
        Type::Group(g) => first_arg(&g.elem),
        _ => last_segment(ty).and_then(|(_, a)| a.first().copied()),
    }
}

/// The result type as written (the `T` of `Result<T, E>` is not needed: the
/// glue converts through traits).
pub fn result_type(item: &ItemFn) -> Option<&Type> {
    match &item.sig.output {
        ReturnType::Default => None,
        ReturnType::Type(_, t) => Some(t),
    }
}
