//! `ipfs-kit wizard list|backend|vfs|monitoring`: run a setup wizard (interactive on a
//! terminal, from a template/answers file/--set otherwise) and merge its section into
//! config.toml atomically, secrets into a 0600 credentials file.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use ipfs_kit_wizards::templates::TemplateError;
use ipfs_kit_wizards::{
    Answers, Context, InquirePrompter, Outcome, Probe, WizardError, WizardKind, layer_answers,
    run_interactive, run_non_interactive, save, templates,
};

use super::UsageError;
use super::safe_prompter::SafePrompter;
use crate::cli::WizardAction;
use crate::ophistory::{EventType, NewOp, OpHistory, OpStatus};

/// Answers given on the command line.
#[derive(Debug, Default)]
pub struct WizardInput {
    pub template: Option<String>,
    pub answers: Option<PathBuf>,
    pub sets: Vec<String>,
    pub non_interactive: bool,
    pub dry_run: bool,
}

/// Exit code when answers are missing or invalid (sysexits EX_DATAERR).
pub const EX_DATAERR: u8 = 65;
/// Exit code when the operator cancels (Ctrl-C, or Cancel at the review): 128 + SIGINT, as
/// a shell reports a command interrupted with Ctrl-C. Nothing was written.
pub const EX_CANCELLED: u8 = 130;

/// `ipfs-kit wizard …`.
pub fn run_action(cfg: &crate::config::Config, action: &WizardAction) -> anyhow::Result<u8> {
    use ipfs_kit_wizards::WizardKind;
    let (kind, args) = match action {
        WizardAction::List => return list(),
        WizardAction::Backend(a) => (WizardKind::Backend, a),
        WizardAction::Vfs(a) => (WizardKind::Vfs, a),
        WizardAction::Monitoring(a) => (WizardKind::Monitoring, a),
    };
    let input = WizardInput {
        template: args.template.clone(),
        answers: args.answers.clone(),
        sets: args.sets.clone(),
        non_interactive: args.non_interactive,
        dry_run: args.dry_run,
    };
    let ops = super::open_history(cfg);
    run_for_config(cfg, kind, &input, ops.as_ref())
}

pub fn list() -> anyhow::Result<u8> {
    let all = templates::list().context("built-in templates")?;
    for kind in [WizardKind::Backend, WizardKind::Vfs, WizardKind::Monitoring] {
        crate::show!("{:<11} {}", kind.as_str(), kind.description());
        for t in all.iter().filter(|t| t.kind == kind) {
            crate::show!("  --template {:<20} {}", t.name, t.description);
        }
    }
    Ok(0)
}

/// Runs a wizard on the config file `cfg` was loaded from (or the default location), with
/// the live connection test.
pub fn run_for_config(
    cfg: &crate::config::Config,
    kind: WizardKind,
    input: &WizardInput,
    ops: Option<&OpHistory>,
) -> anyhow::Result<u8> {
    run_for_config_to(cfg, kind, input, ops, &mut std::io::stdout())
}

/// `run_for_config` with the diff written to `diff` (the MCP tool returns it).
pub fn run_for_config_to(
    cfg: &crate::config::Config,
    kind: WizardKind,
    input: &WizardInput,
    ops: Option<&OpHistory>,
    diff: &mut dyn std::io::Write,
) -> anyhow::Result<u8> {
    let path = config_path(cfg)?;
    // The review's connection test resolves secrets the way the collector will.
    let probe = match crate::probes::LiveProbe::load(&path.with_file_name("credentials.toml")) {
        Ok(p) => p,
        Err(e) => {
            // Still run the wizard; the connection test will say which secret it lacks.
            crate::say!("ipfs-kit: {e}");
            crate::probes::LiveProbe::default()
        }
    };
    run_to(&path, kind, input, Some(&probe), ops, diff)
}

/// The config file wizards write: the one in use, else the default location.
pub fn config_path(cfg: &crate::config::Config) -> anyhow::Result<PathBuf> {
    cfg.file
        .clone()
        .or_else(|| crate::config::default_config_path(&crate::config::ProcessEnv))
        .context("no config location: set HOME or XDG_CONFIG_HOME, or pass --config FILE")
}

pub fn run(
    config_path: &Path,
    kind: WizardKind,
    input: &WizardInput,
    probe: Option<&dyn Probe>,
    ops: Option<&OpHistory>,
) -> anyhow::Result<u8> {
    run_to(config_path, kind, input, probe, ops, &mut std::io::stdout())
}

