# SPDX-License-Identifier: MIT
"""`pip install ./bindings/python` works offline and gives a usable package.

Copies the binding to a temporary directory (so that setuptools' build/
and *.egg-info never land in the source tree), builds a wheel with
`pip wheel --no-build-isolation --no-index --no-deps`, checks its content,
installs it with `pip install --no-index --target`, and imports the
installed copy against $MTASTS_LIBRARY.

The build needs an interpreter with pip, setuptools >= 61 and wheel: this
one, else /usr/bin/python3 (Debian's python3-setuptools and python3-wheel).
Without one the test exits 77, which meson reports as SKIP.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
CHECK = ("import setuptools, wheel, pip, sys; "
         "sys.exit(int(setuptools.__version__.split('.')[0]) < 61)")
SMOKE = """
import mtasts, os, sys
assert mtasts.__file__.startswith(sys.argv[1]), mtasts.__file__
assert mtasts.library_path == os.environ["MTASTS_LIBRARY"]
with mtasts.Policy.parse("version: STSv1\\nmode: testing\\n"
                         "mx: *.example.com\\nmax_age: 86400\\n") as p:
    assert p.match("mx1.example.com.") == "*.example.com"
    assert p.format(lf=True).startswith("version: STSv1\\nmode: testing\\n")
print("installed binding OK:", mtasts.__file__)
"""
EXPECTED = {"__init__.py", "_common.py", "_lib.py", "_lint.py", "_misc.py",
            "_objects.py", "py.typed"}


def builder() -> str | None:
    for exe in (sys.executable, "/usr/bin/python3"):
        if exe and os.path.exists(exe) and subprocess.run(
                [exe, "-c", CHECK], capture_output=True).returncode == 0:
            return exe
    return None


def run(cmd: list, **kw) -> subprocess.CompletedProcess:
    print("$", " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    sys.stdout.write(r.stdout[-3000:])
    sys.stderr.write(r.stderr[-3000:])
    if r.returncode != 0:
        sys.exit("FAIL: exit status %d" % r.returncode)
    return r


def main() -> int:
    exe = builder()
    if exe is None:
        print("SKIP: no interpreter with pip, setuptools >= 61 and wheel")
        return 77
    if not os.environ.get("MTASTS_LIBRARY"):
        sys.exit("FAIL: set MTASTS_LIBRARY to the built libmtasts.so.1")
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("PYTHONPATH", None)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "python")
        shutil.copytree(SOURCE, src, ignore=shutil.ignore_patterns(
            "build", "dist", "*.egg-info", "__pycache__"))
        dist = os.path.join(tmp, "dist")
        run([exe, "-m", "pip", "wheel", "--no-build-isolation", "--no-index",
             "--no-deps", "-w", dist, src], env=env)
        wheels = [f for f in os.listdir(dist) if f.endswith(".whl")]
        if len(wheels) != 1 or not wheels[0].startswith(
                "mtasts-1.0.0-py3-none-any"):
            sys.exit("FAIL: unexpected wheels %r" % wheels)
        wheel = os.path.join(dist, wheels[0])
        with zipfile.ZipFile(wheel) as z:
            names = {n.split("/", 1)[1] for n in z.namelist()
                     if n.startswith("mtasts/")}
        if names != EXPECTED:
            sys.exit("FAIL: wheel holds %r, expected %r"
                     % (sorted(names), sorted(EXPECTED)))
        target = os.path.join(tmp, "site")
        run([exe, "-m", "pip", "install", "--no-index", "--no-deps",
             "--target", target, wheel], env=env)
        env["PYTHONPATH"] = target
        run([sys.executable, "-c", SMOKE, target], env=env, cwd=tmp)
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
