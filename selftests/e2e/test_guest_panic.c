// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of panic survival: when the guest kernel dies, the last
 * window of evidence still reaches events.jsonl, through the probe's
 * panic-time dump on the serial console (kradar-collect --serial).
 *
 *   panic-storm          sysrq 'c' two seconds into an hrtimer storm on
 *                        CPU 1: the dump is printed and verifies, records
 *                        reach events.jsonl "via":"console" (among them
 *                        the partial window of CPU 1 naming the storm
 *                        function at storm rate), each continues its
 *                        CPU's sequence after the last streamed record,
 *                        none is a duplicate, no gap is claimed lost for
 *                        a recovered record, and the storm is reported.
 *   panic-storm port=absent  the port never opens, so every record waits
 *                        in the buffer: the dump alone brings the storm
 *                        record (episode records are kept first), stays
 *                        within panic_kb, and counts what it leaves out
 *                        in a LOST record that covers every sequence gap.
 *   panic-storm panic_kb=0  the dump turned off: no dump lines, nothing
 *                        via console, the storm still reported.
 *   idle                 negative control: no dump lines, no records via
 *                        console, the serial log read all the same.
 *   panic-lockup         a CPU frozen with preemption off; the soft-lockup
 *                        detector panics the kernel, and the dump reaches
 *                        the host the same way.
 *
 * Output is TAP; skipped when guests cannot run here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define STORM_FN	"kradar_test_storm_fn [kradar_test_hrstorm]"
#define STORM_CPU	1
#define STORM_RATE	50000	/* callbacks/s: the probe's default storm_rate */
#define MAX_RECS	20000
#define NO_CPU		65535

struct rec {
	long long cpu;		/* NO_CPU: the global sequence */
	long long seq;
	bool console;
};

struct gapev {
	long long cpu, expected, seq;
};

/* What events.jsonl says about the console dump and the sequences. */
struct panic_view {
	struct rec recs[MAX_RECS];
	int nr;
	struct gapev gaps[256];
	int nr_gaps;
	int console_records;
	int console_windows_storm;	/* CPU 1 windows naming the storm fn */
	double console_storm_rate;	/* its rate in the partial window */
	char console_windows[512];	/* "cpu N: EVENTS events, FN; ..." */
	bool have_dump_event;
	double dump_lines, dump_rejected, dump_recovered, dump_bytes;
	double dump_seen, dump_ns, dump_complete;
	double transit_lost;
	bool have_summary;
	double dump_left_out;
	bool console_storm;		/* hrtimer_storm of STORM_FN via console */
	double console_lost_records;	/* in lost events via console */
	double gap_records;		/* in seq_gap stream_loss events */
};

static const char *const record_types[] = {
	"hello", "heartbeat", "hrtimer_window", "hrtimer_storm",
	"hrtimer_storm_update", "hrtimer_storm_end", "lost", "qs_gap", "gp_stall", "lock_contention",
	"hung_task", "cpu_stuck", "unknown_record",
};

static bool is_record(const char *type)
{
	for (size_t i = 0; i < sizeof(record_types) / sizeof(*record_types); i++)
		if (!strcmp(type, record_types[i]))
			return true;
	return false;
}

/*
 * The record's own CPU. Records about one CPU (windows, storms, RCU gaps,
 * stuck CPUs, hung tasks: the task's CPU, when known) have it as their
 * only top-level "cpu"; hello, heartbeat, stall and lock records have
 * none, but nested objects of theirs may have "cpu" keys;
 * lost and unknown records write it just before "seq" when they have
 * one. NO_CPU: no CPU.
 */
static long long rec_cpu(const char *line, const char *type)
{
	const char *p = line, *seq = strstr(line, "\"seq\":");

	if (!strncmp(type, "hrtimer_", 8) || !strcmp(type, "qs_gap") ||
	    !strcmp(type, "cpu_stuck") || !strcmp(type, "hung_task"))
		return (long long)json_num(line, "cpu", NO_CPU);
	if (strcmp(type, "lost") && strcmp(type, "unknown_record"))
		return NO_CPU;
	while (seq && (p = strstr(p, "\"cpu\":")) && p < seq) {
		const char *q = p + 6;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q[0] == ',' && q == seq - 1)
			return strtoll(p + 6, NULL, 10);
		p = q;
	}
	return NO_CPU;
}

