//! Parser: tokens to a [`Program`], by recursive descent with precedence
//! climbing. Nesting is limited to [`MAX_DEPTH`] so that no input can exhaust
//! the stack.

use super::ast::{
    Access, ClassDecl, Expr, ExprKind, FieldDecl, Function, ImportDecl, Item, MemberModifiers, Param,
    Program, Span, Stmt, StmtKind, SwitchCase, TypeName, VarDecl,
};
use super::lexer::{tokenize, NumberLit, Tok, Token};
use crate::generator::error::Diagnostic;

/// The deepest nesting of expressions and statements accepted.
pub const MAX_DEPTH: u32 = 200;

type PResult<T> = Result<T, Diagnostic>;

/// Words that cannot be used as names.
const RESERVED: &[&str] = &[
    "function",
    "export",
    "let",
    "const",
    "var",
    "if",
    "else",
    "for",
    "while",
    "do",
    "break",
    "continue",
    "return",
    "true",
    "false",
    "as",
    "class",
    "new",
    "import",
    "switch",
    "case",
    "default",
    "typeof",
    "null",
    "undefined",
    "this",
    "throw",
    "try",
    "catch",
    "finally",
];

/// Parses a whole source file.
///
/// # Errors
/// The first syntax error, with its position.
pub fn parse_program(src: &str) -> PResult<Program> {
    let mut p = Parser::new(src)?;
    let mut items = Vec::new();
    while p.peek() != &Tok::Eof {
        items.push(p.item()?);
    }
    Ok(Program { items })
}

/// Parses a single expression that must span the whole input.
///
/// # Errors
/// The first syntax error, with its position.
pub fn parse_expression(src: &str) -> PResult<Expr> {
    let mut p = Parser::new(src)?;
    let e = p.expr()?;
    if p.peek() != &Tok::Eof {
        return Err(p.unexpected("the end of the expression"));
    }
    Ok(e)
}

struct Parser {
    toks: Vec<Token>,
    pos: usize,
    depth: u32,
}

impl Parser {
    fn new(src: &str) -> PResult<Self> {
        Ok(Self {
            toks: tokenize(src)?,
            pos: 0,
            depth: 0,
        })
    }

