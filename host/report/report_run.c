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

/* An ANSI colour sequence in coloured text, else "" */
static const char *color(const struct out *o, const char *code)
{
	return out_color && !o->json ? code : "";
}

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

static void print_run_info(struct out *o, const struct kradar_run *r)
{
	const char *job = job_name(r);
	size_t i;

	out_obj_open(o, "run");
	out_str(o, "dir", NULL, r->dir);
	out_str(o, "name", NULL, r->name);
	out_int(o, "schema", NULL, r->schema);
	out_text(o, "%skradar report%s: %s\n", color(o, C_BOLD), color(o, C_OFF), r->dir);
	out_text(o, "run:      ");
	if (r->release[0])
		out_str(o, "release", "guest kernel %s", r->release);
	else
		out_str(o, "release", "guest kernel unknown (no probe hello)", "");
	if (r->nr_cpus)
		out_int(o, "nr_cpus", ", %lld CPUs", r->nr_cpus);
	if (job)
		out_str(o, "job", ", job %s", job);
	else
		out_null(o, "job", NULL);
	for (i = 0; i < r->nr_run_events; i++) {
		const char *a = strstr(r->run_events[i].text, "accel=");

		if (a) {
			char acc[16];

			snprintf(acc, sizeof(acc), "%.*s", (int)strcspn(a + 6, " "), a + 6);
			out_str(o, "accel", ", %s", acc);
			break;
		}
	}
	if (r->qemu_pid > 0)
		out_int(o, "qemu_pid", ", QEMU pid %lld", r->qemu_pid);
	out_text(o, "\n");
	out_str(o, "cmdline", r->cmdline[0] ? "cmdline:  %s\n" : NULL, r->cmdline);
	out_int(o, "heartbeat_ms", NULL, r->heartbeat_ms);
	out_int(o, "window_ms", NULL, r->window_ms);
	out_int(o, "clk_tck", NULL, r->clk_tck);
	out_str(o, "kradar_version", NULL, KRADAR_VERSION);
	out_bool(o, "have_events", NULL, r->have_events);
	out_bool(o, "have_serial", NULL, r->have_serial);
	out_bool(o, "have_run_events", NULL, r->have_run_events);
	out_bool(o, "have_qemu_cpu", NULL, r->have_cpu);
	out_obj_close(o);

	out_obj_open(o, "clock");
	out_text(o, "clock:    ");
	if (r->have_offset) {
		out_int(o, "offset_ns", "host_ns = guest_ns + %lld", r->offset_ns);
		out_bool(o, "estimated", NULL, r->offset_estimated);
		out_text(o, r->offset_estimated ? " (estimated from QEMU's exit)" :
			 " (min over %zu heartbeats)", r->nr_hb);
	} else {
		out_null(o, "offset_ns", NULL);
		out_bool(o, "estimated", NULL, false);
		out_text(o, "guest and host clocks not linked (no heartbeats, no QEMU exit)");
	}
	out_uint(o, "heartbeats", NULL, r->nr_hb);
	if (r->hz)
		out_int(o, "hz", ", HZ %lld (from the tick rate)", r->hz);
	else
		out_null(o, "hz", NULL);
	out_text(o, "\n");
	out_obj_close(o);
}

