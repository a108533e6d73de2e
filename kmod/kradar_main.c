// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_probe: finds out why a guest kernel stalls, from inside the guest.
 *
 * `insmod kradar_probe.ko` is all a user does. The module attaches its
 * detectors (kradar_hrtimer.c: hrtimer callback storms, kradar_rcu.c: RCU
 * quiescent-state gaps, kradar_lock.c: contended mutexes), and a sampler
 * thread turns their per-CPU counters into records once per window,
 * buffers them (kradar_ring.c) and writes them to a virtio console port
 * (kradar_port.c) for kradar-collect on the host. /proc/kradar shows what
 * it did: events, records, drops, bytes sent, port state.
 *
 * This file knows the detectors only by their struct kradar_detector,
 * in the table kradar_detectors[]: it initialises, starts, samples and
 * stops them in that order (stop and exit in reverse), and reads nothing
 * of theirs but the storm detector's totals for the heartbeat and
 * /proc/kradar and which detectors attached, for HELLO.
 *
 * Sampling must go on while one CPU is flooded: a CPU in an hrtimer storm
 * serves its other hrtimers seconds late, in expiry order behind the
 * storm, and a woken thread may be placed on it and never run. So two
 * sampler kthreads run, each bound to a different CPU; both wake once per
 * window and the first to get kradar_sample_lock after the deadline
 * samples. When one CPU storms, the thread on the other one carries on.
 * Each window records how late it was sampled (heartbeat sampler_late_ns)
 * and /proc/kradar which thread took how many windows. Probes never wait
 * for the samplers: they only count.
 *
 * Nothing here sleeps or allocates in a probe; all allocation happens at
 * init, all freeing after tracepoint_synchronize_unregister().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/utsname.h>
#include "kradar.h"
#include <kradar_params.h>

static char *port = KRADAR_PORT_DEFAULT;
module_param(port, charp, 0444);
MODULE_PARM_DESC(port, "virtio console port name to stream to (default " KRADAR_PORT_DEFAULT ")");

static char *tty = KRADAR_TTY_DEFAULT;
module_param(tty, charp, 0444);
MODULE_PARM_DESC(tty, "hvc tty of that port (default " KRADAR_TTY_DEFAULT ")");

unsigned int kradar_window_ms = KRADAR_WINDOW_MS;
module_param_named(window_ms, kradar_window_ms, uint, 0444);
MODULE_PARM_DESC(window_ms, "reporting window in ms, 10..10000 (default 100)");

unsigned long kradar_storm_rate = KRADAR_STORM_RATE;
module_param_named(storm_rate, kradar_storm_rate, ulong, 0444);
MODULE_PARM_DESC(storm_rate, "callbacks/s of one hrtimer function on one CPU that make a storm, >= 1000 (default 50000)");

unsigned int kradar_storm_windows = KRADAR_STORM_WINDOWS;
module_param_named(storm_windows, kradar_storm_windows, uint, 0444);
MODULE_PARM_DESC(storm_windows, "windows at or above storm_rate before a storm begins, 1..100 (default 1)");

unsigned int kradar_storm_end_ms = KRADAR_STORM_END_MS;
module_param_named(storm_end_ms, kradar_storm_end_ms, uint, 0444);
MODULE_PARM_DESC(storm_end_ms, "ms below half of storm_rate before a storm ends, 0..60000 (default 500)");

unsigned int kradar_late_us = KRADAR_LATE_US;
module_param_named(late_us, kradar_late_us, uint, 0444);
MODULE_PARM_DESC(late_us, "an expiry this many us after its time counts as late, 1..1000000 (default 100)");

unsigned int kradar_qs_gap_ms = KRADAR_QS_GAP_MS;
module_param_named(qs_gap_ms, kradar_qs_gap_ms, uint, 0444);
MODULE_PARM_DESC(qs_gap_ms, "ms an RCU grace period is pending and a CPU without quiescent state before it is reported, 10..600000, 0 = off (default 300)");