static int read_view(const char *dir, struct panic_view *v)
{
	char path[PATH_MAX + 32], line[16384];
	FILE *f;

	memset(v, 0, sizeof(*v));
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char type[32] = "", via[16] = "", src[16] = "";
		bool console;

		json_field(line, "type", type, sizeof(type));
		console = json_field(line, "via", via, sizeof(via)) &&
			  !strcmp(via, "console");
		if (!strcmp(type, "console_dump")) {
			v->have_dump_event = true;
			v->dump_lines = json_num(line, "lines", -1);
			v->dump_rejected = json_num(line, "lines_rejected", -1);
			v->dump_recovered = json_num(line, "records_recovered", -1);
			v->dump_seen = json_num(line, "records_already_received", -1);
			v->dump_bytes = json_num(line, "bytes", -1);
			v->dump_ns = json_num(line, "guest_dump_ns", -1);
			v->dump_complete = json_num(line, "dumps_complete", -1);
			v->dump_left_out = json_num(line, "guest_left_out", -1);
			continue;
		}
		if (!strcmp(type, "summary")) {
			v->have_summary = true;
			v->transit_lost = json_num(line, "transit_lost_records", -1);
			continue;
		}
		if (!strcmp(type, "stream_loss")) {
			char kind[16] = "";

			json_field(line, "kind", kind, sizeof(kind));
			if (strcmp(kind, "seq_gap") || v->nr_gaps == 256)
				continue;
			v->gap_records += json_num(line, "records", 0);
			json_field(line, "source", src, sizeof(src));
			v->gaps[v->nr_gaps].cpu = !strcmp(src, "global") ? NO_CPU :
				(long long)json_num(line, "cpu", -1);
			v->gaps[v->nr_gaps].expected =
				(long long)json_num(line, "expected_seq", -1);
			v->gaps[v->nr_gaps].seq = (long long)json_num(line, "seq", -1);
			v->nr_gaps++;
			continue;
		}
		if (!is_record(type) || v->nr == MAX_RECS)
			continue;
		v->recs[v->nr].cpu = rec_cpu(line, type);
		v->recs[v->nr].seq = (long long)json_num(line, "seq", -1);
		v->recs[v->nr].console = console;
		v->nr++;
		if (!console)
			continue;
		v->console_records++;
		if (!strcmp(type, "hrtimer_storm") && json_num(line, "cpu", -1) ==
		    STORM_CPU && strstr(line, "\"function\":\"" STORM_FN "\""))
			v->console_storm = true;
		if (!strcmp(type, "lost"))
			v->console_lost_records += json_num(line, "records", 0);
		if (!strcmp(type, "hrtimer_window")) {
			char fn[96] = "?";
			size_t n = strlen(v->console_windows);
			const char *e = strstr(line, "\"entries\":");

			if (e)
				json_field(e, "function", fn, sizeof(fn));
			snprintf(v->console_windows + n,
				 sizeof(v->console_windows) - n,
				 "%scpu %.0f: %.0f events from %.0f to %.0f, first %s",
				 n ? "; " : "", json_num(line, "cpu", -1),
				 json_num(line, "events", -1),
				 json_num(line, "start_ns", -1),
				 json_num(line, "end_ns", -1), fn);
		}
		if (!strcmp(type, "hrtimer_window") &&
		    json_num(line, "cpu", -1) == STORM_CPU) {
			const char *p = strstr(line, "\"function\":\"" STORM_FN "\"");

			if (p) {
				v->console_windows_storm++;
				v->console_storm_rate = json_num(p, "rate_per_s", 0);
			}
		}
	}
	fclose(f);
	return 0;
}

/*
 * Sequences: every console record comes after every streamed record of
 * its CPU, continues it (or a reported gap explains the difference), and
 * no (cpu, seq) appears twice.
 */