static void print_console(struct out *o, const struct kradar_run *r)
{
	const struct kradar_serial_report *rep = kradar_run__report(r);
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;

	out_obj_open(o, "console");
	out_text(o, "console:  ");
	if (rep) {
		out_str(o, "title", "%s", rep->title);
		out_str(o, "type", " (type %s", rep->type);
		if (rep->cpu >= 0)
			out_int(o, "cpu", ", CPU %lld", rep->cpu);
		else
			out_null(o, "cpu", NULL);
		if (rep->start.has_time)
			out_time(o, "time", ", at [%s]", rep->start.time_ns);
		out_text(o, ")");
		out_str(o, "frame", NULL, rep->guilty_frame);
		out_str(o, "first_line", NULL, rep->first_line);
		out_arr_open(o, "key_frames");
		for (int k = 0; k < rep->nr_frames; k++)
			if (rep->frames[k].key)
				out_str(o, NULL, NULL, rep->frames[k].func);
		out_arr_close(o);
	} else {
		out_null(o, "title", NULL);
		out_text(o, "%s", r->have_serial ? "no crash report" : "no serial.log");
	}
	out_text(o, "\n");
	out_arr_open(o, "reports");
	for (i = 0; r->console && i < kradar_serial__nr_reports(r->console); i++)
		out_str(o, NULL, NULL, kradar_serial__report(r->console, i)->title);
	out_arr_close(o);
	out_arr_open(o, "events");
	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		out_obj_open(o, NULL);
		out_str(o, "kind", NULL, kradar_serial__event_name(e->kind));
		if (e->pos.has_time)
			out_time(o, "time", NULL, e->pos.time_ns);
		else
			out_null(o, "time", NULL);
		out_uint(o, "line", NULL, e->pos.line);
		out_int(o, "cpu", NULL, e->cpu);
		out_bool(o, "finding", NULL, kradar_serial__event_is_finding(e->kind));
		out_str(o, "text", NULL, e->text);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

/* The fields of a stuck CPU or hung task span, and the console's own
 * report of it ("kernel_report", null when the console has none). */
static void print_stuck(struct out *o, const struct kradar_run *r, const struct kradar_span *sp)
{
	const struct kradar_serial_report *rep;
	const struct kradar_serial_event *e = kradar_span__console(r, sp, &rep);
	int64_t lead;

	if (sp->kind == KRADAR_SPAN_STUCK)
		out_str(o, "stuck_kind", NULL, kradar_stuck__kind_name(sp->stuck));
	if (sp->first_t_ns >= 0)
		out_int(o, "first_report_ns", NULL, sp->first_t_ns);
	else
		out_null(o, "first_report_ns", NULL);
	out_str(o, "frame", NULL, sp->frame);
	if (sp->kind == KRADAR_SPAN_STUCK) {
		out_str(o, "stack_from", NULL, sp->stack_from);
		if (sp->stack_ns >= 0)
			out_int(o, "stack_ns", NULL, sp->stack_ns);
		else
			out_null(o, "stack_ns", NULL);
		if (sp->preempt_count >= 0)
			out_int(o, "preempt_count", NULL, sp->preempt_count);
		else
			out_null(o, "preempt_count", NULL);
		if (sp->rt_priority >= 0)
			out_int(o, "rt_priority", NULL, sp->rt_priority);
		if (sp->waiter[0] || sp->waiter_pid >= 0) {
			out_str(o, "waiter", NULL, sp->waiter);
			out_int(o, "waiter_pid", NULL, sp->waiter_pid);
		}
		out_bool(o, "went_idle", NULL, sp->went_idle);
	} else {
		if (sp->lock[0])
			out_str(o, "waits_for", NULL, sp->lock);
		if (sp->lock_holder_pid >= 0)
			out_int(o, "lock_holder_pid", NULL, sp->lock_holder_pid);
		out_bool(o, "exited", NULL, sp->exited);
	}
	if (!e) {
		out_null(o, "kernel_report", NULL);
		return;
	}
	out_obj_open(o, "kernel_report");
	out_str(o, "kind", NULL, kradar_serial__event_name(e->kind));
	out_int(o, "t_ns", NULL, (int64_t)e->pos.time_ns);
	out_time(o, "time", NULL, e->pos.time_ns);
	out_uint(o, "line", NULL, e->pos.line);
	out_str(o, "text", NULL, e->text);
	if (rep)
		out_str(o, "title", NULL, rep->title);
	else
		out_null(o, "title", NULL);
	if (kradar_span__lead_ns(r, sp, &lead))
		out_int(o, "lead_ns", NULL, lead);
	else
		out_null(o, "lead_ns", NULL);
	out_obj_close(o);
}

static void print_probe(struct out *o, const struct kradar_run *r)
{
	size_t i, cnt[KRADAR_SPAN__COUNT] = { 0 };
	int cpu;

	for (i = 0; i < r->nr_spans; i++)
		cnt[r->spans[i].kind]++;
	out_obj_open(o, "probe");
	out_text(o, "probe:    ");
	if (!r->have_events)
		out_text(o, "no events.jsonl (no probe data): ");
	else if (!kradar_run__probe_data(r))
		out_text(o, "no probe data: ");
	out_bool(o, "probe_data", NULL, kradar_run__probe_data(r));
	out_uint(o, "records", r->have_events ? "%llu records: " : NULL, r->records);
	out_uint(o, "storms", "%llu storm(s), ", cnt[KRADAR_SPAN_STORM]);
	out_uint(o, "qs_gaps", "%llu RCU gap(s), ", cnt[KRADAR_SPAN_QS_GAP]);
	out_uint(o, "gp_stalls", "%llu grace-period stall(s), ", cnt[KRADAR_SPAN_GP_STALL]);
	out_uint(o, "lock_holds", "%llu lock hold(s), ", cnt[KRADAR_SPAN_LOCK]);
	out_uint(o, "stuck_cpus", "%llu stuck CPU(s), ", cnt[KRADAR_SPAN_STUCK]);
	out_uint(o, "hung_tasks", "%llu hung task(s), ", cnt[KRADAR_SPAN_HUNG]);
	out_uint(o, "heartbeat_gaps", "%llu heartbeat gap(s)\n", cnt[KRADAR_SPAN_HB_GAP]);
	out_uint(o, "lost_records", NULL, r->lost_records);
	out_uint(o, "bad_lines", NULL, r->bad_lines);
	out_uint(o, "unknown_types", NULL, r->unknown_types);
	out_uint(o, "dropped", NULL, r->dropped);
	if (r->collect_verdict[0])
		out_str(o, "collector_verdict", "          collector: %s\n", r->collect_verdict);
	out_arr_open(o, "spans");
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];

		out_obj_open(o, NULL);
		out_str(o, "kind", NULL, kradar_span__kind_name(sp->kind));
		out_int(o, "cpu", NULL, sp->cpu);
		out_int(o, "begin_ns", NULL, sp->begin_ns);
		out_int(o, "end_ns", NULL, sp->end_ns);
		out_bool(o, "ended", NULL, sp->ended);
		out_str(o, "name", NULL, sp->name);
		out_double(o, "value", NULL, sp->value);
		if (sp->kind == KRADAR_SPAN_STORM)
			out_double(o, "late_pct", NULL, sp->late_pct);
		if (sp->task[0])
			out_str(o, "task", NULL, sp->task);
		if (sp->pid >= 0)
			out_int(o, "pid", NULL, sp->pid);
		if (sp->state[0])
			out_str(o, "state", NULL, sp->state);
		if (sp->top[0]) {
			out_str(o, "top_hrtimer", NULL, sp->top);
			out_double(o, "top_rate_per_s", NULL, sp->top_rate);
		}
		if (sp->kind == KRADAR_SPAN_LOCK) {
			out_int(o, "waiters", NULL, sp->nr_waiters);
			out_str(o, "first_waiter", NULL, sp->waiter);
		}
		if (sp->nr_cpus) {
			out_arr_open(o, "cpus");
			for (int k = 0; k < sp->nr_cpus; k++)
				out_int(o, NULL, NULL, sp->cpus[k]);
			out_arr_close(o);
		}
		if (sp->nr_frames) {
			out_arr_open(o, "stack");
			for (int k = 0; k < sp->nr_frames; k++)
				out_str(o, NULL, NULL, sp->frames[k]);
			out_arr_close(o);
		}
		if (sp->kind == KRADAR_SPAN_HB_GAP) {
			out_int(o, "host_begin_ns", NULL, sp->host_begin_ns);
			out_int(o, "host_end_ns", NULL, sp->host_end_ns);
		}
		if (sp->kind == KRADAR_SPAN_STUCK || sp->kind == KRADAR_SPAN_HUNG)
			print_stuck(o, r, sp);
		out_obj_close(o);
	}
	out_arr_close(o);
	/* per CPU: windows and the peak hrtimer rate */
	out_arr_open(o, "cpus");
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
		out_obj_open(o, NULL);
		out_int(o, "cpu", NULL, cpu);
		out_uint(o, "windows", NULL, nw);
		out_double(o, "peak_rate_per_s", NULL, peak);
		out_str(o, "peak_function", NULL, kradar_run__name(r, top));
		out_double(o, "peak_function_rate_per_s", NULL, peak_top);
		out_obj_close(o);
	}
	out_arr_close(o);
	out_obj_close(o);
}

