#!/usr/bin/env bash
# Sourced by the bench scripts: a throwaway Kubo (--profile=test) and single-peer Cluster on
# loopback under $WORK. Needs $WORK, the PIDS array (the daemons are appended, for cleanup)
# and ipfs / ipfs-cluster-service on PATH. Sets KUBO_PID, CLUSTER_PID, KUBO_MADDR, CLUSTER_API.
start_throwaway_node() {
export IPFS_PATH="$WORK/kubo" IPFS_CLUSTER_PATH="$WORK/cluster"
ipfs init --profile=test >/dev/null
setsid ipfs daemon >"$WORK/kubo.log" 2>&1 &
KUBO_PID=$!
PIDS+=("$KUBO_PID")
for _ in $(seq 1 300); do [ -f "$IPFS_PATH/api" ] && ipfs id >/dev/null 2>&1 && break; sleep 0.1; done
KUBO_MADDR=$(cat "$IPFS_PATH/api")

ipfs-cluster-service init --consensus crdt --force >/dev/null 2>&1
python3 - "$IPFS_CLUSTER_PATH/service.json" "$KUBO_MADDR" <<'PY'
import json, socket, sys
def port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
path, kubo = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["cluster"]["listen_multiaddress"] = [f"/ip4/127.0.0.1/tcp/{port()}"]
c["cluster"]["mdns_interval"] = "0s"
c["api"]["restapi"]["http_listen_multiaddress"] = f"/ip4/127.0.0.1/tcp/{port()}"
c["api"]["ipfsproxy"]["listen_multiaddress"] = f"/ip4/127.0.0.1/tcp/{port()}"
c["api"]["pinsvcapi"]["http_listen_multiaddress"] = f"/ip4/127.0.0.1/tcp/{port()}"
c["api"]["ipfsproxy"]["node_multiaddress"] = kubo
c["ipfs_connector"]["ipfshttp"]["node_multiaddress"] = kubo
json.dump(c, open(path, "w"), indent=2)
PY
setsid ipfs-cluster-service daemon >"$WORK/cluster.log" 2>&1 &
CLUSTER_PID=$!
PIDS+=("$CLUSTER_PID")
for _ in $(seq 1 300); do grep -q "IPFS Cluster is READY" "$WORK/cluster.log" && break; sleep 0.1; done
CLUSTER_API=$(python3 -c "import json,sys;print(json.load(open(sys.argv[1]))['api']['restapi']['http_listen_multiaddress'])" "$IPFS_CLUSTER_PATH/service.json")
}
