//! Saving a wizard's section: plan (pure: new text, diff), then apply (atomic writes).
//!
//! `--dry-run` is [`plan`] and printing [`SavePlan::diff`] without calling
//! [`SavePlan::apply`]. Apply writes credentials.toml first (so config.toml never names a
//! credential that is not there yet), then config.toml, keeping the previous one as
//! `config.toml.bak`. Any failure before the final rename leaves every file as it was; a
//! failure at that rename puts credentials.toml back as well.

mod atomic;
mod diff;
mod merge;
#[cfg(test)]
mod tests;

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

pub use diff::diff;

use crate::config::WizardSections;
use crate::credentials;
use crate::secret::Secret;
use crate::values::EntryName;
use crate::wizard::Section;
use merge::Slot;

/// The OS error of `Io` is part of its message and deliberately not a `source()`, so a
/// printed chain says it once.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    #[error("the existing config.toml is not valid TOML: {0}")]
    ParseConfig(String),
    #[error("{}: not valid TOML: {message}", path.display())]
    ParseCredentials { path: PathBuf, message: String },
    #[error("cannot render the section: {0}")]
    Serialize(String),
    #[error("{}: {error}", path.display())]
    Io { path: PathBuf, error: io::Error },
    #[error("{} changed since the wizard read it; nothing was written, run the wizard again", .0.display())]
    Changed(PathBuf),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> SaveError + '_ {
    move |error| SaveError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// config.toml and the credentials file beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigPaths {
    pub config: PathBuf,
    pub credentials: PathBuf,
}

impl ConfigPaths {
    /// `credentials.toml` in the same directory as `config`.
    pub fn beside(config: impl Into<PathBuf>) -> ConfigPaths {
        let config = config.into();
        let credentials = config.with_file_name("credentials.toml");
        ConfigPaths {
            config,
            credentials,
        }
    }

    /// Where the previous config.toml is kept: `config.toml.bak`.
    pub fn backup(&self) -> PathBuf {
        let mut name = self
            .config
            .file_name()
            .map(|n| n.to_os_string())
            .unwrap_or_default();
        name.push(".bak");
        self.config.with_file_name(name)
    }
}

/// The text of `path`, or "" when it does not exist yet.
pub fn read_existing(path: &Path) -> Result<String, SaveError> {
    match fs::read_to_string(path) {
        Ok(t) => Ok(t),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(String::new()),
        Err(e) => Err(io_at(path)(e)),
    }
}

/// What a save will do. Its Debug output shows the secret as `***`.
#[derive(Debug)]
pub struct SavePlan {
    base: String,
    new_config: String,
    section_text: String,
    diff: String,
    credential: Option<(EntryName, Secret)>,
}

/// Computes the new config.toml for `section` merged into `existing_config`.
pub fn plan(existing_config: &str, section: &Section) -> Result<SavePlan, SaveError> {
    let mut sections = WizardSections::default();
    let mut credential = None;
    let (top, name) = match section.clone() {
        Section::Backend { name, mut config } => {
            if let Some(secret) = config.take_literal_secret(&name) {
                credential = Some((name.clone(), secret));
            }
            sections.backends.insert(name.to_string(), config);
            (Some("backends"), name.to_string())
        }
        Section::Vfs { name, config } => {
            sections.vfs.insert(name.to_string(), config);
            (Some("vfs"), name.to_string())
        }
        Section::Monitoring(config) => {
            sections.monitoring = Some(config);
            (None, String::new())
        }
    };
    let slot = match top {
        Some(top) => Slot::Entry { top, name: &name },
        None => Slot::Monitoring,
    };
    let (new_config, section_text) = merge::merge(existing_config, &slot, &sections)?;
    let diff = diff::diff(existing_config, &new_config);
    Ok(SavePlan {
        base: existing_config.to_string(),
        new_config,
        section_text,
        diff,
        credential,
    })
}

/// Where a save stopped, for tests that simulate a crash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SavePoint {
    /// Temp files written and synced, nothing renamed yet.
    Staged,
    /// credentials.toml replaced, config.toml not yet.
    CredentialsWritten,
}

/// What was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub config: PathBuf,
    pub backup: Option<PathBuf>,
    pub credentials: Option<PathBuf>,
}

impl SavePlan {
    /// The whole config.toml after the save.
    pub fn new_config(&self) -> &str {
        &self.new_config
    }

    /// The change to config.toml, secrets masked.
    pub fn diff(&self) -> &str {
        &self.diff
    }

    /// The section as it will be written, plus where its secret goes (as `***`).
    pub fn summary(&self) -> String {
        let mut s = self.section_text.clone();
        if let Some((name, _)) = &self.credential {
            s.push_str(&format!(
                "\n# credentials.toml (mode 0600)\n[{name}]\nsecret = \"***\"\n"
            ));
        }
        s
    }

    /// The credentials entry this save writes, if a secret was typed in.
    pub fn credential_name(&self) -> Option<&EntryName> {
        self.credential.as_ref().map(|(n, _)| n)
    }

    pub fn apply(&self, paths: &ConfigPaths) -> Result<Saved, SaveError> {
        self.apply_with(paths, &mut |_| Ok(()))
    }

    pub(crate) fn apply_with(
        &self,
        paths: &ConfigPaths,
        hook: &mut dyn FnMut(SavePoint) -> io::Result<()>,
    ) -> Result<Saved, SaveError> {
        let config = &paths.config;
        if read_existing(config)? != self.base {
            return Err(SaveError::Changed(config.clone()));
        }
        let creds_path = &paths.credentials;
        let creds_staged = match &self.credential {
            Some((name, secret)) => {
                let text = credentials::with_entry(&read_existing(creds_path)?, name, secret)
                    .map_err(|message| SaveError::ParseCredentials {
                        path: creds_path.clone(),
                        message,
                    })?;
                Some(atomic::stage(creds_path, &text, 0o600).map_err(io_at(creds_path))?)
            }
            None => None,
        };
        let mode = atomic::mode_of(config, 0o644).map_err(io_at(config))?;
        let config_staged = atomic::stage(config, &self.new_config, mode).map_err(io_at(config))?;
        hook(SavePoint::Staged).map_err(io_at(config))?;

        let had_config = config.exists();
        let had_creds = creds_path.exists();
        let rollback = creds_path.with_extension("toml.rollback");
        let wrote_creds = match creds_staged {
            Some(staged) => {
                if had_creds {
                    atomic::keep_copy(creds_path, &rollback).map_err(io_at(creds_path))?;
                }
                staged.commit().map_err(io_at(creds_path))?;
                true
            }
            None => false,
        };
        let backup = paths.backup();
        let finish = || -> Result<(), SaveError> {
            hook(SavePoint::CredentialsWritten).map_err(io_at(config))?;
            if had_config {
                atomic::keep_copy(config, &backup).map_err(io_at(&backup))?;
            }
            config_staged.commit().map_err(io_at(config))?;
            Ok(())
        };
        let result = finish();
        if wrote_creds {
            // Undo the credentials change when config.toml could not follow it.
            let undo = match (&result, had_creds) {
                (Ok(()), true) => fs::remove_file(&rollback),
                (Ok(()), false) => Ok(()),
                (Err(_), true) => fs::rename(&rollback, creds_path),
                (Err(_), false) => fs::remove_file(creds_path),
            };
            if let (Ok(()), Err(e)) = (&result, undo) {
                return Err(io_at(&rollback)(e));
            }
        }
        result.map(|()| Saved {
            config: config.clone(),
            backup: had_config.then_some(backup),
            credentials: wrote_creds.then(|| creds_path.clone()),
        })
    }
}
