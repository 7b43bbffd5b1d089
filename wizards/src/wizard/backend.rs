//! Backend wizard: kind, connection, credentials, policy, then review with a live
//! connection test.

use super::build::Reader;
use super::question::{Arm, CheckFn, Question};
use super::{Def, Section};
use crate::answers::Answers;
use crate::config::auth::{AuthFile, AuthScheme};
use crate::config::backend::BackendFile;
use crate::config::{BackendConfig, BackendKind, BackendPolicy};
use crate::field::FieldError;
use crate::validate;

pub(crate) struct BackendDef;

const KEYS: &[&str] = &[
    "kind",
    "api",
    "repo",
    "endpoint",
    "region",
    "bucket",
    "path_style",
    "path",
    "auth.scheme",
    "auth.user",
    "auth.user_env",
    "auth.access_key_id",
    "auth.access_key_id_env",
    "auth.secret",
    "auth.secret_env",
    "auth.credential",
    "name",
    "policy.timeout",
    "policy.connect_timeout",
    "policy.priority",
    "policy.weight",
    "policy.quota",
    "policy.replication_min",
    "policy.replication_max",
];

fn kind_of(a: &Answers) -> BackendKind {
    a.get("kind")
        .and_then(|k| BackendKind::parse(k).ok())
        .unwrap_or(BackendKind::Kubo)
}

fn scheme_of(a: &Answers, kind: BackendKind) -> AuthScheme {
    let allowed = kind.auth_schemes();
    a.get("auth.scheme")
        .and_then(|s| AuthScheme::parse(s).ok())
        .filter(|s| allowed.contains(s))
        .unwrap_or(kind.default_auth())
}

// Validators as the prompts take them (non-capturing closures coerce to fn pointers).
const ENDPOINT: CheckFn = |s| validate::endpoint(s).map(drop);
const HTTP_URL: CheckFn = |s| validate::http_url(s).map(drop);
const ABS_PATH: CheckFn = |s| validate::abs_path(s).map(drop);
const ENV_VAR: CheckFn = |s| validate::env_var_name(s).map(drop);
const SECRET: CheckFn = |s| validate::secret(s).map(drop);
const IDENTITY: CheckFn = |s| validate::identity(s).map(drop);
const ENTRY: CheckFn = |s| validate::entry_name(s).map(drop);

fn connection(kind: BackendKind) -> Vec<Question> {
    match kind {
        BackendKind::Kubo => vec![
            Question::text("api", "Kubo RPC address", ENDPOINT)
                .default("/ip4/127.0.0.1/tcp/5001")
                .help(
                    "A URL (https://node.example.org:5001) or multiaddr (/ip4/127.0.0.1/tcp/5001)",
                ),
            Question::text(
                "repo",
                "Repo path on this host (empty for a remote node)",
                ABS_PATH,
            )
            .optional()
            .help("Lets checks read the disk the repo lives on, e.g. /var/lib/ipfs"),
        ],
        BackendKind::Cluster => vec![
            Question::text("api", "Cluster REST API address", ENDPOINT)
                .default("/ip4/127.0.0.1/tcp/9094")
                .help("A URL or multiaddr; the REST API listens on port 9094 by default"),
        ],
        BackendKind::S3 => vec![
            Question::text("endpoint", "S3 endpoint URL", HTTP_URL)
                .help("e.g. https://s3.us-east-1.amazonaws.com or http://127.0.0.1:9000 for MinIO"),
            Question::text("region", "Region", |s| validate::region(s).map(drop))
                .default("us-east-1"),
            Question::text("bucket", "Bucket name", |s| {
                validate::bucket_name(s).map(drop)
            }),
            Question::flag(
                "path_style",
                "Path-style addressing (endpoint/bucket, as MinIO and most self-hosted servers)?",
                false,
            ),
        ],
        BackendKind::Filesystem => vec![
            Question::text("path", "Directory to store blocks in", ABS_PATH)
                .help("An absolute path, e.g. /srv/ipfs-blocks"),
        ],
        BackendKind::PinningService => vec![
            Question::text("endpoint", "Pinning service API URL", HTTP_URL).help(
                "The base URL of the IPFS Pinning Service API, e.g. https://api.pinata.cloud/psa",
            ),
        ],
    }
}

fn secret_question(what: &str) -> Question {
    Question::either(
        format!("How should ipfs-kit get the {what}?"),
        vec![
            Arm {
                key: "auth.secret",
                label: "Type it now (hidden; saved to credentials.toml, mode 0600)",
                message: "Secret",
                masked: true,
                check: SECRET,
            },
            Arm {
                key: "auth.secret_env",
                label: "Read it from an environment variable",
                message: "Environment variable name",
                masked: false,
                check: ENV_VAR,
            },
            Arm {
                key: "auth.credential",
                label: "Use an entry already in credentials.toml",
                message: "Credential name",
                masked: false,
                check: ENTRY,
            },
        ],
    )
}

fn identity_question(key: &'static str, env_key: &'static str, what: &str) -> Question {
    Question::either(
        format!("How should ipfs-kit get the {what}?"),
        vec![
            Arm {
                key,
                label: "Type it now (kept in config.toml; it is not a secret)",
                message: "Value",
                masked: false,
                check: IDENTITY,
            },
            Arm {
                key: env_key,
                label: "Read it from an environment variable",
                message: "Environment variable name",
                masked: false,
                check: ENV_VAR,
            },
        ],
    )
}

