//! Config errors that say what is wrong, where (file:line:column or variable) and how to fix it.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
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
