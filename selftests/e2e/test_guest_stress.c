// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of kradar_probe.ko under stress (TAP): 125 load/unload
 * cycles each unloaded with something open, and its port taken away from
 * it, on the guest side (tty busy) and on the host side (collector gone).
 *
 * Each test boots a guest with tools/kradar-run and a job script from
 * this directory (stress.sh, portclose.sh) that loads and unloads the
 * probe itself and prints "STRESS ..." lines through /dev/kmsg. The
 * assertions read what a user sees: serial.log, the /proc/kradar counters
 * the job printed, events.jsonl. Figures (time per cycle, memory before
 * and after, records lost while the host side was closed) are printed as
 * "# " lines.
 *
 * Usage: test_guest_stress [REPO_ROOT]
 */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define STRESS_STORM_CYCLES	50
#define STRESS_LOCK_CYCLES	50	/* a held mutex with two waiters */
#define STRESS_HAMMER_CYCLES	25	/* four threads hammering a mutex */
#define STRESS_LOADS		(STRESS_WARMUP_LOADS + STRESS_STORM_CYCLES + \
				 STRESS_LOCK_CYCLES + STRESS_HAMMER_CYCLES)
#define STRESS_WARMUP_LOADS	2	/* loads of stress.sh outside cycles */
#define STRESS_BUSY_BUFFER	16384	/* bytes: buffer_kb=16 in portclose.sh */
#define STRESS_CLOSED_S		6	/* s portclose.sh leaves the port closed */
#define STRESS_MAX_SEQ		65	/* CPUs + the global sequence */

/* Kernel messages that mean the probe (or its unload) broke something. */
static const char *const bad_lines[] = {
	"BUG:", "WARNING:", "Oops", "general protection", "kobject",
	"sysfs: cannot create duplicate", "lockdep", "possible circular",
	"list_add corruption", "list_del corruption", "refcount_t:",
	"use-after-free", "Call Trace", "detected stalls", "soft lockup",
	"hung_task", "blocked for more than",
};

/* printk seconds of a serial.log line, or -1 */
static double line_time(const char *line)
{
	const char *b = strchr(line, '[');

	return b ? strtod(b + 1, NULL) : -1;
}

/* The number after "key=" in @line, or -1. */
static long long kv(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), " %s=", key);
	p = strstr(line, pat);
	if (!p)
		return -1;
	return strtoll(p + strlen(pat), NULL, 10);
}

static FILE *open_in(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "r");
}

/* Copy the serial.log line containing @needle (the first) into @line. */
static bool serial_line(const char *dir, const char *needle, char *line,
			size_t len)
{
	line[0] = '\0';
	return serial_count(dir, needle, line, len) > 0;
}

static void check_console(const char *dir, const char *what)
{
	char name[160], line[4096];
	unsigned int i;
	int n, bad = 0;

	for (i = 0; i < sizeof(bad_lines) / sizeof(bad_lines[0]); i++) {
		n = serial_count(dir, bad_lines[i], line, sizeof(line));
		if (n > 0) {
			bad++;
			printf("#   '%s' %d times, first: %s", bad_lines[i], n,
			       line);
		}
	}
	snprintf(name, sizeof(name), "%s: no warning, oops, BUG, stall or duplicate-sysfs complaint on the console", what);
	tap(bad == 0, name, "%d kinds of kernel complaint found (listed above), expected none", bad);
}

/* Count events.jsonl lines of @type that contain @also (or any). */
static int count_events(const char *dir, const char *type, const char *also)
{
	char pat[64], line[16384];
	FILE *f = open_in(dir, "events.jsonl");
	int n = 0;

	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), "\"type\":\"%s\"", type);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, pat) && (!also || strstr(line, also)))
			n++;
	fclose(f);
	return n;
}

/*
 * Storm records per session (a session starts at each non-resent hello):
 * into @storms[0..max-1]; returns the number of sessions.
 */
static int storms_per_session(const char *dir, int *storms, int max)
{
	char line[16384];
	FILE *f = open_in(dir, "events.jsonl");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "\"type\":\"hello\"") &&
		    strstr(line, "\"resent\":false")) {
			if (n < max)
				storms[n] = 0;
			n++;
		} else if (strstr(line, "\"type\":\"hrtimer_storm\"") &&
			   n > 0 && n <= max) {
			storms[n - 1]++;
		}
	}
	fclose(f);
	return n;
}

