#!/usr/bin/env bash
# The cluster benchmark (make bench-cluster), everything on 127.0.0.1 in a
# temporary directory: an etcd cluster of MEMBERS members, then
#   - one node without --etcd (the single-node server), and
#   - for N in NODES, a fresh cluster of N alliancegraph nodes (the first
#     seeds the curated dataset through etcd, the others copy its backup),
# and on each: the read load (bench/load, QUERIES with each client count
# of CLIENTS, the clients spread evenly over the nodes), then write
# latency (bench/writelat: one writer through the first node, then 4
# writers spread over the nodes, WRITES writes each) with what etcd did
# meanwhile (transactions, compares lost to another node's write, WAL
# fsyncs), then a check that every node applied the same last revision.
# It prints a table for reads, one for writes and one for etcd, and stops
# everything it started on exit. A write answered CONFLICT by a cluster
# (it lost to other nodes' writes too often) is counted in the table; any
# other failed request stops the script with the nodes' logs.
#
#   DURATION=5s WARMUP=1s WRITES=300 MEMBERS=3 bash bench/cluster.sh
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-5s}"
WARMUP="${WARMUP:-1s}"
CLIENTS="${CLIENTS:-1,12}"
QUERIES="${QUERIES:-n1,n2,n3,n4}"
WRITES="${WRITES:-300}"
WRITE_TIME="${WRITE_TIME:-60s}"
MEMBERS="${MEMBERS:-3}"
NODES="${NODES:-1 2 3}"
ETCD="${ETCD:-etcd}"

work="$(mktemp -d)"
members=() # the etcd members' PIDs
nodes=()   # the running alliancegraph nodes' PIDs
urls=()    # and their base URLs
cleanup() {
  # Nodes first, so none is left waiting for a stopped etcd.
  stop_nodes
  for p in "${members[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${members[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
stop_nodes() {
  for p in "${nodes[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${nodes[@]}"; do wait "$p" 2>/dev/null || true; done
  nodes=()
  urls=()
}
trap cleanup EXIT

# fail prints why and the nodes' log lines other than requests served.
fail() {
  echo "cluster.sh: $*" >&2
  for f in "$work"/logs/*.log; do
    [ -e "$f" ] || continue
    echo "--- $(basename "$f") (without its request lines)" >&2
    grep -v 'msg=request' "$f" | tail -n 40 >&2 || true
  done
  exit 1
}

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

echo "== build"
go build -o "$work/alliancegraph" .
go build -o "$work/load" ./bench/load
go build -o "$work/writelat" ./bench/writelat
mkdir -p "$work/logs"

echo "== machine"
echo "cpus: $(nproc), memory: $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), $(go version | awk '{print $3}'), $("$ETCD" --version | head -n 1)"

token="bench-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "bench:$token" >"$work/tokens"
export WRITELAT_TOKEN="$token"

echo "== etcd: $MEMBERS member(s)"
initial=""
clients=()
peers=()
for i in $(seq 0 $((MEMBERS - 1))); do
  clients+=("127.0.0.1:$(free_port)")
  peers+=("127.0.0.1:$(free_port)")
  initial+="${initial:+,}m$i=http://${peers[i]}"
done
for i in $(seq 0 $((MEMBERS - 1))); do
  "$ETCD" --name "m$i" --data-dir "$work/etcd/m$i" \
    --listen-client-urls "http://${clients[i]}" --advertise-client-urls "http://${clients[i]}" \
    --listen-peer-urls "http://${peers[i]}" --initial-advertise-peer-urls "http://${peers[i]}" \
    --initial-cluster "$initial" --initial-cluster-token "bench-$$" --initial-cluster-state new \
    --logger zap --log-level warn >"$work/logs/etcd-m$i.log" 2>&1 &
  members+=("$!")
done
endpoints="$(IFS=,; echo "${clients[*]}")"
for c in "${clients[@]}"; do
  for _ in $(seq 1 100); do
    curl -fsS "http://$c/health" 2>/dev/null | grep -q '"health":"true"' && continue 2
    sleep 0.2
  done
  fail "etcd member at $c did not become healthy"
done
echo "etcd endpoints: $endpoints"

# start_node NAME DATA [serve flags...] starts a node in the background;
# node_url NAME waits for its listening address and its /readyz.
start_node() {
  local name="$1" data="$2"
  shift 2
  "$work/alliancegraph" serve --data "$data" --addr 127.0.0.1:0 --tokens-file "$work/tokens" "$@" \
    >"$work/logs/$name.log" 2>&1 &
  nodes+=("$!")
}
node_url() {
  local log="$work/logs/$1.log" port=""
  for _ in $(seq 1 600); do
    port=$(sed -n 's/.*msg=serving url=http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$log" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || fail "node $1 did not start serving"
  for _ in $(seq 1 300); do
    if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
      urls+=("http://127.0.0.1:$port")
      return
    fi
    sleep 0.1
  done
  fail "node $1 never became ready"
}
graphql_urls() { local u; for u in "${urls[@]}"; do printf '%s/graphql\n' "$u"; done | paste -sd, -; }

# revision URL prints the log revision a node has applied.
revision() {
  curl -fsS -H 'Content-Type: application/json' -d '{"query":"{ __typename }"}' "$1/graphql" |
    sed -n 's/.*"revision":\([0-9]*\).*/\1/p' || true
}

# converged waits until every node reports the same revision.
converged() {
  local revs
  for _ in $(seq 1 100); do
    revs=$(for u in "${urls[@]}"; do echo "$(revision "$u")"; done | sort -u)
    if [ "$(echo "$revs" | wc -l)" = 1 ] && [ -n "$revs" ]; then
      echo "every node at revision $revs"
      return
    fi
    sleep 0.1
  done
  fail "the nodes did not converge: revisions $(echo "$revs" | tr '\n' ' ')"
}

# etcd_stats prints, from the members' /metrics: etcd's WAL fsyncs and
# their seconds, summed over the members, then the raft proposals
# committed and the store's revision (the leader's, the largest).
etcd_stats() {
  for c in "${clients[@]}"; do curl -fsS "http://$c/metrics" || true; done |
    awk '/^etcd_disk_wal_fsync_duration_seconds_sum / { s += $2 }
         /^etcd_disk_wal_fsync_duration_seconds_count / { n += $2 }
         /^etcd_server_proposals_committed_total / { if ($2 + 0 > p) p = $2 + 0 }
         /^etcd_debugging_mvcc_current_revision / { if ($2 + 0 > r) r = $2 + 0 }
         END { printf "%d %.6f %d %d\n", n, s, p, r }'
}

# writes LABEL WRITERS URLS measures write latency and, on a cluster,
# what etcd did meanwhile: every write attempt is one etcd transaction
# (a raft proposal, fsynced by every member); one that lost the compare
# to another node's write changes no revision and is validated again.
writes() {
  local label="$1" writers="$2" gql="$3" before after allow=""
  [ "$label" = single ] || allow=CONFLICT
  before="$(etcd_stats)"
  "$work/writelat" --url "$gql" --writers "$writers" --writes "$WRITES" --max-time "$WRITE_TIME" \
    --allow "$allow" --label "$label" --header=false | tee -a "$work/writes.txt" || fail "$writers writer(s) on $label failed"
  after="$(etcd_stats)"
  [ "$label" = single ] && return
  echo "$label $writers $before $after" |
    awk '{ n = $7 - $3; p = $9 - $5; r = $10 - $6
           printf "%-14s %7d %10d %10d %10d %10d %10.2f\n", $1, $2, p, r, p - r, n, n ? ($8 - $4) * 1000 / n : 0 }' |
    tee -a "$work/etcd.txt"
}

