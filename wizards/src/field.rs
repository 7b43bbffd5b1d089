//! A problem with one named field, so every problem can be reported at once with its path.

use std::fmt;

/// One missing or invalid field: `path` is the dotted key (`policy.timeout`,
/// `backends.archive.bucket`), `message` says what is wrong and what is expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            path: path.into(),
            message: message.into(),
        }
    }

    /// The same error seen from an enclosing table (`bucket` -> `backends.archive.bucket`).
    pub fn under(self, prefix: &str) -> Self {
        if prefix.is_empty() {
            return self;
        }
        let path = if self.path.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", self.path)
        };
        FieldError { path, ..self }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// Several field errors as one error value: serde's `try_from` needs a single `Display`
/// error, and the binary prints them one per line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct FieldErrors(pub Vec<FieldError>);

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Collects errors while a value is assembled field by field.
#[derive(Default)]
pub(crate) struct Errors(pub Vec<FieldError>);

impl Errors {
    pub fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(FieldError::new(path, message));
    }

    pub fn extend_under(&mut self, prefix: &str, errs: Vec<FieldError>) {
        self.0.extend(errs.into_iter().map(|e| e.under(prefix)));
    }
}
