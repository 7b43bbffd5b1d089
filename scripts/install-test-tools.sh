#!/usr/bin/env bash
# Installs the pinned tools only the tests need, into the same cache as
# install-ipfs-tools.sh: s3s-fs, an S3-compatible server on a local directory (the backend
# probe tests sign real requests against it). Does nothing when the pinned version is
# already there. Prints the bin directory on its last line.
#
#   IPFS_KIT_TOOLS_BIN   where the binaries go (default ${XDG_CACHE_HOME:-~/.cache}/ipfs-kit/tools/bin)
set -euo pipefail

# 0.15 and later need a newer Rust than 1.95; 0.14.1 has what the probes use
# (SigV4 auth, path-style buckets as directories).
S3S_FS_VERSION=0.14.1
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/ipfs-kit/tools"
BIN="${IPFS_KIT_TOOLS_BIN:-$CACHE_ROOT/bin}"

say() { echo "install-test-tools: $*" >&2; }

has_version() { # binary, expected version text
  [ -x "$BIN/$1" ] && "$BIN/$1" --version 2>/dev/null | grep -q "$2"
}

if has_version s3s-fs "$S3S_FS_VERSION"; then
  echo "$BIN"
  exit 0
fi

if ! command -v cargo >/dev/null 2>&1; then
  say "error: cargo is not installed, and it is needed to build s3s-fs $S3S_FS_VERSION."
  say "Install Rust with rustup (https://rustup.rs), then run this script again."
  exit 1
fi

mkdir -p "$BIN" "$CACHE_ROOT"
# One install at a time (shared with install-ipfs-tools.sh).
exec 9>"$CACHE_ROOT/.install.lock"
command -v flock >/dev/null 2>&1 && flock 9
# Another run may have installed it while we waited for the lock.
if has_version s3s-fs "$S3S_FS_VERSION"; then
  echo "$BIN"
  exit 0
fi

say "building s3s-fs $S3S_FS_VERSION with cargo install (takes a few minutes the first time)"
# The binary sits behind the crate's `binary` feature. cargo install --root puts it in
# <root>/bin, which is $BIN unless IPFS_KIT_TOOLS_BIN points elsewhere; then it is copied.
if ! cargo install s3s-fs --version "=$S3S_FS_VERSION" --locked --features binary \
  --root "$CACHE_ROOT" >"$CACHE_ROOT/cargo-install.log" 2>&1; then
  say "error: cargo install s3s-fs $S3S_FS_VERSION failed; the end of $CACHE_ROOT/cargo-install.log:"
  tail -n 20 "$CACHE_ROOT/cargo-install.log" >&2
  exit 1
fi
if [ "$CACHE_ROOT/bin" != "$BIN" ]; then
  install -m 755 "$CACHE_ROOT/bin/s3s-fs" "$BIN/s3s-fs"
fi
has_version s3s-fs "$S3S_FS_VERSION" || {
  say "error: s3s-fs $S3S_FS_VERSION did not install into $BIN (see $CACHE_ROOT/cargo-install.log)"
  exit 1
}

say "installed: $("$BIN/s3s-fs" --version)"
echo "$BIN"
