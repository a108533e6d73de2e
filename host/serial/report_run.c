// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report DIR: the report of one run directory.
 *
 *   kradar-report DIR [--format text|email|json|perfetto]
 *                 [--syzbot-report FILE] [--syzbot-log FILE]
 *                 [--vmlinux FILE] [--ko FILE]... [--out FILE] [--no-files]
 *
 * Loads the run (kradar_run: probe records, console, runner notes on one
 * clock), compares it with syzbot's files when given, writes the evidence
 * files into DIR (timeline.svg, report-email.txt, report.json,
 * trace.perfetto.json) and prints the chosen format to standard output
 * or --out FILE. Text and JSON come from the same calls (report.h), so
 * they cannot drift.
 * Exit: 0 nothing found, 1 a stall, crash or probe anomaly, 2 usage or I/O,
 * 3 inconclusive: no probe record in the run (no data) and nothing found
 * on the console.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kradar_run.h"
#include "report.h"

#ifndef KRADAR_VERSION
#define KRADAR_VERSION "unknown"
#endif

#define TEXT_MAX_TL	60	/* key timeline entries shown in text */
#define TEXT_MAX_STALLS	20	/* stall windows shown in text */

enum fmt { FMT_TEXT, FMT_EMAIL, FMT_JSON, FMT_PERFETTO };

static const char *const file_names[] = {
	"timeline.svg", "report-email.txt", "report.json", "trace.perfetto.json",
};
#define NR_FILES (sizeof(file_names) / sizeof(file_names[0]))

static const char *source_name(enum kradar_tl_source s)
{
	return s == KRADAR_TL_RUN ? "run" : s == KRADAR_TL_CONSOLE ? "console" : "probe";
}

/* The job the guest ran, from the runner's "job started: NAME" mark. */
static const char *job_name(const struct kradar_run *r)
{
	size_t i;

	for (i = 0; i < r->nr_marks; i++)
		if (!strncmp(r->marks[i].text, "job started: ", 13))
			return r->marks[i].text + 13;
	return NULL;
}

static void print_run_info(const struct kradar_run *r)
{
	const char *job = job_name(r);
	size_t i;

	out_open_object("run");
	out_string("dir", NULL, r->dir);
	out_string("name", NULL, r->name);
	out_int("schema", NULL, r->schema);
	out_text("%skradar report%s: %s\n", out_c(C_BOLD), out_c(C_OFF), r->dir);
	out_text("run:      ");
	if (r->release[0])
		out_string("release", "guest kernel %s", r->release);
	else
		out_string("release", "guest kernel unknown (no probe hello)", "");
	if (r->nr_cpus)
		out_int("nr_cpus", ", %" PRId64 " CPUs", r->nr_cpus);
	if (job)
		out_string("job", ", job %s", job);
	else
		out_null("job");
	for (i = 0; i < r->nr_run_events; i++) {
		const char *a = strstr(r->run_events[i].text, "accel=");

		if (a) {
			char acc[16];

			snprintf(acc, sizeof(acc), "%.*s", (int)strcspn(a + 6, " "), a + 6);
			out_string("accel", ", %s", acc);
			break;
		}
	}
	if (r->qemu_pid > 0)
		out_int("qemu_pid", ", QEMU pid %" PRId64, r->qemu_pid);
	out_text("\n");
	out_string("cmdline", r->cmdline[0] ? "cmdline:  %s\n" : NULL, r->cmdline);
	out_int("heartbeat_ms", NULL, r->heartbeat_ms);
	out_int("window_ms", NULL, r->window_ms);
	out_int("clk_tck", NULL, r->clk_tck);
	out_string("kradar_version", NULL, KRADAR_VERSION);
	out_bool("have_events", NULL, r->have_events);
	out_bool("have_serial", NULL, r->have_serial);
	out_bool("have_run_events", NULL, r->have_run_events);
	out_bool("have_qemu_cpu", NULL, r->have_cpu);
	out_close_object();

	out_open_object("clock");
	out_text("clock:    ");
	if (r->have_offset) {
		out_int("offset_ns", "host_ns = guest_ns + %" PRId64, r->offset_ns);
		out_bool("estimated", NULL, r->offset_estimated);
		out_text(r->offset_estimated ? " (estimated from QEMU's exit)" :
			 " (min over %zu heartbeats)", r->nr_hb);
	} else {
		out_null("offset_ns");
		out_bool("estimated", NULL, false);
		out_text("guest and host clocks not linked (no heartbeats, no QEMU exit)");
	}
	out_uint("heartbeats", NULL, r->nr_hb);
	if (r->hz)
		out_int("hz", ", HZ %" PRId64 " (from the tick rate)", r->hz);
	else
		out_null("hz");
	out_text("\n");
	out_close_object();
}

