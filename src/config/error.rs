//! Config errors that say what is wrong, where (file:line:column or variable) and how to fix it.

use std::path::PathBuf;

/// The OS error is part of the message and deliberately not a `source()`, so `{e:#}` says it
/// once.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {error}")]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(
        "{path}:{line}:{column}: {message}\n  {excerpt}\n(the file was left unchanged; fix it or pass --config with another file)"
    )]
    Parse {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
        excerpt: String,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

impl ConfigError {
    /// Builds a Parse error from a toml error, turning its byte span into line and column.
    pub fn from_toml(path: PathBuf, text: &str, err: &toml::de::Error) -> Self {
        Self::at_offset(
            path,
            text,
            err.span().map(|s| s.start).unwrap_or(0),
            err.message().trim().to_string(),
        )
    }

    /// A file that is not UTF-8: the position of its first invalid byte.
    pub fn not_utf8(path: PathBuf, bytes: &[u8], valid_up_to: usize) -> Self {
        let valid = bytes.get(..valid_up_to).unwrap_or_default();
        // Valid by definition of `valid_up_to`.
        let text = std::str::from_utf8(valid).unwrap_or_default();
        let byte = bytes
            .get(valid_up_to)
            .map_or(String::new(), |b| format!(" (byte 0x{b:02x})"));
        Self::at_offset(
            path,
            text,
            text.len(),
            format!("not UTF-8 text{byte}; save the file as UTF-8"),
        )
    }

    /// A Parse error for a problem found after parsing, at a byte offset of the text.
    pub fn at_offset(path: PathBuf, text: &str, offset: usize, message: String) -> Self {
        let offset = offset.min(text.len());
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        let column = before[line_start..].chars().count() + 1;
        let excerpt = text[line_start..]
            .lines()
            .next()
            .unwrap_or("")
            .trim_end()
            .to_string();
        ConfigError::Parse {
            path,
            line,
            column,
            message,
            excerpt,
        }
    }
}
