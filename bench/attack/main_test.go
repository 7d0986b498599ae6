package main

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// TestZipBomb: the bomb built from repeated deflate pieces is a valid zip
// whose nodes.csv unzips (checksum verified) to the CSV head, a field of
// exactly the size asked for, and the tail, and it is a small fraction
// of that size.
func TestZipBomb(t *testing.T) {
	const field = 16 << 20
	b, err := zipBomb(field)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > field/500 {
		t.Errorf("the bomb is %d bytes for a field of %d: not a bomb", len(b), field)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 2 || zr.File[0].Name != "nodes.csv" || zr.File[1].Name != "relationships.csv" {
		t.Fatalf("members: %v", zr.File)
	}
	f, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(f) // the zip reader checks the CRC-32 at the end
	if err != nil {
		t.Fatal(err)
	}
	want := bombHead + strings.Repeat("a", field) + bombTail
	if len(got) != len(want) || string(got) != want {
		t.Errorf("nodes.csv unzips to %d bytes, want %d (the head, %d a's, the tail)", len(got), len(want), field)
	}
	if zr.File[0].UncompressedSize64 != uint64(len(want)) {
		t.Errorf("declared size %d, want %d", zr.File[0].UncompressedSize64, len(want))
	}
}

// TestAnswerOutcome: answers are named by status and first code.
func TestAnswerOutcome(t *testing.T) {
	for body, want := range map[string]string{
		`{"data":{"a":1}}`: "200 OK",
		`{"errors":[{"message":"x","extensions":{"code":"LIMIT_EXCEEDED"}}],"data":null}`: "200 LIMIT_EXCEEDED",
		`{"errors":[{"message":"x"}]}`: "200 error without a code",
		`{"data":null}`:                "200 no data",
		`not json`:                     "200 not JSON",
	} {
		if got := answerOutcome(200, []byte(body)); got != want {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
	}
}
