//! The commit the binary is built from, for `ipfskit_build_info{commit}` (`/metrics`):
//! `git rev-parse` when the source is a git checkout, else `IPFS_KIT_GIT_COMMIT` as a
//! packager sets it, else "unknown". Reruns only when HEAD or its branch moves.

// A build script talks to cargo on stdout: the project's println! ban is for the binary.
#![allow(clippy::disallowed_macros)]

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !s.is_empty()).then_some(s)
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=IPFS_KIT_GIT_COMMIT");
    if std::env::var_os("IPFS_KIT_GIT_COMMIT").is_some() {
        return;
    }
    let Some(commit) = git(&["rev-parse", "--short=12", "HEAD"]) else {
        return;
    };
    // Only files that exist: a missing one would rerun this (and rebuild the crate) each time.
    let mut watch = vec![git(&["rev-parse", "--git-path", "HEAD"])];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watch.push(git(&["rev-parse", "--git-path", &branch]));
        watch.push(git(&["rev-parse", "--git-path", "packed-refs"]));
    }
    for p in watch.into_iter().flatten() {
        if Path::new(&p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
    println!("cargo:rustc-env=IPFS_KIT_GIT_COMMIT={commit}");
}
