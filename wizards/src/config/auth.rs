//! `[backends.<name>.auth]`: how a backend authenticates, with the secret kept out of
//! config.toml (an env var name or a credentials.toml entry stands in for it).

use serde::{Deserialize, Serialize};

use super::backend::BackendKind;
use crate::field::{Errors, FieldError};
use crate::secret::{Identity, Secret, SecretRef};
use crate::validate;
use crate::values::{EntryName, EnvVarName};

/// The kind of credential a backend takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthScheme {
    None,
    /// A bearer token (Kubo/Cluster `bearer:`, pinning service access token).
    Token,
    /// User name and password (HTTP basic auth).
    Basic,
    /// An S3 access key ID and secret access key.
    AccessKey,
}

impl AuthScheme {
    pub const ALL: [AuthScheme; 4] = [
        AuthScheme::None,
        AuthScheme::Token,
        AuthScheme::Basic,
        AuthScheme::AccessKey,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthScheme::None => "none",
            AuthScheme::Token => "token",
            AuthScheme::Basic => "basic",
            AuthScheme::AccessKey => "access-key",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthScheme::None => "No credentials",
            AuthScheme::Token => "Bearer token",
            AuthScheme::Basic => "User name and password (basic auth)",
            AuthScheme::AccessKey => "Access key ID and secret key",
        }
    }

    pub fn parse(s: &str) -> Result<AuthScheme, String> {
        let t = s.trim();
        AuthScheme::ALL
            .into_iter()
            .find(|a| a.as_str() == t)
            .ok_or_else(|| {
                format!(
                    "{t:?} is not an auth scheme; expected one of none, token, basic, access-key"
                )
            })
    }
}

/// A backend's credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    None,
    Token {
        token: SecretRef,
    },
    Basic {
        user: Identity,
        password: SecretRef,
    },
    AccessKey {
        access_key_id: Identity,
        secret_key: SecretRef,
    },
}

impl Auth {
    pub fn scheme(&self) -> AuthScheme {
        match self {
            Auth::None => AuthScheme::None,
            Auth::Token { .. } => AuthScheme::Token,
            Auth::Basic { .. } => AuthScheme::Basic,
            Auth::AccessKey { .. } => AuthScheme::AccessKey,
        }
    }

    /// The secret part, if the scheme has one.
    pub fn secret(&self) -> Option<&SecretRef> {
        match self {
            Auth::None => None,
            Auth::Token { token } => Some(token),
            Auth::Basic { password, .. } => Some(password),
            Auth::AccessKey { secret_key, .. } => Some(secret_key),
        }
    }

    pub(crate) fn secret_mut(&mut self) -> Option<&mut SecretRef> {
        match self {
            Auth::None => None,
            Auth::Token { token } => Some(token),
            Auth::Basic { password, .. } => Some(password),
            Auth::AccessKey { secret_key, .. } => Some(secret_key),
        }
    }
}

/// The flat on-disk form. `secret` (a typed-in value) is never read from or written to
/// config.toml: it exists only between the wizard and the save.
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuthFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<AuthScheme>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_env: Option<EnvVarName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_key_id_env: Option<EnvVarName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret_env: Option<EnvVarName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<EntryName>,
    #[serde(skip)]
    pub secret: Option<Secret>,
}

impl AuthFile {
    pub fn is_unset(&self) -> bool {
        self.scheme.is_none()
            && self.user.is_none()
            && self.user_env.is_none()
            && self.access_key_id.is_none()
            && self.access_key_id_env.is_none()
            && self.secret_env.is_none()
            && self.credential.is_none()
            && self.secret.is_none()
    }

