//! Plugin manifests: what an uploaded plugin is granted (DESIGN.md, "Plugin
//! manifest").
//!
//! ```json
//! {"capabilities": ["console", "kv-read"], "allowed_hosts": ["api.example.com"],
//!  "config": {"greeting": "hello"},
//!  "limits": {"memory_bytes": 8388608, "timeout_ms": 1000, "fuel": 100000000},
//!  "wasi": {"env": {"MODE": "prod"}, "allow_time_and_random": false}}
//! ```
//!
//! Every field is optional; an absent manifest (or `{}`) is the strict
//! default sandbox: no capabilities, no hosts, no configuration. A manifest
//! becomes a [`SandboxConfig`] of its own (see
//! [`PluginManifest::sandbox_config`]), so each plugin is limited by its own
//! manifest, and its key-value namespace is its module id.
//!
//! ```
//! use echelon::manifest::{ManifestPolicy, PluginManifest};
//! use echelon::sandbox::{Capability, SandboxConfig};
//! let m = PluginManifest::from_json(br#"{"capabilities": ["console"], "config": {"k": "v"}}"#)?;
//! m.validate(&ManifestPolicy::default())?;
//! let sandbox = m.sandbox_config(&SandboxConfig::default());
//! assert!(sandbox.capabilities.contains(&Capability::Console));
//! assert_eq!(sandbox.config["k"], "v");
//! # Ok::<(), echelon::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::runtime::HostPattern;
use crate::sandbox::{Capability, SandboxConfig};
use crate::wasi::WasiCapabilities;
use crate::{Error, Result};

/// A plugin's manifest (see the module docs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PluginManifest {
    /// Granted capabilities, by their names (`console`, `env`, `kv-read`,
    /// `kv-write`, `network`, `crypto`, `time`, and the WebAssembly feature
    /// capabilities such as `simd`).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub capabilities: BTreeSet<Capability>,
    /// Hosts `http_request` may reach: `api.example.com` or `*.example.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// Values `config_get` returns.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, String>,
    /// Limits that replace the server's defaults for this plugin (within
    /// the server's maxima).
    #[serde(default, skip_serializing_if = "ManifestLimits::is_default")]
    pub limits: ManifestLimits,
    /// WASI settings for plugins that import WASI preview1.
    #[serde(default, skip_serializing_if = "ManifestWasi::is_default")]
    pub wasi: ManifestWasi,
}

/// `limits` of a manifest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestLimits {
    /// Linear memory (and tables) per instance, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_bytes: Option<u64>,
    /// Wall-clock time per call, milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_ms: Option<u64>,
    /// Instructions (fuel) per call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fuel: Option<u64>,
}

impl ManifestLimits {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// `wasi` of a manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestWasi {
    /// Environment variables the guest sees.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Grants WASI's clocks and `random_get`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub allow_time_and_random: bool,
}

impl ManifestWasi {
    fn is_default(&self) -> bool {
        *self == Self::default()
    }
}

/// What a server accepts in manifests.
#[derive(Debug, Clone)]
pub struct ManifestPolicy {
    /// Largest `limits.memory_bytes`. Default 256 MiB.
    pub max_memory_bytes: u64,
    /// Largest `limits.timeout_ms`. Default 30 s.
    pub max_timeout: Duration,
    /// Most `allowed_hosts` entries. Default 64.
    pub max_allowed_hosts: usize,
    /// Most `config` entries (and `wasi.env` entries). Default 256.
    pub max_config_entries: usize,
    /// Bytes of `config` (keys plus values, and the same for `wasi.env`).
    /// Default 64 KiB.
    pub max_config_bytes: usize,
}

impl Default for ManifestPolicy {
    fn default() -> Self {
        Self {
            max_memory_bytes: 256 * 1024 * 1024,
            max_timeout: Duration::from_secs(30),
            max_allowed_hosts: 64,
            max_config_entries: 256,
            max_config_bytes: 64 * 1024,
        }
    }
}

