package main

import (
	"encoding/json"
	"errors"
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

// defaultImportLimits are POST /import's: the dataset defaults, but a zip
// may unzip to 4 times the default body limit rather than 1 GiB.
func defaultImportLimits() dataset.Limits {
	l := dataset.DefaultLimits()
	l.MaxUnzipped = 256 << 20
	return l
}

// importHandler serves POST /import: the body is one file in a format
// named by its Content-Type, applied like the import command (all or
// nothing, one commit by the token's name). ?name= names it in messages;
// ?csvRaw=true says a CSV zip's cells are as stored (import --csv-raw).
// A record or a zip over limits is refused with 413 LIMIT_EXCEEDED.
func importHandler(db *store.DB, policy *auth.Policy, maxBytes int64, limits dataset.Limits, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		author, err := policy.Authorize(r.Context())
		if err != nil {
			writeRefusal(w, err)
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
				graph.WriteError(w, http.StatusBadRequest, domain.CodeBadUserInput, fmt.Sprintf("csvRaw %q is not true or false", s))
				return
			}
			opts = append(opts, dataset.WithRawCSV(raw))
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBytes+1))
		if err != nil {
			graph.WriteError(w, http.StatusBadRequest, domain.CodeBadUserInput, "could not read the request body")
			return
		}
		if int64(len(body)) > maxBytes {
			graph.WriteError(w, http.StatusRequestEntityTooLarge, domain.CodeLimitExceeded,
				fmt.Sprintf("import body is over the limit of %d bytes", maxBytes))
			return
		}
		in, err := bodyInput(mt, name, body, opts...)
		if err != nil {
			graph.WriteError(w, http.StatusUnsupportedMediaType, domain.CodeBadUserInput, domain.Message(err))
			return
		}
		rep, err := dataset.Import(db, []dataset.Input{in}, dataset.ImportOptions{Author: author})
		switch code := domain.CodeOf(err); {
		case code == "":
		case errors.Is(err, store.ErrDiskFull):
			graph.WriteError(w, http.StatusInsufficientStorage, code, domain.Message(err))
			return
		case code == domain.CodeLimitExceeded:
			graph.WriteError(w, http.StatusRequestEntityTooLarge, code, domain.Message(err))
			return
		case code == domain.CodeConflict:
			graph.WriteError(w, http.StatusConflict, code, domain.Message(err))
			return
		case code == domain.CodeBadUserInput, code == domain.CodeNotFound:
			// An import naming something that does not exist is bad input.
			graph.WriteError(w, http.StatusBadRequest, domain.CodeBadUserInput, domain.Message(err))
			return
		default:
			log.Error("import failed", "request_id", graph.RequestID(r.Context()), "err", err)
			graph.WriteError(w, http.StatusInternalServerError, domain.CodeInternal, "internal error")
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
