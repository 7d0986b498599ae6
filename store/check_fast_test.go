package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
	badger "github.com/dgraph-io/badger/v4"
)

// TestCheckScans damages the store in ways the scan-based Check proves or
// refutes from its in-memory summaries (a record's entries seen out of
// order, an entry agreeing with its record in all but one field, a fact
// number used twice) and wants exactly the violations the point-read
// checks word. Every violation must contain one of want, and each of
// want must be found.
func TestCheckScans(t *testing.T) {
	d := domain.MustDate
	// factOf returns fact id's record and edge.
	factOf := func(w *Writer, id string) (*domain.Fact, edge) {
		f, e, err := w.fact(id)
		if err != nil {
			t.Fatalf("fact %s: %v", id, err)
		}
		return f, e
	}
	num := func(w *Writer, id string) uint64 {
		n, _, err := w.resolve(id)
		if err != nil {
			t.Fatalf("resolve %s: %v", id, err)
		}
		return n
	}
	// outValue reads the out-edge value of e.
	outValue := func(w *Writer, e edge) []byte {
		v, err := w.get(outKey(e))
		if err != nil {
			t.Fatalf("out-edge: %v", err)
		}
		return v
	}
	var firstCommit uint64 // set by the test loop: the fixture's entity commit

	tests := []struct {
		name    string
		corrupt func(w *Writer) error
		want    []string
	}{
		{"in-edge of no out-edge", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			e.fact = 1 << 40
			return w.set(inKey(e), nil)
		}, []string{"missing out-edge for in-edge"}},
		{"in-edge value differs from the out-edge", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			return w.set(inKey(e), append(v[:len(v):len(v)], ' '))
		}, []string{"fact fact/fin-member in-edge value differs from its out-edge"}},
		{"out-edge interval differs from its record", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			bad := outVal(domain.Interval{From: d("2000-01-01")}, v[ivLen:])
			return w.set(outKey(e), bad)
		}, []string{"fact fact/fin-member interval in its edge value differs from its record",
			"fact fact/fin-member in-edge value differs from its out-edge"}},
		{"out-edge and in-edge agree on an interval the record does not have", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			bad := outVal(domain.Interval{From: d("2000-01-01")}, v[ivLen:])
			return errors.Join(w.set(outKey(e), bad), w.set(inKey(e), bad))
		}, []string{"fact fact/fin-member interval in its edge value differs from its record"}},
		{"record of another predicate than its key", func(w *Writer) error {
			f, e := factOf(w, "fact/fin-member")
			f.Predicate = domain.PartnerOf
			rec, err := encodeFact(f)
			if err != nil {
				return err
			}
			v := outVal(f.Valid, rec)
			return errors.Join(w.set(outKey(e), v), w.set(inKey(e), v))
		}, []string{"fact fact/fin-member predicate differs from its key"}},
		{"record with a malformed ID", func(w *Writer) error {
			f, e := factOf(w, "fact/fin-member")
			f.ID = "fact/fin member"
			rec, err := encodeFact(f)
			if err != nil {
				return err
			}
			v := outVal(f.Valid, rec)
			return errors.Join(w.set(outKey(e), v), w.set(inKey(e), v))
		}, []string{`fact has malformed ID "fact/fin member"`}},
		{"undecodable fact record", func(w *Writer) error {
			f, e := factOf(w, "fact/fin-member")
			return w.set(outKey(e), outVal(f.Valid, []byte("{not json")))
		}, []string{ErrCorrupt.Error(), "by-time entry points at no fact starting 2023-04-04"}},
		{"by-time entry of a deleted fact", func(w *Writer) error {
			f, e := factOf(w, "fact/swe-member")
			if err := w.DeleteFact("fact/swe-member"); err != nil {
				return err
			}
			return w.set(timeKey(e.pred, f.Valid.From, e.fact), timeVal(e.src, e.dst))
		}, []string{"by-time entry points at no fact starting 2024-03-07"}},
		{"by-time entry with the wrong ends", func(w *Writer) error {
			f, e := factOf(w, "fact/swe-member")
			return w.set(timeKey(e.pred, f.Valid.From, e.fact), timeVal(e.dst, e.src))
		}, []string{"by-time entry points at no fact starting 2024-03-07"}},
		{"by-time entry at the wrong date", func(w *Writer) error {
			f, e := factOf(w, "fact/swe-member")
			if err := w.del(timeKey(e.pred, f.Valid.From, e.fact)); err != nil {
				return err
			}
			return w.set(timeKey(e.pred, d("2024-03-08"), e.fact), timeVal(e.src, e.dst))
		}, []string{"missing by-time entry of fact/swe-member", "by-time entry points at no fact starting 2024-03-08"}},
		{"by-end entry deleted", func(w *Writer) error {
			f, e := factOf(w, "fact/fin-partner")
			return w.del(endKey(e.pred, f.Valid.To, e.fact))
		}, []string{"missing by-end entry of fact/fin-partner"}},
		{"by-end entry of an open fact", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			return w.set(endKey(e.pred, d("2030-01-01"), e.fact), timeVal(e.src, e.dst))
		}, []string{"by-end entry points at no fact ending 2030-01-01"}},
		{"locator points at another edge", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			loc := e
			loc.dst = num(w, "country/SWE")
			return w.set(factKey(e.fact), factLoc(loc))
		}, []string{"fact fact/fin-member has no matching locator", "missing out-edge of fact locator"}},
		{"locator deleted", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			return w.del(factKey(e.fact))
		}, []string{"fact fact/fin-member has no matching locator", "missing fact locator for fact/fin-member"}},
		{"fact slug points at another fact", func(w *Writer) error {
			_, e := factOf(w, "fact/swe-member")
			return w.set(slugKey(domain.KindFact, "fin-member"), numVal(e.fact))
		}, []string{"fact fact/fin-member has no slug pointing at it"}},
		{"second out-edge with one fact number", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			v := outValue(w, e)
			e.dst = num(w, "country/SWE")
			return w.set(outKey(e), v)
		}, []string{"missing in-edge of fact/fin-member", "fact fact/fin-member has no matching locator",
			"fact fact/fin-member end org/nato is not a live entity"}},
		{"fact slug under another key", func(w *Writer) error {
			_, e := factOf(w, "fact/fin-member")
			if err := w.del(slugKey(domain.KindFact, "fin-member")); err != nil {
				return err
			}
			return w.set(slugKey(domain.KindFact, "fin-membership"), numVal(e.fact))
		}, []string{"fact fact/fin-member has no slug pointing at it"}},
		{"second out-edge with one fact number, sound in itself", func(w *Writer) error {
			_, fin := factOf(w, "fact/fin-member")
			_, swe := factOf(w, "fact/swe-member")
			v := outValue(w, swe)
			swe.fact = fin.fact
			return w.set(outKey(swe), v)
		}, []string{"missing in-edge of fact/swe-member", "fact fact/swe-member has no matching locator",
			"missing by-time entry of fact/swe-member", "fact fact/swe-member has no slug pointing at it"}},
		{"fact end deleted", func(w *Writer) error {
			return w.del(nodeKey(num(w, "office/nato-sg")))
		}, []string{"slug office/nato-sg points at no entity", "kind index entry Office points at no entity",
			"points at no entity with that word",
			"fact fact/stoltenberg-sg end office/nato-sg is not a live entity",
			"fact fact/sg-of-nato end office/nato-sg is not a live entity"}},
		{"entity slug points at another entity", func(w *Writer) error {
			return w.set(slugKey(domain.KindCountry, "FIN"), numVal(num(w, "country/SWE")))
		}, []string{"slug country/FIN points at country/SWE", "entity country/FIN has no slug pointing at it"}},
		{"slug value not a number", func(w *Writer) error {
			return w.set(slugKey(domain.KindCountry, "FIN"), []byte{1, 2, 3})
		}, []string{"malformed slug entry", "entity country/FIN has no slug pointing at it"}},
		{"external ID value not a number", func(w *Writer) error {
			return w.set(xidKey("iso3", "FIN"), []byte{1, 2, 3})
		}, []string{"malformed external ID entry"}},
		{"entity record of another kind than its ID", func(w *Writer) error {
			n := num(w, "country/FIN")
			e, err := w.entityByNum(n)
			if err != nil {
				return err
			}
			e.Kind = domain.KindPerson
			rec, err := encodeEntity(e)
			if err != nil {
				return err
			}
			return w.set(nodeKey(n), rec)
		}, []string{"entity country/FIN has a malformed ID or wrong kind", "kind index entry Country points at no entity of that kind"}},
		{"index key of the wrong length", func(w *Writer) error {
			return w.set(append(kindKey(domain.KindCountry, num(w, "country/FIN")), 0), nil)
		}, []string{ErrCorrupt.Error() + ": kind key"}},
		{"dated entry deleted", func(w *Writer) error {
			return w.del(datedKey(d("2023-07-11"), num(w, "event/vilnius-2023")))
		}, []string{"missing dated entry of event/vilnius-2023"}},
		{"dated entry at the wrong date", func(w *Writer) error {
			return w.set(datedKey(d("2023-07-12"), num(w, "event/vilnius-2023")), nil)
		}, []string{"dated entry 2023-07-12 points at no entity of that date"}},
		{"external ID points at another entity", func(w *Writer) error {
			return w.set(xidKey("iso3", "FIN"), numVal(num(w, "country/SWE")))
		}, []string{"external ID iso3 FIN points at an entity without it"}},
		{"history entry naming another ID", func(w *Writer) error {
			v, err := encodeChange(domain.Change{ID: "country/SWE", Op: domain.OpUpdate})
			if err != nil {
				return err
			}
			return w.set(histKey("country/FIN", firstCommit), v)
		}, []string{"history entry of country/FIN does not name it"}},
		{"history entry after the last commit", func(w *Writer) error {
			v, err := encodeChange(domain.Change{ID: "country/FIN", Op: domain.OpUpdate})
			if err != nil {
				return err
			}
			return w.set(histKey("country/FIN", 1<<62), v)
		}, []string{"history entry of country/FIN has no commit record at or after it"}},
		{"undecodable commit record", func(w *Writer) error {
			return w.set(commitKey(firstCommit), []byte("{not json"))
		}, []string{ErrCorrupt.Error() + ": commit", "has no commit record at or after it"}},
		{"document text altered", func(w *Writer) error {
			text := "The Parties to this Treaty"
			if _, err := w.PutText(text); err != nil {
				return err
			}
			return w.set(blobKey(sha256.Sum256([]byte(text))), []byte("The Parties to this treaty"))
		}, []string{"document text does not match its SHA-256 key"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newTestDB(t)
			mustUpdate(t, db, putEntities(fixtureEntities()...))
			firstCommit = timeTs(db.LastCommit())
			mustUpdate(t, db, putFacts(fixtureFacts()...))
			good := db.LastCommit()
			mustUpdate(t, db, tt.corrupt)
			vs, err := db.Check(time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			found := make([]bool, len(tt.want))
			for _, v := range vs {
				ok := false
				for i, w := range tt.want {
					if strings.Contains(v.Problem, w) {
						found[i], ok = true, true
					}
				}
				if !ok {
					t.Errorf("unexpected violation %v", v)
				}
			}
			for i, w := range tt.want {
				if !found[i] {
					t.Errorf("no violation containing %q in %v", w, vs)
				}
			}
			checkClean(t, db, good)
		})
	}
}

