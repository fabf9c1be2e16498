// SPDX-License-Identifier: MIT

package mtasts

// This file and constants.go are the only files that use cgo. Rules kept
// everywhere below:
//   - C objects live in a handle (handle.go) inside a Go object; no C
//     pointer is ever returned to the caller.
//   - Go strings reach C through C.CString, freed right after the call (the
//     library copies its inputs), or, on the matching hot paths, as
//     _GoString_ copied to a NUL-terminated C buffer inside the C helper;
//     byte slices are passed as a pointer into Go memory for the duration
//     of the call only.
//   - Strings from the library are copied with C.GoString at once; strings
//     the library allocates (*_format_alloc) are released with mtasts_free.

/*
#cgo pkg-config: libmtasts
#include <stdlib.h>
#include <string.h>
#include <mtasts.h>

#if !defined(MTASTS_VERSION_HEX) || MTASTS_VERSION_HEX < 0x010000
#error "the libmtasts Go binding needs the libmtasts 1.0.0 headers or later"
#endif

// One diagnostic.
typedef struct {
	int code;
	int severity;
	unsigned int line;
	unsigned int column;
	size_t offset;
	const char *message;
	const char *name;
} gomtasts_entry;

// Read every entry of a list in one cgo call; the strings stay owned by
// the list.
static void
gomtasts_diag_get(const mtasts_diag *d, gomtasts_entry *e, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++, e++) {
		e->code = mtasts_diag_code(d, i);
		e->severity = mtasts_diag_severity(d, i);
		e->line = mtasts_diag_line(d, i);
		e->column = mtasts_diag_column(d, i);
		e->offset = mtasts_diag_offset(d, i);
		e->message = mtasts_diag_message(d, i);
		e->name = mtasts_diag_code_name(e->code);
	}
}

// Parse with a fresh diagnostics list in one cgo call. The result is
// returned by value so that no Go pointer is handed to C; .diag is the
// list when it is not empty (the caller frees it), else NULL.
typedef struct {
	int status;
	void *obj;
	mtasts_diag *diag;
} gomtasts_parsed;

#define GOMTASTS_PARSE(type)                                                 \
	static gomtasts_parsed gomtasts_##type##_parse(                      \
		const char *text, size_t len, unsigned int flags)            \
	{                                                                    \
		gomtasts_parsed r = { 0, NULL, NULL };                       \
		mtasts_##type *out = NULL;                                   \
		mtasts_diag *d = NULL;                                       \
		if (mtasts_diag_new(&d) != MTASTS_OK) {                      \
			r.status = MTASTS_ENOMEM;                            \
			return r;                                            \
		}                                                            \
		r.status = mtasts_##type##_parse(&out, text, len, flags, d); \
		r.obj = out;                                                 \
		if (mtasts_diag_count(d) == 0)                               \
			mtasts_diag_free(d);                                 \
		else                                                         \
			r.diag = d;                                          \
		return r;                                                    \
	}
GOMTASTS_PARSE(policy)
GOMTASTS_PARSE(record)
GOMTASTS_PARSE(tlsrpt)

// Helpers on the hot paths take the object as `const void *`: cgo boxes a
// pointer to an incomplete C type when it checks it (one allocation per
// call), but not an unsafe.Pointer.

// Free the object of a handle.
enum { GOMTASTS_POLICY = 1, GOMTASTS_RECORD, GOMTASTS_TLSRPT, GOMTASTS_LINT };

static void
gomtasts_free(int kind, void *p)
{
	switch (kind) {
	case GOMTASTS_POLICY: mtasts_policy_free(p); break;
	case GOMTASTS_RECORD: mtasts_record_free(p); break;
	case GOMTASTS_TLSRPT: mtasts_tlsrpt_free(p); break;
	case GOMTASTS_LINT: mtasts_lint_free(p); break;
	}
}

// Copy n bytes of a Go string to dst and terminate it (src may be NULL
// when n is 0).
static void
gomtasts_copy(char *dst, const char *src, size_t n)
{
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

// A Go string as a NUL-terminated C string for one call: copied to the C
// stack when short (every host name that can match is), else to the heap.
#define GOMTASTS_SHORT 256

typedef struct {
	int matched;
	size_t index;
} gomtasts_match;

static gomtasts_match
gomtasts_policy_match(const void *p, _GoString_ host)
{
	gomtasts_match r = { 0, MTASTS_NO_INDEX };
	size_t n = _GoStringLen(host);
	char small[GOMTASTS_SHORT], *h = small;

	if (n >= sizeof(small) && !(h = malloc(n + 1)))
		return r;
	gomtasts_copy(h, _GoStringPtr(host), n);
	r.matched = mtasts_policy_match(p, h, &r.index);
	if (h != small)
		free(h);
	return r;
}

static int
gomtasts_mx_match(_GoString_ pattern, _GoString_ host)
{
	size_t pn = _GoStringLen(pattern), hn = _GoStringLen(host);
	char sp[GOMTASTS_SHORT], sh[GOMTASTS_SHORT], *p = sp, *h = sh;
	int r = 0;

	if (pn >= sizeof(sp) && !(p = malloc(pn + 1)))
		return 0;
	if (hn >= sizeof(sh) && !(h = malloc(hn + 1)))
		goto out;
	gomtasts_copy(p, _GoStringPtr(pattern), pn);
	gomtasts_copy(h, _GoStringPtr(host), hn);
	r = mtasts_mx_match(p, h);
out:
	if (p != sp)
		free(p);
	if (h != sh)
		free(h);
	return r;
}
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

const (
	flagLenient = uint(C.MTASTS_PARSE_LENIENT)
	flagLF      = C.uint(C.MTASTS_FORMAT_LF)
	noIndex     = ^C.size_t(0) // MTASTS_NO_INDEX
)

// MinVersion is the oldest run-time library this binding works with
// (0xMMmmuu, as mtasts_version() returns).
const MinVersion = 0x010000

func init() {
	if err := CheckVersion(); err != nil {
		panic(err)
	}
}

// Version returns the run-time library version as a string, e.g. "1.0.0".
func Version() string { return C.GoString(C.mtasts_version_string()) }

// VersionNumber returns the run-time library version as 0xMMmmuu.
func VersionNumber() uint { return uint(C.mtasts_version()) }

// CheckVersion returns an error when the shared library loaded at run time
// is older than MinVersion (the package's init panics with that error).
func CheckVersion() error {
	if v := VersionNumber(); v < MinVersion {
		return fmt.Errorf("mtasts: the loaded libmtasts is %s (0x%06x); this binding needs 0x%06x or later",
			Version(), v, MinVersion)
	}
	return nil
}

// Kinds of handles, one per *_free function.
const (
	kindPolicy kind = C.GOMTASTS_POLICY
	kindRecord kind = C.GOMTASTS_RECORD
	kindTLSRPT kind = C.GOMTASTS_TLSRPT
	kindLint   kind = C.GOMTASTS_LINT
)

// freeC releases the C object of a handle (called once, by handle.free).
func freeC(k kind, p unsafe.Pointer) {
	C.gomtasts_free(C.int(k), p)
}

// ---- names ----------------------------------------------------------------

// goString copies a C string; NULL gives "".
func goString(s *C.char) string {
	if s == nil {
		return ""
	}
	return C.GoString(s)
}

// Error returns the library's description of the status
// (mtasts_strerror), prefixed with "mtasts: ".
func (s Status) Error() string {
	return "mtasts: " + C.GoString(C.mtasts_strerror(C.int(s)))
}

// Name returns the symbolic name of the status, e.g. "MTASTS_EMAXAGE", or
// "Status(n)" for a code the library does not know.
func (s Status) Name() string {
	if n := C.mtasts_status_name(C.int(s)); n != nil {
		return C.GoString(n)
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// String returns "error", "warning" or "note".
func (s Severity) String() string {
	if n := C.mtasts_severity_name(C.int(s)); n != nil {
		return C.GoString(n)
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// String returns the stable kebab-case name of the code, e.g.
// "policy-max-age-range".
func (c Code) String() string {
	if n := C.mtasts_diag_code_name(C.int(c)); n != nil {
		return C.GoString(n)
	}
	return fmt.Sprintf("Code(%d)", int(c))
}

// String returns "none", "testing" or "enforce".
func (m Mode) String() string {
	if n := C.mtasts_mode_name(C.int(m)); n != nil {
		return C.GoString(n)
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// ParseMode returns the mode named exactly (case-sensitively) "none",
// "testing" or "enforce"; any other name gives a *ParseError with status
// ErrMode.
func ParseMode(name string) (Mode, error) {
	cs, err := cString(name)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(cs))
	v := C.mtasts_mode_from_name(cs)
	if v < 0 {
		return 0, newError(Status(v), nil)
	}
	return Mode(v), nil
}

// String returns "mailto", "https" or "other".
func (s RUAScheme) String() string {
	switch s {
	case RUAMailto:
		return "mailto"
	case RUAHTTPS:
		return "https"
	case RUAOther:
		return "other"
	}
	return fmt.Sprintf("RUAScheme(%d)", int(s))
}

// String returns the registered name, e.g. "sts-policy-invalid".
func (t ResultType) String() string {
	if n := C.mtasts_result_type_name(C.int(t)); n != nil {
		return C.GoString(n)
	}
	return fmt.Sprintf("ResultType(%d)", int(t))
}

// ParseResultType returns the result type with a registered name (exact,
// case-sensitive); an unknown name gives a *ParseError with status
// ErrInvalid (the registry is open: a report reader must accept it).
func ParseResultType(name string) (ResultType, error) {
	cs, err := cString(name)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(cs))
	v := C.mtasts_result_type_from_name(cs)
	if v < 0 {
		return 0, newError(Status(v), nil)
	}
	return ResultType(v), nil
}

// String returns "sts", "tlsa" or "no-policy-found".
func (t PolicyType) String() string {
	if n := C.mtasts_policy_type_name(C.int(t)); n != nil {
		return C.GoString(n)
	}
	return fmt.Sprintf("PolicyType(%d)", int(t))
}

// ParsePolicyType returns the policy type named "sts", "tlsa" or
// "no-policy-found"; any other name gives a *ParseError with status
// ErrInvalid.
func ParsePolicyType(name string) (PolicyType, error) {
	cs, err := cString(name)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(cs))
	v := C.mtasts_policy_type_from_name(cs)
	if v < 0 {
		return 0, newError(Status(v), nil)
	}
	return PolicyType(v), nil
}

// ResultTypeForStatus returns the result type an MTA reports when
// obtaining a policy failed with status s (mtasts_status_result_type), or
// 0 when nothing is to be reported.
func ResultTypeForStatus(s Status) ResultType {
	return ResultType(C.mtasts_status_result_type(C.int(s)))
}

// ResultTypeForError is ResultTypeForStatus for the Status inside err (a
// *ParseError or a Status); 0 for nil or any other error.
func ResultTypeForError(err error) ResultType {
	var s Status
	if !errors.As(err, &s) {
		return 0
	}
	return ResultTypeForStatus(s)
}

// ---- plumbing ---------------------------------------------------------------

// cString converts a Go string for C. A string with a NUL byte cannot be
// passed (C would see a shorter string), so it is refused with ErrInvalid.
// The caller frees the result with C.free.
func cString(s string) (*C.char, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, invalid(nulDetail(s))
	}
	return C.CString(s), nil
}

// nulDetail describes a string refused for its NUL byte (its start only).
func nulDetail(s string) string {
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return fmt.Sprintf("%q contains a NUL byte", s)
}

// bytesPtr points into b for the duration of one call (b holds no Go
// pointers, and the library copies its input).
func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return nil
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}

// newDiag creates a diagnostics list; the caller frees it.
func newDiag() (*C.mtasts_diag, error) {
	var d *C.mtasts_diag
	if st := C.mtasts_diag_new(&d); st != C.MTASTS_OK {
		return nil, newError(Status(st), nil)
	}
	return d, nil
}

// collect copies every entry of a diagnostics list (nil when empty).
func collect(d *C.mtasts_diag) []Diagnostic {
	n := int(C.mtasts_diag_count(d))
	if n == 0 {
		return nil
	}
	entries := make([]C.gomtasts_entry, n)
	C.gomtasts_diag_get(d, &entries[0], C.size_t(n))
	out := make([]Diagnostic, n)
	for i, e := range entries {
		out[i] = Diagnostic{
			Code:     Code(e.code),
			Name:     goString(e.name),
			Severity: Severity(e.severity),
			Line:     int(e.line),
			Column:   int(e.column),
			Offset:   int(e.offset),
			Message:  goString(e.message),
		}
	}
	return out
}

// takeDiag collects and frees a list returned by a gomtasts_*_parse helper.
func takeDiag(d *C.mtasts_diag) []Diagnostic {
	if d == nil {
		return nil
	}
	defer C.mtasts_diag_free(d)
	return collect(d)
}

// cArray holds n byte strings copied to C memory, as the pointer and
// length arrays the RRset selection functions take.
type cArray struct {
	buf  unsafe.Pointer
	ptrs unsafe.Pointer
	lens unsafe.Pointer
	n    int
}

func newCArray(items [][]byte) *cArray {
	a := &cArray{n: len(items)}
	if a.n == 0 {
		return a
	}
	total := 0
	for _, it := range items {
		total += len(it)
	}
	a.buf = C.malloc(C.size_t(total + 1))
	a.ptrs = C.malloc(C.size_t(a.n) * C.size_t(unsafe.Sizeof(uintptr(0))))
	a.lens = C.malloc(C.size_t(a.n) * C.size_t(unsafe.Sizeof(C.size_t(0))))
	buf := unsafe.Slice((*byte)(a.buf), total+1)
	ptrs := unsafe.Slice((**C.char)(a.ptrs), a.n)
	lens := unsafe.Slice((*C.size_t)(a.lens), a.n)
	off := 0
	for i, it := range items {
		copy(buf[off:], it)
		ptrs[i] = (*C.char)(unsafe.Pointer(&buf[off]))
		lens[i] = C.size_t(len(it))
		off += len(it)
	}
	return a
}

func (a *cArray) free() {
	C.free(a.buf)
	C.free(a.ptrs)
	C.free(a.lens)
}

func (a *cArray) texts() **C.char { return (**C.char)(a.ptrs) }

func (a *cArray) rdata() **C.uchar { return (**C.uchar)(a.ptrs) }

func (a *cArray) sizes() *C.size_t { return (*C.size_t)(a.lens) }

func selectedIndex(i C.size_t) int {
	if i == noIndex {
		return -1
	}
	return int(i)
}

// formatted copies and frees a string from a *_format_alloc function.
func formatted(st C.int, s *C.char) string {
	if st != C.MTASTS_OK || s == nil {
		return ""
	}
	defer C.mtasts_free(unsafe.Pointer(s))
	return C.GoString(s)
}

// ---- policy -----------------------------------------------------------------

// Policy is a parsed or built MTA-STS policy (RFC 8461 §3.2). It is
// immutable and safe for use by many goroutines at once, Close included.
//
// Release it with Close; a finalizer frees it if it becomes unreachable
// first, but finalizers may run late or never. After Close, accessors
// return zero values ("", nil, 0, false) and Lint/NextID/SetPrevious
// return ErrClosed when given it.
type Policy struct {
	h        handle
	warnings []Diagnostic
}

func newPolicy(c *C.mtasts_policy, warnings []Diagnostic) *Policy {
	p := &Policy{warnings: warnings}
	p.h.init(unsafe.Pointer(c), kindPolicy)
	runtime.SetFinalizer(p, (*Policy).finalize)
	return p
}

func (p *Policy) finalize() { p.h.close() }

// acquire returns the C object (nil for a nil or closed policy); a non-nil
// result must be followed by p.h.release().
func (p *Policy) acquire() *C.mtasts_policy {
	if p == nil {
		return nil
	}
	return (*C.mtasts_policy)(p.h.acquire())
}

// Close frees the C object. It is idempotent and safe to call from several
// goroutines, also while other methods run (the object is freed when they
// finish). It always returns nil.
func (p *Policy) Close() error {
	if p != nil && p.h.close() {
		runtime.SetFinalizer(p, nil)
	}
	return nil
}

// ParsePolicy parses a policy file (mtasts_policy_parse). On failure the
// error is a *ParseError with every diagnostic; on success the warnings
// are available from Warnings.
func ParsePolicy(text []byte, opts ...Option) (*Policy, error) {
	r := C.gomtasts_policy_parse(bytesPtr(text), C.size_t(len(text)), C.uint(parseFlags(opts)))
	runtime.KeepAlive(text)
	diags := takeDiag(r.diag)
	if r.status != C.MTASTS_OK {
		return nil, newError(Status(r.status), diags)
	}
	return newPolicy((*C.mtasts_policy)(r.obj), diags), nil
}

// BuildPolicy builds a policy with the policy builder: every value is
// checked as the parser checks it. maxAge must be a whole number of
// seconds, at most MaxAgeMaxSeconds. ext may be nil. On failure the error
// is a *ParseError with the diagnostics of every refused value.
func BuildPolicy(mode Mode, maxAge time.Duration, mx []string, ext []Extension) (*Policy, error) {
	if maxAge < 0 || maxAge%time.Second != 0 {
		return nil, invalid(fmt.Sprintf("max_age %v is not a whole, non-negative number of seconds", maxAge))
	}
	secs := maxAge / time.Second
	if secs > math.MaxUint32 {
		secs = math.MaxUint32 // out of range: the library refuses it
	}
	var b *C.mtasts_policy_builder
	if st := C.mtasts_policy_builder_new(&b, nil); st != C.MTASTS_OK {
		return nil, newError(Status(st), nil)
	}
	defer C.mtasts_policy_builder_free(b)
	d, err := newDiag()
	if err != nil {
		return nil, err
	}
	defer C.mtasts_diag_free(d)

	first := StatusOK
	note := func(st C.int) {
		if st != C.MTASTS_OK && first == StatusOK {
			first = Status(st)
		}
	}
	note(C.mtasts_policy_builder_set_mode(b, C.int(mode)))
	note(C.mtasts_policy_builder_set_max_age(b, C.uint32_t(secs)))
	for _, m := range mx {
		cs, err := cString(m)
		if err != nil {
			return nil, err
		}
		note(C.mtasts_policy_builder_add_mx(b, cs, d))
		C.free(unsafe.Pointer(cs))
	}
	for _, e := range ext {
		st, err := withCStrings2(e.Name, e.Value, func(n, v *C.char) C.int {
			return C.mtasts_policy_builder_add_extension(b, n, v, d)
		})
		if err != nil {
			return nil, err
		}
		note(st)
	}
	if first != StatusOK {
		return nil, newError(first, collect(d))
	}
	var out *C.mtasts_policy
	if st := C.mtasts_policy_builder_build(b, &out, d); st != C.MTASTS_OK {
		return nil, newError(Status(st), collect(d))
	}
	return newPolicy(out, collect(d)), nil
}

// withCStrings2 calls f with two Go strings converted for C.
func withCStrings2(a, b string, f func(a, b *C.char) C.int) (C.int, error) {
	ca, err := cString(a)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(ca))
	cb, err := cString(b)
	if err != nil {
		return 0, err
	}
	defer C.free(unsafe.Pointer(cb))
	return f(ca, cb), nil
}

// Warnings returns the warnings the parse or build reported (nil if none).
func (p *Policy) Warnings() []Diagnostic {
	if p == nil {
		return nil
	}
	return append([]Diagnostic(nil), p.warnings...)
}

// Mode returns the policy mode (0 when closed).
func (p *Policy) Mode() Mode {
	c := p.acquire()
	if c == nil {
		return 0
	}
	defer p.h.release()
	return Mode(C.mtasts_policy_mode(c))
}

// MaxAge returns max_age (0 when closed).
func (p *Policy) MaxAge() time.Duration {
	c := p.acquire()
	if c == nil {
		return 0
	}
	defer p.h.release()
	return time.Duration(C.mtasts_policy_max_age(c)) * time.Second
}

// MX returns the mx patterns in file order, in lower case (nil when
// closed or for a mode none policy without mx).
func (p *Policy) MX() []string {
	c := p.acquire()
	if c == nil {
		return nil
	}
	defer p.h.release()
	n := int(C.mtasts_policy_mx_count(c))
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = goString(C.mtasts_policy_mx(c, C.size_t(i)))
	}
	return out
}

// Extensions returns the extension fields in order (nil if none or
// closed).
func (p *Policy) Extensions() []Extension {
	c := p.acquire()
	if c == nil {
		return nil
	}
	defer p.h.release()
	n := int(C.mtasts_policy_extension_count(c))
	if n == 0 {
		return nil
	}
	out := make([]Extension, n)
	for i := range out {
		out[i] = Extension{
			Name:  goString(C.mtasts_policy_extension_name(c, C.size_t(i))),
			Value: goString(C.mtasts_policy_extension_value(c, C.size_t(i))),
		}
	}
	return out
}

// Matches reports whether host (an MX host name from DNS; a trailing dot
// is fine) matches one of the policy's mx patterns (mtasts_policy_match).
// The mode is not considered. False when closed, and for a host with a NUL
// byte (which is no host name).
func (p *Policy) Matches(host string) bool {
	_, ok := p.match(host, false)
	return ok
}

// Match is Matches that also returns the first matching pattern.
func (p *Policy) Match(host string) (pattern string, ok bool) {
	return p.match(host, true)
}

func (p *Policy) match(host string, want bool) (string, bool) {
	if strings.IndexByte(host, 0) >= 0 {
		return "", false
	}
	c := p.acquire()
	if c == nil {
		return "", false
	}
	defer p.h.release()
	r := C.gomtasts_policy_match(unsafe.Pointer(c), host)
	if r.matched == 0 {
		return "", false
	}
	if !want {
		return "", true
	}
	return goString(C.mtasts_policy_mx(c, r.index)), true
}

// Format returns the canonical text of the policy, with CRLF line ends or
// LF when lf is true ("" when closed).
func (p *Policy) Format(lf bool) string {
	c := p.acquire()
	if c == nil {
		return ""
	}
	defer p.h.release()
	var flags C.uint
	if lf {
		flags = flagLF
	}
	var s *C.char
	return formatted(C.mtasts_policy_format_alloc(c, flags, &s), s)
}

// String returns Format(false): the canonical text with CRLF line ends.
func (p *Policy) String() string { return p.Format(false) }

// Equal reports whether both policies have the same mode, max_age, mx
// patterns in the same order and extensions in the same order (false if
// either is nil or closed).
func (p *Policy) Equal(o *Policy) bool {
	return p.compare(o, false)
}

// Equivalent reports whether both policies mean the same to a sender:
// order and repetition of mx patterns do not matter (false if either is
// nil or closed). A policy that is not equivalent to the previous one
// needs a new record id.
func (p *Policy) Equivalent(o *Policy) bool {
	return p.compare(o, true)
}

func (p *Policy) compare(o *Policy, equiv bool) bool {
	a := p.acquire()
	if a == nil {
		return false
	}
	defer p.h.release()
	b := o.acquire()
	if b == nil {
		return false
	}
	defer o.h.release()
	if equiv {
		return C.mtasts_policy_equivalent(a, b) != 0
	}
	return C.mtasts_policy_equal(a, b) != 0
}

// ---- STSv1 record -----------------------------------------------------------

// Record is a parsed or built `_mta-sts` TXT record (RFC 8461 §3.1):
// immutable, safe for concurrent use; Close and closed-object behaviour as
// for Policy.
type Record struct {
	h        handle
	warnings []Diagnostic
}

func newRecord(c *C.mtasts_record, warnings []Diagnostic) *Record {
	r := &Record{warnings: warnings}
	r.h.init(unsafe.Pointer(c), kindRecord)
	runtime.SetFinalizer(r, (*Record).finalize)
	return r
}

func (r *Record) finalize() { r.h.close() }

func (r *Record) acquire() *C.mtasts_record {
	if r == nil {
		return nil
	}
	return (*C.mtasts_record)(r.h.acquire())
}

// Close frees the C object; see Policy.Close.
func (r *Record) Close() error {
	if r != nil && r.h.close() {
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

// ParseRecord parses the text of one STSv1 TXT record: its
// character-strings joined with nothing in between (mtasts_record_parse).
func ParseRecord(text []byte, opts ...Option) (*Record, error) {
	r := C.gomtasts_record_parse(bytesPtr(text), C.size_t(len(text)), C.uint(parseFlags(opts)))
	runtime.KeepAlive(text)
	diags := takeDiag(r.diag)
	if r.status != C.MTASTS_OK {
		return nil, newError(Status(r.status), diags)
	}
	return newRecord((*C.mtasts_record)(r.obj), diags), nil
}

// SelectRecord chooses and parses the STSv1 record of a TXT RRset; each
// element of rrs is one RR's text, character-strings joined
// (mtasts_record_select). selected is the 0-based index of the only STSv1
// RR whenever there is exactly one (even when it then fails to parse),
// else -1. Errors: ErrNoRecord, ErrMultiple, or the parse status of the
// selected RR; diagnostics give the RR's 1-based index as their line.
func SelectRecord(rrs [][]byte, opts ...Option) (rec *Record, selected int, err error) {
	return selectRecord(rrs, false, opts)
}

// SelectRecordRDATA is SelectRecord for raw TXT RDATA in DNS wire format
// (length-prefixed character-strings), as a DNS library returns it
// (mtasts_record_select_rdata).
func SelectRecordRDATA(rdata [][]byte, opts ...Option) (rec *Record, selected int, err error) {
	return selectRecord(rdata, true, opts)
}

func selectRecord(rrs [][]byte, wire bool, opts []Option) (*Record, int, error) {
	d, err := newDiag()
	if err != nil {
		return nil, -1, err
	}
	defer C.mtasts_diag_free(d)
	a := newCArray(rrs)
	defer a.free()
	var out *C.mtasts_record
	var sel C.size_t
	var st C.int
	flags := C.uint(parseFlags(opts))
	if wire {
		st = C.mtasts_record_select_rdata(&out, &sel, a.rdata(), a.sizes(), C.size_t(a.n), flags, d)
	} else {
		st = C.mtasts_record_select(&out, &sel, a.texts(), a.sizes(), C.size_t(a.n), flags, d)
	}
	diags := collect(d)
	if st != C.MTASTS_OK {
		return nil, selectedIndex(sel), newError(Status(st), diags)
	}
	return newRecord(out, diags), selectedIndex(sel), nil
}

// BuildRecord builds a record from an id (1–32 letters or digits) and
// extension fields (ext may be nil), each checked as the parser checks it.
func BuildRecord(id string, ext []Extension) (*Record, error) {
	var b *C.mtasts_record_builder
	if st := C.mtasts_record_builder_new(&b, nil); st != C.MTASTS_OK {
		return nil, newError(Status(st), nil)
	}
	defer C.mtasts_record_builder_free(b)
	d, err := newDiag()
	if err != nil {
		return nil, err
	}
	defer C.mtasts_diag_free(d)
	first := StatusOK
	cid, err := cString(id)
	if err != nil {
		return nil, err
	}
	st := C.mtasts_record_builder_set_id(b, cid, d)
	C.free(unsafe.Pointer(cid))
	if st != C.MTASTS_OK {
		first = Status(st)
	}
	for _, e := range ext {
		st, err := withCStrings2(e.Name, e.Value, func(n, v *C.char) C.int {
			return C.mtasts_record_builder_add_extension(b, n, v, d)
		})
		if err != nil {
			return nil, err
		}
		if st != C.MTASTS_OK && first == StatusOK {
			first = Status(st)
		}
	}
	if first != StatusOK {
		return nil, newError(first, collect(d))
	}
	var out *C.mtasts_record
	if st := C.mtasts_record_builder_build(b, &out, d); st != C.MTASTS_OK {
		return nil, newError(Status(st), collect(d))
	}
	return newRecord(out, collect(d)), nil
}

// Warnings returns the warnings the parse, selection or build reported.
func (r *Record) Warnings() []Diagnostic {
	if r == nil {
		return nil
	}
	return append([]Diagnostic(nil), r.warnings...)
}

// ID returns the policy id ("" when closed). Compare ids for equality
// only.
func (r *Record) ID() string {
	c := r.acquire()
	if c == nil {
		return ""
	}
	defer r.h.release()
	return goString(C.mtasts_record_id(c))
}

// Extensions returns the extension fields in order (nil if none or
// closed).
func (r *Record) Extensions() []Extension {
	c := r.acquire()
	if c == nil {
		return nil
	}
	defer r.h.release()
	n := int(C.mtasts_record_extension_count(c))
	if n == 0 {
		return nil
	}
	out := make([]Extension, n)
	for i := range out {
		out[i] = Extension{
			Name:  goString(C.mtasts_record_extension_name(c, C.size_t(i))),
			Value: goString(C.mtasts_record_extension_value(c, C.size_t(i))),
		}
	}
	return out
}

// Format returns the canonical text, `v=STSv1; id=…;` ("" when closed).
func (r *Record) Format() string {
	c := r.acquire()
	if c == nil {
		return ""
	}
	defer r.h.release()
	var s *C.char
	return formatted(C.mtasts_record_format_alloc(c, 0, &s), s)
}

// String returns Format().
func (r *Record) String() string { return r.Format() }

// Equal reports whether both records have the same id and extensions in
// the same order (false if either is nil or closed).
func (r *Record) Equal(o *Record) bool {
	a := r.acquire()
	if a == nil {
		return false
	}
	defer r.h.release()
	b := o.acquire()
	if b == nil {
		return false
	}
	defer o.h.release()
	return C.mtasts_record_equal(a, b) != 0
}

// ---- TLSRPTv1 record --------------------------------------------------------

// TLSRPT is a parsed or built `_smtp._tls` TXT record (RFC 8460 §3):
// immutable, safe for concurrent use; Close and closed-object behaviour as
// for Policy.
type TLSRPT struct {
	h        handle
	warnings []Diagnostic
}

func newTLSRPT(c *C.mtasts_tlsrpt, warnings []Diagnostic) *TLSRPT {
	t := &TLSRPT{warnings: warnings}
	t.h.init(unsafe.Pointer(c), kindTLSRPT)
	runtime.SetFinalizer(t, (*TLSRPT).finalize)
	return t
}

func (t *TLSRPT) finalize() { t.h.close() }

func (t *TLSRPT) acquire() *C.mtasts_tlsrpt {
	if t == nil {
		return nil
	}
	return (*C.mtasts_tlsrpt)(t.h.acquire())
}

// Close frees the C object; see Policy.Close.
func (t *TLSRPT) Close() error {
	if t != nil && t.h.close() {
		runtime.SetFinalizer(t, nil)
	}
	return nil
}

// ParseTLSRPT parses the text of one TLSRPTv1 TXT record
// (mtasts_tlsrpt_parse).
func ParseTLSRPT(text []byte, opts ...Option) (*TLSRPT, error) {
	r := C.gomtasts_tlsrpt_parse(bytesPtr(text), C.size_t(len(text)), C.uint(parseFlags(opts)))
	runtime.KeepAlive(text)
	diags := takeDiag(r.diag)
	if r.status != C.MTASTS_OK {
		return nil, newError(Status(r.status), diags)
	}
	return newTLSRPT((*C.mtasts_tlsrpt)(r.obj), diags), nil
}

// SelectTLSRPT chooses and parses the TLSRPTv1 record of a TXT RRset, as
// SelectRecord does for STSv1 (mtasts_tlsrpt_select).
func SelectTLSRPT(rrs [][]byte, opts ...Option) (rec *TLSRPT, selected int, err error) {
	return selectTLSRPT(rrs, false, opts)
}

// SelectTLSRPTRDATA is SelectTLSRPT for raw TXT RDATA in DNS wire format
// (mtasts_tlsrpt_select_rdata).
func SelectTLSRPTRDATA(rdata [][]byte, opts ...Option) (rec *TLSRPT, selected int, err error) {
	return selectTLSRPT(rdata, true, opts)
}

func selectTLSRPT(rrs [][]byte, wire bool, opts []Option) (*TLSRPT, int, error) {
	d, err := newDiag()
	if err != nil {
		return nil, -1, err
	}
	defer C.mtasts_diag_free(d)
	a := newCArray(rrs)
	defer a.free()
	var out *C.mtasts_tlsrpt
	var sel C.size_t
	var st C.int
	flags := C.uint(parseFlags(opts))
	if wire {
		st = C.mtasts_tlsrpt_select_rdata(&out, &sel, a.rdata(), a.sizes(), C.size_t(a.n), flags, d)
	} else {
		st = C.mtasts_tlsrpt_select(&out, &sel, a.texts(), a.sizes(), C.size_t(a.n), flags, d)
	}
	diags := collect(d)
	if st != C.MTASTS_OK {
		return nil, selectedIndex(sel), newError(Status(st), diags)
	}
	return newTLSRPT(out, diags), selectedIndex(sel), nil
}

// BuildTLSRPT builds a TLSRPTv1 record from rua URIs (at least one; `,`
// `!` `;` percent-encoded) and extension fields (ext may be nil). A URI
// with a scheme other than mailto/https is accepted with a warning.
func BuildTLSRPT(rua []string, ext []Extension) (*TLSRPT, error) {
	var b *C.mtasts_tlsrpt_builder
	if st := C.mtasts_tlsrpt_builder_new(&b, nil); st != C.MTASTS_OK {
		return nil, newError(Status(st), nil)
	}
	defer C.mtasts_tlsrpt_builder_free(b)
	d, err := newDiag()
	if err != nil {
		return nil, err
	}
	defer C.mtasts_diag_free(d)
	first := StatusOK
	for _, u := range rua {
		cs, err := cString(u)
		if err != nil {
			return nil, err
		}
		st := C.mtasts_tlsrpt_builder_add_rua(b, cs, d)
		C.free(unsafe.Pointer(cs))
		if st != C.MTASTS_OK && first == StatusOK {
			first = Status(st)
		}
	}
	for _, e := range ext {
		st, err := withCStrings2(e.Name, e.Value, func(n, v *C.char) C.int {
			return C.mtasts_tlsrpt_builder_add_extension(b, n, v, d)
		})
		if err != nil {
			return nil, err
		}
		if st != C.MTASTS_OK && first == StatusOK {
			first = Status(st)
		}
	}
	if first != StatusOK {
		return nil, newError(first, collect(d))
	}
	var out *C.mtasts_tlsrpt
	if st := C.mtasts_tlsrpt_builder_build(b, &out, d); st != C.MTASTS_OK {
		return nil, newError(Status(st), collect(d))
	}
	return newTLSRPT(out, collect(d)), nil
}

// Warnings returns the warnings the parse, selection or build reported.
func (t *TLSRPT) Warnings() []Diagnostic {
	if t == nil {
		return nil
	}
	return append([]Diagnostic(nil), t.warnings...)
}

// RUA returns the rua URIs of every rua field in order, exactly as
// written (nil when closed).
func (t *TLSRPT) RUA() []string {
	c := t.acquire()
	if c == nil {
		return nil
	}
	defer t.h.release()
	n := int(C.mtasts_tlsrpt_rua_count(c))
	out := make([]string, n)
	for i := range out {
		out[i] = goString(C.mtasts_tlsrpt_rua(c, C.size_t(i)))
	}
	return out
}

// RUASchemes returns the scheme of each rua URI, in the order of RUA
// (nil when closed).
func (t *TLSRPT) RUASchemes() []RUAScheme {
	c := t.acquire()
	if c == nil {
		return nil
	}
	defer t.h.release()
	n := int(C.mtasts_tlsrpt_rua_count(c))
	out := make([]RUAScheme, n)
	for i := range out {
		out[i] = RUAScheme(C.mtasts_tlsrpt_rua_scheme(c, C.size_t(i)))
	}
	return out
}

// Extensions returns the extension fields in order (nil if none or
// closed).
func (t *TLSRPT) Extensions() []Extension {
	c := t.acquire()
	if c == nil {
		return nil
	}
	defer t.h.release()
	n := int(C.mtasts_tlsrpt_extension_count(c))
	if n == 0 {
		return nil
	}
	out := make([]Extension, n)
	for i := range out {
		out[i] = Extension{
			Name:  goString(C.mtasts_tlsrpt_extension_name(c, C.size_t(i))),
			Value: goString(C.mtasts_tlsrpt_extension_value(c, C.size_t(i))),
		}
	}
	return out
}

// Format returns the canonical text, `v=TLSRPTv1; rua=…` ("" when closed).
func (t *TLSRPT) Format() string {
	c := t.acquire()
	if c == nil {
		return ""
	}
	defer t.h.release()
	var s *C.char
	return formatted(C.mtasts_tlsrpt_format_alloc(c, 0, &s), s)
}

// String returns Format().
func (t *TLSRPT) String() string { return t.Format() }

// Equal reports whether both records have the same rua URIs and
// extensions in the same order (false if either is nil or closed).
func (t *TLSRPT) Equal(o *TLSRPT) bool {
	a := t.acquire()
	if a == nil {
		return false
	}
	defer t.h.release()
	b := o.acquire()
	if b == nil {
		return false
	}
	defer o.h.release()
	return C.mtasts_tlsrpt_equal(a, b) != 0
}

// ---- lint -------------------------------------------------------------------

// Linter holds what is known about a domain besides its policy (its name,
// records, MX hosts, previous policy) and checks policies against it
// (mtasts_lint_*). Each piece is optional; a check that needs a missing
// piece is skipped. Lint and LintText may run in many goroutines at once;
// a setter waits for them to finish (the Linter locks itself). Close as for
// Policy; every method of a closed Linter returns ErrClosed.
type Linter struct {
	mu sync.RWMutex // setters: write; Lint, LintText: read
	h  handle
}

// NewLinter creates an empty lint context.
func NewLinter() (*Linter, error) {
	var c *C.mtasts_lint
	if st := C.mtasts_lint_new(&c); st != C.MTASTS_OK {
		return nil, newError(Status(st), nil)
	}
	l := &Linter{}
	l.h.init(unsafe.Pointer(c), kindLint)
	runtime.SetFinalizer(l, (*Linter).finalize)
	return l, nil
}

func (l *Linter) finalize() { l.h.close() }

func (l *Linter) acquire() *C.mtasts_lint {
	if l == nil {
		return nil
	}
	return (*C.mtasts_lint)(l.h.acquire())
}

// Close frees the C object; see Policy.Close.
func (l *Linter) Close() error {
	if l != nil && l.h.close() {
		runtime.SetFinalizer(l, nil)
	}
	return nil
}

// set runs a setter under the write lock.
func (l *Linter) set(f func(c *C.mtasts_lint) (C.int, error)) error {
	if l == nil {
		return ErrClosed
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	c := l.acquire()
	if c == nil {
		return ErrClosed
	}
	defer l.h.release()
	st, err := f(c)
	if err != nil {
		return err
	}
	if st != C.MTASTS_OK {
		return newError(Status(st), nil)
	}
	return nil
}

// SetDomain sets the Policy Domain (a host name; enables the `*.<domain>`
// check and, with an empty MX list, the implicit MX).
func (l *Linter) SetDomain(domain string) error {
	return l.set(func(c *C.mtasts_lint) (C.int, error) {
		cs, err := cString(domain)
		if err != nil {
			return 0, err
		}
		defer C.free(unsafe.Pointer(cs))
		return C.mtasts_lint_set_domain(c, cs), nil
	})
}

// SetRecord sets the domain's `_mta-sts` record as found (copied); nil
// says that the domain publishes no usable STSv1 record. A closed record
// gives ErrClosed.
func (l *Linter) SetRecord(r *Record) error {
	return l.set(func(c *C.mtasts_lint) (C.int, error) {
		if r == nil {
			return C.mtasts_lint_set_record(c, nil), nil
		}
		rc := r.acquire()
		if rc == nil {
			return 0, ErrClosed
		}
		defer r.h.release()
		return C.mtasts_lint_set_record(c, rc), nil
	})
}

// SetTLSRPT sets the domain's `_smtp._tls` record as found (copied); nil
// says that the domain publishes no usable TLSRPTv1 record.
func (l *Linter) SetTLSRPT(t *TLSRPT) error {
	return l.set(func(c *C.mtasts_lint) (C.int, error) {
		if t == nil {
			return C.mtasts_lint_set_tlsrpt(c, nil), nil
		}
		tc := t.acquire()
		if tc == nil {
			return 0, ErrClosed
		}
		defer t.h.release()
		return C.mtasts_lint_set_tlsrpt(c, tc), nil
	})
}

// SetMXHosts sets the domain's MX host names as found in DNS, replacing
// any earlier list. An empty list says the domain has no MX records (mail
// goes to the domain itself, checked when SetDomain was called).
func (l *Linter) SetMXHosts(hosts []string) error {
	return l.set(func(c *C.mtasts_lint) (C.int, error) {
		for _, h := range hosts {
			if strings.IndexByte(h, 0) >= 0 {
				return 0, invalid(nulDetail(h))
			}
		}
		if len(hosts) == 0 {
			return C.mtasts_lint_set_mx_hosts(c, nil, 0), nil
		}
		arr := C.malloc(C.size_t(len(hosts)) * C.size_t(unsafe.Sizeof(uintptr(0))))
		defer C.free(arr)
		ptrs := unsafe.Slice((**C.char)(arr), len(hosts))
		for i, h := range hosts {
			ptrs[i] = C.CString(h)
		}
		defer func() {
			for _, p := range ptrs {
				C.free(unsafe.Pointer(p))
			}
		}()
		return C.mtasts_lint_set_mx_hosts(c, (**C.char)(arr), C.size_t(len(hosts))), nil
	})
}

// SetPrevious sets the policy and record published before (copied), to
// check that a changed policy comes with a new id. Both are required.
func (l *Linter) SetPrevious(p *Policy, r *Record) error {
	return l.set(func(c *C.mtasts_lint) (C.int, error) {
		if p == nil || r == nil {
			return 0, invalid("SetPrevious needs a policy and a record")
		}
		pc := p.acquire()
		if pc == nil {
			return 0, ErrClosed
		}
		defer p.h.release()
		rc := r.acquire()
		if rc == nil {
			return 0, ErrClosed
		}
		defer r.h.release()
		return C.mtasts_lint_set_previous(c, pc, rc), nil
	})
}

// Lint checks a policy against what the Linter knows
// (mtasts_lint_policy). It returns every finding (errors, warnings and
// notes, line and column 0); err is a *ParseError with status ErrLint and
// the same findings when at least one is an error.
func (l *Linter) Lint(p *Policy) (findings []Diagnostic, err error) {
	if l == nil {
		return nil, ErrClosed
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	c := l.acquire()
	if c == nil {
		return nil, ErrClosed
	}
	defer l.h.release()
	pc := p.acquire()
	if pc == nil {
		if p == nil {
			return nil, invalid("Lint needs a policy")
		}
		return nil, ErrClosed
	}
	defer p.h.release()
	d, err := newDiag()
	if err != nil {
		return nil, err
	}
	defer C.mtasts_diag_free(d)
	st := C.mtasts_lint_policy(c, pc, d)
	findings = collect(d)
	if st != C.MTASTS_OK {
		return findings, newError(Status(st), findings)
	}
	return findings, nil
}

// LintText parses a policy text and lints it (mtasts_lint_policy_text):
// parse diagnostics, then lint findings, in one list. err carries the
// parse status when the text does not parse, else ErrLint when a finding
// is an error.
func (l *Linter) LintText(text []byte, opts ...Option) (diags []Diagnostic, err error) {
	if l == nil {
		return nil, ErrClosed
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	c := l.acquire()
	if c == nil {
		return nil, ErrClosed
	}
	defer l.h.release()
	d, err := newDiag()
	if err != nil {
		return nil, err
	}
	defer C.mtasts_diag_free(d)
	st := C.mtasts_lint_policy_text(c, bytesPtr(text), C.size_t(len(text)),
		C.uint(parseFlags(opts)), d)
	runtime.KeepAlive(text)
	diags = collect(d)
	if st != C.MTASTS_OK {
		return diags, newError(Status(st), diags)
	}
	return diags, nil
}

// ---- ids and mx patterns ----------------------------------------------------

// IDFromTime makes a record id from a time: YYYYMMDDHHMMSS in UTC
// (mtasts_id_from_time). Times before 1970 or after 9999 give ErrInvalid.
func IDFromTime(t time.Time) (string, error) {
	var buf [IDMaxLen + 1]C.char
	n := C.mtasts_id_from_time(&buf[0], C.size_t(len(buf)), C.int64_t(t.Unix()))
	if n < 0 {
		return "", newError(Status(n), nil)
	}
	return C.GoString(&buf[0]), nil
}

// CheckID checks a record id: 1–32 ASCII letters or digits. It returns nil
// or a *ParseError with status ErrID.
func CheckID(id string) error {
	cs, err := cString(id)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	if st := C.mtasts_id_check(cs); st != C.MTASTS_OK {
		return newError(Status(st), nil)
	}
	return nil
}

// NextID decides which id newPolicy is published under (mtasts_id_next):
// oldID is kept when newPolicy is equivalent to oldPolicy and oldID is
// valid; otherwise a new id is made from now, always different from oldID.
// oldID may be "" and oldPolicy nil (nothing published yet). isNew reports
// whether a new id was made.
func NextID(oldID string, oldPolicy, newPolicy *Policy, now time.Time) (id string, isNew bool, err error) {
	var cold *C.char
	if oldID != "" {
		if cold, err = cString(oldID); err != nil {
			return "", false, err
		}
		defer C.free(unsafe.Pointer(cold))
	}
	var op *C.mtasts_policy
	if oldPolicy != nil {
		if op = oldPolicy.acquire(); op == nil {
			return "", false, ErrClosed
		}
		defer oldPolicy.h.release()
	}
	np := newPolicy.acquire()
	if np == nil {
		if newPolicy == nil {
			return "", false, invalid("NextID needs the new policy")
		}
		return "", false, ErrClosed
	}
	defer newPolicy.h.release()
	var buf [IDMaxLen + 1]C.char
	r := C.mtasts_id_next(&buf[0], C.size_t(len(buf)), cold, op, np, C.int64_t(now.Unix()))
	if r < 0 {
		return "", false, newError(Status(r), nil)
	}
	return C.GoString(&buf[0]), r == 1, nil
}

// MXMatch reports whether host matches one mx pattern (mtasts_mx_match);
// an invalid pattern never matches, nor does a string with a NUL byte.
func MXMatch(pattern, host string) bool {
	if strings.IndexByte(pattern, 0) >= 0 || strings.IndexByte(host, 0) >= 0 {
		return false
	}
	return C.gomtasts_mx_match(pattern, host) != 0
}

// CheckMXPattern checks an mx pattern (`["*."] Domain`,
// mtasts_mx_pattern_check). It returns nil for a valid pattern, else a
// *ParseError with status ErrMX and every problem (line 1, column within
// the pattern).
func CheckMXPattern(pattern string) error {
	cs, err := cString(pattern)
	if err != nil {
		return err
	}
	defer C.free(unsafe.Pointer(cs))
	d, err := newDiag()
	if err != nil {
		return err
	}
	defer C.mtasts_diag_free(d)
	if st := C.mtasts_mx_pattern_check(cs, d); st != C.MTASTS_OK {
		return newError(Status(st), collect(d))
	}
	return nil
}
