#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kradar-report on real guest runs (TAP). Needs QEMU and a guest kernel
# (tools/kradar-run); SKIPs otherwise. About 2 minutes under TCG.
#
# (a) taprio storm with a busy task on the storm CPU (scenario
#     taprio-stall, as a reproducer's threads are), held 50 s: the
#     timeline puts the storm first, its stall window is guest-internal,
#     the narrative names the CPU that held up RCU, the console's RCU
#     stall (when the kernel reached its 21 s timeout) gives the title
#     "INFO: rcu detected stall in ...", every
#     evidence file is valid (Perfetto JSON checked by
#     build/tests/perfetto-check, SVG by xmllint).
# (b) starvation: an idle guest whose QEMU process is stopped (SIGSTOP)
#     for 10 s and continued: the heartbeat gap is "starved by host".
# No assertion depends on how fast the machine is; waits are bounded
# polls with a reason.
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
REPORT=$BUILD/kradar-report
CHECK=$BUILD/tests/perfetto-check
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # check NAME ACTUAL EXPECTED
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "actual   '$2'" "expected '$3'"; fi
}
finish() { echo "1..$n"; [ $failed -eq 0 ]; exit $?; }
# qemu_pct FILE HOST_BEGIN_NS HOST_END_NS: QEMU's CPU in % of one host
# CPU over the span (widened to 2 s around its middle), -1 if unknown.
qemu_pct() {
	awk -v a="$2" -v b="$3" '
		/clk_tck/ { for (i = 1; i < NF; i++) if ($i == "clk_tck") tck = $(i + 1); next }
		/^#/ { next }
		NR == 2 { m = (a + b) / 2; if (b - a < 2e9) { a = m - 1e9; b = m + 1e9 } }
		$1 <= a { t0 = $1; c0 = $2 + $3 }
		$1 >= b && t1 == "" { t1 = $1; c1 = $2 + $3 }
		{ tl = $1; cl = $2 + $3 }
		END { if (t1 == "") { t1 = tl; c1 = cl }	# QEMU exited first
		      if (t0 != "" && t1 > t0 && tck > 0)
			printf "%.0f\n", (c1 - c0) / tck / ((t1 - t0) / 1e9) * 100
		      else print -1 }' "$1"
}

for t in qemu-system-x86_64 jq; do
	command -v $t >/dev/null || { skip "guest report tests" "$t not installed (make deps)"; finish; }
done
[ -x "$REPORT" ] && [ -x "$CHECK" ] && [ -x "$BUILD/kradar-collect" ] ||
	{ skip "guest report tests" "build first: make host"; finish; }
ls /boot/vmlinuz-* >/dev/null 2>&1 || { skip "guest report tests" "no guest kernel (make deps)"; finish; }

# --- (a) taprio storm ---
dir=$top/runs/test-report-taprio
# The storm can wedge the guest (a static key change waits for the storm
# CPU to answer an IPI): 100 s is long past the kernel's 21 s warning.
KRADAR_HOLD=50 "$top/tools/kradar-run" --scenario taprio-stall --timeout 100 --out "$dir" \
	>"$top/runs/test-report-taprio.log" 2>&1
rc=$?
if [ $rc -eq 2 ] || [ ! -s "$dir/events.jsonl" ]; then
	skip "taprio: guest run" "kradar-run failed (exit $rc), see runs/test-report-taprio.log"
