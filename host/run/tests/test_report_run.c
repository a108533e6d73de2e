// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the run analysis (kradar_run): hand-written run
 * directories (tests/run_fixture.h) with known numbers.
 *
 *   storm    an hrtimer storm on CPU 1, an RCU gap there, a lock hold, and
 *            an RCU stall reported from CPU 0 with br_handle_frame on its
 *            stack; QEMU at 100 %: clock offset, HZ, spans with phases,
 *            timeline order, narrative (storm first, lead, "noticed", the
 *            storm CPU held up RCU), every stall window guest-internal
 *   sigstop  heartbeats stop for 10 s of host time and QEMU gets no CPU
 *            in that time: the gap is "starved by host"
 *   paused   the guest clock stands still while host time passes (no CPU
 *            file): "starved by host" from the clock ratio
 *   sampler  heartbeats stop for 10 s but QEMU runs at 100 %:
 *            guest-internal (negative case for the starvation rule)
 *   overload a storm while QEMU gets 30 % of a CPU: starved by host
 *   console  a console-only directory: undetermined, no crash
 *   garbage  events.jsonl lines that are not what they claim; phases
 *            without a begin; an empty directory
 *   vhost-killed  a killed vhost worker waiting for vq->mutex in
 *            vhost_worker_killed() (records as on 7.2): the lock span keeps
 *            its waiter through the end record, the probe's first record is
 *            on the timeline before the kernel's hung-task report, and the
 *            narrative names the killed worker, the lead, the kernel's
 *            likely owner and the sleeping holder
 *   lockup   a CPU with interrupts off and a task in D (hand-written):
 *            each tied to the kernel's own line about it (hard lockup on
 *            that CPU with its panic's title, the hung-task report of that
 *            pid; not a soft lockup on another CPU), lead times, titles,
 *            timeline entries, the report's stack explained
 *   runs     the project's own guest runs (selftests/corpus/serial/run-*,
 *            trimmed): lockup-preempt, lockup-irqs, soft-lockup (lead
 *            over the kernel's soft-lockup report, its title), rt-hog (RT
 *            throttling), hung-completion, hung-mutex, and lockup-idle
 *            (negative: no stuck CPU, no hung task, exit 0)
 *   syzbot   title/frames comparison: same, same kind, different
 *   syms     libelf: placing an image from a named address, resolving
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "run_fixture.h"
#include "kradar_tap.h"

#ifndef KRADAR_OBJDIR
#define KRADAR_OBJDIR "build/obj/run"
#endif
#ifndef KRADAR_TOP
#define KRADAR_TOP "."
#endif
#define CORPUS KRADAR_TOP "/selftests/corpus/serial/"

/* The n-th span of a kind, or NULL */
static const struct kradar_span *nth_span(const struct kradar_run *r,
					  enum kradar_span_kind k, int n)
{
	const struct kradar_span *sp = r->spans, *end = r->spans + r->nr_spans;

	while (sp < end && (sp->kind != k || n--))
		sp++;
	return sp < end ? sp : NULL;
}

/* The first timeline entry of a kind, or NULL */
static const struct kradar_tl *tl_of(const struct kradar_run *r, const char *kind)
{
	const struct kradar_tl *e = r->tl, *end = r->tl + r->nr_tl;

	while (e < end && strcmp(e->kind, kind))
		e++;
	return e < end ? e : NULL;
}

static double pct_full(int64_t h)
{
	return 100.0;
}

static double pct_30(int64_t h)
{
	return 30.0;
}

/* 0 % in host [8 s, 18 s) of guest time (the SIGSTOP), else 100 %. */
static double pct_stop(int64_t h)
{
	int64_t g = h - FX_OFF;

	return g >= 8 * FX_S && g < 18 * FX_S ? 0.0 : 100.0;
}

static bool has_narr(const struct kradar_run *r, const char *a, const char *b)
{
	size_t i;

	for (i = 0; i < r->nr_narrative; i++)
		if (strstr(r->narrative[i], a) && (!b || strstr(r->narrative[i], b)))
			return true;
	printf("# narrative has no line with '%s'%s%s:\n", a, b ? " and " : "", b ? b : "");
	for (i = 0; i < r->nr_narrative; i++)
		printf("#   %s\n", r->narrative[i]);
	return false;
}

static const struct kradar_stall *stall_of(const struct kradar_run *r, const char *src)
{
	size_t i;

	for (i = 0; i < r->nr_stalls; i++)
		if (!strcmp(r->stalls[i].source, src))
			return &r->stalls[i];
	return NULL;
}

static const struct kradar_span *span_of(const struct kradar_run *r, enum kradar_span_kind k)
{
	return nth_span(r, k, 0);
}

/* Load and analyse, as kradar-report does */
static struct kradar_run *load(struct fx *x)
{
	char err[512] = "";
	struct kradar_run *r = kradar_run__load(x->dir, err, sizeof(err));

	if (!r)
		printf("# load %s: %s\n", x->dir, err);
	else if (kradar_run__analyse(r))
		printf("# analyse %s failed\n", x->dir);
	return r;
}

