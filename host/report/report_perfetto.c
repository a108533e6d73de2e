// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report DIR --format perfetto: the run as a Chrome JSON trace that
 * opens in ui.perfetto.dev (and chrome://tracing).
 *
 * One process per run (pid 1, named after the run directory). Tracks:
 *   counters  "hrtimer/s CPU n": all hrtimer callbacks per second on CPU
 *             n, one value per probe window (ph C)
 *   slices    hrtimer storms and RCU quiescent-state gaps on "CPU n"
 *             threads, stuck CPUs on "CPU n stuck", stalled grace
 *             periods, lock holds, hung tasks, heartbeat gaps and the
 *             classified stall windows on threads of their own (ph X);
 *             overlapping slices go to extra lanes so every track nests
 *   instants  console signature lines and crash reports on "console",
 *             runner marks and run events on "run" (ph i)
 * ts is the guest clock in microseconds: the printk time, so the storm
 * that begins at [    4.031080] is at ts 4031080. Host events from before
 * the kernel's clock started (QEMU's start) have no place at ts >= 0:
 * they are listed in otherData.before_boot with their (negative) time,
 * and a slice that began before it is cut at 0 (args.begun_before_boot).
 * Events are written in ts order, so every track is ordered.
 */
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "report.h"
#include "utf8.h"

#define PF_PID		1
#define TID_RUN		1
#define TID_CONSOLE	2
#define TID_GP		10	/* + lane */
#define TID_LOCK	30
#define TID_HB		50
#define TID_STALL	70
#define TID_HUNG	90
#define TID_CPU		1000	/* + cpu * 16 + lane (storms) */
#define TID_CPU_RCU	8	/* + this inside a CPU's block (RCU gaps) */
#define TID_CPU_STUCK	12	/* + this inside a CPU's block (stuck CPUs) */
#define TID_MAX_CPU	((4096 - TID_CPU) / 16 - 1)	/* a CPU's block is named */
#define LANES		8	/* lanes per slice group */

struct pev {
	char ph;
	int tid;
	int64_t ts_ns;		/* guest clock */
	int64_t dur_ns;
	size_t seq;
	const char *cat;
	char name[KRADAR_RUN_TEXT_LEN];
	json_t *args;		/* owned, may be NULL */
};

struct pf {
	struct pev *ev;
	size_t nr, cap;
	bool oom;
	/* lane ends per group, for nesting */
	int64_t lane_end[64][LANES];
	bool tid_used[4096];
	char tid_name[4096][48];
};

/* A copy of a guest string that jansson accepts: invalid UTF-8 becomes
 * '?'. Rotating buffers: valid until CL_BUFS more calls. */
#define CL_BUFS	16
static const char *cl(const char *s)
{
	static char bufs[CL_BUFS][KRADAR_RUN_TEXT_LEN * 2];
	static int next;
	char *o = bufs[next++ % CL_BUFS];
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t n = 0, left = strlen((const char *)p);

	while (*p && n + 5 < sizeof(bufs[0])) {
		size_t len = kradar_utf8_len(p, left);
		if (!len) {
			o[n++] = '?';
			p++;
			left--;
			continue;
		}
		memcpy(o + n, p, len);
		n += len;
		p += len;
		left -= len;
	}
	o[n] = 0;
	return o;
}

static struct pev *pf_add(struct pf *p, char ph, int tid, int64_t ts, int64_t dur,
			  const char *cat, json_t *args)
{
	struct pev *e;

	if (p->nr == p->cap) {
		size_t ncap = p->cap ? p->cap * 2 : 256;
		void *n = realloc(p->ev, ncap * sizeof(*p->ev));

		if (!n) {
			p->oom = true;
			json_decref(args);
			return NULL;
		}
		p->ev = n;
		p->cap = ncap;
	}
	e = &p->ev[p->nr];
	memset(e, 0, sizeof(*e));
	e->ph = ph;
	e->tid = tid;
	e->ts_ns = ts;
	e->dur_ns = dur < 0 ? 0 : dur;
	e->seq = p->nr++;
	e->cat = cat;
	e->args = args;
	return e;
}

static void name_tid(struct pf *p, int tid, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void name_tid(struct pf *p, int tid, const char *fmt, ...)
{
	va_list ap;

	if (tid < 0 || tid >= 4096 || p->tid_used[tid])
		return;
	p->tid_used[tid] = true;
	va_start(ap, fmt);
	vsnprintf(p->tid_name[tid], sizeof(p->tid_name[0]), fmt, ap);
	va_end(ap);
}

/* A lane of group g free at begin; the slice then occupies it. */
static int lane(struct pf *p, int g, int64_t begin, int64_t end)
{
	int l;

	if (g < 0 || g >= 64)
		return 0;
	for (l = 0; l < LANES - 1; l++)
		if (!p->lane_end[g][l] || p->lane_end[g][l] <= begin)
			break;
	if (end > p->lane_end[g][l])
		p->lane_end[g][l] = end ? end : 1;
	return l;
}

static int ev_cmp(const void *a, const void *b)
{
	const struct pev *x = a, *y = b;

	if ((x->ph == 'M') != (y->ph == 'M'))
		return x->ph == 'M' ? -1 : 1;
	if (x->ts_ns != y->ts_ns)
		return x->ts_ns < y->ts_ns ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void slice(struct pf *p, int group, int base, const char *cat,
		  int64_t b, int64_t e, json_t *args, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 9, 10)));

