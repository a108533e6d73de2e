// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_run: the run model built from a run directory.
 *
 * host/rundir reads the files and checks the schema; this file turns what
 * it hands over into the model (kradar_run.h). It analyses nothing:
 * kradar_run__analyse() (run_analyze.c) is a separate call.
 *
 *   events.jsonl    the collector's events, by type (kradar_rundir__events)
 *   serial.log      the guest console: the crash parser (kradar_serial)
 *                   plus the runner's marks ("kradar-run: ...") and the
 *                   kernel command line
 *   run-events.txt  "HOST_NS text" lines of the runner
 *   qemu-cpu.txt    "HOST_NS UTIME STIME" samples of QEMU's CPU time
 *
 * Events are consumed generically: every field may be absent, types
 * unknown to the schema are counted. Spans with phases (qs_gap,
 * gp_stall, lock_contention, cpu_stuck, hung_task) are matched by key
 * (CPU, grace-period sequence, lock address, CPU, pid); an "update" or
 * "end" without a "begin" opens the span from its own numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "str.h"

#define MARK_LINE_MAX	4096	/* bytes of a console line kept for marks */
#define RUN_LINE_MAX	4096	/* bytes of a run-events.txt, qemu-cpu.txt line */

struct kradar_run *kradar_run__new(void)
{
	struct kradar_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->console = kradar_serial__new();
	if (!r->console || kradar_lines__init(&r->console_lines, MARK_LINE_MAX, true)) {
		kradar_run__free(r);
		errno = ENOMEM;
		return NULL;
	}
	r->first_record_ns = -1;
	r->last_record_ns = -1;
	r->first_anomaly_ns = -1;
	r->first_warning_ns = -1;
	r->first_anomaly_cpu = -1;
	r->qemu_pid = -1;
	r->clk_tck = 100;
	r->last_printk_ns = -1;
	return r;
}

void kradar_run__free(struct kradar_run *r)
{
	if (!r)
		return;
	kradar_serial__free(r->console);
	kradar_lines__fini(&r->console_lines);
	free(r->names);
	free(r->name_addrs);
	free(r->windows);
	free(r->hb);
	free(r->spans);
	free(r->marks);
	free(r->run_events);
	free(r->cpu_samples);
	free(r->stalls);
	free(r->tl);
	free(r->narrative);
	free(r);
}

/* Grow *arr (of *cap elements of size sz) to hold n + 1, at most max. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz, size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -E2BIG;
	ncap = *cap ? *cap * 2 : 64;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

#define GROW(r, field, n, max) \
	grow((void **)&(r)->field, &(r)->cap_##field, (n), sizeof(*(r)->field), (max))

static bool cpu_ok(int64_t cpu)
{
	return cpu >= 0 && cpu < KRADAR_RUN_MAX_CPUS;
}

/* Index of a function name in the run's table, added if new; -1 if full. */
static int name_idx(struct kradar_run *r, const char *name, uint64_t addr)
{
	size_t i;

	if (!name || !*name)
		return -1;
	for (i = 0; i < r->nr_names; i++)
		if (!strncmp(r->names[i], name, KRADAR_RUN_NAME_LEN - 1)) {
			if (!r->name_addrs[i])
				r->name_addrs[i] = addr;
			return (int)i;
		}
	if (GROW(r, names, r->nr_names, KRADAR_RUN_MAX_NAMES))
		return -1;
	if (r->cap_name_addrs < r->cap_names) {
		uint64_t *p = realloc(r->name_addrs, r->cap_names * sizeof(*p));

		if (!p)
			return -1;
		r->name_addrs = p;
		r->cap_name_addrs = r->cap_names;
	}
	str_copy(r->names[r->nr_names], KRADAR_RUN_NAME_LEN, name);
	r->name_addrs[r->nr_names] = addr;
	return (int)r->nr_names++;
}

const char *kradar_run__name(const struct kradar_run *r, int idx)
{
	if (idx < 0 || (size_t)idx >= r->nr_names)
		return "";
	return r->names[idx];
}

static void note_t(struct kradar_run *r, int64_t t)
{
	if (t < 0)
		return;
	if (r->first_record_ns < 0 || t < r->first_record_ns)
		r->first_record_ns = t;
	if (t > r->last_record_ns)
		r->last_record_ns = t;
}

void kradar_span__init(struct kradar_span *sp, enum kradar_span_kind kind)
{
	*sp = (struct kradar_span){
		.kind = kind, .cpu = -1, .pid = -1, .waiter_pid = -1, .killed_pid = -1,
		.first_t_ns = -1, .stack_ns = -1, .preempt_count = -1, .rt_priority = -1,
		.lock_holder_pid = -1, .console_event = -1, .console_report = -1,
	};
}

