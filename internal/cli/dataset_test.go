package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// newerDataset writes a changed copy of the built-in dataset to a file
// and returns its name: Iceland and Norway gain an alias, and one fact
// is gone.
func newerDataset(t *testing.T) string {
	t.Helper()
	f, err := dataset.ParseCurated()
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range f.Entities {
		switch e.ID {
		case "country/ISL":
			f.Entities[i].Aliases = append(e.Aliases, "Thule")
		case "country/NOR":
			f.Entities[i].Aliases = append(e.Aliases, "Nordweg")
		}
	}
	f.Facts = slices.DeleteFunc(f.Facts, func(x dataset.Fact) bool { return x.ID == "fact/accession-2024-follows-invasion-2022" })
	b, err := yaml.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(t.TempDir(), "nato-next.yaml")
	if err := os.WriteFile(name, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return name
}

// upgrade runs `alliancegraph dataset upgrade` with args and returns its
// output and error.
func upgrade(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := Run(context.Background(), append([]string{"dataset", "upgrade"}, args...), &out, io.Discard)
	return out.String(), err
}

// TestDatasetUpgrade: on a store a server seeded and a user changed,
// `dataset upgrade` refuses while the server runs; --dry-run and
// --fail-on-conflict print the plan and write nothing; the upgrade then
// applies the dataset's own changes in one commit by "dataset" that
// history shows, skips the record the user changed as a conflict, and
// the next start says the built-in dataset differs and writes nothing.
func TestDatasetUpgrade(t *testing.T) {
	dir := t.TempDir()
	next := newerDataset(t)
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	servertest.OK(t, servertest.GQL(t, srv.URL, servertest.AliceToken, `mutation { upsertEntity(input: {id: "country/NOR", kind: COUNTRY, name: "Norge",
		aliases: ["Kingdom of Norway"], externalIds: [{scheme: "iso3", value: "NOR"}]}) { entity { id } } }`, nil), nil)
	_, err := upgrade(t, "--data", dir, "--from", next)
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "running server") {
		t.Errorf("upgrade while the server runs: %v, want ErrLocked naming the server", err)
	}
	srv.Stop(t)
	before, last := dump(t, dir), lastCommit(t, dir)
	unchanged := func(what string) {
		t.Helper()
		if !bytes.Equal(before, dump(t, dir)) || !lastCommit(t, dir).Equal(last) {
			t.Fatalf("%s wrote to the store", what)
		}
	}

	out, err := upgrade(t, "--data", dir, "--from", next, "--dry-run")
	if err != nil {
		t.Fatalf("dry run: %v\n%s", err, out)
	}
	for _, s := range []string{
		`change country/ISL  aliases: + "Thule"`,
		"remove fact/accession-2024-follows-invasion-2022",
		`CONFLICT change country/NOR  name: "Norge" -> "Norway"; aliases: + "Nowei", `, // then the generated names and "Nordweg"
		`(skipped): changed by alice`,
		"summary: 0 to add, 1 to change, 1 to remove; 1 conflict(s) skipped",
		"dry run: nothing written",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("dry run's output lacks %q:\n%s", s, out)
		}
	}
	unchanged("--dry-run")

	out, err = upgrade(t, "--data", dir, "--from", next, "--fail-on-conflict")
	if err == nil || !strings.Contains(err.Error(), "1 conflict(s); nothing written") || !strings.Contains(out, "CONFLICT change country/NOR") {
		t.Errorf("--fail-on-conflict: %v\n%s", err, out)
	}
	unchanged("--fail-on-conflict")

	out, err = upgrade(t, "--data", dir, "--from", next)
	if err != nil || !strings.Contains(out, `applied 2 change(s) in one commit by "dataset"`) {
		t.Fatalf("upgrade: %v\n%s", err, out)
	}
	if out, err := upgrade(t, "--data", dir, "--from", next); err != nil || !strings.Contains(out, "nothing to do") {
		t.Errorf("upgrading again: %v\n%s", err, out)
	}

	upgraded, at := dump(t, dir), lastCommit(t, dir)
	var log bytes.Buffer
	srv = servertest.New(t, servertest.Command(Run), servertest.Dir(dir), servertest.LogTo(&log))
	r := servertest.Query(t, srv.URL, `{ isl: entity(id: "country/ISL") { aliases }
	  nor: entity(id: "country/NOR") { name aliases }
	  history(id: "country/ISL") { author op note } }`)
	var got struct {
		ISL struct{ Aliases []string }
		NOR struct {
			Name    string
			Aliases []string
		}
		History []struct{ Author, Op, Note string }
	}
	if err := json.Unmarshal(r.Data, &got); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s %+v: %v", r.Data, r.Errors, err)
	}
	if !slices.Contains(got.ISL.Aliases, "Thule") || got.NOR.Name != "Norge" || slices.Contains(got.NOR.Aliases, "Nordweg") {
		t.Errorf("after the upgrade: %+v", got)
	}
	if h := got.History[len(got.History)-1]; h.Author != "dataset" || h.Op != "UPDATE" || !strings.HasPrefix(h.Note, "dataset upgrade to nato@") {
		t.Errorf("Iceland's history ends with %+v, want the upgrade's UPDATE by dataset", h)
	}
	if r := servertest.Query(t, srv.URL, `{ fact(id: "fact/accession-2024-follows-invasion-2022") { id } }`); r.Code() != "NOT_FOUND" {
		t.Errorf("the removed fact: %s %+v", r.Data, r.Errors)
	}
	srv.Stop(t)
	if !strings.Contains(log.String(), "alliancegraph dataset upgrade --data "+dir) {
		t.Errorf("a start on a store holding another dataset does not say how to upgrade:\n%s", log.String())
	}
	if !bytes.Equal(upgraded, dump(t, dir)) || !lastCommit(t, dir).Equal(at) {
		t.Error("the start after the upgrade wrote to the store")
	}
	if err := Run(context.Background(), []string{"check", "--data", dir}, io.Discard, io.Discard); err != nil {
		t.Errorf("check after the upgrade: %v", err)
	}
}

