#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of mtasts generate, enforce and lint, and of the man page.

Every test runs the real binary (path in $MTASTS_CLI) through subprocess.
Golden outputs live in tests/cli/golden/ and are compared byte for byte;
set MTASTS_UPDATE_GOLDEN=1 to rewrite them after an intended change (and
review the diff). The zone output is checked with named-checkzone
($MTASTS_NAMED_CHECKZONE, from bind9-utils). Standard library only.

Set $MTASTS_CLI_WRAPPER to run every command under a tool, for example
  MTASTS_CLI_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full"

TestManPage runs only when named on the command line (meson registers it
as the test cli-man when scdoc and groff exist), with $MTASTS_MAN set to
the built page and $MTASTS_GROFF to groff.
"""

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import tempfile
import unittest

CLI = os.environ.get("MTASTS_CLI", "")
WRAPPER = shlex.split(os.environ.get("MTASTS_CLI_WRAPPER", ""))
NAMED_CHECKZONE = os.environ.get("MTASTS_NAMED_CHECKZONE") or \
    shutil.which("named-checkzone")
UPDATE_GOLDEN = os.environ.get("MTASTS_UPDATE_GOLDEN") == "1"
GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")

NOW = "1709294400"         # 2024-03-01T12:00:00Z
NOW_ID = "20240301120000"
LATER = "1710504000"       # 2024-03-15T12:00:00Z
LATER_ID = "20240315120000"

# One human diagnostic line: LABEL[:LINE[:COL]]: severity: message [code]
DIAG_RE = re.compile(
    r"^(?P<file>[^:]+)(?::(?P<line>[1-9][0-9]*)(?::(?P<col>[1-9][0-9]*))?)?"
    r": (?P<sev>error|warning|note): (?P<msg>.+) \[(?P<code>[a-z0-9-]+)\]$")

DIAG_KEYS = ["severity", "code", "line", "column", "message"]

# Many report addresses: a TLSRPT record longer than one 255-byte string.
MANY_RUA = ["mailto:tls-reports-%02d@reports.example.com" % i
            for i in range(1, 11)]

# Golden cases: name -> arguments of "mtasts generate" (without --format).
GOLDEN_CASES = {
    "basic": ["--domain", "example.com", "--mx", "mx1.example.com",
              "--mx", "mx2.example.com", "--now", NOW],
    "enforce-wildcard": ["--domain", "Example.ORG.", "--mx",
                         "*.mail.example.net", "--mx", "mx.example.org",
                         "--mode", "enforce", "--max-age", "30d",
                         "--rua", "mailto:tls@example.org",
                         "--rua", "https://reports.example.org/v1",
                         "--id", "abc123XYZ"],
    "none": ["--domain", "example.net", "--mode", "none", "--max-age", "1d",
             "--rua", "mailto:tls@example.net", "--now", NOW],
    "long-rua": ["--domain", "example.com", "--mx", "mx.example.com",
                 "--max-age", "1w", "--now", NOW, "--ttl", "300"]
                + sum([["--rua", u] for u in MANY_RUA], []),
}
FORMATS = {"text": "txt", "zone": "zone", "json": "json"}

ZONE_HEADER = """$ORIGIN {d}.
$TTL 3600
@\tIN\tSOA\tns1.{d}. hostmaster.{d}. 1 7200 3600 1209600 3600
@\tIN\tNS\tns1.{d}.
ns1\tIN\tA\t192.0.2.1
"""


def run(*args, stdin=b"", env=None):
    """Run the CLI; return (exit status, stdout bytes, stderr bytes)."""
    e = dict(os.environ)
    e.pop("SOURCE_DATE_EPOCH", None)
    if env:
        e.update(env)
    p = subprocess.run(WRAPPER + [CLI] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=e, timeout=300)
    return p.returncode, p.stdout, p.stderr


def zone_strings(rdata):
    """The character-strings of the TXT rdata of one zone line, unescaped,
    as bytes; asserts the quoting is well formed."""
    out, i = [], 0
    while i < len(rdata):
        if rdata[i] == " ":
            i += 1
            continue
        assert rdata[i] == '"', rdata
        i += 1
        s = bytearray()
        while rdata[i] != '"':
            if rdata[i] == "\\":
                if rdata[i + 1].isdigit():
                    s.append(int(rdata[i + 1:i + 4]))
                    i += 4
                    continue
                s.append(ord(rdata[i + 1]))
                i += 2
                continue
            s.append(ord(rdata[i]))
            i += 1
        out.append(bytes(s))
        i += 1
    return out


class GenerateTestCase(unittest.TestCase):
    """Base class: a temporary directory and helpers."""

    @classmethod
    def setUpClass(cls):
        if not CLI or not os.path.exists(CLI):
            # never skip silently: a missing binary is a failure
            raise RuntimeError("MTASTS_CLI is not set to the built binary")
        cls.tmp = tempfile.mkdtemp(prefix="mtasts-gen-")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.tmp, name)

    def write(self, name, data):
        path = self.path(name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, path):
        with open(path, "rb") as f:
            return f.read()

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

    def generate_json(self, *args):
        r = run("generate", "--format", "json", *args)
        self.assertStatus(r, 0)
        return self.json_of(r[1])

    def usage_error(self, *args, env=None, word=None):
        """Exit 2, nothing on stdout, an 'mtasts: ' message on stderr."""
        rc, out, err = run(*args, env=env)
        self.assertEqual(rc, 2, (args, out, err))
        self.assertEqual(out, b"")
        self.assertIn(b"mtasts: ", err)
        if word is not None:
            self.assertIn(word.encode(), err)
        return err

    def lint_codes(self, *args):
        """Run 'mtasts lint --json'; return (exit status, [(sev, code)])."""
        rc, out, err = run("lint", "--json", *args)
        self.assertIn(rc, (0, 1), err)
        doc = self.json_of(out)
        for d in doc["diagnostics"]:
            self.assertEqual(list(d.keys()), DIAG_KEYS + ["input"])
            self.assertIn(d["severity"], ("error", "warning", "note"))
        return rc, [(d["severity"], d["code"]) for d in doc["diagnostics"]]


# ---------------------------------------------------------------------------
class TestGolden(GenerateTestCase):
    """generate in every format, byte for byte against tests/cli/golden/."""

    def check_golden(self, name, args):
        path = os.path.join(GOLDEN, name)
        r = run(*args)
        self.assertStatus(r, 0)
        self.assertEqual(r[2], b"")
        if UPDATE_GOLDEN:
            os.makedirs(GOLDEN, exist_ok=True)
            with open(path, "wb") as f:
                f.write(r[1])
        self.assertEqual(r[1], self.read(path),
                         "%s differs; MTASTS_UPDATE_GOLDEN=1 rewrites it"
                         % name)

    def check_case(self, case, fmt):
        self.check_golden("generate-%s.%s" % (case, FORMATS[fmt]),
                          ["generate", "--format", fmt]
                          + GOLDEN_CASES[case])

    def test_basic_text(self):
        self.check_case("basic", "text")

    def test_basic_zone(self):
        self.check_case("basic", "zone")

    def test_basic_json(self):
        self.check_case("basic", "json")

    def test_enforce_wildcard_text(self):
        self.check_case("enforce-wildcard", "text")

    def test_enforce_wildcard_zone(self):
        self.check_case("enforce-wildcard", "zone")

    def test_enforce_wildcard_json(self):
        self.check_case("enforce-wildcard", "json")

    def test_none_text(self):
        self.check_case("none", "text")

    def test_none_zone(self):
        self.check_case("none", "zone")

    def test_none_json(self):
        self.check_case("none", "json")

    def test_long_rua_text(self):
        self.check_case("long-rua", "text")

    def test_long_rua_zone(self):
        self.check_case("long-rua", "zone")

    def test_long_rua_json(self):
        self.check_case("long-rua", "json")

    def test_default_format_is_text(self):
        a = run("generate", *GOLDEN_CASES["basic"])
        b = run("generate", "--format", "text", *GOLDEN_CASES["basic"])
        self.assertStatus(a, 0)
        self.assertEqual(a, b)

    def test_enforce_text(self):
        # from standard input: the text names the file mta-sts.txt
        r = run("enforce", "-", "--domain", "example.com", "--record",
                "v=STSv1; id=" + NOW_ID + ";", "--now", LATER,
                stdin=b"version: STSv1\r\nmode: testing\r\n"
                      b"mx: mx1.example.com\r\nmx: mx2.example.com\r\n"
                      b"max_age: 86400\r\n")
        self.assertStatus(r, 0)
        path = os.path.join(GOLDEN, "enforce.txt")
        if UPDATE_GOLDEN:
            with open(path, "wb") as f:
                f.write(r[1])
        self.assertEqual(r[1], self.read(path))

    def test_enforce_json(self):
        r = run("enforce", "-", "--domain", "example.com", "--record",
                "v=STSv1; id=" + NOW_ID + ";", "--now", LATER,
                "--format", "json",
                stdin=b"version: STSv1\nmode: testing\nmx: mx1.example.com\n"
                      b"max_age: 86400\n")
        self.assertStatus(r, 0)
        path = os.path.join(GOLDEN, "enforce.json")
        if UPDATE_GOLDEN:
            with open(path, "wb") as f:
                f.write(r[1])
        self.assertEqual(r[1], self.read(path))


# ---------------------------------------------------------------------------
class TestRoundTrip(GenerateTestCase):
    """What generate prints parses back with the library and lints clean."""

    def parses(self, kind, value):
        r = run(kind, "check", "--json", value)
        self.assertStatus(r, 0)
        doc = self.json_of(r[1])
        self.assertIs(doc["valid"], True)
        self.assertEqual(doc["diagnostics"], [])
        return doc["record"]

    def check_case(self, case):
        args = GOLDEN_CASES[case]
        doc = self.generate_json(*args)
        # the _mta-sts record
        rec = self.parses("record", doc["record"]["value"])
        self.assertEqual(rec["id"], doc["id"])
        # the TLSRPT record
        rpt = self.parses("tlsrpt", doc["tlsrpt"]["value"])
        self.assertEqual(rpt["rua"], doc["tlsrpt"]["rua"])
        # the policy, through --policy-out and from the JSON text
        path = self.path("rt-%s.txt" % case)
        r = run("generate", "--policy-out", path, *args)
        self.assertStatus(r, 0)
        text = self.read(path)
        self.assertEqual(text, doc["policy"]["text"].encode())
        r = run("policy", "check", "--json", path)
        self.assertStatus(r, 0)
        pol = self.json_of(r[1])
        self.assertEqual(pol["diagnostics"], [])
        self.assertEqual(pol["policy"]["mode"], doc["policy"]["mode"])
        self.assertEqual(pol["policy"]["max_age"], doc["policy"]["max_age"])
        self.assertEqual(pol["policy"]["mx"], doc["policy"]["mx"])
        # lint: the generated set with its records and exact MX hosts
        lint = ["--domain", doc["domain"], "--record", doc["record"]["value"],
                "--tlsrpt", doc["tlsrpt"]["value"]]
        exact = [m for m in doc["policy"]["mx"] if not m.startswith("*.")]
        if exact and len(exact) == len(doc["policy"]["mx"]):
            for m in exact:
                lint += ["--mx", m]
        rc, codes = self.lint_codes(path, *lint)
        self.assertEqual(rc, 0, codes)
        self.assertTrue(all(sev == "note" for sev, _ in codes), codes)
        # generate's own checks are the same findings
        self.assertEqual([(d["severity"], d["code"])
                          for d in doc["diagnostics"]], codes)
        return codes

    def test_basic(self):
        self.assertEqual(self.check_case("basic"),
                         [("note", "lint-mode-testing")])

    def test_enforce_wildcard(self):
        self.assertEqual(self.check_case("enforce-wildcard"), [])

    def test_none(self):
        self.assertEqual(self.check_case("none"),
                         [("note", "lint-mode-none")])

    def test_long_rua(self):
        self.assertEqual(self.check_case("long-rua"),
                         [("note", "lint-mode-testing")])

    def test_testing_with_long_max_age_is_a_note(self):
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "mx.example.com", "--max-age", "30d",
                                 "--now", NOW)
        self.assertEqual([(d["severity"], d["code"])
                          for d in doc["diagnostics"]],
                         [("note", "lint-mode-testing"),
                          ("note", "lint-testing-max-age")])

    def test_json_layout(self):
        doc = self.generate_json(*GOLDEN_CASES["basic"])
        self.assertEqual(list(doc.keys()), ["domain", "id", "record",
                                            "policy", "tlsrpt",
                                            "diagnostics"])
        self.assertEqual(list(doc["record"].keys()),
                         ["name", "type", "value", "strings"])
        self.assertEqual(list(doc["policy"].keys()),
                         ["url", "host", "content_type", "text", "mode",
                          "max_age", "mx"])
        self.assertEqual(list(doc["tlsrpt"].keys()),
                         ["name", "type", "value", "strings", "rua",
                          "default_rua"])
        self.assertEqual(doc["domain"], "example.com")
        self.assertEqual(doc["id"], NOW_ID)
        self.assertEqual(doc["record"]["name"], "_mta-sts.example.com.")
        self.assertEqual(doc["record"]["value"],
                         "v=STSv1; id=%s;" % NOW_ID)
        self.assertEqual(doc["policy"]["url"],
                         "https://mta-sts.example.com/.well-known/mta-sts.txt")
        self.assertEqual(doc["policy"]["content_type"], "text/plain")
        self.assertEqual(doc["policy"]["text"],
                         "version: STSv1\r\nmode: testing\r\n"
                         "mx: mx1.example.com\r\nmx: mx2.example.com\r\n"
                         "max_age: 604800\r\n")
        self.assertEqual(doc["tlsrpt"]["name"], "_smtp._tls.example.com.")
        self.assertEqual(doc["tlsrpt"]["rua"],
                         ["mailto:tlsrpt@example.com"])
        self.assertIs(doc["tlsrpt"]["default_rua"], True)

    def test_json_strings_split_at_255_bytes(self):
        doc = self.generate_json(*GOLDEN_CASES["long-rua"])
        value = doc["tlsrpt"]["value"]
        self.assertGreater(len(value), 255)
        self.assertEqual(doc["tlsrpt"]["strings"],
                         [value[i:i + 255]
                          for i in range(0, len(value), 255)])
        self.assertEqual(doc["tlsrpt"]["rua"], MANY_RUA)
        self.assertIs(doc["tlsrpt"]["default_rua"], False)

    def test_default_rua_is_announced(self):
        r = run("generate", *GOLDEN_CASES["basic"])
        self.assertIn(b"mailto:tlsrpt@example.com is a default", r[1])
        r = run("generate", "--format", "zone", *GOLDEN_CASES["basic"])
        self.assertIn(b"; mailto:tlsrpt@example.com is a default", r[1])
        r = run("generate", "--rua", "mailto:x@example.com",
                *GOLDEN_CASES["basic"])
        self.assertNotIn(b"is a default", r[1])

    def test_text_sections(self):
        rc, out, _ = run("generate", *GOLDEN_CASES["basic"])
        self.assertEqual(rc, 0)
        text = out.decode()
        headings = re.findall(r"^([1-5])\. (.*)\n(-+)$", text, re.M)
        self.assertEqual([h[0] for h in headings], list("12345"))
        for _, title, rule in headings:
            self.assertEqual(len(rule), len(title) + 3)
        for needle in ("Value: v=STSv1; id=%s;\n" % NOW_ID,
                       "https://mta-sts.example.com/.well-known/mta-sts.txt",
                       "Content-Type: text/plain",
                       "without a byte-order mark",
                       "CRLF",
                       "A/AAAA record or a CNAME",
                       "certificate valid for mta-sts.example.com",
                       "Value: v=TLSRPTv1; rua=mailto:tlsrpt@example.com\n",
                       "mtasts enforce mta-sts.txt --domain example.com",
                       "before the new TXT record (R-55)",
                       "86400 (1 day), 604800 (1 week), 2592000 (30 days)",
                       "31557600 (1 year, the maximum)",
                       "[lint-mode-testing]",
                       "Result: 0 errors, 0 warnings, 1 note."):
            self.assertIn(needle, text)
        # the policy lines are printed alone, ready to copy
        self.assertIn("\nversion: STSv1\nmode: testing\nmx: mx1.example.com\n"
                      "mx: mx2.example.com\nmax_age: 604800\n", text)

    def test_no_escape_sequences(self):
        # never colour, whatever the output is
        for fmt in FORMATS:
            rc, out, err = run("generate", "--format", fmt,
                               *GOLDEN_CASES["basic"])
            self.assertEqual(rc, 0)
            self.assertNotIn(b"\x1b", out + err)
        rc, out, _ = run("lint", "-", "--no-record",
                         stdin=b"version: STSv1\nmode: none\nmax_age: 1\n")
        self.assertNotIn(b"\x1b", out)


# ---------------------------------------------------------------------------
class TestZone(GenerateTestCase):
    """The zone format: quoting, splitting, and a real zone parser."""

    def zone_lines(self, out):
        lines = out.decode().splitlines()
        records = [l for l in lines if not l.startswith(";")]
        for l in lines:
            self.assertTrue(l.startswith(";") or l.count("\t") >= 4, l)
        return records

    def test_records_are_fully_qualified_with_ttl(self):
        rc, out, _ = run("generate", "--format", "zone", "--ttl", "600",
                         *GOLDEN_CASES["basic"])
        self.assertEqual(rc, 0)
        records = self.zone_lines(out)
        self.assertEqual(records, [
            '_mta-sts.example.com.\t600\tIN\tTXT\t"v=STSv1; id=%s;"' % NOW_ID,
            '_smtp._tls.example.com.\t600\tIN\tTXT\t'
            '"v=TLSRPTv1; rua=mailto:tlsrpt@example.com"'])
        # the rest is comments: the URL, the host reminder, the policy
        self.assertIn(b"; The policy file is served at https://mta-sts."
                      b"example.com/.well-known/mta-sts.txt\n", out)
        self.assertIn(b"mta-sts.example.com. needs an A/AAAA record or a "
                      b"CNAME", out)
        self.assertIn(b";   mode: testing\n", out)
        self.assertIn(b"; note: ", out)

    def test_default_ttl(self):
        rc, out, _ = run("generate", "--format", "zone",
                         *GOLDEN_CASES["basic"])
        self.assertEqual(rc, 0)
        for rec in self.zone_lines(out):
            self.assertEqual(rec.split("\t")[1], "3600")

    def test_long_value_is_split(self):
        rc, out, _ = run("generate", "--format", "zone",
                         *GOLDEN_CASES["long-rua"])
        self.assertEqual(rc, 0)
        doc = self.generate_json(*GOLDEN_CASES["long-rua"])
        records = self.zone_lines(out)
        tls = [r for r in records if r.startswith("_smtp._tls.")][0]
        strings = zone_strings(tls.split("\t", 4)[4])
        self.assertGreater(len(strings), 1)
        for s in strings:
            self.assertLessEqual(len(s), 255)
        self.assertEqual(b"".join(strings),
                         doc["tlsrpt"]["value"].encode())

    def test_bad_ttl(self):
        for ttl in ("-1", "2147483648", "1h", ""):
            with self.subTest(ttl=ttl):
                self.usage_error("generate", "--ttl", ttl,
                                 *GOLDEN_CASES["basic"], word="--ttl")

    def named_checkzone(self, domain, body):
        if not NAMED_CHECKZONE:
            self.skipTest("named-checkzone (bind9-utils) is not installed")
        path = self.write("zone-%s.db" % domain,
                          ZONE_HEADER.format(d=domain).encode() + body)
        p = subprocess.run([NAMED_CHECKZONE, "-k", "fail", "-D", "-o", "-",
                            domain, path],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual(p.returncode, 0, (p.stdout, p.stderr))
        return p.stdout.decode()

    def txt_of_dump(self, dump, name):
        """The joined TXT strings of name in named-checkzone's dump."""
        for line in dump.splitlines():
            f = line.split(None, 4)
            if len(f) == 5 and f[0] == name and f[3] == "TXT":
                return b"".join(zone_strings(f[4])), f[1]
        self.fail("no TXT record for %s in %r" % (name, dump))

    def check_zone(self, case):
        rc, out, _ = run("generate", "--format", "zone",
                         *GOLDEN_CASES[case])
        self.assertEqual(rc, 0)
        doc = self.generate_json(*GOLDEN_CASES[case])
        dump = self.named_checkzone(doc["domain"], out)
        value, ttl = self.txt_of_dump(dump, doc["record"]["name"])
        self.assertEqual(value, doc["record"]["value"].encode())
        value, _ = self.txt_of_dump(dump, doc["tlsrpt"]["name"])
        self.assertEqual(value, doc["tlsrpt"]["value"].encode())
        return ttl

    def test_named_checkzone_basic(self):
        self.assertEqual(self.check_zone("basic"), "3600")

    def test_named_checkzone_enforce_wildcard(self):
        self.check_zone("enforce-wildcard")

    def test_named_checkzone_long_value(self):
        self.assertEqual(self.check_zone("long-rua"), "300")

    def test_named_checkzone_enforce(self):
        policy = self.write("zone-testing.txt",
                            b"version: STSv1\nmode: testing\n"
                            b"mx: mx.example.com\nmax_age: 604800\n")
        rc, out, _ = run("enforce", policy, "--domain", "example.com",
                         "--now", LATER, "--format", "zone")
        self.assertEqual(rc, 0)
        dump = self.named_checkzone("example.com", out)
        value, _ = self.txt_of_dump(dump, "_mta-sts.example.com.")
        self.assertEqual(value, ("v=STSv1; id=%s;" % LATER_ID).encode())

    def test_quoting(self):
        # a rua URI may hold a quote mark ("'"); it needs no escape, but
        # the zone must still parse and give back the same bytes
        rua = "mailto:o'brien@example.com"
        rc, out, _ = run("generate", "--format", "zone", "--domain",
                         "example.com", "--mx", "mx.example.com",
                         "--rua", rua, "--now", NOW)
        self.assertEqual(rc, 0)
        dump = self.named_checkzone("example.com", out)
        value, _ = self.txt_of_dump(dump, "_smtp._tls.example.com.")
        self.assertEqual(value, ("v=TLSRPTv1; rua=" + rua).encode())


