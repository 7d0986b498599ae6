package dataset

// InputOption changes how an input is read.
type InputOption func(*inputConfig)

// inputConfig is what the options of one input set.
type inputConfig struct {
	rawCSV bool
}

func newInputConfig(opts []InputOption) inputConfig {
	var c inputConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

// WithRawCSV says that a CSV input's cells are as stored: none carries
// the prefix the csv export puts before a formula-like cell, so none is
// taken off (a file exported with --csv-raw, or not by alliancegraph).
func WithRawCSV(raw bool) InputOption { return func(c *inputConfig) { c.rawCSV = raw } }
