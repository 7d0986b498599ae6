package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// buildServer compiles the alliancegraph binary into a temporary
// directory (with -race when the tests run with it, which reuses their
// build cache and catches races in the server too).
func buildServer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "alliancegraph")
	args := []string{"build", "-o", bin}
	if raceEnabled {
		args = append(args, "-race")
	}
	out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverProc is a server running as its own process.
type serverProc struct {
	cmd  *exec.Cmd
	url  string // empty until it serves
	log  *syncBuffer
	done chan struct{} // closed when the log pipe ends
}

var servingURL = regexp.MustCompile(`msg=serving url=(http://127\.0\.0\.1:[0-9]+)/`)

// startProc starts `alliancegraph serve` on dir, listening on a free
// loopback port, with alice's token. With wait, it returns once the server
// logs its address.
func startProc(t *testing.T, bin, dir string, wait bool, extra ...string) *serverProc {
	t.Helper()
	args := append([]string{"serve", "--data", dir, "--addr", "127.0.0.1:0", "--gc-interval", "100ms"}, extra...)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "ALLIANCEGRAPH_TOKENS=alice:"+aliceToken, "GORACE=halt_on_error=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serverProc{cmd: cmd, log: &syncBuffer{}, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.log.Write(append(sc.Bytes(), '\n'))
			if m := servingURL.FindSubmatch(sc.Bytes()); m != nil {
				ready <- string(m[1])
			}
		}
	}()
	if !wait {
		return p
	}
	select {
	case p.url = <-ready:
		return p
	case <-p.done:
		cmd.Wait()
		t.Fatalf("server exited before serving: %v\n%s", cmd.ProcessState, p.log.String())
	case <-time.After(30 * time.Second):
		p.kill(t)
		t.Fatalf("server did not start:\n%s", p.log.String())
	}
	return nil
}

// kill sends SIGKILL and reaps the process.
func (p *serverProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	p.cmd.Wait()
	if bytes.Contains([]byte(p.log.String()), []byte("DATA RACE")) {
		t.Fatalf("the server reported a data race:\n%s", p.log.String())
	}
}

// crashWrite is one mutation and the record it must leave when applied.
type crashWrite struct {
	id     string // the entity or fact it writes
	entity *domain.Entity
	fact   *domain.Fact
}

// crashLedger tracks, per ID, the last acknowledged record and at most one
// write whose answer never came (in flight at the kill).
type crashLedger struct {
	mu      sync.Mutex
	acked   map[string]crashWrite
	pending map[string]crashWrite
}

func (l *crashLedger) record(w crashWrite, acked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if acked {
		l.acked[w.id] = w
	} else {
		l.pending[w.id] = w
	}
}

// TestCrashRecovery runs writers against a real server process and kills
// it with SIGKILL at random moments, 20 times while writes are in flight
// and every tenth cycle while it starts up. After every kill, on the same
// directory and without deleting anything: the store opens, the invariant
// checker is clean (and `alliancegraph check` at the end), every acknowledged write
// is there exactly as sent, and a write whose answer never came is either
// there whole or not at all. Then the server starts again.
func TestCrashRecovery(t *testing.T) {
	bin := buildServer(t)
	dir := filepath.Join(t.TempDir(), "data")
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	ledger := &crashLedger{acked: map[string]crashWrite{}, pending: map[string]crashWrite{}}
	writeKills := 0
	for cycle := 0; writeKills < 20; cycle++ {
		if cycle%10 == 0 {
			// Kill during start-up: opening the store, loading the dataset.
			p := startProc(t, bin, dir, false)
			time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
			p.kill(t)
		} else {
			p := startProc(t, bin, dir, true)
			if cycle > 1 {
				checkOneOverHTTP(t, p.url, ledger)
			}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					crashWriter(p.url, fmt.Sprintf("c%dw%d", cycle, w), ledger)
				}()
			}
			time.Sleep(time.Duration(20+rng.IntN(250)) * time.Millisecond)
			p.kill(t)
			wg.Wait()
			writeKills++
		}
		verifyAfterCrash(t, dir, ledger)
	}
	// The in-process checker ran after every kill; the command a user
	// would run agrees at the end.
	if out, err := exec.Command(bin, "check", "--data", dir).CombinedOutput(); err != nil {
		t.Fatalf("alliancegraph check: %v\n%s", err, out)
	}
	ledger.mu.Lock()
	defer ledger.mu.Unlock()
	t.Logf("%d kills while writing, %d acknowledged records checked after each", writeKills, len(ledger.acked))
	if len(ledger.acked) < 20 {
		t.Errorf("only %d writes were acknowledged: the test did not exercise the server", len(ledger.acked))
	}
}

