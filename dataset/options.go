package dataset

import "fmt"

// InputOption changes how an input is read.
type InputOption func(*inputConfig)

// inputConfig is what the options of one input set.
type inputConfig struct {
	rawCSV bool
	limits Limits
}

func newInputConfig(opts []InputOption) inputConfig {
	c := inputConfig{limits: DefaultLimits()}
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithRawCSV says that a CSV input's cells are as stored: none carries
// the prefix the csv export puts before a formula-like cell, so none is
// taken off (a file exported with --csv-raw, or not by alliancegraph).
func WithRawCSV(raw bool) InputOption { return func(c *inputConfig) { c.rawCSV = raw } }

// Limits bound what reading one input may hold in memory, so that a small
// file (a zip bomb, a line with no end) cannot make an import or the
// server hold gigabytes. Going over one fails the import with an error
// wrapping domain.ErrLimit (LIMIT_EXCEEDED) that names the file, the line
// and the limit. A zero field takes its default.
type Limits struct {
	// MaxLine bounds one record's text: a JSON line, a CSV record (a row,
	// quoted line breaks and all; the error names the field it was in) or
	// one JSON value of a Wikidata document (a binding).
	MaxLine int64
	// MaxUnzipped bounds the bytes a zip's members unzip to, together
	// (and so each member).
	MaxUnzipped int64
}

// Default limits (README, "Bulk import").
const (
	DefaultMaxLine     = 1 << 20
	DefaultMaxUnzipped = 1 << 30
)

// DefaultLimits returns the documented defaults.
func DefaultLimits() Limits {
	return Limits{MaxLine: DefaultMaxLine, MaxUnzipped: DefaultMaxUnzipped}
}

// WithLimits sets an input's limits; zero fields keep their defaults.
func WithLimits(l Limits) InputOption {
	return func(c *inputConfig) {
		if l.MaxLine > 0 {
			c.limits.MaxLine = l.MaxLine
		}
		if l.MaxUnzipped > 0 {
			c.limits.MaxUnzipped = l.MaxUnzipped
		}
	}
}

// byteSize writes n for messages: "64 KiB", "1 MiB", "2.3 MiB", "12 bytes".
func byteSize(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
