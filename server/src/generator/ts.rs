//! The TypeScript/AssemblyScript-subset compiler, in stages:
//! [`lexer`] (text to tokens), [`parser`] (tokens to the [`ast`] with
//! positions), [`types`] (name resolution, type checking and inference, to the
//! typed [`ir`]), [`tailcall`] (tail-recursion elimination on the IR) and
//! [`codegen`] (the typed program to wasm with `wasm-encoder`). The
//! [`prelude`] (allocator, collector, string functions) is written in the
//! subset itself and compiled with every program; only what a program
//! reaches is emitted. Every stage is linear in the size of the input
//! (names resolve through hash maps; 200,000 globals and 5,000 functions
//! compile in a test).
//!
//! # The subset
//!
//! AssemblyScript's semantics are the reference.
//!
//! - Items: `[export] function name(p: T, ...): R { ... }`, module-level
//!   `[export] let|const name[: T] = init;` (globals; an initializer that is
//!   not a constant runs in the module's start function, in source order),
//!   classes, and host imports `@external("module", "name") declare function
//!   f(...): R;`. Functions may be called before they are declared and may
//!   recurse.
//! - Types: `i8`, `i16`, `i32`, `i64`, `u8`, `u16`, `u32`, `u64`, `isize`
//!   (`i32`), `usize` (`u32`), `f32`, `f64` (`number` is `f64`), `bool`
//!   (`boolean`), `string`, arrays `T[]`/`Array<T>` of those (one level),
//!   typed arrays (`Int8Array` .. `Uint64Array`, `Float32Array`,
//!   `Float64Array`), classes, `void`; a reference type may be written
//!   `T | null` (references may be null anyway; `null` takes the type its
//!   context expects).
//!   Parameters need annotations; a function without a result annotation
//!   must not return a value. `let`/`const` infer their type from the
//!   initializer: an integer literal is `i32` (`i64` when it does not fit),
//!   a literal with a fraction is `f64`, and a literal takes the type its
//!   context expects (`let x: u8 = 1`, `x * 2` with `x: f32`).
//! - Conversions, as AssemblyScript's: an integer or `bool` converts
//!   implicitly to an integer at least as wide (signedness is not checked,
//!   so `i32` and `u32` mix), to `f32` when it has at most 16 bits and to
//!   `f64` when it has at most 32; `f32` to `f64`. Others need `as`, which
//!   wraps integers (`300 as u8` is 44) and saturates floats (NaN becomes 0,
//!   as the non-trapping conversions do); any number `as bool` is "non-zero
//!   and not NaN".
//! - Integers wrap on overflow; 8- and 16-bit values are held in an `i32`
//!   and brought back into range after each operation that can leave it,
//!   so `u8` 250 + 10 is 4 and `i8` 127 + 1 is -128. Unsigned types divide,
//!   compare, convert and shift right (`>>`) without sign. `/` and `%` on
//!   integers trap on a zero divisor (and `i32.MIN / -1`), as wasm does. `%`
//!   on floats is rejected (cast to an integer).
//! - Operators: arithmetic, `**` (on integers AssemblyScript's `ipow32`/
//!   `ipow64`: wrapping, 0 for a negative exponent unless the base is 1 or
//!   -1; on `f64` `Math.pow`, on `f32` `Mathf.pow`; right-associative), bitwise (`>>` arithmetic on signed types,
//!   `>>>` logical), comparison (`==` and `===` mean the same), `&&`/`||`
//!   (short-circuit; the result is a `bool`, where AssemblyScript would
//!   return an operand), `!`, `~`, unary `-`/`+`, `?:`, `=` and compound
//!   assignment including `**=` (both are expressions), prefix and postfix
//!   `++`/`--`, `as`.
//! - Statements: blocks with lexical scoping and shadowing, `if`/`else`,
//!   `while`, `do`/`while`, `for`, `switch` (cases compared with `==`,
//!   strings by content; fall-through; `default` anywhere), `break`/
//!   `continue` with optional labels, labelled blocks, `return`. A non-void
//!   function must return on every path.
//! - Strings: literals (`'...'`, `"..."` with JavaScript's escapes),
//!   template literals (integers, `bool` and strings are substituted), `+`
//!   and `+=`, `==`/`!=` (by content), `<`/`<=`/`>`/`>=` (by UTF-16 code
//!   units, as JavaScript and AssemblyScript), `length`, `charCodeAt` (-1 out of
//!   range, as AssemblyScript), `indexOf`, `lastIndexOf`, `includes`,
//!   `startsWith`, `endsWith`, `substring`, `slice`, `concat`, `toString`
//!   (integers, `bool`), `toUpperCase`/`toLowerCase` (all of Unicode, as
//!   AssemblyScript maps it: its tables, special casing such as "ß" to "SS",
//!   final sigma, surrogate pairs). Inside, strings are
//!   UTF-16 as in JavaScript (an emoji has length 2); a string is truthy
//!   when not empty. See [`prelude`] for the memory layout and the
//!   collector.
//! - Arrays: literals (`[1, 2]`; the element type comes from the context,
//!   else the first element), `new Array<T>(n)` (zeroed), `a[i]` and
//!   `a[i] = v` / `a[i] op= v` (bounds-checked: out of range traps, where
//!   AssemblyScript aborts), `length`, `push`, `pop` (an empty array traps),
//!   `join` on `string[]`, `s.split(sep)`. Typed arrays: `new
//!   Uint8Array(n)`, index, `length`.
//! - Classes: fields (`x: T [= init];`, laid out in order, each aligned to
//!   its size), one `constructor`, methods, `this`, `new C(...)`, field
//!   reads, `o.f = v`/`o.f op= v` as statements, method calls, single
//!   inheritance (`extends`, `super(...)`, `super.m()`, overriding methods
//!   dispatched on the instance's class), `static` fields and methods.
//!   Member modifiers as TypeScript writes them: `public`, `protected`,
//!   `private` and `readonly` on fields, methods and `static` members, and
//!   on constructor parameters (parameter properties, `constructor(private
//!   x: i32)`: a field set from the parameter first thing in the
//!   constructor, after `super(...)`); `get x()`/`set x(v)` accessors
//!   (methods `get:x`/`set:x`, inherited and overridden like methods,
//!   `super.x` reads the parent's getter; `o.x op= v` through them needs a
//!   variable or `this` as `o`). Checks, each
//!   an error at the use: a `private` member used outside its class, a
//!   `protected` one outside its class and the classes that extend it
//!   (TypeScript's rule: asc 0.28 does not check either), a `readonly`
//!   field assigned outside its class's constructor or, when it has an
//!   initializer, anywhere (as asc), a `static readonly` one assigned at
//!   all, a getter without a setter assigned (as asc), a setter without a
//!   getter read (asc compiles it to a trap). A field access through null traps.
//! - The guest ABI: a module that uses strings exports `memory`,
//!   `echelon_alloc(len) -> ptr` and `echelon_free(ptr, len)`; an exported
//!   function with `string` (UTF-8) or `Uint8Array` (`bytes`) parameters or
//!   result takes them as `(ptr, len)` and returns a packed `i64` `(ptr <<
//!   32) | len`, and the
//!   module carries an `echelon:abi` section (`greet(name: string) ->
//!   string`), so the server runtime, the CLI, the HTTP API and the page's
//!   `BrowserRuntime` call it with strings and the .d.ts generator types it.
//!   When an exported function returns, the collector may run.
//! - Host imports: `@external("echelon", "log") declare function log(level:
//!   i32, message: string): void;` (and `config_get`, `kv_get`, `kv_set`,
//!   `kv_delete`, `http_request`, `random_bytes`, `now_ms` as DESIGN.md
//!   types them): `string` arguments are passed as UTF-8 `(ptr, len)` of a
//!   temporary copy, a `Uint8Array` as its own buffer (so `random_bytes`
//!   fills it), and a `string`/`Uint8Array` result comes back as a packed
//!   `i64` (0 is null) that the guest copies and frees. Only the imports a
//!   program calls are imported. The names `memory`, `echelon_alloc`,
//!   `echelon_free` and `echelon_last_error` cannot be exported by the
//!   source.
//! - `Math`: `sqrt`, `abs`, `floor`, `ceil`, `trunc`, `min`, `max` compile to
//!   single wasm instructions (`f32` stays `f32`, anything else is `f64`);
//!   `round`, `sign`, `fround`, `acos`, `acosh`, `asin`, `asinh`, `atan`,
//!   `atan2`, `atanh`, `cbrt`, `clz32`, `cos`, `cosh`, `exp`, `exp2`,
//!   `expm1`, `hypot`, `imul`, `log`, `log10`, `log1p`, `log2`, `pow`,
//!   `sin`, `sinh`, `tan`, `tanh` are AssemblyScript's own algorithms
//!   (`NativeMath`, from musl, with the lookup tables `asc -O3` uses)
//!   ported into the prelude (`f64`), so results are AssemblyScript's bit
//!   for bit; `Mathf` has the same functions and constants for `f32`
//!   (`NativeMathf`, ported the same way); a module gets only the functions (and tables) it uses, and no
//!   heap for them; the constants `PI`, `E`, `LN2`, `LN10`, `LOG2E`,
//!   `LOG10E`, `SQRT2`, `SQRT1_2`, `NaN` and `Infinity`, and `Math.random()` and
//!   `Mathf.random()` from one built-in seeded generator (see [`codegen`]),
//!   so modules need no imports (AssemblyScript keeps two states and
//!   imports its seed; values differ from asc's). AssemblyScript's instruction built-ins named by wasm type are
//!   there too: `i32`/`i64` `clz`, `ctz`, `popcnt`, `rotl`, `rotr`,
//!   `reinterpret_f32`/`reinterpret_f64`; `f32`/`f64` `abs`, `ceil`,
//!   `floor`, `trunc`, `nearest`, `sqrt`, `copysign`, `min`, `max`,
//!   `reinterpret_i32`/`reinterpret_i64` (e.g. `i64.reinterpret_f64(x)`),
//!   and their generic forms (`reinterpret<u64>(x)`, `clz<u32>(x)`,
//!   `copysign<f64>(x, y)`, ...; `name<T>(` is read as a generic call, as
//!   TypeScript reads it).
//! - Not supported yet (each reported with its position): arrays, typed
//!   arrays other than `Uint8Array`, and objects as export/import parameters
//!   or results, nested arrays, assignments and `++`/`--` on fields and
//!   elements used as values, closures and nested
//!   functions, `var`, exceptions, `import`. Names
//!   starting with `__` are reserved.
//!
//! Diagnostics carry 1-based line and column; warnings report variables that
//! are declared but never read. No input makes the compiler panic: nesting
//! deeper than [`parser::MAX_DEPTH`] is an error, not a stack overflow.

