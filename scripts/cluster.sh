#!/usr/bin/env bash
# A local alliancegraph cluster on 127.0.0.1 (docs/CLUSTER.md): three etcd
# members (Debian's etcd-server) and two alliancegraph nodes replicating
# through them, each with its own data directory and log under CLUSTER_DIR,
# with a write token generated there. It waits until both nodes answer
# /readyz, prints their URLs and an example, and stays in the foreground;
# Ctrl-C stops every process it started. A second run restarts the same
# cluster from its directories (with the same ports); to start from
# scratch, stop it and run `make cluster-clean` (rm -rf cluster-data).
#
#   make cluster                             # bash scripts/cluster.sh
#   make cluster-clean                       # the next run starts from scratch
#   make cluster-smoke                       # CLUSTER_SMOKE=1 bash scripts/cluster.sh
#
# The smoke (what CI runs) brings a cluster up from empty directories in a
# temporary directory on free ports, writes through node 1 and reads it
# back through node 2 at the write's revision, checks that both nodes
# report the same revision, kills node 2 with SIGKILL, writes again,
# restarts node 2 and checks that it caught up, then stops everything. It
# exits 0, or 1 naming the step that failed and showing the logs' ends.
#
# Environment, with defaults:
#   CLUSTER_DIR        data, logs and tokens           ./cluster-data (smoke: a new temporary directory)
#   CLUSTER_NAME       the cluster's name in etcd      local
#   NODE_PORTS         the two nodes' HTTP ports       8081 8082 (smoke: free ports)
#   ETCD_CLIENT_PORTS  the etcd members' client ports  12379 22379 32379 (smoke: free ports)
#   ETCD_PEER_PORTS    the etcd members' peer ports    12380 22380 32380 (smoke: free ports)
#   MAX_LAG            each node's --max-lag           5s
#   WAIT_SECS          the bound on every wait         60
# The etcd ports stay clear of 2379/2380, where a packaged etcd service
# listens.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }
case "${1:-}" in
  -h | --help | help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac

smoke="${CLUSTER_SMOKE:-}"
[ "$smoke" = 0 ] && smoke=""
CLUSTER_NAME="${CLUSTER_NAME:-local}"
MAX_LAG="${MAX_LAG:-5s}"
WAIT_SECS="${WAIT_SECS:-60}"

step=""     # the smoke's current step, named when it fails
dir=""      # CLUSTER_DIR, absolute
removable="" # the smoke's temporary directory, removed when the smoke passes
declare -A pid_of=()   # process name -> pid, while it runs
all_pids=()            # every pid started, to check none is left

say() { echo "cluster: $*"; }
die() { echo "cluster: $*" >&2; exit 1; }

# show path: a path under the repository as a relative one.
show() { case "$1" in "$repo"/*) echo "${1#"$repo"/}" ;; *) echo "$1" ;; esac; }

# port_in_use port: something on 127.0.0.1 accepts connections there.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_ports n: n distinct ports nothing listens on, below Linux's
# ephemeral range so no outgoing connection takes one meanwhile.
free_ports() {
  local chosen=() p
  while [ "${#chosen[@]}" -lt "$1" ]; do
    p=$((20000 + RANDOM % 12000))
    case " ${chosen[*]} " in *" $p "*) continue ;; esac
    port_in_use "$p" && continue
    chosen+=("$p")
  done
  echo "${chosen[*]}"
}

# stop name: SIGTERM, SIGKILL after 20 s, and reap it.
stop() {
  local name="$1" p="${pid_of[$1]:-}" i
  [ -n "$p" ] || return 0
  kill -TERM "$p" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$p" 2>/dev/null; then
    echo "cluster: $name did not stop within 20 s of SIGTERM; SIGKILL" >&2
    kill -KILL "$p" 2>/dev/null || true
  fi
  wait "$p" 2>/dev/null || true
  unset "pid_of[$name]"
}

# stop_all stops the nodes, then the etcd members.
stop_all() {
  local name
  for name in node2 node1 etcd3 etcd2 etcd1; do stop "$name"; done
}

# tail_logs prints the end of every log, for a failure: the nodes' more
# than etcd's.
tail_logs() {
  local f n
  for f in "$dir"/log/node*.log "$dir"/log/etcd*.log; do
    [ -f "$f" ] || continue
    case "$f" in */node*) n=40 ;; *) n=10 ;; esac
    echo "---- the end of $(show "$f")" >&2
    tail -n "$n" "$f" >&2
  done
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # The logs are shown before stopping, which would add its own lines.
  if [ "$rc" -ne 0 ] && [ -n "$smoke" ] && [ -n "$dir" ]; then tail_logs; fi
  if [ "${#pid_of[@]}" -gt 0 ]; then
    say "stopping the cluster"
    stop_all
    say "stopped"
  fi
  if [ "$rc" -ne 0 ] && [ -n "$smoke" ]; then
    echo "cluster smoke: FAILED at step: ${step:-setting up}" >&2
    [ -n "$dir" ] && echo "cluster smoke: data and logs kept in $dir" >&2
  elif [ -n "$removable" ]; then
    rm -rf "$removable"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# fail message: a failure of the current step.
