//! Compiled-module caches: an in-memory LRU keyed by the module's sha256,
//! and an on-disk cache of precompiled artifacts keyed by sha256 and the
//! engine's compatibility hash, so a new process loads a module without
//! compiling it.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

/// One entry of [`CacheStats`].
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CacheEntryStats {
    /// The module ids currently using this compiled module.
    pub module_ids: Vec<String>,
    /// sha256 of the module bytes.
    pub sha256: String,
    /// Size of the module bytes.
    pub size: u64,
    /// Times the entry was used (loads and instantiations).
    pub access_count: u64,
}

/// A snapshot of the in-memory module cache.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CacheStats {
    /// Total size of cached modules, in bytes of WebAssembly.
    pub size: u64,
    /// The limit beyond which least recently used entries are evicted.
    pub max_size: u64,
    /// Hits since start (in memory or on disk).
    pub hits: u64,
    /// Loads that had to compile.
    pub misses: u64,
    /// Loads served from the on-disk precompiled cache.
    pub disk_hits: u64,
    /// Entries, most recently used first.
    pub entries: Vec<CacheEntryStats>,
}

struct Entry {
    module: Module,
    size: u64,
    access_count: u64,
    last_used: u64,
    ids: Vec<String>,
}

/// In-memory LRU of compiled modules, bounded by total module size.
pub(crate) struct ModuleCache {
    entries: HashMap<String, Entry>,
    max_size: u64,
    size: u64,
    clock: u64,
    pub hits: u64,
    pub misses: u64,
    pub disk_hits: u64,
}

impl ModuleCache {
    pub fn new(max_size: u64) -> Self {
        Self {
            entries: HashMap::new(),
            max_size,
            size: 0,
            clock: 0,
            hits: 0,
            misses: 0,
            disk_hits: 0,
        }
    }

    /// The compiled module for `sha256`, marking it used by `id`.
    pub fn get(&mut self, sha256: &str, id: &str) -> Option<Module> {
        self.clock += 1;
        let clock = self.clock;
        let e = self.entries.get_mut(sha256)?;
        e.access_count += 1;
        e.last_used = clock;
        if !e.ids.iter().any(|i| i == id) {
            e.ids.push(id.to_string());
        }
        self.hits += 1;
        Some(e.module.clone())
    }

    pub fn insert(&mut self, sha256: &str, id: &str, module: Module, size: u64) {
        self.clock += 1;
        if let Some(old) = self.entries.remove(sha256) {
            self.size -= old.size;
        }
        self.entries.insert(
            sha256.to_string(),
            Entry {
                module,
                size,
                access_count: 1,
                last_used: self.clock,
                ids: vec![id.to_string()],
            },
        );
        self.size += size;
        self.evict(sha256);
    }

    /// Evicts least recently used entries until the size fits, never the
    /// entry just inserted.
    fn evict(&mut self, keep: &str) {
        while self.size > self.max_size {
            let victim = self
                .entries
                .iter()
                .filter(|(k, _)| k.as_str() != keep)
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| k.clone());
            match victim {
                Some(k) => {
                    if let Some(e) = self.entries.remove(&k) {
                        self.size -= e.size;
                        tracing::debug!(sha256 = %k, size = e.size, "evicted module from cache");
                    }
                }
                None => break,
            }
        }
    }

    /// Forgets that `id` uses `sha256` (on unload).
    pub fn release(&mut self, sha256: &str, id: &str) {
        if let Some(e) = self.entries.get_mut(sha256) {
            e.ids.retain(|i| i != id);
        }
    }

    /// Drops one entry, or all when `sha256` is `None`. Returns how many.
    pub fn invalidate(&mut self, sha256: Option<&str>) -> usize {
        match sha256 {
            Some(h) => match self.entries.remove(h) {
                Some(e) => {
                    self.size -= e.size;
                    1
                }
                None => 0,
            },
            None => {
                let n = self.entries.len();
                self.entries.clear();
                self.size = 0;
                n
            }
        }
    }

    pub fn stats(&self) -> CacheStats {
        let mut entries: Vec<(&String, &Entry)> = self.entries.iter().collect();
        entries.sort_by_key(|(_, e)| std::cmp::Reverse(e.last_used));
        CacheStats {
            size: self.size,
            max_size: self.max_size,
            hits: self.hits,
            misses: self.misses,
            disk_hits: self.disk_hits,
            entries: entries
                .into_iter()
                .map(|(k, e)| CacheEntryStats {
                    module_ids: e.ids.clone(),
                    sha256: k.clone(),
                    size: e.size,
                    access_count: e.access_count,
                })
                .collect(),
        }
    }
}

