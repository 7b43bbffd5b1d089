#!/usr/bin/env bash
# Benchmark of `ipfs-kit --once --json` against a throwaway local Kubo + Cluster:
#  1. wall time and peak RSS, median of N runs (default 10), beside the same figures for
#     `ipfs id && ipfs stats bw && ipfs repo stat --size-only && ipfs pin ls --type=recursive`
#     run as a sequence, in the same run;
#  2. peak RSS with 10 recursive pins against 10,000 recursive pins;
#  3. the ratio of the two wall times (target: ipfs-kit at most half the sequence's).
# Needs GNU time (/usr/bin/time), python3 and the tools from install-ipfs-tools.sh.
# Prints a Markdown table; paste it into BENCHMARKS.md with the date and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10}
BIG=${BIG:-10000}

[ -x /usr/bin/time ] || { echo "bench-once: needs GNU time: apt-get install time" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-once: needs python3" >&2; exit 1; }
BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export PATH="$BIN:$PATH" IPFS_TELEMETRY=off
cargo build --release --quiet
KIT="$PWD/target/release/ipfs-kit"

WORK=$(mktemp -d /tmp/ipfs-kit-bench.XXXXXX)
PIDS=()
cleanup() {
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
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state"

add_pins() { # count, tag
  local dir="$WORK/files-$2"
  mkdir -p "$dir"
  python3 - "$dir" "$1" "$2" <<'PY'
import os, sys
d, n, tag = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for i in range(n):
    with open(os.path.join(d, f"{i}.txt"), "w") as f:
        f.write(f"bench {tag} {i}\n")
PY
  # every file CID; the last line is the directory itself, which is left unpinned
  ipfs add -r -q --pin=false "$dir" | sed '$d' | xargs -n 500 ipfs pin add >/dev/null
}

# median of column $1 from "wall rss" lines on stdin
median() { sort -n -k"$1" | awk -v c="$1" '{v[NR]=$c} END {print v[int((NR+1)/2)]}'; }

measure_kit() {
  for _ in $(seq 1 "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$WORK/t" "$KIT" --once --json >/dev/null || true
    cat "$WORK/t"
  done
}
measure_seq() {
  for _ in $(seq 1 "$RUNS"); do
    local start end rss=0 r
    start=$(date +%s.%N)
    for cmd in "id" "stats bw" "repo stat --size-only" "pin ls --type=recursive"; do
      # shellcheck disable=SC2086
      /usr/bin/time -f "%M" -o "$WORK/t" ipfs $cmd >/dev/null
      r=$(cat "$WORK/t"); [ "$r" -gt "$rss" ] && rss=$r
    done
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc -l 2>/dev/null || python3 -c "print($end-$start)") $rss"
  done
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
add_pins 10 small
"$KIT" --once --json >/dev/null || true # warm the page cache
KIT_SMALL=$(measure_kit)
SEQ_SMALL=$(measure_seq)
pins_small=$(ipfs pin ls --type=recursive -q | wc -l)

add_pins "$BIG" big
pins_big=$(ipfs pin ls --type=recursive -q | wc -l)
KIT_BIG=$(measure_kit)
SEQ_BIG=$(measure_seq)

ratio() { # kit data, sequence data: median wall time of the first over the second's
  awk -v a="$(echo "$1" | median 1)" -v b="$(echo "$2" | median 1)" 'BEGIN {printf "%.2f", a / b}'
}
row() { # label, data
  printf "| %s | %.3f s | %.1f MiB |\n" "$1" "$(echo "$2" | median 1)" "$(echo "$2" | median 2 | awk '{print $1/1024}')"
}
# Other work on the machine slows the sequence (four Go processes starting) more than
# ipfs-kit, so the ratio is only comparable between runs at a similar load: say it.
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(date -u +%Y-%m-%d); median of $RUNS runs; load average $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
echo
echo "| command ($pins_small recursive pins) | wall time | peak RSS |"
echo "|---|---|---|"
row "ipfs-kit --once --json (Kubo + Cluster + host)" "$KIT_SMALL"
row "ipfs id && ipfs stats bw && ipfs repo stat --size-only && ipfs pin ls --type=recursive (max RSS of the four)" "$SEQ_SMALL"
echo
echo "ipfs-kit / sequence, wall time: $(ratio "$KIT_SMALL" "$SEQ_SMALL") (target <= 0.5)"
echo
echo "| command ($pins_big recursive pins) | wall time | peak RSS |"
echo "|---|---|---|"
row "ipfs-kit --once --json (Kubo + Cluster + host)" "$KIT_BIG"
row "the ipfs sequence above" "$SEQ_BIG"
echo
echo "ipfs-kit / sequence, wall time: $(ratio "$KIT_BIG" "$SEQ_BIG") (target <= 0.5)"
