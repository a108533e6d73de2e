// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-collect evidence: events.jsonl lines, the aggregates behind the
 * summary, and the summary itself (text and JSON from one struct).
 *
 * Every decoded record becomes one events.jsonl line as it arrives, so a
 * collector killed hard still leaves the evidence up to that point.
 * Aggregates are bounded (KC_MAX_*); what does not fit is counted and the
 * summary says so.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kradar.h"
#include "report.h"
#include "utf8.h"

#pragma GCC poison u8 u16 u32 u64

#define NSEC_PER_SEC UINT64_C(1000000000)

char *kc_fmt_ts(uint64_t ns, char *buf, size_t len)
{
	snprintf(buf, len, "[%5" PRIu64 ".%06" PRIu64 "]", ns / NSEC_PER_SEC,
		 (ns % NSEC_PER_SEC) / 1000);
	return buf;
}

char *kc_fmt_ns(uint64_t ns, char *buf, size_t len)
{
	if (ns < 1000)
		snprintf(buf, len, "%" PRIu64 " ns", ns);
	else if (ns < 1000000)
		snprintf(buf, len, "%.1f us", ns / 1e3);
	else if (ns < NSEC_PER_SEC)
		snprintf(buf, len, "%.3f ms", ns / 1e6);
	else
		snprintf(buf, len, "%.3f s", ns / 1e9);
	return buf;
}

/* Percentage, never above 100 even when a hostile record says late > count */
static double pct(uint64_t part, uint64_t whole)
{
	if (part > whole)
		part = whole;
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

#define TXT_LEN (4 * KRADAR_NAME_LEN + 1)

/*
 * Guest strings for a terminal or a mail: printable ASCII and valid UTF-8
 * (minus C1 controls) as they are, everything else as \xNN, so a name
 * can never carry escape sequences or break a line.
 */
static const char *txt(const char *s, char *buf)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s), o = 0, i = 0;

	while (i < len && o + 5 < TXT_LEN) {
		size_t n = p[i] >= 0x20 && p[i] < 0x7f ? 1 :
			   p[i] >= 0x80 ? kradar_utf8_len(p + i, len - i) : 0;

		/* U+0080..U+009F are encoded c2 80..c2 9f */
		if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
			n = 0;
		if (n && p[i] != '\\') {
			memcpy(buf + o, p + i, n);
			o += n;
			i += n;
		} else {
			o += snprintf(buf + o, TXT_LEN - o, "\\x%02x", p[i]);
			i++;
		}
	}
	buf[o] = '\0';
	return buf;
}

static void ev_schema(struct kc *kc);

int kc_init(struct kc *kc, FILE *events, const char *source, bool live)
{
	memset(kc, 0, sizeof(*kc));
	jw_init(&kc->jw, events);
	kc->events = events;
	kc->source = source;
	kc->have_host_ns = live;
	kc->storms = calloc(KC_MAX_STORMS, sizeof(*kc->storms));
	kc->cbs = calloc(KC_MAX_CBS, sizeof(*kc->cbs));
	kc->gaps = calloc(KC_MAX_GAPS, sizeof(*kc->gaps));
	kc->locks = calloc(KC_MAX_LOCKS, sizeof(*kc->locks));
	kc->hungs = calloc(KC_MAX_HUNG, sizeof(*kc->hungs));
	kc->stucks = calloc(KC_MAX_STUCK, sizeof(*kc->stucks));
	if (!kc->storms || !kc->cbs || !kc->gaps || !kc->locks || !kc->hungs ||
	    !kc->stucks) {
		kc_fini(kc);
		return -ENOMEM;
	}
	ev_schema(kc);
	return 0;
}

void kc_fini(struct kc *kc)
{
	free(kc->storms);
	free(kc->cbs);
	free(kc->gaps);
	free(kc->locks);
	free(kc->hungs);
	kc->hungs = NULL;
	free(kc->stucks);
	kc->stucks = NULL;
	free(kc->resume_pending);
	kc->resume_pending = NULL;
	kc->resume_nr = 0;
	kc->locks = NULL;
	kc->storms = NULL;
	kc->cbs = NULL;
	kc->gaps = NULL;
}

static void ev_open(struct kc *kc, enum kradar_event_type type)
{
	jw_begin(&kc->jw);
	jw_str(&kc->jw, KRADAR_KEY_TYPE, kradar_event_type__name(type));
}

static void ev_host(struct kc *kc)
{
	if (kc->have_host_ns) {
		jw_u64(&kc->jw, KRADAR_KEY_HOST_NS, kc->host_ns);
		if (!kc->first_host_ns)
			kc->first_host_ns = kc->host_ns;
		kc->last_host_ns = kc->host_ns;
	} else {
		jw_null(&kc->jw, KRADAR_KEY_HOST_NS);
	}
	if (kc->via)
		jw_str(&kc->jw, "via", kc->via);
}

/* Common head of every event: type, host_ns */
static void ev_begin(struct kc *kc, enum kradar_event_type type)
{
	ev_open(kc, type);
	ev_host(kc);
}

static void ev_end(struct kc *kc)
{
	jw_end(&kc->jw);
	kc->events_written++;
}

/*
 * The first line: which schema the directory follows, and who wrote it.
 * No host_ns: it describes the file, not something received.
 */
static void ev_schema(struct kc *kc)
{
	ev_open(kc, KRADAR_EVT_SCHEMA);
	jw_u64(&kc->jw, KRADAR_KEY_SCHEMA, KRADAR_RUN_SCHEMA);
	jw_str(&kc->jw, KRADAR_KEY_WRITER, kradar_prog());
	jw_str(&kc->jw, KRADAR_KEY_KRADAR_VERSION, kradar_version());
	ev_end(kc);
}

/* Record header fields shared by all record events */
static void ev_rec(struct kc *kc, const struct kradar_record *rec,
		   bool with_t_ns)
{
	char malf[64];

	if (with_t_ns)
		jw_u64(&kc->jw, KRADAR_KEY_T_NS, rec->h.ts_ns);
	if (rec->h.cpu != KRADAR_CPU_NONE)
		jw_u64(&kc->jw, KRADAR_KEY_CPU, rec->h.cpu);
	jw_u64(&kc->jw, "seq", rec->h.seq);
	jw_u64(&kc->jw, "offset", rec->offset);
	if (rec->malformed)
		jw_str(&kc->jw, "malformed",
		       kradar_malformed_str(rec->malformed, malf, sizeof(malf)));
}

static struct kc_session *cur_session(struct kc *kc)
{
	if (!kc->nr_sessions) {
		kc->nr_sessions = 1;
		memset(&kc->sessions[0], 0, sizeof(kc->sessions[0]));
	}
	return &kc->sessions[kc->nr_sessions - 1];
}

static void note_hello(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_hello *hello = &rec->u.hello;
	struct kc_session *s = cur_session(kc);
	bool adopt;

	if (s->have_hello)
		adopt = s->session == hello->session;
	else
		adopt = (rec->h.flags & KRADAR_RECF_RESENT) || !s->have_ts;
	if (!adopt) {
		if (kc->nr_sessions == KC_MAX_SESSIONS) {
			/* keep the latest in the last slot */
			kc->sessions_dropped++;
		} else {
			kc->nr_sessions++;
		}
		s = &kc->sessions[kc->nr_sessions - 1];
		memset(s, 0, sizeof(*s));
	}
	s->have_hello = true;
	s->session = hello->session;
	s->hello = *hello;
}

static void note_ts(struct kc *kc, uint64_t ts)
{
	struct kc_session *s = cur_session(kc);

	if (!s->have_ts) {
		s->have_ts = true;
		s->first_ns = s->last_ns = ts;
		return;
	}
	if (ts < s->first_ns)
		s->first_ns = ts;
	if (ts > s->last_ns)
		s->last_ns = ts;
}


/* The probe's settings from a hello record: the hello and summary events */
static void jw_session_settings(struct jw *j, const struct kradar_rec_hello *h)
{
	jw_u64(j, KRADAR_KEY_NR_CPUS, h->nr_cpus);
	jw_u64(j, KRADAR_KEY_WINDOW_MS, h->window_ms);
	jw_u64(j, KRADAR_KEY_HEARTBEAT_MS, h->heartbeat_ms);
	jw_obj(j, KRADAR_KEY_THRESHOLDS);
	jw_u64(j, KRADAR_KEY_STORM_RATE_PER_S, h->storm_rate);
	jw_u64(j, "storm_windows", h->storm_windows);
	jw_u64(j, "late_us", h->late_us);
	jw_u64(j, "storm_end_ms", h->storm_end_ms);
	jw_u64(j, "qs_gap_ms", h->qs_gap_ms);
	jw_u64(j, "lock_wait_ms", h->lock_wait_ms);
	jw_u64(j, "hung_ms", h->hung_ms);
	jw_u64(j, "stuck_ms", h->stuck_ms);
	jw_obj_end(j);
}
static void ev_hello(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_hello *r = &rec->u.hello;
	struct jw *j = &kc->jw;

	ev_begin(kc, KRADAR_EVT_HELLO);
	ev_rec(kc, rec, true);
	jw_bool(j, "resent", rec->h.flags & KRADAR_RECF_RESENT);
	jw_hex(j, "session", r->session);
	jw_u64(j, "version", r->version);
	jw_str(j, KRADAR_KEY_RELEASE, r->release);
	jw_str(j, "port", r->port);
	jw_str(j, "backend", r->backend == KRADAR_BACKEND_BPF ? "bpf" :
	       r->backend == KRADAR_BACKEND_MODULE ? "module" : "unknown");
	jw_hex(j, "caps", r->caps);
	jw_session_settings(j, r);
	ev_end(kc);
}

static void ev_heartbeat(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_heartbeat *r = &rec->u.heartbeat;
	struct jw *j = &kc->jw;

	ev_begin(kc, KRADAR_EVT_HEARTBEAT);
	ev_rec(kc, rec, true);
	jw_u64(j, "window", r->window);
	jw_u64(j, "local_ns", r->local_ns);
	jw_u64(j, "mono_ns", r->mono_ns);
	jw_u64(j, "real_ns", r->real_ns);
	jw_u64(j, "boot_ns", r->boot_ns);
	jw_u64(j, KRADAR_KEY_SAMPLER_LATE_NS, r->sampler_late_ns);
	jw_u64(j, KRADAR_KEY_EVENTS, r->events);
	jw_u64(j, KRADAR_KEY_RECORDS, r->records);
	jw_u64(j, "bytes_sent", r->bytes_sent);
	jw_u64(j, "records_dropped", r->records_dropped);
	ev_end(kc);

	kc->have_heartbeat = true;
	kc->last_hb = *r;
	if (r->sampler_late_ns > kc->sampler_late_max_ns)
		kc->sampler_late_max_ns = r->sampler_late_ns;
}

static struct kc_cb *find_cb(struct kc *kc, uint16_t cpu,
			     const struct kradar_hrtimer_entry *e)
{
	for (unsigned int i = 0; i < kc->nr_cbs; i++)
		if (kc->cbs[i].cpu == cpu && kc->cbs[i].function == e->function)
			return &kc->cbs[i];
	if (kc->nr_cbs == KC_MAX_CBS) {
		kc->cbs_dropped++;
		return NULL;
	}
	struct kc_cb *cb = &kc->cbs[kc->nr_cbs++];

	memset(cb, 0, sizeof(*cb));
	cb->cpu = cpu;
	cb->function = e->function;
	memcpy(cb->name, e->name, sizeof(cb->name));
	return cb;
}