unsigned int kradar_lock_wait_ms = KRADAR_LOCK_WAIT_MS;
module_param_named(lock_wait_ms, kradar_lock_wait_ms, uint, 0444);
MODULE_PARM_DESC(lock_wait_ms, "ms a task waits for a mutex before its owner and waiters are reported, 10..600000, 0 = off (default 1000)");

unsigned int kradar_hung_ms = KRADAR_HUNG_MS;
module_param_named(hung_ms, kradar_hung_ms, uint, 0444);
MODULE_PARM_DESC(hung_ms, "ms a task sleeps in D without running before it is reported, 500..600000, 0 = off (default 5000)");

unsigned int kradar_stuck_ms = KRADAR_STUCK_MS;
module_param_named(stuck_ms, kradar_stuck_ms, uint, 0444);
MODULE_PARM_DESC(stuck_ms, "ms a CPU runs a task without scheduling while another waits, or without interrupts, before it is reported, 100..600000, 0 = off (default 1000)");

static unsigned int buffer_kb = KRADAR_BUFFER_KB;
module_param(buffer_kb, uint, 0444);
MODULE_PARM_DESC(buffer_kb, "KiB of records kept while the port is absent or slow, 16..65536 (default 256)");

static unsigned int hello_every = KRADAR_HELLO_EVERY;
module_param(hello_every, uint, 0444);
MODULE_PARM_DESC(hello_every, "repeat the session header every N windows, 1..100000 (default 50)");

#define KRADAR_SAMPLERS		2	/* threads, on different CPUs */

static struct task_struct *kradar_threads[KRADAR_SAMPLERS];
static u64 kradar_windows_by[KRADAR_SAMPLERS];
static DEFINE_MUTEX(kradar_sample_lock);	/* all sampling state below */
static struct proc_dir_entry *kradar_proc;
static u64 kradar_session;
static u64 kradar_window_nr;
static u64 kradar_next;			/* local_clock() ns, next window */
static u64 kradar_last_port_try;
static bool kradar_open;
static u64 kradar_bytes_sent;
static u64 kradar_sampler_late_max;
static u64 kradar_last_now;		/* the newest window's time */

/*
 * The parts sampled once per window, in this order: the panic dump right
 * after the storm detector, so that it snapshots the counters that
 * window reported. Each one's lifecycle: struct kradar_detector.
 */
static const struct kradar_detector *const kradar_detectors[] = {
	&kradar_hrtimer_detector,
	&kradar_panic_dump,
	&kradar_rcu_detector,
	&kradar_lock_detector,
	&kradar_hung_detector,
	&kradar_stuck_detector,
};

static bool kradar_started[ARRAY_SIZE(kradar_detectors)];

/*
 * What HELLO says of the detectors: whether they attached at load. Not
 * read from their state at send time: at unload they are unhooked before
 * the samplers send their last records.
 */
static unsigned int kradar_hello_qs_gap_ms, kradar_hello_lock_wait_ms;
static unsigned int kradar_hello_stuck_ms;

static void kradar_emit_hello(u64 now, bool resent)
{
	struct kradar_rec_hello *r;

	r = kradar_rec_begin(KRADAR_REC_HELLO, sizeof(*r), KRADAR_CPU_NONE, now);
	if (!r)
		return;
	if (resent)
		r->h.flags = cpu_to_le16(KRADAR_RECF_RESENT);
	r->magic = cpu_to_le64(KRADAR_MAGIC);
	r->version = cpu_to_le16(KRADAR_WIRE_VERSION);
	r->hdr_size = cpu_to_le16(sizeof(struct kradar_rec_hdr));
	r->nr_cpus = cpu_to_le16(nr_cpu_ids);
	r->session = cpu_to_le64(kradar_session);
	r->window_ms = cpu_to_le32(kradar_window_ms);
	r->late_us = cpu_to_le32(kradar_late_us);
	r->storm_rate = cpu_to_le64(kradar_storm_rate);
	r->storm_windows = cpu_to_le32(kradar_storm_windows);
	r->heartbeat_ms = cpu_to_le32(kradar_window_ms);
	kradar_copy_name(r->release, utsname()->release);
	kradar_copy_name(r->port, port);
	r->storm_end_ms = cpu_to_le32(kradar_storm_end_ms);
	r->qs_gap_ms = cpu_to_le32(kradar_hello_qs_gap_ms);
	r->lock_wait_ms = cpu_to_le32(kradar_hello_lock_wait_ms);
	r->hung_ms = cpu_to_le32(kradar_hung_enabled() ? kradar_hung_ms : 0);
	r->stuck_ms = cpu_to_le32(kradar_hello_stuck_ms);
	kradar_rec_commit(r);
}

