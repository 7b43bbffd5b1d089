//! The prompter for people: inquire on the terminal.

use std::io::IsTerminal;

use inquire::error::InquireError;
use inquire::validator::Validation;
use inquire::{Confirm, MultiSelect, Password, PasswordDisplayMode, Select, Text};

use super::{Answer, Check, PromptError, PromptResult, Prompter};

/// Asks on the terminal. Build it with [`InquirePrompter::new`], which refuses when stdin
/// or stdout is not a terminal.
#[derive(Debug)]
pub struct InquirePrompter {
    _private: (),
}

impl InquirePrompter {
    /// Checked up front because crossterm falls back to /dev/tty when stdin is a pipe:
    /// `echo x | ipfs-kit wizard` would still prompt on a developer's terminal, while CI
    /// would fail half-way with ENOTTY.
    pub fn new() -> Result<Self, PromptError> {
        if !std::io::stdin().is_terminal() {
            return Err(PromptError::NotTty("stdin"));
        }
        if !std::io::stdout().is_terminal() {
            return Err(PromptError::NotTty("stdout"));
        }
        Ok(InquirePrompter { _private: () })
    }
}

fn answer<T>(r: Result<T, InquireError>) -> PromptResult<T> {
    match r {
        Ok(v) => Ok(Answer::Value(v)),
        // inquire calls Esc "canceled": for a step machine that is Back.
        Err(InquireError::OperationCanceled) => Ok(Answer::Back),
        Err(InquireError::OperationInterrupted) => Ok(Answer::Cancel),
        Err(InquireError::NotTTY) => Err(PromptError::NotTty("the terminal")),
        Err(other) => Err(PromptError::Terminal(other.to_string())),
    }
}

fn validator(
    check: Check<'_>,
) -> impl Fn(&str) -> Result<Validation, inquire::CustomUserError> + Clone + '_ {
    move |s: &str| {
        Ok(match check(s) {
            Ok(()) => Validation::Valid,
            Err(msg) => Validation::Invalid(msg.into()),
        })
    }
}

impl Prompter for InquirePrompter {
    fn text(
        &mut self,
        message: &str,
        help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String> {
        let mut p = Text::new(message).with_validator(validator(check));
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        answer(p.prompt())
    }

    fn text_with_default(
        &mut self,
        message: &str,
        help: Option<&str>,
        default: &str,
        check: Check<'_>,
    ) -> PromptResult<String> {
        // An initial value rather than inquire's default, so it can be edited or cleared.
        let mut p = Text::new(message)
            .with_initial_value(default)
            .with_validator(validator(check));
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        answer(p.prompt())
    }

    fn password(
        &mut self,
        message: &str,
        help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String> {
        // inquire's Password takes only 'static validators, so check here and ask again.
        loop {
            let mut p = Password::new(message)
                .without_confirmation()
                .with_display_mode(PasswordDisplayMode::Masked)
                .with_display_toggle_enabled();
            if let Some(h) = help {
                p = p.with_help_message(h);
            }
            match answer(p.prompt())? {
                Answer::Value(v) => match check(&v) {
                    Ok(()) => return Ok(Answer::Value(v)),
                    // A validator's message: it quotes the input with {:?}, which escapes
                    // controls.
                    #[allow(clippy::disallowed_macros)]
                    Err(msg) => eprintln!("# {msg}"),
                },
                other => return Ok(other),
            }
        }
    }

    fn select(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        start: usize,
    ) -> PromptResult<usize> {
        let mut p = Select::new(message, options.to_vec()).with_starting_cursor(start);
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        answer(p.raw_prompt().map(|o| o.index))
    }

    fn multiselect(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        selected: &[usize],
    ) -> PromptResult<Vec<usize>> {
        let mut p = MultiSelect::new(message, options.to_vec()).with_default(selected);
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        answer(
            p.raw_prompt()
                .map(|os| os.into_iter().map(|o| o.index).collect()),
        )
    }

    fn confirm(&mut self, message: &str, help: Option<&str>, default: bool) -> PromptResult<bool> {
        let mut p = Confirm::new(message).with_default(default);
        if let Some(h) = help {
            p = p.with_help_message(h);
        }
        answer(p.prompt())
    }

    fn show(&mut self, text: &str) -> Result<(), PromptError> {
        // inquire draws on stderr; keep our text beside it and stdout free for the binary.
        // Text from outside (probe results, config values) is sanitised by the caller's
        // prompter wrapper (the binary's SafePrompter), as is everything inquire draws.
        #[allow(clippy::disallowed_macros)]
        {
            eprintln!("{text}");
        }
        Ok(())
    }
}