static void test_storm(void)
{
	const struct kradar_serial_report *rep;
	const struct kradar_span *sp;
	struct kradar_run *r;
	struct fx x = { 0 };
	size_t i;
	bool sorted = true, all_internal = true;
	int64_t storm_t = -1, report_t = -1;

	if (!ASSERT_TRUE(!fx_storm(&x, pct_full, true), "storm: fixture written"))
		return;
	r = load(&x);
	if (!ASSERT_TRUE(r, "storm: run loads"))
		goto out;
	ASSERT_TRUE(r->have_offset && !r->offset_estimated, "storm: clock offset from heartbeats");
	ASSERT_EQ_INT(r->offset_ns, FX_OFF + FX_MIN_DELAY, "storm: offset = min(host - guest)");
	ASSERT_EQ_INT(r->hz, 250, "storm: HZ inferred from the tick rate");
	ASSERT_STREQ(r->release, "6.1.0-test", "storm: release from hello");
	ASSERT_EQ_INT(r->qemu_pid, 4242, "storm: QEMU pid from run-events.txt");
	ASSERT_TRUE(strstr(r->cmdline, "KRADAR_HOLD=30") != NULL, "storm: kernel command line");
	rep = kradar_run__report(r);
	ASSERT_TRUE(rep && !strncmp(rep->title, "INFO: rcu detected stall in ", 28),
		    "storm: title INFO: rcu detected stall in ...");
	if (rep) {
		printf("# title: %s (cpu %d)\n", rep->title, rep->cpu);
		ASSERT_EQ_INT(rep->cpu, 0, "storm: the report's stack is CPU 0's");
	}
	sp = span_of(r, KRADAR_SPAN_STORM);
	ASSERT_TRUE(sp && sp->cpu == 1 && sp->begin_ns == 2 * FX_S && !sp->ended,
		    "storm: storm span CPU 1 from 2.0 s, not ended");
	sp = span_of(r, KRADAR_SPAN_QS_GAP);
	ASSERT_TRUE(sp && sp->cpu == 1 && sp->ended && sp->value == 21500.0 &&
		    sp->begin_ns == 2500 * FX_MS && sp->end_ns == 24 * FX_S,
		    "storm: qs_gap begin/update/end merged into one span");
	if (sp) {
		ASSERT_STREQ(sp->top, "advance_sched [sch_taprio]", "storm: qs_gap busiest hrtimer");
		ASSERT_EQ_INT(sp->nr_frames, 2, "storm: qs_gap stack frames");
	}
	sp = span_of(r, KRADAR_SPAN_LOCK);
	ASSERT_TRUE(sp && sp->value == 3000.0 && sp->ended && sp->pid == 77 &&
		    !strcmp(sp->waiter, "syz-executor.0") && sp->begin_ns == 4 * FX_S,
		    "storm: lock hold from the end phase, waiter kept");
	ASSERT_TRUE(!span_of(r, KRADAR_SPAN_HB_GAP), "storm: no heartbeat gap");
	for (i = 1; i < r->nr_tl; i++)
		if (r->tl[i].t_ns < r->tl[i - 1].t_ns)
			sorted = false;
	ASSERT_TRUE(sorted, "storm: timeline sorted by guest time");
	for (i = 0; i < r->nr_tl; i++) {
		if (!strcmp(r->tl[i].kind, "storm_begin") && storm_t < 0)
			storm_t = r->tl[i].t_ns;
		if (!strcmp(r->tl[i].kind, "report") && report_t < 0)
			report_t = r->tl[i].t_ns;
	}
	ASSERT_TRUE(storm_t >= 0 && report_t > storm_t, "storm: timeline puts the storm first");
	ASSERT_TRUE(r->nr_tl && r->tl[0].mapped && !strncmp(r->tl[0].text, "qemu started", 12),
		    "storm: QEMU start mapped to the guest clock, before boot");
	if (r->nr_tl)
		ASSERT_EQ_INT(r->tl[0].t_ns, -FX_S - FX_MIN_DELAY, "storm: QEMU start at -1.001 s");
	ASSERT_EQ_INT(r->first_anomaly_ns, 2 * FX_S, "storm: first anomaly is the storm");
	ASSERT_EQ_INT(r->first_warning_ns, 23 * FX_S, "storm: kernel's report at 23 s");
	ASSERT_TRUE(has_narr(r, "First anomaly: an hrtimer storm", "CPU 1"),
		    "storm: narrative: the storm came first");
	ASSERT_TRUE(has_narr(r, "first warning came 100.0 ms after it", NULL),
		    "storm: narrative: the hrtimer warning 100 ms later");
	ASSERT_TRUE(has_narr(r, "report followed", "21.0 s after"),
		    "storm: narrative: the stall report 21 s after the storm");
	ASSERT_TRUE(has_narr(r, "where the stall was noticed", "CPU 1"),
		    "storm: narrative: the reported frame is where it was noticed");
	ASSERT_TRUE(has_narr(r, "the storm CPU", "held up RCU"),
		    "storm: narrative: the storm CPU held up RCU");
	ASSERT_TRUE(has_narr(r, "grace period stall from [    2.000000]", "21.0 s before"),
		    "storm: narrative: the probe saw the grace period stall 21 s earlier");
	sp = span_of(r, KRADAR_SPAN_GP_STALL);
	ASSERT_TRUE(sp && sp->begin_ns == 2 * FX_S && sp->ended && sp->value == 22000.0 &&
		    sp->nr_cpus == 1 && sp->cpus[0] == 1,
		    "storm: gp_stall from gp_start_ns, ended, its CPUs");
	ASSERT_TRUE(has_narr(r, "rtnl_mutex", "syz-executor.0"),
		    "storm: narrative: the lock hold and its waiter");
	ASSERT_TRUE(r->nr_stalls >= 4, "storm: stall windows from console and probe");
	for (i = 0; i < r->nr_stalls; i++)
		if (r->stalls[i].verdict != KRADAR_GUEST_INTERNAL) {
			all_internal = false;
			printf("#   %s: %s (%s)\n", r->stalls[i].source,
			       kradar_verdict__name(r->stalls[i].verdict), r->stalls[i].reason);
		}
	ASSERT_TRUE(all_internal, "storm: every stall window is guest-internal");
	{
		const struct kradar_stall *s = stall_of(r, "console rcu_stall");

		ASSERT_TRUE(s && s->end_ns - s->begin_ns == 5252 * (FX_S / 250),
			    "storm: RCU stall window = t= jiffies / HZ");
		ASSERT_TRUE(s && fabs(s->qemu_cpu_pct - 100.0) < 5 && fabs(s->clock_ratio - 1) < 0.01,
			    "storm: QEMU 100 %, clock ratio 1");
	}
	ASSERT_TRUE(kradar_run__finding(r), "storm: a finding");
out:
	kradar_run__free(r);
	fx_rm(&x);
}

/* Heartbeats every 100 ms over [1, 20] s of guest time; from 8 s to 18 s
 * of host time none arrives. gclock: guest time during the gap advances
 * (TCG: the guest clock follows the host) or not (a paused VM). */
static int make_gap(struct fx *x, const char *name, double (*pct)(int64_t), bool gclock)
{
	int64_t t, host;
	int i = 0;

	if (fx_open(x, name))
		return -1;
	fx_line(x->run, "%lld qemu started accel=tcg pid=999", (long long)(FX_OFF - FX_S));
	fx_line(x->run, "%lld qemu exited status=0", (long long)(FX_OFF + 21 * FX_S));
	if (pct)
		fx_cpu(x, FX_OFF - FX_S, FX_OFF + 21 * FX_S, pct);
	fx_line(x->ser, "[    0.000000] Linux version 6.1.0-test");
	fx_line(x->ser, "[    0.960000] kradar-run: job started: idle");
	fx_hello(x, FX_S);
	for (t = FX_S, host = FX_S; t <= 20 * FX_S; i++) {
		fx_heartbeat(x, t, host + FX_OFF + fx_delay(i));
		fx_window(x, 0, t, 250.0, "tick_sched_timer");
		if (host == 8 * FX_S) {		/* the stop */
			host += 10 * FX_S;
			t += gclock ? 10 * FX_S : 100 * FX_MS;
			continue;
		}
		t += 100 * FX_MS;
		host += 100 * FX_MS;
	}
	fx_close(x);
	return 0;
}

static void test_gap(const char *name, double (*pct)(int64_t), bool gclock,
		     enum kradar_verdict want, const char *why)
{
	const struct kradar_stall *s;
	const struct kradar_span *sp;
	struct kradar_run *r;
	struct fx x = { 0 };
	char n[128];

	snprintf(n, sizeof(n), "%s: fixture written", name);
	if (!ASSERT_TRUE(!make_gap(&x, name, pct, gclock), n))
		return;
	r = load(&x);
	snprintf(n, sizeof(n), "%s: run loads", name);
	if (!ASSERT_TRUE(r, n))
		goto out;
	sp = span_of(r, KRADAR_SPAN_HB_GAP);
	snprintf(n, sizeof(n), "%s: one heartbeat gap of 10 s host time", name);
	ASSERT_TRUE(sp && sp->host_end_ns - sp->host_begin_ns == 10 * FX_S +
		    fx_delay(71) - fx_delay(70), n);
	s = stall_of(r, "probe heartbeat_gap");
	snprintf(n, sizeof(n), "%s: classified %s", name, kradar_verdict__name(want));
	if (ASSERT_TRUE(s, n) && !ASSERT_EQ_INT(s->verdict, want, n))
		printf("#   reason: %s\n", s->reason);
	snprintf(n, sizeof(n), "%s: the reason says '%s'", name, why);
	ASSERT_TRUE(s && strstr(s->reason, why), n);
	if (s)
		printf("# %s: QEMU CPU %.1f%%, clock ratio %.3f, gap %.2f s host / %.2f s guest\n",
		       name, s->qemu_cpu_pct, s->clock_ratio, (double)s->hb_gap_host_ns / 1e9,
		       (double)s->hb_gap_guest_ns / 1e9);
	if (want == KRADAR_STARVED_BY_HOST) {
		snprintf(n, sizeof(n), "%s: narrative names the starvation", name);
		ASSERT_TRUE(has_narr(r, "Starved by host", NULL), n);
	}
out:
	kradar_run__free(r);
	fx_rm(&x);
}