static void print_syzbot(struct out *o, const struct kradar_cmp *c)
{
	int i;

	out_obj_open(o, "syzbot");
	out_bool(o, "given", NULL, c->have_syzbot);
	if (!c->have_syzbot) {
		out_obj_close(o);
		return;
	}
	out_text(o, "%ssyzbot%s:   ", color(o, C_BOLD), color(o, C_OFF));
	out_str(o, "verdict", "%s\n", c->verdict);
	out_str(o, "match", NULL, kradar_match__name(c->match));
	out_str(o, "syzbot_title", "          syzbot: %s\n", c->syz_title);
	out_str(o, "local_title", "          local:  %s\n", c->local_title[0] ?
		   c->local_title : "(none)");
	out_bool(o, "same_type", NULL, c->same_type);
	out_arr_open(o, "common_frames");
	if (c->nr_common)
		out_text(o, "          common key frames:");
	for (i = 0; i < c->nr_common; i++)
		out_str(o, NULL, " %s", c->common[i]);
	if (c->nr_common)
		out_text(o, "\n");
	out_arr_close(o);
	out_arr_open(o, "syzbot_only_frames");
	if (c->nr_syz_only)
		out_text(o, "          only in syzbot's:");
	for (i = 0; i < c->nr_syz_only; i++)
		out_str(o, NULL, " %s", c->syz_only[i]);
	if (c->nr_syz_only)
		out_text(o, "\n");
	out_arr_close(o);
	out_arr_open(o, "local_only_frames");
	if (c->nr_local_only)
		out_text(o, "          only in the local report:");
	for (i = 0; i < c->nr_local_only; i++)
		out_str(o, NULL, " %s", c->local_only[i]);
	if (c->nr_local_only)
		out_text(o, "\n");
	out_arr_close(o);
	out_arr_open(o, "differing_lines");
	for (i = 0; i < c->nr_diff_lines; i++)
		out_str(o, NULL, "          %s\n", c->diff_lines[i]);
	out_arr_close(o);
	out_obj_close(o);
}

