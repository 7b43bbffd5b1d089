//! credentials.toml: the secrets typed into a wizard, kept apart from config.toml.
//!
//! ```toml
//! [archive]                 # the name config.toml uses: credential = "archive"
//! secret = "..."
//! ```
//!
//! The file is created with mode 0600 and refused when others can read it, as ssh does
//! with private keys.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Table, value};

use crate::secret::{Identity, Secret, SecretRef};
use crate::values::EntryName;

const HEADER: &str = "# Secrets for ipfs-kit backends, referenced from config.toml as credential = \"<name>\".\n# Keep this file private (mode 0600).\n";

/// The OS error of `Io` is part of its message and deliberately not a `source()`, so a
/// printed chain says it once.
#[derive(Debug, thiserror::Error)]
pub enum CredentialsError {
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: io::Error },
    #[error("{}: not valid TOML: {message}", path.display())]
    Parse { path: PathBuf, message: String },
    #[error("{}: others can read it (mode {mode:o}); run chmod 600 on it", path.display())]
    Insecure { path: PathBuf, mode: u32 },
    #[error("credential {name:?} is not in {}; run the backend wizard again or add [{name}] secret = \"...\"", path.display())]
    Missing { name: String, path: PathBuf },
    #[error(
        "environment variable {0} is not set; set it or store the secret with the backend wizard"
    )]
    EnvUnset(String),
}

/// The loaded credentials file.
#[derive(Debug, Default)]
pub struct CredentialStore {
    path: PathBuf,
    secrets: BTreeMap<String, Secret>,
}

impl CredentialStore {
    /// Reads `path`; a missing file is an empty store.
    pub fn load(path: &Path) -> Result<CredentialStore, CredentialsError> {
        let io_err = |error| CredentialsError::Io {
            path: path.to_path_buf(),
            error,
        };
        let text = match fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok(CredentialStore {
                    path: path.to_path_buf(),
                    secrets: BTreeMap::new(),
                });
            }
            Err(e) => return Err(io_err(e)),
        };
        let mode = fs::metadata(path).map_err(io_err)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(CredentialsError::Insecure {
                path: path.to_path_buf(),
                mode,
            });
        }
        let doc: DocumentMut =
            text.parse()
                .map_err(|e: toml_edit::TomlError| CredentialsError::Parse {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
        let mut secrets = BTreeMap::new();
        for (name, item) in doc.iter() {
            let secret = item.get("secret").and_then(Item::as_str).ok_or_else(|| {
                CredentialsError::Parse {
                    path: path.to_path_buf(),
                    message: format!("[{name}] has no secret = \"...\" string"),
                }
            })?;
            secrets.insert(name.to_string(), Secret::new(secret));
        }
        Ok(CredentialStore {
            path: path.to_path_buf(),
            secrets,
        })
    }

    pub fn get(&self, name: &str) -> Option<&Secret> {
        self.secrets.get(name)
    }

    /// The secret a reference stands for, read from the store or the environment.
    pub fn resolve(&self, r: &SecretRef) -> Result<Secret, CredentialsError> {
        match r {
            SecretRef::Literal(s) => Ok(s.clone()),
            SecretRef::Env(var) => std::env::var(var.as_str())
                .map(Secret::new)
                .map_err(|_| CredentialsError::EnvUnset(var.to_string())),
            SecretRef::Credential(name) => {
                self.get(name.as_str())
                    .cloned()
                    .ok_or_else(|| CredentialsError::Missing {
                        name: name.to_string(),
                        path: self.path.clone(),
                    })
            }
        }
    }

    /// A user name or key ID, read from the environment when it is a reference.
    pub fn resolve_identity(id: &Identity) -> Result<String, CredentialsError> {
        match id {
            Identity::Plain(s) => Ok(s.clone()),
            Identity::Env(var) => {
                std::env::var(var.as_str()).map_err(|_| CredentialsError::EnvUnset(var.to_string()))
            }
        }
    }
}

/// `existing` with entry `name` set to `secret`, other entries and comments kept.
pub(crate) fn with_entry(
    existing: &str,
    name: &EntryName,
    secret: &Secret,
) -> Result<String, String> {
    let text = if existing.trim().is_empty() {
        HEADER
    } else {
        existing
    };
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    let mut entry = Table::new();
    entry.insert("secret", value(secret.expose()));
    doc.insert(name.as_str(), Item::Table(entry));
    Ok(doc.to_string())
}
