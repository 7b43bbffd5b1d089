//! A bad value given on the command line that only a subcommand can judge (a daemon name
//! that depends on the config, a template for another wizard). `main` maps it to exit 64,
//! like the values clap's own parsers refuse.

/// The message names the flag or argument, the value and what is accepted.
#[derive(Debug, thiserror::Error)]
#[error("{what} {value:?}: {problem}")]
pub struct UsageError {
    pub what: String,
    pub value: String,
    /// What is wrong and what is accepted.
    pub problem: String,
}

impl UsageError {
    pub fn new(
        what: impl Into<String>,
        value: impl Into<String>,
        problem: impl Into<String>,
    ) -> Self {
        UsageError {
            what: what.into(),
            value: value.into(),
            problem: problem.into(),
        }
    }
}