static void print_timeline(struct out *o, const struct kradar_run *r)
{
	size_t i, shown = 0, nkey = 0;

	out_text(o, "%skey timeline%s (printk time; * = host event on the guest clock):\n",
		 color(o, C_BOLD), color(o, C_OFF));
	for (i = 0; i < r->nr_tl; i++)
		nkey += r->tl[i].key;
	out_arr_open(o, "timeline");
	for (i = 0; i < r->nr_tl; i++) {
		const struct kradar_tl *e = &r->tl[i];
		bool show = e->key && shown < TEXT_MAX_TL;

		shown += show;
		out_obj_open(o, NULL);
		out_int(o, "t_ns", NULL, e->t_ns);
		out_stime(o, "time", show ? "  [%12s]" : NULL, e->t_ns);
		out_bool(o, "mapped", NULL, e->mapped);
		if (show)
			out_text(o, "%s", e->mapped ? "*" : " ");
		out_str(o, "source", NULL, source_name(e->source));
		out_str(o, "kind", show ? " %-22s " : NULL, e->kind);
		out_int(o, "cpu", NULL, e->cpu);
		out_bool(o, "key", NULL, e->key);
		if (show && e->cpu >= 0)
			out_text(o, "CPU%-3d ", e->cpu);
		else if (show)
			out_text(o, "       ");
		out_str(o, "text", show ? "%s\n" : NULL, e->text);
		out_obj_close(o);
	}
	out_arr_close(o);
	if (nkey > shown)
		out_text(o, "  ... %zu more key entries in report.json\n", nkey - shown);
}

static const char *verdict_color(enum kradar_verdict v)
{
	return v == KRADAR_STARVED_BY_HOST ? C_YEL : v == KRADAR_GUEST_INTERNAL ? C_RED : "";
}

