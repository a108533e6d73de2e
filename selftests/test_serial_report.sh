#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kradar-report --serial: exit codes, text and JSON output, error paths.
# Needs $BUILD/kradar-report (make host); SKIPs otherwise.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
bin=$BUILD/kradar-report
corpus=$top/selftests/corpus/serial
n=0 failed=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1"
	shift
	for l in "$@"; do echo "#   $l"; done
}
check() { # name expected actual
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "actual   '$3'" "expected '$2'"; fi
}

if [ ! -x "$bin" ]; then
	echo "ok 1 - kradar-report --serial # SKIP $bin not built (make host)"
	echo "1..1"
	exit 0
fi

"$bin" --serial "$corpus/clean_boot.log" >"$tmp/out" 2>"$tmp/err"
check "clean log: exit 0" 0 $?
check "clean log: says no crash" "no crash report found" "$(sed -n 2p "$tmp/out")"

: >"$tmp/empty.log"
"$bin" --serial "$tmp/empty.log" >"$tmp/out" 2>"$tmp/err"
check "empty log: exit 3 (no data), not 0 (nothing found)" 3 $?
check "empty log: says there is nothing to judge" "empty log: no data, nothing to judge" \
	"$(sed -n 2p "$tmp/out")"

"$bin" --serial "$corpus/rcu_stall_taprio.log" >"$tmp/out" 2>"$tmp/err"
check "rcu stall log: exit 1" 1 $?
check "rcu stall log: syzkaller title first" \
	"title: INFO: rcu detected stall in sys_sendto" "$(sed -n 2p "$tmp/out")"
grep -q 'rcu_kthread_starved .*cpu=1 rcu_preempt jiffies=10502' "$tmp/out"
check "rcu stall log: starved kthread signature line" 0 $?
grep -q '^  \[   41.913402\] hrtimer_interrupt_slow .*ns=3405712' "$tmp/out"
check "rcu stall log: hrtimer line with its printk time" 0 $?

"$bin" --json --serial - <"$corpus/rcu_stall_taprio.log" >"$tmp/json" 2>"$tmp/err"
check "json from stdin: exit 1" 1 $?
if command -v python3 >/dev/null 2>&1; then
	t=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["reports"][0]["title"], d["reports"][0]["type"], d["events"][0]["kind"], d["finding"])' "$tmp/json" 2>&1)
	check "json: valid, title/type/events" \
		"INFO: rcu detected stall in sys_sendto HANG hrtimer_interrupt_slow True" "$t"
else
	grep -q '"title":"INFO: rcu detected stall in sys_sendto"' "$tmp/json"
	check "json: title present (python3 absent, not validated)" 0 $?
fi

# invalid UTF-8 and control bytes must still give valid JSON
printf '[    1.000000] BUG: bad \377\376 bytes \001 here\n' >"$tmp/bad.log"
"$bin" --json --serial "$tmp/bad.log" >"$tmp/json" 2>"$tmp/err"
check "garbage log: exit 1 (a BUG line)" 1 $?
if command -v python3 >/dev/null 2>&1; then
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/json" 2>"$tmp/err"
	check "garbage log: JSON still valid" 0 $?
fi

"$bin" --serial "$tmp/does-not-exist.log" >"$tmp/out" 2>"$tmp/err"
check "missing log: exit 2" 2 $?
grep -q 'cannot open .*does-not-exist.log' "$tmp/err"
check "missing log: message names the file" 0 $?

"$bin" --json --serial "$tmp/does-not-exist.log" >"$tmp/out" 2>"$tmp/err"
check "missing log, --json: exit 2" 2 $?
grep -q '^{"error":"cannot open' "$tmp/out"
check "missing log, --json: error object on stdout" 0 $?

"$bin" >"$tmp/out" 2>"$tmp/err"
check "no mode: exit 2" 2 $?
"$bin" --serial a b >"$tmp/out" 2>"$tmp/err"
check "two logs: exit 2" 2 $?

if [ -w /dev/full ]; then
	"$bin" --serial "$corpus/rcu_stall_taprio.log" >/dev/full 2>"$tmp/err"
	check "unwritable stdout: exit 2, not a lost error" 2 $?
fi

echo "1..$n"
[ $failed -eq 0 ]
