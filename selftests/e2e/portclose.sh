# Guest job for the port tests of selftests/e2e/test_guest_stress.c, run
# with kradar-run --no-probe --collector-stop-on 'STRESS port-close-request'
# --collector-restart-on 'STRESS port-reopen-request'. Prints "STRESS ..."
# lines through /dev/kmsg that the test reads back.
#
# 1. busy: the job holds /dev/hvc0 open, so the probe finds its port but
#    cannot open it; records pile up in a 16 KiB buffer during a storm and
#    the oldest are dropped. Released, the probe opens the port and sends
#    the newest records with one LOST record for what it dropped.
# 2. host closed: during a storm the job asks the runner to stop the
#    collector, waits 6 s with a heartbeat every second, asks for a new
#    collector (the runner starts it with --resume, so it counts what was
#    sent meanwhile) and goes on.
P=/lib/kradar/kradar_probe.ko
K=/lib/kradar
taskset -p 1 $$ >/dev/null 2>&1
mark() { echo "STRESS $*" >/dev/kmsg; }
waitfor() {
	n=0
	while ! grep -q "$1" /proc/kradar 2>/dev/null && [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	grep -q "$1" /proc/kradar 2>/dev/null
}
# one line of /proc/kradar's counters: "STRESS proc TAG port=.. windows=.."
pk() {
	mark "proc $1 $(awk -F': *' '/^(port|windows|records|records_dropped|bytes_buffered|bytes_sent):/ {
		split($2, v, " "); printf "%s=%s ", $1, v[1] }' /proc/kradar)"
}

( i=0; while [ ! -e /tmp/hb-stop ]; do mark "heartbeat $i"; i=$((i + 1)); sleep 1; done ) &

exec 3</dev/hvc0
insmod $P buffer_kb=16 window_ms=20 || mark "load-failed"
waitfor 'port: *busy' && mark "busy"
insmod $K/kradar_test_hrstorm.ko cpu=1 duration_ms=2000
waitfor 'records_dropped: *[1-9]' && mark "busy-dropping"
pk busy
rmmod kradar_test_hrstorm
exec 3<&-
mark "busy-released"
waitfor 'port: *open' && mark "busy-opened"
waitfor 'bytes_buffered: *0$'
sleep 0.5
pk opened

insmod $K/kradar_test_hrstorm.ko cpu=1 duration_ms=6000
sleep 0.5
pk before-close
mark "port-close-request"
sleep 6
pk closed
mark "port-reopen-request"
sleep 3
pk reopened
rmmod kradar_test_hrstorm
touch /tmp/hb-stop
rmmod kradar_probe && mark "unloaded"
mark "done"
