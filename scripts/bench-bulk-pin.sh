#!/usr/bin/env bash
# Bulk pin of N (default 1,000) distinct small CIDs on a throwaway Kubo + single-peer Cluster:
#  - ours through Kubo at --jobs 1, 2, 4, 8, 16, 32 (the sweep behind the default --jobs);
#  - `ipfs pin add CID` in a shell loop, and one `ipfs pin add CID…` call with all of them;
#  - ours through Cluster at the same --jobs, beside `ipfs-cluster-ctl pin add` in a loop.
# Every run starts from the same state (none of the N pinned; their blocks local, so the
# figures are the pinning path, not the network). Median of RUNS (default 3) for ours and
# the one call, the --jobs values interleaved within each round (a shared machine's load
# then weighs on all of them alike); the loops run once (they take minutes). Prints Markdown.
#   KIT=path/to/ipfs-kit  use that binary (default: a release build of this tree)
#   LOOPS=0               skip the two shell loops (for a --jobs sweep alone)
#   CLUSTER=0             skip the Cluster part
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-1000}
RUNS=${RUNS:-3}
JOBS=${JOBS:-"1 2 4 8 16 32"}
LOOPS=${LOOPS:-1}
CLUSTER=${CLUSTER:-1}
BIN="${IPFS_KIT_TOOLS_BIN:-$(scripts/install-ipfs-tools.sh | tail -n 1)}"
export PATH="$BIN:$PATH" IPFS_TELEMETRY=off
if [ -z "${KIT:-}" ]; then
  cargo build --release --quiet
  KIT="$PWD/target/release/ipfs-kit"
fi

WORK=$(mktemp -d /tmp/ipfs-kit-bench-bulk.XXXXXX)
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
export XDG_CONFIG_HOME="$WORK/config" XDG_STATE_HOME="$WORK/state" IPFS_KIT_KUBO_API="$KUBO_MADDR"
CTL=(ipfs-cluster-ctl --host "$CLUSTER_API")

python3 - "$WORK/files" "$N" <<'PY'
import os, sys
d, n = sys.argv[1], int(sys.argv[2])
os.makedirs(d)
for i in range(n):
    with open(os.path.join(d, f"f{i:05d}"), "wb") as f:
        f.write(f"bulk bench {i} ".encode() + os.urandom(64))
PY
ipfs add -q --pin=false "$WORK"/files/* >"$WORK/cids.txt"
[ "$(wc -l <"$WORK/cids.txt")" -eq "$N" ] || { echo "bench-bulk-pin: expected $N CIDs" >&2; exit 1; }
mapfile -t CIDS <"$WORK/cids.txt"

now() { date +%s.%N; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
minimum() { sort -n | head -n 1; }
recursive_pins() { ipfs pin ls --type=recursive -q | grep -cFf "$WORK/cids.txt" || true; }
kubo_reset() { ipfs pin rm "${CIDS[@]}" >/dev/null 2>&1 || true; [ "$(recursive_pins)" -eq 0 ]; }
wait_kubo_pins() { # count: Cluster pins into Kubo in the background
  for _ in $(seq 1 600); do [ "$(recursive_pins)" -eq "$1" ] && return 0; sleep 0.5; done
  echo "bench-bulk-pin: Kubo never reached $1 of the pins" >&2; return 1
}
cluster_reset() {
  "$KIT" --cluster-api "$CLUSTER_API" pin rm --from "$WORK/cids.txt" --jobs 16 >/dev/null 2>&1
  wait_kubo_pins 0
}
timed() { local t0; t0=$(now); "$@" >/dev/null 2>"$WORK/last.err" || { cat "$WORK/last.err" >&2; return 1; }; echo "$(now) - $t0" | bc -l; }
row() { # label, seconds (median), seconds (fastest run; defaults to the median)
  local fastest=${3:-$2}
  printf '| %s | %.2f s | %.2f s | %.0f/s |\n' "$1" "$2" "$fastest" "$(echo "$N / $2" | bc -l)"
}

echo "$(date -u +%Y-%m-%d), $(nproc) cores, $N CIDs, median of $RUNS (loops: 1 run)"
echo
echo "| Kubo $(ipfs version -n) | wall (median) | fastest | rate (median) |"
echo "|---|---|---|---|"
# A Cluster API nobody listens on: ours pins through Kubo.
NOCLUSTER=(--cluster-api http://127.0.0.1:9)
declare -A T=()
for _ in $(seq 1 "$RUNS"); do
  for j in $JOBS; do
    kubo_reset
    T[$j]+="$(timed "$KIT" "${NOCLUSTER[@]}" pin add --from "$WORK/cids.txt" --jobs "$j" --report "$WORK/r.jsonl") "
    [ "$(recursive_pins)" -eq "$N" ]
  done
done
for j in $JOBS; do
  # shellcheck disable=SC2086
  row "ipfs-kit pin add --from (Kubo) --jobs $j" "$(printf '%s\n' ${T[$j]} | median)" "$(printf '%s\n' ${T[$j]} | minimum)"
done
ts=()
for _ in $(seq 1 "$RUNS"); do
  kubo_reset
  ts+=("$(timed ipfs pin add "${CIDS[@]}")")
done
row "one \`ipfs pin add CID…\` call" "$(printf '%s\n' "${ts[@]}" | median)" "$(printf '%s\n' "${ts[@]}" | minimum)"
kubo_reset
if [ "$LOOPS" = 1 ]; then
  LOOP=$(timed bash -c 'while read -r c; do ipfs pin add "$c" >/dev/null || exit 1; done <"$1"' _ "$WORK/cids.txt")
  row "\`ipfs pin add CID\` in a shell loop" "$LOOP"
  kubo_reset
fi

echo
[ "$CLUSTER" = 1 ] || exit 0
echo "| IPFS Cluster $(ipfs-cluster-service --version | awk '{print $NF}') (accepted into the pinset) | wall (median) | fastest | rate (median) |"
echo "|---|---|---|---|"
T=()
for _ in $(seq 1 "$RUNS"); do
  for j in $JOBS; do
    T[$j]+="$(timed "$KIT" --cluster-api "$CLUSTER_API" pin add --from "$WORK/cids.txt" --jobs "$j" --report "$WORK/r.jsonl") "
    grep -q '"via":"cluster"' "$WORK/r.jsonl"
    wait_kubo_pins "$N"
    cluster_reset
  done
done
for j in $JOBS; do
  # shellcheck disable=SC2086
  row "ipfs-kit pin add --from (Cluster) --jobs $j" "$(printf '%s\n' ${T[$j]} | median)" "$(printf '%s\n' ${T[$j]} | minimum)"
done
[ "$LOOPS" = 1 ] || exit 0
LOOP=$(timed bash -c 'while read -r c; do "$@" pin add --no-status "$c" >/dev/null || exit 1; done <"$0"' "$WORK/cids.txt" "${CTL[@]}")
row "\`ipfs-cluster-ctl pin add CID\` in a shell loop" "$LOOP"
