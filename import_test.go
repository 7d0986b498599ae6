package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/store"
)

func postImport(t *testing.T, url, token, contentType string, body []byte) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/import?name=upload.jsonl", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("status %d body %s", resp.StatusCode, b)
	}
	return resp.StatusCode, out
}

func TestImportOverHTTP(t *testing.T) {
	srv, db := newWriteServer(t, nil)
	line := func(s string) []byte { return []byte(s + "\n") }
	good := bytes.Join([][]byte{
		line(`{"type":"header","format":"alliancegraph-jsonl","version":1}`),
		line(`{"type":"entity","id":"place/vilnius","kind":"Place","name":"Vilnius"}`),
		line(`{"type":"fact","id":"fact/vilnius-in-ltu","predicate":"LOCATED_IN","from":"place/vilnius","to":"country/LTU","citations":[{"source":"doc/seed-rutte-takes-over"}]}`),
	}, nil)
	before := storeDump(t, db)
	for _, tt := range []struct {
		name, token string
		status      int
		code        string
	}{{"no token", "", 401, "UNAUTHENTICATED"}, {"wrong token", "nope-nope-nope-nope-nope", 401, "UNAUTHENTICATED"}} {
		status, out := postImport(t, srv.URL, tt.token, "application/jsonl", good)
		if status != tt.status || !strings.Contains(mustJSON(out), tt.code) {
			t.Errorf("%s: %d %v", tt.name, status, out)
		}
	}
	bad := bytes.Replace(good, []byte(`"country/LTU"`), []byte(`"country/XXX"`), 1)
	status, out := postImport(t, srv.URL, aliceToken, "application/jsonl", bad)
	if status != 400 || !strings.Contains(mustJSON(out), "upload.jsonl:3: ") || !strings.Contains(mustJSON(out), "unknown entity: country/XXX") {
		t.Errorf("bad line: %d %v", status, out)
	}
	if storeDump(t, db) != before {
		t.Fatal("refused imports changed the store")
	}
	status, out = postImport(t, srv.URL, aliceToken, "application/jsonl", good)
	if status != 200 || mustJSON(out["data"]) != `{"import":{"at":"`+db.LastCommit().Format(time.RFC3339Nano)+`","changed":2,"records":3}}` {
		t.Errorf("import: %d %v", status, out)
	}
	var h struct {
		History []struct{ Author, Note string }
	}
	ok(t, gql(t, srv.URL, "", `{ history(id: "place/vilnius") { author note } }`, nil), &h)
	if len(h.History) != 1 || h.History[0].Author != "alice" || h.History[0].Note != "import upload.jsonl" {
		t.Errorf("history: %+v", h)
	}
	if status, out := postImport(t, srv.URL, aliceToken, "text/csv", good); status != 415 || !strings.Contains(mustJSON(out), `"message":"Content-Type \"text/csv\" is not importable`) {
		t.Errorf("unknown type: %d %s", status, mustJSON(out))
	}
	checkStore(t, db)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// TestIngestAndQuoteOverHTTP: ingesting the seed article through the
// mutation makes the dataset's citations of it answer with quotes.
func TestIngestAndQuoteOverHTTP(t *testing.T) {
	text := datasettest.Seed(t)
	srv, db := newWriteServer(t, nil)
	q := `{ fact(id: "fact/fin-member-of-nato") { citations { source { id } span { start end } quote } } }`
	var before struct {
		Fact struct{ Citations []struct{ Quote *string } }
	}
	ok(t, gql(t, srv.URL, "", q, nil), &before)
	for _, c := range before.Fact.Citations {
		if c.Quote != nil {
			t.Fatalf("a quote before the text was ingested: %q", *c.Quote)
		}
	}
	var in struct {
		IngestDocument struct {
			Document struct{ ID string }
			Sha256   string
			Mentions []struct{ To struct{ ID string } }
		}
	}
	ok(t, gql(t, srv.URL, aliceToken, `mutation($t: String!) { ingestDocument(input: {text: $t}) { document { id } sha256 mentions { to { id } } } }`, map[string]any{"t": text}), &in)
	if in.IngestDocument.Document.ID != "doc/seed-rutte-takes-over" || in.IngestDocument.Sha256 != domain.TextSum(text) || len(in.IngestDocument.Mentions) < 7 {
		t.Fatalf("ingest: %+v", in)
	}
	var after struct {
		Fact struct {
			Citations []struct {
				Source struct{ ID string }
				Quote  *string
			}
		}
	}
	ok(t, gql(t, srv.URL, "", q, nil), &after)
	quoted := 0
	for _, c := range after.Fact.Citations {
		if c.Source.ID == "doc/seed-rutte-takes-over" {
			if c.Quote == nil || !strings.Contains(*c.Quote, "Finland") {
				t.Errorf("quote %v does not name Finland", c.Quote)
			}
			quoted++
		}
	}
	if quoted != 1 {
		t.Errorf("%d seed citations quoted", quoted)
	}
	checkStore(t, db)
}

// TestImportAndIngestCommands runs the CLI: export-format JSON Lines into
// an empty directory, a bad file naming its line, and ingest.
// TestImportChecksFilesFirst: a missing file or a directory named as a
// file is refused before the store is opened, so a new --data directory
// is not created for an import that cannot start.
func TestImportChecksFilesFirst(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "data")
	for _, file := range []string{filepath.Join(parent, "missing.jsonl"), parent} {
		err := run(t.Context(), []string{"import", "--data", dir, file}, io.Discard, io.Discard)
		if err == nil {
			t.Fatalf("import of %s succeeded", file)
		}
		if _, serr := os.Stat(dir); !errors.Is(serr, os.ErrNotExist) {
			t.Errorf("import of %s (%v) created the data directory: %v", file, err, serr)
		}
	}
}

