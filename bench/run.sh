#!/usr/bin/env bash
# The performance benchmark, end to end (make bench): generate the
# synthetic graph, time its import, serve it on 127.0.0.1, run q1..q4 with
# 1 and 16 closed-loop clients, then q1 and q2 against the in-memory gqlgen
# ceiling in the same run, and print one table.
#
#   FACTOR=1 DURATION=10s WARMUP=2s bash bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
FACTOR="${FACTOR:-1}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CLIENTS="${CLIENTS:-1,16}"
QUERIES="${QUERIES:-q1,q2,q3,q4,p1}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
go build -o "$work/alliancegraph" .
go build -o "$work/load" ./bench/load
go build -o "$work/ceilingd" ./bench/ceilingd

echo "== machine"
echo "cpus: $(nproc), memory: $(free -g | awk '/Mem:/ {print $2}') GiB, $(lscpu | sed -n 's/^Model name: *//p'), $(go version)"

echo "== generate factor $FACTOR"
"$work/alliancegraph" gen --factor "$FACTOR" -o "$work/graph.jsonl"
ls -l "$work/graph.jsonl" | awk '{print $5 " bytes"}'

echo "== import"
start=$(date +%s.%N)
"$work/alliancegraph" import --data "$work/data" "$work/graph.jsonl"
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "import wall time: %.2f s\n", e - s }'
# The invariant checker proves the import kept every index and rule
# (about 5 s on factor 1, 90 s on factor 10); CHECK=0 skips it.
if [ "${CHECK:-1}" = 1 ]; then
  start=$(date +%s.%N)
  "$work/alliancegraph" check --data "$work/data"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "check wall time: %.2f s\n", e - s }'
fi

port_of() { sed -n 's/.*http:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$1" | head -n 1; }
wait_port() {
  for _ in $(seq 1 300); do
    p=$(port_of "$1"); [ -n "$p" ] && { echo "$p"; return; }
    sleep 0.1
  done
  echo "server did not start; its log:" >&2; cat "$1" >&2; exit 1
}

echo "== serve"
"$work/alliancegraph" serve --data "$work/data" --addr 127.0.0.1:0 --log-json >"$work/serve.log" 2>&1 &
server=$!; pids+=("$server")
port=$(wait_port "$work/serve.log")
"$work/load" --url "http://127.0.0.1:$port/graphql" --pid "$server" --factor "$FACTOR" \
  --queries "$QUERIES" --clients "$CLIENTS" --warmup "$WARMUP" --duration "$DURATION" | tee "$work/ours.txt"
# Peak resident memory counts the table files' pages the server touched
# (file-backed, shared with the page cache) as well as its own heap.
echo "server memory at the end: $(grep -E '^(VmHWM|RssAnon|RssFile):' "/proc/$server/status" | tr -s ' \t\n' ' ')"
kill "$server"; wait "$server" 2>/dev/null || true

echo "== in-memory ceiling"
"$work/ceilingd" --data "$work/graph.jsonl" --addr 127.0.0.1:0 >"$work/ceiling.log" 2>&1 &
ceiling=$!; pids+=("$ceiling")
port=$(wait_port "$work/ceiling.log")
"$work/load" --url "http://127.0.0.1:$port/graphql" --pid "$ceiling" --factor "$FACTOR" --label ceiling --header=false \
  --queries q1,q2 --clients "$CLIENTS" --warmup "$WARMUP" --duration "$DURATION" | tee "$work/ceiling.txt"

echo "== ratio to the ceiling (req/s)"
awk 'NR==FNR { if ($2 ~ /^q[12]$/) c[$2" "$3]=$4; next }
     $2 ~ /^q[12]$/ && c[$2" "$3] > 0 { printf "%s clients=%s: %.2fx of the ceiling\n", $2, $3, $4 / c[$2" "$3] }' \
  "$work/ceiling.txt" "$work/ours.txt"
