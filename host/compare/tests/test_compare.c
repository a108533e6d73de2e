// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kradar-compare: small run directories are written into a
 * temporary directory, in the formats kradar-run and kradar-collect write
 * (events.jsonl lines shaped like those of a real taprio-storm and
 * taprio-normal run, serial.log with kradar-run's marks and kernel
 * console lines, run-events.txt, module-overrides.txt), then loaded,
 * compared and decided, through the library and through the binary.
 * Covers every verdict, the noise rule, a control that must say "no
 * change beyond noise", and garbage input.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "compare.h"
#include "kradar_run_schema.h"
#include "tap.h"

#ifndef KRADAR_COMPARE_BIN
#define KRADAR_COMPARE_BIN "build/kradar-compare"
#endif

static char tmpdir[PATH_MAX / 4];	/* short: paths are built from it */

#define FN "advance_sched [sch_taprio]"

struct fx {
	double rate;		/* advance_sched per window rate, 0: absent */
	double late_mean_ns;	/* advance_sched mean lateness */
	bool storm;		/* an hrtimer_storm event */
	bool rcu_stall;		/* an RCU stall on the console */
	bool warning;		/* a WARNING on the console */
	bool no_poweroff;	/* guest hung: no poweroff mark, timeout */
	bool override;		/* module-overrides.txt for sch_taprio */
	int windows;		/* hrtimer_window events (default 20) */
	const char *garbage;	/* extra lines for events.jsonl */
	bool no_probe;		/* the probe never loaded: no record at all */
};

static const char stall_log[] =
	"[   30.617360] rcu: INFO: rcu_preempt self-detected stall on CPU\n"
	"[   30.617360] rcu: \t1-....: (10500 ticks this GP) idle=a5c/1/0x4000000000000000 softirq=9000/9000 fqs=5000\n"
	"[   30.617360] \t(t=10502 jiffies g=12345 q=678 ncpus=2)\n"
	"[   30.617360] CPU: 1 PID: 0 Comm: swapper/1 Not tainted 6.1.0 #1\n"
	"[   30.617360] Call Trace:\n"
	"[   30.617360]  <IRQ>\n"
	"[   30.617360]  rcu_sched_clock_irq+0x9a/0x200\n"
	"[   30.617360]  update_process_times+0x5e/0x90\n"
	"[   30.617360]  tick_sched_timer+0x6a/0x80\n"
	"[   30.617360]  __hrtimer_run_queues+0x1c1/0x3e0\n"
	"[   30.617360]  hrtimer_interrupt+0x110/0x2a0\n"
	"[   30.617360]  </IRQ>\n"
	"[   30.617360]  <TASK>\n"
	"[   30.617360]  advance_sched+0x12/0x340 [sch_taprio]\n"
	"[   30.617360]  do_idle+0x8a/0x6f0\n"
	"[   30.617360]  </TASK>\n";

static const char warning_log[] =
	"[   12.000000] ------------[ cut here ]------------\n"
	"[   12.000001] WARNING: CPU: 1 PID: 42 at net/sched/sch_taprio.c:750 advance_sched+0x1f/0x340 [sch_taprio]\n"
	"[   12.000002] Modules linked in: sch_taprio\n"
	"[   12.000003] CPU: 1 PID: 42 Comm: kworker/1:1 Not tainted 6.1.0 #1\n"
	"[   12.000004] RIP: 0010:advance_sched+0x1f/0x340 [sch_taprio]\n"
	"[   12.000005] Call Trace:\n"
	"[   12.000006]  <IRQ>\n"
	"[   12.000007]  __hrtimer_run_queues+0x1c1/0x3e0\n"
	"[   12.000008]  hrtimer_interrupt+0x110/0x2a0\n"
	"[   12.000009]  </IRQ>\n"
	"[   12.000010] ---[ end trace 0000000000000000 ]---\n";

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

