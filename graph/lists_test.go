package graph

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// listDB is an in-memory store holding country/C0..C(n-1).
func listDB(t *testing.T, n int) *store.DB {
	t.Helper()
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	err = db.Update("test", func(w *store.Writer) error {
		for i := range n {
			if _, err := w.PutEntity(domain.Entity{ID: fmt.Sprintf("country/C%d", i), Name: fmt.Sprintf("C%d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// opContext is what the handler gives an operation: its state (loaders
// with a long wait, so that a load which waits for a batch shows) and a
// response context collecting errors.
func opContext(db *store.DB) context.Context {
	ctx := context.WithValue(context.Background(), opStateKey{}, &opState{loaders: newLoaders(db, 50*time.Millisecond)})
	return graphql.WithResponseContext(ctx, graphql.DefaultErrorPresenter, func(_ context.Context, v any) error {
		return fmt.Errorf("panic: %v", v)
	})
}

// goroutine returns the calling goroutine's number, from its stack header.
func goroutine() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1]
}

// tracker records how many elements run at once and the most that did.
type tracker struct {
	mu            sync.Mutex
	running, peak int
	order         []int
}

func (tr *tracker) enter(i int) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.running++
	tr.peak = max(tr.peak, tr.running)
	tr.order = append(tr.order, i)
}

func (tr *tracker) leave() {
	tr.mu.Lock()
	tr.running--
	tr.mu.Unlock()
}

// indexOf returns the list index gqlgen's field context gives element ctx.
func indexOf(t *testing.T, ctx context.Context) int {
	t.Helper()
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Index == nil {
		t.Fatal("element has no index in its field context")
	}
	return *fc.Index
}

// TestMarshalListInOrderWhenNothingIsRead: elements whose data is held (or
// that read nothing) resolve one at a time, in order, with their own index,
// and their loads read at once instead of joining a batch.
func TestMarshalListInOrderWhenNothingIsRead(t *testing.T) {
	db := listDB(t, 8)
	ctx := opContext(db)
	l := ctx.Value(opStateKey{}).(*opState).loaders
	refs := make([]store.EntityRef, 8)
	for i := range refs {
		refs[i] = store.RefOf(fmt.Sprintf("country/C%d", i))
	}
	if err := l.primeEntities(time.Time{}, refs); err != nil {
		t.Fatal(err)
	}
	before := db.Reads()
	var tr tracker
	caller := goroutine()
	got := marshalList(ctx, 8, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		tr.enter(i)
		defer tr.leave()
		if g := goroutine(); g != caller {
			t.Errorf("element %d ran on goroutine %s; want the caller's, %s", i, g, caller)
		}
		if idx := indexOf(t, ctx); idx != i {
			t.Errorf("element %d has index %d", i, idx)
		}
		if batched(ctx) {
			t.Errorf("element %d joins batches; want reads at once", i)
		}
		e, err := l.loadEntity(ctx, time.Time{}, refs[i].ID)
		if err != nil {
			t.Error(err)
			return graphql.Null
		}
		return graphql.MarshalString(e.Name)
	})
	if tr.peak != 1 {
		t.Errorf("%d elements ran at once; want 1", tr.peak)
	}
	if fmt.Sprint(tr.order) != "[0 1 2 3 4 5 6 7]" {
		t.Errorf("order %v", tr.order)
	}
	if r := db.Reads() - before; r != 0 {
		t.Errorf("%d store reads for primed elements; want 0", r)
	}
	var b strings.Builder
	got.MarshalGQL(&b)
	if want := `["C0","C1","C2","C3","C4","C5","C6","C7"]`; b.String() != want {
		t.Errorf("got %s, want %s", b.String(), want)
	}
}

// TestMarshalListTogetherAfterARead: once an element reads the store at
// once, the elements after it resolve concurrently and their loads share
// one batch; a list under them resolves concurrently too.
func TestMarshalListTogetherAfterARead(t *testing.T) {
	const n = 10
	db := listDB(t, n)
	ctx := opContext(db)
	l := ctx.Value(opStateKey{}).(*opState).loaders
	var started sync.WaitGroup
	started.Add(n - 2)
	allStarted := make(chan struct{})
	go func() { started.Wait(); close(allStarted) }()
	var nestedBatched atomic.Int32
	before := db.Reads()
	marshalList(ctx, n, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		if want := i >= 2; batched(ctx) != want {
			t.Errorf("element %d: batched %v, want %v", i, batched(ctx), want)
		}
		if i >= 2 {
			// Every element after the read must be running at once.
			started.Done()
			select {
			case <-allStarted:
			case <-time.After(10 * time.Second):
				t.Errorf("element %d: the elements after the read did not run concurrently", i)
			}
			marshalList(ctx, 2, 0, false, func(ctx context.Context, _ int) graphql.Marshaler {
				if batched(ctx) {
					nestedBatched.Add(1)
				}
				return graphql.Null
			})
		}
		if i == 0 {
			return graphql.Null // reads nothing: the next element still runs in order
		}
		if _, err := l.loadEntity(ctx, time.Time{}, fmt.Sprintf("country/C%d", i)); err != nil {
			t.Error(err)
		}
		return graphql.Null
	})
	// Element 1 read at once; elements 2..n-1 shared a batch.
	if r := db.Reads() - before; r != 2 {
		t.Errorf("%d store reads; want 2 (one at once, one batch)", r)
	}
	if got := nestedBatched.Load(); got != 2*(n-2) {
		t.Errorf("%d nested elements batched; want %d", got, 2*(n-2))
	}
}

// TestMarshalListPanic: a panicking element is null with an error at its
// index; the others are marshalled.
func TestMarshalListPanic(t *testing.T) {
	for _, mode := range []listMode{0, together} {
		t.Run(fmt.Sprint("mode ", mode), func(t *testing.T) {
			ctx := opContext(listDB(t, 0))
			if mode != 0 {
				ctx = context.WithValue(ctx, listModeKey{}, mode)
			}
			ctx = graphql.WithFieldContext(ctx, &graphql.FieldContext{Field: graphql.CollectedField{}})
			got := marshalList(ctx, 3, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
				if i == 1 {
					panic("element one")
				}
				return graphql.MarshalInt(i)
			})
			var b strings.Builder
			got.MarshalGQL(&b)
			if b.String() != "[0,null,2]" {
				t.Errorf("got %s", b.String())
			}
			errs := graphql.GetErrors(ctx)
			if len(errs) != 1 || errs[0].Path.String() != "[1]" || errs[0].Message != "panic: element one" {
				t.Errorf("errors %v; want one at index 1", errs)
			}
		})
	}
}

// TestLoaderMissReadOnce: a key the store does not have, loaded at once,
// is cached as a miss: loading it again reads nothing and waits for no
// batch.
func TestLoaderMissReadOnce(t *testing.T) {
	db := listDB(t, 1)
	ctx := opContext(db)
	l := ctx.Value(opStateKey{}).(*opState).loaders
	before := db.Reads()
	for range 3 {
		if _, err := l.loadEntity(ctx, time.Time{}, "country/NONE"); err == nil {
			t.Fatal("a missing entity loaded")
		}
	}
	fs, err := l.entity.loadAll(ctx, []snapKey{{0, "country/C0"}, {0, "country/NONE"}})
	if err != nil {
		t.Fatal(err)
	}
	if !fs[0].ok || fs[0].v.Name != "C0" || fs[1].ok {
		t.Errorf("loadAll: %+v", fs)
	}
	if r := db.Reads() - before; r != 2 {
		t.Errorf("%d store reads; want 2 (the miss once, C0 once)", r)
	}
}

// TestGeneratedListsUseMarshalList: every list of objects in the generated
// executor goes through marshalList (go generate runs execswap after
// gqlgen; CI fails when generated.go differs from a fresh generate).
func TestGeneratedListsUseMarshalList(t *testing.T) {
	b, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(b, []byte("graphql.MarshalSliceConcurrently(")); n != 0 {
		t.Errorf("generated.go calls graphql.MarshalSliceConcurrently %d times; run go generate ./...", n)
	}
	if n := bytes.Count(b, []byte("marshalList(")); n == 0 {
		t.Error("generated.go never calls marshalList")
	}
}
