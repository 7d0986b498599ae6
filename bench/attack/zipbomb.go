package main

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"fmt"
	"hash/crc32"
	"net/http"
	"sync"
	"time"
)

const (
	bombHead = "id:ID,:LABEL,name,aliases,date:date,externalIds,properties\ncountry/XBM,Country,"
	bombTail = ",,,,\n"
	bombRels = ":START_ID,:END_ID,:TYPE,id,validFrom:date,validTo:date,event,properties,citations\n"
)

// zipBomb is issue 17 item 6: a Neo4j CSV zip whose nodes.csv has one
// name field of field bytes ('a' repeated). It is built without
// compressing the field byte by byte: one MiB of it is deflated once,
// ending with a sync flush (so it ends on a byte boundary, its
// back-references reach only into itself, and no block is final), and
// that piece is repeated; a last piece ends the stream. A field of 1 GiB
// makes a zip of about 1 MB.
func zipBomb(field int64) ([]byte, error) {
	const piece = 1 << 20
	run := bytes.Repeat([]byte{'a'}, piece)
	head, err := deflated([]byte(bombHead), false)
	if err != nil {
		return nil, err
	}
	body, err := deflated(run, false)
	if err != nil {
		return nil, err
	}
	tail, err := deflated([]byte(bombTail), true)
	if err != nil {
		return nil, err
	}
	if field%piece != 0 {
		return nil, fmt.Errorf("the field must be a whole number of MiB")
	}
	var raw bytes.Buffer
	raw.Write(head)
	crc := crc32.ChecksumIEEE([]byte(bombHead))
	for range field / piece {
		raw.Write(body)
		crc = crc32.Update(crc, crc32.IEEETable, run)
	}
	raw.Write(tail)
	crc = crc32.Update(crc, crc32.IEEETable, []byte(bombTail))

	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateRaw(&zip.FileHeader{Name: "nodes.csv", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(raw.Len()), UncompressedSize64: uint64(len(bombHead)) + uint64(field) + uint64(len(bombTail))})
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw.Bytes()); err != nil {
		return nil, err
	}
	w, err = zw.Create("relationships.csv")
	if err != nil {
		return nil, err
	}
	if _, err := w.Write([]byte(bombRels)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// deflated compresses p on its own; last ends the stream, otherwise it
// ends with a sync flush so that more pieces may follow.
func deflated(p []byte, last bool) ([]byte, error) {
	var b bytes.Buffer
	fw, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(p); err != nil {
		return nil, err
	}
	if last {
		err = fw.Close()
	} else {
		err = fw.Flush()
	}
	return b.Bytes(), err
}

// zipBombs are the two the attack sends in turn: one whose declared size
// is over POST /import's unzipped limit (refused before it is read), and
// one under it whose field is over the line limit (refused while read).
var zipBombs = sync.OnceValues(func() ([][]byte, error) {
	var out [][]byte
	for _, field := range []int64{1 << 30, 200 << 20} {
		b, err := zipBomb(field)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
})

// zipAttack posts the zip bombs to POST /import with token, from clients
// workers, at most rate a second together.
func zipAttack(ctx context.Context, base, token string, clients int, rate float64, t *tally) {
	bombs, err := zipBombs()
	if err != nil {
		t.add("building the bomb: "+err.Error(), 0, 0)
		return
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: time.Minute}
	defer client.CloseIdleConnections()
	p := newPacer(ctx, rate)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Go(func() {
			for n := i; p.wait(ctx); n++ {
				req, _ := http.NewRequestWithContext(ctx, "POST", base+"/import?name=bomb.zip", bytes.NewReader(bombs[n%len(bombs)]))
				req.Header.Set("Content-Type", "application/zip")
				req.Header.Set("Authorization", "Bearer "+token)
				t0 := time.Now()
				outcome, size := send(client, req)
				if ctx.Err() != nil {
					return
				}
				t.add(outcome, time.Since(t0), size)
			}
		})
	}
	wg.Wait()
}
