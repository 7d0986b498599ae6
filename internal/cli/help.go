package cli

import (
	"fmt"
	"io"
)

// usage prints the list of commands: `alliancegraph help`, and what a
// command line that names no command or an unknown one gets.
func usage(w io.Writer) {
	fmt.Fprintln(w, "alliancegraph: a knowledge graph of alliance membership over time, served through GraphQL.")
	fmt.Fprintln(w, "\nUsage: alliancegraph COMMAND [FLAGS]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun `alliancegraph COMMAND --help` for a command's flags.")
}
