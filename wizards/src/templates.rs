//! Built-in templates: answers that pre-fill a wizard. They are embedded at build time,
//! so the binary needs no path to find them.
//!
//! A template file is an answers file with a `[template]` table naming its wizard and
//! describing it; everything else is answers, in the same shape as `--answers` files.

use crate::answers::Answers;
use crate::wizard::WizardKind;

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../assets/templates/", $name, ".toml")))),*]
    };
}

const FILES: &[(&str, &str)] = embed!(
    "kubo_local",
    "kubo_remote",
    "cluster_single_peer",
    "s3_production",
    "s3_minio_local",
    "local_filesystem",
    "pinning_service",
    "vfs_default",
    "vfs_large_cache",
    "monitoring_default",
    "monitoring_strict",
);

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("there is no template {name:?}; expected one of {available}")]
    Unknown { name: String, available: String },
    #[error("template {name}: {message}")]
    Invalid { name: String, message: String },
    #[error("template {name} is for the {template} wizard, not the {wanted} wizard")]
    WrongWizard {
        name: String,
        template: WizardKind,
        wanted: WizardKind,
    },
}

/// A template as `ipfs-kit wizard list` shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateInfo {
    pub name: &'static str,
    pub kind: WizardKind,
    pub description: String,
}

/// A loaded template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pub name: &'static str,
    pub kind: WizardKind,
    pub description: String,
    pub answers: Answers,
}

/// Every built-in template, in a stable order.
pub fn list() -> Result<Vec<TemplateInfo>, TemplateError> {
    FILES
        .iter()
        .map(|(name, _)| {
            load(name).map(|t| TemplateInfo {
                name: t.name,
                kind: t.kind,
                description: t.description,
            })
        })
        .collect()
}

/// The template called `name`.
pub fn load(name: &str) -> Result<Template, TemplateError> {
    let (name, text) =
        FILES
            .iter()
            .find(|(n, _)| *n == name)
            .ok_or_else(|| TemplateError::Unknown {
                name: name.to_string(),
                available: FILES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
            })?;
    let invalid = |message: String| TemplateError::Invalid {
        name: name.to_string(),
        message,
    };
    let mut table: toml::Table = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let meta = match table.remove("template") {
        Some(toml::Value::Table(t)) => t,
        _ => {
            return Err(invalid(
                "no [template] table with wizard and description".into(),
            ));
        }
    };
    let field = |key: &str| {
        meta.get(key)
            .and_then(toml::Value::as_str)
            .ok_or_else(|| invalid(format!("[template] has no {key} string")))
    };
    let kind = WizardKind::parse(field("wizard")?).map_err(invalid)?;
    let description = field("description")?.to_string();
    let answers = Answers::from_table(&table).map_err(|e| invalid(e.to_string()))?;
    Ok(Template {
        name,
        kind,
        description,
        answers,
    })
}
