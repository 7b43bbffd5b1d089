#!/usr/bin/env bash
# Installs the pinned Kubo (ipfs) and IPFS Cluster (ipfs-cluster-service, ipfs-cluster-ctl)
# binaries into a cache outside the repo, with Go. Does nothing when the pinned versions are
# already there. Prints the bin directory on its last line.
#
#   IPFS_KIT_TOOLS_BIN   where the binaries go (default ${XDG_CACHE_HOME:-~/.cache}/ipfs-kit/tools/bin)
set -euo pipefail

KUBO_VERSION=v0.39.0
CLUSTER_VERSION=v1.1.6
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/ipfs-kit/tools"
BIN="${IPFS_KIT_TOOLS_BIN:-$CACHE_ROOT/bin}"
# cockroachdb/swiss (a Kubo and Cluster dependency) only builds on Go >= 1.26 with this tag;
# on older Go it changes nothing.
TAGS=untested_go_version

say() { echo "install-ipfs-tools: $*" >&2; }

has_version() { # binary, expected version text
  [ -x "$BIN/$1" ] && "$BIN/$1" --version 2>/dev/null | grep -q "$2"
}

if has_version ipfs "${KUBO_VERSION#v}" &&
  has_version ipfs-cluster-service "${CLUSTER_VERSION#v}" &&
  has_version ipfs-cluster-ctl "${CLUSTER_VERSION#v}"; then
  echo "$BIN"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  say "error: Go is not installed, and it is needed to build Kubo $KUBO_VERSION and IPFS Cluster $CLUSTER_VERSION."
  say "Install Go 1.25 or newer (Debian/Ubuntu: sudo apt-get install golang-go; or https://go.dev/doc/install), then run this script again."
  exit 1
fi

mkdir -p "$BIN" "$CACHE_ROOT"
# One install at a time (tests and the run script may start together).
exec 9>"$CACHE_ROOT/.install.lock"
command -v flock >/dev/null 2>&1 && flock 9

# go install pkg@version first; when the module proxy will not list versions (it is asked
# for deprecation notices) or the install fails otherwise, build the same pinned version as
# the dependency of a small local module, which needs only the version's own files.
install_pinned() { # module, version, binary names...
  local module=$1 version=$2
  shift 2
  local pkgs=() name
  for name in "$@"; do pkgs+=("$module/cmd/$name"); done
  local all_ok=1
  for name in "$@"; do has_version "$name" "${version#v}" || all_ok=0; done
  [ $all_ok = 1 ] && return 0

  say "building ${pkgs[*]} at $version (takes a few minutes the first time)"
  local p
  if (for p in "${pkgs[@]}"; do GOBIN="$BIN" go install -tags "$TAGS" "$p@$version" || exit 1; done) 2>"$CACHE_ROOT/go-install.log"; then
    return 0
  fi
  say "go install failed ($(grep -m1 -E 'go: |error' "$CACHE_ROOT/go-install.log" || true)); building from a pinned module instead"

  local dir="$CACHE_ROOT/build/$(basename "$module")-$version"
  mkdir -p "$dir"
  {
    echo "module ipfskit.local/tools"
    echo
    echo "go 1.25"
    echo
    echo "require $module $version"
  } >"$dir/go.mod"
  {
    echo "//go:build tools"
    echo
    echo "package tools"
    echo
    for p in "${pkgs[@]}"; do echo "import _ \"$p\""; done
  } >"$dir/tools.go"
  (cd "$dir" && go mod tidy && go build -tags "$TAGS" -o "$BIN/" "${pkgs[@]}")
  for name in "$@"; do
    has_version "$name" "${version#v}" || { say "error: $name $version did not install (see above)"; exit 1; }
  done
}

install_pinned github.com/ipfs/kubo "$KUBO_VERSION" ipfs
install_pinned github.com/ipfs-cluster/ipfs-cluster "$CLUSTER_VERSION" ipfs-cluster-service ipfs-cluster-ctl

say "installed: $("$BIN/ipfs" --version), $("$BIN/ipfs-cluster-service" --version), $("$BIN/ipfs-cluster-ctl" --version)"
echo "$BIN"