/* One run directory shaped like kradar-run's. */
static int make_run(const char *dir, const struct fx *x)
{
	char path[PATH_MAX + 64];
	int windows = x->windows ? x->windows : 20, i;
	long long t = 2000000000LL;
	FILE *f;

	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "{\"type\":\"connect\",\"host_ns\":1,\"path\":\"%s/kradar.sock\",\"offset\":0}\n", dir);
	if (x->no_probe) {
		/* what kradar-collect writes when not one record arrived */
		fprintf(f, "{\"type\":\"disconnect\",\"host_ns\":2,\"path\":\"%s/kradar.sock\","
			"\"bytes\":0,\"reason\":\"closed by QEMU\",\"offset\":0}\n", dir);
		windows = 0;
		goto summary;
	}
	fprintf(f, "{\"type\":\"hello\",\"host_ns\":2,\"t_ns\":%lld,\"seq\":0,\"offset\":0,\"resent\":false,"
		"\"session\":\"0x1\",\"version\":1,\"release\":\"6.1.0-56-cloud-amd64\",\"nr_cpus\":2,"
		"\"window_ms\":100}\n", t);
	if (x->storm)
		fprintf(f, "{\"type\":\"hrtimer_storm\",\"cpu\":1,\"function\":\"%s\",\"rate_per_s\":%.1f,"
			"\"late_pct\":99.9,\"t_ns\":%lld,\"host_ns\":3,\"peak_rate_per_s\":%.1f,"
			"\"seq\":1,\"offset\":496}\n", FN, x->rate, t, x->rate);
	for (i = 0; i < windows; i++) {
		double late = x->late_mean_ns > 100000 ? 0.9 : 0.05;

		t += 100000000LL;
		fprintf(f, "{\"type\":\"hrtimer_window\",\"host_ns\":4,\"t_ns\":%lld,\"cpu\":1,\"seq\":%d,"
			"\"offset\":0,\"start_ns\":%lld,\"end_ns\":%lld,\"events\":1,\"unlisted\":0,\"entries\":[",
			t, i + 2, t - 100000000LL, t);
		if (x->rate > 0)
			fprintf(f, "{\"function\":\"%s\",\"addr\":\"0xffffffffc0379be0\",\"count\":%.0f,"
				"\"rate_per_s\":%.1f,\"late\":%.0f,\"late_pct\":%.1f,\"late_mean_ns\":%.0f,"
				"\"late_max_ns\":%.0f},", FN, x->rate / 10, x->rate + (i % 3) - 1,
				x->rate / 10 * late, late * 100, x->late_mean_ns, x->late_mean_ns * 3);
		fprintf(f, "{\"function\":\"tick_sched_timer\",\"addr\":\"0xffffffff86158f60\",\"count\":25,"
			"\"rate_per_s\":250.0,\"late\":1,\"late_pct\":4.0,\"late_mean_ns\":9000,"
			"\"late_max_ns\":20000}]}\n");
	}
	if (x->garbage)
		fputs(x->garbage, f);
summary:
	fprintf(f, "{\"type\":\"summary\",\"host_ns\":5,\"guest_ns_covered\":%lld}\n",
		(long long)windows * 100000000LL);
	if (fclose(f))
		return -errno;

	snprintf(path, sizeof(path), "%s/serial.log", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "[    1.815649] kradar-run: init started\n"
		   "[    2.090661] kradar-run: probe loaded\n"
		   "[    2.091265] kradar-run: job started: taprio-storm\n");
	if (x->rcu_stall)
		fputs(stall_log, f);
	if (x->warning)
		fputs(warning_log, f);
	if (!x->no_poweroff)
		fprintf(f, "[   10.672278] kradar-run: job finished: status 0\n"
			   "[   10.782158] kradar-run: poweroff\n");
	if (fclose(f))
		return -errno;

	snprintf(path, sizeof(path), "%s/run-events.txt", dir);
	f = fopen(path, "w");
	if (!f)
		return -errno;
	fprintf(f, "1795240747555120106 qemu started accel=tcg pid=26063\n"
		   "1795240747557577179 collector started pid=26065\n");
	if (x->no_poweroff)
		fprintf(f, "1795240867555120106 timeout\n1795240867755120106 qemu killed\n");
	else
		fprintf(f, "1795240759059701528 qemu exited status=0\n");
	fprintf(f, "1795240759061817441 collector exited status=1\n");
	if (fclose(f))
		return -errno;
	if (x->override)
		return write_file(dir, "module-overrides.txt",
				  "sch_taprio /work/build/taprio-fix/A/sch_taprio.ko sha256=ff7a8b4b13633ebc998af3fd7e87e733cd085d1dbc357dc14b13208cb21f8e03 vermagic=6.1.0-56-cloud-amd64_SMP\n");
	return 0;
}

