package httpapi

import (
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/export"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
)

// ExportRequest is one export as GET /export's query asks for it.
type ExportRequest struct {
	Format    export.Format
	Selection store.Selection
	KnownAt   time.Time // zero: the newest snapshot
	// CSVRaw asks the csv format for the cells as stored, formula-like
	// ones included (export.Meta.CSVRaw).
	CSVRaw bool
}

// Options are the export options the request asks for.
func (er ExportRequest) Options() []export.Option {
	return []export.Option{export.WithCSVRaw(er.CSVRaw)}
}

// exportParams are the query parameters GET /export knows.
var exportParams = map[string]bool{
	"format": true, "ids": true, "depth": true, "predicates": true,
	"kinds": true, "asOf": true, "knownAt": true, "maxNodes": true, "csvRaw": true,
}

// ParseExportQuery reads GET /export's parameters: format (required),
// ids, predicates and kinds as comma-separated lists with the GraphQL
// names (MEMBER_OF, COUNTRY), depth (default 1), asOf (YYYY-MM-DD; omitted:
// every time), knownAt (RFC 3339; omitted: newest) and maxNodes (omitted:
// no cap), and csvRaw (true: the csv format writes formula-like cells as
// stored rather than neutralised). Errors wrap domain.ErrInvalid and name
// the parameter.
func ParseExportQuery(q url.Values) (ExportRequest, error) {
	var req ExportRequest
	for k := range q {
		if !exportParams[k] {
			return req, fmt.Errorf("%w: unknown parameter %q (known: format, ids, depth, predicates, kinds, asOf, knownAt, maxNodes, csvRaw)", domain.ErrInvalid, clipParam(k))
		}
		if len(q[k]) > 1 {
			return req, fmt.Errorf("%w: parameter %s given %d times; give a comma-separated list once", domain.ErrInvalid, k, len(q[k]))
		}
	}
	var err error
	if q.Get("format") == "" {
		return req, fmt.Errorf("%w: format is required (one of %s)", domain.ErrInvalid, export.Names())
	}
	if req.Format, err = export.Lookup(q.Get("format")); err != nil {
		return req, err
	}
	sel := &req.Selection
	sel.Seeds = splitList(q.Get("ids"))
	if len(sel.Seeds) > 0 {
		sel.Depth = 1
	}
	if sel.Depth, err = intParam(q, "depth", sel.Depth); err != nil {
		return req, err
	}
	if sel.MaxNodes, err = intParam(q, "maxNodes", 0); err != nil {
		return req, err
	}
	for _, name := range splitList(q.Get("predicates")) {
		p, err := domain.ParsePredicate(name)
		if err != nil {
			return req, fmt.Errorf("predicates: %w", err)
		}
		sel.Predicates = append(sel.Predicates, p)
	}
	for _, name := range splitList(q.Get("kinds")) {
		k, err := domain.ParseKind(name)
		if err != nil {
			return req, fmt.Errorf("kinds: %w", err)
		}
		sel.Kinds = append(sel.Kinds, k)
	}
	if s := q.Get("asOf"); s != "" {
		if sel.AsOf, err = domain.ParseDate(s); err != nil {
			return req, fmt.Errorf("%w: asOf %q is not a date: want YYYY-MM-DD", domain.ErrInvalid, clipParam(s))
		}
	}
	if s := q.Get("csvRaw"); s != "" {
		if req.CSVRaw, err = strconv.ParseBool(s); err != nil {
			return req, fmt.Errorf("%w: csvRaw %q is not true or false", domain.ErrInvalid, clipParam(s))
		}
		if req.Format.Name != "csv" {
			return req, fmt.Errorf("%w: csvRaw applies to format=csv only, not %s", domain.ErrInvalid, req.Format.Name)
		}
	}
	if s := q.Get("knownAt"); s != "" {
		if req.KnownAt, err = time.Parse(time.RFC3339Nano, s); err != nil {
			return req, fmt.Errorf("%w: knownAt %q is not a time: want RFC 3339, e.g. 2024-10-01T12:00:00Z", domain.ErrInvalid, clipParam(s))
		}
	}
	return req, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func intParam(q url.Values, name string, def int) (int, error) {
	s := q.Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %s %q is not an integer", domain.ErrInvalid, name, clipParam(s))
	}
	return n, nil
}

func clipParam(s string) string {
	if r := []rune(s); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return s
}

// exportHandler serves GET /export: the selection streamed as one file
// with its media type and a Content-Disposition file name, read from one
// snapshot, for any size (no resolver deadline or write timeout applies).
// A bad request is answered 400 with a coded JSON error before any byte of
// the file; a client that goes away stops the export. A failure part-way
// aborts the connection, so a client never mistakes a cut file for a whole
// one. The trailer X-Export-Truncated says whether maxNodes cut it short.
// HEAD answers GET's headers, or its refusal, without running the export.
func exportHandler(db *store.DB, generator string, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		er, err := ParseExportQuery(req.URL.Query())
		if err != nil {
			WriteError(w, req, log, err)
			return
		}
		// Long exports outlive the server's write timeout; the client's
		// going away still ends them through the request context.
		http.NewResponseController(w).SetWriteDeadline(time.Time{})
		h := w.Header()
		h.Set("Content-Type", exportContentType(er.Format))
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": export.FileName(er.Selection, er.Format)}))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Trailer", "X-Export-Truncated")
		if req.Method == http.MethodHead {
			// The headers GET would send, and its refusal of a seed that
			// is not there, without running the export.
			err := db.View(er.KnownAt, func(r *store.Reader) error { return export.CheckSelection(r, er.Selection) })
			if err != nil {
				h.Del("Content-Disposition")
				h.Del("Trailer")
				WriteError(w, req, log, err)
			}
			return
		}
		body := &startedWriter{w: w}
		var truncated bool
		err = db.View(er.KnownAt, func(r *store.Reader) error {
			var err error
			truncated, err = export.Stream(req.Context(), r, er.Format, er.Selection, generator, body, nil, er.Options()...)
			return err
		})
		switch {
		case err == nil:
			h.Set("X-Export-Truncated", strconv.FormatBool(truncated))
		case !body.started:
			h.Del("Content-Disposition")
			h.Del("Trailer")
			WriteError(w, req, log, err)
		default:
			if req.Context().Err() == nil {
				log.ErrorContext(req.Context(), "export failed part-way", "request_id", graph.RequestID(req.Context()), "err", err)
			}
			panic(http.ErrAbortHandler)
		}
	})
}

// exportContentType adds the charset to text formats.
func exportContentType(f export.Format) string {
	if f.Binary {
		return f.MediaType
	}
	return f.MediaType + "; charset=utf-8"
}

// startedWriter records whether any byte of the file was written (after
// which the status is sent and can no longer become an error).
type startedWriter struct {
	w       io.Writer
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	s.started = true
	return s.w.Write(p)
}