/* The open span of this kind and key, or a new one. */
static struct kradar_span *span_get(struct kradar_run *r, enum kradar_span_kind kind,
				    int64_t key, const char *phase, int64_t t)
{
	struct kradar_span *sp;
	size_t i;
	bool begin = phase && !strcmp(phase, KRADAR_PHASE_NAME_BEGIN);

	for (i = r->nr_spans; i-- > 0;) {
		sp = &r->spans[i];
		if (sp->kind != kind || sp->key != key || sp->ended)
			continue;
		if (!begin)
			return sp;
		/* a begin while one is open: the end was lost */
		sp->end_ns = sp->last_t_ns;
		break;
	}
	if (GROW(r, spans, r->nr_spans, KRADAR_RUN_MAX_SPANS)) {
		r->dropped++;
		return NULL;
	}
	sp = &r->spans[r->nr_spans++];
	kradar_span__init(sp, kind);
	sp->key = key;
	sp->begin_ns = t;
	sp->end_ns = t;
	return sp;
}

static void span_times(struct kradar_span *sp, const char *phase, int64_t t,
		       int64_t begin)
{
	if (begin >= 0 && (begin < sp->begin_ns || sp->begin_ns < 0))
		sp->begin_ns = begin;
	if (t >= 0) {
		if (t > sp->end_ns)
			sp->end_ns = t;
		sp->last_t_ns = t;
	}
	if (phase && !strcmp(phase, KRADAR_PHASE_NAME_END))
		sp->ended = true;
}

static void span_frames(struct kradar_span *sp, const json_t *arr)
{
	size_t i;

	if (!json_is_array(arr) || !json_array_size(arr))
		return;
	sp->nr_frames = 0;
	for (i = 0; i < json_array_size(arr) && sp->nr_frames < KRADAR_RUN_MAX_FRAMES; i++) {
		const json_t *f = json_array_get(arr, i);

		if (json_is_string(f))
			str_copy(sp->frames[sp->nr_frames++], KRADAR_RUN_NAME_LEN,
				 json_string_value(f));
	}
}

/* A string field of a record into the span, when the record has it */
static void keep_str(char *dst, size_t sz, const char *src)
{
	if (src)
		str_copy(dst, sz, src);
}

/* The probe's first record of a span: when kradar said so */
static void note_first(struct kradar_span *sp, int64_t t)
{
	if (t >= 0 && (sp->first_t_ns < 0 || t < sp->first_t_ns))
		sp->first_t_ns = t;
}

static int64_t ms_before(int64_t t, double ms)
{
	if (t < 0 || !(ms > 0) || ms > 1e12)
		return -1;
	return t - (int64_t)(ms * 1e6);
}

/*
 * The span a phased record is about: keyed by @key, begun at *@begin or,
 * when the record does not say, @ms before @t (*@begin is set to that);
 * NULL when the model is full.
 */
static struct kradar_span *phase_span(struct kradar_run *r, enum kradar_span_kind kind,
				      int64_t key, const char *phase, int64_t t,
				      int64_t *begin, double ms)
{
	if (*begin < 0)
		*begin = ms_before(t, ms);
	return span_get(r, kind, key, phase, *begin >= 0 ? *begin : t);
}

/* The same for a span about one CPU, keyed by it; NULL for a CPU out of
 * range. */
static struct kradar_span *cpu_span(struct kradar_run *r, enum kradar_span_kind kind,
				    int64_t cpu, const char *phase, int64_t t,
				    int64_t *begin, double ms)
{
	struct kradar_span *sp;

	if (!cpu_ok(cpu))
		return NULL;
	sp = phase_span(r, kind, cpu, phase, t, begin, ms);
	if (sp)
		sp->cpu = (int)cpu;
	return sp;
}

static void add_hello(struct kradar_run *r, const json_t *o)
{
	const char *rel = kradar_json__str(o, KRADAR_KEY_RELEASE);
	json_t *th = json_object_get(o, KRADAR_KEY_THRESHOLDS);
	int64_t n = kradar_json__int(o, KRADAR_KEY_NR_CPUS, 0);

	if (rel && !r->release[0])
		str_copy(r->release, sizeof(r->release), rel);
	if (n > 0 && n <= KRADAR_RUN_MAX_CPUS)
		r->nr_cpus = (int)n;
	n = kradar_json__int(o, KRADAR_KEY_HEARTBEAT_MS, 0);
	if (n > 0 && n < 3600000)
		r->heartbeat_ms = n;
	n = kradar_json__int(o, KRADAR_KEY_WINDOW_MS, 0);
	if (n > 0 && n < 3600000)
		r->window_ms = n;
	if (json_is_object(th))
		r->storm_rate_per_s = kradar_json__num(th, KRADAR_KEY_STORM_RATE_PER_S,
						       r->storm_rate_per_s);
}

