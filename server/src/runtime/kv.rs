//! The embedded key-value store behind `echelon.kv_get`/`kv_set`/
//! `kv_delete`: one [redb](https://www.redb.org) database, one namespace per
//! plugin, quotas per namespace.
//!
//! Writes a plugin makes during a call are buffered in a [`KvBatch`] (its
//! own reads see them) and committed in one transaction when the call
//! returns successfully; a call that traps, times out or hits a limit
//! leaves the store unchanged. Concurrent calls each see the last
//! committed state plus their own writes; commits are serialised by the
//! database, and the quota is checked again inside the commit.
//!
//! ```
//! use echelon::runtime::KvStore;
//! use echelon::sandbox::KvQuota;
//! let kv = KvStore::in_memory()?;
//! kv.set("plugin-a", "greeting", b"hello", &KvQuota::default())?;
//! assert_eq!(kv.get("plugin-a", "greeting")?, Some(b"hello".to_vec()));
//! assert_eq!(kv.get("plugin-b", "greeting")?, None);
//! # Ok::<(), echelon::Error>(())
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::Serialize;

use crate::sandbox::KvQuota;
use crate::{Error, Result};

/// `(namespace, key) -> value`.
const DATA: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("kv");
/// `namespace -> (keys, bytes)`: what each namespace holds now.
const USAGE: TableDefinition<&str, (u64, u64)> = TableDefinition::new("kv_usage");

fn kv_err(what: &str) -> impl FnOnce(redb::Error) -> Error + '_ {
    move |e| Error::Kv {
        message: format!("{what}: {e}"),
    }
}

fn any_err<E: Into<redb::Error>>(what: &str) -> impl FnOnce(E) -> Error + '_ {
    move |e| kv_err(what)(e.into())
}

/// What a namespace holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KvUsage {
    /// Keys.
    pub keys: u64,
    /// Bytes of keys plus values.
    pub bytes: u64,
}

/// The key-value store of a runtime (see the module docs).
pub struct KvStore {
    db: Database,
}

impl std::fmt::Debug for KvStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KvStore").finish_non_exhaustive()
    }
}

