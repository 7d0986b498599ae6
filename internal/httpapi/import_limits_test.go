package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/dataset/datasettest"
	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestImportZipBombOverHTTP: POST /import of a zip bomb is refused with
// 413 LIMIT_EXCEEDED naming the file, line, field and limit, having
// allocated a small fraction of what the bomb unzips to; with a lower
// --max-import-unzipped it is refused before it is read; a damaged zip is
// 400 BAD_USER_INPUT, not an internal error. The store is unchanged and
// the server keeps answering.
func TestImportZipBombOverHTTP(t *testing.T) {
	bomb := datasettest.ZipBomb(t)
	srv := servertest.New(t, servertest.OnDisk())
	db := srv.DB
	before := servertest.Dump(t, db)
	var status int
	var out map[string]any
	alloc := servertest.AllocatedBy(func() {
		status, out = servertest.PostImport(t, srv.URL, servertest.AliceToken, "application/zip", "bomb.zip", bomb)
	})
	want := "bomb.zip nodes.csv:2: a record longer than the limit of 1 MiB, reached in field name"
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(servertest.JSON(out), `"code":"LIMIT_EXCEEDED"`) || !strings.Contains(servertest.JSON(out), want) {
		t.Errorf("zip bomb: %d %s, want 413 LIMIT_EXCEEDED %q", status, servertest.JSON(out), want)
	}
	t.Logf("the refused zip bomb allocated %d KiB", alloc>>10)
	if alloc > 64<<20 {
		t.Errorf("the refused zip bomb allocated %d MiB; it unzips to %d MiB", alloc>>20, datasettest.BombField>>20)
	}

	if status, out := servertest.PostImport(t, srv.URL, servertest.AliceToken, "application/zip", "damaged.zip", datasettest.DamagedZip(t)); status != http.StatusBadRequest ||
		!strings.Contains(servertest.JSON(out), "BAD_USER_INPUT") || !strings.Contains(servertest.JSON(out), "damaged.zip nodes.csv: the zip member does not unzip: zip: checksum error") {
		t.Errorf("damaged zip: %d %s, want 400 BAD_USER_INPUT naming the member", status, servertest.JSON(out))
	}
	if servertest.Dump(t, db) != before {
		t.Error("a refused import changed the store")
	}
	servertest.OK(t, servertest.GQL(t, srv.URL, "", `{ alliance(id: "org/nato") { name } }`, nil), nil)

	small := servertest.New(t, servertest.OnDisk(), servertest.Config(func(c *httpapi.Config) { c.ImportLimits.MaxUnzipped = 1 << 20 }))
	alloc = servertest.AllocatedBy(func() {
		status, out = servertest.PostImport(t, small.URL, servertest.AliceToken, "application/zip", "bomb.zip", bomb)
	})
	want = "bomb.zip: nodes.csv and relationships.csv unzip to 128.0 MiB, over the limit of 1 MiB"
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(servertest.JSON(out), want) {
		t.Errorf("zip bomb with --max-import-unzipped 1 MiB: %d %s, want 413 %q", status, servertest.JSON(out), want)
	}
	if alloc > 16<<20 {
		t.Errorf("a zip refused by its declared size allocated %d MiB", alloc>>20)
	}
}