static void test_overload(void)
{
	const struct kradar_stall *s;
	struct kradar_run *r;
	struct fx x = { 0 };

	if (!ASSERT_TRUE(!fx_storm(&x, pct_30, false), "overload: fixture written"))
		return;
	r = load(&x);
	if (!ASSERT_TRUE(r, "overload: run loads"))
		goto out;
	s = stall_of(r, "probe hrtimer_storm");
	ASSERT_TRUE(s && s->verdict == KRADAR_STARVED_BY_HOST && strstr(s->reason, "overload"),
		    "overload: a storm with QEMU at 30 % is starved by host");
	s = stall_of(r, "probe lock_hold");
	ASSERT_TRUE(s && s->verdict == KRADAR_GUEST_INTERNAL,
		    "overload: a lock hold (sleeping) with heartbeats is guest-internal");
	ASSERT_TRUE(!kradar_run__report(r), "overload: no crash report in the console");
	ASSERT_TRUE(has_narr(r, "no stall or crash report", NULL),
		    "overload: narrative says the console has no report");
out:
	kradar_run__free(r);
	fx_rm(&x);
}

static void test_console_only(void)
{
	const struct kradar_serial_report *rep;
	struct kradar_run *r;
	struct fx x = { 0 };

	if (fx_open(&x, "console"))
		return;
	fx_line(x.ser, "[   30.100000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [syz-executor.0:4242]");
	fx_line(x.ser, "[   30.100001] CPU: 1 PID: 4242 Comm: syz-executor.0 Not tainted 6.1.0 #1");
	fx_line(x.ser, "[   30.100002] RIP: 0010:taprio_dequeue_soft+0x12/0x340");
	fx_line(x.ser, "[   30.100003] Call Trace:");
	fx_line(x.ser, "[   30.100004]  <TASK>");
	fx_line(x.ser, "[   30.100005]  __qdisc_run+0x8a/0x6f0");
	fx_line(x.ser, "[   30.100006]  __dev_queue_xmit+0x8d1/0xe30");
	fx_line(x.ser, "[   30.100007]  packet_sendmsg+0x1a2f/0x2300");
	fx_line(x.ser, "[   30.100008]  __sys_sendto+0x1a5/0x210");
	fx_line(x.ser, "[   30.100009]  do_syscall_64+0x35/0x80");
	fx_line(x.ser, "[   30.100010]  </TASK>");
	fclose(x.ev);
	x.ev = NULL;
	fx_close(&x);
	{	/* only serial.log: the other files absent */
		char p[512];

		snprintf(p, sizeof(p), "%s/events.jsonl", x.dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/run-events.txt", x.dir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/qemu-cpu.txt", x.dir);
		unlink(p);
	}
	r = load(&x);
	if (!ASSERT_TRUE(r, "console: a console-only directory loads"))
		goto out;
	rep = kradar_run__report(r);
	ASSERT_TRUE(rep && !strncmp(rep->title, "BUG: soft lockup in ", 20) && rep->cpu == 1,
		    "console: soft lockup title and CPU");
	ASSERT_TRUE(!r->have_offset, "console: no clock link without heartbeats or QEMU exit");
	ASSERT_TRUE(r->nr_stalls == 1 && r->stalls[0].verdict == KRADAR_UNDETERMINED &&
		    r->stalls[0].end_ns - r->stalls[0].begin_ns == 22 * FX_S,
		    "console: soft lockup window of 22 s, undetermined");
	ASSERT_TRUE(has_narr(r, "No probe records", NULL), "console: narrative says no probe");
	ASSERT_TRUE(has_narr(r, "No probe anomaly precedes the report", NULL),
		    "console: the console is the only evidence");
out:
	kradar_run__free(r);
	fx_rm(&x);
}

static void test_garbage(void)
{
	static const char *const lines[] = {
		"not json at all",
		"[1,2,3]",
		"{\"type\":42}",
		"{\"no_type\":true}",
		"{\"type\":\"heartbeat\",\"t_ns\":\"soon\",\"host_ns\":[]}",
		"{\"type\":\"hrtimer_window\",\"cpu\":99999,\"start_ns\":1,\"end_ns\":2}",
		"{\"type\":\"hrtimer_window\",\"cpu\":0,\"start_ns\":5,\"end_ns\":2}",
		"{\"type\":\"hrtimer_storm\",\"cpu\":-1,\"t_ns\":1}",
		"{\"type\":\"qs_gap\",\"phase\":\"update\",\"cpu\":0,\"gap_ms\":1e300,\"t_ns\":5000000000}",
		"{\"type\":\"qs_gap\",\"phase\":\"end\",\"cpu\":1,\"gap_ms\":2000,\"t_ns\":9000000000}",
		"{\"type\":\"gp_stall\",\"phase\":\"end\",\"gp_seq\":8,\"stall_ms\":-5,\"cpus\":[1,\"x\",999999],\"t_ns\":9000000000}",
		"{\"type\":\"lock_contention\",\"phase\":\"begin\",\"waiters\":{},\"t_ns\":1}",
		"{\"type\":\"from_the_future\",\"t_ns\":1}",
		"{\"type\":\"heartbeat\",\"t_ns\":1,\"t_ns\":2}",
		"{\"type\":\"hello\",\"nr_cpus\":1000000,\"release\":\"\\u0000x\"}",
		"",
		NULL,
	};
	struct kradar_run *r = kradar_run__new();
	const struct kradar_span *sp;
	char err[256];
	int i;

	if (!ASSERT_TRUE(r, "garbage: run created"))
		return;
	for (i = 0; lines[i]; i++)
		kradar_run__add_json_line(r, lines[i], strlen(lines[i]));
	kradar_run__add_run_event(r, "not-a-number qemu started pid=1");
	kradar_run__add_run_event(r, "-5 qemu started pid=1");
	kradar_run__add_cpu_line(r, "# clk_tck 0 pid -3");
	kradar_run__add_cpu_line(r, "100 5");
	kradar_run__add_cpu_line(r, "100 -5 5");
	kradar_run__add_serial(r, "[   1.0] short\n[ 99999999999999.000000] big\n\0\0x", 45, true);
	ASSERT_EQ_INT(kradar_run__analyse(r), 0, "garbage: analysis succeeds");
	ASSERT_EQ_INT(r->bad_lines, 6,
		      "garbage: non-objects, no type, duplicate keys, NUL in a string counted");
	ASSERT_EQ_INT(r->unknown_types, 1, "garbage: unknown type counted, not fatal");
	ASSERT_EQ_INT(r->nr_windows, 0, "garbage: windows with bad CPU or times dropped");
	ASSERT_EQ_INT(r->nr_hb, 0, "garbage: heartbeat without a numeric t_ns dropped");
	ASSERT_EQ_INT(r->nr_cpus, 0, "garbage: absurd nr_cpus ignored");
	ASSERT_TRUE(!r->have_cpu && r->clk_tck == 100 && r->qemu_pid < 0,
		    "garbage: bad qemu-cpu and run-events lines ignored");
	sp = span_of(r, KRADAR_SPAN_QS_GAP);
	ASSERT_TRUE(sp && sp->cpu == 0 && !sp->ended, "garbage: an update without begin opens a span");
	ASSERT_TRUE(r->nr_spans >= 2 && r->spans[1].kind == KRADAR_SPAN_QS_GAP &&
		    r->spans[1].ended && r->spans[1].begin_ns == 7 * FX_S,
		    "garbage: an end without begin: begin = t - gap");
	kradar_run__free(r);
	kradar_run__free(NULL);

	{
		char dir[] = "/tmp/kradar-test-empty-XXXXXX";

		if (mkdtemp(dir)) {
			r = kradar_run__load(dir, err, sizeof(err));
			ASSERT_TRUE(!r && strstr(err, "none of events.jsonl"),
				    "garbage: an empty directory is refused with a message");
			kradar_run__free(r);
			rmdir(dir);
		}
	}
}