impl KvStore {
    /// Opens (creating) the database file at `path`. Only one process may
    /// have it open.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| Error::Io {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let db = Database::create(path).map_err(|e| Error::Kv {
            message: format!(
                "cannot open the key-value store {}: {e}; is another echelon process using the same data directory?",
                path.display()
            ),
        })?;
        Self::init(db)
    }

    /// A store in memory, gone with the runtime (for embedders without a
    /// data directory, and tests).
    pub fn in_memory() -> Result<Self> {
        let db = Database::builder()
            .create_with_backend(redb::backends::InMemoryBackend::new())
            .map_err(any_err("cannot create the in-memory key-value store"))?;
        Self::init(db)
    }

    fn init(db: Database) -> Result<Self> {
        let tx = db.begin_write().map_err(any_err("kv init"))?;
        tx.open_table(DATA).map_err(any_err("kv init"))?;
        tx.open_table(USAGE).map_err(any_err("kv init"))?;
        tx.commit().map_err(any_err("kv init"))?;
        Ok(Self { db })
    }

    /// The committed value of `key` in `namespace`.
    pub fn get(&self, namespace: &str, key: &str) -> Result<Option<Vec<u8>>> {
        let tx = self.db.begin_read().map_err(any_err("kv read"))?;
        let table = tx.open_table(DATA).map_err(any_err("kv read"))?;
        let value = table.get((namespace, key)).map_err(any_err("kv read"))?;
        Ok(value.map(|v| v.value().to_vec()))
    }

    /// What `namespace` holds now.
    pub fn usage(&self, namespace: &str) -> Result<KvUsage> {
        let tx = self.db.begin_read().map_err(any_err("kv read"))?;
        let table = tx.open_table(USAGE).map_err(any_err("kv read"))?;
        let usage = table.get(namespace).map_err(any_err("kv read"))?;
        Ok(usage
            .map(|u| {
                let (keys, bytes) = u.value();
                KvUsage { keys, bytes }
            })
            .unwrap_or_default())
    }

    /// Sets one key (its own transaction), within `quota`.
    pub fn set(&self, namespace: &str, key: &str, value: &[u8], quota: &KvQuota) -> Result<()> {
        let mut batch = KvBatch::default();
        batch.set(self, namespace, key, value.to_vec(), quota)?;
        self.commit(namespace, &batch, quota)
    }

    /// Deletes one key (its own transaction); returns whether it existed.
    pub fn delete(&self, namespace: &str, key: &str) -> Result<bool> {
        let mut batch = KvBatch::default();
        let existed = batch.delete(self, namespace, key)?;
        self.commit(namespace, &batch, &KvQuota::default())?;
        Ok(existed)
    }

    /// Every key of `namespace`, sorted.
    pub fn keys(&self, namespace: &str) -> Result<Vec<String>> {
        let tx = self.db.begin_read().map_err(any_err("kv read"))?;
        let table = tx.open_table(DATA).map_err(any_err("kv read"))?;
        let mut keys = Vec::new();
        for entry in table.range((namespace, "")..).map_err(any_err("kv read"))? {
            let (k, _) = entry.map_err(any_err("kv read"))?;
            let (ns, key) = k.value();
            if ns != namespace {
                break;
            }
            keys.push(key.to_string());
        }
        Ok(keys)
    }

    /// Commits `batch` to `namespace` in one durable transaction, or
    /// nothing when the result would exceed `quota`.
    pub fn commit(&self, namespace: &str, batch: &KvBatch, quota: &KvQuota) -> Result<()> {
        if batch.writes.is_empty() {
            return Ok(());
        }
        let tx = self.db.begin_write().map_err(any_err("kv write"))?;
        {
            let mut data = tx.open_table(DATA).map_err(any_err("kv write"))?;
            let mut usage_table = tx.open_table(USAGE).map_err(any_err("kv write"))?;
            let (mut keys, mut bytes) = usage_table
                .get(namespace)
                .map_err(any_err("kv write"))?
                .map(|u| u.value())
                .unwrap_or((0, 0));
            for (key, value) in &batch.writes {
                let old = data
                    .get((namespace, key.as_str()))
                    .map_err(any_err("kv write"))?
                    .map(|v| v.value().len());
                if let Some(old) = old {
                    keys -= 1;
                    bytes -= (key.len() + old) as u64;
                }
                match value {
                    Some(v) => {
                        keys += 1;
                        bytes += (key.len() + v.len()) as u64;
                        data.insert((namespace, key.as_str()), v.as_slice())
                            .map_err(any_err("kv write"))?;
                    }
                    None => {
                        data.remove((namespace, key.as_str()))
                            .map_err(any_err("kv write"))?;
                    }
                }
            }
            check_quota(namespace, keys, bytes, quota)?;
            usage_table
                .insert(namespace, (keys, bytes))
                .map_err(any_err("kv write"))?;
        }
        // Dropping an uncommitted transaction aborts it: the quota error
        // above leaves the store unchanged.
        tx.commit().map_err(any_err("kv commit"))
    }
}

fn check_quota(namespace: &str, keys: u64, bytes: u64, quota: &KvQuota) -> Result<()> {
    if keys > quota.max_keys {
        return Err(Error::Kv {
            message: format!(
                "the key-value quota of namespace `{namespace}` is {} keys; this write would make {keys}. \
                 Delete keys or raise the quota",
                quota.max_keys
            ),
        });
    }
    if bytes > quota.max_bytes {
        return Err(Error::Kv {
            message: format!(
                "the key-value quota of namespace `{namespace}` is {} bytes; this write would make {bytes}. \
                 Delete keys or raise the quota",
                quota.max_bytes
            ),
        });
    }
    Ok(())
}

