// SPDX-License-Identifier: GPL-2.0
/*
 * kradar panic dump: the last window of evidence reaches the host even
 * when the guest dies.
 *
 * The virtio port needs interrupts, a sampler thread and a working
 * guest; when the kernel panics (an oops with oops=panic, a soft lockup
 * with softlockup_panic=1, echo c > /proc/sysrq-trigger) whatever the
 * port has not taken yet never leaves the guest. The serial console still
 * works then: panic() flushes printk's consoles synchronously. So a panic
 * notifier prints, to the console, as checksummed text lines:
 *
 *   - the records still in the buffer that the port has not started
 *     to send, at most panic_kb KiB: the newest episode records (storm,
 *     RCU gap and stall, lock, loss) first, then the newest windows and
 *     heartbeats; what is left out is counted in a LOST record;
 *   - records made at panic time from the live counters: a LOST record
 *     for what the dump leaves out, a heartbeat (the panic instant, how
 *     late the sampler was) and, per CPU with hrtimer callbacks since the
 *     last window, the partial window up to the panic, flagged
 *     KRADAR_RECF_PANIC.
 *
 * The records are the wire format of the stream (include/kradar_wire.h),
 * with sequence numbers that continue the stream's, so kradar-collect
 * decodes them with the stream decoder, drops the ones it already has and
 * sees a gap for any it cannot recover. Line format and checks:
 * Documentation/wire-format.rst, "Console dump".
 *
 * Panic context: the other CPUs have been stopped wherever they were,
 * possibly in the sampler halfway through a record or a buffer move. So
 * nothing here takes a lock, sleeps or allocates (the snapshot table is
 * allocated at load, the record and line buffers are static), the buffer
 * is read without locking and every record is checked (sync, size, CRC)
 * before it is printed; a torn one is skipped and counted. Clocks are the
 * NMI-safe fast accessors. The dump runs once.
 *
 * Cost while running: kradar_panic_sample() copies three counters per
 * used hrtimer slot once per window, in the sampler thread.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/crc32.h>
#include <linux/cpumask.h>
#include <linux/kernel.h>
#include <linux/moduleparam.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/sched/clock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include "kradar.h"
#include "compat/unaligned.h"

#define KRADAR_PANIC_KB		16	/* KiB */
#define KRADAR_PANIC_KB_MAX	64	/* KiB */
#define KRADAR_DUMP_CHUNK	192	/* record bytes per console line */
#define KRADAR_DUMP_VERSION	1
/* "d <session> <offset> <base64>" and the CRC, with room to spare */
#define KRADAR_DUMP_LINE	(64 + KRADAR_DUMP_CHUNK / 3 * 4)
#define KRADAR_WINDOW_REC_MAX	(sizeof(struct kradar_rec_hrtimer_window) + \
				 KRADAR_WINDOW_TOP * \
				 sizeof(struct kradar_hrtimer_entry))

static unsigned int panic_kb = KRADAR_PANIC_KB;
module_param(panic_kb, uint, 0444);
MODULE_PARM_DESC(panic_kb, "KiB of the newest records printed to the console at panic, 0..64, 0 = off (default 16)");

/* Counters of one hrtimer slot at the last window. */
struct kradar_panic_snap {
	u64 count, late, late_sum;
};

struct kradar_panic_cpu {
	u64 unattributed;
};

static struct kradar_panic_snap *kradar_snaps;	/* nr_cpu_ids * SLOTS */
static struct kradar_panic_cpu *kradar_snap_cpus;	/* nr_cpu_ids */
static u64 kradar_snap_ns;		/* when the snapshot was taken */
static u64 kradar_snap_window;		/* window number then */
static u64 kradar_snap_sent;		/* bytes sent by then */
static u64 kradar_snap_mono, kradar_snap_real, kradar_snap_boot;	/* clocks then */
static u64 kradar_dump_session;
static atomic_t kradar_dumped = ATOMIC_INIT(0);
static bool kradar_registered;

/* What one dump did, for its end line. */
struct kradar_dump {
	u64 off;		/* bytes printed so far */
	unsigned int lines;
	unsigned int records;
	u64 skipped_records;	/* left out for the size limit */
	u64 skipped_bytes;
	u64 torn_bytes;		/* buffer bytes that were no valid record */
};

static u64 kradar_rec_buf[KRADAR_REC_MAX / sizeof(u64)];
static char kradar_line[KRADAR_DUMP_LINE];