struct phase_times {
	const char *name;
	int cycles, open, not_open, failed;
	double load_sum, load_max, unload_sum, unload_max, cycle_sum;
};

/*
 * Read "STRESS cycle PHASE N what" lines: load and unload times, how many
 * cycles had their condition open at unload, and failures.
 */
static void read_cycles(const char *dir, struct phase_times *ph, int nph)
{
	char line[4096], phase[32], what[32];
	double t_load = -1, t_loaded = -1, t_unload = -1, t_first = -1;
	FILE *f = open_in(dir, "serial.log");
	int i, nr;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, "STRESS cycle ");
		struct phase_times *t = NULL;
		double now = line_time(line);

		if (!p || sscanf(p, "STRESS cycle %31s %d %31s", phase, &nr,
				 what) != 3)
			continue;
		for (i = 0; i < nph; i++)
			if (!strcmp(ph[i].name, phase))
				t = &ph[i];
		if (!t)
			continue;
		if (!strcmp(what, "load")) {
			t_load = t_first = now;
		} else if (!strcmp(what, "loaded")) {
			t_loaded = now;
			if (t_load >= 0) {
				t->load_sum += now - t_load;
				if (now - t_load > t->load_max)
					t->load_max = now - t_load;
			}
		} else if (!strcmp(what, "unload")) {
			t_unload = now;
		} else if (!strcmp(what, "unloaded")) {
			t->cycles++;
			if (t_unload >= 0) {
				t->unload_sum += now - t_unload;
				if (now - t_unload > t->unload_max)
					t->unload_max = now - t_unload;
			}
			if (t_first >= 0)
				t->cycle_sum += now - t_first;
			t_load = t_loaded = t_unload = t_first = -1;
		} else if (!strcmp(what, "open")) {
			if (!strstr(p, " rcu-gap"))
				t->open++;
		} else if (!strcmp(what, "not-open")) {
			t->not_open++;
		} else {
			t->failed++;	/* load-failed, unload-failed, ... */
			printf("#   %s", line);
		}
	}
	fclose(f);
}

struct mem {
	long long percpu, vmalloc, sunreclaim, slab, kprobes, modules, vc_ref;
	bool ok;
};

static struct mem read_mem(const char *dir, const char *tag)
{
	char needle[64], line[4096];
	struct mem m = { 0 };

	snprintf(needle, sizeof(needle), "STRESS mem %s ", tag);
	if (!serial_line(dir, needle, line, sizeof(line)))
		return m;
	m.percpu = kv(line, "percpu_kb");
	m.vmalloc = kv(line, "vmalloc_kb");
	m.sunreclaim = kv(line, "sunreclaim_kb");
	m.slab = kv(line, "slab_kb");
	m.kprobes = kv(line, "kprobes");
	m.modules = kv(line, "modules");
	m.vc_ref = kv(line, "vc_refcnt");
	m.ok = m.percpu >= 0 && m.vmalloc >= 0 && m.sunreclaim >= 0;
	return m;
}