static int add_heartbeat(struct kradar_run *r, const json_t *o, int64_t t, int64_t host)
{
	struct kradar_heartbeat *h;

	if (t < 0)
		return 0;
	if (GROW(r, hb, r->nr_hb, KRADAR_RUN_MAX_HEARTBEATS)) {
		r->dropped++;
		return 0;
	}
	h = &r->hb[r->nr_hb++];
	h->t_ns = t;
	h->host_ns = host > 0 ? host : 0;
	h->sampler_late_ns = kradar_json__int(o, KRADAR_KEY_SAMPLER_LATE_NS, 0);
	return 0;
}

static void add_window(struct kradar_run *r, const json_t *o, int64_t cpu)
{
	int64_t start = kradar_json__int(o, KRADAR_KEY_START_NS, -1);
	int64_t end = kradar_json__int(o, KRADAR_KEY_END_NS, -1);
	json_t *ents = json_object_get(o, KRADAR_KEY_ENTRIES);
	struct kradar_window *w;
	double secs;

	if (!cpu_ok(cpu) || start < 0 || end <= start)
		return;
	if (GROW(r, windows, r->nr_windows, KRADAR_RUN_MAX_WINDOWS)) {
		r->dropped++;
		return;
	}
	w = &r->windows[r->nr_windows++];
	secs = (double)(end - start) / 1e9;
	w->cpu = (int)cpu;
	w->start_ns = start;
	w->end_ns = end;
	w->rate_per_s = (double)kradar_json__int(o, KRADAR_KEY_EVENTS, 0) / secs;
	if (w->rate_per_s < 0)
		w->rate_per_s = 0;
	w->top = -1;
	w->top_rate_per_s = 0;
	if (json_is_array(ents)) {
		size_t i;

		/* entries come busiest first, but do not rely on it */
		for (i = 0; i < json_array_size(ents); i++) {
			const json_t *e = json_array_get(ents, i);
			double rate = kradar_json__num(e, KRADAR_KEY_RATE_PER_S, -1);
			int idx;

			if (!json_is_object(e) || !(rate > w->top_rate_per_s))
				continue;
			idx = name_idx(r, kradar_json__str(e, KRADAR_KEY_FUNCTION),
				       kradar_json__addr(e, KRADAR_KEY_ADDR));
			if (idx < 0)
				continue;
			w->top = idx;
			w->top_rate_per_s = rate;
		}
	}
}

/* @phase: "begin", "update" (the totals so far) or "end" */
static void add_storm(struct kradar_run *r, const json_t *o, int64_t cpu,
		      int64_t t, const char *phase)
{
	bool begin = !strcmp(phase, KRADAR_PHASE_NAME_BEGIN);
	const char *fn = kradar_json__str(o, KRADAR_KEY_FUNCTION);
	int idx = name_idx(r, fn, kradar_json__addr(o, KRADAR_KEY_ADDR));
	struct kradar_span *sp;
	double peak;

	if (!cpu_ok(cpu) || t < 0)
		return;
	sp = span_get(r, KRADAR_SPAN_STORM, cpu * 65536 + idx + 1,
		      phase, begin ? t : kradar_json__int(o, KRADAR_KEY_BEGIN_NS, t));
	if (!sp)
		return;
	sp->cpu = (int)cpu;
	if (fn)
		str_copy(sp->name, sizeof(sp->name), fn);
	peak = kradar_json__num(o, KRADAR_KEY_PEAK_RATE_PER_S,
				kradar_json__num(o, KRADAR_KEY_RATE_PER_S, 0));
	if (peak > sp->value)
		sp->value = peak;
	sp->late_pct = kradar_json__num(o, KRADAR_KEY_LATE_PCT, sp->late_pct);
	if (begin)
		span_times(sp, KRADAR_PHASE_NAME_BEGIN,
			   kradar_json__int(o, KRADAR_KEY_REC_NS, t), t);
	else
		span_times(sp, phase, t, kradar_json__int(o, KRADAR_KEY_BEGIN_NS, -1));
}

