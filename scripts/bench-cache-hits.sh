#!/usr/bin/env bash
# The cache's hit rate on the collector's real access pattern: the dashboard (release build)
# runs in tmux for $DURATION s (default 600) at a 1 s refresh against a throwaway local Kubo +
# Cluster with an empty cache, then `ipfs-kit performance cache-stats --json` (another
# process) reads what the dashboard reported of its cache, and `performance metrics` the
# monitor's figures. SKIP_BUILD=1 reuses target/release. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-600}
command -v tmux >/dev/null || { echo "bench-cache-hits: needs tmux (apt-get install tmux)" >&2; exit 1; }
BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export PATH="$BIN:$PATH" IPFS_TELEMETRY=off
[ "${SKIP_BUILD:-0}" = 1 ] || cargo build --release --quiet -p ipfs-kit
KIT="$PWD/target/release/ipfs-kit"

WORK=$(mktemp -d /tmp/ipfs-kit-cachebench.XXXXXX)
PIDS=()
SOCK="$WORK/tmux.sock"
cleanup() {
  tmux -S "$SOCK" kill-server 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=lib/throwaway-node.sh
. scripts/lib/throwaway-node.sh
start_throwaway_node
export IPFS_KIT_KUBO_API="$KUBO_MADDR" IPFS_KIT_CLUSTER_API="$CLUSTER_API"
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state" XDG_CACHE_HOME="$WORK/cache"

tmux -S "$SOCK" new-session -d -x 120 -y 40 \
  "env IPFS_KIT_KUBO_API=$KUBO_MADDR IPFS_KIT_CLUSTER_API=$CLUSTER_API XDG_CONFIG_HOME=$XDG_CONFIG_HOME XDG_STATE_HOME=$XDG_STATE_HOME XDG_CACHE_HOME=$XDG_CACHE_HOME $KIT --interval 1s"
sleep "$DURATION"
"$KIT" performance cache-stats --json >"$WORK/stats.json"
"$KIT" performance metrics --timeframe 1h --json >"$WORK/metrics.json"
python3 - "$WORK/stats.json" "$WORK/metrics.json" "$DURATION" <<'PY'
import json, sys
stats = json.load(open(sys.argv[1]))
metrics = json.load(open(sys.argv[2]))
procs = stats["processes"]
if not procs:
    sys.exit("bench-cache-hits: the dashboard reported no cache figures")
s = procs[0]["stats"]
print(f"| dashboard, {int(sys.argv[3])//60} min at 1 s | {s['requests']} requests | hit rate {100*s['hit_rate']:.1f}% "
      f"(memory {s['memory_hits']}, disk {s['disk_hits']}, misses {s['misses']}) | memory tier {s['memory_entries']} entries, "
      f"{s['memory_bytes']} B; disk tier {stats['store']['disk_entries']} entries, {stats['store']['disk_bytes']} B |")
print()
print("| operation (1 h) | count | p50 ms | p95 ms | p99 ms |")
print("|---|---|---|---|---|")
for m in metrics[:12]:
    print(f"| {m['operation']} | {m['count']} | {m['p50_ms']:.2f} | {m['p95_ms']:.2f} | {m['p99_ms']:.2f} |")
PY
