// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of the BPF backend (TAP): tools/kradar-run --backend bpf,
 * kradar-agent in the guest instead of kradar_probe.ko
 * (Documentation/bpf.rst), on Debian 12's 6.1 kernel unless
 * KRADAR_KERNEL names another. What a user sees must not depend on the
 * backend, except that HELLO says which one spoke:
 *
 *   hrtimer-storm  the runaway kradar_test_storm_fn is reported as a
 *                  storm on the CPU it ran on, at the storm rate, and
 *                  ends; the hello event says backend bpf and that it
 *                  runs the hrtimer detector; nothing is lost; the agent
 *                  attached and stopped cleanly.
 *   mutex-hold     kradar_holder holds a mutex 3 s in D with two
 *                  waiters: the lock record names the lock, the holder
 *                  (pid, comm, state D, its stack) and both waiters, as
 *                  test_guest asserts for the module; the hello says the
 *                  agent runs the lock detector.
 *   mutex-hold-calibrated  the same with use_btf=0: task_struct's pid
 *                  and comm found by calibration, as on syzbot's kernels
 *                  without BTF.
 *   mutex-hammer   negative control: four threads hammering a mutex, no
 *                  lock record.
 *   idle           negative control: no storm, heartbeats arrive,
 *                  nothing lost, collector exits 0.
 *
 * Run directories: runs/test-bpf-SCENARIO (test_guest keeps
 * runs/test-SCENARIO for the module).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "e2e.h"

/* What the hello events of a run say; the storm rule's numbers. */
struct bpf_run {
	int hellos, hellos_bpf;
	unsigned long caps;		/* of the last hello */
	double storm_rate;		/* thresholds.storm_rate_per_s */
	double lock_wait_ms;		/* the hello's */
	int lost_other;			/* loss events but nested ones */
	long long nested_events;	/* events of the nested LOST records */
	double storm_peak;		/* the storms' highest peak_rate_per_s */
	double storm_threshold;		/* its threshold_per_s */
};

static void read_hellos(const struct run *r, struct bpf_run *b)
{
	char path[PATH_MAX + 32], line[8192];
	bool have_storm = false;
	FILE *f;

	memset(b, 0, sizeof(*b));
	snprintf(path, sizeof(path), "%s/events.jsonl", r->dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char type[32] = "", val[32] = "";

		json_field(line, "type", type, sizeof(type));
		if (!strcmp(type, "hello")) {
			b->hellos++;
			if (json_field(line, "backend", val, sizeof(val)) &&
			    !strcmp(val, "bpf"))
				b->hellos_bpf++;
			if (json_field(line, "caps", val, sizeof(val)))
				b->caps = strtoul(val, NULL, 0);
			b->storm_rate = json_num(line, "storm_rate_per_s", 0);
			b->lock_wait_ms = json_num(line, "lock_wait_ms", -1);
		} else if (!strcmp(type, "lost") || !strcmp(type, "stream_loss")) {
			char cause[32] = "";

			json_field(line, "cause", cause, sizeof(cause));
			if (!strcmp(type, "lost") && !strcmp(cause, "nested"))
				b->nested_events += (long long)json_num(line, "events", 0);
			else
				b->lost_other++;
		} else if (!strncmp(type, "hrtimer_storm", 13)) {
			/*
			 * The storm's peak: the highest its records say
			 * (hrtimer_storm, _update, _end). A storm that began
			 * on the late rule (a quarter of the rate, >= 90 %
			 * late) rises after its BEGIN; the updates carry
			 * the peak as it rises.
			 */
			double peak = json_num(line, "peak_rate_per_s", 0);

			if (!have_storm)
				b->storm_threshold = json_num(line, "threshold_per_s", 0);
			have_storm = true;
			if (peak > b->storm_peak)
				b->storm_peak = peak;
		}
	}
	fclose(f);
}

