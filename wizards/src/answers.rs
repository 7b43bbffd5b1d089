//! Answers: the raw text of each field, keyed by its dotted path (`policy.timeout`).
//!
//! Prompts, templates, answers files and `--set` flags all produce this one map, and one
//! builder per wizard turns it into a config section. That is why an interactive run and a
//! non-interactive run with the same answers give the same result.

use std::collections::BTreeMap;
use std::fmt;

/// Why answers could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AnswersError {
    #[error("answers are not valid TOML: {0}")]
    Toml(String),
    #[error(
        "{key}: {what} values are not supported; expected a string, number, boolean or list of strings"
    )]
    Unsupported { key: String, what: &'static str },
    #[error("--set {pair:?}: {reason}")]
    BadSet { pair: String, reason: String },
}

/// Field path -> raw answer text. An empty value means "not set".
///
/// Equality compares the set answers only, so a cleared key equals an absent one.
#[derive(Clone, Default)]
pub struct Answers(BTreeMap<String, String>);

impl Answers {
    pub fn new() -> Self {
        Answers::default()
    }

    /// Reads an answers file: the same shape as the section it answers for, plus `name`,
    /// e.g. `name = "archive"`, `kind = "s3"`, `[policy] timeout = "30s"`.
    pub fn from_toml(text: &str) -> Result<Answers, AnswersError> {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| AnswersError::Toml(e.to_string()))?;
        Answers::from_table(&table)
    }

    pub fn from_table(table: &toml::Table) -> Result<Answers, AnswersError> {
        let mut out = Answers::new();
        flatten("", table, &mut out)?;
        Ok(out)
    }

    /// Reads `--set key=value` flags, in order (a later one wins).
    pub fn from_sets<S: AsRef<str>>(
        pairs: impl IntoIterator<Item = S>,
    ) -> Result<Answers, AnswersError> {
        let mut out = Answers::new();
        for pair in pairs {
            let (k, v) = parse_set(pair.as_ref())?;
            out.set(k, v);
        }
        Ok(out)
    }

    /// Layers from lowest to highest precedence: template < file < `--set`. (Prefer
    /// [`crate::layer_answers`], which also lets one alternative replace another.)
    pub fn layered(layers: impl IntoIterator<Item = Answers>) -> Answers {
        let mut out = Answers::new();
        for layer in layers {
            out.overlay(&layer);
        }
        out
    }

    /// Takes every answer of `top`; an empty one removes the key (`--set quota=` clears
    /// what a template set).
    pub fn overlay(&mut self, top: &Answers) {
        for (k, v) in &top.0 {
            if v.is_empty() {
                self.0.remove(k);
            } else {
                self.0.insert(k.clone(), v.clone());
            }
        }
    }

    /// The answer, if one is set (an empty answer counts as not set).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// Sets an answer; an empty value marks the key as cleared, which also clears it in
    /// lower layers when this map is overlaid on them.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.0.insert(key.into(), value.into());
    }

    pub fn remove(&mut self, key: &str) {
        self.0.remove(key);
    }

    pub fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Keys with a non-empty answer.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, _)| k.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.keys().next().is_none()
    }
}

impl PartialEq for Answers {
    fn eq(&self, other: &Answers) -> bool {
        self.keys().eq(other.keys()) && self.keys().all(|k| self.get(k) == other.get(k))
    }
}

impl Eq for Answers {}

/// `auth.secret` holds a typed secret: never printed.
pub(crate) fn is_secret_key(key: &str) -> bool {
    key.rsplit('.').next() == Some("secret")
}

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.0 {
            if is_secret_key(k) {
                m.entry(k, &"***");
            } else {
                m.entry(k, v);
            }
        }
        m.finish()
    }
}

fn parse_set(pair: &str) -> Result<(String, String), AnswersError> {
    let bad = |reason: &str| AnswersError::BadSet {
        pair: pair.to_string(),
        reason: reason.to_string(),
    };
    let (k, v) = pair
        .split_once('=')
        .ok_or_else(|| bad("no '=' found; expected key=value, e.g. bucket=ipfs-archive"))?;
    let k = k.trim();
    let key_ok = !k.is_empty()
        && k.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        });
    if !key_ok {
        return Err(bad(
            "the key is not a dotted name; expected e.g. policy.timeout=30s",
        ));
    }
    Ok((k.to_string(), v.trim().to_string()))
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Answers) -> Result<(), AnswersError> {
    for (k, v) in table {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) => flatten(&key, t, out)?,
            toml::Value::Array(items) => {
                let mut parts = Vec::with_capacity(items.len());
                for item in items {
                    parts.push(scalar(&key, item)?);
                }
                out.set(key, parts.join(","));
            }
            other => {
                let text = scalar(&key, other)?;
                out.set(key, text);
            }
        }
    }
    Ok(())
}

fn scalar(key: &str, v: &toml::Value) -> Result<String, AnswersError> {
    let unsupported = |what| AnswersError::Unsupported {
        key: key.to_string(),
        what,
    };
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(x) => Ok(x.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        toml::Value::Datetime(_) => Err(unsupported("date-time")),
        toml::Value::Array(_) => Err(unsupported("nested list")),
        toml::Value::Table(_) => Err(unsupported("table-in-list")),
    }
}