static void check_sequences(const char *name, const struct panic_view *v)
{
	int dups = 0, before = 0, unexplained = 0, claimed = 0;
	char what[160];

	for (int i = 0; i < v->nr; i++) {
		const struct rec *a = &v->recs[i];
		long long last_stream = -1, first_console = -1;

		for (int j = i + 1; j < v->nr; j++)
			if (v->recs[j].cpu == a->cpu && v->recs[j].seq == a->seq)
				dups++;
		if (!a->console)
			continue;
		for (int j = 0; j < v->nr; j++) {
			const struct rec *b = &v->recs[j];

			if (b->cpu != a->cpu)
				continue;
			if (!b->console && b->seq > last_stream)
				last_stream = b->seq;
			if (b->console && (first_console < 0 ||
					   b->seq < first_console))
				first_console = b->seq;
		}
		if (a->seq <= last_stream)
			before++;
		/* the first console record of a CPU: continues, or a gap says */
		if (a->seq == first_console && last_stream >= 0 &&
		    a->seq != last_stream + 1) {
			bool explained = false;

			for (int g = 0; g < v->nr_gaps; g++)
				if (v->gaps[g].cpu == a->cpu &&
				    v->gaps[g].seq == a->seq &&
				    v->gaps[g].expected == last_stream + 1)
					explained = true;
			if (!explained)
				unexplained++;
		}
		for (int g = 0; g < v->nr_gaps; g++)
			if (v->gaps[g].cpu == a->cpu &&
			    a->seq >= v->gaps[g].expected && a->seq < v->gaps[g].seq)
				claimed++;
	}
	snprintf(what, sizeof(what), "%s: no record twice in events.jsonl", name);
	tap(dups == 0, what, "expected 0 duplicate (cpu, seq), got %d", dups);
	snprintf(what, sizeof(what),
		 "%s: console records come after the last streamed one of their CPU",
		 name);
	tap(before == 0, what, "expected 0, got %d console records at or before it",
	    before);
	snprintf(what, sizeof(what),
		 "%s: console records continue each CPU's sequence", name);
	tap(unexplained == 0, what,
	    "expected 0, got %d CPUs whose first console record neither follows the stream nor has a gap event",
	    unexplained);
	snprintf(what, sizeof(what),
		 "%s: no recovered record is counted lost", name);
	tap(claimed == 0, what,
	    "expected 0 recovered records inside seq_gap ranges, got %d", claimed);
}

/*
 * A guest that went down by itself (QEMU exited before the timeout:
 * panic=-1 and -no-reboot) with no panic line on its console: the kernel
 * lost its console output at the panic, so kradar's dump, printed the
 * same way, cannot be there either. Seen once on PREEMPT_RT 6.12 with the
 * port absent: the console stopped mid-line as the storm began and QEMU
 * exited 5 s later. @why gets the console's last line.
 */
