// Package loopback holds what the load tools share: they only ever send
// load to servers on this machine.
package loopback

import (
	"fmt"
	"strings"
)

// URLs splits a comma-separated --url list and refuses any address that
// is not a loopback one, so a load tool is never pointed at a server
// someone else runs.
func URLs(list string) ([]string, error) {
	urls := strings.Split(list, ",")
	for _, u := range urls {
		if !strings.HasPrefix(u, "http://127.") && !strings.HasPrefix(u, "http://localhost") && !strings.HasPrefix(u, "http://[::1]") {
			return nil, fmt.Errorf("--url must be loopback addresses, got %q", u)
		}
	}
	return urls, nil
}