static void kradar_emit_heartbeat(u64 now, u64 late)
{
	struct kradar_rec_heartbeat *r;
	u64 records, drec, dbytes;

	kradar_ring_stats(&records, &drec, &dbytes);
	r = kradar_rec_begin(KRADAR_REC_HEARTBEAT, sizeof(*r), KRADAR_CPU_NONE,
			     now);
	if (!r)
		return;
	r->local_ns = cpu_to_le64(now);
	r->mono_ns = cpu_to_le64(ktime_get_ns());
	r->real_ns = cpu_to_le64(ktime_get_real_ns());
	r->boot_ns = cpu_to_le64(ktime_get_boottime_ns());
	r->window = cpu_to_le64(kradar_window_nr);
	r->sampler_late_ns = cpu_to_le64(late);
	r->events = cpu_to_le64(kradar_hrtimer_events());
	r->records = cpu_to_le64(records);
	r->bytes_sent = cpu_to_le64(kradar_bytes_sent);
	r->records_dropped = cpu_to_le64(drec);
	kradar_rec_commit(r);
}

/* Report records the buffer dropped since the last report. */
static void kradar_emit_buffer_loss(u64 now)
{
	u64 recs, bytes;

	kradar_ring_take_drops(&recs, &bytes);
	if (recs)
		kradar_emit_lost(KRADAR_CPU_NONE, KRADAR_LOST_BUFFER_FULL,
				 recs, bytes, 0, now);
}

static void kradar_flush(void)
{
	const u8 *buf;
	size_t len;
	ssize_t n;

	while ((len = kradar_ring_peek(&buf)) > 0) {
		n = kradar_port_write(buf, len);
		if (n <= 0)
			break;
		kradar_ring_consume(n);
		kradar_bytes_sent += n;
	}
}

/* One window: sample the detectors, emit, send. Under kradar_sample_lock. */
static void kradar_window(u64 now, u64 late)
{
	struct kradar_window w;
	unsigned int i;

	kradar_window_nr++;
	if (!kradar_open && now - kradar_last_port_try >=
	    (u64)KRADAR_PORT_RETRY_MS * NSEC_PER_MSEC) {
		kradar_last_port_try = now;
		kradar_open = kradar_port_poll_open();
		if (kradar_open)
			kradar_emit_hello(now, false);
	}
	if (kradar_open && kradar_window_nr % hello_every == 0)
		kradar_emit_hello(now, true);
	w.now = now;
	w.late = late;
	w.nr = kradar_window_nr;
	w.bytes_sent = kradar_bytes_sent;
	for (i = 0; i < ARRAY_SIZE(kradar_detectors); i++)
		if (kradar_detectors[i]->sample)
			kradar_detectors[i]->sample(&w);
	/* while nobody reads, a LOST record would only be dropped in turn */
	if (kradar_open)
		kradar_emit_buffer_loss(now);
	kradar_emit_heartbeat(now, late);
	if (kradar_open) {
		kradar_flush();
		kradar_open = kradar_port_state() == KRADAR_PORT_OPEN;
	}
}