static void slice(struct pf *p, int group, int base, const char *cat,
		  int64_t b, int64_t e, json_t *args, const char *label, const char *fmt, ...)
{
	int l = lane(p, group, b, e);
	struct pev *ev;
	va_list ap;

	name_tid(p, base + l, "%s%s", label, l ? " (overlap)" : "");
	ev = pf_add(p, 'X', base + l, b, e - b, cat, args);
	if (!ev)
		return;
	va_start(ap, fmt);
	vsnprintf(ev->name, sizeof(ev->name), fmt, ap);
	va_end(ap);
}

static void instant(struct pf *p, int tid, const char *cat, int64_t t, json_t *args,
		    const char *text)
{
	struct pev *ev = pf_add(p, 'i', tid, t, 0, cat, args);

	if (ev)
		snprintf(ev->name, sizeof(ev->name), "%s", text);
}

/* A stuck CPU on its CPU's "stuck" track, a hung task on "hung tasks";
 * args: what the probe knew and the console's own report of it. */
static void stuck_slice(struct pf *p, const struct kradar_run *r,
			const struct kradar_span *sp, int64_t b, int64_t e, int cpu)
{
	const struct kradar_serial_report *rep;
	const struct kradar_serial_event *ce = kradar_span__console(r, sp, &rep);
	json_t *a = json_pack("{s:s,s:i,s:f,s:s,s:I}", "task", cl(sp->task), "pid", sp->pid,
			      sp->kind == KRADAR_SPAN_HUNG ? "hung_ms" : "stuck_ms", sp->value,
			      "frame", cl(sp->frame), "first_report_ns",
			      (json_int_t)sp->first_t_ns);
	int64_t lead;

	if (a && ce)
		json_object_set_new(a, "kernel_report", json_string(cl(ce->text)));
	if (a && rep)
		json_object_set_new(a, "title", json_string(cl(rep->title)));
	if (a && kradar_span__lead_ns(r, sp, &lead))
		json_object_set_new(a, "lead_ns", json_integer(lead));
	if (sp->kind == KRADAR_SPAN_HUNG) {
		slice(p, 6, TID_HUNG, "hung", b, e, a, "hung tasks", "%s:%d in D",
		      cl(sp->task), sp->pid);
		return;
	}
	if (a)
		json_object_set_new(a, "stuck_kind",
				    json_string(kradar_stuck__kind_name(sp->stuck)));
	slice(p, 8 + cpu % 56, TID_CPU + cpu * 16 + TID_CPU_STUCK, "stuck", b, e, a, "",
	      "CPU %d stuck (%s)", cpu, kradar_stuck__kind_name(sp->stuck));
	snprintf(p->tid_name[TID_CPU + cpu * 16 + TID_CPU_STUCK], 48, "CPU %d stuck", cpu);
}

