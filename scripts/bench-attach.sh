#!/usr/bin/env bash
# Kubo RPC calls per minute with 0, 1, 5 and 20 dashboards attached to one `ipfs-kit
# supervise` daemon (the embedded Kubo + Cluster in a throwaway state dir); target: flat,
# the daemon's collector alone polls. The count is Kubo's own: the line
# `ipfs_http_request_duration_seconds_count{handler="api"}` of
# `<kubo api>/debug/metrics/prometheus` (every /api/v0 call; the read of that endpoint is
# not under handler="api"), read before and after a $WINDOW s window (default 60) once all
# dashboards of a step show `attached` and have settled. Each dashboard runs in a tmux
# server of its own (120x40). Same method as tests/api_fanout_tmux.rs.
# KIT=path/to/ipfs-kit picks the binary (e.g. target/debug/ipfs-kit); default: a release
# build (SKIP_BUILD=1 uses the one already built). COUNTS="1 5 20" to change the steps.
set -euo pipefail
cd "$(dirname "$0")/.."
WINDOW=${WINDOW:-60}
SETTLE=${SETTLE:-5}
COUNTS=${COUNTS:-"0 1 5 20"}
command -v tmux >/dev/null || { echo "bench-attach: needs tmux (apt-get install tmux)" >&2; exit 1; }
IPFS_KIT_TOOLS_BIN="$(scripts/install-ipfs-tools.sh | tail -n 1)"
export IPFS_KIT_TOOLS_BIN IPFS_TELEMETRY=off
if [ -z "${KIT:-}" ]; then
  [ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
  KIT="$PWD/target/release/ipfs-kit"
fi
KIT="$(realpath "$KIT")"
WORK=$(mktemp -d /tmp/ipfs-kit-bench-attach.XXXXXX)
export XDG_STATE_HOME="$WORK/state" XDG_CONFIG_HOME="$WORK/config" HOME="$WORK/home"
mkdir -p "$HOME"
SUP=""
SOCKETS=()
cleanup() {
  for s in "${SOCKETS[@]}"; do tmux -L "$s" kill-server 2>/dev/null || true; done
  [ -n "$SUP" ] && kill -TERM "$SUP" 2>/dev/null && wait "$SUP" 2>/dev/null
  "$KIT" daemon stop all >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"$KIT" supervise --init >"$WORK/supervise.log" 2>&1 &
SUP=$!
API="$XDG_STATE_HOME/ipfs-kit/api"
KUBO_API="$XDG_STATE_HOME/ipfs-kit/node/kubo/api"
for _ in $(seq 1 600); do [ -s "$API" ] && [ -s "$KUBO_API" ] && break; sleep 0.2; done
[ -s "$API" ] && [ -s "$KUBO_API" ] || { echo "bench-attach: supervise did not start:" >&2; cat "$WORK/supervise.log" >&2; exit 1; }
HOST=$(sed 's#^http://##' "$API")
# /ip4/127.0.0.1/tcp/PORT -> http://127.0.0.1:PORT
KUBO=$(awk -F/ '{print "http://" $3 ":" $5}' "$KUBO_API")

calls() {
  curl -fsS "$KUBO/debug/metrics/prometheus" |
    awk '$1 == "ipfs_http_request_duration_seconds_count{handler=\"api\"}" {printf "%d\n", $2}'
}

start_dashboard() { # index
  local s="ipfs-kit-bench-attach-$$-$1"
  SOCKETS+=("$s")
  tmux -L "$s" -f /dev/null new-session -d -s kit -x 120 -y 40 \
    -e "PATH=$PATH" -e "HOME=$HOME" -e "XDG_STATE_HOME=$XDG_STATE_HOME" \
    -e "XDG_CONFIG_HOME=$XDG_CONFIG_HOME" -e "IPFS_KIT_TOOLS_BIN=$IPFS_KIT_TOOLS_BIN" \
    -e "TERM=xterm-256color" -e "LANG=C.UTF-8" "$KIT"
}

wait_attached() { # socket
  for _ in $(seq 1 900); do
    tmux -u -L "$1" capture-pane -p -t kit 2>/dev/null | grep -q "attached.*$HOST" && return 0
    sleep 0.2
  done
  echo "bench-attach: a dashboard did not attach within 180 s" >&2
  exit 1
}

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(load) at the start, $WINDOW s window, $KIT"
echo
echo "| attached dashboards | Kubo RPC calls in the window | per minute |"
echo "|---|---|---|"
started=0
for n in $COUNTS; do
  while [ "$started" -lt "$n" ]; do start_dashboard "$started"; started=$((started + 1)); done
  for s in "${SOCKETS[@]}"; do wait_attached "$s"; done
  sleep "$SETTLE"
  a=$(calls); sleep "$WINDOW"; b=$(calls)
  echo "| $n | $((b - a)) | $(( (b - a) * 60 / WINDOW )) |"
done
echo
echo "load average $(load) at the end"
