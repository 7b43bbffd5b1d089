#!/usr/bin/env bash
# Dashboard CPU of two ipfs-kit builds in the same run, against one throwaway Kubo + Cluster:
#   scripts/bench-cpu-ab.sh OLD_BINARY NEW_BINARY
# Each runs alone in tmux (120x40, 1 s refresh) for 5 s of warm-up and a 25 s window, A B A B;
# CPU is the runtime of all its threads (/proc/<pid>/task/*/schedstat) over the window, in %
# of one core. For telling a regression from the machine's day-to-day drift, which moved the
# same binary's figure by a third between days.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 OLD_BINARY NEW_BINARY" >&2; exit 64; }
TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export PATH="$TOOLS_BIN:$PATH" IPFS_TELEMETRY=off
WORK=$(mktemp -d /tmp/ipfs-kit-cpu-ab.XXXXXX)
PIDS=()
SOCK="ipfs-kit-cpu-ab-$$"
cleanup() {
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  rm -rf "$WORK"
}
trap cleanup EXIT
# shellcheck source=lib/throwaway-node.sh
. scripts/lib/throwaway-node.sh
start_throwaway_node
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/cfg IPFS_KIT_KUBO_API=$KUBO_MADDR IPFS_KIT_CLUSTER_API=$CLUSTER_API
unset IPFS_PATH IPFS_CLUSTER_PATH
runtime_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{s+=$1} END {print s+0}'; }
measure() { # binary run
  export XDG_STATE_HOME=$WORK/state-$2
  tmux -L "$SOCK" new-session -d -x 120 -y 40 "$1 --interval 1s"
  sleep 5
  local pid a b
  pid=$(pgrep -f "^$1 --interval" | head -n 1)
  a=$(runtime_ns "$pid")
  sleep 25
  b=$(runtime_ns "$pid")
  tmux -L "$SOCK" kill-server 2>/dev/null || true
  sleep 1
  awk -v a="$a" -v b="$b" -v n="$1" 'BEGIN {printf "%s: %.2f%% of one core\n", n, 100 * (b - a) / 25e9}'
}
for r in 1 2; do measure "$1" "a$r"; measure "$2" "b$r"; done
