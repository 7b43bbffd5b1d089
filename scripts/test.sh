#!/usr/bin/env bash
# Runs every test: installs what the tests need when it is missing (tmux, zsh and fish, the
# pinned Kubo and IPFS Cluster), then the whole workspace's tests against real daemons.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v tmux >/dev/null 2>&1 || need_apt+=(tmux)
# The completion scripts are parsed by the shells they are for.
command -v zsh >/dev/null 2>&1 || need_apt+=(zsh)
command -v fish >/dev/null 2>&1 || need_apt+=(fish)
if [ ${#need_apt[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    echo "test.sh: installing ${need_apt[*]} with apt-get" >&2
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "test.sh: error: ${need_apt[*]} missing and apt-get is not available; install ${need_apt[*]} and run again" >&2
    exit 1
  fi
fi

command -v cargo >/dev/null 2>&1 || {
  echo "test.sh: error: cargo is missing; install Rust with rustup (https://rustup.rs) and run again" >&2
  exit 1
}

IPFS_KIT_TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export IPFS_KIT_TOOLS_BIN
# The S3-compatible server the probe tests talk to.
scripts/install-test-tools.sh >/dev/null

cargo test --workspace --no-fail-fast