static void ev_window(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_window *w = &rec->window;
	uint64_t len = w->end_ns > w->start_ns ? w->end_ns - w->start_ns : 0;
	struct jw *j = &kc->jw;

	ev_begin(kc, KRADAR_EVT_HRTIMER_WINDOW);
	ev_rec(kc, rec, true);
	jw_u64(j, KRADAR_KEY_START_NS, w->start_ns);
	jw_u64(j, KRADAR_KEY_END_NS, w->end_ns);
	jw_u64(j, KRADAR_KEY_EVENTS, w->events);
	jw_u64(j, "unlisted", w->unlisted);
	jw_arr(j, KRADAR_KEY_ENTRIES);
	for (uint32_t i = 0; i < w->nr_valid; i++) {
		const struct kradar_hrtimer_entry *e = &w->entries[i];
		double rate = len ? (double)e->count * 1e9 / (double)len : 0;
		struct kc_cb *cb;

		jw_obj(j, NULL);
		jw_str(j, KRADAR_KEY_FUNCTION, e->name);
		jw_hex(j, KRADAR_KEY_ADDR, e->function);
		jw_u64(j, KRADAR_KEY_COUNT, e->count);
		jw_double(j, KRADAR_KEY_RATE_PER_S, rate, 1);
		jw_u64(j, KRADAR_KEY_LATE, e->late);
		jw_double(j, KRADAR_KEY_LATE_PCT, pct(e->late, e->count), 1);
		jw_u64(j, KRADAR_KEY_LATE_MEAN_NS, e->count ? e->late_sum_ns / e->count : 0);
		jw_u64(j, KRADAR_KEY_LATE_MAX_NS, e->late_max_ns);
		jw_obj_end(j);

		cb = find_cb(kc, rec->h.cpu, e);
		if (!cb)
			continue;
		cb->windows++;
		cb->count += e->count;
		cb->late += e->late;
		if (rate > cb->peak_rate_per_s)
			cb->peak_rate_per_s = rate;
		if (e->late_max_ns > cb->late_max_ns)
			cb->late_max_ns = e->late_max_ns;
	}
	jw_arr_end(j);
	ev_end(kc);
}

static struct kc_storm *find_storm(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_storm *r = &rec->u.storm;

	for (unsigned int i = kc->nr_storms; i-- > 0;) {
		struct kc_storm *s = &kc->storms[i];

		if (s->cpu == rec->h.cpu && s->function == r->function &&
		    s->begin_ns == r->begin_ns)
			return s;
	}
	return NULL;
}

static struct kc_storm *new_storm(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_storm *r = &rec->u.storm;
	struct kc_storm *s;

	if (kc->nr_storms == KC_MAX_STORMS) {
		kc->storms_dropped++;
		return NULL;
	}
	s = &kc->storms[kc->nr_storms++];
	memset(s, 0, sizeof(*s));
	s->cpu = rec->h.cpu;
	s->function = r->function;
	s->begin_ns = r->begin_ns;
	s->rate_per_s = r->rate_per_s;
	memcpy(s->name, r->name, sizeof(s->name));
	return s;
}

static void storm_update(struct kc_storm *s, const struct kradar_rec_storm *r)
{
	if (r->peak_rate_per_s > s->peak_rate_per_s)
		s->peak_rate_per_s = r->peak_rate_per_s;
	if (r->rate_per_s > s->peak_rate_per_s)
		s->peak_rate_per_s = r->rate_per_s;
	if (r->count >= s->count) {
		s->count = r->count;
		s->late = r->late;
	}
	if (r->late_max_ns > s->late_max_ns)
		s->late_max_ns = r->late_max_ns;
	s->threshold_per_s = r->threshold_per_s;
}

static void ev_storm(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_storm *r = &rec->u.storm;
	bool end = rec->h.type == KRADAR_REC_STORM_END;
	/* a BEGIN sent again while the storm lasts: the totals so far */
	bool update = !end && (rec->h.flags & KRADAR_RECF_RESENT);
	struct jw *j = &kc->jw;
	struct kc_storm *s;

	/* The documented head: type, cpu, function, rate, late_pct, t_ns */
	ev_open(kc, end ? KRADAR_EVT_STORM_END :
		update ? KRADAR_EVT_STORM_UPDATE : KRADAR_EVT_STORM);
	jw_u64(j, KRADAR_KEY_CPU, rec->h.cpu);
	jw_str(j, KRADAR_KEY_FUNCTION, r->name);
	if (!end) {
		jw_u64(j, KRADAR_KEY_RATE_PER_S, r->rate_per_s);
		jw_double(j, KRADAR_KEY_LATE_PCT, pct(r->late, r->count), 1);
	}
	jw_u64(j, KRADAR_KEY_T_NS, end || update ? r->end_ns : r->begin_ns);
	ev_host(kc);
	jw_hex(j, KRADAR_KEY_ADDR, r->function);
	if (end || update) {
		jw_u64(j, KRADAR_KEY_BEGIN_NS, r->begin_ns);
		jw_u64(j, KRADAR_KEY_END_NS, r->end_ns);
		jw_u64(j, "duration_ns",
		       r->end_ns > r->begin_ns ? r->end_ns - r->begin_ns : 0);
	}
	if (end)
		jw_double(j, KRADAR_KEY_LATE_PCT, pct(r->late, r->count), 1);
	jw_u64(j, KRADAR_KEY_LATE_MAX_NS, r->late_max_ns);
	jw_u64(j, "threshold_per_s", r->threshold_per_s);
	jw_u64(j, KRADAR_KEY_PEAK_RATE_PER_S, r->peak_rate_per_s);
	jw_u64(j, KRADAR_KEY_COUNT, r->count);
	jw_u64(j, KRADAR_KEY_LATE, r->late);
	jw_u64(j, KRADAR_KEY_LATE_MEAN_NS, r->count ? r->late_sum_ns / r->count : 0);
	jw_u64(j, KRADAR_KEY_REC_NS, rec->h.ts_ns);
	/* cpu already written; header fields without t_ns/cpu */
	jw_u64(j, "seq", rec->h.seq);
	jw_u64(j, "offset", rec->offset);
	if (rec->malformed) {
		char malf[64];

		jw_str(j, "malformed",
		       kradar_malformed_str(rec->malformed, malf, sizeof(malf)));
	}
	ev_end(kc);

	s = find_storm(kc, rec);
	if (!s)
		s = new_storm(kc, rec);
	if (!s)
		return;
	storm_update(s, r);
	if (end || (update && r->end_ns > s->end_ns))
		s->end_ns = r->end_ns;
	if (end)
		s->ended = true;
}

static void ev_lost(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_lost *r = &rec->u.lost;
	unsigned int idx = r->cause < KRADAR_LOST_CAUSE_MAX ? r->cause : 0;
	struct kc_lost *l = &kc->lost[idx];
	struct jw *j = &kc->jw;

	ev_begin(kc, KRADAR_EVT_LOST);
	ev_rec(kc, rec, true);
	jw_str(j, "cause", kradar_lost_cause_name(r->cause));
	jw_u64(j, "cause_id", r->cause);
	jw_u64(j, KRADAR_KEY_RECORDS, r->records);
	jw_u64(j, "bytes", r->bytes);
	jw_u64(j, KRADAR_KEY_EVENTS, r->events);
	ev_end(kc);

	l->reports++;
	l->records += r->records;
	l->bytes += r->bytes;
	l->events += r->events;
}

static const char *phase_name(uint32_t phase)
{
	switch (phase) {
	case KRADAR_PHASE_BEGIN:	return KRADAR_PHASE_NAME_BEGIN;
	case KRADAR_PHASE_UPDATE:	return KRADAR_PHASE_NAME_UPDATE;
	case KRADAR_PHASE_END:		return KRADAR_PHASE_NAME_END;
	}
	return "unknown";
}

static double rate_per_s(uint64_t count, uint64_t ns)
{
	return ns ? (double)count * 1e9 / (double)ns : 0.0;
}

/*
 * The frame a reader wants first: the one the interrupt interrupted, i.e.
 * the frame after the last interrupt entry stub; else the first frame.
 */
static const char *interrupted_frame(const struct kradar_frame *f,
				     uint32_t n, bool user)
{
	uint32_t key = 0;

	if (user)
		return "user mode";
	/* ret_from_fork*: the bottom of every kthread, not an entry stub */
	for (uint32_t i = 0; i + 1 < n; i++)
		if (!strncmp(f[i].sym, "asm_", 4) ||
		    (!strncmp(f[i].sym, "ret_from_", 9) &&
		     strncmp(f[i].sym, "ret_from_fork", 13)))
			key = i + 1;
	return n ? f[key].sym : NULL;
}

static const char *gap_key_frame(const struct kradar_gap *g)
{
	return interrupted_frame(g->stack, g->nr_stack_valid,
				 g->r.flags & KRADAR_GAPF_USER);
}

static void jw_frames(struct jw *j, const char *key,
		      const struct kradar_frame *f, uint32_t n)
{
	jw_arr(j, key);
	for (uint32_t i = 0; i < n; i++)
		jw_str(j, NULL, f[i].sym);
	jw_arr_end(j);
}

static struct kc_gap *find_gap(struct kc *kc, uint16_t cpu, uint64_t start)
{
	for (unsigned int i = kc->nr_gaps; i-- > 0;)
		if (kc->gaps[i].cpu == cpu && kc->gaps[i].start_ns == start)
			return &kc->gaps[i];
	if (kc->nr_gaps == KC_MAX_GAPS) {
		kc->gaps_dropped++;
		return NULL;
	}
	kc->gaps[kc->nr_gaps].cpu = cpu;
	kc->gaps[kc->nr_gaps].start_ns = start;
	return &kc->gaps[kc->nr_gaps++];
}