static const char kradar_b64[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* RFC 4648 base64 with padding; @out has room for 4 * ceil(len / 3). */
static size_t kradar_base64(const u8 *in, size_t len, char *out)
{
	size_t i, o = 0;

	for (i = 0; i + 2 < len; i += 3) {
		u32 v = in[i] << 16 | in[i + 1] << 8 | in[i + 2];

		out[o++] = kradar_b64[v >> 18 & 63];
		out[o++] = kradar_b64[v >> 12 & 63];
		out[o++] = kradar_b64[v >> 6 & 63];
		out[o++] = kradar_b64[v & 63];
	}
	if (i < len) {
		u32 v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0);

		out[o++] = kradar_b64[v >> 18 & 63];
		out[o++] = kradar_b64[v >> 12 & 63];
		out[o++] = i + 1 < len ? kradar_b64[v >> 6 & 63] : '=';
		out[o++] = '=';
	}
	return o;
}

/* One console line: "kradar-dump: TEXT CRC", CRC-32 of TEXT. */
static void kradar_dump_line(struct kradar_dump *d, size_t len)
{
	u32 crc = crc32_le(~0U, kradar_line, len) ^ ~0U;

	kradar_line[len] = '\0';
	pr_emerg("kradar-dump: %s %08x\n", kradar_line, crc);
	d->lines++;
}

/* Print one record, KRADAR_DUMP_CHUNK bytes per line. */
static void kradar_dump_record(struct kradar_dump *d, const u8 *p, size_t len)
{
	while (len) {
		size_t n = min_t(size_t, len, KRADAR_DUMP_CHUNK);
		size_t k;

		k = scnprintf(kradar_line, sizeof(kradar_line), "d %016llx %llu ",
			      kradar_dump_session, d->off);
		k += kradar_base64(p, n, kradar_line + k);
		kradar_dump_line(d, k);
		d->off += n;
		p += n;
		len -= n;
	}
	d->records++;
}

/* CRC of a record as the writer made it: over the record, crc field 0. */
static bool kradar_crc_ok(const u8 *p, u32 size)
{
	static const u8 zero[4];
	size_t at = offsetof(struct kradar_rec_hdr, crc);
	u32 crc;

	crc = crc32_le(~0U, p, at);
	crc = crc32_le(crc, zero, sizeof(zero));
	crc = crc32_le(crc, p + at + 4, size - at - 4);
	return (crc ^ ~0U) == get_unaligned_le32(p + at);
}

/*
 * The first record at or after @off in @buf[0..@len) that verifies; its
 * size in *@size. Bytes passed over are counted as torn. Returns @len when
 * there is none. The buffer is not aligned after a partial send, hence the
 * unaligned reads.
 */
static size_t kradar_next_rec(const u8 *buf, size_t len, size_t off,
			      u32 *size, u64 *torn)
{
	const size_t hdr = sizeof(struct kradar_rec_hdr);

	for (; off + hdr <= len; off++, (*torn)++) {
		const u8 *p = buf + off;
		u32 sz;

		if (get_unaligned_le32(p) != KRADAR_SYNC)
			continue;
		sz = get_unaligned_le32(p + offsetof(struct kradar_rec_hdr,
						     size));
		if (sz < hdr || sz > KRADAR_REC_MAX || sz % KRADAR_REC_ALIGN ||
		    sz > len - off || !kradar_crc_ok(p, sz))
			continue;
		*size = sz;
		return off;
	}
	*torn += len - min(off, len);
	return len;
}

/*
 * Records that open, update or close an episode (a storm, an RCU gap or
 * stall, a contended lock) or account for loss: rarer and worth more than
 * the periodic windows and heartbeats, so kept first.
 */
static bool kradar_key_rec(const u8 *p)
{
	switch (get_unaligned_le16(p + offsetof(struct kradar_rec_hdr, type))) {
	case KRADAR_REC_HELLO:
	case KRADAR_REC_STORM_BEGIN:
	case KRADAR_REC_STORM_END:
	case KRADAR_REC_LOST:
	case KRADAR_REC_QS_GAP:
	case KRADAR_REC_GP_STALL:
	case KRADAR_REC_LOCK:
		return true;
	}
	return false;
}

/*
 * The unsent records, in buffer order, within @limit bytes: the newest
 * episode records first, then the newest periodic ones in what is left.
 * The records left out are counted.
 */