else
	"$REPORT" "$dir" --format json --out "$dir/r.json" 2>"$dir/report.err"
	check "taprio: kradar-report finds the storm (exit 1)" $? 1
	j=$dir/r.json
	first_storm=$(jq '[.timeline[] | select(.kind == "storm_begin")][0].t_ns // -1' "$j")
	first_console=$(jq '[.timeline[] | select(.source == "console" and
		(.kind | test("rcu|hrtimer|lockup|report|hung")))][0].t_ns // 1e30' "$j")
	if [ "$first_storm" != -1 ] && jq -e -n "$first_storm < $first_console" >/dev/null; then
		ok "taprio: the timeline puts the storm first"
	else
		nok "taprio: the timeline puts the storm first" \
			"storm at $first_storm, first console signature at $first_console"
	fi
	v=$(jq -r '[.stalls[] | select(.source == "probe hrtimer_storm")][0].verdict' "$j")
	check "taprio: the storm window is guest-internal" "$v" "guest-internal"
	jq -r '[.stalls[] | select(.source == "probe hrtimer_storm")][0] |
		"# storm window: QEMU CPU \(.qemu_cpu_pct)%, clock ratio \(.clock_ratio)"' "$j"
	# "starved by host" must rest on what the host did: QEMU's CPU
	# time in each window so judged, measured here from qemu-cpu.txt
	# (not from the report), is under 90% of a host CPU. On a host
	# that gave QEMU its CPU no window may be so judged; on a loaded
	# one the verdict is true and the second check skips.
	starved=0 backed=0 unbacked=""
	for span in $(jq -r '.stalls[] | select(.verdict == "starved by host") |
			"\(.host_begin_ns):\(.host_end_ns)"' "$j"); do
		starved=$((starved + 1))
		pct=$(qemu_pct "$dir/qemu-cpu.txt" "${span%:*}" "${span#*:}")
		if [ "$pct" -ge 0 ] && [ "$pct" -lt 90 ]; then
			backed=$((backed + 1))
		else
			unbacked="$unbacked $span:$pct%"
		fi
	done
	if [ -z "$unbacked" ]; then
		ok "taprio: each window judged starved by host had QEMU under 90% of a CPU ($backed)"
	else
		nok "taprio: each window judged starved by host had QEMU under 90% of a CPU" \
			"host spans and QEMU's share:$unbacked" \
			"$(jq -r '.stalls[] | select(.verdict == "starved by host") |
				"\(.source) \(.what) cpu \(.cpu) \(.begin)-\(.end): \(.reason)"' "$j")"
	fi
	if [ "$starved" -gt 0 ] && [ -z "$unbacked" ]; then
		skip "taprio: no window starved by host" \
			"the host gave QEMU under 90% of a CPU in $starved windows: a loaded host"
	else
		check "taprio: no window starved by host" "$starved" 0
	fi
	# The probe's gap is there whether or not the kernel got to warn.
	if jq -e '.narrative | map(test("held up RCU")) | any' "$j" >/dev/null; then
		ok "taprio: the narrative says which CPU held up RCU"
	else
		nok "taprio: the narrative says which CPU held up RCU" "$(jq -c .narrative "$j")"
	fi
	# The kernel warns only when one grace period stalls for its 21 s
	# timeout; in a storm some complete after 7 to 16 s.
	if [ "$(jq '[.console.events[] | select(.kind == "rcu_stall")] | length' "$j")" -gt 0 ]; then
		title=$(jq -r '.console.title' "$j")
		case "$title" in
		"INFO: rcu detected stall in "*) ok "taprio: title $title" ;;
		*) nok "taprio: title INFO: rcu detected stall in ..." "actual '$title'" ;;
		esac
	else
		skip "taprio: RCU stall title" \
			"no kernel stall warning: its grace periods all completed within its timeout (see $dir/serial.log)"
	fi
	jq -r '.narrative[] | "# " + .' "$j"
	out=$("$CHECK" "$dir/trace.perfetto.json" --expect-counter --expect-slice --expect-instant)
	check "taprio: Perfetto trace valid ($out)" $? 0
	if command -v xmllint >/dev/null; then
		xmllint --noout "$dir/timeline.svg" 2>"$dir/xmllint.err"
		check "taprio: timeline.svg is well-formed XML" $? 0
	else
		skip "taprio: timeline.svg well-formed" "xmllint not installed (libxml2-utils)"
	fi
	size=$(wc -c <"$dir/timeline.svg")
	[ "$size" -gt 2000 ] && ok "taprio: timeline.svg not empty ($size bytes)" ||
		nok "taprio: timeline.svg not empty" "size $size"
	# a body to paste under a reply: no header line in it
	grep -n '^Subject:' "$dir/report-email.txt" >"$dir/subject.txt"
	[ ! -s "$dir/subject.txt" ] &&
		ok "taprio: report-email.txt has no Subject: line (a body)" ||
		nok "taprio: report-email.txt has no Subject: line (a body)" "actual: $(cat "$dir/subject.txt")"
fi

# --- (b) starvation: SIGSTOP the guest's QEMU for 10 s ---
dir=$top/runs/test-report-starve
rm -f "$dir/run-events.txt" "$dir/serial.log"
KRADAR_HOLD=25 "$top/tools/kradar-run" --scenario idle --timeout 120 --out "$dir" \
	>"$top/runs/test-report-starve.log" 2>&1 &
runner=$!
# Wait (up to 90 s: boot under TCG) until the job runs, so the probe streams.
i=0
while [ $i -lt 900 ] && ! grep -q 'kradar-run: job started' "$dir/serial.log" 2>/dev/null; do
	kill -0 $runner 2>/dev/null || break
	sleep 0.1
	i=$((i + 1))
done
qpid=$(sed -n 's/.*qemu started .*pid=\([0-9]*\).*/\1/p' "$dir/run-events.txt" 2>/dev/null | tail -n 1)
if [ -z "$qpid" ] || ! grep -q 'kradar-run: job started' "$dir/serial.log" 2>/dev/null; then
	kill $runner 2>/dev/null
	wait $runner
	skip "starve: guest run" "the guest did not start its job, see runs/test-report-starve.log"
	finish
fi
sleep 2		# some heartbeats before the stop
kill -STOP "$qpid" && echo "# QEMU pid $qpid stopped"
sleep 10	# the length of the starvation under test
kill -CONT "$qpid" && echo "# QEMU pid $qpid continued"
wait $runner
"$REPORT" "$dir" --format json --out "$dir/r.json" 2>"$dir/report.err"
rc=$?
[ $rc -ne 2 ] && ok "starve: kradar-report reads the run (exit $rc)" ||
	nok "starve: kradar-report reads the run" "$(cat "$dir/report.err")"
j=$dir/r.json
v=$(jq -r '[.stalls[] | select(.source == "probe heartbeat_gap" and .hb_gap_host_ns > 5e9)] |
	map(.verdict) | first // "none"' "$j")
check "starve: the 10 s heartbeat gap is starved by host" "$v" "starved by host"
jq -r '.stalls[] | select(.source == "probe heartbeat_gap") |
	"# gap: host \(.hb_gap_host_ns / 1e9) s, guest \(.hb_gap_guest_ns / 1e9) s, QEMU CPU \(.hb_gap_qemu_cpu_pct)%, clock ratio \(.clock_ratio): \(.verdict)"' "$j"
internal=$(jq '[.stalls[] | select(.verdict == "guest-internal" and .source == "probe heartbeat_gap")] | length' "$j")
check "starve: no heartbeat gap blamed on the guest" "$internal" 0
finish
