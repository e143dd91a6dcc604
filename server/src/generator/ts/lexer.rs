//! Lexer: source text to tokens with positions.

use super::ast::Span;
use crate::generator::error::Diagnostic;

/// A numeric literal as written, before its type is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum NumberLit {
    /// An integer literal (decimal, `0x`, `0o` or `0b`), up to `u64::MAX`.
    Int(u64),
    /// A literal with a fraction or an exponent.
    Float(f64),
}

/// The kinds of token the subset knows.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// An identifier or a keyword (keywords are recognised by the parser).
    Ident(String),
    /// A numeric literal.
    Number(NumberLit),
    /// A punctuator such as `+=` or `>>>`.
    Punct(&'static str),
    /// A string literal (or a template without substitutions), as UTF-16.
    Str(Vec<u16>),
    /// The text of a template up to its first `${`.
    TemplateHead(Vec<u16>),
    /// The text of a template between a `}` and the next `${`.
    TemplateMiddle(Vec<u16>),
    /// The text of a template from its last `}` to the closing backtick.
    TemplateTail(Vec<u16>),
    /// End of input.
    Eof,
}

/// A token and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// What the token is.
    pub tok: Tok,
    /// Where it starts.
    pub span: Span,
}

/// Punctuators, longest first so that the first match is the longest.
const PUNCTS: &[&str] = &[
    ">>>=", "===", "!==", ">>>", "<<=", ">>=", "**=", "...", "&&=", "||=", "??=", "==", "!=", "<=", ">=",
    "&&", "||", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", "**", "=>", "??",
    "?.", "{", "}", "(", ")", "[", "]", ";", ",", "<", ">", "+", "-", "*", "/", "%", "&", "|", "^", "!", "~",
    "?", ":", "=", ".", "@", "#",
];

struct Cursor<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    src: &'a str,
    line: u32,
    column: u32,
}

impl Cursor<'_> {
    fn peek(&mut self) -> Option<char> {
        self.chars.peek().map(|&(_, c)| c)
    }

    fn offset(&mut self) -> usize {
        self.chars.peek().map_or(self.src.len(), |&(i, _)| i)
    }

    fn bump(&mut self) -> Option<char> {
        let (_, c) = self.chars.next()?;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn span(&self) -> Span {
        Span {
            line: self.line,
            column: self.column,
        }
    }
}

