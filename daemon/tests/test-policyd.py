#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
mtasts-policyd against real servers on loopback, queried by the real
Postfix client (postmap -q ... socketmap:unix:PATH:NAME) and by a raw
socketmap client for what postmap cannot send.

Run under tests/net/netenv.py, which starts the DNS, HTTPS and SMTP test
servers and a test CA:

    /usr/bin/python3 tests/net/netenv.py -- \
        /usr/bin/python3 daemon/tests/test-policyd.py BUILD/daemon/mtasts-policyd

Scenarios netenv.py lacks (an id change, a policy host that goes away,
wildcard patterns, an IDN) are served by this script: a DNS server that
answers for *.mine.test names and forwards every other question to
netenv's, and an HTTPS server with a certificate from netenv's CA.

POLICYD_WRAPPER (e.g. "valgrind --error-exitcode=99 -q") runs the daemon
under a tool; a daemon that exits with a status other than 0 fails the
test.
"""

import os
import shlex
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from dnslib import QTYPE, RCODE, RR, TXT, A, DNSRecord
from dnslib.server import BaseResolver, DNSServer

DAEMON = sys.argv[1]
WRAPPER = shlex.split(os.environ.get("POLICYD_WRAPPER", ""))
SLOW = 10 if WRAPPER else 1
ENV = os.environ
NET_DNS = ENV["MTASTS_TEST_DNS"]
NET_HTTPS = int(ENV["MTASTS_TEST_HTTPS_PORT"])
CLOSED = int(ENV["MTASTS_TEST_CLOSED_PORT"])
CA = ENV["MTASTS_TEST_CA"]
NETDIR = ENV["MTASTS_TEST_DIR"]
POSTMAP = os.environ.get("POSTMAP", "postmap")

NET_DOMAINS = ["valid", "testing", "none", "invalid", "notfound", "expired",
               "drip", "nopolicy", "uncovered", "wrongname", "nosuch"]
MY_DOMAINS = ["idchange", "down", "wild", "xn--bcher-kva", "ipmx",
              "many"]

WORK = tempfile.mkdtemp(prefix="policyd-test-")
results = {"pass": 0, "fail": 0}


def ok(cond, name, detail=""):
    if cond:
        results["pass"] += 1
        print(f"ok {results['pass'] + results['fail']} - {name}")
    else:
        results["fail"] += 1
        print(f"not ok {results['pass'] + results['fail']} - {name}"
              f"{': ' + str(detail) if detail else ''}")
    sys.stdout.flush()


# ---- our own DNS and HTTPS servers --------------------------------------------

def policy(mode, mx, max_age=604800):
    return ("version: STSv1\r\nmode: %s\r\n" % mode +
            "".join("mx: %s\r\n" % m for m in mx) +
            "max_age: %d\r\n" % max_age).encode()


MINE = {
    # domain: [TXT id, policy body]
    "idchange.mine.test": ["id1", policy("enforce",
                                         ["mx1.idchange.mine.test"])],
    "down.mine.test": ["down1", policy("enforce", ["mx1.down.mine.test"])],
    "wild.mine.test": ["w1", policy("enforce",
                                    ["mx1.wild.mine.test",
                                     "*.mail.wild.mine.test",
                                     "mx1.wild.mine.test",
                                     "aaa.wild.mine.test"])],
    "xn--bcher-kva.mine.test": ["idn1", policy("enforce",
                                               ["mx.xn--bcher-kva.mine.test"])],
    "ipmx.mine.test": ["ip1", policy("enforce", ["192.0.2.1"])],
    "ipmx2.mine.test": ["ip2", policy("enforce", ["192.0.2.1",
                                                 "mx.ipmx2.mine.test"])],
}
LOCK = threading.Lock()


class Resolver(BaseResolver):
    def resolve(self, request, handler):
        name = str(request.q.qname).lower().rstrip(".")
        reply = request.reply()
        if name.endswith("mine.test"):
            with LOCK:
                if name.startswith("_mta-sts.") and name[9:] in MINE \
                        and request.q.qtype == QTYPE.TXT:
                    reply.add_answer(RR(name, QTYPE.TXT, ttl=1, rdata=TXT(
                        "v=STSv1; id=%s" % MINE[name[9:]][0])))
                elif name.startswith("mta-sts.") and \
                        request.q.qtype == QTYPE.A:
                    reply.add_answer(RR(name, QTYPE.A, ttl=1,
                                        rdata=A("127.0.0.1")))
                elif name not in MINE and not name.startswith("mta-sts."):
                    reply.header.rcode = RCODE.NXDOMAIN
            return reply
        host, port = NET_DNS.split(":")
        try:
            return DNSRecord.parse(request.send(host, int(port), timeout=3))
        except Exception:
            reply.header.rcode = RCODE.SERVFAIL
            return reply


class Quiet:
    """A dnslib logger that logs nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


