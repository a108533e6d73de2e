// SPDX-License-Identifier: GPL-2.0
/*
 * kradar record buffer.
 *
 * Encoded records wait here until the virtio port takes them. Only the
 * sampler thread touches the buffer (it makes every record and it sends
 * them), so there is no locking and nothing here runs in a probe.
 *
 * The buffer is linear: records are appended at tail, the port sends from
 * head, and the unsent bytes are moved to the front when the end is
 * reached. When the port is absent or slower than the records come, the
 * oldest records are dropped whole to make room, counted, and reported in
 * a KRADAR_REC_LOST record, so the host always sees the newest history
 * and knows exactly what it missed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/crc32.h>
#include <linux/cpumask.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include "kradar.h"

static u8 *kradar_buf;
static size_t kradar_cap;
static size_t kradar_head;	/* first unsent byte */
static size_t kradar_frontier;	/* first record start >= head */
static size_t kradar_tail;	/* end of committed records */
static size_t kradar_open;	/* size of the record being built, or 0 */
static u32 *kradar_seq;		/* nr_cpu_ids + 1 (global) counters */

static u64 kradar_records;
static u64 kradar_dropped_records, kradar_dropped_bytes;
static u64 kradar_unreported_records, kradar_unreported_bytes;

int kradar_ring_init(size_t bytes)
{
	kradar_buf = vzalloc(bytes);
	if (!kradar_buf)
		return -ENOMEM;
	kradar_seq = kcalloc(nr_cpu_ids + 1, sizeof(*kradar_seq), GFP_KERNEL);
	if (!kradar_seq) {
		vfree(kradar_buf);
		kradar_buf = NULL;
		return -ENOMEM;
	}
	kradar_cap = bytes;
	return 0;
}

void kradar_ring_exit(void)
{
	kfree(kradar_seq);
	kradar_seq = NULL;
	vfree(kradar_buf);
	kradar_buf = NULL;
}

static void kradar_count_drop(size_t bytes)
{
	kradar_dropped_records++;
	kradar_dropped_bytes += bytes;
	kradar_unreported_records++;
	kradar_unreported_bytes += bytes;
}

static size_t kradar_rec_size_at(size_t off)
{
	const struct kradar_rec_hdr *h = (const void *)(kradar_buf + off);

	return le32_to_cpu(h->size);
}

/*
 * A buffer-full LOST record dropped unsent never told the host: its
 * counts go back to the unreported ones, so that the LOST records the
 * host receives add up to everything dropped.
 */
static void kradar_requeue_lost(size_t off)
{
	const struct kradar_rec_lost *r = (const void *)(kradar_buf + off);

	if (le16_to_cpu(r->h.type) != KRADAR_REC_LOST ||
	    le32_to_cpu(r->cause) != KRADAR_LOST_BUFFER_FULL)
		return;
	kradar_unreported_records += le64_to_cpu(r->records);
	kradar_unreported_bytes += le64_to_cpu(r->bytes);
}

/* Drop the oldest unsent data until @need bytes fit after tail. */
static void kradar_make_room(size_t need)
{
	if (kradar_cap - kradar_tail >= need)
		return;
	if (kradar_cap - (kradar_tail - kradar_head) < need) {
		/* A record partly sent already is cut: the host resyncs. */
		if (kradar_frontier > kradar_head) {
			kradar_count_drop(kradar_frontier - kradar_head);
			kradar_head = kradar_frontier;
		}
		while (kradar_head < kradar_tail &&
		       kradar_cap - (kradar_tail - kradar_head) < need) {
			size_t sz = kradar_rec_size_at(kradar_head);

			kradar_count_drop(sz);
			kradar_requeue_lost(kradar_head);
			kradar_head += sz;
		}
		kradar_frontier = kradar_head;
	}
	memmove(kradar_buf, kradar_buf + kradar_head, kradar_tail - kradar_head);
	kradar_tail -= kradar_head;
	kradar_frontier -= kradar_head;
	kradar_head = 0;
}