static void print_console(const struct kradar_run *r)
{
	const struct kradar_serial_report *rep = kradar_run__report(r);
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;

	out_open_object("console");
	out_text("console:  ");
	if (rep) {
		out_string("title", "%s", rep->title);
		out_string("type", " (type %s", rep->type);
		if (rep->cpu >= 0)
			out_int("cpu", ", CPU %" PRId64, rep->cpu);
		else
			out_null("cpu");
		if (rep->start.has_time)
			out_time("time", ", at [%s]", rep->start.time_ns);
		out_text(")");
		out_string("frame", NULL, rep->guilty_frame);
		out_string("first_line", NULL, rep->first_line);
		out_open_array("key_frames");
		for (int k = 0; k < rep->nr_frames; k++)
			if (rep->frames[k].key)
				out_string(NULL, NULL, rep->frames[k].func);
		out_close_array();
	} else {
		out_null("title");
		out_text("%s", r->have_serial ? "no crash report" : "no serial.log");
	}
	out_text("\n");
	out_open_array("reports");
	for (i = 0; r->console && i < kradar_serial__nr_reports(r->console); i++)
		out_string(NULL, NULL, kradar_serial__report(r->console, i)->title);
	out_close_array();
	out_open_array("events");
	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		out_open_object(NULL);
		out_string("kind", NULL, kradar_serial__event_name(e->kind));
		if (e->pos.has_time)
			out_time("time", NULL, e->pos.time_ns);
		else
			out_null("time");
		out_uint("line", NULL, e->pos.line);
		out_int("cpu", NULL, e->cpu);
		out_bool("finding", NULL, kradar_serial__event_is_finding(e->kind));
		out_string("text", NULL, e->text);
		out_close_object();
	}
	out_close_array();
	out_close_object();
}

