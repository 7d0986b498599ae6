package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// fragmentBomb is issue 17 item 2: n fragments, each spreading the next
// twice, the last selecting leaf; expanded, leaf 2^(n-1) times.
func fragmentBomb(n int, leaf string) string {
	var b strings.Builder
	b.WriteString("query { ...F0 }")
	for i := range n - 1 {
		fmt.Fprintf(&b, " fragment F%d on Query { ...F%d ...F%d }", i, i+1, i+1)
	}
	fmt.Fprintf(&b, " fragment F%d on Query { %s }", n-1, leaf)
	return b.String()
}

// conflictingFields is issue 17 item 3: 900 fields under one response
// name whose arguments differ, which overlapping-field validation
// compares pairwise; aliased or not.
func conflictingFields(aliased bool) string {
	pair := `alliance(id:"x0"){name} alliance(id:"x1"){name} `
	if aliased {
		pair = `a:alliance(id:"x0"){name} a:alliance(id:"x1"){name} `
	}
	return "{ " + strings.Repeat(pair, 450) + "}"
}

// manyCounts is issue 17 item 7: the count of the largest index, aliased
// n times in one query.
func manyCounts(n int) string {
	var b strings.Builder
	b.WriteString("{ ")
	for i := range n {
		fmt.Fprintf(&b, "k%d: facts(predicate: KNOWS, first: 1) { totalCount } ", i)
	}
	b.WriteString("}")
	return b.String()
}

// deepPath is issue 17 item 7's other half: a path search of six hops
// over every predicate between two random people of the seeded graph
// (or two NATO states when there is none).
func deepPath(rng *rand.Rand, people int) string {
	pick := func() string {
		if people > 0 {
			return fmt.Sprintf("person/p%07d", rng.IntN(people))
		}
		return "country/" + natoStates[rng.IntN(len(natoStates))]
	}
	return fmt.Sprintf(`{ path(from: %q, to: %q, maxHops: 6) { length steps { entity { id } } } }`, pick(), pick())
}

var natoStates = []string{"ALB", "BEL", "BGR", "CAN", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "DEU", "GRC", "HUN", "ISL", "ITA", "LVA",
	"LTU", "LUX", "MNE", "NLD", "MKD", "NOR", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE", "TUR", "GBR", "USA"}

// queryAttack posts GraphQL queries from clients closed-loop workers, at
// most rate a second together (0: no bound), until ctx ends.
func queryAttack(ctx context.Context, base string, clients int, rate float64, t *tally, query func(*rand.Rand) string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	p := newPacer(ctx, rate)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i+1), 17))
			for p.wait(ctx) {
				body, _ := json.Marshal(map[string]string{"query": query(rng)})
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				outcome, size := send(client, req)
				if ctx.Err() != nil {
					return // stopped mid-request: not an answer
				}
				t.add(outcome, time.Since(t0), size)
			}
		})
	}
	wg.Wait()
}

// send does req and returns its outcome ("200 OK", "413 LIMIT_EXCEEDED",
// "closed unanswered", ...) and the answer's size.
func send(c *http.Client, req *http.Request) (string, int) {
	resp, err := c.Do(req)
	if err != nil {
		return netOutcome(err), 0
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Sprintf("%d, then %s", resp.StatusCode, netOutcome(err)), len(b)
	}
	return answerOutcome(resp.StatusCode, b), len(b)
}

// answerOutcome is the status and the first error's extensions.code, or
// OK when the answer has data and no error.
func answerOutcome(status int, body []byte) string {
	var r struct {
		Data   json.RawMessage
		Errors []struct {
			Extensions struct{ Code string }
		}
	}
	if json.Unmarshal(body, &r) != nil {
		return fmt.Sprintf("%d not JSON", status)
	}
	switch {
	case len(r.Errors) > 0 && r.Errors[0].Extensions.Code != "":
		return fmt.Sprintf("%d %s", status, r.Errors[0].Extensions.Code)
	case len(r.Errors) > 0:
		return fmt.Sprintf("%d error without a code", status)
	case len(r.Data) > 0 && string(r.Data) != "null":
		return fmt.Sprintf("%d OK", status)
	}
	return fmt.Sprintf("%d no data", status)
}

// netOutcome names a failure below HTTP.
func netOutcome(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "closed unanswered"
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "client out of file descriptors"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "client out of ports"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "no answer in time"
	}
	return "error: " + err.Error()
}

// pacer hands out at most rate turns a second to the workers of one
// attack; with rate 0 every wait returns at once.
type pacer struct{ tick <-chan time.Time }

func newPacer(ctx context.Context, rate float64) *pacer {
	if rate <= 0 {
		return &pacer{}
	}
	tk := time.NewTicker(time.Duration(float64(time.Second) / rate))
	context.AfterFunc(ctx, tk.Stop)
	return &pacer{tick: tk.C}
}

// wait blocks until the next turn and reports whether to go on.
func (p *pacer) wait(ctx context.Context) bool {
	if p.tick == nil {
		return ctx.Err() == nil
	}
	select {
	case <-p.tick:
		return ctx.Err() == nil
	case <-ctx.Done():
		return false
	}
}
