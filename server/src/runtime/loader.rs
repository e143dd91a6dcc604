//! Module sources, validation with actionable errors, and download.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use wasmparser::{Validator, WasmFeatures};

use crate::error::ValidationKind;
use crate::{Error, Result};

/// Where a module comes from (the spec's `WASMSource`).
#[derive(Debug, Clone)]
pub enum WasmSource {
    /// A `.wasm` (or `.wat`) file on disk.
    File(PathBuf),
    /// An `http://` or `https://` URL, downloaded while hashing.
    Url(String),
    /// Module bytes (binary or WebAssembly text).
    Bytes(Vec<u8>),
    /// Module bytes in standard base64.
    Base64(String),
    /// A module file registered for synchronous native calls; loads like
    /// `File`.
    Native(PathBuf),
}

impl WasmSource {
    /// Reads a file.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        WasmSource::File(path.into())
    }

    /// Downloads a URL.
    pub fn url(url: impl Into<String>) -> Self {
        WasmSource::Url(url.into())
    }

    /// Uses bytes as they are.
    pub fn bytes(bytes: impl Into<Vec<u8>>) -> Self {
        WasmSource::Bytes(bytes.into())
    }

    /// A module id derived from the source: the file stem for files and
    /// URLs, `None` for bytes (which get `module-<hash prefix>`).
    pub(crate) fn default_id(&self) -> Option<String> {
        let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned());
        match self {
            WasmSource::File(p) | WasmSource::Native(p) => stem(p),
            WasmSource::Url(u) => {
                let path = u.split(['?', '#']).next().unwrap_or(u);
                path.rsplit('/')
                    .next()
                    .filter(|s| !s.is_empty())
                    .and_then(|s| stem(Path::new(s)))
            }
            WasmSource::Bytes(_) | WasmSource::Base64(_) => None,
        }
    }

    /// A description for logs and module info.
    pub(crate) fn describe(&self) -> String {
        match self {
            WasmSource::File(p) => format!("file:{}", p.display()),
            WasmSource::Native(p) => format!("native:{}", p.display()),
            WasmSource::Url(u) => u.clone(),
            WasmSource::Bytes(_) => "bytes".into(),
            WasmSource::Base64(_) => "base64".into(),
        }
    }
}

/// Module bytes with their sha256, as the loader obtained them.
pub(crate) struct Fetched {
    pub bytes: Vec<u8>,
    pub sha256: String,
}

/// Reads, downloads or decodes a source, refusing inputs over `max`.
/// WebAssembly text is converted to binary here.
pub(crate) async fn fetch(source: &WasmSource, max: u64) -> Result<Fetched> {
    let (bytes, sha256) = match source {
        WasmSource::File(p) | WasmSource::Native(p) => {
            let meta = tokio::fs::metadata(p).await.map_err(|e| Error::Io {
                path: p.clone(),
                source: e,
            })?;
            check_size(meta.len(), max)?;
            let bytes = tokio::fs::read(p).await.map_err(|e| Error::Io {
                path: p.clone(),
                source: e,
            })?;
            let h = hex::encode(Sha256::digest(&bytes));
            (bytes, h)
        }
        WasmSource::Url(url) => download(url, max).await?,
        WasmSource::Bytes(b) => {
            check_size(b.len() as u64, max)?;
            (b.clone(), hex::encode(Sha256::digest(b)))
        }
        WasmSource::Base64(text) => {
            use base64::Engine as _;
            let b = base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .map_err(|e| Error::Source(format!("base64 source does not decode: {e}")))?;
            check_size(b.len() as u64, max)?;
            let h = hex::encode(Sha256::digest(&b));
            (b, h)
        }
    };
    if looks_like_text(&bytes) {
        let wasm = wat::parse_bytes(&bytes)
            .map_err(|e| Error::Validation {
                kind: ValidationKind::MalformedSection,
                message: format!("WebAssembly text does not parse: {e}"),
                offset: None,
            })?
            .into_owned();
        let h = hex::encode(Sha256::digest(&wasm));
        return Ok(Fetched {
            bytes: wasm,
            sha256: h,
        });
    }
    Ok(Fetched { bytes, sha256 })
}

pub(crate) fn looks_like_text(bytes: &[u8]) -> bool {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
    matches!(bytes.get(start..start + 1), Some(b"(") | Some(b";"))
}

fn check_size(len: u64, max: u64) -> Result<()> {
    if len > max {
        return Err(Error::Validation {
            kind: ValidationKind::TooLarge,
            message: format!(
                "module is {len} bytes, over the {max}-byte limit (RuntimeConfig::max_module_size)"
            ),
            offset: None,
        });
    }
    Ok(())
}