/*
 * The schema of events.jsonl: a run without the line (the corpus run) is
 * schema 0 and loads; one of this schema loads and says so; a newer one
 * is refused with the message, by the loader and line by line.
 */
static void test_schema(void)
{
	struct kradar_run *r;
	char err[512] = "", line[160];
	struct fx x = { 0 };

	r = kradar_run__load(KRADAR_TOP "/selftests/corpus/serial/run-storm", err, sizeof(err));
	ASSERT_TRUE(r && r->schema == 0 && r->have_events && r->nr_windows,
		    "schema: a run without a schema line loads as schema 0");
	ASSERT_TRUE(r && !r->nr_stalls && !r->nr_narrative,
		    "schema: loading analyses nothing");
	kradar_run__free(r);

	if (fx_open(&x, "schema"))
		return;
	fprintf(x.ev, "{\"type\":\"schema\",\"schema\":%d,\"writer\":\"kradar-collect\"}\n",
		KRADAR_RUN_SCHEMA);
	fx_hello(&x, FX_S);
	fx_close(&x);
	r = load(&x);
	ASSERT_TRUE(r && r->schema == KRADAR_RUN_SCHEMA && !strcmp(r->release, "6.1.0-test") &&
		    !r->unknown_types && !r->bad_lines,
		    "schema: a run of this schema loads, the line is not an event");
	kradar_run__free(r);
	fx_rm(&x);

	if (fx_open(&x, "schema-next"))
		return;
	fprintf(x.ev, "{\"type\":\"schema\",\"schema\":%d}\n", KRADAR_RUN_SCHEMA + 1);
	fx_hello(&x, FX_S);
	fx_close(&x);
	errno = 0;
	r = kradar_run__load(x.dir, err, sizeof(err));
	ASSERT_TRUE(!r && errno == EPROTONOSUPPORT &&
		    strstr(err, "/events.jsonl: run directory schema") &&
		    strstr(err, "at least as new"), "schema: a newer run is refused, with what to do");
	kradar_run__free(r);
	fx_rm(&x);

	r = kradar_run__new();
	snprintf(line, sizeof(line), "{\"type\":\"schema\",\"schema\":\"%d\"}",
		 KRADAR_RUN_SCHEMA + 1);
	ASSERT_EQ_INT(r ? kradar_run__add_json_line(r, line, strlen(line)) : 0, -EPROTONOSUPPORT,
		      "schema: a newer line is refused by add_json_line too");
	kradar_run__free(r);
}

static struct kradar_serial *parse(const char *text)
{
	struct kradar_serial *p = kradar_serial__new();

	if (p) {
		kradar_serial__feed(p, text, strlen(text));
		kradar_serial__finish(p);
	}
	return p;
}

static void test_syzbot(void)
{
	static const char *stall =
		"[   62.617360][    C1] rcu: INFO: rcu_preempt self-detected stall on CPU\n"
		"[   62.617360][    C1] rcu: \t1-....: (10500 ticks this GP)\n"
		"[   62.617360][    C1] \t(t=10502 jiffies g=12345 q=678 ncpus=2)\n"
		"[   62.617360][    C1] CPU: 1 PID: 4242 Comm: syz-executor.0 Not tainted 6.1.0 #1\n"
		"[   62.617360][    C1] Call Trace:\n"
		"[   62.617360][    C1]  <TASK>\n"
		"[   62.617360][    C1]  asm_sysvec_apic_timer_interrupt+0x1a/0x20\n"
		"[   62.617360][    C1]  taprio_dequeue+0x4a/0x90\n"
		"[   62.617360][    C1]  __qdisc_run+0x8a/0x6f0\n"
		"[   62.617360][    C1]  __dev_queue_xmit+0x8d1/0xe30\n"
		"[   62.617360][    C1]  packet_sendmsg+0x1a2f/0x2300\n"
		"[   62.617360][    C1]  __sys_sendto+0x1a5/0x210\n"
		"[   62.617360][    C1]  do_syscall_64+0x35/0x80\n"
		"[   62.617360][    C1]  </TASK>\n";
	/* upstream kernel, other numbers and another caller: same bug */
	static const char *stall2 =
		"rcu: INFO: rcu_preempt self-detected stall on CPU\n"
		"rcu: \t0-....: (10499 ticks this GP)\n"
		"\t(t=10500 jiffies g=555 q=6 ncpus=2)\n"
		"CPU: 0 PID: 5151 Comm: syz.0.17 Not tainted 6.16.0-syzkaller #0\n"
		"Call Trace:\n"
		" <TASK>\n"
		" asm_sysvec_apic_timer_interrupt+0x1a/0x20\n"
		" taprio_dequeue+0x4a/0x90\n"
		" __qdisc_run+0x8a/0x6f0\n"
		" __dev_queue_xmit+0x8d1/0xe30\n"
		" packet_sendmsg+0x1a2f/0x2300\n"
		" __sys_sendto+0x1a5/0x210\n"
		" do_syscall_64+0x35/0x80\n"
		" </TASK>\n";
	static const char *stall3 =
		"rcu: INFO: rcu_preempt self-detected stall on CPU\n"
		"\t(t=10500 jiffies g=555 q=6 ncpus=2)\n"
		"CPU: 0 PID: 5151 Comm: syz.0.17 Not tainted 6.16.0-syzkaller #0\n"
		"Call Trace:\n"
		" <TASK>\n"
		" asm_sysvec_apic_timer_interrupt+0x1a/0x20\n"
		" br_handle_frame+0x12/0x340\n"
		" __netif_receive_skb_core+0x3a1/0x1020\n"
		" process_backlog+0x8d/0x180\n"
		" net_rx_action+0x26f/0x300\n"
		" __do_softirq+0xd9/0x2a4\n"
		" __sys_sendto+0x1a5/0x210\n"
		" do_syscall_64+0x35/0x80\n"
		" </TASK>\n";
	static const char *lockup =
		"[   30.1] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [a:1]\n"
		"[   30.1] CPU: 1 PID: 1 Comm: a Not tainted 6.1.0 #1\n"
		"[   30.1] Call Trace:\n"
		"[   30.1]  <TASK>\n"
		"[   30.1]  __qdisc_run+0x8a/0x6f0\n"
		"[   30.1]  __sys_sendto+0x1a5/0x210\n"
		"[   30.1]  do_syscall_64+0x35/0x80\n"
		"[   30.1]  </TASK>\n";
	struct kradar_serial *l = parse(stall), *s2 = parse(stall2), *s3 = parse(stall3);
	struct kradar_serial *lk = parse(lockup);
	struct kradar_cmp c;
	int i;
	bool diff_kind = false;

	if (!ASSERT_TRUE(l && s2 && s3 && lk, "syzbot: fixtures parse"))
		goto out;
	ASSERT_TRUE(strstr(kradar_serial__report(l, 0)->title, "corrupted") == NULL &&
		    strstr(kradar_serial__report(s3, 0)->title, "corrupted") == NULL,
		    "syzbot: fixtures give real titles");
	kradar_cmp__parsers(l, s2, NULL, &c);
	ASSERT_EQ_INT(c.match, KRADAR_MATCH_SAME, "syzbot: same title on another kernel");
	ASSERT_TRUE(c.nr_common >= 3 && !c.nr_syz_only && !c.nr_local_only,
		    "syzbot: same key frames");
	ASSERT_EQ_INT(c.nr_diff_lines, 0, "syzbot: opening lines equal with numbers masked");
	kradar_cmp__parsers(l, s3, NULL, &c);
	printf("# %s | %s\n", c.local_title, c.syz_title);
	ASSERT_EQ_INT(c.match, KRADAR_MATCH_KIND, "syzbot: same kind, different frame");
	ASSERT_TRUE(c.nr_syz_only > 0 && c.nr_local_only > 0,
		    "syzbot: frames only in one of the reports listed");
	kradar_cmp__parsers(lk, NULL, l, &c);
	ASSERT_EQ_INT(c.match, KRADAR_MATCH_NONE, "syzbot: a soft lockup is not the RCU stall");
	for (i = 0; i < c.nr_diff_lines; i++)
		if (strstr(c.diff_lines[i], "only syzbot") && strstr(c.diff_lines[i], "rcu_preempt"))
			diff_kind = true;
	ASSERT_TRUE(diff_kind, "syzbot: the RCU stall line is listed as only in syzbot's log");
	kradar_cmp__parsers(l, NULL, NULL, &c);
	ASSERT_TRUE(!c.have_syzbot, "syzbot: nothing given, nothing compared");
	kradar_cmp__parsers(NULL, s2, NULL, &c);
	ASSERT_TRUE(c.have_syzbot && !c.have_local && c.match == KRADAR_MATCH_NONE,
		    "syzbot: no local report is no match");
out:
	kradar_serial__free(l);
	kradar_serial__free(s2);
	kradar_serial__free(s3);
	kradar_serial__free(lk);
}