static void add_qs_gap(struct kradar_run *r, const json_t *o, int64_t cpu,
		       int64_t t, const char *phase)
{
	double gap = kradar_json__num(o, KRADAR_KEY_GAP_MS, 0);
	int64_t start = kradar_json__int(o, KRADAR_KEY_GAP_START_NS, -1);
	json_t *top = json_object_get(o, KRADAR_KEY_TOP_HRTIMERS);
	struct kradar_span *sp;
	const char *task = kradar_json__str(o, KRADAR_KEY_TASK);

	sp = cpu_span(r, KRADAR_SPAN_QS_GAP, cpu, phase, t, &start, gap);
	if (!sp)
		return;
	snprintf(sp->name, sizeof(sp->name), "CPU %d without RCU quiescent state", (int)cpu);
	if (gap > sp->value)
		sp->value = gap;
	/* an end names the task that ended the gap, not the gap's own */
	if (task && (strcmp(phase ? phase : "", KRADAR_PHASE_NAME_END) || !sp->task[0])) {
		str_copy(sp->task, sizeof(sp->task), task);
		sp->pid = (int)kradar_json__int(o, KRADAR_KEY_PID, sp->pid);
	}
	if (json_is_array(top) && json_array_size(top)) {
		const json_t *e = json_array_get(top, 0);
		const char *fn = kradar_json__str(e, KRADAR_KEY_FUNCTION);

		if (fn) {
			str_copy(sp->top, sizeof(sp->top), fn);
			sp->top_rate = kradar_json__num(e, KRADAR_KEY_RATE_PER_S, 0);
			name_idx(r, fn, kradar_json__addr(e, KRADAR_KEY_ADDR));
		}
	}
	span_frames(sp, json_object_get(o, KRADAR_KEY_STACK));
	span_times(sp, phase, t, start);
}

static void add_gp_stall(struct kradar_run *r, const json_t *o, int64_t t,
			 const char *phase)
{
	int64_t seq = kradar_json__int(o, KRADAR_KEY_GP_SEQ, -1);
	double ms = kradar_json__num(o, KRADAR_KEY_STALL_MS, 0);
	json_t *cpus = json_object_get(o, KRADAR_KEY_CPUS);
	struct kradar_span *sp;
	int64_t begin = kradar_json__int(o, KRADAR_KEY_GP_START_NS, -1);

	sp = phase_span(r, KRADAR_SPAN_GP_STALL, seq, phase, t, &begin, ms);
	if (!sp)
		return;
	snprintf(sp->name, sizeof(sp->name), "RCU grace period (gp_seq %" PRId64 ") stalled", seq);
	if (ms > sp->value)
		sp->value = ms;
	if (json_is_array(cpus) && json_array_size(cpus)) {
		size_t i;

		sp->nr_cpus = 0;
		for (i = 0; i < json_array_size(cpus) && sp->nr_cpus < 8; i++) {
			int64_t c = json_integer_value(json_array_get(cpus, i));

			if (json_is_integer(json_array_get(cpus, i)) && cpu_ok(c))
				sp->cpus[sp->nr_cpus++] = (int)c;
		}
		if (sp->nr_cpus)
			sp->cpu = sp->cpus[0];
	}
	span_times(sp, phase, t, begin);
}

static void add_lock(struct kradar_run *r, const json_t *o, int64_t t,
		     const char *phase)
{
	const char *lock = kradar_json__str(o, KRADAR_KEY_LOCK);
	const char *comm = kradar_json__str(o, KRADAR_KEY_HOLDER_COMM);
	const char *state = kradar_json__str(o, KRADAR_KEY_HOLDER_STATE);
	uint64_t addr = kradar_json__addr(o, KRADAR_KEY_LOCK_ADDR);
	double held = kradar_json__num(o, KRADAR_KEY_HELD_MS,
				       kradar_json__num(o, KRADAR_KEY_WAIT_MS, 0));
	json_t *w = json_object_get(o, KRADAR_KEY_WAITERS), *killed;
	struct kradar_span *sp;
	int64_t key = (int64_t)(addr & INT64_MAX), begin = ms_before(t, held);

	if (!key && lock) {	/* no address: key on the name (FNV-1a) */
		const unsigned char *p = (const unsigned char *)lock;
		uint64_t h = 1469598103934665603ull;

		while (*p)
			h = (h ^ *p++) * 1099511628211ull;
		key = (int64_t)(h & INT64_MAX);
	}
	sp = span_get(r, KRADAR_SPAN_LOCK, key, phase, begin >= 0 ? begin : t);
	if (!sp)
		return;
	str_copy(sp->name, sizeof(sp->name), lock ? lock : "(unnamed lock)");
	if (held > sp->value)
		sp->value = held;
	if (comm)
		str_copy(sp->task, sizeof(sp->task), comm);
	if (state)
		str_copy(sp->state, sizeof(sp->state), state);
	sp->pid = (int)kradar_json__int(o, KRADAR_KEY_HOLDER_PID, sp->pid);
	/* an end record lists no waiters: keep the most seen and the first */
	if (json_is_array(w) && json_array_size(w)) {
		const json_t *w0 = json_array_get(w, 0);
		const char *wc = kradar_json__str(w0, KRADAR_KEY_COMM);
		size_t nw = json_array_size(w);

		if (nw > (size_t)sp->nr_waiters)
			sp->nr_waiters = nw > INT_MAX ? INT_MAX : (int)nw;
		if (wc) {
			str_copy(sp->waiter, sizeof(sp->waiter), wc);
			sp->waiter_pid = (int)kradar_json__int(w0, KRADAR_KEY_PID, -1);
		}
	}
	/* the kernel's vhost_worker_killed(): a waiter is a killed worker */
	killed = json_object_get(o, KRADAR_KEY_VHOST_KILLED);
	if (json_is_object(killed))
		sp->killed_pid = (int)kradar_json__int(killed, KRADAR_KEY_PID, sp->killed_pid);
	if (json_is_true(json_object_get(o, KRADAR_KEY_HELD_EXACT)))
		sp->held_exact = true;
	note_first(sp, t);
	span_frames(sp, json_object_get(o, KRADAR_KEY_HOLDER_STACK));
	span_times(sp, phase, t, begin);
}

