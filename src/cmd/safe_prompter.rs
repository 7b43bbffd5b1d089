//! The wizard's prompter, with every text it puts on the terminal sanitised first: probe
//! results (a server's error message), values from the existing config.toml, review
//! summaries. The wizards crate draws through inquire; this wrapper is where the binary's
//! terminal rule (`crate::term`) reaches it.

use ipfs_kit_wizards::prompt::{Check, PromptResult};
use ipfs_kit_wizards::{PromptError, Prompter};

use crate::term::{multi_line, one_line};

pub struct SafePrompter<P>(pub P);

fn opt(s: Option<&str>) -> Option<String> {
    s.map(|s| one_line(s).into_owned())
}

fn all(options: &[String]) -> Vec<String> {
    options.iter().map(|o| one_line(o).into_owned()).collect()
}

impl<P: Prompter> Prompter for SafePrompter<P> {
    fn text(
        &mut self,
        message: &str,
        help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String> {
        self.0.text(&one_line(message), opt(help).as_deref(), check)
    }

    fn text_with_default(
        &mut self,
        message: &str,
        help: Option<&str>,
        default: &str,
        check: Check<'_>,
    ) -> PromptResult<String> {
        self.0.text_with_default(
            &one_line(message),
            opt(help).as_deref(),
            &one_line(default),
            check,
        )
    }

    fn password(
        &mut self,
        message: &str,
        help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String> {
        self.0
            .password(&one_line(message), opt(help).as_deref(), check)
    }

    fn select(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        start: usize,
    ) -> PromptResult<usize> {
        self.0.select(
            &one_line(message),
            opt(help).as_deref(),
            &all(options),
            start,
        )
    }

    fn multiselect(
        &mut self,
        message: &str,
        help: Option<&str>,
        options: &[String],
        selected: &[usize],
    ) -> PromptResult<Vec<usize>> {
        self.0.multiselect(
            &one_line(message),
            opt(help).as_deref(),
            &all(options),
            selected,
        )
    }

    fn confirm(&mut self, message: &str, help: Option<&str>, default: bool) -> PromptResult<bool> {
        self.0
            .confirm(&one_line(message), opt(help).as_deref(), default)
    }

    /// Review summaries and probe reports are several lines on purpose.
    fn show(&mut self, text: &str) -> Result<(), PromptError> {
        self.0.show(&multi_line(text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ipfs_kit_wizards::prompt::Shown;
    use ipfs_kit_wizards::{Scripted, ScriptedPrompter};

    #[test]
    fn shown_text_is_sanitised() {
        let mut p = SafePrompter(ScriptedPrompter::new(Vec::<Scripted>::new()));
        p.show("probe: \u{1b}[2J\u{1b}]0;t\u{7}HTTP 500\nnext line")
            .expect("show");
        let shown: Vec<String> =
            p.0.transcript()
                .iter()
                .filter_map(|s| match s {
                    Shown::Info(t) => Some(t.clone()),
                    _ => None,
                })
                .collect();
        assert_eq!(shown, ["probe: HTTP 500\nnext line"]);
    }
}
