#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# kradar-run's run control with real guests (Documentation/runner.rst),
# TAP output, actual vs expected on failure:
#   --runs 2 --jobs 2   both runs end with exit 0, runs.txt has both, each
#                       run directory has its summary and its own log, and
#                       the second guest started before the first ended
#                       (they ran at once);
#   Ctrl-C              SIGINT to a running kradar-run: it exits 130, the
#                       collector has written summary.txt and events.jsonl,
#                       and no QEMU of that run is left;
#   a terminal          (script(1)) the collector's live status line there;
#                       with --console the guest's console instead;
#   DAEMONIZE=1         returns at once, the run goes on in the background
#                       and leaves its exit status in kradar-run.status.
# Every check SKIPs when no guest can be booted here (no QEMU or kernel).
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
RUN=$top/tools/kradar-run
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

. "$top/selftests/tap.sh"

# Is a process running whose command line contains $1? (/proc, so no
# procps needed; matched in the shell, so no helper's own command line)
running_with() {
	for c in /proc/[0-9]*/cmdline; do
		cl=$({ tr '\0' ' ' <"$c"; } 2>/dev/null)
		case "$cl" in *"$1"*) return 0 ;; esac
	done
	return 1
}

# The first "NS WHAT" line of run-events.txt in $1 matching $2: its NS.
event_ns() { grep -m 1 "$2" "$1/run-events.txt" 2>/dev/null | cut -d' ' -f1; }

# Can a guest be booted here? (the dry run builds everything but QEMU's)
if ! "$RUN" --no-probe --cmd true --dry-run --out "$tmp/dry" >"$tmp/dry.log" 2>&1; then
	why=$(grep -m 1 'kradar-run:' "$tmp/dry.log")
	skip "--runs 2 --jobs 2" "no guest here: $why"
	skip "Ctrl-C" "no guest here: $why"
	echo "1..$n"
	exit 0
fi

# --runs 2 --jobs 2
out=$tmp/jobs
"$RUN" --scenario idle --runs 2 --jobs 2 --timeout 120 --out "$out" >"$tmp/jobs.log" 2>&1
rc=$?
if [ $rc -eq 0 ] && grep -qx 'run-1 exit 0' "$out/runs.txt" && grep -qx 'run-2 exit 0' "$out/runs.txt" &&
   [ -s "$out/run-1/summary.txt" ] && [ -s "$out/run-2/summary.txt" ] &&
   [ -s "$out/run-1/kradar-run.log" ] && [ -s "$out/run-2/kradar-run.log" ]; then
	pass "--runs 2 --jobs 2: both runs end with exit 0, each with its summary and log"
else
	fail "--runs 2 --jobs 2: exit 0, runs.txt 'run-1 exit 0' and 'run-2 exit 0', summary.txt and kradar-run.log in each" \
		"exit $rc" "runs.txt: $(tr '\n' ';' <"$out/runs.txt" 2>/dev/null)" "$(tail -n 3 "$tmp/jobs.log")"
fi
s2=$(event_ns "$out/run-2" 'qemu started')
e1=$(event_ns "$out/run-1" 'qemu exited\|qemu killed')
if [ -n "$s2" ] && [ -n "$e1" ] && [ "$s2" -lt "$e1" ]; then
	pass "--runs 2 --jobs 2: the second guest started before the first ended"
else
	fail "--runs 2 --jobs 2: run-2's QEMU started before run-1's ended" \
		"run-2 qemu started at '${s2:-none}' ns, run-1 qemu ended at '${e1:-none}' ns (run-events.txt)"
fi

# Ctrl-C: SIGINT once the job runs (the job would run 60 s)
out=$tmp/int
# a background job of a script starts with SIGINT ignored: give it back
# the default disposition, as a terminal's foreground job has it
env --default-signal=INT "$RUN" --scenario idle --duration 60 --out "$out" >"$tmp/int.log" 2>&1 &
rpid=$!
i=0
while ! grep -q 'job started' "$out/serial.log" 2>/dev/null && kill -0 $rpid 2>/dev/null && [ $i -lt 600 ]; do
	sleep 0.5
	i=$((i + 1))
