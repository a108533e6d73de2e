// SPDX-License-Identifier: GPL-2.0
/*
 * kradar hrtimer storm detector.
 *
 * Detects an hrtimer callback that fires far more often than any healthy
 * timer does on one CPU - for example a callback that re-arms its timer
 * into the past, so it expires again at once, thousands of times per
 * millisecond - and reports which function, on which CPU, how often, and
 * how late its expiries were. Nothing here knows any particular callback.
 *
 * How: a probe on the hrtimer_expire_entry tracepoint counts, per CPU and
 * per callback function, the expiries, those later than late_us, the sum
 * and the maximum of the lateness (*now minus the timer's expiry, in the
 * timer's own clock). The sampler thread reads these monotonic counters
 * once per window from another CPU, makes deltas against its snapshot,
 * and emits one window record per CPU with the busiest callbacks, a storm
 * begin record when a callback's rate reaches storm_rate for
 * storm_windows windows, and a storm end record with its totals when the
 * rate stays below half of storm_rate for storm_end_ms. The end needs that
 * long quiet stretch because a storming CPU pauses: after a slow
 * hrtimer_interrupt() the kernel defers the next timer interrupt by up to
 * 100 ms ("hrtimer: interrupt took N ns"), and such a pause is not the end.
 *
 * Cost: the probe runs in hard or soft interrupt context on every hrtimer
 * expiry. It never sleeps, allocates, prints or takes a lock; it touches
 * only this CPU's state (one hashed slot, a few adds), guards against
 * nesting (soft hrtimers run with interrupts on) and counts what it cannot
 * attribute instead of failing. Each CPU has KRADAR_SLOTS slots that are
 * never freed; functions beyond that are counted as unattributed and
 * reported in a LOST record with cause TABLE_FULL.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <trace/events/timer.h>
#include "kradar.h"
#include "compat/hrtimer.h"
#include "compat/tracepoint.h"

#define KRADAR_STORM_UPDATE_NS	NSEC_PER_SEC

static struct kradar_cpu __percpu *kradar_pcpu;
static struct tracepoint *kradar_tp_expire_entry;
static u64 kradar_late_ns;
/*
 * When the probe attached: no window, and so no storm, starts earlier.
 * A storm already raging at load is dated from here, not from before the
 * probe could see it.
 */
static u64 kradar_hooked_ns;

/* Sampler-side view of one slot: snapshot, name, storm state. */
/* a storm of late callbacks begins at storm_rate / KRADAR_LATE_DIV */
#define KRADAR_LATE_DIV		4

struct kradar_track {
	u64 count, late, late_sum;	/* counters at the last sample */
	char name[KRADAR_NAME_LEN];
	bool named;
	bool storming;
	bool late_storm;		/* began on the late rule */
	unsigned int over;		/* consecutive windows >= storm_rate */
	u64 under_ns;			/* storming, time below storm_rate / 2 */
	u64 begin_ns, last_over_end_ns;
	u64 s_count, s_late, s_late_sum, s_late_max, s_peak;
	u64 sent_ns, sent_peak;		/* last BEGIN or update sent */
};

struct kradar_cpu_track {
	u64 nested, unattributed;	/* snapshots */
	u64 last_ns;			/* end of the previous window */
	u64 flood_ns;			/* earliest begin of a storm here */
};

static struct kradar_track *kradar_tracks;	/* nr_cpu_ids * SLOTS */
static struct kradar_cpu_track *kradar_cpu_tracks;
static unsigned int kradar_storms;
/* The tick's callback by name, when kradar_tick.c could not learn it. */
static const char *const *kradar_tick_names;
static unsigned int kradar_tick_nr;

/*
 * Soft hrtimers expire with interrupts on (in the timer softirq, or on
 * PREEMPT_RT in the ktimers thread), so a hard one could expire on this
 * CPU in the middle of counting one: its event would be dropped by the
 * guard (seen on 6.1-rt right after load, a LOST record on an idle
 * guest). Interrupts are off while a soft expiry is counted; the guard
 * stays for what else might nest.
 */
