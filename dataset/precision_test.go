package dataset_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/dataset"
	"github.com/alliancegraph/alliancegraph/domain"
	"github.com/alliancegraph/alliancegraph/store"
)

// TestLoadKeepsPrecision: a month-precision bound in the file is stored as
// written, first of the month, with its precision, and an appointment day
// stays a property beside the term.
func TestLoadKeepsPrecision(t *testing.T) {
	db := loadedDB(t)
	err := db.View(time.Time{}, func(r *store.Reader) error {
		hq, err := r.Fact("fact/nato-headquartered-in-brussels")
		if err != nil {
			return err
		}
		if hq.Valid.From != domain.MustDate("1967-10-01") || hq.FromPrecision() != domain.PrecisionMonth || hq.ToPrecision() != domain.PrecisionDay {
			t.Errorf("headquarters fact: %s from %v, to %v", hq.Valid, hq.FromPrecision(), hq.ToPrecision())
		}
		sg, err := r.Fact("fact/javier-solana-holds-nato-secretary-general-1995")
		if err != nil {
			return err
		}
		if sg.FromPrecision() != domain.PrecisionDay {
			t.Errorf("Solana's start reads as %v precision", sg.FromPrecision())
		}
		var appointed string
		for _, p := range sg.Props {
			if p.Key == "appointed" && p.Type == domain.PropDate {
				appointed = p.Value
			}
		}
		if appointed != "1995-12-05" || sg.Valid.From != domain.MustDate("1995-12-19") {
			t.Errorf("Solana: took office %s, appointed %q", sg.Valid.From, appointed)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestLoadRefusesMisplacedPrecision: a file whose month-precision bound is
// not a first of the month does not load, and loads nothing.
func TestLoadRefusesMisplacedPrecision(t *testing.T) {
	const src = `version: 1
documents:
  - {id: doc/a, name: A, url: "https://example.org/a"}
entities:
  - {id: org/nato, name: NATO}
  - {id: place/brussels, name: Brussels}
facts:
  - id: fact/hq
    predicate: HEADQUARTERED_IN
    from: org/nato
    to: place/brussels
    validFrom: 1967-10-16
    props: {validFromPrecision: month}
    cite: [{source: doc/a}]
`
	f, err := dataset.Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open("", store.DefaultOptions().WithInMemory(true))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := dataset.Seed(db, f)
	if !errors.Is(err, domain.ErrInvalid) || !strings.Contains(err.Error(), "not the first day of its month") {
		t.Fatalf("Seed = %+v, %v; want ErrInvalid about the first of the month", res, err)
	}
	err = db.View(time.Time{}, func(r *store.Reader) error {
		if _, err := r.Entity("org/nato"); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("after a refused load, org/nato: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