fn credentials(a: &Answers, kind: BackendKind) -> Vec<Question> {
    let allowed = kind.auth_schemes();
    let mut qs = Vec::new();
    if allowed.len() > 1 {
        let options = allowed
            .iter()
            .map(|s| (s.as_str().to_string(), s.label().to_string()))
            .collect();
        qs.push(Question::choice(
            "auth.scheme",
            "Credentials",
            options,
            kind.default_auth().as_str(),
        ));
    }
    match scheme_of(a, kind) {
        AuthScheme::None => {}
        AuthScheme::Token => qs.push(secret_question("token")),
        AuthScheme::Basic => {
            qs.push(identity_question("auth.user", "auth.user_env", "user name"));
            qs.push(secret_question("password"));
        }
        AuthScheme::AccessKey => {
            qs.push(identity_question(
                "auth.access_key_id",
                "auth.access_key_id_env",
                "access key ID",
            ));
            qs.push(secret_question("secret access key"));
        }
    }
    qs
}

fn policy(kind: BackendKind) -> Vec<Question> {
    let d = BackendPolicy::default();
    let mut qs = vec![
        Question::text("name", "Name for this backend", ENTRY)
            .default(kind.as_str())
            .help("Used as [backends.<name>] in config.toml; lowercase letters, digits, - and _"),
        Question::text("policy.timeout", "Request timeout", |s| {
            validate::duration(s).map(drop)
        })
        .default(d.timeout.to_string()),
        Question::text("policy.connect_timeout", "Connect timeout", |s| {
            validate::duration(s).map(drop)
        })
        .default(d.connect_timeout.to_string()),
        Question::text("policy.priority", "Priority (lower is tried first)", |s| {
            validate::priority(s).map(drop)
        })
        .default(d.priority.to_string()),
        Question::text(
            "policy.weight",
            "Weight among backends of the same priority",
            |s| validate::weight(s).map(drop),
        )
        .default(d.weight.to_string()),
        Question::text("policy.quota", "Quota (empty for none)", |s| {
            validate::byte_size(s).map(drop)
        })
        .optional()
        .help("Most data ipfs-kit places here, e.g. 500GiB"),
    ];
    if kind == BackendKind::Cluster {
        qs.push(
            Question::text(
                "policy.replication_min",
                "Replication factor min (-1 = every peer; empty for the cluster's default)",
                |s| validate::replication_factor(s).map(drop),
            )
            .optional(),
        );
        qs.push(
            Question::text(
                "policy.replication_max",
                "Replication factor max (-1 = every peer; empty for the cluster's default)",
                |s| validate::replication_factor(s).map(drop),
            )
            .optional(),
        );
    }
    qs
}

impl Def for BackendDef {
    fn steps(&self) -> &'static [&'static str] {
        &["Kind", "Connection", "Credentials", "Policy"]
    }

    fn review_title(&self) -> &'static str {
        "Review and connection test"
    }

    fn review_is_own_step(&self) -> bool {
        true
    }

    fn questions(&self, step: usize, a: &Answers) -> Vec<Question> {
        let kind = kind_of(a);
        match step {
            0 => {
                let options = BackendKind::ALL
                    .iter()
                    .map(|k| (k.as_str().to_string(), k.label().to_string()))
                    .collect();
                vec![Question::choice(
                    "kind",
                    "What kind of backend?",
                    options,
                    "kubo",
                )]
            }
            1 => connection(kind),
            2 => credentials(a, kind),
            3 => policy(kind),
            _ => Vec::new(),
        }
    }

    fn known_keys(&self) -> &'static [&'static str] {
        KEYS
    }

    fn build(&self, a: &Answers) -> Result<Section, Vec<FieldError>> {
        let mut r = Reader::new(a);
        let name = r.need("name", validate::entry_name, "a name such as archive-s3");
        let d = BackendPolicy::default();
        let file = BackendFile {
            kind: r.need(
                "kind",
                BackendKind::parse,
                "one of kubo, cluster, s3, filesystem, pinning-service",
            ),
            api: r.opt("api", validate::endpoint),
            repo: r.opt("repo", validate::abs_path),
            endpoint: r.opt("endpoint", validate::http_url),
            region: r.opt("region", validate::region),
            bucket: r.opt("bucket", validate::bucket_name),
            path_style: r.opt("path_style", validate::boolean),
            path: r.opt("path", validate::abs_path),
            auth: AuthFile {
                scheme: r.opt("auth.scheme", AuthScheme::parse),
                user: r.opt("auth.user", validate::identity),
                user_env: r.opt("auth.user_env", validate::env_var_name),
                access_key_id: r.opt("auth.access_key_id", validate::identity),
                access_key_id_env: r.opt("auth.access_key_id_env", validate::env_var_name),
                secret_env: r.opt("auth.secret_env", validate::env_var_name),
                credential: r.opt("auth.credential", validate::entry_name),
                secret: r.opt("auth.secret", validate::secret),
            },
            policy: BackendPolicy {
                timeout: r.or("policy.timeout", validate::duration, d.timeout),
                connect_timeout: r.or(
                    "policy.connect_timeout",
                    validate::duration,
                    d.connect_timeout,
                ),
                priority: r.or("policy.priority", validate::priority, d.priority),
                weight: r.or("policy.weight", validate::weight, d.weight),
                quota: r.opt("policy.quota", validate::byte_size),
                replication_min: r.opt("policy.replication_min", validate::replication_factor),
                replication_max: r.opt("policy.replication_max", validate::replication_factor),
            },
        };
        let config = match BackendConfig::try_from(file) {
            Ok(c) => Some(c),
            Err(e) => {
                r.merge(e.0);
                None
            }
        };
        let section = name
            .zip(config)
            .map(|(name, config)| Section::Backend { name, config });
        r.finish(section)
    }
}
