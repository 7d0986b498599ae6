package cli

import (
	"context"
	"fmt"
	"io"
)

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	if err := parseFlags(newFlagSet("version", "Print the program's version.", stdout, stderr), args); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, "alliancegraph", Version)
	return err
}
