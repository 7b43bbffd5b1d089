//! What a step asks: each question names the answer key it fills and the validator that
//! guards it, so the prompt and the answers-file path check the same thing.

use crate::answers::Answers;

/// A validator with the typed result dropped.
pub(crate) type CheckFn = fn(&str) -> Result<(), String>;

pub(crate) struct Question {
    /// The answer key this fills (for `Either`, the first arm's).
    pub key: String,
    pub message: String,
    pub help: Option<String>,
    pub input: Input,
}

pub(crate) enum Input {
    /// Free text. `default` pre-fills when there is no answer yet; `optional` lets an
    /// empty answer clear the key.
    Text {
        check: CheckFn,
        default: Option<String>,
        optional: bool,
    },
    /// One of `(value, label)`.
    Choice {
        options: Vec<(String, String)>,
        default: String,
    },
    /// Some of these names, stored comma-separated.
    Many { options: Vec<String> },
    /// Yes or no, stored as `true`/`false`.
    Flag { default: bool },
    /// One of several keys, picked from a menu first: "type the secret" or "read it from
    /// an environment variable".
    Either { arms: Vec<Arm> },
}

pub(crate) struct Arm {
    pub key: &'static str,
    pub label: &'static str,
    pub message: &'static str,
    pub masked: bool,
    pub check: CheckFn,
}

impl Question {
    pub fn text(key: impl Into<String>, message: impl Into<String>, check: CheckFn) -> Question {
        Question {
            key: key.into(),
            message: message.into(),
            help: None,
            input: Input::Text {
                check,
                default: None,
                optional: false,
            },
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Question {
        self.help = Some(help.into());
        self
    }

    pub fn default(mut self, value: impl Into<String>) -> Question {
        if let Input::Text { default, .. } = &mut self.input {
            *default = Some(value.into());
        }
        self
    }

    pub fn optional(mut self) -> Question {
        if let Input::Text { optional, .. } = &mut self.input {
            *optional = true;
        }
        self
    }

    pub fn choice(
        key: impl Into<String>,
        message: impl Into<String>,
        options: Vec<(String, String)>,
        default: impl Into<String>,
    ) -> Question {
        Question {
            key: key.into(),
            message: message.into(),
            help: None,
            input: Input::Choice {
                options,
                default: default.into(),
            },
        }
    }

    pub fn flag(key: impl Into<String>, message: impl Into<String>, default: bool) -> Question {
        Question {
            key: key.into(),
            message: message.into(),
            help: None,
            input: Input::Flag { default },
        }
    }

    pub fn many(
        key: impl Into<String>,
        message: impl Into<String>,
        options: Vec<String>,
    ) -> Question {
        Question {
            key: key.into(),
            message: message.into(),
            help: None,
            input: Input::Many { options },
        }
    }

    pub fn either(message: impl Into<String>, arms: Vec<Arm>) -> Question {
        let key = arms.first().map_or("", |a| a.key).to_string();
        Question {
            key,
            message: message.into(),
            help: None,
            input: Input::Either { arms },
        }
    }

    /// Every answer key this question may fill.
    pub fn keys(&self) -> Vec<String> {
        match &self.input {
            Input::Either { arms } => arms.iter().map(|a| a.key.to_string()).collect(),
            _ => vec![self.key.clone()],
        }
    }

    /// Whether the question still wants an answer: used after "Edit step N" to decide
    /// which later steps must be visited again.
    pub fn unanswered(&self, a: &Answers) -> bool {
        match &self.input {
            Input::Text { optional, .. } => !optional && !a.contains(&self.key),
            Input::Choice { options, .. } => a
                .get(&self.key)
                .is_some_and(|v| !options.iter().any(|(o, _)| o == v)),
            Input::Many { .. } => !a.contains(&self.key),
            Input::Flag { .. } => false,
            Input::Either { arms } => !arms.iter().any(|arm| a.contains(arm.key)),
        }
    }
}
