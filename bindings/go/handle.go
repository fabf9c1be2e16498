// SPDX-License-Identifier: MIT

package mtasts

import (
	"errors"
	"sync/atomic"
	"unsafe"
)

// ErrClosed is returned by methods that return an error when they are
// called on an object after its Close method (or when such an object is
// passed as an argument). Methods without an error result return their zero
// value instead.
var ErrClosed = errors.New("mtasts: use of a closed object")

// kind says which *_free function releases a handle's C object (values in
// mtasts.go).
type kind uint8

// handle owns one C object. Calls in progress are counted so that Close,
// from any goroutine, never frees the object under a running call: the
// object is freed by Close when no call is in progress, otherwise by the
// last call to finish. acquire never blocks, so no lock order exists
// between handles.
//
// state: bit 62 closed, bit 61 freed, low bits the calls in progress.
type handle struct {
	state atomic.Int64
	ptr   unsafe.Pointer // C memory; never exposed, never reset
	kind  kind
}

const (
	stateClosed = int64(1) << 62
	stateFreed  = int64(1) << 61
	stateUsers  = stateFreed - 1
)

// liveObjects counts the C objects owned by handles and not yet freed (for
// the tests of Close, finalizers and memory).
var liveObjects atomic.Int64

// init takes ownership of a C object.
func (h *handle) init(p unsafe.Pointer, k kind) {
	h.ptr, h.kind = p, k
	liveObjects.Add(1)
}

// acquire returns the C pointer and counts a call in progress, or returns
// nil when the handle is closed. Every non-nil result must be followed by
// exactly one release.
func (h *handle) acquire() unsafe.Pointer {
	for {
		s := h.state.Load()
		if s&stateClosed != 0 {
			return nil
		}
		if h.state.CompareAndSwap(s, s+1) {
			return h.ptr
		}
	}
}

// release ends a call; the last call after Close frees the object.
func (h *handle) release() {
	if h.state.Add(-1) == stateClosed {
		h.free()
	}
}

// close marks the handle closed and frees the object when no call is in
// progress. It reports whether this call closed it (false if it already
// was).
func (h *handle) close() bool {
	for {
		s := h.state.Load()
		if s&stateClosed != 0 {
			return false
		}
		if h.state.CompareAndSwap(s, s|stateClosed) {
			if s&stateUsers == 0 {
				h.free()
			}
			return true
		}
	}
}

// free releases the C object exactly once.
func (h *handle) free() {
	if h.state.CompareAndSwap(stateClosed, stateClosed|stateFreed) {
		freeC(h.kind, h.ptr)
		liveObjects.Add(-1)
	}
}

// closed reports whether Close was called.
func (h *handle) closed() bool {
	return h.state.Load()&stateClosed != 0
}