static void test_cycles(const char *top)
{
	struct phase_times ph[] = {
		{ .name = "runaway" }, { .name = "hold" }, { .name = "hammer" },
	};
	const int want[] = { STRESS_STORM_CYCLES, STRESS_LOCK_CYCLES,
			     STRESS_HAMMER_CYCLES };
	char args[PATH_MAX + 160];
	struct mem before, loaded, after;
	int i, n, gaps, sessions;
	struct run r;

	snprintf(args, sizeof(args), "--timeout 900 --tcg-threads single --no-probe --add '%s/selftests/e2e/stress.sh:/stress.sh' --cmd 'sh /stress.sh'", top);
	if (run_scenario(top, "stress-cycles", args, NULL, &r)) {
		tap(false, "cycles: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	n = serial_count(r.dir, "STRESS done", NULL, 0);
	tap(n == 1, "cycles: the job ran to its end",
	    "expected 1 'STRESS done' line in serial.log, got %d", n);
	n = serial_count(r.dir, "kradar-run: job finished: status 0", NULL, 0);
	tap(n == 1, "cycles: the job exited 0",
	    "expected 'job finished: status 0' once, got %d", n);

	read_cycles(r.dir, ph, 3);
	for (i = 0; i < 3; i++) {
		char name[128];

		snprintf(name, sizeof(name), "cycles: %d %s cycles, each loaded and unloaded", want[i], ph[i].name);
		tap(ph[i].cycles == want[i] && !ph[i].failed, name,
		    "expected %d cycles and no failed load/unload, got %d cycles and %d failures",
		    want[i], ph[i].cycles, ph[i].failed);
		/*
		 * A lock episode is open at rmmod by construction. A storm is
		 * seen open only when the job's poll of /proc/kradar falls
		 * inside the storm as the probe reports it, which the lagging
		 * sampler sometimes makes it miss (Documentation/robustness.rst,
		 * "Module stress"), and the hammering is seen going on only
		 * when the job's check comes within its 600 ms of guest time:
		 * those counts are figures (at least one is required), and the
		 * storm records are checked per session.
		 */
		snprintf(name, sizeof(name), "cycles: %s %s cycle unloaded with its %s open",
			 i == 1 ? "every" : "a", ph[i].name,
			 i == 0 ? "storm" : i == 1 ? "lock episode" : "hammering");
		tap(i == 1 ? ph[i].open == want[i] : ph[i].open >= 1, name,
		    "expected %s%d cycles with the condition open at rmmod, got %d",
		    i == 1 ? "" : ">= ", i == 1 ? want[i] : 1, ph[i].open);
		printf("# %s: %d of %d cycles unloaded with the condition open\n",
		       ph[i].name, ph[i].open, ph[i].open + ph[i].not_open);
		if (ph[i].cycles)
			printf("# %-8s %2d cycles: insmod %.0f ms mean (max %.0f), rmmod %.0f ms mean (max %.0f), whole cycle %.0f ms mean (guest time)\n",
			       ph[i].name, ph[i].cycles,
			       ph[i].load_sum * 1e3 / ph[i].cycles,
			       ph[i].load_max * 1e3,
			       ph[i].unload_sum * 1e3 / ph[i].cycles,
			       ph[i].unload_max * 1e3,
			       ph[i].cycle_sum * 1e3 / ph[i].cycles);
	}
	gaps = serial_count(r.dir, "open rcu-gap", NULL, 0);
	printf("# runaway cycles unloaded with an RCU quiescent-state gap open too: %d of %d\n",
	       gaps, STRESS_STORM_CYCLES);
	tap(gaps >= 1, "cycles: the probe was unloaded with an RCU gap open at least once",
	    "expected >= 1 'open rcu-gap' line, got %d", gaps);

	check_console(r.dir, "cycles");

	sessions = count_events(r.dir, "hello", "\"resent\":false");
	tap(sessions == STRESS_LOADS,
	    "cycles: the collector sees every load as a session (hello)",
	    "expected %d sessions, got %d", STRESS_LOADS, sessions);
	/* sessions: 2 warm-up loads, the storm, lock and hammer cycles */
	{
		int st[STRESS_LOADS];
		int ns = storms_per_session(r.dir, st, (int)(sizeof(st) / sizeof(st[0])));
		int with = 0, without = 0;

		for (i = 0; i < ns && i < (int)(sizeof(st) / sizeof(st[0])); i++) {
			if (i < STRESS_WARMUP_LOADS)
				continue;
			if (i < STRESS_WARMUP_LOADS + STRESS_STORM_CYCLES)
				with += st[i] > 0;
			else
				without += st[i] == 0;
		}
		tap(with == STRESS_STORM_CYCLES,
		    "cycles: every storm cycle's session has a storm record",
		    "expected %d storm sessions with an hrtimer_storm event, got %d",
		    STRESS_STORM_CYCLES, with);
		tap(without == STRESS_LOCK_CYCLES + STRESS_HAMMER_CYCLES,
		    "cycles: no lock or hammer cycle's session has a storm record (negative control)",
		    "expected %d lock and hammer sessions without hrtimer_storm, got %d",
		    STRESS_LOCK_CYCLES + STRESS_HAMMER_CYCLES, without);
	}
	n = count_events(r.dir, "lock_contention", "\"phase\":\"begin\"");
	tap(n >= STRESS_LOCK_CYCLES, "cycles: a lock record from every hold cycle",
	    "expected >= %d lock_contention begin events, got %d",
	    STRESS_LOCK_CYCLES, n);
	n = count_events(r.dir, "stream_loss", NULL);
	tap(n == 0, "cycles: the stream is whole across 127 loads (no sequence gap, no bad bytes)",
	    "expected 0 stream_loss events, got %d", n);

	before = read_mem(r.dir, "before");
	loaded = read_mem(r.dir, "loaded");
	after = read_mem(r.dir, "after");
	if (!before.ok || !after.ok || !loaded.ok) {
		tap(false, "cycles: memory figures printed before, loaded and after",
		    "missing or unreadable 'STRESS mem' lines in serial.log");
		return;
	}
	printf("# memory kB       before   loaded    after  after-before\n");
	printf("# Percpu        %8lld %8lld %8lld %+8lld\n", before.percpu,
	       loaded.percpu, after.percpu, after.percpu - before.percpu);
	printf("# VmallocUsed   %8lld %8lld %8lld %+8lld\n", before.vmalloc,
	       loaded.vmalloc, after.vmalloc, after.vmalloc - before.vmalloc);
	printf("# SUnreclaim    %8lld %8lld %8lld %+8lld\n", before.sunreclaim,
	       loaded.sunreclaim, after.sunreclaim,
	       after.sunreclaim - before.sunreclaim);
	printf("# Slab          %8lld %8lld %8lld %+8lld\n", before.slab,
	       loaded.slab, after.slab, after.slab - before.slab);
	printf("# kprobes %lld/%lld/%lld, modules %lld/%lld/%lld, virtio_console refcnt %lld/%lld/%lld\n",
	       before.kprobes, loaded.kprobes, after.kprobes, before.modules,
	       loaded.modules, after.modules, before.vc_ref, loaded.vc_ref,
	       after.vc_ref);
	/*
	 * Bounds (Documentation/robustness.rst has the figures): a vmalloc
	 * leak costs at least a page per cycle, 500 KiB over 125 cycles, and
	 * a leaked 256 KiB buffer or module image far more. SUnreclaim grew
	 * by about 250 KiB over the cycles (the kernel's own caches);
	 * a per-cycle slab leak of 5 KiB or more goes past 512 KiB.
	 */
	tap(after.vmalloc - before.vmalloc < 128,
	    "cycles: VmallocUsed back to where it was (< 128 KiB more after 125 cycles)",
	    "VmallocUsed %lld kB before, %lld kB after", before.vmalloc,
	    after.vmalloc);
	tap(after.sunreclaim - before.sunreclaim < 512,
	    "cycles: unreclaimable slab back to where it was (< 512 KiB more after 125 cycles)",
	    "SUnreclaim %lld kB before, %lld kB after", before.sunreclaim,
	    after.sunreclaim);
	tap(after.percpu - before.percpu < 64,
	    "cycles: per-CPU memory back to where it was (< 64 KiB more after 125 cycles)",
	    "Percpu %lld kB before, %lld kB after", before.percpu, after.percpu);
	tap(after.kprobes == before.kprobes && after.modules == before.modules &&
	    after.vc_ref == before.vc_ref,
	    "cycles: no kprobe, module or port reference left behind",
	    "kprobes %lld -> %lld, modules %lld -> %lld, virtio_console refcnt %lld -> %lld",
	    before.kprobes, after.kprobes, before.modules, after.modules,
	    before.vc_ref, after.vc_ref);
	/* negative control: the figures do move while the probe is loaded */
	tap(loaded.vmalloc - before.vmalloc >= 256 && loaded.modules == before.modules + 1,
	    "cycles: the memory figures see the loaded probe (its 256 KiB buffer, one more module)",
	    "VmallocUsed %lld -> %lld kB, modules %lld -> %lld while loaded",
	    before.vmalloc, loaded.vmalloc, before.modules, loaded.modules);
}

/* "STRESS proc TAG ..." printed by portclose.sh, into @line */
static bool proc_line(const char *dir, const char *tag, char *line, size_t len)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "STRESS proc %s ", tag);
	return serial_line(dir, needle, line, len);
}