done
sleep 2
kill -INT $rpid 2>/dev/null
wait $rpid
rc=$?
qpid=$(sed -n 's/.*qemu started accel=[a-z]* pid=\([0-9]*\).*/\1/p' "$out/run-events.txt" 2>/dev/null | tail -n 1)
if [ $rc -eq 130 ] && [ -s "$out/summary.txt" ] && [ -s "$out/events.jsonl" ] &&
   { [ -z "$qpid" ] || ! kill -0 "$qpid" 2>/dev/null; }; then
	pass "Ctrl-C: exit 130, the collector wrote its summary, no QEMU left"
else
	fail "Ctrl-C: exit 130, summary.txt and events.jsonl written, QEMU gone" \
		"exit $rc; summary.txt $( [ -s "$out/summary.txt" ] && echo present || echo missing); QEMU pid '${qpid:-?}' $( [ -n "$qpid" ] && kill -0 "$qpid" 2>/dev/null && echo 'still running' || echo gone)" \
		"$(tail -n 3 "$tmp/int.log")"
fi

# On a terminal (script(1) gives the run one): the collector's status line
# there; with --console the guest's console instead, and no tail left.
if command -v script >/dev/null 2>&1; then
	script -qc "'$RUN' --scenario idle --timeout 120 --out '$tmp/tty'" "$tmp/tty.txt" >/dev/null 2>&1
	line=$(tr '\r' '\n' <"$tmp/tty.txt" | grep -a 'kradar-collect: .* | guest [0-9.]* s, heartbeat' | tail -n 1)
	case "$line" in
	*" records, "*" storms, "*" gaps, "*" locks, "*" stuck, "*" hung | lost "*)
		pass "on a terminal: the live status line (guest time, records, findings, losses)" ;;
	*)	fail "on a terminal: a status line 'kradar-collect: STATE | guest N s, heartbeat ... | N records, ... storms, ... gaps, ... locks, ... stuck, ... hung | lost ...'" \
			"last such line: '$line'" "$(tail -c 300 "$tmp/tty.txt")" ;;
	esac
	script -qc "'$RUN' --scenario idle --console --timeout 120 --out '$tmp/con'" "$tmp/con.txt" >/dev/null 2>&1
	if grep -aq 'kradar-run: init started' "$tmp/con.txt" && ! grep -aq 'kradar-collect: .* | guest' "$tmp/con.txt" &&
	   ! running_with "-f $tmp/con/serial.log"; then
		pass "--console: the guest's console on the terminal, no status line, nothing left running"
	else
		fail "--console: 'kradar-run: init started' on the terminal, no status line, no tail left" \
			"$(tail -c 300 "$tmp/con.txt")"
	fi
else
	skip "on a terminal: the live status line" "script(1) not installed"
	skip "--console" "script(1) not installed"
fi
# DAEMONIZE=1: returns at once, the run goes on and leaves its status
out=$tmp/dm
t0=$(date +%s)
DAEMONIZE=1 "$RUN" --scenario idle --timeout 120 --out "$out" >"$tmp/dm.log" 2>&1
rc=$? t1=$(date +%s)
i=0
while [ ! -s "$out/kradar-run.status" ] && [ $i -lt 600 ]; do
	sleep 0.5
	i=$((i + 1))
done
if [ $rc -eq 0 ] && [ $((t1 - t0)) -lt 10 ] && [ "$(cat "$out/kradar-run.status" 2>/dev/null)" = 0 ] &&
   [ -s "$out/summary.txt" ] && grep -q 'evidence in' "$out/kradar-run.log"; then
	pass "DAEMONIZE=1: returns at once; the run ends with status 0 in kradar-run.status, its output in kradar-run.log"
else
	fail "DAEMONIZE=1: exit 0 at once, then kradar-run.status 0, summary.txt and kradar-run.log" \
		"exit $rc after $((t1 - t0)) s; status '$(cat "$out/kradar-run.status" 2>/dev/null)'" "$(cat "$tmp/dm.log")"
fi
echo "1..$n"
