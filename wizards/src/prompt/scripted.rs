//! A prompter fed from a queue of answers, for tests: it behaves like inquire (a rejected
//! text is re-asked with the next scripted answer) and records everything it was shown.

use std::collections::VecDeque;

use super::{Answer, Check, PromptError, PromptResult, Prompter};

/// One scripted reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scripted {
    /// Type this text (text prompts).
    Text(String),
    /// Type this into a masked prompt.
    Secret(String),
    /// Press Enter: take the default, the current cursor or the ticked options.
    Keep,
    /// Choose the option with this label (select prompts).
    Choose(String),
    /// Tick exactly the options with these labels (multi-select prompts).
    ChooseMany(Vec<String>),
    Confirm(bool),
    /// Esc.
    Back,
    /// Ctrl-C.
    Cancel,
}

impl Scripted {
    pub fn text(s: impl Into<String>) -> Scripted {
        Scripted::Text(s.into())
    }
    pub fn secret(s: impl Into<String>) -> Scripted {
        Scripted::Secret(s.into())
    }
    pub fn choose(s: impl Into<String>) -> Scripted {
        Scripted::Choose(s.into())
    }
    pub fn choose_many<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Scripted {
        Scripted::ChooseMany(items.into_iter().map(Into::into).collect())
    }

    /// How the reply appears in an error: secrets stay hidden.
    fn describe(&self) -> String {
        match self {
            Scripted::Secret(_) => "Secret(***)".into(),
            other => format!("{other:?}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PromptKind {
    Text,
    TextWithDefault,
    Password,
    Select,
    MultiSelect,
    Confirm,
}

/// One thing the prompter showed, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shown {
    Prompt {
        kind: PromptKind,
        message: String,
        default: Option<String>,
        options: Vec<String>,
    },
    /// A scripted answer the validator refused, with the message a person would see.
    Rejected {
        message: String,
        reason: String,
    },
    Info(String),
}

#[derive(Debug, Default)]
pub struct ScriptedPrompter {
    queue: VecDeque<Scripted>,
    transcript: Vec<Shown>,
}

impl ScriptedPrompter {
    pub fn new(script: impl IntoIterator<Item = Scripted>) -> Self {
        ScriptedPrompter {
            queue: script.into_iter().collect(),
            transcript: Vec::new(),
        }
    }

    pub fn transcript(&self) -> &[Shown] {
        &self.transcript
    }

    /// The messages of the prompts shown, in order.
    pub fn prompts(&self) -> Vec<&str> {
        self.transcript
            .iter()
            .filter_map(|s| match s {
                Shown::Prompt { message, .. } => Some(message.as_str()),
                _ => None,
            })
            .collect()
    }

    /// The validator messages scripted answers drew, in order.
    pub fn rejections(&self) -> Vec<&str> {
        self.transcript
            .iter()
            .filter_map(|s| match s {
                Shown::Rejected { reason, .. } => Some(reason.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Text shown with [`Prompter::show`], in order.
    pub fn shown(&self) -> Vec<&str> {
        self.transcript
            .iter()
            .filter_map(|s| match s {
                Shown::Info(t) => Some(t.as_str()),
                _ => None,
            })
            .collect()
    }

    /// Everything shown, as one text (for "this never appears anywhere" checks).
    pub fn all_text(&self) -> String {
        format!("{:?}", self.transcript)
    }

    /// Replies not used yet; a finished test expects none.
    pub fn remaining(&self) -> usize {
        self.queue.len()
    }

    fn record(
        &mut self,
        kind: PromptKind,
        message: &str,
        default: Option<&str>,
        options: &[String],
    ) {
        self.transcript.push(Shown::Prompt {
            kind,
            message: message.to_string(),
            default: default.map(str::to_string),
            options: options.to_vec(),
        });
    }

    fn next(&mut self, message: &str) -> Result<Scripted, PromptError> {
        self.queue
            .pop_front()
            .ok_or_else(|| PromptError::ScriptExhausted {
                prompt: message.to_string(),
            })
    }

    fn mismatch<T>(message: &str, expected: &str, got: &Scripted) -> Result<T, PromptError> {
        Err(PromptError::ScriptMismatch {
            prompt: message.to_string(),
            expected: expected.to_string(),
            got: got.describe(),
        })
    }

    /// Text-like prompts: feed replies through `check` until one passes, like a person
    /// retyping after inquire shows the error.
    fn typed(
        &mut self,
        message: &str,
        default: &str,
        masked: bool,
        check: Check<'_>,
    ) -> PromptResult<String> {
        loop {
            let reply = self.next(message)?;
            let input = match (&reply, masked) {
                (Scripted::Back, _) => return Ok(Answer::Back),
                (Scripted::Cancel, _) => return Ok(Answer::Cancel),
                (Scripted::Keep, _) => default.to_string(),
                (Scripted::Text(s), false) | (Scripted::Secret(s), true) => s.clone(),
                (other, true) => {
                    return Self::mismatch(
                        message,
                        "a masked prompt takes Secret, Keep, Back or Cancel",
                        other,
                    );
                }
                (other, false) => {
                    return Self::mismatch(
                        message,
                        "a text prompt takes Text, Keep, Back or Cancel",
                        other,
                    );
                }
            };
            match check(&input) {
                Ok(()) => return Ok(Answer::Value(input)),
                Err(reason) => self.transcript.push(Shown::Rejected {
                    message: message.to_string(),
                    reason,
                }),
            }
        }
    }

    fn index_of(
        message: &str,
        options: &[String],
        label: &str,
        got: &Scripted,
    ) -> Result<usize, PromptError> {
        match options.iter().position(|o| o == label) {
            Some(i) => Ok(i),
            None => Self::mismatch(
                message,
                &format!("no option is labelled so; options: {options:?}"),
                got,
            ),
        }
    }
}

impl Prompter for ScriptedPrompter {
    fn text(
        &mut self,
        message: &str,
        _help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String> {
        self.record(PromptKind::Text, message, None, &[]);
        self.typed(message, "", false, check)
    }

    fn text_with_default(
        &mut self,
        message: &str,
        _help: Option<&str>,
        default: &str,
        check: Check<'_>,
    ) -> PromptResult<String> {
        self.record(PromptKind::TextWithDefault, message, Some(default), &[]);
        self.typed(message, default, false, check)
    }

    fn password(
        &mut self,
        message: &str,
        _help: Option<&str>,
        check: Check<'_>,
    ) -> PromptResult<String> {
        self.record(PromptKind::Password, message, None, &[]);
        self.typed(message, "", true, check)
    }

    fn select(
        &mut self,
        message: &str,
        _help: Option<&str>,
        options: &[String],
        start: usize,
    ) -> PromptResult<usize> {
        self.record(
            PromptKind::Select,
            message,
            options.get(start).map(String::as_str),
            options,
        );
        match self.next(message)? {
            Scripted::Back => Ok(Answer::Back),
            Scripted::Cancel => Ok(Answer::Cancel),
            Scripted::Keep => Ok(Answer::Value(start)),
            Scripted::Choose(label) => {
                let got = Scripted::Choose(label.clone());
                Self::index_of(message, options, &label, &got).map(Answer::Value)
            }
            other => Self::mismatch(
                message,
                "a select takes Choose, Keep, Back or Cancel",
                &other,
            ),
        }
    }

    fn multiselect(
        &mut self,
        message: &str,
        _help: Option<&str>,
        options: &[String],
        selected: &[usize],
    ) -> PromptResult<Vec<usize>> {
        self.record(PromptKind::MultiSelect, message, None, options);
        match self.next(message)? {
            Scripted::Back => Ok(Answer::Back),
            Scripted::Cancel => Ok(Answer::Cancel),
            Scripted::Keep => Ok(Answer::Value(selected.to_vec())),
            Scripted::ChooseMany(labels) => {
                let got = Scripted::ChooseMany(labels.clone());
                let picked: Result<Vec<usize>, _> = labels
                    .iter()
                    .map(|l| Self::index_of(message, options, l, &got))
                    .collect();
                picked.map(Answer::Value)
            }
            other => Self::mismatch(
                message,
                "a multi-select takes ChooseMany, Keep, Back or Cancel",
                &other,
            ),
        }
    }

    fn confirm(&mut self, message: &str, _help: Option<&str>, default: bool) -> PromptResult<bool> {
        self.record(
            PromptKind::Confirm,
            message,
            Some(if default { "yes" } else { "no" }),
            &[],
        );
        match self.next(message)? {
            Scripted::Back => Ok(Answer::Back),
            Scripted::Cancel => Ok(Answer::Cancel),
            Scripted::Keep => Ok(Answer::Value(default)),
            Scripted::Confirm(b) => Ok(Answer::Value(b)),
            other => Self::mismatch(
                message,
                "a confirm takes Confirm, Keep, Back or Cancel",
                &other,
            ),
        }
    }

    fn show(&mut self, text: &str) -> Result<(), PromptError> {
        self.transcript.push(Shown::Info(text.to_string()));
        Ok(())
    }
}
