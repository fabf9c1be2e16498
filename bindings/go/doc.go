// SPDX-License-Identifier: MIT

// Package mtasts is the Go binding of libmtasts, the C library for MTA-STS
// policies and records (RFC 8461) and TLS-RPT records (RFC 8460).
//
// The binding is thin: every parse, check, match, format and lint is done
// by the C library (libmtasts.so.1, found with pkg-config at build time);
// the binding only converts values and manages memory. It uses the
// standard library only.
//
// # Objects and memory
//
// Policy, Record, TLSRPT and Linter each own a C object. Release it with
// Close as soon as it is no longer needed; a finalizer frees objects that
// become unreachable first, but finalizers may run late or never. Close is
// idempotent and safe to call from any goroutine, even while other methods
// run. After Close, accessors return zero values and methods with an
// error result return ErrClosed. Values returned by accessors are Go
// copies and stay valid after Close.
//
// Policy, Record and TLSRPT are immutable and safe for concurrent use.
//
// # Errors
//
// Every failure the C library reports is a *ParseError carrying the
// library's Status and every Diagnostic (code, severity, line, column,
// offset, message). It unwraps to its Status:
//
//	p, err := mtasts.ParsePolicy(body)
//	if errors.Is(err, mtasts.ErrMaxAge) { … }
//	var pe *mtasts.ParseError
//	if errors.As(err, &pe) {
//		for _, d := range pe.Diagnostics { fmt.Println(d) }
//	}
//
// Warnings of a successful parse are returned by the object's Warnings
// method.
//
// # Version
//
// The package panics at init if the loaded shared library is older than
// MinVersion; CheckVersion returns the same condition as an error.
package mtasts