/* "port=busy" of a proc line */
static bool proc_port(const char *line, const char *state)
{
	char pat[48];

	snprintf(pat, sizeof(pat), " port=%s ", state);
	return strstr(line, pat) != NULL;
}

/* Sum of "records" of LOST records with cause buffer_full. */
static long long lost_records(const char *dir)
{
	char line[16384];
	FILE *f = open_in(dir, "events.jsonl");
	long long sum = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "\"type\":\"lost\"") &&
		    strstr(line, "\"cause\":\"buffer_full\""))
			sum += (long long)json_num(line, "records", 0);
	fclose(f);
	return sum;
}

/*
 * Per sequence (cpu N, or the global one as index 0): the last seq in
 * @dir's events.jsonl (@last) or the first (!@last); -1 where none.
 */
static void read_seqs(const char *dir, bool last, long long *seq)
{
	char line[16384];
	FILE *f = open_in(dir, "events.jsonl");
	int i;

	for (i = 0; i < STRESS_MAX_SEQ; i++)
		seq[i] = -1;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		long long s = (long long)json_num(line, "seq", -1);
		long long cpu = (long long)json_num(line, "cpu", -1);

		if (s < 0 || strstr(line, "\"type\":\"stream_loss\"") ||
		    cpu >= STRESS_MAX_SEQ - 1)
			continue;
		i = (int)cpu + 1;
		if (last || seq[i] < 0)
			seq[i] = s;
	}
	fclose(f);
}

