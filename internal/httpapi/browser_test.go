package httpapi_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
	"github.com/alliancegraph/alliancegraph/web/browsertest"
)

// TestGraphiQLInBrowser opens GraphiQL from the real server in headless
// Chromium (no internet is needed: every asset comes from the binary), runs
// the first example query and reads its result on screen.
func TestGraphiQLInBrowser(t *testing.T) {
	chromium, err := browsertest.FindChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
	srv := servertest.New(t, servertest.OnDisk())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	text, png, err := browsertest.RunExampleScreenshot(ctx, srv.URL, chromium)
	if err != nil {
		t.Fatal(err)
	}
	// Lets a person look at the page: GRAPHIQL_SCREENSHOT=graphiql.png
	if out := os.Getenv("GRAPHIQL_SCREENSHOT"); out != "" {
		if err := os.WriteFile(out, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	compact := strings.Join(strings.Fields(text), "")
	if !strings.Contains(compact, `"memberCount":32`) || !strings.Contains(compact, `"name":"NorthAtlanticTreatyOrganization"`) {
		t.Fatalf("result pane shows %q", text)
	}
}

// TestGraphiQLSchemaTools: on a server with the default limits, GraphiQL
// loads the schema by introspection, so its documentation explorer lists
// Query's fields, the editor's autocomplete offers an alliance's fields and
// the query builder offers Query's fields to tick.
func TestGraphiQLSchemaTools(t *testing.T) {
	chromium, err := browsertest.FindChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true and %v", err)
		}
		t.Skip(err)
	}
	srv := servertest.New(t, servertest.OnDisk())
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	got, err := browsertest.CheckSchemaTools(ctx, srv.URL, chromium, `{ alliance(id: "org/nato") { `)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"alliance", "path", "search", "node"} {
		if !slices.Contains(got.QueryFields, f) {
			t.Errorf("the documentation explorer's Query lacks %s: %q", f, got.QueryFields)
		}
	}
	if !slices.Contains(got.Hints, "memberCount") {
		t.Errorf("autocomplete after alliance(id: \"org/nato\") { m offers %q, not memberCount", got.Hints)
	}
	for _, f := range []string{"alliance", "neighborhood", "path"} {
		if !slices.Contains(got.BuilderFields, f) {
			t.Errorf("the query builder lacks %s: %q", f, got.BuilderFields)
		}
	}
}