static enum kradar_stuck_kind stuck_kind(const char *kind)
{
	enum kradar_stuck_kind k;

	for (k = 0; kind && k < KRADAR_STUCK__COUNT; k++)
		if (!strcmp(kind, kradar_stuck__kind_name(k)))
			return k;
	return KRADAR_STUCK_NO_SCHEDULE;
}

/*
 * cpu_stuck: one stretch per CPU at a time, from since_ns. An end names
 * the task the CPU switched to (often the idle task), not the stretch's
 * own; as in kradar-collect, a stack taken in the stretch (tick, NMI)
 * beats one taken after it, and the latest of those is kept.
 */
static void add_stuck(struct kradar_run *r, const struct kradar_event *ev)
{
	const json_t *o = ev->o;
	const char *phase = ev->phase;
	int64_t t = ev->t_ns;
	double ms = kradar_json__num(o, KRADAR_KEY_STUCK_MS, 0);
	int64_t since = kradar_json__int(o, KRADAR_KEY_SINCE_NS, -1);
	const char *task = kradar_json__str(o, KRADAR_KEY_TASK);
	const char *in = kradar_json__str(o, KRADAR_KEY_IN);
	const char *from = kradar_json__str(o, KRADAR_KEY_STACK_FROM);
	const json_t *w = json_object_get(o, KRADAR_KEY_WAITER);
	bool end = phase && !strcmp(phase, KRADAR_PHASE_NAME_END);
	struct kradar_span *sp;

	sp = cpu_span(r, KRADAR_SPAN_STUCK, ev->cpu, phase, t, &since, ms);
	if (!sp)
		return;
	if (kradar_json__str(o, KRADAR_KEY_KIND))
		sp->stuck = stuck_kind(kradar_json__str(o, KRADAR_KEY_KIND));
	if (ms > sp->value)
		sp->value = ms;
	if (task && (!end || !sp->task[0])) {
		str_copy(sp->task, sizeof(sp->task), task);
		sp->pid = (int)kradar_json__int(o, KRADAR_KEY_PID, sp->pid);
	}
	sp->rt_priority = (int)kradar_json__int(o, KRADAR_KEY_RT_PRIORITY, sp->rt_priority);
	if (json_is_object(w)) {
		const char *wc = kradar_json__str(w, KRADAR_KEY_COMM);

		if (wc)
			str_copy(sp->waiter, sizeof(sp->waiter), wc);
		sp->waiter_pid = (int)kradar_json__int(w, KRADAR_KEY_PID, sp->waiter_pid);
	}
	if (in && (!sp->frame[0] || !from || strcmp(from, "after") ||
		   !strcmp(sp->stack_from, "after"))) {
		str_copy(sp->frame, sizeof(sp->frame), in);
		str_copy(sp->stack_from, sizeof(sp->stack_from), from ? from : "");
		sp->stack_ns = kradar_json__int(o, KRADAR_KEY_STACK_NS, -1);
		sp->preempt_count = (int)kradar_json__int(o, KRADAR_KEY_PREEMPT_COUNT, -1);
		span_frames(sp, json_object_get(o, KRADAR_KEY_STACK));
	}
	if (end && json_is_true(json_object_get(o, KRADAR_KEY_WENT_IDLE)))
		sp->went_idle = true;
	snprintf(sp->name, sizeof(sp->name), "CPU %d %s", sp->cpu,
		 kradar_stuck__kind_name(sp->stuck));
	note_first(sp, t);
	span_times(sp, phase, t, since);
}

