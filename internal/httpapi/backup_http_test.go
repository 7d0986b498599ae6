package httpapi_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestOnlineBackup: GET /backup needs a token (refused like a mutation,
// but answered on a read-only mirror); its output, taken while writers
// keep committing, restores into an empty directory whose JSON Lines
// export is byte-identical to the live store's at the backup's snapshot.
func TestOnlineBackup(t *testing.T) {
	for _, tc := range []struct {
		name, token string
		edit        func(*httpapi.Config)
		status      int
		code        string
	}{
		{"no token", "", nil, 401, "UNAUTHENTICATED"},
		{"wrong token", "alice-0123456789abcdeX", nil, 401, "UNAUTHENTICATED"},
		{"no tokens configured", servertest.AliceToken, func(c *httpapi.Config) { c.Policy.Tokens = nil }, 403, "FORBIDDEN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := servertest.New(t, servertest.Config(tc.edit))
			h := map[string]string{}
			if tc.token != "" {
				h["Authorization"] = "Bearer " + tc.token
			}
			r := servertest.Send(t, "GET", srv.URL+"/backup", "", nil, h)
			if g := r.GQL(t); r.Status != tc.status || g.Code() != tc.code {
				t.Errorf("status %d: %s", r.Status, r.Body)
			}
		})
	}

	srv := servertest.New(t, servertest.OnDisk(), servertest.Config(func(c *httpapi.Config) { c.Policy.ReadOnly = true }))

	db := srv.DB
	// Writers keep committing while the backup streams.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			db.Update("writer", func(w *store.Writer) error {
				_, err := w.PutEntity(domain.Entity{ID: "place/during-backup-" + strings.Repeat("x", i%3) + string(rune('a'+i%26)), Kind: domain.KindPlace, Name: time.Now().String()})
				return err
			})
		}
	}()
	r := servertest.Send(t, "GET", srv.URL+"/backup", "", nil, map[string]string{"Authorization": "Bearer " + servertest.AliceToken})
	close(stop)
	wg.Wait()
	if r.Status != http.StatusOK || r.Header.Get("Content-Type") != "application/octet-stream" || !strings.Contains(r.Header.Get("Content-Disposition"), ".backup") {
		t.Fatalf("backup: %d %v %.200s", r.Status, r.Header, r.Body)
	}
	file := filepath.Join(t.TempDir(), "online.backup")
	if err := os.WriteFile(file, r.Body, 0o600); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(t.TempDir(), "restored")
	if err := store.RestoreFile(target, file, store.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	restored, err := store.Open(target, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	if vs, err := restored.Check(time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("checker on the restored store: %v %v", vs, err)
	}
	// The backup's snapshot is the restored store's newest commit; the live
	// store exported at that knownAt must give the same bytes.
	at := restored.LastCommit()
	live, back := exportJSONL(t, db, at), exportJSONL(t, restored, at)
	if len(live) == 0 || !bytes.Equal(live, back) {
		t.Fatalf("exports differ: live %d bytes, restored %d bytes", len(live), len(back))
	}
	if !bytes.Contains(back, []byte(`"fact/fin-member-of-nato"`)) {
		t.Error("the restored export lacks Finland's membership")
	}
	// A truncated download is refused before the target is touched.
	cut := filepath.Join(t.TempDir(), "cut.backup")
	os.WriteFile(cut, r.Body[:len(r.Body)-1], 0o600)
	if err := store.RestoreFile(filepath.Join(t.TempDir(), "never"), cut, store.DefaultOptions()); err == nil {
		t.Error("a truncated backup restored")
	}
}

func exportJSONL(t *testing.T, db *store.DB, at time.Time) []byte {
	t.Helper()
	f, err := export.Lookup("jsonl")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err = db.View(at, func(r *store.Reader) error {
		_, err := export.Write(r, f, store.Selection{}, "alliancegraph test", &b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
