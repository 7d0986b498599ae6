#!/usr/bin/env bash
# A bounded soak run on 127.0.0.1 only: serve the NATO dataset (loaded on
# first start) from a fresh directory, then run a mixed read load (member
# lists, country memberships, search with typos, paths: bench/load --mix
# n1..n4, one picked at random per request) in ROUNDS rounds of ROUND each, reading the
# server's GET /debug/stats (goroutines, live heap) before the load, after a
# warm-up round and after the last round, once the load has stopped. It
# prints p99 per round and fails when goroutines or the live heap grew from
# the warm-up to the end beyond a tolerance. Stops by itself.
#
#   ROUNDS=6 ROUND=30s CLIENTS=8 bash bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${ROUNDS:-6}"
ROUND="${ROUND:-30s}"
CLIENTS="${CLIENTS:-8}"
work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "== build"
go build -o "$work/alliancegraph" .
go build -o "$work/load" ./bench/load
echo "cpus: $(nproc), $(lscpu | sed -n 's/^Model name: *//p'), $(go version | awk '{print $3}')"

echo "== serve on 127.0.0.1"
"$work/alliancegraph" serve --data "$work/data" --addr 127.0.0.1:0 >"$work/serve.log" 2>&1 &
server=$!
port=""
for _ in $(seq 1 300); do
  port=$(sed -n 's/.*url=http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$work/serve.log" | head -n 1)
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start:"; cat "$work/serve.log"; exit 1; }
base="http://127.0.0.1:$port"

stats() { curl -fsS "$base/debug/stats"; }
field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }

echo "stats before load:  $(stats)"
printf '%-6s %-14s %-5s %7s %10s %9s %9s %8s %9s %6s\n' round server query clients req/s "p50 ms" "p99 ms" "cpu %" "peak MB" errors
for r in $(seq 0 "$ROUNDS"); do
  line=$("$work/load" --url "$base/graphql" --mix --queries n1,n2,n3,n4 --clients "$CLIENTS" \
    --warmup 0s --duration "$ROUND" --pid "$server" --header=false)
  label="$r"; [ "$r" = 0 ] && label="warmup"
  printf '%-6s %s\n' "$label" "$line"
  if [ "$r" = 0 ]; then sleep 2; start=$(stats); echo "stats after warm-up: $start"; fi
done
sleep 2
end=$(stats)
echo "stats at the end:    $end"

g0=$(echo "$start" | field goroutines); g1=$(echo "$end" | field goroutines)
h0=$(echo "$start" | field heapLiveBytes); h1=$(echo "$end" | field heapLiveBytes)
echo "goroutines: $g0 -> $g1; live heap: $((h0 / 1048576)) MiB -> $((h1 / 1048576)) MiB"
# Tolerances: a few goroutines come and go with idle connections; the live
# heap is as of the last GC, so it moves with what was cached then.
if [ "$g1" -gt $((g0 + 10)) ] || [ "$h1" -gt $((h0 * 3 / 2 + 16 * 1048576)) ]; then
  echo "soak: growth beyond tolerance" >&2
  exit 1
fi
echo "soak: no growth"
