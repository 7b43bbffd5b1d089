#!/usr/bin/env bash
# Benchmark of the dashboard beside htop, btop and bottom (btm), in the same run:
# each runs alone in its own tmux server (120x40 pane) at a 1 s refresh for $DURATION s
# (default 30), the dashboard polling a throwaway local Kubo + Cluster started here (as
# bench-once.sh does). For each tool it reports:
#   - CPU % of one core: runtime of every thread of the process tree, from
#     /proc/<pid>/task/<tid>/schedstat, over the steady window ($WARMUP s to the end);
#   - steady RSS: median of the tree's VmRSS sampled each second in that window;
#   - bytes written to the terminal per second in that window (tmux pipe-pane);
#   - time to first frame: from exec to the moment the pane has received 300 printable,
#     non-blank characters (a screenful of text, not just mode switches), and to the first
#     printable non-blank character at all (the first line drawn);
#   - beside the dashboard's row: the CPU Kubo + Cluster spent in the same window, i.e. the
#     cost its polling puts on the daemons (the others do not talk to them).
# Installs htop and btop with apt-get and bottom with apt-get or `cargo install bottom
# --locked` when missing; a tool that cannot be installed is reported as missing.
# Prints a Markdown table; paste it into BENCHMARKS.md with the date and machine.
# KEEP=1 keeps the work dir (per-tool output logs: <tool>.chunks).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-30}
WARMUP=${WARMUP:-5}

for t in tmux python3; do
  command -v "$t" >/dev/null || { echo "bench-tui: needs $t (apt-get install $t)" >&2; exit 1; }
done

apt_updated=""
apt_install() { # package... ; 0 when installed
  command -v apt-get >/dev/null || return 1
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if [ -z "$apt_updated" ]; then $sudo apt-get update -qq >/dev/null 2>&1 || true; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1
}
command -v htop >/dev/null || apt_install htop || true
command -v btop >/dev/null || apt_install btop || true
if ! command -v btm >/dev/null; then
  apt_install btm || apt_install bottom || {
    echo "bench-tui: bottom is not packaged here; cargo install bottom --locked (takes minutes)" >&2
    cargo install bottom --locked --quiet || true
  }
  export PATH="$HOME/.cargo/bin:$PATH"
fi

TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export PATH="$TOOLS_BIN:$PATH" IPFS_TELEMETRY=off
# SKIP_BUILD=1 measures the release binary already built (e.g. while other builds run).
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
KIT="$PWD/target/release/ipfs-kit"

WORK=$(mktemp -d /tmp/ipfs-kit-bench-tui.XXXXXX)
PIDS=()
SOCKETS=()
cleanup() {
  for s in "${SOCKETS[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  sleep 1
  for p in "${PIDS[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then echo "bench-tui: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- a throwaway Kubo + Cluster on loopback ---
# shellcheck source=lib/throwaway-node.sh
. scripts/lib/throwaway-node.sh
start_throwaway_node
# A few pins, so there is something to count.
for i in $(seq 1 10); do echo "bench-tui $i" | ipfs add -q >/dev/null; done

# --- per-tool homes: btop refreshes every 2 s by default; 1 s here ---
mkdir -p "$WORK/home/.config/btop" "$WORK/state" "$WORK/config"
printf 'update_ms = 1000\n' >"$WORK/home/.config/btop/btop.conf"

# Reads the pane's output stream (tmux pipe-pane) and logs "time_ns bytes printable" per chunk.
cat >"$WORK/reader.py" <<'PY'
import re, sys, time
out = open(sys.argv[1], "w", buffering=1)
esc = re.compile(rb"\x1b(\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMNOPZc])")
raw = sys.stdin.buffer.raw
while True:
    chunk = raw.read(65536)
    if not chunk:
        break
    text = esc.sub(b"", chunk)
    printable = sum(1 for b in text if 0x21 <= b <= 0x7e or b >= 0x80)
    out.write(f"{time.time_ns()} {len(chunk)} {printable}\n")
PY

# Runs one tool in its own tmux server and prints one JSON line of measurements.
cat >"$WORK/measure.py" <<'PY'
import json, os, statistics, subprocess, sys, time
name, duration, warmup, work, daemons = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
env_pairs, cmd = sys.argv[6], sys.argv[7:]
sock = f"ipfs-kit-bench-{os.getpid()}-{name}"
log, t0file, fifo = f"{work}/{name}.chunks", f"{work}/{name}.t0", f"{work}/{name}.go"
os.mkfifo(fifo)
def tmux(*a):
    return subprocess.run(["tmux", "-u", "-L", sock, "-f", "/dev/null", *a], capture_output=True, text=True, check=True)
env_args = []
for kv in env_pairs.split("\n"):
    if kv:
        env_args += ["-e", kv]
# The pane waits for a go, stamps the time and execs the tool: the pane's pid is the tool's.
quoted = " ".join("'" + c.replace("'", "'\\''") + "'" for c in cmd)
shell = f"read go < {fifo}; date +%s%N > {t0file}; exec {quoted}"
tmux("new-session", "-d", "-s", name, "-x", "120", "-y", "40", *env_args, "sh", "-c", shell)
print(sock, file=open(f"{work}/{name}.socket", "w"))
tmux("pipe-pane", "-t", name, "-o", f"python3 -u {work}/reader.py {log}")
time.sleep(0.3)
pid = int(tmux("display-message", "-p", "-t", name, "#{pane_pid}").stdout.strip())
with open(fifo, "w") as f:
    f.write("go\n")

def tree(root):
    kids = {}
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                ppid = int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(p))
            except OSError:
                pass
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += kids.get(p, [])
    return out