/* A lock_contention record of the vhost-killed fixture. */
static void fx_vq_lock(struct fx *x, int64_t t, const char *phase, double ms, bool waiting)
{
	fprintf(x->ev, "{\"type\":\"lock_contention\",\"phase\":\"%s\","
		"\"lock\":\"vq->mutex (vq 1 of vhost-net dev 1, owner kradar-owner pid 129)\","
		"\"lock_addr\":\"0xff38e0d7c2ef4ac0\",\"lock_kind\":\"mutex\",", phase);
	if (waiting)
		fprintf(x->ev, "\"holder_pid\":132,\"holder_comm\":\"kradar-vq-hold\","
			"\"holder_state\":\"S\",\"held_ms\":%.1f,\"held_exact\":false,"
			"\"wait_ms\":%.1f,\"nr_waiters\":1,\"waiters\":[{\"pid\":130,"
			"\"comm\":\"vhost-129\",\"waited_ms\":%.1f}],\"holder_stack\":["
			"\"handle_userfault+0x4eb/0x980\",\"_copy_from_user+0x27/0x60\","
			"\"vhost_vring_ioctl+0x594/0x7b4 [vhost]\"],\"vhost_worker_killed\":"
			"{\"pid\":130,\"since_ns\":7852771574},", ms, ms, ms);
	else
		fprintf(x->ev, "\"holder_pid\":null,\"wait_ms\":%.1f,\"nr_waiters\":0,"
			"\"waiters\":[],", ms);
	fprintf(x->ev, "\"t_ns\":%lld,\"host_ns\":%lld,\"wait_begin_ns\":7853083582}\n",
		(long long)t, (long long)(t + FX_OFF + 2 * FX_MS));
}

static void test_vhost_killed(void)
{
	static const char *const hung[] = {
		"INFO: task vhost-129:130 blocked for more than 10 seconds.",
		"      Tainted: G           OE       7.2.13+deb14-cloud-amd64 #1 Debian 7.2.13-1",
		"\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
		"task:vhost-129       state:D stack:0     pid:130   tgid:129   ppid:128    task_flags:0x404440 flags:0x00080802",
		"Call Trace:",
		" <TASK>",
		" __schedule+0x4a8/0xd70",
		" schedule+0x27/0xd0",
		" schedule_preempt_disabled+0x15/0x30",
		" __mutex_lock.constprop.0+0x4fb/0x9a0",
		" vhost_worker_killed+0x78/0xe0 [vhost]",
		" vhost_task_fn+0xe9/0x140",
		" ret_from_fork+0x2b1/0x340",
		" ret_from_fork_asm+0x1a/0x30",
		" </TASK>",
		"INFO: task vhost-129:130 is blocked on a mutex likely owned by task kradar-vq-hold:132.",
		NULL,
	};
	const struct kradar_span *sp;
	int64_t rec_t = -1, hung_t = -1, t;
	struct kradar_run *r = NULL;
	struct fx x = { 0 };
	size_t i;

	if (!ASSERT_TRUE(!fx_open(&x, "vhost-killed"), "vhost-killed: fixture written"))
		return;
	fx_hello(&x, 6 * FX_S);
	for (i = 0, t = 6 * FX_S; t <= 40 * FX_S; t += FX_S, i++)
		fx_heartbeat(&x, t, t + FX_OFF + fx_delay((int)i));
	fx_vq_lock(&x, 8893885574LL, "begin", 1040.8, true);
	fx_vq_lock(&x, 9893885574LL, "update", 2040.8, true);
	fx_vq_lock(&x, 38140821615LL, "end", 30287.7, false);
	fx_line(x.ser, "[    7.847260] kradar-vhost-killed: killing owner pid 129");
	for (i = 0; hung[i]; i++)
		fx_line(x.ser, "[   21.685707] %s", hung[i]);
	fx_cpu(&x, FX_OFF, FX_OFF + 41 * FX_S, pct_full);
	fx_close(&x);
	r = load(&x);
	if (!ASSERT_TRUE(r, "vhost-killed: run loads"))
		goto out;
	sp = span_of(r, KRADAR_SPAN_LOCK);
	if (!ASSERT_TRUE(sp, "vhost-killed: one lock span"))
		goto out;
	ASSERT_TRUE(sp->nr_waiters == 1 && !strcmp(sp->waiter, "vhost-129") &&
		    sp->waiter_pid == 130 && sp->killed_pid == 130,
		    "vhost-killed: the end record (no waiters) keeps the waiter, a killed worker");
	ASSERT_TRUE(!sp->held_exact && sp->pid == 132 && !strcmp(sp->state, "S") &&
		    sp->nr_frames == 3 && !strncmp(sp->frames[0], "handle_userfault+", 17),
		    "vhost-killed: the holder, its state and stack, a lower-bound hold");
	ASSERT_EQ_INT(sp->first_t_ns, 8893885574LL, "vhost-killed: the probe's first record time");
	for (i = 0; i < r->nr_tl; i++) {
		if (!strcmp(r->tl[i].kind, "lock_record") && rec_t < 0) {
			rec_t = r->tl[i].t_ns;
			printf("# %s\n", r->tl[i].text);
		}
		if (!strcmp(r->tl[i].kind, "hung_task") && hung_t < 0)
			hung_t = r->tl[i].t_ns;
	}
	ASSERT_TRUE(rec_t == 8893885574LL && hung_t == 21685707000LL,
		    "vhost-killed: timeline: the probe's record, then the hung-task report");
	ASSERT_TRUE(has_narr(r, "is a vhost worker whose owner was killed", "kradar-vq-hold:132"),
		    "vhost-killed: narrative: the hung task is the killed worker, the holder named");
	ASSERT_TRUE(has_narr(r, "reported that wait at [    8.893885]", "12.8 s before"),
		    "vhost-killed: narrative: the probe's lead over the kernel's report");
	ASSERT_TRUE(has_narr(r, "same likely owner, kradar-vq-hold:132", NULL),
		    "vhost-killed: narrative: the kernel's likely owner agrees");
	ASSERT_TRUE(has_narr(r, "vhost_worker_killed only waits", NULL),
		    "vhost-killed: narrative: the reported stack only waits");
	ASSERT_TRUE(has_narr(r, "1 waiter(s), first vhost-129:130 in vhost_worker_killed()",
			     "for >= 30.3 s"),
		    "vhost-killed: narrative: waiter count and lower-bound hold");
out:
	kradar_run__free(r);
	fx_rm(&x);
}

