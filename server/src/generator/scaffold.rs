//! `echelon new`: a new Rust crate that uses the authoring SDK
//! (`echelon-guest`), ready for `cargo test` and `echelon build`.
//!
//! Two templates: [`Template::Shared`] (logic for both the server and the
//! browser: strings, JSON, a refusal) and [`Template::Plugin`] (a server
//! plugin using host functions, with a `manifest.json` granting their
//! capabilities). Each has a README with the build, upload and call
//! commands, and native tests. The files are embedded in the binary.
//!
//! ```no_run
//! use echelon::generator::scaffold::{new_crate, NewCrate, Template};
//! let files = new_crate(&NewCrate::new("hello").template(Template::Plugin)).unwrap();
//! assert!(files.iter().any(|f| f.ends_with("Cargo.toml")));
//! ```

use std::path::{Path, PathBuf};

use super::error::GeneratorError;

/// Which crate [`new_crate`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Template {
    /// Logic for both targets (the default).
    #[default]
    Shared,
    /// A server plugin using host functions.
    Plugin,
}

impl Template {
    /// Parses `shared` or `plugin`.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "shared" => Some(Self::Shared),
            "plugin" => Some(Self::Plugin),
            _ => None,
        }
    }
}

/// How the new crate depends on `echelon-guest`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SdkSource {
    /// A path dependency on an SDK checkout (its `sdk/` directory).
    Path(PathBuf),
    /// A registry dependency of this version.
    Version(String),
}

impl SdkSource {
    /// The SDK this binary was built from (`<repo>/sdk`) when that directory
    /// exists, else the registry version equal to this binary's.
    pub fn default_for_this_build() -> Self {
        let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join("sdk");
        match std::fs::canonicalize(&here) {
            Ok(p) if p.join("Cargo.toml").is_file() => Self::Path(p),
            _ => Self::Version(env!("CARGO_PKG_VERSION").to_string()),
        }
    }

    fn dependency_line(&self) -> Result<String, GeneratorError> {
        Ok(match self {
            Self::Path(p) => {
                let p = std::fs::canonicalize(p).map_err(|e| {
                    GeneratorError::Build(format!(
                        "the SDK path {} cannot be used: {e}; pass the `sdk` directory of an Echelon checkout",
                        p.display()
                    ))
                })?;
                if !p.join("Cargo.toml").is_file() {
                    return Err(GeneratorError::Build(format!(
                        "{} has no Cargo.toml; pass the `sdk` directory of an Echelon checkout",
                        p.display()
                    )));
                }
                // TOML basic strings take the path as JSON would write it.
                let quoted = serde_json::Value::String(p.display().to_string()).to_string();
                format!("echelon-guest = {{ path = {quoted} }}")
            }
            Self::Version(v) => format!("echelon-guest = \"{v}\""),
        })
    }
}

/// What [`new_crate`] writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCrate {
    /// The directory to create; its last component names the crate.
    pub path: PathBuf,
    /// The template.
    pub template: Template,
    /// The SDK dependency (default: [`SdkSource::default_for_this_build`]).
    pub sdk: SdkSource,
}

impl NewCrate {
    /// The shared template at `path`, depending on this build's SDK.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            template: Template::default(),
            sdk: SdkSource::default_for_this_build(),
        }
    }

    /// Sets [`Self::template`].
    pub fn template(mut self, template: Template) -> Self {
        self.template = template;
        self
    }

    /// Sets [`Self::sdk`].
    pub fn sdk(mut self, sdk: SdkSource) -> Self {
        self.sdk = sdk;
        self
    }
}

