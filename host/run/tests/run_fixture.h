/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hand-written run directories for the report tests: the files
 * tools/kradar-run leaves (events.jsonl, serial.log, run-events.txt,
 * qemu-cpu.txt), made small and exact so that every number the analysis
 * derives is known in advance.
 *
 * Clock of every fixture: host_ns = guest_ns + FX_OFF + delivery delay,
 * the smallest delay being FX_MIN_DELAY (so the offset must come out as
 * FX_OFF + FX_MIN_DELAY).
 */
#ifndef KRADAR_RUN_FIXTURE_H
#define KRADAR_RUN_FIXTURE_H

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FX_OFF		1795000000000000000LL	/* ns */
#define FX_MIN_DELAY	1000000LL		/* 1 ms */
#define FX_S		1000000000LL
#define FX_MS		1000000LL

struct fx {
	char dir[256];
	FILE *ev, *ser, *run, *cpu;
};

static inline int fx_open(struct fx *x, const char *name)
{
	char p[512];

	snprintf(x->dir, sizeof(x->dir), "/tmp/kradar-test-%s-XXXXXX", name);
	if (!mkdtemp(x->dir))
		return -errno;
	snprintf(p, sizeof(p), "%s/events.jsonl", x->dir);
	x->ev = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/serial.log", x->dir);
	x->ser = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/run-events.txt", x->dir);
	x->run = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/qemu-cpu.txt", x->dir);
	x->cpu = fopen(p, "w");
	return x->ev && x->ser && x->run && x->cpu ? 0 : -EIO;
}

static inline void fx_close(struct fx *x)
{
	if (x->ev)
		fclose(x->ev);
	if (x->ser)
		fclose(x->ser);
	if (x->run)
		fclose(x->run);
	if (x->cpu)
		fclose(x->cpu);
	x->ev = x->ser = x->run = x->cpu = NULL;
}

/* Remove the fixture directory and its files. */
static inline void fx_rm(struct fx *x)
{
	static const char *const files[] = {
		"events.jsonl", "serial.log", "run-events.txt", "qemu-cpu.txt",
		"timeline.svg", "report-email.txt", "report.json", "trace.perfetto.json",
	};
	char p[512];
	size_t i;

	fx_close(x);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", x->dir, files[i]);
		unlink(p);
	}
	rmdir(x->dir);
}

/* Delivery delay of heartbeat i: 1..4 ms, exactly FX_MIN_DELAY for i%4==0. */
static inline int64_t fx_delay(int i)
{
	return FX_MIN_DELAY * (1 + i % 4);
}

static inline void fx_hello(struct fx *x, int64_t t)
{
	fprintf(x->ev, "{\"type\":\"hello\",\"host_ns\":%lld,\"t_ns\":%lld,\"seq\":0,"
		"\"offset\":0,\"resent\":false,\"session\":\"0x1\",\"version\":1,"
		"\"release\":\"6.1.0-test\",\"port\":\"org.kradar.0\",\"nr_cpus\":2,"
		"\"window_ms\":100,\"heartbeat_ms\":100,\"thresholds\":"
		"{\"storm_rate_per_s\":50000,\"storm_windows\":1,\"late_us\":100}}\n",
		(long long)(t + FX_OFF + 5 * FX_MS), (long long)t);
}

static inline void fx_heartbeat(struct fx *x, int64_t t, int64_t host)
{
	fprintf(x->ev, "{\"type\":\"heartbeat\",\"host_ns\":%lld,\"t_ns\":%lld,\"seq\":1,"
		"\"offset\":1,\"window\":1,\"local_ns\":%lld,\"sampler_late_ns\":1500,"
		"\"events\":0,\"records\":0,\"bytes_sent\":0,\"records_dropped\":0}\n",
		(long long)host, (long long)t, (long long)t);
}

