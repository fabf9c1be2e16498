#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""
Real servers on loopback for the network tests: a DNS server (UDP and TCP,
python3-dnslib for the wire format), an HTTPS server and two SMTP servers,
with a test CA made by openssl for this run. Nothing here touches the
internet.

    netenv.py [--dir DIR] -- COMMAND [ARG...]

starts the servers, runs COMMAND with the environment below, stops the
servers and exits with COMMAND's status. Without --dir the working
directory is a new temporary one, removed at the end; with it, DIR is
kept for inspection.

    MTASTS_TEST_DNS          "127.0.0.1:PORT" of the DNS server
    MTASTS_TEST_HTTPS_PORT   the HTTPS server (policy hosts, chosen by SNI
                             and Host)
    MTASTS_TEST_SMTP_PORT    SMTP offering STARTTLS (certificate chosen by
                             SNI)
    MTASTS_TEST_PLAIN_PORT   SMTP that does not offer STARTTLS
    MTASTS_TEST_CLOSED_PORT  a TCP port on which nothing listens
    MTASTS_TEST_CA           the test CA certificate (PEM)
    MTASTS_TEST_DIR          the working directory (certificates, logs)
    MTASTS_TEST_PORT443      "1" when the HTTPS server also listens on
                             127.0.0.1:443 (only possible as root, and
                             when the port is free), else "0"

MTASTS_TEST_DIR also holds capath/, the test CA as an OpenSSL-hashed
directory (for a CA path instead of a CA file), and two logs that let
tests see what the client sent, one line per event, appended (and
flushed) before the server answers:

    https.log   one line per HTTP request: TAB-separated fields SNI, method,
                path, Host, then every request header line as received
    sni.log     one line per TLS handshake (HTTPS and SMTP): the SNI name
                the client sent ("-" for none)

Under `meson test --setup=valgrind` the wrapper runs this script, not
COMMAND, under valgrind (which does not follow children): when it finds
itself under valgrind, it runs COMMAND under valgrind with the options of
that setup (VALGRIND_OPTIONS below).