static void print_probe(const struct kradar_run *r)
{
	size_t i, cnt[KRADAR_SPAN__COUNT] = { 0 };
	int cpu;

	for (i = 0; i < r->nr_spans; i++)
		cnt[r->spans[i].kind]++;
	out_open_object("probe");
	out_text("probe:    ");
	if (!r->have_events)
		out_text("no events.jsonl (no probe data): ");
	else if (!kradar_run__probe_data(r))
		out_text("no probe data: ");
	out_bool("probe_data", NULL, kradar_run__probe_data(r));
	out_uint("records", r->have_events ? "%" PRIu64 " records: " : NULL, r->records);
	out_uint("storms", "%" PRIu64 " storm(s), ", cnt[KRADAR_SPAN_STORM]);
	out_uint("qs_gaps", "%" PRIu64 " RCU gap(s), ", cnt[KRADAR_SPAN_QS_GAP]);
	out_uint("gp_stalls", "%" PRIu64 " grace-period stall(s), ", cnt[KRADAR_SPAN_GP_STALL]);
	out_uint("lock_holds", "%" PRIu64 " lock hold(s), ", cnt[KRADAR_SPAN_LOCK]);
	out_uint("heartbeat_gaps", "%" PRIu64 " heartbeat gap(s)\n", cnt[KRADAR_SPAN_HB_GAP]);
	out_uint("lost_records", NULL, r->lost_records);
	out_uint("bad_lines", NULL, r->bad_lines);
	out_uint("unknown_types", NULL, r->unknown_types);
	out_uint("dropped", NULL, r->dropped);
	if (r->collect_verdict[0])
		out_string("collector_verdict", "          collector: %s\n", r->collect_verdict);
	out_open_array("spans");
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];

		out_open_object(NULL);
		out_string("kind", NULL, kradar_span__kind_name(sp->kind));
		out_int("cpu", NULL, sp->cpu);
		out_int("begin_ns", NULL, sp->begin_ns);
		out_int("end_ns", NULL, sp->end_ns);
		out_bool("ended", NULL, sp->ended);
		out_string("name", NULL, sp->name);
		out_double("value", NULL, sp->value);
		if (sp->kind == KRADAR_SPAN_STORM)
			out_double("late_pct", NULL, sp->late_pct);
		if (sp->task[0])
			out_string("task", NULL, sp->task);
		if (sp->pid >= 0)
			out_int("pid", NULL, sp->pid);
		if (sp->state[0])
			out_string("state", NULL, sp->state);
		if (sp->top[0]) {
			out_string("top_hrtimer", NULL, sp->top);
			out_double("top_rate_per_s", NULL, sp->top_rate);
		}
		if (sp->kind == KRADAR_SPAN_LOCK) {
			out_int("waiters", NULL, sp->nr_waiters);
			out_string("first_waiter", NULL, sp->waiter);
		}
		if (sp->nr_cpus) {
			out_open_array("cpus");
			for (int k = 0; k < sp->nr_cpus; k++)
				out_int(NULL, NULL, sp->cpus[k]);
			out_close_array();
		}
		if (sp->nr_frames) {
			out_open_array("stack");
			for (int k = 0; k < sp->nr_frames; k++)
				out_string(NULL, NULL, sp->frames[k]);
			out_close_array();
		}
		if (sp->kind == KRADAR_SPAN_HB_GAP) {
			out_int("host_begin_ns", NULL, sp->host_begin_ns);
			out_int("host_end_ns", NULL, sp->host_end_ns);
		}
		out_close_object();
	}
	out_close_array();
	/* per CPU: windows and the peak hrtimer rate */
	out_open_array("cpus");
	for (cpu = 0; cpu < KRADAR_RUN_MAX_CPUS; cpu++) {
		double peak = 0, peak_top = 0;
		int top = -1;
		size_t nw = 0;

		for (i = 0; i < r->nr_windows; i++) {
			const struct kradar_window *w = &r->windows[i];

			if (w->cpu != cpu)
				continue;
			nw++;
			if (w->rate_per_s > peak)
				peak = w->rate_per_s;
			if (w->top_rate_per_s > peak_top) {
				peak_top = w->top_rate_per_s;
				top = w->top;
			}
		}
		if (!nw)
			continue;
		out_open_object(NULL);
		out_int("cpu", NULL, cpu);
		out_uint("windows", NULL, nw);
		out_double("peak_rate_per_s", NULL, peak);
		out_string("peak_function", NULL, kradar_run__name(r, top));
		out_double("peak_function_rate_per_s", NULL, peak_top);
		out_close_object();
	}
	out_close_array();
	out_close_object();
}

