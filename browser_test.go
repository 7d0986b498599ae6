package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

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
	url, stop := startServe(t, t.TempDir())
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	text, err := browsertest.RunExample(ctx, url, chromium)
	if err != nil {
		t.Fatal(err)
	}
	compact := strings.Join(strings.Fields(text), "")
	if !strings.Contains(compact, `"memberCount":32`) || !strings.Contains(compact, `"name":"NorthAtlanticTreatyOrganization"`) {
		t.Fatalf("result pane shows %q", text)
	}
}
