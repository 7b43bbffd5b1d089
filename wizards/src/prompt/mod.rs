//! The seam between the wizards and whoever answers them: a person through inquire, or a
//! script in tests and `--answers` runs.

mod inquire_prompter;
mod scripted;

pub use inquire_prompter::InquirePrompter;
pub use scripted::{PromptKind, Scripted, ScriptedPrompter, Shown};

/// What a prompt came back with. Esc is [`Answer::Back`], Ctrl-C is [`Answer::Cancel`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer<T> {
    Value(T),
    Back,
    Cancel,
}

/// A validator as prompts take it: the same functions as [`crate::validate`], minus the
/// typed result.
pub type Check<'a> = &'a dyn Fn(&str) -> Result<(), String>;

/// Why no answer could be had at all (as opposed to Back or Cancel).
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    #[error(
        "{0} is not a terminal, so the wizard cannot ask questions; use --non-interactive with --template, --answers or --set"
    )]
    NotTty(&'static str),
    #[error("terminal error: {0}")]
    Terminal(String),
    #[error("the script has no answer left for {prompt:?}")]
    ScriptExhausted { prompt: String },
    #[error("the scripted answer {got} does not fit {prompt:?}: {expected}")]
    ScriptMismatch {
        prompt: String,
        expected: String,
        got: String,
    },
}

pub type PromptResult<T> = Result<Answer<T>, PromptError>;

/// Everything a wizard may ask. `help` is a one-line hint under the prompt.
pub trait Prompter {
    /// Free text, re-asked until `check` accepts it.
    fn text(&mut self, message: &str, help: Option<&str>, check: Check<'_>)
    -> PromptResult<String>;
    /// Free text pre-filled with `default` (a template's or an earlier answer), editable.
    fn text_with_default(
        &mut self,
        message: &str,
        help: Option<&str>,
        default: &str,
        check: Check<'_>,
    ) -> PromptResult<String>;
    /// Masked input for a secret; the value is never echoed or recorded.
    fn password(
        &mut self,
        message: &str,
        help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String>;
    /// One of `options`, starting at index `start`; returns the chosen index.
    fn select(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        start: usize,
    ) -> PromptResult<usize>;
    /// Any of `options`, with `selected` ticked at first; returns the chosen indices.
    fn multiselect(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        selected: &[usize],
    ) -> PromptResult<Vec<usize>>;
    fn confirm(&mut self, message: &str, help: Option<&str>, default: bool) -> PromptResult<bool>;
    /// Text that is shown, not asked: step titles, the review summary, probe results.
    fn show(&mut self, text: &str) -> Result<(), PromptError>;
}