/*
 * Events the kernel did not run a program for (recursion misses, 6.7+):
 * the LOST nested records carry what the agent's status says it missed,
 * and the hello says whether they are counted at all.
 */
static void check_nested(const struct run *r, const struct bpf_run *b,
			 const char *label)
{
	char name[128], line[256] = "";
	bool counted;
	long long n = -1;

	snprintf(name, sizeof(name), "%s: events the kernel skipped are accounted for", label);
	if (serial_count(r->dir, "events_nested:", line, sizeof(line)) <= 0) {
		tap(false, name, "no 'events_nested:' line in the agent's status in %s/serial.log", r->dir);
		return;
	}
	counted = !strstr(line, "not counted");
	if (counted)
		n = serial_num(r->dir, "events_nested:");
	tap(counted ? (b->caps & 0x4) && n == b->nested_events :
		      !(b->caps & 0x4) && b->nested_events == 0,
	    name,
	    "status '%s'; hello caps 0x%lx (KRADAR_CAP_NESTED 0x4); LOST nested events %lld",
	    line, b->caps, b->nested_events);
}

/*
 * A run with nothing to find: the collector exits 0, or 3 when the only
 * loss is events the kernel skipped (nested): it calls any uncounted
 * event inconclusive, and its verdict must say that and nothing else.
 */
static void check_quiet_exit(const struct run *r, const struct bpf_run *b,
			     const char *label)
{
	char name[128], path[PATH_MAX + 32], line[1024] = "", *v = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/summary.txt", r->dir);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "verdict:", 8)) {
			v = line;
			break;
		}
	if (f)
		fclose(f);
	if (v)
		v[strcspn(v, "\n")] = '\0';
	if (!b->nested_events) {
		snprintf(name, sizeof(name), "%s: collector exits 0", label);
		tap(r->status == 0, name, "expected 0, got %d (%s)", r->status,
		    v ? v : "no verdict");
		return;
	}
	snprintf(name, sizeof(name),
		 "%s: collector exits 3, naming only the %lld event(s) the kernel skipped",
		 label, b->nested_events);
	tap(r->status == 3 && v && strstr(v, " events uncounted by the guest (inconclusive") &&
	    !strstr(v, "dropped") && !strstr(v, "sequence gaps") &&
	    !strstr(v, "bytes") && !strstr(v, "malformed") &&
	    !strstr(v, "no collector"), name,
	    "expected exit 3 and a verdict naming uncounted events only, got %d: '%s'",
	    r->status, v ? v : "no verdict");
}

static void check_agent(const struct run *r, const struct bpf_run *b,
			const char *label)
{
	char name[128];

	snprintf(name, sizeof(name), "%s: hello says backend bpf", label);
	tap(b->hellos > 0 && b->hellos_bpf == b->hellos, name,
	    "expected every hello with \"backend\":\"bpf\", got %d of %d",
	    b->hellos_bpf, b->hellos);
	snprintf(name, sizeof(name), "%s: hello caps name the hrtimer detector", label);
	tap(b->caps & 0x1, name, "expected caps with KRADAR_CAP_HRTIMER (0x1), got 0x%lx",
	    b->caps);
	snprintf(name, sizeof(name), "%s: kradar-agent attached", label);
	tap(serial_count(r->dir, "kradar-run: probe loaded", NULL, 0) > 0 &&
	    serial_count(r->dir, "kradar-agent: attached", NULL, 0) > 0, name,
	    "expected 'kradar-agent: attached' and 'probe loaded' in %s/serial.log",
	    r->dir);
	snprintf(name, sizeof(name), "%s: kradar-agent stopped cleanly", label);
	tap(serial_count(r->dir, "kradar-run: probe unloaded", NULL, 0) > 0, name,
	    "expected 'probe unloaded' in %s/serial.log", r->dir);
	snprintf(name, sizeof(name), "%s: nothing lost", label);
	tap(b->lost_other == 0, name,
	    "expected 0 loss events (events the kernel skipped, nested, apart), got %d",
	    b->lost_other);
	check_nested(r, b, label);
}