static void print_syzbot(const struct kradar_cmp *c)
{
	int i;

	out_open_object("syzbot");
	out_bool("given", NULL, c->have_syzbot);
	if (!c->have_syzbot) {
		out_close_object();
		return;
	}
	out_text("%ssyzbot%s:   ", out_c(C_BOLD), out_c(C_OFF));
	out_string("verdict", "%s\n", c->verdict);
	out_string("match", NULL, kradar_match__name(c->match));
	out_string("syzbot_title", "          syzbot: %s\n", c->syz_title);
	out_string("local_title", "          local:  %s\n", c->local_title[0] ?
		   c->local_title : "(none)");
	out_bool("same_type", NULL, c->same_type);
	out_open_array("common_frames");
	if (c->nr_common)
		out_text("          common key frames:");
	for (i = 0; i < c->nr_common; i++)
		out_string(NULL, " %s", c->common[i]);
	if (c->nr_common)
		out_text("\n");
	out_close_array();
	out_open_array("syzbot_only_frames");
	if (c->nr_syz_only)
		out_text("          only in syzbot's:");
	for (i = 0; i < c->nr_syz_only; i++)
		out_string(NULL, " %s", c->syz_only[i]);
	if (c->nr_syz_only)
		out_text("\n");
	out_close_array();
	out_open_array("local_only_frames");
	if (c->nr_local_only)
		out_text("          only in the local report:");
	for (i = 0; i < c->nr_local_only; i++)
		out_string(NULL, " %s", c->local_only[i]);
	if (c->nr_local_only)
		out_text("\n");
	out_close_array();
	out_open_array("differing_lines");
	for (i = 0; i < c->nr_diff_lines; i++)
		out_string(NULL, "          %s\n", c->diff_lines[i]);
	out_close_array();
	out_close_object();
}

static void print_timeline(const struct kradar_run *r)
{
	size_t i, shown = 0, nkey = 0;

	out_text("%skey timeline%s (printk time; * = host event on the guest clock):\n",
		 out_c(C_BOLD), out_c(C_OFF));
	for (i = 0; i < r->nr_tl; i++)
		nkey += r->tl[i].key;
	out_open_array("timeline");
	for (i = 0; i < r->nr_tl; i++) {
		const struct kradar_tl *e = &r->tl[i];
		bool show = e->key && shown < TEXT_MAX_TL;

		shown += show;
		out_open_object(NULL);
		out_int("t_ns", NULL, e->t_ns);
		out_stime("time", show ? "  [%12s]" : NULL, e->t_ns);
		out_bool("mapped", NULL, e->mapped);
		if (show)
			out_text("%s", e->mapped ? "*" : " ");
		out_string("source", NULL, source_name(e->source));
		out_string("kind", show ? " %-22s " : NULL, e->kind);
		out_int("cpu", NULL, e->cpu);
		out_bool("key", NULL, e->key);
		if (show && e->cpu >= 0)
			out_text("CPU%-3d ", e->cpu);
		else if (show)
			out_text("       ");
		out_string("text", show ? "%s\n" : NULL, e->text);
		out_close_object();
	}
	out_close_array();
	if (nkey > shown)
		out_text("  ... %zu more key entries in report.json\n", nkey - shown);
}

static const char *verdict_color(enum kradar_verdict v)
{
	return v == KRADAR_STARVED_BY_HOST ? C_YEL : v == KRADAR_GUEST_INTERNAL ? C_RED : "";
}

