//! `ipfs-kit audit-analytics verify`: walks the history's chain newest to oldest — each
//! file's CID against the one its successor recorded, each CID against Kubo's pins — and
//! names the first file that was changed or lost. A file dropped by keep_files is read back
//! from Kubo by CID to follow the chain past local retention. Exit 0 intact, 65 broken.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use ipfs_kit_audit::chain::{ChainReport, KuboState, LinkState, Walk};

use crate::archive::{Kubo, Manifest, PinCheck};
use crate::config::Config;
use crate::ophistory::jsonl::file_path;
use crate::term;

const STEM: &str = "history";
/// Exit status for a broken chain (sysexits EX_DATAERR).
pub const EXIT_BROKEN: u8 = 65;
/// More links than any real trail has: a guard, not a limit anyone meets.
const MAX_STEPS: usize = 100_000;

#[derive(clap::Args, Debug, Clone, Default)]
pub struct VerifyArgs {
    /// One JSON document instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Check the local files only; do not ask Kubo (CIDs are "not checked").
    #[arg(long)]
    pub offline: bool,
    /// First upload the rotated files still waiting for the archiver (on a host where no
    /// dashboard or `supervise` runs it).
    #[arg(long)]
    pub upload: bool,
    /// Print the JSON Schema of the --json document (assets/audit-verify.schema.json).
    #[arg(long)]
    pub schema: bool,
}

/// The --json document.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct VerifyDocument {
    /// No file changed or lost, and no archived CID unpinned.
    intact: bool,
    state_dir: String,
    /// The Kubo API asked; absent with --offline.
    kubo: Option<String>,
    /// The first file changed or lost (also `steps[first_break_index]`).
    first_break: Option<ipfs_kit_audit::chain::Step>,
    #[serde(flatten)]
    report: ChainReport,
}

/// The JSON Schema of the --json document.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(VerifyDocument);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

pub async fn run(cfg: &Config, args: &VerifyArgs) -> anyhow::Result<u8> {
    if args.schema {
        std::io::stdout().write_all(schema_json().as_bytes())?;
        return Ok(0);
    }
    let mut cfg = cfg.clone();
    let cfg = &mut cfg;
    if !args.offline {
        crate::locate::locate(cfg).await;
    }
    if args.upload && !args.offline {
        let ops = super::open_history(cfg);
        let s = crate::archive::upload_pending(cfg, ops.as_ref()).await;
        if let Some(e) = &s.error {
            crate::say!(
                "ipfs-kit: verify: upload stopped: {e} ({} still waiting)",
                s.waiting
            );
        }
    }
    let dir = cfg.state_dir.clone();
    let current_path = file_path(&dir, STEM, 0);
    let current = match std::fs::read(&current_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            crate::say!(
                "ipfs-kit: verify: no history at {} yet; nothing to verify",
                current_path.display()
            );
            return Ok(0);
        }
        Err(e) => anyhow::bail!("cannot read {}: {e}", current_path.display()),
    };
    let kubo = if args.offline {
        None
    } else {
        Some(Kubo::new(cfg)?)
    };
    let manifest = Manifest::load(&dir).unwrap_or_else(|e| {
        crate::say!("ipfs-kit: verify: {e}");
        Manifest::default()
    });
    let pending = pending_copies(&crate::archive::pending_dir(&dir));
    let report = walk(&dir, &current, kubo.as_ref(), &manifest, &pending).await;
    let intact = report.intact();
    let out = VerifyDocument {
        intact,
        state_dir: dir.display().to_string(),
        kubo: (!args.offline).then(|| cfg.kubo.api.endpoint.url().to_string()),
        first_break: report
            .first_break
            .and_then(|i| report.steps.get(i))
            .cloned(),
        report,
    };
    let mut stdout = std::io::stdout().lock();
    if args.json {
        term::json::write_pretty(&mut stdout, &out)?;
        writeln!(stdout)?;
    } else {
        print_table(&mut stdout, &out)?;
    }
    Ok(if intact { 0 } else { EXIT_BROKEN })
}

