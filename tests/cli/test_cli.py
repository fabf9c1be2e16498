#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of the mtasts command-line tool.

Every test runs the real binary (path in $MTASTS_CLI) through subprocess and
checks its exit status, its standard output byte for byte or as exact JSON,
and its standard error. Standard library only.

Set $MTASTS_CLI_WRAPPER to run every command under a tool, for example
  MTASTS_CLI_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full"
(an error then shows up as an unexpected exit status).
"""

import json
import os
import random
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest

CLI = os.environ.get("MTASTS_CLI", "")
WRAPPER = shlex.split(os.environ.get("MTASTS_CLI_WRAPPER", ""))
SOURCE_ROOT = os.environ.get(
    "MTASTS_SOURCE_ROOT",
    os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
EXAMPLE = os.path.join(SOURCE_ROOT, "docs", "examples", "mta-sts.txt")

POLICY_MAX_SIZE = 65536
RECORD_MAX_SIZE = 4096

EXAMPLE_CRLF = (b"version: STSv1\r\n"
                b"mode: enforce\r\n"
                b"mx: mail.example.com\r\n"
                b"mx: *.example.net\r\n"
                b"mx: backupmx.example.com\r\n"
                b"max_age: 604800\r\n")

EXAMPLE_POLICY_JSON = {
    "version": "STSv1",
    "mode": "enforce",
    "max_age": 604800,
    "mx": ["mail.example.com", "*.example.net", "backupmx.example.com"],
    "extensions": [],
}

# One human diagnostic line: FILE[:LINE[:COL]]: severity: message [code]
DIAG_RE = re.compile(
    r"^(?P<file>[^:]+)(?::(?P<line>[1-9][0-9]*)(?::(?P<col>[1-9][0-9]*))?)?"
    r": (?P<sev>error|warning|note): (?P<msg>.+) \[(?P<code>[a-z0-9-]+)\]$")

DIAG_KEYS = ["severity", "code", "line", "column", "message"]


def run(*args, stdin=b""):
    """Run the CLI; return (exit status, stdout bytes, stderr bytes)."""
    p = subprocess.run(WRAPPER + [CLI] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=300)
    return p.returncode, p.stdout, p.stderr


class CliTestCase(unittest.TestCase):
    """Base class: a temporary directory and helpers."""

    @classmethod
    def setUpClass(cls):
        if not CLI or not os.path.exists(CLI):
            # never skip silently: a missing binary is a failure
            raise RuntimeError("MTASTS_CLI is not set to the built binary")
        cls.tmp = tempfile.mkdtemp(prefix="mtasts-cli-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write(self, name, data):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def assertStatus(self, result, status):
        rc, out, err = result
        self.assertEqual(rc, status,
                         "exit %d, stdout %r, stderr %r" % (rc, out, err))

    def json_of(self, out):
        """Exactly one JSON object on one line, nothing else on stdout."""
        self.assertTrue(out.endswith(b"\n"), out)
        self.assertEqual(out.count(b"\n"), 1, out)
        doc = json.loads(out.decode("utf-8"))
        self.assertIsInstance(doc, dict)
        return doc

    def diag_lines(self, out):
        """The diagnostic lines of human output (all but the summary)."""
        lines = out.decode("ascii").splitlines()
        self.assertGreaterEqual(len(lines), 1)
        for line in lines[:-1]:
            self.assertRegex(line, DIAG_RE)
        return lines[:-1], lines[-1]

    def check_diags(self, diags):
        for d in diags:
            self.assertEqual(list(d.keys()), DIAG_KEYS)
            self.assertIn(d["severity"], ("error", "warning"))
            self.assertIsInstance(d["line"], int)
            self.assertIsInstance(d["column"], int)
            self.assertIsInstance(d["message"], str)
            self.assertRegex(d["code"], r"^[a-z0-9-]+$")

    def codes(self, doc):
        self.check_diags(doc["diagnostics"])
        return [(d["severity"], d["code"]) for d in doc["diagnostics"]]


# ---------------------------------------------------------------------------
class TestGeneral(CliTestCase):

    def test_version(self):
        rc, out, err = run("--version")
        self.assertEqual(rc, 0)
        self.assertRegex(out.decode(), r"^[0-9]+\.[0-9]+\.[0-9]+\n$")
        self.assertEqual(err, b"")

    def test_help(self):
        rc, out, err = run("--help")
        self.assertEqual(rc, 0)
        text = out.decode()
        self.assertTrue(text.startswith("Usage: mtasts "), text)
        for word in ("policy", "record", "match", "--version"):
            self.assertIn(word, text)
        self.assertEqual(err, b"")

    def test_help_of_every_command(self):
        for path in (["policy"], ["record"], ["policy", "check"],
                     ["policy", "match"], ["policy", "format"],
                     ["record", "check"], ["match"]):
            with self.subTest(path=path):
                for flag in ("--help", "-h"):
                    rc, out, err = run(*(path + [flag]))
                    self.assertEqual(rc, 0)
                    text = out.decode()
                    self.assertTrue(text.startswith(
                        "Usage: mtasts " + " ".join(path) + " "), text)
                    self.assertIn("Examples:\n  mtasts " + path[0], text)
                    self.assertEqual(err, b"")

    def test_help_wins_over_other_arguments(self):
        rc, out, _ = run("policy", "check", "/nonexistent", "--frob",
                         "--help")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith(b"Usage: mtasts policy check "))

    def test_no_arguments(self):
        rc, out, err = run()
        self.assertEqual(rc, 2)
        self.assertEqual(out, b"")
        self.assertIn(b"Usage: mtasts", err)

    def test_unknown_command(self):
        rc, out, err = run("frobnicate")
        self.assertEqual(rc, 2)
        self.assertEqual(out, b"")
        self.assertTrue(err.startswith(
            b"mtasts: unknown command 'frobnicate'\nUsage: mtasts "), err)

    def test_unknown_subcommand(self):
        for group in ("policy", "record"):
            with self.subTest(group=group):
                rc, out, err = run(group, "frob")
                self.assertEqual(rc, 2)
                self.assertEqual(out, b"")
                self.assertIn(b"Usage: mtasts " + group.encode(), err)

    def test_missing_subcommand(self):
        rc, out, err = run("policy")
        self.assertEqual(rc, 2)
        self.assertEqual(out, b"")
        self.assertIn(b"Usage: mtasts policy", err)

    def test_unknown_option(self):
        for args in (["--frob"], ["policy", "check", "--frob", EXAMPLE],
                     ["record", "check", "--strict", "v=STSv1; id=1;"],
                     ["match", "-x", "a.example", "a.example"],
                     ["policy", "format", "--crlf", EXAMPLE]):
            with self.subTest(args=args):
                rc, out, err = run(*args)
                self.assertEqual(rc, 2)
                self.assertEqual(out, b"")
                self.assertIn(b"unknown option", err)
                self.assertIn(b"Usage: mtasts", err)

    def test_wrong_number_of_operands(self):
        for args in (["policy", "check"],
                     ["policy", "check", EXAMPLE, EXAMPLE],
                     ["policy", "match", EXAMPLE],
                     ["policy", "match", EXAMPLE, "a", "b"],
                     ["policy", "format"],
                     ["match", "a.example"],
                     ["match", "a", "b", "c"]):
            with self.subTest(args=args):
                rc, out, err = run(*args)
                self.assertEqual(rc, 2)
                self.assertEqual(out, b"")
                self.assertTrue(err.startswith(b"mtasts: "), err)

    def test_double_dash_ends_options(self):
        # "--json" after "--" is a record text, not an option.
        rc, out, _ = run("record", "check", "--", "--json")
        self.assertEqual(rc, 1)
        lines, summary = self.diag_lines(out)
        self.assertEqual(summary, "<arg>: invalid (1 error, 0 warnings)")
        self.assertTrue(lines[0].endswith("[txt-version]"), lines)


# ---------------------------------------------------------------------------
class TestPolicyCheck(CliTestCase):

    def test_example_human(self):
        rc, out, err = run("policy", "check", EXAMPLE)
        self.assertEqual(rc, 0)
        self.assertEqual(
            out.decode(),
            EXAMPLE + ": valid (mode enforce, max_age 604800, 3 mx)\n")
        self.assertEqual(err, b"")

    def test_example_json(self):
        rc, out, err = run("policy", "check", "--json", EXAMPLE)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(list(doc.keys()), ["valid", "policy", "diagnostics"])
        self.assertEqual(doc, {"valid": True, "policy": EXAMPLE_POLICY_JSON,
                               "diagnostics": []})
        self.assertEqual(list(doc["policy"].keys()),
                         ["version", "mode", "max_age", "mx", "extensions"])
        self.assertEqual(err, b"")

    def test_stdin(self):
        rc, out, _ = run("policy", "check", "-", stdin=EXAMPLE_CRLF)
        self.assertEqual(rc, 0)
        self.assertEqual(
            out, b"<stdin>: valid (mode enforce, max_age 604800, 3 mx)\n")
        rc, out, _ = run("policy", "check", "--json", "-",
                         stdin=EXAMPLE_CRLF)
        self.assertEqual(rc, 0)
        self.assertEqual(self.json_of(out)["policy"], EXAMPLE_POLICY_JSON)

    def test_options_after_operand(self):
        rc, out, _ = run("policy", "check", EXAMPLE, "--json")
        self.assertEqual(rc, 0)
        self.assertEqual(self.json_of(out)["valid"], True)

    def test_lf_and_mixed_line_ends(self):
        data = b"version: STSv1\nmode: testing\r\nmx: mx.example.org\nmax_age: 86400"
        path = self.write("mixed.txt", data)
        rc, out, _ = run("policy", "check", path)
        self.assertEqual(rc, 0)
        self.assertEqual(
            out.decode(),
            path + ": valid (mode testing, max_age 86400, 1 mx)\n")

    def test_invalid_human_format(self):
        path = self.write("badage.txt",
                          b"version: STSv1\nmode: enforce\n"
                          b"mx: mx.example.com\nmax_age: 12x\n")
        rc, out, err = run("policy", "check", path)
        self.assertEqual(rc, 1)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        m = DIAG_RE.match(lines[0])
        self.assertEqual(m.group("file"), path)
        # The column points at the offending byte, the 'x'.
        self.assertEqual((m.group("line"), m.group("col")), ("4", "12"))
        self.assertEqual(m.group("sev"), "error")
        self.assertEqual(m.group("code"), "policy-max-age-invalid")
        self.assertEqual(summary, path + ": invalid (1 error, 0 warnings)")
        self.assertEqual(err, b"")

    def test_whole_input_diagnostic_has_no_position(self):
        path = self.write("noage.txt",
                          b"version: STSv1\r\nmode: none\r\n")
        rc, out, _ = run("policy", "check", path)
        self.assertEqual(rc, 1)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith(path + ": error: "), lines)
        self.assertTrue(lines[0].endswith(" [policy-max-age-missing]"))
        self.assertEqual(summary, path + ": invalid (1 error, 0 warnings)")
        rc, out, _ = run("policy", "check", "--json", path)
        doc = self.json_of(out)
        self.assertEqual(doc["diagnostics"][0]["line"], 0)
        self.assertEqual(doc["diagnostics"][0]["column"], 0)

    def test_invalid_json(self):
        path = self.write("invalid.txt",
                          b"version: STSv2\nmode: enforce\nmax_age: 1\n")
        rc, out, err = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertEqual(list(doc.keys()), ["valid", "policy", "diagnostics"])
        self.assertIs(doc["valid"], False)
        self.assertIsNone(doc["policy"])
        self.assertEqual(self.codes(doc),
                         [("error", "policy-version-invalid"),
                          ("error", "policy-mx-missing")])
        first = doc["diagnostics"][0]
        self.assertEqual((first["line"], first["column"]), (1, 10))
        self.assertIn("STSv2", first["message"])
        self.assertEqual(err, b"")

    def test_warnings_keep_exit_zero(self):
        path = self.write("dup.txt",
                          b"version: STSv1\nmode: none\nmax_age: 1\n"
                          b"mode: enforce\n")
        rc, out, _ = run("policy", "check", path)
        self.assertEqual(rc, 0)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith(path + ":4:1: warning: "))
        self.assertTrue(lines[0].endswith("[policy-duplicate]"))
        self.assertEqual(summary, path + ": valid (mode none, max_age 1, "
                         "0 mx, 1 warning)")
        rc, out, _ = run("policy", "check", "--json", path)
        doc = self.json_of(out)
        self.assertIs(doc["valid"], True)
        self.assertEqual(doc["policy"]["mode"], "none")
        self.assertEqual(doc["policy"]["mx"], [])
        self.assertEqual(self.codes(doc), [("warning", "policy-duplicate")])

    def test_lenient_bom(self):
        path = self.write("bom.txt", b"\xef\xbb\xbf" + EXAMPLE_CRLF)
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIsNone(doc["policy"])
        self.assertEqual(self.codes(doc), [("error", "bom")])
        rc, out, _ = run("policy", "check", "--json", "--lenient", path)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(doc["policy"], EXAMPLE_POLICY_JSON)
        self.assertEqual(self.codes(doc), [("warning", "bom")])
        self.assertEqual((doc["diagnostics"][0]["line"],
                          doc["diagnostics"][0]["column"]), (1, 1))

    def test_lenient_field_name_case(self):
        data = EXAMPLE_CRLF.replace(b"mode:", b"Mode:")
        path = self.write("case.txt", data)
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIs(doc["valid"], False)
        self.assertIn(("error", "policy-mode-missing"), self.codes(doc))
        rc, out, _ = run("policy", "check", "--lenient", "--json", path)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(doc["policy"], EXAMPLE_POLICY_JSON)
        self.assertEqual(self.codes(doc), [("warning", "policy-name-case")])
        rc, out, _ = run("policy", "check", "--lenient", path)
        self.assertEqual(rc, 0)
        lines, summary = self.diag_lines(out)
        self.assertTrue(lines[0].startswith(path + ":2:1: warning: "))
        self.assertEqual(summary, path + ": valid (mode enforce, max_age "
                         "604800, 3 mx, 1 warning)")

    def test_lenient_does_not_relax_values(self):
        data = EXAMPLE_CRLF.replace(b"enforce", b"Enforce")
        path = self.write("value-case.txt", data)
        rc, out, _ = run("policy", "check", "--lenient", "--json", path)
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "policy-mode-invalid")])

    def test_extensions_and_utf8_json(self):
        data = (b"version: STSv1\nmode: testing\nmx: MX.Example.ORG\n"
                b"max_age: 0086400\nfoo: h\xc3\xa9llo \"q\" \\ \xe2\x82\xac\n"
                b"bar-1.x: y\n")
        path = self.write("ext.txt", data)
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 0)
        # Valid UTF-8 passes through unescaped; " and \ are escaped.
        self.assertIn(b'"h\xc3\xa9llo \\"q\\" \\\\ \xe2\x82\xac"', out)
        doc = self.json_of(out)
        self.assertEqual(doc["policy"], {
            "version": "STSv1", "mode": "testing", "max_age": 86400,
            "mx": ["mx.example.org"],
            "extensions": [{"name": "foo", "value": "h\u00e9llo \"q\" \\ \u20ac"},
                           {"name": "bar-1.x", "value": "y"}]})
        self.assertEqual(list(doc["policy"]["extensions"][0].keys()),
                         ["name", "value"])

    def test_json_escapes_backslash_in_message(self):
        path = self.write("ctl.txt",
                          b"version: STSv1\nmode: none\nmax_age: 1\n"
                          b"foo: a\x01b\n")
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        self.assertNotIn(b"\x01", out)
        doc = self.json_of(out)
        self.assertEqual(self.codes(doc), [("error", "control-char")])
        self.assertIn("\\x01", doc["diagnostics"][0]["message"])
        self.assertEqual((doc["diagnostics"][0]["line"],
                          doc["diagnostics"][0]["column"]), (4, 7))

    def test_invalid_utf8_extension(self):
        path = self.write("badutf8.txt",
                          b"version: STSv1\nmode: none\nmax_age: 1\n"
                          b"foo: \xc3\x28\xff\n")
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertEqual(self.codes(doc), [("error", "invalid-utf8")])

    def test_nonexistent_file(self):
        path = os.path.join(self.tmp, "does-not-exist.txt")
        for extra in ([], ["--json"]):
            with self.subTest(extra=extra):
                rc, out, err = run("policy", "check", *(extra + [path]))
                self.assertEqual(rc, 2)
                self.assertEqual(out, b"")
                self.assertTrue(err.startswith(
                    b"mtasts: " + path.encode() + b": "), err)

    def test_directory(self):
        rc, out, err = run("policy", "check", self.tmp)
        self.assertEqual(rc, 2)
        self.assertEqual(out, b"")
        self.assertTrue(err.startswith(b"mtasts: "), err)

    def test_empty_file(self):
        path = self.write("empty.txt", b"")
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)), [("error", "empty")])

    def test_too_large_file(self):
        line = b"foo: " + b"x" * 90 + b"\n"
        data = EXAMPLE_CRLF + line * (100000 // len(line))
        self.assertGreater(len(data), POLICY_MAX_SIZE + 1)
        path = self.write("huge.txt", data)
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIsNone(doc["policy"])
        self.assertEqual(self.codes(doc), [("error", "too-large")])
        self.assertEqual(doc["diagnostics"][0]["line"], 0)
        rc, out, _ = run("policy", "check", path)
        self.assertEqual(rc, 1)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith(path + ": error: "))
        self.assertTrue(lines[0].endswith("[too-large]"))

    @staticmethod
    def policy_of_size(size):
        """A canonical CRLF policy of exactly `size` bytes (near 64 KiB)."""
        head = b"version: STSv1\r\nmode: enforce\r\n"
        tail = b"max_age: 86400\r\n"
        n = 256
        total = size - len(head) - len(tail) - 6 * n
        lens = [total // n + (1 if i < total % n else 0) for i in range(n)]
        mx = []
        for i, length in enumerate(lens):
            rest = ("." + "a" * 63) * 3
            first = "h%d" % i
            first += "x" * (length - len(rest) - len(first))
            name = first + rest
            assert len(name) == length and len(first) <= 63
            mx.append(b"mx: " + name.encode() + b"\r\n")
        data = head + b"".join(mx) + tail
        assert len(data) == size
        return data

    def test_size_cap_boundary(self):
        data = self.policy_of_size(POLICY_MAX_SIZE)
        path = self.write("max.txt", data)
        rc, out, _ = run("policy", "check", path)
        self.assertEqual(rc, 0)
        self.assertEqual(out.decode(), path + ": valid (mode enforce, "
                         "max_age 86400, 256 mx)\n")
        data = data.replace(b"max_age: 86400", b"max_age: 086400")
        self.assertEqual(len(data), POLICY_MAX_SIZE + 1)
        path = self.write("max1.txt", data)
        rc, out, _ = run("policy", "check", "--json", path)
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "too-large")])

    @unittest.skipUnless(os.path.exists("/dev/zero"), "no /dev/zero")
    def test_endless_input_is_bounded(self):
        rc, out, _ = run("policy", "check", "--json", "/dev/zero")
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "too-large")])

    def test_nul_bytes(self):
        data = b"version: STSv1\nmode: none\nmax_age: 1\nfoo: a\x00b\n"
        rc, out, _ = run("policy", "check", "--json", "-", stdin=data)
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertEqual(self.codes(doc), [("error", "nul-byte")])
        self.assertEqual((doc["diagnostics"][0]["line"],
                          doc["diagnostics"][0]["column"]), (4, 7))

    def test_binary_garbage(self):
        rnd = random.Random(8461)
        for i in range(8):
            data = bytes(rnd.randrange(256) for _ in range(2000 + 500 * i))
            with self.subTest(i=i):
                rc, out, err = run("policy", "check", "--json", "-",
                                   stdin=data)
                self.assertEqual(rc, 1, err)
                doc = self.json_of(out)
                self.assertIs(doc["valid"], False)
                self.assertGreater(len(self.codes(doc)), 0)
                rc, out, _ = run("policy", "check", "-", stdin=data)
                self.assertEqual(rc, 1)
                _, summary = self.diag_lines(out)
                self.assertRegex(summary,
                                 r"^<stdin>: invalid \([0-9]+ errors?, "
                                 r"[0-9]+ warnings?\)$")


# ---------------------------------------------------------------------------
class TestPolicyFormat(CliTestCase):

    MESSY = (b"max_age: 0086400  \n"
             b"mx: MX1.Example.COM\n"
             b"foo:    bar baz\t\n"
             b"version: STSv1\n"
             b"mx: *.example.net\n"
             b"mode: testing\n")

    def test_crlf_default(self):
        rc, out, err = run("policy", "format", EXAMPLE)
        self.assertEqual(rc, 0)
        self.assertEqual(out, EXAMPLE_CRLF)
        self.assertEqual(err, b"")

    def test_canonical_order_crlf(self):
        path = self.write("messy.txt", self.MESSY)
        rc, out, _ = run("policy", "format", path)
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"version: STSv1\r\nmode: testing\r\n"
                              b"mx: mx1.example.com\r\nmx: *.example.net\r\n"
                              b"max_age: 86400\r\nfoo: bar baz\r\n")

    def test_lf(self):
        path = self.write("messy.txt", self.MESSY)
        rc, out, _ = run("policy", "format", "--lf", path)
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"version: STSv1\nmode: testing\n"
                              b"mx: mx1.example.com\nmx: *.example.net\n"
                              b"max_age: 86400\nfoo: bar baz\n")

    def test_stdin(self):
        rc, out, _ = run("policy", "format", "--lf", "-", stdin=EXAMPLE_CRLF)
        self.assertEqual(rc, 0)
        self.assertEqual(out, EXAMPLE_CRLF.replace(b"\r\n", b"\n"))

    def test_round_trip(self):
        path = self.write("messy.txt", self.MESSY)
        _, first, _ = run("policy", "format", path)
        rc, second, _ = run("policy", "format", "-", stdin=first)
        self.assertEqual(rc, 0)
        self.assertEqual(second, first)
        rc, out, _ = run("policy", "check", "-", stdin=first)
        self.assertEqual(rc, 0)

    def test_invalid(self):
        path = self.write("bad.txt", b"version: STSv1\nmode: enforce\n"
                                     b"max_age: 1\n")
        rc, out, err = run("policy", "format", path)
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertIn(b"[policy-mx-missing]", err)

    def test_lenient_warnings_on_stderr(self):
        path = self.write("bom.txt", b"\xef\xbb\xbf" + EXAMPLE_CRLF)
        rc, out, _ = run("policy", "format", path)
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        rc, out, err = run("policy", "format", "--lenient", path)
        self.assertEqual(rc, 0)
        self.assertEqual(out, EXAMPLE_CRLF)
        self.assertEqual(err.decode(), path + ":1:1: warning: " +
                         err.decode().split(": warning: ", 1)[1])
        self.assertTrue(err.endswith(b"[bom]\n"), err)

    def test_nonexistent(self):
        rc, out, err = run("policy", "format",
                           os.path.join(self.tmp, "nope.txt"))
        self.assertEqual(rc, 2)
        self.assertEqual(out, b"")
        self.assertTrue(err.startswith(b"mtasts: "))


# ---------------------------------------------------------------------------
class TestPolicyMatch(CliTestCase):

    def test_exact_match(self):
        rc, out, err = run("policy", "match", EXAMPLE, "mail.example.com")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"mail.example.com matches mail.example.com "
                              b"(index 0)\n")
        self.assertEqual(err, b"")

    def test_wildcard_match(self):
        rc, out, _ = run("policy", "match", EXAMPLE, "MX7.Example.NET")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"MX7.Example.NET matches *.example.net "
                              b"(index 1)\n")

    def test_trailing_dot_host(self):
        rc, out, _ = run("policy", "match", EXAMPLE, "backupmx.example.com.")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"backupmx.example.com. matches "
                              b"backupmx.example.com (index 2)\n")

    def test_no_match(self):
        for host in ("a.b.example.net", "example.net", "mail.example.org",
                     "mail.example.com.."):
            with self.subTest(host=host):
                rc, out, _ = run("policy", "match", EXAMPLE, host)
                self.assertEqual(rc, 1)
                self.assertEqual(out.decode(), host + " does not match any "
                                 "mx pattern of " + EXAMPLE + "\n")

    def test_stdin(self):
        rc, out, _ = run("policy", "match", "-", "x.example.net",
                         stdin=EXAMPLE_CRLF)
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"x.example.net matches *.example.net "
                              b"(index 1)\n")

    def test_invalid_policy(self):
        path = self.write("bad.txt", b"version: STSv1\nmode: enforce\n"
                                     b"mx: bad_host.example\nmax_age: 1\n")
        rc, out, err = run("policy", "match", path, "bad_host.example")
        self.assertEqual(rc, 2)
        self.assertEqual(out, b"")
        first = err.decode().splitlines()[0]
        self.assertRegex(first, DIAG_RE)
        self.assertTrue(first.startswith(path + ":3:"), first)
        self.assertTrue(first.endswith("[mx-invalid-char]"), first)

    def test_lenient(self):
        path = self.write("bom.txt", b"\xef\xbb\xbf" + EXAMPLE_CRLF)
        rc, _, _ = run("policy", "match", path, "mail.example.com")
        self.assertEqual(rc, 2)
        rc, out, err = run("policy", "match", "--lenient", path,
                           "mail.example.com")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"mail.example.com matches mail.example.com "
                              b"(index 0)\n")
        self.assertIn(b"warning", err)

    def test_mode_none_matches_nothing(self):
        path = self.write("none.txt", b"version: STSv1\nmode: none\n"
                                      b"max_age: 1\n")
        rc, _, _ = run("policy", "match", path, "mail.example.com")
        self.assertEqual(rc, 1)


# ---------------------------------------------------------------------------
class TestRecordCheck(CliTestCase):

    def test_valid_human(self):
        rc, out, err = run("record", "check", "v=STSv1; id=20160831085700Z;")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"<arg>: valid (id 20160831085700Z)\n")
        self.assertEqual(err, b"")

    def test_valid_json(self):
        rc, out, _ = run("record", "check", "--json",
                         "v=STSv1; id=20160831085700Z; ext-1=a:b")
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(list(doc.keys()), ["valid", "record", "diagnostics"])
        self.assertEqual(doc, {
            "valid": True,
            "record": {"version": "STSv1", "id": "20160831085700Z",
                       "extensions": [{"name": "ext-1", "value": "a:b"}]},
            "diagnostics": []})
        self.assertEqual(list(doc["record"].keys()),
                         ["version", "id", "extensions"])

    def test_invalid_id(self):
        rc, out, _ = run("record", "check", "v=STSv1; id=abc!;")
        self.assertEqual(rc, 1)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        m = DIAG_RE.match(lines[0])
        self.assertEqual((m.group("file"), m.group("line"), m.group("col")),
                         ("<arg>", "1", "16"))  # the '!'
        self.assertEqual(m.group("code"), "record-id-invalid")
        self.assertEqual(summary, "<arg>: invalid (1 error, 0 warnings)")
        rc, out, _ = run("record", "check", "--json", "v=STSv1; id=abc!;")
        doc = self.json_of(out)
        self.assertEqual(doc["valid"], False)
        self.assertIsNone(doc["record"])
        self.assertEqual(self.codes(doc), [("error", "record-id-invalid")])

    def test_column_zero_format(self):
        rc, out, _ = run("record", "check", "v=STSv1; foo=bar")
        self.assertEqual(rc, 1)
        lines, _ = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("<arg>:1: error: "), lines)
        self.assertTrue(lines[0].endswith("[record-id-missing]"), lines)

    def test_wrong_version(self):
        rc, out, _ = run("record", "check", "--json", "v=STSv2; id=1;")
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "txt-version")])

    def test_rrset_selected(self):
        rrs = ["v=spf1 -all", "v=STSv1; id=20190429T010101;",
               "google-site-verification=x"]
        rc, out, _ = run("record", "check", "--json", *rrs)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(list(doc.keys()),
                         ["valid", "record", "selected", "diagnostics"])
        self.assertEqual(doc, {
            "valid": True,
            "record": {"version": "STSv1", "id": "20190429T010101",
                       "extensions": []},
            "selected": 1, "diagnostics": []})
        rc, out, _ = run("record", "check", *rrs)
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"<arg>: valid (id 20190429T010101, RR 2 of 3 "
                              b"selected)\n")

    def test_rrset_none(self):
        rc, out, _ = run("record", "check", "--json", "v=spf1 -all",
                         "hello")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIs(doc["valid"], False)
        self.assertIsNone(doc["record"])
        self.assertIn("selected", doc)
        self.assertIsNone(doc["selected"])
        self.assertEqual(self.codes(doc), [("error", "rrset-none")])

    def test_rrset_multiple(self):
        rc, out, _ = run("record", "check", "--json", "v=STSv1; id=1;",
                         "x", "v=STSv1; id=2;")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIsNone(doc["selected"])
        self.assertIsNone(doc["record"])
        self.assertEqual(self.codes(doc), [("error", "rrset-multiple"),
                                           ("error", "rrset-multiple")])
        self.assertEqual([d["line"] for d in doc["diagnostics"]], [1, 3])

    def test_rrset_selected_but_invalid(self):
        rc, out, _ = run("record", "check", "--json", "v=spf1 -all",
                         "v=STSv1; id=;")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIs(doc["valid"], False)
        self.assertIsNone(doc["record"])
        self.assertEqual(doc["selected"], 1)
        self.assertEqual(doc["diagnostics"][0]["line"], 2)

    def test_rrset_human_line_is_argument_number(self):
        rc, out, _ = run("record", "check", "v=spf1 -all", "x",
                         "v=STSv1; id=1; id=2;")
        self.assertEqual(rc, 0)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        self.assertTrue(lines[0].startswith("<arg>:3:"), lines)
        self.assertTrue(lines[0].endswith("[txt-duplicate]"), lines)
        self.assertEqual(summary, "<arg>: valid (id 1, RR 3 of 3 selected, "
                                  "1 warning)")

    def test_rrset_discarded_warning(self):
        rc, out, _ = run("record", "check", "--json", "v=STSv1 id=1",
                         "v=STSv1; id=2;")
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(doc["selected"], 1)
        self.assertEqual(doc["record"]["id"], "2")
        self.assertEqual(self.codes(doc), [("warning", "rrset-discarded")])
        self.assertEqual(doc["diagnostics"][0]["line"], 1)

    def test_stdin_final_lf_removed(self):
        rc, out, _ = run("record", "check", stdin=b"v=STSv1; id=1;\n")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"<stdin>: valid (id 1)\n")
        rc, out, _ = run("record", "check", stdin=b"v=STSv1; id=1;")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"<stdin>: valid (id 1)\n")

    def test_stdin_only_one_lf_removed(self):
        rc, out, _ = run("record", "check", "--json",
                         stdin=b"v=STSv1; id=1;\n\n")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertNotIn("selected", doc)
        self.assertIn(("error", "control-char"), self.codes(doc))

    def test_stdin_cr_not_removed(self):
        rc, out, _ = run("record", "check", "--json",
                         stdin=b"v=STSv1; id=1;\r\n")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIn(("error", "control-char"), self.codes(doc))
        self.assertEqual(doc["diagnostics"][0]["column"], 15)
        rc, out, _ = run("record", "check", stdin=b"v=STSv1; id=1;\r\n")
        self.assertTrue(out.startswith(b"<stdin>:1:15: error: "), out)

    def test_stdin_whitespace_not_stripped(self):
        rc, out, _ = run("record", "check", "--json",
                         stdin=b" v=STSv1; id=1;\n")
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "txt-version")])

    def test_stdin_empty(self):
        for data in (b"", b"\n"):
            with self.subTest(data=data):
                rc, out, _ = run("record", "check", "--json", stdin=data)
                self.assertEqual(rc, 1)
                self.assertEqual(self.codes(self.json_of(out)),
                                 [("error", "empty")])

    def test_stdin_size_cap(self):
        rec = b"v=STSv1; id=1; x="
        rec += b"a" * (RECORD_MAX_SIZE - len(rec) - 1) + b";"
        self.assertEqual(len(rec), RECORD_MAX_SIZE)
        rc, out, _ = run("record", "check", stdin=rec + b"\n")
        self.assertEqual(rc, 0, out)
        rc, out, _ = run("record", "check", stdin=rec)
        self.assertEqual(rc, 0, out)
        rc, out, _ = run("record", "check", "--json",
                         stdin=b"a" + rec + b"\n")
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "too-large")])
        rc, out, _ = run("record", "check", "--json", stdin=rec * 50)
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "too-large")])

    def test_lenient(self):
        for text, code in ((" v=STSv1; id=1; ", "outer-whitespace"),
                           ('"v=STSv1; id=1;"', "quoted"),
                           ("v=STSv1; ID=1;", "txt-name-case")):
            with self.subTest(text=text):
                rc, out, _ = run("record", "check", "--json", text)
                self.assertEqual(rc, 1)
                doc = self.json_of(out)
                self.assertIsNone(doc["record"])
                self.assertIn("error", [d["severity"]
                                        for d in doc["diagnostics"]])
                rc, out, _ = run("record", "check", "--json", "--lenient",
                                 text)
                self.assertEqual(rc, 0)
                doc = self.json_of(out)
                self.assertEqual(doc["record"], {
                    "version": "STSv1", "id": "1", "extensions": []})
                self.assertEqual([d["code"] for d in doc["diagnostics"]
                                  if d["severity"] == "warning"], [code])
                self.assertNotIn("error", [d["severity"]
                                           for d in doc["diagnostics"]])

    def test_nul_byte_stdin(self):
        rc, out, _ = run("record", "check", "--json",
                         stdin=b"v=STSv1; id=1\x00;\n")
        self.assertEqual(rc, 1)
        self.assertIn(("error", "nul-byte"), self.codes(self.json_of(out)))

    def test_binary_garbage_stdin(self):
        rnd = random.Random(6125)
        for i in range(8):
            data = bytes(rnd.randrange(256) for _ in range(100 + 700 * i))
            with self.subTest(i=i):
                rc, out, err = run("record", "check", "--json", stdin=data)
                self.assertEqual(rc, 1, err)
                doc = self.json_of(out)
                self.assertIs(doc["valid"], False)
                self.assertGreater(len(self.codes(doc)), 0)
                rc, out, _ = run("record", "check", stdin=data)
                self.assertEqual(rc, 1)
                self.diag_lines(out)


# ---------------------------------------------------------------------------
class TestTlsrptCheck(CliTestCase):
    """mtasts tlsrpt check: RFC 8460 §3 records (T-xx / TA-xx ids)."""

    def test_valid_human(self):
        rc, out, err = run("tlsrpt", "check",
                           "v=TLSRPTv1;rua=mailto:reports@example.com")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"<arg>: valid (rua mailto:reports@example.com)\n")
        self.assertEqual(err, b"")

    def test_valid_json(self):
        rc, out, _ = run("tlsrpt", "check", "--json",
                         "v=TLSRPTv1; rua=mailto:a@example.com , "
                         "https://r.example/v1?x=y; rua=mailto:b@example.com;"
                         " ext=1")
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(list(doc.keys()), ["valid", "record", "diagnostics"])
        self.assertEqual(doc, {
            "valid": True,
            "record": {"version": "TLSRPTv1",
                       "rua": ["mailto:a@example.com",
                               "https://r.example/v1?x=y",
                               "mailto:b@example.com"],
                       "extensions": [{"name": "ext", "value": "1"}]},
            "diagnostics": []})
        self.assertEqual(list(doc["record"].keys()),
                         ["version", "rua", "extensions"])

    def test_raw_bang_is_an_error(self):
        # T-05, TA-03: the DMARC habit "!10m" is not allowed
        rc, out, _ = run("tlsrpt", "check", "--json",
                         "v=TLSRPTv1; rua=mailto:a@example.com!10m")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIsNone(doc["record"])
        self.assertEqual(self.codes(doc), [("error", "tlsrpt-uri-reserved")])
        self.assertEqual(doc["diagnostics"][0]["column"], 37)

    def test_other_scheme_is_a_warning(self):
        # TA-06: kept, valid, but reported
        rc, out, _ = run("tlsrpt", "check",
                         "v=TLSRPTv1; rua=ftp://r.example/in")
        self.assertEqual(rc, 0)
        lines, summary = self.diag_lines(out)
        self.assertEqual(len(lines), 1)
        m = DIAG_RE.match(lines[0])
        self.assertEqual((m.group("sev"), m.group("code"), m.group("col")),
                         ("warning", "tlsrpt-uri-scheme", "17"))
        self.assertEqual(summary, "<arg>: valid (rua ftp://r.example/in, "
                                  "1 warning)")

    def test_missing_rua(self):
        rc, out, _ = run("tlsrpt", "check", "v=TLSRPTv1; x=1")
        self.assertEqual(rc, 1)
        lines, _ = self.diag_lines(out)
        self.assertEqual(lines, ["<arg>:1: error: no 'rua' field (T-03) "
                                 "[tlsrpt-rua-missing]"])

    def test_lenient_quotes_and_case(self):
        text = '"v=TLSRPTv1; RUA=mailto:a@example.com"'
        rc, out, _ = run("tlsrpt", "check", "--json", text)
        self.assertEqual(rc, 1)
        self.assertEqual(self.codes(self.json_of(out)),
                         [("error", "txt-version")])
        rc, out, _ = run("tlsrpt", "check", "--json", "--lenient", text)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(doc["record"]["rua"], ["mailto:a@example.com"])
        self.assertEqual(self.codes(doc), [("warning", "quoted"),
                                           ("warning", "txt-name-case")])

    def test_rrset(self):
        rrs = ["v=spf1 -all", "v=TLSRPTv1; rua=mailto:tls@example.com",
               "v=STSv1; id=1"]
        rc, out, _ = run("tlsrpt", "check", "--json", *rrs)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(doc["selected"], 1)
        self.assertEqual(doc["record"]["rua"], ["mailto:tls@example.com"])
        # T-07: two records, none is used
        rc, out, _ = run("tlsrpt", "check", "--json",
                         "v=TLSRPTv1; rua=mailto:a@example.com",
                         "v=TLSRPTv1; rua=mailto:b@example.com")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertIsNone(doc["selected"])
        self.assertEqual(self.codes(doc), [("error", "rrset-multiple"),
                                           ("error", "rrset-multiple")])

    def test_stdin(self):
        rc, out, _ = run("tlsrpt", "check",
                         stdin=b"v=TLSRPTv1; rua=https://r.example/x\n")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"<stdin>: valid (rua https://r.example/x)\n")
        rc, out, _ = run("tlsrpt", "check",
                         stdin=b"v=TLSRPTv1; rua=https://r.example/x\r\n")
        self.assertEqual(rc, 1)  # only one final LF is removed

    def test_help(self):
        rc, out, _ = run("tlsrpt", "check", "--help")
        self.assertEqual(rc, 0)
        self.assertIn(b"Usage: mtasts tlsrpt check", out)
        self.assertIn(b"RFC 8460", out)

class TestMatch(CliTestCase):

    def test_wildcard_match(self):
        rc, out, err = run("match", "*.example.com", "mx1.example.com")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"mx1.example.com matches *.example.com\n")
        self.assertEqual(err, b"")

    def test_no_match(self):
        rc, out, err = run("match", "*.example.com", "example.com")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"example.com does not match *.example.com\n")
        self.assertEqual(err, b"")

    def test_wildcard_is_one_label(self):
        rc, out, _ = run("match", "*.example.com", "a.mx1.example.com")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"a.mx1.example.com does not match "
                              b"*.example.com\n")

    def test_case_and_trailing_dot_host(self):
        rc, out, _ = run("match", "mail.example.com", "MAIL.Example.COM.")
        self.assertEqual(rc, 0)
        self.assertEqual(out, b"MAIL.Example.COM. matches mail.example.com\n")
        rc, _, _ = run("match", "*.example.com", "mx.example.com.")
        self.assertEqual(rc, 0)
        rc, _, _ = run("match", "mail.example.com", "mail.example.com..")
        self.assertEqual(rc, 1)

    def test_invalid_pattern_trailing_dot(self):
        rc, out, err = run("match", "mail.example.com.", "mail.example.com")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"mail.example.com does not match "
                              b"mail.example.com.\n")
        lines = err.decode().splitlines()
        self.assertEqual(len(lines), 1)
        self.assertRegex(lines[0], DIAG_RE)
        self.assertTrue(lines[0].endswith("[mx-trailing-dot]"), lines)

    def test_invalid_pattern_wildcard(self):
        for pattern in ("mx*.example.com", "*example.com", "a.*.example.com"):
            with self.subTest(pattern=pattern):
                rc, out, err = run("match", pattern, "mxa.example.com")
                self.assertEqual(rc, 1)
                self.assertIn(b" does not match ", out)
                self.assertIn(b"[mx-wildcard]", err)

    def test_invalid_host_never_matches(self):
        rc, _, err = run("match", "--", "*.example.com", "-x.example.com")
        self.assertEqual(rc, 1)
        self.assertEqual(err, b"")
        rc, _, _ = run("match", "*.example.com", "")
        self.assertEqual(rc, 1)

    def test_control_bytes_in_arguments_are_escaped(self):
        rc, out, _ = run("match", "a.example", "a.example\nfake line")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"a.example\\x0afake line does not match "
                              b"a.example\n")


if __name__ == "__main__":
    unittest.main(verbosity=2)