class Policies(BaseHTTPRequestHandler):
    def do_GET(self):
        host = (self.headers.get("Host") or "").split(":")[0].lower()
        domain = host[len("mta-sts."):]
        with LOCK:
            entry = MINE.get(domain)
        if not entry or self.path != "/.well-known/mta-sts.txt":
            self.send_response(404)
            self.end_headers()
            return
        body = entry[1]
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def make_cert():
    names = ["mta-sts." + d for d in MINE]
    ext = os.path.join(WORK, "leaf.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=" + ",".join("DNS:" + n for n in names) +
                "\nextendedKeyUsage=serverAuth\n")
    run = dict(cwd=WORK, check=True, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "req", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                    "leaf.key", "-out", "leaf.csr", "-subj",
                    "/CN=" + names[0]], **run)
    subprocess.run(["openssl", "x509", "-req", "-in", "leaf.csr", "-CA",
                    os.path.join(NETDIR, "ca.pem"), "-CAkey",
                    os.path.join(NETDIR, "ca.key"), "-CAcreateserial",
                    "-out", "leaf.pem", "-days", "5", "-extfile", ext],
                   **run)


class HTTPS:
    def __init__(self, port=0):
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Policies)
        self.server.daemon_threads = True
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(WORK, "leaf.pem"),
                            os.path.join(WORK, "leaf.key"))
        self.server.socket = ctx.wrap_socket(self.server.socket,
                                             server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---- the daemon ------------------------------------------------------------------

class Daemon:
    def __init__(self, name, extra=(), dns=None, https=None, mine_https=None,
                 cache=None):
        self.sock = os.path.join(WORK, name + ".sock")
        self.log = os.path.join(WORK, name + ".log")
        args = [DAEMON, "--foreground", "-v", "--listen",
                "unix:" + self.sock, "--dns-server", dns or MY_DNS,
                "--ca-file", CA, "--timeout", "5"]
        for d in NET_DOMAINS:
            args += ["--connect-to", "mta-sts.%s.test:443:127.0.0.1:%d" %
                     (d, https or NET_HTTPS)]
        for d in MINE:
            args += ["--connect-to", "mta-sts.%s:443:127.0.0.1:%d" %
                     (d, mine_https or MY_HTTPS.port)]
        if cache:
            args += ["--cache-file", cache]
        args += list(extra)
        self.proc = subprocess.Popen(WRAPPER + args,
                                     stderr=open(self.log, "w"))
        for _ in range(400):
            if os.path.exists(self.sock):
                try:
                    s = socket.socket(socket.AF_UNIX)
                    s.connect(self.sock)
                    s.close()
                    return
                except OSError:
                    pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError("daemon %s did not start: %s" %
                           (name, open(self.log).read()))

    def stop(self):
        self.proc.terminate()
        try:
            rc = self.proc.wait(30 * SLOW)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            rc = -9
        ok(rc == 0, "daemon %s exits cleanly" % os.path.basename(self.sock),
           "status %s; log:\n%s" % (rc, open(self.log).read()[-3000:]))
        return rc

    def alive(self):
        return self.proc.poll() is None

    def map(self, name="postfix"):
        return "socketmap:unix:%s:%s" % (self.sock, name)


def postmap(daemon, key, name="postfix"):
    p = subprocess.run([POSTMAP, "-q", key, daemon.map(name)],
                       capture_output=True, text=True,
                       timeout=60 * SLOW)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


def raw(daemon, payloads, timeout=10):
    """Send netstrings (bytes or str) on one connection; return the replies
    (None when the daemon closed the connection first)."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout * SLOW)
    s.connect(daemon.sock)
    data = b""
    for p in payloads:
        if isinstance(p, str):
            p = p.encode()
        data += b"%d:%s," % (len(p), p)
    s.sendall(data)
    out = []
    buf = b""
    while len(out) < len(payloads):
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            chunk = b""
        if not chunk:
            out.append(None)
            break
        buf += chunk
        while b":" in buf:
            head, rest = buf.split(b":", 1)
            n = int(head)
            if len(rest) < n + 1:
                break
            out.append(rest[:n].decode("utf-8", "replace"))
            buf = rest[n + 1:]
    s.close()
    return out


def closed_by_daemon(daemon, data):
    """Send raw bytes; True when the daemon closes the connection without
    a reply."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(5 * SLOW)
    s.connect(daemon.sock)
    try:
        s.sendall(data)
        got = s.recv(100)
    except (ConnectionResetError, BrokenPipeError):
        got = b""
    except socket.timeout:
        got = b"(timeout)"
    s.close()
    return got == b""


def wait_for(fn, seconds):
    end = time.time() + seconds * SLOW
    while time.time() < end:
        v = fn()
        if v:
            return v
        time.sleep(0.2)
    return fn()


SECURE = "secure match=mx1.valid.test:mx2.valid.test servername=hostname"
TLSRPT = (SECURE + " policy_type=sts policy_domain=valid.test"
          " mx_host_pattern=mx1.valid.test mx_host_pattern=mx2.valid.test"
          " { policy_string = version: STSv1 }"
          " { policy_string = mode: enforce }"
          " { policy_string = mx: mx1.valid.test }"
          " { policy_string = mx: mx2.valid.test }"
          " { policy_string = max_age: 604800 }")


def main():
    global MY_DNS, MY_HTTPS
    t0 = time.time()
    make_cert()
    dns = DNSServer(Resolver(), port=0, address="127.0.0.1", logger=Quiet())
    dns.start_thread()
    MY_DNS = "127.0.0.1:%d" % dns.server.server_address[1]
    MY_HTTPS = HTTPS()
    cache = os.path.join(WORK, "cache")

    d = Daemon("main", ["--recheck", "1", "--deadline", str(1.5 * SLOW)],
               cache=cache)

    # ---- the modes, in both dialects (R-42..R-44) ----
    ok(postmap(d, "valid.test")[:2] == (0, SECURE), "enforce: secure match",
       postmap(d, "valid.test"))
    ok(postmap(d, "valid.test", "postfix-tlsrpt")[:2] == (0, TLSRPT),
       "enforce, postfix-tlsrpt: TLSRPT attributes",
       postmap(d, "valid.test", "postfix-tlsrpt"))
    for dom, why in [("testing.test", "testing without --strict-testing"),
                     ("none.test", "mode none"),
                     ("invalid.test", "invalid policy (A-14)"),
                     ("notfound.test", "fetch failure: 404 (R-27, R-32)"),
                     ("expired.test", "fetch failure: expired certificate "
                                      "(R-24)"),
                     ("wrongname.test", "fetch failure: wrong certificate "
                                        "name"),
                     ("nosuch.test", "NXDOMAIN: no policy"),
                     ("nopolicy.test", "fetch failure: 404")]:
        for name in ("postfix", "postfix-tlsrpt"):
            r = postmap(d, dom, name)
            ok(r[0] == 1 and r[1] == "", "%s: NOTFOUND (%s)" % (why, name), r)
    # the answer stays NOTFOUND from the cache, without a new fetch
    ok(postmap(d, "notfound.test")[0] == 1,
       "fetch failure cached: NOTFOUND again")

    # ---- key normalisation ----
    for key in ["[valid.test]", "[valid.test]:25", "valid.test:25",
                "VALID.TEST.", "Valid.Test"]:
        r = postmap(d, key)
        ok(r[:2] == (0, SECURE), "key %r: the policy of valid.test" % key, r)
    for key in [".valid.test", ".test", "[192.0.2.1]", "192.0.2.1",
                "[ipv6:2001:db8::1]", "2001:db8::1", "/var/run/sock",
                "valid..test", "-valid.test", "a" * 300 + ".test"]:
        r = postmap(d, key)
        ok(r[0] == 1, "key %r: NOTFOUND" % key, r)
    # U-labels (SMTPUTF8 next hops) become A-labels (libidn2)
    r = raw(d, ["postfix bücher.mine.test"])
    ok(r == ["OK secure match=mx.xn--bcher-kva.mine.test "
             "servername=hostname"], "IDN key: converted to its A-label", r)
    r = postmap(d, "bücher.mine.test")
    ok(r[:2] == (0, "secure match=mx.xn--bcher-kva.mine.test "
                    "servername=hostname"), "IDN key through postmap", r)

    # ---- match= translation (notes §1.3) ----
    r = postmap(d, "wild.mine.test")
    ok(r[:2] == (0, "secure match=.mail.wild.mine.test:aaa.wild.mine.test:"
                    "mx1.wild.mine.test servername=hostname"),
       "wildcard to .suffix, sorted, without duplicates", r)
    r = postmap(d, "wild.mine.test", "postfix-tlsrpt")
    ok(r[0] == 0 and "mx_host_pattern=mx1.wild.mine.test "
       "mx_host_pattern=*.mail.wild.mine.test "
       "mx_host_pattern=aaa.wild.mine.test {" in r[1] and
       r[1].count("mx_host_pattern=") == 3,
       "tlsrpt: the RFC patterns as mx_host_pattern, once each", r)
    r = postmap(d, "ipmx.mine.test")
    ok(r[0] == 1, "a policy whose only pattern is an IP address: NOTFOUND",
       r)
    r = postmap(d, "ipmx2.mine.test")
    ok(r[:2] == (0, "secure match=mx.ipmx2.mine.test servername=hostname"),
       "IP address patterns never reach match=", r)

    # ---- the protocol ----
    keys = ["valid.test", "none.test", "testing.test", ".valid.test"] * 25
    r = raw(d, ["postfix " + k for k in keys])
    want = ["OK " + SECURE if k == "valid.test" else "NOTFOUND "
            for k in keys]
    ok(r == want, "100 pipelined requests on one connection, in order",
       r[:5])
    p = subprocess.run([POSTMAP, "-q", "-", d.map()], capture_output=True,
                       text=True, timeout=60 * SLOW,
                       input="valid.test\nnone.test\n[valid.test]:25\n")
    ok(p.stdout.splitlines() == ["valid.test\t" + SECURE,
                                 "[valid.test]:25\t" + SECURE],
       "postmap -q - (several keys on one connection)", p.stdout)
    r = raw(d, ["bogus valid.test", "postfix", "postfix-tlsrpt none.test"])
    ok(r[0].startswith("PERM ") and r[1].startswith("PERM ") and
       r[2] == "NOTFOUND ", "unknown map name and missing key: PERM", r)
    for name, data in [("letters", b"abc,"), ("no terminator", b"3:abc;"),
                       ("negative length", b"-1:,"),
                       ("leading zero", b"03:abc,"),
                       ("oversized", b"100000:" + b"x" * 5000),
                       ("huge length", b"99999999999:x,")]:
        ok(closed_by_daemon(d, data), "malformed netstring (%s): closed"
           % name)
    r = raw(d, ["postfix " + "a" * 2000])
    ok(r == ["NOTFOUND "], "a 2000-byte key: NOTFOUND", r)
    ok(d.alive() and postmap(d, "valid.test")[0] == 0,
       "the daemon still answers after bad clients")

    # ---- many clients at once ----
    socks = []
    for i in range(150):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(20 * SLOW)
        s.connect(d.sock)
        socks.append(s)
    for i, s in enumerate(socks):
        s.sendall(b"18:postfix valid.test," if i % 2 else
                  b"17:postfix none.test,")
    good = 0
    for i, s in enumerate(socks):
        want = (b"%d:OK %s," % (len(SECURE) + 3, SECURE.encode())
                if i % 2 else b"9:NOTFOUND ,")
        buf = b""
        while len(buf) < len(want):
            chunk = s.recv(4096)
            if not chunk:
                break
            buf += chunk
        good += buf == want
        s.close()
    ok(good == 150, "150 concurrent clients answered", good)

    # ---- the deadline: a slow policy host (drip.test) ----
    t = time.time()
    r = postmap(d, "drip.test")
    ok(r[0] == 1 and time.time() - t < 4 * SLOW,
       "first fetch slower than --deadline: NOTFOUND at the deadline",
       (r, time.time() - t))
    t = time.time()
    r = postmap(d, "valid.test")
    ok(r[0] == 0 and time.time() - t < 2 * SLOW,
       "other domains answered while a fetch is slow")

    # ---- an id change: the new policy is fetched (C2, R-04) ----
    r = postmap(d, "idchange.mine.test")
    ok(r[1] == "secure match=mx1.idchange.mine.test servername=hostname",
       "id change: first policy", r)
    with LOCK:
        MINE["idchange.mine.test"] = ["id2", policy(
            "enforce", ["mx9.idchange.mine.test"])]
    time.sleep(1.1)
    r = wait_for(lambda: postmap(d, "idchange.mine.test")[1] ==
                 "secure match=mx9.idchange.mine.test servername=hostname",
                 15)
    ok(r, "id change: the new policy is fetched and answered")
    # a changed body under the same id is not fetched (ids are compared)
    with LOCK:
        MINE["idchange.mine.test"][1] = policy(
            "enforce", ["mx7.idchange.mine.test"])
    time.sleep(2.5)
    postmap(d, "idchange.mine.test")
    time.sleep(1)
    r = postmap(d, "idchange.mine.test")
    ok("mx9.idchange" in r[1], "same id: no new fetch", r)

    # ---- cached, then the policy host goes away (R-33, C5) ----
    r = postmap(d, "down.mine.test")
    ok(r[1] == "secure match=mx1.down.mine.test servername=hostname",
       "server-down: cached first", r)
    MY_HTTPS.stop()
    with LOCK:
        MINE["down.mine.test"][0] = "down2"  # a new id: a refetch is due
    time.sleep(1.1)
    postmap(d, "down.mine.test")
    ok(wait_for(lambda: "down.mine.test: policy refresh failed" in
                open(d.log).read(), 15),
       "server-down: the refetch failed (and was logged as an alert)")
    r = postmap(d, "down.mine.test")
    ok(r[1] == "secure match=mx1.down.mine.test servername=hostname",
       "server-down: the cached policy is still applied", r)
    MY_HTTPS = HTTPS()

    d.stop()
    ok(os.path.exists(cache) and b"domain valid.test" in
       open(cache, "rb").read(), "the cache file was written at exit")

    # ---- restart with the cache file and no network at all (S-02) ----
    dead = "127.0.0.1:%d" % CLOSED
    d2 = Daemon("restart", ["--deadline", "1"], dns=dead, https=CLOSED,
                mine_https=CLOSED, cache=cache)
    r = postmap(d2, "valid.test")
    ok(r[:2] == (0, SECURE), "restart: answered from the cache file", r)
    r = postmap(d2, "valid.test", "postfix-tlsrpt")
    ok(r[:2] == (0, TLSRPT), "restart: postfix-tlsrpt from the cache", r)
    r = postmap(d2, "idchange.mine.test")
    ok("mx9.idchange" in r[1], "restart: the id-changed policy kept", r)
    ok(postmap(d2, "none.test")[0] == 1, "restart: mode none still NOTFOUND")
    log = open(d2.log).read()
    ok("entries loaded" in log and "policy fetched" not in log,
       "restart: nothing fetched", log[-500:])
    d2.stop()

    # ---- --strict-testing ----
    d3 = Daemon("strict", ["--strict-testing"])
    r = postmap(d3, "testing.test")
    ok(r[:2] == (0, "secure match=mx1.testing.test:mx2.testing.test "
                    "servername=hostname"),
       "testing with --strict-testing: secure match", r)
    ok(postmap(d3, "none.test")[0] == 1, "--strict-testing: none still "
       "NOTFOUND")
    d3.stop()

    # ---- a config file ----
    conf = os.path.join(WORK, "policyd.conf")
    with open(conf, "w") as f:
        f.write("# test\nstrict-testing = yes\ndeadline = 2\n")
    d4 = Daemon("conf", ["--config", conf])
    r = postmap(d4, "testing.test")
    ok(r[0] == 0, "config file: strict-testing = yes", r)
    d4.stop()
    p = subprocess.run([DAEMON, "--bogus"], capture_output=True, text=True)
    ok(p.returncode != 0 and "unknown option" in p.stderr,
       "an unknown option is refused")
    p = subprocess.run([DAEMON, "--version"], capture_output=True, text=True)
    ok(p.returncode == 0 and "libmtasts" in p.stdout, "--version")

    dns.stop()
    print("1..%d" % (results["pass"] + results["fail"]))
    print("# %d passed, %d failed, %.1f s" % (results["pass"],
                                              results["fail"],
                                              time.time() - t0))
    return 1 if results["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