async fn download(url: &str, max: u64) -> Result<(Vec<u8>, String)> {
    let fail = |message: String| Error::Fetch {
        url: url.to_string(),
        message,
    };
    if !(url.starts_with("http://") || url.starts_with("https://")) {
        return Err(fail("only http:// and https:// URLs are supported".into()));
    }
    let mut resp = reqwest::get(url).await.map_err(|e| fail(e.to_string()))?;
    if !resp.status().is_success() {
        return Err(fail(format!("server answered {}", resp.status())));
    }
    if let Some(len) = resp.content_length() {
        check_size(len, max)?;
    }
    // Hash while downloading, and stop as soon as the limit is passed.
    let mut hasher = Sha256::new();
    let mut bytes = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|e| fail(e.to_string()))? {
        hasher.update(&chunk);
        bytes.extend_from_slice(&chunk);
        check_size(bytes.len() as u64, max)?;
    }
    Ok((bytes, hex::encode(hasher.finalize())))
}

/// The WebAssembly features Echelon's engine enables: WebAssembly 3.0 (the
/// 2.0 core plus GC, typed function references, tail calls, exceptions,
/// memory64, multi-memory, extended-const, relaxed SIMD) and threads.
/// Validation uses the same set so that its verdict matches what wasmtime
/// compiles; a test checks both against the official spec testsuite.
pub fn engine_features() -> WasmFeatures {
    WasmFeatures::WASM3
}

/// Validates module bytes with the given features, turning the first
/// defect into an [`Error::Validation`] that says what kind it is, where,
/// and what to do.
pub fn validate(bytes: &[u8], features: WasmFeatures) -> Result<()> {
    if bytes.len() < 4 || &bytes[..4] != b"\0asm" {
        return Err(Error::Validation {
            kind: ValidationKind::BadMagic,
            message: format!(
                "expected the magic bytes 00 61 73 6d (\"\\0asm\"), found {}; this is not a WebAssembly binary",
                hex_prefix(bytes)
            ),
            offset: Some(0),
        });
    }
    if bytes.len() < 8 {
        return Err(Error::Validation {
            kind: ValidationKind::MalformedSection,
            message: "the header is truncated: expected a 4-byte version after the magic".into(),
            offset: Some(bytes.len()),
        });
    }
    let version = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]);
    if version != 1 {
        let hint = if version & 0xffff == 0x0d {
            "this is a WebAssembly component; Echelon runs core modules"
        } else {
            "only version 1 core modules are supported"
        };
        return Err(Error::Validation {
            kind: ValidationKind::UnsupportedVersion,
            message: format!("binary version {version:#x}: {hint}"),
            offset: Some(4),
        });
    }
    let mut validator = Validator::new_with_features(features);
    validator.validate_all(bytes).map(|_| ()).map_err(|e| {
        let message = e.message().to_string();
        Error::Validation {
            kind: classify(&message),
            message,
            offset: Some(e.offset()),
        }
    })
}

fn classify(message: &str) -> ValidationKind {
    let m = message.to_ascii_lowercase();
    if m.contains("support is not enabled") || m.contains("proposal not enabled") || m.contains("feature") {
        ValidationKind::UnsupportedFeature
    } else if m.contains("type mismatch") || m.contains("expected") && m.contains("found") {
        ValidationKind::TypeMismatch
    } else {
        ValidationKind::MalformedSection
    }
}

fn hex_prefix(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "an empty input".into();
    }
    bytes
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ids() {
        assert_eq!(
            WasmSource::file("/x/math.wasm").default_id().as_deref(),
            Some("math")
        );
        assert_eq!(
            WasmSource::url("https://h/m/img.wasm?v=2")
                .default_id()
                .as_deref(),
            Some("img")
        );
        assert_eq!(WasmSource::url("https://h/").default_id(), None);
        assert_eq!(WasmSource::bytes(vec![]).default_id(), None);
    }

    #[test]
    fn validation_kinds() {
        let f = engine_features();
        let kind = |b: &[u8]| match validate(b, f) {
            Err(Error::Validation { kind, .. }) => kind,
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(kind(b""), ValidationKind::BadMagic);
        assert_eq!(kind(b"\x7fELF...."), ValidationKind::BadMagic);
        assert_eq!(kind(b"\0asm\x02\0\0\0"), ValidationKind::UnsupportedVersion);
        assert_eq!(kind(b"\0asm\x0d\0\x01\0"), ValidationKind::UnsupportedVersion);
        assert_eq!(kind(b"\0asm\x01\0"), ValidationKind::MalformedSection);
        assert_eq!(
            kind(b"\0asm\x01\0\0\0\x01\x05\x01"),
            ValidationKind::MalformedSection
        );
        let bad_type = wat::parse_str("(module (func (result i32) f32.const 1))").unwrap();
        assert_eq!(kind(&bad_type), ValidationKind::TypeMismatch);
        let simd = wat::parse_str("(module (func (result v128) v128.const i64x2 0 0))").unwrap();
        assert!(validate(&simd, f).is_ok());
        assert!(matches!(
            validate(&simd, WasmFeatures::WASM1),
            Err(Error::Validation {
                kind: ValidationKind::UnsupportedFeature,
                ..
            })
        ));
        assert!(validate(&wat::parse_str("(module)").unwrap(), f).is_ok());
    }
}
