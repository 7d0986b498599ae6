// Command swfloor measures the floor under a load's write phase: how long
// Badger's StreamWriter alone takes to write a store's content.
//
// It reads every key and version of an existing store (left unchanged)
// into memory and encodes them for the StreamWriter as a load does:
// streams of at most -stream KVs each, handed over in pieces of about 8
// MiB. Then, and only then, it starts the clock and times Badger on its
// own: StreamWriter.Prepare, Write from -workers goroutines, and Flush,
// into a fresh directory opened with the options store.Open uses.
// Whatever a load does besides (reading its input, applying it, sorting,
// gathering keys and values) comes on top of what this prints.
//
//	go run ./bench/swfloor -data DIR
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"time"

	badger "github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"

	"github.com/alliancegraph/alliancegraph/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "swfloor:", err)
		os.Exit(1)
	}
}

// pieceBytes is how much encoded data one Write hands over, as a load's
// streamRange does.
const pieceBytes = 8 << 20

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("swfloor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "", "store directory to read (required; not changed)")
	out := fs.String("out", "", "parent of the directories written (default: the system's temporary directory); each round's is removed after")
	rounds := fs.Int("rounds", 3, "how many times to write it all, each into a fresh directory")
	workers := fs.Int("workers", runtime.GOMAXPROCS(0), "goroutines calling StreamWriter.Write")
	perStream := fs.Int("stream", 1<<17, "KVs per stream (a load's streams hold at most 131072)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch {
	case *data == "":
		return errors.New("-data is required")
	case *rounds < 1 || *workers < 1 || *perStream < 1:
		return errors.New("-rounds, -workers and -stream must be at least 1")
	}
	opts := store.DefaultOptions() // as the import command opens a store
	streams, n, size, err := encode(opts.Badger(*data).WithReadOnly(true), *perStream)
	if err != nil {
		return err
	}
	defer release(streams)
	fmt.Fprintf(stdout, "read %d KVs (%.0f MB of keys and values) in %d streams; %d workers\n", n, float64(size)/1e6, len(streams), *workers)
	for r := 1; r <= *rounds; r++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		dir, err := os.MkdirTemp(*out, "swfloor-")
		if err != nil {
			return err
		}
		took, err := write(opts.Badger(dir), streams, *workers)
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "round %d: StreamWriter wrote %d KVs in %.2f s (%.0f KVs/s)\n", r, n, took.Seconds(), float64(n)/took.Seconds())
	}
	return nil
}

// encode reads every version of every key of the store that bo opens and
// encodes them in key order, perStream KVs per stream, each stream a list
// of buffers of about pieceBytes, the last of which closes the stream. It
// returns the streams, the number of KVs and their keys' and values' bytes.
//
// Deleted versions are left out, as a load writes none: for a store that
// has had deletes, what write makes of the streams is not the store (an
// older version would show through), only a like amount of writing.
func encode(bo badger.Options, perStream int) (streams [][]*z.Buffer, n int, size int64, err error) {
	db, err := badger.OpenManaged(bo)
	if err != nil {
		return nil, 0, 0, err
	}
	defer db.Close()
	defer func() {
		if err != nil {
			release(streams)
			streams = nil
		}
	}()
	txn := db.NewTransactionAt(math.MaxUint64, false)
	defer txn.Discard()
	iopts := badger.DefaultIteratorOptions
	iopts.AllVersions, iopts.PrefetchValues = true, false
	it := txn.NewIterator(iopts)
	defer it.Close()
	var cur []*z.Buffer
	var buf *z.Buffer
	closeStream := func() {
		badger.KVToBuffer(&pb.KV{StreamId: uint32(len(streams) + 1), StreamDone: true}, buf)
		streams = append(streams, append(cur, buf))
		cur, buf = nil, nil
	}
	for it.Rewind(); it.Valid(); it.Next() {
		item := it.Item()
		if item.IsDeletedOrExpired() {
			continue
		}
		if buf == nil {
			buf = z.NewBuffer(pieceBytes+(1<<20), "swfloor")
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			release([][]*z.Buffer{append(cur, buf)})
			return streams, 0, 0, err
		}
		kv := &pb.KV{Key: item.KeyCopy(nil), Value: v, Version: item.Version(), StreamId: uint32(len(streams) + 1)}
		if meta := item.UserMeta(); meta != 0 {
			kv.UserMeta = []byte{meta}
		}
		badger.KVToBuffer(kv, buf)
		n++
		size += int64(len(kv.Key) + len(v))
		switch {
		case n%perStream == 0:
			closeStream()
		case buf.LenNoPadding() >= pieceBytes:
			cur = append(cur, buf)
			buf = nil
		}
	}
	if buf != nil || len(cur) > 0 {
		if buf == nil {
			buf = z.NewBuffer(1<<10, "swfloor")
		}
		closeStream()
	}
	return streams, n, size, nil
}

// release frees the buffers of streams.
func release(streams [][]*z.Buffer) {
	for _, s := range streams {
		for _, b := range s {
			b.Release()
		}
	}
}

// write opens a fresh store directory with bo and writes the streams into
// it with a StreamWriter from workers goroutines, timing Prepare, the
// writes and Flush.
func write(bo badger.Options, streams [][]*z.Buffer, workers int) (time.Duration, error) {
	db, err := badger.OpenManaged(bo)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	start := time.Now()
	sw := db.NewStreamWriter()
	defer sw.Cancel()
	if err := sw.Prepare(); err != nil {
		return 0, err
	}
	next := make(chan []*z.Buffer)
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for range workers {
		wg.Go(func() {
			for s := range next { // after an error, drain without writing
				for _, b := range s {
					mu.Lock()
					failed := first != nil
					mu.Unlock()
					if failed {
						break
					}
					if err := sw.Write(b); err != nil {
						mu.Lock()
						first = cmp.Or(first, err)
						mu.Unlock()
					}
				}
			}
		})
	}
	for _, s := range streams {
		next <- s
	}
	close(next)
	wg.Wait()
	if first != nil {
		return 0, first
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
