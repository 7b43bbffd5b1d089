//! `dashboard list-wizards` and `dashboard wizard --wizard-id ID --template T`: the setup
//! wizards run non-interactively from a template, through the same code as `ipfs-kit wizard`
//! (`cmd/wizard.rs`): a dry run printing the diff unless `--apply`.

use serde::Serialize;

use super::{out, print_json};
use crate::cmd::UsageError;
use crate::cmd::wizard::{WizardInput, config_path, run_for_config_to};
use crate::config::Config;
use crate::ophistory::OpHistory;
use ipfs_kit_wizards::{Answers, WizardKind, templates};

const KINDS: [WizardKind; 3] = [WizardKind::Backend, WizardKind::Vfs, WizardKind::Monitoring];

/// A wizard by its id, or the original design's name for it.
fn kind(id: &str) -> Result<WizardKind, UsageError> {
    KINDS
        .into_iter()
        .find(|k| k.as_str() == id || original_id(*k) == id)
        .ok_or_else(|| {
            let ids: Vec<&str> = KINDS.iter().map(|k| k.as_str()).collect();
            UsageError::new(
                "--wizard-id",
                id,
                format!("no such wizard; expected one of {}", ids.join(", ")),
            )
        })
}

fn original_id(k: WizardKind) -> &'static str {
    match k {
        WizardKind::Backend => "backend_setup",
        WizardKind::Vfs => "vfs_config",
        WizardKind::Monitoring => "monitoring_setup",
    }
}

#[derive(Serialize)]
struct TemplateLine {
    name: &'static str,
    description: String,
}

#[derive(Serialize)]
struct WizardLine {
    id: &'static str,
    original_id: &'static str,
    description: &'static str,
    templates: Vec<TemplateLine>,
}

pub fn list(json: bool, mut w: &mut (dyn std::io::Write + Send)) -> anyhow::Result<u8> {
    let all = templates::list()?;
    let wizards: Vec<WizardLine> = KINDS
        .into_iter()
        .map(|k| WizardLine {
            id: k.as_str(),
            original_id: original_id(k),
            description: k.description(),
            templates: all
                .iter()
                .filter(|t| t.kind == k)
                .map(|t| TemplateLine {
                    name: t.name,
                    description: t.description.clone(),
                })
                .collect(),
        })
        .collect();
    if json {
        return print_json(
            w,
            &serde_json::json!({"schema_version": 1, "wizards": wizards}),
        );
    }
    for k in &wizards {
        out!(&mut w, "{:<11} {}", k.id, k.description);
        for t in &k.templates {
            out!(&mut w, "  --template {:<20} {}", t.name, t.description);
        }
    }
    Ok(0)
}

pub fn run(
    cfg: &Config,
    wizard_id: &str,
    template: &str,
    sets: &[String],
    apply: bool,
    ops: Option<&OpHistory>,
    diff: &mut (dyn std::io::Write + Send),
) -> anyhow::Result<u8> {
    let kind = kind(wizard_id)?;
    let all = templates::list()?;
    if !all.iter().any(|t| t.kind == kind && t.name == template) {
        let names: Vec<&str> = all
            .iter()
            .filter(|t| t.kind == kind)
            .map(|t| t.name)
            .collect();
        return Err(UsageError::new(
            "--template",
            template,
            format!(
                "not a template of the {} wizard; expected one of {}",
                kind.as_str(),
                names.join(", ")
            ),
        )
        .into());
    }
    for s in sets {
        if let Err(e) = Answers::from_sets([s.as_str()]) {
            return Err(UsageError::new("--set", s, e.to_string()).into());
        }
    }
    let input = WizardInput {
        template: Some(template.to_string()),
        answers: None,
        sets: sets.to_vec(),
        non_interactive: true,
        dry_run: !apply,
    };
    let code = run_for_config_to(cfg, kind, &input, ops, diff)?;
    if !apply && code == 0 {
        crate::say!(
            "ipfs-kit: add --apply to write it to {}",
            config_path(cfg)?.display()
        );
    }
    Ok(code)
}
