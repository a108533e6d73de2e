#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# kradar-report DIR end to end (TAP): formats, evidence files, syzbot
# comparison, exit codes, error paths. Fixtures (written by hand):
#   selftests/corpus/serial/run-storm/   a run directory: storm on CPU 1,
#       RCU gap, an RCU stall on the console, QEMU at 100 %
#   selftests/corpus/serial/syzbot_rcu_stall_report.txt   syzbot's report
# and trimmed copies of the project's own lockup runs (Debian 6.1 and
# 6.1-rt guests): selftests/corpus/serial/run-{soft-lockup,rt-hog,
# hung-mutex,lockup-idle,...}/ (README there).
# The project's own guest runs (runs/test-taprio-storm, runs/test-idle)
# are read too when present (SKIP otherwise; they are not in git).
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
REPORT=$BUILD/kradar-report
CHECK=$BUILD/tests/perfetto-check
corpus=$top/selftests/corpus/serial
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
check() { # check NAME ACTUAL EXPECTED
	if [ "$2" = "$3" ]; then ok "$1"; else nok "$1" "actual   '$2'" "expected '$3'"; fi
}
has() { # has NAME FILE STRING
	if grep -qF -- "$3" "$2"; then ok "$1"; else nok "$1" "'$3' not in $2:" "$(head -c 600 "$2")"; fi
}

if [ ! -x "$REPORT" ] || [ ! -x "$CHECK" ]; then
	echo "ok 1 - kradar-report # SKIP not built (make host)"
	echo "1..1"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run=$tmp/run
cp -r "$corpus/run-storm" "$run"

"$REPORT" "$run" >"$tmp/out.txt" 2>"$tmp/err.txt"
check "text: exit 1 (stall found)" $? 1
has "text: title" "$tmp/out.txt" "console:  INFO: rcu detected stall in do_idle (type HANG, CPU 1"
has "text: storm first in the narrative" "$tmp/out.txt" "First anomaly: an hrtimer storm of advance_sched [sch_taprio] on CPU 1"
has "text: the storm CPU held up RCU" "$tmp/out.txt" "the storm CPU held up RCU"
has "text: classified with numbers (utime+stime)" "$tmp/out.txt" "QEMU CPU 105.0%, guest/host clock 1.000"
has "text: says where the files are" "$tmp/out.txt" "$run/trace.perfetto.json"
grep -q "$(printf '\033')" "$tmp/out.txt" && nok "text: no colour when not a terminal" ||
	ok "text: no colour when not a terminal"
for f in timeline.svg report-email.txt report.json trace.perfetto.json; do
	[ -s "$run/$f" ] && ok "files: $f written" || nok "files: $f written"
done

if command -v jq >/dev/null; then
	"$REPORT" "$run" --format json --no-files >"$tmp/r.json"
	check "json: exit 1" $? 1
	check "json: schema" "$(jq -r .schema "$tmp/r.json")" "kradar-report-run/1"
	check "json: storm window verdict" \
		"$(jq -r '[.stalls[] | select(.source == "probe hrtimer_storm")][0].verdict' "$tmp/r.json")" \
		"guest-internal"
	check "json: timeline starts with QEMU's start on the guest clock" \
		"$(jq -r '.timeline[0] | "\(.kind) \(.mapped) \(.t_ns)"' "$tmp/r.json")" "run true -1001000000"
	check "json: --json is --format json" \
		"$("$REPORT" --json "$run" --no-files | jq -r .schema)" "kradar-report-run/1"
	cmp -s "$tmp/r.json" "$run/report.json" && ok "json: report.json equals --format json" ||
		nok "json: report.json equals --format json"
else
	skip "json checks" "jq not installed (make deps)"
fi

# email_width NAME MAIL SERIAL: kradar's own lines within 75 columns (lore:
# plain text, 75 columns); only console lines quoted verbatim ("  " and a
# line of SERIAL) may be longer; no trailing spaces, no Subject: line.
email_width() {
	tr -d '\r' <"$3" >"$tmp/serial.nocr"	# QEMU's serial log has CRLF
	wide=$(awk 'length > 75' "$2" | while IFS= read -r l; do
		grep -qxF -- "${l#  }" "$tmp/serial.nocr" || printf '%s\n' "$l"; done | head -n 1)
	check "$1: kradar's own lines at most 75 columns" "$wide" ""
	check "$1: no trailing spaces" "$(grep -n ' $' "$2" | head -n 1)" ""
	check "$1: no Subject: line in the body" "$(grep -n '^Subject:' "$2" | head -n 1)" ""
}
"$REPORT" "$run" --format email --no-files >"$tmp/mail.txt"
check "email: exit 1" $? 1
check "email: first line is the body's first sentence" "$(head -n 1 "$tmp/mail.txt" | cut -c1-20)" \
	"kradar ran the job t"