/* A set DIR/run-1..n, each run from @x (or @alt for runs in @alt_mask). */
static const char *make_set(const char *name, int n, const struct fx *x,
			    const struct fx *alt, unsigned int alt_mask)
{
	static char dirs[32][PATH_MAX];
	static int used;
	char *d = dirs[used++ % 32];
	char run[PATH_MAX + 32];
	int i;

	snprintf(d, PATH_MAX, "%s/%s", tmpdir, name);
	if (mkdir(d, 0755) && errno != EEXIST)
		return NULL;
	for (i = 1; i <= n; i++) {
		snprintf(run, sizeof(run), "%s/run-%d", d, i);
		if (make_run(run, (alt && (alt_mask & (1u << (i - 1)))) ? alt : x))
			return NULL;
	}
	return d;
}

static int load(struct kradar_cmp_side *s, const char *label, const char *dir)
{
	char err[512] = "";
	int rc;

	s->label = label;
	rc = kradar_cmp_side__add(s, dir, err, sizeof(err));
	if (rc)
		printf("#   load %s: %s\n", dir, err);
	return rc;
}

static enum kradar_cmp_verdict decide(const char *b, const char *c,
				      const char *cb, const char *cc,
				      const struct kradar_cmp_opts *o,
				      char *reason, size_t len)
{
	static const struct kradar_cmp_opts dflt = { .alpha = KRADAR_CMP_ALPHA };
	struct kradar_cmp_side base = { 0 }, cand = { 0 }, cbase = { 0 }, ccand = { 0 };
	struct kradar_cmp_result res;
	enum kradar_cmp_verdict v = (enum kradar_cmp_verdict)-1;

	if ((b && (load(&base, "base", b) || load(&cand, "cand", c))) ||
	    (cb && (load(&cbase, "base", cb) || load(&ccand, "cand", cc))))
		goto out;
	if (kradar_cmp__decide(&res, b ? &base : NULL, b ? &cand : NULL,
			       cb ? &cbase : NULL, cb ? &ccand : NULL, o ? o : &dflt) == 0) {
		v = res.verdict;
		snprintf(reason, len, "%s", res.reason);
		if (v != KRADAR_V_FIXED && v != KRADAR_V_NO_CHANGE)
			printf("# %s: %s\n", kradar_cmp__verdict_name(v), res.reason);
	}
	kradar_cmp_result__clear(&res);
out:
	kradar_cmp_side__clear(&base);
	kradar_cmp_side__clear(&cand);
	kradar_cmp_side__clear(&cbase);
	kradar_cmp_side__clear(&ccand);
	return v;
}

static void test_judge(void)
{
	struct kradar_cmp_stat b = { .n = 3, .min = 990, .median = 1000, .max = 1010 };
	struct kradar_cmp_stat c = { .n = 2, .min = 995, .median = 1000, .max = 1005 };
	struct kradar_cmp_stat lo = { .n = 2, .min = 400, .median = 450, .max = 500 };
	struct kradar_cmp_stat hi = { .n = 2, .min = 5000, .median = 6000, .max = 7000 };
	struct kradar_cmp_stat none = { 0 };

	ASSERT_EQ_INT(kradar_cmp__judge(&b, &c, KRADAR_DIR_CHANGE_WORSE, 0.05, 2),
		      KRADAR_CH_SAME, "judge: overlapping ranges are noise");
	ASSERT_EQ_INT(kradar_cmp__judge(&b, &lo, KRADAR_DIR_CHANGE_WORSE, 0.05, 2),
		      KRADAR_CH_WORSE, "judge: a rate change is worse on a control row");
	ASSERT_EQ_INT(kradar_cmp__judge(&b, &hi, KRADAR_DIR_HIGHER_WORSE, 0.25, 100),
		      KRADAR_CH_WORSE, "judge: higher is worse");
	ASSERT_EQ_INT(kradar_cmp__judge(&hi, &b, KRADAR_DIR_HIGHER_WORSE, 0.25, 100),
		      KRADAR_CH_BETTER, "judge: lower is better");
	ASSERT_EQ_INT(kradar_cmp__judge(&b, &lo, KRADAR_DIR_INFO, 0.05, 2),
		      KRADAR_CH_CHANGED, "judge: info rows only say changed");
	ASSERT_EQ_INT(kradar_cmp__judge(&b, &none, KRADAR_DIR_HIGHER_WORSE, 0, 0),
		      KRADAR_CH_NA, "judge: no value is n/a");
	/* within tolerance: 1000 vs 1040 with 5 % is not a change */
	c.min = c.max = c.median = 1040;
	b.min = b.max = b.median = 1000;
	ASSERT_EQ_INT(kradar_cmp__judge(&b, &c, KRADAR_DIR_CHANGE_WORSE, 0.05, 2),
		      KRADAR_CH_SAME, "judge: inside the relative tolerance");
	c.min = c.max = c.median = 1060;
	ASSERT_EQ_INT(kradar_cmp__judge(&b, &c, KRADAR_DIR_CHANGE_WORSE, 0.05, 2),
		      KRADAR_CH_WORSE, "judge: outside the relative tolerance");
}

