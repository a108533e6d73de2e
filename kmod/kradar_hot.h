/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_probe.ko hot path: what runs on every hrtimer expiry.
 *
 * Kept in this header, free of anything but a few basic kernel helpers
 * (hash_ptr, WRITE_ONCE/READ_ONCE, unlikely, BIT), so that bench/ can
 * compile the very same code in userspace with small shims of those
 * helpers and count its instructions under callgrind.
 */
#ifndef _KRADAR_HOT_H
#define _KRADAR_HOT_H

#include <linux/bits.h>
#include <linux/compiler.h>
#include <linux/hash.h>
#include <linux/types.h>

#define KRADAR_SLOT_BITS	5
#define KRADAR_SLOTS		BIT(KRADAR_SLOT_BITS)	/* per CPU */
#define KRADAR_SLOT_PROBES	4	/* open-addressing probe length */

/*
 * One hrtimer callback function on one CPU. Written only by the owning
 * CPU's probe; the sampler reads the monotonic counters from another CPU
 * and keeps its own snapshot to make deltas. late_max is the exception:
 * the sampler takes it with xchg() to start a new window's maximum.
 */
struct kradar_slot {
	void *fn;		/* set once, never changed */
	u64 count;
	u64 late;		/* expired >= late_us late */
	u64 late_sum;		/* ns */
	u64 late_max;		/* ns, since the sampler last took it */
};

struct kradar_cpu {
	/* recursion guard: soft hrtimers run with interrupts on */
	int nest;
	/* set by the sampler: capture this CPU's stack at the next event */
	int want_stack;
	/* the scheduler tick's callback, learnt by the sampler from its name */
	void *tick_fn;
	u64 nested;		/* events lost to nesting */
	u64 unattributed;	/* events whose function found no slot */
	struct kradar_slot slot[KRADAR_SLOTS];
};

/*
 * @*p += @v in one instruction that cannot tear, with no lock prefix:
 * only this CPU writes the counter, the sampler reads it with READ_ONCE().
 * What local64_add() does on x86, for a plain u64 the rest of the probe
 * reads as one. WRITE_ONCE(x, x + v) takes a load, an add and a store.
 */
static __always_inline void kradar_add(u64 *p, u64 v)
{
#ifdef __x86_64__
	__asm__ __volatile__("addq %1, %0" : "+m" (*p) : "er" (v));
#else
	WRITE_ONCE(*p, *p + v);
#endif
}

/*
 * Out of line, rare: a scheduler tick (HZ times a second at most), or the
 * sampler asked for a stack of this CPU.
 */
void kradar_hot_rare(struct kradar_cpu *c, void *fn);

/*
 * Count one expiry of @fn, @late ns after its expiry time, on the CPU
 * owning @c. The caller holds the nesting guard.
 */
static __always_inline void kradar_hot_count(struct kradar_cpu *c, void *fn,
					     s64 late, u64 late_ns)
{
	unsigned int i, n;
	struct kradar_slot *s;

	i = hash_ptr(fn, KRADAR_SLOT_BITS);
	s = &c->slot[i];
	if (unlikely(s->fn != fn)) {
		for (n = 0; n < KRADAR_SLOT_PROBES; n++) {
			s = &c->slot[(i + n) & (KRADAR_SLOTS - 1)];
			if (s->fn == fn)
				break;
			if (!s->fn) {
				WRITE_ONCE(s->fn, fn);
				break;
			}
		}
		if (n == KRADAR_SLOT_PROBES) {
			c->unattributed++;
			return;
		}
	}
	kradar_add(&s->count, 1);
	if (late > 0) {
		if (late >= late_ns)
			kradar_add(&s->late, 1);
		kradar_add(&s->late_sum, late);
		if (late > s->late_max)
			WRITE_ONCE(s->late_max, late);
	}
	if (unlikely(fn == c->tick_fn || READ_ONCE(c->want_stack)))
		kradar_hot_rare(c, fn);
}

#endif /* _KRADAR_HOT_H */