static void kradar_dump_ring(struct kradar_dump *d, size_t limit)
{
	const u8 *buf;
	size_t len = kradar_ring_unsent(&buf), off;
	u64 key = 0, other = 0, key_room, other_room, torn = 0;
	u32 sz;

	for (off = 0; (off = kradar_next_rec(buf, len, off, &sz, &torn)) < len;
	     off += sz) {
		if (kradar_key_rec(buf + off))
			key += sz;
		else
			other += sz;
	}
	key_room = min_t(u64, key, limit);
	other_room = limit - key_room;
	torn = 0;
	for (off = 0; (off = kradar_next_rec(buf, len, off, &sz, &torn)) < len;
	     off += sz) {
		u64 *left = kradar_key_rec(buf + off) ? &key : &other;
		u64 room = left == &key ? key_room : other_room;

		if (*left > room) {
			d->skipped_records++;
			d->skipped_bytes += sz;
		} else {
			kradar_dump_record(d, buf + off, sz);
		}
		*left -= sz;
	}
	d->torn_bytes = torn;
}

static void *kradar_panic_rec(u16 type, size_t size, u16 cpu, u64 ts)
{
	struct kradar_rec_hdr *h = (void *)kradar_rec_buf;

	memset(kradar_rec_buf, 0, size);
	h->sync = cpu_to_le32(KRADAR_SYNC);
	h->type = cpu_to_le16(type);
	h->flags = cpu_to_le16(KRADAR_RECF_PANIC);
	h->size = cpu_to_le32(size);
	h->ts_ns = cpu_to_le64(ts);
	h->seq = cpu_to_le32(kradar_ring_take_seq(cpu));
	h->cpu = cpu_to_le16(cpu);
	return h;
}

static void kradar_panic_commit(struct kradar_dump *d, size_t size)
{
	struct kradar_rec_hdr *h = (void *)kradar_rec_buf;

	h->crc = cpu_to_le32(crc32_le(~0U, (u8 *)kradar_rec_buf, size) ^ ~0U);
	kradar_dump_record(d, (u8 *)kradar_rec_buf, size);
}

/*
 * Records the dump leaves out, drops the stream never reported, and a
 * record the sampler was making when the kernel died.
 */
static void kradar_dump_lost(struct kradar_dump *d, u64 now)
{
	struct kradar_rec_lost *r;
	u64 recs, bytes;

	kradar_ring_take_drops(&recs, &bytes);
	recs += d->skipped_records;
	bytes += d->skipped_bytes;
	/* the sampler stopped halfway through a record: numbered, never sent */
	if (kradar_ring_open_size()) {
		recs++;
		bytes += kradar_ring_open_size();
	}
	if (!recs)
		return;
	r = kradar_panic_rec(KRADAR_REC_LOST, sizeof(*r), KRADAR_CPU_NONE, now);
	r->cause = cpu_to_le32(KRADAR_LOST_BUFFER_FULL);
	r->records = cpu_to_le64(recs);
	r->bytes = cpu_to_le64(bytes);
	kradar_panic_commit(d, sizeof(*r));
}

static void kradar_dump_heartbeat(struct kradar_dump *d, u64 now)
{
	u64 due = kradar_snap_ns + (u64)kradar_window_ms * NSEC_PER_MSEC;
	struct kradar_rec_heartbeat *r;
	u64 records, drec, dbytes, since;

	kradar_ring_stats(&records, &drec, &dbytes);
	r = kradar_panic_rec(KRADAR_REC_HEARTBEAT, sizeof(*r), KRADAR_CPU_NONE,
			     now);
	/*
	 * The clocks at the last window, moved on by local_clock(): at
	 * panic the other CPUs were stopped by NMI, and one stopped inside
	 * read_hpet() holds the HPET lock that ktime_get_*_fast_ns() would
	 * wait for forever (seen under TCG, where the TSC is unstable and
	 * HPET is the clocksource, with a storm CPU reading it constantly).
	 */
	since = now > kradar_snap_ns ? now - kradar_snap_ns : 0;
	r->local_ns = cpu_to_le64(now);
	r->mono_ns = cpu_to_le64(kradar_snap_mono + since);
	r->real_ns = cpu_to_le64(kradar_snap_real + since);
	r->boot_ns = cpu_to_le64(kradar_snap_boot + since);
	r->window = cpu_to_le64(kradar_snap_window);
	/* how overdue the next window was when the kernel died */
	r->sampler_late_ns = cpu_to_le64(now > due ? now - due : 0);
	r->events = cpu_to_le64(kradar_hrtimer_events());
	r->records = cpu_to_le64(records);
	r->bytes_sent = cpu_to_le64(kradar_snap_sent);
	r->records_dropped = cpu_to_le64(drec + d->skipped_records);
	kradar_panic_commit(d, sizeof(*r));
}