static const struct fx storm = { .rate = 2000000, .late_mean_ns = 900000000, .storm = true };
static const struct fx soft_storm = { .rate = 150000, .late_mean_ns = 200000, .storm = true };
static const struct fx clean = { 0 };
static const struct fx clean_ov = { .override = true };
static const struct fx normal = { .rate = 1000, .late_mean_ns = 70000 };
static const struct fx normal_ov = { .rate = 1000, .late_mean_ns = 72000, .override = true };
static const struct fx slow_ov = { .rate = 500, .late_mean_ns = 70000, .override = true };
static const struct fx skip_ov = { .rate = 970, .late_mean_ns = 70000, .override = true };
static const struct fx late_ov = { .rate = 1000, .late_mean_ns = 900000, .override = true };
static const struct fx no_probe = { .no_probe = true };

static void test_load(void)
{
	struct fx x = storm;
	struct kradar_cmp_run *r;
	char dir[PATH_MAX + 16], err[512];
	const struct kradar_cmp_func *f;
	size_t i;
	bool title = false;

	x.rcu_stall = true;
	snprintf(dir, sizeof(dir), "%s/one", tmpdir);
	if (!ASSERT_EQ_INT(make_run(dir, &x), 0, "load: fixture written"))
		return;
	r = kradar_cmp_run__load(dir, err, sizeof(err));
	if (!ASSERT_TRUE(r != NULL, "load: run directory loads"))
		return;
	ASSERT_EQ_INT(r->storms, 1, "load: one storm");
	f = kradar_cmp_run__func(r, FN);
	ASSERT_TRUE(f && f->peak_rate >= 2000000, "load: peak window rate of advance_sched");
	ASSERT_TRUE(f && f->stormed, "load: the storm names its callback");
	ASSERT_EQ_INT(r->rcu_stalls, 1, "load: console RCU stall counted");
	for (i = 0; i < r->nr_sigs; i++)
		title = title || !strncmp(r->sigs[i], "title: INFO: rcu detected stall in", 34);
	ASSERT_TRUE(title, "load: syzkaller title of the stall is a signature");
	ASSERT_TRUE(r->powered_off && r->job_status == 0, "load: kradar-run marks read");
	ASSERT_TRUE(r->wall_s > 11 && r->wall_s < 12, "load: wall time from run-events.txt");
	ASSERT_TRUE(kradar_cmp_run__problem(r), "load: the run reproduces");
	kradar_cmp_run__free(r);
	kradar_cmp_run__free(NULL);

	errno = 0;
	r = kradar_cmp_run__load(tmpdir, err, sizeof(err));
	ASSERT_TRUE(!r && errno == ENOENT, "load: a directory without a run is refused");
}

