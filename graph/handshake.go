package graph

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/alliancegraph/alliancegraph/auth"
	"github.com/alliancegraph/alliancegraph/domain"
)

// checkHandshake refuses, with an error for a coded JSON answer, a
// websocket handshake the websocket library would refuse: another version
// than 13, a missing or malformed key, no "Upgrade" in Connection, or a
// page from an origin the server does not allow. The library would answer
// those in plain text and then log, outside the server's logger, a line
// and a superfluous WriteHeader warning.
func checkHandshake(req *http.Request, origins []string) error {
	switch {
	case !headerHasToken(req.Header, "Connection", "upgrade"):
		return Refusal(ErrUpgradeRequired, "a websocket handshake needs Connection: Upgrade")
	case req.Header.Get("Sec-WebSocket-Version") != "13":
		return Refusal(domain.ErrInvalid, fmt.Sprintf("websocket version %q is not supported: use 13", clipStr(req.Header.Get("Sec-WebSocket-Version"))))
	}
	keys := req.Header.Values("Sec-WebSocket-Key")
	if len(keys) != 1 {
		return Refusal(domain.ErrInvalid, "a websocket handshake needs one Sec-WebSocket-Key")
	}
	if k, err := base64.StdEncoding.DecodeString(strings.TrimSpace(keys[0])); err != nil || len(k) != 16 {
		return Refusal(domain.ErrInvalid, "Sec-WebSocket-Key must be 16 bytes in base64")
	}
	if !originAllowed(req, origins) {
		return &auth.Refusal{Code: domain.CodeForbidden,
			Message: fmt.Sprintf("pages from %s may not open websockets on this server (see --ws-origins)", clipStr(req.Header.Get("Origin")))}
	}
	return nil
}

// originAllowed reports whether req's Origin may open a socket: no Origin
// (not a browser), the server's own host, or a host matching one of
// patterns (path.Match, case-insensitive).
func originAllowed(req *http.Request, patterns []string) bool {
	o := req.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, req.Host) {
		return true
	}
	for _, p := range patterns {
		target := u.Host
		if strings.Contains(p, "://") {
			target = u.Scheme + "://" + u.Host
		}
		if ok, _ := path.Match(strings.ToLower(p), strings.ToLower(target)); ok {
			return true
		}
	}
	return false
}

// headerHasToken reports whether header name lists token (comma-separated,
// case-insensitive).
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