static void build(const struct kradar_run *r, struct pf *p)
{
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;
	int64_t last_end[KRADAR_RUN_MAX_CPUS];

	name_tid(p, TID_RUN, "run (runner, marks)");
	name_tid(p, TID_CONSOLE, "console");
	for (i = 0; i < KRADAR_RUN_MAX_CPUS; i++)
		last_end[i] = -1;
	/* counters: one value per window, 0 after the last one */
	for (i = 0; i < r->nr_windows; i++) {
		const struct kradar_window *w = &r->windows[i];
		struct pev *ev;

		if (w->start_ns < last_end[w->cpu] - 1000)	/* out of order */
			continue;
		ev = pf_add(p, 'C', TID_CPU + w->cpu * 16, w->start_ns, 0, "hrtimer",
			    json_pack("{s:f}", "value", w->rate_per_s));
		if (ev)
			snprintf(ev->name, sizeof(ev->name), "hrtimer/s CPU %d", w->cpu);
		last_end[w->cpu] = w->end_ns;
	}
	for (i = 0; i < KRADAR_RUN_MAX_CPUS; i++) {
		struct pev *ev;

		if (last_end[i] < 0)
			continue;
		ev = pf_add(p, 'C', TID_CPU + (int)i * 16, last_end[i], 0, "hrtimer",
			    json_pack("{s:f}", "value", 0.0));
		if (ev)
			snprintf(ev->name, sizeof(ev->name), "hrtimer/s CPU %zu", i);
	}
	/* probe spans */
	for (i = 0; i < r->nr_spans; i++) {
		const struct kradar_span *sp = &r->spans[i];
		int64_t b = sp->begin_ns, e = sp->end_ns > b ? sp->end_ns : b;
		int cpu = sp->cpu >= 0 && sp->cpu <= TID_MAX_CPU ? sp->cpu : 0;

		switch (sp->kind) {
		case KRADAR_SPAN_STORM:
			slice(p, 0, TID_CPU + cpu * 16, "storm", b, e,
			      json_pack("{s:s,s:f,s:f,s:b}", "function", cl(sp->name),
					"peak_rate_per_s", sp->value, "late_pct", sp->late_pct,
					"ended", sp->ended),
			      "", "storm %s", cl(sp->name));
			snprintf(p->tid_name[TID_CPU + cpu * 16 + 0], 48, "CPU %d", cpu);
			break;
		case KRADAR_SPAN_QS_GAP:
			slice(p, 1, TID_CPU + cpu * 16 + TID_CPU_RCU, "rcu", b, e,
			      json_pack("{s:f,s:s,s:i,s:s,s:f}", "gap_ms", sp->value,
					"task", cl(sp->task), "pid", sp->pid, "top_hrtimer", cl(sp->top),
					"top_rate_per_s", sp->top_rate),
			      "", "RCU gap CPU %d (%.0f ms)", cpu, sp->value);
			snprintf(p->tid_name[TID_CPU + cpu * 16 + TID_CPU_RCU], 48,
				 "CPU %d RCU", cpu);
			break;
		case KRADAR_SPAN_GP_STALL:
			slice(p, 2, TID_GP, "rcu", b, e,
			      json_pack("{s:f,s:I}", "stall_ms", sp->value, "gp_seq",
					(json_int_t)sp->key),
			      "RCU grace periods", "%s", cl(sp->name));
			break;
		case KRADAR_SPAN_LOCK:
			slice(p, 3, TID_LOCK, "lock", b, e,
			      json_pack("{s:s,s:s,s:i,s:s,s:f,s:i,s:s}", "lock", cl(sp->name),
					"holder", cl(sp->task), "holder_pid", sp->pid,
					"holder_state", cl(sp->state), "held_ms", sp->value,
					"waiters", sp->nr_waiters, "first_waiter", cl(sp->waiter)),
			      "lock holds", "%s held by %s", cl(sp->name),
			      sp->task[0] ? sp->task : "?");
			break;
		case KRADAR_SPAN_STUCK:
		case KRADAR_SPAN_HUNG:
			stuck_slice(p, r, sp, b, e, cpu);
			break;
		case KRADAR_SPAN_HB_GAP:
			slice(p, 4, TID_HB, "heartbeat", b, e,
			      json_pack("{s:I,s:I}", "host_begin_ns",
					(json_int_t)sp->host_begin_ns, "host_end_ns",
					(json_int_t)sp->host_end_ns),
			      "heartbeat gaps", "%s", cl(sp->name));
			break;
		default:
			break;
		}
	}
	/* classified stall windows */
	for (i = 0; i < r->nr_stalls; i++) {
		const struct kradar_stall *s = &r->stalls[i];
		json_t *a = json_pack("{s:s,s:s,s:s}", "source", cl(s->source), "verdict",
				      kradar_verdict__name(s->verdict), "reason", cl(s->reason));

		if (a && s->qemu_cpu_pct >= 0)
			json_object_set_new(a, "qemu_cpu_pct", json_real(s->qemu_cpu_pct));
		if (a && s->clock_ratio >= 0)
			json_object_set_new(a, "clock_ratio", json_real(s->clock_ratio));
		if (a && s->hb_gap_host_ns >= 0)
			json_object_set_new(a, "hb_gap_host_ns", json_integer(s->hb_gap_host_ns));
		slice(p, 5, TID_STALL, "stall", s->begin_ns,
		      s->end_ns > s->begin_ns ? s->end_ns : s->begin_ns, a,
		      "stall windows (host check)", "%s: %s", cl(s->source),
		      kradar_verdict__name(s->verdict));
	}
	/* instants */
	for (i = 0; i < n; i++) {
		const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

		if (e->pos.has_time)
			instant(p, TID_CONSOLE, "console", (int64_t)e->pos.time_ns,
				json_pack("{s:s,s:i,s:I}", "text", cl(e->text), "cpu", e->cpu,
					  "line", (json_int_t)e->pos.line),
				kradar_serial__event_name(e->kind));
	}
	for (i = 0; r->console && i < kradar_serial__nr_reports(r->console); i++) {
		const struct kradar_serial_report *rep = kradar_serial__report(r->console, i);

		if (rep->start.has_time)
			instant(p, TID_CONSOLE, "console", (int64_t)rep->start.time_ns,
				json_pack("{s:s,s:s,s:i}", "title", cl(rep->title), "frame",
					  rep->guilty_frame, "cpu", rep->cpu),
				rep->title);
	}
	for (i = 0; i < r->nr_marks; i++)
		instant(p, TID_RUN, "mark", r->marks[i].t_ns, NULL, r->marks[i].text);
	if (r->have_offset)
		for (i = 0; i < r->nr_run_events; i++)
			instant(p, TID_RUN, "run", kradar_run__to_guest(r, r->run_events[i].host_ns),
				json_pack("{s:I}", "host_ns",
					  (json_int_t)r->run_events[i].host_ns),
				r->run_events[i].text);
}

