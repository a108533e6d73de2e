// SPDX-License-Identifier: GPL-2.0
/*
 * test_bench_hot: the hot path bench/ measures is the probe's, counting
 * what the probe counts. Checks, with kmod/kradar_hot.h compiled against
 * bench/shim/:
 *   - the shim's hash_ptr() gives the kernel's slots (test vectors
 *     computed from include/linux/hash.h's GOLDEN_RATIO_64 formula);
 *   - on the benchmark's own event sequence, every slot's counters equal
 *     those of an independent per-function tally;
 *   - a collision chain longer than KRADAR_SLOT_PROBES and a full table
 *     count as unattributed;
 *   - the rare path runs for the tick and a stack request only.
 * TAP output; exit 1 when a check fails.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hot.h"
#include "kradar_tap.h"


struct tally {
	void *fn;
	u64 count, late, late_sum, late_max;
};

static struct kradar_slot *find_slot(struct kradar_cpu *c, void *fn)
{
	unsigned int i;

	for (i = 0; i < KRADAR_SLOTS; i++)
		if (c->slot[i].fn == fn)
			return &c->slot[i];
	return NULL;
}

static void test_hash_vectors(void)
{
	/* (addr * 0x61C8864680B583EB mod 2^64) >> 59, worked out apart */
	ASSERT_EQ_INT(hash_ptr(HOT_FN_ADVANCE_SCHED, 5), 6, "hash_ptr(advance_sched)");
	ASSERT_EQ_INT(hash_ptr(HOT_FN_TICK_SCHED_TIMER, 5), 3, "hash_ptr(tick_sched_timer)");
	ASSERT_EQ_INT(hash_ptr(HOT_FN_HRTIMER_WAKEUP, 5), 19, "hash_ptr(hrtimer_wakeup)");
	ASSERT_EQ_INT(hash_ptr(HOT_FN_WATCHDOG, 5), 3, "hash_ptr(watchdog_timer_fn)");
	ASSERT_EQ_INT(hash_ptr((void *)1UL, 5), 12, "hash_ptr(1)");
}

static void test_sequence(void)
{
	enum { N = 200000 };
	struct hot_event *ev = calloc(N, sizeof(*ev));
	struct tally t[8];
	struct kradar_cpu c;
	unsigned int nt = 0, i, j, ticks = 0;
	char name[96];

	if (!ev) {
		printf("Bail out! no memory\n");
		exit(1);
	}
	memset(t, 0, sizeof(t));
	hot_gen(ev, N, HOT_MIX_MIXED);
	for (i = 0; i < N; i++) {
		for (j = 0; j < nt && t[j].fn != ev[i].fn; j++)
			;
		if (j == nt) {
			if (nt == 8)
				abort();
			t[nt++].fn = ev[i].fn;
		}
		t[j].count++;
		ticks += ev[i].fn == HOT_FN_TICK_SCHED_TIMER;
		if (ev[i].late > 0) {
			t[j].late += (u64)ev[i].late >= HOT_LATE_NS;
			t[j].late_sum += ev[i].late;
			if ((u64)ev[i].late > t[j].late_max)
				t[j].late_max = ev[i].late;
		}
	}
	hot_cpu_init(&c);
	hot_rare_calls = 0;
	hot_loop(&c, ev, N, hot_event_count);
	free(ev);

	ASSERT_EQ_INT(nt, 4, "mixed sequence has 4 functions");
	for (j = 0; j < nt; j++) {
		struct kradar_slot *s = find_slot(&c, t[j].fn);
		unsigned int want = hash_ptr(t[j].fn, KRADAR_SLOT_BITS);

		snprintf(name, sizeof(name), "fn %p has a slot", t[j].fn);
		ASSERT_EQ_INT(s != NULL, 1, name);
		if (!s)
			continue;
		snprintf(name, sizeof(name), "fn %p within %d probes of slot %u",
			 t[j].fn, KRADAR_SLOT_PROBES, want);
		ASSERT_EQ_INT(((unsigned int)(s - c.slot) - want) % KRADAR_SLOTS <
			 KRADAR_SLOT_PROBES, 1, name);
		snprintf(name, sizeof(name), "fn %p count", t[j].fn);
		ASSERT_EQ_INT(s->count, t[j].count, name);
		snprintf(name, sizeof(name), "fn %p late", t[j].fn);
		ASSERT_EQ_INT(s->late, t[j].late, name);
		snprintf(name, sizeof(name), "fn %p late_sum", t[j].fn);
		ASSERT_EQ_INT(s->late_sum, t[j].late_sum, name);
		snprintf(name, sizeof(name), "fn %p late_max", t[j].fn);
		ASSERT_EQ_INT(s->late_max, t[j].late_max, name);
	}
	/* tick and watchdog collide at 3: the later one probes on to 4 */
	ASSERT_EQ_INT((find_slot(&c, HOT_FN_WATCHDOG) - c.slot) +
		 (find_slot(&c, HOT_FN_TICK_SCHED_TIMER) - c.slot), 3 + 4,
		 "tick_sched_timer and watchdog_timer_fn in slots 3 and 4");
	ASSERT_EQ_INT(c.unattributed, 0, "nothing unattributed");
	ASSERT_EQ_INT(hot_rare_calls, ticks, "rare path once per tick");
}

