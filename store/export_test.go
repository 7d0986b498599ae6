package store

// SetPathStep sets how many edges a path search reads from one side
// before it compares the sides' work again, and returns a function that
// restores the old value. A step of 1 pauses after every edge, so tests
// on small graphs reach the states that hubs cause on large ones.
func SetPathStep(n int) (restore func()) {
	old := pathStep
	pathStep = n
	return func() { pathStep = old }
}

// SetRestoreFault makes RestoreFile fail with err once Badger has written
// the restored store, and returns a function that undoes it.
func SetRestoreFault(err error) (restore func()) {
	restoreFault = func() error { return err }
	return func() { restoreFault = nil }
}