static __always_inline void kradar_probe_expire_fn(struct hrtimer *t,
						   ktime_t now)
{
	unsigned long flags;
	s64 late;

	local_irq_save(flags);
	if (unlikely(this_cpu_inc_return(kradar_pcpu->nest) != 1)) {
		this_cpu_inc(kradar_pcpu->nested);
		goto out;
	}
	late = ktime_to_ns(ktime_sub(now, hrtimer_get_expires(t)));
	kradar_hot_count(this_cpu_ptr(kradar_pcpu), kradar_hrtimer_fn(t), late,
			 kradar_late_ns);
out:
	this_cpu_dec(kradar_pcpu->nest);
	local_irq_restore(flags);
}

/* kradar_probe_expire_byref (up to 7.0) and _byval (7.1+) */
KRADAR_EXPIRE_ENTRY_PROBE(kradar_probe_expire)

static void kradar_hrtimer_exit(void)
{
	vfree(kradar_cpu_tracks);
	kradar_cpu_tracks = NULL;
	vfree(kradar_tracks);
	kradar_tracks = NULL;
	free_percpu(kradar_pcpu);
	kradar_pcpu = NULL;
}

static int kradar_hrtimer_init(u64 session)
{
	int cpu;

	kradar_late_ns = (u64)kradar_late_us * NSEC_PER_USEC;
	kradar_pcpu = alloc_percpu(struct kradar_cpu);
	if (!kradar_pcpu)
		return -ENOMEM;
	kradar_tracks = vzalloc(array_size(nr_cpu_ids * KRADAR_SLOTS,
					   sizeof(*kradar_tracks)));
	kradar_cpu_tracks = vzalloc(array_size(nr_cpu_ids,
					       sizeof(*kradar_cpu_tracks)));
	if (!kradar_tracks || !kradar_cpu_tracks) {
		kradar_hrtimer_exit();
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		kradar_cpu_tracks[cpu].last_ns = local_clock();
	return 0;
}

/* Required: without it the probe has nothing to report. */
static int kradar_hrtimer_hook(void)
{
	int err;

	check_trace_callback_type_hrtimer_expire_entry(KRADAR_EXPIRE_ENTRY(kradar_probe_expire));
	kradar_tp_expire_entry = kradar_tracepoint_find("hrtimer_expire_entry");
	if (!kradar_tp_expire_entry) {
		pr_err("tracepoint hrtimer_expire_entry not found: the kernel needs CONFIG_TRACEPOINTS (see configs/kradar.config)\n");
		return -ENOENT;
	}
	err = tracepoint_probe_register(kradar_tp_expire_entry,
					KRADAR_EXPIRE_ENTRY(kradar_probe_expire),
					NULL);
	if (err)
		pr_err("cannot attach to hrtimer_expire_entry: %d\n", err);
	else
		WRITE_ONCE(kradar_hooked_ns, local_clock());
	return err;
}

/* The caller runs tracepoint_synchronize_unregister() afterwards. */
static void kradar_hrtimer_unhook(void)
{
	tracepoint_probe_unregister(kradar_tp_expire_entry,
				    KRADAR_EXPIRE_ENTRY(kradar_probe_expire),
				    NULL);
}

static void kradar_resolve(int cpu, struct kradar_track *tr, void *fn)
{
	kradar_symbol((unsigned long)fn, tr->name, false);
	tr->named = true;
}

/*
 * Each window for each named callback @fn of @cpu: when the tick is
 * taken by name and this is it, the hot path watches for it.
 */
static void kradar_tick_match(int cpu, void *fn, const char *name)
{
	const char *const *names = READ_ONCE(kradar_tick_names);
	unsigned int i;

	if (!names)
		return;
	for (i = 0; i < kradar_tick_nr; i++)
		if (!strcmp(name, names[i]))
			WRITE_ONCE(per_cpu_ptr(kradar_pcpu, cpu)->tick_fn, fn);
}

struct kradar_delta {
	unsigned int slot;
	u64 count, late, late_sum, late_max;
};

static u64 kradar_rate(u64 count, u64 dur_ns)
{
	return dur_ns ? mul_u64_u64_div_u64(count, NSEC_PER_SEC, dur_ns) : 0;
}

static void kradar_emit_storm(u16 type, u16 flags, int cpu,
			      struct kradar_track *tr, void *fn, u64 rate,
			      u64 ts)
{
	struct kradar_rec_storm *r;

	tr->sent_ns = ts;
	tr->sent_peak = tr->s_peak;
	r = kradar_rec_begin(type, sizeof(*r), cpu, ts);
	if (!r)
		return;
	r->h.flags = cpu_to_le16(flags);
	r->function = cpu_to_le64((unsigned long)fn);
	r->begin_ns = cpu_to_le64(tr->begin_ns);
	r->end_ns = cpu_to_le64(type == KRADAR_REC_STORM_END || flags ?
				tr->last_over_end_ns : 0);
	r->rate_per_s = cpu_to_le64(rate);
	r->peak_rate_per_s = cpu_to_le64(tr->s_peak);
	r->count = cpu_to_le64(tr->s_count);
	r->late = cpu_to_le64(tr->s_late);
	r->late_sum_ns = cpu_to_le64(tr->s_late_sum);
	r->late_max_ns = cpu_to_le64(tr->s_late_max);
	r->threshold_per_s = cpu_to_le64(tr->late_storm ?
					 kradar_storm_rate / KRADAR_LATE_DIV :
					 kradar_storm_rate);
	memcpy(r->name, tr->name, KRADAR_NAME_LEN);
	kradar_rec_commit(r);
}

/*
 * A storm going on: its BEGIN again, flagged RESENT, with the totals so
 * far, when its peak rose or a second passed since the last one. A storm
 * that never ends, or outlives the probe, still shows its real peak.
 */
static void kradar_storm_update(int cpu, struct kradar_track *tr, void *fn,
				u64 rate, u64 end)
{
	if (tr->s_peak > tr->sent_peak ||
	    end - tr->sent_ns >= KRADAR_STORM_UPDATE_NS)
		kradar_emit_storm(KRADAR_REC_STORM_BEGIN, KRADAR_RECF_RESENT,
				  cpu, tr, fn, rate, end);
}

/* Storm state machine for one slot after one window. */
/*
 * A window of one function at storm level: @rate * @div >= storm_rate,
 * or, when at least 90 % of its callbacks expired late, a quarter of
 * that. A callback re-armed into the past expires late every time, and
 * on a slow kernel (KASAN under TCG) it ran at 13000 to 32000/s for 30 s
 * before it first reached 50000/s. A healthy timer that fast is on time.
 */
static bool kradar_storm_level(const struct kradar_delta *d, u64 rate,
			       unsigned int div, bool *late_rule)
{
	if (rate * div >= kradar_storm_rate)
		return true;
	if (rate * div * KRADAR_LATE_DIV < kradar_storm_rate ||
	    d->late * 10 < d->count * 9)
		return false;
	*late_rule = true;
	return true;
}

static void kradar_storm_step(int cpu, struct kradar_track *tr, void *fn,
			      const struct kradar_delta *d, u64 start,
			      u64 end, u64 rate)
{
	bool late_rule = false;
	bool over = kradar_storm_level(d, rate, 1, &late_rule);

	if (!tr->storming && !over) {
		tr->over = 0;
		return;
	}
	if (!tr->storming && tr->over == 0) {
		tr->late_storm = late_rule;
		tr->begin_ns = start;
		tr->s_count = 0;
		tr->s_late = 0;
		tr->s_late_sum = 0;
		tr->s_late_max = 0;
		tr->s_peak = 0;
	}
	tr->s_count += d->count;
	tr->s_late += d->late;
	tr->s_late_sum += d->late_sum;
	tr->s_late_max = max(tr->s_late_max, d->late_max);
	tr->s_peak = max(tr->s_peak, rate);
	if (over)
		tr->last_over_end_ns = end;

	if (!tr->storming) {
		if (++tr->over >= kradar_storm_windows) {
			tr->storming = true;
			tr->under_ns = 0;
			kradar_storms++;
			kradar_emit_storm(KRADAR_REC_STORM_BEGIN, 0, cpu, tr,
					  fn, rate, end);
		}
		return;
	}
	if (kradar_storm_level(d, rate, 2, &late_rule)) {
		tr->under_ns = 0;
		kradar_storm_update(cpu, tr, fn, rate, end);
		return;
	}
	tr->under_ns += end - start;
	if (tr->under_ns >= (u64)kradar_storm_end_ms * NSEC_PER_MSEC) {
		tr->storming = false;
		tr->over = 0;
		kradar_storms--;
		kradar_emit_storm(KRADAR_REC_STORM_END, 0, cpu, tr, fn, rate,
				  end);
		return;
	}
	kradar_storm_update(cpu, tr, fn, rate, end);
}

static void kradar_sample_cpu(int cpu, u64 now, u64 hooked)
{
	struct kradar_cpu *c = per_cpu_ptr(kradar_pcpu, cpu);
	struct kradar_cpu_track *ct = &kradar_cpu_tracks[cpu];
	struct kradar_track *tracks = &kradar_tracks[cpu * KRADAR_SLOTS];
	struct kradar_delta top[KRADAR_WINDOW_TOP];
	struct kradar_rec_hrtimer_window *w;
	u64 start = max(ct->last_ns, hooked), dur = now - start;
	u64 events = 0, listed = 0;
	u64 nested, unattr, flood = 0;
	unsigned int i, j, ntop = 0;

	for (i = 0; i < KRADAR_SLOTS; i++) {
		struct kradar_slot *s = &c->slot[i];
		struct kradar_track *tr = &tracks[i];
		void *fn = READ_ONCE(s->fn);
		struct kradar_delta d;
		u64 v;

		if (!fn)
			continue;
		if (!tr->named)
			kradar_resolve(cpu, tr, fn);
		kradar_tick_match(cpu, fn, tr->name);
		d.slot = i;
		v = READ_ONCE(s->count);
		d.count = v - tr->count;
		tr->count = v;
		/*
		 * count and late are read at slightly different times, so
		 * late can run ahead of count by the expiries in between;
		 * never report more late than expired, carry the rest over.
		 */
		d.late = min(READ_ONCE(s->late) - tr->late, d.count);
		tr->late += d.late;
		v = READ_ONCE(s->late_sum);
		d.late_sum = v - tr->late_sum;
		tr->late_sum = v;
		d.late_max = d.count ? xchg(&s->late_max, 0) : 0;
		events += d.count;

		kradar_storm_step(cpu, tr, fn, &d, start, now,
				  kradar_rate(d.count, dur));
		if (tr->storming && (!flood || tr->begin_ns < flood))
			flood = tr->begin_ns;
		if (!d.count)
			continue;
		/* insertion into the top list, most frequent first */
		for (j = ntop; j > 0 && top[j - 1].count < d.count; j--)
			if (j < KRADAR_WINDOW_TOP)
				top[j] = top[j - 1];
		if (j < KRADAR_WINDOW_TOP) {
			top[j] = d;
			ntop = min(ntop + 1, KRADAR_WINDOW_TOP);
		}
	}

	nested = READ_ONCE(c->nested);
	unattr = READ_ONCE(c->unattributed);
	if (nested != ct->nested)
		kradar_emit_lost(cpu, KRADAR_LOST_NESTED, 0, 0,
				 nested - ct->nested, now);
	if (unattr != ct->unattributed)
		kradar_emit_lost(cpu, KRADAR_LOST_TABLE_FULL, 0, 0,
				 unattr - ct->unattributed, now);
	events += unattr - ct->unattributed;
	ct->nested = nested;
	ct->unattributed = unattr;
	ct->last_ns = now;
	ct->flood_ns = flood;

	w = kradar_rec_begin(KRADAR_REC_HRTIMER_WINDOW,
			     struct_size(w, entries, ntop), cpu, now);
	if (!w)
		return;
	w->start_ns = cpu_to_le64(start);
	w->end_ns = cpu_to_le64(now);
	w->nr_entries = cpu_to_le32(ntop);
	w->entry_size = cpu_to_le32(sizeof(struct kradar_hrtimer_entry));
	for (j = 0; j < ntop; j++) {
		struct kradar_hrtimer_entry *e = &w->entries[j];
		struct kradar_track *tr = &tracks[top[j].slot];

		e->function = cpu_to_le64((unsigned long)c->slot[top[j].slot].fn);
		e->count = cpu_to_le64(top[j].count);
		e->late = cpu_to_le64(top[j].late);
		e->late_sum_ns = cpu_to_le64(top[j].late_sum);
		e->late_max_ns = cpu_to_le64(top[j].late_max);
		memcpy(e->name, tr->name, KRADAR_NAME_LEN);
		listed += top[j].count;
	}
	w->events = cpu_to_le64(events);
	w->unlisted = cpu_to_le64(events - listed);
	kradar_rec_commit(w);
}

/* One window: a record per online CPU, storms, probe losses. */
static void kradar_hrtimer_sample(const struct kradar_window *w)
{
	u64 now = w->now, hooked = READ_ONCE(kradar_hooked_ns);
	int cpu;

	/*
	 * The samplers start before the probe attaches, which can take
	 * long (text patching on a debug kernel): no window until it has,
	 * and all CPUs' windows from one reading, so none of them can
	 * begin at or after its end.
	 */
	if (!hooked || hooked >= now)
		return;
	for_each_online_cpu(cpu)
		kradar_sample_cpu(cpu, now, hooked);
}

/*
 * Since when a storm floods @cpu (the start of the first window of its
 * earliest storm still going on), 0 when none does. Sampler only.
 */
u64 kradar_hrtimer_flood_ns(int cpu)
{
	return kradar_cpu_tracks ? kradar_cpu_tracks[cpu].flood_ns : 0;
}

unsigned int kradar_hrtimer_storms_active(void)
{
	return READ_ONCE(kradar_storms);
}

/* Callbacks seen since load on @cpu (approximate while running). */
u64 kradar_hrtimer_cpu_events(int cpu)
{
	struct kradar_cpu *c = per_cpu_ptr(kradar_pcpu, cpu);
	u64 sum = READ_ONCE(c->unattributed);
	int i;

	for (i = 0; i < KRADAR_SLOTS; i++)
		sum += READ_ONCE(c->slot[i].count);
	return sum;
}

/* Callbacks seen since load on all CPUs (approximate while running). */
u64 kradar_hrtimer_events(void)
{
	u64 sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += kradar_hrtimer_cpu_events(cpu);
	return sum;
}

void kradar_hrtimer_lost(u64 *nested, u64 *unattributed)
{
	int cpu;

	*nested = *unattributed = 0;
	for_each_possible_cpu(cpu) {
		struct kradar_cpu *c = per_cpu_ptr(kradar_pcpu, cpu);

		*nested += READ_ONCE(c->nested);
		*unattributed += READ_ONCE(c->unattributed);
	}
}

/*
 * @cpu's counters, read-only, for the parts that count along with the
 * storm detector (RCU gaps, the panic dump). Written by that CPU's probe
 * only: read each field with READ_ONCE().
 */
const struct kradar_cpu *kradar_hrtimer_counters(int cpu)
{
	return per_cpu_ptr(kradar_pcpu, cpu);
}

/*
 * Ask @cpu's probe to call kradar_hot_rare() at its next expiry, which
 * takes the CPU's stack there and clears the request. Sampler only.
 */
void kradar_hrtimer_want_stack(int cpu)
{
	WRITE_ONCE(per_cpu_ptr(kradar_pcpu, cpu)->want_stack, 1);
}

/*
 * The scheduler tick's callback on @cpu is @fn: its expiries call
 * kradar_hot_rare() too. At init, before the probe attaches.
 */
void kradar_hrtimer_watch_tick(int cpu, void *fn)
{
	WRITE_ONCE(per_cpu_ptr(kradar_pcpu, cpu)->tick_fn, fn);
}

/*
 * The tick could not be learnt: it is the callback called one of
 * @names[0..@nr), as the sampler finds when it names a CPU's callbacks.
 * At init, before the samplers start; @names stays valid.
 */
void kradar_hrtimer_watch_tick_named(const char *const *names,
				     unsigned int nr)
{
	kradar_tick_nr = nr;
	WRITE_ONCE(kradar_tick_names, names);
}

/* Name of a slot's callback, for other detectors (sampler only). */
void kradar_hrtimer_name(int cpu, unsigned int slot,
			 char name[KRADAR_NAME_LEN])
{
	struct kradar_track *tr = &kradar_tracks[cpu * KRADAR_SLOTS + slot];
	void *fn = READ_ONCE(per_cpu_ptr(kradar_pcpu, cpu)->slot[slot].fn);

	if (!tr->named && fn)
		kradar_resolve(cpu, tr, fn);
	memcpy(name, tr->name, KRADAR_NAME_LEN);
}

/*
 * Started after the samplers: attaching can take long (text patching on
 * a debug kernel), and the tick finder must have done its work before
 * anything of ours is on the hrtimer path.
 */
const struct kradar_detector kradar_hrtimer_detector = {
	.name		= "hrtimer storm detector",
	.init		= kradar_hrtimer_init,
	.start		= kradar_hrtimer_hook,
	.stop		= kradar_hrtimer_unhook,
	.exit		= kradar_hrtimer_exit,
	.sample		= kradar_hrtimer_sample,
	.late_start	= true,
};
