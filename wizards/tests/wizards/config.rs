//! The config sections as the binary reads them from config.toml.

use ipfs_kit_wizards::config::{Auth, Target, VfsLocation};
use ipfs_kit_wizards::values::SourceInterval;

use super::common::*;

const FULL: &str = r#"
[kubo]
api = "/ip4/127.0.0.1/tcp/5001"

[backends.local]
kind = "kubo"
api = "/ip4/127.0.0.1/tcp/5001"
repo = "/var/lib/ipfs"

[backends.archive]
kind = "s3"
endpoint = "https://s3.us-east-1.amazonaws.com"
region = "us-east-1"
bucket = "ipfs-archive"

[backends.archive.auth]
scheme = "access-key"
access_key_id_env = "AWS_ACCESS_KEY_ID"
credential = "archive"

[backends.archive.policy]
quota = "500GiB"

[backends.cluster]
kind = "cluster"
api = "http://127.0.0.1:9094"
auth = { scheme = "basic", user = "admin", secret_env = "CLUSTER_PASSWORD" }
policy = { replication_min = 2, replication_max = -1 }

[vfs.media]
mfs_path = "/media"
backends = ["local", "archive"]
replicas = 2

[vfs.media.cache]
eviction = "lfu"

[monitoring.sources]
cluster = "off"

[monitoring.thresholds]
cpu_percent = { warning = 70, critical = 90 }
"#;

fn parse(text: &str) -> Result<WizardSections, String> {
    WizardSections::from_config_str(text)
}

#[test]
fn a_full_config_reads_into_typed_sections() {
    let s = parse(FULL).expect("parses");
    assert_eq!(s.validate(), Ok(()));
    assert!(matches!(
        &s.backends["local"].target,
        Target::Kubo { repo: Some(_), .. }
    ));
    assert!(matches!(
        &s.backends["archive"].auth,
        Auth::AccessKey {
            secret_key: SecretRef::Credential(_),
            ..
        }
    ));
    assert_eq!(
        s.backends["archive"].policy.quota.map(|q| q.bytes()),
        Some(500 << 30)
    );
    assert_eq!(
        s.backends["cluster"]
            .policy
            .replication_max
            .map(|r| r.get()),
        Some(-1)
    );
    assert!(matches!(&s.vfs["media"].location, VfsLocation::Mfs(_)));
    let m = s.monitoring.as_ref().expect("monitoring");
    assert_eq!(m.sources.cluster, SourceInterval::Off);
    assert_eq!(m.sources.kubo, MonitoringConfig::default().sources.kubo);
    assert_eq!(m.thresholds.cpu_percent.warning.get(), 70);
    // And back: serializing and reading again gives the same sections.
    let text = toml::to_string(&s).expect("serializes");
    assert_eq!(parse(&text).expect("re-parses"), s);
}

#[test]
fn mistakes_in_the_file_are_errors() {
    let cases = [
        (
            "[backends.x]\nkind = \"kubo\"\napi = \"/ip4/127.0.0.1/tcp/5001\"\nbukket = \"x\"\n",
            "unknown field `bukket`",
        ),
        (
            "[backends.x]\nkind = \"kubo\"\napi = \"/ip4/127.0.0.1/tcp/5001\"\nbucket = \"data\"\n",
            "bucket: does not apply to kind = \"kubo\"; remove it",
        ),
        (
            "[backends.x]\nkind = \"s3\"\n",
            "endpoint: missing; expected a URL such as https://s3.us-east-1.amazonaws.com; region: missing",
        ),
        (
            "[backends.x]\nkind = \"pinning-service\"\nendpoint = \"https://p.example.org\"\nauth = { scheme = \"token\", secret = \"plain\" }\n",
            "unknown field `secret`",
        ),
        (
            "[backends.x]\nkind = \"kubo\"\napi = \"localhost:5001\"\n",
            "\"localhost:5001\" uses the scheme \"localhost\"; expected http or https",
        ),
        (
            "[vfs.m]\nmfs_path = \"/m\"\nbackends = [\"nope\"]\nreplicas = 2\n",
            "replicas: 2 replicas need at least 2 backends, but 1 are listed",
        ),
        (
            "[monitoring.thresholds]\nmin_peers = { warning = 1, critical = 4 }\n",
            "warning 1 is not above critical 4",
        ),
        (
            "[monitoring.outputs]\nlog_level = \"loud\"\n",
            "unknown variant `loud`",
        ),
        (
            "[monitoring]\nsources = { kubo = \"fast\" }\n",
            "\"fast\" is not a duration",
        ),
    ];
    for (text, want) in cases {
        let err = parse(text).expect_err(text);
        assert!(
            err.contains(want),
            "for {text:?}\nwanted {want:?}\ngot {err}"
        );
    }
}

#[test]
fn vfs_mounts_must_name_configured_backends() {
    let s = parse("[backends.a]\nkind = \"filesystem\"\npath = \"/a\"\n[vfs.m]\nmfs_path = \"/m\"\nbackends = [\"a\", \"b\"]\n").expect("parses");
    let errs = s.validate().expect_err("dangling");
    assert_eq!(
        errs,
        [FieldError::new(
            "vfs.m.backends",
            "backend \"b\" is not configured; expected one of a"
        )]
    );
    let bad_name = parse("[backends.A]\nkind = \"filesystem\"\npath = \"/a\"\n").expect("parses");
    assert_eq!(
        bad_name.validate().expect_err("bad name")[0].path,
        "backends.A"
    );
}

#[test]
fn secrets_never_print_and_never_serialize() {
    let secret = Secret::new("p4ss");
    assert_eq!(format!("{secret} {secret:?}"), "*** ***");
    let answers = sets(&[
        "name=x",
        "kind=pinning-service",
        "endpoint=https://p.example.org",
        "auth.secret=p4ss",
    ]);
    let section = run_non_interactive(WizardKind::Backend, &answers, "").expect("valid");
    assert!(!format!("{section:?}").contains("p4ss"));
    let Section::Backend { config, .. } = section else {
        panic!("backend expected")
    };
    let err = toml::to_string(&config).expect_err("a literal secret must not serialize");
    assert!(
        err.to_string()
            .contains("must be moved to the credentials file"),
        "{err}"
    );
}

#[test]
fn an_empty_monitoring_table_means_defaults() {
    let s = parse("[monitoring]\n").expect("parses");
    assert_eq!(s.monitoring, Some(MonitoringConfig::default()));
}