static int kradar_sampler(void *data)
{
	unsigned long id = (unsigned long)data;
	u64 period = (u64)kradar_window_ms * NSEC_PER_MSEC;
	/* the second thread wakes a little later: normally it finds the
	 * window done and goes back to sleep
	 */
	u64 offset = id ? period / 4 : 0;

	while (!kthread_should_stop()) {
		u64 now = local_clock(), next = READ_ONCE(kradar_next), late;
		ktime_t wait;

		if (now < next + offset) {
			wait = ns_to_ktime(next + offset - now);
			set_current_state(TASK_INTERRUPTIBLE);
			if (!kthread_should_stop())
				schedule_hrtimeout_range(&wait, NSEC_PER_MSEC,
							 HRTIMER_MODE_REL);
			__set_current_state(TASK_RUNNING);
			continue;
		}
		mutex_lock(&kradar_sample_lock);
		/*
		 * The samplers run on different CPUs, whose local_clock()
		 * may disagree a little (an unstable TSC): window times
		 * never go back.
		 */
		now = max(local_clock(), kradar_last_now + 1);
		if (now >= kradar_next) {
			kradar_last_now = now;
			late = now - kradar_next;
			kradar_sampler_late_max = max(kradar_sampler_late_max,
						      late);
			/* a late window is one long window, never a burst */
			WRITE_ONCE(kradar_next, max(kradar_next + period,
						    now + period / 2));
			kradar_windows_by[id]++;
			kradar_window(now, late);
		}
		mutex_unlock(&kradar_sample_lock);
	}
	return 0;
}

static void kradar_samplers_stop(void)
{
	int i;

	for (i = 0; i < KRADAR_SAMPLERS; i++) {
		if (!IS_ERR_OR_NULL(kradar_threads[i]))
			kthread_stop(kradar_threads[i]);
		kradar_threads[i] = NULL;
	}
	/* rmmod: the last partial window still reaches the host */
	if (kradar_open)
		kradar_window(max(local_clock(), kradar_last_now + 1), 0);
}