static int emit(FILE *f, json_t *o, bool *first)
{
	int e;

	if (!o)
		return -1;
	if (!*first)
		fputs(",\n", f);
	*first = false;
	e = json_dumpf(o, f, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(o);
	return e;
}

int run_perfetto(const struct kradar_run *r, FILE *f)
{
	struct pf *p = calloc(1, sizeof(*p));
	bool first = true, first_bb = true;
	char pname[256];
	size_t i;
	int e = 0, tid;

	if (!p)
		return -1;
	build(r, p);
	if (p->oom) {
		e = -1;
		goto out;
	}
	/* a slice begun before the guest clock's 0: cut at 0 */
	for (i = 0; i < p->nr; i++) {
		struct pev *ev = &p->ev[i];

		if (ev->ts_ns >= 0 || ev->ph != 'X' || ev->ts_ns + ev->dur_ns <= 0)
			continue;
		if (!ev->args)
			ev->args = json_object();
		if (ev->args)
			json_object_set_new(ev->args, "begun_before_boot_ns",
					    json_integer(ev->ts_ns));
		ev->dur_ns += ev->ts_ns;
		ev->ts_ns = 0;
	}
	qsort(p->ev, p->nr, sizeof(*p->ev), ev_cmp);

	fputs("{\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":\"guest "
	      "local_clock: ts is the printk time in microseconds\",\"run\":", f);
	{
		json_t *d = json_string(cl(r->dir));

		e |= d ? json_dumpf(d, f, JSON_ENCODE_ANY) : -1;
		json_decref(d);
	}
	/* what happened before the guest clock started (ts would be < 0) */
	fputs(",\"before_boot\":[", f);
	for (i = 0; i < p->nr; i++) {
		struct pev *ev = &p->ev[i];

		if (ev->ts_ns >= 0)
			continue;
		e |= emit(f, json_pack("{s:s,s:s,s:I}", "name", cl(ev->name), "track",
				       cl(p->tid_name[ev->tid]), "printk_time_us",
				       (json_int_t)(ev->ts_ns / 1000)), &first_bb);
	}
	fputs("]},\"traceEvents\":[\n", f);
	snprintf(pname, sizeof(pname), "kradar run %s", r->name);
	e |= emit(f, json_pack("{s:s,s:s,s:i,s:i,s:i,s:{s:s}}", "ph", "M", "name",
			       "process_name", "pid", PF_PID, "tid", 0, "ts", 0, "args",
			       "name", cl(pname)), &first);
	for (tid = 0; tid < 4096; tid++)
		if (p->tid_used[tid])
			e |= emit(f, json_pack("{s:s,s:s,s:i,s:i,s:i,s:{s:s}}", "ph", "M",
					       "name", "thread_name", "pid", PF_PID, "tid", tid,
					       "ts", 0, "args", "name", cl(p->tid_name[tid])), &first);
	for (i = 0; i < p->nr; i++) {
		struct pev *ev = &p->ev[i];
		double ts = (double)(ev->ts_ns / 1000) + (double)(ev->ts_ns % 1000) / 1000.0;

		if (ev->ts_ns < 0)
			continue;	/* in otherData.before_boot */
		char ph[2] = { ev->ph, 0 };
		json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:i,s:f}", "ph", ph, "name", cl(ev->name),
				      "cat", ev->cat ? ev->cat : "kradar", "pid", PF_PID,
				      "tid", ev->tid, "ts", ts);

		if (!o) {
			e = -1;
			break;
		}
		if (ev->ph == 'X')
			json_object_set_new(o, "dur", json_real((double)ev->dur_ns / 1000.0));
		if (ev->ph == 'i')
			json_object_set_new(o, "s", json_string("t"));
		if (ev->args)
			json_object_set(o, "args", ev->args);
		e |= emit(f, o, &first);
	}
	fputs("\n]}\n", f);
out:
	for (i = 0; i < p->nr; i++)
		json_decref(p->ev[i].args);
	free(p->ev);
	free(p);
	return e || ferror(f) ? -1 : 0;
}