/*
 * Reserve a zeroed record of @size bytes (rounded up to 8) and fill its
 * header; the caller fills the body and calls kradar_rec_commit().
 */
void *kradar_rec_begin(u16 type, size_t size, u16 cpu, u64 ts_ns)
{
	struct kradar_rec_hdr *h;
	u32 *seq;

	size = ALIGN(size, KRADAR_REC_ALIGN);
	if (WARN_ON_ONCE(size > KRADAR_REC_MAX || kradar_open))
		return NULL;
	kradar_make_room(size);
	h = (void *)(kradar_buf + kradar_tail);
	memset(h, 0, size);
	seq = &kradar_seq[cpu == KRADAR_CPU_NONE ? nr_cpu_ids : cpu];
	h->sync = cpu_to_le32(KRADAR_SYNC);
	h->type = cpu_to_le16(type);
	h->size = cpu_to_le32(size);
	h->ts_ns = cpu_to_le64(ts_ns);
	h->seq = cpu_to_le32((*seq)++);
	h->cpu = cpu_to_le16(cpu);
	kradar_open = size;
	return h;
}

/* Before commit: the record turned out shorter than begun (<= that). */
void kradar_rec_shrink(void *rec, size_t size)
{
	struct kradar_rec_hdr *h = rec;

	size = ALIGN(size, KRADAR_REC_ALIGN);
	if (WARN_ON_ONCE(!kradar_open || size > kradar_open ||
			 size < sizeof(*h)))
		return;
	h->size = cpu_to_le32(size);
	kradar_open = size;
}

void kradar_rec_commit(void *rec)
{
	struct kradar_rec_hdr *h = rec;
	u32 crc;

	crc = crc32_le(~0U, rec, kradar_open) ^ ~0U;
	h->crc = cpu_to_le32(crc);
	kradar_tail += kradar_open;
	kradar_open = 0;
	kradar_records++;
}

size_t kradar_ring_peek(const u8 **buf)
{
	*buf = kradar_buf + kradar_head;
	return kradar_tail - kradar_head;
}

void kradar_ring_consume(size_t n)
{
	kradar_head += min(n, kradar_tail - kradar_head);
	while (kradar_frontier < kradar_head)
		kradar_frontier += kradar_rec_size_at(kradar_frontier);
	if (kradar_head == kradar_tail) {
		kradar_head = 0;
		kradar_tail = 0;
		kradar_frontier = 0;
	}
}

size_t kradar_ring_used(void)
{
	return kradar_tail - kradar_head;
}

void kradar_ring_stats(u64 *records, u64 *dropped_records, u64 *dropped_bytes)
{
	*records = kradar_records;
	*dropped_records = kradar_dropped_records;
	*dropped_bytes = kradar_dropped_bytes;
}

/* Drops not yet reported in a LOST record; resets the count. */
void kradar_ring_take_drops(u64 *records, u64 *bytes)
{
	*records = kradar_unreported_records;
	*bytes = kradar_unreported_bytes;
	kradar_unreported_records = 0;
	kradar_unreported_bytes = 0;
}

/*
 * Panic path: the committed records the port has not started to send,
 * from the first whole record after what it took. Read without locking:
 * the sampler may have stopped anywhere, so the caller checks every
 * record it finds there.
 */
size_t kradar_ring_unsent(const u8 **buf)
{
	size_t from = READ_ONCE(kradar_frontier), to = READ_ONCE(kradar_tail);

	if (!kradar_buf || from > to || to > kradar_cap)
		return 0;
	*buf = kradar_buf + from;
	return to - from;
}

/* Panic path: take the next sequence number of @cpu's records. */
u32 kradar_ring_take_seq(u16 cpu)
{
	u32 *seq = &kradar_seq[cpu >= nr_cpu_ids ? nr_cpu_ids : cpu];

	return (*seq)++;
}

/*
 * Panic path: size of a record begun and not committed (its sequence
 * number is taken, so the dump counts it lost), or 0.
 */
size_t kradar_ring_open_size(void)
{
	return READ_ONCE(kradar_open);
}