# ---------------------------------------------------------------------------
class TestPolicyOut(GenerateTestCase):

    def test_writes_canonical_bytes(self):
        path = self.path("out-basic.txt")
        rc, out, err = run("generate", "--policy-out", path,
                           *GOLDEN_CASES["basic"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.read(path),
                         b"version: STSv1\r\nmode: testing\r\n"
                         b"mx: mx1.example.com\r\nmx: mx2.example.com\r\n"
                         b"max_age: 604800\r\n")
        # the JSON output is the same with and without --policy-out (the
        # text names the file in its advice)
        self.assertIn(path.encode(), out)
        self.assertEqual(run("generate", "--format", "json",
                             "--policy-out", path,
                             *GOLDEN_CASES["basic"])[1],
                         run("generate", "--format", "json",
                             *GOLDEN_CASES["basic"])[1])
        # and the file is what 'policy format' makes of it
        r = run("policy", "format", path)
        self.assertEqual(r[1], self.read(path))

    def test_replaces_existing_file_and_leaves_no_temporary(self):
        d = self.path("outdir")
        os.mkdir(d)
        path = os.path.join(d, "mta-sts.txt")
        with open(path, "wb") as f:
            f.write(b"old content that is longer than the new policy " * 10)
        rc, _, err = run("generate", "--policy-out", path, "--format",
                         "json", *GOLDEN_CASES["none"])
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.read(path),
                         b"version: STSv1\r\nmode: none\r\n"
                         b"max_age: 86400\r\n")
        self.assertEqual(os.listdir(d), ["mta-sts.txt"])

    def test_file_mode_follows_umask(self):
        path = self.path("out-mode.txt")
        old = os.umask(0o022)
        try:
            rc, _, _ = run("generate", "--policy-out", path,
                           *GOLDEN_CASES["basic"])
        finally:
            os.umask(old)
        self.assertEqual(rc, 0)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o644)

    def test_io_errors(self):
        missing = self.path("no/such/dir/mta-sts.txt")
        err = self.usage_error("generate", "--policy-out", missing,
                               *GOLDEN_CASES["basic"])
        self.assertIn(b"mtasts: " + missing.encode() +
                      b": No such file or directory", err)
        d = self.path("a-directory")
        os.mkdir(d)
        self.usage_error("generate", "--policy-out", d,
                         *GOLDEN_CASES["basic"])
        self.assertEqual(os.listdir(d), [])

    def test_relative_path(self):
        p = subprocess.run(WRAPPER + [CLI, "generate", "--policy-out",
                                      "rel.txt"] + GOLDEN_CASES["basic"],
                           cwd=self.tmp, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, timeout=300)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(self.read(self.path("rel.txt"))
                        .startswith(b"version: STSv1\r\n"))


