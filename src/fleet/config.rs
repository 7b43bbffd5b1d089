//! `[[fleet.nodes]]`: the remote ipfs-kit daemons the Fleet tab and `ipfs-kit fleet` watch,
//! each with its API URL and token (in the file, or named by `token_env` to keep it out).

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use crate::config::Secret;

/// The section as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FleetSection {
    pub nodes: Vec<NodeSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeSection {
    /// What the Fleet tab calls it; unique.
    pub name: Spanned<String>,
    /// The daemon's API, e.g. `http://10.0.0.5:5080` (its `<state>/api` file says it).
    pub url: Spanned<String>,
    pub token: Option<String>,
    /// An environment variable holding the token.
    pub token_env: Option<Spanned<String>>,
}

/// One node to watch, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FleetNode {
    pub name: String,
    pub url: String,
    /// `None`: the client's default (`--token`, IPFS_KIT_TOKEN, `[api] token`).
    pub token: Option<Secret>,
}

impl FleetNode {
    /// A client for this node's API: its own token, else `default` (none: the node will
    /// answer 401, which its row then says).
    pub fn remote(&self, default: Option<&Secret>) -> Result<crate::api::client::Remote, String> {
        let token = self
            .token
            .clone()
            .or_else(|| default.cloned())
            .unwrap_or_else(|| Secret::new(""));
        crate::api::client::Remote::new(&self.url, token)
    }
}

impl FleetSection {
    /// What is wrong with the nodes, each at the byte range of its value: an empty or
    /// repeated name, a URL that is not http(s), both `token` and `token_env`.
    pub fn check(&self) -> Vec<(Range<usize>, String)> {
        let mut issues = Vec::new();
        let mut seen: Vec<&str> = Vec::new();
        for n in &self.nodes {
            let name = n.name.get_ref().trim();
            if name.is_empty() {
                issues.push((n.name.span(), "a fleet node needs a name".to_string()));
            } else if seen.contains(&name) {
                issues.push((
                    n.name.span(),
                    format!("fleet node {name:?} is listed twice; give each node its own name"),
                ));
            }
            seen.push(name);
            if let Err(m) = check_url(n.url.get_ref()) {
                issues.push((n.url.span(), format!("fleet node {name:?}: {m}")));
            }
            if let (Some(_), Some(env)) = (&n.token, &n.token_env) {
                issues.push((
                    env.span(),
                    format!("fleet node {name:?}: give token or token_env, not both"),
                ));
            }
        }
        issues
    }
}

/// An `http://` or `https://` URL with a host.
pub fn check_url(url: &str) -> Result<(), String> {
    match reqwest::Url::parse(url.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(()),
        Ok(_) | Err(_) => Err(format!(
            "{url:?} is not an ipfs-kit API URL; write it as http://HOST:PORT (the daemon's <state>/api file says it)"
        )),
    }
}

/// Resolves `token_env`; the section has been checked by `check`.
pub fn resolve(
    s: FleetSection,
    env: &dyn crate::config::Env,
) -> Result<Vec<FleetNode>, crate::config::ConfigError> {
    s.nodes
        .into_iter()
        .map(|n| {
            let name = n.name.into_inner().trim().to_string();
            let token = match (n.token, n.token_env) {
                (Some(t), _) => Some(Secret::new(t.trim())),
                (None, Some(var)) => {
                    let var = var.into_inner();
                    let t = env.var(&var).ok_or_else(|| crate::config::ConfigError::Invalid {
                        origin: format!("[[fleet.nodes]] {name:?} token_env = {var:?}"),
                        message: format!(
                            "environment variable {var} is not set; export it or remove token_env"
                        ),
                    })?;
                    Some(Secret::new(t.trim()))
                }
                (None, None) => None,
            };
            Ok(FleetNode {
                name,
                url: n.url.into_inner().trim().trim_end_matches('/').to_string(),
                token,
            })
        })
        .collect()
}

/// The nodes `--connect` names when it repeats, called by their `host:port`.
pub fn from_connect(urls: &[String]) -> Vec<FleetNode> {
    urls.iter()
        .map(|u| {
            let url = u.trim().trim_end_matches('/').to_string();
            let name = reqwest::Url::parse(&url)
                .ok()
                .and_then(|p| Some(format!("{}:{}", p.host_str()?, p.port_or_known_default()?)))
                .unwrap_or_else(|| url.clone());
            FleetNode {
                name,
                url,
                token: None,
            }
        })
        .collect()
}

/// The fleet: the configured nodes, then each `--connect` URL (when it repeats) that is
/// not one of them already.
pub fn fleet(configured: &[FleetNode], connect: &[String]) -> Vec<FleetNode> {
    let mut nodes = configured.to_vec();
    if connect.len() > 1 {
        for n in from_connect(connect) {
            if !nodes.iter().any(|c| c.url == n.url) {
                nodes.push(n);
            }
        }
    }
    nodes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> FleetSection {
        #[derive(Deserialize)]
        struct Doc {
            fleet: FleetSection,
        }
        toml::from_str::<Doc>(text).expect("parses").fleet
    }

    #[test]
    fn names_urls_and_tokens_are_checked_at_their_place() {
        let text = "[[fleet.nodes]]\nname = \"a\"\nurl = \"http://10.0.0.1:5080\"\n\
                    [[fleet.nodes]]\nname = \"a\"\nurl = \"ftp://x\"\ntoken = \"t\"\ntoken_env = \"T\"\n";
        let s = parse(text);
        let issues = s.check();
        assert_eq!(issues.len(), 3, "{issues:?}");
        assert!(issues[0].1.contains("listed twice"));
        assert_eq!(&text[issues[0].0.clone()], "\"a\"");
        assert!(issues[1].1.contains("not an ipfs-kit API URL"));
        assert_eq!(&text[issues[1].0.clone()], "\"ftp://x\"");
        assert!(issues[2].1.contains("not both"));
    }

    struct Vars;
    impl crate::config::Env for Vars {
        fn var(&self, name: &str) -> Option<String> {
            (name == "NODE_B_TOKEN").then(|| "secret-token-of-node-b".to_string())
        }
    }

    #[test]
    fn token_env_is_read_and_a_missing_one_is_an_error() {
        let s = parse(
            "[[fleet.nodes]]\nname = \"b\"\nurl = \"http://b:1/\"\ntoken_env = \"NODE_B_TOKEN\"\n",
        );
        let nodes = resolve(s, &Vars).expect("resolves");
        assert_eq!(nodes[0].url, "http://b:1");
        assert_eq!(
            nodes[0].token.as_ref().map(Secret::expose),
            Some("secret-token-of-node-b")
        );
        let s =
            parse("[[fleet.nodes]]\nname = \"c\"\nurl = \"http://c:1\"\ntoken_env = \"NOPE\"\n");
        let e = resolve(s, &Vars).expect_err("unset");
        assert!(e.to_string().contains("NOPE is not set"), "{e}");
    }

    #[test]
    fn repeated_connect_adds_nodes_named_by_host_and_port() {
        let one = fleet(&[], &["http://127.0.0.1:7000".into()]);
        assert!(one.is_empty(), "one --connect is an attach, not a fleet");
        let configured = vec![FleetNode {
            name: "a".into(),
            url: "http://127.0.0.1:7000".into(),
            token: None,
        }];
        let two = fleet(
            &configured,
            &[
                "http://127.0.0.1:7000/".into(),
                "http://127.0.0.1:7001".into(),
            ],
        );
        let names: Vec<&str> = two.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["a", "127.0.0.1:7001"]);
    }
}