static void test_garbage(void)
{
	struct fx x = normal;
	struct kradar_cmp_run *r;
	char dir[PATH_MAX + 16], err[512];

	x.garbage = "not json at all\n"
		"{\"type\":\"hrtimer_window\",\"entries\":[{\"function\":42},{\"count\":-5}]}\n"
		"{\"type\":\"hrtimer_window\",\"entries\":\"nope\"}\n"
		"{\"type\":\"hrtimer_storm\",\"function\":null,\"peak_rate_per_s\":\"x\"}\n"
		"{\"type\":\"qs_gap\",\"phase\":\"end\",\"gap_ms\":1e999}\n"
		"{\"type\":\"lock_contention\",\"held_ms\":250.5,\"lock\":\"rtnl_mutex\"}\n"
		"{\"type\":\"brand_new_type\",\"x\":[1,2,3]}\n"
		"[1,2,3]\n"
		"{\"type\":\n";
	snprintf(dir, sizeof(dir), "%s/garbage", tmpdir);
	if (!ASSERT_EQ_INT(make_run(dir, &x), 0, "garbage: fixture written"))
		return;
	r = kradar_cmp_run__load(dir, err, sizeof(err));
	if (!ASSERT_TRUE(r != NULL, "garbage: run loads despite bad lines"))
		return;
	/* 1e999 overflows: jansson rejects that whole line */
	ASSERT_EQ_INT(r->events_bad, 4, "garbage: lines that are not JSON objects counted");
	ASSERT_EQ_INT(r->storms, 1, "garbage: storm without a function still counts");
	ASSERT_TRUE(r->lock_held_ms == 250.5 && !strcmp(r->lock_name, "rtnl_mutex"),
		    "garbage: lock_contention hold read");
	ASSERT_TRUE(r->qs_gap_ms < 0, "garbage: an overflowing gap is not taken");
	kradar_cmp_run__free(r);
}

/* A run stating a newer schema is refused, through host/rundir */
static void test_schema(void)
{
	struct kradar_cmp_run *r;
	char dir[PATH_MAX + 16], err[512] = "", line[128];

	snprintf(dir, sizeof(dir), "%s/schema-next", tmpdir);
	snprintf(line, sizeof(line), "{\"type\":\"schema\",\"schema\":%d}\n",
		 KRADAR_RUN_SCHEMA + 1);
	if (!ASSERT_TRUE(!mkdir(dir, 0755) && !write_file(dir, "events.jsonl", line),
			 "schema: fixture written"))
		return;
	errno = 0;
	r = kradar_cmp_run__load(dir, err, sizeof(err));
	ASSERT_TRUE(!r && errno == EPROTONOSUPPORT &&
		    strstr(err, "events.jsonl: run directory schema") &&
		    strstr(err, "at least as new"),
		    "schema: a newer run is refused, the message says what to do");
	kradar_cmp_run__free(r);
}