static bool console_lost_at_panic(const struct run *r, char *why, size_t len)
{
	char path[PATH_MAX + 32], line[1024], last[1024] = "";
	bool exited = false;
	FILE *f;

	if (serial_count(r->dir, "Kernel panic - not syncing", NULL, 0) > 0)
		return false;
	snprintf(path, sizeof(path), "%s/run-events.txt", r->dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		exited |= strstr(line, " qemu exited ") != NULL;
	fclose(f);
	if (!exited)
		return false;
	snprintf(path, sizeof(path), "%s/serial.log", r->dir);
	f = fopen(path, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (line[0] && line[0] != '\n')
			snprintf(last, sizeof(last), "%s", line);
	fclose(f);
	last[strcspn(last, "\r\n")] = '\0';
	snprintf(why, len,
		 "the guest went down with no panic line on its console, which ends '%s': the kernel's console output at panic was lost, the dump with it",
		 last);
	return true;
}

static void report_dump(const char *dir, const struct panic_view *v)
{
	double t0 = serial_time(dir, "kradar-dump: begin");
	double t1 = serial_time(dir, "kradar-dump: end");
	double tp = serial_time(dir, "Kernel panic - not syncing");

	printf("# dump: %.0f lines, %.0f rejected, %.0f bytes, %.0f records recovered, %.0f already received\n",
	       v->dump_lines, v->dump_rejected, v->dump_bytes, v->dump_recovered,
	       v->dump_seen);
	printf("# dump time in the guest: %.1f us (notifier, sched_clock); printk begin %.6f end %.6f, %.3f ms after the panic line\n",
	       v->dump_ns / 1e3, t0, t1, t0 >= 0 && tp >= 0 ? (t0 - tp) * 1e3 : -1);
}

static void test_panic_storm(const char *top)
{
	struct panic_view *v = calloc(1, sizeof(*v));
	char why[1280];
	struct run r;

	if (!v)
		return;
	if (run_scenario(top, "panic-storm", "--scenario panic-storm --timeout 180",
			 STORM_FN, &r)) {
		tap(false, "panic-storm: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		goto out;
	}
	if (console_lost_at_panic(&r, why, sizeof(why))) {
		skip("panic-storm: the dump on the console", why);
		goto out;
	}
	tap(serial_count(r.dir, "Kernel panic - not syncing", NULL, 0) > 0,
	    "panic-storm: the guest panicked", "no 'Kernel panic' in %s/serial.log",
	    r.dir);
	tap(serial_count(r.dir, "kradar-dump: begin", NULL, 0) == 1 &&
	    serial_count(r.dir, "kradar-dump: end", NULL, 0) == 1,
	    "panic-storm: the probe printed one dump",
	    "expected one begin and one end line, got %d and %d",
	    serial_count(r.dir, "kradar-dump: begin", NULL, 0),
	    serial_count(r.dir, "kradar-dump: end", NULL, 0));
	if (read_view(r.dir, v)) {
		tap(false, "panic-storm: events.jsonl readable", "%s", r.dir);
		goto out;
	}
	tap(v->have_dump_event && v->dump_lines > 0,
	    "panic-storm: the collector read the dump from serial.log",
	    "expected a console_dump event with lines > 0, got %s, %.0f lines",
	    v->have_dump_event ? "one" : "none", v->dump_lines);
	tap(v->dump_rejected == 0 && v->dump_complete == 1,
	    "panic-storm: every dump line verified, the dump is complete",
	    "expected 0 rejected and 1 complete dump, got %.0f and %.0f",
	    v->dump_rejected, v->dump_complete);
	tap(v->console_records > 0 && v->console_records == v->dump_recovered,
	    "panic-storm: recovered records are in events.jsonl via console",
	    "expected %.0f events with \"via\":\"console\", got %d",
	    v->dump_recovered, v->console_records);
	tap(v->console_windows_storm == 1 && v->console_storm_rate >= STORM_RATE,
	    "panic-storm: the partial window at panic names the storm at storm rate",
	    "expected 1 console window on CPU %d with %s at >= %d/s, got %d (rate %.0f); console windows: %s",
	    STORM_CPU, STORM_FN, STORM_RATE, v->console_windows_storm,
	    v->console_storm_rate,
	    v->console_windows[0] ? v->console_windows : "none");
	tap(r.storms >= 1 && !strcmp(r.first_storm.function, STORM_FN) &&
	    r.first_storm.cpu == STORM_CPU,
	    "panic-storm: the storm is reported for its function and CPU",
	    "expected hrtimer_storm %s on CPU %d, got %d storms, first '%s' on %lld",
	    STORM_FN, STORM_CPU, r.storms, r.first_storm.function,
	    r.first_storm.cpu);
	check_sequences("panic-storm", v);
	tap(v->have_summary && v->transit_lost == 0,
	    "panic-storm: nothing lost between guest and host",
	    "expected transit_lost_records 0, got %.0f", v->transit_lost);
	report_dump(r.dir, v);
out:
	free(v);
}

static void test_panic_noport(const char *top)
{
	struct panic_view *v = calloc(1, sizeof(*v));
	char why[1280];
	struct run r;

	if (!v)
		return;
	if (run_scenario(top, "panic-storm-noport",
			 "--scenario panic-storm --timeout 180 --probe-args port=org.kradar.absent",
			 STORM_FN, &r) || read_view(r.dir, v)) {
		tap(false, "port absent: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		goto out;
	}
	if (console_lost_at_panic(&r, why, sizeof(why))) {
		skip("port absent: the dump on the console", why);
		goto out;
	}
	tap(v->dump_rejected == 0 && v->dump_complete == 1 &&
	    v->console_records > 0 && v->console_records == v->dump_recovered,
	    "port absent: the whole evidence comes via console",
	    "expected a complete dump, 0 rejected, console records == recovered; got %.0f complete, %.0f rejected, %d records, %.0f recovered",
	    v->dump_complete, v->dump_rejected, v->console_records,
	    v->dump_recovered);
	tap(v->dump_bytes > 0 && v->dump_bytes <= 16384,
	    "port absent: the dump stays within panic_kb (16 KiB)",
	    "expected 1..16384 bytes, got %.0f", v->dump_bytes);
	tap(v->console_storm,
	    "port absent: the storm record is among them",
	    "expected an hrtimer_storm for %s on CPU %d via console", STORM_FN,
	    STORM_CPU);
	tap(v->console_lost_records >= v->dump_left_out &&
	    v->gap_records <= v->console_lost_records,
	    "port absent: what the dump left out is in a LOST record covering every gap",
	    "expected lost records >= left out %.0f and >= gap records %.0f, got %.0f",
	    v->dump_left_out, v->gap_records, v->console_lost_records);
	check_sequences("port absent", v);
	report_dump(r.dir, v);
out:
	free(v);
}

static void test_panic_off(const char *top)
{
	struct panic_view *v = calloc(1, sizeof(*v));
	char why[1280];
	struct run r;

	if (!v)
		return;
	if (run_scenario(top, "panic-storm-off",
			 "--scenario panic-storm --timeout 180 --probe-args panic_kb=0",
			 STORM_FN, &r) || read_view(r.dir, v)) {
		tap(false, "panic_kb=0: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		goto out;
	}
	if (console_lost_at_panic(&r, why, sizeof(why))) {
		skip("panic_kb=0: the console after the panic", why);
		goto out;
	}
	tap(serial_count(r.dir, "Kernel panic - not syncing", NULL, 0) > 0,
	    "panic_kb=0: the guest panicked", "no 'Kernel panic' in %s/serial.log",
	    r.dir);
	tap(serial_count(r.dir, "kradar-dump:", NULL, 0) == 0 &&
	    v->have_dump_event && v->dump_lines == 0 && v->console_records == 0,
	    "panic_kb=0: no dump, nothing via console",
	    "expected 0 dump lines and 0 console records, got %d lines (%.0f seen by the collector), %d records",
	    serial_count(r.dir, "kradar-dump:", NULL, 0), v->dump_lines,
	    v->console_records);
	tap(r.storms >= 1, "panic_kb=0: the storm is still reported from the stream",
	    "expected >= 1 hrtimer_storm, got %d", r.storms);
out:
	free(v);
}

static void test_idle(const char *top)
{
	struct panic_view *v = calloc(1, sizeof(*v));
	struct run r;

	if (!v)
		return;
	if (run_scenario(top, "panic-control-idle", "--scenario idle", NULL, &r) ||
	    read_view(r.dir, v)) {
		tap(false, "idle: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		goto out;
	}
	tap(serial_count(r.dir, "kradar-dump:", NULL, 0) == 0,
	    "idle: no dump lines on the console",
	    "expected 0, got %d", serial_count(r.dir, "kradar-dump:", NULL, 0));
	tap(v->have_dump_event && v->dump_lines == 0 && v->console_records == 0,
	    "idle: serial.log read, no record via console",
	    "expected a console_dump event with 0 lines and 0 console records, got %s, %.0f lines, %d records",
	    v->have_dump_event ? "one" : "none", v->dump_lines,
	    v->console_records);
	tap(r.status == 0, "idle: collector exits 0", "expected 0, got %d",
	    r.status);
out:
	free(v);
}

static void test_lockup(const char *top)
{
	struct panic_view *v = calloc(1, sizeof(*v));
	struct run r;

	if (!v)
		return;
	if (run_scenario(top, "panic-lockup", "--scenario panic-lockup --timeout 180",
			 NULL, &r) || read_view(r.dir, v)) {
		tap(false, "panic-lockup: run produced events.jsonl",
		    "kradar-run exit %d, see %s.log", r.status, r.dir);
		goto out;
	}
	tap(serial_count(r.dir, "soft lockup - CPU#1", NULL, 0) > 0 &&
	    serial_count(r.dir, "Kernel panic - not syncing", NULL, 0) > 0,
	    "panic-lockup: the soft-lockup detector panicked the guest",
	    "expected 'soft lockup - CPU#1' and 'Kernel panic' in %s/serial.log",
	    r.dir);
	tap(v->have_dump_event && v->dump_lines > 0 && v->dump_rejected == 0 &&
	    v->console_records > 0 && v->console_records == v->dump_recovered,
	    "panic-lockup: the dump reached events.jsonl via console",
	    "expected dump lines, 0 rejected, console records == recovered; got %.0f lines, %.0f rejected, %d records, %.0f recovered",
	    v->dump_lines, v->dump_rejected, v->console_records,
	    v->dump_recovered);
	check_sequences("panic-lockup", v);
	report_dump(r.dir, v);
out:
	free(v);
}

int main(int argc, char **argv)
{
	static const char *const names[] = {
		"panic-storm", "port absent", "panic_kb=0", "idle control",
		"panic-lockup",
	};
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);

	if (why) {
		for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
			skip(names[i], why[0] == '!' ? why + 1 : why);
		e2e_done();
		return why[0] == '!' ? 2 : 0;
	}
	test_panic_storm(top);
	test_panic_noport(top);
	test_panic_off(top);
	test_idle(top);
	test_lockup(top);
	return e2e_done();
}
