package store

// CountKind returns how many entities of kind k exist, by a key-only scan
// of the by-kind index.
func (r *Reader) CountKind(k Kind) (int, error) {
	r.count()
	n := 0
	err := r.scanPrefix(kindPrefix(k), func([]byte) (bool, error) {
		n++
		return true, nil
	})
	return n, err
}