static void test_hrtimer_storm(const char *top)
{
	const char *fn = "kradar_test_storm_fn [kradar_test_hrstorm]";
	char first[256] = "", *p;
	struct bpf_run b;
	struct run r;
	int cpu = -1;

	if (run_scenario(top, "bpf-hrtimer-storm",
			 "--backend bpf --scenario hrtimer-storm", fn, &r)) {
		tap(false, "bpf hrtimer-storm: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	read_hellos(&r, &b);
	check_agent(&r, &b, "bpf hrtimer-storm");
	/* "kradar_test_hrstorm: storm starting on CPU N: ..." */
	if (serial_count(r.dir, "storm starting on CPU ", first, sizeof(first)) &&
	    (p = strstr(first, "on CPU ")))
		cpu = atoi(p + 7);
	tap(r.storms > 0 && !strcmp(r.first_storm.function, fn),
	    "bpf hrtimer-storm: the runaway timer is reported",
	    "expected a storm of '%s', got %d storms (first '%s')", fn,
	    r.storms, r.first_storm.function);
	tap(r.storms > 0 && cpu >= 0 && r.first_storm.cpu == cpu,
	    "bpf hrtimer-storm: on the CPU the timer ran on",
	    "expected cpu %d (serial.log), got %lld", cpu, r.first_storm.cpu);
	tap(b.storm_rate > 0 && b.storm_peak >= b.storm_rate &&
	    r.fn_window_rate_max >= b.storm_rate,
	    "bpf hrtimer-storm: at the storm rate",
	    "expected a peak and a window >= storm_rate %.0f/s, got peak %.0f/s, busiest window %.0f/s",
	    b.storm_rate, b.storm_peak, r.fn_window_rate_max);
	tap(r.storm_late_pct >= 90, "bpf hrtimer-storm: >= 90 % expired late",
	    "expected late_pct >= 90 over the storm, got %.1f (its first window: %.1f)",
	    r.storm_late_pct, r.first_storm.late_pct);
	tap(r.storm_ends > 0, "bpf hrtimer-storm: storm end reported when it stops",
	    "expected >= 1 hrtimer_storm_end, got %d", r.storm_ends);
	tap(r.status == 1, "bpf hrtimer-storm: collector exits 1 (finding)",
	    "expected 1, got %d", r.status);
	printf("# bpf storm: rate %.0f/s, peak %.0f/s, %.1f %% late, cpu %lld\n",
	       r.first_storm.rate, b.storm_peak, r.first_storm.late_pct,
	       r.first_storm.cpu);
	print_latency(&r);
}

static void test_mutex_hold(const char *top, const char *label,
			    const char *args)
{
	const char *fn = "kradar_test_hold_fn";
	char cmd[256], name[128], dir[64], *sp;
	struct bpf_run b;
	struct run r;

	/* "bpf mutex-hold" runs in runs/test-bpf-mutex-hold */
	snprintf(dir, sizeof(dir), "%s", label);
	while ((sp = strchr(dir, ' ')))
		*sp = '-';
	snprintf(cmd, sizeof(cmd), "--backend bpf %s--scenario mutex-hold", args);
	if (run_scenario_gap(top, dir, cmd, NULL, fn, &r)) {
		snprintf(name, sizeof(name), "%s: run produced events.jsonl", label);
		tap(false, name, "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	read_hellos(&r, &b);
	check_agent(&r, &b, label);
	snprintf(name, sizeof(name), "%s: hello caps name the lock detector", label);
	tap((b.caps & 0x10) && b.lock_wait_ms == 1000, name,
	    "expected caps with KRADAR_CAP_LOCK (0x10) and lock_wait_ms 1000, got 0x%lx and %.0f",
	    b.caps, b.lock_wait_ms);
	check_mutex_hold(&r, label, fn);
	snprintf(name, sizeof(name), "%s: task_struct found the expected way", label);
	tap(serial_count(r.dir, strstr(args, "use_btf=0") ?
			 "(calibration, no BTF)" : "lock owners: task_struct pid at",
			 NULL, 0) > 0, name,
	    "expected kradar-agent's 'lock owners: task_struct pid at' line%s in %s/serial.log",
	    strstr(args, "use_btf=0") ? " saying calibration" : "", r.dir);
	snprintf(name, sizeof(name), "%s: collector exits 1 (finding)", label);
	tap(r.status == 1, name, "expected 1, got %d", r.status);
}

static void test_mutex_hammer(const char *top)
{
	struct bpf_run b;
	struct run r;

	if (run_scenario(top, "bpf-mutex-hammer",
			 "--backend bpf --scenario mutex-hammer", NULL, &r)) {
		tap(false, "bpf mutex-hammer: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	tap(serial_num(r.dir, "kradar_test_mutex: kradar_hammer/0: ") > 0,
	    "bpf mutex-hammer: the threads hammered the mutex",
	    "expected 'kradar_hammer/0: N rounds' in %s/serial.log", r.dir);
	tap(serial_count(r.dir, "locks:             off", NULL, 0) == 0 &&
	    serial_count(r.dir, "locks:   ", NULL, 0) > 0,
	    "bpf mutex-hammer: the lock detector was on",
	    "expected the agent's status with a 'locks:' line not 'off' in %s/serial.log",
	    r.dir);
	tap(r.locks == 0, "bpf mutex-hammer: no long-hold alarm at defaults",
	    "expected 0 lock_contention events, got %d (%s held %.1f ms)",
	    r.locks, r.lock_name, r.held_max_ms);
	read_hellos(&r, &b);
	tap(b.lost_other == 0, "bpf mutex-hammer: nothing lost",
	    "expected 0 loss events (nested apart), got %d", b.lost_other);
	check_nested(&r, &b, "bpf mutex-hammer");
	check_quiet_exit(&r, &b, "bpf mutex-hammer");
}

static void test_idle(const char *top)
{
	struct bpf_run b;
	struct run r;

	if (run_scenario(top, "bpf-idle", "--backend bpf --scenario idle",
			 NULL, &r)) {
		tap(false, "bpf idle: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	read_hellos(&r, &b);
	check_agent(&r, &b, "bpf idle");
	tap(r.storms == 0, "bpf idle: no storm reported",
	    "expected 0 storms, got %d (%s)", r.storms, r.first_storm.function);
	tap(r.heartbeats >= 10, "bpf idle: heartbeats arrive",
	    "expected >= 10 heartbeats, got %d", r.heartbeats);
	tap(r.windows > 0, "bpf idle: hrtimer windows arrive",
	    "expected hrtimer_window events, got %d", r.windows);
	check_quiet_exit(&r, &b, "bpf idle");
}

int main(int argc, char **argv)
{
	static const char *names[] = {
		"bpf hrtimer-storm", "bpf mutex-hold", "bpf mutex-hold-calibrated",
		"bpf mutex-hammer", "bpf idle"
	};
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);
	char agent[PATH_MAX + 64];
	unsigned int i;

	if (!why) {
		snprintf(agent, sizeof(agent), "%s/build/guest/kradar-agent", top);
		if (access(agent, X_OK))
			why = "build/guest/kradar-agent not built (make; needs clang, libbpf-dev, bpftool: make deps)";
	}
	if (why) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], why);
		e2e_done();
		return why[0] == '!' ? 2 : 0;
	}
	test_hrtimer_storm(top);
	test_mutex_hold(top, "bpf mutex-hold", "");
	test_mutex_hold(top, "bpf mutex-hold-calibrated", "--probe-args use_btf=0 ");
	test_mutex_hammer(top);
	test_idle(top);
	return e2e_done();
}
