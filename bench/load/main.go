// Command load is the benchmark's closed-loop load generator. It sends the
// workload's queries (q1..q4) with random IDs and dates to a GraphQL
// endpoint on loopback from 1 and from 16 concurrent clients, after a
// warm-up, for a fixed time each, and prints req/s, p50, p99 and, when
// given the server's PID, the server's CPU and peak resident memory.
//
// Given several endpoints (the nodes of a cluster) it spreads the clients
// over them, client i on endpoint i mod n, and reports the total; given
// several PIDs, their CPU summed and the largest peak.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alliancegraph/alliancegraph/bench/internal/loopback"
)

// Query IDs follow alliancegraph gen's ID scheme.
type query struct {
	text string
	vars func(rng *rand.Rand, f int) map[string]any
}

var queries = map[string]query{
	"q1": {`query Q1($id: ID!) { country(id: $id) { id name iso3 capital region population area gdp founded independent } }`,
		func(rng *rand.Rand, f int) map[string]any {
			return map[string]any{"id": fmt.Sprintf("country/C%06d", rng.IntN(10000*f))}
		}},
	"q2": {`query Q2($id: ID!) { event(id: $id) { id name date participants { from { id name } } } }`,
		func(rng *rand.Rand, f int) map[string]any {
			return map[string]any{"id": fmt.Sprintf("event/e%06d", rng.IntN(10000*f))}
		}},
	"q3": {`query Q3($id: ID!, $d: Date!) { alliance(id: $id) { id name members(asOf: $d, first: 100) { edges { node { id name memberships { id validFrom validTo to { id } } } } } } }`,
		func(rng *rand.Rand, f int) map[string]any {
			return map[string]any{"id": fmt.Sprintf("org/a%06d", rng.IntN(2000*f)), "d": randomDate(rng)}
		}},
	"q4": {`query Q4($d: Date!) { facts(predicate: MEMBER_OF, startedAfter: $d, orderBy: VALID_FROM, first: 20) { edges { node { id validFrom validTo from { id } to { id } } } } }`,
		func(rng *rand.Rand, f int) map[string]any { return map[string]any{"d": randomDate(rng)} }},
	// p1 is the path query: two random people, bidirectional
	// search over every predicate, up to 6 hops.
	"p1": {`query P1($a: ID!, $b: ID!) { path(from: $a, to: $b, maxHops: 6) { length } }`,
		func(rng *rand.Rand, f int) map[string]any {
			return map[string]any{"a": fmt.Sprintf("person/p%07d", rng.IntN(80000*f)), "b": fmt.Sprintf("person/p%07d", rng.IntN(80000*f))}
		}},
}

// The NATO dataset's reads (n1..n4), for runs on a server started on an
// empty directory, which loads that dataset: no generation or import
// needed (bench/soak.sh).
var natoStates = []string{"ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL", "ITA", "LVA",
	"LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA"}

func init() {
	state := func(rng *rand.Rand) string { return "country/" + natoStates[rng.IntN(len(natoStates))] }
	day := func(rng *rand.Rand) string {
		return time.Date(1949, 8, 24, 0, 0, 0, 0, time.UTC).AddDate(0, 0, rng.IntN(76*365)).Format(time.DateOnly)
	}
	queries["n1"] = query{`query N1($id: ID!) { country(id: $id) { id name iso3 memberships { id validFrom validTo to { id name } } } }`,
		func(rng *rand.Rand, _ int) map[string]any { return map[string]any{"id": state(rng)} }}
	queries["n2"] = query{`query N2($d: Date!) { alliance(id: "org/nato") { memberCount(asOf: $d) members(asOf: $d, first: 50) { edges { since node { id name } } } } }`,
		func(rng *rand.Rand, _ int) map[string]any { return map[string]any{"d": day(rng)} }}
	queries["n3"] = query{`query N3($q: String!) { search(query: $q, first: 5) { score entity { id name } } }`,
		func(rng *rand.Rand, _ int) map[string]any {
			return map[string]any{"q": []string{"finland", "turkiye", "stoltenburg", "rutte", "north atlantic", "sweden"}[rng.IntN(6)]}
		}}
	queries["n4"] = query{`query N4($a: ID!, $b: ID!, $d: Date!) { path(from: $a, to: $b, maxHops: 3, asOf: $d) { length } }`,
		func(rng *rand.Rand, _ int) map[string]any {
			return map[string]any{"a": state(rng), "b": state(rng), "d": day(rng)}
		}}
}

