#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""End-to-end tests of 'mtasts check', the live checker.

Run under tests/net/netenv.py, which starts a DNS server, an HTTPS server
for the policy hosts and two SMTP servers (with and without STARTTLS) on
loopback, with a test CA, and exports where they are (MTASTS_TEST_*). The
binary is $MTASTS_CLI. Every check is given --dns-server, --ca-file and
one --connect-to per host (the policy host on port 443, each MX host on
port 25), as a domain owner testing a setup before it is live would.

Standard library only. Set $MTASTS_CLI_WRAPPER to run every command under
a tool, e.g. MTASTS_CLI_WRAPPER="valgrind -q --error-exitcode=99".
"""

import json
import os
import re
import shlex
import subprocess
import time
import unittest

CLI = os.environ.get("MTASTS_CLI", "")
WRAPPER = shlex.split(os.environ.get("MTASTS_CLI_WRAPPER", ""))
DNS = os.environ.get("MTASTS_TEST_DNS", "")
HTTPS_PORT = os.environ.get("MTASTS_TEST_HTTPS_PORT", "")
SMTP_PORT = os.environ.get("MTASTS_TEST_SMTP_PORT", "")
PLAIN_PORT = os.environ.get("MTASTS_TEST_PLAIN_PORT", "")
CLOSED_PORT = os.environ.get("MTASTS_TEST_CLOSED_PORT", "")
CA = os.environ.get("MTASTS_TEST_CA", "")

OK, BAD = "\u2713", "\u2717"
STEPS = ["record", "policy-fetch", "policy", "mx", "tlsrpt", "mx-tls"]
STATUSES = ("ok", "warning", "error", "skipped")
DIAG_KEYS = ["severity", "code", "line", "column", "message"]
RECORD_ID = "20240101T000000"  # netenv's id for every _mta-sts record
# The leaf certificates of netenv are valid for 20 days from the run.
CERT_DAYS = 20

# The MX hosts of each netenv domain (its zone).
MX_HOSTS = {
    "valid.test": ["mx1.valid.test", "mx2.valid.test"],
    "testing.test": ["mx1.testing.test", "mx2.testing.test"],
    "none.test": ["mx1.none.test", "mx2.none.test"],
    "uncovered.test": ["mx1.uncovered.test", "mx3.other.test"],
    "badmx.test": ["mx1.badmx.test", "mx.wrongname.test", "mx2.badmx.test"],
    "notxt.test": ["mx1.notxt.test", "mx2.notxt.test"],
    "nopolicy.test": ["mx1.nopolicy.test"],
    "nomx.test": ["nomx.test"],
}


def run(*args, timeout=120):
    """Run the CLI; return (exit status, stdout bytes, stderr bytes)."""
    p = subprocess.run(WRAPPER + [CLI] + list(args), stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def net_args(domain, ports=None, policy_host=True, timeout="10"):
    """The options that point a check of domain at the loopback servers:
    every MX host on the STARTTLS server unless ports says otherwise."""
    ports = ports or {}
    args = ["--dns-server", DNS, "--ca-file", CA]
    if timeout:
        args += ["--timeout", timeout]
    if policy_host:
        args += ["--connect-to",
                 "mta-sts.%s:443:127.0.0.1:%s" % (domain, HTTPS_PORT)]
    for host in MX_HOSTS.get(domain, []):
        args += ["--connect-to", "%s:25:127.0.0.1:%s"
                 % (host, ports.get(host, SMTP_PORT))]
    return args


class CheckTestCase(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        # never skip silently: a missing binary or harness is a failure
        if not CLI or not os.path.exists(CLI):
            raise RuntimeError("MTASTS_CLI is not set to the built binary")
        if not (DNS and HTTPS_PORT and SMTP_PORT and PLAIN_PORT and CA):
            raise RuntimeError("run under tests/net/netenv.py "
                               "(MTASTS_TEST_* are not set)")

    def check(self, domain, *extra, status=None, **kw):
        """Human output of a check: (exit status, stdout text, stderr)."""
        rc, out, err = run("check", domain, *(net_args(domain, **kw) +
                                               list(extra)))
        if status is not None:
            self.assertEqual(rc, status, (out.decode(), err.decode()))
        self.assertEqual(err, b"")
        return rc, out.decode("utf-8")

    def check_json(self, domain, *extra, status=None, **kw):
        """JSON output of a check, its structure verified; returns
        (exit status, document, {step name: step})."""
        rc, out, err = run("check", "--json", domain,
                           *(net_args(domain, **kw) + list(extra)))
        if status is not None:
            self.assertEqual(rc, status, (out, err))
        self.assertEqual(err, b"")
        self.assertTrue(out.endswith(b"\n"), out)
        self.assertEqual(out.count(b"\n"), 1, out)
        doc = json.loads(out.decode("utf-8"))
        self.assertEqual(list(doc), ["domain", "ok", "steps"])
        self.assertEqual(doc["domain"], domain)
        self.assertIs(doc["ok"], rc == 0)
        self.assertEqual([s["name"] for s in doc["steps"]], STEPS)
        for s in doc["steps"]:
            self.assertEqual(list(s)[:3], ["name", "status", "message"])
            self.assertEqual(list(s)[-1], "diagnostics")
            self.assertIn(s["status"], STATUSES)
            self.assertIsInstance(s["message"], str)
            self.assertTrue(s["message"])
            for d in s["diagnostics"]:
                self.assertEqual(list(d), DIAG_KEYS)
                self.assertIn(d["severity"], ("error", "warning", "note"))
                self.assertRegex(d["code"], r"^[a-z0-9-]+$")
        self.assertEqual(doc["ok"], not any(s["status"] == "error"
                                            for s in doc["steps"]))
        return rc, doc, {s["name"]: s for s in doc["steps"]}

    def codes(self, step):
        return [(d["severity"], d["code"]) for d in step["diagnostics"]]

    def item(self, text, mark, start):
        """Assert a human item line '   MARK START...' and return it."""
        for line in text.splitlines():
            if line.startswith("   %s %s" % (mark, start)):
                return line
        self.fail("no line %r %r in:\n%s" % (mark, start, text))


# ---------------------------------------------------------------------------
class TestValid(CheckTestCase):
    """valid.test: everything published correctly."""

    def test_human(self):
        _, out = self.check("valid.test", status=0)
        lines = out.splitlines()
        self.assertEqual(lines[0], "MTA-STS check of valid.test")
        heads = [l for l in lines if re.match(r"^[1-6]\. ", l)]
        self.assertEqual(heads, [
            "1. MTA-STS record: _mta-sts.valid.test TXT",
            "2. Policy fetch: "
            "https://mta-sts.valid.test/.well-known/mta-sts.txt",
            "3. Policy",
            "4. MX hosts of valid.test",
            "5. TLS reporting: _smtp._tls.valid.test TXT",
            "6. STARTTLS on the MX hosts (port 25)"])
        self.item(out, OK, "valid STSv1 record, id " + RECORD_ID)
        self.item(out, OK, "fetched: HTTP 200, Content-Type text/plain")
        line = self.item(out, OK, "valid: mode enforce")
        self.assertIn("max_age 604800 s (1 week)", line)
        self.item(out, OK, "mx patterns: mx1.valid.test, mx2.valid.test")
        self.item(out, OK, "mx1.valid.test (preference 10): covered by "
                           "mx1.valid.test")
        self.item(out, OK, "mx2.valid.test (preference 20): covered by "
                           "mx2.valid.test")
        self.item(out, OK, "valid TLSRPTv1 record: reports go to "
                           "mailto:tlsrpt@valid.test")
        for host in MX_HOSTS["valid.test"]:
            line = self.item(out, OK, host + ": STARTTLS offered, "
                                      "certificate valid")
            self.assertRegex(line, r"expires in \d+ days "
                                   r"\(\d{4}-\d\d-\d\d\)$")
        self.assertEqual(lines[-1], "Result: passed")
        # nothing but ok items
        for line in lines:
            self.assertFalse(re.match(r"^   [%s!i-] " % BAD, line), line)

    def test_json(self):
        _, doc, s = self.check_json("valid.test", status=0)
        self.assertTrue(doc["ok"])
        for name in STEPS:
            self.assertEqual((s[name]["status"], s[name]["diagnostics"]),
                             ("ok", []), name)
        self.assertEqual((s["record"]["dns_result"], s["record"]["id"]),
                         ("ok", RECORD_ID))
        f = s["policy-fetch"]
        self.assertEqual(
            (f["url"], f["http_status"], f["content_type"],
             f["result_type"], f["error"]),
            ("https://mta-sts.valid.test/.well-known/mta-sts.txt", 200,
             "text/plain", None, None))
        p = s["policy"]
        self.assertEqual((p["mode"], p["max_age"], p["mx"]),
                         ("enforce", 604800,
                          ["mx1.valid.test", "mx2.valid.test"]))
        m = s["mx"]
        self.assertEqual((m["dns_result"], m["implicit"], m["null_mx"]),
                         ("ok", False, False))
        self.assertEqual(m["hosts"], [
            {"host": "mx1.valid.test", "preference": 10, "covered": True,
             "pattern": "mx1.valid.test"},
            {"host": "mx2.valid.test", "preference": 20, "covered": True,
             "pattern": "mx2.valid.test"}])
        self.assertEqual((s["tlsrpt"]["dns_result"], s["tlsrpt"]["rua"]),
                         ("ok", ["mailto:tlsrpt@valid.test"]))
        hosts = s["mx-tls"]["hosts"]
        self.assertEqual([h["host"] for h in hosts], MX_HOSTS["valid.test"])
        now = time.time()
        for h in hosts:
            self.assertEqual(list(h), ["host", "status", "message",
                                       "starttls", "result_type",
                                       "not_after", "days_left", "error"])
            self.assertEqual((h["status"], h["starttls"], h["result_type"],
                              h["error"]), ("ok", True, None, None))
            self.assertGreater(h["not_after"], now)
            self.assertLessEqual(h["not_after"], now + CERT_DAYS * 86400 + 60)
            self.assertEqual(h["days_left"],
                             int((h["not_after"] - now) // 86400))
            self.assertGreaterEqual(h["days_left"], 14)  # no expiry warning

    def test_dns_servers_repeated_or_comma_separated(self):
        for extra in (["--dns-server", DNS], ["--dns-server=%s,%s" % (DNS, DNS)]):
            with self.subTest(extra=extra):
                # with net_args' own: two or three servers, all ours
                self.check_json("valid.test", *extra, status=0)

    def test_options_after_domain_and_inline_values(self):
        rc, out, err = run("check", "--timeout=5", "valid.test",
                           *net_args("valid.test", timeout=None))
        self.assertEqual((rc, err), (0, b""), out)


# ---------------------------------------------------------------------------
class TestProblems(CheckTestCase):
    """The classic mistakes and broken pieces, each named."""

    def test_uncovered_mx(self):
        _, out = self.check("uncovered.test", status=1)
        self.item(out, BAD, "1 of 2 MX hosts is not covered by the policy: "
                            "senders refuse to deliver to it")
        self.item(out, OK, "mx1.uncovered.test (preference 10): covered by "
                           "mx1.uncovered.test")
        self.item(out, BAD, "mx3.other.test (preference 20): not covered by "
                            "any mx pattern")
        line = self.item(out, BAD, "error: MX host 'mx3.other.test' matches "
                                   "no mx pattern")
        self.assertTrue(line.endswith("[lint-mx-uncovered]"), line)
        self.item(out, "!", "no TLS-RPT record: _smtp._tls.uncovered.test "
                            "does not exist (NXDOMAIN)")
        self.item(out, "!", "warning: no valid _smtp._tls TXT record")
        self.assertEqual(out.splitlines()[-1],
                         "Result: FAILED: problems in mx; warnings in tlsrpt")

        _, doc, s = self.check_json("uncovered.test", status=1)
        self.assertFalse(doc["ok"])
        self.assertEqual(s["mx"]["status"], "error")
        self.assertEqual(s["mx"]["hosts"][1],
                         {"host": "mx3.other.test", "preference": 20,
                          "covered": False, "pattern": None})
        self.assertEqual(self.codes(s["mx"]), [("error", "lint-mx-uncovered")])
        self.assertEqual(s["tlsrpt"]["status"], "warning")
        self.assertEqual(s["tlsrpt"]["dns_result"], "nxdomain")
        self.assertIn(("warning", "lint-no-tlsrpt"), self.codes(s["tlsrpt"]))
        for name in ("record", "policy-fetch", "policy", "mx-tls"):
            self.assertEqual(s[name]["status"], "ok", name)

    def test_policy_served_but_no_txt_record(self):
        _, out = self.check("notxt.test", status=1)
        self.item(out, BAD, "no record: _mta-sts.notxt.test does not exist "
                            "(NXDOMAIN)")
        line = self.item(out, BAD, "policy served but no TXT record")
        self.assertIn("HTTP 200, Content-Type text/plain", line)
        self.assertIn("never fetch the policy", line)
        self.item(out, BAD, "error: no valid _mta-sts TXT record")
        # the independent steps still ran on the fetched policy
        self.item(out, OK, "valid: mode enforce")
        self.item(out, OK, "every MX host is covered by the policy")
        self.assertEqual(out.splitlines()[-1],
                         "Result: FAILED: problems in record, policy-fetch")

        _, _, s = self.check_json("notxt.test", status=1)
        self.assertEqual((s["record"]["status"], s["record"]["dns_result"],
                          s["record"]["id"]), ("error", "nxdomain", None))
        self.assertEqual(self.codes(s["record"]), [("error", "dns-nxdomain")])
        f = s["policy-fetch"]
        self.assertEqual(f["status"], "error")
        self.assertTrue(f["message"].startswith(
            "policy served but no TXT record"), f["message"])
        self.assertEqual((f["http_status"], f["result_type"]), (200, None))
        self.assertEqual(self.codes(f), [("error", "lint-no-record")])
        self.assertEqual(s["policy"]["status"], "ok")
        self.assertEqual(s["mx"]["status"], "ok")

    def test_txt_record_but_no_policy(self):
        _, out = self.check("nopolicy.test", status=1)
        self.item(out, OK, "valid STSv1 record")
        line = self.item(out, BAD, "TXT record but no policy (HTTP 404, "
                                   "Content-Type text/plain)")
        self.assertIn("sts-policy-fetch-error", line)
        self.assertIn("[fetch-status]", out)
        self.item(out, "-", "skipped: no policy was fetched")
        self.item(out, "-", "skipped: 1 MX host found")
        self.item(out, "-", "mx1.nopolicy.test (preference 10)")
        # the MX host is probed all the same
        self.item(out, OK, "mx1.nopolicy.test: STARTTLS offered")

        _, _, s = self.check_json("nopolicy.test", status=1)
        f = s["policy-fetch"]
        self.assertEqual(
            (f["status"], f["http_status"], f["content_type"],
             f["result_type"]),
            ("error", 404, "text/plain", "sts-policy-fetch-error"))
        self.assertTrue(f["message"].startswith("TXT record but no policy"))
        self.assertIn("404", f["error"])
        self.assertEqual(self.codes(f), [("error", "fetch-status")])
        self.assertEqual((s["policy"]["status"], s["policy"]["mode"],
                          s["policy"]["max_age"], s["policy"]["mx"]),
                         ("skipped", None, None, None))
        self.assertEqual(s["mx"]["status"], "skipped")
        self.assertEqual(s["mx"]["hosts"],
                         [{"host": "mx1.nopolicy.test", "preference": 10,
                           "covered": None, "pattern": None}])
        self.assertEqual(s["mx-tls"]["status"], "ok")

    def test_badmx(self):
        _, out = self.check("badmx.test", status=1)
        self.item(out, BAD, "mx.wrongname.test (preference 20): not covered")
        self.item(out, BAD, "mx.wrongname.test: the certificate does not "
                            "name this host (senders report "
                            "certificate-host-mismatch)")
        self.assertIn("[probe-mismatch]", out)
        self.item(out, OK, "mx1.badmx.test: STARTTLS offered")
        self.item(out, OK, "mx2.badmx.test: STARTTLS offered")
        self.item(out, BAD, "invalid TLS-RPT record")
        self.assertIn("[tlsrpt-uri-syntax]", out)
        self.assertEqual(out.splitlines()[-1],
                         "Result: FAILED: problems in mx, tlsrpt, mx-tls")

        _, _, s = self.check_json("badmx.test", status=1)
        self.assertEqual(s["tlsrpt"]["status"], "error")
        self.assertIsNone(s["tlsrpt"]["rua"])
        self.assertIn(("error", "tlsrpt-uri-syntax"), self.codes(s["tlsrpt"]))
        self.assertIn(("warning", "lint-no-tlsrpt"), self.codes(s["tlsrpt"]))
        t = s["mx-tls"]
        self.assertEqual(t["status"], "error")
        bad = [h for h in t["hosts"] if h["status"] != "ok"]
        self.assertEqual([h["host"] for h in bad], ["mx.wrongname.test"])
        self.assertEqual((bad[0]["starttls"], bad[0]["not_after"],
                          bad[0]["days_left"]), (True, None, None))
        # a certificate for other.test: the wrong name, not an untrusted
        # chain (it comes from the test CA)
        self.assertEqual(bad[0]["result_type"], "certificate-host-mismatch")
        self.assertIn("mx.wrongname.test", bad[0]["error"])
        self.assertEqual(self.codes(t), [("error", "probe-mismatch")])
        self.assertIn("mx.wrongname.test", t["diagnostics"][0]["message"])

    def test_mx_without_starttls(self):
        ports = {"mx2.valid.test": PLAIN_PORT}
        _, out = self.check("valid.test", status=1, ports=ports)
        self.item(out, OK, "mx1.valid.test: STARTTLS offered")
        self.item(out, BAD, "mx2.valid.test: STARTTLS is not offered on port "
                            "25 (senders report starttls-not-supported)")
        self.assertIn("[probe-no-starttls]", out)
        self.assertEqual(out.splitlines()[-1],
                         "Result: FAILED: problems in mx-tls")

        _, _, s = self.check_json("valid.test", status=1, ports=ports)
        t = s["mx-tls"]
        self.assertEqual(t["status"], "error")
        self.assertEqual(t["message"],
                         "1 of 2 MX hosts failed the TLS check: senders "
                         "refuse to deliver to it (R-42)")
        h = t["hosts"][1]
        self.assertEqual((h["host"], h["status"], h["starttls"],
                          h["result_type"], h["days_left"]),
                         ("mx2.valid.test", "error", False,
                          "starttls-not-supported", None))
        self.assertEqual(self.codes(t), [("error", "probe-no-starttls")])

    def test_mx_not_listening(self):
        ports = {"mx1.valid.test": CLOSED_PORT}
        _, _, s = self.check_json("valid.test", status=1, ports=ports)
        h = s["mx-tls"]["hosts"][0]
        self.assertEqual((h["host"], h["status"], h["starttls"],
                          h["result_type"]),
                         ("mx1.valid.test", "error", None, None))
        self.assertTrue(h["message"].startswith(
            "mx1.valid.test: no SMTP session on port 25"), h["message"])
        self.assertEqual(self.codes(s["mx-tls"]), [("error", "probe-connect")])

    def test_temporary_dns_failure(self):
        # servfail.test: every name under it answers SERVFAIL
        _, out = self.check("servfail.test", status=1, policy_host=False,
                            timeout="2")
        line = self.item(out, BAD, "the lookup failed temporarily")
        self.assertTrue(line.endswith("try again later"), line)
        self.assertIn("[dns-temporary]", out)
        self.assertEqual(out.splitlines()[-1],
                         "Some DNS lookups failed temporarily: try again "
                         "later.")

        _, _, s = self.check_json("servfail.test", status=1,
                                  policy_host=False, timeout="2")
        r = s["record"]
        self.assertEqual(r["status"], "error")
        self.assertIn(r["dns_result"], ("servfail", "timeout", "error"))
        self.assertIn("try again", r["message"])
        self.assertEqual(self.codes(r), [("error", "dns-temporary")])
        self.assertEqual(s["mx"]["status"], "error")
        self.assertEqual(s["tlsrpt"]["status"], "error")
        self.assertEqual((s["policy"]["status"], s["mx-tls"]["status"]),
                         ("skipped", "skipped"))

    def test_slow_policy_host_and_timeout(self):
        # drip.test sends its policy one byte every half second: the
        # --timeout cuts the fetch
        t0 = time.monotonic()
        _, _, s = self.check_json("drip.test", status=1, timeout="2")
        self.assertLess(time.monotonic() - t0, 30)
        f = s["policy-fetch"]
        self.assertEqual((f["status"], f["result_type"]),
                         ("error", "sts-policy-fetch-error"))
        self.assertEqual(self.codes(f), [("error", "fetch-timeout")])

    def test_redirect_and_media_type(self):
        for domain, code in (("redirect301.test", "fetch-redirect"),
                             ("html.test", "fetch-content-type")):
            with self.subTest(domain=domain):
                _, _, s = self.check_json(domain, status=1)
                f = s["policy-fetch"]
                self.assertEqual(f["status"], "error")
                self.assertTrue(f["message"].startswith(
                    "TXT record but no policy"), f["message"])
                self.assertEqual(self.codes(f), [("error", code)])


# ---------------------------------------------------------------------------
class TestModesAndMx(CheckTestCase):

    def test_testing_mode_passes_with_a_note(self):
        _, out = self.check("testing.test", status=0)
        self.item(out, OK, "valid: mode testing (senders deliver as usual "
                           "and report TLS failures)")
        line = self.item(out, "i", "note: mode testing")
        self.assertTrue(line.endswith("[lint-mode-testing]"), line)
        self.assertEqual(out.splitlines()[-1], "Result: passed")

        _, doc, s = self.check_json("testing.test", status=0)
        self.assertTrue(doc["ok"])
        self.assertEqual((s["policy"]["status"], s["policy"]["mode"]),
                         ("ok", "testing"))
        self.assertEqual(self.codes(s["policy"]),
                         [("note", "lint-mode-testing")])

    def test_none_mode(self):
        _, _, s = self.check_json("none.test", status=0)
        self.assertEqual(s["policy"]["mode"], "none")
        self.assertIn(("note", "lint-mode-none"), self.codes(s["policy"]))

    def test_implicit_mx(self):
        _, out = self.check("nomx.test", status=0)
        self.item(out, OK, "no MX record: mail goes to the domain itself "
                           "(implicit MX)")
        self.item(out, OK, "nomx.test (implicit MX): covered by nomx.test")
        self.item(out, OK, "nomx.test: STARTTLS offered")
        self.assertEqual(out.splitlines()[-1],
                         "Result: passed with warnings in tlsrpt")

        _, _, s = self.check_json("nomx.test", status=0)
        m = s["mx"]
        self.assertEqual((m["status"], m["dns_result"], m["implicit"]),
                         ("ok", "nodata", True))
        self.assertEqual(m["hosts"], [{"host": "nomx.test", "preference": 0,
                                       "covered": True,
                                       "pattern": "nomx.test"}])
        self.assertEqual(s["tlsrpt"]["status"], "warning")

    def test_null_mx(self):
        # nullmx.test: "MX 0 ." and nothing else published
        _, _, s = self.check_json("nullmx.test", status=1, policy_host=False,
                                  timeout="2")
        m = s["mx"]
        self.assertEqual((m["status"], m["null_mx"], m["hosts"]),
                         ("warning", True, []))
        self.assertIn("null MX", m["message"])
        self.assertEqual(s["mx-tls"]["status"], "skipped")
        self.assertEqual(s["record"]["status"], "error")

    def test_several_records(self):
        _, out = self.check("two.test", status=1, timeout="2")
        self.item(out, BAD, "several STSv1 records")
        self.item(out, BAD, "several TLSRPTv1 records")
        self.assertEqual(out.count("[rrset-multiple]"), 4)


# ---------------------------------------------------------------------------
class TestUsage(CheckTestCase):

    def usage_error(self, *args, word=None):
        rc, out, err = run("check", *args)
        self.assertEqual(rc, 2, (args, out, err))
        self.assertEqual(out, b"")
        self.assertTrue(err.startswith(b"mtasts: "), err)
        if word is not None:
            self.assertIn(word.encode(), err)
        return err

    def test_missing_domain(self):
        err = self.usage_error("--json", word="missing argument")
        self.assertIn(b"Usage: mtasts check DOMAIN", err)

    def test_too_many_arguments(self):
        self.usage_error("a.example", "b.example", word="too many arguments")

    def test_invalid_domain(self):
        for d in ("*.example.com", "exa mple.com", "x-.example", ".", "",
                  "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." +
                  "d" * 52):
            with self.subTest(domain=d):
                self.usage_error(d, word="invalid DOMAIN")

    def test_bad_timeout(self):
        for t in ("0", "61", "abc", "1.5", "-1", ""):
            with self.subTest(timeout=t):
                self.usage_error("valid.test", "--timeout", t,
                                 word="invalid --timeout")

    def test_bad_connect_to(self):
        for c in ("nonsense", "mx.example:25:not-an-ip:25",
                  "mx.example:25:127.0.0.1", "mx.example:25:127.0.0.1:0"):
            with self.subTest(connect_to=c):
                self.usage_error("valid.test", "--connect-to", c,
                                 word="invalid --connect-to")

    def test_bad_dns_server(self):
        for d in ("not-an-ip", "127.0.0.1:99999", "127.0.0.1,", ""):
            with self.subTest(dns_server=d):
                self.usage_error("valid.test", "--dns-server", d,
                                 word="invalid --dns-server")
        # the bad one of several is named
        self.usage_error("valid.test", "--dns-server", DNS, "--dns-server",
                         "bad", word="'bad'")

    def test_missing_ca_file(self):
        self.usage_error("valid.test", "--ca-file", "/nonexistent/ca.pem",
                         word="/nonexistent/ca.pem: No such file")

    def test_unknown_option_and_value_twice(self):
        self.usage_error("valid.test", "--frob", word="unknown option")
        self.usage_error("valid.test", "--timeout", "5", "--timeout", "6",
                         word="more than once")

    def test_help(self):
        for flag in ("--help", "-h"):
            with self.subTest(flag=flag):
                rc, out, err = run("check", flag)
                self.assertEqual((rc, err), (0, b""))
                text = out.decode("utf-8")
                self.assertTrue(text.startswith("Usage: mtasts check DOMAIN"))
                self.assertIn("Examples:\n  mtasts check", text)
                self.assertIn("Exit status:", text)
                usage, _, body = text.partition("\n\n")
                for opt in ("--json", "--dns-server", "--ca-file",
                            "--connect-to", "--timeout"):
                    self.assertIn(opt, usage)
                    self.assertIn("  " + opt, body)
                for line in text.splitlines():
                    self.assertLessEqual(len(line), 80, line)
        # --help wins over errors
        rc, out, _ = run("check", "--timeout", "0", "--help")
        self.assertEqual(rc, 0)
        self.assertTrue(out.startswith(b"Usage: mtasts check "))

    def test_root_help_lists_check(self):
        rc, out, _ = run("--help")
        self.assertEqual(rc, 0)
        self.assertRegex(out, rb"\n  check +\S")


if __name__ == "__main__":
    unittest.main(verbosity=2)
