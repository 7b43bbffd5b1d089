//! The supervisor as the dashboard runs it: daemon statuses flow into the Snapshot, actions
//! run through the service, a crash shows as an alert and is restarted.

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ipfs_kit::collector::Collector;
use ipfs_kit::config::{self, Overrides};
use ipfs_kit::model::Snapshot;
use ipfs_kit::supervisor::manager::Supervisor;
use ipfs_kit::supervisor::service::{Action, SupervisorService};
use ipfs_kit::supervisor::spec::SupervisorConfig;
use support::{TestEnv, runtime, tools};
use tokio::sync::watch;

async fn wait_for(
    rx: &mut watch::Receiver<Arc<Snapshot>>,
    what: &str,
    pred: impl Fn(&Snapshot) -> bool,
) -> Arc<Snapshot> {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let snap = rx.borrow_and_update().clone();
        if pred(&snap) {
            return snap;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(
            !left.is_zero(),
            "timed out waiting for {what}: daemons {:?} alerts {:?}",
            snap.daemons,
            snap.alerts
        );
        let _ = tokio::time::timeout(left, rx.changed()).await;
    }
}

fn state_of(s: &Snapshot, name: &str) -> Option<&'static str> {
    s.daemons
        .iter()
        .find(|d| d.name == name)
        .map(|d| d.state.as_str())
}

#[test]
fn statuses_reach_the_snapshot_and_a_crash_alerts_then_recovers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let rt = runtime();
    rt.block_on(async {
        let mut sup = Supervisor::new(SupervisorConfig::embedded(&state), tools());
        sup.start("all", true).await.expect("start all --init");
        let status = sup.status();
        let kubo_api = status
            .iter()
            .find(|d| d.name == "kubo")
            .and_then(|d| d.api.clone())
            .expect("kubo api");
        let cluster_api = status
            .iter()
            .find(|d| d.name == "cluster")
            .and_then(|d| d.api.clone())
            .expect("cluster api");

        let env = TestEnv(vec![
            ("HOME", dir.path().join("home").display().to_string()),
            ("IPFS_KIT_KUBO_API", kubo_api),
            ("IPFS_KIT_CLUSTER_API", cluster_api),
            ("IPFS_KIT_STATE_DIR", state.display().to_string()),
        ]);
        let ov = Overrides {
            interval: Some(Duration::from_millis(300)),
            ..Default::default()
        };
        let cfg = config::load(&ov, &env).expect("config");
        let collector = Collector::spawn(&cfg);
        let service = SupervisorService::spawn(sup, None, state.clone(), collector.updates());
        let mut rx = collector.snapshots.clone();

        wait_for(&mut rx, "both ready in the snapshot", |s| {
            state_of(s, "kubo") == Some("ready") && state_of(s, "cluster") == Some("ready")
        })
        .await;

        let events = service
            .run(Action::Restart, "cluster")
            .await
            .expect("restart cluster");
        assert!(
            events.iter().any(|e| e.kind.as_str() == "stop"),
            "{events:?}"
        );
        assert!(
            events.iter().any(|e| e.kind.as_str() == "start"),
            "{events:?}"
        );

        let pid = rx
            .borrow()
            .daemons
            .iter()
            .find(|d| d.name == "kubo")
            .and_then(|d| d.pid)
            .expect("pid");
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid as i32),
            nix::sys::signal::Signal::SIGKILL,
        )
        .expect("kill -9");
        let snap = wait_for(&mut rx, "crash alert", |s| {
            s.alerts.iter().any(|a| a.rule == "daemon_kubo_crashed")
        })
        .await;
        assert!(
            snap.alerts
                .iter()
                .any(|a| a.rule == "daemon_kubo_crashed" && a.severity.as_str() == "warning")
        );
        let snap = wait_for(&mut rx, "kubo back", |s| {
            s.daemons
                .iter()
                .any(|d| d.name == "kubo" && d.state.as_str() == "ready" && d.restarts == 1)
        })
        .await;
        assert!(
            snap.daemons
                .iter()
                .any(|d| d.name == "kubo" && d.last_exit.as_deref() == Some("killed by SIGKILL"))
        );

        service.shutdown(true).await;
        drop(collector);
    });
    let root = dir.path().display().to_string();
    assert!(
        support::daemons_under(dir.path()).is_empty(),
        "daemons left running under {root}"
    );
}

/// Processes whose command line is exactly `args`.
fn processes(args: &[&str]) -> Vec<u32> {
    let want = (args.join("\0") + "\0").into_bytes();
    std::fs::read_dir("/proc")
        .map(|d| {
            d.flatten()
                .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
                .filter(|p| {
                    std::fs::read(format!("/proc/{p}/cmdline")).ok().as_ref() == Some(&want)
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn quitting_ends_a_start_that_waits_for_readiness_at_once() {
    use ipfs_kit::supervisor::spec::{DaemonSpec, GenericSpec, Kind};
    let dir = tempfile::tempdir().expect("tempdir");
    let state = dir.path().join("state");
    let mut cfg = SupervisorConfig::embedded(&state);
    cfg.ready_timeout = Duration::from_secs(80);
    cfg.daemons = vec![DaemonSpec {
        name: "never-ready".into(),
        kind: Kind::Generic(GenericSpec {
            command: vec!["sleep".into(), "86397".into()],
            ready_url: None,
            ready_log: Some("this line is never written".into()),
        }),
        dir: dir.path().to_path_buf(),
        log: state.join("logs/never-ready.log"),
    }];
    let rt = runtime();
    rt.block_on(async {
        let (updates, _rx) = tokio::sync::mpsc::channel(64);
        let service =
            SupervisorService::spawn(Supervisor::new(cfg, tools()), None, state.clone(), updates);
        let requester = service.requester();
        let start = tokio::spawn(async move { requester.run(Action::Start, "never-ready").await });
        let deadline = Instant::now() + Duration::from_secs(20);
        while processes(&["sleep", "86397"]).is_empty() {
            assert!(Instant::now() < deadline, "the daemon never started");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let began = Instant::now();
        service.shutdown(true).await;
        let took = began.elapsed();
        assert!(took < Duration::from_secs(10), "shutdown took {took:?}");
        let outcome = start.await.expect("join");
        assert!(
            outcome.as_ref().is_err_and(|e| e.contains("shutting down")),
            "{outcome:?}"
        );
    });
    assert!(
        processes(&["sleep", "86397"]).is_empty(),
        "the half-started daemon was stopped"
    );
}