# measure LABEL runs the reads and the writes on the running nodes.
measure() {
  local label="$1" gql
  gql="$(graphql_urls)"
  echo "load average before $label: $(uptime | sed 's/.*load average: //')"
  "$work/load" --url "$gql" --pid "$(IFS=,; echo "${nodes[*]}")" --queries "$QUERIES" --clients "$CLIENTS" \
    --warmup "$WARMUP" --duration "$DURATION" --label "$label" --header=false | tee -a "$work/reads.txt" ||
    fail "the read load on $label failed"
  if grep -E "^$label " "$work/reads.txt" | awk '$9 != 0 { bad = 1 } END { exit !bad }'; then
    fail "reads on $label answered errors"
  fi
  writes "$label" 1 "${urls[0]}/graphql"
  writes "$label" 4 "$gql"
}

echo "== single node (no etcd)"
start_node single "$work/single"
node_url single
measure single
stop_nodes

for n in $NODES; do
  echo "== cluster of $n node(s) on etcd ($MEMBERS member(s))"
  cluster="bench$n"
  start_node "$cluster-n1" "$work/$cluster/n1" --etcd "$endpoints" --cluster "$cluster" --node n1
  node_url "$cluster-n1"
  for i in $(seq 2 "$n"); do
    start_node "$cluster-n$i" "$work/$cluster/n$i" --etcd "$endpoints" --cluster "$cluster" --node "n$i"
  done
  for i in $(seq 2 "$n"); do node_url "$cluster-n$i"; done
  converged
  measure "cluster-$n"
  converged
  stop_nodes
done

echo "== reads (req/s over all nodes; cpu % summed over the nodes, peak MB the largest node's)"
printf '%-14s %-5s %7s %10s %9s %9s %8s %9s %6s\n' config query clients req/s "p50 ms" "p99 ms" "cpu %" "peak MB" errors
cat "$work/reads.txt"
echo "== writes (upsertEntity; 1 writer through the first node, 4 spread over the nodes)"
printf '%-14s %7s %7s %9s %9s %9s %9s %9s %s\n' config writers writes writes/s "p50 ms" "p99 ms" "mean ms" "max ms" errors
cat "$work/writes.txt"
echo "== etcd during the writes: transactions (raft proposals), revisions they made, the difference (compares lost"
echo "   to another node's write, validated again), WAL fsyncs of all members together and their mean"
printf '%-14s %7s %10s %10s %10s %10s %10s\n' config writers txns revisions lost fsyncs "fsync ms"
cat "$work/etcd.txt"
