#!/usr/bin/env bash
# Benchmark of `ipfs-kit audit-analytics` on seeded histories of 100k and 1M events (both
# schemas mixed, written by audit/examples/generate.rs):
#  1. every command: wall time and peak RSS (GNU time), one run each after a warm-up read;
#  2. side by side, in the same run, on the same file: group-by-action statistics (count,
#     unique users, failures, p50/p95/p99 duration) with ours, DuckDB's read_json (PyPI duckdb,
#     installed into a venv under the cache dir when missing) and jq | sort | uniq -c; the
#     counts of all three are compared, and the run fails if they differ.
# SKIP_BUILD=1 reuses target/release; SKIP_COMMANDS=1 runs only the side-by-side part. SIZES="100000 1000000" by default. Prints Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"100000 1000000"}
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/ipfs-kit"
DATA="$CACHE/bench-audit"
mkdir -p "$DATA"

[ -x /usr/bin/time ] || { echo "bench-audit: needs GNU time: apt-get install time" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench-audit: needs jq: apt-get install jq" >&2; exit 1; }
VENV="$CACHE/venv-bench"
if ! "$VENV/bin/python" -c 'import duckdb' 2>/dev/null; then
  echo "bench-audit: installing duckdb into $VENV" >&2
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q duckdb
fi
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  cargo build --release --quiet -p ipfs-kit
  cargo build --release --quiet -p ipfs-kit-audit --example generate
fi
KIT="$PWD/target/release/ipfs-kit"
GEN="$PWD/target/release/examples/generate"
export IPFS_KIT_STATE_DIR="$DATA/state" TZ=UTC

# "wall_s peak_MiB" of a command, its stdout to $OUT.
OUT="$DATA/out"
measure() {
  /usr/bin/time -f "%e %M" -o "$DATA/time" "$@" >"$OUT" 2>"$DATA/err" || {
    echo "bench-audit: failed: $*" >&2; cat "$DATA/err" >&2; exit 1; }
  awk '{printf "%.2f s | %.0f MiB", $1, $2/1024}' "$DATA/time"
}

DUCK_SQL="
SELECT action, count(*) AS n, count(DISTINCT user_id) AS users,
       count(*) FILTER (WHERE lower(status) IN ('failed','failure','fail','error','denied','rejected','forbidden','unauthorized','invalid','timeout','crashed')) AS failures,
       quantile_disc(d, 0.5) AS p50, quantile_disc(d, 0.95) AS p95, quantile_disc(d, 0.99) AS p99
FROM (SELECT action, user_id, status,
             coalesce(duration_ms, TRY_CAST(json_extract_string(details, '\$.duration_ms') AS DOUBLE)) AS d
      FROM read_json(\$file, format='newline_delimited', ignore_errors=true,
                     columns={action: 'VARCHAR', user_id: 'VARCHAR', status: 'VARCHAR', duration_ms: 'DOUBLE', details: 'JSON'}))
GROUP BY action ORDER BY n DESC"
DUCK_PY="$DATA/duck.py"
cat >"$DUCK_PY" <<'PY'
import sys, duckdb
sql = open(sys.argv[2]).read().replace("$file", "?")
for r in duckdb.connect().execute(sql, [sys.argv[1]]).fetchall():
    print(r[0], r[1])
PY
printf '%s' "$DUCK_SQL" >"$DATA/duck.sql"

[ "${SKIP_COMMANDS:-0}" = 1 ] || {
echo "| events | command | ours: wall, peak RSS |"
echo "|---|---|---|"
for N in $SIZES; do
  F="$DATA/history-$N.jsonl"
  [ -s "$F" ] || "$GEN" "$N" "$F" 42 2>/dev/null
  cat "$F" >/dev/null # warm the page cache for everyone alike
  # (sed -n 1p reads to the end: no SIGPIPE upstream under pipefail)
  EV=$(sed -n '1000,2000p;2000q' "$F" | jq -r 'select(.event_id != null) | .event_id' | sed -n 1p)
  OP=$(sed -n '1000,2000p;2000q' "$F" | jq -r 'select(.operation_id != null) | .operation_id' | sed -n 1p)
  for args in "patterns" "anomalies" "stats --group-by action" "trends --period daily" \
              "compliance" "correlate --event-id $EV" "timeline --operation-id $OP" \
              "causation --event-id $EV" "impact --event-id $EV" \
              "report --type activity --format html --output $DATA/report.html"; do
    # shellcheck disable=SC2086
    echo "| $N | \`$(echo "$args" | sed "s|$DATA/||")\` | $(measure "$KIT" audit-analytics $args --file "$F") |"
  done
done
}
echo
echo "| events | group-by action statistics | wall, peak RSS |"
echo "|---|---|---|"
for N in $SIZES; do
  F="$DATA/history-$N.jsonl"
  ours=$(measure "$KIT" audit-analytics stats --group-by action --top 0 --json --file "$F")
  jq -r '.result.groups[] | "\(.key) \(.count)"' "$OUT" | sort >"$DATA/ours.txt"
  d=$(measure "$VENV/bin/python" "$DUCK_PY" "$F" "$DATA/duck.sql"); sort "$OUT" >"$DATA/duck.txt"
  # jq's idiom for a group-by: the field out, then sort | uniq -c (counts only: less than ours
  # computes; a jq `reduce` that also keeps users and durations took 25 s on 100k events).
  j=$(measure sh -c "jq -r .action '$F' | sort | uniq -c" ); awk '{print $2, $1}' "$OUT" | sort >"$DATA/jq.txt"
  cmp -s "$DATA/ours.txt" "$DATA/duck.txt" || { echo "bench-audit: DuckDB's counts differ from ours" >&2; diff "$DATA/ours.txt" "$DATA/duck.txt" >&2; exit 1; }
  cmp -s "$DATA/ours.txt" "$DATA/jq.txt" || { echo "bench-audit: jq's counts differ from ours" >&2; diff "$DATA/ours.txt" "$DATA/jq.txt" >&2; exit 1; }
  echo "| $N | ipfs-kit \`audit-analytics stats --group-by action\` | $ours |"
  echo "| $N | DuckDB $("$VENV/bin/python" -c 'import duckdb; print(duckdb.__version__)') \`read_json\` + GROUP BY | $d |"
  echo "| $N | jq $(jq --version | sed 's/jq-//') \`jq -r .action | sort | uniq -c\` (counts only) | $j |"
done
echo
echo "(counts per action equal in all three; $(date -u +%F), $(nproc) cores)"
