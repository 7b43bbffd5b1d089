//! Live connection probes for `[backends.<name>]`: they really talk to the backend (Kubo
//! `id`, Cluster `/id`, S3 signed HeadBucket, a writable directory with free space, pinning
//! service `GET /pins?limit=1`) and report what they found.
//!
//! [`probe`] is the async entry point the collector calls on its interval; [`LiveProbe`]
//! implements the wizard's synchronous [`Probe`] on top of it. Secrets are resolved
//! through the wizards crate's references (env var, credentials.toml entry or a typed-in
//! literal), go only onto the wire, and are masked in every report and error as a last
//! line of defence against servers that echo them back.

mod cluster;
mod filesystem;
mod kubo;
mod pinning;
mod s3;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use ipfs_kit_wizards::config::{Auth as WizardAuth, BackendConfig, Target};
use ipfs_kit_wizards::credentials::CredentialStore;
use ipfs_kit_wizards::{Probe, ProbeReport, SecretRef};

use crate::config::{Auth, Endpoint, Secret};
use crate::sources::http::HttpApi;

/// Resolves the secret references in a backend's auth: credentials.toml entries, env vars
/// and typed-in literals. A store loaded from a missing file is empty, which is fine for
/// backends that use env vars or no auth.
pub type Resolver = CredentialStore;

/// The wizard's live connection test, and what the collector probes backends with.
#[derive(Clone, Debug, Default)]
pub struct LiveProbe {
    creds: Arc<Resolver>,
}

impl LiveProbe {
    pub fn new(creds: Resolver) -> Self {
        LiveProbe {
            creds: Arc::new(creds),
        }
    }

    /// Shares an already loaded store (the collector keeps one for all its backends).
    pub fn shared(creds: Arc<Resolver>) -> Self {
        LiveProbe { creds }
    }

    /// Loads the credentials file at `path` (a missing file is an empty store).
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        CredentialStore::load(path)
            .map(LiveProbe::new)
            .map_err(|e| e.to_string())
    }

    pub fn resolver(&self) -> &Resolver {
        &self.creds
    }

    pub async fn probe(&self, backend: &BackendConfig) -> Result<ProbeReport, String> {
        probe(backend, &self.creds).await
    }
}

impl Probe for LiveProbe {
    /// Runs [`probe`] to completion. Safe from any thread, inside a tokio runtime or not:
    /// `block_on` would panic inside one, so there it runs on a scoped helper thread.
    fn test(&self, backend: &BackendConfig) -> Result<ProbeReport, String> {
        block_on(probe(backend, &self.creds))
    }
}

/// Probes one backend, bounded by its policy: every request gives up after `timeout`
/// (connections after `connect_timeout` where the client allows it), and so does the
/// probe as a whole. `Ok` says what was found; `Err` gives the reason, the server's own
/// where there is one. Neither ever contains a resolved secret.
pub async fn probe(backend: &BackendConfig, creds: &Resolver) -> Result<ProbeReport, String> {
    let secrets = Secrets::resolve(&backend.auth, creds)?;
    let limit = backend.policy.timeout.get();
    let run = async {
        match &backend.target {
            Target::Kubo { api, .. } => kubo::probe(&http(api.as_str(), &secrets, limit)?).await,
            Target::Cluster { api } => cluster::probe(&http(api.as_str(), &secrets, limit)?).await,
            Target::S3 {
                endpoint,
                region,
                bucket,
                path_style,
            } => {
                let target = s3::S3Target {
                    endpoint: endpoint.as_str(),
                    region: region.as_str(),
                    bucket: bucket.as_str(),
                    path_style: *path_style,
                };
                s3::probe(&target, &secrets, &backend.policy).await
            }
            Target::Filesystem { path } => {
                filesystem::probe(path.as_path(), backend.policy.quota.map(|q| q.bytes())).await
            }
            Target::PinningService { endpoint } => {
                pinning::probe(&http(endpoint.as_str(), &secrets, limit)?).await
            }
        }
    };
    let outcome = match tokio::time::timeout(limit, run).await {
        Ok(r) => r,
        Err(_) => Err(format!(
            "no answer within the backend's timeout of {}",
            humantime::format_duration(limit)
        )),
    };
    match outcome {
        Ok(report) => Ok(secrets.mask_report(report)),
        Err(e) => Err(secrets.mask(&e)),
    }
}