/* hung_task: one sleep per pid at a time; the end lists no stack. */
static void add_hung(struct kradar_run *r, const struct kradar_event *ev)
{
	const json_t *o = ev->o;
	int64_t t = ev->t_ns;
	double ms = kradar_json__num(o, KRADAR_KEY_HUNG_MS, 0);
	int64_t since = kradar_json__int(o, KRADAR_KEY_SINCE_NS, -1);
	int64_t pid = kradar_json__int(o, KRADAR_KEY_PID, -1);
	const char *comm = kradar_json__str(o, KRADAR_KEY_COMM);
	const char *in = kradar_json__str(o, KRADAR_KEY_SLEEPS_IN);
	const char *lock = kradar_json__str(o, KRADAR_KEY_WAITS_FOR);
	struct kradar_span *sp;

	if (pid < 0 || pid > INT_MAX)
		return;
	sp = phase_span(r, KRADAR_SPAN_HUNG, pid, ev->phase, t, &since, ms);
	if (!sp)
		return;
	sp->pid = (int)pid;
	sp->value = ms > sp->value ? ms : sp->value;
	str_copy(sp->state, sizeof(sp->state), "D");
	keep_str(sp->task, sizeof(sp->task), comm);
	keep_str(sp->frame, sizeof(sp->frame), in);
	keep_str(sp->lock, sizeof(sp->lock), lock);
	sp->lock_holder_pid = (int)kradar_json__int(o, KRADAR_KEY_LOCK_HOLDER_PID,
						    sp->lock_holder_pid);
	if (json_is_true(json_object_get(o, KRADAR_KEY_EXITED)))
		sp->exited = true;
	span_frames(sp, json_object_get(o, KRADAR_KEY_STACK));
	snprintf(sp->name, sizeof(sp->name), "%s:%d in D", sp->task[0] ? sp->task : "?",
		 sp->pid);
	note_first(sp, t);
	span_times(sp, ev->phase, t, since);
}

/* One event of events.jsonl into the model */
static int add_event(void *ctx, const struct kradar_event *ev)
{
	struct kradar_run *r = ctx;
	const json_t *o = ev->o;
	int64_t n;

	r->have_events = true;
	if (ev->record)
		r->records++;
	note_t(r, ev->t_ns);
	switch (ev->type) {
	case KRADAR_EVT_HELLO:
		add_hello(r, o);
		break;
	case KRADAR_EVT_HEARTBEAT:
		add_heartbeat(r, o, ev->t_ns, ev->host_ns);
		break;
	case KRADAR_EVT_HRTIMER_WINDOW:
		add_window(r, o, ev->cpu);
		break;
	case KRADAR_EVT_STORM:
		add_storm(r, o, ev->cpu, ev->t_ns, KRADAR_PHASE_NAME_BEGIN);
		break;
	case KRADAR_EVT_STORM_UPDATE:
		add_storm(r, o, ev->cpu, ev->t_ns, KRADAR_PHASE_NAME_UPDATE);
		break;
	case KRADAR_EVT_STORM_END:
		add_storm(r, o, ev->cpu, ev->t_ns, KRADAR_PHASE_NAME_END);
		break;
	case KRADAR_EVT_QS_GAP:
		add_qs_gap(r, o, ev->cpu, ev->t_ns, ev->phase);
		break;
	case KRADAR_EVT_GP_STALL:
		add_gp_stall(r, o, ev->t_ns, ev->phase);
		break;
	case KRADAR_EVT_LOCK:
		add_lock(r, o, ev->t_ns, ev->phase);
		break;
	case KRADAR_EVT_CPU_STUCK:
		add_stuck(r, ev);
		break;
	case KRADAR_EVT_HUNG:
		add_hung(r, ev);
		break;
	case KRADAR_EVT_LOST:
		n = kradar_json__int(o, KRADAR_KEY_RECORDS, 0);
		r->lost_records += n > 0 ? (uint64_t)n : 0;
		break;
	case KRADAR_EVT_SUMMARY:
		if (kradar_json__str(o, KRADAR_KEY_VERDICT))
			str_copy(r->collect_verdict, sizeof(r->collect_verdict),
				 kradar_json__str(o, KRADAR_KEY_VERDICT));
		break;
	case KRADAR_EVT_UNKNOWN:
		r->unknown_types++;
		break;
	default:	/* the schema's other types: nothing the model uses */
		break;
	}
	return 0;
}

