// Command writelat measures write latency: each of --writers clients sends
// --writes upsertEntity mutations one after the other, each creating a new
// place (a unique ID per run, writer and write), to GraphQL endpoints on
// loopback, and it prints writes/s, p50, p99 and the mean. Given several
// endpoints (the nodes of a cluster) writer i writes through endpoint
// i mod n. A write counts as good only when it answers 200 with
// changed: true and no error; the others are counted by their
// extensions.code, and any whose code --allow does not list makes the
// command exit 1 after printing.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alliancegraph/alliancegraph/bench/internal/loopback"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "writelat:", err)
		os.Exit(1)
	}
}

// mutation creates one entity and asks only for what tells a good write.
const mutation = `mutation W($in: UpsertEntityInput!) { upsertEntity(input: $in) { changed } }`

// errWrites is returned when some writes were not good ones.
var errWrites = errors.New("some writes failed")

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("writelat", flag.ContinueOnError)
	urlList := fs.String("url", "", "GraphQL endpoints on loopback, comma-separated; writer i writes through endpoint i mod n")
	token := fs.String("token", os.Getenv("WRITELAT_TOKEN"), "write token, sent as Authorization: Bearer (env WRITELAT_TOKEN)")
	writes := fs.Int("writes", 500, "measured writes per writer")
	warmup := fs.Int("warmup", 10, "writes per writer before the measured ones, not counted")
	writers := fs.Int("writers", 1, "concurrent writers, each sending its writes one after the other")
	limit := fs.Duration("max-time", 2*time.Minute, "stop the measured writes after this long even if not all were sent")
	label := fs.String("label", "alliancegraph", "server name in the output")
	header := fs.Bool("header", true, "print the table header")
	allow := fs.String("allow", "", "comma-separated `codes` counted like other failed writes but not failing the command\n(e.g. CONFLICT, which a cluster answers to a write that lost to other nodes' too often)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	urls, err := loopback.URLs(*urlList)
	if err != nil {
		return err
	}
	switch {
	case *token == "":
		return errors.New("--token (or WRITELAT_TOKEN) is needed: writes need a token")
	case *writes < 1 || *warmup < 0 || *writers < 1:
		return fmt.Errorf("want --writes and --writers of 1 or more and --warmup of 0 or more")
	}
	runID := make([]byte, 4)
	rand.Read(runID)
	w := &writer{client: &http.Client{Timeout: 30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: *writers}}, token: *token, run: hex.EncodeToString(runID)}

	w.round(urls, *writers, 0, *warmup, time.Hour)
	warm := w.reset()
	t0 := time.Now()
	w.round(urls, *writers, *warmup, *writes, *limit)
	elapsed := time.Since(t0)
	r := w.reset()
	if *header {
		fmt.Fprintf(out, "%-14s %7s %7s %9s %9s %9s %9s %9s %s\n", "server", "writers", "writes", "writes/s", "p50 ms", "p99 ms", "mean ms", "max ms", "errors")
	}
	var p50, p99, mean, worst time.Duration
	if n := len(r.lat); n > 0 {
		slices.Sort(r.lat)
		p50, p99, worst = r.lat[n*50/100], r.lat[min(n*99/100, n-1)], r.lat[n-1]
		var sum time.Duration
		for _, d := range r.lat {
			sum += d
		}
		mean = sum / time.Duration(n)
	}
	fmt.Fprintf(out, "%-14s %7d %7d %9.0f %9.2f %9.2f %9.2f %9.2f %s\n", *label, *writers, len(r.lat),
		float64(len(r.lat))/elapsed.Seconds(), ms(p50), ms(p99), ms(mean), ms(worst), r.errorText())
	allowed := strings.Split(*allow, ",")
	bad := false
	for _, t := range []tally{warm, r} {
		for code := range t.errs {
			bad = bad || !slices.Contains(allowed, code)
		}
	}
	if len(warm.errs)+len(r.errs) > 0 {
		if len(warm.errs) > 0 {
			fmt.Fprintf(out, "warm-up errors: %s\n", warm.errorText())
		}
		for _, e := range append(warm.samples, r.samples...) {
			fmt.Fprintf(out, "  %s\n", e)
		}
	}
	if bad {
		return errWrites
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// writer sends the writes and gathers their outcomes.
type writer struct {
	client *http.Client
	token  string
	run    string // this run's part of every ID, so reruns create new entities

	mu      sync.Mutex
	lat     []time.Duration // good writes only
	errs    map[string]int  // failed writes by code
	samples []string        // the first failed answers, for the report
}

// tally is what one round gathered.
type tally struct {
	lat     []time.Duration
	errs    map[string]int
	samples []string
}

// errorText is "0", or each code with its count.
func (t tally) errorText() string {
	if len(t.errs) == 0 {
		return "0"
	}
	var parts []string
	for _, code := range slices.Sorted(maps.Keys(t.errs)) {
		parts = append(parts, fmt.Sprintf("%s=%d", code, t.errs[code]))
	}
	return strings.Join(parts, ",")
}

// reset returns what was gathered since the last reset and starts afresh.
func (w *writer) reset() tally {
	w.mu.Lock()
	defer w.mu.Unlock()
	t := tally{w.lat, w.errs, w.samples}
	w.lat, w.errs, w.samples = nil, nil, nil
	return t
}

// round runs writers concurrently, each sending writes numbered from
// first, writer i through urls[i mod n], until done or until limit.
func (w *writer) round(urls []string, writers, first, writes int, limit time.Duration) {
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			url := urls[i%len(urls)]
			for j := first; j < first+writes && ctx.Err() == nil; j++ {
				id := fmt.Sprintf("place/bench-%s-w%d-%d", w.run, i, j)
				t0 := time.Now()
				code, detail := w.write(url, id)
				el := time.Since(t0)
				w.mu.Lock()
				if code == "" {
					w.lat = append(w.lat, el)
				} else {
					if w.errs == nil {
						w.errs = map[string]int{}
					}
					w.errs[code]++
					if len(w.samples) < 5 {
						w.samples = append(w.samples, fmt.Sprintf("%s via %s: %s", id, url, detail))
					}
				}
				w.mu.Unlock()
			}
		})
	}
	wg.Wait()
}