async fn walk(
    dir: &Path,
    current: &[u8],
    kubo: Option<&Kubo>,
    manifest: &Manifest,
    pending: &BTreeMap<String, PathBuf>,
) -> ChainReport {
    let mut w = Walk::start(&file_path(dir, STEM, 0).display().to_string(), current);
    let mut pos = 1;
    // Once Kubo fails to answer, the rest is "not checked" without a timeout each.
    let mut kubo_down: Option<String> = None;
    while let Some(h) = w.wanted().cloned() {
        if pos > MAX_STEPS {
            break;
        }
        let cid = h.prev_cid.as_str();
        let path = file_path(dir, STEM, pos);
        let local = std::fs::read(&path).ok();
        let state = match (kubo, &kubo_down) {
            (None, _) => KuboState::NotChecked("offline".into()),
            (Some(_), Some(e)) => KuboState::NotChecked(e.clone()),
            (Some(k), None) => match k.pin_check(cid).await {
                PinCheck::Pinned => KuboState::Pinned,
                PinCheck::NotPinned if manifest.archived.contains_key(cid) => KuboState::Unpinned,
                PinCheck::NotPinned => KuboState::Pending,
                PinCheck::Unreachable(e) => {
                    kubo_down = Some(e.clone());
                    KuboState::NotChecked(e)
                }
            },
        };
        let need_copy = local.as_deref().is_none_or(|b| !w.matches(b));
        let mut copy = None;
        let mut copy_from = None;
        if need_copy {
            // The pending link made at rotation, else Kubo (quick unless it pins the CID).
            copy = pending.get(cid).and_then(|p| {
                copy_from = Some(p.display().to_string());
                std::fs::read(p).ok()
            });
            if copy.as_deref().is_none_or(|b| !w.matches(b))
                && let Some(k) = kubo
                && !matches!(state, KuboState::NotChecked(_))
            {
                copy_from = Some("kubo".to_string());
                copy = if state == KuboState::Pinned {
                    k.cat(cid).await.ok()
                } else {
                    k.cat_quick(cid).await.ok()
                };
            }
        }
        let copy_ok = copy.as_deref().is_some_and(|b| w.matches(b));
        let label = path.display().to_string();
        w.offer(
            local.as_deref().map(|b| (label.as_str(), b)),
            copy.as_deref(),
            state,
        );
        if copy_ok && let Some(from) = &copy_from {
            w.copy_from_last(from);
        }
        pos += 1;
    }
    w.finish()
}

/// `pending/<cid>.jsonl` by CID.
fn pending_copies(dir: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            Some((name.strip_suffix(".jsonl")?.to_string(), e.path()))
        })
        .collect()
}

fn state_text(s: &ipfs_kit_audit::chain::Step) -> &'static str {
    if s.position == 0 && s.state == LinkState::Intact {
        return "current";
    }
    match &s.state {
        LinkState::Intact => "intact",
        LinkState::Archived if s.copy_from.as_deref() == Some("kubo") => "archived",
        // The copy kept for upload, under history-archive/pending/.
        LinkState::Archived => "local copy",
        LinkState::Changed => "CHANGED",
        LinkState::Lost => "LOST",
        LinkState::BadHeader => "BAD HEADER",
        LinkState::NotFollowed => "unchecked",
    }
}

fn kubo_text(k: &Option<KuboState>) -> String {
    match k {
        None => "-".into(),
        Some(KuboState::Pinned) => "pinned".into(),
        Some(KuboState::Pending) => "upload pending".into(),
        Some(KuboState::Unpinned) => "UNPINNED".into(),
        Some(KuboState::NotChecked(_)) => "not checked".into(),
    }
}

fn print_table(out: &mut dyn Write, o: &VerifyDocument) -> std::io::Result<()> {
    term::line(
        out,
        format_args!(
            "{:>3}  {:<10} {:<14} {:>7}  {:<60}  FILE",
            "#", "STATE", "KUBO", "LINES", "RECORDED CID"
        ),
    )?;
    for s in &o.report.steps {
        term::line(
            out,
            format_args!(
                "{:>3}  {:<10} {:<14} {:>7}  {:<60}  {}",
                s.position,
                state_text(s),
                kubo_text(&s.kubo),
                s.lines.map_or("-".into(), |n| n.to_string()),
                s.recorded_cid.as_deref().unwrap_or("-"),
                s.file.as_deref().unwrap_or("(not kept locally)"),
            ),
        )?;
    }
    let r = &o.report;
    let files = r.steps.len();
    if let Some(s) = &o.first_break {
        term::line(
            out,
            format_args!(
                "chain BROKEN at {} (#{}): {}{}{}{}",
                s.file.as_deref().unwrap_or("a file not kept locally"),
                s.position,
                state_text(s).to_lowercase(),
                s.actual_cid
                    .as_deref()
                    .map_or(String::new(), |a| format!("; its CID is {a}")),
                s.first_diff_line.map_or(String::new(), |l| format!(
                    "; line {l} differs from the archived copy"
                )),
                s.note
                    .as_deref()
                    .map_or(String::new(), |n| format!("; {n}")),
            ),
        )?;
    } else if let Some(s) = r.steps.iter().find(|s| s.kubo == Some(KuboState::Unpinned)) {
        term::line(
            out,
            format_args!(
                "chain intact locally, but {} was archived and Kubo no longer pins it \
                 (pin it again: ipfs-kit pin add {})",
                s.recorded_cid.as_deref().unwrap_or("-"),
                s.recorded_cid.as_deref().unwrap_or("-"),
            ),
        )?;
    } else {
        let start = if r.reached_start {
            "back to the start of the trail"
        } else {
            "as far as it could be followed"
        };
        let why = r.steps.iter().find_map(|s| match &s.kubo {
            Some(KuboState::NotChecked(why)) => Some(why.as_str()),
            _ => None,
        });
        let unchecked = if r.not_checked > 0 {
            format!(
                "; {} CID{} not checked against Kubo ({})",
                r.not_checked,
                if r.not_checked == 1 { "" } else { "s" },
                why.unwrap_or("-")
            )
        } else {
            String::new()
        };
        term::line(
            out,
            format_args!(
                "chain intact: {files} file{}, {start}{unchecked}",
                if files == 1 { "" } else { "s" }
            ),
        )?;
    }
    Ok(())
}