/// Splits `src` into tokens, ending with [`Tok::Eof`].
///
/// # Errors
/// The first character or literal that the subset cannot read, with its
/// position.
pub fn tokenize(src: &str) -> Result<Vec<Token>, Diagnostic> {
    let mut cur = Cursor {
        chars: src.char_indices().peekable(),
        src,
        line: 1,
        column: 1,
    };
    let mut out = Vec::new();
    // For each template whose `${` is open: the depth of `{` inside it.
    let mut templates: Vec<u32> = Vec::new();
    loop {
        skip_trivia(&mut cur)?;
        let span = cur.span();
        let Some(c) = cur.peek() else {
            out.push(Token { tok: Tok::Eof, span });
            return Ok(out);
        };
        let tok = if c.is_ascii_alphabetic() || c == '_' || c == '$' {
            let mut name = String::new();
            while let Some(c) = cur.peek() {
                if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                    name.push(c);
                    cur.bump();
                } else {
                    break;
                }
            }
            Tok::Ident(name)
        } else if c.is_ascii_digit()
            || (c == '.'
                && src[cur.offset()..]
                    .chars()
                    .nth(1)
                    .is_some_and(|d| d.is_ascii_digit()))
        {
            Tok::Number(number(&mut cur, span)?)
        } else if c == '"' || c == '\'' {
            cur.bump();
            Tok::Str(string_body(&mut cur, c, span)?)
        } else if c == '`' {
            cur.bump();
            let (text, open) = template_part(&mut cur, span)?;
            if open {
                templates.push(0);
                Tok::TemplateHead(text)
            } else {
                Tok::Str(text)
            }
        } else if c == '}' && templates.last() == Some(&0) {
            cur.bump();
            templates.pop();
            let (text, open) = template_part(&mut cur, span)?;
            if open {
                templates.push(0);
                Tok::TemplateMiddle(text)
            } else {
                Tok::TemplateTail(text)
            }
        } else {
            let rest = &src[cur.offset()..];
            let Some(p) = PUNCTS.iter().find(|p| rest.starts_with(**p)) else {
                return Err(err(span, format!("unexpected character `{c}`")));
            };
            for _ in 0..p.len() {
                cur.bump();
            }
            if let Some(depth) = templates.last_mut() {
                match *p {
                    "{" => *depth += 1,
                    "}" => *depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            Tok::Punct(p)
        };
        out.push(Token { tok, span });
    }
}

fn err(span: Span, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(span.line, span.column, message)
}

/// Reads one escape sequence after its `\\`, appending its code units.
fn escape(cur: &mut Cursor<'_>, out: &mut Vec<u16>, span: Span) -> Result<(), Diagnostic> {
    let Some(c) = cur.bump() else {
        return Err(err(span, "unterminated string literal"));
    };
    let hex = |cur: &mut Cursor<'_>, n: usize| -> Result<u32, Diagnostic> {
        let mut v = 0u32;
        for _ in 0..n {
            let d = cur
                .bump()
                .and_then(|d| d.to_digit(16))
                .ok_or_else(|| err(span, "invalid escape sequence: expected hexadecimal digits"))?;
            v = v * 16 + d;
        }
        Ok(v)
    };
    let unit = match c {
        'n' => 0x0A,
        'r' => 0x0D,
        't' => 0x09,
        'b' => 0x08,
        'f' => 0x0C,
        'v' => 0x0B,
        '0' => 0,
        '\n' => return Ok(()),
        'x' => hex(cur, 2)?,
        'u' if cur.peek() == Some('{') => {
            cur.bump();
            let mut v = 0u32;
            let mut digits = 0;
            while let Some(d) = cur.peek().and_then(|d| d.to_digit(16)) {
                cur.bump();
                v = v.saturating_mul(16).saturating_add(d);
                digits += 1;
            }
            if digits == 0 || cur.bump() != Some('}') {
                return Err(err(span, "invalid escape sequence: expected `\\u{HEX}`"));
            }
            let ch = char::from_u32(v)
                .ok_or_else(|| err(span, "invalid escape sequence: not a Unicode code point"))?;
            let mut buf = [0u16; 2];
            out.extend_from_slice(ch.encode_utf16(&mut buf));
            return Ok(());
        }
        'u' => hex(cur, 4)?,
        other => {
            let mut buf = [0u16; 2];
            out.extend_from_slice(other.encode_utf16(&mut buf));
            return Ok(());
        }
    };
    // `unit` is at most 0xFFFF: two or four hexadecimal digits.
    out.push(unit as u16);
    Ok(())
}

/// The code units of a `'...'` or `"..."` literal after its opening quote.
fn string_body(cur: &mut Cursor<'_>, quote: char, span: Span) -> Result<Vec<u16>, Diagnostic> {
    let mut out = Vec::new();
    loop {
        match cur.bump() {
            None | Some('\n') => {
                return Err(err(
                    span,
                    format!("unterminated string literal: add the closing {quote}"),
                ))
            }
            Some(c) if c == quote => return Ok(out),
            Some('\\') => escape(cur, &mut out, span)?,
            Some(c) => {
                let mut buf = [0u16; 2];
                out.extend_from_slice(c.encode_utf16(&mut buf));
            }
        }
    }
}

/// The text of a template up to `${` (then `true`) or the closing backtick.
fn template_part(cur: &mut Cursor<'_>, span: Span) -> Result<(Vec<u16>, bool), Diagnostic> {
    let mut out = Vec::new();
    loop {
        match cur.bump() {
            None => return Err(err(span, "unterminated template literal: add the closing `")),
            Some('`') => return Ok((out, false)),
            Some('$') if cur.peek() == Some('{') => {
                cur.bump();
                return Ok((out, true));
            }
            Some('\\') => escape(cur, &mut out, span)?,
            Some(c) => {
                let mut buf = [0u16; 2];
                out.extend_from_slice(c.encode_utf16(&mut buf));
            }
        }
    }
}