    /// Field errors have paths relative to the auth table (`secret_env`, `scheme`).
    pub fn into_auth(self, kind: BackendKind) -> Result<Auth, Vec<FieldError>> {
        let mut errs = Errors::default();
        let allowed = kind.auth_schemes();
        let scheme = self.scheme.unwrap_or(kind.default_auth());
        if !allowed.contains(&scheme) {
            let names: Vec<&str> = allowed.iter().map(|a| a.as_str()).collect();
            errs.push(
                "scheme",
                format!(
                    "\"{}\" is not accepted by kind = \"{kind}\"; expected {}",
                    scheme.as_str(),
                    names.join(" or ")
                ),
            );
            return Err(errs.0);
        }
        let uses_user = scheme == AuthScheme::Basic;
        let uses_key_id = scheme == AuthScheme::AccessKey;
        let uses_secret = scheme != AuthScheme::None;
        let stray = [
            ("user", self.user.is_some() && !uses_user),
            ("user_env", self.user_env.is_some() && !uses_user),
            (
                "access_key_id",
                self.access_key_id.is_some() && !uses_key_id,
            ),
            (
                "access_key_id_env",
                self.access_key_id_env.is_some() && !uses_key_id,
            ),
            ("secret", self.secret.is_some() && !uses_secret),
            ("secret_env", self.secret_env.is_some() && !uses_secret),
            ("credential", self.credential.is_some() && !uses_secret),
        ];
        for (key, is_stray) in stray {
            if is_stray {
                errs.push(
                    key,
                    format!(
                        "does not apply to scheme = \"{}\"; remove it",
                        scheme.as_str()
                    ),
                );
            }
        }
        let auth = match scheme {
            AuthScheme::None => Some(Auth::None),
            AuthScheme::Token => {
                secret_ref(&mut errs, self.secret, self.secret_env, self.credential)
                    .map(|token| Auth::Token { token })
            }
            AuthScheme::Basic => {
                let user = identity(&mut errs, "user", self.user, self.user_env);
                let password = secret_ref(&mut errs, self.secret, self.secret_env, self.credential);
                user.zip(password)
                    .map(|(user, password)| Auth::Basic { user, password })
            }
            AuthScheme::AccessKey => {
                let id = identity(
                    &mut errs,
                    "access_key_id",
                    self.access_key_id,
                    self.access_key_id_env,
                );
                let secret = secret_ref(&mut errs, self.secret, self.secret_env, self.credential);
                id.zip(secret)
                    .map(|(access_key_id, secret_key)| Auth::AccessKey {
                        access_key_id,
                        secret_key,
                    })
            }
        };
        match auth {
            Some(auth) if errs.0.is_empty() => Ok(auth),
            _ => Err(errs.0),
        }
    }

    pub fn from_auth(kind: BackendKind, auth: Auth) -> AuthFile {
        let mut f = AuthFile::default();
        if auth == Auth::None && kind.default_auth() == AuthScheme::None {
            // The default: leave the table out of config.toml entirely.
            return f;
        }
        f.scheme = Some(auth.scheme());
        let put_secret = |f: &mut AuthFile, r: SecretRef| match r {
            SecretRef::Env(v) => f.secret_env = Some(v),
            SecretRef::Credential(n) => f.credential = Some(n),
            SecretRef::Literal(s) => f.secret = Some(s),
        };
        match auth {
            Auth::None => {}
            Auth::Token { token } => put_secret(&mut f, token),
            Auth::Basic { user, password } => {
                match user {
                    Identity::Plain(u) => f.user = Some(u),
                    Identity::Env(v) => f.user_env = Some(v),
                }
                put_secret(&mut f, password);
            }
            Auth::AccessKey {
                access_key_id,
                secret_key,
            } => {
                match access_key_id {
                    Identity::Plain(u) => f.access_key_id = Some(u),
                    Identity::Env(v) => f.access_key_id_env = Some(v),
                }
                put_secret(&mut f, secret_key);
            }
        }
        f
    }
}

fn identity(
    errs: &mut Errors,
    key: &str,
    plain: Option<String>,
    env: Option<EnvVarName>,
) -> Option<Identity> {
    match (plain, env) {
        (Some(_), Some(_)) => {
            errs.push(
                format!("{key}_env"),
                format!("both {key} and {key}_env are set; expected one of them"),
            );
            None
        }
        (Some(p), None) => match validate::identity(&p) {
            Ok(p) => Some(Identity::Plain(p)),
            Err(e) => {
                errs.push(key, e);
                None
            }
        },
        (None, Some(v)) => Some(Identity::Env(v)),
        (None, None) => {
            errs.push(
                key,
                format!(
                    "missing; expected {key} itself, or {key}_env naming an environment variable"
                ),
            );
            None
        }
    }
}

fn secret_ref(
    errs: &mut Errors,
    literal: Option<Secret>,
    env: Option<EnvVarName>,
    credential: Option<EntryName>,
) -> Option<SecretRef> {
    let given: Vec<SecretRef> = [
        literal.map(SecretRef::Literal),
        env.map(SecretRef::Env),
        credential.map(SecretRef::Credential),
    ]
    .into_iter()
    .flatten()
    .collect();
    match <[SecretRef; 1]>::try_from(given) {
        Ok([one]) => Some(one),
        Err(given) if given.is_empty() => {
            errs.push(
                "secret",
                "missing; expected the secret itself (saved to credentials.toml), secret_env naming an environment variable, or credential naming a credentials.toml entry",
            );
            None
        }
        Err(_) => {
            errs.push(
                "secret",
                "more than one of secret, secret_env and credential is set; expected exactly one",
            );
            None
        }
    }
}
