//! The Host tab with two real Kubo daemons on this host, one watched and one of another repo
//! (issue 11 item 9): the watched one is found by its API port, the other is marked `other`,
//! and the Kubo panel's uptime is the watched one's.

mod support;

use std::sync::Arc;
use std::time::Duration;

use ipfs_kit::config::{self, Overrides};
use ipfs_kit::tui::{AppInfo, Model, Tab};
use ipfs_kit_widgets::Theme;
use ratatui::{buffer::Buffer, layout::Rect};
use support::{Harness, TestEnv, runtime};

fn screen(m: &Model) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, m.size.0, m.size.1));
    ipfs_kit::tui::render(m, &mut buf);
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_host_tab_tells_the_watched_kubo_from_another_repos() {
    let watched = Harness::kubo();
    let other = Harness::kubo();
    let watched_pid = watched.kubo.as_ref().map(|p| p.pid()).expect("pid");
    let other_pid = other.kubo.as_ref().map(|p| p.pid()).expect("pid");
    let env = TestEnv(vec![
        ("HOME", watched.root().join("home").display().to_string()),
        (
            "XDG_CONFIG_HOME",
            watched.root().join("config").display().to_string(),
        ),
        ("IPFS_KIT_KUBO_API", watched.kubo_api.to_string()),
    ]);
    let cfg = config::load(&Overrides::default(), &env).expect("config");
    let snap = runtime().block_on(ipfs_kit::collector::collect_once(
        &cfg,
        Duration::from_secs(20),
    ));
    let procs = &snap.host.data.as_ref().expect("host data").processes;
    let find = |pid: u32| {
        procs
            .iter()
            .find(|p| p.pid == pid)
            .unwrap_or_else(|| panic!("pid {pid} not listed: {procs:#?}"))
    };
    let port = watched.kubo_api.url().port().expect("api port");
    assert!(find(watched_pid).listen_ports.contains(&port));
    assert!(snap.is_watched(find(watched_pid)));
    assert!(!snap.is_watched(find(other_pid)));
    // Two Kubo processes: the uptime is still the watched one's, not unknown.
    assert!(snap.daemon_uptime("kubo").is_some());

    let info = AppInfo {
        config_path: "~/.config/ipfs-kit/config.toml".into(),
        log_dir: "~/.local/state/ipfs-kit/logs".into(),
        read_only: true,
        version: "ipfs-kit (test)".into(),
        no_supervisor: None,
        stop_on_exit: false,
        feed: None,
    };
    let mut m = Model::new(info, Theme::default(), Arc::new((*snap).clone()), (140, 40));
    m.tab = Tab::Host;
    let text = screen(&m);
    let row = |pid: u32| {
        text.lines()
            .find(|l| l.contains(&format!(" {pid} ")))
            .unwrap_or_else(|| panic!("no row for {pid}:\n{text}"))
            .to_string()
    };
    assert!(row(watched_pid).contains("✔ watched kubo"), "{text}");
    assert!(row(other_pid).contains("other"), "{text}");
    assert!(!row(other_pid).contains("watched"), "{text}");
    assert!(
        text.contains("watched,"),
        "the title counts them apart:\n{text}"
    );
    m.tab = Tab::Node;
    let node = screen(&m);
    let uptime = node
        .lines()
        .find(|l| l.contains("Uptime"))
        .unwrap_or_else(|| panic!("no uptime:\n{node}"));
    assert!(!uptime.contains("n/a"), "{node}");
}