fail() {
  if [ -n "$smoke" ]; then echo "cluster smoke: $step: $*" >&2; else echo "cluster: $*" >&2; fi
  exit 1
}

# begin name: the smoke's next step.
begin() { step="$1"; say "-- $step"; }

command -v etcd >/dev/null || die "etcd is not installed: apt-get install etcd-server (Debian's etcd 3.4)"
command -v curl >/dev/null || die "curl is not installed: apt-get install curl"

if [ -n "$smoke" ]; then
  removable="$(mktemp -d)"
  dir="$removable"
  read -r -a free <<<"$(free_ports 8)"
  : "${NODE_PORTS:=${free[*]:0:2}}"
  : "${ETCD_CLIENT_PORTS:=${free[*]:2:3}}"
  : "${ETCD_PEER_PORTS:=${free[*]:5:3}}"
else
  dir="${CLUSTER_DIR:-$repo/cluster-data}"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
fi
read -r -a nport <<<"${NODE_PORTS:-8081 8082}"
read -r -a cport <<<"${ETCD_CLIENT_PORTS:-12379 22379 32379}"
read -r -a pport <<<"${ETCD_PEER_PORTS:-12380 22380 32380}"
[ "${#nport[@]}" -eq 2 ] || die "NODE_PORTS needs two ports, has '${nport[*]}'"
[ "${#cport[@]}" -eq 3 ] || die "ETCD_CLIENT_PORTS needs three ports, has '${cport[*]}'"
[ "${#pport[@]}" -eq 3 ] || die "ETCD_PEER_PORTS needs three ports, has '${pport[*]}'"
for p in "${nport[@]}" "${cport[@]}" "${pport[@]}"; do
  if port_in_use "$p"; then
    die "port $p on 127.0.0.1 is in use (a cluster still running? set NODE_PORTS, ETCD_CLIENT_PORTS or ETCD_PEER_PORTS)"
  fi
done

endpoints="127.0.0.1:${cport[0]},127.0.0.1:${cport[1]},127.0.0.1:${cport[2]}"
initial_cluster="etcd1=http://127.0.0.1:${pport[0]},etcd2=http://127.0.0.1:${pport[1]},etcd3=http://127.0.0.1:${pport[2]}"
bin="$repo/alliancegraph"
tokens="$dir/tokens.txt"
mkdir -p "$dir/log"

begin "build (make build)"
make -s build >/dev/null

restart=""
[ -d "$dir/etcd1" ] && restart=1
if [ ! -s "$tokens" ]; then
  (umask 077 && printf 'admin:%s\n' "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$tokens")
fi
token="$(sed -n 's/^admin://p' "$tokens" | head -n 1)"

# start_etcd i: etcd member i (1-3), logging to log/etcdI.log. The
# initial-cluster flags only matter on a first start; a restart reads
# the membership from the data directory.
start_etcd() {
  local name="etcd$1" c="${cport[$1 - 1]}" p="${pport[$1 - 1]}"
  etcd --name "$name" --data-dir "$dir/$name" --logger zap --log-outputs stderr \
    --listen-client-urls "http://127.0.0.1:$c" --advertise-client-urls "http://127.0.0.1:$c" \
    --listen-peer-urls "http://127.0.0.1:$p" --initial-advertise-peer-urls "http://127.0.0.1:$p" \
    --initial-cluster "$initial_cluster" --initial-cluster-state new \
    --initial-cluster-token "alliancegraph-$CLUSTER_NAME" >>"$dir/log/$name.log" 2>&1 &
  pid_of[$name]=$!
  all_pids+=($!)
}

