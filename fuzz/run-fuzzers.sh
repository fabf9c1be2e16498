#!/bin/sh
# SPDX-License-Identifier: MIT
#
# Build the libFuzzer targets (clang, ASan + UBSan) and run each for a
# fixed time. See fuzz/README.md.
#
#   fuzz/run-fuzzers.sh SECONDS [TARGET...]
#
# TARGET is policy, record, rrset, mx, tlsrpt, cache or dns (default: all
# of them).
#
# Environment:
#   FUZZ_BUILD_DIR  build directory (default /tmp/build-fuzz-clang); it is
#                   configured with CC=clang -Dfuzzing=true if needed
#   FUZZ_WORK_DIR   scratch directory (default /tmp/mtasts-fuzz); each
#                   target gets WORK/TARGET/{corpus,artifacts,fuzz.log}
#   FUZZ_JOBS       targets run at the same time (default 1)
#   FUZZ_ARGS       extra libFuzzer options, e.g. "-use_value_profile=1"
#   FUZZ_KEEP_GOING set to 1 to fuzz on after a finding (libFuzzer fork
#                   mode with -ignore_crashes=1 and friends); every
#                   finding is still saved and still fails the script
#
# New inputs go to the scratch corpus, listed first; the committed seed
# corpus is listed second and never written to. Crashes, leaks, UBSan
# reports, timeouts and oracle failures are saved under artifacts/ and
# make the script exit with status 1.

set -eu

usage() {
	echo "usage: $0 SECONDS [policy|record|rrset|mx|tlsrpt|cache|dns ...]" >&2
	exit 2
}

[ $# -ge 1 ] || usage
secs=$1
shift
case $secs in
'' | *[!0-9]*) usage ;;
esac

srcdir=$(cd "$(dirname "$0")/.." && pwd)
build=${FUZZ_BUILD_DIR:-/tmp/build-fuzz-clang}
work=${FUZZ_WORK_DIR:-/tmp/mtasts-fuzz}
jobs=${FUZZ_JOBS:-1}
extra=${FUZZ_ARGS:-}
if [ "${FUZZ_KEEP_GOING:-0}" = 1 ]; then
	# Fork-mode jobs are short-lived processes: without -len_control=0
	# each would start again from short inputs and never reach the caps.
	extra="-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 -len_control=0 $extra"
fi

if [ $# -eq 0 ]; then
	set -- policy record rrset mx tlsrpt cache dns
fi
for t in "$@"; do
	case $t in
	policy | record | rrset | mx | tlsrpt | cache | dns) ;;
	*) echo "$0: unknown target '$t'" >&2; usage ;;
	esac
done

# Configure (only the fuzz targets are built, so the optional parts are off).
if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$srcdir" -Dfuzzing=true \
		-Dtests=disabled -Ddocs=disabled -Dtools=disabled
elif ! grep -q '^build fuzz/fuzz-policy:' "$build/build.ninja"; then
	# (only when needed: a second run on the same directory must not
	# regenerate it under the first one's feet)
	meson configure "$build" -Dfuzzing=true
fi
bins=
for t in "$@"; do
	bins="$bins fuzz/fuzz-$t"
done
# shellcheck disable=SC2086
ninja -C "$build" $bins

run_one() {
	t=$1
	dir=$work/$t
	# record, tlsrpt and rrset get a few bytes more than
	# MTASTS_RECORD_MAX_SIZE (4096) so that, after their header bytes,
	# the cap itself is reached
	case $t in
	policy) maxlen=8192; dict=policy ;;
	record) maxlen=4200; dict=record ;;
	tlsrpt) maxlen=4200; dict=tlsrpt ;;
	rrset) maxlen=4200; dict=record ;;
	cache) maxlen=8192; dict=cache ;;
	dns) maxlen=4096; dict=dns ;;
	*) maxlen=4096; dict=$t ;;
	esac
	mkdir -p "$dir/corpus" "$dir/artifacts"
	echo "== fuzz-$t: ${secs}s, log in $dir/fuzz.log"
	set +e
	# shellcheck disable=SC2086
	"$build/fuzz/fuzz-$t" \
		-max_total_time="$secs" \
		-max_len="$maxlen" \
		-timeout=10 \
		-print_final_stats=1 \
		-dict="$srcdir/fuzz/dict/$dict.dict" \
		-artifact_prefix="$dir/artifacts/" \
		$extra \
		"$dir/corpus" "$srcdir/fuzz/corpus/$t" >"$dir/fuzz.log" 2>&1
	rc=$?
	set -e
	found=$(find "$dir/artifacts" -type f | wc -l)
	tail -n 20 "$dir/fuzz.log" | grep -E '^(#[0-9]+|stat::|Done|SUMMARY|INFO: fuzzed)' || :
	if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
		echo "!! fuzz-$t: exit status $rc, $found artifact(s) in $dir/artifacts"
		return 1
	fi
	echo "ok fuzz-$t"
	return 0
}

status=0
running=0
pids=
for t in "$@"; do
	if [ "$jobs" -le 1 ]; then
		run_one "$t" || status=1
		continue
	fi
	run_one "$t" &
	pids="$pids $!"
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		for p in $pids; do
			wait "$p" || status=1
		done
		pids=
		running=0
	fi
done
for p in $pids; do
	wait "$p" || status=1
done
exit $status