// TestCheckLimitAfterScans: violations found after the scans (records
// whose entries were not all seen) count toward the limit too.
func TestCheckLimitAfterScans(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	mustUpdate(t, db, func(w *Writer) error {
		for _, id := range []string{"country/FIN", "country/SWE", "org/nato", "office/nato-sg", "person/stoltenberg"} {
			n, k, err := w.resolve(id)
			if err != nil {
				return err
			}
			if err := w.del(kindKey(k, n)); err != nil {
				return err
			}
		}
		return nil
	})
	for _, tt := range []struct{ limit, want int }{{0, 5}, {2, 2}, {5, 5}, {6, 5}} {
		t.Run(fmt.Sprint(tt.limit), func(t *testing.T) {
			vs, err := db.Check(time.Time{}, tt.limit)
			if err != nil || len(vs) != tt.want {
				t.Fatalf("Check(limit %d) = %d violations, %v; want %d", tt.limit, len(vs), err, tt.want)
			}
			for _, v := range vs {
				if !strings.Contains(v.Problem, "missing kind index entry of ") {
					t.Errorf("violation %v", v)
				}
			}
		})
	}
}

// TestCheckMatchesReads damages the fixture at random (keys deleted,
// values swapped between keys of one tag, bytes flipped, stray copies
// under a neighbouring key) and wants Check to find exactly what judging
// every key by point reads finds: the scans may prove an entry, never
// decide a violation differently.
func TestCheckMatchesReads(t *testing.T) {
	damaged := 0
	for seed := uint64(1); seed <= 100; seed++ {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			db := newTestDB(t)
			fixture(t, db)
			mustUpdate(t, db, func(w *Writer) error {
				_, err := w.PutText("The Parties to this Treaty")
				return err
			})
			kvs := allKeys(t, db)
			mustUpdate(t, db, func(w *Writer) error {
				for range 1 + rng.IntN(3) {
					if err := damage(w, rng, kvs); err != nil {
						return err
					}
				}
				return nil
			})
			vs, err := db.Check(time.Time{}, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := make([]string, len(vs))
			for i, v := range vs {
				got[i] = v.String()
			}
			slices.Sort(got)
			want := checkByReads(t, db)
			if !slices.Equal(got, want) {
				t.Errorf("Check found\n\t%s\nreads find\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
			if len(want) > 0 {
				damaged++
			}
		})
	}
	if damaged < 50 {
		t.Errorf("only %d of 100 damaged stores had a violation; the damage is too mild to test anything", damaged)
	}
}

// allKeys returns a copy of every key and value but the meta keys, in key
// order.
func allKeys(t *testing.T, db *DB) [][2][]byte {
	var kvs [][2][]byte
	view(t, db, time.Time{}, func(r *Reader) error {
		var err error
		kvs, err = keysOf(r)
		return err
	})
	return kvs
}

func keysOf(r *Reader) ([][2][]byte, error) {
	var kvs [][2][]byte
	it := r.txn.NewIterator(badger.DefaultIteratorOptions)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		k := it.Item().KeyCopy(nil)
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return nil, err
		}
		if k[0] != tagMeta {
			kvs = append(kvs, [2][]byte{k, v})
		}
	}
	return kvs, nil
}

