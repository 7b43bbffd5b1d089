//! The three wizards and their two ways in: interactive (a [`Prompter`]) and
//! non-interactive (answers only). Both end in the same builder, so the same answers
//! give the same section either way.

mod ask;
mod backend;
mod build;
mod machine;
mod monitoring;
mod question;
mod review;
mod vfs;

use std::fmt;

use crate::answers::Answers;
use crate::config::{BackendConfig, MonitoringConfig, VfsConfig};
use crate::field::FieldError;
use crate::probe::Probe;
use crate::prompt::{PromptError, Prompter};
use crate::save::SaveError;
use crate::templates::{self, TemplateError};
use crate::values::EntryName;
use question::Question;

/// Which wizard.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WizardKind {
    /// 5 steps: kind, connection, credentials, policy, review + connection test.
    Backend,
    /// 4 steps: names and paths, backing backends, cache, review.
    Vfs,
    /// 3 steps: sources, thresholds, outputs + review.
    Monitoring,
}

impl WizardKind {
    pub const ALL: [WizardKind; 3] = [WizardKind::Backend, WizardKind::Vfs, WizardKind::Monitoring];

    pub fn as_str(self) -> &'static str {
        match self {
            WizardKind::Backend => "backend",
            WizardKind::Vfs => "vfs",
            WizardKind::Monitoring => "monitoring",
        }
    }

    pub fn parse(s: &str) -> Result<WizardKind, String> {
        WizardKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| format!("{s:?} is not a wizard; expected backend, vfs or monitoring"))
    }

    /// What `ipfs-kit wizard list` prints for it.
    pub fn description(self) -> &'static str {
        match self {
            WizardKind::Backend => {
                "add or change a storage backend: Kubo, Cluster, S3, filesystem or pinning service"
            }
            WizardKind::Vfs => {
                "add or change a VFS mount: MFS path or mount point, backing backends, cache"
            }
            WizardKind::Monitoring => "set poll intervals, alert thresholds and outputs",
        }
    }
}

impl fmt::Display for WizardKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The section a wizard produced. A backend's typed-in secret is still inside; the save
/// moves it to credentials.toml.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Section {
    Backend {
        name: EntryName,
        config: BackendConfig,
    },
    Vfs {
        name: EntryName,
        config: VfsConfig,
    },
    Monitoring(MonitoringConfig),
}

/// How an interactive run ended.
// Returned once per run; boxing the section would only add noise.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The operator chose Apply: save this (see [`crate::save::plan`]).
    Apply(Section),
    /// Cancel or Ctrl-C: nothing is to be written (the binary exits 130, as for Ctrl-C).
    Cancelled,
}

#[derive(Debug, thiserror::Error)]
pub enum WizardError {
    #[error(transparent)]
    Prompt(#[from] PromptError),
    #[error("the existing config.toml cannot be read: {0}")]
    ExistingConfig(String),
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error(transparent)]
    Save(#[from] SaveError),
}

/// What the wizard needs from the binary besides a prompter.
#[derive(Clone, Copy, Default)]
pub struct Context<'a> {
    /// The current config.toml text ("" when there is none): the review diffs against it
    /// and the VFS wizard offers its backends.
    pub existing_config: &'a str,
    /// Runs the backend review's connection test; none skips it.
    pub probe: Option<&'a dyn Probe>,
}

/// One wizard's steps, questions and builder.
pub(crate) trait Def {
    fn steps(&self) -> &'static [&'static str];
    fn review_title(&self) -> &'static str;
    /// Backend and VFS review in a step of its own; monitoring reviews at the end of step 3.
    fn review_is_own_step(&self) -> bool;
    fn questions(&self, step: usize, a: &Answers) -> Vec<Question>;
    /// Every key an answers file may set.
    fn known_keys(&self) -> &'static [&'static str];
    /// Every missing or invalid field, or the section.
    fn build(&self, a: &Answers) -> Result<Section, Vec<FieldError>>;
}

fn def_for(kind: WizardKind, existing_config: &str) -> Result<Box<dyn Def>, String> {
    let table: toml::Table = toml::from_str(existing_config).map_err(|e| e.to_string())?;
    Ok(match kind {
        WizardKind::Backend => Box::new(backend::BackendDef),
        WizardKind::Vfs => {
            let known = table
                .get("backends")
                .and_then(toml::Value::as_table)
                .map(|t| t.keys().cloned().collect())
                .unwrap_or_default();
            Box::new(vfs::VfsDef {
                known_backends: known,
            })
        }
        WizardKind::Monitoring => Box::new(monitoring::MonitoringDef),
    })
}

/// Keys that are alternatives to each other: setting one in a higher layer drops the
/// others from lower layers (`--set auth.secret=...` replaces a template's `secret_env`).
fn alternatives(kind: WizardKind) -> &'static [&'static [&'static str]] {
    match kind {
        WizardKind::Backend => &[
            &["auth.secret", "auth.secret_env", "auth.credential"],
            &["auth.user", "auth.user_env"],
            &["auth.access_key_id", "auth.access_key_id_env"],
        ],
        WizardKind::Vfs => &[&["mfs_path", "mount_point"]],
        WizardKind::Monitoring => &[],
    }
}

/// Layers a template's answers, an answers file and `--set` flags (in that precedence),
/// refusing a template made for another wizard.
pub fn layer_answers(
    kind: WizardKind,
    template: Option<&str>,
    file: Option<Answers>,
    sets: Answers,
) -> Result<Answers, WizardError> {
    let mut layers = Vec::new();
    if let Some(name) = template {
        let t = templates::load(name)?;
        if t.kind != kind {
            return Err(TemplateError::WrongWizard {
                name: name.to_string(),
                template: t.kind,
                wanted: kind,
            }
            .into());
        }
        layers.push(t.answers);
    }
    layers.extend(file);
    layers.push(sets);
    let mut out = Answers::new();
    for layer in layers {
        for group in alternatives(kind) {
            if group.iter().any(|k| layer.contains(k)) {
                for k in group.iter() {
                    out.remove(k);
                }
            }
        }
        out.overlay(&layer);
    }
    Ok(out)
}

/// Runs a wizard with a person (or a script): `prefill` answers are offered as defaults
/// at every question. Nothing is written: save the returned section with [`crate::save`].
pub fn run_interactive(
    kind: WizardKind,
    prompter: &mut dyn Prompter,
    ctx: &Context<'_>,
    prefill: Answers,
) -> Result<Outcome, WizardError> {
    let def = def_for(kind, ctx.existing_config).map_err(WizardError::ExistingConfig)?;
    machine::run(def.as_ref(), prompter, ctx, prefill)
}

/// Builds the section from answers alone, never prompting: every unknown, missing or
/// invalid field is returned at once (path + message) for the binary to print.
pub fn run_non_interactive(
    kind: WizardKind,
    answers: &Answers,
    existing_config: &str,
) -> Result<Section, Vec<FieldError>> {
    let def =
        def_for(kind, existing_config).map_err(|e| vec![FieldError::new("config.toml", e)])?;
    let known = def.known_keys();
    let mut errs: Vec<FieldError> = answers
        .keys()
        .filter(|k| !known.contains(k))
        .map(|k| {
            FieldError::new(
                k,
                format!(
                    "unknown key for the {kind} wizard; expected one of {}",
                    known.join(", ")
                ),
            )
        })
        .collect();
    match def.build(answers) {
        Ok(section) if errs.is_empty() => Ok(section),
        Ok(_) => Err(errs),
        Err(more) => {
            errs.extend(more);
            Err(errs)
        }
    }
}