/// Whether `name` is a valid package name (what cargo accepts for a new
/// crate: ASCII letters, digits, `-` and `_`, not starting with a digit).
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Writes the crate and returns the files written.
///
/// # Errors
/// [`GeneratorError::Build`] when the name is not a valid package name,
/// the directory exists and is not empty, the SDK path is not an SDK, or a
/// file cannot be written.
pub fn new_crate(options: &NewCrate) -> Result<Vec<PathBuf>, GeneratorError> {
    let dir = &options.path;
    let name = dir
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| GeneratorError::Build(format!("{} does not end in a crate name", dir.display())))?;
    if !valid_name(name) {
        return Err(GeneratorError::Build(format!(
            "`{name}` is not a valid crate name: use ASCII letters, digits, `-` and `_`, not starting with a digit"
        )));
    }
    if dir.exists() {
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| GeneratorError::Build(format!("cannot read {}: {e}", dir.display())))?;
        if entries.next().is_some() {
            return Err(GeneratorError::Build(format!(
                "{} already exists and is not empty; choose a new directory",
                dir.display()
            )));
        }
    }
    let lib = name.replace('-', "_");
    let fill = |text: &str| -> Result<String, GeneratorError> {
        Ok(text
            .replace("{{name}}", name)
            .replace("{{lib}}", &lib)
            .replace("{{sdk_dependency}}", &options.sdk.dependency_line()?))
    };
    let (source, readme) = match options.template {
        Template::Shared => (
            include_str!("scaffold/shared.rs.txt"),
            include_str!("scaffold/README.shared.md.txt"),
        ),
        Template::Plugin => (
            include_str!("scaffold/plugin.rs.txt"),
            include_str!("scaffold/README.plugin.md.txt"),
        ),
    };
    let mut files = vec![
        ("Cargo.toml", fill(include_str!("scaffold/Cargo.toml.txt"))?),
        ("src/lib.rs", source.to_string()),
        ("README.md", fill(readme)?),
        (".gitignore", include_str!("scaffold/gitignore.txt").to_string()),
    ];
    if options.template == Template::Plugin {
        files.push((
            "manifest.json",
            include_str!("scaffold/manifest.json.txt").to_string(),
        ));
    }
    let mut written = Vec::new();
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| GeneratorError::Build(format!("cannot create {}: {e}", parent.display())))?;
        }
        std::fs::write(&path, text)
            .map_err(|e| GeneratorError::Build(format!("cannot write {}: {e}", path.display())))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_each_template() {
        let tmp = tempfile::tempdir().unwrap();
        for (template, extra) in [
            (Template::Shared, None),
            (Template::Plugin, Some("manifest.json")),
        ] {
            let dir = tmp.path().join(format!("my-{template:?}").to_lowercase());
            let files = new_crate(
                &NewCrate::new(&dir)
                    .template(template)
                    .sdk(SdkSource::Version("0.1.0".into())),
            )
            .unwrap();
            let toml = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
            assert!(
                toml.contains(&format!(
                    "name = \"my-{}\"",
                    format!("{template:?}").to_lowercase()
                )),
                "{toml}"
            );
            assert!(toml.contains("echelon-guest = \"0.1.0\""), "{toml}");
            assert!(!toml.contains("{{"), "{toml}");
            let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
            assert!(readme.contains("echelon build"), "{readme}");
            assert_eq!(
                extra.is_some(),
                files.iter().any(|f| f.ends_with("manifest.json"))
            );
        }
    }

    #[test]
    fn refuses_bad_names_and_non_empty_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let err = new_crate(&NewCrate::new(tmp.path().join("1bad"))).unwrap_err();
        assert!(err.to_string().contains("not a valid crate name"), "{err}");
        std::fs::write(tmp.path().join("x"), "").unwrap();
        let err = new_crate(&NewCrate::new(tmp.path())).unwrap_err();
        assert!(
            err.to_string().contains("not empty") || err.to_string().contains("valid crate name"),
            "{err}"
        );
        let err =
            new_crate(&NewCrate::new(tmp.path().join("ok")).sdk(SdkSource::Path(tmp.path().join("nope"))))
                .unwrap_err();
        assert!(err.to_string().contains("SDK path"), "{err}");
    }
}
