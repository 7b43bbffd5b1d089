#!/usr/bin/env bash
# `ipfs-kit mcp` with a daemon running (`supervise --init`: the embedded Kubo + Cluster in a
# throwaway state dir), issue 15, Measure:
#  - `tools/list` and `tools/call dashboard_get_status_summary`: latency p50/p99 over CALLS
#    (default 1,000) calls each on one session, one request in flight at a time, timed by a
#    plain JSON-RPC driver on the pipe (no SDK in the figure);
#  - the server's RSS idle after the handshake, and after the calls.
set -euo pipefail
cd "$(dirname "$0")/.."
CALLS=${CALLS:-1000}
IPFS_KIT_TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export IPFS_KIT_TOOLS_BIN
[ "${SKIP_BUILD:-}" = 1 ] || cargo build --release --quiet
KIT="$PWD/target/release/ipfs-kit"
WORK=$(mktemp -d /tmp/ipfs-kit-bench-mcp.XXXXXX)
export XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config" HOME="$WORK/home"
STATE="$XDG_STATE_HOME/ipfs-kit"
SUP=""
cleanup() {
  [ -n "$SUP" ] && kill -TERM "$SUP" 2>/dev/null && wait "$SUP" 2>/dev/null
  "$KIT" daemon stop all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$KIT" supervise --init >"$WORK/supervise.log" 2>&1 &
SUP=$!
until [ -s "$STATE/api" ] && [ -s "$STATE/api.token" ]; do sleep 0.2; done
URL=$(cat "$STATE/api"); TOKEN=$(cat "$STATE/api.token")
until curl -fsS -H "Authorization: Bearer $TOKEN" "$URL/api/v1/snapshot" >/dev/null 2>&1; do sleep 0.2; done
sleep 5

echo "$(date -u '+%Y-%m-%d %H:%M') UTC, $(nproc) cores, $CALLS calls each on one session, daemon running"
echo
python3 - "$KIT" "$CALLS" <<'PY'
import json, subprocess, sys, time

kit, calls = sys.argv[1], int(sys.argv[2])
# Buffered pipes (an unbuffered readline is a read(2) per byte: 7 ms for tools/list alone).
p = subprocess.Popen([kit, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
n = 0

def rpc(method, params=None):
    global n
    n += 1
    msg = {"jsonrpc": "2.0", "id": n, "method": method}
    if params is not None:
        msg["params"] = params
    p.stdin.write((json.dumps(msg) + "\n").encode())
    p.stdin.flush()
    line = p.stdout.readline()
    r = json.loads(line)
    if "error" in r:
        raise SystemExit(f"{method}: {r['error']}")
    return r["result"]

def rss():
    for l in open(f"/proc/{p.pid}/status"):
        if l.startswith("VmRSS"):
            return int(l.split()[1]) / 1024

rpc("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "bench-mcp", "version": "1"}})
p.stdin.write(b'{"jsonrpc":"2.0","method":"notifications/initialized"}\n')
p.stdin.flush()
time.sleep(2)
idle = rss()

def bench(name, method, params=None):
    rpc(method, params)  # warm
    ts = []
    for _ in range(calls):
        t = time.perf_counter()
        r = rpc(method, params)
        ts.append((time.perf_counter() - t) * 1000)
        if r.get("isError"):
            raise SystemExit(f"{name}: {r}")
    ts.sort()
    pct = lambda q: ts[min(len(ts) - 1, int(q * len(ts)))]
    print(f"| {name} | {pct(0.50):.3f} ms | {pct(0.99):.3f} ms | {ts[-1]:.3f} ms |")

print("| call | p50 | p99 | max |")
print("|---|---|---|---|")
bench("`tools/list`", "tools/list")
bench("`dashboard_get_status_summary`", "tools/call",
      {"name": "dashboard_get_status_summary", "arguments": {}})
after = rss()
print()
print(f"server RSS: {idle:.1f} MiB idle after the handshake, {after:.1f} MiB after the calls")
p.stdin.close()
p.wait(timeout=10)
PY
