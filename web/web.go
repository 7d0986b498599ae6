// Package web owns alliancegraph's browser front end, embedded into the Go
// binary: GraphiQL 5 at "/" and the explorer (map, graph, timeline) at
// "/explore", with the static assets both need under "/static/".
//
// The npm packages are pinned in web/package.json and bundled by esbuild into
// web/dist by `make web` (npm ci + web/build.mjs); nothing is loaded from a
// CDN, so the pages work without internet. A binary built without those
// assets answers the pages with 503 and says how to fix it.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"
)

// Options configures the pages.
type Options struct {
	// Endpoint is the same-origin GraphQL URL the pages query, e.g.
	// "/graphql". Defaults to "/graphql".
	Endpoint string
	// ExportEndpoint is the same-origin URL of the streaming export
	// (GET /export), which the explorer's download link points at.
	// Defaults to "/export".
	ExportEndpoint string
	// Title is the GraphiQL page's title. Defaults to "alliancegraph
	// GraphiQL"; the explorer's is Title + " explorer".
	Title string
	// Examples open as GraphiQL tabs on a first visit; the first one is the
	// active tab, so it is the query the execute button runs.
	Examples []Example
}

// Example is one ready-made query shown as a GraphiQL tab.
type Example struct {
	Name, Query string
	// Variables is a JSON object as text, or empty.
	Variables string
}

//go:embed all:dist
var distFS embed.FS

//go:embed index.html explore.html
var ownFS embed.FS

var (
	indexTmpl   = template.Must(template.ParseFS(ownFS, "index.html"))
	exploreTmpl = template.Must(template.ParseFS(ownFS, "explore.html"))
)

// requiredDist are the files build.mjs writes that the pages load by name;
// without any of them a page cannot work, so both answer 503 instead of
// rendering a broken page.
var requiredDist = []string{
	"graphiql.js",
	"graphiql.css",
	"editor.worker.js",
	"json.worker.js",
	"graphql.worker.js",
	"explore.js",
	"explore.css",
	"countries-50m.json",
}

// exploreCSP allows nothing but same-origin scripts, styles and fetches.
// The explorer and cytoscape.js set styles through the CSSOM, which
// style-src does not restrict.
const exploreCSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// graphiqlCSP is exploreCSP with two additions GraphiQL 5 needs: Monaco, its
// editor, writes its theme and decorations into <style> elements it creates
// ('unsafe-inline' for styles only; scripts stay 'self'), and runs its
// language services in same-origin workers; subscriptions open a websocket
// to the same host, which connect-src 'self' allows.
const graphiqlCSP = "default-src 'none'; script-src 'self'; worker-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves GraphiQL at "/", the explorer at "/explore" and their assets
// under "/static/". Mount it at the site root, next to the GraphQL endpoint,
// or under a prefix with http.StripPrefix: the pages refer to their assets
// and to each other by relative URLs. It panics if Endpoint or
// ExportEndpoint is not same-origin, as the CSP would block it.
func Handler(opts Options) http.Handler {
	dist, err := fs.Sub(distFS, "dist")
	if err != nil {
		panic(err) // cannot happen: "dist" is a valid path
	}
	return newHandler(opts, dist)
}

type asset struct {
	body    []byte
	version string // content hash; also the ETag
	ctype   string
}

type handler struct {
	assets  map[string]asset // by path below /static/
	page    []byte           // rendered index.html; nil when not built
	explore []byte           // rendered explore.html; nil when not built
	missing []string         // required dist files that are absent
}

// newHandler takes dist as a parameter so tests can serve a fake or empty
// build instead of whatever web/dist holds.
func newHandler(opts Options, dist fs.FS) *handler {
	if opts.Endpoint == "" {
		opts.Endpoint = "/graphql"
	}
	if opts.ExportEndpoint == "" {
		opts.ExportEndpoint = "/export"
	}
	for name, u := range map[string]string{"Endpoint": opts.Endpoint, "ExportEndpoint": opts.ExportEndpoint} {
		if strings.Contains(u, "://") || strings.HasPrefix(u, "//") {
			panic("web: Options." + name + " must be a same-origin path, got " + u)
		}
	}
	if opts.Title == "" {
		opts.Title = "alliancegraph GraphiQL"
	}
	h := &handler{assets: map[string]asset{}}
	if err := h.load(dist); err != nil {
		panic("web: reading embedded assets: " + err.Error())
	}
	for _, name := range requiredDist {
		if _, ok := h.assets[name]; !ok {
			h.missing = append(h.missing, name)
		}
	}
	if len(h.missing) == 0 {
		h.page, h.explore = h.render(opts)
	}
	return h
}