/// `run` with the diff written to `diff`.
pub fn run_to(
    config_path: &Path,
    kind: WizardKind,
    input: &WizardInput,
    probe: Option<&dyn Probe>,
    ops: Option<&OpHistory>,
    diff: &mut dyn std::io::Write,
) -> anyhow::Result<u8> {
    let started = std::time::Instant::now();
    // The error names the file already.
    let existing =
        save::read_existing(config_path).context("cannot read the config file to merge into")?;
    let file_answers = match &input.answers {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| {
                UsageError::new(
                    "--answers",
                    p.display().to_string(),
                    format!("cannot read it: {e}"),
                )
            })?;
            match Answers::from_toml(&text) {
                Ok(a) => Some(a),
                Err(e) => {
                    crate::say_block!("ipfs-kit: answers file {}: {e}", p.display());
                    record(
                        ops,
                        kind,
                        input,
                        OpStatus::Failed,
                        "invalid answers",
                        started,
                    );
                    return Ok(EX_DATAERR);
                }
            }
        }
        None => None,
    };
    // Each --set was checked by clap (cli.rs); this cannot fail for them.
    let sets = Answers::from_sets(&input.sets).context("--set")?;
    let answers = layer_answers(kind, input.template.as_deref(), file_answers, sets).map_err(
        |e| match (&e, input.template.as_deref()) {
            (WizardError::Template(TemplateError::WrongWizard { template, .. }), Some(name)) => {
                anyhow::Error::new(UsageError::new(
                    "--template",
                    name,
                    format!(
                        "that template is for the {template} wizard; see `ipfs-kit wizard list` for the {} templates",
                        kind.as_str()
                    ),
                ))
            }
            _ => anyhow::Error::new(e),
        },
    )?;

    let interactive =
        !input.non_interactive && std::io::stdin().is_terminal() && std::io::stdout().is_terminal();
    let section = if interactive {
        let mut prompter = SafePrompter(InquirePrompter::new()?);
        let ctx = Context {
            existing_config: &existing,
            probe,
        };
        match run_interactive(kind, &mut prompter, &ctx, answers)? {
            Outcome::Apply(section) => section,
            Outcome::Cancelled => {
                crate::say!("ipfs-kit: wizard cancelled; nothing was written");
                record(ops, kind, input, OpStatus::Failed, "cancelled", started);
                return Ok(EX_CANCELLED);
            }
        }
    } else {
        match run_non_interactive(kind, &answers, &existing) {
            Ok(section) => section,
            Err(errors) => {
                let why = if input.non_interactive {
                    "--non-interactive"
                } else {
                    "no terminal"
                };
                crate::say!(
                    "ipfs-kit: wizard {}: {} problem(s) in the answers ({why}; give them with --template, --answers FILE.toml or --set key=value):",
                    kind.as_str(),
                    errors.len()
                );
                for e in &errors {
                    crate::say!("  {}: {}", e.path, e.message);
                }
                record(
                    ops,
                    kind,
                    input,
                    OpStatus::Failed,
                    "invalid answers",
                    started,
                );
                return Ok(EX_DATAERR);
            }
        }
    };

    let plan = save::plan(&existing, &section)?;
    let _ = crate::term::block(diff, format_args!("{}", plan.diff()));
    if input.dry_run {
        crate::say!(
            "ipfs-kit: dry run; {} was not changed",
            config_path.display()
        );
        record(ops, kind, input, OpStatus::Ok, "dry run", started);
        return Ok(0);
    }
    if let Some(dir) = config_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let saved = plan.apply(&save::ConfigPaths::beside(config_path))?;
    crate::say!("ipfs-kit: saved {}", saved.config.display());
    if let Some(b) = &saved.backup {
        crate::say!("ipfs-kit: the previous file is kept as {}", b.display());
    }
    if let Some(c) = &saved.credentials {
        crate::say!("ipfs-kit: secrets are in {} (mode 0600)", c.display());
    }
    record(ops, kind, input, OpStatus::Ok, "saved", started);
    if let Some(ops) = ops {
        let op = NewOp::new(EventType::Admin, "config.save")
            .resource("config", saved.config.display().to_string());
        let _ = ops.record(op, OpStatus::Ok);
    }
    Ok(0)
}

fn record(
    ops: Option<&OpHistory>,
    kind: WizardKind,
    input: &WizardInput,
    status: OpStatus,
    outcome: &str,
    started: std::time::Instant,
) {
    let Some(ops) = ops else { return };
    let mut op = NewOp::new(EventType::Admin, "wizard.run")
        .resource("wizard", kind.as_str())
        .detail("outcome", outcome)
        .detail("dry_run", input.dry_run)
        .detail("non_interactive", input.non_interactive);
    if let Some(t) = &input.template {
        op = op.detail("template", t.clone());
    }
    let _ = ops.record_timed(op, status, started.elapsed());
}