static int kradar_samplers_start(void)
{
	int i, cpu = -1;

	/* open the port now, so even a very short run reaches the host */
	kradar_last_port_try = local_clock();
	kradar_open = kradar_port_poll_open();
	if (kradar_open)
		kradar_emit_hello(kradar_last_port_try, false);
	WRITE_ONCE(kradar_next, local_clock() +
		   (u64)kradar_window_ms * NSEC_PER_MSEC);
	for (i = 0; i < KRADAR_SAMPLERS; i++) {
		struct task_struct *t;

		cpu = cpumask_next(cpu, cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			break;
		t = kthread_create(kradar_sampler, (void *)(unsigned long)i,
				   "kradar/%d", cpu);
		if (IS_ERR(t)) {
			kradar_samplers_stop();
			return PTR_ERR(t);
		}
		kthread_bind(t, cpu);
		kradar_threads[i] = t;
		wake_up_process(t);
	}
	return 0;
}

static int kradar_status_show(struct seq_file *m, void *v)
{
	u64 records, drec, dbytes, nested, unattr;
	unsigned int i;

	kradar_ring_stats(&records, &drec, &dbytes);
	kradar_hrtimer_lost(&nested, &unattr);
	seq_printf(m, "port:              %s (%s via %s)\n",
		   kradar_port_state_name(kradar_port_state()), port, tty);
	seq_printf(m, "session:           %016llx\n", kradar_session);
	seq_printf(m, "window_ms:         %u\n", kradar_window_ms);
	seq_printf(m, "windows:           %llu\n", kradar_window_nr);
	seq_printf(m, "hrtimer_events:    %llu\n", kradar_hrtimer_events());
	seq_printf(m, "storms_active:     %u\n", kradar_hrtimer_storms_active());
	seq_printf(m, "events_nested:     %llu\n", nested);
	seq_printf(m, "events_unattributed: %llu\n", unattr);
	seq_printf(m, "records:           %llu\n", records);
	seq_printf(m, "records_dropped:   %llu\n", drec);
	seq_printf(m, "bytes_dropped:     %llu\n", dbytes);
	seq_printf(m, "bytes_sent:        %llu\n", kradar_bytes_sent);
	seq_printf(m, "bytes_buffered:    %zu\n", kradar_ring_used());
	seq_printf(m, "sampler_late_max_ns: %llu\n", kradar_sampler_late_max);
	seq_printf(m, "windows_by_sampler: %llu %llu\n", kradar_windows_by[0],
		   kradar_windows_by[1]);
	for (i = 0; i < ARRAY_SIZE(kradar_detectors); i++)
		if (kradar_detectors[i]->status)
			kradar_detectors[i]->status(m);
	return 0;
}

static int kradar_check_params(void)
{
	if (!port || !*port || strlen(port) >= KRADAR_NAME_LEN) {
		pr_err("port must be a name of 1..%d characters\n",
		       KRADAR_NAME_LEN - 1);
		return -EINVAL;
	}
	if (!tty || tty[0] != '/') {
		pr_err("tty must be an absolute path such as /dev/hvc0\n");
		return -EINVAL;
	}
	if (kradar_window_ms < KRADAR_WINDOW_MIN_MS ||
	    kradar_window_ms > KRADAR_WINDOW_MAX_MS) {
		pr_err("window_ms=%u out of range %d..%d ms\n", kradar_window_ms,
		       KRADAR_WINDOW_MIN_MS, KRADAR_WINDOW_MAX_MS);
		return -EINVAL;
	}
	if (kradar_storm_rate < KRADAR_STORM_RATE_MIN) {
		pr_err("storm_rate=%lu below the minimum of %d callbacks/s\n",
		       kradar_storm_rate, KRADAR_STORM_RATE_MIN);
		return -EINVAL;
	}
	if (kradar_storm_windows < 1 ||
	    kradar_storm_windows > KRADAR_STORM_WINDOWS_MAX) {
		pr_err("storm_windows=%u out of range 1..100\n",
		       kradar_storm_windows);
		return -EINVAL;
	}
	if (kradar_storm_end_ms > KRADAR_STORM_END_MAX_MS) {
		pr_err("storm_end_ms=%u out of range 0..60000 ms\n",
		       kradar_storm_end_ms);
		return -EINVAL;
	}
	if (kradar_late_us < 1 || kradar_late_us > KRADAR_LATE_MAX_US) {
		pr_err("late_us=%u out of range 1..1000000 us\n", kradar_late_us);
		return -EINVAL;
	}
	if (buffer_kb < KRADAR_BUFFER_MIN_KB || buffer_kb > KRADAR_BUFFER_MAX_KB) {
		pr_err("buffer_kb=%u out of range 16..65536 KiB\n", buffer_kb);
		return -EINVAL;
	}
	if (kradar_qs_gap_ms && (kradar_qs_gap_ms < KRADAR_QS_GAP_MIN_MS ||
				 kradar_qs_gap_ms > KRADAR_QS_GAP_MAX_MS)) {
		pr_err("qs_gap_ms=%u out of range %d..%d ms (0 turns the RCU gap detector off)\n",
		       kradar_qs_gap_ms, KRADAR_QS_GAP_MIN_MS,
		       KRADAR_QS_GAP_MAX_MS);
		return -EINVAL;
	}
	if (kradar_lock_wait_ms &&
	    (kradar_lock_wait_ms < KRADAR_LOCK_WAIT_MIN_MS ||
	     kradar_lock_wait_ms > KRADAR_LOCK_WAIT_MAX_MS)) {
		pr_err("lock_wait_ms=%u out of range %d..%d ms (0 turns the lock detector off)\n",
		       kradar_lock_wait_ms, KRADAR_LOCK_WAIT_MIN_MS,
		       KRADAR_LOCK_WAIT_MAX_MS);
		return -EINVAL;
	}
	if (kradar_hung_ms && (kradar_hung_ms < KRADAR_HUNG_MIN_MS ||
			       kradar_hung_ms > KRADAR_HUNG_MAX_MS)) {
		pr_err("hung_ms=%u out of range %d..%d ms (0 turns the hung-task detector off)\n",
		       kradar_hung_ms, KRADAR_HUNG_MIN_MS, KRADAR_HUNG_MAX_MS);
		return -EINVAL;
	}
	if (kradar_stuck_ms && (kradar_stuck_ms < KRADAR_STUCK_MIN_MS ||
				kradar_stuck_ms > KRADAR_STUCK_MAX_MS)) {
		pr_err("stuck_ms=%u out of range %d..%d ms (0 turns the stuck-CPU detector off)\n",
		       kradar_stuck_ms, KRADAR_STUCK_MIN_MS, KRADAR_STUCK_MAX_MS);
		return -EINVAL;
	}
	if (hello_every < 1 || hello_every > KRADAR_HELLO_EVERY_MAX) {
		pr_err("hello_every=%u out of range 1..100000\n", hello_every);
		return -EINVAL;
	}
	return 0;
}

/* Exit the first @n detectors, in reverse. */
static void kradar_detectors_exit(unsigned int n)
{
	while (n--)
		if (kradar_detectors[n]->exit)
			kradar_detectors[n]->exit();
}

static int kradar_detectors_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(kradar_detectors); i++) {
		const struct kradar_detector *d = kradar_detectors[i];

		err = d->init ? d->init(kradar_session) : 0;
		if (err) {
			kradar_detectors_exit(i);
			return err;
		}
	}
	return 0;
}