static void print_stalls(const struct kradar_run *r)
{
	size_t i;

	if (r->nr_stalls)
		out_text("%sstall windows%s (host starvation or guest bug):\n",
			 out_c(C_BOLD), out_c(C_OFF));
	out_open_array("stalls");
	for (i = 0; i < r->nr_stalls; i++) {
		const struct kradar_stall *s = &r->stalls[i];
		bool show = i < TEXT_MAX_STALLS;

		out_open_object(NULL);
		out_string("source", show ? "  %s" : NULL, s->source);
		out_string("what", NULL, s->what);
		out_int("cpu", NULL, s->cpu);
		out_bool("busy", NULL, s->busy);
		out_int("begin_ns", NULL, s->begin_ns);
		out_int("end_ns", NULL, s->end_ns);
		out_stime("begin", show ? " [%s" : NULL, s->begin_ns);
		out_stime("end", show ? " .. %s]" : NULL, s->end_ns);
		out_int("host_begin_ns", NULL, s->host_begin_ns);
		out_int("host_end_ns", NULL, s->host_end_ns);
		if (show)
			out_text(": %s", out_c(verdict_color(s->verdict)));
		out_string("verdict", show ? "%s" : NULL, kradar_verdict__name(s->verdict));
		if (show)
			out_text("%s\n      %s\n", out_c(C_OFF), s->what);
		if (s->qemu_cpu_pct >= 0)
			out_double("qemu_cpu_pct", show ? "      QEMU CPU %.1f%%" : NULL,
				   s->qemu_cpu_pct);
		else {
			out_null("qemu_cpu_pct");
			if (show)
				out_text("      QEMU CPU unknown");
		}
		if (s->clock_ratio >= 0)
			out_double("clock_ratio", show ? ", guest/host clock %.3f" : NULL,
				   s->clock_ratio);
		else {
			out_null("clock_ratio");
			if (show)
				out_text(", guest/host clock unknown");
		}
		if (s->hb_gap_host_ns >= 0) {
			out_int("hb_gap_host_ns", NULL, s->hb_gap_host_ns);
			out_int("hb_gap_guest_ns", NULL, s->hb_gap_guest_ns);
			if (show)
				out_text(", heartbeat gap %.2f s host / %.2f s guest",
					 (double)s->hb_gap_host_ns / 1e9,
					 (double)s->hb_gap_guest_ns / 1e9);
			if (s->hb_gap_cpu_pct >= 0)
				out_double("hb_gap_qemu_cpu_pct",
					   show ? " (QEMU %.1f%% in it)" : NULL, s->hb_gap_cpu_pct);
			else
				out_null("hb_gap_qemu_cpu_pct");
		} else {
			out_null("hb_gap_host_ns");
			out_null("hb_gap_guest_ns");
			out_null("hb_gap_qemu_cpu_pct");
			if (show)
				out_text(", no heartbeat gap");
		}
		out_int("not_run_ns", NULL, s->not_run_ns);
		out_string("reason", show ? "\n      %s\n" : NULL, s->reason);
		out_close_object();
	}
	out_close_array();
	if (r->nr_stalls > TEXT_MAX_STALLS)
		out_text("  ... %zu more in report.json\n", r->nr_stalls - TEXT_MAX_STALLS);
}

int run_print(const struct kradar_run *r, const struct kradar_cmp *cmp,
	      const char *const *files, FILE *f, bool json)
{
	bool saved = json_output;
	size_t i;
	int e;

	out_begin(f, json);
	out_string("schema", NULL, KRADAR_REPORT_SCHEMA);
	print_run_info(r);
	print_console(r);
	print_probe(r);
	print_syzbot(cmp);
	out_text("%snarrative%s:\n", out_c(C_BOLD), out_c(C_OFF));
	out_open_array("narrative");
	for (i = 0; i < r->nr_narrative; i++)
		out_string(NULL, "  - %s\n", r->narrative[i]);
	out_close_array();
	print_timeline(r);
	print_stalls(r);
	out_open_object("files");
	if (files && files[0])
		out_text("files:    ");
	for (i = 0; files && i < NR_FILES && files[i]; i++)
		out_string(file_names[i], i ? "\n          %s" : "%s", files[i]);
	if (files && files[0])
		out_text("\n");
	out_close_object();
	out_bool("finding", NULL, kradar_run__finding(r));
	out_int("exit_code", NULL, kradar_run__exit_code(r));
	e = out_finish();
	out_begin(stdout, saved);	/* errors go to stdout/stderr again */
	return e;
}

/* Write one evidence file; 0, or -1 with the error printed. */
static int write_file(const char *path, const struct kradar_run *r,
		      const struct kradar_cmp *cmp, int which)
{
	FILE *f = fopen(path, "w");
	int e;

	if (!f) {
		p_err("cannot write %s: %s; give a writable run directory or --no-files",
		      path, strerror(errno));
		return -1;
	}
	switch (which) {
	case 0:
		e = run_svg(r, f);
		break;
	case 1:
		e = run_email(r, cmp, f);
		break;
	case 2:
		e = run_print(r, cmp, NULL, f, true);
		break;
	default:
		e = run_perfetto(r, f);
		break;
	}
	if (ferror(f))
		e = -1;
	if (fclose(f))
		e = -1;
	if (e)
		p_err("cannot write %s: %s", path, strerror(errno ? errno : EIO));
	return e;
}

