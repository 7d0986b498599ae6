package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/alliancegraph/alliancegraph/graph"
)

// statusWriter remembers the status and size of a response for the log.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += int64(n)
	return n, err
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// withRequestLog gives each request an ID (echoed in X-Request-Id and in
// INTERNAL errors) and logs one line per request, with the GraphQL
// operation's name and outcome code when the request carried one. Query
// text and headers are not logged: they may carry tokens.
func withRequestLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w}
		info := &requestInfo{}
		ctx := context.WithValue(graph.WithRequestID(r.Context(), id), requestInfoKey{}, info)
		next.ServeHTTP(sw, r.WithContext(ctx))
		attrs := []any{"id", id, "method", r.Method, "path", r.URL.Path,
			"status", sw.status, "bytes", sw.bytes, "duration", time.Since(start)}
		if op, code, ok := info.get(); ok {
			attrs = append(attrs, "operationName", op, "code", code)
		}
		log.Info("request", attrs...)
	})
}

// requestInfo carries what the GraphQL layer learns of a request back to
// its log line: the first operation's name and outcome (a websocket
// carries many; its line names the first).
type requestInfo struct {
	mu         sync.Mutex
	set        bool
	name, code string
}

type requestInfoKey struct{}

// noteOperation records r on the request's log line (graph.Observer).
func noteOperation(ctx context.Context, r graph.OperationReport) {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	if info == nil {
		return
	}
	info.mu.Lock()
	defer info.mu.Unlock()
	if !info.set {
		info.set, info.name, info.code = true, r.Name, r.Code
		if info.code == "" {
			info.code = outcomeOK
		}
	}
}

func (i *requestInfo) get() (name, code string, ok bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	return i.name, i.code, i.set
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