func (h *handler) load(fsys fs.FS) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || name == "README.md" {
			return err
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		h.assets[name] = asset{body, hex.EncodeToString(sum[:8]), contentType(name)}
		return nil
	})
}

// contentType is a fixed table rather than mime.TypeByExtension, whose
// answer depends on the host's /etc/mime.types.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".txt":
		return "text/plain; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".ttf":
		return "font/ttf"
	}
	return "application/octet-stream"
}

type pageConfig struct {
	Endpoint string        `json:"endpoint"`
	Examples []pageExample `json:"examples"`
	// Workers are the URLs of Monaco's workers by label.
	Workers map[string]string `json:"workers"`
}

type exploreConfig struct {
	Endpoint       string `json:"endpoint"`
	ExportEndpoint string `json:"exportEndpoint"`
	// GraphiQL is the GraphiQL page's URL, relative to the explorer's.
	GraphiQL string `json:"graphiql"`
	// Atlas is the URL of the world map's TopoJSON.
	Atlas string `json:"atlas"`
}

type pageExample struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

type pageData struct {
	Title  string
	Config any
	h      *handler
}

// Asset returns the relative URL of a static file, versioned by its content
// hash so it can be cached for good.
func (d pageData) Asset(name string) (string, error) {
	a, ok := d.h.assets[name]
	if !ok {
		return "", fmt.Errorf("no static asset %q", name)
	}
	return "static/" + name + "?v=" + a.version, nil
}

// render renders the GraphiQL page and the explorer.
func (h *handler) render(opts Options) (graphiql, explore []byte) {
	d := pageData{h: h}
	cfg := pageConfig{Endpoint: opts.Endpoint, Examples: []pageExample{}, Workers: map[string]string{}}
	for _, ex := range opts.Examples {
		cfg.Examples = append(cfg.Examples, pageExample(ex))
	}
	for _, label := range []string{"editor", "json", "graphql"} {
		cfg.Workers[label] = d.mustAsset(label + ".worker.js")
	}
	graphiql = execute(indexTmpl, pageData{Title: opts.Title, Config: cfg, h: h})
	explore = execute(exploreTmpl, pageData{Title: opts.Title + " explorer", h: h, Config: exploreConfig{
		Endpoint:       opts.Endpoint,
		ExportEndpoint: opts.ExportEndpoint,
		GraphiQL:       "./",
		Atlas:          d.mustAsset("countries-50m.json"),
	}})
	return graphiql, explore
}

func (d pageData) mustAsset(name string) string {
	u, err := d.Asset(name)
	if err != nil {
		panic("web: " + err.Error()) // requiredDist lists every name render uses
	}
	return u
}

func execute(t *template.Template, data pageData) []byte {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		panic("web: rendering " + t.Name() + ": " + err.Error()) // a template bug
	}
	return buf.Bytes()
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var serve func(http.ResponseWriter, *http.Request)
	if r.URL.Path == "/" {
		serve = func(w http.ResponseWriter, r *http.Request) { h.servePage(w, r, h.page, graphiqlCSP) }
	} else if r.URL.Path == "/explore" {
		serve = func(w http.ResponseWriter, r *http.Request) { h.servePage(w, r, h.explore, exploreCSP) }
	} else if name, ok := strings.CutPrefix(r.URL.Path, "/static/"); ok {
		if a, ok := h.assets[name]; ok {
			serve = func(w http.ResponseWriter, r *http.Request) { serveAsset(w, r, name, a) }
		}
	}
	switch {
	case serve == nil:
		http.NotFound(w, r)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	default:
		w.Header().Set("X-Content-Type-Options", "nosniff")
		serve(w, r)
	}
}

func (h *handler) servePage(w http.ResponseWriter, r *http.Request, page []byte, csp string) {
	if page == nil {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "the browser assets are not built (web/dist lacks "+
			strings.Join(h.missing, ", ")+"): run `make web`, then rebuild the binary.",
			http.StatusServiceUnavailable)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Content-Security-Policy", csp)
	hd.Set("Referrer-Policy", "no-referrer")
	// The page names assets by content hash, so it must be revalidated.
	hd.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "page.html", time.Time{}, bytes.NewReader(page))
}

func serveAsset(w http.ResponseWriter, r *http.Request, name string, a asset) {
	hd := w.Header()
	hd.Set("Content-Type", a.ctype)
	hd.Set("ETag", `"`+a.version+`"`)
	if r.URL.Query().Get("v") == a.version {
		// The URL changes whenever the content does.
		hd.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		hd.Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}