    fn peek(&self) -> &Tok {
        self.peek_at(0)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        // `tokenize` always ends with Eof, so the last index exists.
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i].tok
    }

    fn span(&self) -> Span {
        self.toks[self.pos.min(self.toks.len() - 1)].span
    }

    fn advance(&mut self) -> Token {
        let t = self.toks[self.pos.min(self.toks.len() - 1)].clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }

    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }

    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Ident(q) if q == w)
    }

    fn eat_punct(&mut self, p: &str) -> bool {
        let hit = self.is_punct(p);
        if hit {
            self.advance();
        }
        hit
    }

    fn eat_word(&mut self, w: &str) -> bool {
        let hit = self.is_word(w);
        if hit {
            self.advance();
        }
        hit
    }

    fn describe(tok: &Tok) -> String {
        match tok {
            Tok::Ident(s) => format!("`{s}`"),
            Tok::Number(NumberLit::Int(n)) => format!("number `{n}`"),
            Tok::Number(NumberLit::Float(f)) => format!("number `{f}`"),
            Tok::Punct(p) => format!("`{p}`"),
            Tok::Str(_) => "a string".to_string(),
            Tok::TemplateHead(_) | Tok::TemplateMiddle(_) | Tok::TemplateTail(_) => {
                "a template literal".to_string()
            }
            Tok::Eof => "end of input".to_string(),
        }
    }

    fn unexpected(&self, expected: &str) -> Diagnostic {
        let s = self.span();
        Diagnostic::new(
            s.line,
            s.column,
            format!("expected {expected}, found {}", Self::describe(self.peek())),
        )
    }

    fn expect_punct(&mut self, p: &str) -> PResult<Span> {
        let s = self.span();
        if self.eat_punct(p) {
            Ok(s)
        } else {
            Err(self.unexpected(&format!("`{p}`")))
        }
    }

    fn ident(&mut self, what: &str) -> PResult<(String, Span)> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Ident(name) if !RESERVED.contains(&name.as_str()) => {
                self.advance();
                Ok((name, span))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let s = self.span();
            return Err(Diagnostic::new(
                s.line,
                s.column,
                format!("nested too deeply (more than {MAX_DEPTH} levels of statements, operators or calls): split the code into smaller expressions or functions"),
            ));
        }
        Ok(())
    }

    fn item(&mut self) -> PResult<Item> {
        if self.is_punct("@") {
            return self.import().map(Item::Import);
        }
        if self.is_word("declare") {
            return Err(self.unexpected(
                "`@external(\"module\", \"name\")` before `declare function` (the import's module and name)",
            ));
        }
        let exported = self.eat_word("export");
        if self.is_word("function") {
            return self.function(exported).map(Item::Function);
        }
        if self.is_word("class") {
            return self.class().map(Item::Class);
        }
        if self.is_word("let") || self.is_word("const") || self.is_word("var") {
            let decls = self.var_decls(exported)?;
            self.expect_punct(";")?;
            let mut decls = decls.into_iter();
            // `var_decls` returns at least one declarator.
            return match (decls.next(), decls.next()) {
                (Some(d), None) => Ok(Item::Global(d)),
                (_, Some(second)) => Err(Diagnostic::new(
                    second.span.line,
                    second.span.column,
                    "declare one module-level variable per statement",
                )),
                (None, None) => Err(self.unexpected("a declaration")),
            };
        }
        let what = if exported {
            "`function`, `class`, `let` or `const` after `export`"
        } else {
            "`function`, `class`, `export`, `let` or `const` at module level"
        };
        Err(self.unexpected(what))
    }

    fn type_annotation(&mut self) -> PResult<Option<TypeName>> {
        if !self.eat_punct(":") {
            return Ok(None);
        }
        self.type_name().map(Some)
    }

    /// A type: a name, `T[]`, `Array<T>`, or `T | null` for a reference
    /// type (references may be null anyway). Array types are written back
    /// as `T[]`.
    pub(super) fn type_name(&mut self) -> PResult<TypeName> {
        self.enter()?;
        let r = self.type_name_inner();
        self.depth -= 1;
        r
    }

    fn type_name_inner(&mut self) -> PResult<TypeName> {
        let span = self.span();
        let Tok::Ident(mut name) = self.peek().clone() else {
            return Err(self.unexpected("a type such as `i32`, `f64`, `bool` or `string`"));
        };
        self.advance();
        if name == "Array" {
            if !self.eat_punct("<") {
                return Err(self.unexpected("`<` after `Array` (write `Array<T>` or `T[]`)"));
            }
            let inner = self.type_name()?;
            self.expect_punct(">")?;
            name = format!("{}[]", inner.name);
        } else if self.is_punct("<") {
            return Err(self.unexpected("a type (generic types other than `Array<T>` are not supported)"));
        }
        while self.is_punct("[") && self.peek_at(1) == &Tok::Punct("]") {
            self.advance();
            self.advance();
            name.push_str("[]");
        }
        if self.is_punct("|") && matches!(self.peek_at(1), Tok::Ident(n) if n == "null") {
            const VALUES: &[&str] = &[
                "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "isize", "usize", "f32", "f64",
                "number", "bool", "boolean",
            ];
            if VALUES.contains(&name.as_str()) {
                return Err(self.unexpected("a type (numbers and bool cannot be null)"));
            }
            self.advance();
            self.advance();
        }
        Ok(TypeName { name, span })
    }

    /// A string literal argument of a decorator.
    fn string_arg(&mut self, what: &str) -> PResult<String> {
        match self.peek().clone() {
            Tok::Str(units) => {
                self.advance();
                String::from_utf16(&units).map_err(|_| self.unexpected(what))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    /// `@external("module", "name") declare function f(params): R;`
    fn import(&mut self) -> PResult<ImportDecl> {
        self.advance(); // `@`
        if !self.eat_word("external") {
            return Err(self.unexpected("`external` (the only decorator supported is `@external`)"));
        }
        self.expect_punct("(")?;
        let first = self.string_arg("the import's module name as a string")?;
        let second = if self.eat_punct(",") {
            Some(self.string_arg("the import's name as a string")?)
        } else {
            None
        };
        self.expect_punct(")")?;
        if !self.eat_word("declare") {
            return Err(self.unexpected("`declare function` after `@external(...)`"));
        }
        if !self.eat_word("function") {
            return Err(self.unexpected("`function` after `declare`"));
        }
        let (name, span) = self.ident("a function name")?;
        let params = self.params()?;
        let result = self.type_annotation()?;
        self.expect_punct(";")?;
        // `@external("name")` alone names the import in module `env`, as
        // AssemblyScript does.
        let (module, import_name) = match second {
            Some(n) => (first, n),
            None => ("env".to_string(), first),
        };
        Ok(ImportDecl {
            module,
            import_name,
            name,
            span,
            params,
            result,
        })
    }

    fn params(&mut self) -> PResult<Vec<Param>> {
        self.params_with(None)
    }

    /// Reads `public`, `protected`, `private` and `readonly` before a name
    /// (a word followed by another word; `get(): i32` is a method named
    /// `get`): the access, whether `readonly` was written, and whether any
    /// modifier was. With `statics`, also `static`.
    fn modifiers(&mut self, mut is_static: Option<&mut bool>) -> (Access, bool, bool) {
        let mut access = None;
        let mut readonly = false;
        let mut any = false;
        while matches!(self.peek_at(1), Tok::Ident(_)) {
            if access.is_none() && self.is_word("public") {
                access = Some(Access::Public);
            } else if access.is_none() && self.is_word("protected") {
                access = Some(Access::Protected);
            } else if access.is_none() && self.is_word("private") {
                access = Some(Access::Private);
            } else if !readonly && self.is_word("readonly") {
                readonly = true;
            } else if let Some(flag) = is_static
                .as_deref_mut()
                .filter(|f| !**f && self.is_word("static"))
            {
                *flag = true;
            } else {
                break;
            }
            any = true;
            self.advance();
        }
        (access.unwrap_or_default(), readonly, any)
    }

    /// A parameter list; with `properties`, a constructor's, whose
    /// parameters may carry modifiers (parameter properties): their indices
    /// and modifiers are added there.
    fn params_with(
        &mut self,
        mut properties: Option<&mut Vec<(usize, Access, bool)>>,
    ) -> PResult<Vec<Param>> {
        self.expect_punct("(")?;
        let mut params = Vec::new();
        while !self.is_punct(")") {
            let mods_span = self.span();
            let (access, readonly, any) = self.modifiers(None);
            if any {
                match properties.as_deref_mut() {
                    Some(props) => props.push((params.len(), access, readonly)),
                    None => {
                        return Err(Diagnostic::new(
                            mods_span.line,
                            mods_span.column,
                            "parameter properties (`private x: T`) are only allowed in a constructor",
                        ))
                    }
                }
            }
            let (pname, pspan) = self.ident("a parameter name")?;
            let ty = self.type_annotation()?;
            if self.is_punct("=") {
                return Err(self.unexpected("`,` or `)` (default parameter values are not supported)"));
            }
            params.push(Param {
                name: pname,
                span: pspan,
                ty,
            });
            if !self.eat_punct(",") {
                break;
            }
        }
        self.expect_punct(")")?;
        Ok(params)
    }

    /// `class Name { ... }`
    fn class(&mut self) -> PResult<ClassDecl> {
        self.advance(); // `class`
        let (name, span) = self.ident("a class name")?;
        let extends = if self.is_word("extends") {
            self.advance();
            let (base, base_span) = self.ident("the name of the class it extends")?;
            Some(TypeName {
                name: base,
                span: base_span,
            })
        } else {
            None
        };
        if self.is_word("implements") || self.is_punct("<") {
            return Err(self.unexpected("`{` (interfaces and generic classes are not supported)"));
        }
        self.expect_punct("{")?;
        let mut class = ClassDecl {
            name,
            span,
            extends,
            fields: Vec::new(),
            constructor: None,
            methods: Vec::new(),
            static_fields: Vec::new(),
            static_methods: Vec::new(),
            modifiers: Vec::new(),
        };
        while !self.eat_punct("}") {
            if self.peek() == &Tok::Eof {
                return Err(self.unexpected("`}` to close the class"));
            }
            let mods_span = self.span();
            let mut is_static = false;
            let (access, readonly, _) = self.modifiers(Some(&mut is_static));
            // `get x()` / `set x(v)`: accessors (not a method named `get`).
            let accessor = ["get", "set"]
                .into_iter()
                .find(|w| self.is_word(w) && matches!(self.peek_at(1), Tok::Ident(_)));
            if accessor.is_some() {
                self.advance();
            }
            let (member, mspan) = self.ident_or_keyword_here("a field, `constructor` or a method")?;
            let fail = |message: &str| Err(Diagnostic::new(mods_span.line, mods_span.column, message));
            if self.is_punct("(") {
                if readonly {
                    return fail("`readonly` applies to fields only");
                }
                if let Some(kind) = accessor {
                    if is_static {
                        return fail("static accessors are not supported");
                    }
                    let f = self.function_rest(false, format!("{kind}:{member}"), mspan)?;
                    let ok = if kind == "get" {
                        f.params.is_empty() && f.result.is_some()
                    } else {
                        f.params.len() == 1 && f.result.as_ref().is_none_or(|r| r.name == "void")
                    };
                    if !ok {
                        return Err(Diagnostic::new(
                            mspan.line,
                            mspan.column,
                            if kind == "get" {
                                "a getter takes no parameters and declares its result type"
                            } else {
                                "a setter takes one parameter and returns nothing"
                            },
                        ));
                    }
                    if class.methods.iter().any(|m| m.name == f.name) {
                        return Err(Diagnostic::new(
                            mspan.line,
                            mspan.column,
                            format!("duplicate {kind}ter `{member}`"),
                        ));
                    }
                    Self::note(&mut class, &f.name, false, mspan, access, false, false);
                    class.methods.push(f);
                    continue;
                }
                if member == "constructor" {
                    if is_static {
                        return Err(Diagnostic::new(
                            mspan.line,
                            mspan.column,
                            "a constructor cannot be `static`",
                        ));
                    }
                    if access != Access::Public {
                        return fail("`private` and `protected` constructors are not supported");
                    }
                    if class.constructor.is_some() {
                        return Err(Diagnostic::new(
                            mspan.line,
                            mspan.column,
                            "a class has one constructor",
                        ));
                    }
                    let mut props = Vec::new();
                    let params = self.params_with(Some(&mut props))?;
                    let mut f = self.function_body(false, member, mspan, params)?;
                    if f.result.is_some() {
                        return Err(Diagnostic::new(
                            mspan.line,
                            mspan.column,
                            "a constructor has no result type",
                        ));
                    }
                    Self::parameter_properties(&mut class, &mut f, &props);
                    class.constructor = Some(f);
                    continue;
                }
                let f = self.function_rest(false, member.clone(), mspan)?;
                Self::note(&mut class, &member, is_static, mspan, access, false, false);
                if is_static {
                    class.static_methods.push(f);
                } else {
                    class.methods.push(f);
                }
                continue;
            }
            if accessor.is_some() {
                return Err(self.unexpected("`(` after the accessor's name"));
            }
            let ty = self.type_annotation()?;
            let init = if self.eat_punct("=") {
                Some(self.assignment()?)
            } else {
                None
            };
            self.expect_punct(";")?;
            Self::note(
                &mut class,
                &member,
                is_static,
                mspan,
                access,
                readonly,
                init.is_some(),
            );
            let field = FieldDecl {
                name: member,
                span: mspan,
                ty,
                init,
            };
            if is_static {
                class.static_fields.push(field);
            } else {
                class.fields.push(field);
            }
        }
        Ok(class)
    }

    fn ident_or_keyword_here(&mut self, what: &str) -> PResult<(String, Span)> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Ident(name) => {
                self.advance();
                Ok((name, span))
            }
            _ => Err(self.unexpected(what)),
        }
    }

    fn function(&mut self, exported: bool) -> PResult<Function> {
        self.advance(); // `function`
        let (name, span) = self.ident("a function name")?;
        self.function_rest(exported, name, span)
    }

    /// A function from its parameter list on.
    /// Records the modifiers of a member when it has any.
    fn note(
        class: &mut ClassDecl,
        name: &str,
        is_static: bool,
        span: Span,
        access: Access,
        readonly: bool,
        initialized: bool,
    ) {
        if access != Access::Public || readonly {
            class.modifiers.push(MemberModifiers {
                name: name.to_string(),
                is_static,
                span,
                access,
                readonly,
                initialized,
            });
        }
    }

    /// `constructor(private x: T)`: a field `x` with those modifiers, set
    /// from the parameter at the start of the constructor (after
    /// `super(...)`).
    fn parameter_properties(class: &mut ClassDecl, ctor: &mut Function, props: &[(usize, Access, bool)]) {
        let at = usize::from(ctor.body.first().is_some_and(|s| {
            matches!(&s.kind, StmtKind::Expr(Expr { kind: ExprKind::Call { callee, .. }, .. })
                if matches!(&callee.kind, ExprKind::Ident(n) if n == "super"))
        }));
        for (k, &(index, access, readonly)) in props.iter().enumerate() {
            let Some(p) = ctor.params.get(index) else { continue };
            class.fields.push(FieldDecl {
                name: p.name.clone(),
                span: p.span,
                ty: p.ty.clone(),
                init: None,
            });
            Self::note(class, &p.name, false, p.span, access, readonly, false);
            let this = Expr {
                kind: ExprKind::This,
                span: p.span,
            };
            let value = Expr {
                kind: ExprKind::Ident(p.name.clone()),
                span: p.span,
            };
            let assign = Expr {
                kind: ExprKind::MemberAssign {
                    op: None,
                    object: Box::new(this),
                    property: p.name.clone(),
                    value: Box::new(value),
                },
                span: p.span,
            };
            ctor.body.insert(
                at + k,
                Stmt {
                    kind: StmtKind::Expr(assign),
                    span: p.span,
                },
            );
        }
    }

    fn function_rest(&mut self, exported: bool, name: String, span: Span) -> PResult<Function> {
        let params = self.params()?;
        self.function_body(exported, name, span, params)
    }

    /// A function after its parameters: the result type and the body.
    fn function_body(
        &mut self,
        exported: bool,
        name: String,
        span: Span,
        params: Vec<Param>,
    ) -> PResult<Function> {
        let result = self.type_annotation()?;
        self.expect_punct("{")?;
        let mut body = Vec::new();
        while !self.is_punct("}") {
            if self.peek() == &Tok::Eof {
                return Err(self.unexpected(&format!("`}}` to close function `{name}`")));
            }
            body.push(self.stmt()?);
        }
        let end = self.expect_punct("}")?;
        Ok(Function {
            exported,
            name,
            span,
            params,
            result,
            body,
            end,
        })
    }

    fn var_decls(&mut self, exported: bool) -> PResult<Vec<VarDecl>> {
        let kw_span = self.span();
        let constant = match self.advance().tok {
            Tok::Ident(w) if w == "const" => true,
            Tok::Ident(w) if w == "let" => false,
            _ => {
                return Err(Diagnostic::new(
                    kw_span.line,
                    kw_span.column,
                    "`var` is not supported: use `let` or `const`",
                ))
            }
        };
        let mut decls = Vec::new();
        loop {
            let (name, span) = self.ident("a variable name")?;
            let ty = self.type_annotation()?;
            let init = if self.eat_punct("=") {
                Some(self.assignment()?)
            } else {
                None
            };
            decls.push(VarDecl {
                exported,
                constant,
                name,
                span,
                ty,
                init,
            });
            if !self.eat_punct(",") {
                return Ok(decls);
            }
        }
    }

    fn block_body(&mut self) -> PResult<Vec<Stmt>> {
        self.expect_punct("{")?;
        let mut body = Vec::new();
        while !self.is_punct("}") {
            if self.peek() == &Tok::Eof {
                return Err(self.unexpected("`}`"));
            }
            body.push(self.stmt()?);
        }
        self.advance();
        Ok(body)
    }

    fn paren_expr(&mut self) -> PResult<Expr> {
        self.expect_punct("(")?;
        let e = self.expr()?;
        self.expect_punct(")")?;
        Ok(e)
    }

    fn stmt(&mut self) -> PResult<Stmt> {
        self.enter()?;
        let r = self.stmt_inner();
        self.depth -= 1;
        r
    }

    fn stmt_inner(&mut self) -> PResult<Stmt> {
        let span = self.span();
        let word = match self.peek() {
            Tok::Ident(w) => Some(w.clone()),
            _ => None,
        };
        let kind = match word.as_deref() {
            Some("let" | "const" | "var") => {
                let d = self.var_decls(false)?;
                self.expect_punct(";")?;
                StmtKind::Var(d)
            }
            Some("if") => {
                self.advance();
                let cond = self.paren_expr()?;
                let then = Box::new(self.stmt()?);
                let otherwise = if self.eat_word("else") {
                    Some(Box::new(self.stmt()?))
                } else {
                    None
                };
                StmtKind::If {
                    cond,
                    then,
                    otherwise,
                }
            }
            Some("while") => {
                self.advance();
                let cond = self.paren_expr()?;
                StmtKind::While {
                    cond,
                    body: Box::new(self.stmt()?),
                }
            }
            Some("do") => {
                self.advance();
                let body = Box::new(self.stmt()?);
                if !self.eat_word("while") {
                    return Err(self.unexpected("`while` after the body of `do`"));
                }
                let cond = self.paren_expr()?;
                self.expect_punct(";")?;
                StmtKind::DoWhile { body, cond }
            }
            Some("for") => self.for_stmt()?,
            Some(w @ ("break" | "continue")) => {
                let is_break = w == "break";
                self.advance();
                let label = match self.peek().clone() {
                    Tok::Ident(l) if !RESERVED.contains(&l.as_str()) => {
                        self.advance();
                        Some(l)
                    }
                    _ => None,
                };
                self.expect_punct(";")?;
                if is_break {
                    StmtKind::Break(label)
                } else {
                    StmtKind::Continue(label)
                }
            }
            Some("return") => {
                self.advance();
                let value = if self.is_punct(";") {
                    None
                } else {
                    Some(self.expr()?)
                };
                self.expect_punct(";")?;
                StmtKind::Return(value)
            }
            Some("function") => {
                return Err(self.unexpected("a statement (nested functions are not supported)"))
            }
            Some("switch") => self.switch_stmt()?,
            Some(w @ ("class" | "try" | "throw" | "import")) => {
                let msg = format!("`{w}` is not supported in this TypeScript subset");
                return Err(Diagnostic::new(span.line, span.column, msg));
            }
            Some(label) if self.peek_at(1) == &Tok::Punct(":") && !RESERVED.contains(&label) => {
                let label = label.to_string();
                self.advance();
                self.advance();
                StmtKind::Labeled {
                    label,
                    body: Box::new(self.stmt()?),
                }
            }
            _ if self.is_punct("{") => StmtKind::Block(self.block_body()?),
            _ if self.eat_punct(";") => StmtKind::Empty,
            _ => {
                let e = self.expr()?;
                self.expect_punct(";")?;
                StmtKind::Expr(e)
            }
        };
        Ok(Stmt { kind, span })
    }

    fn for_stmt(&mut self) -> PResult<StmtKind> {
        self.advance();
        self.expect_punct("(")?;
        let init = if self.is_punct(";") {
            None
        } else if self.is_word("let") || self.is_word("const") || self.is_word("var") {
            let span = self.span();
            let d = self.var_decls(false)?;
            Some(Box::new(Stmt {
                kind: StmtKind::Var(d),
                span,
            }))
        } else {
            let span = self.span();
            Some(Box::new(Stmt {
                kind: StmtKind::Expr(self.expr()?),
                span,
            }))
        };
        if self.is_word("of") || self.is_word("in") {
            return Err(self.unexpected("`;` (`for..of` and `for..in` are not supported)"));
        }
        self.expect_punct(";")?;
        let cond = if self.is_punct(";") {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect_punct(";")?;
        let update = if self.is_punct(")") {
            None
        } else {
            Some(self.expr()?)
        };
        self.expect_punct(")")?;
        Ok(StmtKind::For {
            init,
            cond,
            update,
            body: Box::new(self.stmt()?),
        })
    }

    fn switch_stmt(&mut self) -> PResult<StmtKind> {
        self.advance();
        let discriminant = self.paren_expr()?;
        self.expect_punct("{")?;
        let mut cases: Vec<SwitchCase> = Vec::new();
        while !self.eat_punct("}") {
            let span = self.span();
            let test = if self.eat_word("case") {
                Some(self.expr()?)
            } else if self.eat_word("default") {
                if cases.iter().any(|c| c.test.is_none()) {
                    return Err(Diagnostic::new(
                        span.line,
                        span.column,
                        "a `switch` may have only one `default`",
                    ));
                }
                None
            } else {
                return Err(self.unexpected("`case`, `default` or `}` in a `switch`"));
            };
            self.expect_punct(":")?;
            let mut body = Vec::new();
            while !(self.is_word("case") || self.is_word("default") || self.is_punct("}")) {
                if self.peek() == &Tok::Eof {
                    return Err(self.unexpected("`}` to close the `switch`"));
                }
                body.push(self.stmt()?);
            }
            cases.push(SwitchCase { test, body, span });
        }
        Ok(StmtKind::Switch { discriminant, cases })
    }

    /// A full expression (the comma operator is not supported).
    fn expr(&mut self) -> PResult<Expr> {
        self.assignment()
    }
}

mod expr;
