package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// fakeDist stands in for a built web/dist, so these tests do not depend on
// whether `make web` ran.
func fakeDist() fstest.MapFS {
	fsys := fstest.MapFS{"README.md": {Data: []byte("generated")}}
	for _, name := range requiredDist {
		fsys[name] = &fstest.MapFile{Data: []byte("/* " + name + " */")}
	}
	fsys["licenses/graphiql.txt"] = &fstest.MapFile{Data: []byte("MIT")}
	fsys["codicon-X.ttf"] = &fstest.MapFile{Data: []byte("font")}
	return fsys
}

var examples = []Example{
	{Name: "Members", Query: "{ members { name } }"},
	// Tries to break out of the JSON data block.
	{Name: "Tricky </script>", Query: "query Q($a: String) { x(a: $a) }", Variables: `{"a": "</script><b>"}`},
}

func get(t *testing.T, h http.Handler, method, target string, hdr ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func body(t *testing.T, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var (
	// urlAttr finds what a page loads: the src or href of script and link
	// tags (an <a>'s href is a link for the reader, not an asset).
	urlAttr   = regexp.MustCompile(`(?i)<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*"([^"]*)"`)
	configTag = regexp.MustCompile(`(?s)<script id="graphiql-config" type="application/json">(.*?)</script>`)
)

// checkSameOrigin fails on any src or href that could leave the origin.
func checkSameOrigin(t *testing.T, page string) []string {
	t.Helper()
	lower := strings.ToLower(page)
	for _, bad := range []string{`src="http://`, `src="https://`, `href="http://`, `href="https://`, `src="//`, `href="//`} {
		if strings.Contains(lower, bad) {
			t.Errorf("page has an off-origin reference %s", bad)
		}
	}
	var urls []string
	for _, m := range urlAttr.FindAllStringSubmatch(page, -1) {
		u := m[1]
		if u == "data:," {
			continue
		}
		if !strings.HasPrefix(u, "static/") {
			t.Errorf("page refers to %q; want a relative static/ URL", u)
		}
		urls = append(urls, "/"+strings.ReplaceAll(u, "&amp;", "&"))
	}
	if len(urls) < 2 {
		t.Errorf("page refers to %d assets, want its script and its stylesheet: %v", len(urls), urls)
	}
	return urls
}

func TestIndex(t *testing.T) {
	h := newHandler(Options{Title: "AG <test>", Examples: examples}, fakeDist())
	resp := get(t, h, "GET", "/")
	page := body(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("GET / = %d %s", resp.StatusCode, page)
	}
	for k, want := range map[string]string{
		"Content-Type":            "text/html; charset=utf-8",
		"Content-Security-Policy": graphiqlCSP,
		"Cache-Control":           "no-cache",
	} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	// Monaco needs inline styles; scripts must stay same-origin only.
	if !strings.Contains(graphiqlCSP, "script-src 'self';") || strings.Count(graphiqlCSP, "unsafe") != 1 ||
		!strings.Contains(graphiqlCSP, "style-src 'self' 'unsafe-inline';") {
		t.Errorf("GraphiQL's CSP allows more than inline styles: %s", graphiqlCSP)
	}
	if strings.Contains(page, "<script>") {
		t.Error("page has an inline script, which the CSP would block")
	}
	if !strings.Contains(page, "<title>AG &lt;test&gt;</title>") {
		t.Error("title missing or not escaped")
	}
	for _, u := range checkSameOrigin(t, page) {
		if r := get(t, h, "GET", u); r.StatusCode != 200 {
			t.Errorf("GET %s = %d", u, r.StatusCode)
		}
	}

	m := configTag.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no graphiql-config data block")
	}
	var cfg pageConfig
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("config is not JSON: %v\n%s", err, m[1])
	}
	if cfg.Endpoint != "/graphql" || len(cfg.Examples) != 2 ||
		cfg.Examples[0].Query != examples[0].Query || cfg.Examples[1].Variables != examples[1].Variables {
		t.Errorf("config = %+v, want default endpoint and the examples in order", cfg)
	}
	for label, u := range cfg.Workers {
		if !strings.HasPrefix(u, "static/"+label+".worker.js?v=") {
			t.Errorf("worker %s at %q, want a versioned static URL", label, u)
		}
	}
	if len(cfg.Workers) != 3 {
		t.Errorf("workers = %v, want editor, json and graphql", cfg.Workers)
	}
}

var exploreConfigTag = regexp.MustCompile(`(?s)<script id="explorer-config" type="application/json">(.*?)</script>`)

// TestExplorePage: /explore is served with the strict CSP (no inline
// anything), refers only to same-origin assets, and tells the script where
// the API, the export, GraphiQL and the world map are.
func TestExplorePage(t *testing.T) {
	h := newHandler(Options{Title: "AG"}, fakeDist())
	resp := get(t, h, "GET", "/explore")
	page := body(t, resp)
	if resp.StatusCode != 200 {
		t.Fatalf("GET /explore = %d %s", resp.StatusCode, page)
	}
	if got := resp.Header.Get("Content-Security-Policy"); got != exploreCSP || strings.Contains(got, "unsafe") {
		t.Errorf("CSP = %q, want the strict %q", got, exploreCSP)
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "<style") || strings.Contains(page, " style=") ||
		regexp.MustCompile(`\son[a-z]+=`).MatchString(page) {
		t.Error("the explorer has inline script or style, which its CSP blocks")
	}
	if !strings.Contains(page, "<title>AG explorer</title>") {
		t.Error("title missing")
	}
	for _, u := range checkSameOrigin(t, page) {
		if r := get(t, h, "GET", u); r.StatusCode != 200 {
			t.Errorf("GET %s = %d", u, r.StatusCode)
		}
	}
	m := exploreConfigTag.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no explorer-config data block")
	}
	var cfg exploreConfig
	if err := json.Unmarshal([]byte(m[1]), &cfg); err != nil {
		t.Fatalf("config is not JSON: %v\n%s", err, m[1])
	}
	if cfg.Endpoint != "/graphql" || cfg.ExportEndpoint != "/export" || cfg.GraphiQL != "./" ||
		!strings.HasPrefix(cfg.Atlas, "static/countries-50m.json?v=") {
		t.Errorf("config = %+v", cfg)
	}
	if r := get(t, h, "GET", "/"+cfg.Atlas); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("GET atlas = %d %s", r.StatusCode, r.Header.Get("Content-Type"))
	}
}

