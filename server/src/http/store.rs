//! Uploaded modules on disk, content-addressed: `<data>/modules/<sha256>.wasm`
//! plus `<data>/modules/index.json` mapping ids to hashes. Every write is a
//! temp file, fsync and rename, so a crash never leaves a torn file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use parking_lot::Mutex;

use crate::{Error, Result};

/// The module store of `echelon serve`.
#[derive(Debug)]
pub struct ModuleStore {
    dir: PathBuf,
    index: Mutex<BTreeMap<String, String>>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = std::fs::File::create(&tmp).map_err(io(&tmp))?;
    f.write_all(bytes).map_err(io(&tmp))?;
    f.sync_all().map_err(io(&tmp))?;
    std::fs::rename(&tmp, path).map_err(io(path))
}

impl ModuleStore {
    /// Opens (creating) `<data_dir>/modules`.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let dir = data_dir.join("modules");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let index_path = dir.join("index.json");
        let index = match std::fs::read(&index_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Io {
                path: index_path.clone(),
                source: std::io::Error::other(format!(
                    "the module index is not valid JSON ({e}); fix or remove it"
                )),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(io(&index_path)(e)),
        };
        Ok(Self {
            dir,
            index: Mutex::new(index),
        })
    }

    /// Where the bytes of `sha256` live.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.wasm"))
    }

    /// Stores `bytes` (hash `sha256`) under `id`, durably.
    pub fn put(&self, id: &str, sha256: &str, bytes: &[u8]) -> Result<()> {
        let path = self.path(sha256);
        if !path.is_file() {
            write_atomic(&path, bytes)?;
        }
        let mut index = self.index.lock();
        index.insert(id.to_string(), sha256.to_string());
        self.save(&index)
    }

    /// Forgets `id`; deletes its bytes when no other id uses them.
    pub fn remove(&self, id: &str) -> Result<bool> {
        let mut index = self.index.lock();
        let Some(sha) = index.remove(id) else {
            return Ok(false);
        };
        self.save(&index)?;
        if !index.values().any(|s| *s == sha) {
            let _ = std::fs::remove_file(self.path(&sha));
        }
        Ok(true)
    }

    /// `(id, sha256)` of every stored module.
    pub fn entries(&self) -> Vec<(String, String)> {
        self.index
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn save(&self, index: &BTreeMap<String, String>) -> Result<()> {
        let json = serde_json::to_vec_pretty(index).map_err(|e| Error::Engine(e.to_string()))?;
        write_atomic(&self.dir.join("index.json"), &json)
    }
}