static void test_lockup(void)
{
	const struct kradar_serial_report *rep;
	const struct kradar_serial_event *ev;
	const struct kradar_span *stuck, *hung;
	const struct kradar_tl *e;
	struct kradar_run *r = NULL;
	struct fx x = { 0 };
	int64_t lead = 0;

	if (!ASSERT_TRUE(!fx_lockup(&x, pct_full), "lockup: fixture written"))
		return;
	r = load(&x);
	if (!ASSERT_TRUE(r, "lockup: run loads"))
		goto out;
	stuck = span_of(r, KRADAR_SPAN_STUCK);
	hung = span_of(r, KRADAR_SPAN_HUNG);
	if (!ASSERT_TRUE(stuck && hung, "lockup: a stuck-CPU span and a hung-task span"))
		goto out;
	ASSERT_TRUE(stuck->cpu == 1 && stuck->stuck == KRADAR_STUCK_IRQS_OFF &&
		    stuck->pid == 112 && !strcmp(stuck->task, "kradar_irqs/1") &&
		    !stuck->ended && stuck->value == 6000.0,
		    "lockup: stuck: CPU, kind, task, not ended, the longest stretch");
	ASSERT_TRUE(stuck->begin_ns == 4 * FX_S && stuck->first_t_ns == 5 * FX_S &&
		    stuck->stack_ns == 4500 * FX_MS && !strcmp(stuck->stack_from, "nmi"),
		    "lockup: stuck: since, the first report, the stack's time and source");
	ASSERT_TRUE(!strcmp(stuck->frame, "fx_irqs_spin+0x48/0x50 [fx_mod]") &&
		    stuck->nr_frames == 4, "lockup: stuck: the frame and the stack");
	ASSERT_TRUE(hung->pid == 111 && hung->cpu == -1 && hung->begin_ns == 2 * FX_S &&
		    hung->first_t_ns == 7 * FX_S && !strcmp(hung->frame, "fx_hung_wait+0x2c/0x40"),
		    "lockup: hung: pid, since, the first report, sleeps_in");

	/* the kernel's own lines */
	e = NULL;
	ev = kradar_span__console(r, stuck, &rep);
	ASSERT_STREQ(ev ? ev->text : "",
		     "NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
		     "lockup: stuck: tied to the hard-lockup line of its CPU, not CPU 0's soft lockup");
	ASSERT_STREQ(rep ? rep->title : "", "kernel panic: Hard LOCKUP",
		     "lockup: stuck: the title of the panic the hard lockup caused");
	ASSERT_TRUE(kradar_span__lead_ns(r, stuck, &lead) && lead == 9 * FX_S,
		    "lockup: stuck: lead = hard-lockup line - first report = 9 s");
	ev = kradar_span__console(r, hung, &rep);
	ASSERT_TRUE(ev && ev->kind == KRADAR_EV_HUNG_TASK,
		    "lockup: hung: tied to the hung-task report of its pid");
	/* syzkaller skips frames named like waits: the title has the caller */
	ASSERT_STREQ(rep ? rep->title : "", "INFO: task hung in fx_hung_thread",
		     "lockup: hung: the title of the kernel's report");
	ASSERT_TRUE(kradar_span__lead_ns(r, hung, &lead) && lead == 5500 * FX_MS,
		    "lockup: hung: lead 5.5 s");
	ASSERT_TRUE(kradar_run__finding(r) && kradar_run__exit_code(r) == 1,
		    "lockup: a finding, exit 1");

	/* timeline */
	e = tl_of(r, "cpu_stuck_begin");
	ASSERT_TRUE(e && e->t_ns == 4 * FX_S && e->cpu == 1 && e->key &&
		    strstr(e->text, "CPU 1 ran with interrupts off for >= 6.00 s"),
		    "lockup: timeline: the stretch from its begin, not ended yet");
	e = tl_of(r, "cpu_stuck_record");
	ASSERT_TRUE(e && e->t_ns == 5 * FX_S && e->key, "lockup: timeline: the probe's report");
	e = tl_of(r, "hung_task_record");
	ASSERT_TRUE(e && e->t_ns == 7 * FX_S && strstr(e->text, "kradar_hung/1:111"),
		    "lockup: timeline: the probe's hung-task report");
	ASSERT_TRUE(!tl_of(r, "cpu_stuck_end"), "lockup: timeline: no end the probe never saw");

	/* narrative */
	ASSERT_TRUE(has_narr(r, "CPU 1 ran with interrupts off for >= 6.00 s from [    4.000000] "
			     "(task kradar_irqs/1:112, in fx_irqs_spin+0x48/0x50 [fx_mod]); "
			     "kradar reported it at [    5.000000], 9.00 s before the kernel's "
			     "hard-lockup report at [   14.000000] (title: kernel panic: Hard LOCKUP).",
			     NULL), "lockup: narrative: stuck CPU, lead, the hard lockup's title");
	ASSERT_TRUE(has_narr(r, "kradar_hung/1:111 slept in D for >= 5.00 s from [    2.000000] "
			     "(in fx_hung_wait+0x2c/0x40); kradar reported it at [    7.000000], "
			     "5.50 s before the kernel's hung-task report at [   12.500000] "
			     "(title: INFO: task hung in fx_hung_thread).", NULL),
		    "lockup: narrative: hung task, lead, the hung-task title");
	ASSERT_TRUE(has_narr(r, "First anomaly: kradar_hung/1:111 slept in D", "[    2.000000]"),
		    "lockup: narrative: the hung task came first");
	ASSERT_TRUE(has_narr(r, "The report's stack (fx_hung_thread) is that of kradar_hung/1:111, "
			     "which the probe saw asleep in D since [    2.000000], 10.5 s before "
			     "the report.", NULL),
		    "lockup: narrative: the hung-task report's stack is the hung task's");
out:
	kradar_run__free(r);
	fx_rm(&x);
}

/* A run of selftests/corpus/serial, loaded and analysed. */
static struct kradar_run *load_corpus(const char *name)
{
	char dir[512], err[512] = "";
	struct kradar_run *r;

	snprintf(dir, sizeof(dir), CORPUS "%s", name);
	r = kradar_run__load(dir, err, sizeof(err));
	if (!r)
		printf("# load %s: %s\n", dir, err);
	else if (kradar_run__analyse(r))
		printf("# analyse %s failed\n", dir);
	return r;
}

/* A run of the project's own: one stuck-CPU span with these numbers, and
 * the narrative sentence about it. */
