//! Typed config sections, validators and the step machine behind ipfs-kit's setup wizards.
//!
//! Knows nothing of the TUI: the binary hands it a [`Prompter`] and a connection
//! [`Probe`]. The parts:
//! - [`config`]: `[backends.<name>]`, `[vfs.<name>]` and `[monitoring]` as typed serde
//!   sections (the on-disk layout is documented there);
//! - [`validate`]: `fn(&str) -> Result<T, String>` validators shared by prompts, answers
//!   files, `--set` flags and config parsing;
//! - [`wizard`]: the three wizards, run with a prompter ([`run_interactive`]) or from
//!   answers alone ([`run_non_interactive`]);
//! - [`templates`]: built-in answer sets; [`Answers`]: template < file < `--set` layering;
//! - [`save`]: plan (new text + diff, for `--dry-run`) and atomic apply, with secrets in a
//!   0600 credentials file ([`credentials`]).
//!
//! A typical interactive run in the binary:
//! ```no_run
//! use ipfs_kit_wizards::{Answers, Context, InquirePrompter, Outcome, WizardKind, run_interactive, save};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let paths = save::ConfigPaths::beside("/home/me/.config/ipfs-kit/config.toml");
//! let existing = save::read_existing(&paths.config)?;
//! let mut prompter = InquirePrompter::new()?;
//! let ctx = Context { existing_config: &existing, probe: None };
//! if let Outcome::Apply(section) = run_interactive(WizardKind::Backend, &mut prompter, &ctx, Answers::new())? {
//!     save::plan(&existing, &section)?.apply(&paths)?;
//! }
//! # Ok(()) }
//! ```

pub mod answers;
pub mod config;
pub mod credentials;
mod field;
pub mod probe;
pub mod prompt;
pub mod save;
pub mod secret;
pub mod templates;
pub mod validate;
pub mod values;
pub mod wizard;

pub use answers::{Answers, AnswersError};
pub use config::{BackendConfig, MonitoringConfig, VfsConfig, WizardSections};
pub use field::{FieldError, FieldErrors};
pub use probe::{Probe, ProbeReport};
pub use prompt::{Answer, InquirePrompter, PromptError, Prompter, Scripted, ScriptedPrompter};
pub use secret::{Secret, SecretRef};
pub use wizard::{
    Context, Outcome, Section, WizardError, WizardKind, layer_answers, run_interactive,
    run_non_interactive,
};