// answer is the part of a mutation's response writelat reads.
type answer struct {
	Data *struct {
		UpsertEntity *struct {
			Changed bool `json:"changed"`
		} `json:"upsertEntity"`
	} `json:"data"`
	Errors []struct {
		Message    string `json:"message"`
		Extensions struct {
			Code string `json:"code"`
		} `json:"extensions"`
	} `json:"errors"`
}

// write creates the place id through url. It returns "" for a good write,
// or a code for what went wrong and the answer for the report.
func (w *writer) write(url, id string) (code, detail string) {
	body, err := json.Marshal(map[string]any{"query": mutation, "variables": map[string]any{
		"in": map[string]any{"id": id, "kind": "PLACE", "name": "Benchmark place " + id}}})
	if err != nil {
		return "marshal", err.Error()
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return "request", err.Error()
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+w.token)
	resp, err := w.client.Do(req)
	if err != nil {
		return "transport", err.Error()
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return "transport", err.Error()
	}
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		return fmt.Sprintf("http-%d", resp.StatusCode), string(b)
	}
	switch {
	case len(a.Errors) > 0:
		code := a.Errors[0].Extensions.Code
		if code == "" {
			code = "no-code"
		}
		return code, string(b)
	case resp.StatusCode != http.StatusOK:
		return fmt.Sprintf("http-%d", resp.StatusCode), string(b)
	case a.Data == nil || a.Data.UpsertEntity == nil || !a.Data.UpsertEntity.Changed:
		return "unchanged", string(b)
	}
	return "", ""
}
