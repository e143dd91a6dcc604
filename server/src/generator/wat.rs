//! WAT (WebAssembly text) to binary with the `wat` crate.

use super::error::Diagnostic;

/// Compiles WAT text to a binary module.
///
/// # Errors
/// The parse error with its line and column.
pub fn compile(src: &str) -> Result<Vec<u8>, Diagnostic> {
    wat::parse_str(src).map_err(|e| {
        // The crate renders "message\n --> file:LINE:COL\n | excerpt"; the
        // location is only available through that text.
        let text = e.to_string();
        let message = text.lines().next().unwrap_or("invalid WAT").to_string();
        let (line, column) = text
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("-->"))
            .and_then(|loc| {
                let mut parts = loc.trim().rsplitn(3, ':');
                let column = parts.next()?.parse().ok()?;
                let line = parts.next()?.parse().ok()?;
                Some((line, column))
            })
            .unwrap_or((0, 0));
        Diagnostic::new(line, column, message)
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reports_line_and_column() {
        let e = super::compile("(module\n  (func (result i32)\n    i32.const x))").unwrap_err();
        assert_eq!((e.line, e.column), (3, 15), "{e}");
        assert!(super::compile("(module (func (export \"f\") (result i32) i32.const 1))").is_ok());
    }
}
