//! Secrets and the references that stand in for them in config.toml.

use std::fmt;

use crate::values::{EntryName, EnvVarName};

/// A token, password or secret key. Debug and Display print `***`, and it has no
/// `Serialize` at all, so it cannot end up in config.toml or a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The only way to read the value: call it where it goes on the wire or to the
    /// credentials file.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Where a secret comes from at run time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecretRef {
    /// Read from this environment variable when needed; nothing is stored.
    Env(EnvVarName),
    /// Stored in credentials.toml under `[<name>]`.
    Credential(EntryName),
    /// Typed into the wizard and not saved yet; saving moves it to credentials.toml and
    /// replaces it with [`SecretRef::Credential`].
    Literal(Secret),
}

impl SecretRef {
    /// How the reference reads in a summary: never the value itself.
    pub fn describe(&self) -> String {
        match self {
            SecretRef::Env(var) => format!("from ${var}"),
            SecretRef::Credential(name) => format!("stored as [{name}] in credentials.toml"),
            SecretRef::Literal(_) => "*** (will be stored in credentials.toml)".into(),
        }
    }
}

/// A user name or access key ID: not secret, so it may sit in config.toml, or it may come
/// from the environment like the AWS tools' `AWS_ACCESS_KEY_ID`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Identity {
    Plain(String),
    Env(EnvVarName),
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Plain(s) => f.write_str(s),
            Identity::Env(var) => write!(f, "${var}"),
        }
    }
}
