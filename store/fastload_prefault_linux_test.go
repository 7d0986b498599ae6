package store

import (
	"syscall"
	"testing"
	"unsafe"
)

// TestPrefaultedPagesAreResident: every page of a buffer the prefaulter
// hands out is in memory already (mincore), which is its whole point; a
// fresh allocation of the same size is not, here, so the check can fail.
func TestPrefaultedPagesAreResident(t *testing.T) {
	const n = 64 << 20
	resident := func(b []byte) (in, all int) {
		vec := make([]byte, (len(b)+pageSize-1)/pageSize)
		_, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)), uintptr(unsafe.Pointer(&vec[0])))
		if errno != 0 {
			t.Fatal(errno)
		}
		for _, v := range vec {
			in += int(v & 1)
		}
		return in, len(vec)
	}
	p := newPrefaulter[byte](n)
	defer p.stop()
	b := <-p.next // wait for it: get would allocate instead
	if uintptr(unsafe.Pointer(&b[0]))%pageSize != 0 {
		t.Fatalf("a %d-byte buffer is not page-aligned", n)
	}
	if in, all := resident(b); in != all {
		t.Errorf("%d of %d pages of a prefaulted buffer are resident", in, all)
	}
	fresh := make([]byte, n)
	if in, all := resident(fresh); in == all {
		t.Logf("a fresh %d-byte allocation is resident too: this run could not tell", n)
	}
}