fn skip_trivia(cur: &mut Cursor<'_>) -> Result<(), Diagnostic> {
    loop {
        match cur.peek() {
            Some(c) if c.is_whitespace() => {
                cur.bump();
            }
            Some('/') => {
                let rest = &cur.src[cur.offset()..];
                if rest.starts_with("//") {
                    while cur.peek().is_some_and(|c| c != '\n') {
                        cur.bump();
                    }
                } else if rest.starts_with("/*") {
                    let start = cur.span();
                    cur.bump();
                    cur.bump();
                    loop {
                        if cur.src[cur.offset()..].starts_with("*/") {
                            cur.bump();
                            cur.bump();
                            break;
                        }
                        if cur.bump().is_none() {
                            return Err(err(start, "unterminated block comment: add `*/`"));
                        }
                    }
                } else {
                    return Ok(());
                }
            }
            _ => return Ok(()),
        }
    }
}

fn number(cur: &mut Cursor<'_>, span: Span) -> Result<NumberLit, Diagnostic> {
    let rest = &cur.src[cur.offset()..];
    let radix = match rest.get(..2) {
        Some("0x" | "0X") => 16,
        Some("0o" | "0O") => 8,
        Some("0b" | "0B") => 2,
        _ => 10,
    };
    let mut text = String::new();
    if radix != 10 {
        cur.bump();
        cur.bump();
        while let Some(c) = cur.peek() {
            if c.is_ascii_alphanumeric() || c == '_' {
                if c != '_' {
                    text.push(c);
                }
                cur.bump();
            } else {
                break;
            }
        }
        return u64::from_str_radix(&text, radix)
            .map(NumberLit::Int)
            .map_err(|_| {
                err(
                    span,
                    "invalid or too large integer literal (the limit is 64 bits)",
                )
            });
    }
    let mut is_float = false;
    while let Some(c) = cur.peek() {
        let exponent_sign = (c == '+' || c == '-') && text.ends_with(['e', 'E']);
        if c.is_ascii_digit() || c == '_' || exponent_sign {
            if c != '_' {
                text.push(c);
            }
        } else if (c == '.' && !is_float) || ((c == 'e' || c == 'E') && !text.contains(['e', 'E'])) {
            is_float = true;
            text.push(c);
        } else if c.is_ascii_alphanumeric() {
            return Err(err(span, format!("invalid numeric literal: unexpected `{c}`")));
        } else {
            break;
        }
        cur.bump();
    }
    if is_float {
        text.parse::<f64>()
            .map(NumberLit::Float)
            .map_err(|_| err(span, format!("invalid number `{text}`")))
    } else {
        text.parse::<u64>()
            .map(NumberLit::Int)
            .map_err(|_| err(span, "integer literal too large (the limit is 64 bits)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn numbers_and_operators() {
        assert_eq!(
            toks("x>>>=0x1F;"),
            vec![
                Tok::Ident("x".into()),
                Tok::Punct(">>>="),
                Tok::Number(NumberLit::Int(31)),
                Tok::Punct(";"),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("10_000"),
            vec![Tok::Number(NumberLit::Int(10_000)), Tok::Eof]
        );
        assert_eq!(
            toks("1.5e3 .5"),
            vec![
                Tok::Number(NumberLit::Float(1500.0)),
                Tok::Number(NumberLit::Float(0.5)),
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("a >>> b"),
            vec![
                Tok::Ident("a".into()),
                Tok::Punct(">>>"),
                Tok::Ident("b".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn positions_count_lines_and_columns() {
        let t = tokenize("// c\n  /* x\n */ foo").unwrap();
        assert_eq!(t[0].span, Span { line: 3, column: 5 });
    }

    #[test]
    fn errors_have_positions() {
        let e = tokenize("let s = \"hi;").unwrap_err();
        assert_eq!((e.line, e.column), (1, 9));
        let e = tokenize("\n /* never").unwrap_err();
        assert_eq!((e.line, e.column), (2, 2));
        assert!(tokenize("99999999999999999999999").is_err());
    }
}