def cpu(pids):
    ns = {}
    for p in pids:
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                ns[(p, t)] = int(open(f"/proc/{p}/task/{t}/schedstat").read().split()[0])
        except OSError:
            pass
    return ns
def rss(pids):
    kb = 0
    for p in pids:
        try:
            for line in open(f"/proc/{p}/status"):
                if line.startswith("VmRSS:"):
                    kb += int(line.split()[1])
        except OSError:
            pass
    return kb * 1024
daemon_pids = [int(p) for p in daemons.split(",") if p]
def dtree():
    return [q for p in daemon_pids for q in tree(p)]

while not os.path.exists(t0file) or not open(t0file).read().strip():
    time.sleep(0.01)
t0 = int(open(t0file).read())
start = t0 / 1e9
def at(s):
    delay = start + s - time.time()
    if delay > 0:
        time.sleep(delay)
at(warmup)
c0, d0, w0 = cpu(tree(pid)), cpu(dtree()), time.time_ns()
rss_samples = []
s = warmup
while s < duration:
    s = min(s + 1, duration)
    at(s)
    rss_samples.append(rss(tree(pid)))
alive = os.path.exists(f"/proc/{pid}")
c1, d1, w1 = cpu(tree(pid)), cpu(dtree()), time.time_ns()
def delta(a, b):
    # A thread gone by the end keeps its runtime at the start: it adds nothing.
    return sum(b.get(k, v) for k, v in a.items()) + sum(v for k, v in b.items() if k not in a) - sum(a.values())
wall = w1 - w0
subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True)
time.sleep(0.3)
chunks = [tuple(map(int, l.split())) for l in open(log) if l.strip()]
first, seen = None, 0
for t, n, p in chunks:
    seen += p
    if seen >= 300:
        first = (t - t0) / 1e6
        break
# The other definition: the first printable, non-blank character in the pane.
first_line = next(((t - t0) / 1e6 for t, n, p in chunks if p > 0), None)
lo, hi = t0 + warmup * 1e9, t0 + duration * 1e9
written = sum(n for t, n, p in chunks if lo <= t <= hi)
print(json.dumps({
    "name": name,
    "alive": alive,
    "cpu_pct": 100.0 * delta(c0, c1) / wall,
    "daemons_cpu_pct": 100.0 * delta(d0, d1) / wall if daemon_pids else None,
    "rss": statistics.median(rss_samples) if rss_samples else 0,
    "bytes_per_s": written / (duration - warmup),
    "first_frame_ms": first,
    "first_line_ms": first_line,
}))
PY

BASE_ENV="HOME=$WORK/home
XDG_CONFIG_HOME=$WORK/home/.config
LANG=C.UTF-8
PATH=$PATH"
KIT_ENV="$BASE_ENV
XDG_STATE_HOME=$WORK/state
IPFS_KIT_KUBO_API=$KUBO_MADDR
IPFS_KIT_CLUSTER_API=$CLUSTER_API"

RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
run() { # name env daemons cmd...
  local name=$1 env=$2 daemons=$3
  shift 3
  echo "bench-tui: $name for ${DURATION}s ..." >&2
  python3 "$WORK/measure.py" "$name" "$DURATION" "$WARMUP" "$WORK" "$daemons" "$env" "$@" >>"$RESULTS"
}
missing=()
run ipfs-kit "$KIT_ENV" "$KUBO_PID,$CLUSTER_PID" "$KIT" --interval 1s
# As a user with nothing configured: the node found through $IPFS_PATH/api (and adopted).
run ipfs-kit-via-IPFS_PATH "$BASE_ENV
XDG_STATE_HOME=$WORK/state2
IPFS_PATH=$IPFS_PATH
IPFS_CLUSTER_PATH=$IPFS_CLUSTER_PATH" "$KUBO_PID,$CLUSTER_PID" "$KIT" --interval 1s
if command -v htop >/dev/null; then run htop "$BASE_ENV" "" htop -d 10; else missing+=(htop); fi
if command -v btop >/dev/null; then run btop "$BASE_ENV" "" btop; else missing+=(btop); fi
if command -v btm >/dev/null; then run btm "$BASE_ENV" "" btm --rate 1s; else missing+=("bottom (btm)"); fi

version() { "$@" 2>/dev/null | head -n 1 || true; }
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d); tmux $(tmux -V | cut -d' ' -f2), pane 120x40; ${DURATION} s each, steady window ${WARMUP}-${DURATION} s, 1 s refresh"
echo "Versions: $(version "$KIT" --version); $(version htop --version); $(version btop --version); $(version btm --version)"
echo
python3 - "$RESULTS" "${missing[@]}" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
missing = sys.argv[2:]
print("| tool | CPU % of one core | steady RSS | bytes to the terminal / s | first frame (300 chars) | first non-blank line |")
print("|---|---|---|---|---|---|")
for r in rows:
    first = "n/a" if r["first_frame_ms"] is None else f'{r["first_frame_ms"]:.0f} ms'
    line = "n/a" if r.get("first_line_ms") is None else f'{r["first_line_ms"]:.0f} ms'
    note = "" if r["alive"] else " (exited early!)"
    print(f'| {r["name"]}{note} | {r["cpu_pct"]:.2f}% | {r["rss"]/1048576:.1f} MiB | {r["bytes_per_s"]:.0f} B/s | {first} | {line} |')
for m in missing:
    print(f"| {m} | missing: could not be installed | | | | |")
for r in rows:
    if r.get("daemons_cpu_pct") is not None:
        print()
        print(f'While {r["name"]} polled them, Kubo + Cluster used {r["daemons_cpu_pct"]:.2f}% of one core.')
PY