# ---------------------------------------------------------------------------
class TestGenerateOptions(GenerateTestCase):

    def test_missing_domain(self):
        self.usage_error("generate", "--mx", "mx.example.com",
                         word="missing --domain")

    def test_missing_mx(self):
        self.usage_error("generate", "--domain", "example.com",
                         word="missing --mx")
        # mode none needs no mx
        doc = self.generate_json("--domain", "example.com", "--mode", "none",
                                 "--now", NOW)
        self.assertEqual(doc["policy"]["mx"], [])

    def test_bad_mode(self):
        for mode in ("Enforce", "report", ""):
            with self.subTest(mode=mode):
                self.usage_error("generate", "--domain", "example.com",
                                 "--mx", "mx.example.com", "--mode", mode,
                                 word="invalid --mode")

    def test_modes(self):
        for mode in ("testing", "enforce", "none"):
            doc = self.generate_json("--domain", "example.com", "--mx",
                                     "mx.example.com", "--mode", mode,
                                     "--now", NOW)
            self.assertEqual(doc["policy"]["mode"], mode)

    def test_max_age_values(self):
        for arg, secs in (("1d", 86400), ("1w", 604800), ("30d", 2592000),
                          ("1y", 31557600), ("52w", 31449600),
                          ("365d", 31536000), ("86400", 86400),
                          ("0", 0), ("31557600", 31557600),
                          ("007", 7)):
            with self.subTest(arg=arg):
                doc = self.generate_json("--domain", "example.com", "--mx",
                                         "mx.example.com", "--max-age", arg,
                                         "--now", NOW)
                self.assertEqual(doc["policy"]["max_age"], secs)
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "mx.example.com", "--now", NOW)
        self.assertEqual(doc["policy"]["max_age"], 604800)

    def test_bad_max_age(self):
        for arg in ("0x", "2y", "0d", "366d", "53w", "31557601", "-1", "",
                    "d", "1D", "1.5d", "1 d", "+5", "99999999999999999999",
                    "1h"):
            with self.subTest(arg=arg):
                self.usage_error("generate", "--domain", "example.com",
                                 "--mx", "mx.example.com", "--max-age", arg,
                                 word="invalid --max-age")

    def test_bad_mx_shows_library_diagnostics(self):
        for mx, code in (("mx.example.com.", "mx-trailing-dot"),
                         ("mx_1.example.com", "mx-invalid-char"),
                         ("a.*.example.com", "mx-wildcard"),
                         ("mx.example.com:25", "mx-port"),
                         ("", "mx-empty")):
            with self.subTest(mx=mx):
                err = self.usage_error("generate", "--domain", "example.com",
                                       "--mx", "good.example.com", "--mx",
                                       mx)
                lines = err.decode().splitlines()
                m = DIAG_RE.match(lines[0])
                self.assertIsNotNone(m, lines)
                self.assertEqual(m.group("file"), "--mx")
                self.assertEqual(m.group("code"), code)
                self.assertEqual(lines[1], "mtasts: invalid --mx '%s'" % mx)

    def test_mx_is_lower_cased(self):
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "MX1.Example.COM", "--now", NOW)
        self.assertEqual(doc["policy"]["mx"], ["mx1.example.com"])

    def test_bad_rua(self):
        for rua, code in (("mailto:a!b@example.com", "tlsrpt-uri-reserved"),
                          ("reports@example.com", "tlsrpt-uri-syntax"),
                          ("mailto:", "tlsrpt-mailto"),
                          ("https:/x", "tlsrpt-https")):
            with self.subTest(rua=rua):
                err = self.usage_error("generate", "--domain", "example.com",
                                       "--mx", "mx.example.com", "--rua",
                                       rua, word="invalid --rua")
                m = DIAG_RE.match(err.decode().splitlines()[0])
                self.assertEqual((m.group("file"), m.group("code")),
                                 ("--rua", code))

    def test_rua_with_warning(self):
        rc, out, err = run("generate", "--domain", "example.com", "--mx",
                           "mx.example.com", "--rua", "ftp://r.example.com/",
                           "--format", "json", "--now", NOW)
        self.assertEqual(rc, 0)
        m = DIAG_RE.match(err.decode().splitlines()[0])
        self.assertEqual((m.group("file"), m.group("sev"), m.group("code")),
                         ("--rua", "warning", "tlsrpt-uri-scheme"))
        self.assertEqual(self.json_of(out)["tlsrpt"]["rua"],
                         ["ftp://r.example.com/"])

    def test_too_many_rua(self):
        args = ["generate", "--domain", "example.com", "--mx",
                "mx.example.com"]
        for i in range(33):
            args += ["--rua", "mailto:r%d@example.com" % i]
        self.usage_error(*args, word="--rua")

    def test_bad_id(self):
        for bad in ("a-b", "x" * 33, "", "id with space", "\u00e9t\u00e9"):
            with self.subTest(id=bad):
                self.usage_error("generate", "--domain", "example.com",
                                 "--mx", "mx.example.com", "--id", bad,
                                 word="invalid --id")

    def test_id(self):
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "mx.example.com", "--id", "A" * 32)
        self.assertEqual(doc["id"], "A" * 32)
        self.assertEqual(doc["record"]["value"], "v=STSv1; id=%s;" % ("A" * 32))

    def test_now_and_source_date_epoch(self):
        args = ["--domain", "example.com", "--mx", "mx.example.com"]
        doc = self.generate_json(*args, "--now", "0")
        self.assertEqual(doc["id"], "19700101000000")
        r = run("generate", "--format", "json", *args,
                env={"SOURCE_DATE_EPOCH": LATER})
        self.assertStatus(r, 0)
        self.assertEqual(self.json_of(r[1])["id"], LATER_ID)
        # --now wins over SOURCE_DATE_EPOCH
        r = run("generate", "--format", "json", "--now", NOW, *args,
                env={"SOURCE_DATE_EPOCH": LATER})
        self.assertEqual(self.json_of(r[1])["id"], NOW_ID)
        # the clock: an id of 14 digits
        doc = self.generate_json(*args)
        self.assertRegex(doc["id"], r"^[0-9]{14}$")
        doc = self.generate_json(*args, "--now", "253402300799")
        self.assertEqual(doc["id"], "99991231235959")

    def test_bad_now(self):
        args = ["generate", "--domain", "example.com", "--mx",
                "mx.example.com"]
        for bad in ("-1", "253402300800", "now", "1e9", ""):
            with self.subTest(now=bad):
                self.usage_error(*args, "--now", bad, word="invalid --now")
        self.usage_error(*args, env={"SOURCE_DATE_EPOCH": "yesterday"},
                         word="invalid SOURCE_DATE_EPOCH")

    def test_domain_is_normalised(self):
        doc = self.generate_json("--domain", "MAIL.Example.COM.", "--mx",
                                 "mx.example.com", "--now", NOW)
        self.assertEqual(doc["domain"], "mail.example.com")
        self.assertEqual(doc["record"]["name"], "_mta-sts.mail.example.com.")
        self.assertEqual(doc["tlsrpt"]["rua"],
                         ["mailto:tlsrpt@mail.example.com"])

    def test_bad_domain(self):
        for bad in ("", ".", "ex_ample.com", "*.example.com", "example..com",
                    "example.com..", "-example.com", "b\u00fccher.example",
                    "a" * 64 + ".example", ("a" * 60 + ".") * 4 + "com"):
            with self.subTest(domain=bad):
                self.usage_error("generate", "--domain", bad, "--mx",
                                 "mx.example.com", word="invalid --domain")
        err = self.usage_error("generate", "--domain", "ex_ample.com", "--mx",
                               "mx.example.com")
        self.assertTrue(err.startswith(b"--domain:1:3: error: "), err)

    def test_bad_format(self):
        self.usage_error("generate", "--format", "yaml",
                         *GOLDEN_CASES["basic"], word="invalid --format")

    def test_option_syntax(self):
        # --name=value works like --name value
        a = run("generate", "--domain=example.com", "--mx=mx1.example.com",
                "--mx=mx2.example.com", "--now=" + NOW)
        self.assertEqual(a, run("generate", *GOLDEN_CASES["basic"]))
        self.usage_error("generate", "--domain", "example.com",
                         "--domain", "example.org", "--mx", "mx.example.com",
                         word="option given more than once '--domain'")
        self.usage_error("generate", "--mx", "mx.example.com", "--domain",
                         word="option needs a value '--domain'")
        self.usage_error("generate", "--frob", *GOLDEN_CASES["basic"],
                         word="unknown option '--frob'")
        self.usage_error("generate", "extra", *GOLDEN_CASES["basic"],
                         word="too many arguments")

    def test_wildcard_mx_needs_no_host_list(self):
        # a wildcard stands for hosts not listed: no "unused" warning
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "mx.example.com", "--mx",
                                 "*.mail.example.net", "--now", NOW)
        self.assertEqual([d["code"] for d in doc["diagnostics"]],
                         ["lint-mode-testing"])

    def test_lint_findings_of_generated_set(self):
        # a short max_age is a warning; exit status stays 0
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "mx.example.com", "--mode", "enforce",
                                 "--max-age", "1d", "--now", NOW)
        self.assertEqual([(d["severity"], d["code"])
                          for d in doc["diagnostics"]],
                         [("warning", "lint-enforce-max-age")])
        doc = self.generate_json("--domain", "example.com", "--mx",
                                 "mx.example.com", "--mx", "mx.example.com",
                                 "--mx", "*.com", "--now", NOW)
        self.assertEqual([(d["severity"], d["code"])
                          for d in doc["diagnostics"]],
                         [("note", "lint-mode-testing"),
                          ("note", "lint-mx-duplicate"),
                          ("warning", "lint-wildcard-suffix")])


