package graph

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/jsonl"
)

// textCheckedSockets accepts websockets whose client messages are checked
// as POST bodies are (checkBody) before gqlgen decodes them: encoding/json
// turns bytes that are not UTF-8, and a \u escape of half a surrogate
// pair, into U+FFFD, so a mutation sent over a socket would store a value
// the client never sent.
type textCheckedSockets struct {
	transport.WebsocketImplementation
}

func (s textCheckedSockets) Accept(w http.ResponseWriter, r *http.Request, o transport.WebsocketAcceptOptions) (transport.WebsocketConn, error) {
	c, err := s.WebsocketImplementation.Accept(w, r, o)
	if err != nil {
		return nil, err
	}
	return &textCheckedConn{WebsocketConn: c}, nil
}

// textCheckedConn hands gqlgen only messages that are Unicode text. A
// graphql-transport-ws subscribe that is not gets an error message for
// its id, coded BAD_USER_INPUT, and the socket goes on; any other such
// message closes the socket with 4400, the protocol's answer to an
// invalid message.
type textCheckedConn struct{ transport.WebsocketConn }

// gqlgen bounds messages and waits for pongs only through these optional
// interfaces of the connection, so the wrapper must pass them on.
var (
	_ transport.WebsocketReadLimiter   = (*textCheckedConn)(nil)
	_ transport.WebsocketReadDeadliner = (*textCheckedConn)(nil)
)

func (c *textCheckedConn) SetReadLimit(limit int64) {
	if l, ok := c.WebsocketConn.(transport.WebsocketReadLimiter); ok {
		l.SetReadLimit(limit)
	}
}

func (c *textCheckedConn) SetReadDeadline(t time.Time) error {
	if d, ok := c.WebsocketConn.(transport.WebsocketReadDeadliner); ok {
		return d.SetReadDeadline(t)
	}
	return nil
}

// closeInvalidMessage is graphql-transport-ws's close code for a message
// the server cannot accept.
const closeInvalidMessage = 4400

func (c *textCheckedConn) NextReader() (int, io.Reader, error) {
	for {
		typ, r, err := c.WebsocketConn.NextReader()
		if err != nil {
			return typ, r, err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return typ, nil, err
		}
		p := jsonl.CheckJSONText(b)
		if p == nil {
			return typ, bytes.NewReader(b), nil
		}
		path := jsonl.JSONPathAt(b, p.Offset)
		var head struct{ ID, Type string }
		_ = json.Unmarshal(b, &head)
		if inPayload, ok := strings.CutPrefix(path, "payload."); ok && head.Type == "subscribe" && head.ID != "" && jsonl.CheckJSONText([]byte(head.ID)) == nil {
			if err := c.refuse(head.ID, loneSurrogate(inPayload, p.Reason)); err != nil {
				return typ, nil, err
			}
			continue
		}
		reason := loneSurrogate(path, p.Reason)
		if len(reason) > 123 { // a close frame's reason is at most 123 bytes
			reason = reason[:120] + "..."
		}
		_ = c.WriteClose(closeInvalidMessage, reason)
		return typ, nil, transport.ErrWebsocketClosed
	}
}

// refuse answers the subscribe id with one coded error and no result.
func (c *textCheckedConn) refuse(id, msg string) error {
	return c.WriteJSON(map[string]any{
		"id": id, "type": "error",
		"payload": []map[string]any{{"message": msg, "extensions": map[string]any{"code": domain.CodeBadUserInput}}},
	})
}
