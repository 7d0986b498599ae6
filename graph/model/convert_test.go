package model

import (
	"testing"
	"time"

	"github.com/alliancegraph/alliancegraph/domain"
)

// TestCountryFloatsStayFinite: a FLOAT property a store written before
// non-finite values were refused may hold (NaN, Inf) reads as absent,
// since GraphQL's Float cannot carry it (the field answered INTERNAL).
func TestCountryFloatsStayFinite(t *testing.T) {
	e := &domain.Entity{ID: "country/ISL", Kind: domain.KindCountry, Name: "Iceland", Props: []domain.Prop{
		{Key: "area", Type: domain.PropFloat, Value: "103000"},
		{Key: "gdp", Type: domain.PropFloat, Value: "+Inf"},
		{Key: "population", Type: domain.PropFloat, Value: "NaN"},
	}}
	c, ok := EntityOf(e, time.Time{}).(*Country)
	if !ok {
		t.Fatalf("EntityOf(%s) is not a Country", e.ID)
	}
	if c.Population != nil || c.Gdp != nil {
		t.Errorf("population %v, gdp %v: want absent", c.Population, c.Gdp)
	}
	if c.Area == nil || *c.Area != 103000 {
		t.Errorf("area %v, want 103000", c.Area)
	}
}
