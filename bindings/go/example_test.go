// SPDX-License-Identifier: MIT

package mtasts_test

import (
	"errors"
	"fmt"
	"time"

	"libmtasts.org/mtasts"
)

// Parse a policy as served at https://mta-sts.example.com/.well-known/mta-sts.txt,
// then check MX hosts against it.
func Example() {
	body := []byte("version: STSv1\r\n" +
		"mode: enforce\r\n" +
		"mx: mail.example.com\r\n" +
		"mx: *.example.net\r\n" +
		"max_age: 604800\r\n")

	policy, err := mtasts.ParsePolicy(body)
	if err != nil {
		fmt.Println("invalid policy:", err)
		return
	}
	defer policy.Close()

	fmt.Println("mode:", policy.Mode())
	fmt.Println("max_age:", policy.MaxAge())
	fmt.Println("mx:", policy.MX())
	for _, host := range []string{"mail.example.com.", "mx1.example.net", "mx.attacker.example"} {
		pattern, ok := policy.Match(host)
		fmt.Printf("%s: %v %s\n", host, ok, pattern)
	}
	// Output:
	// mode: enforce
	// max_age: 168h0m0s
	// mx: [mail.example.com *.example.net]
	// mail.example.com.: true mail.example.com
	// mx1.example.net: true *.example.net
	// mx.attacker.example: false
}

// Every problem of an invalid policy, with its position.
func ExampleParsePolicy_errors() {
	body := []byte("version: STSv1\nmode: Enforce\nmx: mail.example.com.\nmax_age: 86400\n")
	_, err := mtasts.ParsePolicy(body)

	fmt.Println(errors.Is(err, mtasts.ErrMode))
	var pe *mtasts.ParseError
	if errors.As(err, &pe) {
		for _, d := range pe.Diagnostics {
			fmt.Printf("line %d, column %d: %s\n", d.Line, d.Column, d.Name)
		}
	}
	fmt.Println(mtasts.ResultTypeForError(err))
	// Output:
	// true
	// line 2, column 7: policy-mode-invalid
	// line 3, column 21: mx-trailing-dot
	// sts-policy-invalid
}

// Choose the STSv1 record among the TXT records of _mta-sts.example.com.
func ExampleSelectRecord() {
	rrs := [][]byte{
		[]byte("v=spf1 -all"),
		[]byte("v=STSv1; id=20240115T1200;"),
	}
	rec, index, err := mtasts.SelectRecord(rrs)
	if err != nil {
		fmt.Println("no usable record:", err)
		return
	}
	defer rec.Close()
	fmt.Println(index, rec.ID())
	// Output:
	// 1 20240115T1200
}

// Generate what a domain publishes: the policy, its TXT record and a
// TLS-RPT record.
func ExampleBuildPolicy() {
	policy, err := mtasts.BuildPolicy(mtasts.ModeTesting, 7*24*time.Hour,
		[]string{"mx1.example.com", "mx2.example.com"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer policy.Close()

	id, _ := mtasts.IDFromTime(time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC))
	record, err := mtasts.BuildRecord(id, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer record.Close()
	tlsrpt, err := mtasts.BuildTLSRPT([]string{"mailto:tlsrpt@example.com"}, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tlsrpt.Close()

	fmt.Print(policy.Format(true))
	fmt.Println(record)
	fmt.Println(tlsrpt)
	// Output:
	// version: STSv1
	// mode: testing
	// mx: mx1.example.com
	// mx: mx2.example.com
	// max_age: 604800
	// v=STSv1; id=20240115120000;
	// v=TLSRPTv1; rua=mailto:tlsrpt@example.com
}

// Check a policy against the domain's real MX hosts before publishing it.
func ExampleLinter() {
	policy, _ := mtasts.ParsePolicy([]byte(
		"version: STSv1\nmode: enforce\nmx: mx1.example.com\nmax_age: 1209600\n"))
	defer policy.Close()
	record, _ := mtasts.ParseRecord([]byte("v=STSv1; id=20240115120000;"))
	defer record.Close()

	linter, err := mtasts.NewLinter()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer linter.Close()
	_ = linter.SetDomain("example.com")
	_ = linter.SetRecord(record)
	_ = linter.SetTLSRPT(nil) // the domain publishes no TLS-RPT record
	_ = linter.SetMXHosts([]string{"mx1.example.com", "mx2.example.com"})

	findings, err := linter.Lint(policy)
	for _, f := range findings {
		fmt.Println(f.Severity, f.Name)
	}
	fmt.Println(errors.Is(err, mtasts.ErrLint))
	// Output:
	// error lint-mx-uncovered
	// warning lint-no-tlsrpt
	// true
}