/// Precompiled artifacts on disk: `<dir>/<sha256>-<engine hash>.cwasm`.
pub(crate) struct DiskCache {
    dir: PathBuf,
    engine_key: String,
}

struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        let d = self.0.clone().finalize();
        u64::from_le_bytes([d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]])
    }

    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

impl DiskCache {
    /// The cache in `dir` (created private to this user), or `None` with a
    /// warning when the directory cannot be trusted: code loaded from it
    /// runs in this process, so it must be this user's and writable by no
    /// one else.
    pub fn open(dir: PathBuf, engine: &Engine) -> Option<Self> {
        if let Err(why) = trusted_dir(&dir) {
            tracing::warn!(dir = %dir.display(), %why, "precompiled cache disabled");
            return None;
        }
        Some(Self::new(dir, engine))
    }

    fn new(dir: PathBuf, engine: &Engine) -> Self {
        // The compatibility hash covers wasmtime's version and every engine
        // setting that affects compiled code: artifacts from another
        // configuration get another file name and are never loaded.
        let mut h = ShaHasher(Sha256::new());
        engine.precompile_compatibility_hash().hash(&mut h);
        let engine_key = hex::encode(&h.0.finalize()[..8]);
        Self { dir, engine_key }
    }

    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}-{}.cwasm", self.engine_key))
    }

    /// Loads a precompiled module, or `None` on a miss. A file that fails
    /// to deserialize (truncated, from another wasmtime) is deleted and
    /// treated as a miss.
    pub fn load(&self, engine: &Engine, sha256: &str) -> Option<Module> {
        let path = self.path(sha256);
        if !path.is_file() {
            return None;
        }
        // Read into memory rather than `deserialize_file`: a mapped file
        // that someone truncates or rewrites in place would crash the
        // process with SIGBUS.
        let bytes = std::fs::read(&path).ok()?;
        // SAFETY: the file is in Echelon's own cache directory, written by
        // `store` below from `Module::serialize` of the module whose sha256
        // names the file, for an engine with the same compatibility hash.
        // wasmtime checks the header and version and refuses anything else.
        match unsafe { Module::deserialize(engine, &bytes) } {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "discarding unusable precompiled module");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Writes a precompiled module atomically (temp file + rename). Errors
    /// are logged, not returned: the cache is an optimisation.
    pub fn store(&self, sha256: &str, module: &Module) {
        let result = (|| -> std::io::Result<()> {
            let bytes = module
                .serialize()
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let mut tmp = tempfile::Builder::new()
                .prefix(&format!(".{sha256}."))
                .suffix(".tmp")
                .tempfile_in(&self.dir)?;
            std::io::Write::write_all(&mut tmp, &bytes)?;
            tmp.persist(self.path(sha256)).map_err(|e| e.error)?;
            Ok(())
        })();
        if let Err(e) = result {
            tracing::warn!(dir = %self.dir.display(), error = %e, "cannot write precompiled module");
        }
    }

    pub fn remove(&self, sha256: &str) {
        let _ = std::fs::remove_file(self.path(sha256));
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// Creates `dir` (mode 0700 on Unix) if needed and checks that it belongs
/// to this process's user and that no one else may write to it.
fn trusted_dir(dir: &Path) -> Result<(), String> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create it: {e}"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let meta = std::fs::metadata(dir).map_err(|e| format!("cannot read it: {e}"))?;
        if !meta.is_dir() {
            return Err("it is not a directory".into());
        }
        // The owner of /proc/self is this process's effective user.
        if let Ok(me) = std::fs::metadata("/proc/self") {
            if meta.uid() != me.uid() {
                return Err(format!(
                    "it belongs to user {}, not to this process's user {}",
                    meta.uid(),
                    me.uid()
                ));
            }
        }
        if meta.mode() & 0o022 != 0 {
            return Err(format!(
                "others may write to it (mode {:o}); `chmod go-w` it or choose another --cache-dir",
                meta.mode() & 0o777
            ));
        }
    }
    Ok(())
}