struct kradar_panic_top {
	unsigned int slot;
	u64 count, late, late_sum;
};

/* @cpu's hrtimer callbacks from the last window to now; 0: none. */
static size_t kradar_panic_window(int cpu, u64 now)
{
	const struct kradar_cpu *c = kradar_hrtimer_counters(cpu);
	struct kradar_panic_snap *snap = &kradar_snaps[cpu * KRADAR_SLOTS];
	struct kradar_panic_top top[KRADAR_WINDOW_TOP];
	struct kradar_rec_hrtimer_window *w;
	u64 events = 0, listed = 0;
	unsigned int i, j, ntop = 0;
	size_t size;

	for (i = 0; i < KRADAR_SLOTS; i++) {
		const struct kradar_slot *s = &c->slot[i];
		struct kradar_panic_top t = { .slot = i };

		if (!READ_ONCE(s->fn))
			continue;
		t.count = READ_ONCE(s->count) - snap[i].count;
		t.late = min(READ_ONCE(s->late) - snap[i].late, t.count);
		t.late_sum = READ_ONCE(s->late_sum) - snap[i].late_sum;
		if (!t.count)
			continue;
		events += t.count;
		for (j = ntop; j > 0 && top[j - 1].count < t.count; j--)
			if (j < KRADAR_WINDOW_TOP)
				top[j] = top[j - 1];
		if (j < KRADAR_WINDOW_TOP) {
			top[j] = t;
			ntop = min(ntop + 1, KRADAR_WINDOW_TOP);
		}
	}
	events += READ_ONCE(c->unattributed) - kradar_snap_cpus[cpu].unattributed;
	if (!events || now <= kradar_snap_ns)
		return 0;

	size = struct_size(w, entries, ntop);
	w = kradar_panic_rec(KRADAR_REC_HRTIMER_WINDOW, size, cpu, now);
	w->start_ns = cpu_to_le64(kradar_snap_ns);
	w->end_ns = cpu_to_le64(now);
	w->nr_entries = cpu_to_le32(ntop);
	w->entry_size = cpu_to_le32(sizeof(struct kradar_hrtimer_entry));
	for (j = 0; j < ntop; j++) {
		struct kradar_hrtimer_entry *e = &w->entries[j];
		const struct kradar_slot *s = &c->slot[top[j].slot];

		e->function = cpu_to_le64((unsigned long)READ_ONCE(s->fn));
		e->count = cpu_to_le64(top[j].count);
		e->late = cpu_to_le64(top[j].late);
		e->late_sum_ns = cpu_to_le64(top[j].late_sum);
		e->late_max_ns = cpu_to_le64(READ_ONCE(s->late_max));
		kradar_hrtimer_name(cpu, top[j].slot, e->name);
		e->name[KRADAR_NAME_LEN - 1] = '\0';
		listed += top[j].count;
	}
	w->events = cpu_to_le64(events);
	w->unlisted = cpu_to_le64(events - listed);
	return size;
}

static void kradar_dump(int panic_cpu)
{
	size_t limit = (size_t)panic_kb * 1024, reserve, k;
	struct kradar_dump d = { };
	u64 t0 = sched_clock(), now;	/* raw: no clocksource read, no clamp */
	int cpu;

	/* room for what is made now: lost, heartbeat, a window per CPU */
	reserve = min_t(size_t, limit / 2, 256 + num_possible_cpus() *
			KRADAR_WINDOW_REC_MAX);
	k = scnprintf(kradar_line, sizeof(kradar_line), "begin %016llx %d %d %zu",
		      kradar_dump_session, KRADAR_DUMP_VERSION, panic_cpu,
		      limit);
	kradar_dump_line(&d, k);

	kradar_dump_ring(&d, limit - reserve);
	now = local_clock();
	kradar_dump_lost(&d, now);
	kradar_dump_heartbeat(&d, now);
	for_each_possible_cpu(cpu) {
		size_t size = kradar_panic_window(cpu, now);

		if (!size)
			continue;
		if (d.off + size > limit) {
			d.skipped_records++;
			d.skipped_bytes += size;
			continue;
		}
		kradar_panic_commit(&d, size);
	}
	k = scnprintf(kradar_line, sizeof(kradar_line),
		      "end %016llx %llu %u %u %llu %llu %llu",
		      kradar_dump_session, d.off, d.lines + 1, d.records,
		      d.skipped_records, d.torn_bytes,
		      sched_clock() - t0);
	kradar_dump_line(&d, k);
}