/// The credentials of one backend, resolved for this probe only.
pub(crate) struct Secrets {
    /// User name or access key ID (not secret).
    identity: Option<String>,
    secret: Option<Secret>,
    scheme: Scheme,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Scheme {
    None,
    Token,
    Basic,
    AccessKey,
}

impl Secrets {
    fn resolve(auth: &WizardAuth, creds: &Resolver) -> Result<Secrets, String> {
        let secret = |r: &SecretRef| {
            creds
                .resolve(r)
                .map(|s| Secret::new(s.expose()))
                .map_err(|e| format!("credentials: {e}"))
        };
        let identity =
            |id| CredentialStore::resolve_identity(id).map_err(|e| format!("credentials: {e}"));
        Ok(match auth {
            WizardAuth::None => Secrets {
                identity: None,
                secret: None,
                scheme: Scheme::None,
            },
            WizardAuth::Token { token } => Secrets {
                identity: None,
                secret: Some(secret(token)?),
                scheme: Scheme::Token,
            },
            WizardAuth::Basic { user, password } => Secrets {
                identity: Some(identity(user)?),
                secret: Some(secret(password)?),
                scheme: Scheme::Basic,
            },
            WizardAuth::AccessKey {
                access_key_id,
                secret_key,
            } => Secrets {
                identity: Some(identity(access_key_id)?),
                secret: Some(secret(secret_key)?),
                scheme: Scheme::AccessKey,
            },
        })
    }

    /// The HTTP auth for Kubo, Cluster and pinning services.
    fn http_auth(&self) -> Option<Auth> {
        match (self.scheme, &self.secret) {
            (Scheme::Token, Some(s)) => Some(Auth::Bearer(s.clone())),
            (Scheme::Basic, Some(s)) => Some(Auth::Basic {
                user: self.identity.clone().unwrap_or_default(),
                password: s.clone(),
            }),
            _ => None,
        }
    }

    /// Access key ID and secret key, for S3 signing.
    pub(crate) fn key_pair(&self) -> Option<(&str, &str)> {
        match (self.scheme, &self.identity, &self.secret) {
            (Scheme::AccessKey, Some(id), Some(s)) => Some((id, s.expose())),
            _ => None,
        }
    }

    /// `text` with the secret replaced by `***`. Very short secrets are left alone: masking
    /// every "a" would garble the message and protect nothing.
    fn mask(&self, text: &str) -> String {
        match &self.secret {
            Some(s) if s.expose().len() >= 4 => text.replace(s.expose(), "***"),
            _ => text.to_string(),
        }
    }

    fn mask_report(&self, r: ProbeReport) -> ProbeReport {
        ProbeReport {
            summary: self.mask(&r.summary),
            facts: r
                .facts
                .into_iter()
                .map(|(k, v)| (self.mask(&k), self.mask(&v)))
                .collect(),
        }
    }
}

/// The shared HTTP client for an RPC/REST endpoint (URL or multiaddr). Credentials
/// embedded in the URL are used when the backend names none.
fn http(address: &str, secrets: &Secrets, timeout: Duration) -> Result<HttpApi, String> {
    let endpoint: Endpoint = address.parse()?;
    let auth = secrets
        .http_auth()
        .or_else(|| endpoint.embedded_auth().cloned());
    HttpApi::new(&endpoint, auth, timeout).map_err(|e| e.to_string())
}

/// Runs a probe to completion from synchronous code, whether or not a tokio runtime is
/// running on this thread.
fn block_on<F>(fut: F) -> Result<ProbeReport, String>
where
    F: Future<Output = Result<ProbeReport, String>> + Send,
{
    if tokio::runtime::Handle::try_current().is_err() {
        return run_on_new_runtime(fut);
    }
    std::thread::scope(|s| {
        s.spawn(|| run_on_new_runtime(fut))
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p))
    })
}

fn run_on_new_runtime<F>(fut: F) -> Result<ProbeReport, String>
where
    F: Future<Output = Result<ProbeReport, String>>,
{
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start a tokio runtime for the probe: {e}"))?
        .block_on(fut)
}

#[cfg(test)]
mod tests;