static void check_stuck_run(const char *name, enum kradar_stuck_kind kind, int pid,
			    int64_t since, int64_t first, const char *frame,
			    const char *sentence, const char *lead)
{
	struct kradar_run *r = load_corpus(name);
	const struct kradar_span *sp;
	char n[128];

	snprintf(n, sizeof(n), "%s: run loads", name);
	if (!ASSERT_TRUE(r, n))
		return;
	sp = span_of(r, KRADAR_SPAN_STUCK);
	snprintf(n, sizeof(n), "%s: one stuck CPU: %s on CPU 1, pid %d, since, first report, "
		 "frame, the stuck task kept over the end's", name,
		 kradar_stuck__kind_name(kind), pid);
	if (!ASSERT_TRUE(sp && !nth_span(r, KRADAR_SPAN_STUCK, 1) && sp->stuck == kind &&
			 sp->cpu == 1 && sp->pid == pid && sp->begin_ns == since &&
			 sp->first_t_ns == first && !strcmp(sp->frame, frame) &&
			 sp->ended && sp->went_idle && sp->nr_frames >= 4, n) && sp)
		printf("#   kind %d cpu %d pid %d since %lld first %lld frame %s\n", sp->stuck,
		       sp->cpu, sp->pid, (long long)sp->begin_ns, (long long)sp->first_t_ns,
		       sp->frame);
	snprintf(n, sizeof(n), "%s: narrative: what, since when, when kradar said so", name);
	ASSERT_TRUE(has_narr(r, sentence, lead), n);
	snprintf(n, sizeof(n), "%s: a finding, exit 1 (as kradar-collect)", name);
	ASSERT_TRUE(kradar_run__finding(r) && kradar_run__exit_code(r) == 1, n);
	kradar_run__free(r);
}

/* Load the corpus run @name, hand it to @fn, free it. */
static void on_corpus(const char *name, void (*fn)(struct kradar_run *r))
{
	struct kradar_run *r = load_corpus(name);
	char n[128];

	snprintf(n, sizeof(n), "%s: run loads", name);
	if (ASSERT_TRUE(r, n))
		fn(r);
	kradar_run__free(r);
}

static void run_soft_lockup(struct kradar_run *r)
{
	const struct kradar_span *sp = span_of(r, KRADAR_SPAN_STUCK);
	const struct kradar_serial_report *rep = NULL;
	int64_t lead = 0;

	if (sp)
		kradar_span__console(r, sp, &rep);
	ASSERT_TRUE(sp && kradar_span__lead_ns(r, sp, &lead) &&
		    lead == 13268580000LL - 11131666786LL && rep &&
		    !strcmp(rep->title, "BUG: soft lockup in kradar_lockup_thread"),
		    "run-soft-lockup: lead over the soft-lockup line exact, its title");
	ASSERT_TRUE(has_narr(r, "The report's stack (kradar_lockup_thread) is from CPU 1, "
			     "which the probe saw stuck since [   10.122038]", NULL),
		    "run-soft-lockup: narrative: the report's stack is the stuck CPU's");
	ASSERT_TRUE(has_narr(r, "First anomaly: CPU 1 did not schedule", NULL),
		    "run-soft-lockup: narrative: the stuck CPU is the first anomaly");
}

static void run_hung_completion(struct kradar_run *r)
{
	const struct kradar_span *sp = span_of(r, KRADAR_SPAN_HUNG);

	ASSERT_TRUE(sp && !nth_span(r, KRADAR_SPAN_HUNG, 1) && sp->pid == 111 &&
		    !strcmp(sp->task, "kradar_hung/1") && sp->ended && sp->exited &&
		    sp->nr_frames == 4 && sp->value == 11599.7,
		    "run-hung-completion: one hung task, its stack kept over the end's");
	ASSERT_TRUE(has_narr(r, "kradar_hung/1:111 slept in D for 11.6 s from "
			     "[    4.973578] (in kradar_test_hung_wait+0x2c/0x40 "
			     "[kradar_test_lockup]), then exited; kradar reported it at "
			     "[   10.368767]; the console has no hung-task report for it.",
			     NULL), "run-hung-completion: narrative");
	ASSERT_EQ_INT(kradar_run__exit_code(r), 1, "run-hung-completion: exit 1");
}

static void run_hung_mutex(struct kradar_run *r)
{
	const struct kradar_span *sp = nth_span(r, KRADAR_SPAN_HUNG, 2);

	ASSERT_TRUE(nth_span(r, KRADAR_SPAN_HUNG, 3) && !nth_span(r, KRADAR_SPAN_HUNG, 4) &&
		    sp && sp->pid == 113 && sp->lock_holder_pid == 112 &&
		    !strcmp(sp->lock, "kradar_test_mutex [kradar_test_mutex]"),
		    "run-hung-mutex: four hung tasks; a waiter names the mutex and holder");
	ASSERT_TRUE(has_narr(r, "kradar_waiter/0:113 slept in D for 10.5 s from "
			     "[    7.257203] (in kradar_waiter+0x2b/0x50 [kradar_test_mutex], "
			     "waiting for kradar_test_mutex [kradar_test_mutex] held by pid "
			     "112), then exited", NULL),
		    "run-hung-mutex: narrative: the waiter, its mutex and holder");
	ASSERT_TRUE(has_narr(r, "Longest lock hold: kradar_test_mutex", NULL),
		    "run-hung-mutex: narrative: the lock hold still told");
}

static void run_lockup_idle(struct kradar_run *r)
{
	bool any = false;
	size_t i;

	for (i = 0; i < r->nr_narrative; i++)
		any |= strstr(r->narrative[i], "did not schedule") ||
		       strstr(r->narrative[i], "interrupts off") ||
		       strstr(r->narrative[i], "slept in D") ||
		       strstr(r->narrative[i], "kradar reported it");
	ASSERT_TRUE(!span_of(r, KRADAR_SPAN_STUCK) && !span_of(r, KRADAR_SPAN_HUNG) &&
		    !tl_of(r, "cpu_stuck_begin") && !tl_of(r, "hung_task_begin") && !any,
		    "run-lockup-idle: no stuck CPU, no hung task, nothing said of them");
	ASSERT_TRUE(has_narr(r, "The probe saw no anomaly", "stuck CPU or hung task"),
		    "run-lockup-idle: narrative: no anomaly");
	ASSERT_TRUE(!kradar_run__finding(r) && kradar_run__exit_code(r) == 0,
		    "run-lockup-idle: no finding, exit 0 (as kradar-collect)");
}

static void test_runs(void)
{
	check_stuck_run("run-lockup-preempt", KRADAR_STUCK_NO_SCHEDULE, 113, 9370179487LL,
			10390638709LL, "read_hpet+0x91/0xf0",
			"CPU 1 did not schedule for 2.52 s from [    9.370179] (task "
			"kradar_preempt/:113, preemption off, in read_hpet+0x91/0xf0; "
			"kradar/1:109 waited to run); kradar reported it at [   10.390638]; "
			"the console has no watchdog line for it.", NULL);
	check_stuck_run("run-lockup-irqs", KRADAR_STUCK_IRQS_OFF, 112, 7689141504LL,
			8825337520LL, "kradar_test_irqs_spin+0x48/0x50 [kradar_test_lockup]",
			"CPU 1 ran with interrupts off for 2.51 s from [    7.689141] (task "
			"kradar_irqs/1:112, in kradar_test_irqs_spin+0x48/0x50 "
			"[kradar_test_lockup]); kradar reported it at [    8.825337]; the "
			"console has no watchdog line for it.", NULL);
	check_stuck_run("run-soft-lockup", KRADAR_STUCK_NO_SCHEDULE, 112, 10122038249LL,
			11131666786LL, "kradar_test_preempt_spin+0x39/0x50 [kradar_test_lockup]",
			"CPU 1 did not schedule for 6.05 s from [   10.122038] (task "
			"kradar_preempt/:112, preemption off, in kradar_test_preempt_spin+0x39/0x50 "
			"[kradar_test_lockup]; kradar/1:107 waited to run); kradar reported it at "
			"[   11.131666], 2.14 s before the kernel's soft-lockup report at "
			"[   13.268580] (title: BUG: soft lockup in kradar_lockup_thread).", NULL);
	check_stuck_run("run-rt-hog", KRADAR_STUCK_RT_HOG, 129, 12319911079LL, 13366731248LL,
			"kradar_test_rt_hog+0x29/0x30 [kradar_test_lockup]",
			"RT task kradar_rt/1:129 (priority 50) took CPU 1 for 3.02 s from "
			"[   12.319911] (in kradar_test_rt_hog+0x29/0x30 [kradar_test_lockup]); "
			"kradar reported it at [   13.366731], 436.3 ms before the kernel's "
			"RT-throttling warning at [   13.803056] (\"sched: RT throttling "
			"activated\", with no crash report: no syzkaller title).", NULL);
	on_corpus("run-soft-lockup", run_soft_lockup);
	on_corpus("run-hung-completion", run_hung_completion);
	on_corpus("run-hung-mutex", run_hung_mutex);
	on_corpus("run-lockup-idle", run_lockup_idle);
}