/* Start the detectors that start before the samplers, or (@late) after. */
static int kradar_detectors_start(bool late)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(kradar_detectors); i++) {
		const struct kradar_detector *d = kradar_detectors[i];

		if (d->late_start != late)
			continue;
		err = d->start ? d->start() : 0;
		if (err)
			return err;
		kradar_started[i] = true;
	}
	return 0;
}

/* Stop the started detectors, in reverse; the caller synchronises. */
static void kradar_detectors_stop(void)
{
	unsigned int i = ARRAY_SIZE(kradar_detectors);

	while (i--) {
		if (kradar_started[i] && kradar_detectors[i]->stop)
			kradar_detectors[i]->stop();
		kradar_started[i] = false;
	}
}

static int __init kradar_init(void)
{
	int err;

	err = kradar_check_params();
	if (err)
		return err;
	kradar_session = get_random_u64();

	err = kradar_ring_init((size_t)buffer_kb * 1024);
	if (err)
		return err;
	err = kradar_detectors_init();
	if (err)
		goto err_ring;
	kradar_port_init(port, tty);
	kradar_proc = proc_create_single("kradar", 0444, NULL,
					 kradar_status_show);
	if (!kradar_proc) {
		err = -ENOMEM;
		goto err_port;
	}
	/* before the samplers, so the first HELLO says what attached */
	err = kradar_detectors_start(false);
	if (err)
		goto err_stop;
	kradar_hello_qs_gap_ms = kradar_rcu_enabled() ? kradar_qs_gap_ms : 0;
	kradar_hello_stuck_ms = kradar_stuck_enabled() ? kradar_stuck_ms : 0;
	kradar_hello_lock_wait_ms = kradar_lock_enabled() ?
				    kradar_lock_wait_ms : 0;
	err = kradar_samplers_start();
	if (err)
		goto err_stop;
	err = kradar_detectors_start(true);
	if (err)
		goto err_samplers;
	pr_info("loaded: window %u ms, storm at %lu callbacks/s, late at %u us, port '%s'\n",
		kradar_window_ms, kradar_storm_rate, kradar_late_us, port);
	return 0;

err_samplers:
	kradar_samplers_stop();
err_stop:
	kradar_detectors_stop();
	tracepoint_synchronize_unregister();
	proc_remove(kradar_proc);
err_port:
	kradar_port_exit();
	kradar_detectors_exit(ARRAY_SIZE(kradar_detectors));
err_ring:
	kradar_ring_exit();
	return err;
}

static void __exit kradar_exit(void)
{
	kradar_detectors_stop();
	tracepoint_synchronize_unregister();	/* waits for running probes */
	kradar_samplers_stop();
	proc_remove(kradar_proc);
	kradar_port_exit();
	kradar_detectors_exit(ARRAY_SIZE(kradar_detectors));
	kradar_ring_exit();
	pr_info("unloaded\n");
}

module_init(kradar_init);
module_exit(kradar_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kradar: hrtimer storm evidence streamed over virtio-serial");
MODULE_AUTHOR("kradar developers");