// crashWriter writes until the server stops answering: an entity, then a
// fact from it, then a rename of the entity, and again.
func crashWriter(url, prefix string, l *crashLedger) {
	client := &http.Client{Timeout: 10 * time.Second}
	for n := 0; ; n++ {
		place := fmt.Sprintf("place/%s-%d", prefix, n)
		e := &domain.Entity{ID: place, Kind: domain.KindPlace, Name: "Crash " + place, Aliases: []string{prefix, fmt.Sprint(n)},
			Props: []domain.Prop{{Key: "n", Type: domain.PropInt, Value: fmt.Sprint(n)}}}
		upsert := `mutation($in: UpsertEntityInput!) { upsertEntity(input: $in) { entity { id } } }`
		in := func(e *domain.Entity) map[string]any {
			return map[string]any{"id": e.ID, "kind": "PLACE", "name": e.Name, "aliases": e.Aliases,
				"properties": []any{map[string]any{"key": "n", "type": "INT", "value": e.Props[0].Value}}}
		}
		if !crashSend(client, url, upsert, in(e), crashWrite{id: place, entity: e}, l) {
			return
		}
		f := &domain.Fact{ID: "fact/" + prefix + fmt.Sprint("-", n), Predicate: domain.LocatedIn, From: place, To: "country/FIN",
			Valid:     domain.Interval{From: domain.MustDate("2020-01-02")},
			Citations: []domain.Citation{{Source: "doc/seed-rutte-takes-over", URL: "https://example.org/" + prefix}}}
		assert := `mutation($in: AssertFactInput!) { assertFact(input: $in) { fact { id } } }`
		fin := map[string]any{"id": f.ID, "predicate": "LOCATED_IN", "from": f.From, "to": f.To, "validFrom": "2020-01-02",
			"citations": []any{map[string]any{"source": "doc/seed-rutte-takes-over", "url": f.Citations[0].URL}}}
		if !crashSend(client, url, assert, fin, crashWrite{id: f.ID, fact: f}, l) {
			return
		}
		renamed := *e
		renamed.Name += " (renamed)"
		if !crashSend(client, url, upsert, in(&renamed), crashWrite{id: place, entity: &renamed}, l) {
			return
		}
	}
}

// crashSend posts one mutation and records it as acknowledged (200, no
// errors) or pending; it reports whether the server answered.
func crashSend(c *http.Client, url, q string, in map[string]any, w crashWrite, l *crashLedger) bool {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"in": in}})
	req, _ := http.NewRequestWithContext(context.Background(), "POST", url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+aliceToken)
	resp, err := c.Do(req)
	if err != nil {
		l.record(w, false)
		return false
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var r gqlResponse
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(b, &r) != nil || len(r.Errors) > 0 || len(r.Data) == 0 {
		l.record(w, false)
		return false
	}
	l.record(w, true)
	return true
}

// verifyAfterCrash opens the directory as it was left, runs the checker
// and compares every recorded write; pending writes that turn out applied
// become acknowledged.
func verifyAfterCrash(t *testing.T, dir string, l *crashLedger) {
	t.Helper()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatalf("open after SIGKILL: %v", err)
	}
	defer db.Close()
	if vs, err := db.Check(time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("checker after SIGKILL: %v %v", vs, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	err = db.View(time.Time{}, func(r *store.Reader) error {
		for id, w := range l.acked {
			if p, ok := l.pending[id]; ok && crashMatches(r, p) == nil {
				continue // a later write in flight at the kill was applied
			}
			if err := crashMatches(r, w); err != nil {
				return fmt.Errorf("acknowledged %s: %w", id, err)
			}
		}
		for id, p := range l.pending {
			err := crashMatches(r, p)
			if err == nil {
				l.acked[id] = p
				continue
			}
			if _, ok := l.acked[id]; ok {
				continue // checked above: the acknowledged version is there
			}
			if !crashAbsent(r, id) {
				return fmt.Errorf("unacknowledged %s is half there: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clear(l.pending)
}

func crashMatches(r *store.Reader, w crashWrite) error {
	if w.entity != nil {
		got, err := r.Entity(w.id)
		if err != nil {
			return err
		}
		if got.Name != w.entity.Name || !slices.Equal(got.Aliases, w.entity.Aliases) || !slices.Equal(got.Props, w.entity.Props) {
			return fmt.Errorf("got %+v, want %+v", got, w.entity)
		}
		return nil
	}
	got, err := r.Fact(w.id)
	if err != nil {
		return err
	}
	if got.From != w.fact.From || got.To != w.fact.To || got.Valid != w.fact.Valid || len(got.Citations) != 1 || got.Citations[0].URL != w.fact.Citations[0].URL {
		return fmt.Errorf("got %+v, want %+v", got, w.fact)
	}
	return nil
}

func crashAbsent(r *store.Reader, id string) bool {
	if domain.IsFactID(id) {
		_, err := r.Fact(id)
		return err != nil
	}
	_, err := r.Entity(id)
	return err != nil
}

// checkOneOverHTTP asks the restarted server for an acknowledged fact.
func checkOneOverHTTP(t *testing.T, url string, l *crashLedger) {
	t.Helper()
	l.mu.Lock()
	var id string
	for k := range l.acked {
		if domain.IsFactID(k) {
			id = k
			break
		}
	}
	l.mu.Unlock()
	if id == "" {
		return
	}
	var d struct{ Fact struct{ ID string } }
	ok(t, gql(t, url, "", `query($id: ID!) { fact(id: $id) { id } }`, map[string]any{"id": id}), &d)
	if d.Fact.ID != id {
		t.Errorf("restarted server lacks acknowledged %s", id)
	}
}