The scenarios (zone, policy hosts, MX hosts) are the tables below; the
tests/net/README.md lists them for test writers.
"""

import gzip
import os
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time

from dnslib import CNAME, MX, QTYPE, RCODE, RR, TXT, A, DNSRecord

# ---- the scenarios ---------------------------------------------------------

POLICY = (b"version: STSv1\r\nmode: enforce\r\nmx: mx1.valid.test\r\n"
          b"mx: mx2.valid.test\r\nmax_age: 604800\r\n")


def policy_for(domain, mode=b"enforce", mx=None):
    mx = mx or [b"mx1." + domain.encode(), b"mx2." + domain.encode()]
    return (b"version: STSv1\r\nmode: " + mode + b"\r\n" +
            b"".join(b"mx: " + m + b"\r\n" for m in mx) +
            b"max_age: 604800\r\n")


def padded(size):
    """A valid policy of exactly size bytes (extension lines pad it)."""
    body = bytearray(policy_for("valid.test"))
    while len(body) < size:
        room = size - len(body)
        if room < 8:
            # grow the last padding line instead of adding a short one
            body[-2:-2] = b"x" * room
            break
        n = min(room - 6, 1000)
        body += b"x: " + b"a" * (n - 5) + b"\r\n"
    assert len(body) == size, len(body)
    return bytes(body)


# HTTPS behaviour per Policy Domain (the host is mta-sts.<domain>).
# Each value: (status, headers, body, mode) with mode "normal", "chunked",
# "drip" or "reset" (the connection is closed without any response).
def https_scenarios():
    ok = ("200 OK", [("Content-Type", "text/plain")])
    s = {
        "valid.test": ok + (policy_for("valid.test"), "normal"),
        "testing.test": ok + (policy_for("testing.test", b"testing"), "normal"),
        "none.test": ok + (policy_for("none.test", b"none"), "normal"),
        "uncovered.test": ok + (policy_for("uncovered.test",
                                           mx=[b"mx1.uncovered.test"]),
                                "normal"),
        "badmx.test": ok + (policy_for("badmx.test"), "normal"),
        "nomx.test": ok + (policy_for("nomx.test", mx=[b"nomx.test"]), "normal"),
        "notxt.test": ok + (policy_for("notxt.test"), "normal"),
        "cname.test": ok + (policy_for("valid.test"), "normal"),
        "redirect301.test": ("301 Moved Permanently",
                             [("Location", "https://mta-sts.valid.test/"
                               ".well-known/mta-sts.txt"),
                              ("Content-Type", "text/plain")],
                             policy_for("valid.test"), "normal"),
        "redirect302.test": ("302 Found",
                             [("Location", "https://mta-sts.valid.test/"
                               ".well-known/mta-sts.txt"),
                              ("Content-Type", "text/plain")],
                             policy_for("valid.test"), "normal"),
        "notfound.test": ("404 Not Found", [("Content-Type", "text/plain")],
                          b"not found\n", "normal"),
        "nopolicy.test": ("404 Not Found", [("Content-Type", "text/plain")],
                          b"not found\n", "normal"),
        "error500.test": ("500 Internal Server Error",
                          [("Content-Type", "text/plain")], b"oops\n",
                          "normal"),
        "html.test": ("200 OK", [("Content-Type", "text/html")],
                      policy_for("html.test"), "normal"),
        "noctype.test": ("200 OK", [], policy_for("noctype.test"), "normal"),
        "charset.test": ("200 OK",
                         [("Content-Type", "text/plain; charset=utf-8")],
                         policy_for("charset.test"), "normal"),
        "upper.test": ("200 OK", [("Content-Type", "TEXT/Plain ; Charset=US-ASCII")],
                       policy_for("upper.test"), "normal"),
        "max.test": ok + (padded(65536), "normal"),
        "big.test": ok + (padded(65537), "normal"),
        "bigchunked.test": ok + (padded(65537), "chunked"),
        "hugechunked.test": ok + (padded(65536) * 8, "chunked"),
        "chunked.test": ok + (policy_for("chunked.test"), "chunked"),
        "drip.test": ok + (policy_for("drip.test"), "drip"),
        "invalid.test": ok + (b"version: STSv1\r\nmode: bogus\r\n"
                              b"mx: mx1.invalid.test\r\nmax_age: 86400\r\n",
                              "normal"),
        "empty.test": ok + (b"", "normal"),
        "reset.test": ("200 OK", [], b"", "reset"),
        "gzip.test": ("200 OK", [("Content-Type", "text/plain"),
                                 ("Content-Encoding", "gzip")],
                      gzip.compress(policy_for("gzip.test")), "normal"),
        # served with special certificates (SNI), otherwise valid
        "expired.test": ok + (policy_for("expired.test"), "normal"),
        "wrongname.test": ok + (policy_for("wrongname.test"), "normal"),
        "unknownca.test": ok + (policy_for("unknownca.test"), "normal"),
    }
    return s


# Which certificate a TLS name gets: "leaf" (test CA, names below),
# "expired", "wrongname" (a certificate for other.test) or "rogue" (a CA
# the tests do not trust).
SPECIAL_CERTS = {
    "mta-sts.expired.test": "expired",
    "mx.expired.test": "expired",
    "mta-sts.wrongname.test": "wrongname",
    "mx.wrongname.test": "wrongname",
    "mta-sts.unknownca.test": "rogue",
    "mx.unknownca.test": "rogue",
}

MX_HOSTS = ["mx1.valid.test", "mx2.valid.test", "mx1.testing.test",
            "mx2.testing.test", "mx1.none.test", "mx2.none.test",
            "mx1.uncovered.test", "mx3.other.test", "nomx.test",
            "mx1.badmx.test", "mx2.badmx.test", "mx1.notxt.test",
            "mx2.notxt.test", "mx1.nopolicy.test"]


def zone():
    """name -> list of (QTYPE, rdata) plus special behaviours."""
    z = {}

    def add(name, qtype, rdata):
        z.setdefault(name.lower().rstrip(".") + ".", []).append((qtype, rdata))

    rid = "20240101T000000"
    for d in https_scenarios():
        if d not in ("notxt.test", "cname.test"):
            add("_mta-sts." + d, QTYPE.TXT, TXT(f"v=STSv1; id={rid}"))
        add("mta-sts." + d, QTYPE.A, A("127.0.0.1"))
        add(d, QTYPE.A, A("127.0.0.1"))
    for d in ("valid.test", "testing.test", "none.test", "notxt.test"):
        add(d, QTYPE.MX, MX(f"mx1.{d}", 10))
        add(d, QTYPE.MX, MX(f"mx2.{d}", 20))
        add("_smtp._tls." + d, QTYPE.TXT,
            TXT(f"v=TLSRPTv1; rua=mailto:tlsrpt@{d}"))
    add("nopolicy.test", QTYPE.MX, MX("mx1.nopolicy.test", 10))
    add("uncovered.test", QTYPE.MX, MX("mx1.uncovered.test", 10))
    add("uncovered.test", QTYPE.MX, MX("mx3.other.test", 20))
    add("badmx.test", QTYPE.MX, MX("mx1.badmx.test", 10))
    add("badmx.test", QTYPE.MX, MX("mx.wrongname.test", 20))
    add("badmx.test", QTYPE.MX, MX("mx2.badmx.test", 30))
    add("_smtp._tls.badmx.test", QTYPE.TXT, TXT("v=TLSRPTv1; rua=bogus"))
    for h in MX_HOSTS + list(SPECIAL_CERTS) + ["mx.plain.test"]:
        add(h, QTYPE.A, A("127.0.0.1"))
    # discovery scenarios
    add("_mta-sts.two.test", QTYPE.TXT, TXT("v=STSv1; id=one"))
    add("_mta-sts.two.test", QTYPE.TXT, TXT("v=STSv1; id=two"))
    add("_mta-sts.mixed.test", QTYPE.TXT, TXT("v=spf1 -all"))
    add("_mta-sts.mixed.test", QTYPE.TXT, TXT("v=STSv1; id=mixed1"))
    add("_mta-sts.mixed.test", QTYPE.TXT, TXT("v=STSv10; id=nope"))
    add("_mta-sts.split.test", QTYPE.TXT, TXT(["v=STSv1; ", "id=split1"]))
    add("_mta-sts.badid.test", QTYPE.TXT, TXT("v=STSv1; id=bad!"))
    add("_mta-sts.nodata.test", QTYPE.A, A("127.0.0.1"))
    add("_mta-sts.cname.test", QTYPE.CNAME, CNAME("_mta-sts.valid.test"))
    add("_mta-sts.chase.test", QTYPE.CNAME, CNAME("_mta-sts.split.test"))
    add("_mta-sts.loop.test", QTYPE.CNAME, CNAME("_mta-sts.loop2.test"))
    add("_mta-sts.loop2.test", QTYPE.CNAME, CNAME("_mta-sts.loop.test"))
    for i in range(30):
        add("_mta-sts.truncated.test", QTYPE.TXT,
            TXT(f"filler record number {i:02d} " + "z" * 40))
    add("_mta-sts.truncated.test", QTYPE.TXT, TXT("v=STSv1; id=tcp1"))
    add("_smtp._tls.two.test", QTYPE.TXT, TXT("v=TLSRPTv1; rua=mailto:a@two.test"))
    add("_smtp._tls.two.test", QTYPE.TXT, TXT("v=TLSRPTv1; rua=mailto:b@two.test"))
    # CNAME chains inside one answer: 8 links are followed, 9 are too many
    #
    for n in (8, 9):
        d = f"chain{n}.test"
        hops = [f"_mta-sts.{d}"] + [f"l{i}.{d}" for i in range(1, n + 1)]
        for a, b in zip(hops, hops[1:]):
            add(a, QTYPE.CNAME, CNAME(b))
        add(hops[-1], QTYPE.TXT, TXT(f"v=STSv1; id=chain{n}"))
    # the same across queries: every answer holds two links (every other
    # name is in CNAME_ONLY), so the limit must hold for the whole lookup,
    # not per answer
    for n in (8, 9):
        d = f"hops{n}.test"
        hops = [f"_mta-sts.{d}"] + [f"l{i}.{d}" for i in range(1, n + 1)]
        for i, (a, b) in enumerate(zip(hops, hops[1:])):
            add(a, QTYPE.CNAME, CNAME(b))
            if i % 2:
                CNAME_ONLY.add(a + ".")
        add(hops[-1], QTYPE.TXT, TXT(f"v=STSv1; id=hops{n}"))
    add("nullmx.test", QTYPE.MX, MX(".", 0))
    add("nullmx.test", QTYPE.A, A("127.0.0.1"))
    add("nomx.test", QTYPE.A, A("127.0.0.1"))
    add("mixedcase.test", QTYPE.MX, MX("MX1.MixedCase.TEST.", 5))
    return z


# Names answered specially: SERVFAIL, silence, or CNAME-only answers (the
# client must ask again for the target).
SERVFAIL_SUFFIX = "servfail.test."
REFUSED_SUFFIX = "refused.test."
TIMEOUT_SUFFIX = "timeout.test."
CNAME_ONLY = {"_mta-sts.chase.test.", "_mta-sts.loop.test.",
              "_mta-sts.loop2.test."}


class Resolver:
    def __init__(self):
        self.zone = zone()
        self.names = set(self.zone)

    def exists(self, name):
        # a name exists if it owns records or has a descendant that does
        return any(n == name or n.endswith("." + name) for n in self.names)

    def answer(self, request):
        """The reply for a request, or None to stay silent."""
        q = request.q
        name = str(q.qname).lower()
        reply = request.reply()
        reply.header.ra = 1
        if name.endswith(SERVFAIL_SUFFIX):
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if name.endswith(REFUSED_SUFFIX):
            reply.header.rcode = RCODE.REFUSED
            return reply
        if name.endswith(TIMEOUT_SUFFIX):
            return None
        seen = set()
        while True:
            rrs = self.zone.get(name, [])
            cn = [r for t, r in [(t, r) for t, r in rrs] if t == QTYPE.CNAME]
            if cn and q.qtype != QTYPE.CNAME:
                reply.add_answer(RR(name, QTYPE.CNAME, rdata=cn[0], ttl=60))
                if name in CNAME_ONLY or name in seen:
                    return reply
                seen.add(name)
                name = str(cn[0].label).lower()
                continue
            for t, r in rrs:
                if t == q.qtype:
                    reply.add_answer(RR(name, t, rdata=r, ttl=60))
            if not reply.rr and not self.exists(name):
                reply.header.rcode = RCODE.NXDOMAIN
            return reply


class DNSUDP(socketserver.BaseRequestHandler):
    def handle(self):
        data, sock = self.request
        try:
            request = DNSRecord.parse(data)
        except Exception:
            return
        reply = self.server.resolver.answer(request)
        if reply is None:
            return
        wire = reply.pack()
        if len(wire) > 512:
            # truncated: the header and question only, TC set (RFC 1035)
            short = request.reply()
            short.header.tc = 1
            short.header.rcode = reply.header.rcode
            wire = short.pack()
        sock.sendto(wire, self.client_address)


class DNSTCP(socketserver.BaseRequestHandler):
    def handle(self):
        while True:
            head = self._read(2)
            if not head:
                return
            data = self._read(int.from_bytes(head, "big"))
            if not data:
                return
            try:
                request = DNSRecord.parse(data)
            except Exception:
                return
            reply = self.server.resolver.answer(request)
            if reply is None:
                time.sleep(60)
                return
            wire = reply.pack()
            self.request.sendall(len(wire).to_bytes(2, "big") + wire)

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.request.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf


class ThreadingUDP(socketserver.ThreadingMixIn, socketserver.UDPServer):
    daemon_threads = True


class ThreadingTCP(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


# ---- logs ---------------------------------------------------------------------

LOG_LOCK = threading.Lock()


def log_line(path, fields):
    """Append one TAB-separated line (tabs and newlines in fields become
    spaces) and flush it before the caller answers the client."""
    line = "\t".join(str(f).replace("\t", " ").replace("\n", " ")
                     .replace("\r", " ") for f in fields)
    with LOG_LOCK, open(path, "a", encoding="latin-1") as f:
        f.write(line + "\n")


# ---- certificates -------------------------------------------------------------

def run(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)


def make_ca(d, name):
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", f"{name}.key",
        "-out", f"{name}.pem", "-days", "30", "-subj", f"/CN=libmtasts {name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)


def make_leaf(d, name, ca, sans, start=None, end=None):
    ext = os.path.join(d, f"{name}.ext")
    with open(ext, "w") as f:
        f.write("subjectAltName=" + ",".join("DNS:" + s for s in sans) + "\n")
        f.write("extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n")
    run("openssl", "req", "-newkey", "ec", "-pkeyopt",
        "ec_paramgen_curve:P-256", "-nodes", "-keyout", f"{name}.key",
        "-out", f"{name}.csr", "-subj", f"/CN={sans[0]}", cwd=d)
    if start is None:
        run("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA",
            f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial", "-out",
            f"{name}.pem", "-days", "20", "-extfile", ext, cwd=d)
        return
    # fixed validity dates need "openssl ca" (x509 -req has no -not_after
    # in OpenSSL 3.0)
    os.makedirs(os.path.join(d, "db"), exist_ok=True)
    open(os.path.join(d, "db", "index.txt"), "w").close()
    with open(os.path.join(d, "db", "serial"), "w") as f:
        f.write("1000\n")
    with open(os.path.join(d, "ca.cnf"), "w") as f:
        f.write(f"""[ca]
