#!/bin/sh
# SPDX-License-Identifier: MIT
# The load benchmark of issue 8, for mtasts-policyd and, in the same run,
# Debian's postfix-mta-sts-resolver (mta-sts-daemon, Python), both with the
# same 100 000 cached enforce policies, asked by the same client program
# over a UNIX socket. Not a test: it prints figures.
#
#   daemon/bench/run-bench.sh BUILD_DIR [DOMAINS] [SECONDS] [CLIENTS...]
#
# mta-sts-daemon (apt-get install postfix-mta-sts-resolver) is measured
# with its sqlite cache, pre-filled with the same domains, and a cache
# grace period longer than the run so that it makes no DNS lookup either.
set -eu

build=${1:?usage: run-bench.sh BUILD_DIR [DOMAINS] [SECONDS] [CLIENTS...]}
domains=${2:-100000}
seconds=${3:-10}
shift $(($# < 3 ? $# : 3))
clients=${*:-10 100}
bench=$build/daemon/policyd-bench
policyd=$build/daemon/mtasts-policyd
work=$(mktemp -d /tmp/policyd-bench-run-XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "# $(nproc) CPUs; $domains cached domains; $seconds s per run"
for c in $clients; do
	"$bench" --daemon "$policyd" --domains "$domains" --clients "$c" \
	    --seconds "$seconds" --dir "$work" 2>/dev/null
done

if ! command -v mta-sts-daemon >/dev/null; then
	echo "# mta-sts-daemon not installed: postfix-mta-sts-resolver skipped"
	exit 0
fi
/usr/bin/python3 - "$work/pmsr.db" "$domains" <<'EOF'
import json, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
db.execute("create table if not exists proactive_fetch_ts "
           "(id integer primary key, last_fetch_ts integer)")
db.execute("create table if not exists sts_policy_cache "
           "(domain text, ts integer, pol_id text, pol_body text)")
db.execute("create unique index if not exists sts_policy_domain "
           "on sts_policy_cache (domain)")
db.execute("create index if not exists sts_policy_domain_ts "
           "on sts_policy_cache (domain, ts)")
now = int(time.time())
rows = []
for i in range(int(sys.argv[2])):
    d = "domain-%06d.example" % i
    body = {"version": "STSv1", "mode": "enforce", "max_age": 604800,
            "mx": ["mx1." + d, "mx2." + d]}
    rows.append((d, now, "20240101000000", json.dumps(body)))
db.executemany("insert into sts_policy_cache values (?, ?, ?, ?)", rows)
db.commit()
EOF
cat > "$work/pmsr.yml" <<EOF
path: $work/pmsr.sock
mode: 0666
cache_grace: 86400
proactive_policy_fetching:
  enabled: false
cache:
  type: sqlite
  options:
    filename: $work/pmsr.db
default_zone:
  strict_testing: false
  timeout: 4
EOF
mta-sts-daemon -c "$work/pmsr.yml" -v error &
pid=$!
i=0
while [ ! -S "$work/pmsr.sock" ] && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
echo "# postfix-mta-sts-resolver $(dpkg-query -W -f '${Version}' \
    postfix-mta-sts-resolver 2>/dev/null || echo '?') (sqlite cache)"
for c in $clients; do
	"$bench" --socket "$work/pmsr.sock" --pid "$pid" --domains "$domains" \
	    --clients "$c" --seconds "$seconds"
done
kill "$pid"
wait "$pid" 2>/dev/null || true
