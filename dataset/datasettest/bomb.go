package datasettest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"strings"
	"sync"
	"testing"
)

// BombField is the size of the one field of ZipBomb's nodes.csv: far over
// the per-line limit, small enough to build quickly in a test.
const BombField = 128 << 20

const bombNodesHead = "id:ID,:LABEL,name,aliases,date:date,externalIds,properties\ncountry/XBM,Country,"

// BombRels is the relationships.csv of the bombs: a header, no records.
const BombRels = ":START_ID,:END_ID,:TYPE,id,validFrom:date,validTo:date,event,properties,citations\n"

// runOf reads as an endless run of one byte.
type runOf byte

func (c runOf) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// BombNodes streams a nodes.csv whose second line has a name of
// BombField bytes.
func BombNodes() io.Reader {
	return io.MultiReader(strings.NewReader(bombNodesHead), io.LimitReader(runOf('a'), BombField), strings.NewReader(",,,,\n"))
}

var zipBomb = sync.OnceValue(func() []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) { return flate.NewWriter(w, flate.BestSpeed) })
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate})
	io.Copy(w, BombNodes())
	w, _ = zw.CreateHeader(&zip.FileHeader{Name: "relationships.csv", Method: zip.Deflate})
	io.WriteString(w, BombRels)
	zw.Close()
	return b.Bytes()
})

// ZipBomb is a CSV zip of a few hundred KiB that unzips to a nodes.csv
// with one field of BombField bytes, built by streaming the run through
// deflate (once per test process).
func ZipBomb(tb testing.TB) []byte {
	tb.Helper()
	b := zipBomb()
	if len(b) > BombField/100 {
		tb.Fatalf("the zip bomb is %d bytes: not a bomb", len(b))
	}
	return b
}

// DamagedZip is a zip of a valid CSV pair whose nodes.csv does not match
// the checksum the zip's directory gives for it.
func DamagedZip(tb testing.TB) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("nodes.csv")
	io.WriteString(w, "id:ID,:LABEL,name\nplace/x,Place,X\n")
	w, _ = zw.Create("relationships.csv")
	io.WriteString(w, BombRels)
	zw.Close()
	z := b.Bytes()
	dir := bytes.Index(z, []byte("PK\x01\x02")) // nodes.csv's directory entry; its CRC-32 is at 16
	if dir < 0 {
		tb.Fatal("no central directory")
	}
	z[dir+16] ^= 0xff
	return z
}
