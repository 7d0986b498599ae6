// Package web owns alliancegraph's browser front end: an offline GraphiQL
// page and the static assets it needs, embedded into the Go binary.
//
// The GraphiQL, React and ReactDOM bundles are pinned in web/package.json and
// copied into web/dist by `make web` (npm ci + web/build.sh); nothing is
// loaded from a CDN, so the page works without internet. A binary built
// without those assets answers the page with 503 and says how to fix it.
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

// Options configures the GraphiQL page.
type Options struct {
	// Endpoint is the same-origin GraphQL URL the page queries, e.g.
	// "/graphql". Defaults to "/graphql".
	Endpoint string
	// Title is the HTML page title. Defaults to "alliancegraph GraphiQL".
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

//go:embed index.html static
var ownFS embed.FS

var indexTmpl = template.Must(template.ParseFS(ownFS, "index.html"))

// requiredDist are the files build.sh copies; without any of them the page
// cannot work, so it answers 503 instead of rendering a broken GraphiQL.
var requiredDist = []string{
	"react.production.min.js",
	"react-dom.production.min.js",
	"graphiql.min.css",
	"graphiql.min.js",
}

// csp allows nothing but same-origin scripts, styles and fetches. Fonts and
// icons in graphiql.min.css are data: URLs. CodeMirror and React set styles
// through the CSSOM, which style-src does not restrict.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// Handler serves the GraphiQL page at "/" and its assets under "/static/".
// Mount it at the site root, next to the GraphQL endpoint, or under a prefix
// with http.StripPrefix: the page refers to its assets by relative URLs.
// It panics if Endpoint is not same-origin, as the CSP would block it.
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
	missing []string         // required dist files that are absent
}

// newHandler takes dist as a parameter so tests can serve a fake or empty
// build instead of whatever web/dist holds.
func newHandler(opts Options, dist fs.FS) *handler {
	if opts.Endpoint == "" {
		opts.Endpoint = "/graphql"
	}
	if strings.Contains(opts.Endpoint, "://") || strings.HasPrefix(opts.Endpoint, "//") {
		panic("web: Options.Endpoint must be a same-origin path, got " + opts.Endpoint)
	}
	if opts.Title == "" {
		opts.Title = "alliancegraph GraphiQL"
	}
	h := &handler{assets: map[string]asset{}}
	own, _ := fs.Sub(ownFS, "static")
	for _, fsys := range []fs.FS{own, dist} {
		if err := h.load(fsys); err != nil {
			panic("web: reading embedded assets: " + err.Error())
		}
	}
	for _, name := range requiredDist {
		if _, ok := h.assets[name]; !ok {
			h.missing = append(h.missing, name)
		}
	}
	if len(h.missing) == 0 {
		h.page = h.render(opts)
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
	}
	return "application/octet-stream"
}

type pageConfig struct {
	Endpoint string        `json:"endpoint"`
	Examples []pageExample `json:"examples"`
}

type pageExample struct {
	Name      string `json:"name"`
	Query     string `json:"query"`
	Variables string `json:"variables,omitempty"`
}

type pageData struct {
	Title  string
	Config pageConfig
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

func (h *handler) render(opts Options) []byte {
	data := pageData{Title: opts.Title, h: h,
		Config: pageConfig{Endpoint: opts.Endpoint, Examples: []pageExample{}}}
	for _, ex := range opts.Examples {
		data.Config.Examples = append(data.Config.Examples, pageExample(ex))
	}
	var buf bytes.Buffer
	if err := indexTmpl.Execute(&buf, data); err != nil {
		panic("web: rendering index.html: " + err.Error()) // a template bug
	}
	return buf.Bytes()
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var serve func(http.ResponseWriter, *http.Request)
	if r.URL.Path == "/" {
		serve = h.serveIndex
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

func (h *handler) serveIndex(w http.ResponseWriter, r *http.Request) {
	if h.page == nil {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "GraphiQL assets are not built (web/dist lacks "+
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
	http.ServeContent(w, r, "index.html", time.Time{}, bytes.NewReader(h.page))
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