# start_node i: alliancegraph node i (1-2), logging to log/nodeI.log.
start_node() {
  local name="node$1" port="${nport[$1 - 1]}"
  "$bin" serve --addr "127.0.0.1:$port" --data "$dir/$name" --tokens-file "$tokens" \
    --etcd "$endpoints" --cluster "$CLUSTER_NAME" --node "$name" \
    --advertise "http://127.0.0.1:$port" --max-lag "$MAX_LAG" >>"$dir/log/$name.log" 2>&1 &
  pid_of[$name]=$!
  all_pids+=($!)
}

node_url() { echo "http://127.0.0.1:${nport[$1 - 1]}"; }

# wait_ok name url want: until url answers 200 with a body containing
# want, failing at once when the process named exits, and after WAIT_SECS.
wait_ok() {
  local name="$1" url="$2" want="$3" deadline=$((SECONDS + WAIT_SECS)) body code rc
  while :; do
    body="$(curl -sS --max-time 2 -w '\n%{http_code}' "$url" 2>/dev/null || true)"
    code="${body##*$'\n'}" body="${body%$'\n'*}"
    if [ "$code" = 200 ]; then
      case "$body" in *"$want"*) return 0 ;; esac
    fi
    if ! kill -0 "${pid_of[$name]}" 2>/dev/null; then
      wait "${pid_of[$name]}" 2>/dev/null && rc=0 || rc=$?
      unset "pid_of[$name]"
      [ -n "$smoke" ] || tail -n 25 "$dir/log/$name.log" >&2
      fail "$name exited (status $rc) before $url answered; its log: $(show "$dir/log/$name.log")"
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      [ -n "$smoke" ] || tail -n 25 "$dir/log/$name.log" >&2
      fail "$url did not answer \"$want\" within ${WAIT_SECS}s (last answer: ${code:-none} ${body}); $name's log: $(show "$dir/log/$name.log")"
    fi
    sleep 0.2
  done
}

if [ -n "$restart" ]; then
  say "restarting the cluster in $(show "$dir") (make cluster-clean starts from scratch)"
else
  say "a new cluster in $(show "$dir")"
fi

begin "three etcd members healthy"
for i in 1 2 3; do start_etcd "$i"; done
for i in 1 2 3; do wait_ok "etcd$i" "http://127.0.0.1:${cport[i - 1]}/health" '"health":"true"'; done

# Node 1 starts first: on an empty cluster it seeds the curated dataset,
# which node 2 then copies instead of racing it.
how1=" (seeds the empty cluster)" how2=" (joins from node1)"
[ -z "$restart" ] || how1="" how2=""
begin "node1 ready$how1"
start_node 1
wait_ok node1 "$(node_url 1)/readyz" ok
begin "node2 ready$how2"
start_node 2
wait_ok node2 "$(node_url 2)/readyz" ok

if [ -z "$smoke" ]; then
  t="$(show "$tokens")"
  cat <<EOF

The cluster "$CLUSTER_NAME" is up (data and logs in $(show "$dir")/):
  node 1   $(node_url 1)/   GraphiQL; /explore, /readyz     log: $(show "$dir/log/node1.log")
  node 2   $(node_url 2)/                                   log: $(show "$dir/log/node2.log")
  etcd     $endpoints   logs: $(show "$dir/log")/etcd{1,2,3}.log
  token    $t (name:token; writes need it)

A write through node 1, then a read through node 2 at that write's revision:

  TOKEN=\$(cut -d: -f2- $t)
  curl -s $(node_url 1)/graphql -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' \\
    -d '{"query":"mutation { upsertEntity(input: {id: \"place/oslo\", kind: PLACE, name: \"Oslo\"}) { entity { id name } } }"}'
  # the answer ends with "extensions":{"revision":N}; send that N as X-Min-Revision:
  curl -s $(node_url 2)/graphql -H 'X-Min-Revision: N' -H 'Content-Type: application/json' \\
    -d '{"query":"{ entity(id: \"place/oslo\") { name } }"}'

Ctrl-C stops all five processes. The next run restarts this cluster from
$(show "$dir")/; stop it and run make cluster-clean to start from scratch.
EOF
  # Wait for Ctrl-C. A process that exits meanwhile (killed to watch the
  # others carry on, say) is reported, and the rest keep running.
  while [ "${#pid_of[@]}" -gt 0 ]; do
    gone="" rc=0
    wait -n -p gone "${pid_of[@]}" || rc=$?
    for name in "${!pid_of[@]}"; do
      if [ "${pid_of[$name]}" = "$gone" ]; then
        unset "pid_of[$name]"
        echo "cluster: $name exited (status $rc); its log: $(show "$dir/log/$name.log"); the rest run until Ctrl-C" >&2
      fi
    done
  done
  die "every process exited"
