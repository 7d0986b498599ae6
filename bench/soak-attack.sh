#!/usr/bin/env bash
# The attack soak, on 127.0.0.1 only (docs/BENCHMARKS.md, "Attack soak"):
# serve the NATO dataset plus a small synthetic graph of people who know
# each other (bench/attack seed: what the counts and path searches read)
# from a fresh directory with a tokens file; measure normal reads
# (bench/load --mix n1..n4) with no attack for IDLE; then measure them
# again for ATTACK while bench/attack runs the hostile requests of issue
# 17 items 2-4 and 6-8 against the same server. It reads the server's
# peak resident memory (VmHWM) and GET /debug/stats during and after the
# attack, and exits 1 when
#   - any normal read failed (an error, a non-200, a refusal),
#   - the reads' p99 under attack is over P99_FACTOR times the idle p99
#     (P99_FACTOR=0 skips this check),
#   - the server's peak resident memory is over RSS_BOUND_MB,
#   - an attack was answered other than with the refusal it must get, or
#     made no attempt (bench/attack's own check),
#   - the server stopped answering /readyz, or holds more goroutines after
#     the attack than before it (beyond a few that come and go).
# Stops by itself; a few minutes at most.
#
#   bash bench/soak-attack.sh                          # the documented run
#   IDLE=10s ATTACK=30s P99_FACTOR=0 bash bench/soak-attack.sh   # what CI runs
set -euo pipefail
cd "$(dirname "$0")/.."
IDLE="${IDLE:-30s}"
ATTACK="${ATTACK:-60s}"
CLIENTS="${CLIENTS:-4}"
P99_FACTOR="${P99_FACTOR:-10}"
# The bound on the server's peak resident memory over the whole run
# (docs/BENCHMARKS.md says how it was chosen).
RSS_BOUND_MB="${RSS_BOUND_MB:-600}"
MAX_CONNS="${MAX_CONNS:-4096}"
# The attacks' bounds (bench/attack run --help).
ATTACK_FLAGS="${ATTACK_FLAGS:---hold-conns 2000 --hold-rate 400 --sockets 400 --socket-ips 16 --socket-hold 10s}"
PEOPLE=20000
KNOWS=100000

