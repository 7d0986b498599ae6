package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/graph"
	"github.com/alliancegraph/alliancegraph/store"
)

// importHandler serves POST /import: the body is one file in a format
// named by its Content-Type, applied like the import command (all or
// nothing, one commit by the token's name). ?name= names it in messages;
// ?csvRaw=true says a CSV zip's cells are as stored (import --csv-raw).
// A record or a zip over limits is refused with 413 LIMIT_EXCEEDED.
func importHandler(db *store.DB, policy *auth.Policy, maxBytes int64, limits dataset.Limits, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		author, err := policy.Authorize(r.Context())
		if err != nil {
			WriteError(w, r, log, err)
			return
		}
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		name := r.URL.Query().Get("name")
		if name == "" {
			name = "request body"
		}
		opts := []dataset.InputOption{dataset.WithLimits(limits)}
		if s := r.URL.Query().Get("csvRaw"); s != "" {
			raw, err := strconv.ParseBool(s)
			if err != nil {
				WriteError(w, r, log, graph.Refusal(domain.ErrInvalid, fmt.Sprintf("csvRaw %q is not true or false", s)))
				return
			}
			opts = append(opts, dataset.WithRawCSV(raw))
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
		if err != nil {
			WriteError(w, r, log, graph.Refusal(domain.ErrInvalid, "could not read the request body"))
			return
		}
		if int64(len(body)) > maxBytes {
			WriteError(w, r, log, graph.Refusal(domain.ErrLimit, fmt.Sprintf("import body is over the limit of %d bytes", maxBytes)))
			return
		}
		in, err := bodyInput(mt, name, body, opts...)
		if err != nil {
			WriteError(w, r, log, err)
			return
		}
		rep, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: author})
		if err != nil {
			WriteError(w, r, log, err)
			return
		}
		out := map[string]any{"records": rep.Records, "changed": rep.Changed}
		if !rep.At.IsZero() {
			out["at"] = rep.At.Format(time.RFC3339Nano)
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"data": map[string]any{"import": out}})
	})
}

// bodyInput chooses an importer for a POST /import body by its media type.
func bodyInput(mediaType, name string, body []byte, opts ...dataset.InputOption) (dataset.Input, error) {
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
	switch mediaType {
	case "application/jsonl", "application/x-ndjson", "application/x-jsonlines":
		return dataset.JSONLInput(name, open, opts...), nil
	case "application/sparql-results+json":
		return dataset.WikidataInput(name, open, opts...), nil
	case "application/zip":
		return dataset.CSVZipInput(name, body, opts...), nil
	}
	return dataset.Input{}, graph.Refusal(graph.ErrMediaType, fmt.Sprintf("Content-Type %q is not importable (application/jsonl, application/sparql-results+json or application/zip)", mediaType))
}
