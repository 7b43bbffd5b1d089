//! `ipfs-kit pin add|rm` (the actions behind the dashboard's p/u keys) against real daemons:
//! through Cluster when it answers, else Kubo; each recorded in the operation history.

mod support;

use support::Harness;

fn count_lines(s: &str) -> usize {
    s.lines().filter(|l| !l.trim().is_empty()).count()
}

#[test]
fn pins_go_through_cluster_when_it_answers() {
    let h = Harness::full();
    let f = h.root().join("p.txt");
    std::fs::write(&f, "pin me through the cluster\n").expect("write");
    let cid = h
        .ipfs(&["add", "-Q", "--pin=false", f.to_str().expect("path")])
        .trim()
        .to_string();

    let out = h
        .ipfs_kit()
        .args(["pin", "add", &format!("/ipfs/{cid}")])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("through cluster"), "{err}");
    assert!(h.cluster_ctl(&["pin", "ls"]).contains(&cid));

    let out = h
        .ipfs_kit()
        .args(["pin", "rm", &cid])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(count_lines(&h.cluster_ctl(&["pin", "ls"])), 0);

    let out = h
        .ipfs_kit()
        .args(["pin", "add", "not-a-cid"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a CID"));

    let out = h
        .ipfs_kit()
        .args(["history", "--json"])
        .output()
        .expect("run");
    let hist = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = hist
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert!(
        lines.iter().any(|e| e["action"] == "pin.add"
            && e["resource"] == cid.as_str()
            && e["status"] == "ok"
            && e["details"]["via"] == "cluster"),
        "{hist}"
    );
    assert!(
        lines
            .iter()
            .any(|e| e["action"] == "pin.remove" && e["status"] == "ok"),
        "{hist}"
    );
    assert!(
        lines
            .iter()
            .any(|e| e["action"] == "pin.add" && e["status"] == "failed"),
        "{hist}"
    );
}

#[test]
fn pins_go_through_kubo_without_a_cluster() {
    let h = Harness::kubo();
    let f = h.root().join("k.txt");
    std::fs::write(&f, "pin me through kubo\n").expect("write");
    let cid = h
        .ipfs(&["add", "-Q", "--pin=false", f.to_str().expect("path")])
        .trim()
        .to_string();
    let out = h
        .ipfs_kit()
        .args(["pin", "add", &cid])
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("through kubo"), "{err}");
    assert!(
        h.ipfs(&["pin", "ls", "--type=recursive", "-q"])
            .contains(&cid)
    );
    let out = h
        .ipfs_kit()
        .args(["pin", "rm", &cid])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(
        !h.ipfs(&["pin", "ls", "--type=recursive", "-q"])
            .contains(&cid)
    );
}
