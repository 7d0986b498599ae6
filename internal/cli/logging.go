package cli

import (
	"io"
	"log/slog"
)

// newLogger returns the server's logger: text lines, or JSON lines with
// --log-json.
func newLogger(w io.Writer, asJSON bool) *slog.Logger {
	if asJSON {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}
