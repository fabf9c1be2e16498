// SPDX-License-Identifier: MIT

package mtasts

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The benchmarks measure the same operations as bench/mtasts-bench (the C
// figures), one input per iteration: with MTASTS_BENCH_CORPUS=DIR they
// read the reference workload of `mtasts-bench --corpus DIR`
// (policies.txt, txt-records.txt, mx-match.tsv, optional
// tlsrpt-records.txt), otherwise a small built-in set. The difference
// between the two per-input times is the cost of the binding.

type benchCorpus struct {
	policies, records, tlsrpt [][]byte
	rows                      []benchRow
}

type benchRow struct {
	policy *Policy // nil when no pattern of the row is valid (never matches)
	host   string
}

var benchData *benchCorpus

func loadBench(b *testing.B) *benchCorpus {
	if benchData != nil {
		return benchData
	}
	c := &benchCorpus{}
	dir := os.Getenv("MTASTS_BENCH_CORPUS")
	if dir == "" {
		c.policies = [][]byte{
			[]byte(policyText),
			[]byte("version: STSv1\nmode: testing\nmx: mx1.example.com\nmx: mx2.example.com\nmax_age: 86400\n"),
			[]byte("version: STSv1\r\nmode: enforce\r\nmx: *.mail.example.org\r\nmax_age: 1209600"),
			[]byte("version: STSv1\nmode: Enforce\nmx: mx.example.\nmax_age: 99999999\n"),
		}
		c.records = [][]byte{[]byte("v=STSv1; id=20160831085700Z;"), []byte("v=STSv1;id=2024a"),
			[]byte("v=STSv1; id=a-1;")}
		for _, l := range []string{"mail.example.com *.example.net\tmx1.example.net",
			"mx1.example.com\tMX1.example.com.", "*.example.org\ta.b.example.org"} {
			c.addRow(l)
		}
	} else {
		read := func(name string) []byte {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				b.Fatal(err)
			}
			return data
		}
		for _, p := range bytes.Split(read("policies.txt"), []byte("\n%%\n")) {
			if len(p) > 0 {
				c.policies = append(c.policies, p)
			}
		}
		c.records = lines(read("txt-records.txt"))
		if _, err := os.Stat(filepath.Join(dir, "tlsrpt-records.txt")); err == nil {
			c.tlsrpt = lines(read("tlsrpt-records.txt"))
		}
		for _, l := range strings.Split(string(read("mx-match.tsv")), "\n") {
			c.addRow(l)
		}
	}
	if c.tlsrpt == nil {
		c.tlsrpt = [][]byte{[]byte("v=TLSRPTv1; rua=mailto:tlsrpt@example.com"),
			[]byte("v=TLSRPTv1;rua=https://tlsrpt.example.net/v1/report;"),
			[]byte("v=TLSRPTv1; rua=mailto:tls@example.org, https://reports.example.org/tlsrpt")}
	}
	benchData = c
	return c
}

func lines(data []byte) [][]byte {
	var out [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

// addRow builds a row as mtasts-bench does: a policy of the valid
// patterns of a `PATTERNS<TAB>HOST<TAB>…` line.
func (c *benchCorpus) addRow(line string) {
	f := strings.Split(line, "\t")
	if len(f) < 2 {
		return
	}
	var pats []string
	for _, p := range strings.Split(f[0], " ") {
		if CheckMXPattern(p) == nil {
			pats = append(pats, p)
		}
	}
	p, err := BuildPolicy(ModeEnforce, 24*time.Hour, pats, nil)
	if err != nil {
		p = nil
	}
	c.rows = append(c.rows, benchRow{p, f[1]})
}

func BenchmarkParsePolicy(b *testing.B) {
	c := loadBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if p, err := ParsePolicy(c.policies[i%len(c.policies)]); err == nil {
			p.Close()
		}
	}
}

func BenchmarkParseRecord(b *testing.B) {
	c := loadBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := ParseRecord(c.records[i%len(c.records)]); err == nil {
			r.Close()
		}
	}
}

func BenchmarkParseTLSRPT(b *testing.B) {
	c := loadBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if r, err := ParseTLSRPT(c.tlsrpt[i%len(c.tlsrpt)]); err == nil {
			r.Close()
		}
	}
}

func BenchmarkMatches(b *testing.B) {
	c := loadBench(b)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		r := &c.rows[i%len(c.rows)]
		if r.policy.Matches(r.host) {
			n++
		}
	}
	_ = n
}

// BenchmarkVersionNumber is the floor: one cgo call to a function that
// does nothing.
func BenchmarkVersionNumber(b *testing.B) {
	for i := 0; i < b.N; i++ {
		_ = VersionNumber()
	}
}
