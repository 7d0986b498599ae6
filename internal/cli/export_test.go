package cli

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

func TestExportCLIErrors(t *testing.T) {
	dir := t.TempDir()
	servertest.NATOStore(t, dir).Close()
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no format", []string{}, "format is required"},
		{"unknown format", []string{"--format", "xlsx"}, `unknown export format "xlsx"`},
		{"unknown ID", []string{"--format", "json", "--ids", "country/XXX"}, "no entity country/XXX"},
		{"malformed date", []string{"--format", "json", "--as-of", "1.1.2024"}, `asOf "1.1.2024" is not a date`},
		{"depth over cap", []string{"--format", "json", "--ids", "org/nato", "--depth", "9"}, "depth 9 is outside 0..6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			var stdout, stderr bytes.Buffer
			err := Run(context.Background(), append([]string{"export", "--data", dir, "-o", out}, tc.args...), &stdout, &stderr)
			if !errors.Is(err, ErrUsage) || !strings.Contains(stderr.String(), tc.want) {
				t.Errorf("err %v, stderr %q; want a usage error mentioning %q", err, stderr.String(), tc.want)
			}
			if m, _ := filepath.Glob(filepath.Join(filepath.Dir(out), "*")); len(m) != 0 {
				t.Errorf("a refused export left files: %v", m)
			}
		})
	}
	var stdout, stderr bytes.Buffer
	if err := Run(context.Background(), []string{"export", "--help"}, &stdout, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("--help: %v", err)
	}
	for _, flagName := range []string{"--format", "--ids", "--depth", "--predicates", "--kinds", "--as-of", "--known-at", "--max-nodes", "-o", "--data"} {
		if !strings.Contains(stdout.String(), "  "+flagName+" ") {
			t.Errorf("--help does not list %s:\n%s", flagName, stdout.String())
		}
	}
}

// TestExportFileExtension: an output name whose extension is another
// format's is refused with the right name suggested; others are written.
func TestExportFileExtension(t *testing.T) {
	dir := t.TempDir()
	srv := servertest.New(t, servertest.Command(Run), servertest.Dir(dir))
	srv.Stop(t)
	out := t.TempDir()
	for _, tc := range []struct {
		format, file, refusal string
	}{
		{"csv", "nato.csv", "name the output " + filepath.Join(out, "nato.zip")},
		{"json", "nato.graphml", "name the output " + filepath.Join(out, "nato.json")},
		{"csv", "nato.zip", ""},
		{"graphml", "nato.xml", ""},
		{"jsonl", "nato.JSONL", ""},
	} {
		var errOut bytes.Buffer
		err := Run(t.Context(), []string{"export", "--data", dir, "--format", tc.format, "--ids", "org/nato", "-o", filepath.Join(out, tc.file)}, io.Discard, &errOut)
		switch {
		case tc.refusal == "" && err != nil:
			t.Errorf("%s to %s: %v %s", tc.format, tc.file, err, errOut.String())
		case tc.refusal != "" && (err == nil || !strings.Contains(errOut.String(), tc.refusal)):
			t.Errorf("%s to %s: %v %q, want a refusal saying %q", tc.format, tc.file, err, errOut.String(), tc.refusal)
		}
	}
}
