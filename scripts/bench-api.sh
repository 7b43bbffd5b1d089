#!/usr/bin/env bash
# The daemon's HTTP API under load, with the embedded Kubo + Cluster in a throwaway state dir
# (issue 14, Measure):
#  - `/api/v1/snapshot` and `/health` at a fixed 1,000 req/s for DURATION (default 30 s) with
#    oha (`cargo install oha --locked` into ~/.cache/ipfs-kit/oha when missing): requests/s,
#    p99, and the daemon's RSS before and after;
#  - `/metrics` the same way (it renders on every request);
#  - SSE fan-out: CLIENTS (default 100) `curl -N` on `/api/v1/snapshots` for DURATION: the
#    daemon's CPU and RSS with and without them, per client.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
RATE=${RATE:-1000}
CLIENTS=${CLIENTS:-100}
IPFS_KIT_TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export IPFS_KIT_TOOLS_BIN
OHA_ROOT="$HOME/.cache/ipfs-kit/oha"
OHA="$(command -v oha || echo "$OHA_ROOT/bin/oha")"
[ -x "$OHA" ] || cargo install oha --locked --quiet --root "$OHA_ROOT"
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet
KIT="$PWD/target/release/ipfs-kit"
WORK=$(mktemp -d /tmp/ipfs-kit-bench-api.XXXXXX)
export XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config" HOME="$WORK/home"
STATE="$XDG_STATE_HOME/ipfs-kit"
SUP=""; CURLS=()
cleanup() {
  for c in "${CURLS[@]}"; do kill "$c" 2>/dev/null || true; done
  [ -n "$SUP" ] && kill -TERM "$SUP" 2>/dev/null && wait "$SUP" 2>/dev/null
  "$KIT" daemon stop all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$SUP/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$SUP/stat"; }

"$KIT" supervise --init >"$WORK/supervise.log" 2>&1 &
SUP=$!
until [ -s "$STATE/api" ] && [ -s "$STATE/api.token" ]; do sleep 0.2; done
URL=$(cat "$STATE/api"); TOKEN=$(cat "$STATE/api.token")
until curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/api/v1/snapshot" >/dev/null 2>&1; do sleep 0.2; done
sleep 5

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, load average $(load) at the start, ${RATE} req/s for ${DURATION}s, oha $("$OHA" --version | awk '{print $2}'), $KIT"
echo

# SSE first, on a daemon no load has grown yet: its RSS per client is then the clients'
# own, not heap the load generator's requests left behind for them to reuse.
hz=$(getconf CLK_TCK)
t0=$(cpu_ticks); sleep "$DURATION"; t1=$(cpu_ticks); idle_rss=$(rss_kib)
for _ in $(seq 1 "$CLIENTS"); do
  curl -sN -H "Authorization: Bearer $TOKEN" "$URL/api/v1/snapshots" >/dev/null 2>&1 &
  CURLS+=($!)
done
sleep 5
t2=$(cpu_ticks); sleep "$DURATION"; t3=$(cpu_ticks); sse_rss=$(rss_kib)
open=$(ss -Htn state established "( sport = :${URL##*:} )" | wc -l)
python3 - "$hz" "$DURATION" "$CLIENTS" "$t0" "$t1" "$t2" "$t3" "$idle_rss" "$sse_rss" "$open" <<'PY'
import sys
hz, dur, n, t0, t1, t2, t3, r0, r1, conns = map(float, sys.argv[1:])
idle, sse = (t1 - t0) / hz / dur * 100, (t3 - t2) / hz / dur * 100
print(f"| SSE ({conns:.0f} connections open) | daemon CPU (% of a core) | daemon RSS |")
print("|---|---|---|")
print(f"| 0 clients | {idle:.2f} % | {r0 / 1024:.1f} MiB |")
print(f"| {n:.0f} clients | {sse:.2f} % | {r1 / 1024:.1f} MiB |")
print(f"| per client | {(sse - idle) / n:.3f} % | {(r1 - r0) / n:.1f} KiB |")
PY
for c in "${CURLS[@]}"; do kill "$c" 2>/dev/null || true; done
CURLS=()
sleep 2

echo
echo "| endpoint | requests/s | p50 | p99 | max | RSS before → after |"
echo "|---|---|---|---|---|---|"
for path in /health /api/v1/snapshot /metrics; do
  before=$(rss_kib)
  "$OHA" --no-tui --output-format json --latency-correction -q "$RATE" -z "${DURATION}s" \
    -H "Authorization: Bearer $TOKEN" "$URL$path" >"$WORK/oha.json"
  after=$(rss_kib)
  python3 - "$WORK/oha.json" "$path" "$before" "$after" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s, p = d["summary"], d["latencyPercentiles"]
ms = lambda x: f"{x * 1000:.2f} ms"
ok = d.get("statusCodeDistribution", {})
print(f"| `{sys.argv[2]}` | {s['requestsPerSec']:.0f} (status {ok}) | {ms(p['p50'])} | "
      f"{ms(p['p99'])} | {ms(s['slowest'])} | {int(sys.argv[3]) / 1024:.1f} → {int(sys.argv[4]) / 1024:.1f} MiB |")
PY
done
echo
echo "load average $(load) at the end"