int kradar_run__add_json_line(struct kradar_run *r, const char *line, size_t len)
{
	uint64_t bad = r->events.bad;
	int err = kradar_events__line(&r->events, line, len, add_event, r);

	r->bad_lines += r->events.bad - bad;
	r->schema = r->events.schema;
	return err;
}

/* ---- console ---- */

static int add_mark(struct kradar_run *r, struct kradar_mark **arr, size_t *nr,
		    size_t *cap, const struct kradar_mark *m)
{
	if (grow((void **)arr, cap, *nr, sizeof(**arr), KRADAR_RUN_MAX_MARKS)) {
		r->dropped++;
		return 0;
	}
	(*arr)[(*nr)++] = *m;
	return 0;
}

/* "[  12.345678]" at s: ns, or -1. Sets *rest past it and a caller id. */
static int64_t printk_time(const char *s, const char **rest)
{
	const char *p = s;
	int64_t sec = 0, usec = 0;
	int n = 0;

	if (*p == '<') {		/* <N> log level */
		while (*p && *p != '>' && p - s < 6)
			p++;
		if (*p == '>')
			p++;
	}
	if (*p != '[')
		return -1;
	p++;
	while (*p == ' ')
		p++;
	while (*p >= '0' && *p <= '9' && n < 12) {
		sec = sec * 10 + (*p++ - '0');
		n++;
	}
	if (!n || *p != '.')
		return -1;
	p++;
	for (n = 0; *p >= '0' && *p <= '9' && n < 6; n++)
		usec = usec * 10 + (*p++ - '0');
	if (n != 6 || *p != ']')
		return -1;
	p++;
	/* caller id "[  T123]" / "[    C1]" */
	if (p[0] == '[') {
		const char *q = strchr(p, ']');

		if (q && q - p < 16)
			p = q + 1;
	}
	if (*p == ' ')
		p++;
	*rest = p;
	return sec * 1000000000LL + usec * 1000;
}

static int console_line(void *ctx, char *s, size_t len)
{
	struct kradar_run *r = ctx;
	struct kradar_mark m;
	const char *text, *mark;
	size_t i;
	int64_t t;

	for (i = 0; i < len; i++)
		if (!s[i])
			s[i] = ' ';
	while (len && s[len - 1] == '\r')
		s[--len] = 0;
	t = printk_time(s, &text);
	if (t < 0)
		return 0;
	if (t > r->last_printk_ns)
		r->last_printk_ns = t;
	memset(&m, 0, sizeof(m));
	m.guest = true;
	m.t_ns = t;
	if ((mark = kradar_mark__text(text))) {
		snprintf(m.text, sizeof(m.text), "%s", mark);
	} else if (!strncmp(text, "Linux version ", 14)) {
		snprintf(m.text, sizeof(m.text), "boot: %.200s", text);
	} else if (!strncmp(text, "Kernel command line: ", 21)) {
		str_copy(r->cmdline, sizeof(r->cmdline), text + 21);
		return 0;
	} else {
		return 0;
	}
	return add_mark(r, &r->marks, &r->nr_marks, &r->cap_marks, &m);
}

int kradar_run__add_serial(struct kradar_run *r, const char *buf, size_t len, bool last)
{
	int err;

	if (len) {
		err = kradar_serial__feed(r->console, buf, len);
		if (err)
			return err;
		r->have_serial = true;
	}
	kradar_lines__feed(&r->console_lines, buf, len, console_line, r);
	if (!last)
		return 0;
	kradar_lines__finish(&r->console_lines, console_line, r);
	return kradar_serial__finish(r->console);
}

/* ---- host files ---- */

int kradar_run__add_run_event(struct kradar_run *r, const char *line)
{
	struct kradar_mark m;
	const char *text, *pid;
	int64_t host = kradar_run_event__parse(line, &text);
	size_t n;

	if (host < 0)
		return 0;
	memset(&m, 0, sizeof(m));
	m.host = true;
	m.host_ns = host;
	snprintf(m.text, sizeof(m.text), "%s", text);
	n = strlen(m.text);
	while (n && (m.text[n - 1] == '\n' || m.text[n - 1] == '\r'))
		m.text[--n] = 0;
	pid = strstr(m.text, KRADAR_RUNEV_QEMU_STARTED);
	if (pid && (pid = strstr(pid, " pid=")) && r->qemu_pid < 0) {
		long v = strtol(pid + 5, NULL, 10);

		if (v > 0 && v < INT_MAX)
			r->qemu_pid = (int)v;
	}
	r->have_run_events = true;
	return add_mark(r, &r->run_events, &r->nr_run_events, &r->cap_run_events, &m);
}

