// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_run: reading a run directory.
 *
 *   events.jsonl    the collector's records, one JSON object per line
 *                   (jansson; lines over KRADAR_RUN_MAX_JSON_LINE and
 *                   lines that are not JSON objects are counted, skipped)
 *   serial.log      the guest console: the crash parser (kradar_serial)
 *                   plus the runner's marks ("kradar-run: ...") and the
 *                   kernel command line
 *   run-events.txt  "HOST_NS text" lines of the runner
 *   qemu-cpu.txt    "HOST_NS UTIME STIME" samples of QEMU's CPU time
 *
 * Record types are consumed generically: every field may be absent, types
 * this file does not know are counted. Spans with phases (qs_gap,
 * gp_stall, lock_contention) are matched by key (CPU, grace-period
 * sequence, lock address); an "update" or "end" without a "begin" opens
 * the span from its own numbers.
 */
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "serial_internal.h"

#define MARK_LINE_MAX	4096	/* bytes of a console line kept for marks */

struct kradar_run *kradar_run__new(void)
{
	struct kradar_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->console = kradar_serial__new();
	r->lbuf = malloc(MARK_LINE_MAX + 1);
	if (!r->console || !r->lbuf) {
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
	free(r->lbuf);
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

/* ---- JSON field access: absent or mistyped fields give the default ---- */

static int64_t jint(const json_t *o, const char *key, int64_t def)
{
	json_t *v = json_object_get(o, key);

	if (json_is_integer(v))
		return (int64_t)json_integer_value(v);
	if (json_is_string(v)) {
		/* beyond 2^53 the writer quotes an integer (json.h) */
		const char *s = json_string_value(v);
		char *end;
		long long n;

		errno = 0;
		n = strtoll(s, &end, 10);
		return !errno && end != s && !*end ? n : def;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (d > -9.2e18 && d < 9.2e18)
			return (int64_t)d;
	}
	return def;
}

static double jnum(const json_t *o, const char *key, double def)
{
	json_t *v = json_object_get(o, key);

	return json_is_number(v) ? json_number_value(v) : def;
}

static const char *jstr(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

static uint64_t jaddr(const json_t *o, const char *key)
{
	const char *s = jstr(o, key);

	if (!s || strncmp(s, "0x", 2))
		return 0;
	return strtoull(s, NULL, 16);
}

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

/* The open span of this kind and key, or a new one. */
static struct kradar_span *span_get(struct kradar_run *r, enum kradar_span_kind kind,
				    int64_t key, const char *phase, int64_t t)
{
	struct kradar_span *sp;
	size_t i;
	bool begin = phase && !strcmp(phase, "begin");

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
	memset(sp, 0, sizeof(*sp));
	sp->kind = kind;
	sp->key = key;
	sp->cpu = -1;
	sp->pid = -1;
	sp->waiter_pid = -1;
	sp->killed_pid = -1;
	sp->first_t_ns = -1;
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
	if (phase && !strcmp(phase, "end"))
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

static int64_t ms_before(int64_t t, double ms)
{
	if (t < 0 || !(ms > 0) || ms > 1e12)
		return -1;
	return t - (int64_t)(ms * 1e6);
}

static void add_hello(struct kradar_run *r, const json_t *o)
{
	const char *rel = jstr(o, "release");
	json_t *th = json_object_get(o, "thresholds");
	int64_t n = jint(o, "nr_cpus", 0);

	if (rel && !r->release[0])
		str_copy(r->release, sizeof(r->release), rel);
	if (n > 0 && n <= KRADAR_RUN_MAX_CPUS)
		r->nr_cpus = (int)n;
	n = jint(o, "heartbeat_ms", 0);
	if (n > 0 && n < 3600000)
		r->heartbeat_ms = n;
	n = jint(o, "window_ms", 0);
	if (n > 0 && n < 3600000)
		r->window_ms = n;
	if (json_is_object(th))
		r->storm_rate_per_s = jnum(th, "storm_rate_per_s", r->storm_rate_per_s);
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
	h->sampler_late_ns = jint(o, "sampler_late_ns", 0);
	return 0;
}

static void add_window(struct kradar_run *r, const json_t *o, int64_t cpu)
{
	int64_t start = jint(o, "start_ns", -1), end = jint(o, "end_ns", -1);
	json_t *ents = json_object_get(o, "entries");
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
	w->rate_per_s = (double)jint(o, "events", 0) / secs;
	if (w->rate_per_s < 0)
		w->rate_per_s = 0;
	w->top = -1;
	w->top_rate_per_s = 0;
	if (json_is_array(ents)) {
		size_t i;

		/* entries come busiest first, but do not rely on it */
		for (i = 0; i < json_array_size(ents); i++) {
			const json_t *e = json_array_get(ents, i);
			double rate = jnum(e, "rate_per_s", -1);
			int idx;

			if (!json_is_object(e) || !(rate > w->top_rate_per_s))
				continue;
			idx = name_idx(r, jstr(e, "function"), jaddr(e, "addr"));
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
	bool begin = !strcmp(phase, "begin");
	const char *fn = jstr(o, "function");
	int idx = name_idx(r, fn, jaddr(o, "addr"));
	struct kradar_span *sp;
	double peak;

	if (!cpu_ok(cpu) || t < 0)
		return;
	sp = span_get(r, KRADAR_SPAN_STORM, cpu * 65536 + idx + 1,
		      phase, begin ? t : jint(o, "begin_ns", t));
	if (!sp)
		return;
	sp->cpu = (int)cpu;
	if (fn)
		str_copy(sp->name, sizeof(sp->name), fn);
	peak = jnum(o, "peak_rate_per_s", jnum(o, "rate_per_s", 0));
	if (peak > sp->value)
		sp->value = peak;
	sp->late_pct = jnum(o, "late_pct", sp->late_pct);
	if (begin)
		span_times(sp, "begin", jint(o, "rec_ns", t), t);
	else
		span_times(sp, phase, t, jint(o, "begin_ns", -1));
}

static void add_qs_gap(struct kradar_run *r, const json_t *o, int64_t cpu,
		       int64_t t, const char *phase)
{
	double gap = jnum(o, "gap_ms", 0);
	int64_t start = jint(o, "gap_start_ns", -1);
	json_t *top = json_object_get(o, "top_hrtimers");
	struct kradar_span *sp;
	const char *task = jstr(o, "task");

	if (!cpu_ok(cpu))
		return;
	if (start < 0)
		start = ms_before(t, gap);
	sp = span_get(r, KRADAR_SPAN_QS_GAP, cpu, phase, start >= 0 ? start : t);
	if (!sp)
		return;
	sp->cpu = (int)cpu;
	snprintf(sp->name, sizeof(sp->name), "CPU %d without RCU quiescent state", (int)cpu);
	if (gap > sp->value)
		sp->value = gap;
	/* an end names the task that ended the gap, not the gap's own */
	if (task && (strcmp(phase ? phase : "", "end") || !sp->task[0])) {
		str_copy(sp->task, sizeof(sp->task), task);
		sp->pid = (int)jint(o, "pid", sp->pid);
	}
	if (json_is_array(top) && json_array_size(top)) {
		const json_t *e = json_array_get(top, 0);
		const char *fn = jstr(e, "function");

		if (fn) {
			str_copy(sp->top, sizeof(sp->top), fn);
			sp->top_rate = jnum(e, "rate_per_s", 0);
			name_idx(r, fn, jaddr(e, "addr"));
		}
	}
	span_frames(sp, json_object_get(o, "stack"));
	span_times(sp, phase, t, start);
}

static void add_gp_stall(struct kradar_run *r, const json_t *o, int64_t t,
			 const char *phase)
{
	int64_t seq = jint(o, "gp_seq", -1);
	double ms = jnum(o, "stall_ms", 0);
	json_t *cpus = json_object_get(o, "cpus");
	struct kradar_span *sp;
	int64_t begin = jint(o, "gp_start_ns", -1);

	if (begin < 0)
		begin = ms_before(t, ms);
	sp = span_get(r, KRADAR_SPAN_GP_STALL, seq, phase, begin >= 0 ? begin : t);
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
	const char *lock = jstr(o, "lock"), *comm = jstr(o, "holder_comm");
	const char *state = jstr(o, "holder_state");
	uint64_t addr = jaddr(o, "lock_addr");
	double held = jnum(o, "held_ms", jnum(o, "wait_ms", 0));
	json_t *w = json_object_get(o, "waiters"), *killed;
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
	sp->pid = (int)jint(o, "holder_pid", sp->pid);
	/* an end record lists no waiters: keep the most seen and the first */
	if (json_is_array(w) && json_array_size(w)) {
		const json_t *w0 = json_array_get(w, 0);
		const char *wc = jstr(w0, "comm");
		size_t nw = json_array_size(w);

		if (nw > (size_t)sp->nr_waiters)
			sp->nr_waiters = nw > INT_MAX ? INT_MAX : (int)nw;
		if (wc) {
			str_copy(sp->waiter, sizeof(sp->waiter), wc);
			sp->waiter_pid = (int)jint(w0, "pid", -1);
		}
	}
	/* the kernel's vhost_worker_killed(): a waiter is a killed worker */
	killed = json_object_get(o, "vhost_worker_killed");
	if (json_is_object(killed))
		sp->killed_pid = (int)jint(killed, "pid", sp->killed_pid);
	if (json_is_true(json_object_get(o, "held_exact")))
		sp->held_exact = true;
	if (t >= 0 && (sp->first_t_ns < 0 || t < sp->first_t_ns))
		sp->first_t_ns = t;
	span_frames(sp, json_object_get(o, "holder_stack"));
	span_times(sp, phase, t, begin);
}

int kradar_run__add_json_line(struct kradar_run *r, const char *line, size_t len)
{
	json_error_t jerr;
	json_t *o;
	const char *type, *phase;
	int64_t t, host, cpu;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (!len)
		return 0;
	if (len > KRADAR_RUN_MAX_JSON_LINE) {
		r->bad_lines++;
		return 0;
	}
	o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(o)) {
		r->bad_lines++;
		json_decref(o);
		return 0;
	}
	r->have_events = true;
	type = jstr(o, "type");
	phase = jstr(o, "phase");
	t = jint(o, "t_ns", -1);
	host = jint(o, "host_ns", 0);
	cpu = jint(o, "cpu", -1);
	if (!type) {
		r->bad_lines++;
		goto out;
	}
	if (json_object_get(o, "t_ns"))
		r->records++;
	note_t(r, t);
	if (!strcmp(type, "hello"))
		add_hello(r, o);
	else if (!strcmp(type, "heartbeat"))
		add_heartbeat(r, o, t, host);
	else if (!strcmp(type, "hrtimer_window"))
		add_window(r, o, cpu);
	else if (!strcmp(type, "hrtimer_storm"))
		add_storm(r, o, cpu, t, "begin");
	else if (!strcmp(type, "hrtimer_storm_update"))
		add_storm(r, o, cpu, t, "update");
	else if (!strcmp(type, "hrtimer_storm_end"))
		add_storm(r, o, cpu, t, "end");
	else if (!strcmp(type, "qs_gap"))
		add_qs_gap(r, o, cpu, t, phase);
	else if (!strcmp(type, "gp_stall"))
		add_gp_stall(r, o, t, phase);
	else if (!strcmp(type, "lock_contention"))
		add_lock(r, o, t, phase);
	else if (!strcmp(type, "lost"))
		r->lost_records += (uint64_t)(jint(o, "records", 0) > 0 ? jint(o, "records", 0) : 0);
	else if (!strcmp(type, "summary")) {
		const char *v = jstr(o, "verdict");

		if (v)
			str_copy(r->collect_verdict, sizeof(r->collect_verdict), v);
	} else if (strcmp(type, "connect") && strcmp(type, "disconnect") &&
		   strcmp(type, "stream_loss") && strcmp(type, "unknown_record"))
		r->unknown_types++;
out:
	json_decref(o);
	return 0;
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

static void console_line(struct kradar_run *r, char *s, size_t len)
{
	struct kradar_mark m;
	const char *text;
	int64_t t;

	s[len] = 0;
	while (len && (s[len - 1] == '\r' || s[len - 1] == '\n'))
		s[--len] = 0;
	t = printk_time(s, &text);
	if (t < 0)
		return;
	if (t > r->last_printk_ns)
		r->last_printk_ns = t;
	memset(&m, 0, sizeof(m));
	m.guest = true;
	m.t_ns = t;
	if (!strncmp(text, "kradar-run: ", 12)) {
		snprintf(m.text, sizeof(m.text), "%s", text + 12);
	} else if (!strncmp(text, "Linux version ", 14)) {
		snprintf(m.text, sizeof(m.text), "boot: %.200s", text);
	} else if (!strncmp(text, "Kernel command line: ", 21)) {
		str_copy(r->cmdline, sizeof(r->cmdline), text + 21);
		return;
	} else {
		return;
	}
	add_mark(r, &r->marks, &r->nr_marks, &r->cap_marks, &m);
}

int kradar_run__add_serial(struct kradar_run *r, const char *buf, size_t len, bool last)
{
	size_t i;
	int err;

	if (len) {
		err = kradar_serial__feed(r->console, buf, len);
		if (err)
			return err;
		r->have_serial = true;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			console_line(r, r->lbuf, r->llen);
			r->llen = 0;
		} else if (r->llen < MARK_LINE_MAX) {
			r->lbuf[r->llen++] = buf[i] ? buf[i] : ' ';
		}
	}
	if (last) {
		if (r->llen)
			console_line(r, r->lbuf, r->llen);
		r->llen = 0;
		return kradar_serial__finish(r->console);
	}
	return 0;
}

/* ---- host files ---- */

int kradar_run__add_run_event(struct kradar_run *r, const char *line)
{
	struct kradar_mark m;
	char *end;
	long long host;
	const char *pid;
	size_t n;

	errno = 0;
	host = strtoll(line, &end, 10);
	if (errno || end == line || host <= 0 || *end != ' ')
		return 0;
	memset(&m, 0, sizeof(m));
	m.host = true;
	m.host_ns = host;
	snprintf(m.text, sizeof(m.text), "%s", end + 1);
	n = strlen(m.text);
	while (n && (m.text[n - 1] == '\n' || m.text[n - 1] == '\r'))
		m.text[--n] = 0;
	pid = strstr(m.text, "qemu started");
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

/* Read a file line by line (lines cut at maxline) into fn; -errno. */
static int read_lines(struct kradar_run *r, const char *path, size_t maxline,
		      int (*fn)(struct kradar_run *, const char *, size_t))
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n = 0;
	int c, err = 0;
	bool cut = false;

	if (!f)
		return -errno;
	buf = malloc(maxline + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	while ((c = getc(f)) != EOF) {
		if (c == '\n') {
			buf[n] = 0;
			if (cut)
				r->bad_lines++;
			else if ((err = fn(r, buf, n)))
				break;
			n = 0;
			cut = false;
			continue;
		}
		if (n < maxline)
			buf[n++] = (char)c;
		else
			cut = true;
	}
	if (!err && ferror(f))
		err = -EIO;
	if (!err && n && !cut) {
		buf[n] = 0;
		err = fn(r, buf, n);
	}
	free(buf);
	fclose(f);
	return err;
}

static int json_cb(struct kradar_run *r, const char *l, size_t n)
{
	return kradar_run__add_json_line(r, l, n);
}

static int run_event_cb(struct kradar_run *r, const char *l, size_t n)
{
	return kradar_run__add_run_event(r, l);
}

static int cpu_cb(struct kradar_run *r, const char *l, size_t n)
{
	return kradar_run__add_cpu_line(r, l);
}

static int read_serial(struct kradar_run *r, const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	int err = 0;

	if (!f)
		return -errno;
	buf = malloc(1u << 16);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	for (;;) {
		size_t n = fread(buf, 1, 1u << 16, f);

		if (n && (err = kradar_run__add_serial(r, buf, n, false)))
			break;
		if (n < (1u << 16)) {
			if (ferror(f))
				err = -EIO;
			break;
		}
	}
	if (!err)
		err = kradar_run__add_serial(r, NULL, 0, true);
	free(buf);
	fclose(f);
	return err;
}

struct kradar_run *kradar_run__load(const char *dir, struct kradar_syms *syms,
				    char *err, size_t errlen)
{
	struct kradar_run *r = kradar_run__new();
	char path[1200];
	const char *base;
	int e, found = 0;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	str_copy(r->dir, sizeof(r->dir), dir);
	base = strrchr(dir, '/');
	while (base && !base[1] && base > dir) {	/* trailing '/' */
		const char *q = base - 1;

		while (q > dir && *q != '/')
			q--;
		base = q;
	}
	str_copy(r->name, sizeof(r->name), base && *base == '/' ? base + 1 : dir);
	r->name[strcspn(r->name, "/")] = 0;

	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	e = read_lines(r, path, KRADAR_RUN_MAX_JSON_LINE, json_cb);
	if (e && e != -ENOENT)
		goto fail;
	found += !e;
	snprintf(path, sizeof(path), "%s/serial.log", dir);
	e = read_serial(r, path);
	if (e && e != -ENOENT)
		goto fail;
	found += !e;
	snprintf(path, sizeof(path), "%s/run-events.txt", dir);
	e = read_lines(r, path, 4096, run_event_cb);
	if (e && e != -ENOENT)
		goto fail;
	found += !e;
	snprintf(path, sizeof(path), "%s/qemu-cpu.txt", dir);
	e = read_lines(r, path, 4096, cpu_cb);
	if (e && e != -ENOENT)
		goto fail;
	found += !e;
	if (!found) {
		snprintf(err, errlen, "%s has none of events.jsonl, serial.log, "
			 "run-events.txt, qemu-cpu.txt; give a run directory "
			 "written by tools/kradar-run", dir);
		kradar_run__free(r);
		errno = ENOENT;
		return NULL;
	}
	if (syms)
		kradar_run__symbolize(r, syms);
	e = kradar_run__analyse(r);
	if (e)
		goto fail_analyse;
	return r;
fail:
	snprintf(err, errlen, "cannot read %s: %s", path, strerror(-e));
	kradar_run__free(r);
	errno = -e;
	return NULL;
fail_analyse:
	snprintf(err, errlen, "cannot analyse %s: %s", dir, strerror(-e));
	kradar_run__free(r);
	errno = -e;
	return NULL;
}