pub mod ast;
pub mod codegen;
pub mod ir;
pub mod lexer;
pub mod parser;
pub mod prelude;
pub mod tailcall;
pub mod types;

use super::error::{Diagnostic, GeneratorError};

/// What one compilation produced.
#[derive(Debug, Clone)]
pub struct Compiled {
    /// The module.
    pub wasm: Vec<u8>,
    /// How many functions the source declared.
    pub functions: usize,
    /// Warnings (for example variables that are never read).
    pub warnings: Vec<Diagnostic>,
}

impl Compiled {
    /// A module that came from elsewhere (WAT, a template): no functions
    /// counted, no warnings.
    pub fn from_wasm(wasm: Vec<u8>) -> Self {
        Self {
            wasm,
            functions: 0,
            warnings: Vec::new(),
        }
    }
}

/// Compiles a whole source file to a module.
///
/// # Errors
/// The diagnostics of the first stage that failed; never panics.
pub fn compile(src: &str) -> Result<Compiled, Vec<Diagnostic>> {
    let program = parser::parse_program(src).map_err(|d| vec![d])?;
    let mut typed = types::check_program(&program)?;
    for (i, f) in typed.functions.iter_mut().enumerate() {
        tailcall::eliminate(f, i as u32);
    }
    let wasm = codegen::generate(&typed).map_err(internal)?;
    Ok(Compiled {
        wasm,
        functions: typed.user_functions,
        warnings: typed.warnings,
    })
}

/// Compiles one expression to a module exporting `eval() -> result`.
///
/// # Errors
/// The diagnostics, positioned in the expression text.
pub fn compile_expression(src: &str, result: ir::Type) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let expr = parser::parse_expression(src).map_err(|d| vec![d])?;
    let span = expr.span;
    let function = ast::Function {
        exported: true,
        name: "eval".to_string(),
        span,
        params: Vec::new(),
        result: Some(ast::TypeName {
            name: result.name().to_string(),
            span,
        }),
        body: vec![ast::Stmt {
            kind: ast::StmtKind::Return(Some(expr)),
            span,
        }],
        end: span,
    };
    let program = ast::Program {
        items: vec![ast::Item::Function(function)],
    };
    let typed = types::check_program(&program)?;
    codegen::generate(&typed).map_err(internal)
}

fn internal(e: GeneratorError) -> Vec<Diagnostic> {
    vec![Diagnostic::unlocated(format!(
        "internal code generation error: {e}"
    ))]
}