static void print_stalls(struct out *o, const struct kradar_run *r)
{
	size_t i;

	if (r->nr_stalls)
		out_text(o, "%sstall windows%s (host starvation or guest bug):\n",
			 color(o, C_BOLD), color(o, C_OFF));
	out_arr_open(o, "stalls");
	for (i = 0; i < r->nr_stalls; i++) {
		const struct kradar_stall *s = &r->stalls[i];
		bool show = i < TEXT_MAX_STALLS;

		out_obj_open(o, NULL);
		out_str(o, "source", show ? "  %s" : NULL, s->source);
		out_str(o, "what", NULL, s->what);
		out_int(o, "cpu", NULL, s->cpu);
		out_bool(o, "busy", NULL, s->busy);
		out_int(o, "begin_ns", NULL, s->begin_ns);
		out_int(o, "end_ns", NULL, s->end_ns);
		out_stime(o, "begin", show ? " [%s" : NULL, s->begin_ns);
		out_stime(o, "end", show ? " .. %s]" : NULL, s->end_ns);
		out_int(o, "host_begin_ns", NULL, s->host_begin_ns);
		out_int(o, "host_end_ns", NULL, s->host_end_ns);
		if (show)
			out_text(o, ": %s", color(o, verdict_color(s->verdict)));
		out_str(o, "verdict", show ? "%s" : NULL, kradar_verdict__name(s->verdict));
		if (show)
			out_text(o, "%s\n      %s\n", color(o, C_OFF), s->what);
		if (s->qemu_cpu_pct >= 0)
			out_double(o, "qemu_cpu_pct", show ? "      QEMU CPU %.1f%%" : NULL,
				   s->qemu_cpu_pct);
		else {
			out_null(o, "qemu_cpu_pct", NULL);
			if (show)
				out_text(o, "      QEMU CPU unknown");
		}
		if (s->clock_ratio >= 0)
			out_double(o, "clock_ratio", show ? ", guest/host clock %.3f" : NULL,
				   s->clock_ratio);
		else {
			out_null(o, "clock_ratio", NULL);
			if (show)
				out_text(o, ", guest/host clock unknown");
		}
		if (s->hb_gap_host_ns >= 0) {
			out_int(o, "hb_gap_host_ns", NULL, s->hb_gap_host_ns);
			out_int(o, "hb_gap_guest_ns", NULL, s->hb_gap_guest_ns);
			if (show)
				out_text(o, ", heartbeat gap %.2f s host / %.2f s guest",
					 (double)s->hb_gap_host_ns / 1e9,
					 (double)s->hb_gap_guest_ns / 1e9);
			if (s->hb_gap_cpu_pct >= 0)
				out_double(o, "hb_gap_qemu_cpu_pct",
					   show ? " (QEMU %.1f%% in it)" : NULL, s->hb_gap_cpu_pct);
			else
				out_null(o, "hb_gap_qemu_cpu_pct", NULL);
		} else {
			out_null(o, "hb_gap_host_ns", NULL);
			out_null(o, "hb_gap_guest_ns", NULL);
			out_null(o, "hb_gap_qemu_cpu_pct", NULL);
			if (show)
				out_text(o, ", no heartbeat gap");
		}
		out_int(o, "not_run_ns", NULL, s->not_run_ns);
		out_str(o, "reason", show ? "\n      %s\n" : NULL, s->reason);
		out_obj_close(o);
	}
	out_arr_close(o);
	if (r->nr_stalls > TEXT_MAX_STALLS)
		out_text(o, "  ... %zu more in report.json\n", r->nr_stalls - TEXT_MAX_STALLS);
}

int run_print(const struct kradar_run *r, const struct kradar_cmp *cmp,
	      const char *const *files, FILE *f, bool json)
{
	struct out out, *o = &out;
	size_t i;

	out_init(o, f, json ? REPORT_OUT_JSON : 0);
	out_str(o, "schema", NULL, KRADAR_REPORT_SCHEMA);
	print_run_info(o, r);
	print_console(o, r);
	print_probe(o, r);
	print_syzbot(o, cmp);
	out_text(o, "%snarrative%s:\n", color(o, C_BOLD), color(o, C_OFF));
	out_arr_open(o, "narrative");
	for (i = 0; i < r->nr_narrative; i++)
		out_str(o, NULL, "  - %s\n", r->narrative[i]);
	out_arr_close(o);
	print_timeline(o, r);
	print_stalls(o, r);
	out_obj_open(o, "files");
	if (files && files[0])
		out_text(o, "files:    ");
	for (i = 0; files && i < NR_FILES && files[i]; i++)
		out_str(o, file_names[i], i ? "\n          %s" : "%s", files[i]);
	if (files && files[0])
		out_text(o, "\n");
	out_obj_close(o);
	out_bool(o, "finding", NULL, kradar_run__finding(r));
	out_int(o, "exit_code", NULL, kradar_run__exit_code(r));
	return out_finish(o);
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
