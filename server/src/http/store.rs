//! Uploaded modules on disk, content-addressed: `<data>/modules/<sha256>.wasm`
//! plus `<data>/modules/index.json` mapping ids to their hash and plugin
//! manifest. Every write is a temp file, fsync and rename, so a crash never
//! leaves a torn file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::manifest::PluginManifest;
use crate::{Error, Result};

/// One stored module: its hash and manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredModule {
    /// sha256 of the bytes (hex).
    pub sha256: String,
    /// The plugin's manifest; `None` is the strict default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<PluginManifest>,
}

/// An index entry as read: the current form, or the earlier bare hash.
#[derive(Deserialize)]
#[serde(untagged)]
enum IndexEntry {
    Hash(String),
    Full(StoredModule),
}

/// The module store of `echelon serve`.
#[derive(Debug)]
pub struct ModuleStore {
    dir: PathBuf,
    index: Mutex<BTreeMap<String, StoredModule>>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Writes `path` through a uniquely named temp file in the same directory
/// (removed if anything fails), fsync and rename.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(io(dir))?;
    tmp.write_all(bytes).map_err(io(tmp.path()))?;
    tmp.as_file().sync_all().map_err(io(path))?;
    tmp.persist(path).map_err(|e| io(path)(e.error))?;
    Ok(())
}

/// Whether `s` is a sha256 in lowercase hex (the only names the store
/// gives module files: anything else in the index could point outside it).
fn is_sha256(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl ModuleStore {
    /// Opens (creating) `<data_dir>/modules`.
    pub fn open(data_dir: &Path) -> Result<Self> {
        let dir = data_dir.join("modules");
        std::fs::create_dir_all(&dir).map_err(io(&dir))?;
        let index_path = dir.join("index.json");
        let raw: BTreeMap<String, IndexEntry> = match std::fs::read(&index_path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| Error::Io {
                path: index_path.clone(),
                source: std::io::Error::other(format!(
                    "the module index is not valid JSON ({e}); fix or remove it"
                )),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
            Err(e) => return Err(io(&index_path)(e)),
        };
        let index = raw
            .into_iter()
            .map(|(id, e)| {
                let entry = match e {
                    IndexEntry::Hash(sha256) => StoredModule {
                        sha256,
                        manifest: None,
                    },
                    IndexEntry::Full(m) => m,
                };
                if !is_sha256(&entry.sha256) {
                    return Err(Error::Io {
                        path: index_path.clone(),
                        source: std::io::Error::other(format!(
                            "entry `{id}` has hash {:?}, which is not a lowercase hex sha256; fix or remove the entry",
                            entry.sha256
                        )),
                    });
                }
                Ok((id, entry))
            })
            .collect::<Result<BTreeMap<_, _>>>()?;
        // Temp files left by a crash mid-write.
        if let Ok(entries) = std::fs::read_dir(&dir) {
            for e in entries.flatten() {
                if e.file_name().to_string_lossy().starts_with(".tmp-") {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(Self {
            dir,
            index: Mutex::new(index),
        })
    }

    /// Where the bytes of `sha256` live.
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.wasm"))
    }

    /// Stores `bytes` (hash `sha256`) under `id` with its manifest, durably.
    pub fn put(&self, id: &str, sha256: &str, bytes: &[u8], manifest: Option<PluginManifest>) -> Result<()> {
        if !is_sha256(sha256) {
            return Err(Error::Engine(format!(
                "`{sha256}` is not a sha256 in lowercase hex"
            )));
        }
        // Under the index lock: a concurrent `remove` of another id with
        // the same bytes cannot delete the file between write and insert.
        let mut index = self.index.lock();
        let path = self.path(sha256);
        if !path.is_file() {
            write_atomic(&path, bytes)?;
        }
        index.insert(
            id.to_string(),
            StoredModule {
                sha256: sha256.to_string(),
                manifest,
            },
        );
        self.save(&index)
    }

    /// Replaces the manifest of stored module `id`; returns whether it exists.
    pub fn set_manifest(&self, id: &str, manifest: Option<PluginManifest>) -> Result<bool> {
        let mut index = self.index.lock();
        let Some(entry) = index.get_mut(id) else {
            return Ok(false);
        };
        entry.manifest = manifest;
        self.save(&index)?;
        Ok(true)
    }

    /// The stored module `id`.
    pub fn get(&self, id: &str) -> Option<StoredModule> {
        self.index.lock().get(id).cloned()
    }

    /// Forgets `id`; deletes its bytes when no other id uses them.
    pub fn remove(&self, id: &str) -> Result<bool> {
        let mut index = self.index.lock();
        let Some(sha) = index.remove(id) else {
            return Ok(false);
        };
        self.save(&index)?;
        if !index.values().any(|s| s.sha256 == sha.sha256) {
            let _ = std::fs::remove_file(self.path(&sha.sha256));
        }
        Ok(true)
    }

    /// Every stored module, by id.
    pub fn entries(&self) -> Vec<(String, StoredModule)> {
        self.index
            .lock()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    fn save(&self, index: &BTreeMap<String, StoredModule>) -> Result<()> {
        let json = serde_json::to_vec_pretty(index).map_err(|e| Error::Engine(e.to_string()))?;
        write_atomic(&self.dir.join("index.json"), &json)
    }
}
