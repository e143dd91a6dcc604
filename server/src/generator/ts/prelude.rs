//! The runtime prelude: the allocator, the collector and the string
//! functions, written in the subset itself (`prelude/runtime.ts`), and the
//! math library (`prelude/math.ts` and `prelude/mathf.ts`, ports of
//! AssemblyScript's `NativeMath` and `NativeMathf`, with their lookup tables
//! in `prelude/math_tables.ts`), compiled with every
//! program. Codegen emits only the prelude functions a program reaches, so a
//! program without strings gets none of it, and a program that uses
//! `Math.sin` gets `sin` and its helpers only; the math functions (named
//! `__math_*` and `__mathf_*`) need no heap, and their tables are static data laid out only
//! when a reached function reads them.
//!
//! # Memory and collection
//!
//! A program that uses strings gets one exported `memory`. Addresses 0..16
//! stay zero (a null string reads as length 0), 16..144 hold the heads of
//! 32 free lists (one per power-of-two block size), then come the static
//! string literals, then the heap. Each block is `[size: u32][info: u32]`
//! followed by its payload; `info` holds the flags *allocated*, *marked*
//! and *pinned* and a type id. Allocation pops the free list of the
//! request's size class, else bumps the heap top (growing memory); blocks
//! are zeroed.
//!
//! Collection is a precise, non-moving mark-sweep. It runs when an
//! exported function returns to the host, and inside a call at the *safe
//! points* codegen puts at the head of every loop of a source function that
//! allocates. The roots are the globals that hold references and the slots
//! of a shadow stack in linear memory, where the source functions that may
//! reach a safe point keep their reference locals and the operands they
//! hold across a call (see `codegen/shadow.rs`); a generated function marks
//! both. It runs when the bytes allocated since the last collection reach a
//! threshold: the live size after the last collection, at least 256 KiB.
//! So a long-running plugin whose calls allocate keeps its memory flat, and
//! so does one call that builds a string by repeated `+=` (memory only
//! shrinks back to the free lists, it is never returned). Free blocks are
//! not coalesced: a block is reused only for a request of the same size
//! class.
//!
//! Blocks handed to the host (results, `echelon_alloc`) are *pinned*: the
//! collector never frees them; `echelon_free` does. A host function may
//! call `echelon_alloc` while the guest waits for it (to return a result),
//! but must not call another export then: that export starts the shadow
//! stack afresh and could collect what the waiting frames hold. Arrays hold their
//! elements in a separate buffer block; objects of class `n` carry type id
//! `16 + n`, and a generated `__visit` marks their reference fields. Marking
//! uses a queue in a pinned block, not recursion, so long chains of objects
//! do not exhaust the wasm stack.

use std::sync::OnceLock;

use super::ast::Program;
use super::parser::parse_program;
use crate::generator::error::Diagnostic;

/// The prelude's source: the runtime.
pub const SOURCE: &str = include_str!("prelude/runtime.ts");

/// The prelude's source: the math library.
pub const MATH_SOURCE: &str = include_str!("prelude/math.ts");

/// The prelude's source: the f32 math library (`Mathf`).
pub const MATHF_SOURCE: &str = include_str!("prelude/mathf.ts");

/// The prelude's source: the math library's tables.
pub const MATH_TABLES_SOURCE: &str = include_str!("prelude/math_tables.ts");

/// The prelude's source: floats to strings (AssemblyScript's `dtoa`).
pub const DTOA_SOURCE: &str = include_str!("prelude/dtoa.ts");

/// The prelude's source: Unicode case mapping (AssemblyScript's
/// `toUpperCase`/`toLowerCase` and their tables).
pub const CASEMAP_SOURCE: &str = include_str!("prelude/casemap.ts");

/// The parsed prelude (parsed once per process).
///
/// # Errors
/// Only if the prelude itself does not parse, which its unit test rules out.
pub fn program() -> Result<&'static Program, Vec<Diagnostic>> {
    static PARSED: OnceLock<Result<Program, Diagnostic>> = OnceLock::new();
    let parsed = PARSED.get_or_init(|| {
        let mut program = parse_program(SOURCE)?;
        for part in [
            MATH_SOURCE,
            MATHF_SOURCE,
            MATH_TABLES_SOURCE,
            DTOA_SOURCE,
            CASEMAP_SOURCE,
        ] {
            program.items.extend(parse_program(part)?.items);
        }
        Ok(program)
    });
    match parsed {
        Ok(p) => Ok(p),
        Err(e) => Err(vec![Diagnostic::unlocated(format!(
            "internal: the runtime prelude does not parse: {}:{}: {}",
            e.line, e.column, e.message
        ))]),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_prelude_parses_and_checks() {
        let p = super::program().expect("the prelude parses");
        assert!(!p.items.is_empty());
        let empty = crate::generator::ts::ast::Program::default();
        crate::generator::ts::types::check_whole_prelude(&empty).expect("the prelude checks");
    }
}
