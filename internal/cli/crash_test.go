package cli

import (
	"archive/zip"
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
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// crashWrite is one mutation and the record it must leave when applied.
type crashWrite struct {
	id     string // the entity or fact it writes
	entity *domain.Entity
	fact   *domain.Fact
}

// crashLedger tracks, per ID, the last acknowledged record and at most one
// write whose answer never came (in flight at the kill); the imports in
// flight at a kill, each of which must be there whole or not at all; and
// the IDs that only refused requests carried, which must never be there.
type crashLedger struct {
	mu      sync.Mutex
	acked   map[string]crashWrite
	pending map[string]crashWrite
	groups  [][]crashWrite
	never   map[string]bool
}

func newCrashLedger() *crashLedger {
	return &crashLedger{acked: map[string]crashWrite{}, pending: map[string]crashWrite{}, never: map[string]bool{}}
}

// recordImport records the records of one import: acknowledged, or in
// flight at the kill.
func (l *crashLedger) recordImport(ws []crashWrite, acked bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !acked {
		l.groups = append(l.groups, ws)
		return
	}
	for _, w := range ws {
		l.acked[w.id] = w
	}
}

// recordRefused records IDs that only a refused request carried.
func (l *crashLedger) recordRefused(ids []string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, id := range ids {
		l.never[id] = true
	}
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

// crashArgs are the flags the crash test's server runs with: frequent
// value-log GC, and POST /import limits small enough that requests over
// them stay small.
var crashArgs = []string{"--gc-interval", "100ms", "--max-import", "262144", "--max-import-line", "65536", "--max-import-unzipped", "131072"}

// TestCrashRecovery runs writers against a real server process and kills
// it with SIGKILL at random moments, 20 times while writes are in flight
// and every tenth cycle while it starts up. The writers create, rename
// and end things (endFact, then endFact again without expectedValidTo,
// which must be CONFLICT and write nothing, then with it), one imports
// files of 600 records (more than one chunk), and one posts imports each
// refused by one of the size limits (line, unzipped size, body). After
// every kill, on the same directory and without deleting anything: the
// store opens, the invariant checker is clean (and `alliancegraph check`
// at the end), every acknowledged write is there exactly as sent, a write
// whose answer never came is either there whole or not at all (an import
// too: all its records or none), and no record of a refused request is
// there. Then the server starts again.
func TestCrashRecovery(t *testing.T) {
	bin := servertest.Build(t)
	dir := filepath.Join(t.TempDir(), "data")
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	ledger := newCrashLedger()
	writeKills := 0
	for cycle := 0; writeKills < 20; cycle++ {
		if cycle%10 == 0 {
			// Kill during start-up: opening the store, loading the dataset.
			p := servertest.New(t, servertest.Binary(bin), servertest.Dir(dir), servertest.Args(crashArgs...), servertest.NoWait())
			time.Sleep(time.Duration(rng.IntN(150)) * time.Millisecond)
			p.Kill(t)
		} else {
			p := servertest.New(t, servertest.Binary(bin), servertest.Dir(dir), servertest.Args(crashArgs...))
			if cycle > 1 {
				checkOneOverHTTP(t, p.URL, ledger)
			}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() { crashWriter(t, p.URL, fmt.Sprintf("c%dw%d", cycle, w), ledger) })
			}
			wg.Go(func() { crashImporter(t, p.URL, fmt.Sprintf("c%di", cycle), ledger) })
			wg.Go(func() { crashRefusedImporter(t, p.URL, fmt.Sprintf("c%dr", cycle), ledger) })
			time.Sleep(time.Duration(20+rng.IntN(250)) * time.Millisecond)
			p.Kill(t)
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
	t.Logf("%d kills while writing, %d acknowledged records checked after each, %d records of refused requests absent",
		writeKills, len(ledger.acked), len(ledger.never))
	if len(ledger.acked) < 20 {
		t.Errorf("only %d writes were acknowledged: the test did not exercise the server", len(ledger.acked))
	}
}

// crashWriter writes until the server stops answering: an entity, a fact
// from it, a rename of the entity, an end of the fact, a second end that
// does not name the first (CONFLICT: it must write nothing), and a move
// of the end that names it; and again.
func crashWriter(t *testing.T, url, prefix string, l *crashLedger) {
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
		if !crashAcked(t, client, url, upsert, in(e), crashWrite{id: place, entity: e}, l) {
			return
		}
		f := &domain.Fact{ID: "fact/" + prefix + fmt.Sprint("-", n), Predicate: domain.LocatedIn, From: place, To: "country/FIN",
			Valid:     domain.Interval{From: domain.MustDate("2020-01-02")},
			Citations: []domain.Citation{{Source: "doc/seed-rutte-takes-over", URL: "https://example.org/" + prefix}}}
		assert := `mutation($in: AssertFactInput!) { assertFact(input: $in) { fact { id } } }`
		fin := map[string]any{"id": f.ID, "predicate": "LOCATED_IN", "from": f.From, "to": f.To, "validFrom": "2020-01-02",
			"citations": []any{map[string]any{"source": "doc/seed-rutte-takes-over", "url": f.Citations[0].URL}}}
		if !crashAcked(t, client, url, assert, fin, crashWrite{id: f.ID, fact: f}, l) {
			return
		}
		renamed := *e
		renamed.Name += " (renamed)"
		if !crashAcked(t, client, url, upsert, in(&renamed), crashWrite{id: place, entity: &renamed}, l) {
			return
		}
		endFact := `mutation($in: EndFactInput!) { endFact(input: $in) { fact { id validTo } } }`
		ended := *f
		ended.Valid.To = domain.MustDate("2021-03-04")
		if !crashAcked(t, client, url, endFact, map[string]any{"id": f.ID, "validTo": "2021-03-04"}, crashWrite{id: f.ID, fact: &ended}, l) {
			return
		}
		// Not recorded: whether answered or cut off by the kill, it must
		// leave the acknowledged end as it is.
		code, answered := crashSend(client, url, endFact, map[string]any{"id": f.ID, "validTo": "2022-05-06"}, nil, l)
		if !answered {
			return
		}
		if code != "CONFLICT" {
			t.Errorf("endFact on the ended %s without expectedValidTo: %q, want CONFLICT", f.ID, code)
		}
		moved := ended
		moved.Valid.To = domain.MustDate("2022-05-06")
		if !crashAcked(t, client, url, endFact, map[string]any{"id": f.ID, "validTo": "2022-05-06", "expectedValidTo": "2021-03-04"},
			crashWrite{id: f.ID, fact: &moved}, l) {
			return
		}
	}
}

// crashAcked sends a write that must succeed and reports whether it was
// acknowledged; a refusal fails the test.
func crashAcked(t *testing.T, c *http.Client, url, q string, in map[string]any, w crashWrite, l *crashLedger) bool {
	code, answered := crashSend(c, url, q, in, &w, l)
	if answered && code != "" {
		t.Errorf("%s refused: %s", w.id, code)
		return false
	}
	return answered
}

// crashSend posts one mutation. Acknowledged (200, data, no errors), it
// records w as acknowledged and returns "", true; refused with an error
// code, it records nothing and returns the code, true; unanswered (or no
// GraphQL answer), it records w as pending and returns "", false. A nil
// w is a write that must be refused: nothing is recorded for it.
func crashSend(c *http.Client, url, q string, in map[string]any, w *crashWrite, l *crashLedger) (string, bool) {
	body, _ := json.Marshal(map[string]any{"query": q, "variables": map[string]any{"in": in}})
	req, _ := http.NewRequestWithContext(context.Background(), "POST", url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+servertest.AliceToken)
	pending := func() (string, bool) {
		if w != nil {
			l.record(*w, false)
		}
		return "", false
	}
	resp, err := c.Do(req)
	if err != nil {
		return pending()
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	var r servertest.Response
	if err != nil || resp.StatusCode != http.StatusOK || json.Unmarshal(b, &r) != nil {
		return pending()
	}
	if len(r.Errors) > 0 {
		if code := r.Code(); code != "" {
			return code, true
		}
		return pending()
	}
	if len(r.Data) == 0 {
		return pending()
	}
	if w != nil {
		l.record(*w, true)
	}
	return "", true
}

// crashImporter imports through POST /import until the server stops
// answering: JSON Lines files of 600 new places each, which are written
// in more than one chunk and must be there whole once acknowledged (or,
// in flight at the kill, whole or not at all).
func crashImporter(t *testing.T, url, prefix string, l *crashLedger) {
	client := &http.Client{Timeout: 10 * time.Second}
	for n := 0; ; n++ {
		var ws []crashWrite
		var good bytes.Buffer
		good.WriteString(`{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n")
		for i := range 600 {
			id := fmt.Sprintf("place/%s-%d-%d", prefix, n, i)
			e := &domain.Entity{ID: id, Kind: domain.KindPlace, Name: "Imported " + id}
			fmt.Fprintf(&good, `{"type":"entity","id":%q,"kind":"Place","name":%q}`+"\n", e.ID, e.Name)
			ws = append(ws, crashWrite{id: id, entity: e})
		}
		status, answered := crashPostImport(client, url, "application/jsonl", good.Bytes())
		if !answered {
			l.recordImport(ws, false)
			return
		}
		if status != "200 OK" {
			t.Errorf("import of 600 places: %s", status)
			return
		}
		l.recordImport(ws, true)
	}
}

// crashRefusedImporter posts, until the server stops answering, files
// that hold new places but are each over one size limit of
// crashImportLimits (line, body, unzipped size): each must be refused
// with 413 LIMIT_EXCEEDED and leave none of its records, whether it was
// answered or cut off by the kill.
func crashRefusedImporter(t *testing.T, url, prefix string, l *crashLedger) {
	client := &http.Client{Timeout: 10 * time.Second}
	for n := 0; ; n++ {
		bodies := crashRefusedImports(fmt.Sprintf("%s-%d", prefix, n))
		for _, kind := range []string{"line", "body", "unzipped"} {
			body := bodies[kind]
			l.recordRefused(body.ids)
			status, answered := crashPostImport(client, url, body.contentType, body.data)
			if !answered {
				return
			}
			if status != "413 LIMIT_EXCEEDED" {
				t.Errorf("import over the %s limit: %s, want 413 LIMIT_EXCEEDED", kind, status)
			}
		}
	}
}

type crashImportBody struct {
	contentType string
	data        []byte
	ids         []string // the new places it holds
}

// crashRefusedImports returns, by the limit each is over, import bodies
// of new places named after prefix.
func crashRefusedImports(prefix string) map[string]crashImportBody {
	out := map[string]crashImportBody{}
	jsonl := func(name string, records int, longName int) crashImportBody {
		var b bytes.Buffer
		var ids []string
		b.WriteString(`{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n")
		for i := range records {
			id := fmt.Sprintf("place/%s-%s-%d", prefix, name, i)
			ids = append(ids, id)
			fmt.Fprintf(&b, `{"type":"entity","id":%q,"kind":"Place","name":%q}`+"\n", id, "Refused "+id)
		}
		if longName > 0 {
			id := fmt.Sprintf("place/%s-%s-long", prefix, name)
			ids = append(ids, id)
			fmt.Fprintf(&b, `{"type":"entity","id":%q,"kind":"Place","name":%q}`+"\n", id, strings.Repeat("x", longName))
		}
		return crashImportBody{contentType: "application/jsonl", data: b.Bytes(), ids: ids}
	}
	// A line over --max-import-line, after records that are fine.
	out["line"] = jsonl("line", 10, 70000)
	// A body over --max-import, of records that are each fine.
	out["body"] = jsonl("body", 3000, 0)
	// A zip whose CSV files unzip to more than --max-import-unzipped.
	var z bytes.Buffer
	zw := zip.NewWriter(&z)
	nodes, _ := zw.Create("nodes.csv")
	io.WriteString(nodes, "id:ID,:LABEL,name,aliases,date:date,externalIds,properties\n")
	var ids []string
	for i := range 3000 {
		id := fmt.Sprintf("place/%s-zip-%d", prefix, i)
		ids = append(ids, id)
		fmt.Fprintf(nodes, "%s,Place,Refused %s,,,,\n", id, id)
	}
	rels, _ := zw.Create("relationships.csv")
	io.WriteString(rels, ":START_ID,:END_ID,:TYPE,id,validFrom:date,validTo:date,event,properties,citations\n")
	zw.Close()
	out["unzipped"] = crashImportBody{contentType: "application/zip", data: z.Bytes(), ids: ids}
	return out
}

// crashPostImport posts body to POST /import and returns its status and
// first error code ("200 OK" for an import done), and whether it was
// answered.
func crashPostImport(c *http.Client, url, contentType string, body []byte) (string, bool) {
	req, _ := http.NewRequest(http.MethodPost, url+"/import?name=crash", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+servertest.AliceToken)
	resp, err := c.Do(req)
	if err != nil {
		return "", false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	var r servertest.Response
	if err != nil || json.Unmarshal(b, &r) != nil {
		return "", false
	}
	if code := r.Code(); code != "" {
		return fmt.Sprintf("%d %s", resp.StatusCode, code), true
	}
	return fmt.Sprintf("%d OK", resp.StatusCode), true
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
		for _, g := range l.groups {
			there := 0
			for _, w := range g {
				if crashMatches(r, w) == nil {
					there++
				} else if !crashAbsent(r, w.id) {
					return fmt.Errorf("import in flight: %s is there but not as imported", w.id)
				}
			}
			switch there {
			case len(g):
				for _, w := range g {
					l.acked[w.id] = w
				}
			case 0:
			default:
				return fmt.Errorf("an import in flight at the kill is half there: %d of its %d records", there, len(g))
			}
		}
		for id := range l.never {
			if !crashAbsent(r, id) {
				return fmt.Errorf("%s, which only a refused import held, is there", id)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	clear(l.pending)
	l.groups = nil
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
	servertest.OK(t, servertest.GQL(t, url, "", `query($id: ID!) { fact(id: $id) { id } }`, map[string]any{"id": id}), &d)
	if d.Fact.ID != id {
		t.Errorf("restarted server lacks acknowledged %s", id)
	}
}

// TestCrashDuringDatasetUpgrade kills `alliancegraph dataset upgrade`
// with SIGKILL at random moments of its run, each time on a fresh copy of
// one store a server loaded and stopped, with a newer dataset that
// changes every entity and removes a fact. After each kill the store is
// either untouched (the same graph, dataset stamp and last commit) or
// fully upgraded (the graph and stamp an upgrade run to its end leaves),
// never in between; `alliancegraph check` passes; a server starts on it;
// and the upgrade run again ends with the fully upgraded store.
func TestCrashDuringDatasetUpgrade(t *testing.T) {
	bin := servertest.Build(t)
	root := t.TempDir()
	base := filepath.Join(root, "base")
	servertest.New(t, servertest.Binary(bin), servertest.Dir(base), servertest.Args("--gc-interval", "100ms")).Stop(t)
	next := natoEntitiesChanged(t)
	baseDump, baseCommit, baseStamp := crashState(t, base)

	// The upgrade run to its end, timed to spread the kills over a run.
	full := copyStore(t, base, filepath.Join(root, "full"))
	t0 := time.Now()
	if out, err := exec.Command(bin, "dataset", "upgrade", "--data", full, "--from", next).CombinedOutput(); err != nil {
		t.Fatalf("upgrade: %v\n%s", err, out)
	}
	took := time.Since(t0)
	fullDump, _, fullStamp := crashState(t, full)
	if bytes.Equal(fullDump, baseDump) || fullStamp == baseStamp {
		t.Fatal("the upgrade changed nothing: the test would prove nothing")
	}

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d; a whole upgrade took %v", seed, took)
	rng := rand.New(rand.NewPCG(seed, 2))
	untouched, upgraded := 0, 0
	for i := range 12 {
		dir := copyStore(t, base, filepath.Join(root, fmt.Sprint("kill", i)))
		cmd := exec.Command(bin, "dataset", "upgrade", "--data", dir, "--from", next)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(took) + 1)))
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		if out, err := exec.Command(bin, "check", "--data", dir).CombinedOutput(); err != nil {
			t.Fatalf("kill %d: alliancegraph check: %v\n%s", i, err, out)
		}
		d, at, stamp := crashState(t, dir)
		switch {
		case at.Equal(baseCommit):
			if !bytes.Equal(d, baseDump) || stamp != baseStamp {
				t.Fatalf("kill %d: no commit, yet the graph or the stamp (%v) changed", i, stamp)
			}
			untouched++
		case bytes.Equal(d, fullDump) && stamp == fullStamp:
			upgraded++
		default:
			t.Fatalf("kill %d: the store is neither untouched nor upgraded (stamp %v, the graph equals the upgraded one: %v)",
				i, stamp, bytes.Equal(d, fullDump))
		}
		servertest.New(t, servertest.Binary(bin), servertest.Dir(dir), servertest.Args("--gc-interval", "100ms")).Stop(t)
		if out, err := exec.Command(bin, "dataset", "upgrade", "--data", dir, "--from", next).CombinedOutput(); err != nil {
			t.Fatalf("kill %d: the upgrade run again: %v\n%s", i, err, out)
		}
		if d, _, stamp := crashState(t, dir); !bytes.Equal(d, fullDump) || stamp != fullStamp {
			t.Fatalf("kill %d: the upgrade run again does not leave the upgraded store (stamp %v)", i, stamp)
		}
	}
	t.Logf("%d kills left the store untouched, %d upgraded", untouched, upgraded)
}

// natoEntitiesChanged writes the curated dataset, as serve seeds it, to a
// directory laid out like dataset/, with one more alias on every entity
// of nato.yaml and one fact fewer, and returns the directory. Changing the
// NATO file only keeps one upgrade short enough to kill many times.
func natoEntitiesChanged(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "dataset-next")
	if err := os.CopyFS(dir, dataset.CuratedFS()); err != nil {
		t.Fatal(err)
	}
	f, err := dataset.ParseNATO()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range f.Entities {
		f.Entities[i].Aliases = append(e.Aliases, e.Name+" (upgraded)")
	}
	f.Facts = slices.DeleteFunc(f.Facts, func(x dataset.Fact) bool { return x.ID == "fact/accession-2024-follows-invasion-2022" })
	b, err := yaml.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "nato.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// copyStore copies the store in src, which no process holds, to dst.
func copyStore(t *testing.T, src, dst string) string {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// crashState opens the store in dir and returns its dump, its last
// commit and the dataset it records.
func crashState(t *testing.T, dir string) ([]byte, time.Time, store.DatasetStamp) {
	t.Helper()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatalf("open %s: %v", dir, err)
	}
	defer db.Close()
	var b bytes.Buffer
	if err := db.Dump(time.Time{}, &b); err != nil {
		t.Fatal(err)
	}
	var stamp store.DatasetStamp
	if err := db.View(time.Time{}, func(r *store.Reader) (err error) {
		stamp, _, err = r.DatasetStamp()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), db.LastCommit(), stamp
}
