// SPDX-License-Identifier: MIT

package mtasts

import (
	"fmt"
	"strings"
)

// Diagnostic is one problem a parse, a builder or the linter found, as the
// C library reported it.
type Diagnostic struct {
	Code     Code     // stable code (docs/diagnostics.md)
	Name     string   // stable kebab-case name of Code, e.g. "policy-max-age-range"
	Severity Severity // error, warning or note
	// Line is 1-based: the line of a policy file, or the 1-based index of
	// the TXT record within an RRset (1 for a single record). Column is the
	// 1-based byte column. Both are 0 for a problem of the whole input.
	Line, Column int
	Offset       int    // 0-based byte offset into the input (0 when it does not apply)
	Message      string // human message, printable ASCII
}

// String formats the diagnostic as "line:column: severity: message
// [name]", without the parts of the position that do not apply.
func (d Diagnostic) String() string {
	return d.position() + d.Severity.String() + ": " + d.Message + " [" + d.Name + "]"
}

func (d Diagnostic) position() string {
	switch {
	case d.Line > 0 && d.Column > 0:
		return fmt.Sprintf("%d:%d: ", d.Line, d.Column)
	case d.Line > 0:
		return fmt.Sprintf("%d: ", d.Line)
	}
	return ""
}

// ParseError is the error of every call the C library refused: a parse,
// an RRset selection, a builder, a lint or a check. It carries the status
// the library returned and every diagnostic it appended (warnings
// included). It unwraps to its Status, so
//
//	errors.Is(err, mtasts.ErrMaxAge)
//
// tests the status, and errors.As(err, &pe) with pe a *ParseError gives
// the diagnostics.
type ParseError struct {
	Status      Status       // the failure status, e.g. ErrSyntax
	StatusName  string       // its symbolic name, e.g. "MTASTS_ESYNTAX"
	Diagnostics []Diagnostic // everything the call reported, in order
	detail      string       // set when the binding refused the call itself
}

// Error gives the status text and the first error diagnostic, e.g.
// "mtasts: missing or invalid max_age: 4:10: max_age '99999999' is above
// the maximum of 31557600 seconds (R-16, A-07) [policy-max-age-range]".
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.Status.Error())
	if e.detail != "" {
		b.WriteString(": ")
		b.WriteString(e.detail)
	}
	n := 0
	for _, d := range e.Diagnostics {
		if d.Severity != SeverityError {
			continue
		}
		if n == 0 {
			b.WriteString(": ")
			b.WriteString(d.position() + d.Message + " [" + d.Name + "]")
		}
		n++
	}
	switch {
	case n == 2:
		b.WriteString(" (and 1 more error)")
	case n > 2:
		fmt.Fprintf(&b, " (and %d more errors)", n-1)
	}
	return b.String()
}

// Unwrap returns the Status, for errors.Is and errors.As.
func (e *ParseError) Unwrap() error { return e.Status }

// Errors returns the diagnostics of severity error.
func (e *ParseError) Errors() []Diagnostic {
	return filter(e.Diagnostics, SeverityError)
}

func filter(ds []Diagnostic, s Severity) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if d.Severity == s {
			out = append(out, d)
		}
	}
	return out
}

func newError(st Status, diags []Diagnostic) *ParseError {
	return &ParseError{Status: st, StatusName: st.Name(), Diagnostics: diags}
}

// invalid is the error of a call the binding refuses before reaching the
// library (an argument C cannot represent).
func invalid(detail string) *ParseError {
	e := newError(ErrInvalid, nil)
	e.detail = detail
	return e
}

// Extension is an extension field of a policy or a TXT record.
type Extension struct {
	Name, Value string
}

// Option changes how a parse reads its input.
type Option struct {
	flags uint
}

// Lenient accepts what real publishers get wrong (MTASTS_PARSE_LENIENT):
// a BOM, empty lines, stray whitespace, quoted TXT text, registered names
// in another case; each with a warning diagnostic.
func Lenient() Option {
	return Option{flags: flagLenient}
}

func parseFlags(opts []Option) uint {
	var flags uint
	for _, o := range opts {
		flags |= o.flags
	}
	return flags
}