static void test_verdicts(void)
{
	struct kradar_cmp_opts timing = { .alpha = KRADAR_CMP_ALPHA, .timing = true };
	struct kradar_cmp_opts focus = { .alpha = KRADAR_CMP_ALPHA, .focus = { FN }, .nr_focus = 1 };
	const char *b_storm = make_set("base-storm", 2, &storm, NULL, 0);
	const char *c_clean = make_set("cand-clean", 2, &clean_ov, NULL, 0);
	const char *c_storm = make_set("cand-storm", 2, &storm, NULL, 0);
	const char *c_soft = make_set("cand-soft", 2, &soft_storm, NULL, 0);
	const char *b_half = make_set("base-half", 2, &storm, &clean, 2);
	const char *b_clean = make_set("base-clean", 2, &clean, NULL, 0);
	const char *b_norm = make_set("base-normal", 2, &normal, NULL, 0);
	const char *c_norm = make_set("cand-normal", 2, &normal_ov, NULL, 0);
	const char *c_slow = make_set("cand-slow", 2, &slow_ov, NULL, 0);
	const char *c_late = make_set("cand-late", 2, &late_ov, NULL, 0);
	const char *c_skip = make_set("cand-skip", 2, &skip_ov, NULL, 0);
	struct fx warn = storm, hang = storm;
	const char *c_warn, *c_hang, *b_many, *c_few;
	char reason[2048];

	warn.warning = true;
	hang.no_poweroff = true;
	c_warn = make_set("cand-warn", 2, &warn, NULL, 0);
	c_hang = make_set("cand-hang", 2, &hang, NULL, 0);
	b_many = make_set("base-many", 6, &storm, &clean, 0x3e); /* 1 of 6 */
	c_few = make_set("cand-many", 6, &clean, NULL, 0);
	if (!ASSERT_TRUE(b_storm && c_clean && c_storm && c_soft && b_half && b_clean &&
			 b_norm && c_norm && c_slow && c_late && c_skip && c_warn && c_hang &&
			 b_many && c_few, "verdicts: fixtures written"))
		return;

	ASSERT_EQ_INT(decide(b_storm, c_clean, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_FIXED, "verdict: storm gone is fixed");
	ASSERT_TRUE(strstr(reason, "0/2") && strstr(reason, "2/2"),
		    "verdict: the reason has the run counts");
	ASSERT_EQ_INT(decide(b_storm, c_storm, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_NOT_FIXED, "verdict: same storm is not fixed");
	ASSERT_TRUE(strstr(reason, "no severity measure better") != NULL,
		    "verdict: same storm is not softened");
	ASSERT_EQ_INT(decide(b_storm, c_soft, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_NOT_FIXED, "verdict: weaker storm is still not fixed");
	ASSERT_TRUE(strstr(reason, "softened") != NULL, "verdict: weaker storm is softened");
	ASSERT_EQ_INT(decide(b_storm, c_warn, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "verdict: a new WARNING is a regression");
	ASSERT_TRUE(strstr(reason, "crash") != NULL, "verdict: the regression names its family");
	ASSERT_EQ_INT(decide(b_storm, c_hang, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "verdict: a guest that no longer finishes regressed");
	ASSERT_EQ_INT(decide(b_half, c_clean, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_INCONCLUSIVE, "verdict: 1/2 baseline vs 0/2 could be luck");
	ASSERT_TRUE(strstr(reason, "0.25") != NULL, "verdict: the chance is given");
	ASSERT_EQ_INT(decide(b_many, c_few, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_INCONCLUSIVE, "verdict: 1/6 baseline vs 0/6 is inconclusive");
	ASSERT_EQ_INT(decide(b_clean, c_clean, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_INCONCLUSIVE, "verdict: no reproduction, no verdict");
	ASSERT_EQ_INT(decide(b_clean, c_storm, NULL, NULL, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "verdict: a storm only in the candidate regressed");

	/* controls */
	ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_norm, NULL, reason, sizeof(reason)),
		      KRADAR_V_NO_CHANGE, "control: same gate rate is no change");
	ASSERT_TRUE(strstr(reason, "no change beyond noise") != NULL,
		    "control: says no change beyond noise");
	ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_slow, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "control: half the gate rate regressed");
	ASSERT_TRUE(strstr(reason, "median rate") != NULL, "control: names the rate");
	ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_skip, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "control: 3 % of gate switches skipped is a change");
	ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_storm, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "control: a storm in the control regressed");
	ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_late, NULL, reason, sizeof(reason)),
		      KRADAR_V_NO_CHANGE, "control: lateness alone decides nothing without --timing");
	ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_late, &timing, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "control: with --timing lateness decides");
	ASSERT_EQ_INT(decide(NULL, NULL, b_clean, c_clean, &focus, reason, sizeof(reason)),
		      KRADAR_V_INCONCLUSIVE, "control: never ran the focus callback");

	/* runs without probe data: never "fixed", never "regressed" */
	{
		const char *c_none = make_set("cand-none", 2, &no_probe, NULL, 0);
		const char *b_none = make_set("base-none", 2, &no_probe, NULL, 0);
		const char *c_part = make_set("cand-part", 2, &clean_ov, &no_probe, 2);

		if (ASSERT_TRUE(c_none && b_none && c_part, "no data: fixtures written")) {
			ASSERT_EQ_INT(decide(b_storm, c_none, NULL, NULL, NULL, reason, sizeof(reason)),
				      KRADAR_V_INCONCLUSIVE,
				      "no data: a candidate without probe data is not fixed");
			ASSERT_TRUE(strstr(reason, "2 of 4 runs have no probe data") &&
				    strstr(reason, "cand-none/run-1"),
				    "no data: the reason counts and names the runs");
			ASSERT_EQ_INT(decide(b_none, c_storm, NULL, NULL, NULL, reason, sizeof(reason)),
				      KRADAR_V_INCONCLUSIVE,
				      "no data: a baseline without probe data makes no regression");
			ASSERT_EQ_INT(decide(b_storm, c_part, NULL, NULL, NULL, reason, sizeof(reason)),
				      KRADAR_V_INCONCLUSIVE,
				      "no data: one candidate run without data is enough");
			ASSERT_EQ_INT(decide(NULL, NULL, b_norm, c_none, NULL, reason, sizeof(reason)),
				      KRADAR_V_INCONCLUSIVE,
				      "no data: a control without probe data is not unchanged");
		}
	}

	/* reproducer and control together */
	ASSERT_EQ_INT(decide(b_storm, c_clean, b_norm, c_norm, NULL, reason, sizeof(reason)),
		      KRADAR_V_FIXED, "both: fixed with an unchanged control");
	ASSERT_TRUE(strstr(reason, "control: no change beyond noise") != NULL,
		    "both: the reason covers the control");
	ASSERT_EQ_INT(decide(b_storm, c_clean, b_norm, c_slow, NULL, reason, sizeof(reason)),
		      KRADAR_V_REGRESSED, "both: fixed but the control changed is regressed");
}

static void test_side(void)
{
	struct kradar_cmp_side s = { 0 };
	char d[PATH_MAX + 32], run[PATH_MAX + 64], err[512];
	int i, rc;
	static const int idx[] = { 10, 2, 1 };

	snprintf(d, sizeof(d), "%s/order", tmpdir);
	mkdir(d, 0755);
	for (i = 0; i < 3; i++) {
		snprintf(run, sizeof(run), "%s/run-%d", d, idx[i]);
		make_run(run, &clean);
	}
	rc = kradar_cmp_side__add(&s, d, err, sizeof(err));
	ASSERT_EQ_INT(rc, 0, "side: run-N directories load");
	ASSERT_EQ_INT(s.nr, 3, "side: three runs");
	ASSERT_TRUE(s.nr == 3 && strstr(s.runs[2]->dir, "run-10"),
		    "side: run-10 sorts after run-2");
	kradar_cmp_side__clear(&s);
	snprintf(d, sizeof(d), "%s/empty", tmpdir);
	mkdir(d, 0755);
	rc = kradar_cmp_side__add(&s, d, err, sizeof(err));
	ASSERT_TRUE(rc < 0 && strstr(err, "not a run directory"),
		    "side: an empty directory is refused with a reason");
	kradar_cmp_side__clear(&s);
}

/* Run the binary; returns its exit status, output in @out. */
static int run_bin(const char *args, char *out, size_t len)
{
	char cmd[PATH_MAX * 5];
	size_t n;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", KRADAR_COMPARE_BIN, args);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Every line of an email within 75 columns (tables included), no
 * trailing space; prints the first offending line, actual vs expected. */
static void check_mail_table(const char *out, const char *name)
{
	const char *line = out, *wide = NULL, *trail = NULL;
	size_t widest = 0;
	char n1[256], n2[256];

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t w = nl ? (size_t)(nl - line) : strlen(line);

		if (w > 75 && !wide)
			wide = line;
		if (w > widest)
			widest = w;
		if (w && line[w - 1] == ' ' && !trail)
			trail = line;
		line = nl ? nl + 1 : NULL;
	}
	snprintf(n1, sizeof(n1), "%s: every line within 75 columns", name);
	snprintf(n2, sizeof(n2), "%s: no trailing spaces", name);
	if (!ASSERT_TRUE(!wide, n1))
		printf("#   actual: %zu columns: '%.*s'\n#   expected: at most 75\n", widest,
		       (int)strcspn(wide, "\n"), wide);
	if (!ASSERT_TRUE(!trail, n2))
		printf("#   actual: '%.*s|'\n", (int)strcspn(trail, "\n"), trail);
}

static void test_binary(void)
{
	static char out[1 << 18];
	char args[PATH_MAX * 4];
	json_error_t jerr;
	json_t *j;
	const char *line;
	bool width_ok = true;

	if (access(KRADAR_COMPARE_BIN, X_OK)) {
		tap_skip("binary: exit codes and formats", KRADAR_COMPARE_BIN " not built");
		return;
	}
	snprintf(args, sizeof(args), "--control %s/base-normal %s/cand-normal %s/base-storm -- %s/cand-clean",
		 tmpdir, tmpdir, tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 0, "binary: fixed exits 0");
	ASSERT_TRUE(strstr(out, "verdict: fixed") != NULL, "binary: text says fixed");
	ASSERT_TRUE(strstr(out, "control:") && strstr(out, "reproducer:"),
		    "binary: both sections in the table");
	snprintf(args, sizeof(args), "%s/base-storm -- %s/cand-storm", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 1, "binary: not fixed exits 1");
	snprintf(args, sizeof(args), "%s/base-half -- %s/cand-clean", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 3, "binary: inconclusive exits 3");
	snprintf(args, sizeof(args), "%s/base-storm -- %s/cand-none", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 3,
		      "binary: a candidate without probe data exits 3, not 0 (fixed)");
	ASSERT_TRUE(strstr(out, "verdict: inconclusive\n") && strstr(out, "no probe data"),
		    "binary: the text says inconclusive and why");
	if (!strstr(out, "verdict: inconclusive\n"))
		printf("#   output:\n%.1500s\n", out);
	snprintf(args, sizeof(args), "%s/base-none -- %s/cand-storm", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 3,
		      "binary: a baseline without probe data exits 3, not 1 (regressed)");
	snprintf(args, sizeof(args), "%s/base-storm --", tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 2, "binary: no candidate is a usage error");
	snprintf(args, sizeof(args), "%s/empty -- %s/cand-clean", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 2, "binary: not a run directory exits 2");
	ASSERT_EQ_INT(run_bin("--alpha 7 x -- y", out, sizeof(out)), 2, "binary: bad --alpha exits 2");
	snprintf(args, sizeof(args), "--control %s/base-normal %s/cand-normal", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 0, "binary: control only, no change exits 0");
	ASSERT_TRUE(strstr(out, "no change beyond noise") != NULL,
		    "binary: control says no change beyond noise");

	snprintf(args, sizeof(args), "--json %s/base-storm -- %s/cand-clean", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 0, "binary: --json exits 0");
	j = json_loads(out, 0, &jerr);
	ASSERT_TRUE(j != NULL, "binary: --json is JSON");
	ASSERT_STREQ(json_string_value(json_object_get(j, "verdict")), "fixed",
		     "binary: JSON verdict");
	ASSERT_TRUE(json_is_array(json_object_get(json_object_get(json_object_get(j, "sections"),
								  "reproducer"), "rows")),
		    "binary: JSON has the rows");
	json_decref(j);

	snprintf(args, sizeof(args), "--email %s/base-storm -- %s/cand-soft", tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 1, "binary: --email not fixed exits 1");
	ASSERT_TRUE(strstr(out, "Verdict: not fixed:") != NULL, "binary: email verdict line");
	/* prose is wrapped: the lines before the first table */
	for (line = out; line && *line && strncmp(line, "reproducer:", 11);) {
		const char *nl = strchr(line, '\n');
		size_t w = nl ? (size_t)(nl - line) : strlen(line);

		if (w > 72)
			width_ok = false;
		line = nl ? nl + 1 : NULL;
	}
	ASSERT_TRUE(width_ok, "binary: email prose within 72 columns");
	check_mail_table(out, "binary: --email, not fixed");
	/* with a control, module overrides and long signature labels */
	snprintf(args, sizeof(args), "--email --control %s/base-normal %s/cand-normal %s/base-storm -- %s/cand-warn",
		 tmpdir, tmpdir, tmpdir, tmpdir);
	ASSERT_EQ_INT(run_bin(args, out, sizeof(out)), 1, "binary: --email regressed exits 1");
	check_mail_table(out, "binary: --email with a control");
}

int main(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(tmpdir, sizeof(tmpdir), "%s/kradar-compare-test.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	test_judge();
	test_load();
	test_garbage();
	test_schema();
	test_verdicts();
	test_side();
	test_binary();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd))
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