/* A "lost" event of a collector resumed after another (--resume) */
static bool no_collector_line(const char *line)
{
	return strstr(line, "\"type\":\"lost\"") &&
	       strstr(line, "\"cause\":\"no_collector\"");
}

/*
 * What one collector's events.jsonl accounts for, up to (not including)
 * the heartbeat @upto (0: all lines): records received (record events:
 * they carry "seq"), records the guest reported dropped (LOST records)
 * and records counted as sent while no collector was connected.
 */
struct tally {
	long long received, guest_dropped, no_collector;
	long long hb_records;	/* "records" of the heartbeat at @upto */
	long long heartbeats;
};

static struct tally tally_events(const char *dir, long long upto)
{
	struct tally t = { .hb_records = -1 };
	char line[16384];
	FILE *f = open_in(dir, "events.jsonl");

	while (f && fgets(line, sizeof(line), f)) {
		bool hb = strstr(line, "{\"type\":\"heartbeat\"");

		if (hb && ++t.heartbeats == upto) {
			t.hb_records = (long long)json_num(line, "records", -1);
			break;
		}
		if (no_collector_line(line)) {
			t.no_collector += (long long)json_num(line, "records", 0);
			continue;
		}
		if (json_num(line, "seq", -1) < 0 ||
		    strstr(line, "\"type\":\"stream_loss\""))
			continue;
		t.received++;
		if (strstr(line, "{\"type\":\"lost\""))
			t.guest_dropped += (long long)json_num(line, "records", 0);
	}
	if (f)
		fclose(f);
	return t;
}

