package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/httpapi"
	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestSchemaDownload: GET /graphql/schema.graphql is the committed
// schema.graphqls, byte for byte; --production refuses it like
// introspection.
func TestSchemaDownload(t *testing.T) {
	want, err := os.ReadFile(filepath.Join(servertest.Root(t), "schema.graphqls"))
	if err != nil {
		t.Fatal(err)
	}
	srv := servertest.New(t)
	resp, err := http.Get(srv.URL + "/graphql/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/plain; charset=utf-8" || !bytes.Equal(got, want) {
		t.Errorf("GET /graphql/schema.graphql: %s %q, %d bytes, want 200 text/plain and the %d bytes of schema.graphqls",
			resp.Status, resp.Header.Get("Content-Type"), len(got), len(want))
	}
	prod := servertest.New(t, servertest.Config(func(c *httpapi.Config) { c.Limits.Production = true }))
	resp, err = http.Get(prod.URL + "/graphql/schema.graphql")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), `"FORBIDDEN"`) {
		t.Errorf("--production: %s %s", resp.Status, b)
	}
}
