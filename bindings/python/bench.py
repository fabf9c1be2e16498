#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Per-call overhead of the Python binding against the C library.

    MTASTS_LIBRARY=build/lib/libmtasts.so.1 PYTHONPATH=bindings/python/src \\
        python3 bindings/python/bench.py --corpus shared/bench-corpus \\
            --c-bench build/bench/mtasts-bench

Runs the same workload as build/bench/mtasts-bench (with --corpus, the
same files: policies.txt, txt-records.txt, mx-match.tsv; without it, one
typical input of each kind) through the Python API and reports ns per
operation, the median of --passes passes:

- policy_parse: ``Policy.parse(text)`` then ``close()``; an invalid input
  raises ParseError (with its diagnostics read), which is counted too;
  policy_parse_valid_only: the same over the inputs that parse;
- record_parse, record_parse_valid_only: ``Record.parse(text)`` then
  ``close()``, likewise;
- mx_match: ``policy.matches(host)`` on a pre-built policy;
- the same three through the raw ctypes functions (no wrapper, no
  diagnostics list), to split the overhead into ctypes' own and the
  wrapper's.

With --c-bench, mtasts-bench is run on the same corpus and the difference
(the binding's per-call overhead) is printed. --json prints one JSON object
per line instead of the table.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from ctypes import byref, c_void_p
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import mtasts
from mtasts import Mode, ParseError, Policy, Record
from mtasts._lib import lib

TYPICAL_POLICY = (b"version: STSv1\r\nmode: enforce\r\n"
                  b"mx: mail.example.com\r\nmx: *.example.net\r\n"
                  b"mx: backupmx.example.com\r\nmax_age: 604800\r\n")
TYPICAL_RECORD = b"v=STSv1; id=20160831085700Z;"
TYPICAL_ROW = (["mail.example.com", "*.example.net"], "mx1.example.net.")


def load_corpus(path: str) -> Tuple[List[bytes], List[bytes],
                                    List[Tuple[List[str], str]]]:
    with open(os.path.join(path, "policies.txt"), "rb") as f:
        policies = f.read().split(b"\n%%\n")[:-1]
    with open(os.path.join(path, "txt-records.txt"), "rb") as f:
        records = f.read().split(b"\n")[:-1]
    rows = []
    with open(os.path.join(path, "mx-match.tsv"), encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3:
                rows.append((cols[0].split(" "), cols[1]))
    return policies, records, rows


def timed(fn: Callable[[], None], n: int, passes: int) -> float:
    """Median ns per operation of ``fn`` (which runs ``n`` operations)."""
    reps = 1
    while True:  # warm up; about 20 ms per pass
        t0 = time.perf_counter_ns()
        for _ in range(reps):
            fn()
        if time.perf_counter_ns() - t0 > 20_000_000 or reps > 1 << 20:
            break
        reps *= 2
    samples = []
    for _ in range(passes):
        t0 = time.perf_counter_ns()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter_ns() - t0) / (reps * n))
    return statistics.median(samples)


