# SPDX-License-Identifier: MIT
"""Tests of the Python binding, run against the freshly built library.

meson runs this file with MTASTS_LIBRARY set to the built shared object and
PYTHONPATH to bindings/python/src; by hand:

    MTASTS_LIBRARY=build/lib/libmtasts.so.1 PYTHONPATH=bindings/python/src \\
        python3 bindings/python/tests/test_mtasts.py

The import below fails (and with it the whole run) when the library cannot
be loaded: there is no skipping.
"""

from __future__ import annotations

import copy
import datetime
import gc
import os
import pickle
import subprocess
import sys
import unittest
import weakref

import mtasts
from mtasts import (
    BuildError,
    DiagCode,
    Diagnostic,
    Lint,
    Mode,
    ParseError,
    Policy,
    PolicyType,
    Record,
    ResultType,
    RuaScheme,
    Severity,
    Status,
    TlsRpt,
)
from mtasts import _lib

POLICY_LF = ("version: STSv1\n"
             "mode: enforce\n"
             "mx: mail.example.com\n"
             "mx: *.example.net\n"
             "mx: backupmx.example.com\n"
             "max_age: 604800\n")
POLICY_CRLF = POLICY_LF.replace("\n", "\r\n")


class TestLoading(unittest.TestCase):
    def test_uses_the_library_under_test(self):
        env = os.environ.get(_lib.ENV_VAR)
        if env:
            self.assertEqual(mtasts.library_path, env)

    def test_version(self):
        v = mtasts.version()
        self.assertGreaterEqual(v, mtasts.REQUIRED_VERSION)
        self.assertEqual(v >> 16, 1)
        self.assertEqual(mtasts.version_string(),
                         _lib.version_string_of(v))

    def test_version_check_fails_for_an_older_library(self):
        saved = _lib.REQUIRED_VERSION
        try:
            _lib.REQUIRED_VERSION = mtasts.version() + 1
            with self.assertRaises(ImportError) as cm:
                _lib.check_version()
        finally:
            _lib.REQUIRED_VERSION = saved
        msg = str(cm.exception)
        # both versions are named
        self.assertIn(mtasts.version_string(), msg)
        self.assertIn(_lib.version_string_of(mtasts.version() + 1), msg)
        self.assertEqual(_lib.check_version(), mtasts.version())

    def test_version_check_refuses_another_major(self):
        with self.assertRaises(ImportError):
            _lib.check_version(required=0x020000)

    def test_version_check_with_a_fake_old_library(self):
        class Old:
            _name = "libmtasts.so.1 (fake 0.9.0)"

            class mtasts_version:  # noqa: N801 - mimics a ctypes function
                argtypes = restype = None

                def __new__(cls):
                    return 0x000900

        with self.assertRaises(ImportError) as cm:
            _lib.check_version(Old)
        self.assertIn("0.9.0", str(cm.exception))
        self.assertIn("1.0.0", str(cm.exception))

    def test_import_time_check(self):
        # Run the loader module's own code with a higher requirement: the
        # import itself must fail with a clear message.
        with open(_lib.__file__, encoding="utf-8") as f:
            src = f.read()
        needle = "REQUIRED_VERSION = 0x010000"
        self.assertIn(needle, src)
        src = src.replace(needle, "REQUIRED_VERSION = 0x01ffff")
        with self.assertRaisesRegex(ImportError, r"needs libmtasts 1\.255\.255"):
            exec(compile(src, _lib.__file__, "exec"),
                 {"__name__": "mtasts._lib_copy"})

    def test_bad_library_path_fails_loudly(self):
        env = dict(os.environ, MTASTS_LIBRARY="/nonexistent/libmtasts.so.1")
        r = subprocess.run([sys.executable, "-c", "import mtasts"], env=env,
                           capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("ImportError", r.stderr)
        self.assertIn("MTASTS_LIBRARY", r.stderr)


class TestPolicy(unittest.TestCase):
    def test_accessors(self):
        with Policy.parse(POLICY_CRLF) as p:
            self.assertIs(p.mode, Mode.ENFORCE)
            self.assertEqual(p.max_age, 604800)
            self.assertEqual(p.mx, ("mail.example.com", "*.example.net",
                                    "backupmx.example.com"))
            self.assertEqual(p.extensions, ())
            self.assertEqual(p.diagnostics, ())
            self.assertEqual(p.warnings, ())

    def test_round_trip_crlf_and_lf(self):
        with Policy.parse(POLICY_CRLF) as a, Policy.parse(POLICY_LF) as b:
            self.assertEqual(a, b)
            self.assertEqual(a.format(), POLICY_CRLF)
            self.assertEqual(str(a), POLICY_CRLF)
            self.assertEqual(a.format(lf=True), POLICY_LF)
            self.assertEqual(b.format(lf=False), POLICY_CRLF)
            with Policy.parse(a.format()) as c, \
                    Policy.parse(a.format(lf=True)) as d:
                self.assertEqual(c, a)
                self.assertEqual(d, a)

    def test_canonical_form(self):
        text = ("mx: MX1.Example.COM\nmax_age: 0086400\nx-note: caf\u00e9\n"
                "mode: testing\nversion: STSv1")  # no final newline
        with Policy.parse(text) as p:
            self.assertEqual(p.mx, ("mx1.example.com",))
            self.assertEqual(p.max_age, 86400)
            self.assertEqual(p.extensions, (("x-note", "caf\u00e9"),))
            self.assertEqual(p.format(lf=True),
                             "version: STSv1\nmode: testing\n"
                             "mx: mx1.example.com\nmax_age: 86400\n"
                             "x-note: caf\u00e9\n")

    def test_bytes_and_str_are_the_same(self):
        with Policy.parse(POLICY_LF.encode()) as a, Policy.parse(POLICY_LF) \
                as b, Policy.parse(bytearray(POLICY_LF.encode())) as c:
            self.assertEqual(a, b)
            self.assertEqual(a, c)

    def test_mode_none_without_mx(self):
        with Policy.parse("version: STSv1\nmode: none\nmax_age: 0\n") as p:
            self.assertIs(p.mode, Mode.NONE)
            self.assertEqual(p.mx, ())
            self.assertEqual(p.max_age, 0)
            self.assertFalse(p.matches("mx.example.com"))

    def test_parse_error_contents(self):
        text = ("version: STSv1\nmode: testing\nmx: mx.example.com\n"
                "max_age: 99999999\n")
        with self.assertRaises(ParseError) as cm:
            Policy.parse(text)
        e = cm.exception
        self.assertIsInstance(e, ValueError)
        self.assertIsInstance(e, mtasts.MtastsError)
        self.assertEqual(e.status, Status.EMAXAGE)
        self.assertEqual(e.status_name, "MTASTS_EMAXAGE")
        self.assertIsInstance(e.diagnostics, list)
        self.assertEqual(len(e.diagnostics), 1)
        d = e.diagnostics[0]
        self.assertIsInstance(d, Diagnostic)
        self.assertEqual((d.code, d.name, d.severity, d.line, d.column,
                          d.offset),
                         (DiagCode.POLICY_MAX_AGE_RANGE,
                          "policy-max-age-range", Severity.ERROR, 4, 10, 57))
        self.assertTrue(d.message)
        self.assertTrue(d.message.isascii())
        self.assertIn("4:10: error:", str(d))
        self.assertIn("[policy-max-age-range]", str(d))
        self.assertIn(d.message, str(e))
        self.assertEqual(e.errors, e.diagnostics)
        self.assertIsNone(e.selected)

    def test_several_diagnostics_first_error_is_the_status(self):
        text = ("version: STSv1\nmode: Enforce\nmax_age: 99999999999\n"
                "mx: a..b\n")
        with self.assertRaises(ParseError) as cm:
            Policy.parse(text)
        e = cm.exception
        self.assertEqual(e.status, Status.EMODE)
        self.assertEqual([(d.code, d.line, d.column) for d in e.diagnostics],
                         [(DiagCode.POLICY_MODE_INVALID, 2, 7),
                          (DiagCode.POLICY_MAX_AGE_INVALID, 3, 20),
                          (DiagCode.MX_EMPTY_LABEL, 4, 7)])

    def test_nul_byte_is_input_not_a_terminator(self):
        text = b"version: STSv1\r\nmode: testing\r\nmx: mx.exa\0mple.com\r\n"
        with self.assertRaises(ParseError) as cm:
            Policy.parse(text + b"max_age: 1\r\n")
        d = cm.exception.diagnostics[0]
        self.assertEqual((d.line, d.column, d.offset), (3, 11, 41))
        self.assertIn("\\x00", d.message)

    def test_whole_input_problems(self):
        with self.assertRaises(ParseError) as cm:
            Policy.parse("")
        self.assertEqual(cm.exception.status, Status.ESYNTAX)
        self.assertEqual([(d.code, d.line, d.column)
                          for d in cm.exception.diagnostics],
                         [(DiagCode.EMPTY, 0, 0)])
        with self.assertRaises(ParseError) as cm:
            Policy.parse("version: STSv1\nmode: testing\nmax_age: 10\n")
        self.assertEqual(cm.exception.status, Status.EMX)
        self.assertEqual(cm.exception.diagnostics[0].code,
                         DiagCode.POLICY_MX_MISSING)

    def test_bare_cr(self):
        with self.assertRaises(ParseError) as cm:
            Policy.parse("version: STSv1\rmode: testing\n")
        d = cm.exception.diagnostics[0]
        self.assertEqual((d.code, d.line, d.column, d.offset),
                         (DiagCode.BARE_CR, 1, 15, 14))

    def test_lenient_warnings_on_success(self):
        text = " version: STSv1\nMode: testing\n\nmx: a.example\nmax_age: 1\n"
        with self.assertRaises(ParseError) as cm:
            Policy.parse(text)
        self.assertEqual(cm.exception.status, Status.ESYNTAX)
        with Policy.parse(text, lenient=True) as p:
            self.assertIs(p.mode, Mode.TESTING)
            self.assertEqual([(d.code, d.severity, d.line, d.column)
                              for d in p.warnings],
                             [(DiagCode.POLICY_LEADING_WHITESPACE,
                               Severity.WARNING, 1, 1),
                              (DiagCode.POLICY_NAME_CASE,
                               Severity.WARNING, 2, 1),
                              (DiagCode.POLICY_EMPTY_LINE,
                               Severity.WARNING, 3, 1)])
            self.assertEqual(p.warnings, p.diagnostics)

    def test_strict_success_with_warning(self):
        text = "version: STSv1\nmode: none\nmode: enforce\nmax_age: 0\n"
        with Policy.parse(text) as p:
            self.assertIs(p.mode, Mode.NONE)
            self.assertEqual([(d.code, d.line) for d in p.warnings],
                             [(DiagCode.POLICY_DUPLICATE, 3)])

    def test_bom(self):
        text = "\ufeffversion: STSv1\nmode: none\nmax_age: 0\n"
        with self.assertRaises(ParseError) as cm:
            Policy.parse(text)
        self.assertEqual(cm.exception.diagnostics[0].code, DiagCode.BOM)
        with Policy.parse(text, lenient=True) as p:
            self.assertEqual(p.warnings[0].code, DiagCode.BOM)

    def test_bad_argument_types(self):
        with self.assertRaises(TypeError):
            Policy.parse(42)  # type: ignore[arg-type]
        with self.assertRaises(TypeError):
            Policy()


class TestMatching(unittest.TestCase):
    def setUp(self):
        self.p = Policy.parse(POLICY_LF)

    def tearDown(self):
        self.p.close()

    def test_exact(self):
        self.assertTrue(self.p.matches("mail.example.com"))
        self.assertEqual(self.p.match("mail.example.com"),
                         "mail.example.com")
        self.assertEqual(self.p.match_index("mail.example.com"), 0)
        self.assertFalse(self.p.matches("mail2.example.com"))
        self.assertIsNone(self.p.match("mail2.example.com"))
        self.assertIsNone(self.p.match_index("mail2.example.com"))

    def test_trailing_dot_and_case(self):
        self.assertTrue(self.p.matches("mail.example.com."))
        self.assertTrue(self.p.matches("MAIL.Example.COM"))
        self.assertTrue(self.p.matches(b"Mail.Example.Com."))
        self.assertFalse(self.p.matches("mail.example.com.."))

    def test_wildcard_covers_one_label(self):
        self.assertEqual(self.p.match("mx1.example.net"), "*.example.net")
        self.assertEqual(self.p.match_index("MX1.EXAMPLE.NET."), 1)
        self.assertFalse(self.p.matches("a.b.example.net"))
        self.assertFalse(self.p.matches("example.net"))
        self.assertFalse(self.p.matches(".example.net"))

    def test_host_arguments(self):
        self.assertFalse(self.p.matches(""))
        with self.assertRaises(ValueError):
            self.p.matches("mail.example.com\0evil")
        with self.assertRaises(TypeError):
            self.p.matches(None)  # type: ignore[arg-type]

    def test_mx_match_and_pattern_check(self):
        self.assertTrue(mtasts.mx_match("*.example.com", "A.example.com."))
        self.assertFalse(mtasts.mx_match("*.example.com", "a.b.example.com"))
        self.assertFalse(mtasts.mx_match("bad..pattern", "bad..pattern"))
        self.assertEqual(mtasts.mx_pattern_check("*.example.com"), [])
        diags = mtasts.mx_pattern_check("*.example.com.")
        self.assertEqual([(d.code, d.severity, d.line, d.column)
                          for d in diags],
                         [(DiagCode.MX_TRAILING_DOT, Severity.ERROR, 1, 14)])
        self.assertEqual([d.code for d in mtasts.mx_pattern_check("a,b")],
                         [DiagCode.MX_LIST])
        with self.assertRaises(ValueError):
            mtasts.mx_pattern_check("a\0b")


class TestRecord(unittest.TestCase):
    def test_parse_and_accessors(self):
        with Record.parse("v=STSv1; id=20240101000000; ext=1; id=x;") as r:
            self.assertEqual(r.id, "20240101000000")
            self.assertEqual(r.extensions, (("ext", "1"),))
            self.assertEqual([(d.code, d.severity, d.column)
                              for d in r.warnings],
                             [(DiagCode.TXT_DUPLICATE, Severity.WARNING, 36)])
            self.assertEqual(r.format(), "v=STSv1; id=20240101000000; ext=1;")
            self.assertEqual(str(r), r.format())
            with Record.parse(r.format()) as again:
                self.assertEqual(again, r)
            self.assertIsNone(r.selected)

    def test_errors(self):
        with self.assertRaises(ParseError) as cm:
            Record.parse("v=STSv1; id=a-b;")
        e = cm.exception
        self.assertEqual(e.status, Status.EID)
        self.assertEqual([(d.code, d.line, d.column, d.offset)
                          for d in e.diagnostics],
                         [(DiagCode.RECORD_ID_INVALID, 1, 14, 13)])
        with self.assertRaises(ParseError) as cm:
            Record.parse("v=STSv2; id=1;")
        self.assertEqual(cm.exception.status, Status.EVERSION)
        with self.assertRaises(ParseError) as cm:
            Record.parse("v=STSv1; foo=bar")
        self.assertEqual([(d.code, d.line, d.column)
                          for d in cm.exception.diagnostics],
                         [(DiagCode.RECORD_ID_MISSING, 1, 0)])

    def test_lenient(self):
        quoted = '"v=STSv1; id=1;"'
        with self.assertRaises(ParseError):
            Record.parse(quoted)
        with Record.parse(quoted, lenient=True) as r:
            self.assertEqual(r.id, "1")
            self.assertEqual([d.code for d in r.warnings], [DiagCode.QUOTED])

    def test_select(self):
        rrs = ["google-site-verification=abc", ["v=STSv1; ", "id=7;"],
               b"v=spf1 -all"]
        with Record.select(rrs) as r:
            self.assertEqual(r.selected, 1)
            self.assertEqual(r.id, "7")

    def test_select_multiple_and_none(self):
        with self.assertRaises(ParseError) as cm:
            Record.select(["v=STSv1; id=1", "x", "v=STSv1; id=2"])
        e = cm.exception
        self.assertEqual(e.status, Status.EMULTIPLE)
        self.assertIsNone(e.selected)
        self.assertEqual([(d.code, d.line) for d in e.diagnostics],
                         [(DiagCode.RRSET_MULTIPLE, 1),
                          (DiagCode.RRSET_MULTIPLE, 3)])
        for rrs in ([], ["v=spf1 -all"]):
            with self.assertRaises(ParseError) as cm:
                Record.select(rrs)
            self.assertEqual(cm.exception.status, Status.ENORECORD)
            self.assertEqual(cm.exception.diagnostics[0].code,
                             DiagCode.RRSET_NONE)

    def test_select_single_candidate_invalid(self):
        with self.assertRaises(ParseError) as cm:
            Record.select(["x", "v=STSv1; id=!"])
        e = cm.exception
        self.assertEqual(e.status, Status.EID)
        self.assertEqual(e.selected, 1)
        self.assertEqual((e.diagnostics[0].line, e.diagnostics[0].column),
                         (2, 13))

    def test_select_rdata(self):
        rdata = [b"\x05hello", b"\x07v=STSv1\x06; id=1"]
        with Record.select_rdata(rdata) as r:
            self.assertEqual((r.id, r.selected), ("1", 1))
        with self.assertRaises(ParseError) as cm:
            Record.select_rdata([b"\x09v=STSv1"])
        self.assertIn(DiagCode.BAD_RDATA,
                      [d.code for d in cm.exception.diagnostics])


class TestTlsRpt(unittest.TestCase):
    def test_parse_and_accessors(self):
        text = ("v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example/x,"
                " ftp://x.example/z; rua=mailto:b@example.org; x=1")
        with TlsRpt.parse(text) as t:
            self.assertEqual(t.rua, ("mailto:tls@example.com",
                                     "https://r.example/x",
                                     "ftp://x.example/z",
                                     "mailto:b@example.org"))
            self.assertEqual(t.rua_schemes, (RuaScheme.MAILTO,
                                             RuaScheme.HTTPS,
                                             RuaScheme.OTHER,
                                             RuaScheme.MAILTO))
            self.assertEqual(t.extensions, (("x", "1"),))
            self.assertEqual([d.code for d in t.warnings],
                             [DiagCode.TLSRPT_URI_SCHEME])
            self.assertEqual(t.format(),
                             "v=TLSRPTv1; rua=mailto:tls@example.com,"
                             "https://r.example/x,ftp://x.example/z,"
                             "mailto:b@example.org; x=1")
            with TlsRpt.parse(str(t)) as again:
                self.assertEqual(again, t)

    def test_errors(self):
        with self.assertRaises(ParseError) as cm:
            TlsRpt.parse("v=TLSRPTv1; rua=mailto:a!b@example.com")
        e = cm.exception
        self.assertEqual(e.status, Status.ERUA)
        self.assertEqual([(d.code, d.column) for d in e.diagnostics],
                         [(DiagCode.TLSRPT_URI_RESERVED, 25)])
        with self.assertRaises(ParseError) as cm:
            TlsRpt.parse("v=TLSRPTv1; x=1")
        self.assertEqual(cm.exception.status, Status.ERUA)

    def test_select(self):
        rrs = ["v=STSv1; id=1", "v=TLSRPTv1; rua=mailto:r@example.com"]
        with TlsRpt.select(rrs) as t:
            self.assertEqual(t.selected, 1)
        with self.assertRaises(ParseError) as cm:
            TlsRpt.select([rrs[1], rrs[1]])
        self.assertEqual(cm.exception.status, Status.EMULTIPLE)
        with TlsRpt.select_rdata([b"\x0bv=TLSRPTv1;\x16rua=mailto:r@a.example"
                                  ]) as t:
            self.assertEqual(t.rua, ("mailto:r@a.example",))


class TestBuilders(unittest.TestCase):
    def test_policy_build(self):
        with Policy.build(Mode.TESTING, 86400,
                          ["mx1.example.com", "*.example.net"],
                          [("x-owner", "ops")]) as p:
            self.assertIs(p.mode, Mode.TESTING)
            self.assertEqual(p.format(lf=True),
                             "version: STSv1\nmode: testing\n"
                             "mx: mx1.example.com\nmx: *.example.net\n"
                             "max_age: 86400\nx-owner: ops\n")
            with Policy.parse(p.format()) as q:
                self.assertEqual(p, q)
        with Policy.build("enforce", 1, "mx.example.com", {"a": "b"}) as p:
            self.assertEqual((p.mode, p.mx, p.extensions),
                             (Mode.ENFORCE, ("mx.example.com",),
                              (("a", "b"),)))
        with Policy.build(1, 0) as p:
            self.assertIs(p.mode, Mode.NONE)

    def test_policy_build_errors(self):
        cases = [
            (("Enforce", 1, ["a.example"]), Status.EMODE),
            ((7, 1, ["a.example"]), Status.EMODE),
            ((Mode.TESTING, 31557601, ["a.example"]), Status.EMAXAGE),
            # would wrap to 86400 in a uint32_t: refused before the call
            ((Mode.TESTING, (1 << 32) + 86400, ["a.example"]),
             Status.EMAXAGE),
            ((Mode.TESTING, -1, ["a.example"]), Status.EMAXAGE),
            ((Mode.TESTING, 1, []), Status.EMX),
            ((Mode.TESTING, 1, ["a..example"]), Status.EMX),
        ]
        for args, status in cases:
            with self.subTest(args=args):
                with self.assertRaises(BuildError) as cm:
                    Policy.build(*args)
                self.assertEqual(cm.exception.status, status)
                self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(BuildError) as cm:
            Policy.build(Mode.TESTING, 1, ["a..example"])
        self.assertEqual([d.code for d in cm.exception.diagnostics],
                         [DiagCode.MX_EMPTY_LABEL])
        with self.assertRaises(BuildError) as cm:
            Policy.build(Mode.NONE, 1, extensions=[("mode", "x")])
        self.assertEqual(cm.exception.status, Status.EINVAL)
        with self.assertRaises(TypeError):
            Policy.build(Mode.NONE, 1.5)  # type: ignore[arg-type]
        with self.assertRaises(ValueError):
            Policy.build(Mode.TESTING, 1, ["a.example\0b"])

    def test_policy_replace(self):
        with Policy.build(Mode.TESTING, 86400, ["a.example"],
                          [("x", "y")]) as p, \
                p.replace(mode="enforce", max_age=604800) as q, \
                p.replace(mx=["b.example", "c.example"]) as r:
            self.assertEqual((q.mode, q.max_age, q.mx, q.extensions),
                             (Mode.ENFORCE, 604800, ("a.example",),
                              (("x", "y"),)))
            self.assertEqual(r.mx, ("b.example", "c.example"))
            self.assertIs(r.mode, Mode.TESTING)

    def test_equal_and_equivalent(self):
        with Policy.build(Mode.TESTING, 1, ["a.example", "b.example"]) as a, \
                Policy.build(Mode.TESTING, 1, ["b.example", "a.example"]) \
                as b:
            self.assertNotEqual(a, b)
            self.assertTrue(a.equivalent(b))
            self.assertNotEqual(a, "not a policy")
            with self.assertRaises(TypeError):
                hash(a)

    def test_record_build(self):
        with Record.build("20240101000000", [("ext", "v")]) as r:
            self.assertEqual(r.format(), "v=STSv1; id=20240101000000; ext=v;")
            with r.replace("2") as r2:
                self.assertEqual((r2.id, r2.extensions), ("2", (("ext", "v"),)))
        for bad, status in (("", Status.EID), ("a-b", Status.EID),
                            ("x" * 33, Status.EID)):
            with self.assertRaises(BuildError) as cm:
                Record.build(bad)
            self.assertEqual(cm.exception.status, status)
        with self.assertRaises(BuildError) as cm:
            Record.build("1", [("id", "2")])
        self.assertEqual(cm.exception.status, Status.EINVAL)

    def test_tlsrpt_build(self):
        with TlsRpt.build("mailto:tls@example.com") as t:
            self.assertEqual(str(t), "v=TLSRPTv1; rua=mailto:tls@example.com")
            self.assertEqual(t.warnings, ())
        with TlsRpt.build(["https://r.example/x", "ftp://x.example/"],
                          {"ext": "1"}) as t:
            self.assertEqual([d.code for d in t.warnings],
                             [DiagCode.TLSRPT_URI_SCHEME])
            self.assertEqual(t.extensions, (("ext", "1"),))
        for rua in ([], ["mailto:a!b@example.com"], ["not a uri"]):
            with self.subTest(rua=rua):
                with self.assertRaises(BuildError) as cm:
                    TlsRpt.build(rua)
                self.assertEqual(cm.exception.status, Status.ERUA)


class TestLint(unittest.TestCase):
    def test_error_case(self):
        with Policy.build(Mode.ENFORCE, 604800, ["mx1.example.com"]) as p, \
                Record.parse("v=STSv1; id=1") as rec, \
                TlsRpt.parse("v=TLSRPTv1; rua=mailto:r@example.com") as t, \
                Lint("example.com", record=rec, tlsrpt=t,
                     mx_hosts=["mx1.example.com", "mx2.example.com."]) as ctx:
            res = ctx.lint(p)
        self.assertFalse(res.ok)
        self.assertEqual(res.status, Status.ELINT)
        self.assertEqual([(d.code, d.severity) for d in res.errors],
                         [(DiagCode.LINT_MX_UNCOVERED, Severity.ERROR)])
        self.assertIn("mx2.example.com", res.errors[0].message)

    def test_warning_case(self):
        with Policy.build(Mode.TESTING, 3600, ["mx1.example.com"]) as p, \
                Record.parse("v=STSv1; id=1") as rec:
            res = mtasts.lint(p, "example.com", record=rec, tlsrpt=None,
                              mx_hosts=["mx1.example.com"])
        self.assertTrue(res.ok)
        self.assertEqual(res.status, Status.OK)
        self.assertEqual(res.errors, ())
        codes = {d.code for d in res.warnings}
        self.assertIn(DiagCode.LINT_MAX_AGE_SHORT, codes)
        self.assertIn(DiagCode.LINT_NO_TLSRPT, codes)
        self.assertIn(DiagCode.LINT_MODE_TESTING, {d.code for d in res.notes})

    def test_no_record_is_an_error_unknown_is_skipped(self):
        with Policy.build(Mode.ENFORCE, 604800, ["mx.example.com"]) as p:
            self.assertTrue(mtasts.lint(p).ok)
            res = mtasts.lint(p, record=None)
            self.assertEqual([d.code for d in res.errors],
                             [DiagCode.LINT_NO_RECORD])

    def test_id_unchanged(self):
        with Policy.build(Mode.TESTING, 604800, ["mx.example.com"]) as old, \
                old.replace(mode=Mode.ENFORCE) as new, \
                Record.parse("v=STSv1; id=1") as rec:
            res = mtasts.lint(new, record=rec, previous=(old, rec))
            self.assertIn(DiagCode.LINT_ID_UNCHANGED,
                          [d.code for d in res.errors])

    def test_lint_text(self):
        res = mtasts.lint("version: STSv1\nmode: enforce\nmax_age: x\n"
                          "mx: a.example\n")
        self.assertFalse(res.ok)
        self.assertEqual(res.status, Status.EMAXAGE)
        self.assertEqual(res.errors[0].code, DiagCode.POLICY_MAX_AGE_INVALID)
        res = mtasts.lint(POLICY_LF, mx_hosts=["mail.example.com"])
        self.assertTrue(res.ok)

    def test_invalid_context(self):
        with self.assertRaises(ValueError):
            Lint("not a domain!")
        with self.assertRaises(ValueError):
            Lint(mx_hosts=[""])
        with self.assertRaises(TypeError):
            Lint(record="v=STSv1; id=1")  # type: ignore[arg-type]


class TestIds(unittest.TestCase):
    def test_id_from_time(self):
        self.assertEqual(mtasts.id_from_time(0), "19700101000000")
        self.assertEqual(mtasts.id_from_time(1700000000.9), "20231114221320")
        self.assertEqual(mtasts.id_from_time(253402300799), "99991231235959")
        when = datetime.datetime(2024, 2, 29, 12, 0, 1,
                                 tzinfo=datetime.timezone.utc)
        self.assertEqual(mtasts.id_from_time(when), "20240229120001")
        for bad in (-1, 253402300800, 1 << 70):
            with self.assertRaises(ValueError):
                mtasts.id_from_time(bad)
        with self.assertRaises(ValueError):
            mtasts.id_from_time(datetime.datetime(2024, 1, 1))

    def test_id_check(self):
        self.assertTrue(mtasts.id_check("20240101T000000"))
        self.assertTrue(mtasts.id_check("x" * 32))
        for bad in ("", "x" * 33, "a-b", "a b", "a\0b", "caf\u00e9"):
            self.assertFalse(mtasts.id_check(bad), bad)

    def test_id_next(self):
        with Policy.build(Mode.TESTING, 86400, ["mx.example.com"]) as p, \
                p.replace(mode=Mode.ENFORCE) as q:
            self.assertEqual(mtasts.id_next(p, 0, "abc", p), ("abc", False))
            d = mtasts.id_next(q, 0, "abc", p)
            self.assertEqual(d, ("19700101000000", True))
            self.assertTrue(d.new)
            # same second as the old id: the next second is used
            self.assertEqual(mtasts.id_next(q, 0, "19700101000000", p).id,
                             "19700101000001")
            self.assertTrue(mtasts.id_next(q).new)
            with self.assertRaises(ValueError):
                mtasts.id_next(q, -5)


class TestEnums(unittest.TestCase):
    def test_mode(self):
        for m in Mode:
            self.assertIs(Mode.from_name(m.to_name()), m)
        self.assertEqual(Mode.ENFORCE.to_name(), "enforce")
        for bad in ("Enforce", "", "enforce "):
            with self.assertRaises(ValueError):
                Mode.from_name(bad)

    def test_result_and_policy_types(self):
        for t in ResultType:
            self.assertIs(ResultType.from_name(t.to_name()), t)
        self.assertEqual(ResultType.STS_POLICY_INVALID.to_name(),
                         "sts-policy-invalid")
        with self.assertRaises(ValueError):
            ResultType.from_name("no-such-type")
        for t in PolicyType:
            self.assertIs(PolicyType.from_name(t.to_name()), t)
        self.assertEqual(PolicyType.NO_POLICY_FOUND.to_name(),
                         "no-policy-found")
        with self.assertRaises(ValueError):
            PolicyType.from_name("STS")

    def test_result_type_for_status(self):
        self.assertIs(mtasts.result_type_for_status(Status.EMAXAGE),
                      ResultType.STS_POLICY_INVALID)
        self.assertIs(ResultType.for_status(Status.ESYNTAX),
                      ResultType.STS_POLICY_INVALID)
        self.assertIs(mtasts.result_type_for_status(Status.EFETCH),
                      ResultType.STS_POLICY_FETCH_ERROR)
        self.assertIs(mtasts.result_type_for_status(Status.ETLS),
                      ResultType.STS_WEBPKI_INVALID)
        for st in (Status.OK, Status.ENOMEM, Status.ENORECORD, Status.EID,
                   Status.EDNS, Status.ENOTSUP):
            self.assertIsNone(mtasts.result_type_for_status(st))

    def test_status_texts(self):
        for st in Status:
            self.assertEqual(mtasts.status_name(st), "MTASTS_" + st.name)
            self.assertEqual(st.to_name(), "MTASTS_" + st.name)
            self.assertTrue(mtasts.strerror(st))
        self.assertIsNone(mtasts.status_name(-1000))
        self.assertEqual(mtasts.strerror(5), "unknown status")

    def test_severity(self):
        self.assertEqual([s.to_name() for s in Severity],
                         ["error", "warning", "note"])

    def test_diag_codes_match_the_library(self):
        from mtasts import _common
        # Every code and status the binding names exists in the library
        # under the same name. The library may know more (codes are
        # appended, and an older binding must work with a newer library:
        # unknown codes reach Python as plain ints with the library's
        # name); those are listed on stderr so that DiagCode and Status in
        # src/mtasts/_common.py can be completed.
        for code in DiagCode:
            lib_name = _lib.lib.mtasts_diag_code_name(code)
            self.assertIsNotNone(lib_name, code)
            self.assertEqual(code.to_name(), lib_name.decode())
            self.assertEqual(code.name,
                             lib_name.decode().upper().replace("-", "_"))
        for st in Status:
            self.assertEqual(mtasts.status_name(st), "MTASTS_" + st.name)
        known = {int(c) for c in DiagCode}
        codes = [code for code in range(1, 1000) if code not in known
                 and _lib.lib.mtasts_diag_code_name(code) is not None]
        statuses = {int(s) for s in Status}
        more = [st for st in range(-200, 1) if st not in statuses
                and mtasts.status_name(st) is not None]
        if codes or more:
            print("\nnote: the library knows diagnostic codes %r and "
                  "statuses %r that mtasts.DiagCode / mtasts.Status do not "
                  "name yet" % (codes, more), file=sys.stderr)
        # whatever the binding does not name still reads correctly
        for code in codes:
            self.assertIsNotNone(_common._code_name(code))

    def test_unknown_codes_stay_ints(self):
        from mtasts import _common
        self.assertEqual(_common._status(-999), -999)
        self.assertNotIsInstance(_common._status(-999), Status)
        self.assertIs(_common._status(-3), Status.ESYNTAX)
        e = mtasts.MtastsError(-999)
        self.assertEqual((e.status, e.status_name), (-999, "-999"))
        self.assertIn("unknown status", str(e))


class TestGenerate(unittest.TestCase):
    def test_defaults_and_round_trip(self):
        g = mtasts.generate("Example.COM.", ["mx1.example.com",
                                             "*.mail.example.com"], now=0)
        self.assertEqual(g.domain, "example.com")
        self.assertEqual(g.id, "19700101000000")
        self.assertEqual(g.policy_url,
                         "https://mta-sts.example.com/.well-known/mta-sts.txt")
        self.assertEqual(g.policy_host, "mta-sts.example.com")
        self.assertEqual(g.record_name, "_mta-sts.example.com.")
        self.assertEqual(g.tlsrpt_name, "_smtp._tls.example.com.")
        self.assertEqual(g.record_text, "v=STSv1; id=19700101000000;")
        self.assertEqual(g.tlsrpt_text,
                         "v=TLSRPTv1; rua=mailto:tlsrpt@example.com")
        self.assertTrue(g.policy_text.endswith("\r\n"))
        with Policy.parse(g.policy_text) as p, \
                Record.parse(g.record_text) as r, \
                TlsRpt.parse(g.tlsrpt_text) as t:
            self.assertIs(p.mode, Mode.TESTING)
            self.assertEqual(p.max_age, 604800)
            self.assertEqual(p.mx, ("mx1.example.com", "*.mail.example.com"))
            self.assertEqual(r.id, g.id)
            self.assertEqual(t.rua, ("mailto:tlsrpt@example.com",))
            self.assertTrue(mtasts.lint(p, "example.com", record=r,
                                        tlsrpt=t).ok)

    def test_options(self):
        g = mtasts.generate("example.org", "mx.example.org", mode="enforce",
                            max_age=86400, rua=["https://r.example/x",
                                                "gopher://x.example/"],
                            id="v2")
        self.assertEqual(g.id, "v2")
        self.assertIn("mode: enforce\r\n", g.policy_text)
        self.assertIn("max_age: 86400\r\n", g.policy_text)
        self.assertEqual([d.code for d in g.warnings],
                         [DiagCode.TLSRPT_URI_SCHEME])
        g = mtasts.generate("example.org", [], mode=Mode.NONE, now=86400)
        self.assertEqual(g.id, "19700102000000")

    def test_refused_values(self):
        for kwargs in ({"domain": "*.example.com"}, {"domain": "a..b"},
                       {"domain": "exa mple.com"},
                       {"mx": ["bad..mx"]}, {"mx": []},
                       {"max_age": 40000000}, {"id": "not-an-id"},
                       {"rua": ["mailto:a!b@example.com"]},
                       {"mode": "Enforce"}):
            args = {"domain": "example.com", "mx": ["mx.example.com"]}
            args.update(kwargs)
            with self.subTest(kwargs=kwargs):
                with self.assertRaises(BuildError):
                    mtasts.generate(**args)


class TestLifetime(unittest.TestCase):
    def test_close_is_idempotent(self):
        p = Policy.parse(POLICY_LF)
        self.assertFalse(p.closed)
        p.close()
        self.assertTrue(p.closed)
        p.close()
        self.assertTrue(p.closed)
        self.assertIn("closed", repr(p))

    def test_use_after_close_raises(self):
        p = Policy.parse(POLICY_LF)
        r = Record.parse("v=STSv1; id=1")
        t = TlsRpt.parse("v=TLSRPTv1; rua=mailto:a@example.com")
        ctx = Lint()
        for obj in (p, r, t, ctx):
            obj.close()
        calls = [
            lambda: p.mode, lambda: p.max_age, lambda: p.mx,
            lambda: p.extensions, lambda: p.matches("a"),
            lambda: p.match("a"), lambda: p.match_index("a"),
            lambda: p.format(), lambda: str(p), lambda: p == p,
            lambda: p.equivalent(p), lambda: p.replace(max_age=1),
            lambda: r.id, lambda: r.extensions, lambda: r.format(),
            lambda: r.replace("2"), lambda: t.rua, lambda: t.rua_schemes,
            lambda: t.extensions, lambda: t.format(),
            lambda: ctx.set_domain("example.com"),
            lambda: copy.copy(p),
        ]
        for i, call in enumerate(calls):
            with self.subTest(call=i):
                with self.assertRaises(ValueError):
                    call()
        with self.assertRaises(ValueError):
            with p:
                pass
        with Policy.parse(POLICY_LF) as live:
            with self.assertRaises(ValueError):
                mtasts.lint(p)
            with self.assertRaises(ValueError):
                live.equivalent(p)
            with self.assertRaises(ValueError):
                mtasts.lint(live, record=r)
        # the diagnostics stay readable: they are Python objects
        self.assertEqual(p.diagnostics, ())

    def test_context_manager_closes_on_error(self):
        with self.assertRaises(RuntimeError):
            with Policy.parse(POLICY_LF) as p:
                raise RuntimeError("boom")
        self.assertTrue(p.closed)

    def test_garbage_collection(self):
        p = Policy.parse(POLICY_LF)
        gone = []
        weakref.finalize(p, gone.append, True)
        del p
        gc.collect()
        self.assertEqual(gone, [True])

    def test_copy_and_pickle_make_new_handles(self):
        with Policy.parse(POLICY_LF) as p:
            q = copy.deepcopy(p)
            s = pickle.loads(pickle.dumps(p))
        self.assertTrue(p.closed)
        self.assertEqual(q, s)
        self.assertEqual(q.mx[0], "mail.example.com")
        q.close()
        self.assertFalse(s.closed)
        with Record.parse("v=STSv1; id=1") as r, copy.copy(r) as r2:
            self.assertEqual(r, r2)
        with TlsRpt.parse("v=TLSRPTv1; rua=mailto:a@example.com") as t:
            self.assertEqual(pickle.loads(pickle.dumps(t)), t)
        with self.assertRaises(TypeError):
            copy.copy(Lint())


class TestReadme(unittest.TestCase):
    def test_package_doctest(self):
        import doctest
        result = doctest.testmod(mtasts)
        self.assertGreater(result.attempted, 0)
        self.assertEqual(result.failed, 0)

    def test_example_program_runs(self):
        import contextlib
        import io
        path = os.path.join(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), "README.md")
        with open(path, encoding="utf-8") as f:
            text = f.read()
        start = text.index("```python\n") + len("```python\n")
        code = text[start:text.index("```", start)]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
        lines = out.getvalue().splitlines()
        self.assertEqual(lines[:6], [
            "enforce 604800 ('mail.example.com', '*.example.net')",
            "True", "*.example.net", "False", "20240101 1", "MTASTS_EMODE"])
        self.assertIn("[policy-mode-invalid]", lines[6])
        self.assertIn("[lint-mx-uncovered]", lines[-1])


