package store

import (
	"fmt"
	"os"
	"path/filepath"
)

// badgerFiles are the names Badger gives the files it keeps in a data
// directory, besides its tables (*.sst), value logs (*.vlog) and
// memtable logs (*.mem). A process stopped while Badger opened a new
// directory leaves some of them without a MANIFEST.
var badgerFiles = map[string]bool{
	"MANIFEST": true, "MANIFEST-REWRITE": true, "KEYREGISTRY": true,
	"REWRITE-KEYREGISTRY": true, "LOCK": true, "DISCARD": true,
}

// checkNotForeign returns ErrForeignDir when dir holds no store (no
// MANIFEST) but holds files that are not Badger's: Open would otherwise
// write a new store among somebody's files. A directory that does not
// exist, is empty, or holds only what Badger writes before its MANIFEST
// (or the lost+found of a freshly made filesystem) may take a new store.
func checkNotForeign(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		if os.IsNotExist(err) {
			return nil
		}
		return fmt.Errorf("store: open %s: %w", dir, err)
	}
	for _, e := range entries {
		if e.Name() == "MANIFEST" {
			return nil
		}
	}
	for _, e := range entries {
		name := e.Name()
		switch ext := filepath.Ext(name); {
		case badgerFiles[name], e.Type().IsRegular() && (ext == ".sst" || ext == ".vlog" || ext == ".mem"):
		case name == "lost+found" && e.IsDir():
		default:
			return fmt.Errorf("%w: %s is not empty and holds no alliancegraph store; use an empty or new directory", ErrForeignDir, dir)
		}
	}
	return nil
}