int do_run(const struct run_args *a)
{
	const char *dir = a->dir, *syz_report = a->syz_report, *syz_log = a->syz_log;
	const char *vmlinux = a->vmlinux, *out = a->out;
	const char *const *ko = a->ko;
	char paths[NR_FILES][1200], err[512];
	const char *files[NR_FILES + 1] = { 0 };
	struct kradar_syms *syms = NULL;
	struct kradar_run *r = NULL;
	struct kradar_cmp cmp;
	enum fmt fmt = json_output ? FMT_JSON : FMT_TEXT;
	bool no_files = a->no_files;
	int i, nko = a->nko, ret = 2, e = 0;
	FILE *f = stdout;
	struct stat st;

	if (a->format) {
		const char *v = a->format;

		if (!strcmp(v, "text"))
			fmt = FMT_TEXT;
		else if (!strcmp(v, "email"))
			fmt = FMT_EMAIL;
		else if (!strcmp(v, "json"))
			fmt = FMT_JSON;
		else if (!strcmp(v, "perfetto"))
			fmt = FMT_PERFETTO;
		else {
			p_err("unknown --format '%s'; use text, email, json or perfetto", v);
			return 2;
		}
	}
	json_output = fmt == FMT_JSON;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		p_err("%s is not a directory; give a run directory (tools/kradar-run --out DIR)",
		      dir);
		return 2;
	}
	if (vmlinux || nko) {
		syms = kradar_syms__new();
		if (!syms) {
			p_err("cannot initialise libelf: %s", strerror(errno));
			return 2;
		}
		if (vmlinux && kradar_syms__add(syms, vmlinux, false, err, sizeof(err))) {
			p_err("%s", err);
			goto out;
		}
		for (i = 0; i < nko; i++)
			if (kradar_syms__add(syms, ko[i], true, err, sizeof(err))) {
				p_err("%s", err);
				goto out;
			}
	}
	r = kradar_run__load(dir, err, sizeof(err));
	if (!r) {
		p_err("%s", err);
		goto out;
	}
	if (syms)
		kradar_run__symbolize(r, syms);
	e = kradar_run__analyse(r);
	if (e) {
		p_err("cannot analyse %s: %s", dir, strerror(-e));
		goto out;
	}
	if (kradar_cmp__syzbot(r, syz_report, syz_log, &cmp, err, sizeof(err))) {
		p_err("%s", err);
		goto out;
	}
	if (!no_files) {
		for (i = 0; i < (int)NR_FILES; i++) {
			snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, file_names[i]);
			if (write_file(paths[i], r, &cmp, i))
				goto out;
			files[i] = paths[i];
		}
	}
	if (out) {
		f = fopen(out, "w");
		if (!f) {
			p_err("cannot write %s: %s", out, strerror(errno));
			goto out;
		}
	}
	out_color = fmt == FMT_TEXT && !out && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	switch (fmt) {
	case FMT_TEXT:
	case FMT_JSON:
		e = run_print(r, &cmp, no_files ? NULL : files, f, fmt == FMT_JSON);
		break;
	case FMT_EMAIL:
		e = run_email(r, &cmp, f);
		break;
	case FMT_PERFETTO:
		e = run_perfetto(r, f);
		break;
	}
	if (f != stdout) {
		if (ferror(f))
			e = -1;
		if (fclose(f))
			e = -1;
	} else if (fflush(f) || ferror(f)) {
		e = -1;
	}
	if (e) {
		p_err("cannot write %s: %s", out ? out : "standard output",
		      strerror(errno ? errno : EIO));
		goto out;
	}
	ret = kradar_run__exit_code(r);
out:
	kradar_run__free(r);
	kradar_syms__free(syms);
	return ret;
}