/* One 100 ms window on cpu ending at t with rate/s of function fn. */
static inline void fx_window(struct fx *x, int cpu, int64_t t, double rate, const char *fn)
{
	fprintf(x->ev, "{\"type\":\"hrtimer_window\",\"host_ns\":%lld,\"t_ns\":%lld,"
		"\"cpu\":%d,\"seq\":2,\"offset\":2,\"start_ns\":%lld,\"end_ns\":%lld,"
		"\"events\":%lld,\"unlisted\":0,\"entries\":[{\"function\":\"%s\","
		"\"addr\":\"0xffffffffc04aebe0\",\"count\":%lld,\"rate_per_s\":%.1f,"
		"\"late\":0,\"late_pct\":0.0,\"late_mean_ns\":0,\"late_max_ns\":0}]}\n",
		(long long)(t + FX_OFF + 2 * FX_MS), (long long)t, cpu,
		(long long)(t - 100 * FX_MS), (long long)t, (long long)(rate / 10), fn,
		(long long)(rate / 10), rate);
}

static inline void fx_line(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline void fx_line(FILE *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}

/* printk prefix "[   12.345678] " */
#define FX_PK(t) (long long)((t) / FX_S), (long long)(((t) % FX_S) / 1000)

/* QEMU CPU samples every 100 ms of host time over [a, b); pct of a CPU
 * per sample given by pct_at(host) (clk_tck 100). */
static inline void fx_cpu(struct fx *x, int64_t a, int64_t b,
			  double (*pct_at)(int64_t host))
{
	double ticks = 0;
	int64_t h;

	fprintf(x->cpu, "# host_ns utime stime; clk_tck 100 pid 4242\n");
	for (h = a; h < b; h += 100 * FX_MS) {
		fprintf(x->cpu, "%lld %lld 0\n", (long long)h, (long long)ticks);
		ticks += pct_at(h) / 100.0 * 10.0;	/* 10 ticks per 100 ms at 100% */
	}
}

/* The RCU stall of the storm fixture: self-detected on CPU 0, which was
 * receiving a frame; the GP kthread names CPU 1. */
static inline void fx_rcu_stall(FILE *f, int64_t t)
{
	static const char *const lines[] = {
		"rcu: INFO: rcu_preempt self-detected stall on CPU",
		"rcu: \t0-....: (5250 ticks this GP) idle=a5c/1/0x4000000000000000 softirq=9000/9000 fqs=2500",
		"\t(t=5252 jiffies g=12345 q=678 ncpus=2)",
		"CPU: 0 PID: 4242 Comm: syz-executor.0 Not tainted 6.1.0 #1",
		"Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)",
		"Call Trace:",
		" <IRQ>",
		" rcu_sched_clock_irq+0x9a/0x200",
		" update_process_times+0x5e/0x90",
		" tick_sched_timer+0x6a/0x80",
		" __hrtimer_run_queues+0x1c1/0x3e0",
		" hrtimer_interrupt+0x110/0x2a0",
		" __sysvec_apic_timer_interrupt+0x61/0x130",
		" sysvec_apic_timer_interrupt+0x6b/0x80",
		" </IRQ>",
		" <TASK>",
		" asm_sysvec_apic_timer_interrupt+0x1a/0x20",
		"RIP: 0010:br_handle_frame+0x12/0x340",
		" __netif_receive_skb_core+0x3a1/0x1020",
		" __netif_receive_skb+0x1d/0x60",
		" process_backlog+0x8d/0x180",
		" __napi_poll+0x2b/0x1a0",
		" net_rx_action+0x26f/0x300",
		" __do_softirq+0xd9/0x2a4",
		" do_softirq+0x72/0xa0",
		" __local_bh_enable_ip+0x5c/0x60",
		" packet_sendmsg+0x1a2f/0x2300",
		" __sys_sendto+0x1a5/0x210",
		" __x64_sys_sendto+0x24/0x30",
		" do_syscall_64+0x35/0x80",
		" entry_SYSCALL_64_after_hwframe+0x63/0xcd",
		" </TASK>",
		NULL,
	};
	int i;

	for (i = 0; lines[i]; i++)
		fx_line(f, "[%5lld.%06lld] %s", FX_PK(t), lines[i]);
	fx_line(f, "[%5lld.%06lld] rcu: rcu_preempt kthread starved for 5252 jiffies! "
		"g12345 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1", FX_PK(t + 10 * FX_MS));
}

/* The storm fixture; see the file comment. */
static inline int fx_storm(struct fx *x, double (*pct)(int64_t), bool stall)
{
	int64_t t;
	int i = 0;

	if (fx_open(x, "storm"))
		return -1;
	fx_line(x->run, "%lld qemu started accel=tcg pid=4242", (long long)(FX_OFF - FX_S));
	fx_line(x->run, "%lld collector started pid=4243", (long long)(FX_OFF - FX_S + FX_MS));
	fx_line(x->run, "%lld qemu exited status=0", (long long)(FX_OFF + 31 * FX_S));
	fx_cpu(x, FX_OFF - FX_S, FX_OFF + 31 * FX_S, pct);
	fx_line(x->ser, "SeaBIOS (version 1.16.2)");
	fx_line(x->ser, "[    0.000000] Linux version 6.1.0-test (gcc) #1 SMP");
	fx_line(x->ser, "[    0.066972] Kernel command line: console=ttyS0 KRADAR_HOLD=30 ");
	fx_line(x->ser, "[    0.900000] kradar-run: init started");
	fx_line(x->ser, "[    0.950000] kradar-run: probe loaded");
	fx_line(x->ser, "[    0.960000] kradar-run: job started: taprio-storm");
	fx_line(x->ser, "kradar-taprio: taprio installed on v0");
	fx_line(x->ser, "[    2.100000] hrtimer: interrupt took 1110470 ns");
	if (stall)
		fx_rcu_stall(x->ser, 23 * FX_S);
	fx_line(x->ser, "[   29.000000] kradar-run: job finished: status 0");
	fx_line(x->ser, "[   29.500000] kradar-run: poweroff");
	fx_hello(x, FX_S);
	for (t = FX_S; t <= 29 * FX_S; t += 100 * FX_MS, i++) {
		fx_heartbeat(x, t, t + FX_OFF + fx_delay(i));
		fx_window(x, 0, t, 250.0, "tick_sched_timer");
		fx_window(x, 1, t, t >= 2 * FX_S ? 2500000.0 : 250.0,
			  t >= 2 * FX_S ? "advance_sched [sch_taprio]" : "tick_sched_timer");
		if (t == 2 * FX_S)
			fprintf(x->ev, "{\"type\":\"hrtimer_storm\",\"cpu\":1,\"function\":"
				"\"advance_sched [sch_taprio]\",\"rate_per_s\":2500000,"
				"\"late_pct\":99.9,\"t_ns\":%lld,\"host_ns\":%lld,"
				"\"addr\":\"0xffffffffc04aebe0\",\"peak_rate_per_s\":2500000,"
				"\"rec_ns\":%lld}\n", (long long)t,
				(long long)(t + FX_OFF + 3 * FX_MS), (long long)(t + 100 * FX_MS));
		if (t == 3 * FX_S)
			fprintf(x->ev, "{\"type\":\"qs_gap\",\"phase\":\"begin\",\"cpu\":1,"
				"\"gap_ms\":500.0,\"gap_start_ns\":%lld,\"gp_seq\":12345,"
				"\"task\":\"swapper/1\",\"pid\":0,\"hardirqs\":9,\"softirqs\":1,"
				"\"hrtimers\":1000000,\"top_hrtimers\":[{\"function\":"
				"\"advance_sched [sch_taprio]\",\"addr\":\"0xffffffffc04aebe0\","
				"\"count\":1000000,\"rate_per_s\":2500000.0}],\"stack\":"
				"[\"advance_sched+0x12/0x40 [sch_taprio]\",\"__hrtimer_run_queues+0x1c1/0x3e0\"],"
				"\"t_ns\":%lld,\"host_ns\":%lld,\"seq\":9,\"offset\":9}\n",
				(long long)(t - 500 * FX_MS), (long long)t,
				(long long)(t + FX_OFF + 2 * FX_MS));
		if (t == 10 * FX_S)
			fprintf(x->ev, "{\"type\":\"qs_gap\",\"phase\":\"update\",\"cpu\":1,"
				"\"gap_ms\":7500.0,\"t_ns\":%lld,\"host_ns\":%lld}\n",
				(long long)t, (long long)(t + FX_OFF + 2 * FX_MS));
		if (t == 24 * FX_S)
			fprintf(x->ev, "{\"type\":\"qs_gap\",\"phase\":\"end\",\"cpu\":1,"
				"\"gap_ms\":21500.0,\"t_ns\":%lld,\"host_ns\":%lld}\n",
				(long long)t, (long long)(t + FX_OFF + 2 * FX_MS));
		if (t == 3 * FX_S || t == 24 * FX_S)
			fprintf(x->ev, "{\"type\":\"gp_stall\",\"phase\":\"%s\",\"gp_seq\":-719,"
				"\"stall_ms\":%.1f,\"cpus\":[1],\"gp_start_ns\":%lld,\"t_ns\":%lld,"
				"\"host_ns\":%lld}\n", t == 3 * FX_S ? "begin" : "end",
				(double)(t - 2 * FX_S) / 1e6, (long long)(2 * FX_S), (long long)t,
				(long long)(t + FX_OFF + 2 * FX_MS));
		if (t == 5 * FX_S)
			fprintf(x->ev, "{\"type\":\"lock_contention\",\"phase\":\"begin\","
				"\"lock\":\"rtnl_mutex\",\"lock_addr\":\"0xffffffff9a0b1c20\","
				"\"lock_kind\":\"mutex\",\"holder_pid\":77,\"holder_comm\":"
				"\"kworker/0:1\",\"holder_state\":\"D\",\"held_ms\":1000.0,"
				"\"waiters\":[{\"pid\":4242,\"comm\":\"syz-executor.0\","
				"\"waited_ms\":900.0}],\"holder_stack\":[\"rtnl_lock+0x15/0x20\"],"
				"\"t_ns\":%lld,\"host_ns\":%lld}\n", (long long)t,
				(long long)(t + FX_OFF + 2 * FX_MS));
		if (t == 7 * FX_S)
			fprintf(x->ev, "{\"type\":\"lock_contention\",\"phase\":\"end\","
				"\"lock\":\"rtnl_mutex\",\"lock_addr\":\"0xffffffff9a0b1c20\","
				"\"held_ms\":3000.0,\"waiters\":[],\"t_ns\":%lld,\"host_ns\":%lld}\n",
				(long long)t, (long long)(t + FX_OFF + 2 * FX_MS));
	}
	fprintf(x->ev, "{\"type\":\"summary\",\"host_ns\":%lld,\"verdict\":\"hrtimer storm: "
		"advance_sched [sch_taprio] on CPU 1\"}\n", (long long)(FX_OFF + 30 * FX_S));
	fx_close(x);
	return 0;
}

/* A stuck-CPU record of the lockup fixture: irqs_off on CPU 1 since 4 s,
 * its stack taken by an NMI at 4.5 s. */
static inline void fx_stuck(struct fx *x, const char *phase, int64_t t, double ms,
			    const char *task, int pid)
{
	fprintf(x->ev, "{\"type\":\"cpu_stuck\",\"phase\":\"%s\",\"kind\":\"irqs_off\","
		"\"task\":\"%s\",\"pid\":%d,\"stuck_ms\":%.1f,\"since_ns\":%lld,"
		"\"threshold_ms\":1000,\"preempt_count\":0,\"stack_from\":\"nmi\","
		"\"stack_ns\":%lld,\"in\":\"fx_irqs_spin+0x48/0x50 [fx_mod]\",\"stack\":"
		"[\"fx_irqs_spin+0x48/0x50 [fx_mod]\",\"fx_thread+0x2a/0xa6 [fx_mod]\","
		"\"kthread+0xda/0x100\",\"ret_from_fork+0x22/0x30\"],\"t_ns\":%lld,"
		"\"host_ns\":\"%lld\",\"cpu\":1}\n", phase, task, pid, ms,
		(long long)(4 * FX_S), (long long)(4500 * FX_MS), (long long)t,
		(long long)(t + FX_OFF + 2 * FX_MS));
}

/*
 * The lockup fixture: CPU 1 runs with interrupts off from 4 s (the probe
 * reports it at 5 s) until the kernel's hard-lockup report at 14 s and
 * the panic it causes; kradar_hung/1 (pid 111) sleeps in D from 2 s (the
 * probe reports it at 7 s), the kernel's hung-task report comes at
 * 12.5 s; a soft lockup at 13 s is on CPU 0, not CPU 1. QEMU at 100 %.
 */
static inline int fx_lockup(struct fx *x, double (*pct)(int64_t))
{
	static const char *const hung[] = {
		"INFO: task kradar_hung/1:111 blocked for more than 10 seconds.",
		"      Not tainted 6.1.0-test #1",
		"\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
		"task:kradar_hung/1   state:D stack:0     pid:111   ppid:2      flags:0x00004000",
		"Call Trace:",
		" <TASK>",
		" __schedule+0x34d/0x9e0",
		" schedule+0x5a/0xd0",
		" schedule_timeout+0x118/0x150",
		" wait_for_completion+0x86/0x160",
		" fx_hung_wait+0x2c/0x40",
		" fx_hung_thread+0x93/0xa6",
		" kthread+0xda/0x100",
		" ret_from_fork+0x22/0x30",
		" </TASK>",
		NULL,
	}, *hard[] = {
		"NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
		"Modules linked in: fx_mod(OE)",
		"CPU: 1 PID: 112 Comm: kradar_irqs/1 Tainted: G           OE      6.1.0-test #1",
		"RIP: 0010:fx_irqs_spin+0x48/0x50 [fx_mod]",
		"Call Trace:",
		" <TASK>",
		" fx_thread+0x2a/0xa6 [fx_mod]",
		" kthread+0xda/0x100",
		" ret_from_fork+0x22/0x30",
		" </TASK>",
		"Kernel panic - not syncing: Hard LOCKUP",
		"CPU: 1 PID: 112 Comm: kradar_irqs/1 Tainted: G           OE      6.1.0-test #1",
		"Call Trace:",
		" <NMI>",
		" dump_stack_lvl+0x44/0x5c",
		" panic+0x118/0x2ed",
		" </NMI>",
		NULL,
	};
	static const char *const boot[] = {
		"[    0.000000] Linux version 6.1.0-test (gcc) #1 SMP",
		"[    0.900000] kradar-run: init started",
		"[    0.950000] kradar-run: probe loaded",
		"[    0.960000] kradar-run: job started: lockup",
		NULL,
	};
	int64_t t, qemu[] = { FX_OFF - FX_S, FX_OFF + 16 * FX_S };
	int i = 0;

	if (fx_open(x, "lockup"))
		return -1;
	fprintf(x->run, "%lld qemu started accel=tcg pid=4242\n%lld qemu exited status=0\n",
		(long long)qemu[0], (long long)qemu[1]);
	fx_cpu(x, qemu[0], qemu[1], pct);
	for (i = 0; boot[i]; i++)
		fx_line(x->ser, "%s", boot[i]);
	for (i = 0; hung[i]; i++)
		fx_line(x->ser, "[   12.500000] %s", hung[i]);
	fx_line(x->ser, "[   13.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [fx_other:120]");
	for (i = 0; hard[i]; i++)
		fx_line(x->ser, "[   14.000000] %s", hard[i]);
	fx_hello(x, FX_S);
	for (t = FX_S, i = 0; t <= 14 * FX_S; t += 100 * FX_MS, i++) {
		fx_heartbeat(x, t, t + FX_OFF + fx_delay(i));
		if (t == 5 * FX_S)
			fx_stuck(x, "begin", t, 1000.0, "kradar_irqs/1", 112);
		if (t == 10 * FX_S)
			fx_stuck(x, "update", t, 6000.0, "kradar_irqs/1", 112);
		if (t == 7 * FX_S)
			fprintf(x->ev, "{\"type\":\"hung_task\",\"phase\":\"begin\",\"pid\":111,"
				"\"tgid\":111,\"comm\":\"kradar_hung/1\",\"state\":\"D\","
				"\"hung_ms\":5000.0,\"since_ns\":%lld,\"scan_ms\":1000,"
				"\"sleeps_in\":\"fx_hung_wait+0x2c/0x40\",\"stack\":"
				"[\"fx_hung_wait+0x2c/0x40\",\"fx_hung_thread+0x93/0xa6\","
				"\"kthread+0xda/0x100\",\"ret_from_fork+0x22/0x30\"],"
				"\"t_ns\":%lld,\"host_ns\":\"%lld\",\"cpu\":0}\n",
				(long long)(2 * FX_S), (long long)t,
				(long long)(t + FX_OFF + 2 * FX_MS));
	}
	fx_close(x);
	return 0;
}

#endif /* KRADAR_RUN_FIXTURE_H */
