package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/web/browsertest"
)

// BenchmarkGraphRenderers draws the same 500- and 2,000-node graphs with
// cytoscape.js and with sigma.js in headless Chromium and reports, for each,
// the time to the first frame and the mean frame time while zooming. It is how the
// explorer's renderer was chosen (docs/BENCHMARKS.md has the numbers); it
// reports and asserts nothing.
func BenchmarkGraphRenderers(b *testing.B) {
	chromium, err := browsertest.FindChromium()
	if err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatalf("CI=true and %v", err)
		}
		b.Skip(err)
	}
	esbuild := filepath.Join("node_modules", ".bin", "esbuild")
	if _, err := os.Stat(esbuild); err != nil {
		if os.Getenv("CI") == "true" {
			b.Fatal("CI=true and web/node_modules is not installed (make web)")
		}
		b.Skip("web/node_modules is not installed: run make web")
	}
	dir := b.TempDir()
	build := exec.Command(esbuild, filepath.Join("bench", "renderers.js"), "--bundle", "--minify",
		"--format=iife", "--outfile="+filepath.Join(dir, "renderers.bundle.js"))
	if out, err := build.CombinedOutput(); err != nil {
		b.Fatalf("esbuild: %v\n%s", err, out)
	}
	page, err := os.ReadFile(filepath.Join("bench", "renderers.html"))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "renderers.html"), page, 0o644); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()
	for _, run := range []string{"cytoscape&n=500", "sigma&n=500", "cytoscape&n=2000", "sigma&n=2000"} {
		b.Run(strings.ReplaceAll(run, "&", "/"), func(b *testing.B) {
			var first, redraw float64
			n := 0
			for b.Loop() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
				r, err := browsertest.MeasureRenderer(ctx, srv.URL+"/renderers.html?lib="+run, chromium)
				cancel()
				if err != nil {
					b.Fatal(err)
				}
				first += r.FirstRender
				redraw += r.Redraw
				n++
			}
			b.ReportMetric(first/float64(n), "ms-first-render")
			b.ReportMetric(redraw/float64(n), "ms-per-zoom-frame")
		})
	}
}