fn invalid(message: impl Into<String>) -> Error {
    Error::Manifest {
        message: message.into(),
    }
}

impl PluginManifest {
    /// Parses a manifest; the error names the field that is wrong.
    pub fn from_json(bytes: &[u8]) -> Result<Self> {
        serde_json::from_slice(bytes).map_err(|e| {
            invalid(format!(
                "{e}; expected {{\"capabilities\": [...], \"allowed_hosts\": [...], \"config\": {{...}}, \
                 \"limits\": {{\"memory_bytes\", \"timeout_ms\", \"fuel\"}}, \"wasi\": {{\"env\", \"allow_time_and_random\"}}}}"
            ))
        })
    }

    /// Checks the manifest against the server's `policy`.
    pub fn validate(&self, policy: &ManifestPolicy) -> Result<()> {
        if self.allowed_hosts.len() > policy.max_allowed_hosts {
            return Err(invalid(format!(
                "allowed_hosts has {} entries; at most {} are accepted",
                self.allowed_hosts.len(),
                policy.max_allowed_hosts
            )));
        }
        for h in &self.allowed_hosts {
            HostPattern::parse(h).map_err(invalid)?;
        }
        if !self.allowed_hosts.is_empty() && !self.capabilities.contains(&Capability::Network) {
            return Err(invalid(
                "allowed_hosts is set but the `network` capability is not granted; add \"network\" to capabilities",
            ));
        }
        for (what, map) in [("config", &self.config), ("wasi.env", &self.wasi.env)] {
            if map.len() > policy.max_config_entries {
                return Err(invalid(format!(
                    "{what} has {} entries; at most {} are accepted",
                    map.len(),
                    policy.max_config_entries
                )));
            }
            let bytes: usize = map.iter().map(|(k, v)| k.len() + v.len()).sum();
            if bytes > policy.max_config_bytes {
                return Err(invalid(format!(
                    "{what} holds {bytes} bytes; at most {} are accepted",
                    policy.max_config_bytes
                )));
            }
        }
        if let Some(mem) = self.limits.memory_bytes {
            if mem == 0 || mem > policy.max_memory_bytes {
                return Err(invalid(format!(
                    "limits.memory_bytes must be between 1 and {} (the server's maximum), got {mem}",
                    policy.max_memory_bytes
                )));
            }
        }
        if let Some(ms) = self.limits.timeout_ms {
            if ms == 0 || u128::from(ms) > policy.max_timeout.as_millis() {
                return Err(invalid(format!(
                    "limits.timeout_ms must be between 1 and {} (the server's maximum), got {ms}",
                    policy.max_timeout.as_millis()
                )));
            }
        }
        if self.limits.fuel == Some(0) {
            return Err(invalid("limits.fuel must be at least 1"));
        }
        Ok(())
    }

    /// The sandbox this manifest describes, starting from `base` (the
    /// server's plugin sandbox): capabilities, hosts and configuration are
    /// added; limits replace the base's where given.
    pub fn sandbox_config(&self, base: &SandboxConfig) -> SandboxConfig {
        let mut c = base.clone();
        c.id = None;
        c.capabilities.extend(self.capabilities.iter().copied());
        c.allowed_hosts = self.allowed_hosts.clone();
        c.config = self.config.clone();
        if let Some(mem) = self.limits.memory_bytes {
            c.memory_limit = mem;
        }
        if let Some(ms) = self.limits.timeout_ms {
            c.time_limit = Some(Duration::from_millis(ms));
        }
        if let Some(fuel) = self.limits.fuel {
            c.cpu_limit.max_instructions = Some(fuel);
        }
        let wasi = c.wasi.get_or_insert_with(WasiCapabilities::default);
        wasi.env.extend(self.wasi.env.clone());
        if self.wasi.allow_time_and_random {
            wasi.allow_clock_get = true;
            wasi.allow_random = true;
        }
        c
    }
}