static int kradar_panic_notify(struct notifier_block *nb, unsigned long ev,
			       void *msg)
{
	if (atomic_xchg(&kradar_dumped, 1))
		return NOTIFY_DONE;
	kradar_dump(raw_smp_processor_id());
	return NOTIFY_DONE;
}

static struct notifier_block kradar_panic_nb = {
	.notifier_call = kradar_panic_notify,
};

/* The clocks the panic-time heartbeat extrapolates from, and when. */
static void kradar_snap_clocks(u64 now)
{
	kradar_snap_mono = ktime_get_mono_fast_ns();
	kradar_snap_real = ktime_get_real_fast_ns();
	kradar_snap_boot = ktime_get_boot_fast_ns();
	WRITE_ONCE(kradar_snap_ns, now);
}

/*
 * Once per window, after the hrtimer sample (sampler thread, under the
 * sample lock): the counters the panic-time partial window starts from.
 */
static void kradar_panic_sample(const struct kradar_window *w)
{
	int cpu, i;

	if (!kradar_snaps)
		return;
	for_each_possible_cpu(cpu) {
		const struct kradar_cpu *c = kradar_hrtimer_counters(cpu);
		struct kradar_panic_snap *snap = &kradar_snaps[cpu * KRADAR_SLOTS];

		for (i = 0; i < KRADAR_SLOTS; i++) {
			const struct kradar_slot *s = &c->slot[i];

			if (!READ_ONCE(s->fn))
				continue;
			snap[i].count = READ_ONCE(s->count);
			snap[i].late = READ_ONCE(s->late);
			snap[i].late_sum = READ_ONCE(s->late_sum);
		}
		kradar_snap_cpus[cpu].unattributed = READ_ONCE(c->unattributed);
	}
	kradar_snap_clocks(w->now);
	kradar_snap_window = w->nr;
	kradar_snap_sent = w->bytes_sent;
}

/* Before the hrtimer counters are freed. */
static void kradar_panic_exit(void)
{
	if (kradar_registered)
		atomic_notifier_chain_unregister(&panic_notifier_list,
						 &kradar_panic_nb);
	kradar_registered = false;
	vfree(kradar_snap_cpus);
	kradar_snap_cpus = NULL;
	vfree(kradar_snaps);
	kradar_snaps = NULL;
}

/* After the hrtimer counters exist, before the samplers start. */
static int kradar_panic_init(u64 session)
{
	if (panic_kb > KRADAR_PANIC_KB_MAX) {
		pr_err("panic_kb=%u out of range 0..%d KiB (0 turns the panic dump off)\n",
		       panic_kb, KRADAR_PANIC_KB_MAX);
		return -EINVAL;
	}
	if (!panic_kb)
		return 0;
	kradar_snaps = vzalloc(array_size(nr_cpu_ids * KRADAR_SLOTS,
					  sizeof(*kradar_snaps)));
	kradar_snap_cpus = vzalloc(array_size(nr_cpu_ids,
					      sizeof(*kradar_snap_cpus)));
	if (!kradar_snaps || !kradar_snap_cpus) {
		kradar_panic_exit();
		return -ENOMEM;
	}
	kradar_dump_session = session;
	kradar_snap_clocks(local_clock());
	atomic_notifier_chain_register(&panic_notifier_list, &kradar_panic_nb);
	kradar_registered = true;
	return 0;
}

/*
 * Not a detector: it lives their life, right after the storm detector,
 * so that its sample snapshots the counters that window just reported.
 */
const struct kradar_detector kradar_panic_dump = {
	.name		= "panic dump",
	.init		= kradar_panic_init,
	.exit		= kradar_panic_exit,
	.sample		= kradar_panic_sample,
};