func randomDate(rng *rand.Rand) string {
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	return start.AddDate(0, 0, rng.IntN(125*365)).Format(time.DateOnly)
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	urlList := fs.String("url", "", "GraphQL endpoint on loopback, e.g. http://127.0.0.1:8080/graphql; a comma-separated list spreads\nthe clients over the endpoints, client i on endpoint i mod n")
	qs := fs.String("queries", "q1,q2,q3,q4", "queries to run")
	clients := fs.String("clients", "1,16", "concurrent closed-loop clients, one run each")
	warmup := fs.Duration("warmup", 2*time.Second, "warm-up before each measured run")
	dur := fs.Duration("duration", 10*time.Second, "measured time of each run")
	pidList := fs.String("pid", "", "server process `IDs`, comma-separated, to report their CPU (summed) and peak resident memory (the largest)")
	factor := fs.Int("factor", 1, "size factor of the generated graph (for ID ranges)")
	label := fs.String("label", "alliancegraph", "server name in the output")
	header := fs.Bool("header", true, "print the table header")
	mix := fs.Bool("mix", false, "one run per client count in which every request picks one of --queries at random (a mixed load)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	urls, err := loopback.URLs(*urlList)
	if err != nil {
		return err
	}
	var pids []int
	if *pidList != "" {
		for _, p := range strings.Split(*pidList, ",") {
			n, err := strconv.Atoi(p)
			if err != nil || n < 1 {
				return fmt.Errorf("bad --pid %q", p)
			}
			pids = append(pids, n)
		}
	}
	if *header {
		fmt.Fprintf(out, "%-14s %-5s %7s %10s %9s %9s %8s %9s %6s\n", "server", "query", "clients", "req/s", "p50 ms", "p99 ms", "cpu %", "peak MB", "errors")
	}
	names := strings.Split(*qs, ",")
	for _, q := range names {
		if _, ok := queries[q]; !ok {
			return fmt.Errorf("unknown query %q", q)
		}
	}
	if *mix {
		text, vars := mixed(names)
		for _, cs := range strings.Split(*clients, ",") {
			c, err := strconv.Atoi(cs)
			if err != nil || c < 1 {
				return fmt.Errorf("bad --clients %q", cs)
			}
			r := measure(urls, text, vars, *factor, c, *warmup, *dur, pids)
			fmt.Fprintf(out, "%-14s %-5s %7d %10.0f %9.2f %9.2f %8.0f %9.0f %6d\n", *label, "mix", c, r.rps, ms(r.p50), ms(r.p99), r.cpu, r.peakMB, r.errors)
		}
		return nil
	}
	for _, q := range names {
		spec := queries[q]
		for _, cs := range strings.Split(*clients, ",") {
			c, err := strconv.Atoi(cs)
			if err != nil || c < 1 {
				return fmt.Errorf("bad --clients %q", cs)
			}
			r := measure(urls, spec.text, spec.vars, *factor, c, *warmup, *dur, pids)
			fmt.Fprintf(out, "%-14s %-5s %7d %10.0f %9.2f %9.2f %8.0f %9.0f %6d\n", *label, q, c, r.rps, ms(r.p50), ms(r.p99), r.cpu, r.peakMB, r.errors)
		}
	}
	return nil
}

// mixed returns one document holding every named query as an operation,
// and variables that pick one operation at random per request.
func mixed(names []string) (string, func(*rand.Rand, int) map[string]any) {
	var doc strings.Builder
	for _, q := range names {
		doc.WriteString(queries[q].text + "\n")
	}
	return doc.String(), func(rng *rand.Rand, f int) map[string]any {
		q := names[rng.IntN(len(names))]
		vars := queries[q].vars(rng, f)
		vars[opNameKey] = strings.ToUpper(q)
		return vars
	}
}

// opNameKey carries the operation name from a vars function to send; it
// is not a GraphQL variable.
const opNameKey = "\x00operationName"

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

type result struct {
	rps      float64
	p50, p99 time.Duration
	cpu      float64 // servers' CPU, percent of one core
	peakMB   float64
	errors   int
}

func measure(urls []string, text string, vars func(*rand.Rand, int) map[string]any, factor, clients int, warmup, dur time.Duration, pids []int) result {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: 30 * time.Second}
	run := func(d time.Duration, record bool) ([]time.Duration, int) {
		ctx, cancel := context.WithTimeout(context.Background(), d)
		defer cancel()
		var mu sync.Mutex
		var lat []time.Duration
		errs := 0
		var wg sync.WaitGroup
		for i := range clients {
			wg.Add(1)
			go func(seed uint64, url string) {
				defer wg.Done()
				rng := rand.New(rand.NewPCG(seed, 7))
				var mine []time.Duration
				bad := 0
				for ctx.Err() == nil {
					v := vars(rng, factor)
					req := map[string]any{"query": text, "variables": v}
					if op, ok := v[opNameKey]; ok {
						delete(v, opNameKey)
						req["operationName"] = op
					}
					body, _ := json.Marshal(req)
					t0 := time.Now()
					ok := send(client, url, body)
					el := time.Since(t0)
					if ctx.Err() != nil {
						break
					}
					if !ok {
						bad++
					}
					mine = append(mine, el)
				}
				if record {
					mu.Lock()
					lat = append(lat, mine...)
					errs += bad
					mu.Unlock()
				}
			}(uint64(i+1), urls[i%len(urls)])
		}
		wg.Wait()
		return lat, errs
	}
	run(warmup, false)
	cpu0 := cpuTicks(pids)
	t0 := time.Now()
	lat, errs := run(dur, true)
	elapsed := time.Since(t0)
	cpu1 := cpuTicks(pids)
	slices.Sort(lat)
	r := result{rps: float64(len(lat)) / elapsed.Seconds(), errors: errs, peakMB: peakMB(pids)}
	if len(lat) > 0 {
		r.p50 = lat[len(lat)*50/100]
		r.p99 = lat[min(len(lat)*99/100, len(lat)-1)]
	}
	if len(pids) > 0 {
		r.cpu = float64(cpu1-cpu0) / clockTicks / elapsed.Seconds() * 100
	}
	return r
}

// send posts one query and reports whether it answered 200 with data and
// no errors.
func send(c *http.Client, url string, body []byte) bool {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == http.StatusOK && !bytes.Contains(b, []byte(`"errors"`)) && bytes.Contains(b, []byte(`"data"`))
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat CPU times on Linux.
const clockTicks = 100

// cpuTicks returns the processes' user+system CPU time in clock ticks,
// summed.
func cpuTicks(pids []int) int64 {
	var sum int64
	for _, pid := range pids {
		sum += processTicks(pid)
	}
	return sum
}

// processTicks returns one process's user+system CPU time in clock ticks.
func processTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name (which may hold spaces) start at ")".
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(fields) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(fields[11], 10, 64)
	st, _ := strconv.ParseInt(fields[12], 10, 64)
	return u + st
}

// peakMB returns the largest peak resident set (VmHWM) of the processes,
// in MB.
func peakMB(pids []int) float64 {
	var peak float64
	for _, pid := range pids {
		peak = max(peak, processPeakMB(pid))
	}
	return peak
}

// processPeakMB returns one process's peak resident set in MB.
func processPeakMB(pid int) float64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024
		}
	}
	return 0
}