# ---------------------------------------------------------------------------
class TestEnforce(GenerateTestCase):

    TESTING = (b"version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\n"
               b"mx: *.backup.example.net\r\nmax_age: 604800\r\n"
               b"x-note: keep me\r\n")

    def enforce_json(self, *args, stdin=b"", status=0):
        r = run("enforce", "--format", "json", *args, stdin=stdin)
        self.assertStatus(r, status)
        return self.json_of(r[1])

    def test_switches_mode_and_bumps_id(self):
        path = self.write("testing.txt", self.TESTING)
        doc = self.enforce_json(path, "--domain", "example.com", "--record",
                                "v=STSv1; id=%s;" % NOW_ID, "--now", LATER)
        self.assertEqual(list(doc.keys()), ["domain", "previous", "id",
                                            "record", "policy",
                                            "diagnostics"])
        self.assertEqual(doc["previous"], {"mode": "testing", "id": NOW_ID})
        self.assertEqual(doc["id"], LATER_ID)
        self.assertEqual(doc["record"]["value"], "v=STSv1; id=%s;" % LATER_ID)
        self.assertEqual(doc["policy"]["text"],
                         "version: STSv1\r\nmode: enforce\r\n"
                         "mx: mx1.example.com\r\nmx: *.backup.example.net\r\n"
                         "max_age: 604800\r\nx-note: keep me\r\n")
        self.assertEqual(doc["diagnostics"], [])
        # the new policy and record lint clean with the old ones as previous
        new = self.write("enforced.txt", doc["policy"]["text"].encode())
        rc, codes = self.lint_codes(new, "--domain", "example.com",
                                    "--record", doc["record"]["value"],
                                    "--previous-policy", path,
                                    "--previous-record",
                                    "v=STSv1; id=%s;" % NOW_ID)
        self.assertEqual((rc, codes), (0, []))

    def test_id_never_reused_within_the_same_second(self):
        path = self.write("testing2.txt", self.TESTING)
        doc = self.enforce_json(path, "--domain", "example.com", "--record",
                                "v=STSv1; id=%s;" % NOW_ID, "--now", NOW)
        self.assertEqual(doc["id"], "20240301120001")

    def test_id_option(self):
        path = self.write("testing3.txt", self.TESTING)
        doc = self.enforce_json(path, "--domain", "example.com", "--id",
                                "v2", "--record", "v=STSv1; id=v1;")
        self.assertEqual(doc["id"], "v2")
        self.usage_error("enforce", path, "--domain", "example.com", "--id",
                         "v1", "--record", "v=STSv1; id=v1;",
                         word="--id must differ")
        self.usage_error("enforce", path, "--domain", "example.com", "--id",
                         "v-1", word="invalid --id")

    def test_already_enforce(self):
        path = self.write("enforce.txt",
                          self.TESTING.replace(b"testing", b"enforce"))
        out_path = self.path("never-written.txt")
        rc, out, err = run("enforce", path, "--domain", "example.com",
                           "--policy-out", out_path)
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertIn(b"already in mode enforce", err)
        self.assertFalse(os.path.exists(out_path))

    def test_invalid_policy(self):
        path = self.write("broken.txt", b"version: STSv1\nmode: testing\n")
        rc, out, err = run("enforce", path, "--domain", "example.com")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertIn(b"[policy-max-age-missing]", err)
        self.assertIn(b": invalid policy", err)
        # strict: a BOM is an error, as senders see it
        path = self.write("bom.txt", b"\xef\xbb\xbf" + self.TESTING)
        rc, out, err = run("enforce", path, "--domain", "example.com")
        self.assertEqual(rc, 1)
        self.assertIn(b"[bom]", err)

    def test_none_without_mx_cannot_enforce(self):
        path = self.write("none.txt", b"version: STSv1\nmode: none\n"
                                      b"max_age: 86400\n")
        rc, out, err = run("enforce", path, "--domain", "example.com")
        self.assertEqual(rc, 1)
        self.assertEqual(out, b"")
        self.assertIn(b"[policy-mx-missing]", err)

    def test_short_max_age_is_a_warning(self):
        path = self.write("short.txt",
                          self.TESTING.replace(b"604800", b"86400"))
        doc = self.enforce_json(path, "--domain", "example.com", "--now",
                                LATER)
        self.assertEqual([(d["severity"], d["code"])
                          for d in doc["diagnostics"]],
                         [("warning", "lint-enforce-max-age")])
        self.assertIsNone(doc["previous"]["id"])
        doc = self.enforce_json(path, "--domain", "example.com", "--now",
                                LATER, "--max-age", "30d")
        self.assertEqual(doc["policy"]["max_age"], 2592000)
        self.assertEqual(doc["diagnostics"], [])

    def test_uncovered_mx_is_an_error(self):
        path = self.write("cover.txt", self.TESTING)
        out_path = self.path("not-written.txt")
        r = run("enforce", "--format", "json", path, "--domain",
                "example.com", "--mx", "mx1.example.com", "--mx",
                "mx2.example.com", "--now", LATER, "--policy-out", out_path)
        self.assertStatus(r, 1)
        doc = self.json_of(r[1])
        self.assertIn(("error", "lint-mx-uncovered"),
                      [(d["severity"], d["code"])
                       for d in doc["diagnostics"]])
        self.assertFalse(os.path.exists(out_path))

    def test_policy_out_and_stdin(self):
        out_path = self.path("enforced-out.txt")
        r = run("enforce", "-", "--domain", "example.com", "--now", LATER,
                "--policy-out", out_path, stdin=self.TESTING)
        self.assertStatus(r, 0)
        self.assertEqual(self.read(out_path),
                         self.TESTING.replace(b"testing", b"enforce"))
        self.assertIn(b"mode enforce (was testing)", r[1])
        self.assertIn(b"Publish the new policy file at\n   https://mta-sts."
                      b"example.com/.well-known/mta-sts.txt\n", r[1])

    def test_text_explains_the_order(self):
        path = self.write("order.txt", self.TESTING)
        rc, out, _ = run("enforce", path, "--domain", "example.com",
                         "--record", "v=STSv1; id=old1;", "--now", LATER)
        self.assertEqual(rc, 0)
        text = out.decode()
        self.assertIn("The id changes from old1", text)
        self.assertIn("(R-55)", text)
        self.assertIn("\nmode: enforce\n", text)
        self.assertIn("Value: v=STSv1; id=%s;\n" % LATER_ID, text)

    def test_usage_errors(self):
        path = self.write("usage.txt", self.TESTING)
        self.usage_error("enforce", path, word="missing --domain")
        self.usage_error("enforce", "--domain", "example.com",
                         word="missing argument")
        self.usage_error("enforce", path, "--domain", "example.com",
                         "--record", "v=STSv1; id=a-b;",
                         word="invalid --record")
        self.usage_error("enforce", path, "--domain", "example.com",
                         "--max-age", "2y", word="invalid --max-age")
        self.usage_error("enforce", path, "--domain", "exa mple.com",
                         word="invalid --domain")
        self.usage_error("enforce", path, "--domain", "example.com",
                         "--mx", "", word="invalid --mx")
        err = self.usage_error("enforce", self.path("missing.txt"),
                               "--domain", "example.com")
        self.assertIn(b"No such file or directory", err)