static void ev_gap(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_gap *g = &rec->gap;
	const struct kradar_rec_qs_gap *r = &g->r;
	const char *key = gap_key_frame(g);
	uint64_t span = rec->h.ts_ns > r->gap_start_ns ?
			rec->h.ts_ns - r->gap_start_ns : 0;
	struct jw *j = &kc->jw;
	struct kc_gap *k;

	/* the documented head: type, phase, cpu, gap_ms, gp_seq, task */
	ev_open(kc, KRADAR_EVT_QS_GAP);
	jw_str(j, KRADAR_KEY_PHASE, phase_name(r->phase));
	jw_u64(j, KRADAR_KEY_CPU, rec->h.cpu);
	jw_double(j, KRADAR_KEY_GAP_MS, r->gap_ns / 1e6, 1);
	jw_i64(j, KRADAR_KEY_GP_SEQ, (int64_t)r->gp_seq);
	jw_str(j, KRADAR_KEY_TASK, r->comm);
	jw_u64(j, KRADAR_KEY_PID, r->pid);
	jw_u64(j, KRADAR_KEY_T_NS, rec->h.ts_ns);
	ev_host(kc);
	jw_u64(j, KRADAR_KEY_GAP_START_NS, r->gap_start_ns);
	jw_u64(j, KRADAR_KEY_GP_START_NS, r->gp_start_ns);
	jw_u64(j, "hardirqs", r->hardirqs);
	jw_u64(j, "softirqs", r->softirqs);
	jw_u64(j, "hrtimers", r->hrtimers);
	if (r->flags & KRADAR_GAPF_FLOOD)
		jw_bool(j, "flooded", true);
	if (r->flags & KRADAR_GAPF_KTHREAD)
		jw_bool(j, "gp_kthread_waits", true);
	jw_arr(j, KRADAR_KEY_TOP_HRTIMERS);
	for (uint32_t i = 0; i < g->nr_top_valid; i++) {
		jw_obj(j, NULL);
		jw_str(j, KRADAR_KEY_FUNCTION, g->top[i].name);
		jw_hex(j, KRADAR_KEY_ADDR, g->top[i].function);
		jw_u64(j, KRADAR_KEY_COUNT, g->top[i].count);
		jw_double(j, KRADAR_KEY_RATE_PER_S, rate_per_s(g->top[i].count, span),
			  1);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_frames(j, KRADAR_KEY_STACK, g->stack, g->nr_stack_valid);
	if (key)
		jw_str(j, "interrupted_at", key);
	jw_u64(j, "stack_ns", r->stack_ns);
	if (r->qs_ns)
		jw_u64(j, "qs_unreported_ns", r->qs_ns);
	if (r->phase == KRADAR_PHASE_END)
		jw_str(j, "ended_by", r->flags & KRADAR_GAPF_IDLE ? "idle" :
		       r->flags & KRADAR_GAPF_GP_MOVED ? "grace_period_advanced" :
		       "unknown");
	jw_double(j, "sampler_late_ms", r->sampler_late_ns / 1e6, 1);
	jw_u64(j, "seq", rec->h.seq);
	jw_u64(j, "offset", rec->offset);
	if (rec->malformed) {
		char malf[64];

		jw_str(j, "malformed",
		       kradar_malformed_str(rec->malformed, malf, sizeof(malf)));
	}
	ev_end(kc);

	k = find_gap(kc, rec->h.cpu, r->gap_start_ns);
	if (!k)
		return;
	if (!k->first_rec_ns || rec->h.ts_ns < k->first_rec_ns)
		k->first_rec_ns = rec->h.ts_ns;
	if (rec->h.ts_ns < k->last_rec_ns)
		return;		/* an older record arrived late */
	k->last_rec_ns = rec->h.ts_ns;
	k->ended = r->phase == KRADAR_PHASE_END;
	if (r->gap_ns > k->gap_ns || k->ended)
		k->gap_ns = r->gap_ns;
	/*
	 * The task of the gap, not the one that ended it: an END record
	 * names the task running when the sampler saw the gap close (the
	 * idle task, or whatever the CPU switched to).
	 */
	if ((r->phase != KRADAR_PHASE_END &&
	     !(r->flags & KRADAR_GAPF_IDLE)) || !k->comm[0]) {
		k->pid = r->pid;
		memcpy(k->comm, r->comm, sizeof(k->comm));
	}
	k->flooded |= !!(r->flags & KRADAR_GAPF_FLOOD);
	k->hrtimers = r->hrtimers;
	k->hardirqs = r->hardirqs;
	k->softirqs = r->softirqs;
	if (g->nr_top_valid) {
		k->top_function = g->top[0].function;
		k->top_count = g->top[0].count;
		memcpy(k->top_name, g->top[0].name, sizeof(k->top_name));
	}
	if (key && (r->phase != KRADAR_PHASE_END || !k->frame[0]))
		snprintf(k->frame, sizeof(k->frame), "%s", key);
}

static void ev_stall(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_rec_gp_stall *r = &rec->u.stall;
	struct jw *j = &kc->jw;

	ev_open(kc, KRADAR_EVT_GP_STALL);
	jw_str(j, KRADAR_KEY_PHASE, phase_name(r->phase));
	jw_i64(j, KRADAR_KEY_GP_SEQ, (int64_t)r->gp_seq);
	jw_double(j, KRADAR_KEY_STALL_MS, r->stall_ns / 1e6, 1);
	jw_arr(j, KRADAR_KEY_CPUS);
	for (uint32_t i = 0; i < r->nr_cpus; i++)
		jw_u64(j, NULL, r->cpus[i]);
	jw_arr_end(j);
	jw_u64(j, KRADAR_KEY_T_NS, rec->h.ts_ns);
	ev_host(kc);
	jw_u64(j, KRADAR_KEY_GP_START_NS, r->gp_start_ns);
	if (r->kthread_pid) {
		char st[2] = { r->kthread_state, 0 };

		jw_obj(j, "gp_kthread");
		jw_str(j, KRADAR_KEY_COMM, r->kthread_comm);
		jw_u64(j, KRADAR_KEY_PID, r->kthread_pid);
		jw_u64(j, KRADAR_KEY_CPU, r->kthread_cpu);
		jw_str(j, "state", st);
		jw_double(j, "not_run_ms", r->kthread_idle_ns / 1e6, 1);
		jw_obj_end(j);
	}
	jw_double(j, "sampler_late_ms", r->sampler_late_ns / 1e6, 1);
	ev_rec(kc, rec, false);
	ev_end(kc);

	if (r->phase == KRADAR_PHASE_BEGIN) {
		kc->stalls++;
		if (!kc->stall_first_ns)
			kc->stall_first_ns = rec->h.ts_ns;
	}
	if (r->stall_ns > kc->stall_max_ns)
		kc->stall_max_ns = r->stall_ns;
	/* where the kthread was while it stalled: not the END record's */
	if (r->phase != KRADAR_PHASE_END &&
	    r->stall_ns >= kc->stall_max.stall_ns)
		kc->stall_max = *r;
}

static bool sched_frame(const char *sym)
{
	static const char *const skip[] = {
		"__schedule", "schedule", "io_schedule", "preempt_schedule",
		"__mutex_lock", "mutex_lock", "__rt_mutex", "rt_mutex",
		"rt_spin", "rwbase_", "__down", "down_",
	};

	for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
		if (!strncmp(sym, skip[i], strlen(skip[i])))
			return true;
	return false;
}

/* The first frame of a sleeping task's stack that is not the scheduler's
 * or a lock's own: what the task was doing when it went to sleep. */
static const char *lock_key_frame(const struct kradar_frame *f, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (!sched_frame(f[i].sym))
			return f[i].sym;
	return n ? f[0].sym : NULL;
}

static struct kc_lock *find_lock(struct kc *kc, uint64_t lock, bool begin)
{
	for (unsigned int i = kc->nr_locks; i-- > 0;)
		if (kc->locks[i].lock == lock && !kc->locks[i].ended)
			return &kc->locks[i];
	if (!begin && kc->nr_locks && kc->locks[kc->nr_locks - 1].lock == lock)
		return &kc->locks[kc->nr_locks - 1];
	if (kc->nr_locks == KC_MAX_LOCKS) {
		kc->locks_dropped++;
		return NULL;
	}
	memset(&kc->locks[kc->nr_locks], 0, sizeof(kc->locks[0]));
	kc->locks[kc->nr_locks].lock = lock;
	return &kc->locks[kc->nr_locks++];
}

static const char *vhost_what_name(uint32_t what)
{
	switch (what) {
	case KRADAR_VHOST_VQ_MUTEX:
		return "vq->mutex";
	case KRADAR_VHOST_DEV_MUTEX:
		return "dev->mutex";
	default:
		return "in_vq";
	}
}

/*
 * The lock as a reader wants it: the guest's name, or for a lock in a
 * vhost device "vq->mutex (vq 1 of vhost-net dev 1, owner kradar-vhost
 * pid 123)", "dev->mutex (vhost-net dev 1, ...)" or, without the
 * guest's BTF, "vq 1 of vhost-net dev 1 +0x8 (owner ...)".
 */
static void lock_label(const struct kradar_rec_lock *r, char *buf, size_t len)
{
	char owner[64] = "";
	const char *kind = r->vhost_kind[0] ? r->vhost_kind : "vhost";

	if (!(r->flags & KRADAR_LOCKF_VHOST)) {
		snprintf(buf, len, "%s", r->name);
		return;
	}
	if (r->vhost_owner_pid)
		snprintf(owner, sizeof(owner), "owner %s pid %u",
			 r->vhost_owner_comm, r->vhost_owner_pid);
	switch (r->vhost_what) {
	case KRADAR_VHOST_VQ_MUTEX:
		snprintf(buf, len, "vq->mutex (vq %u of %s dev %u%s%s)",
			 r->vhost_vq, kind, r->vhost_dev, owner[0] ? ", " : "",
			 owner);
		break;
	case KRADAR_VHOST_DEV_MUTEX:
		snprintf(buf, len, "dev->mutex (%s dev %u%s%s)", kind,
			 r->vhost_dev, owner[0] ? ", " : "", owner);
		break;
	default:
		snprintf(buf, len, "vq %u of %s dev %u +0x%x%s%s%s", r->vhost_vq,
			 kind, r->vhost_dev, r->vhost_off,
			 owner[0] ? " (" : "", owner, owner[0] ? ")" : "");
		break;
	}
}

static void jw_vhost(struct jw *j, const struct kradar_rec_lock *r)
{
	if (r->flags & KRADAR_LOCKF_VHOST) {
		jw_obj(j, "vhost");
		jw_str(j, "kind", r->vhost_kind);
		jw_u64(j, "dev", r->vhost_dev);
		jw_str(j, "what", vhost_what_name(r->vhost_what));
		if (r->vhost_what != KRADAR_VHOST_DEV_MUTEX)
			jw_u64(j, "vq", r->vhost_vq);
		jw_u64(j, "offset", r->vhost_off);
		if (r->vhost_owner_pid) {
			jw_u64(j, "owner_pid", r->vhost_owner_pid);
			jw_str(j, "owner_comm", r->vhost_owner_comm);
		} else {
			jw_null(j, "owner_pid");
		}
		if (r->vhost_worker_pid)
			jw_u64(j, "worker_pid", r->vhost_worker_pid);
		else
			jw_null(j, "worker_pid");
		jw_obj_end(j);
	}
	if (r->flags & KRADAR_LOCKF_VHOST_KILLED) {
		jw_obj(j, KRADAR_KEY_VHOST_KILLED);
		jw_u64(j, KRADAR_KEY_PID, r->vhost_killed_pid);
		jw_u64(j, "since_ns", r->vhost_killed_ns);
		jw_obj_end(j);
	}
}

static void ev_lock(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_lockrec *l = &rec->lock;
	const struct kradar_rec_lock *r = &l->r;
	const char *key = lock_key_frame(l->owner_stack, l->nr_owner_valid);
	char state[2] = { r->owner_state, 0 };
	char label[KC_LOCK_LABEL];
	struct jw *j = &kc->jw;
	struct kc_lock *k;

	lock_label(r, label, sizeof(label));
	/* the documented head: type, phase, lock, lock_kind, holder */
	ev_open(kc, KRADAR_EVT_LOCK);
	jw_str(j, KRADAR_KEY_PHASE, phase_name(r->phase));
	jw_str(j, KRADAR_KEY_LOCK, label);
	jw_hex(j, KRADAR_KEY_LOCK_ADDR, r->lock);
	jw_str(j, "lock_kind", r->flags & KRADAR_LOCKF_RT ? "rt_mutex" : "mutex");
	if (r->flags & KRADAR_LOCKF_OWNER) {
		jw_u64(j, KRADAR_KEY_HOLDER_PID, r->owner_pid);
		jw_str(j, KRADAR_KEY_HOLDER_COMM, r->owner_comm);
		jw_str(j, KRADAR_KEY_HOLDER_STATE, state);
		jw_double(j, KRADAR_KEY_HELD_MS, r->held_ns / 1e6, 1);
		jw_bool(j, KRADAR_KEY_HELD_EXACT, r->flags & KRADAR_LOCKF_ACQUIRED);
	} else {
		jw_null(j, KRADAR_KEY_HOLDER_PID);
	}
	jw_double(j, KRADAR_KEY_WAIT_MS, r->wait_ns / 1e6, 1);
	jw_u64(j, "nr_waiters", r->nr_waiters);
	jw_arr(j, KRADAR_KEY_WAITERS);
	for (uint32_t i = 0; i < l->nr_waiters_valid; i++) {
		jw_obj(j, NULL);
		jw_u64(j, KRADAR_KEY_PID, l->waiters[i].pid);
		jw_str(j, KRADAR_KEY_COMM, l->waiters[i].comm);
		jw_double(j, "waited_ms", l->waiters[i].wait_ns / 1e6, 1);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_frames(j, KRADAR_KEY_HOLDER_STACK, l->owner_stack, l->nr_owner_valid);
	if (key)
		jw_str(j, "holder_in", key);
	jw_frames(j, "waiter_stack", l->waiter_stack, l->nr_waiter_stack_valid);
	jw_vhost(j, r);
	jw_u64(j, KRADAR_KEY_T_NS, rec->h.ts_ns);
	ev_host(kc);
	jw_u64(j, "wait_begin_ns", r->begin_ns);
	ev_rec(kc, rec, false);
	ev_end(kc);

	k = find_lock(kc, r->lock, r->phase == KRADAR_PHASE_BEGIN);
	if (!k)
		return;
	if (!k->first_rec_ns) {
		k->first_rec_ns = rec->h.ts_ns;
		k->begin_ns = r->begin_ns;
	}
	memcpy(k->name, label, sizeof(k->name));
	if (r->flags & KRADAR_LOCKF_VHOST_KILLED)
		k->killed_pid = r->vhost_killed_pid;
	k->ended = r->phase == KRADAR_PHASE_END;
	if (r->wait_ns > k->wait_max_ns)
		k->wait_max_ns = r->wait_ns;
	if (r->nr_waiters > k->waiters_max)
		k->waiters_max = r->nr_waiters;
	if ((r->flags & KRADAR_LOCKF_OWNER) && r->held_ns >= k->held_max_ns) {
		k->held_max_ns = r->held_ns;
		k->owner_pid = r->owner_pid;
		memcpy(k->owner_comm, r->owner_comm, sizeof(k->owner_comm));
		k->owner_state = r->owner_state;
		if (key)
			snprintf(k->owner_frame, sizeof(k->owner_frame), "%s",
				 key);
	}
}

/* Where a hung task sleeps: past the scheduler, lock and wait helpers. */
static const char *hung_key_frame(const struct kradar_frame *f, uint32_t n)
{
	static const char *const skip[] = {
		"wait_for_", "__wait_for_", "do_wait_for_", "rwsem_down_",
		"bit_wait", "out_of_line_wait", "__wait_on_bit",
	};

	for (uint32_t i = 0; i < n; i++) {
		bool helper = sched_frame(f[i].sym);

		for (size_t k = 0; k < sizeof(skip) / sizeof(skip[0]); k++)
			helper |= !strncmp(f[i].sym, skip[k], strlen(skip[k]));
		if (!helper)
			return f[i].sym;
	}
	return n ? f[0].sym : NULL;
}

/* The sleep a record is about, new at its first record (BEGIN, or a
 * later one when the collector joined mid-sleep). */
static struct kc_hung *find_hung(struct kc *kc, uint32_t pid, uint64_t since)
{
	for (unsigned int i = kc->nr_hungs; i-- > 0;)
		if (kc->hungs[i].pid == pid && kc->hungs[i].since_ns == since)
			return &kc->hungs[i];
	if (kc->nr_hungs == KC_MAX_HUNG) {
		kc->hungs_dropped++;
		return NULL;
	}
	memset(&kc->hungs[kc->nr_hungs], 0, sizeof(kc->hungs[0]));
	kc->hungs[kc->nr_hungs].pid = pid;
	kc->hungs[kc->nr_hungs].since_ns = since;
	return &kc->hungs[kc->nr_hungs++];
}

static void ev_hung(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_hungrec *hr = &rec->hung;
	const struct kradar_rec_hung *r = &hr->r;
	const char *key = hung_key_frame(hr->stack, hr->nr_stack_valid);
	struct jw *j = &kc->jw;
	struct kc_hung *h;

	ev_open(kc, KRADAR_EVT_HUNG);
	jw_str(j, KRADAR_KEY_PHASE, phase_name(r->phase));
	jw_u64(j, KRADAR_KEY_PID, r->pid);
	jw_u64(j, "tgid", r->tgid);
	jw_str(j, KRADAR_KEY_COMM, r->comm);
	jw_str(j, "state", "D");
	jw_double(j, "hung_ms", r->hung_ns / 1e6, 1);
	jw_u64(j, "since_ns", r->since_ns);
	jw_u64(j, "scan_ms", r->scan_ms);
	if (key)
		jw_str(j, "sleeps_in", key);
	if (r->flags & KRADAR_HUNGF_LOCK) {
		jw_str(j, "waits_for", r->lock_name);
		jw_hex(j, KRADAR_KEY_LOCK_ADDR, r->lock);
		if (r->flags & KRADAR_HUNGF_OWNER)
			jw_u64(j, "lock_holder_pid", r->lock_owner_pid);
	}
	if (r->phase == KRADAR_PHASE_END)
		jw_bool(j, "exited", r->flags & KRADAR_HUNGF_EXITED);
	jw_frames(j, KRADAR_KEY_STACK, hr->stack, hr->nr_stack_valid);
	jw_u64(j, KRADAR_KEY_T_NS, rec->h.ts_ns);
	ev_host(kc);
	ev_rec(kc, rec, false);
	ev_end(kc);

	h = find_hung(kc, r->pid, r->since_ns);
	if (!h)
		return;
	if (!h->first_rec_ns) {
		h->first_rec_ns = rec->h.ts_ns;
		h->tgid = r->tgid;
		memcpy(h->comm, r->comm, sizeof(h->comm));
	}
	if (rec->h.cpu != KRADAR_CPU_NONE)
		h->cpu = rec->h.cpu;
	h->ended = r->phase == KRADAR_PHASE_END;
	h->exited = h->ended && (r->flags & KRADAR_HUNGF_EXITED);
	if (r->hung_ns > h->hung_ns)
		h->hung_ns = r->hung_ns;
	if (r->flags & KRADAR_HUNGF_LOCK) {
		h->lock = r->lock;
		memcpy(h->lock_name, r->lock_name, sizeof(h->lock_name));
		h->lock_owner_pid = r->flags & KRADAR_HUNGF_OWNER ?
				    r->lock_owner_pid : 0;
	}
	if (key && r->phase != KRADAR_PHASE_END)
		snprintf(h->frame, sizeof(h->frame), "%s", key);
}

/* The stretch a record is about, new at its first record. */
static struct kc_stuck *find_stuck(struct kc *kc, uint16_t cpu, uint64_t since)
{
	for (unsigned int i = kc->nr_stucks; i-- > 0;)
		if (kc->stucks[i].cpu == cpu && kc->stucks[i].since_ns == since)
			return &kc->stucks[i];
	if (kc->nr_stucks == KC_MAX_STUCK) {
		kc->stucks_dropped++;
		return NULL;
	}
	memset(&kc->stucks[kc->nr_stucks], 0, sizeof(kc->stucks[0]));
	kc->stucks[kc->nr_stucks].cpu = cpu;
	kc->stucks[kc->nr_stucks].since_ns = since;
	return &kc->stucks[kc->nr_stucks++];
}

static const char *stuck_kind_name(uint32_t kind)
{
	return kind == KRADAR_STUCK_IRQS ? "irqs_off" :
	       kind == KRADAR_STUCK_RT ? "rt_hog" : "no_schedule";
}

static void ev_stuck(struct kc *kc, const struct kradar_record *rec)
{
	const struct kradar_stuckrec *sr = &rec->stuck;
	const struct kradar_rec_cpu_stuck *r = &sr->r;
	const char *key = interrupted_frame(sr->stack, sr->nr_stack_valid,
					    sr->r.flags & KRADAR_STUCKF_USER);
	const char *from = !sr->nr_stack_valid ? NULL :
			   r->flags & KRADAR_STUCKF_NMI ? "nmi" :
			   r->flags & KRADAR_STUCKF_AFTER ? "after" : "tick";
	struct jw *j = &kc->jw;
	struct kc_stuck *k;

	ev_open(kc, KRADAR_EVT_CPU_STUCK);
	jw_str(j, "phase", phase_name(r->phase));
	jw_str(j, "kind", stuck_kind_name(r->kind));
	jw_str(j, "task", r->comm);
	jw_u64(j, "pid", r->pid);
	jw_double(j, "stuck_ms", r->stuck_ns / 1e6, 1);
	jw_u64(j, "since_ns", r->since_ns);
	jw_u64(j, "threshold_ms", r->threshold_ms);
	if (r->kind == KRADAR_STUCK_RT)
		jw_u64(j, "rt_priority", r->rt_priority);
	if (r->flags & KRADAR_STUCKF_WAITER) {
		jw_obj(j, "waiter");
		jw_u64(j, "pid", r->wait_pid);
		jw_str(j, "comm", r->wait_comm);
		jw_u64(j, "woken_ns", r->wait_ns);
		jw_obj_end(j);
	}
	if (r->flags & KRADAR_STUCKF_PREEMPT)
		jw_u64(j, "preempt_count", r->preempt_count);
	if (from) {
		jw_str(j, "stack_from", from);
		jw_u64(j, "stack_ns", r->stack_ns);
		if (key)
			jw_str(j, "in", key);
	}
	if (r->phase == KRADAR_PHASE_END)
		jw_bool(j, "went_idle", r->flags & KRADAR_STUCKF_IDLE);
	jw_frames(j, "stack", sr->stack, sr->nr_stack_valid);
	jw_u64(j, "t_ns", rec->h.ts_ns);
	ev_host(kc);
	ev_rec(kc, rec, false);
	ev_end(kc);

	k = find_stuck(kc, rec->h.cpu, r->since_ns);
	if (!k)
		return;
	if (!k->first_rec_ns) {
		k->first_rec_ns = rec->h.ts_ns;
		k->kind = r->kind;
		k->pid = r->pid;
		memcpy(k->comm, r->comm, sizeof(k->comm));
		k->preempt_count = -1;
		k->rt_priority = r->rt_priority;
	}
	k->ended = r->phase == KRADAR_PHASE_END;
	if (r->stuck_ns > k->stuck_ns)
		k->stuck_ns = r->stuck_ns;
	if (r->flags & KRADAR_STUCKF_WAITER) {
		k->wait_pid = r->wait_pid;
		memcpy(k->wait_comm, r->wait_comm, sizeof(k->wait_comm));
	}
	/* the stack in the stretch beats the one after it */
	if (key && (!k->frame[0] || strcmp(from, "after") ||
		    !strcmp(k->stack_from, "after"))) {
		snprintf(k->frame, sizeof(k->frame), "%s", key);
		snprintf(k->stack_from, sizeof(k->stack_from), "%s", from);
		k->preempt_count = r->flags & KRADAR_STUCKF_PREEMPT ?
				   (int)r->preempt_count : -1;
	}
}

static void ev_unknown(struct kc *kc, const struct kradar_record *rec)
{
	ev_begin(kc, KRADAR_EVT_UNKNOWN_RECORD);
	ev_rec(kc, rec, true);
	jw_u64(&kc->jw, "record_type", rec->h.type);
	jw_u64(&kc->jw, "size", rec->h.size);
	jw_u64(&kc->jw, "flags", rec->h.flags);
	ev_end(kc);
}

int kc_resume(struct kc *kc, const char *from, uint64_t bytes,
	      const struct kradar_decoder *prev)
{
	uint32_t next;

	kc->resume_from = from;
	kc->resume_bytes = bytes;
	kc->resume_session = kradar_decoder__session(prev);
	kc->resume_pending = calloc(KRADAR_CPU_NONE + 1, 1);
	if (!kc->resume_pending)
		return -ENOMEM;
	kc->resume_nr = KRADAR_CPU_NONE + 1;
	for (size_t cpu = 0; cpu < kc->resume_nr; cpu++)
		if (kradar_decoder__next_seq(prev, (uint16_t)cpu, &next)) {
			kc->resume_pending[cpu] = 1;
			kc->resume_seqs++;
		}
	return 0;
}

/* The first record of a continued sequence, or a new session: resolved */
static void resume_seen(struct kc *kc, const struct kradar_record *rec)
{
	if (rec->h.type == KRADAR_REC_HELLO &&
	    !(rec->malformed & KRADAR_MALF_HELLO) &&
	    rec->u.hello.session != kc->resume_session) {
		memset(kc->resume_pending, 0, kc->resume_nr);
		return;
	}
	if (rec->h.cpu < kc->resume_nr)
		kc->resume_pending[rec->h.cpu] = 0;
}

/*
 * A gap before the first record of a sequence continued from the earlier
 * collector: the guest sent those records while no collector was
 * connected (QEMU's virtconsole discards them and the guest cannot tell).
 */
static void ev_uncollected(struct kc *kc, const struct kradar_loss *loss)
{
	struct jw *j = &kc->jw;

	ev_begin(kc, KRADAR_EVT_LOST);
	if (loss->cpu == KRADAR_CPU_NONE)
		jw_str(j, "source", "global");
	else
		jw_u64(j, KRADAR_KEY_CPU, loss->cpu);
	jw_u64(j, "seq", loss->seq);
	jw_u64(j, "offset", loss->offset);
	jw_str(j, "cause", "no_collector");
	jw_str(j, "reason", "sent while no collector was connected");
	jw_u64(j, KRADAR_KEY_RECORDS, loss->records);
	jw_u64(j, "expected_seq", loss->expected_seq);
	jw_str(j, "resumed_from", kc->resume_from);
	ev_end(kc);
	kc->uncollected.reports++;
	kc->uncollected.records += loss->records;
}

int kc_on_record(void *ctx, const struct kradar_record *rec)
{
	struct kc *kc = ctx;

	kc->record_bytes += rec->h.size;
	if (kc->resume_nr && !(rec->malformed & KRADAR_MALF_CPU))
		resume_seen(kc, rec);
	/* Described by the stream_loss "malformed" line; nothing to trust */
	if (rec->malformed & KRADAR_MALF_CPU) {
		kc->skipped_cpu++;
		return kc->jw.err;
	}
	if (rec->h.type == KRADAR_REC_HELLO &&
	    !(rec->malformed & KRADAR_MALF_HELLO))
		note_hello(kc, rec);
	note_ts(kc, rec->h.ts_ns);

	switch (rec->h.type) {
	case KRADAR_REC_HELLO:
		ev_hello(kc, rec);
		break;
	case KRADAR_REC_HEARTBEAT:
		ev_heartbeat(kc, rec);
		break;
	case KRADAR_REC_HRTIMER_WINDOW:
		ev_window(kc, rec);
		break;
	case KRADAR_REC_STORM_BEGIN:
	case KRADAR_REC_STORM_END:
		ev_storm(kc, rec);
		break;
	case KRADAR_REC_LOST:
		ev_lost(kc, rec);
		break;
	case KRADAR_REC_QS_GAP:
		ev_gap(kc, rec);
		break;
	case KRADAR_REC_GP_STALL:
		ev_stall(kc, rec);
		break;
	case KRADAR_REC_LOCK:
		ev_lock(kc, rec);
		break;
	case KRADAR_REC_HUNG:
		ev_hung(kc, rec);
		break;
	case KRADAR_REC_CPU_STUCK:
		ev_stuck(kc, rec);
		break;
	default:
		ev_unknown(kc, rec);
		break;
	}
	return kc->jw.err;
}

int kc_on_loss(void *ctx, const struct kradar_loss *loss)
{
	struct kc *kc = ctx;
	struct jw *j = &kc->jw;
	char malf[64];

	ev_begin(kc, KRADAR_EVT_STREAM_LOSS);
	jw_str(j, "kind", kradar_loss_kind_name(loss->kind));
	jw_u64(j, "offset", loss->offset);
	switch (loss->kind) {
	case KRADAR_LOSS_SKIPPED:
		jw_u64(j, "bytes", loss->bytes);
		jw_str(j, "reason", kradar_skip_reason_name(loss->reason));
		break;
	case KRADAR_LOSS_TRUNCATED:
		jw_u64(j, "bytes", loss->bytes);
		break;
	case KRADAR_LOSS_SEQ_GAP:
	case KRADAR_LOSS_SEQ_BACK:
		if (loss->cpu == KRADAR_CPU_NONE)
			jw_str(j, "source", "global");
		else
			jw_u64(j, KRADAR_KEY_CPU, loss->cpu);
		jw_u64(j, "expected_seq", loss->expected_seq);
		jw_u64(j, "seq", loss->seq);
		if (loss->kind == KRADAR_LOSS_SEQ_GAP)
			jw_u64(j, KRADAR_KEY_RECORDS, loss->records);
		break;
	case KRADAR_LOSS_MALFORMED:
		jw_str(j, "record_type", kradar_rec_type_name(loss->type));
		jw_u64(j, "record_type_id", loss->type);
		jw_u64(j, KRADAR_KEY_CPU, loss->cpu);
		jw_u64(j, "bytes", loss->bytes);
		jw_u64(j, KRADAR_KEY_RECORDS, loss->records);
		jw_str(j, "fields",
		       kradar_malformed_str(loss->reason, malf, sizeof(malf)));
		break;
	}
	ev_end(kc);
	if (loss->kind == KRADAR_LOSS_SEQ_GAP && loss->cpu < kc->resume_nr &&
	    kc->resume_pending[loss->cpu])
		ev_uncollected(kc, loss);
	return kc->jw.err;
}

void kc_connect_event(struct kc *kc, const char *path)
{
	kc->connects++;
	ev_begin(kc, KRADAR_EVT_CONNECT);
	jw_str(&kc->jw, "path", path);
	jw_u64(&kc->jw, "offset", kradar_decoder__stats(kc->dec)->bytes);
	ev_end(kc);
}

void kc_disconnect_event(struct kc *kc, const char *path, uint64_t bytes,
			 const char *reason)
{
	kc->disconnects++;
	ev_begin(kc, KRADAR_EVT_DISCONNECT);
	jw_str(&kc->jw, "path", path);
	jw_u64(&kc->jw, "bytes", bytes);
	jw_str(&kc->jw, "reason", reason);
	jw_u64(&kc->jw, "offset", kradar_decoder__stats(kc->dec)->bytes);
	ev_end(kc);
}

static const struct kc_storm *worst_storm(const struct kc *kc)
{
	const struct kc_storm *w = NULL;

	for (unsigned int i = 0; i < kc->nr_storms; i++)
		if (!w || kc->storms[i].peak_rate_per_s > w->peak_rate_per_s)
			w = &kc->storms[i];
	return w;
}

/* Guest time a storm lasted: to its end, or to the last record seen */
static uint64_t storm_duration(const struct kc *kc, const struct kc_storm *s,
			       bool *ongoing)
{
	uint64_t end = s->end_ns, later_end = 0, later_first = 0;

	*ongoing = !s->ended;
	if (!s->ended) {
		/*
		 * Up to the last record of the session the storm began in;
		 * for evidence that starts after the storm did (the port
		 * came late, the records came from a panic dump), of the
		 * earliest session that goes on past the storm's start.
		 */
		end = 0;
		for (unsigned int i = 0; i < kc->nr_sessions; i++) {
			const struct kc_session *ss = &kc->sessions[i];

			if (!ss->have_ts || ss->last_ns <= s->begin_ns)
				continue;
			if (ss->first_ns <= s->begin_ns) {
				end = ss->last_ns > end ? ss->last_ns : end;
			} else if (!later_end || ss->first_ns < later_first) {
				later_end = ss->last_ns;
				later_first = ss->first_ns;
			}
		}
		if (!end)
			end = later_end;
		/* its last update, should the session's records stop short */
		if (s->end_ns > end)
			end = s->end_ns;
	}
	return end > s->begin_ns ? end - s->begin_ns : 0;
}

/* Guest time a gap has lasted: its total, or up to its last record */
static uint64_t gap_length(const struct kc_gap *g)
{
	return g->gap_ns;
}

/*
 * "CPU 1 held up RCU for 21.4 s (task sh, interrupted at X); during the
 * gap advance_sched [sch_taprio] fired 2.6M/s": from the records alone.
 */
static void gap_sentence(const struct kc_gap *g, char *buf, size_t len)
{
	char name[TXT_LEN], comm[TXT_LEN], frame[TXT_LEN];
	size_t n;

	n = snprintf(buf, len, "CPU %u held up RCU for %s%.1f s (task %s",
		     g->cpu, g->ended ? "" : ">=", gap_length(g) / 1e9,
		     txt(g->comm, comm));
	if (g->flooded && n < len)
		n += snprintf(buf + n, len - n, ", flooded by an hrtimer storm");
	if (g->frame[0] && n < len)
		n += snprintf(buf + n, len - n, ", interrupted at %s",
			      txt(g->frame, frame));
	if (n < len)
		n += snprintf(buf + n, len - n, ")");
	if (g->top_count && g->last_rec_ns > g->start_ns && n < len) {
		double r = rate_per_s(g->top_count,
				      g->last_rec_ns - g->start_ns);

		snprintf(buf + n, len - n, "; during the gap %s fired %.*f%s/s",
			 txt(g->top_name, name), r >= 1e6 ? 1 : 0,
			 r >= 1e6 ? r / 1e6 : r, r >= 1e6 ? "M" : "");
	}
}

/* "rtnl_mutex held 3.0 s by kradar_holder (pid 80, state D, in X), 2 waiting" */
static void lock_sentence(const struct kc_lock *k, char *buf, size_t len)
{
	char name[TXT_LEN], comm[TXT_LEN], frame[TXT_LEN];
	size_t n;

	n = snprintf(buf, len, "%s waited for %.1f s", txt(k->name, name),
		     k->wait_max_ns / 1e9);
	if (k->owner_pid && n < len)
		n += snprintf(buf + n, len - n,
			      ", held >= %.1f s by %s (pid %u, state %c%s%s)",
			      k->held_max_ns / 1e9, txt(k->owner_comm, comm),
			      k->owner_pid, k->owner_state ? k->owner_state : '?',
			      k->owner_frame[0] ? ", in " : "",
			      k->owner_frame[0] ? txt(k->owner_frame, frame) : "");
	else if (n < len)
		n += snprintf(buf + n, len - n, ", holder unknown");
	if (n < len)
		n += snprintf(buf + n, len - n, ", %u waiting", k->waiters_max);
	if (k->killed_pid && n < len)
		snprintf(buf + n, len - n,
			 " (pid %u in vhost_worker_killed())", k->killed_pid);
}

/* "kradar_hung/1 (pid 80) in D for 12.0 s in X, waiting for Y held by pid N" */
static void hung_sentence(const struct kc_hung *h, char *buf, size_t len)
{
	char comm[TXT_LEN], frame[TXT_LEN], lock[TXT_LEN];
	size_t n;

	n = snprintf(buf, len, "%s (pid %u) in D for %s%.1f s",
		     txt(h->comm, comm), h->pid, h->ended ? "" : ">=",
		     h->hung_ns / 1e9);
	if (h->frame[0] && n < len)
		n += snprintf(buf + n, len - n, " in %s", txt(h->frame, frame));
	if (h->lock && n < len)
		n += snprintf(buf + n, len - n, ", waiting for %s",
			      txt(h->lock_name, lock));
	if (h->lock && h->lock_owner_pid && n < len)
		snprintf(buf + n, len - n, " held by pid %u",
			 h->lock_owner_pid);
}

/*
 * "CPU 1 did not schedule for 2.5 s (task kradar_preempt/1, preemption
 * off, in X; kworker/1:1 waited)" or "CPU 1 ran with interrupts off for
 * 2.5 s (task T, in X by NMI)"
 */
static void stuck_sentence(const struct kc_stuck *k, char *buf, size_t len)
{
	char comm[TXT_LEN], frame[TXT_LEN], wait[TXT_LEN];
	size_t n;

	if (k->kind == KRADAR_STUCK_RT) {
		n = snprintf(buf, len,
			     "RT task %s (pid %u, priority %u) took CPU %u for %s%.1f s",
			     txt(k->comm, comm), k->pid, k->rt_priority, k->cpu,
			     k->ended ? "" : ">=", k->stuck_ns / 1e9);
		if (k->frame[0] && n < len)
			snprintf(buf + n, len - n, " (in %s)",
				 txt(k->frame, frame));
		return;
	}
	n = snprintf(buf, len, k->kind == KRADAR_STUCK_IRQS ?
		     "CPU %u ran with interrupts off for %s%.1f s (task %s" :
		     "CPU %u did not schedule for %s%.1f s (task %s",
		     k->cpu, k->ended ? "" : ">=", k->stuck_ns / 1e9,
		     txt(k->comm, comm));
	if (k->kind == KRADAR_STUCK_SCHED && k->preempt_count > 0 && n < len)
		n += snprintf(buf + n, len - n, ", preemption off");
	if (k->frame[0] && n < len)
		n += snprintf(buf + n, len - n, ", %s %s",
			      strcmp(k->stack_from, "after") ?
			      "in" : "interrupts back on in",
			      txt(k->frame, frame));
	if (k->wait_pid && n < len)
		n += snprintf(buf + n, len - n, "; %s (pid %u) waited to run",
			      k->wait_comm[0] ? txt(k->wait_comm, wait) : "a task",
			      k->wait_pid);
	if (n < len)
		snprintf(buf + n, len - n, ")");
}

void kc_summarize(const struct kc *kc, struct kc_summary *sum)
{
	const struct kradar_decoder_stats *st = kradar_decoder__stats(kc->dec);
	char loss[256], a[32], b[32], name[TXT_LEN];
	const struct kc_storm *w;
	size_t n;

	memset(sum, 0, sizeof(*sum));
	sum->st = st;
	for (unsigned int i = 0; i < kc->nr_sessions; i++) {
		const struct kc_session *s = &kc->sessions[i];

		if (s->have_ts)
			sum->covered_ns += s->last_ns - s->first_ns;
		if (s->have_hello)
			sum->session = s;
	}
	sum->storms = kc->nr_storms + kc->storms_dropped;
	for (unsigned int i = 0; i < kc->nr_locks; i++)
		if (!sum->longest_lock ||
		    kc->locks[i].wait_max_ns > sum->longest_lock->wait_max_ns)
			sum->longest_lock = &kc->locks[i];
	for (unsigned int i = 0; i < kc->nr_hungs; i++)
		if (!sum->longest_hung ||
		    kc->hungs[i].hung_ns > sum->longest_hung->hung_ns)
			sum->longest_hung = &kc->hungs[i];
	for (unsigned int i = 0; i < kc->nr_stucks; i++)
		if (!sum->longest_stuck ||
		    kc->stucks[i].stuck_ns > sum->longest_stuck->stuck_ns)
			sum->longest_stuck = &kc->stucks[i];
	for (unsigned int i = 0; i < kc->nr_gaps; i++)
		if (!sum->longest_gap ||
		    kc->gaps[i].gap_ns > sum->longest_gap->gap_ns)
			sum->longest_gap = &kc->gaps[i];
	for (unsigned int i = 0; i <= KRADAR_LOST_CAUSE_MAX; i++) {
		sum->guest_lost_records += kc->lost[i].records;
		sum->guest_lost_events += kc->lost[i].events;
	}
	/* every such gap is a decoder sequence gap: it is within seq_lost */
	sum->uncollected_lost = kc->uncollected.records < st->seq_lost ?
				kc->uncollected.records : st->seq_lost;
	sum->transit_lost = st->seq_lost - sum->uncollected_lost >
			    sum->guest_lost_records ?
			    st->seq_lost - sum->uncollected_lost -
			    sum->guest_lost_records : 0;

	n = 0;
	loss[0] = '\0';
#define LOSS(cond, ...) do {						\
	if ((cond) && n < sizeof(loss))					\
		n += snprintf(loss + n, sizeof(loss) - n, __VA_ARGS__);	\
} while (0)
	LOSS(sum->guest_lost_records, "%s%" PRIu64 " records dropped by the guest",
	     n ? ", " : "", sum->guest_lost_records);
	LOSS(sum->guest_lost_events, "%s%" PRIu64 " events uncounted by the guest",
	     n ? ", " : "", sum->guest_lost_events);
	LOSS(kc->have_heartbeat && kc->last_hb.records_dropped &&
	     !sum->guest_lost_records,
	     "%s%" PRIu64 " records dropped per heartbeat", n ? ", " : "",
	     (uint64_t)kc->last_hb.records_dropped);
	LOSS(sum->uncollected_lost, "%s%" PRIu64
	     " records sent while no collector was connected",
	     n ? ", " : "", sum->uncollected_lost);
	LOSS(sum->transit_lost, "%s%" PRIu64
	     " records lost between guest and host (sequence gaps)",
	     n ? ", " : "", sum->transit_lost);
	LOSS(st->skipped_bytes, "%s%" PRIu64 " bytes skipped",
	     n ? ", " : "", st->skipped_bytes);
	LOSS(st->truncated_bytes, "%s%" PRIu64 " bytes truncated",
	     n ? ", " : "", st->truncated_bytes);
	LOSS(st->malformed, "%s%" PRIu64 " malformed records",
	     n ? ", " : "", st->malformed);
#undef LOSS
	bool lossy = n > 0;
	char gap[640] = "";

	if (sum->longest_stuck) {
		gap[0] = ';';
		gap[1] = ' ';
		stuck_sentence(sum->longest_stuck, gap + 2, sizeof(gap) - 2);
	}
	if (sum->longest_gap) {
		size_t g = strlen(gap);

		snprintf(gap + g, sizeof(gap) - g, "; ");
		gap_sentence(sum->longest_gap, gap + g + 2,
			     sizeof(gap) - g - 2);
	}
	if (sum->longest_lock) {
		size_t g = strlen(gap);

		snprintf(gap + g, sizeof(gap) - g, "; ");
		lock_sentence(sum->longest_lock, gap + g + 2,
			      sizeof(gap) - g - 2);
	}
	if (sum->longest_hung) {
		size_t g = strlen(gap);

		snprintf(gap + g, sizeof(gap) - g, "; hung task: ");
		g = strlen(gap);
		hung_sentence(sum->longest_hung, gap + g, sizeof(gap) - g);
	}
	w = worst_storm(kc);
	if (!st->records) {
		snprintf(sum->verdict, sizeof(sum->verdict),
			 "no kradar records decoded from %" PRIu64
			 " bytes: no probe data, nothing to judge (was the probe loaded, did its port connect?)%s%s",
			 st->bytes, lossy ? "; " : "", loss);
		sum->exit_code = 3;
	} else if (w) {
		bool ongoing;
		uint64_t d = storm_duration(kc, w, &ongoing);

		snprintf(sum->verdict, sizeof(sum->verdict),
			 "hrtimer storm: %s on CPU %u at %s, peak %" PRIu64
			 "/s, %.1f%% late, worst %s, %s %.3f s%s%s; %s",
			 txt(w->name, name), w->cpu,
			 kc_fmt_ts(w->begin_ns, a, sizeof(a)),
			 w->peak_rate_per_s, pct(w->late, w->count),
			 kc_fmt_ns(w->late_max_ns, b, sizeof(b)),
			 ongoing ? "still going after" : "lasted", d / 1e9,
			 sum->storms > 1 ? " (and more, see table)" : "",
			 gap, lossy ? loss : "stream complete");
		sum->exit_code = 1;
	} else if (sum->longest_stuck || sum->longest_gap ||
		   sum->longest_lock || sum->longest_hung) {
		snprintf(sum->verdict, sizeof(sum->verdict), "%s: %s; %s",
			 sum->longest_stuck ? "CPU stuck" :
			 sum->longest_gap ? "RCU grace period held up" :
			 sum->longest_lock ? "contended lock" : "hung task",
			 sum->longest_stuck || sum->longest_gap ||
			 sum->longest_lock ? gap + 2 :
			 gap + strlen("; hung task: "),
			 lossy ? loss : "stream complete");
		sum->exit_code = 1;
	} else {
		snprintf(sum->verdict, sizeof(sum->verdict),
			 "no hrtimer storm, stuck CPU, RCU gap, long lock wait or hung task in %.3f s of guest time; %s%s",
			 sum->covered_ns / 1e9,
			 lossy ? loss : "stream complete",
			 lossy ? " (inconclusive: the lost records may have held one)" : "");
		sum->exit_code = lossy ? 3 : 0;
	}
}

static int name_width(int w, const char *s)
{
	int n = 0;

	/* count characters, not UTF-8 continuation bytes */
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	if (n > 64)
		n = 64;
	return n > w ? n : w;
}

static int cmp_cb(const void *pa, const void *pb)
{
	const struct kc_cb *a = pa, *b = pb;

	if (a->cpu != b->cpu)
		return a->cpu < b->cpu ? -1 : 1;
	if (a->peak_rate_per_s != b->peak_rate_per_s)
		return a->peak_rate_per_s > b->peak_rate_per_s ? -1 : 1;
	return a->function < b->function ? -1 : a->function > b->function;
}

/* Callbacks sorted per CPU, busiest first; caller frees */
static struct kc_cb *sorted_cbs(const struct kc *kc)
{
	struct kc_cb *v = malloc((kc->nr_cbs ? kc->nr_cbs : 1) * sizeof(*v));

	if (!v)
		return NULL;
	memcpy(v, kc->cbs, kc->nr_cbs * sizeof(*v));
	qsort(v, kc->nr_cbs, sizeof(*v), cmp_cb);
	return v;
}

/* Index i is among the first KC_TOP_PER_CPU of its CPU in sorted v */
static bool cb_is_top(const struct kc_cb *v, unsigned int i)
{
	unsigned int rank = 0;

	while (rank < i && v[i - rank - 1].cpu == v[i].cpu)
		rank++;
	return rank < KC_TOP_PER_CPU;
}

static const char *type_label[KRADAR_REC_TYPE_MAX] = {
	[KRADAR_REC_HELLO] = "hello",
	[KRADAR_REC_HEARTBEAT] = "heartbeat",
	[KRADAR_REC_HRTIMER_WINDOW] = "hrtimer_window",
	[KRADAR_REC_STORM_BEGIN] = "storm_begin",
	[KRADAR_REC_STORM_END] = "storm_end",
	[KRADAR_REC_LOST] = "lost",
	[KRADAR_REC_QS_GAP] = "qs_gap",
	[KRADAR_REC_GP_STALL] = "gp_stall",
	[KRADAR_REC_LOCK] = "lock",
	[KRADAR_REC_HUNG] = "hung_task",
	[KRADAR_REC_CPU_STUCK] = "cpu_stuck",
};

void kc_write_summary_text(const struct kc *kc, const struct kc_summary *sum,
			   FILE *f)
{
	const struct kradar_decoder_stats *st = sum->st;
	char a[32], b[32], c[32], name[TXT_LEN];
	struct kc_cb *v;

	fprintf(f, "kradar-collect summary\n");
	fprintf(f, "source:      %s\n", kc->source);
	if (sum->session) {
		const struct kradar_rec_hello *h = &sum->session->hello;

		fprintf(f, "session:     0x%016" PRIx64 ", guest kernel %s, %u CPUs\n",
			(uint64_t)h->session,
			h->release[0] ? txt(h->release, name) : "(unknown)",
			h->nr_cpus);
		fprintf(f, "window:      %u ms, heartbeat %u ms\n", h->window_ms,
			h->heartbeat_ms);
		fprintf(f, "thresholds:  storm >= %" PRIu64
			" callbacks/s on one CPU for %u windows, late >= %u us\n",
			(uint64_t)h->storm_rate, h->storm_windows, h->late_us);
	} else {
		fprintf(f, "session:     unknown (no valid HELLO record received)\n");
	}
	fprintf(f, "sessions:    %u%s\n", kc->nr_sessions,
		kc->sessions_dropped ? " (more not listed)" : "");
	for (unsigned int i = 0; i < kc->nr_sessions; i++) {
		const struct kc_session *s = &kc->sessions[i];

		if (!s->have_ts)
			continue;
		fprintf(f, "guest time:  %s .. %s (%.3f s)%s\n",
			kc_fmt_ts(s->first_ns, a, sizeof(a)),
			kc_fmt_ts(s->last_ns, b, sizeof(b)),
			(s->last_ns - s->first_ns) / 1e9,
			s->have_hello ? "" : " before the first HELLO");
	}
	fprintf(f, "covered:     %.3f s of guest time\n", sum->covered_ns / 1e9);
	if (kc->resume_from && kc->resume_note)
		fprintf(f, "resumed:     no: %s (%s)\n", kc->resume_note,
			kc->resume_from);
	else if (kc->resume_from)
		fprintf(f, "resumed:     after %s (%" PRIu64
			" bytes, session 0x%016" PRIx64 "): %" PRIu64
			" sequences continued%s\n", kc->resume_from,
			kc->resume_bytes, kc->resume_session, kc->resume_seqs,
			kc->resume_assumed ? " (no HELLO since: same session assumed)" : "");
	if (kc->have_host_ns)
		fprintf(f, "host time:   %.3f s, %" PRIu64 " connects, %" PRIu64
			" disconnects\n",
			(kc->last_host_ns - kc->first_host_ns) / 1e9,
			kc->connects, kc->disconnects);

	fprintf(f, "\nrecords decoded: %" PRIu64 "\n", st->records);
	for (unsigned int t = 1; t < KRADAR_REC_TYPE_MAX; t++)
		fprintf(f, "  %-16s %10" PRIu64 "\n", type_label[t],
			st->by_type[t]);
	fprintf(f, "  %-16s %10" PRIu64 "  (unknown types, skipped, not loss)\n",
		"unknown", st->unknown);

	/* function columns as wide as the longest name shown, 32..64 */
	int w = 32;

	for (unsigned int i = 0; i < kc->nr_storms; i++)
		w = name_width(w, txt(kc->storms[i].name, name));
	for (unsigned int i = 0; i < kc->nr_cbs; i++)
		w = name_width(w, txt(kc->cbs[i].name, name));

	fprintf(f, "\nhrtimer storms: %" PRIu64 "\n", sum->storms);
	if (kc->nr_storms) {
		fprintf(f, "  %4s  %-*s %-15s %12s %10s %7s %12s\n", "CPU", w,
			"function", "begin", "duration", "peak/s", "late%",
			"worst late");
		for (unsigned int i = 0; i < kc->nr_storms; i++) {
			const struct kc_storm *s = &kc->storms[i];
			bool ongoing;
			uint64_t d = storm_duration(kc, s, &ongoing);

			snprintf(c, sizeof(c), "%s%.3f s", ongoing ? ">=" : "",
				 d / 1e9);
			fprintf(f, "  %4u  %-*s %-15s %12s %10" PRIu64
				" %6.1f%% %12s\n", s->cpu, w, txt(s->name, name),
				kc_fmt_ts(s->begin_ns, a, sizeof(a)), c,
				s->peak_rate_per_s, pct(s->late, s->count),
				kc_fmt_ns(s->late_max_ns, b, sizeof(b)));
		}
		if (kc->storms_dropped)
			fprintf(f, "  (%" PRIu64 " more storms not listed)\n",
				kc->storms_dropped);
	} else {
		fprintf(f, "  no storm\n");
	}

	fprintf(f, "\ntop hrtimer callbacks per CPU, by peak window rate:\n");
	v = sorted_cbs(kc);
	if (!kc->nr_cbs)
		fprintf(f, "  none seen\n");
	for (unsigned int i = 0; v && i < kc->nr_cbs; i++) {
		const struct kc_cb *cb = &v[i];

		if (!cb_is_top(v, i))
			continue;
		if (!i || v[i - 1].cpu != cb->cpu)
			fprintf(f, "  CPU %u:\n", cb->cpu);
		fprintf(f, "    %-*s peak %10.*f/s  %10" PRIu64
			" callbacks  %5.1f%% late  worst %s\n", w, txt(cb->name, name),
			cb->peak_rate_per_s < 10 ? 1 : 0,
			/* whole rates truncated, as the probe's storm records are */
			cb->peak_rate_per_s < 10 ? cb->peak_rate_per_s :
			floor(cb->peak_rate_per_s),
			cb->count, pct(cb->late, cb->count),
			kc_fmt_ns(cb->late_max_ns, a, sizeof(a)));
	}
	if (kc->cbs_dropped)
		fprintf(f, "  (%" PRIu64 " entries of further callbacks not tracked)\n",
			kc->cbs_dropped);
	free(v);

	fprintf(f, "\nRCU quiescent-state gaps: %u%s, grace-period stalls: %"
		PRIu64 "\n", kc->nr_gaps, kc->gaps_dropped ? " (more not listed)" :
		"", kc->stalls);
	if (sum->session && !sum->session->hello.qs_gap_ms)
		fprintf(f, "  detector off in the guest (qs_gap_ms=0 or a missing tracepoint)\n");
	else if (!kc->nr_gaps)
		fprintf(f, "  no CPU held up a grace period\n");
	for (unsigned int i = 0; i < kc->nr_gaps; i++) {
		const struct kc_gap *g = &kc->gaps[i];
		char line[320];

		gap_sentence(g, line, sizeof(line));
		fprintf(f, "  %s: since %s, reported at %s\n", line,
			kc_fmt_ts(g->start_ns, a, sizeof(a)),
			kc_fmt_ts(g->first_rec_ns, b, sizeof(b)));
		fprintf(f, "    %" PRIu64 " hrtimer callbacks, %" PRIu64
			" device interrupts, %" PRIu64 " softirqs on CPU %u during the gap\n",
			g->hrtimers, g->hardirqs, g->softirqs, g->cpu);
	}
	if (kc->stalls)
		fprintf(f, "  longest grace-period stall: %s\n",
			kc_fmt_ns(kc->stall_max_ns, a, sizeof(a)));
	if (kc->stalls && kc->stall_max.kthread_pid) {
		const struct kradar_rec_gp_stall *s = &kc->stall_max;
		char comm[TXT_LEN];

		fprintf(f, "    grace-period kthread %s (pid %u) on CPU %u, state %c, "
			"not seen running for %s\n", txt(s->kthread_comm, comm),
			s->kthread_pid, s->kthread_cpu, s->kthread_state,
			kc_fmt_ns(s->kthread_idle_ns, a, sizeof(a)));
	}

	fprintf(f, "\ncontended locks (a waiter waited >= the threshold): %u%s\n",
		kc->nr_locks, kc->locks_dropped ? " (more not listed)" : "");
	if (sum->session && !sum->session->hello.lock_wait_ms)
		fprintf(f, "  detector off in the guest (lock_wait_ms=0 or missing tracepoints)\n");
	else if (!kc->nr_locks)
		fprintf(f, "  no long lock wait\n");
	for (unsigned int i = 0; i < kc->nr_locks; i++) {
		char line[400];

		lock_sentence(&kc->locks[i], line, sizeof(line));
		fprintf(f, "  %s: since %s, reported at %s%s\n", line,
			kc_fmt_ts(kc->locks[i].begin_ns, a, sizeof(a)),
			kc_fmt_ts(kc->locks[i].first_rec_ns, b, sizeof(b)),
			kc->locks[i].ended ? "" : ", still waiting");
	}

	fprintf(f, "\nhung tasks (in D without running >= the threshold): %u%s\n",
		kc->nr_hungs, kc->hungs_dropped ? " (more not listed)" : "");
	if (sum->session && !sum->session->hello.hung_ms)
		fprintf(f, "  detector off in the guest (hung_ms=0, or a probe without it)\n");
	else if (!kc->nr_hungs)
		fprintf(f, "  no hung task\n");
	for (unsigned int i = 0; i < kc->nr_hungs; i++) {
		char line[400];

		hung_sentence(&kc->hungs[i], line, sizeof(line));
		fprintf(f, "  %s: since %s, reported at %s%s\n", line,
			kc_fmt_ts(kc->hungs[i].since_ns, a, sizeof(a)),
			kc_fmt_ts(kc->hungs[i].first_rec_ns, b, sizeof(b)),
			kc->hungs[i].ended ? (kc->hungs[i].exited ?
			", then exited" : "") : ", still in D");
	}

	fprintf(f, "\nstuck CPUs (no schedule while a task waits, or no interrupt, >= the threshold): %u%s\n",
		kc->nr_stucks, kc->stucks_dropped ? " (more not listed)" : "");
	if (sum->session && !sum->session->hello.stuck_ms)
		fprintf(f, "  detector off in the guest (stuck_ms=0, or a probe without it)\n");
	else if (!kc->nr_stucks)
		fprintf(f, "  no stuck CPU\n");
	for (unsigned int i = 0; i < kc->nr_stucks; i++) {
		char line[400];

		stuck_sentence(&kc->stucks[i], line, sizeof(line));
		fprintf(f, "  %s: since %s, reported at %s%s\n", line,
			kc_fmt_ts(kc->stucks[i].since_ns, a, sizeof(a)),
			kc_fmt_ts(kc->stucks[i].first_rec_ns, b, sizeof(b)),
			kc->stucks[i].ended ? "" : ", still stuck");
	}

	fprintf(f, "\nloss accounting:\n");
	fprintf(f, "  guest-reported drops (LOST records):\n");
	for (unsigned int i = 1; i <= KRADAR_LOST_CAUSE_MAX; i++) {
		unsigned int idx = i == KRADAR_LOST_CAUSE_MAX ? 0 : i;
		const struct kc_lost *l = &kc->lost[idx];

		if (idx == 0 && !l->reports)
			continue;
		fprintf(f, "    %-12s %10" PRIu64 " records %12" PRIu64
			" bytes %12" PRIu64 " events (%" PRIu64 " reports)\n",
			idx ? kradar_lost_cause_name(idx) : "unknown",
			l->records, l->bytes, l->events, l->reports);
	}
	if (kc->have_heartbeat)
		fprintf(f, "  guest records dropped since load (last heartbeat): %"
			PRIu64 "\n", (uint64_t)kc->last_hb.records_dropped);
	fprintf(f, "  sequence gaps:             %10" PRIu64
		" records missing in %" PRIu64 " gaps\n", st->seq_lost,
		st->seq_gaps);
	fprintf(f, "    of which dropped by the guest:%7" PRIu64 "\n",
		st->seq_lost - sum->transit_lost - sum->uncollected_lost);
	if (kc->resume_from)
		fprintf(f, "    sent while no collector was connected: %" PRIu64
			" (in %" PRIu64 " gaps)\n", sum->uncollected_lost,
			kc->uncollected.reports);
	fprintf(f, "    lost between guest and host:  %7" PRIu64 "\n",
		sum->transit_lost);
	fprintf(f, "  sequence restarts:         %10" PRIu64
		" (seq went back without a new session)\n", st->seq_back);
	fprintf(f, "  bytes skipped by resync:   %10" PRIu64 " in %" PRIu64
		" runs\n", st->skipped_bytes, st->resyncs);
	fprintf(f, "  truncated bytes at end:    %10" PRIu64 "\n",
		st->truncated_bytes);
	fprintf(f, "  malformed records:         %10" PRIu64 " (%" PRIu64
		" ignored: cpu out of range)\n", st->malformed, kc->skipped_cpu);
	fprintf(f, "  stream bytes:              %10" PRIu64 " = %" PRIu64
		" in records + %" PRIu64 " skipped + %" PRIu64 " truncated%s\n",
		st->bytes, kc->record_bytes - kc->console_apart_bytes,
		st->skipped_bytes, st->truncated_bytes,
		st->bytes == kc->record_bytes - kc->console_apart_bytes +
		st->skipped_bytes + st->truncated_bytes ? "" :
		" (MISMATCH: decoder bug)");
	if (kc->console_read)
		fprintf(f, "  panic dump on the console: %10" PRIu64
			" records recovered from %" PRIu64 " lines (%" PRIu64
			" rejected)\n", kc->console_recovered,
			kc->console_lines, kc->console_rejected);
	if (kc->have_heartbeat)
		fprintf(f, "  worst sampler lateness:    %10s\n",
			kc_fmt_ns(kc->sampler_late_max_ns, a, sizeof(a)));

	fprintf(f, "\nverdict: %s\n", sum->verdict);
}

void kc_write_summary_json(struct kc *kc, const struct kc_summary *sum)
{
	const struct kradar_decoder_stats *st = sum->st;
	struct jw *j = &kc->jw;
	struct kc_cb *v;

	ev_begin(kc, KRADAR_EVT_SUMMARY);
	if (sum->session) {
		const struct kradar_rec_hello *h = &sum->session->hello;

		jw_obj(j, "session");
		jw_hex(j, "session", h->session);
		jw_str(j, KRADAR_KEY_RELEASE, h->release);
		jw_session_settings(j, h);
		jw_obj_end(j);
	} else {
		jw_null(j, "session");
	}
	jw_u64(j, "sessions", kc->nr_sessions);
	if (kc->resume_from) {
		jw_obj(j, "resumed");
		jw_str(j, "from", kc->resume_from);
		jw_hex(j, "session", kc->resume_session);
		jw_u64(j, "sequences", kc->resume_seqs);
		jw_bool(j, "session_confirmed", !kc->resume_assumed);
		if (kc->resume_note)
			jw_str(j, "not_used", kc->resume_note);
		else
			jw_null(j, "not_used");
		jw_obj_end(j);
	}
	jw_u64(j, KRADAR_KEY_GUEST_NS_COVERED, sum->covered_ns);
	jw_obj(j, "records");
	jw_u64(j, "total", st->records);
	for (unsigned int t = 1; t < KRADAR_REC_TYPE_MAX; t++)
		jw_u64(j, type_label[t], st->by_type[t]);
	jw_u64(j, "unknown", st->unknown);
	jw_obj_end(j);

	jw_u64(j, "storms_total", sum->storms);
	jw_arr(j, "storms");
	for (unsigned int i = 0; i < kc->nr_storms; i++) {
		const struct kc_storm *s = &kc->storms[i];
		bool ongoing;
		uint64_t d = storm_duration(kc, s, &ongoing);

		jw_obj(j, NULL);
		jw_u64(j, "cpu", s->cpu);
		jw_str(j, "function", s->name);
		jw_hex(j, "addr", s->function);
		jw_u64(j, "begin_ns", s->begin_ns);
		jw_u64(j, "duration_ns", d);
		jw_bool(j, "ongoing", ongoing);
		jw_u64(j, "peak_rate_per_s", s->peak_rate_per_s);
		jw_double(j, "late_pct", pct(s->late, s->count), 1);
		jw_u64(j, "late_max_ns", s->late_max_ns);
		jw_obj_end(j);
	}
	jw_arr_end(j);

	jw_arr(j, "qs_gaps");
	for (unsigned int i = 0; i < kc->nr_gaps; i++) {
		const struct kc_gap *g = &kc->gaps[i];

		jw_obj(j, NULL);
		jw_u64(j, "cpu", g->cpu);
		jw_u64(j, "gap_start_ns", g->start_ns);
		jw_u64(j, "gap_ns", g->gap_ns);
		jw_bool(j, "ended", g->ended);
		jw_u64(j, "reported_ns", g->first_rec_ns);
		jw_str(j, "task", g->comm);
		jw_u64(j, "pid", g->pid);
		jw_str(j, "interrupted_at", g->frame);
		jw_str(j, "top_hrtimer", g->top_name);
		jw_double(j, "top_hrtimer_rate_per_s",
			  g->last_rec_ns > g->start_ns ?
			  rate_per_s(g->top_count, g->last_rec_ns - g->start_ns) :
			  0.0, 1);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_arr(j, "locks");
	for (unsigned int i = 0; i < kc->nr_locks; i++) {
		const struct kc_lock *k = &kc->locks[i];
		char ost[2] = { k->owner_state, 0 };

		jw_obj(j, NULL);
		jw_str(j, "lock", k->name);
		jw_hex(j, "lock_addr", k->lock);
		jw_u64(j, "wait_begin_ns", k->begin_ns);
		jw_u64(j, "reported_ns", k->first_rec_ns);
		jw_u64(j, "wait_max_ns", k->wait_max_ns);
		jw_u64(j, "held_max_ns", k->held_max_ns);
		jw_u64(j, "holder_pid", k->owner_pid);
		jw_str(j, "holder_comm", k->owner_comm);
		jw_str(j, "holder_state", ost);
		jw_str(j, "holder_in", k->owner_frame);
		jw_u64(j, "waiters_max", k->waiters_max);
		if (k->killed_pid)
			jw_u64(j, "vhost_worker_killed_pid", k->killed_pid);
		jw_bool(j, "ended", k->ended);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_arr(j, "hung_tasks");
	for (unsigned int i = 0; i < kc->nr_hungs; i++) {
		const struct kc_hung *h = &kc->hungs[i];

		jw_obj(j, NULL);
		jw_u64(j, "pid", h->pid);
		jw_str(j, "comm", h->comm);
		jw_u64(j, "since_ns", h->since_ns);
		jw_u64(j, "reported_ns", h->first_rec_ns);
		jw_u64(j, "hung_ns", h->hung_ns);
		jw_str(j, "sleeps_in", h->frame);
		if (h->lock) {
			jw_str(j, "waits_for", h->lock_name);
			jw_u64(j, "lock_holder_pid", h->lock_owner_pid);
		}
		jw_bool(j, "ended", h->ended);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_arr(j, "stuck_cpus");
	for (unsigned int i = 0; i < kc->nr_stucks; i++) {
		const struct kc_stuck *k = &kc->stucks[i];

		jw_obj(j, NULL);
		jw_u64(j, "cpu", k->cpu);
		jw_str(j, "kind", stuck_kind_name(k->kind));
		jw_str(j, "task", k->comm);
		jw_u64(j, "pid", k->pid);
		jw_u64(j, "since_ns", k->since_ns);
		jw_u64(j, "reported_ns", k->first_rec_ns);
		jw_u64(j, "stuck_ns", k->stuck_ns);
		jw_str(j, "in", k->frame);
		jw_str(j, "stack_from", k->stack_from);
		if (k->kind == KRADAR_STUCK_RT)
			jw_u64(j, "rt_priority", k->rt_priority);
		if (k->preempt_count >= 0)
			jw_u64(j, "preempt_count", (uint64_t)k->preempt_count);
		if (k->wait_pid) {
			jw_u64(j, "waiter_pid", k->wait_pid);
			jw_str(j, "waiter_comm", k->wait_comm);
		}
		jw_bool(j, "ended", k->ended);
		jw_obj_end(j);
	}
	jw_arr_end(j);
	jw_u64(j, "gp_stalls", kc->stalls);
	jw_u64(j, "gp_stall_max_ns", kc->stall_max_ns);

	jw_arr(j, "top_callbacks");
	v = sorted_cbs(kc);
	for (unsigned int i = 0; v && i < kc->nr_cbs; i++) {
		const struct kc_cb *cb = &v[i];

		if (!cb_is_top(v, i))
			continue;
		jw_obj(j, NULL);
		jw_u64(j, "cpu", cb->cpu);
		jw_str(j, "function", cb->name);
		jw_hex(j, "addr", cb->function);
		jw_double(j, "peak_rate_per_s", cb->peak_rate_per_s, 1);
		jw_u64(j, "count", cb->count);
		jw_double(j, "late_pct", pct(cb->late, cb->count), 1);
		jw_u64(j, "late_max_ns", cb->late_max_ns);
		jw_obj_end(j);
	}
	free(v);
	jw_arr_end(j);

	jw_obj(j, "loss");
	jw_obj(j, "guest");
	for (unsigned int i = 0; i < KRADAR_LOST_CAUSE_MAX; i++) {
		const struct kc_lost *l = &kc->lost[i];

		if (i == 0 && !l->reports)
			continue;
		jw_obj(j, i ? kradar_lost_cause_name(i) : "unknown");
		jw_u64(j, "records", l->records);
		jw_u64(j, "bytes", l->bytes);
		jw_u64(j, "events", l->events);
		jw_u64(j, "reports", l->reports);
		jw_obj_end(j);
	}
	jw_obj_end(j);
	if (kc->have_heartbeat)
		jw_u64(j, "heartbeat_records_dropped", kc->last_hb.records_dropped);
	jw_u64(j, "seq_gaps", st->seq_gaps);
	jw_u64(j, "seq_lost_records", st->seq_lost);
	jw_u64(j, "transit_lost_records", sum->transit_lost);
	if (kc->resume_from)
		jw_u64(j, "no_collector_lost_records", sum->uncollected_lost);
	jw_u64(j, "seq_restarts", st->seq_back);
	jw_u64(j, "skipped_bytes", st->skipped_bytes);
	jw_u64(j, "resyncs", st->resyncs);
	jw_u64(j, "truncated_bytes", st->truncated_bytes);
	jw_u64(j, "malformed_records", st->malformed);
	jw_u64(j, "stream_bytes", st->bytes);
	jw_u64(j, "record_bytes", kc->record_bytes);
	if (kc->console_read) {
		jw_obj(j, "console_dump");
		jw_u64(j, "lines", kc->console_lines);
		jw_u64(j, "lines_rejected", kc->console_rejected);
		jw_u64(j, "records_recovered", kc->console_recovered);
		jw_obj_end(j);
	}
	jw_obj_end(j);
	jw_str(j, KRADAR_KEY_VERDICT, sum->verdict);
	jw_u64(j, "exit_code", sum->exit_code);
	ev_end(kc);
}
