//! Calling generated modules through the guest ABI in raw wasmtime: strings
//! in as UTF-8 `(ptr, len)` from `echelon_alloc`, out as a packed `i64`
//! freed with `echelon_free`; the host functions of module `echelon`.

use wasmtime::{Caller, Engine, Extern, Instance, Linker, Module, Store, TypedFunc, Val};

/// What the host functions saw: log lines and key-value writes.
#[derive(Default)]
pub struct HostLog {
    /// `level:text` per `log` call.
    pub lines: Vec<String>,
}

/// An argument of [`Guest::call`].
pub enum Arg<'a> {
    /// A number or bool, passed as is.
    Val(Val),
    /// A string, passed through `echelon_alloc`.
    Str(&'a str),
}

/// An instance of a generated module with the `echelon` host functions.
pub struct Guest {
    /// The store (its data records the host calls).
    pub store: Store<HostLog>,
    instance: Instance,
}

fn read(caller: &mut Caller<'_, HostLog>, ptr: i32, len: i32) -> Vec<u8> {
    let Some(Extern::Memory(m)) = caller.get_export("memory") else {
        return Vec::new();
    };
    let data = m.data(&caller);
    data[ptr as usize..(ptr + len) as usize].to_vec()
}

/// Copies `bytes` into the guest through its `echelon_alloc`, packed.
fn give(caller: &mut Caller<'_, HostLog>, bytes: &[u8]) -> i64 {
    let Some(Extern::Func(alloc)) = caller.get_export("echelon_alloc") else {
        return 0;
    };
    let alloc = alloc
        .typed::<i32, i32>(&caller)
        .expect("echelon_alloc(i32) -> i32");
    let ptr = alloc.call(&mut *caller, bytes.len() as i32).expect("allocates");
    let Some(Extern::Memory(m)) = caller.get_export("memory") else {
        return 0;
    };
    m.write(&mut *caller, ptr as usize, bytes).expect("in bounds");
    ((ptr as i64) << 32) | bytes.len() as i64
}

impl Guest {
    /// Instantiates `wasm`; `log` records lines, `config_get(k)` answers
    /// `value-of-k` (none for `missing`), `now_ms` answers 1234.
    pub fn new(wasm: &[u8]) -> Self {
        let engine = Engine::default();
        let module = Module::new(&engine, wasm).expect("a valid module");
        let mut linker = Linker::new(&engine);
        linker
            .func_wrap(
                "echelon",
                "log",
                |mut c: Caller<'_, HostLog>, level: i32, p: i32, l: i32| {
                    let text = String::from_utf8(read(&mut c, p, l)).expect("the guest sends UTF-8");
                    c.data_mut().lines.push(format!("{level}:{text}"));
                },
            )
            .expect("defines log");
        linker
            .func_wrap(
                "echelon",
                "config_get",
                |mut c: Caller<'_, HostLog>, p: i32, l: i32| -> i64 {
                    let key = String::from_utf8(read(&mut c, p, l)).expect("UTF-8 key");
                    if key == "missing" {
                        return 0;
                    }
                    give(&mut c, format!("value-of-{key}").as_bytes())
                },
            )
            .expect("defines config_get");
        linker
            .func_wrap("echelon", "now_ms", || -> i64 { 1234 })
            .expect("defines now_ms");
        linker
            .func_wrap(
                "echelon",
                "random_bytes",
                |mut c: Caller<'_, HostLog>, p: i32, l: i32| {
                    let Some(Extern::Memory(m)) = c.get_export("memory") else {
                        return;
                    };
                    m.write(&mut c, p as usize, &vec![7u8; l as usize])
                        .expect("in bounds");
                },
            )
            .expect("defines random_bytes");
        let mut store = Store::new(&engine, HostLog::default());
        let instance = linker.instantiate(&mut store, &module).expect("instantiates");
        Self { store, instance }
    }

    fn alloc(&mut self) -> TypedFunc<i32, i32> {
        self.instance
            .get_typed_func::<i32, i32>(&mut self.store, "echelon_alloc")
            .expect("echelon_alloc export")
    }

    fn free(&mut self) -> TypedFunc<(i32, i32), ()> {
        self.instance
            .get_typed_func::<(i32, i32), ()>(&mut self.store, "echelon_free")
            .expect("echelon_free export")
    }

    /// The size of the guest's memory in bytes.
    pub fn memory_size(&mut self) -> usize {
        let m = self
            .instance
            .get_memory(&mut self.store, "memory")
            .expect("memory export");
        m.data_size(&self.store)
    }

    /// Calls `func` and returns its raw core results.
    pub fn call_raw(&mut self, func: &str, args: &[Arg<'_>]) -> Result<Vec<Val>, String> {
        let mut core = Vec::new();
        let mut owned = Vec::new();
        for a in args {
            match a {
                Arg::Val(v) => core.push(*v),
                Arg::Str(s) => {
                    let alloc = self.alloc();
                    let ptr = alloc
                        .call(&mut self.store, s.len() as i32)
                        .map_err(|e| format!("{e:#}"))?;
                    let m = self
                        .instance
                        .get_memory(&mut self.store, "memory")
                        .expect("memory");
                    m.write(&mut self.store, ptr as usize, s.as_bytes())
                        .map_err(|e| e.to_string())?;
                    core.push(Val::I32(ptr));
                    core.push(Val::I32(s.len() as i32));
                    owned.push((ptr, s.len() as i32));
                }
            }
        }
        let f = self
            .instance
            .get_func(&mut self.store, func)
            .ok_or_else(|| format!("no export `{func}`"))?;
        let mut results = vec![Val::I32(0); f.ty(&self.store).results().len()];
        let r = f
            .call(&mut self.store, &core, &mut results)
            .map_err(|e| format!("trap: {e:#}"));
        let free = self.free();
        for (p, l) in owned {
            free.call(&mut self.store, (p, l)).map_err(|e| format!("{e:#}"))?;
        }
        r.map(|()| results)
    }

    /// Calls `func`, whose result is a string, and frees the result.
    pub fn call_str(&mut self, func: &str, args: &[Arg<'_>]) -> Result<String, String> {
        let r = self.call_raw(func, args)?;
        let Some(Val::I64(packed)) = r.first() else {
            return Err(format!("`{func}` did not return a packed string: {r:?}"));
        };
        let (ptr, len) = (
            (*packed as u64 >> 32) as usize,
            (*packed as u64 & 0xFFFF_FFFF) as usize,
        );
        let m = self
            .instance
            .get_memory(&mut self.store, "memory")
            .expect("memory");
        let bytes = m.data(&self.store)[ptr..ptr + len].to_vec();
        let free = self.free();
        free.call(&mut self.store, (ptr as i32, len as i32))
            .map_err(|e| format!("{e:#}"))?;
        String::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))
    }

    /// Calls `func`, whose result is one number, converted to `i64`.
    pub fn call_int(&mut self, func: &str, args: &[Arg<'_>]) -> Result<i64, String> {
        match self.call_raw(func, args)?.first() {
            Some(Val::I32(v)) => Ok(i64::from(*v)),
            Some(Val::I64(v)) => Ok(*v),
            other => Err(format!("not an integer: {other:?}")),
        }
    }
}
