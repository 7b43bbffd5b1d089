//! API credentials and the `Secret` wrapper that keeps them out of output and logs.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// A string that never prints: Debug, Display and Serialize all give `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }
    /// The only way to read the value: call it where it goes on the wire.
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

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("***")
    }
}

/// How to authenticate to Kubo's RPC or Cluster's REST API. Written the way Kubo's
/// `API.Authorizations` writes an AuthSecret: `bearer:TOKEN` or `basic:USER:PASSWORD`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub enum Auth {
    Bearer(Secret),
    Basic { user: String, password: Secret },
}

impl FromStr for Auth {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if let Some(token) = s.strip_prefix("bearer:") {
            if token.is_empty() {
                return Err("bearer token is empty; write bearer:TOKEN".into());
            }
            return Ok(Auth::Bearer(Secret::new(token)));
        }
        if let Some(rest) = s.strip_prefix("basic:") {
            return match rest.split_once(':') {
                Some((user, pass)) if !user.is_empty() => Ok(Auth::Basic {
                    user: user.to_string(),
                    password: Secret::new(pass),
                }),
                _ => Err("basic auth must be written basic:USER:PASSWORD".into()),
            };
        }
        Err("auth must be written bearer:TOKEN or basic:USER:PASSWORD".into())
    }
}

impl TryFrom<String> for Auth {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_kubo_auth_secrets() {
        assert_eq!(
            "bearer:abc".parse::<Auth>(),
            Ok(Auth::Bearer(Secret::new("abc")))
        );
        assert_eq!(
            "basic:u:p:q".parse::<Auth>(),
            Ok(Auth::Basic {
                user: "u".into(),
                password: Secret::new("p:q")
            })
        );
        assert!("token abc".parse::<Auth>().is_err());
        assert!("bearer:".parse::<Auth>().is_err());
        assert!("basic:nopass".parse::<Auth>().is_err());
    }

    #[test]
    fn secrets_never_print() {
        let a: Auth = "basic:alice:hunter2".parse().unwrap();
        let shown = format!("{a:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(serde_json::to_string(&Secret::new("x")).unwrap(), "\"***\"");
    }
}
