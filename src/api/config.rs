//! `[api]`: where the daemon's HTTP API listens, whether it refuses actions, and the token a
//! non-loopback address needs (in the file, or named by `token_env`, or IPFS_KIT_TOKEN).

use std::net::SocketAddr;

use serde::Deserialize;

use crate::config::Secret;

/// The section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiSection {
    /// `host:port`; default: 127.0.0.1 on a free port.
    pub listen: Option<String>,
    /// Refuse every action (403); reading stays open.
    pub read_only: bool,
    /// The bearer token clients send; default: a random one in `<state>/api.token`.
    pub token: Option<String>,
    /// Name of an environment variable holding the token, to keep it out of the file.
    pub token_env: Option<String>,
}

/// The resolved section.
#[derive(Clone, Debug, Default)]
pub struct ApiConfig {
    pub listen: Option<SocketAddr>,
    pub read_only: bool,
    /// A token the operator chose (file, `token_env`, IPFS_KIT_TOKEN): required before the
    /// API may listen beyond loopback.
    pub token: Option<Secret>,
}

/// Resolves the section: `listen` must be an IP socket address; `token_env` must be set.
pub fn resolve(
    s: ApiSection,
    env: &dyn crate::config::Env,
) -> Result<ApiConfig, crate::config::ConfigError> {
    let invalid = |origin: &str, message: String| crate::config::ConfigError::Invalid {
        origin: origin.to_string(),
        message,
    };
    let listen = match &s.listen {
        Some(text) => Some(parse_listen(text).map_err(|m| invalid("[api] listen", m))?),
        None => None,
    };
    let token = if let Some(t) = env.var("IPFS_KIT_TOKEN") {
        Some(t)
    } else if let Some(name) = &s.token_env {
        Some(env.var(name).ok_or_else(|| {
            invalid(
                &format!("[api] token_env = {name:?}"),
                format!("environment variable {name} is not set; export it or remove token_env"),
            )
        })?)
    } else {
        s.token.clone()
    };
    if let Some(t) = &token
        && t.trim().len() < 16
    {
        return Err(invalid(
            "[api] token",
            "a token needs at least 16 characters".into(),
        ));
    }
    Ok(ApiConfig {
        listen,
        read_only: s.read_only,
        token: token.map(|t| Secret::new(t.trim())),
    })
}

/// `127.0.0.1:8080`, `[::1]:0`, `0.0.0.0:9000`: an IP and a port (no host names: which
/// address a name resolves to decides who can reach the API).
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.trim().parse::<SocketAddr>().map_err(|_| {
        format!(
            "{text:?} is not an address to listen on; use IP:PORT, e.g. 127.0.0.1:8080 or [::]:8080"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoEnv;
    impl crate::config::Env for NoEnv {
        fn var(&self, _: &str) -> Option<String> {
            None
        }
    }

    #[test]
    fn listen_must_be_an_ip_and_port_and_tokens_are_long() {
        assert!(parse_listen("127.0.0.1:0").is_ok());
        assert!(parse_listen("[::1]:80").is_ok());
        assert!(parse_listen("localhost:80").is_err());
        let short = ApiSection {
            token: Some("short".into()),
            ..Default::default()
        };
        assert!(resolve(short, &NoEnv).is_err());
        let missing = ApiSection {
            token_env: Some("NOPE".into()),
            ..Default::default()
        };
        assert!(resolve(missing, &NoEnv).is_err());
    }
}
