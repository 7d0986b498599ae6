// Package tmpfs gives tests a small filesystem of their own, to fill up
// or make read-only: a tmpfs mounted on a temporary directory. Mounting
// needs root; a test that cannot mount is skipped, unless CI=true, where
// every test must run (CI runs as root).
package tmpfs
