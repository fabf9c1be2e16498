// SPDX-License-Identifier: MIT

package mtasts

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const policyText = "version: STSv1\r\n" +
	"mode: enforce\r\n" +
	"mx: mail.example.com\r\n" +
	"mx: *.Example.NET\r\n" +
	"max_age: 0604800\r\n" +
	"x-note: hello world\r\n"

func mustPolicy(t testing.TB, text string, opts ...Option) *Policy {
	t.Helper()
	p, err := ParsePolicy([]byte(text), opts...)
	if err != nil {
		t.Fatalf("ParsePolicy(%q): %v", text, err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func mustRecord(t testing.TB, text string, opts ...Option) *Record {
	t.Helper()
	r, err := ParseRecord([]byte(text), opts...)
	if err != nil {
		t.Fatalf("ParseRecord(%q): %v", text, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func mustTLSRPT(t testing.TB, text string, opts ...Option) *TLSRPT {
	t.Helper()
	r, err := ParseTLSRPT([]byte(text), opts...)
	if err != nil {
		t.Fatalf("ParseTLSRPT(%q): %v", text, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// parseError asserts that err is a *ParseError with the status.
func parseError(t testing.TB, err error, want Status) *ParseError {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", want.Name())
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %T %v is not a *ParseError", err, err)
	}
	if pe.Status != want || !errors.Is(err, want) {
		t.Fatalf("status %s (%v), want %s", pe.Status.Name(), err, want.Name())
	}
	if pe.StatusName != want.Name() {
		t.Fatalf("StatusName %q, want %q", pe.StatusName, want.Name())
	}
	return pe
}

// diag is the part of a Diagnostic a test compares.
type diag struct {
	code      Code
	sev       Severity
	line, col int
}

func (d diag) String() string {
	return fmt.Sprintf("%s/%s@%d:%d", d.code, d.sev, d.line, d.col)
}

func brief(ds []Diagnostic) []diag {
	out := make([]diag, 0, len(ds))
	for _, d := range ds {
		out = append(out, diag{d.Code, d.Severity, d.Line, d.Column})
	}
	return out
}

func sameDiags(t testing.TB, got []Diagnostic, want ...diag) {
	t.Helper()
	g := brief(got)
	if fmt.Sprint(g) != fmt.Sprint(want) {
		t.Fatalf("diagnostics\n got %v\nwant %v", g, want)
	}
	for _, d := range got {
		if d.Name != d.Code.String() || d.Name == "" || d.Message == "" {
			t.Fatalf("diagnostic %+v: bad name or message", d)
		}
	}
}

// ---- version and library ---------------------------------------------------

func TestVersion(t *testing.T) {
	if err := CheckVersion(); err != nil {
		t.Fatal(err)
	}
	v := VersionNumber()
	if v < MinVersion {
		t.Fatalf("VersionNumber %#x", v)
	}
	want := fmt.Sprintf("%d.%d.%d", v>>16, (v>>8)&0xff, v&0xff)
	if Version() != want {
		t.Fatalf("Version %q, VersionNumber %#x", Version(), v)
	}
	if exp := os.Getenv("MTASTS_EXPECT_VERSION"); exp != "" && exp != Version() {
		t.Fatalf("loaded libmtasts %s, the build tree is %s", Version(), exp)
	}
}

// TestLoadedLibrary checks, when meson says where the fresh build is, that
// the shared object mapped into this process is that one.
func TestLoadedLibrary(t *testing.T) {
	dir := os.Getenv("MTASTS_EXPECT_LIBDIR")
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Logf("no /proc/self/maps: %v", err)
		return
	}
	var found string
	for _, line := range strings.Split(string(maps), "\n") {
		if i := strings.Index(line, "/"); i >= 0 && strings.Contains(line, "libmtasts.so") {
			found = line[i:]
			break
		}
	}
	if found == "" {
		t.Fatal("libmtasts.so is not mapped")
	}
	t.Logf("loaded %s", found)
	if dir == "" {
		return
	}
	want, err := filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := filepath.EvalSymlinks(filepath.Dir(found))
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("loaded %s, want the library in %s", found, want)
	}
}

// ---- policies ---------------------------------------------------------------

func TestPolicyAccessors(t *testing.T) {
	p := mustPolicy(t, policyText)
	if p.Mode() != ModeEnforce || p.Mode().String() != "enforce" {
		t.Errorf("Mode %v", p.Mode())
	}
	if p.MaxAge() != 7*24*time.Hour {
		t.Errorf("MaxAge %v", p.MaxAge())
	}
	if got := p.MX(); fmt.Sprint(got) != "[mail.example.com *.example.net]" {
		t.Errorf("MX %q", got)
	}
	if got := p.Extensions(); len(got) != 1 || got[0] != (Extension{"x-note", "hello world"}) {
		t.Errorf("Extensions %q", got)
	}
	if w := p.Warnings(); w != nil {
		t.Errorf("Warnings %v", w)
	}
	want := "version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\n" +
		"max_age: 604800\r\nx-note: hello world\r\n"
	if got := p.Format(false); got != want {
		t.Errorf("Format(false) %q", got)
	}
	if got := p.String(); got != want {
		t.Errorf("String %q", got)
	}
	if got := p.Format(true); got != strings.ReplaceAll(want, "\r\n", "\n") {
		t.Errorf("Format(true) %q", got)
	}
	none := mustPolicy(t, "version: STSv1\nmode: none\nmax_age: 86400\n")
	if none.Mode() != ModeNone || none.MX() != nil || none.Extensions() != nil {
		t.Errorf("mode none policy: %v %q %q", none.Mode(), none.MX(), none.Extensions())
	}
}

func TestPolicyRoundTrip(t *testing.T) {
	inputs := []string{
		policyText,
		"version: STSv1\nmode: testing\nmx: MX1.Example.COM\nmax_age: 86400",
		"mx: a.example\nmax_age: 1\nmode: enforce\nversion: STSv1\nmx: a.example\nmx: *.b.example\n",
		"version: STSv1\nmode: none\nmax_age: 0\n",
		"version: STSv1\nmode: testing\nmx: mx.example\nmax_age: 31557600\nz: \xc3\xa9t\xc3\xa9 \nb_1: x\n",
	}
	for _, in := range inputs {
		p := mustPolicy(t, in)
		for _, lf := range []bool{false, true} {
			text := p.Format(lf)
			q, err := ParsePolicy([]byte(text))
			if err != nil {
				t.Fatalf("%q: reparse of %q: %v", in, text, err)
			}
			if !p.Equal(q) || !q.Equal(p) || !p.Equivalent(q) {
				t.Errorf("%q: round trip through %q is not equal", in, text)
			}
			if q.Format(lf) != text {
				t.Errorf("%q: format is not a fixed point: %q", in, q.Format(lf))
			}
			if q.Warnings() != nil {
				t.Errorf("%q: canonical text has warnings %v", in, q.Warnings())
			}
			b, err := BuildPolicy(p.Mode(), p.MaxAge(), p.MX(), p.Extensions())
			if err != nil {
				t.Fatalf("%q: BuildPolicy: %v", in, err)
			}
			if !b.Equal(p) {
				t.Errorf("%q: built %q", in, b.Format(true))
			}
			b.Close()
			q.Close()
		}
	}
}

func TestPolicyEqualEquivalent(t *testing.T) {
	a := mustPolicy(t, "version: STSv1\nmode: enforce\nmx: a.example\nmx: b.example\nmax_age: 86400\n")
	b := mustPolicy(t, "version: STSv1\nmode: enforce\nmx: b.example\nmx: A.example\nmx: a.example\nmax_age: 86400\n")
	c := mustPolicy(t, "version: STSv1\nmode: testing\nmx: a.example\nmx: b.example\nmax_age: 86400\n")
	if a.Equal(b) || !a.Equivalent(b) || !b.Equivalent(a) {
		t.Error("reordered mx: want equivalent, not equal")
	}
	if a.Equal(c) || a.Equivalent(c) {
		t.Error("another mode: want neither equal nor equivalent")
	}
	if !a.Equal(a) || !a.Equivalent(a) {
		t.Error("a policy must equal itself")
	}
	if a.Equal(nil) || a.Equivalent(nil) || (*Policy)(nil).Equal(a) {
		t.Error("nil must compare unequal")
	}
}

func TestPolicyDiagnostics(t *testing.T) {
	in := "version: STSv1\nmode: enforce\nmx: mail.example.com\nmax_age: 99999999\n"
	p, err := ParsePolicy([]byte(in))
	if p != nil {
		t.Fatal("a failed parse returned a policy")
	}
	pe := parseError(t, err, ErrMaxAge)
	sameDiags(t, pe.Diagnostics, diag{CodePolicyMaxAgeRange, SeverityError, 4, 10})
	d := pe.Diagnostics[0]
	if d.Offset != 59 || d.Name != "policy-max-age-range" || !strings.Contains(d.Message, "99999999") {
		t.Errorf("diagnostic %+v", d)
	}
	if !strings.HasPrefix(err.Error(), "mtasts: ") || !strings.Contains(err.Error(), "4:10: ") ||
		!strings.Contains(err.Error(), "[policy-max-age-range]") {
		t.Errorf("Error() %q", err.Error())
	}
	if d.String() != "4:10: error: "+d.Message+" [policy-max-age-range]" {
		t.Errorf("Diagnostic.String %q", d.String())
	}

	// Several errors: the status is the first one's; every one is listed.
	_, err = ParsePolicy([]byte("version: STSv1\nmode: Enforce\nmx: mail.example.com.\nmax_age: 86400\n"))
	pe = parseError(t, err, ErrMode)
	sameDiags(t, pe.Diagnostics,
		diag{CodePolicyModeInvalid, SeverityError, 2, 7},
		diag{CodeMXTrailingDot, SeverityError, 3, 21})
	if len(pe.Errors()) != 2 || !strings.HasSuffix(err.Error(), "(and 1 more error)") {
		t.Errorf("Errors %v, Error() %q", pe.Errors(), err)
	}

	// A whole-input problem has no position.
	_, err = ParsePolicy(nil)
	pe = parseError(t, err, ErrSyntax)
	sameDiags(t, pe.Diagnostics, diag{CodeEmpty, SeverityError, 0, 0})
	if pe.Diagnostics[0].String() != "error: empty policy [empty]" {
		t.Errorf("String %q", pe.Diagnostics[0].String())
	}

	// Any byte is input: a NUL inside the body is the library's to judge.
	_, err = ParsePolicy([]byte("version: STSv1\nmode: none\nmax_age: 1\nfoo: a\x00b\n"))
	pe = parseError(t, err, ErrSyntax)
	sameDiags(t, pe.Diagnostics, diag{CodeNULByte, SeverityError, 4, 7})

	// Warnings of a successful parse.
	p = mustPolicy(t, "version: STSv1\nmode: none\nmax_age: 86400\nmode: enforce\n")
	sameDiags(t, p.Warnings(), diag{CodePolicyDuplicate, SeverityWarning, 4, 1})
	if p.Mode() != ModeNone {
		t.Errorf("the first mode must win, got %v", p.Mode())
	}
}

func TestLenient(t *testing.T) {
	in := "\xef\xbb\xbfversion: STSv1\n\nMode: none\nmax_age: 86400\n"
	_, err := ParsePolicy([]byte(in))
	pe := parseError(t, err, ErrSyntax)
	if pe.Diagnostics[0].Code != CodeBOM || pe.Diagnostics[0].Severity != SeverityError {
		t.Errorf("strict: %v", brief(pe.Diagnostics))
	}
	p := mustPolicy(t, in, Lenient())
	sameDiags(t, p.Warnings(),
		diag{CodeBOM, SeverityWarning, 1, 1},
		diag{CodePolicyEmptyLine, SeverityWarning, 2, 1},
		diag{CodePolicyNameCase, SeverityWarning, 3, 1})
	if p.Mode() != ModeNone || p.MaxAge() != 24*time.Hour {
		t.Errorf("lenient policy %q", p.Format(true))
	}
	// Warnings returns a copy.
	w := p.Warnings()
	w[0].Code = 0
	if p.Warnings()[0].Code != CodeBOM {
		t.Error("Warnings exposes the policy's own slice")
	}

	r := mustRecord(t, " \"v=STSv1; ID=abc\"", Lenient())
	if r.ID() != "abc" {
		t.Errorf("lenient record id %q", r.ID())
	}
	sameDiags(t, r.Warnings(),
		diag{CodeOuterWhitespace, SeverityWarning, 1, 1},
		diag{CodeQuoted, SeverityWarning, 1, 2},
		diag{CodeTXTNameCase, SeverityWarning, 1, 12})
}

// ---- matching ---------------------------------------------------------------

func TestMatches(t *testing.T) {
	p := mustPolicy(t, "version: STSv1\nmode: enforce\nmx: mail.example.com\nmx: *.Example.net\nmax_age: 86400\n")
	cases := []struct {
		host, pattern string
	}{
		{"mail.example.com", "mail.example.com"},
		{"MAIL.Example.COM.", "mail.example.com"},
		{"mx1.example.net", "*.example.net"},
		{"mx1.example.net.", "*.example.net"},
		{"example.net", ""},
		{"a.b.example.net", ""},
		{"other.example.com", ""},
		{"", ""},
		{"mail.example.com..", ""},
		{"mail.example.com\x00.evil", ""}, // not a C string: never a match
		{strings.Repeat("a.", 200) + "example.net", ""},
	}
	for _, c := range cases {
		pat, ok := p.Match(c.host)
		if ok != (c.pattern != "") || pat != c.pattern || p.Matches(c.host) != ok {
			t.Errorf("Match(%q) = %q, %v; want %q", c.host, pat, ok, c.pattern)
		}
	}
	// A long host (beyond the binding's stack buffer) still reaches C.
	long := strings.Repeat("a", 63) + "." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." +
		strings.Repeat("d", 57) + ".example.net"
	if p.Matches(long) || len(long) < 256 {
		t.Errorf("a %d-byte host matched", len(long))
	}
	q := mustPolicy(t, "version: STSv1\nmode: enforce\nmx: *."+strings.Repeat("b", 63)+"."+
		strings.Repeat("c", 63)+"."+strings.Repeat("d", 63)+".example\nmax_age: 86400\n")
	host := "mx." + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 63) + ".example."
	if !q.Matches(host) {
		t.Errorf("a %d-byte host did not match", len(host))
	}
}

func TestMXMatchAndPattern(t *testing.T) {
	cases := []struct {
		pattern, host string
		want          bool
	}{
		{"mail.example.com", "mail.example.com", true},
		{"mail.example.com", "Mail.Example.Com.", true},
		{"*.example.com", "mx.example.com", true},
		{"*.example.com", "example.com", false},
		{"*.example.com", "a.mx.example.com", false},
		{"mail..example.com", "mail..example.com", false},
		{"mail.example.com", "mail.example.com\x00", false},
		{"mail.example.com\x00", "mail.example.com", false},
		{strings.Repeat("x", 300), strings.Repeat("x", 300), false},
	}
	for _, c := range cases {
		if got := MXMatch(c.pattern, c.host); got != c.want {
			t.Errorf("MXMatch(%q, %q) = %v", c.pattern, c.host, got)
		}
	}
	for _, ok := range []string{"mx.example.com", "*.example.com", "localhost", "xn--bcher-kva.example"} {
		if err := CheckMXPattern(ok); err != nil {
			t.Errorf("CheckMXPattern(%q): %v", ok, err)
		}
	}
	bad := []struct {
		pattern string
		want    diag
	}{
		{"", diag{CodeMXEmpty, SeverityError, 1, 0}},
		{"a..b", diag{CodeMXEmptyLabel, SeverityError, 1, 3}},
		{"mx.example.com.", diag{CodeMXTrailingDot, SeverityError, 1, 15}},
		{"a*.b.com", diag{CodeMXWildcard, SeverityError, 1, 2}},
		{"mx.example.com:25", diag{CodeMXPort, SeverityError, 1, 15}},
		{"a b", diag{CodeMXList, SeverityError, 1, 2}},
		{"-a.com", diag{CodeMXHyphen, SeverityError, 1, 1}},
	}
	for _, c := range bad {
		pe := parseError(t, CheckMXPattern(c.pattern), ErrMX)
		if len(pe.Diagnostics) == 0 || (brief(pe.Diagnostics)[0] != c.want && c.pattern != "") ||
			pe.Diagnostics[0].Code != c.want.code {
			t.Errorf("CheckMXPattern(%q): %v, want %v", c.pattern, brief(pe.Diagnostics), c.want)
		}
	}
	parseError(t, CheckMXPattern("a\x00b"), ErrInvalid)
}

// ---- records ----------------------------------------------------------------

func TestRecord(t *testing.T) {
	r := mustRecord(t, "v=STSv1; id=20160831085700Z; ext=1;x.y=a:b")
	if r.ID() != "20160831085700Z" {
		t.Errorf("ID %q", r.ID())
	}
	if got := r.Extensions(); fmt.Sprint(got) != "[{ext 1} {x.y a:b}]" {
		t.Errorf("Extensions %v", got)
	}
	want := "v=STSv1; id=20160831085700Z; ext=1; x.y=a:b;"
	if r.Format() != want || r.String() != want {
		t.Errorf("Format %q", r.Format())
	}
	q := mustRecord(t, r.Format())
	if !q.Equal(r) || q.Warnings() != nil {
		t.Errorf("round trip: %q %v", q.Format(), q.Warnings())
	}
	b, err := BuildRecord(r.ID(), r.Extensions())
	if err != nil || !b.Equal(r) {
		t.Fatalf("BuildRecord: %v", err)
	}
	b.Close()
	if mustRecord(t, "v=STSv1; id=abc").Equal(r) || r.Equal(nil) {
		t.Error("different records compare equal")
	}

	w := mustRecord(t, "v=STSv1 ;id=1; id=2")
	sameDiags(t, w.Warnings(),
		diag{CodeTXTSpaceBeforeSemicolon, SeverityWarning, 1, 8},
		diag{CodeTXTDuplicate, SeverityWarning, 1, 16})

	bad := []struct {
		text string
		st   Status
		want []diag
	}{
		{"v=STSv1; id=a-b", ErrID, []diag{{CodeRecordIDInvalid, SeverityError, 1, 14}}},
		{"v=STSv1; ext=1", ErrID, []diag{{CodeRecordIDMissing, SeverityError, 1, 0}}},
		{"V=STSv1; id=1", ErrVersion, []diag{{CodeTXTVersion, SeverityError, 1, 1}}},
		{"v=STSv1; id=1;;", ErrSyntax, []diag{{CodeTXTEmptyField, SeverityError, 1, 15}}},
		// Whole-record problems: the position is not pinned (the corpus
		// allows any), only the code.
		{"", ErrSyntax, []diag{{CodeEmpty, SeverityError, -1, -1}}},
		{strings.Repeat("x", 5000), ErrTooLarge, []diag{{CodeTooLarge, SeverityError, -1, -1}}},
	}
	for _, c := range bad {
		_, err := ParseRecord([]byte(c.text))
		pe := parseError(t, err, c.st)
		got := pe.Diagnostics
		if len(got) == 1 && c.want[0].line < 0 {
			got = []Diagnostic{got[0]}
			got[0].Line, got[0].Column = -1, -1
		}
		sameDiags(t, got, c.want...)
	}
}

func TestSelectRecord(t *testing.T) {
	rrs := func(ss ...string) [][]byte {
		out := make([][]byte, len(ss))
		for i, s := range ss {
			out[i] = []byte(s)
		}
		return out
	}
	r, sel, err := SelectRecord(rrs("v=spf1 -all", "v=STSv1; id=abc;"))
	if err != nil || sel != 1 || r.ID() != "abc" {
		t.Fatalf("select: %v %d %v", r, sel, err)
	}
	r.Close()

	r, sel, err = SelectRecord(rrs("v=STSv1; id=1;", "x", "v=STSv1; id=2;"))
	pe := parseError(t, err, ErrMultiple)
	if r != nil || sel != -1 {
		t.Errorf("EMULTIPLE: %v %d", r, sel)
	}
	sameDiags(t, pe.Diagnostics,
		diag{CodeRRsetMultiple, SeverityError, 1, 1},
		diag{CodeRRsetMultiple, SeverityError, 3, 1})

	for _, set := range [][][]byte{nil, {}, rrs("foo", "v=STSv10; id=1;")} {
		_, sel, err = SelectRecord(set)
		pe = parseError(t, err, ErrNoRecord)
		if sel != -1 || pe.Diagnostics[0].Code != CodeRRsetNone {
			t.Errorf("ENORECORD: %d %v", sel, brief(pe.Diagnostics))
		}
	}

	// The only candidate fails to parse: its index is still reported.
	_, sel, err = SelectRecord(rrs("x", "v=STSv1; id=a-;"))
	pe = parseError(t, err, ErrID)
	if sel != 1 {
		t.Errorf("selected %d", sel)
	}
	sameDiags(t, pe.Diagnostics, diag{CodeRecordIDInvalid, SeverityError, 2, 14})

	// A mistyped record is discarded with a warning; a lenient selection
	// reads `V=` as `v=` and then finds two records.
	r, sel, err = SelectRecord(rrs("V=STSv1; id=1", "v=STSv1; id=2"))
	if err != nil || sel != 1 || r.ID() != "2" {
		t.Fatalf("discarded: %v %d %v", r, sel, err)
	}
	sameDiags(t, r.Warnings(), diag{CodeRRsetDiscarded, SeverityWarning, 1, 1})
	r.Close()
	_, _, err = SelectRecord(rrs("V=STSv1; id=1", "v=STSv1; id=2"), Lenient())
	parseError(t, err, ErrMultiple)

	// Too many RRs.
	many := make([][]byte, RRsetMax+1)
	for i := range many {
		many[i] = []byte("x")
	}
	_, _, err = SelectRecord(many)
	parseError(t, err, ErrTooLarge)
}

// wire encodes a TXT RR's text as RDATA with character-strings of at most
// n bytes.
func wire(text string, n int) []byte {
	var b []byte
	for {
		k := len(text)
		if k > n {
			k = n
		}
		b = append(b, byte(k))
		b = append(b, text[:k]...)
		text = text[k:]
		if text == "" {
			return b
		}
	}
}

func TestSelectRecordRDATA(t *testing.T) {
	r, sel, err := SelectRecordRDATA([][]byte{wire("v=spf1 -all", 255), wire("v=STSv1; id=20240101;", 3)})
	if err != nil || sel != 1 || r.ID() != "20240101" {
		t.Fatalf("rdata: %v %d %v", r, sel, err)
	}
	r.Close()
	// Lengths that overrun the RDATA: the RR is discarded.
	_, _, err = SelectRecordRDATA([][]byte{{20, 'v', '='}})
	pe := parseError(t, err, ErrNoRecord)
	if pe.Diagnostics[0].Code != CodeBadRDATA {
		t.Errorf("bad rdata: %v", brief(pe.Diagnostics))
	}
}

// ---- TLSRPT -----------------------------------------------------------------

func TestTLSRPT(t *testing.T) {
	r := mustTLSRPT(t, "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x; rua=ftp://x.example/; ext=1")
	if got := r.RUA(); fmt.Sprint(got) != "[mailto:a@example.com https://r.example.com/x ftp://x.example/]" {
		t.Errorf("RUA %q", got)
	}
	if got := r.RUASchemes(); fmt.Sprint(got) != "[mailto https other]" {
		t.Errorf("RUASchemes %v", got)
	}
	if got := r.Extensions(); len(got) != 1 || got[0] != (Extension{"ext", "1"}) {
		t.Errorf("Extensions %v", got)
	}
	sameDiags(t, r.Warnings(), diag{CodeTLSRPTURIScheme, SeverityWarning, 1, 67})
	want := "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x,ftp://x.example/; ext=1"
	if r.Format() != want || r.String() != want {
		t.Errorf("Format %q", r.Format())
	}
	q := mustTLSRPT(t, r.Format())
	if !q.Equal(r) {
		t.Error("round trip is not equal")
	}
	b, err := BuildTLSRPT(r.RUA(), r.Extensions())
	if err != nil || !b.Equal(r) {
		t.Fatalf("BuildTLSRPT: %v", err)
	}
	sameDiags(t, b.Warnings(), diag{CodeTLSRPTURIScheme, SeverityWarning, 1, 1})
	b.Close()

	_, err = ParseTLSRPT([]byte("v=TLSRPTv1; rua=mailto:a!b@example.com"))
	pe := parseError(t, err, ErrRUA)
	sameDiags(t, pe.Diagnostics, diag{CodeTLSRPTURIReserved, SeverityError, 1, 25})
	_, err = ParseTLSRPT([]byte("v=TLSRPTv1;"))
	pe = parseError(t, err, ErrSyntax)
	sameDiags(t, pe.Diagnostics,
		diag{CodeTXTNoFields, SeverityError, 1, 12},
		diag{CodeTLSRPTRUAMissing, SeverityError, 1, 0})

	s, sel, err := SelectTLSRPT([][]byte{[]byte("v=STSv1; id=1;"), []byte("v=TLSRPTv1; rua=https://r.example/")})
	if err != nil || sel != 1 || s.RUASchemes()[0] != RUAHTTPS {
		t.Fatalf("SelectTLSRPT: %v %d %v", s, sel, err)
	}
	s.Close()
	_, sel, err = SelectTLSRPT([][]byte{[]byte("v=TLSRPTv1; rua=mailto:a@x.example"), []byte("v=TLSRPTv1;rua=mailto:b@x.example")})
	if parseError(t, err, ErrMultiple); sel != -1 {
		t.Errorf("selected %d", sel)
	}
	s, sel, err = SelectTLSRPTRDATA([][]byte{wire("v=TLSRPTv1; rua=mailto:tls@example.com", 1)})
	if err != nil || sel != 0 || s.RUA()[0] != "mailto:tls@example.com" {
		t.Fatalf("SelectTLSRPTRDATA: %v %d %v", s, sel, err)
	}
	s.Close()
}

// ---- builders ---------------------------------------------------------------

func TestBuildPolicy(t *testing.T) {
	p, err := BuildPolicy(ModeTesting, 14*24*time.Hour, []string{"MX1.example.com", "*.example.net"},
		[]Extension{{"x-a", "b c"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 1209600\nx-a: b c\n"
	if p.Format(true) != want {
		t.Errorf("built %q", p.Format(true))
	}
	p.Close()

	// Every refused value is reported; the status is the first one's.
	_, err = BuildPolicy(ModeEnforce, 24*time.Hour, []string{"a..b", "*.x.com", "mx:1"},
		[]Extension{{"mode", "x"}, {"foo", "b\tar"}})
	pe := parseError(t, err, ErrMX)
	sameDiags(t, pe.Diagnostics,
		diag{CodeMXEmptyLabel, SeverityError, 1, 3},
		diag{CodeMXPort, SeverityError, 1, 3},
		diag{CodePolicyFieldName, SeverityError, 1, 1},
		diag{CodePolicyExtensionValue, SeverityError, 1, 2})

	_, err = BuildPolicy(ModeTesting, 24*time.Hour, nil, nil)
	pe = parseError(t, err, ErrMX)
	sameDiags(t, pe.Diagnostics, diag{CodePolicyMXMissing, SeverityError, 0, 0})
	_, err = BuildPolicy(Mode(7), time.Hour, []string{"a.example"}, nil)
	parseError(t, err, ErrMode)
	_, err = BuildPolicy(ModeNone, (MaxAgeMaxSeconds+1)*time.Second, nil, nil)
	parseError(t, err, ErrMaxAge)
	_, err = BuildPolicy(ModeNone, (math.MaxUint32+1)*time.Second, nil, nil) // beyond uint32 seconds
	parseError(t, err, ErrMaxAge)
	_, err = BuildPolicy(ModeNone, 1500*time.Millisecond, nil, nil)
	parseError(t, err, ErrInvalid)
	_, err = BuildPolicy(ModeNone, -time.Second, nil, nil)
	parseError(t, err, ErrInvalid)
	_, err = BuildPolicy(ModeEnforce, time.Hour, []string{"a.example\x00b"}, nil)
	pe = parseError(t, err, ErrInvalid)
	if !strings.Contains(pe.Error(), "NUL") {
		t.Errorf("Error() %q", pe.Error())
	}
	p, err = BuildPolicy(ModeNone, MaxAgeMaxSeconds*time.Second, nil, nil)
	if err != nil || p.MaxAge() != MaxAgeMaxSeconds*time.Second {
		t.Fatalf("max max_age: %v", err)
	}
	p.Close()
}

func TestBuildRecordAndTLSRPT(t *testing.T) {
	r, err := BuildRecord("20240101", []Extension{{"a", "1"}})
	if err != nil || r.Format() != "v=STSv1; id=20240101; a=1;" {
		t.Fatalf("BuildRecord: %v %v", r, err)
	}
	r.Close()
	_, err = BuildRecord("a-b", []Extension{{"id", "x"}})
	pe := parseError(t, err, ErrID)
	sameDiags(t, pe.Diagnostics,
		diag{CodeRecordIDInvalid, SeverityError, 1, 2},
		diag{CodeTXTFieldName, SeverityError, 1, 1})
	_, err = BuildRecord("", nil)
	parseError(t, err, ErrID)
	_, err = BuildRecord("abc", []Extension{{"a", "x y"}})
	parseError(t, err, ErrSyntax)
	_, err = BuildRecord("abc", []Extension{{"a", "1"}, {"a", "2"}})
	parseError(t, err, ErrInvalid)

	_, err = BuildTLSRPT(nil, nil)
	pe = parseError(t, err, ErrRUA)
	sameDiags(t, pe.Diagnostics, diag{CodeTLSRPTRUAMissing, SeverityError, 0, 0})
	_, err = BuildTLSRPT([]string{"ftp://x.example/", "mailto:a!b@x"}, nil)
	pe = parseError(t, err, ErrRUA)
	sameDiags(t, pe.Diagnostics,
		diag{CodeTLSRPTURIScheme, SeverityWarning, 1, 1},
		diag{CodeTLSRPTURIReserved, SeverityError, 1, 9})
	tr, err := BuildTLSRPT([]string{"mailto:tls@example.com"}, []Extension{{"x", "y"}})
	if err != nil || tr.Format() != "v=TLSRPTv1; rua=mailto:tls@example.com; x=y" {
		t.Fatalf("BuildTLSRPT: %v %v", tr, err)
	}
	tr.Close()
}

// ---- lint -------------------------------------------------------------------

func codes(ds []Diagnostic) string {
	var s []string
	for _, d := range ds {
		s = append(s, d.Severity.String()+":"+d.Name)
	}
	return strings.Join(s, " ")
}

func TestLinter(t *testing.T) {
	p := mustPolicy(t, "version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 86400\n")
	l, err := NewLinter()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := l.Lint(p)
	if err != nil || codes(f) != "warning:lint-enforce-max-age" {
		t.Fatalf("nothing known: %q %v", codes(f), err)
	}
	for _, e := range []error{l.SetDomain("example.com"), l.SetMXHosts([]string{"mx1.example.com.", "mx2.example.com"}),
		l.SetRecord(nil)} {
		if e != nil {
			t.Fatal(e)
		}
	}
	f, err = l.Lint(p)
	pe := parseError(t, err, ErrLint)
	want := "warning:lint-enforce-max-age error:lint-mx-uncovered warning:lint-pattern-unused error:lint-no-record"
	if codes(f) != want || codes(pe.Diagnostics) != want {
		t.Fatalf("findings %q", codes(f))
	}
	for _, d := range f {
		if d.Line != 0 || d.Column != 0 || d.Message == "" {
			t.Errorf("finding %+v", d)
		}
	}

	r := mustRecord(t, "v=STSv1; id=1;")
	tr := mustTLSRPT(t, "v=TLSRPTv1; rua=mailto:a@example.com")
	old := mustPolicy(t, "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 86400\n")
	for _, e := range []error{l.SetRecord(r), l.SetTLSRPT(tr), l.SetPrevious(old, r),
		l.SetMXHosts([]string{"mx1.example.com", "a.example.net"})} {
		if e != nil {
			t.Fatal(e)
		}
	}
	f, err = l.Lint(p)
	parseError(t, err, ErrLint)
	if codes(f) != "warning:lint-enforce-max-age error:lint-id-unchanged" {
		t.Fatalf("id unchanged: %q", codes(f))
	}
	// Same policy as before: no id problem.
	if f, err = l.Lint(old); err != nil {
		t.Fatalf("unchanged policy: %q %v", codes(f), err)
	}

	f, err = l.LintText([]byte("version: STSv1\nmode: enforce\nmx: mx1.example.com\nmx: *.example.net\nmax_age: 1209600\nmode: x\n"))
	pe = parseError(t, err, ErrLint)
	sameDiags(t, pe.Diagnostics[:1], diag{CodePolicyDuplicate, SeverityWarning, 6, 1})
	if codes(f) != "warning:policy-duplicate error:lint-id-unchanged" {
		t.Fatalf("LintText: %q", codes(f))
	}
	_, err = l.LintText([]byte("version: STSv1\n"))
	parseError(t, err, ErrMode)

	parseError(t, l.SetDomain("bad domain"), ErrInvalid)
	parseError(t, l.SetMXHosts([]string{""}), ErrInvalid)
	parseError(t, l.SetMXHosts([]string{"a\x00b"}), ErrInvalid)
	parseError(t, l.SetPrevious(nil, r), ErrInvalid)
	if err := l.SetMXHosts(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Lint(nil); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Lint(nil): %v", err)
	}
}

// ---- ids and names ----------------------------------------------------------

func TestIDs(t *testing.T) {
	id, err := IDFromTime(time.Date(2016, 8, 31, 8, 57, 0, 0, time.FixedZone("X", 3600)))
	if err != nil || id != "20160831075700" || len(id) != IDTimeLen {
		t.Fatalf("IDFromTime: %q %v", id, err)
	}
	for _, tm := range []time.Time{time.Unix(-1, 0), time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)} {
		if _, err := IDFromTime(tm); !errors.Is(err, ErrInvalid) {
			t.Errorf("IDFromTime(%v): %v", tm, err)
		}
	}
	if err := CheckID("abc"); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"", "a-b", strings.Repeat("1", 33), "\xff"} {
		parseError(t, CheckID(bad), ErrID)
	}
	parseError(t, CheckID("ab\x00"), ErrInvalid)

	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	a := mustPolicy(t, "version: STSv1\nmode: testing\nmx: mx.example\nmax_age: 86400\n")
	b := mustPolicy(t, "version: STSv1\nmode: testing\nmx: MX.example\nmx: mx.example\nmax_age: 86400\n")
	c := mustPolicy(t, "version: STSv1\nmode: enforce\nmx: mx.example\nmax_age: 86400\n")
	cases := []struct {
		old    string
		op, np *Policy
		id     string
		isNew  bool
	}{
		{"", nil, a, "20240102030405", true},
		{"abc", a, b, "abc", false},
		{"abc", a, c, "20240102030405", true},
		{"20240102030405", a, c, "20240102030406", true},
		{"a-b", a, a, "20240102030405", true},
	}
	for _, cs := range cases {
		id, isNew, err := NextID(cs.old, cs.op, cs.np, now)
		if err != nil || id != cs.id || isNew != cs.isNew {
			t.Errorf("NextID(%q): %q %v %v", cs.old, id, isNew, err)
		}
	}
	if _, _, err := NextID("", nil, nil, now); !errors.Is(err, ErrInvalid) {
		t.Errorf("NextID without policy: %v", err)
	}
	if _, _, err := NextID("", nil, a, time.Unix(-5, 0)); !errors.Is(err, ErrInvalid) {
		t.Errorf("NextID before 1970: %v", err)
	}
}

func TestNames(t *testing.T) {
	for _, m := range []Mode{ModeNone, ModeTesting, ModeEnforce} {
		got, err := ParseMode(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMode(%q) = %v, %v", m, got, err)
		}
	}
	if _, err := ParseMode("Enforce"); !errors.Is(err, ErrMode) {
		t.Errorf("ParseMode(Enforce): %v", err)
	}
	if Mode(0).String() != "Mode(0)" || Severity(9).String() != "Severity(9)" || Code(1).String() != "Code(1)" {
		t.Error("unknown values")
	}
	for rt := ResultStartTLSNotSupported; rt <= ResultSTSWebPKIInvalid; rt++ {
		got, err := ParseResultType(rt.String())
		if err != nil || got != rt {
			t.Errorf("ParseResultType(%q) = %v, %v", rt, got, err)
		}
	}
	if ResultSTSPolicyInvalid.String() != "sts-policy-invalid" || ResultType(0).String() != "ResultType(0)" {
		t.Error("result type names")
	}
	if _, err := ParseResultType("some-future-type"); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown result type: %v", err)
	}
	for pt := PolicyTypeSTS; pt <= PolicyTypeNoPolicyFound; pt++ {
		got, err := ParsePolicyType(pt.String())
		if err != nil || got != pt {
			t.Errorf("ParsePolicyType(%q) = %v, %v", pt, got, err)
		}
	}
	if PolicyTypeNoPolicyFound.String() != "no-policy-found" {
		t.Error("policy type name")
	}
	if RUAMailto.String() != "mailto" || RUAScheme(0).String() != "RUAScheme(0)" {
		t.Error("rua scheme names")
	}
	if ErrMaxAge.Name() != "MTASTS_EMAXAGE" || Status(-99).Name() != "Status(-99)" ||
		!strings.HasPrefix(ErrMaxAge.Error(), "mtasts: ") {
		t.Error("status names")
	}
	if SeverityWarning.String() != "warning" || CodePolicyMaxAgeRange.String() != "policy-max-age-range" {
		t.Error("severity or code names")
	}
	for _, c := range []struct {
		s    Status
		want ResultType
	}{{ErrSyntax, ResultSTSPolicyInvalid}, {ErrMaxAge, ResultSTSPolicyInvalid}, {ErrNoRecord, 0}, {ErrInvalid, 0}, {StatusOK, 0}} {
		if got := ResultTypeForStatus(c.s); got != c.want {
			t.Errorf("ResultTypeForStatus(%s) = %v", c.s.Name(), got)
		}
	}
	_, err := ParsePolicy([]byte("version: STSv2\n"))
	if ResultTypeForError(err) != ResultSTSPolicyInvalid || ResultTypeForError(nil) != 0 ||
		ResultTypeForError(errors.New("x")) != 0 || ResultTypeForError(fmt.Errorf("wrapped: %w", err)) != ResultSTSPolicyInvalid {
		t.Error("ResultTypeForError")
	}
}

// ---- errors -----------------------------------------------------------------

func TestErrors(t *testing.T) {
	_, err := ParsePolicy([]byte("version: STSv1\nmode: enforce\nmax_age: 86400\n"))
	wrapped := fmt.Errorf("fetching example.com: %w", err)
	var pe *ParseError
	if !errors.As(wrapped, &pe) || pe.Status != ErrMX {
		t.Fatalf("errors.As through a wrapper: %v", wrapped)
	}
	if !errors.Is(wrapped, ErrMX) || errors.Is(wrapped, ErrSyntax) {
		t.Error("errors.Is on the status")
	}
	var st Status
	if !errors.As(wrapped, &st) || st != ErrMX {
		t.Error("errors.As to a Status")
	}
	sameDiags(t, pe.Diagnostics, diag{CodePolicyMXMissing, SeverityError, 0, 0})
	if errors.Is(ErrClosed, ErrInvalid) {
		t.Error("ErrClosed is not a status")
	}
}

// ---- Close, finalizers, memory ---------------------------------------------

func TestCloseAndUseAfterClose(t *testing.T) {
	p, _ := ParsePolicy([]byte(policyText))
	r, _ := ParseRecord([]byte("v=STSv1; id=1;"))
	tr, _ := ParseTLSRPT([]byte("v=TLSRPTv1; rua=mailto:a@example.com"))
	l, _ := NewLinter()
	mx := p.MX()
	for i := 0; i < 2; i++ {
		if p.Close() != nil || r.Close() != nil || tr.Close() != nil || l.Close() != nil {
			t.Fatal("Close returned an error")
		}
	}
	if mx[0] != "mail.example.com" {
		t.Error("strings returned before Close must stay valid")
	}
	if p.Mode() != 0 || p.MaxAge() != 0 || p.MX() != nil || p.Extensions() != nil || p.Matches("mail.example.com") ||
		p.Format(true) != "" || p.String() != "" || p.Equal(p) || p.Equivalent(p) {
		t.Error("a closed policy must give zero values")
	}
	if pat, ok := p.Match("mail.example.com"); ok || pat != "" {
		t.Error("Match on a closed policy")
	}
	if r.ID() != "" || r.Extensions() != nil || r.Format() != "" || r.Equal(r) {
		t.Error("a closed record must give zero values")
	}
	if tr.RUA() != nil || tr.RUASchemes() != nil || tr.Extensions() != nil || tr.Format() != "" || tr.Equal(tr) {
		t.Error("a closed TLSRPT must give zero values")
	}
	if _, err := l.Lint(mustPolicy(t, policyText)); err != ErrClosed {
		t.Errorf("Lint on a closed linter: %v", err)
	}
	if _, err := l.LintText([]byte(policyText)); err != ErrClosed {
		t.Errorf("LintText on a closed linter: %v", err)
	}
	if err := l.SetDomain("example.com"); err != ErrClosed {
		t.Errorf("SetDomain on a closed linter: %v", err)
	}
	l2, _ := NewLinter()
	defer l2.Close()
	open := mustPolicy(t, policyText)
	if _, err := l2.Lint(p); err != ErrClosed {
		t.Errorf("Lint(closed policy): %v", err)
	}
	if err := l2.SetRecord(r); err != ErrClosed {
		t.Errorf("SetRecord(closed): %v", err)
	}
	if err := l2.SetTLSRPT(tr); err != ErrClosed {
		t.Errorf("SetTLSRPT(closed): %v", err)
	}
	if err := l2.SetPrevious(p, mustRecord(t, "v=STSv1; id=1;")); err != ErrClosed {
		t.Errorf("SetPrevious(closed): %v", err)
	}
	if _, _, err := NextID("", p, open, time.Now()); err != ErrClosed {
		t.Errorf("NextID(closed old): %v", err)
	}
	if _, _, err := NextID("", nil, p, time.Now()); err != ErrClosed {
		t.Errorf("NextID(closed new): %v", err)
	}
	if open.Equal(p) || p.Equal(open) {
		t.Error("comparing with a closed policy")
	}
	// nil receivers behave as closed objects.
	var np *Policy
	var nr *Record
	var nt *TLSRPT
	var nl *Linter
	if np.Mode() != 0 || np.Matches("x") || nr.ID() != "" || nt.RUA() != nil || np.Close() != nil ||
		nr.Close() != nil || nt.Close() != nil || nl.Close() != nil || np.Warnings() != nil {
		t.Error("nil receivers")
	}
	if _, err := nl.Lint(open); err != ErrClosed {
		t.Error("nil linter")
	}
}

// waitLive runs the garbage collector until the count of live C objects
// drops to want (finalizers run in their own goroutine).
func waitLive(t *testing.T, want int64) {
	t.Helper()
	for i := 0; i < 100; i++ {
		runtime.GC()
		if liveObjects.Load() <= want {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%d C objects still live, want %d", liveObjects.Load(), want)
}

func TestFinalizer(t *testing.T) {
	waitLive(t, liveObjects.Load())
	base := liveObjects.Load()
	const n = 500
	keep := make([]interface{}, 0, 4*n)
	for i := 0; i < n; i++ {
		p, _ := ParsePolicy([]byte(policyText))
		r, _ := ParseRecord([]byte("v=STSv1; id=1;"))
		tr, _ := ParseTLSRPT([]byte("v=TLSRPTv1; rua=mailto:a@example.com"))
		l, _ := NewLinter()
		keep = append(keep, p, r, tr, l)
	}
	runtime.GC()
	if got := liveObjects.Load(); got != base+4*n {
		t.Fatalf("%d live C objects while reachable, want %d", got, base+4*n)
	}
	runtime.KeepAlive(keep)
	keep = nil
	waitLive(t, base) // only finalizers can free them

	// Close then finalizer: freed once (the finalizer is cleared by Close).
	p, _ := ParsePolicy([]byte(policyText))
	p.Close()
	if liveObjects.Load() != base {
		t.Fatalf("Close did not free: %d live", liveObjects.Load())
	}
	runtime.GC()
	runtime.GC()
	if liveObjects.Load() != base {
		t.Fatalf("freed twice: %d live", liveObjects.Load())
	}
}

// rss returns the resident set size in bytes from /proc/self/statm.
func rss(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Fatalf("reading /proc/self/statm: %v", err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return pages * int64(os.Getpagesize())
}

func settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

func TestMemory(t *testing.T) {
	const cycles = 100000
	inputs := [][]byte{
		[]byte(policyText),
		[]byte("version: STSv1\nmode: Enforce\nmx: a..b\nmax_age: 99999999999\nmode: x\n"), // errors
		[]byte("\xef\xbb\xbfversion: STSv1\n\nmode: none\nmax_age: 86400\n"),               // warnings (lenient)
	}
	cycle := func(i int) {
		in := inputs[i%len(inputs)]
		p, err := ParsePolicy(in, Lenient())
		if err == nil {
			_ = p.Format(i%2 == 0)
			_ = p.Matches("mx1.example.net")
			_ = p.MX()
			p.Close()
		}
		r, err := ParseRecord([]byte("v=STSv1; id=20240101; x=y"))
		if err == nil {
			_ = r.Format()
			r.Close()
		}
		tr, err := ParseTLSRPT([]byte("v=TLSRPTv1; rua=mailto:a!b@example.com"))
		if err == nil {
			tr.Close()
		}
	}
	for i := 0; i < cycles/10; i++ { // warm-up: heaps and caches reach their size
		cycle(i)
	}
	settle()
	before, live := rss(t), liveObjects.Load()
	for i := 0; i < cycles; i++ {
		cycle(i)
	}
	settle()
	after := rss(t)
	t.Logf("RSS before %d KiB, after %d KiB, growth %d KiB over %d cycles",
		before/1024, after/1024, (after-before)/1024, cycles)
	if liveObjects.Load() != live {
		t.Errorf("%d C objects leaked", liveObjects.Load()-live)
	}
	if after-before > 4<<20 {
		t.Errorf("RSS grew by %d KiB over %d parse/free cycles", (after-before)/1024, cycles)
	}
}

// ---- concurrency ------------------------------------------------------------

func TestConcurrentParse(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 500; i++ {
				host := fmt.Sprintf("mx%d.example.net", g)
				p, err := BuildPolicy(ModeEnforce, time.Duration(i+1)*time.Second, []string{host}, nil)
				if err != nil {
					errs <- err
					return
				}
				q, err := ParsePolicy([]byte(p.Format(i%2 == 0)))
				if err != nil || !q.Equal(p) || !q.Matches(host) || q.MaxAge() != time.Duration(i+1)*time.Second {
					errs <- fmt.Errorf("goroutine %d, round %d: %v", g, i, err)
					return
				}
				p.Close()
				q.Close()
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConcurrentSharedPolicy(t *testing.T) {
	p, err := ParsePolicy([]byte(policyText))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var bad sync.Once
	fail := func(format string, args ...interface{}) { bad.Do(func() { t.Errorf(format, args...) }) }
	for g := 0; g < 32; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 2000; i++ {
				if !p.Matches("mx1.example.net") || p.Matches("example.org") {
					fail("wrong match result")
				}
				if pat, ok := p.Match("mail.example.com"); !ok || pat != "mail.example.com" {
					fail("Match %q %v", pat, ok)
				}
			}
		}()
	}
	wg.Wait()

	// Close while readers run: every call sees either the open policy (a
	// correct answer) or a closed one (the zero value), never freed memory.
	start := make(chan struct{})
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; i < 2000; i++ {
				if m := p.MX(); m != nil && len(m) != 2 {
					fail("MX %q", m)
				}
				if f := p.Format(true); f != "" && !strings.HasPrefix(f, "version: STSv1\n") {
					fail("Format %q", f)
				}
				p.Matches("mx1.example.net")
			}
		}()
	}
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			time.Sleep(time.Millisecond)
			p.Close()
		}()
	}
	close(start)
	wg.Wait()
	if p.Matches("mx1.example.net") {
		t.Error("closed policy still matches")
	}
}

func TestConcurrentLint(t *testing.T) {
	l, err := NewLinter()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.SetMXHosts([]string{"mx1.example.com"}); err != nil {
		t.Fatal(err)
	}
	p := mustPolicy(t, "version: STSv1\nmode: testing\nmx: mx1.example.com\nmax_age: 604800\n")
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 300; i++ {
				if g == 0 && i%10 == 0 { // a writer among the readers
					_ = l.SetMXHosts([]string{"mx1.example.com"})
				}
				if f, err := l.Lint(p); err != nil || len(f) == 0 {
					t.Errorf("Lint: %v %v", f, err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
}

// ---- the C suite's corpus, replayed through the binding ---------------------

// corpusDir returns tests/data of the source tree (MTASTS_TEST_DATA, as the
// C suites use it, or the path relative to this package).
func corpusDir(t *testing.T) string {
	if d := os.Getenv("MTASTS_TEST_DATA"); d != "" {
		return d
	}
	d := filepath.Join("..", "..", "tests", "data")
	if _, err := os.Stat(d); err != nil {
		t.Skipf("no test corpus (set MTASTS_TEST_DATA): %v", err)
	}
	return d
}

// expectation is one line of an expected/error file.
type expectation struct {
	kind      string // "error", "warning", "maybe", "maybe-warning"
	codes     []string
	line, col string
}

func (e expectation) matches(d Diagnostic) bool {
	sev := SeverityError
	if strings.HasSuffix(e.kind, "warning") {
		sev = SeverityWarning
	}
	if d.Severity != sev || (e.line != "*" && e.line != strconv.Itoa(d.Line)) ||
		(e.col != "*" && e.col != strconv.Itoa(d.Column)) {
		return false
	}
	for _, c := range e.codes {
		if c == d.Name {
			return true
		}
	}
	return false
}

type caseFile struct {
	statuses []string
	fields   []string // "mode enforce", "mx a.example", …
	diags    []expectation
	selected string
}

func readCase(t *testing.T, path string) caseFile {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var c caseFile
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		w := strings.Fields(line)
		switch {
		case first && strings.HasPrefix(line, "MTASTS_"):
			c.statuses = strings.Split(w[0], "|")
		case w[0] == "status":
			c.statuses = strings.Split(w[1], "|")
		case w[0] == "selected":
			c.selected = w[1]
		case w[0] == "mode" || w[0] == "max_age" || w[0] == "mx" || w[0] == "id" || w[0] == "rua" ||
			w[0] == "scheme" || w[0] == "ext":
			c.fields = append(c.fields, line)
		case (w[0] == "warning" || w[0] == "maybe" || w[0] == "maybe-warning") && len(w) == 4:
			c.diags = append(c.diags, expectation{w[0], strings.Split(w[1], "|"), w[2], w[3]})
		case len(w) == 3:
			c.diags = append(c.diags, expectation{"error", strings.Split(w[0], "|"), w[1], w[2]})
		default:
			t.Fatalf("%s: cannot read %q", path, line)
		}
		first = false
	}
	if len(c.statuses) == 0 {
		c.statuses = []string{"MTASTS_OK"}
	}
	return c
}

// check compares a result with the expectations: status, every required
// diagnostic matched once, maybe lines optional, nothing left over.
func (c caseFile) check(t *testing.T, name string, err error, diags []Diagnostic, fields []string) {
	t.Helper()
	got := "MTASTS_OK"
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("%s: %v is not a *ParseError", name, err)
			return
		}
		got = pe.StatusName
		diags = pe.Diagnostics
	}
	ok := false
	for _, s := range c.statuses {
		ok = ok || s == got
	}
	if !ok {
		t.Errorf("%s: status %s, want %v (%v)", name, got, c.statuses, err)
	}
	used := make([]bool, len(diags))
	for _, pass := range []bool{false, true} { // required first, then maybe
		for _, e := range c.diags {
			if strings.HasPrefix(e.kind, "maybe") != pass {
				continue
			}
			found := false
			for i, d := range diags {
				if !used[i] && e.matches(d) {
					used[i], found = true, true
					break
				}
			}
			if !found && !pass {
				t.Errorf("%s: missing %s %v %s:%s in %v", name, e.kind, e.codes, e.line, e.col, brief(diags))
			}
		}
	}
	for i, d := range diags {
		if !used[i] {
			t.Errorf("%s: unexpected diagnostic %v", name, d)
		}
	}
	if err == nil && fields != nil && strings.Join(fields, "\n") != strings.Join(c.fields, "\n") {
		t.Errorf("%s: fields\n got %q\nwant %q", name, fields, c.fields)
	}
}

func extFields(ext []Extension) []string {
	var out []string
	for _, e := range ext {
		out = append(out, "ext "+e.Name+" "+e.Value)
	}
	return out
}

func policyFields(p *Policy) []string {
	out := []string{"mode " + p.Mode().String(), "max_age " + strconv.Itoa(int(p.MaxAge()/time.Second))}
	for _, m := range p.MX() {
		out = append(out, "mx "+m)
	}
	return append(out, extFields(p.Extensions())...)
}

func recordFields(r *Record) []string {
	return append([]string{"id " + r.ID()}, extFields(r.Extensions())...)
}

func tlsrptFields(r *TLSRPT) []string {
	var out []string
	sch := r.RUASchemes()
	for i, u := range r.RUA() {
		out = append(out, "rua "+u, "scheme "+sch[i].String())
	}
	return append(out, extFields(r.Extensions())...)
}

// sortFields puts the policy fields in the order of the expected files
// (mode, max_age, mx… as they appear there), for comparison.
func sortFields(got, want []string) []string {
	rank := map[string]int{}
	for i, w := range want {
		k := strings.SplitN(w, " ", 2)[0]
		if _, ok := rank[k]; !ok {
			rank[k] = i
		}
	}
	out := append([]string(nil), got...)
	// stable insertion sort by first appearance of the key in want
	for i := 1; i < len(out); i++ {
		for j := i; j > 0; j-- {
			a, b := strings.SplitN(out[j-1], " ", 2)[0], strings.SplitN(out[j], " ", 2)[0]
			if rank[a] <= rank[b] {
				break
			}
			out[j-1], out[j] = out[j], out[j-1]
		}
	}
	return out
}

func caseOpts(dir string) []Option {
	b, err := os.ReadFile(filepath.Join(dir, "flags"))
	if err == nil && strings.TrimSpace(string(b)) == "lenient" {
		return []Option{Lenient()}
	}
	return nil
}

func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	n := 0
	for _, kind := range []string{"policy", "record", "tlsrpt"} {
		for _, verdict := range []string{"valid", "invalid"} {
			dirs, err := filepath.Glob(filepath.Join(root, kind, verdict, "*"))
			if err != nil || len(dirs) == 0 {
				t.Fatalf("no %s/%s cases in %s", kind, verdict, root)
			}
			for _, dir := range dirs {
				input, err := os.ReadFile(filepath.Join(dir, "input"))
				if err != nil {
					t.Fatal(err)
				}
				exp := "expected"
				if verdict == "invalid" {
					exp = "error"
				}
				c := readCase(t, filepath.Join(dir, exp))
				name := kind + "/" + verdict + "/" + filepath.Base(dir)
				opts := caseOpts(dir)
				n++
				switch kind {
				case "policy":
					p, err := ParsePolicy(input, opts...)
					var f []string
					var w []Diagnostic
					if err == nil {
						f, w = sortFields(policyFields(p), c.fields), p.Warnings()
						checkPolicyRoundTrip(t, name, p)
						p.Close()
					}
					c.check(t, name, err, w, f)
				case "record":
					r, err := ParseRecord(input, opts...)
					var f []string
					var w []Diagnostic
					if err == nil {
						f, w = recordFields(r), r.Warnings()
						q := mustRecord(t, r.Format())
						if !q.Equal(r) {
							t.Errorf("%s: record round trip", name)
						}
						r.Close()
					}
					c.check(t, name, err, w, f)
				case "tlsrpt":
					r, err := ParseTLSRPT(input, opts...)
					var f []string
					var w []Diagnostic
					if err == nil {
						f, w = tlsrptFields(r), r.Warnings()
						q, qerr := ParseTLSRPT([]byte(r.Format()))
						if qerr != nil || !q.Equal(r) {
							t.Errorf("%s: TLSRPT round trip: %v", name, qerr)
						}
						q.Close()
						r.Close()
					}
					c.check(t, name, err, w, f)
				}
			}
		}
	}
	for _, kind := range []string{"rrset", "tlsrpt-rrset"} {
		dirs, _ := filepath.Glob(filepath.Join(root, kind, "*"))
		if len(dirs) == 0 {
			t.Fatalf("no %s cases in %s", kind, root)
		}
		for _, dir := range dirs {
			var rrs [][]byte
			for i := 1; ; i++ {
				b, err := os.ReadFile(filepath.Join(dir, "rr"+strconv.Itoa(i)))
				if err != nil {
					break
				}
				rrs = append(rrs, b)
			}
			var wires [][]byte
			for _, rr := range rrs {
				wires = append(wires, wire(string(rr), 255))
			}
			c := readCase(t, filepath.Join(dir, "expected"))
			name := kind + "/" + filepath.Base(dir)
			opts := caseOpts(dir)
			n++
			for _, wireForm := range []bool{false, true} {
				var sel int
				var err error
				var f []string
				var w []Diagnostic
				if kind == "rrset" {
					var r *Record
					if wireForm {
						r, sel, err = SelectRecordRDATA(wires, opts...)
					} else {
						r, sel, err = SelectRecord(rrs, opts...)
					}
					if err == nil {
						f, w = recordFields(r), r.Warnings()
						r.Close()
					}
				} else {
					var r *TLSRPT
					if wireForm {
						r, sel, err = SelectTLSRPTRDATA(wires, opts...)
					} else {
						r, sel, err = SelectTLSRPT(rrs, opts...)
					}
					if err == nil {
						f, w = tlsrptFields(r), r.Warnings()
						r.Close()
					}
				}
				if c.fields == nil {
					f = nil
				}
				c.check(t, fmt.Sprintf("%s (wire %v)", name, wireForm), err, w, f)
				want := c.selected
				if want == "none" {
					want = "-1"
				}
				if want != "" && strconv.Itoa(sel) != want {
					t.Errorf("%s: selected %d, want %s", name, sel, c.selected)
				}
			}
		}
	}
	n += mxCorpus(t, root)
	t.Logf("%d corpus cases replayed", n)
}

func checkPolicyRoundTrip(t *testing.T, name string, p *Policy) {
	for _, lf := range []bool{false, true} {
		q, err := ParsePolicy([]byte(p.Format(lf)))
		if err != nil || !q.Equal(p) {
			t.Errorf("%s: policy round trip (lf %v): %v", name, lf, err)
			continue
		}
		q.Close()
	}
}

// unescape decodes the escapes of the mx TSV files.
func unescape(s string) string {
	var b bytes.Buffer
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case 'n':
			b.WriteByte('\n')
		case 'x':
			v, _ := strconv.ParseUint(s[i+1:i+3], 16, 8)
			b.WriteByte(byte(v))
			i += 2
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func tsv(t *testing.T, path string) [][]string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

func mxCorpus(t *testing.T, root string) int {
	n := 0
	for _, row := range tsv(t, filepath.Join(root, "mx", "cases.tsv")) {
		pattern, host, want := unescape(row[0]), unescape(row[1]), row[2] == "1"
		n++
		if got := MXMatch(pattern, host); got != want {
			t.Errorf("mx/cases.tsv %v: MXMatch(%q, %q) = %v", row, pattern, host, got)
		}
		if CheckMXPattern(pattern) == nil {
			p, err := BuildPolicy(ModeEnforce, time.Hour, []string{pattern}, nil)
			if err != nil {
				t.Errorf("%v: %v", row, err)
				continue
			}
			if pat, ok := p.Match(host); ok != want || (ok && pat != strings.ToLower(pattern)) {
				t.Errorf("mx/cases.tsv %v: Match(%q) = %q, %v", row, host, pat, ok)
			}
			p.Close()
		}
	}
	for _, row := range tsv(t, filepath.Join(root, "mx", "patterns.tsv")) {
		pattern, want := unescape(row[0]), row[1]
		n++
		err := CheckMXPattern(pattern)
		if (want == "ok") != (err == nil) {
			t.Errorf("mx/patterns.tsv %v: CheckMXPattern(%q) = %v", row, pattern, err)
			continue
		}
		if want == "ok" || want == "!" {
			continue
		}
		pe := parseError(t, err, ErrMX)
		for _, item := range strings.Split(want, ",") {
			at := strings.LastIndex(item, "@")
			codes, col := strings.Split(item[:at], "|"), item[at+1:]
			e := expectation{"error", codes, "1", col}
			found := false
			for _, d := range pe.Diagnostics {
				found = found || e.matches(d)
			}
			if !found {
				t.Errorf("mx/patterns.tsv %v: no %s in %v", row, item, brief(pe.Diagnostics))
			}
		}
	}
	return n
}