class TestThreads(unittest.TestCase):
    def test_parallel_parse_and_match(self):
        # ctypes releases the GIL around every call; the library is
        # reentrant and its objects may be read from several threads.
        import threading
        shared = Policy.parse(POLICY_LF)
        errors = []

        def work():
            try:
                for i in range(2000):
                    with Policy.parse(POLICY_CRLF) as p:
                        assert p == shared
                    assert shared.matches("mx%d.example.net" % i)
                    assert not shared.matches("a.mx%d.example.net" % i)
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        shared.close()
        self.assertEqual(errors, [])

    def test_objects_alive_at_interpreter_exit(self):
        code = ("import mtasts\n"
                "P = mtasts.Policy.parse('version: STSv1\\nmode: none\\n"
                "max_age: 0\\n')\n"
                "L = mtasts.Lint('example.com')\n"
                "cycle = [P]; cycle.append(cycle)\n")
        r = subprocess.run([sys.executable, "-c", code],
                           capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr), (0, ""))


def _rss() -> int:
    """Resident set size in bytes."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # pragma: no cover - not Linux
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class TestMemory(unittest.TestCase):
    CYCLES = 100_000
    LIMIT = 2 * 1024 * 1024

    def _flat(self, fn, cycles=CYCLES):
        for _ in range(cycles // 10):  # warm-up: caches, free lists
            fn()
        gc.collect()
        before = _rss()
        for _ in range(cycles):
            fn()
        gc.collect()
        growth = _rss() - before
        self.assertLess(growth, self.LIMIT,
                        "RSS grew by %d bytes over %d cycles"
                        % (growth, cycles))

    def test_parse_close(self):
        def cycle():
            p = Policy.parse(POLICY_CRLF)
            p.close()
        self._flat(cycle)

    def test_parse_freed_by_gc(self):
        def cycle():
            Policy.parse(POLICY_LF).matches("mail.example.com")
        self._flat(cycle)

    def test_format_strings_are_freed(self):
        with Policy.parse(POLICY_LF + "x-pad: " + "p" * 900 + "\n") as p:
            self._flat(p.format)

    def test_failures_and_records(self):
        bad = "version: STSv1\nmode: Enforce\nmax_age: x\nmx: a..b\n"

        def cycle():
            try:
                Policy.parse(bad)
            except ParseError:
                pass
            with Record.parse("v=STSv1; id=1; x=y") as r:
                r.format()
            with TlsRpt.build(["mailto:a@example.com", "ftp://x/"]) as t:
                t.format()
        self._flat(cycle, self.CYCLES // 4)


def main() -> int:
    prog = unittest.main(verbosity=2, exit=False)
    r = prog.result
    failed = len(r.failures) + len(r.errors) + len(r.unexpectedSuccesses)
    skipped = len(r.skipped)
    # the closing line CI reads: 'N passed, N failed, N skipped'
    print("python: %d passed, %d failed, %d skipped"
          % (r.testsRun - failed - skipped, failed, skipped))
    return 0 if r.wasSuccessful() and r.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
