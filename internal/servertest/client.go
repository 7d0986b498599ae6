package servertest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Response is a GraphQL response as clients see it.
type Response struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// Code returns the first error's extensions.code, "" when there is none.
func (r Response) Code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// FirstMessage returns the first error's message, "" when there is none.
func (r Response) FirstMessage() string {
	if len(r.Errors) == 0 {
		return ""
	}
	return r.Errors[0].Message
}

// Post sends a query as JSON to url's /graphql and returns the status and
// raw body.
func Post(t testing.TB, url, query string, vars map[string]any) (int, []byte) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	return PostRaw(t, url, "application/json", body)
}

// PostRaw posts body with contentType to url's /graphql.
func PostRaw(t testing.TB, url, contentType string, body []byte) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url+"/graphql", contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// Query posts q and decodes the response, failing the test unless the
// answer is 200 with a GraphQL response.
func Query(t testing.TB, url, q string) Response {
	t.Helper()
	status, b := Post(t, url, q, nil)
	var r Response
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatalf("status %d, body %s: %v", status, b, err)
	}
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, b)
	}
	return r
}

// GQL posts a query with a bearer token ("" for none) and decodes the
// response, whatever its status.
func GQL(t testing.TB, url, token, q string, vars map[string]any) Response {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": q, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	header := map[string]string{}
	if token != "" {
		header["Authorization"] = "Bearer " + token
	}
	r := Send(t, http.MethodPost, url+"/graphql", "application/json", bytes.NewReader(body), header)
	return r.GQL(t)
}

// OK fails the test unless r has no errors, and decodes its data into v
// (unless v is nil).
func OK(t testing.TB, r Response, v any) {
	t.Helper()
	if len(r.Errors) > 0 {
		t.Fatalf("errors: %+v", r.Errors)
	}
	if v != nil {
		if err := json.Unmarshal(r.Data, v); err != nil {
			t.Fatalf("data %s: %v", r.Data, err)
		}
	}
}

// Reply is a raw HTTP answer.
type Reply struct {
	Status int
	Header http.Header
	Body   []byte
}

// GQL decodes the body as a GraphQL response, failing the test if it is
// not one.
func (r Reply) GQL(t testing.TB) Response {
	t.Helper()
	var g Response
	if err := json.Unmarshal(r.Body, &g); err != nil {
		t.Fatalf("status %d, body is not a GraphQL response: %.300s", r.Status, r.Body)
	}
	return g
}

// Send makes one request with any method, content type ("" for none),
// body and headers (Authorization included) and reads the whole answer.
func Send(t testing.TB, method, url, contentType string, body io.Reader, header map[string]string) Reply {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return Reply{resp.StatusCode, resp.Header, b}
}

// JSONBody marshals a GraphQL request.
func JSONBody(t testing.TB, req map[string]any) []byte {
	t.Helper()
	b, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// StillServes fails the test unless an ordinary query on the NATO
// dataset answers normally.
func StillServes(t testing.TB, url string) {
	t.Helper()
	r := Send(t, http.MethodPost, url+"/graphql", "application/json",
		strings.NewReader(`{"query":"{ alliance(id: \"org/nato\") { memberCount(asOf: \"2024-10-01\") } }"}`), nil)
	if r.Status != http.StatusOK || string(r.GQL(t).Data) != `{"alliance":{"memberCount":32}}` {
		t.Fatalf("a normal query after it: status %d: %s", r.Status, r.Body)
	}
}

// PostImport posts body to url's /import with contentType as the file
// called name ("upload.jsonl" when "") and a bearer token ("" for none),
// and returns the status and the decoded JSON answer.
func PostImport(t testing.TB, url, token, contentType, name string, body []byte) (int, map[string]any) {
	t.Helper()
	if name == "" {
		name = "upload.jsonl"
	}
	header := map[string]string{}
	if token != "" {
		header["Authorization"] = "Bearer " + token
	}
	r := Send(t, http.MethodPost, url+"/import?name="+name, contentType, bytes.NewReader(body), header)
	var out map[string]any
	if err := json.Unmarshal(r.Body, &out); err != nil {
		t.Fatalf("status %d body %s", r.Status, r.Body)
	}
	return r.Status, out
}

// JSON returns v encoded, for looking for text in a decoded answer.
func JSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
