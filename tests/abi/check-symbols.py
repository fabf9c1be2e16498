#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The header, the linker map and the built library export the same names.

Sets compared (STYLE.md R4; DESIGN.md "ABI rules"):
  (a) every function declared with MTASTS_EXPORT in include/mtasts.h,
  (b) every name in a version node of lib/libmtasts.sym,
  (c) every defined dynamic symbol of the shared object (nm -D).
They must be equal, every dynamic symbol must carry a MTASTS_* version, the
SONAME must be libmtasts.so.1, and every global defined in the static
library must start with "mtasts_" (no leaked helper, no writable global
outside the prefix).

usage: check-symbols.py HEADER MAP SHARED_OBJECT STATIC_ARCHIVE
"""
import re
import subprocess
import sys


def header_names(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    names = set()
    for m in re.finditer(r"MTASTS_EXPORT\b([^;{]*?)\b(mtasts_\w+)\s*\(", text):
        names.add(m.group(2))
    return names


def map_names(path):
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    names = set()
    nodes = set()
    for node, body in re.findall(r"(MTASTS_[0-9.]+)\s*\{(.*?)\}", text, flags=re.S):
        nodes.add(node)
        glob = body.split("local:")[0]
        glob = glob.replace("global:", " ")
        for tok in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", glob):
            names.add(tok)
    return names, nodes


def run(*argv):
    return subprocess.run(argv, check=True, capture_output=True, text=True).stdout


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    hdr, mapf, so, ar = sys.argv[1:]
    failures = []

    a = header_names(hdr)
    b, nodes = map_names(mapf)
    dyn = {}
    for line in run("nm", "-D", "--defined-only", so).splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        sym = parts[2]
        name, _, ver = sym.partition("@")
        ver = ver.lstrip("@")
        if name in nodes:  # the version-definition symbols themselves
            continue
        dyn[name] = ver
    c = set(dyn)

    if not a:
        failures.append("no MTASTS_EXPORT declarations found in %s" % hdr)
    if a - b:
        failures.append("declared in the header but not in the map: %s" % sorted(a - b))
    if b - a:
        failures.append("in the map but not declared in the header: %s" % sorted(b - a))
    if b - c:
        failures.append("in the map but not exported by the library: %s" % sorted(b - c))
    if c - b:
        failures.append("exported by the library but not in the map: %s" % sorted(c - b))
    for name, ver in sorted(dyn.items()):
        if ver not in nodes:
            failures.append("%s has version '%s', not one of %s" % (name, ver, sorted(nodes)))

    soname = re.search(r"\(SONAME\)\s+Library soname: \[(.*?)\]", run("readelf", "-d", so))
    if not soname or soname.group(1) != "libmtasts.so.1":
        failures.append("SONAME is %s, not libmtasts.so.1" % (soname.group(1) if soname else None))

    for line in run("nm", "--defined-only", "-g", ar).splitlines():
        parts = line.split()
        if len(parts) == 3 and not parts[2].startswith("mtasts_"):
            failures.append("static library defines a global without the prefix: %s" % line)

    for f in failures:
        print("FAIL:", f)
    print("%d exported functions; header, map and library agree: %s"
          % (len(c), "no" if failures else "yes"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