// TestServeLeavesAnImportedStore: a store an import made is not seeded
// by serve (it used to get the whole curated dataset on its first
// start), and the start says the store records no curated dataset.
func TestServeLeavesAnImportedStore(t *testing.T) {
	dir := t.TempDir()
	if err := Run(context.Background(), []string{"import", "--data", dir, filepath.Join(servertest.Root(t), "dataset", "testdata", "wikidata_memberships.json")}, io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	before, last := dump(t, dir), lastCommit(t, dir)
	var log bytes.Buffer
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir), servertest.LogTo(&log))
	if r := servertest.Query(t, srv.URL, `{ entity(id: "org/nato") { id } }`); r.Code() != "NOT_FOUND" {
		t.Errorf("org/nato after serving an imported store: %s %+v", r.Data, r.Errors)
	}
	srv.Stop(t)
	if !bytes.Equal(before, dump(t, dir)) || !lastCommit(t, dir).Equal(last) {
		t.Error("serve wrote to an imported store")
	}
	if s := log.String(); !strings.Contains(s, "store=unknown") || !strings.Contains(s, "dataset upgrade --data "+dir) {
		t.Errorf("the start's log does not say the store holds no known dataset:\n%s", s)
	}
}

// TestDatasetCommandUsage: the dataset command names its subcommands and
// refuses unknown ones and bad files.
func TestDatasetCommandUsage(t *testing.T) {
	var out bytes.Buffer
	if err := Run(context.Background(), []string{"dataset", "--help"}, &out, io.Discard); !errors.Is(err, flagErrHelp) || !strings.Contains(out.String(), "upgrade") {
		t.Errorf("dataset --help: %v %q", err, out.String())
	}
	if err := Run(context.Background(), []string{"dataset", "frobnicate"}, io.Discard, io.Discard); !errors.Is(err, ErrUsage) {
		t.Errorf("dataset frobnicate: %v, want a usage error", err)
	}
	out.Reset()
	if err := Run(context.Background(), []string{"dataset", "upgrade", "--help"}, &out, io.Discard); !errors.Is(err, flagErrHelp) ||
		!strings.Contains(out.String(), "--fail-on-conflict") || !strings.Contains(out.String(), "--dry-run") {
		t.Errorf("dataset upgrade --help: %v %q", err, out.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("version: 1\nentities:\n  - id: country/XXX\n    nam: typo\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	srv.Stop(t)
	if _, err := upgrade(t, "--data", dir, "--from", bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("a malformed dataset file: %v", err)
	}
	if _, err := upgrade(t, "--data", filepath.Join(dir, "missing")); !errors.Is(err, store.ErrNoStore) {
		t.Errorf("a missing store: %v, want ErrNoStore", err)
	}
}

// TestDatasetAuthorIsReserved: the upgrade tells the dataset's writes
// from users' by their author, so no token and no --author may take the
// dataset's name.
func TestDatasetAuthorIsReserved(t *testing.T) {
	if auth.DatasetAuthor != dataset.Author {
		t.Fatalf("auth reserves %q, the dataset writes as %q", auth.DatasetAuthor, dataset.Author)
	}
	dir := t.TempDir()
	text := filepath.Join(t.TempDir(), "doc.txt")
	if err := os.WriteFile(text, []byte("Finland and Sweden."), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"import", "--data", dir, "--author", dataset.Author, filepath.Join(servertest.Root(t), "dataset", "testdata", "wikidata_memberships.json")},
		{"ingest", "--data", dir, "--author", dataset.Author, text},
	} {
		var errOut bytes.Buffer
		err := Run(context.Background(), args, io.Discard, &errOut)
		if !errors.Is(err, ErrUsage) || !strings.Contains(errOut.String(), "--author "+dataset.Author+" is reserved") {
			t.Errorf("%s --author %s: %v %q, want a usage error", args[0], dataset.Author, err, errOut.String())
		}
	}
	if _, err := os.Stat(dir); err == nil {
		if entries, _ := os.ReadDir(dir); len(entries) > 0 {
			t.Errorf("a refused command wrote into %s", dir)
		}
	}
}