// damage applies one random change to one of kvs.
func damage(w *Writer, rng *rand.Rand, kvs [][2][]byte) error {
	kv := kvs[rng.IntN(len(kvs))]
	k, v := kv[0], bytes.Clone(kv[1])
	switch rng.IntN(4) {
	case 0:
		return w.del(k)
	case 1: // the value of another key of the same tag
		var same [][]byte
		for _, o := range kvs {
			if o[0][0] == k[0] {
				same = append(same, o[1])
			}
		}
		return w.set(k, same[rng.IntN(len(same))])
	case 2: // one byte changed
		if len(v) == 0 {
			return w.del(k)
		}
		v[rng.IntN(len(v))] ^= byte(1 + rng.IntN(255))
		return w.set(k, v)
	default: // a copy under a key one byte off
		k = bytes.Clone(k)
		k[1+rng.IntN(len(k)-1)] ^= byte(1 + rng.IntN(255))
		return w.set(k, v)
	}
}

// checkByReads is Check as it was before the scans, every key judged by
// point reads (history by reading its commit record), sorted.
func checkByReads(t *testing.T, db *DB) []string {
	var c *checker
	view(t, db, time.Time{}, func(r *Reader) error {
		c = newChecker(context.Background(), r, 0)
		kvs, err := keysOf(r)
		if err != nil {
			return err
		}
		for _, kv := range kvs {
			k, v := kv[0], kv[1]
			var err error
			switch k[0] {
			case tagCommit:
				err = c.commit(k, v)
			case tagNode:
				err = c.judgeNode(c.reads, k, v)
			case tagOut:
				err = c.judgeOut(c.reads, k, v)
			case tagBlob:
				err = c.blob(k, v)
			case tagHist:
				id, ts, perr := parseHistKey(k)
				if perr != nil {
					c.bad(k, "%v", perr)
					break
				}
				if ch, derr := decodeChange(v); derr != nil || ch.ID != id {
					c.bad(k, "history entry of %s does not name it", id)
				} else if _, _, cerr := r.commitFrom(ts); cerr != nil {
					c.bad(k, "history entry of %s has no commit record at or after it", id)
				}
			default:
				err = c.judge(c.reads, k[0], k, v)
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	out := make([]string, len(c.found))
	for i, v := range c.found {
		out[i] = v.String()
	}
	slices.Sort(out)
	return out
}

// TestCheckStopsWhenCancelled: Ctrl-C on `alliancegraph check` cancels its
// context, and the check returns the context's error instead of running on.
func TestCheckStopsWhenCancelled(t *testing.T) {
	db := newTestDB(t)
	fixture(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := db.CheckContext(ctx, time.Time{}, 0); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if vs, err := db.CheckContext(t.Context(), time.Time{}, 0); err != nil || len(vs) > 0 {
		t.Fatalf("uncancelled: %v %v", vs, err)
	}
}

// TestCheckWithoutWholeTags deletes every key of one tag, or of several
// (all the index entries: a tampered backup's damage), and wants exactly
// what judging by point reads finds, made without a point read.
func TestCheckWithoutWholeTags(t *testing.T) {
	for _, tags := range []string{"N", "O", "F", "S", "X", "I", "K", "W", "T", "E", "D", "FSXIKWTED", "NO", "NF", "OI"} {
		t.Run(tags, func(t *testing.T) {
			db := newTestDB(t)
			fixture(t, db)
			mustUpdate(t, db, func(w *Writer) error {
				_, err := w.PutText("The Parties to this Treaty")
				return err
			})
			mustUpdate(t, db, func(w *Writer) error {
				for _, kv := range allKeys(t, db) {
					if strings.IndexByte(tags, kv[0][0]) >= 0 {
						if err := w.del(kv[0]); err != nil {
							return err
						}
					}
				}
				return nil
			})
			var got []string
			view(t, db, time.Time{}, func(r *Reader) error {
				r.cache = nil
				c := newChecker(t.Context(), r, 0)
				if err := c.run(); err != nil {
					return err
				}
				if c.readCalls != 0 {
					t.Errorf("the check made %d point reads", c.readCalls)
				}
				for _, v := range c.found {
					got = append(got, v.String())
				}
				return nil
			})
			slices.Sort(got)
			want := checkByReads(t, db)
			if len(want) == 0 {
				t.Fatal("the damage left no violation")
			}
			if !slices.Equal(got, want) {
				t.Errorf("Check found\n\t%s\nreads find\n\t%s", strings.Join(got, "\n\t"), strings.Join(want, "\n\t"))
			}
		})
	}
}