def bench_python(policies: Sequence[bytes], records: Sequence[bytes],
                 rows: Sequence[Tuple[List[str], str]],
                 passes: int) -> Dict[str, float]:
    built = []
    for patterns, host in rows:
        valid = [p for p in patterns if not mtasts.mx_pattern_check(p)]
        policy = Policy.build(Mode.ENFORCE, 86400, valid) if valid else None
        built.append((policy, host))

    def policy_parse() -> None:
        for text in policies:
            try:
                Policy.parse(text).close()
            except ParseError:
                pass

    def record_parse() -> None:
        for text in records:
            try:
                Record.parse(text).close()
            except ParseError:
                pass

    def mx_match() -> None:
        for policy, host in built:
            if policy is not None:
                policy.matches(host)

    valid_policies = []
    for text in policies:
        try:
            Policy.parse(text).close()
            valid_policies.append(text)
        except ParseError:
            pass

    def policy_parse_valid() -> None:
        for text in valid_policies:
            Policy.parse(text).close()

    valid_records = []
    for text in records:
        try:
            Record.parse(text).close()
            valid_records.append(text)
        except ParseError:
            pass

    def record_parse_valid() -> None:
        for text in valid_records:
            Record.parse(text).close()

    # raw ctypes: the C calls of the C benchmark, nothing else
    parse, free = lib.mtasts_policy_parse, lib.mtasts_policy_free
    rparse, rfree = lib.mtasts_record_parse, lib.mtasts_record_free
    match = lib.mtasts_policy_match
    raw_rows = [(p._h, h.encode()) for p, h in built if p is not None]

    def raw_policy_parse() -> None:
        out = c_void_p()
        for text in policies:
            if parse(byref(out), text, len(text), 0, None) == 0:
                free(out)

    def raw_record_parse() -> None:
        out = c_void_p()
        for text in records:
            if rparse(byref(out), text, len(text), 0, None) == 0:
                rfree(out)

    def raw_mx_match() -> None:
        for h, host in raw_rows:
            match(h, host, None)

    n_rows = sum(1 for p, _ in built if p is not None)
    res = {
        "policy_parse": timed(policy_parse, len(policies), passes),
        "policy_parse_valid_only": timed(policy_parse_valid,
                                         len(valid_policies), passes),
        "record_parse": timed(record_parse, len(records), passes),
        "record_parse_valid_only": timed(record_parse_valid,
                                         len(valid_records), passes),
        "mx_match": timed(mx_match, n_rows, passes),
        "raw_ctypes_policy_parse": timed(raw_policy_parse, len(policies),
                                         passes),
        "raw_ctypes_record_parse": timed(raw_record_parse, len(records),
                                         passes),
        "raw_ctypes_mx_match": timed(raw_mx_match, len(raw_rows), passes),
    }
    for policy, _ in built:
        if policy is not None:
            policy.close()
    return res


def bench_c(exe: str, corpus: Optional[str],
            passes: int) -> Dict[str, float]:
    cmd = [exe, "--passes", str(passes)]
    if corpus:
        cmd += ["--corpus", corpus]
    out = subprocess.run(cmd, check=True, capture_output=True,
                         text=True).stdout
    res = {}
    for line in out.splitlines():
        if line.startswith("{"):
            obj = json.loads(line)
            res[obj["what"]] = float(obj["ns_per_op"])
    return res


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", help="benchmark corpus directory "
                    "(shared/bench-corpus); default: one typical input")
    ap.add_argument("--c-bench", help="path of mtasts-bench, to run the C "
                    "side on the same corpus")
    ap.add_argument("--passes", type=int, default=5)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    if args.corpus:
        policies, records, rows = load_corpus(args.corpus)
    else:
        if args.c_bench:
            ap.error("--c-bench needs --corpus (the same inputs on both "
                     "sides)")
        policies, records, rows = [TYPICAL_POLICY], [TYPICAL_RECORD], \
            [TYPICAL_ROW]
    py = bench_python(policies, records, rows, args.passes)
    c = bench_c(args.c_bench, args.corpus, args.passes) if args.c_bench \
        else {}

    inputs = {"policies": len(policies), "records": len(records),
              "mx_rows": len(rows)}
    meta: Dict[str, object] = {
        "python": sys.version.split()[0],
        "library": mtasts.version_string(),
        "library_path": mtasts.library_path,
        "inputs": inputs}
    if args.json:
        print(json.dumps(meta))
        for what, ns in py.items():
            base = what.replace("raw_ctypes_", "")
            obj = {"what": what, "python_ns_per_op": round(ns, 1)}
            if base in c:
                obj["c_ns_per_op"] = c[base]
                obj["overhead_ns"] = round(ns - c[base], 1)
            print(json.dumps(obj))
        return 0
    print("Python %(python)s, libmtasts %(library)s (%(library_path)s)"
          % meta)
    print("inputs: %(policies)d policies, %(records)d records, "
          "%(mx_rows)d mx rows" % inputs)
    print("%-26s %12s %10s %12s" % ("operation", "python ns", "C ns",
                                     "overhead ns"))
    for what, ns in py.items():
        base = what.replace("raw_ctypes_", "")
        if base in c:
            print("%-26s %12.1f %10.1f %12.1f" % (what, ns, c[base],
                                                  ns - c[base]))
        else:
            print("%-26s %12.1f %10s %12s" % (what, ns, "-", "-"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
