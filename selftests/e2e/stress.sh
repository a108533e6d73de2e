# Guest job for the module stress test (selftests/e2e/test_guest_stress.c),
# run with kradar-run --no-probe: 100 load/unload cycles of kradar_probe.ko,
# each unloaded while it has something open. Prints "STRESS ..." lines
# through /dev/kmsg (so they carry printk times) that the test reads back;
# this script only runs things and prints raw numbers.
#
#   runaway  50 cycles: a runaway hrtimer storm on CPU 1 starts after the
#            load; unloaded once the probe reports it (storm open; the
#            RCU gap it causes is often open too)
#   hold     50 cycles: a mutex held for 1000 ms with two waiters, taken
#            after the load; unloaded with the lock episode open (the
#            sampler must see the wait while it lasts: 400 ms was missed
#            in 3 of 50 cycles on a host loaded to 9 under single-thread
#            TCG)
#   hammer   25 cycles: four threads lock and unlock a mutex as fast as
#            they can, started after the load; unloaded while they do,
#            so the contention probes run while they are taken away
# Run the guest with kradar-run --tcg-threads single: QEMU 7.2's
# multi-threaded TCG can freeze the guest at one of the many text patches
# these cycles make (Documentation/robustness.rst).
# Memory and registrations are printed before and after ("STRESS mem").
P=/lib/kradar/kradar_probe.ko
K=/lib/kradar
A="window_ms=20 qs_gap_ms=50 lock_wait_ms=50"
N=${STRESS_CYCLES:-25}
taskset -p 1 $$ >/dev/null 2>&1
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mark() { echo "STRESS $*" >/dev/kmsg; }

# /proc/kradar has the line matching $1 within ~10 s (a condition, not a
# timing: the loop ends as soon as it holds)
waitfor() {
	n=0
	while ! grep -q "$1" /proc/kradar 2>/dev/null && [ $n -lt 200 ]; do
		sleep 0.05
		n=$((n + 1))
	done
	grep -q "$1" /proc/kradar 2>/dev/null
}

meminfo() { sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo; }
snap() {
	sleep 1
	kp=$(wc -l </sys/kernel/debug/kprobes/list 2>/dev/null || echo -1)
	mark "mem $1 percpu_kb=$(meminfo Percpu) vmalloc_kb=$(meminfo VmallocUsed) sunreclaim_kb=$(meminfo SUnreclaim) slab_kb=$(meminfo Slab) kprobes=$kp modules=$(wc -l </proc/modules) vc_refcnt=$(cat /sys/module/virtio_console/refcnt 2>/dev/null || echo -1)"
}

load() {
	mark "cycle $1 $2 load"
	insmod $P $A || mark "cycle $1 $2 load-failed"
	mark "cycle $1 $2 loaded"
}
unload() {
	mark "cycle $1 $2 unload"
	rmmod kradar_probe || mark "cycle $1 $2 unload-failed"
	[ -e /sys/module/kradar_probe ] && mark "cycle $1 $2 still-loaded"
	mark "cycle $1 $2 unloaded"
}
# $1 phase, $2 cycle, $3 what /proc/kradar must show, $4 its name
expect_open() {
	if waitfor "$3"; then
		mark "cycle $1 $2 open $4"
	else
		mark "cycle $1 $2 not-open $4"
	fi
	grep -q 'rcu_gaps: *[1-9][0-9]* open' /proc/kradar && mark "cycle $1 $2 open rcu-gap"
}

# warm-up: first loads allocate for good (module sysfs, kallsyms caches)
insmod $P $A && rmmod kradar_probe
insmod $K/kradar_test_hrstorm.ko cpu=1 duration_ms=100 && sleep 0.3 && rmmod kradar_test_hrstorm
insmod $K/kradar_test_mutex.ko hold_ms=10 && rmmod kradar_test_mutex
snap before
insmod $P $A && sleep 1 && cat /proc/kradar && snap loaded && rmmod kradar_probe

i=1
while [ $i -le $((N * 2)) ]; do
	load runaway $i
	if [ $i -eq 1 ]; then
		# Whether a storm alone opens an RCU gap is chance (where the
		# grace-period kthread sleeps): in the first cycle CPU 1 also
		# spins with preemption off, so one unload surely meets a gap.
		insmod $K/kradar_test_rcuspin.ko cpu=1 spin_ms=1500 &
		sp=$!
		waitfor 'rcu_gaps: *[1-9][0-9]* open'
	fi
	insmod $K/kradar_test_hrstorm.ko cpu=1 duration_ms=1000
	expect_open runaway $i 'storms_active: *[1-9]' storm
	unload runaway $i
	rmmod kradar_test_hrstorm
	if [ $i -eq 1 ]; then
		wait $sp
		rmmod kradar_test_rcuspin
	fi
	i=$((i + 1))
done

i=1
while [ $i -le $((N * 2)) ]; do
	load hold $i
	insmod $K/kradar_test_mutex.ko hold_ms=1000 &
	mp=$!
	expect_open hold $i 'locks: *[1-9][0-9]* contended now' lock
	unload hold $i
	wait $mp
	rmmod kradar_test_mutex
	i=$((i + 1))
done

i=1
while [ $i -le $N ]; do
	load hammer $i
	insmod $K/kradar_test_mutex.ko hammer=4 hold_ms=600 &
	mp=$!
	sleep 0.1
	if kill -0 $mp 2>/dev/null; then
		mark "cycle hammer $i open hammering"
	else
		mark "cycle hammer $i not-open hammering"
	fi
	unload hammer $i
	wait $mp
	rmmod kradar_test_mutex
	i=$((i + 1))
done

snap after
mark "done"
