#!/usr/bin/env bash
# Installs what is missing, builds, and runs ipfs-kit. With no arguments it uses the
# configured or already-running Kubo, or else the embedded local Kubo + Cluster under the
# state dir (created on first run). Arguments are passed to ipfs-kit.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo >/dev/null 2>&1 || {
  echo "run.sh: error: cargo is missing; install Rust with rustup (https://rustup.rs) and run again" >&2
  exit 1
}
IPFS_KIT_TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export IPFS_KIT_TOOLS_BIN
cargo build --release --quiet
exec target/release/ipfs-kit "$@"
