package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/alliancegraph/alliancegraph/dataset"
)

const genSummary = `Write a deterministic synthetic graph (fixed seed) in the project's JSON
Lines import format. Factor 1: 2,000 alliances, 10,000 countries, 80,000
people, 8,000 offices, 10,000 events; 50,000 memberships, 40,000 office
terms, 200,000 event participations and 520,000 KNOWS facts. Factor N is N
times that.`

func runGen(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("gen", genSummary, stdout, stderr)
	factor := fs.Int("factor", 1, "size factor (1 or more)")
	out := fs.String("o", "-", "output `file` (- for standard output)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	w := stdout
	if *out != "-" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := dataset.WriteSynthetic(bw, dataset.Factor1, *factor); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	return bw.Flush()
}