fi

# The smoke.

# post url body [curl args]: the GraphQL answer to body, or a failure.
post() {
  local url="$1" body="$2" out
  shift 2
  out="$(curl -sS --max-time "$WAIT_SECS" "$url/graphql" -H 'Content-Type: application/json' "$@" --data-binary "$body")" ||
    fail "POST $url/graphql: curl failed"
  case "$out" in *'"errors"'*) fail "POST $url/graphql answered with errors: $out" ;; esac
  echo "$out"
}

# revision answer: the answer's extensions.revision.
revision() {
  local r
  r="$(sed -n 's/.*"revision": *\([0-9][0-9]*\).*/\1/p' <<<"$1" | head -n 1)"
  [ -n "$r" ] || fail "no extensions.revision in $1"
  echo "$r"
}

# upsert i id name: writes a Place through node i; prints the revision.
upsert() {
  local out
  out="$(post "$(node_url "$1")" "{\"query\":\"mutation { upsertEntity(input: {id: \\\"$2\\\", kind: PLACE, name: \\\"$3\\\"}) { entity { id name } } }\"}" \
    -H "Authorization: Bearer $token")"
  case "$out" in *"\"name\":\"$3\""*) ;; *) fail "the write of $2 answered $out" ;; esac
  revision "$out"
}

# read_at i id name rev: node i, asked for revision rev, has the entity
# with that name and answers at rev or later.
read_at() {
  local out r
  out="$(post "$(node_url "$1")" "{\"query\":\"{ entity(id: \\\"$2\\\") { name } }\"}" -H "X-Min-Revision: $4")"
  case "$out" in *"\"name\":\"$3\""*) ;; *) fail "node$1 at revision $4 answered $out" ;; esac
  r="$(revision "$out")"
  [ "$r" -ge "$4" ] || fail "node$1 asked for revision $4 answered at revision $r: $out"
}

# same_revision rev: both nodes report one revision, rev or later; a
# write in between may make them differ for a moment, so it asks again.
same_revision() {
  local deadline=$((SECONDS + WAIT_SECS)) r1 r2 q='{"query":"{ __typename }"}'
  while :; do
    r1="$(revision "$(post "$(node_url 1)" "$q" -H "X-Min-Revision: $1")")"
    r2="$(revision "$(post "$(node_url 2)" "$q" -H "X-Min-Revision: $1")")"
    [ "$r1" = "$r2" ] && return 0
    [ "$SECONDS" -lt "$deadline" ] || fail "node1 reports revision $r1, node2 $r2, for ${WAIT_SECS}s"
    sleep 0.2
  done
}

begin "node2 holds the curated dataset"
out="$(post "$(node_url 2)" '{"query":"{ alliance(id: \"org/nato\") { memberCount(asOf: \"2024-03-07\") } }"}')"
case "$out" in *'"memberCount":32'*) ;; *) fail "NATO's members on 2024-03-07 through node2: $out" ;; esac

begin "a write through node1"
rev1="$(upsert 1 place/cluster-smoke-1 "Cluster smoke one")"
say "written at revision $rev1"

begin "node2 reads it at revision $rev1"
read_at 2 place/cluster-smoke-1 "Cluster smoke one" "$rev1"

begin "both nodes report the same revision"
same_revision "$rev1"

begin "node2 killed with SIGKILL"
kill -KILL "${pid_of[node2]}"
wait "${pid_of[node2]}" 2>/dev/null || true
unset "pid_of[node2]"

begin "a write through node1 while node2 is down"
rev2="$(upsert 1 place/cluster-smoke-2 "Cluster smoke two")"
say "written at revision $rev2"

begin "node2 restarted"
start_node 2
wait_ok node2 "$(node_url 2)/readyz" ok

begin "node2 caught up to revision $rev2"
read_at 2 place/cluster-smoke-2 "Cluster smoke two" "$rev2"
read_at 2 place/cluster-smoke-1 "Cluster smoke one" "$rev2"
same_revision "$rev2"

begin "everything stopped"
stop_all
for p in "${all_pids[@]}"; do
  if kill -0 "$p" 2>/dev/null; then fail "process $p is still running"; fi
done
say "smoke passed"
