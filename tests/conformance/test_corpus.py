#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""libmtasts against the reference benchmark corpus' expectations.

tests/conformance/corpus/ is a copy of the project's shared benchmark
workload (1000 policies, 1000 TXT records, 2106 MX rows; format in its
README.md). Its expectations are a best-effort strict reading of RFC 8461;
entries marked null ("rfc_valid": null) or "?" are debatable and not
checked. Everything else must agree exactly: validity, mode, max_age, the
mx list (lower case), the record id, the match verdict.

usage: test_corpus.py CORPUS_DUMP_BINARY CORPUS_DIR
"""
import json
import os
import subprocess
import sys


def dump(binary, kind, path):
    out = subprocess.run([binary, kind, path], check=True,
                         capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    failures = []
    checked = 0

    got = dump(binary, "policies", os.path.join(corpus, "policies.txt"))
    exp = [json.loads(l) for l in open(os.path.join(corpus, "policies.expected.jsonl"))]
    if len(got) != len(exp):
        failures.append("policies: %d results for %d inputs" % (len(got), len(exp)))
    for g, e in zip(got, exp):
        if e["rfc_valid"] is None:
            continue
        checked += 1
        if g["valid"] != e["rfc_valid"]:
            failures.append("policy %d (%s): valid=%s, expected %s"
                            % (e["i"], e["cat"], g["valid"], e["rfc_valid"]))
        elif g["valid"] and (g["mode"], g["max_age"], g["mx"]) != (e["mode"], e["max_age"], e["mx"]):
            failures.append("policy %d (%s): %s, expected %s"
                            % (e["i"], e["cat"], g, e))

    got = dump(binary, "records", os.path.join(corpus, "txt-records.txt"))
    exp = [json.loads(l) for l in open(os.path.join(corpus, "txt-records.expected.jsonl"))]
    if len(got) != len(exp):
        failures.append("records: %d results for %d inputs" % (len(got), len(exp)))
    for g, e in zip(got, exp):
        if e["rfc_valid"] is None:
            continue
        checked += 1
        if g["valid"] != e["rfc_valid"] or (g["valid"] and g["id"] != e["id"]):
            failures.append("record %d (%s): %s, expected %s" % (e["i"], e["cat"], g, e))

    path = os.path.join(corpus, "mx-match.tsv")
    got = dump(binary, "mx", path)
    rows = [l.rstrip("\n").split("\t") for l in open(path, encoding="utf-8")]
    if len(got) != len(rows):
        failures.append("mx: %d results for %d rows" % (len(got), len(rows)))
    for n, (g, row) in enumerate(zip(got, rows)):
        if row[2] == "?":
            continue
        checked += 1
        if g["match"] != (row[2] == "1"):
            failures.append("mx row %d (%s): %r vs %r: match=%s, expected %s"
                            % (n + 1, row[3], row[0], row[1], g["match"], row[2]))

    for f in failures[:50]:
        print("FAIL:", f)
    print("%d expectations checked, %d disagreements" % (checked, len(failures)))
    return 1 if failures or checked < 4000 else 0


if __name__ == "__main__":
    sys.exit(main())
