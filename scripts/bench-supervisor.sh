#!/usr/bin/env bash
# Supervisor timings, median of N (default 5), with the embedded Kubo + Cluster in a
# throwaway state dir:
#  - cold start to ready: `ipfs-kit daemon start kubo` / `… cluster` on existing repos
#    (the command returns once the daemon is ready);
#  - kill -9 to ready again: under `ipfs-kit supervise` (default policy: first restart after
#    1 s), from the kill to `daemon status` showing a new, ready process.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
IPFS_KIT_TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export IPFS_KIT_TOOLS_BIN
cargo build --release --quiet
KIT="$PWD/target/release/ipfs-kit"
WORK=$(mktemp -d /tmp/ipfs-kit-bench-sup.XXXXXX)
export XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config" HOME="$WORK/home"
SUP=""
cleanup() {
  [ -n "$SUP" ] && kill -TERM "$SUP" 2>/dev/null && wait "$SUP" 2>/dev/null
  "$KIT" daemon stop all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

now() { date +%s.%N; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
status_field() { # daemon, jq filter
  "$KIT" daemon status --json 2>/dev/null | python3 -c "import json,sys; d=[x for x in json.load(sys.stdin) if x['name']=='$1'][0]; print(d$2)"
}

"$KIT" daemon start all --init >/dev/null 2>&1
"$KIT" daemon stop all >/dev/null 2>&1

kubo_cold=(); cluster_cold=()
for _ in $(seq 1 "$RUNS"); do
  t0=$(now); "$KIT" daemon start kubo >/dev/null 2>&1; t1=$(now)
  "$KIT" daemon start cluster >/dev/null 2>&1; t2=$(now)
  kubo_cold+=("$(echo "$t1 - $t0" | bc -l)"); cluster_cold+=("$(echo "$t2 - $t1" | bc -l)")
  "$KIT" daemon stop all >/dev/null 2>&1
done

kubo_kill=(); cluster_kill=()
for _ in $(seq 1 "$RUNS"); do
  "$KIT" supervise >"$WORK/supervise.log" 2>&1 &
  SUP=$!
  until [ "$(status_field kubo "['state']" || true)" = ready ] && [ "$(status_field cluster "['state']" || true)" = ready ]; do sleep 0.1; done
  for d in kubo cluster; do
    pid=$(status_field "$d" "['pid']")
    t0=$(now); kill -9 "$pid"
    until [ "$(status_field "$d" "['state']" || true)" = ready ] && [ "$(status_field "$d" "['pid']" || true)" != "$pid" ]; do sleep 0.05; done
    t1=$(now)
    if [ "$d" = kubo ]; then kubo_kill+=("$(echo "$t1 - $t0" | bc -l)"); else cluster_kill+=("$(echo "$t1 - $t0" | bc -l)"); fi
    until [ "$(status_field cluster "['state']" || true)" = ready ]; do sleep 0.1; done
  done
  kill -TERM "$SUP"; wait "$SUP" 2>/dev/null || true; SUP=""
done

m() { printf '%s\n' "$@" | median; }
echo "$(date -u +%Y-%m-%d), $(nproc) cores, median of $RUNS"
echo
echo "| daemon | cold start to ready | kill -9 to ready again |"
echo "|---|---|---|"
printf "| Kubo v0.39.0 | %.2f s | %.2f s |\n" "$(m "${kubo_cold[@]}")" "$(m "${kubo_kill[@]}")"
printf "| IPFS Cluster v1.1.6 | %.2f s | %.2f s |\n" "$(m "${cluster_cold[@]}")" "$(m "${cluster_kill[@]}")"
