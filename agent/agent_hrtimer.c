// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-agent hrtimer storm detector, sampler side.
 *
 * The BPF program counts, per CPU and per callback, expiries, late ones,
 * the sum and the worst of the lateness (kradar_agent.bpf.c). Once per
 * window this reads all of it (one lookup per callback returns every
 * CPU's values), makes deltas against its snapshot and applies the
 * module's rules unchanged (kmod/kradar_hrtimer.c): a window record per
 * CPU with the busiest callbacks; STORM_BEGIN when a callback's rate
 * reaches storm_rate for storm_windows windows (or a quarter of it with
 * >= 90 % of its expiries late); the BEGIN again, flagged RESENT, when
 * the peak rises and at least once a second; STORM_END with the totals
 * once the rate stayed below half of storm_rate for storm_end_ms.
 *
 * The worst lateness of a window comes from the slot of the window's
 * parity (the program writes the other one as soon as cur_win moves on),
 * so a window's maximum is read after the window is over, not reset
 * under the program's feet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "agent.h"
#include "kradar_agent.h"

#define KRADAR_STORM_UPDATE_NS	KRADAR_NSEC_PER_SEC
#define KRADAR_LATE_DIV		4	/* late storms begin at rate / 4 */
#define MAX(a, b)		((a) > (b) ? (a) : (b))
#define MIN(a, b)		((a) < (b) ? (a) : (b))

struct delta {
	uint64_t count, late, late_sum, late_max;
};

struct track {
	uint64_t fn;
	uint64_t count, late, late_sum;	/* counters at the last sample */
	char name[KRADAR_NAME_LEN];
	bool storming;
	bool late_storm;		/* began on the late rule */
	unsigned int over;		/* consecutive windows at storm level */
	uint64_t under_ns;		/* storming, time below the rate / 2 */
	uint64_t begin_ns, last_over_end_ns;
	uint64_t s_count, s_late, s_late_sum, s_late_max, s_peak;
	uint64_t sent_ns, sent_peak;	/* last BEGIN or update sent */
	struct delta d;			/* this window */
};

struct cpu_track {
	struct track *t;
	size_t n, cap;
	uint64_t unattributed;		/* snapshot */
	uint64_t last_ns;		/* end of the previous window */
	volatile bool flooded;		/* read by samplers without the lock */
};

static int funcs_fd = -1, misc_fd = -1;
static volatile uint64_t *win_nr;
static unsigned int nr_cpus;
static struct cpu_track *cpus;
static struct kradar_agent_val *vals;	/* nr_cpus values of one key */
static struct kradar_agent_misc *miscs;
static uint64_t hooked_ns;
static unsigned int storms;
static uint64_t events_total;

int hrtimer_init(int ffd, int mfd, volatile uint64_t *cur_win,
		 unsigned int ncpus)
{
	funcs_fd = ffd;
	misc_fd = mfd;
	win_nr = cur_win;
	nr_cpus = ncpus;
	cpus = calloc(ncpus, sizeof(*cpus));
	vals = calloc(ncpus, sizeof(*vals));
	miscs = calloc(ncpus, sizeof(*miscs));
	if (!cpus || !vals || !miscs) {
		hrtimer_exit();
		return -ENOMEM;
	}
	return 0;
}

void hrtimer_exit(void)
{
	unsigned int c;

	for (c = 0; cpus && c < nr_cpus; c++)
		free(cpus[c].t);
	free(cpus);
	free(vals);
	free(miscs);
	cpus = NULL;
	vals = NULL;
	miscs = NULL;
}

void hrtimer_hooked(uint64_t ts)
{
	unsigned int c;

	hooked_ns = ts;
	for (c = 0; c < nr_cpus; c++)
		cpus[c].last_ns = ts;
}

static struct track *track_of(unsigned int cpu, uint64_t fn)
{
	struct cpu_track *ct = &cpus[cpu];
	size_t i;

	for (i = 0; i < ct->n; i++)
		if (ct->t[i].fn == fn)
			return &ct->t[i];
	if (ct->n == ct->cap) {
		size_t cap = ct->cap ? ct->cap * 2 : 16;
		struct track *t = realloc(ct->t, cap * sizeof(*t));

		if (!t)
			return NULL;
		ct->t = t;
		ct->cap = cap;
	}
	memset(&ct->t[ct->n], 0, sizeof(ct->t[0]));
	ct->t[ct->n].fn = fn;
	ksym_name(fn, ct->t[ct->n].name);
	return &ct->t[ct->n++];
}

static uint64_t rate_of(uint64_t count, uint64_t dur_ns)
{
	return dur_ns ? (uint64_t)((unsigned __int128)count *
				   KRADAR_NSEC_PER_SEC / dur_ns) : 0;
}

static void emit_storm(uint16_t type, uint16_t flags, unsigned int cpu,
		       struct track *tr, uint64_t rate, uint64_t ts)
{
	struct kradar_rec_storm *r;

	tr->sent_ns = ts;
	tr->sent_peak = tr->s_peak;
	r = rec_begin(type, sizeof(*r), cpu, ts);
	if (!r)
		return;
	r->h.flags = htole16(flags);
	r->function = htole64(tr->fn);
	r->begin_ns = htole64(tr->begin_ns);
	r->end_ns = htole64(type == KRADAR_REC_STORM_END || flags ?
			    tr->last_over_end_ns : 0);
	r->rate_per_s = htole64(rate);
	r->peak_rate_per_s = htole64(tr->s_peak);
	r->count = htole64(tr->s_count);
	r->late = htole64(tr->s_late);
	r->late_sum_ns = htole64(tr->s_late_sum);
	r->late_max_ns = htole64(tr->s_late_max);
	r->threshold_per_s = htole64(tr->late_storm ?
				     agent_opts.storm_rate / KRADAR_LATE_DIV :
				     agent_opts.storm_rate);
	memcpy(r->name, tr->name, KRADAR_NAME_LEN);
	rec_commit(r);
}

static void storm_update(unsigned int cpu, struct track *tr, uint64_t rate,
			 uint64_t end)
{
	if (tr->s_peak > tr->sent_peak ||
	    end - tr->sent_ns >= KRADAR_STORM_UPDATE_NS)
		emit_storm(KRADAR_REC_STORM_BEGIN, KRADAR_RECF_RESENT, cpu, tr,
			   rate, end);
}

/* kradar_storm_level(): at the rate, or a quarter of it, >= 90 % late */
static bool storm_level(const struct delta *d, uint64_t rate,
			unsigned int div, bool *late_rule)
{
	if (rate * div >= agent_opts.storm_rate)
		return true;
	if (rate * div * KRADAR_LATE_DIV < agent_opts.storm_rate ||
	    d->late * 10 < d->count * 9)
		return false;
	*late_rule = true;
	return true;
}

/* kradar_storm_step(): the storm state machine, one slot, one window */
static void storm_step(unsigned int cpu, struct track *tr, uint64_t start,
		       uint64_t end, uint64_t rate)
{
	const struct delta *d = &tr->d;
	bool late_rule = false;
	bool over = storm_level(d, rate, 1, &late_rule);

	if (!tr->storming && !over) {
		tr->over = 0;
		return;
	}
	if (!tr->storming && tr->over == 0) {
		tr->late_storm = late_rule;
		tr->begin_ns = start;
		tr->s_count = tr->s_late = tr->s_late_sum = 0;
		tr->s_late_max = tr->s_peak = 0;
	}
	tr->s_count += d->count;
	tr->s_late += d->late;
	tr->s_late_sum += d->late_sum;
	tr->s_late_max = MAX(tr->s_late_max, d->late_max);
	tr->s_peak = MAX(tr->s_peak, rate);
	if (over)
		tr->last_over_end_ns = end;

	if (!tr->storming) {
		if (++tr->over >= agent_opts.storm_windows) {
			tr->storming = true;
			tr->under_ns = 0;
			storms++;
			emit_storm(KRADAR_REC_STORM_BEGIN, 0, cpu, tr, rate, end);
		}
		return;
	}
	if (storm_level(d, rate, 2, &late_rule)) {
		tr->under_ns = 0;
		storm_update(cpu, tr, rate, end);
		return;
	}
	tr->under_ns += end - start;
	if (tr->under_ns >= (uint64_t)agent_opts.storm_end_ms *
			    KRADAR_NSEC_PER_MSEC) {
		tr->storming = false;
		tr->over = 0;
		storms--;
		emit_storm(KRADAR_REC_STORM_END, 0, cpu, tr, rate, end);
		return;
	}
	storm_update(cpu, tr, rate, end);
}

/* Read every callback's counters of every CPU into the tracks' deltas. */
static void read_counters(uint64_t win)
{
	uint64_t key, next, *prev = NULL;
	unsigned int c;

	while (!bpf_map_get_next_key(funcs_fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(funcs_fd, &key, vals))
			continue;
		for (c = 0; c < nr_cpus; c++) {
			const struct kradar_agent_val *v = &vals[c];
			struct track *tr;
			unsigned int s = win & 1;

			if (!v->count)
				continue;
			tr = track_of(c, key);
			if (!tr)
				continue;
			tr->d.count = v->count - tr->count;
			tr->count = v->count;
			/* never more late than expired: carry the rest */
			tr->d.late = MIN(v->late - tr->late, tr->d.count);
			tr->late += tr->d.late;
			tr->d.late_sum = v->late_sum - tr->late_sum;
			tr->late_sum = v->late_sum;
			tr->d.late_max = v->lm_win[s] == win && tr->d.count ?
					 v->late_max[s] : 0;
		}
	}
}

static void sample_cpu(unsigned int cpu, uint64_t now, uint64_t unattr)
{
	struct cpu_track *ct = &cpus[cpu];
	struct track *top[KRADAR_WINDOW_TOP];
	struct kradar_rec_hrtimer_window *w;
	uint64_t start = MAX(ct->last_ns, hooked_ns), dur = now - start;
	uint64_t events = 0, listed = 0;
	unsigned int j, ntop = 0;
	size_t i;

	for (i = 0; i < ct->n; i++) {
		struct track *tr = &ct->t[i];

		events += tr->d.count;
		storm_step(cpu, tr, start, now, rate_of(tr->d.count, dur));
		if (!tr->d.count)
			continue;
		/* insertion into the top list, most frequent first */
		for (j = ntop; j > 0 && top[j - 1]->d.count < tr->d.count; j--)
			if (j < KRADAR_WINDOW_TOP)
				top[j] = top[j - 1];
		if (j < KRADAR_WINDOW_TOP) {
			top[j] = tr;
			ntop = MIN(ntop + 1, KRADAR_WINDOW_TOP);
		}
	}
	/*
	 * A CPU this busy with hrtimer callbacks may starve a sampler on it
	 * while it holds the sample lock: the sampler there leaves the
	 * windows to the other one (kradar_agent.c). A quarter of the rate
	 * is the late rule's level, reached in a storm's first, partial
	 * window.
	 */
	ct->flooded = rate_of(events + unattr - ct->unattributed, dur) *
		      KRADAR_LATE_DIV >= agent_opts.storm_rate;
	for (i = 0; i < ct->n && !ct->flooded; i++)
		ct->flooded = ct->t[i].storming;
	if (unattr != ct->unattributed)
		rec_emit_lost(cpu, KRADAR_LOST_TABLE_FULL, 0, 0,
			      unattr - ct->unattributed, now);
	events += unattr - ct->unattributed;
	ct->unattributed = unattr;
	ct->last_ns = now;

	w = rec_begin(KRADAR_REC_HRTIMER_WINDOW, sizeof(*w) +
		      ntop * sizeof(struct kradar_hrtimer_entry), cpu, now);
	if (!w)
		goto out;
	w->start_ns = htole64(start);
	w->end_ns = htole64(now);
	w->nr_entries = htole32(ntop);
	w->entry_size = htole32(sizeof(struct kradar_hrtimer_entry));
	for (j = 0; j < ntop; j++) {
		struct kradar_hrtimer_entry *e = &w->entries[j];

		e->function = htole64(top[j]->fn);
		e->count = htole64(top[j]->d.count);
		e->late = htole64(top[j]->d.late);
		e->late_sum_ns = htole64(top[j]->d.late_sum);
		e->late_max_ns = htole64(top[j]->d.late_max);
		memcpy(e->name, top[j]->name, KRADAR_NAME_LEN);
		listed += top[j]->d.count;
	}
	w->events = htole64(events);
	w->unlisted = htole64(events - listed);
	rec_commit(w);
out:
	for (i = 0; i < ct->n; i++)
		memset(&ct->t[i].d, 0, sizeof(ct->t[i].d));
}

/* One window: a record per CPU, storms, what the program could not count. */
void hrtimer_sample(uint64_t now)
{
	uint64_t win = *win_nr, sum = 0;
	unsigned int c;
	uint32_t zero = 0;

	if (!hooked_ns || hooked_ns >= now)
		return;
	/* the program fills the other slot from now on */
	*win_nr = win + 1;
	__sync_synchronize();
	read_counters(win);
	if (bpf_map_lookup_elem(misc_fd, &zero, miscs))
		memset(miscs, 0, nr_cpus * sizeof(*miscs));
	for (c = 0; c < nr_cpus; c++) {
		sample_cpu(c, now, miscs[c].unattributed);
		sum += miscs[c].unattributed;
	}
	for (c = 0; c < nr_cpus; c++) {
		size_t i;

		for (i = 0; i < cpus[c].n; i++)
			sum += cpus[c].t[i].count;
	}
	events_total = sum;
}

bool hrtimer_cpu_flooded(unsigned int cpu)
{
	return cpus && cpu < nr_cpus && cpus[cpu].flooded;
}

uint64_t hrtimer_events(void)
{
	return events_total;
}

unsigned int hrtimer_storms_active(void)
{
	return storms;
}

void hrtimer_lost(uint64_t *unattributed)
{
	unsigned int c;

	*unattributed = 0;
	for (c = 0; c < nr_cpus; c++)
		*unattributed += cpus[c].unattributed;
}
