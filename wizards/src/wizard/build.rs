//! Reading answers into typed fields while collecting every error, not just the first.

use crate::answers::Answers;
use crate::field::FieldError;

pub(crate) struct Reader<'a> {
    answers: &'a Answers,
    pub errs: Vec<FieldError>,
}

impl<'a> Reader<'a> {
    pub fn new(answers: &'a Answers) -> Self {
        Reader {
            answers,
            errs: Vec::new(),
        }
    }

    /// The parsed answer, `None` when absent; a parse failure is recorded.
    pub fn opt<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let text = self.answers.get(key)?;
        match parse(text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.errs.push(FieldError::new(key, e));
                None
            }
        }
    }

    /// The parsed answer, or `default` when absent (or invalid, which is recorded).
    pub fn or<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
        default: T,
    ) -> T {
        self.opt(key, parse).unwrap_or(default)
    }

    /// The parsed answer; absence is recorded as missing.
    pub fn need<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&str) -> Result<T, String>,
        want: &str,
    ) -> Option<T> {
        if !self.answers.contains(key) {
            self.errs
                .push(FieldError::new(key, format!("missing; expected {want}")));
        }
        self.opt(key, parse)
    }

    /// Adds the checks of the assembled value, skipping what is already reported: a bad
    /// `api` is not also "missing", nor is `auth.secret` when `auth.secret_env` was bad.
    pub fn merge(&mut self, more: Vec<FieldError>) {
        let failed = self.errs.len();
        for e in more {
            if !self.errs[..failed].iter().any(|have| covers(have, &e)) {
                self.errs.push(e);
            }
        }
    }

    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(v) if self.errs.is_empty() => Ok(v),
            // A builder returns None only after recording why; this keeps the list non-empty regardless.
            None if self.errs.is_empty() => {
                Err(vec![FieldError::new("", "the answers are incomplete")])
            }
            _ => Err(self.errs),
        }
    }
}

/// Whether `have` (a value that failed to parse) explains `e`: the same field, or a
/// "missing" error in the same table that names it as an alternative.
fn covers(have: &FieldError, e: &FieldError) -> bool {
    let split = |p: &str| match p.rsplit_once('.') {
        Some((table, leaf)) => (table.to_string(), leaf.to_string()),
        None => (String::new(), p.to_string()),
    };
    let ((have_table, have_leaf), (e_table, _)) = (split(&have.path), split(&e.path));
    let names_it = e
        .message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|word| word == have_leaf);
    let have_failed_to_parse = !have.message.starts_with("missing");
    have.path == e.path
        || (have_failed_to_parse
            && e.message.starts_with("missing")
            && have_table == e_table
            && names_it)
}
