package loopback

import "testing"

func TestURLs(t *testing.T) {
	for _, tc := range []struct {
		list string
		n    int
		ok   bool
	}{
		{"http://127.0.0.1:8080", 1, true},
		{"http://127.0.0.1:1,http://localhost:2,http://[::1]:3", 3, true},
		{"http://127.0.0.1:1,http://example.org", 0, false},
		{"https://127.0.0.1:1", 0, false},
		{"", 0, false},
	} {
		urls, err := URLs(tc.list)
		if (err == nil) != tc.ok || len(urls) != tc.n {
			t.Errorf("URLs(%q) = %q, %v; want %d URLs, ok %v", tc.list, urls, err, tc.n, tc.ok)
		}
	}
}
