//! An HTTP API address, written as a URL (`http://host:port`), `host:port`, or a multiaddr
//! (`/ip4/127.0.0.1/tcp/5001`, `/dns4/node/tcp/443/https`) as Kubo's `api` file holds it.

use std::fmt;
use std::str::FromStr;

use reqwest::Url;

use super::auth::{Auth, Secret};

/// A parsed API base URL. Credentials embedded in a URL are split off into `auth`, so the
/// URL itself is safe to print.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Endpoint {
    url: Url,
    auth: Option<Auth>,
}

impl Endpoint {
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// Credentials that were part of a `user:pass@host` URL.
    pub fn embedded_auth(&self) -> Option<&Auth> {
        self.auth.as_ref()
    }

    /// `host:port` for probing whether something listens there.
    pub fn host_port(&self) -> String {
        let host = self.url.host_str().unwrap_or("127.0.0.1");
        let port = self.url.port_or_known_default().unwrap_or(80);
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str().trim_end_matches('/'))
    }
}

impl FromStr for Endpoint {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let s = raw.trim();
        if s.is_empty() {
            return Err("empty address; expected a URL like http://127.0.0.1:5001 or a multiaddr like /ip4/127.0.0.1/tcp/5001".into());
        }
        let url_text = if s.starts_with('/') {
            multiaddr_to_url(s)?
        } else if s.contains("://") {
            s.to_string()
        } else {
            format!("http://{s}")
        };
        let mut url = Url::parse(&url_text).map_err(|e| {
            format!("invalid address {s:?}: {e}; expected http://host:port or /ip4/HOST/tcp/PORT")
        })?;
        if url.scheme() != "http" && url.scheme() != "https" {
            return Err(format!(
                "unsupported scheme {:?} in {s:?}: use http or https",
                url.scheme()
            ));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("address {s:?} has no host"));
        }
        let auth = if url.username().is_empty() {
            None
        } else {
            let user = percent_decode(url.username());
            let password = Secret::new(percent_decode(url.password().unwrap_or("")));
            Some(Auth::Basic { user, password })
        };
        // Neither `set_username` nor `set_password` can fail on an http(s) URL with a host.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        url.set_query(None);
        url.set_fragment(None);
        Ok(Endpoint { url, auth })
    }
}

impl TryFrom<String> for Endpoint {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Converts the multiaddr forms an IPFS API listens on into a URL.
fn multiaddr_to_url(s: &str) -> Result<String, String> {
    let parts: Vec<&str> = s.trim_end_matches('/').split('/').skip(1).collect();
    let bad = |why: &str| {
        format!(
            "invalid multiaddr {s:?}: {why}; expected e.g. /ip4/127.0.0.1/tcp/5001 or /dns4/example.com/tcp/443/https"
        )
    };
    let (host, rest) = match parts.as_slice() {
        ["ip4", addr, rest @ ..] => {
            addr.parse::<std::net::Ipv4Addr>()
                .map_err(|_| bad("bad IPv4 address"))?;
            (addr.to_string(), rest)
        }
        ["ip6", addr, rest @ ..] => {
            addr.parse::<std::net::Ipv6Addr>()
                .map_err(|_| bad("bad IPv6 address"))?;
            (format!("[{addr}]"), rest)
        }
        ["dns" | "dns4" | "dns6", name, rest @ ..] if !name.is_empty() => (name.to_string(), rest),
        _ => return Err(bad("it must start with /ip4, /ip6 or /dns")),
    };
    let (port, rest) = match rest {
        ["tcp", port, rest @ ..] => {
            let p: u16 = port.parse().map_err(|_| bad("bad TCP port"))?;
            (p, rest)
        }
        _ => return Err(bad("an HTTP API needs /tcp/PORT")),
    };
    let scheme = match rest {
        [] | ["http"] => "http",
        ["https"] | ["tls", "http"] => "https",
        _ => return Err(bad("only /http, /https or /tls/http may follow the port")),
    };
    Ok(format!("{scheme}://{host}:{port}"))
}

/// `http://127.0.0.1:5001` -> `/ip4/127.0.0.1/tcp/5001`, the form Cluster's config takes.
pub fn to_multiaddr(ep: &Endpoint) -> String {
    let url = ep.url();
    let host = url
        .host_str()
        .unwrap_or("127.0.0.1")
        .trim_matches(['[', ']']);
    let port = url.port_or_known_default().unwrap_or(5001);
    let proto = if host.parse::<std::net::Ipv4Addr>().is_ok() {
        "ip4"
    } else if host.parse::<std::net::Ipv6Addr>().is_ok() {
        "ip6"
    } else {
        "dns"
    };
    format!("/{proto}/{host}/tcp/{port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> String {
        s.parse::<Endpoint>()
            .map(|e| e.to_string())
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn accepts_the_forms_operators_write() {
        assert_eq!(url("/ip4/127.0.0.1/tcp/5001"), "http://127.0.0.1:5001");
        assert_eq!(url("/ip6/::1/tcp/5001"), "http://[::1]:5001");
        assert_eq!(
            url("/dns4/node.example/tcp/443/https"),
            "https://node.example"
        );
        assert_eq!(
            url("/dns/node.example/tcp/9094/tls/http"),
            "https://node.example:9094"
        );
        assert_eq!(url("127.0.0.1:9094"), "http://127.0.0.1:9094");
        assert_eq!(url("http://localhost:5001/"), "http://localhost:5001");
        assert_eq!(url(" /ip4/10.0.0.2/tcp/15001\n"), "http://10.0.0.2:15001");
    }

    #[test]
    fn splits_credentials_off_the_url() {
        let e: Endpoint = "http://alice:s%3Acret@host:9094".parse().unwrap();
        assert_eq!(e.to_string(), "http://host:9094");
        match e.embedded_auth() {
            Some(Auth::Basic { user, password }) => {
                assert_eq!(user, "alice");
                assert_eq!(password.expose(), "s:cret");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn rejects_with_a_reason() {
        assert!(url("").contains("empty address"));
        assert!(url("/ip4/1.2.3/tcp/5001").contains("bad IPv4"));
        assert!(url("/ip4/127.0.0.1/udp/5001").contains("/tcp/PORT"));
        assert!(url("/ip4/127.0.0.1/tcp/99999").contains("bad TCP port"));
        assert!(url("ftp://host").contains("unsupported scheme"));
        assert!(url("/unix/tmp/sock").contains("must start with"));
    }
}