int main(void);

/* A function of this executable, to resolve by its runtime address. */
__attribute__((noinline)) int kradar_test_target(int v)
{
	return v * 3 + 1;
}

static void test_syms(void)
{
	struct kradar_syms *s = kradar_syms__new();
	struct kradar_run *r = NULL;
	char out[256], err[256], line[512];
	uint64_t a = (uint64_t)(uintptr_t)&kradar_test_target;

	if (!ASSERT_TRUE(s, "syms: libelf ready"))
		return;
	if (!ASSERT_EQ_INT(kradar_syms__add(s, "/proc/self/exe", false, err, sizeof(err)), 0,
			   "syms: this executable as vmlinux")) {
		printf("# %s\n", err);
		goto out;
	}
	ASSERT_TRUE(kradar_syms__calibrate(s, "main", (uint64_t)(uintptr_t)&main),
		    "syms: placed by a named address (the load slide)");
	ASSERT_TRUE(kradar_syms__resolve(s, a + 2, out, sizeof(out)) &&
		    !strncmp(out, "kradar_test_target+0x2/0x", 25),
		    "syms: a raw address resolves to func+off/size");
	printf("# %s\n", out);
	ASSERT_TRUE(!kradar_syms__calibrate(s, "no_such_function_here", a),
		    "syms: an unknown name does not place the image");
	ASSERT_TRUE(kradar_syms__add(s, KRADAR_OBJDIR "/run_syms.o", true, err, sizeof(err)) == 0,
		    "syms: a relocatable object as a module");
	ASSERT_TRUE(kradar_syms__calibrate(s, "kradar_syms__new [run_syms]", 0xffffffffc0100000ull),
		    "syms: the module placed by 'func [mod]'");
	ASSERT_TRUE(kradar_syms__resolve(s, 0xffffffffc0100004ull, out, sizeof(out)) &&
		    !strncmp(out, "kradar_syms__new+0x4/0x", 23) && strstr(out, " [run_syms]"),
		    "syms: module address resolves with [mod]");
	printf("# %s\n", out);
	ASSERT_TRUE(kradar_syms__add(s, "/nonexistent/vmlinux", false, err, sizeof(err)) < 0 &&
		    strstr(err, "cannot open"), "syms: a missing file is an error with a message");
	ASSERT_TRUE(kradar_syms__add(s, "/proc/self/status", false, err, sizeof(err)) < 0,
		    "syms: a non-ELF file is refused");

	/* a run whose storm callback arrived as a raw address */
	r = kradar_run__new();
	if (r) {
		snprintf(line, sizeof(line), "{\"type\":\"hrtimer_window\",\"cpu\":0,"
			 "\"start_ns\":1000,\"end_ns\":100001000,\"t_ns\":100001000,\"events\":10,"
			 "\"entries\":[{\"function\":\"main\",\"addr\":\"0x%" PRIx64 "\",\"rate_per_s\":5},"
			 "{\"function\":\"0x%" PRIx64 "\",\"addr\":\"0x%" PRIx64 "\",\"rate_per_s\":50}]}",
			 (uint64_t)(uintptr_t)&main, a, a);
		kradar_run__add_json_line(r, line, strlen(line));
		ASSERT_TRUE(kradar_run__symbolize(r, s) >= 1 && r->nr_windows == 1 &&
			    !strncmp(kradar_run__name(r, r->windows[0].top), "kradar_test_target+0x0/", 23),
			    "syms: raw function names of a run are rewritten");
	}
out:
	kradar_run__free(r);
	kradar_syms__free(s);
	kradar_syms__free(NULL);
	(void)kradar_test_target(1);
}

/*
 * The end of a run: heartbeats every 100 ms over [1, @stop] s, the job
 * finished at 9.9 s, the probe unloaded at 11.2 s, QEMU exited at 12 s
 * (host), the console printing to 11.3 s. Heartbeats that last to the
 * job's end (stop 10 s) and stop with the unload leave no gap; stopping
 * at 5 s, long before the job finished, they do.
 */
static void test_teardown(const char *name, int64_t stop, bool want_gap)
{
	struct kradar_run *r;
	struct fx x = { 0 };
	int64_t t;
	int i = 0;
	char n[160];

	snprintf(n, sizeof(n), "%s: fixture written", name);
	if (!ASSERT_TRUE(!fx_open(&x, name), n))
		return;
	fx_line(x.run, "%lld qemu started accel=tcg pid=999", (long long)(FX_OFF - FX_S));
	fx_line(x.run, "%lld qemu exited status=0", (long long)(FX_OFF + 12 * FX_S));
	fx_cpu(&x, FX_OFF - FX_S, FX_OFF + 12 * FX_S, pct_full);
	fx_line(x.ser, "[    0.000000] Linux version 6.1.0-test");
	fx_line(x.ser, "[    0.960000] kradar-run: job started: idle");
	fx_line(x.ser, "[    9.900000] kradar-run: job finished: status 0");
	fx_line(x.ser, "[   11.200000] kradar-run: probe unloaded");
	fx_line(x.ser, "[   11.300000] kradar-run: poweroff");
	fx_hello(&x, FX_S);
	for (t = FX_S; t <= stop; t += 100 * FX_MS, i++) {
		fx_heartbeat(&x, t, t + FX_OFF + fx_delay(i));
		fx_window(&x, 0, t, 250.0, "tick_sched_timer");
	}
	fx_close(&x);
	r = load(&x);
	snprintf(n, sizeof(n), "%s: run loads", name);
	if (!ASSERT_TRUE(r, n))
		goto out;
	snprintf(n, sizeof(n), "%s: %s", name, want_gap ?
		 "heartbeats that stopped before the job finished are a gap" :
		 "the shutdown after the probe was unloaded is no gap");
	if (!ASSERT_TRUE(!!stall_of(r, "probe heartbeat_gap") == want_gap, n))
		printf("#   expected %s heartbeat_gap stall window\n", want_gap ? "a" : "no");
out:
	kradar_run__free(r);
	fx_rm(&x);
}

int main(void)
{
	test_storm();
	test_gap("sigstop", pct_stop, true, KRADAR_STARVED_BY_HOST, "not running");
	test_gap("paused", NULL, false, KRADAR_STARVED_BY_HOST, "clock stood still");
	test_gap("sampler", pct_full, true, KRADAR_GUEST_INTERNAL, "stalled by itself");
	test_overload();
	test_teardown("teardown", 10 * FX_S, false);
	test_teardown("early-stop", 5 * FX_S, true);
	test_console_only();
	test_garbage();
	test_schema();
	test_vhost_killed();
	test_lockup();
	test_runs();
	test_syzbot();
	test_syms();
	return tap_done();
}