static void test_late_boundary(void)
{
	struct kradar_cpu c;
	struct kradar_slot *s;

	hot_cpu_init(&c);
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, HOT_LATE_NS - 1, HOT_LATE_NS);
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, HOT_LATE_NS, HOT_LATE_NS);
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, -5000, HOT_LATE_NS);
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, 0, HOT_LATE_NS);
	s = find_slot(&c, HOT_FN_ADVANCE_SCHED);
	ASSERT_EQ_INT(s ? s->count : 0, 4, "boundary: all expiries counted");
	ASSERT_EQ_INT(s ? s->late : 0, 1, "boundary: only late >= late_ns is late");
	ASSERT_EQ_INT(s ? s->late_sum : 0, 2 * HOT_LATE_NS - 1,
		 "boundary: early expiries add no lateness");
}

/* Pointers that all hash to slot 7 (found by search, kernel formula). */
static unsigned int colliding(void **fns, unsigned int want)
{
	uintptr_t a = 0xffffffffc0000000UL;
	unsigned int n = 0;

	for (; n < want; a += 16)
		if (hash_ptr((void *)a, KRADAR_SLOT_BITS) == 7)
			fns[n++] = (void *)a;
	return n;
}

static void test_collisions(void)
{
	void *fns[KRADAR_SLOT_PROBES + 1];
	struct kradar_cpu c;
	unsigned int i;

	colliding(fns, KRADAR_SLOT_PROBES + 1);
	hot_cpu_init(&c);
	for (i = 0; i <= KRADAR_SLOT_PROBES; i++)
		hot_event_count(&c, fns[i], 1, HOT_LATE_NS);
	for (i = 0; i < KRADAR_SLOT_PROBES; i++)
		ASSERT_EQ_INT(c.slot[7 + i].fn == fns[i], 1,
			 "collision chain fills consecutive slots");
	ASSERT_EQ_INT(c.unattributed, 1, "fifth colliding function is unattributed");
	ASSERT_EQ_INT(find_slot(&c, fns[KRADAR_SLOT_PROBES]) == NULL, 1,
		 "fifth colliding function has no slot");
}

static void test_table_full(void)
{
	struct kradar_cpu c;
	unsigned int i, used = 0;
	uintptr_t a = 0xffffffff81000000UL;

	hot_cpu_init(&c);
	for (i = 0; i < 4096; i++, a += 0x40)
		hot_event_count(&c, (void *)a, 1, HOT_LATE_NS);
	for (i = 0; i < KRADAR_SLOTS; i++)
		used += c.slot[i].fn != NULL;
	ASSERT_EQ_INT(used, KRADAR_SLOTS, "table full: every slot used");
	ASSERT_EQ_INT(c.unattributed, 4096 - KRADAR_SLOTS,
		 "table full: the rest unattributed");
}

static void test_rare(void)
{
	struct kradar_cpu c;

	hot_cpu_init(&c);
	hot_rare_calls = 0;
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, 1, HOT_LATE_NS);
	ASSERT_EQ_INT(hot_rare_calls, 0, "no rare path without tick or request");
	WRITE_ONCE(c.want_stack, 1);
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, 1, HOT_LATE_NS);
	hot_event_count(&c, HOT_FN_ADVANCE_SCHED, 1, HOT_LATE_NS);
	ASSERT_EQ_INT(hot_rare_calls, 1, "stack request served exactly once");
	hot_event_count(&c, HOT_FN_TICK_SCHED_TIMER, 1, HOT_LATE_NS);
	ASSERT_EQ_INT(hot_rare_calls, 2, "tick takes the rare path");
}

int main(void)
{
	printf("TAP version 13\n");
	test_hash_vectors();
	test_sequence();
	test_late_boundary();
	test_collisions();
	test_table_full();
	test_rare();
	return tap_done();
}
