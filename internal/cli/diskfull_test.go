//go:build linux

package cli

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/internal/tmpfs"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestDiskFull runs a real server process on a small tmpfs and fills the
// filesystem under it. Badger writes through memory maps of sparse files,
// and a write into a page the full filesystem cannot back was SIGBUS,
// which killed the server (and check, export and serve at open). Now,
// while the disk is full: every write is refused with LIMIT_EXCEEDED
// (POST /import with 507) and the server keeps serving reads; once space
// is freed, writes work again. Stopped while full, the server exits
// without a crash; check, export and serve on the full disk either work
// or say that the disk is full; with space again, the store recovers with
// every acknowledged write.
func TestDiskFull(t *testing.T) {
	mnt := tmpfs.Mount(t, "64m")
	dir := filepath.Join(mnt, "data")
	filler := filepath.Join(mnt, "filler")
	bin := servertest.Build(t)
	p := servertest.New(t, servertest.Binary(bin), servertest.Dir(dir), servertest.Args("--gc-interval", "100ms", "--memtable-mb", "8"))
	const upsert = `mutation($in: UpsertEntityInput!) { upsertEntity(input: $in) { entity { id } } }`
	place := func(n int) map[string]any {
		return map[string]any{"in": map[string]any{"id": fmt.Sprintf("place/full-%d", n), "kind": "PLACE",
			"name": fmt.Sprintf("Place %d %s", n, strings.Repeat("x", 4000))}}
	}
	members := func() {
		t.Helper()
		r := servertest.GQL(t, p.URL, "", `{ alliance(id: "org/nato") { memberCount(asOf: "2024-10-01") } }`, nil)
		if len(r.Errors) > 0 || !strings.Contains(string(r.Data), `"memberCount":32`) {
			t.Fatalf("read while the disk is full: %s %+v", r.Data, r.Errors)
		}
	}
	if r := servertest.GQL(t, p.URL, servertest.AliceToken, upsert, place(0)); len(r.Errors) > 0 {
		t.Fatalf("write before the disk fills: %+v", r.Errors)
	}

	tmpfs.Fill(t, filler)
	for n := 1; n <= 40; n++ {
		r := servertest.GQL(t, p.URL, servertest.AliceToken, upsert, place(n))
		if r.Code() != "LIMIT_EXCEEDED" || !strings.Contains(r.Errors[0].Message, "free") {
			t.Fatalf("write %d on a full disk: %s %+v, want LIMIT_EXCEEDED saying the disk is full", n, r.Data, r.Errors)
		}
		members()
	}
	jsonl := []byte(`{"type":"header","format":"alliancegraph-jsonl","version":1}` + "\n" +
		`{"type":"entity","id":"place/imported","kind":"Place","name":"Imported"}` + "\n")
	status, out := servertest.PostImport(t, p.URL, servertest.AliceToken, "application/jsonl", "", jsonl)
	if status != http.StatusInsufficientStorage || !strings.Contains(servertest.JSON(out), "LIMIT_EXCEEDED") {
		t.Errorf("POST /import on a full disk: %d %v, want 507 LIMIT_EXCEEDED", status, out)
	}
	healthy(t, p.URL)

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if r := servertest.GQL(t, p.URL, servertest.AliceToken, upsert, place(41)); len(r.Errors) > 0 {
		t.Fatalf("write once space is free again: %+v", r.Errors)
	}
	members()

	tmpfs.Fill(t, filler)
	ps := p.Signal(t, syscall.SIGTERM)
	notCrashed(t, "serve stopped on a full disk", ps, p.Log())

	out2 := t.TempDir()
	for _, args := range [][]string{
		{"check", "--data", dir},
		{"export", "--data", dir, "--format", "jsonl", "-o", filepath.Join(out2, "x.jsonl")},
		{"serve", "--data", dir, "--addr", "127.0.0.1:0"},
	} {
		cmd := exec.Command(bin, args...)
		var log bytes.Buffer
		cmd.Stdout, cmd.Stderr = &log, &log
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			notCrashed(t, args[0]+" on a full disk", cmd.ProcessState, log.String())
			if err != nil && !strings.Contains(log.String(), "free disk space") {
				t.Errorf("%s on a full disk failed without saying the disk is full: %v\n%s", args[0], err, log.String())
			}
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			<-done
			t.Errorf("%s on a full disk neither finished nor failed:\n%s", args[0], log.String())
		}
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command(bin, "check", "--data", dir).CombinedOutput(); err != nil || !strings.Contains(string(b), "is consistent") {
		t.Fatalf("check once space is free again: %v\n%s", err, b)
	}
	db, err := store.Open(dir, store.DefaultOptions().WithReadOnly(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.View(time.Time{}, func(r *store.Reader) error {
		for _, n := range []int{0, 41} {
			if _, err := r.Entity(fmt.Sprintf("place/full-%d", n)); err != nil {
				return fmt.Errorf("acknowledged write %d: %w", n, err)
			}
		}
		if _, err := r.Entity("place/full-1"); !errors.Is(err, domain.ErrNotFound) {
			return fmt.Errorf("refused write 1: %v, want not found", err)
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
}

// notCrashed fails the test if a process ended by a signal (SIGBUS) or a
// Go runtime fatal error.
func notCrashed(t *testing.T, what string, ps *os.ProcessState, log string) {
	t.Helper()
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() || strings.Contains(log, "fatal error") || strings.Contains(log, "SIGBUS") {
		t.Fatalf("%s crashed (%v):\n%s", what, ps, log)
	}
}

// healthy fails the test unless GET /healthz answers 200.
func healthy(t *testing.T, url string) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
}