default_ca = test
[test]
dir = {d}
database = $dir/db/index.txt
serial = $dir/db/serial
new_certs_dir = $dir/db
certificate = $dir/{ca}.pem
private_key = $dir/{ca}.key
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
""")
    run("openssl", "ca", "-batch", "-config", "ca.cnf", "-in", f"{name}.csr",
        "-out", f"{name}.pem", "-startdate", start, "-enddate", end,
        "-extfile", ext, "-notext", cwd=d)


def tls_context(d, name):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(os.path.join(d, f"{name}.pem"),
                        os.path.join(d, f"{name}.key"))
    return ctx


def sni_context(d):
    contexts = {k: tls_context(d, k)
                for k in ("leaf", "expired", "wrongname", "rogue")}
    default = contexts["leaf"]
    sni_log = os.path.join(d, "sni.log")

    def pick(sock, server_name, _ctx):
        log_line(sni_log, [server_name or "-"])
        try:
            sock.sni_name = server_name or "-"
        except AttributeError:
            pass
        which = SPECIAL_CERTS.get((server_name or "").lower())
        if which:
            sock.context = contexts[which]
    default.sni_callback = pick
    return default


# ---- HTTPS --------------------------------------------------------------------

class HTTPS(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            conn = self.server.tls.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            self.serve(conn)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def serve(self, conn):
        conn.settimeout(30)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(4096)
            if not chunk:
                return
            data += chunk
            if len(data) > 65536:
                return
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, path = head[0].split(" ")[:2]
        host = ""
        for line in head[1:]:
            k, _, v = line.partition(":")
            if k.strip().lower() == "host":
                host = v.strip().lower().split(":")[0]
        self.server.log.append((host, method, path, head))
        log_line(self.server.logfile,
                 [getattr(conn, "sni_name", "-"), method, path, host] +
                 head[1:])
        domain = host[len("mta-sts."):] if host.startswith("mta-sts.") else ""
        sc = https_scenarios().get(domain)
        if sc is None or path != "/.well-known/mta-sts.txt" or method != "GET":
            sc = ("404 Not Found", [("Content-Type", "text/plain")],
                  b"no such scenario\n", "normal")
        status, headers, body, mode = sc
        out = [f"HTTP/1.1 {status}", "Connection: close"]
        out += [f"{k}: {v}" for k, v in headers]
        if mode == "reset":
            return  # close without a byte of response
        if mode == "chunked":
            out.append("Transfer-Encoding: chunked")
        else:
            out.append(f"Content-Length: {len(body)}")
        conn.sendall(("\r\n".join(out) + "\r\n\r\n").encode("latin-1"))
        if mode == "normal":
            conn.sendall(body)
        elif mode == "chunked":
            for i in range(0, len(body), 4096):
                part = body[i:i + 4096]
                conn.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
            conn.sendall(b"0\r\n\r\n")
        else:  # drip: one byte every half second
            for i in range(len(body)):
                conn.sendall(body[i:i + 1])
                time.sleep(0.5)


# ---- SMTP ---------------------------------------------------------------------

class SMTP(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        sock.settimeout(30)
        f = sock.makefile("rb")
        tls = False
        try:
            sock.sendall(b"220 mx.test ESMTP libmtasts test server\r\n")
            while True:
                line = f.readline(4096)
                if not line:
                    return
                verb = line[:4].upper()
                if verb in (b"EHLO", b"HELO"):
                    ext = b"" if tls or not self.server.starttls else \
                        b"250-STARTTLS\r\n"
                    sock.sendall(b"250-mx.test\r\n" + ext +
                                 b"250-PIPELINING\r\n250 8BITMIME\r\n")
                elif verb == b"STAR" and self.server.starttls and not tls:
                    sock.sendall(b"220 2.0.0 Ready to start TLS\r\n")
                    sock = self.server.tls.wrap_socket(sock, server_side=True)
                    f = sock.makefile("rb")
                    tls = True
                elif verb == b"QUIT":
                    sock.sendall(b"221 2.0.0 Bye\r\n")
                    return
                else:
                    sock.sendall(b"502 5.5.1 Command not implemented\r\n")
        except (ssl.SSLError, OSError):
            return


# ---- main ---------------------------------------------------------------------

# The options of the 'valgrind' test setup in tests/meson.build.
VALGRIND_OPTIONS = ["--error-exitcode=99", "--leak-check=full",
                    "--errors-for-leak-kinds=definite,indirect",
                    "--show-leak-kinds=definite,indirect",
                    "--track-origins=yes", "--quiet"]


def command_for(cmd, env):
    """cmd, or cmd under valgrind when this script was started under it
    (its preload libraries are in LD_PRELOAD); env is fixed in place."""
    preload = env.get("LD_PRELOAD", "").split(":")
    if not any("vgpreload" in p for p in preload):
        return cmd
    rest = [p for p in preload if p and "vgpreload" not in p]
    if rest:
        env["LD_PRELOAD"] = ":".join(rest)
    else:
        del env["LD_PRELOAD"]
    return ["valgrind"] + VALGRIND_OPTIONS + cmd


def serve(server):
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    return server


def main():
    argv = sys.argv[1:]
    workdir = None
    if argv[:1] == ["--dir"]:
        workdir, argv = argv[1], argv[2:]
    if argv[:1] != ["--"] or len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[1:]
    d = workdir or tempfile.mkdtemp(prefix="mtasts-net-")
    os.makedirs(d, exist_ok=True)
    d = os.path.abspath(d)

    make_ca(d, "ca")
    make_ca(d, "rogueca")
    capath = os.path.join(d, "capath")
    os.makedirs(capath, exist_ok=True)
    with open(os.path.join(d, "ca.pem"), "rb") as src, \
            open(os.path.join(capath, "ca.pem"), "wb") as dst:
        dst.write(src.read())
    run("openssl", "rehash", capath, cwd=d)
    names = ["mta-sts." + x for x in https_scenarios()] + MX_HOSTS
    make_leaf(d, "leaf", "ca", names)
    make_leaf(d, "wrongname", "ca", ["other.test"])
    make_leaf(d, "rogue", "rogueca", ["mta-sts.unknownca.test",
                                      "mx.unknownca.test"])
    make_leaf(d, "expired", "ca", ["mta-sts.expired.test", "mx.expired.test"],
              start="20200101000000Z", end="20200201000000Z")

    resolver = Resolver()
    udp = ThreadingUDP(("127.0.0.1", 0), DNSUDP)
    udp.resolver = resolver
    port = udp.server_address[1]
    tcp = None
    for _ in range(50):
        try:
            tcp = ThreadingTCP(("127.0.0.1", port), DNSTCP)
            break
        except OSError:
            # the TCP port is taken: move both to a new pair
            udp.server_close()
            udp = ThreadingUDP(("127.0.0.1", 0), DNSUDP)
            udp.resolver = resolver
            port = udp.server_address[1]
    tcp.resolver = resolver
    serve(udp)
    serve(tcp)

    tls = sni_context(d)
    https = ThreadingTCP(("127.0.0.1", 0), HTTPS)
    https.tls, https.log = tls, []
    https.logfile = os.path.join(d, "https.log")
    serve(https)
    port443 = "0"
    try:
        https443 = ThreadingTCP(("127.0.0.1", 443), HTTPS)
        https443.tls, https443.log = tls, []
        https443.logfile = https.logfile
        serve(https443)
        port443 = "1"
    except OSError:
        pass
    smtp = ThreadingTCP(("127.0.0.1", 0), SMTP)
    smtp.tls, smtp.starttls = tls, True
    serve(smtp)
    plain = ThreadingTCP(("127.0.0.1", 0), SMTP)
    plain.tls, plain.starttls = tls, False
    serve(plain)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]  # bound, never listening

    env = dict(os.environ)
    env.update({
        "MTASTS_TEST_DNS": f"127.0.0.1:{port}",
        "MTASTS_TEST_HTTPS_PORT": str(https.server_address[1]),
        "MTASTS_TEST_SMTP_PORT": str(smtp.server_address[1]),
        "MTASTS_TEST_PLAIN_PORT": str(plain.server_address[1]),
        "MTASTS_TEST_CLOSED_PORT": str(closed_port),
        "MTASTS_TEST_CA": os.path.join(d, "ca.pem"),
        "MTASTS_TEST_DIR": d,
        "MTASTS_TEST_PORT443": port443,
    })
    proc = subprocess.Popen(command_for(cmd, env), env=env)
    signal.signal(signal.SIGTERM, lambda *a: proc.terminate())
    rc = proc.wait()
    closed.close()
    if workdir is None:
        shutil.rmtree(d, ignore_errors=True)
    return rc if rc >= 0 else 128 - rc


if __name__ == "__main__":
    sys.exit(main())