func TestImportAndIngestCommands(t *testing.T) {
	src := filepath.Join(t.TempDir(), "nato.jsonl")
	var b bytes.Buffer
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dataset.LoadNATO(db); err != nil {
		t.Fatal(err)
	}
	f, _ := export.Lookup("jsonl")
	err = db.View(time.Time{}, func(r *store.Reader) error {
		_, err := export.Write(r, f, store.Selection{}, "test", &b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	os.WriteFile(src, b.Bytes(), 0o644)
	var dir string
	var out, errOut bytes.Buffer
	// Into an empty directory the fast path runs unless --fast=false.
	for _, tc := range []struct {
		flags    []string
		progress string
	}{{nil, "records applied in memory"}, {[]string{"--fast=false"}, "records parse"}} {
		dir = t.TempDir()
		out.Reset()
		errOut.Reset()
		args := append(append([]string{"import", "--data", dir}, tc.flags...), src)
		if err := run(t.Context(), args, &out, &errOut); err != nil {
			t.Fatalf("import %v: %v\n%s", tc.flags, err, errOut.String())
		}
		if !strings.Contains(out.String(), "changed") || !strings.Contains(errOut.String(), "import: done") || !strings.Contains(errOut.String(), tc.progress) {
			t.Errorf("import %v: output %q, progress %q", tc.flags, out.String(), errOut.String())
		}
		if err := run(t.Context(), []string{"check", "--data", dir}, &out, &errOut); err != nil {
			t.Errorf("check after import %v: %v", tc.flags, err)
		}
	}
	os.WriteFile(src, append(b.Bytes(), "{not json}\n"...), 0o644)
	err = run(t.Context(), []string{"import", "--data", dir, src}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("nato.jsonl:%d:", bytes.Count(b.Bytes(), []byte("\n"))+1)) {
		t.Errorf("bad file: %v", err)
	}
	out.Reset()
	// The document the README's ingest example uses, shipped in the repo.
	if err := run(t.Context(), []string{"ingest", "--data", dir, "testdata/docs/nordic-accessions.txt"}, &out, &errOut); err != nil {
		t.Fatalf("ingest: %v", err)
	}
	if !strings.Contains(out.String(), "as doc/sha256-f80a70c44c98d757: 9 entities mentioned") {
		t.Errorf("ingest output %q", out.String())
	}
	if err := run(t.Context(), []string{"check", "--data", dir}, &out, &errOut); err != nil {
		t.Errorf("check after import and ingest: %v", err)
	}
}
