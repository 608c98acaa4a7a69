package greenlet

import (
	"testing"
	"unsafe"
)

// Every greenlet of a large spawn costs its record, rounded up to the
// allocator's size class: a C greenlet's record (the Greenlet and the hub's
// CGreenlet) fits 208 bytes and a Go greenlet's (the Greenlet and its G) 352,
// and a field more would cost the next class up (224 and 384 bytes). On
// 64-bit platforms only: the classes are the same, the records smaller,
// elsewhere.
func TestGreenletRecordsFitTheirSizeClass(t *testing.T) {
	if unsafe.Sizeof(uintptr(0)) != 8 {
		t.Skip("64-bit layout")
	}
	if n := unsafe.Sizeof(cGreenlet{}); n > 208 {
		t.Errorf("a C greenlet's record is %d bytes, over the 208-byte size class", n)
	}
	if n := unsafe.Sizeof(goGreenlet{}); n > 352 {
		t.Errorf("a Go greenlet's record is %d bytes, over the 352-byte size class", n)
	}
}