int kradar_run__add_cpu_line(struct kradar_run *r, const char *line)
{
	struct kradar_cpu_sample *s;
	long long host, ut, st;

	if (line[0] == '#') {
		const char *p = strstr(line, "clk_tck ");

		if (p) {
			long v = strtol(p + 8, NULL, 10);

			if (v > 0 && v <= 100000)
				r->clk_tck = (int)v;
		}
		p = strstr(line, " pid ");
		if (p && r->qemu_pid < 0) {
			long v = strtol(p + 5, NULL, 10);

			if (v > 0 && v < INT_MAX)
				r->qemu_pid = (int)v;
		}
		return 0;
	}
	if (sscanf(line, "%lld %lld %lld", &host, &ut, &st) != 3 || host <= 0 ||
	    ut < 0 || st < 0 || ut > INT64_MAX / 2 || st > INT64_MAX / 2)
		return 0;
	if (r->nr_cpu_samples && host < r->cpu_samples[r->nr_cpu_samples - 1].host_ns)
		return 0;	/* samples must go forward */
	if (GROW(r, cpu_samples, r->nr_cpu_samples, KRADAR_RUN_MAX_CPU_SAMPLES)) {
		r->dropped++;
		return 0;
	}
	s = &r->cpu_samples[r->nr_cpu_samples++];
	s->host_ns = host;
	s->ticks = ut + st;
	r->have_cpu = true;
	return 0;
}

static int run_event_line(void *ctx, char *line, size_t len)
{
	return kradar_run__add_run_event(ctx, line);
}

static int cpu_line(void *ctx, char *line, size_t len)
{
	return kradar_run__add_cpu_line(ctx, line);
}

static int serial_chunk(void *ctx, const char *buf, size_t len)
{
	return kradar_run__add_serial(ctx, buf, len, false);
}

/* Read every file of the run that the model uses; 0 or -errno, with the
 * path in *file. */
static int load_files(struct kradar_run *r, const struct kradar_rundir *d,
		      enum kradar_run_file *file)
{
	int e;

	*file = KRADAR_FILE_EVENTS;
	e = kradar_rundir__events(d, &r->events, add_event, r);
	r->bad_lines += r->events.bad;
	r->schema = r->events.schema;
	if (e && e != -ENOENT)
		return e;
	*file = KRADAR_FILE_SERIAL;
	e = kradar_rundir__read(d, KRADAR_FILE_SERIAL, serial_chunk, r);
	if (!e)
		e = kradar_run__add_serial(r, NULL, 0, true);
	if (e && e != -ENOENT)
		return e;
	*file = KRADAR_FILE_RUN_EVENTS;
	e = kradar_rundir__lines(d, KRADAR_FILE_RUN_EVENTS, RUN_LINE_MAX, run_event_line, r,
				 &r->bad_lines);
	if (e && e != -ENOENT)
		return e;
	*file = KRADAR_FILE_QEMU_CPU;
	e = kradar_rundir__lines(d, KRADAR_FILE_QEMU_CPU, RUN_LINE_MAX, cpu_line, r,
				 &r->bad_lines);
	return e == -ENOENT ? 0 : e;
}

struct kradar_run *kradar_run__load(const char *dir, char *err, size_t errlen)
{
	struct kradar_rundir *d = kradar_rundir__open(dir, err, errlen);
	enum kradar_run_file file;
	struct kradar_run *r;
	char path[1200];
	int e;

	if (!d)
		return NULL;
	r = kradar_run__new();
	if (!r) {
		snprintf(err, errlen, "out of memory");
		kradar_rundir__close(d);
		errno = ENOMEM;
		return NULL;
	}
	str_copy(r->dir, sizeof(r->dir), dir);
	str_copy(r->name, sizeof(r->name), kradar_rundir__name(d));
	e = load_files(r, d, &file);
	if (e) {
		if (file == KRADAR_FILE_EVENTS)
			snprintf(err, errlen, "%s", r->events.err);
		else
			snprintf(err, errlen, "cannot read %s: %s",
				 kradar_rundir__path(d, file, path, sizeof(path)) ? path : dir,
				 strerror(-e));
		kradar_run__free(r);
		kradar_rundir__close(d);
		errno = -e;
		return NULL;
	}
	kradar_rundir__close(d);
	return r;
}