# ---------------------------------------------------------------------------
class TestLint(GenerateTestCase):
    """One invocation per lint code (601-617), exit codes, output forms."""

    def policy(self, name, mode="testing", mx=("mx1.example.com",),
               max_age=604800):
        text = "version: STSv1\r\nmode: %s\r\n" % mode
        text += "".join("mx: %s\r\n" % m for m in mx)
        text += "max_age: %d\r\n" % max_age
        return self.write(name, text.encode())

    def assertCodes(self, args, expected, status=None):
        rc, codes = self.lint_codes(*args)
        self.assertEqual(codes, expected)
        if status is None:
            status = 1 if any(s == "error" for s, _ in expected) else 0
        self.assertEqual(rc, status)

    def test_601_mx_uncovered(self):
        p = self.policy("l601.txt", mode="enforce")
        self.assertCodes([p, "--mx", "mx1.example.com", "--mx",
                          "mx2.example.com"],
                         [("error", "lint-mx-uncovered")])
        p = self.policy("l601t.txt")
        self.assertCodes([p, "--mx", "mx1.example.com", "--mx",
                          "mx2.example.com"],
                         [("note", "lint-mode-testing"),
                          ("warning", "lint-mx-uncovered")])

    def test_601_implicit_mx(self):
        p = self.policy("l601i.txt", mode="enforce",
                        mx=("mail.example.com",))
        self.assertCodes([p, "--domain", "example.com", "--no-mx"],
                         [("error", "lint-mx-uncovered"),
                          ("warning", "lint-pattern-unused")])
        p = self.policy("l601j.txt", mode="enforce", mx=("example.com",))
        self.assertCodes([p, "--domain", "example.com", "--no-mx"], [])

    def test_602_pattern_unused(self):
        p = self.policy("l602.txt", mode="enforce",
                        mx=("mx1.example.com", "old.example.com"))
        self.assertCodes([p, "--mx", "mx1.example.com."],
                         [("warning", "lint-pattern-unused")])

    def test_603_wildcard_suffix(self):
        p = self.policy("l603.txt", mode="enforce", mx=("*.co.uk",))
        self.assertCodes([p], [("warning", "lint-wildcard-suffix")])

    def test_604_single_label(self):
        p = self.policy("l604.txt", mode="enforce", mx=("localhost",))
        self.assertCodes([p], [("warning", "lint-single-label")])

    def test_605_ip_address(self):
        p = self.policy("l605.txt", mode="enforce", mx=("192.0.2.1",))
        self.assertCodes([p], [("warning", "lint-ip-address")])

    def test_606_max_age_short(self):
        p = self.policy("l606.txt", max_age=3600)
        self.assertCodes([p], [("note", "lint-mode-testing"),
                               ("warning", "lint-max-age-short")])
        # not for mode none
        p = self.policy("l606n.txt", mode="none", mx=(), max_age=3600)
        self.assertCodes([p], [("note", "lint-mode-none")])

    def test_607_enforce_max_age(self):
        p = self.policy("l607.txt", mode="enforce", max_age=86400)
        self.assertCodes([p], [("warning", "lint-enforce-max-age")])

    def test_608_testing_max_age(self):
        p = self.policy("l608.txt", max_age=1209600)
        self.assertCodes([p], [("note", "lint-mode-testing"),
                               ("note", "lint-testing-max-age")])

    def test_609_none_max_age(self):
        p = self.policy("l609.txt", mode="none", mx=())
        self.assertCodes([p], [("note", "lint-mode-none"),
                               ("note", "lint-none-max-age")])

    def test_610_mode_testing(self):
        p = self.policy("l610.txt")
        self.assertCodes([p], [("note", "lint-mode-testing")])

    def test_611_mode_none(self):
        p = self.policy("l611.txt", mode="none", mx=(), max_age=86400)
        self.assertCodes([p], [("note", "lint-mode-none")])

    def test_612_no_tlsrpt(self):
        p = self.policy("l612.txt", mode="enforce")
        self.assertCodes([p, "--no-tlsrpt"], [("warning", "lint-no-tlsrpt")])
        # an unparsable record counts as absent
        rc, codes = self.lint_codes(p, "--tlsrpt", "v=TLSRPTv1; rua=x")
        self.assertEqual(rc, 1)
        self.assertEqual(codes, [("error", "tlsrpt-uri-syntax"),
                                 ("warning", "lint-no-tlsrpt")])
        self.assertCodes([p, "--tlsrpt",
                          "v=TLSRPTv1; rua=mailto:tls@example.com"], [])

    def test_613_no_record(self):
        p = self.policy("l613.txt", mode="enforce")
        self.assertCodes([p, "--no-record"], [("error", "lint-no-record")])
        p = self.policy("l613n.txt", mode="none", mx=(), max_age=86400)
        self.assertCodes([p, "--no-record"], [("note", "lint-mode-none"),
                                              ("note", "lint-no-record")])

    def test_613_unparsable_record_counts_as_absent(self):
        p = self.policy("l613b.txt", mode="enforce")
        rc, out, _ = run("lint", "--json", p, "--record", "v=STSv1; id=a_b;")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertEqual([(d["severity"], d["code"], d["input"])
                          for d in doc["diagnostics"]],
                         [("error", "record-id-invalid", "--record"),
                          ("error", "lint-no-record", p)])
        rc, out, _ = run("lint", p, "--record", "v=STSv1; id=a_b;")
        self.assertEqual(rc, 1)
        lines = out.decode().splitlines()
        self.assertRegex(lines[0], r"^--record:1:14: error: .*"
                                   r"\[record-id-invalid\]$")
        self.assertEqual(lines[1], p + ": error: no valid _mta-sts TXT "
                         "record: senders never fetch the policy, so it has "
                         "no effect [lint-no-record]")

    def test_614_id_unchanged(self):
        old = self.policy("l614old.txt", mode="testing")
        new = self.policy("l614new.txt", mode="enforce")
        rec = "v=STSv1; id=%s;" % NOW_ID
        self.assertCodes([new, "--record", rec, "--previous-policy", old,
                          "--previous-record", rec],
                         [("error", "lint-id-unchanged")])
        # without --record the previous record's id is the current one
        self.assertCodes([new, "--previous-policy", old,
                          "--previous-record", rec],
                         [("error", "lint-id-unchanged")])
        # a new id, or an equivalent policy, is fine
        self.assertCodes([new, "--record", "v=STSv1; id=%s;" % LATER_ID,
                          "--previous-policy", old, "--previous-record",
                          rec], [])
        same = self.write("l614same.txt",
                          b"version: STSv1\nmax_age: 604800\n"
                          b"mode: enforce\nmx: MX1.example.com\n")
        self.assertCodes([new, "--record", rec, "--previous-policy", same,
                          "--previous-record", rec], [])

    def test_invalid_previous_policy_is_reported(self):
        prev = self.write("l614bad.txt", b"version: STSv1\nmode: bogus\n")
        p = self.policy("l614cur.txt", mode="none", mx=(), max_age=86400)
        rc, out, _ = run("lint", "--json", p, "--previous-policy", prev,
                         "--previous-record", "v=STSv1; id=1;")
        self.assertEqual(rc, 1)
        doc = self.json_of(out)
        self.assertEqual([(d["code"], d["input"])
                          for d in doc["diagnostics"]],
                         [("policy-mode-invalid", prev),
                          ("policy-max-age-missing", prev),
                          ("lint-mode-none", p)])

    def test_615_wildcard_domain(self):
        p = self.policy("l615.txt", mode="enforce", mx=("*.example.com",))
        self.assertCodes([p, "--domain", "example.com"],
                         [("note", "lint-wildcard-domain")])
        self.assertCodes([p, "--domain", "example.org"], [])

    def test_616_mx_duplicate(self):
        p = self.policy("l616.txt", mode="enforce",
                        mx=("mx1.example.com", "mx1.example.com"))
        self.assertCodes([p], [("note", "lint-mx-duplicate")])

    def test_617_mx_redundant(self):
        p = self.policy("l617.txt", mode="enforce",
                        mx=("mx1.example.net", "*.example.net"))
        self.assertCodes([p], [("note", "lint-mx-redundant")])

    def test_every_lint_code_is_covered(self):
        # the methods above are named after the codes: keep it that way
        names = [n for n in dir(self) if re.match(r"test_6[01][0-9]_", n)]
        self.assertEqual(sorted({int(n[5:8]) for n in names}),
                         list(range(601, 618)))

    def test_clean_policy(self):
        p = self.policy("clean.txt", mode="enforce",
                        mx=("mx1.example.com", "mx2.example.com"))
        rc, out, err = run("lint", p, "--domain", "example.com", "--record",
                           "v=STSv1; id=1;", "--tlsrpt",
                           "v=TLSRPTv1; rua=mailto:tls@example.com",
                           "--mx", "mx1.example.com", "--mx",
                           "MX2.example.com.")
        self.assertEqual((rc, err), (0, b""))
        self.assertEqual(out.decode(), p + ": passed (mode enforce, max_age "
                         "604800, 2 mx; 0 errors, 0 warnings, 0 notes)\n")

    def test_human_output(self):
        p = self.policy("human.txt", mode="enforce")
        rc, out, _ = run("lint", p, "--mx", "mx9.example.com", "--no-tlsrpt")
        self.assertEqual(rc, 1)
        lines = out.decode().splitlines()
        for line in lines[:-1]:
            m = DIAG_RE.match(line)
            self.assertIsNotNone(m, line)
            self.assertEqual(m.group("file"), p)
            self.assertIsNone(m.group("line"))
        self.assertEqual(lines[-1], p + ": failed (mode enforce, max_age "
                         "604800, 1 mx; 1 error, 2 warnings, 0 notes)")

    def test_parse_errors_then_nothing_to_lint(self):
        p = self.write("bad.txt", b"version: STSv1\nmode: enforce\n"
                                  b"mx: mx.example.com\nmax_age: 12x\n")
        rc, out, _ = run("lint", p, "--no-record")
        self.assertEqual(rc, 1)
        lines = out.decode().splitlines()
        self.assertRegex(lines[0], r":4:12: error: .*"
                                   r"\[policy-max-age-invalid\]$")
        self.assertEqual(lines[1], p + ": invalid (1 error, 0 warnings, "
                                       "0 notes)")
        rc, out, _ = run("lint", "--json", p)
        doc = self.json_of(out)
        self.assertIs(doc["valid"], False)
        self.assertIsNone(doc["policy"])
        self.assertEqual(doc["diagnostics"][0]["line"], 4)
        self.assertEqual(doc["diagnostics"][0]["column"], 12)

    def test_json_policy_object(self):
        p = self.policy("json.txt")
        rc, out, _ = run("lint", "--json", p)
        self.assertEqual(rc, 0)
        doc = self.json_of(out)
        self.assertEqual(list(doc.keys()), ["valid", "policy", "diagnostics"])
        self.assertEqual(doc["policy"], {"version": "STSv1",
                                         "mode": "testing",
                                         "max_age": 604800,
                                         "mx": ["mx1.example.com"],
                                         "extensions": []})
        self.assertEqual(doc["diagnostics"][0]["input"], p)

    def test_lenient_and_stdin(self):
        data = b"\xef\xbb\xbfversion: STSv1\nmode: none\nmax_age: 86400\n"
        r = run("lint", "--json", "-", stdin=data)
        self.assertEqual(r[0], 1)
        self.assertEqual([d["code"] for d in self.json_of(r[1])
                          ["diagnostics"]], ["bom"])
        r = run("lint", "--json", "--lenient", "-", stdin=data)
        self.assertEqual(r[0], 0)
        doc = self.json_of(r[1])
        self.assertEqual([(d["code"], d["input"])
                          for d in doc["diagnostics"]],
                         [("bom", "<stdin>"), ("lint-mode-none", "<stdin>")])
        # --lenient applies to the records too
        p = self.policy("lenient.txt", mode="enforce")
        rc, codes = self.lint_codes("--lenient", p, "--record",
                                    "\"v=STSv1; id=1;\"")
        self.assertEqual((rc, codes), (0, [("warning", "quoted")]))

    def test_usage_errors(self):
        p = self.policy("usage.txt")
        self.usage_error("lint", word="missing argument")
        self.usage_error("lint", p, "--record", "v=STSv1; id=1;",
                         "--no-record", word="exclude each other")
        self.usage_error("lint", p, "--tlsrpt", "v=TLSRPTv1; rua=mailto:a@b",
                         "--no-tlsrpt", word="exclude each other")
        self.usage_error("lint", p, "--mx", "a.example", "--no-mx",
                         word="exclude each other")
        self.usage_error("lint", p, "--no-mx", word="needs --domain")
        self.usage_error("lint", p, "--previous-policy", p,
                         word="go together")
        self.usage_error("lint", p, "--domain", "*.example.com",
                         word="invalid --domain")
        self.usage_error("lint", p, "--mx", "", word="invalid --mx")

    def test_io_errors(self):
        p = self.policy("io.txt")
        missing = self.path("missing.txt")
        err = self.usage_error("lint", missing)
        self.assertIn(missing.encode() + b": No such file or directory", err)
        self.usage_error("lint", p, "--previous-policy", missing,
                         "--previous-record", "v=STSv1; id=1;",
                         word="No such file or directory")
        self.usage_error("lint", self.tmp, word="Is a directory")