email_width email "$tmp/mail.txt" "$run/serial.log"
check "email: the timeline names a CPU once" "$(grep -c 'CPU1 CPU 1\|CPU 1: CPU 1' "$tmp/mail.txt")" 0
has "email: how to reproduce" "$tmp/mail.txt" "command: KRADAR_HOLD=4 tools/kradar-run --scenario taprio-storm"

# perfetto_clock NAME TRACE SERIAL: the slow hrtimer interrupt's instant
# sits at its printk time, in microseconds (no shift)
perfetto_clock() {
	pk=$(sed -n 's/^\[ *\([0-9]*\)\.\([0-9]*\)\] hrtimer: interrupt took.*/\1\2/p' "$3" |
		head -n 1 | sed 's/^0*//')
	ts=$(jq -r '[.traceEvents[] | select(.ph == "i" and .name == "hrtimer_interrupt_slow")][0].ts |
		floor' "$2")
	check "$1: ts of the slow hrtimer interrupt is its printk time in us" "$ts" "$pk"
}
"$REPORT" "$run" --format perfetto --out "$tmp/trace.json" --no-files
check "perfetto: exit 1" $? 1
if command -v jq >/dev/null; then
	perfetto_clock perfetto "$tmp/trace.json" "$run/serial.log"
	check "perfetto: the storm at [    2.000000] is at ts 2000000" \
		"$(jq '[.traceEvents[] | select(.ph == "X" and (.name | startswith("storm ")))][0].ts' "$tmp/trace.json")" \
		2000000
	check "perfetto: QEMU's start before boot is listed with its time" \
		"$(jq -c '.otherData.before_boot[0] | [.name, .printk_time_us]' "$tmp/trace.json")" \
		'["qemu started accel=tcg pid=4242",-1001000]'
fi
out=$("$CHECK" "$tmp/trace.json" --expect-counter --expect-slice --expect-instant)
check "perfetto: valid Chrome JSON ($out)" $? 0
printf '{"traceEvents":[{"ph":"X","name":"a","pid":1,"tid":1,"ts":5,"dur":1},{"ph":"X","name":"b","pid":1,"tid":1,"ts":4,"dur":1}]}' >"$tmp/bad.json"
"$CHECK" "$tmp/bad.json" >/dev/null
check "perfetto-check: refuses ts going back on a track" $? 1
printf '{"traceEvents":[{"ph":"C","name":"c","pid":1,"tid":1,"ts":1}]}' >"$tmp/bad2.json"
"$CHECK" "$tmp/bad2.json" >/dev/null
check "perfetto-check: refuses a counter without args" $? 1

if command -v xmllint >/dev/null; then
	xmllint --noout "$run/timeline.svg"
	check "svg: well-formed (xmllint)" $? 0
else
	skip "svg: well-formed" "xmllint not installed (libxml2-utils)"
fi
has "svg: a plot per CPU" "$run/timeline.svg" "CPU 1 hrtimer/s"

"$REPORT" "$run" --no-files --syzbot-report "$corpus/syzbot_rcu_stall_report.txt" >"$tmp/syz.txt"
check "syzbot: exit 1" $? 1
has "syzbot: same title" "$tmp/syz.txt" "syzbot:   same title"
has "syzbot: frames only in syzbot's" "$tmp/syz.txt" "only in syzbot's: rest_init"
"$REPORT" "$run" --no-files --syzbot-log "$corpus/clean_boot.log" >"$tmp/syz2.txt"
has "syzbot: a log without a crash" "$tmp/syz2.txt" "syzbot's files contain no crash report"

# No probe data: events.jsonl as the collector leaves it when the guest
# never loaded the probe (no HELLO, no heartbeat), and a clean console.
# That is inconclusive (exit 3), never "nothing found" (exit 0).
nd=$tmp/nodata
mkdir "$nd"
cp "$corpus/clean_boot.log" "$nd/serial.log"
cat >"$nd/events.jsonl" <<'EOT'
{"type":"connect","host_ns":1794999999500000000,"path":"run/kradar.sock","offset":0}
{"type":"disconnect","host_ns":1795000009000000000,"path":"run/kradar.sock","bytes":0,"reason":"closed by QEMU","offset":0}
{"type":"summary","host_ns":1795000009100000000,"verdict":"no kradar records decoded from 0 bytes: no probe data, nothing to judge","exit_code":3}
EOT
"$REPORT" "$nd" --no-files >"$tmp/nd.txt" 2>&1
check "no probe data: exit 3 (inconclusive), not 0" $? 3
has "no probe data: the probe line says so" "$tmp/nd.txt" "probe:    no probe data: 0 records"
has "no probe data: the narrative says the probe's side is unknown" "$tmp/nd.txt" \
	"No probe record reached the collector (no HELLO, no heartbeat)"
check "no probe data: no claim that the probe saw no anomaly" \
	"$(grep -c 'The probe saw no anomaly' "$tmp/nd.txt")" 0
if command -v jq >/dev/null; then
	"$REPORT" "$nd" --no-files --format json >"$tmp/nd.json"
	check "no probe data: json probe_data, finding, exit_code" \
		"$(jq -c '[.probe.probe_data, .finding, .exit_code]' "$tmp/nd.json")" "[false,false,3]"
fi
# The same run with the probe's HELLO and heartbeats: nothing found, exit 0.
grep -E '"type":"(hello|heartbeat)"' "$run/events.jsonl" | head -n 6 >"$nd/events.jsonl"
"$REPORT" "$nd" --no-files >"$tmp/nd0.txt" 2>&1
check "heartbeats and no finding: exit 0" $? 0
has "heartbeats and no finding: the probe saw no anomaly" "$tmp/nd0.txt" \
	"The probe saw no anomaly"

# errors
"$REPORT" "$run" --format pdf >/dev/null 2>"$tmp/e1"
check "error: unknown format is exit 2" $? 2
has "error: unknown format says what to use" "$tmp/e1" "use text, email, json or perfetto"
mkdir "$tmp/empty"
"$REPORT" "$tmp/empty" >/dev/null 2>"$tmp/e2"
check "error: empty directory is exit 2" $? 2
has "error: empty directory says why" "$tmp/e2" "none of events.jsonl"
"$REPORT" "$tmp/nonexistent" >/dev/null 2>"$tmp/e3"
check "error: missing directory is exit 2" $? 2
"$REPORT" "$run" --no-files --syzbot-report "$tmp/nonexistent" >/dev/null 2>"$tmp/e4"
check "error: unreadable syzbot report is exit 2" $? 2
"$REPORT" "$run" --no-files --vmlinux "$corpus/clean_boot.log" >/dev/null 2>"$tmp/e5"
check "error: a non-ELF vmlinux is exit 2" $? 2
has "error: non-ELF says so" "$tmp/e5" "not an ELF file"
"$REPORT" "$run" --no-files --out "$tmp/nonexistent/x" >/dev/null 2>"$tmp/e6"
check "error: unwritable --out is exit 2" $? 2
if [ -w /dev/full ]; then
	"$REPORT" "$run" --no-files >/dev/full 2>/dev/null
	check "error: a failed write of stdout is exit 2" $? 2
fi
"$REPORT" "$run" --no-files --vmlinux "$REPORT" >/dev/null 2>"$tmp/e7"
check "symbols: an unrelated ELF as vmlinux is accepted (exit 1: finding)" $? 1

# --serial still works
"$REPORT" --serial "$corpus/rcu_stall_taprio.log" >"$tmp/serial.txt"
check "--serial LOG still works (exit 1)" $? 1
has "--serial prints the report's CPU" "$tmp/serial.txt" "on CPU 1 pid 4242 syz-executor.0"

# Stuck CPUs and hung tasks on the project's own runs: what the user sees
lk=$tmp/soft-lockup
cp -r "$corpus/run-soft-lockup" "$lk"
"$REPORT" "$lk" >"$tmp/lk.txt" 2>&1
check "soft-lockup: exit 1 (a stuck CPU is a finding)" $? 1
has "soft-lockup: probe counts" "$tmp/lk.txt" "1 stuck CPU(s), 0 hung task(s)"
has "soft-lockup: narrative: the stuck CPU, kradar's lead, the kernel's title" "$tmp/lk.txt" \
	"kradar reported it at [   11.131666], 2.14 s before the kernel's soft-lockup report at [   13.268580] (title: BUG: soft lockup in kradar_lockup_thread)."
has "soft-lockup: timeline: the probe's report" "$tmp/lk.txt" \
	"cpu_stuck_record       CPU1   probe reports CPU 1 stuck (no_schedule): 1.01 s so far"
has "soft-lockup: email: the stack" "$lk/report-email.txt" \
	"   kradar_test_preempt_spin+0x39/0x50 [kradar_test_lockup]"
has "soft-lockup: email: Call Trace" "$lk/report-email.txt" "  Call Trace:"
email_width "soft-lockup: email" "$lk/report-email.txt" "$lk/serial.log"
out=$("$CHECK" "$lk/trace.perfetto.json" --expect-slice --expect-instant)
check "soft-lockup: Perfetto trace valid ($out)" $? 0
if command -v xmllint >/dev/null; then
	xmllint --noout "$lk/timeline.svg"
	check "soft-lockup: svg well-formed (xmllint)" $? 0
fi
if command -v jq >/dev/null; then
	check "soft-lockup: json: the span and the kernel's report" \
		"$(jq -c '.probe.spans[] | select(.kind == "cpu_stuck") |
			[.stuck_kind, .cpu, .pid, .first_report_ns, .kernel_report.kind,
			 .kernel_report.lead_ns, .kernel_report.title]' "$lk/report.json")" \
		'["no_schedule",1,112,11131666786,"soft_lockup",2136913214,"BUG: soft lockup in kradar_lockup_thread"]'
	check "soft-lockup: json: finding, exit_code" \
		"$(jq -c '[.finding, .exit_code]' "$lk/report.json")" "[true,1]"
fi
"$REPORT" "$corpus/run-rt-hog" --no-files >"$tmp/rt.txt" 2>&1
check "rt-hog: exit 1" $? 1
has "rt-hog: narrative: tied to RT throttling, no title" "$tmp/rt.txt" \
	"436.3 ms before the kernel's RT-throttling warning at [   13.803056] (\"sched: RT throttling activated\", with no crash report: no syzkaller title)."
"$REPORT" "$corpus/run-hung-mutex" --no-files --format email >"$tmp/hm.txt" 2>&1
check "hung-mutex: exit 1" $? 1
has "hung-mutex: email: a hung task's stack" "$tmp/hm.txt" \
	"Stack of the hung task kradar_holder:112 (probe, innermost first):"
email_width "hung-mutex: email" "$tmp/hm.txt" "$corpus/run-hung-mutex/serial.log"
"$REPORT" "$corpus/run-lockup-idle" --no-files >"$tmp/idle.txt" 2>&1
check "lockup-idle: exit 0 (nothing found)" $? 0
has "lockup-idle: probe counts" "$tmp/idle.txt" "0 stuck CPU(s), 0 hung task(s)"
check "lockup-idle: no stuck CPU or hung task in the narrative" \
	"$(grep -c 'kradar reported it\|did not schedule\|slept in D' "$tmp/idle.txt")" 0

# the project's own guest runs, when present
for name in test-taprio-storm test-idle; do
	src=$top/runs/$name
	if [ ! -s "$src/events.jsonl" ]; then
		skip "own run $name" "runs/$name absent (selftests/guest makes it)"
		continue
	fi
	cp -r "$src" "$tmp/$name"
	"$REPORT" "$tmp/$name" >"$tmp/$name.txt" 2>&1
	rc=$?
	[ $rc -ne 2 ] && ok "own run $name: report (exit $rc)" ||
		nok "own run $name: report" "$(cat "$tmp/$name.txt")"
	out=$("$CHECK" "$tmp/$name/trace.perfetto.json")
	check "own run $name: Perfetto trace valid" $? 0
	if command -v jq >/dev/null && grep -q 'hrtimer: interrupt took' "$tmp/$name/serial.log"; then
		perfetto_clock "own run $name: perfetto" "$tmp/$name/trace.perfetto.json" \
			"$tmp/$name/serial.log"
	fi
	if [ $name = test-taprio-storm ]; then
		has "own run $name: storm first" "$tmp/$name.txt" "First anomaly: an hrtimer storm"
	fi
	email_width "own run $name: email" "$tmp/$name/report-email.txt" "$tmp/$name/serial.log"
done

echo "1..$n"
[ $failed -eq 0 ]
