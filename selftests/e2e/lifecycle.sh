# Guest job for the probe lifecycle test (selftests/e2e/test_guest.c),
# run with kradar-run --no-probe. Prints "LIFECYCLE <what> <detail>"
# lines the test reads back from the serial console.
P=/lib/kradar/kradar_probe.ko
taskset -p 1 $$ >/dev/null 2>&1
for a in window_ms=5 window_ms=20000 storm_rate=10 storm_windows=0 \
	 late_us=0 buffer_kb=1 hello_every=0 storm_end_ms=70000 \
	 tty=hvc0 port=; do
	if insmod $P "$a" 2>/dev/null; then
		echo "LIFECYCLE bad-param-accepted $a"
		rmmod kradar_probe
	else
		echo "LIFECYCLE bad-param-rejected $a"
	fi
done
# No port and the smallest buffer: records pile up and the oldest are
# dropped (about 6 KB/s of records against 16 KiB).
insmod $P port=org.kradar.absent buffer_kb=16 && echo "LIFECYCLE absent-loaded"
sleep 5
cat /proc/kradar
rmmod kradar_probe && echo "LIFECYCLE absent-unloaded"
insmod /lib/kradar/kradar_test_hrstorm.ko cpu=1 duration_ms=4000
i=0
while [ $i -lt 10 ]; do
	insmod $P || echo "LIFECYCLE cycle-load-failed $i"
	sleep 0.2
	rmmod kradar_probe || echo "LIFECYCLE cycle-unload-failed $i"
	i=$((i + 1))
done
echo "LIFECYCLE cycles-done $i"
rmmod kradar_test_hrstorm