static void test_port(const char *top)
{
	char args[PATH_MAX + 320], busy[4096], opened[4096], before[4096];
	char closed[4096], reopened[4096], dir2[PATH_MAX + 16];
	char s1[64] = "", s2[64] = "", line[16384];
	long long last[STRESS_MAX_SEQ], first[STRESS_MAX_SEQ], missing = 0;
	long long dropped, lost, t_close, t_reopen;
	struct tally t1, t2;
	int i, n, hb;
	struct run r;
	FILE *f;

	snprintf(args, sizeof(args), "--no-probe --add '%s/selftests/e2e/portclose.sh:/portclose.sh' --cmd 'sh /portclose.sh' --collector-stop-on 'STRESS port-close-request' --collector-restart-on 'STRESS port-reopen-request'", top);
	if (run_scenario(top, "stress-port", args, NULL, &r)) {
		tap(false, "port: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	n = serial_count(r.dir, "STRESS done", NULL, 0) +
	    serial_count(r.dir, "kradar-run: job finished: status 0", NULL, 0);
	tap(n == 2, "port: the job ran to its end and exited 0",
	    "expected 'STRESS done' and 'job finished: status 0', got %d of them", n);
	check_console(r.dir, "port");

	/* 1. busy: the tty held by the job */
	n = serial_count(r.dir, "found but /dev/hvc0 cannot be opened", NULL, 0);
	tap(n >= 1, "port busy: dmesg says the tty cannot be opened",
	    "expected the 'cannot be opened' message, got %d lines", n);
	if (!proc_line(r.dir, "busy", busy, sizeof(busy)) ||
	    !proc_line(r.dir, "opened", opened, sizeof(opened))) {
		tap(false, "port busy: /proc/kradar counters printed",
		    "missing 'STRESS proc busy|opened' lines");
		return;
	}
	tap(proc_port(busy, "busy") && kv(busy, "records_dropped") > 0,
	    "port busy: records are dropped and counted while the port cannot be opened",
	    "expected port=busy and records_dropped > 0: %s", busy);
	tap(kv(busy, "bytes_buffered") >= 0 &&
	    kv(busy, "bytes_buffered") <= STRESS_BUSY_BUFFER,
	    "port busy: the buffer stays within buffer_kb",
	    "bytes_buffered %lld, buffer_kb=16 is %d bytes",
	    kv(busy, "bytes_buffered"), STRESS_BUSY_BUFFER);
	dropped = kv(opened, "records_dropped");
	lost = lost_records(r.dir);
	printf("# busy port: %lld records dropped in the guest (/proc/kradar), %lld reported in LOST records\n",
	       dropped, lost);
	tap(proc_port(opened, "open") && dropped > 0 && lost == dropped,
	    "port busy: once open, LOST records add up to what /proc/kradar dropped",
	    "port open and LOST records %lld == records_dropped %lld expected: %s",
	    lost, dropped, opened);

	/* 2. host side closed: collector stopped and restarted */
	if (!proc_line(r.dir, "before-close", before, sizeof(before)) ||
	    !proc_line(r.dir, "closed", closed, sizeof(closed)) ||
	    !proc_line(r.dir, "reopened", reopened, sizeof(reopened))) {
		tap(false, "port closed: /proc/kradar counters printed",
		    "missing 'STRESS proc before-close|closed|reopened' lines");
		return;
	}
	f = open_in(r.dir, "run-events.txt");
	n = 0;
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "(--collector-stop-on)") ||
		     strstr(line, "collector restarted");
	if (f)
		fclose(f);
	tap(n == 2, "port closed: the runner stopped the collector and started a new one",
	    "expected both lines in run-events.txt, got %d", n);

	t_close = (long long)(serial_time(r.dir, "STRESS port-close-request") * 1e3);
	t_reopen = (long long)(serial_time(r.dir, "STRESS port-reopen-request") * 1e3);
	hb = 0;
	f = open_in(r.dir, "serial.log");
	while (f && fgets(line, sizeof(line), f)) {
		double t = line_time(line) * 1e3;

		if (strstr(line, "STRESS heartbeat ") && t > t_close &&
		    t < t_reopen)
			hb++;
	}
	if (f)
		fclose(f);
	tap(hb >= STRESS_CLOSED_S - 1,
	    "port closed: the guest does not stall (a heartbeat each second goes on)",
	    "expected >= %d heartbeats in the %d s closed, got %d",
	    STRESS_CLOSED_S - 1, STRESS_CLOSED_S, hb);
	tap(kv(closed, "windows") > kv(before, "windows") &&
	    kv(closed, "records") > kv(before, "records"),
	    "port closed: the probe keeps sampling and recording",
	    "windows %lld -> %lld, records %lld -> %lld",
	    kv(before, "windows"), kv(closed, "windows"),
	    kv(before, "records"), kv(closed, "records"));
	tap(kv(closed, "bytes_buffered") >= 0 &&
	    kv(closed, "bytes_buffered") <= STRESS_BUSY_BUFFER &&
	    kv(reopened, "bytes_buffered") <= STRESS_BUSY_BUFFER,
	    "port closed: the buffer stays within buffer_kb",
	    "bytes_buffered %lld while closed, %lld after, limit %d",
	    kv(closed, "bytes_buffered"), kv(reopened, "bytes_buffered"),
	    STRESS_BUSY_BUFFER);

	snprintf(dir2, sizeof(dir2), "%s/reconnect", r.dir);
	n = count_events(dir2, "heartbeat", NULL);
	tap(n > 0, "port reopened: the new collector receives records",
	    "expected heartbeats in reconnect/events.jsonl, got %d", n);
	f = open_in(r.dir, "events.jsonl");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "\"type\":\"hello\"") && !s1[0])
			json_field(line, "session", s1, sizeof(s1));
	if (f)
		fclose(f);
	f = open_in(dir2, "events.jsonl");
	while (f && fgets(line, sizeof(line), f))
		if (strstr(line, "\"type\":\"hello\"") && !s2[0])
			json_field(line, "session", s2, sizeof(s2));
	if (f)
		fclose(f);
	tap(s1[0] && !strcmp(s1, s2),
	    "port reopened: the same session goes on (resent hello)",
	    "session before '%s', after '%s'", s1, s2);

	/* what the host missed, from the sequence numbers on both sides */
	read_seqs(r.dir, true, last);
	read_seqs(dir2, false, first);
	for (i = 0; i < STRESS_MAX_SEQ; i++)
		if (last[i] >= 0 && first[i] > last[i])
			missing += first[i] - last[i] - 1;
	printf("# host side closed %.1f s (guest): %lld records missing between the two collectors (sequence numbers); guest records_dropped %lld -> %lld; %lld bytes 'sent' meanwhile\n",
	       (t_reopen - t_close) / 1e3, missing,
	       kv(before, "records_dropped"), kv(reopened, "records_dropped"),
	       kv(reopened, "bytes_sent") - kv(before, "bytes_sent"));
	tap(missing > 0,
	    "port closed: records were produced while nobody read (the test closed the port for real)",
	    "expected records missing between the collectors, got %lld", missing);

	/* the new collector ran with --resume: it counts that gap itself */
	t1 = tally_events(r.dir, 0);
	t2 = tally_events(dir2, 0);
	printf("# host side closed: the new collector counted %lld records sent while no collector was connected; the sequence gap across the two outputs is %lld\n",
	       t2.no_collector, missing);
	tap(missing > 0 && t2.no_collector == missing,
	    "port closed: the new collector counts as lost exactly the sequence gap across the two outputs",
	    "lost (cause no_collector) %lld, gap %lld", t2.no_collector, missing);
	snprintf(line, sizeof(line), "%s/summary.txt", dir2);
	f = fopen(line, "r");
	n = 0;
	snprintf(s1, sizeof(s1), "sent while no collector was connected: %lld ",
		 missing);
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, s1) != NULL;
	if (f)
		fclose(f);
	tap(n == 1, "port closed: reconnect/summary.txt gives that loss in its totals",
	    "expected a line with '%s'", s1);

	/*
	 * Sent = received + counted lost: the probe's own count of records
	 * made before the new collector's last heartbeat (its "records")
	 * against what both collectors received before it, what the guest
	 * reported dropped and what the new collector counted as sent while
	 * no collector was connected. The stream is one FIFO, so "before
	 * the heartbeat" is a prefix of the new collector's events.
	 */
	t2 = tally_events(dir2, t2.heartbeats);
	printf("# records made before the last heartbeat %lld (probe); received %lld + %lld, dropped by the guest %lld, sent while no collector was connected %lld\n",
	       t2.hb_records, t1.received, t2.received,
	       t1.guest_dropped + t2.guest_dropped, t2.no_collector);
	tap(t2.hb_records > 0 &&
	    t2.hb_records == t1.received + t2.received + t1.guest_dropped +
			     t2.guest_dropped + t2.no_collector,
	    "port closed: records made by the probe == received by both collectors + counted lost",
	    "probe %lld, received %lld + %lld, guest dropped %lld, no_collector %lld",
	    t2.hb_records, t1.received, t2.received,
	    t1.guest_dropped + t2.guest_dropped, t2.no_collector);
}

int main(int argc, char **argv)
{
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);

	if (why) {
		if (*why == '!') {
			tap(false, "setup", "%s", why + 1);
			return 2;
		}
		skip("stress: load/unload cycles", why);
		skip("stress: port busy and closed by the host", why);
		return 0;
	}
	/* KRADAR_STRESS_CYCLES=0: only the port tests (about 5 minutes less) */
	if (getenv("KRADAR_STRESS_CYCLES") &&
	    !strcmp(getenv("KRADAR_STRESS_CYCLES"), "0"))
		skip("stress: 125 load/unload cycles",
		     "KRADAR_STRESS_CYCLES=0 leaves them out");
	else
		test_cycles(top);
	test_port(top);
	return e2e_failed() ? 1 : 0;
}