# ---------------------------------------------------------------------------
class TestHelp(GenerateTestCase):

    def test_help_of_new_commands(self):
        for cmd in ("generate", "enforce", "lint"):
            for flag in ("--help", "-h"):
                with self.subTest(cmd=cmd, flag=flag):
                    rc, out, err = run(cmd, flag)
                    self.assertEqual((rc, err), (0, b""))
                    text = out.decode()
                    self.assertTrue(text.startswith("Usage: mtasts %s " % cmd))
                    self.assertIn("Examples:\n  mtasts " + cmd, text)
                    self.assertIn("Exit status:", text)
                    self.assertIn("  -h, --help", text)
                    for line in text.splitlines():
                        self.assertLessEqual(len(line), 80, line)

    def test_help_documents_json_layout(self):
        _, out, _ = run("generate", "--help")
        for key in ("domain", "id", "record", "policy", "tlsrpt",
                    "diagnostics", "strings", "content_type", "default_rua"):
            self.assertIn(b'"%s"' % key.encode(), out)

    def test_help_lists_every_option(self):
        for cmd, options in (
                ("generate", ["--domain", "--mx", "--mode", "--max-age",
                              "--rua", "--id", "--now", "--format", "--ttl",
                              "--policy-out"]),
                ("enforce", ["--domain", "--record", "--id", "--max-age",
                             "--mx", "--now", "--format", "--ttl",
                             "--policy-out"]),
                ("lint", ["--domain", "--record", "--no-record", "--tlsrpt",
                          "--no-tlsrpt", "--mx", "--no-mx",
                          "--previous-policy", "--previous-record",
                          "--lenient", "--json"])):
            _, out, _ = run(cmd, "--help")
            usage, _, body = out.decode().partition("\n\n")
            for o in options:
                with self.subTest(cmd=cmd, option=o):
                    self.assertIn(o, usage)
                    self.assertIn("  " + o, body)

    def test_root_help_lists_new_commands(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        for cmd in (b"generate", b"enforce", b"lint"):
            self.assertRegex(out, rb"\n  " + cmd + rb" +\S")


# ---------------------------------------------------------------------------
class TestManPage(unittest.TestCase):
    """The built page (MTASTS_MAN) renders without a groff warning and
    covers every command of the tool. Run as the meson test cli-man."""

    @classmethod
    def setUpClass(cls):
        cls.man = os.environ.get("MTASTS_MAN", "")
        cls.groff = os.environ.get("MTASTS_GROFF") or shutil.which("groff")
        if not cls.man or not os.path.exists(cls.man):
            raise RuntimeError("MTASTS_MAN is not set to the built page")
        if not cls.groff:
            raise RuntimeError("groff is not installed")
        if not CLI or not os.path.exists(CLI):
            raise RuntimeError("MTASTS_CLI is not set to the built binary")

    def test_groff_renders_without_warnings(self):
        p = subprocess.run([self.groff, "-man", "-ww", "-z", self.man],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=60)
        self.assertEqual((p.returncode, p.stderr), (0, b""))

    def test_covers_every_command(self):
        with open(self.man, encoding="utf-8") as f:
            page = f.read()
        self.assertTrue(page.startswith(".\\\" Generated by scdoc"), page[:80])
        self.assertIn('.TH "mtasts" "1"', page)
        subsections = re.findall(r'^\.SS "?([^"\n]*)"?$', page, re.M)
        sections = re.findall(r'^\.SH "?([^"\n]*)"?$', page, re.M)

        def commands(path):
            _, out, _ = run(*(path + ["--help"]))
            text = out.decode()
            block = text.split("\nCommands:\n", 1)[1].split("\n\n", 1)[0]
            return [l.split()[0] for l in block.splitlines()]
        found = []
        for word in commands([]):
            sub = subprocess.run([CLI, word, "--help"],
                                 stdout=subprocess.PIPE).stdout.decode()
            if "\nCommands:\n" in sub:
                found += [word + " " + s for s in commands([word])]
            else:
                found.append(word)
        self.assertIn("generate", found)
        self.assertIn("policy check", found)
        self.assertEqual(sorted(subsections), sorted(found))
        for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "EXIT STATUS",
                        "EXAMPLES", "FILES", "SEE ALSO", "ENVIRONMENT"):
            self.assertIn(section, sections)

    def test_documents_every_option_of_the_new_commands(self):
        with open(self.man, encoding="utf-8") as f:
            page = f.read().replace("\\-", "-")
        for cmd in ("generate", "enforce", "lint"):
            _, out, _ = run(cmd, "--help")
            usage = out.decode().split("\n\n", 1)[0]
            for opt in set(re.findall(r"--[a-z-]+", usage)):
                with self.subTest(cmd=cmd, option=opt):
                    self.assertIn(opt, page)


def load_tests(loader, tests, pattern):
    """Without names on the command line, every class but TestManPage."""
    suite = unittest.TestSuite()
    for cls in (TestGolden, TestRoundTrip, TestZone, TestPolicyOut,
                TestGenerateOptions, TestEnforce, TestLint, TestHelp):
        suite.addTests(loader.loadTestsFromTestCase(cls))
    return suite


if __name__ == "__main__":
    unittest.main(verbosity=2)
