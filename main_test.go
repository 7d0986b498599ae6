package main

import (
	"bytes"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/alliancegraph/alliancegraph/internal/servertest"
)

// TestExitStatus: the binary exits 0 when a command succeeds or asks for
// help, 2 for a wrong command line (the usage already printed), and 1 for
// any other failure, whose message is printed once, prefixed with the
// program's name. Scripts and service managers tell these apart.
func TestExitStatus(t *testing.T) {
	bin := servertest.Build(t)
	dir := t.TempDir()
	for _, tc := range []struct {
		name   string
		args   []string
		status int
		stdout string // what stdout must hold
		stderr string // what stderr must hold; "" for nothing at all
	}{
		{"help", []string{"help"}, 0, "Commands:", ""},
		{"a command's --help", []string{"serve", "--help"}, 0, "--addr", ""},
		{"unknown command", []string{"frobnicate"}, 2, "", `unknown command "frobnicate"`},
		{"unknown flag", []string{"check", "--no-such-flag"}, 2, "", "no-such-flag"},
		{"failure", []string{"import", "--data", filepath.Join(dir, "data"), filepath.Join(dir, "missing.jsonl")}, 1, "", "alliancegraph: import: "},
		// The message the other edges give: no package prefix of the engine.
		{"store error", []string{"check", "--data", filepath.Join(dir, "none")}, 1, "", "alliancegraph: no store in this directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, tc.args...)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, stderr.String())
			}
			if tc.stderr == "" && stderr.Len() > 0 {
				t.Errorf("stderr is not empty:\n%s", stderr.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout does not say %q:\n%s", tc.stdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tc.stderr, stderr.String())
			}
			if tc.status == 1 && strings.Count(stderr.String(), "alliancegraph: ") != 1 {
				t.Errorf("the failure is not printed exactly once:\n%s", stderr.String())
			}
		})
	}
}
