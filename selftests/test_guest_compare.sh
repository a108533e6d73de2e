#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest test of candidate-patch validation, end to end (TAP):
# tools/kradar-validate-taprio builds fix option A (patches/taprio/A-*) as
# an out-of-tree sch_taprio.ko; tools/kradar-run boots the Debian cloud
# kernel twice with the stock module and twice with option A
# (--module-override, --runs 2) on taprio-storm, and the same on the
# control taprio-normal; kradar-compare must say "fixed" for the storm and
# "no change beyond noise" for the control. Run directories stay in
# runs/test-compare/ for inspection.
#
# The assertions are on verdicts and counts, not on timing: the storm
# (millions of callbacks per second) and its absence, and the gate rate
# of a 1 ms schedule, do not depend on how loaded the host is.
# Needs: qemu-system-x86_64, the Debian cloud kernel and headers,
# linux-source-6.1, built host tools (make). SKIPs without them.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
export BUILD
out=$top/runs/test-compare
COMPARE=$BUILD/kradar-compare
hold=${KRADAR_TEST_HOLD:-3}

. "$top/selftests/tap.sh"
skip_all() {
	for t in "option A builds" "storm: fixed" "control: no change beyond noise"; do
		n=$((n + 1)); echo "ok $n - $t # SKIP $1"
	done
	echo "1..$n"
	exit 0
}

command -v qemu-system-x86_64 >/dev/null 2>&1 || skip_all "qemu-system-x86_64 not installed (make deps)"
ls /boot/vmlinuz-*-cloud-amd64 >/dev/null 2>&1 || skip_all "no Debian cloud kernel in /boot (make deps)"
ls /usr/src/linux-source-6.1.tar.* >/dev/null 2>&1 || skip_all "linux-source-6.1 not installed (make deps)"
[ -x "$COMPARE" ] && [ -x "$BUILD/kradar-collect" ] && [ -x "$BUILD/guest/kradar-taprio" ] ||
	skip_all "host tools or guest programs not built (make)"

# Option A, built out of tree against the guest kernel.
if "$top/tools/kradar-validate-taprio" build A >"$BUILD/test-compare-build.log" 2>&1 &&
	[ -f "$BUILD/taprio-fix/A/sch_taprio.ko" ]; then
	pass "option A builds as an out-of-tree sch_taprio.ko"
else
	fail "option A builds as an out-of-tree sch_taprio.ko" "see $BUILD/test-compare-build.log"
	echo "1..$n"
	exit 1
fi
ko=$BUILD/taprio-fix/A/sch_taprio.ko
name=$(/sbin/modinfo -F name "$ko" 2>/dev/null || modinfo -F name "$ko" 2>/dev/null)
[ "$name" = sch_taprio ] && pass "the module keeps the name sch_taprio" ||
	fail "the module keeps the name sch_taprio" "actual '$name', expected 'sch_taprio'"

# Negative: a module built for another kernel is refused before booting.
bad=$(mktemp) || exit 2
trap 'rm -f "$bad"' EXIT
LC_ALL=C sed 's/vermagic=[0-9]/vermagic=0/' "$ko" >"$bad.ko"
msg=$("$top/tools/kradar-run" --module-override "$bad.ko" --cmd true --out "$out/refused" 2>&1)
rc=$?
rm -f "$bad.ko"
if [ $rc = 2 ] && echo "$msg" | grep -q 'built for'; then
	pass "kradar-run refuses a module built for another kernel"
else
	fail "kradar-run refuses a module built for another kernel" "exit $rc, expected 2: $msg"
fi

# run SIDE SCENARIO [options]: two runs into $out/SCENARIO/SIDE.
run_set() {
	side=$1 scen=$2
	shift 2
	rm -rf "$out/$scen/$side"
	mkdir -p "$out/$scen"
	KRADAR_HOLD=$hold ENABLE_KVM=${ENABLE_KVM:-0} "$top/tools/kradar-run" \
		--scenario "$scen" --runs 2 --timeout 240 --out "$out/$scen/$side" "$@" \
		>"$out/$scen/$side.log" 2>&1
	rc=$?
	if { [ $rc -le 1 ] || [ $rc = 3 ]; } && [ -f "$out/$scen/$side/run-2/events.jsonl" ]; then
		pass "$scen/$side: two runs (kradar-run exit $rc)"
	else
		fail "$scen/$side: two runs" "kradar-run exit $rc, see $out/$scen/$side.log"
	fi
}
run_set base taprio-storm
run_set A taprio-storm --module-override "$ko"
run_set base taprio-normal
run_set A taprio-normal --module-override "$ko"

c=$(grep -c "module override: sch_taprio loaded" "$out/taprio-storm/A/run-1/serial.log" 2>/dev/null)
[ "${c:-0}" -ge 1 ] && pass "candidate runs load the override" ||
	fail "candidate runs load the override" "no 'module override: sch_taprio loaded' in $out/taprio-storm/A/run-1/serial.log"
c=$(grep -c "minimum in software mode" "$out/taprio-storm/A/run-1/serial.log" 2>/dev/null)
[ "${c:-0}" -ge 1 ] && pass "option A rejects the 255 ns schedule with its message" ||
	fail "option A rejects the 255 ns schedule with its message" "not in $out/taprio-storm/A/run-1/serial.log"

"$COMPARE" --base-label stock --cand-label option-A \
	"$out/taprio-storm/base" -- "$out/taprio-storm/A" >"$out/storm.txt" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^verdict: fixed' "$out/storm.txt"; then
	pass "storm: kradar-compare says fixed (exit 0)"
else
	fail "storm: kradar-compare says fixed (exit 0)" "exit $rc, expected 0; $(grep -A3 '^verdict' "$out/storm.txt" | tr '\n' ' ')"
fi

"$COMPARE" --base-label stock --cand-label option-A \
	--control "$out/taprio-normal/base" "$out/taprio-normal/A" >"$out/control.txt" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q '^verdict: no change beyond noise' "$out/control.txt"; then
	pass "control: kradar-compare says no change beyond noise (exit 0)"
else
	fail "control: kradar-compare says no change beyond noise (exit 0)" "exit $rc, expected 0; $(grep -A3 '^verdict' "$out/control.txt" | tr '\n' ' ')"
fi

# Negative: the control runs are no reproducer; compared as one they
# cannot show a fix.
"$COMPARE" "$out/taprio-normal/base" -- "$out/taprio-normal/A" >"$out/no-repro.txt" 2>&1
rc=$?
[ $rc = 3 ] && pass "a workload that never reproduces gives inconclusive (exit 3)" ||
	fail "a workload that never reproduces gives inconclusive (exit 3)" "exit $rc, expected 3"

# Negative: the baseline against itself is not a fix.
"$COMPARE" "$out/taprio-storm/base" -- "$out/taprio-storm/base" >"$out/self.txt" 2>&1
rc=$?
[ $rc = 1 ] && grep -q '^verdict: not fixed' "$out/self.txt" &&
	pass "the baseline against itself is not fixed (exit 1)" ||
	fail "the baseline against itself is not fixed (exit 1)" "exit $rc, expected 1"

sed -n '/^verdict/,$p' "$out/storm.txt" | sed 's/^/# /'
sed -n '/^verdict/,$p' "$out/control.txt" | sed 's/^/# /'
echo "1..$n"
[ $nfail = 0 ]