work="$(mktemp -d)"
server=""
attacker=""
sampler=""
cleanup() {
  for p in "$sampler" "$attacker" "$server"; do
    if [ -n "$p" ]; then kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

if [ "$(ulimit -Hn)" != unlimited ] && [ "$(ulimit -Hn)" -lt 8192 ]; then
  echo "soak-attack: the open-file limit (ulimit -Hn) is $(ulimit -Hn); the attack needs 8192" >&2
  exit 1
fi

echo "== build"
go build -o "$work/alliancegraph" .
go build -o "$work/load" ./bench/load
go build -o "$work/attack" ./bench/attack
echo "machine: $(nproc) CPUs, $(lscpu | sed -n 's/^Model name: *//p'), $(awk '/^MemTotal:/ {print int($2/1048576)}' /proc/meminfo) GiB, $(go version | awk '{print $3}'), ulimit -n $(ulimit -Hn)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# serve_on starts the server on the data directory and sets $server and $base.
serve_on() {
  "$work/alliancegraph" serve --data "$work/data" --addr 127.0.0.1:0 --tokens-file "$work/tokens.txt" \
    --max-conns "$MAX_CONNS" "$@" >"$work/serve.log" 2>&1 &
  server=$!
  local port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.*url=http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$work/serve.log" 2>/dev/null | head -n 1 || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "server did not start:"; cat "$work/serve.log"; exit 1; }
  base="http://127.0.0.1:$port"
}

token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf 'soak:%s\n' "$token" >"$work/tokens.txt"

echo "== a fresh directory: the NATO dataset, then $PEOPLE people and $KNOWS KNOWS facts imported"
serve_on
kill -TERM "$server"; wait "$server" || true; server=""
"$work/attack" seed -o "$work/seed.jsonl" --people "$PEOPLE" --knows "$KNOWS"
"$work/alliancegraph" import --data "$work/data" "$work/seed.jsonl" 2>&1 | tail -n 1

echo "== serve on 127.0.0.1"
serve_on
grep -E 'msg=(connections|writes)' "$work/serve.log" || true

stats() { curl -fsS --max-time 10 "$base/debug/stats"; }
load() {
  "$work/load" --url "$base/graphql" --mix --queries n1,n2,n3,n4 --clients "$CLIENTS" --warmup "$1" --duration "$2" --pid "$server" --header=false
}
col() { awk -v c="$1" '{print $c}'; }

printf '%-8s %-14s %-5s %7s %10s %9s %9s %8s %9s %6s\n' phase server query clients req/s "p50 ms" "p99 ms" "cpu %" "peak MB" errors
idle=$(load 5s "$IDLE")
printf '%-8s %s\n' idle "$idle"
sleep 2
idle_stats=$(stats)
echo "stats after idle:   $idle_stats"

# The attack runs a little longer than the measured reads: it ramps up
# (held connections, sockets) before they start and ends after them. It
# runs niced: an attacker's own CPU is not the server's, and here the
# attack tool shares the server's CPUs; the server still has to answer
# everything it sends.
attack_secs=$(( ${ATTACK%s} + 10 ))
nice -n 10 "$work/attack" run --url "$base" --token "$token" --people "$PEOPLE" --duration "${attack_secs}s" $ATTACK_FLAGS >"$work/attack.out" 2>&1 &
attacker=$!
( while sleep 2; do
    rss=$(awk '/^VmRSS:/ {print int($2/1024)}' "/proc/$server/status" 2>/dev/null || echo 0)
    echo "$rss $(stats 2>/dev/null || echo '{}')"
  done ) >"$work/samples" &
sampler=$!
sleep 5
attacked=$(load 0s "$ATTACK")
printf '%-8s %s\n' attacked "$attacked"
attack_rc=0
wait "$attacker" || attack_rc=$?
attacker=""
kill "$sampler" 2>/dev/null || true; wait "$sampler" 2>/dev/null || true; sampler=""
cat "$work/attack.out"

field() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p"; }
peak_g=0; peak_h=0; peak_r=0
while read -r rss json; do
  g=$(echo "$json" | field goroutines); h=$(echo "$json" | field heapLiveBytes)
  [ "${g:-0}" -gt "$peak_g" ] && peak_g=$g
  [ "${h:-0}" -gt "$peak_h" ] && peak_h=$h
  [ "${rss:-0}" -gt "$peak_r" ] && peak_r=$rss
done <"$work/samples"
echo "during the attack (every 2 s): goroutines up to $peak_g, live heap up to $((peak_h / 1048576)) MiB, resident up to $peak_r MB"
# Reads again once the attack has ended (their collections also measure
# the live heap the attack left behind).
after=$(load 0s 10s)
printf '%-8s %s\n' after "$after"
sleep 2
end_stats=$(stats)
echo "stats after attack: $end_stats"
alive=yes
curl -fsS --max-time 10 "$base/readyz" >/dev/null || alive=no
hwm=$(awk '/^VmHWM:/ {print int($2/1024)}' "/proc/$server/status")
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

p99_idle=$(echo "$idle" | col 6); p99_attack=$(echo "$attacked" | col 6)
errors=$(( $(echo "$idle" | col 9) + $(echo "$attacked" | col 9) ))
ratio=$(awk -v a="$p99_attack" -v b="$p99_idle" 'BEGIN {printf "%.1f", a / b}')
echo "reads: p99 idle $p99_idle ms, under attack $p99_attack ms (${ratio}x); errors $errors; server peak resident $hwm MB (bound $RSS_BOUND_MB MB); alive: $alive"

g_idle=$(echo "$idle_stats" | field goroutines); g_end=$(echo "$end_stats" | field goroutines)
echo "goroutines: $g_idle after idle, $g_end after the attack"

fail=0
[ "$g_end" -le $((g_idle + 10)) ] || { echo "soak-attack: goroutines grew from $g_idle to $g_end: something the attack opened is still held" >&2; fail=1; }
[ "$errors" -eq 0 ] || { echo "soak-attack: $errors normal reads failed" >&2; fail=1; }
[ "$alive" = yes ] || { echo "soak-attack: the server does not answer /readyz" >&2; fail=1; }
[ "$hwm" -le "$RSS_BOUND_MB" ] || { echo "soak-attack: peak resident memory $hwm MB is over the bound of $RSS_BOUND_MB MB" >&2; fail=1; }
[ "$attack_rc" -eq 0 ] || { echo "soak-attack: an attack was not refused as it must be (see its problems above)" >&2; fail=1; }
if [ "$P99_FACTOR" != 0 ] && awk -v a="$p99_attack" -v b="$p99_idle" -v f="$P99_FACTOR" 'BEGIN {exit !(a > f * b)}'; then
  echo "soak-attack: p99 under attack is ${ratio}x the idle p99, over ${P99_FACTOR}x" >&2
  fail=1
fi
[ "$fail" -eq 0 ] || exit 1
echo "soak-attack: passed"