/// The writes of one call, not yet committed: its reads see them.
#[derive(Debug, Default)]
pub struct KvBatch {
    /// Key to new value (`None`: deleted).
    writes: BTreeMap<String, Option<Vec<u8>>>,
    /// Key to the committed size of its value when it entered the batch.
    committed: BTreeMap<String, Option<usize>>,
    /// Usage of the namespace when the batch started.
    base: Option<KvUsage>,
    /// Change in keys and bytes the batch makes.
    delta_keys: i64,
    delta_bytes: i64,
}

impl KvBatch {
    /// Whether the batch holds no writes.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    /// Number of keys written.
    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// Forgets every write.
    pub fn clear(&mut self) {
        *self = KvBatch::default();
    }

    /// The value of `key`: this batch's write, else the committed one.
    pub fn get(&self, store: &KvStore, namespace: &str, key: &str) -> Result<Option<Vec<u8>>> {
        match self.writes.get(key) {
            Some(v) => Ok(v.clone()),
            None => store.get(namespace, key),
        }
    }

    /// Sets `key` in the batch, refusing what would exceed `quota`.
    pub fn set(
        &mut self,
        store: &KvStore,
        namespace: &str,
        key: &str,
        value: Vec<u8>,
        quota: &KvQuota,
    ) -> Result<()> {
        check_key(key, quota)?;
        if value.len() > quota.max_value_len {
            return Err(Error::Kv {
                message: format!(
                    "the value for key `{}` is {} bytes; values are limited to {} bytes",
                    shorten(key),
                    value.len(),
                    quota.max_value_len
                ),
            });
        }
        let (old_present, old_len) = self.current(store, namespace, key)?;
        let keys = self.delta_keys + i64::from(!old_present);
        let bytes = self.delta_bytes - old_len + (key.len() + value.len()) as i64;
        let base = self.base(store, namespace)?;
        check_quota(
            namespace,
            (base.keys as i64 + keys).max(0) as u64,
            (base.bytes as i64 + bytes).max(0) as u64,
            quota,
        )?;
        self.delta_keys = keys;
        self.delta_bytes = bytes;
        self.writes.insert(key.to_string(), Some(value));
        Ok(())
    }

    /// Deletes `key` in the batch; returns whether it existed.
    pub fn delete(&mut self, store: &KvStore, namespace: &str, key: &str) -> Result<bool> {
        check_key(key, &KvQuota::default())?;
        let (present, old_len) = self.current(store, namespace, key)?;
        if present {
            self.delta_keys -= 1;
            self.delta_bytes -= old_len;
        }
        self.writes.insert(key.to_string(), None);
        Ok(present)
    }

    /// Whether `key` is present now (batch over store) and its size
    /// (key + value) if so.
    fn current(&mut self, store: &KvStore, namespace: &str, key: &str) -> Result<(bool, i64)> {
        if !self.committed.contains_key(key) {
            let len = store.get(namespace, key)?.map(|v| v.len());
            self.committed.insert(key.to_string(), len);
        }
        let now = match self.writes.get(key) {
            Some(v) => v.as_ref().map(Vec::len),
            None => self.committed.get(key).copied().flatten(),
        };
        Ok(match now {
            Some(len) => (true, (key.len() + len) as i64),
            None => (false, 0),
        })
    }

    fn base(&mut self, store: &KvStore, namespace: &str) -> Result<KvUsage> {
        if let Some(b) = self.base {
            return Ok(b);
        }
        let b = store.usage(namespace)?;
        self.base = Some(b);
        Ok(b)
    }
}

fn check_key(key: &str, quota: &KvQuota) -> Result<()> {
    if key.is_empty() {
        return Err(Error::Kv {
            message: "key-value keys must not be empty".into(),
        });
    }
    if key.len() > quota.max_key_len {
        return Err(Error::Kv {
            message: format!(
                "the key `{}` is {} bytes; keys are limited to {} bytes",
                shorten(key),
                key.len(),
                quota.max_key_len
            ),
        });
    }
    Ok(())
}

fn shorten(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}