func TestRoutes(t *testing.T) {
	h := newHandler(Options{}, fakeDist())
	version := h.assets["graphiql.js"].version
	tests := []struct {
		method, target string
		status         int
		ctype, cache   string
	}{
		{"GET", "/static/graphiql.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/static/graphiql.js?v=" + version, 200, "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"},
		{"GET", "/static/graphiql.js?v=stale", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/static/editor.worker.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/static/graphiql.css", 200, "text/css; charset=utf-8", "no-cache"},
		{"GET", "/static/explore.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/static/explore.css", 200, "text/css; charset=utf-8", "no-cache"},
		{"GET", "/static/countries-50m.json", 200, "application/json", "no-cache"},
		{"GET", "/static/codicon-X.ttf", 200, "font/ttf", "no-cache"},
		{"GET", "/static/licenses/graphiql.txt", 200, "text/plain; charset=utf-8", "no-cache"},
		{"HEAD", "/static/explore.js", 200, "text/javascript; charset=utf-8", "no-cache"},
		{"GET", "/explore", 200, "text/html; charset=utf-8", "no-cache"},
		{"HEAD", "/explore", 200, "text/html; charset=utf-8", "no-cache"},
		{"GET", "/explore/", 404, "", ""},
		{"GET", "/nope", 404, "", ""},
		{"GET", "/index.html", 404, "", ""},
		{"GET", "/static/", 404, "", ""},
		{"GET", "/static/nope.js", 404, "", ""},
		{"GET", "/static/README.md", 404, "", ""},
		{"GET", "/static/../web.go", 404, "", ""},
		{"POST", "/", 405, "", ""},
		{"DELETE", "/static/explore.js", 405, "", ""},
		{"POST", "/explore", 405, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.target, func(t *testing.T) {
			resp := get(t, h, tc.method, tc.target)
			b := body(t, resp)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tc.ctype)
			}
			if tc.cache != "" && resp.Header.Get("Cache-Control") != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", resp.Header.Get("Cache-Control"), tc.cache)
			}
			if tc.status == 200 && resp.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("missing X-Content-Type-Options: nosniff")
			}
			if tc.method == "HEAD" && b != "" {
				t.Error("HEAD answered with a body")
			}
		})
	}
}

func TestAssetRevalidation(t *testing.T) {
	h := newHandler(Options{}, fakeDist())
	etag := get(t, h, "GET", "/static/explore.js").Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if resp := get(t, h, "GET", "/static/explore.js", "If-None-Match", etag); resp.StatusCode != http.StatusNotModified {
		t.Errorf("conditional GET = %d, want 304", resp.StatusCode)
	}
}

func TestNotBuilt(t *testing.T) {
	for name, dist := range map[string]fstest.MapFS{
		"empty":       {},
		"readme only": {"README.md": {Data: []byte("generated")}},
		"no explorer": func() fstest.MapFS { d := fakeDist(); delete(d, "explore.js"); return d }(),
	} {
		t.Run(name, func(t *testing.T) {
			h := newHandler(Options{}, dist)
			for _, page := range []string{"/", "/explore"} {
				resp := get(t, h, "GET", page)
				b := body(t, resp)
				if resp.StatusCode != http.StatusServiceUnavailable {
					t.Fatalf("GET %s = %d, want 503", page, resp.StatusCode)
				}
				if !strings.Contains(b, "make web") || !strings.Contains(b, "explore.js") {
					t.Errorf("503 body = %q, want it to name explore.js and `make web`", b)
				}
				if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
					t.Errorf("Content-Type = %q, want text/plain", ct)
				}
			}
			if resp := get(t, h, "GET", "/static/explore.js"); resp.StatusCode != 404 {
				t.Errorf("missing bundle = %d, want 404", resp.StatusCode)
			}
		})
	}
}

func TestEndpointMustBeSameOrigin(t *testing.T) {
	for _, ep := range []string{"https://example.org/graphql", "//example.org/graphql"} {
		for _, opts := range []Options{{Endpoint: ep}, {ExportEndpoint: ep}} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%+v accepted", opts)
					}
				}()
				Handler(opts)
			}()
		}
	}
}

// TestEmbedded checks what the binary really embeds: web/dist as built by
// `make web`. CI must build the assets; elsewhere an unbuilt dist is fine.
func TestEmbedded(t *testing.T) {
	h := Handler(Options{Examples: examples})
	for _, p := range []string{"/", "/explore"} {
		resp := get(t, h, "GET", p)
		page := body(t, resp)
		if resp.StatusCode == http.StatusServiceUnavailable {
			if os.Getenv("CI") == "true" {
				t.Fatalf("web/dist is not built in CI: %s", page)
			}
			t.Skip("web/dist is not built; run `make web`")
		}
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s = %d", p, resp.StatusCode)
		}
		for _, u := range checkSameOrigin(t, page) {
			r := get(t, h, "GET", u)
			if b := body(t, r); r.StatusCode != 200 || len(b) < 100 {
				t.Errorf("GET %s = %d with %d bytes", u, r.StatusCode, len(b))
			}
		}
	}
}
