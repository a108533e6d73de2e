// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * kradar stream decoder.
 *
 * The guest runs a kernel being fuzzed, so nothing in the stream is
 * trusted. A record is used only after its sync word, its size (>= header,
 * <= KRADAR_REC_MAX, multiple of 8) and its CRC-32 have been checked; it
 * is then copied into zeroed host-order structs with
 * memcpy(dst, src, MIN(size, sizeof(dst))), so shorter records read as
 * zero-filled and longer ones have their tail ignored. Counts that index
 * anything (nr_entries, cpu) are bounded before use and flagged as
 * malformed when out of range.
 *
 * Resynchronisation: when the bytes at the current position are not a
 * valid record the decoder advances one byte and scans for the next sync
 * word whose record verifies. Each run of skipped bytes is reported once,
 * with the stream offset of its first byte, when the next valid record is
 * found or the input ends. A candidate record is waited for (at most
 * KRADAR_REC_MAX bytes) before it can be judged, so a corrupt size field
 * delays delivery by up to that many bytes but loses nothing more.
 *
 * At end of input a partial record (a sync prefix, or a sync word with a
 * plausible header, not followed by any record that verifies) is reported
 * as truncated.
 *
 * Sequence numbers are tracked per cpu field value (KRADAR_CPU_NONE is its
 * own sequence): a forward jump is a gap (records lost), a backward jump
 * without a new HELLO.session is a restart. A HELLO with a new session
 * resets all tracking.
 */
#include <endian.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32.h"
#include "kradar_decode.h"

#pragma GCC poison u8 u16 u32 u64

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define HDR_SIZE sizeof(struct kradar_rec_hdr)
#define WIN_SIZE sizeof(struct kradar_rec_hrtimer_window)
#define ENTRY_SIZE sizeof(struct kradar_hrtimer_entry)
#define NR_SEQ_SLOTS 65536	/* every possible cpu field value */
#define CRC_OFFSET offsetof(struct kradar_rec_hdr, crc)
#define SIZE_OFFSET offsetof(struct kradar_rec_hdr, size)

struct seq_slot {
	uint32_t next;
	uint32_t valid;
};

struct kradar_decoder {
	struct kradar_decoder_ops ops;
	unsigned char *buf;	/* pending bytes between pushes */
	size_t cap;
	const unsigned char *data;	/* bytes being decoded: buf, or during
					   push() the caller's chunk */
	size_t start;		/* first unconsumed byte of data */
	size_t end;		/* one past the last byte */
	uint64_t base;		/* stream offset of data[0] */
	size_t want;		/* more bytes process() waits for, 0: unknown */
	bool finished;

	bool in_skip;		/* inside a run of skipped bytes */
	uint64_t skip_off;
	uint64_t skip_bytes;
	unsigned int skip_reason;

	struct seq_slot *seq;	/* indexed by cpu field, grown on demand */
	size_t nr_seq;

	bool have_session;
	uint64_t session;
	unsigned int nr_cpus;

	struct kradar_decoder_stats st;
	struct kradar_record rec;
};

static const unsigned char sync_bytes[4] = { 0x4b, 0x52, 0x44, 0x52 };

_Static_assert(KRADAR_SYNC == 0x5244524bU, "sync bytes match KRADAR_SYNC");
_Static_assert(CRC_OFFSET == 12, "kradar_crc32_record() masks bytes 12..15");

const char *kradar_rec_type_name(unsigned int type)
{
	static const char *const names[KRADAR_REC_TYPE_MAX] = {
		[KRADAR_REC_HELLO] = "hello",
		[KRADAR_REC_HEARTBEAT] = "heartbeat",
		[KRADAR_REC_HRTIMER_WINDOW] = "hrtimer_window",
		[KRADAR_REC_STORM_BEGIN] = "storm_begin",
		[KRADAR_REC_STORM_END] = "storm_end",
		[KRADAR_REC_LOST] = "lost",
		[KRADAR_REC_QS_GAP] = "qs_gap",
		[KRADAR_REC_GP_STALL] = "gp_stall",
		[KRADAR_REC_LOCK] = "lock",
		[KRADAR_REC_HUNG] = "hung",
		[KRADAR_REC_CPU_STUCK] = "cpu_stuck",
	};

	if (type < KRADAR_REC_TYPE_MAX && names[type])
		return names[type];
	return "unknown";
}

const char *kradar_lost_cause_name(unsigned int cause)
{
	switch (cause) {
	case KRADAR_LOST_BUFFER_FULL:	return "buffer_full";
	case KRADAR_LOST_NESTED:	return "nested";
	case KRADAR_LOST_TABLE_FULL:	return "table_full";
	case KRADAR_LOST_PORT_ERROR:	return "port_error";
	}
	return "unknown";
}

const char *kradar_loss_kind_name(enum kradar_loss_kind kind)
{
	switch (kind) {
	case KRADAR_LOSS_SKIPPED:	return "skipped_bytes";
	case KRADAR_LOSS_SEQ_GAP:	return "seq_gap";
	case KRADAR_LOSS_TRUNCATED:	return "truncated";
	case KRADAR_LOSS_MALFORMED:	return "malformed";
	case KRADAR_LOSS_SEQ_BACK:	return "seq_restart";
	}
	return "unknown";
}

const char *kradar_skip_reason_name(unsigned int reason)
{
	switch (reason) {
	case KRADAR_SKIP_SYNC:	return "no sync word";
	case KRADAR_SKIP_SIZE:	return "impossible size";
	case KRADAR_SKIP_CRC:	return "CRC mismatch";
	case KRADAR_SKIP_SHORT:	return "incomplete record";
	}
	return "unknown";
}

const char *kradar_malformed_str(unsigned int malf, char *buf, size_t len)
{
	static const struct { unsigned int bit; const char *name; } bits[] = {
		{ KRADAR_MALF_CPU, "cpu" },
		{ KRADAR_MALF_ENTRIES, "nr_entries" },
		{ KRADAR_MALF_NAME, "name" },
		{ KRADAR_MALF_HELLO, "hello" },
		{ KRADAR_MALF_WINDOW, "window" },
		{ KRADAR_MALF_COUNT, "count" },
		{ KRADAR_MALF_PHASE, "phase" },
		{ KRADAR_MALF_VHOST, "vhost" },
	};
	size_t used = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		int n;

		if (!(malf & bits[i].bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			     bits[i].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += n;
	}
	return buf;
}

struct kradar_decoder *kradar_decoder__new(const struct kradar_decoder_ops *ops)
{
	struct kradar_decoder *dec;
	int err;

	if (!ops || !ops->record) {
		errno = EINVAL;
		return NULL;
	}
	dec = calloc(1, sizeof(*dec));
	if (!dec)
		return NULL;
	dec->ops = *ops;
	dec->cap = 2 * KRADAR_REC_MAX;
	dec->buf = malloc(dec->cap);
	if (!dec->buf) {
		err = -ENOMEM;
		goto err_out;
	}
	dec->data = dec->buf;
	return dec;

err_out:
	kradar_decoder__free(dec);
	errno = -err;
	return NULL;
}

void kradar_decoder__free(struct kradar_decoder *dec)
{
	if (!dec)
		return;
	free(dec->buf);
	free(dec->seq);
	free(dec);
}

const struct kradar_decoder_stats *
kradar_decoder__stats(const struct kradar_decoder *dec)
{
	return &dec->st;
}

uint64_t kradar_decoder__session(const struct kradar_decoder *dec)
{
	return dec->have_session ? dec->session : 0;
}

unsigned int kradar_decoder__nr_cpus(const struct kradar_decoder *dec)
{
	return dec->nr_cpus;
}

bool kradar_decoder__next_seq(const struct kradar_decoder *dec, uint16_t cpu,
			      uint32_t *next)
{
	if (cpu >= dec->nr_seq || !dec->seq[cpu].valid)
		return false;
	*next = dec->seq[cpu].next;
	return true;
}

static uint32_t get_le32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return le32toh(v);
}

static bool is_sync(const unsigned char *p)
{
	return memcmp(p, sync_bytes, sizeof(sync_bytes)) == 0;
}

static bool size_ok(uint32_t size)
{
	return size >= HDR_SIZE && size <= KRADAR_REC_MAX &&
	       size % KRADAR_REC_ALIGN == 0;
}

/* CRC-32 of the record with its crc field read as zero */
static bool crc_ok(const unsigned char *p, uint32_t size)
{
	return kradar_crc32_record(p, size) == get_le32(p + CRC_OFFSET);
}

/* A complete, verified record starts at p (avail bytes available)? */
static bool record_at(const unsigned char *p, size_t avail)
{
	uint32_t size;

	if (avail < HDR_SIZE || !is_sync(p))
		return false;
	size = get_le32(p + SIZE_OFFSET);
	return size_ok(size) && size <= avail && crc_ok(p, size);
}

/* Offset of the first verified record after p[0], or 0 if none */
static size_t next_record(const unsigned char *p, size_t avail)
{
	for (size_t q = 1; q + HDR_SIZE <= avail; q++)
		if (p[q] == sync_bytes[0] && record_at(p + q, avail - q))
			return q;
	return 0;
}

/*
 * Bytes before the next sync word (or before a sync prefix at the very
 * end, which may complete with the next chunk).
 */
static size_t scan_to_sync(const unsigned char *p, size_t avail)
{
	size_t q = 1;

	while (q < avail) {
		const unsigned char *k = memchr(p + q, sync_bytes[0], avail - q);
		size_t left;

		if (!k)
			return avail;
		q = k - p;
		left = avail - q;
		if (memcmp(p + q, sync_bytes, MIN(left, sizeof(sync_bytes))) == 0)
			return q;
		q++;
	}
	return avail;
}

static int report(struct kradar_decoder *dec, const struct kradar_loss *loss)
{
	return dec->ops.loss ? dec->ops.loss(dec->ops.ctx, loss) : 0;
}

static void consume(struct kradar_decoder *dec, size_t n)
{
	dec->start += n;
}

static uint64_t cur_offset(const struct kradar_decoder *dec)
{
	return dec->base + dec->start;
}

static void skip(struct kradar_decoder *dec, size_t n, unsigned int reason)
{
	if (!dec->in_skip) {
		dec->in_skip = true;
		dec->skip_off = cur_offset(dec);
		dec->skip_bytes = 0;
		dec->skip_reason = reason;
	}
	dec->skip_bytes += n;
	dec->st.skipped_bytes += n;
	consume(dec, n);
}

static int close_skip(struct kradar_decoder *dec)
{
	struct kradar_loss loss = {
		.kind = KRADAR_LOSS_SKIPPED,
		.offset = dec->skip_off,
		.bytes = dec->skip_bytes,
		.reason = dec->skip_reason,
	};

	if (!dec->in_skip)
		return 0;
	dec->in_skip = false;
	dec->st.resyncs++;
	return report(dec, &loss);
}

static void hdr_to_host(struct kradar_rec_hdr *h)
{
	h->sync = le32toh(h->sync);
	h->type = le16toh(h->type);
	h->flags = le16toh(h->flags);
	h->size = le32toh(h->size);
	h->crc = le32toh(h->crc);
	h->ts_ns = le64toh(h->ts_ns);
	h->seq = le32toh(h->seq);
	h->cpu = le16toh(h->cpu);
	h->reserved = le16toh(h->reserved);
}

/* Terminate a fixed-size name; report whether the sender did */
static bool fix_name(char *name, size_t len)
{
	bool ok = memchr(name, '\0', len) != NULL;

	name[len - 1] = '\0';
	return ok;
}

/*
 * The fixed part of a record into dst, which is all zero (the decoder's
 * record is, see scrub()): a shorter record leaves the rest zero, a
 * longer one has its tail ignored.
 */
#define DECODE(dst, p, size) \
	memcpy(&(dst), (p), MIN((size_t)(size), sizeof(dst)))

static unsigned int decode_hello(struct kradar_rec_hello *r,
				 const unsigned char *p, uint32_t size)
{
	unsigned int malf = 0;

	DECODE(*r, p, size);
	r->magic = le64toh(r->magic);
	r->version = le16toh(r->version);
	r->hdr_size = le16toh(r->hdr_size);
	r->nr_cpus = le16toh(r->nr_cpus);
	r->caps = le16toh(r->caps);
	r->session = le64toh(r->session);
	r->window_ms = le32toh(r->window_ms);
	r->late_us = le32toh(r->late_us);
	r->storm_rate = le64toh(r->storm_rate);
	r->storm_windows = le32toh(r->storm_windows);
	r->heartbeat_ms = le32toh(r->heartbeat_ms);
	r->storm_end_ms = le32toh(r->storm_end_ms);
	r->qs_gap_ms = le32toh(r->qs_gap_ms);
	r->lock_wait_ms = le32toh(r->lock_wait_ms);
	r->backend = le32toh(r->backend);
	r->hung_ms = le32toh(r->hung_ms);
	r->stuck_ms = le32toh(r->stuck_ms);
	if (!fix_name(r->release, sizeof(r->release)) ||
	    !fix_name(r->port, sizeof(r->port)))
		malf |= KRADAR_MALF_NAME;
	if (r->magic != KRADAR_MAGIC || r->hdr_size != HDR_SIZE ||
	    r->nr_cpus == 0)
		malf |= KRADAR_MALF_HELLO;
	return malf;
}

static unsigned int decode_heartbeat(struct kradar_rec_heartbeat *r,
				     const unsigned char *p, uint32_t size)
{
	DECODE(*r, p, size);
	r->local_ns = le64toh(r->local_ns);
	r->mono_ns = le64toh(r->mono_ns);
	r->real_ns = le64toh(r->real_ns);
	r->boot_ns = le64toh(r->boot_ns);
	r->window = le64toh(r->window);
	r->sampler_late_ns = le64toh(r->sampler_late_ns);
	r->events = le64toh(r->events);
	r->records = le64toh(r->records);
	r->bytes_sent = le64toh(r->bytes_sent);
	r->records_dropped = le64toh(r->records_dropped);
	return 0;
}

static unsigned int decode_window(struct kradar_window *w,
				  const unsigned char *p, uint32_t size)
{
	struct kradar_rec_hrtimer_window fixed;
	unsigned int malf = 0;
	uint64_t sum = 0;
	uint32_t room, esz;
	size_t off;

	if (size < sizeof(fixed))
		memset(&fixed, 0, sizeof(fixed));
	DECODE(fixed, p, size);
	w->start_ns = le64toh(fixed.start_ns);
	w->end_ns = le64toh(fixed.end_ns);
	w->events = le64toh(fixed.events);
	w->unlisted = le64toh(fixed.unlisted);
	w->nr_entries = le32toh(fixed.nr_entries);

	/*
	 * Entries are the last nr_entries * entry_size bytes, so both the
	 * fixed part and the entries can grow; entry_size 0 is the first
	 * layout. An entry too short to hold its name is malformed.
	 */
	esz = le32toh(fixed.entry_size);
	if (!esz)
		esz = ENTRY_SIZE;
	if (esz < ENTRY_SIZE || esz > KRADAR_REC_MAX || esz % 8) {
		malf |= KRADAR_MALF_ENTRIES;
		esz = ENTRY_SIZE;
		room = 0;
	} else {
		room = size > WIN_SIZE ? (size - WIN_SIZE) / esz : 0;
	}
	w->nr_valid = MIN(w->nr_entries, room);
	if (w->nr_valid > KRADAR_HRTIMER_MAX_ENTRIES)
		w->nr_valid = KRADAR_HRTIMER_MAX_ENTRIES;
	if (w->nr_entries != w->nr_valid)
		malf |= KRADAR_MALF_ENTRIES;
	off = w->nr_entries == w->nr_valid ?
		size - (size_t)w->nr_valid * esz : WIN_SIZE;
	if (w->end_ns <= w->start_ns)
		malf |= KRADAR_MALF_WINDOW;

	for (uint32_t i = 0; i < w->nr_valid; i++) {
		struct kradar_hrtimer_entry *e = &w->entries[i];

		memcpy(e, p + off + (size_t)i * esz, sizeof(*e));
		e->function = le64toh(e->function);
		e->count = le64toh(e->count);
		e->late = le64toh(e->late);
		e->late_sum_ns = le64toh(e->late_sum_ns);
		e->late_max_ns = le64toh(e->late_max_ns);
		if (!fix_name(e->name, sizeof(e->name)))
			malf |= KRADAR_MALF_NAME;
		if (e->late > e->count)
			malf |= KRADAR_MALF_COUNT;
		if (__builtin_add_overflow(sum, e->count, &sum))
			sum = UINT64_MAX;
	}
	if (__builtin_add_overflow(sum, w->unlisted, &sum))
		sum = UINT64_MAX;
	if (sum > w->events)
		malf |= KRADAR_MALF_COUNT;
	return malf;
}

static unsigned int decode_storm(struct kradar_rec_storm *r,
				 const unsigned char *p, uint32_t size)
{
	unsigned int malf = 0;

	DECODE(*r, p, size);
	r->function = le64toh(r->function);
	r->begin_ns = le64toh(r->begin_ns);
	r->end_ns = le64toh(r->end_ns);
	r->rate_per_s = le64toh(r->rate_per_s);
	r->peak_rate_per_s = le64toh(r->peak_rate_per_s);
	r->count = le64toh(r->count);
	r->late = le64toh(r->late);
	r->late_sum_ns = le64toh(r->late_sum_ns);
	r->late_max_ns = le64toh(r->late_max_ns);
	r->threshold_per_s = le64toh(r->threshold_per_s);
	if (!fix_name(r->name, sizeof(r->name)))
		malf |= KRADAR_MALF_NAME;
	if (r->late > r->count)
		malf |= KRADAR_MALF_COUNT;
	return malf;
}

static unsigned int decode_lost(struct kradar_rec_lost *r,
				const unsigned char *p, uint32_t size)
{
	DECODE(*r, p, size);
	r->cause = le32toh(r->cause);
	r->reserved = le32toh(r->reserved);
	r->records = le64toh(r->records);
	r->bytes = le64toh(r->bytes);
	r->events = le64toh(r->events);
	return 0;
}

static bool phase_ok(uint32_t phase)
{
	return phase >= KRADAR_PHASE_BEGIN && phase <= KRADAR_PHASE_END;
}

static unsigned int decode_frames(struct kradar_frame *dst,
				  const unsigned char *p, uint32_t n,
				  uint32_t fsz)
{
	unsigned int malf = 0;

	for (uint32_t i = 0; i < n; i++, p += fsz) {
		memcpy(&dst[i], p, sizeof(dst[i]));
		dst[i].addr = le64toh(dst[i].addr);
		if (!fix_name(dst[i].sym, sizeof(dst[i].sym)))
			malf |= KRADAR_MALF_NAME;
	}
	return malf;
}

/*
 * The arrays are the last nr_top * top_size + nr_stack * frame_size bytes
 * of the record (top first), so the fixed part can grow. Sizes smaller
 * than the struct this reader knows, not multiples of 8, or arrays that do
 * not fit make the record malformed and its arrays are not decoded.
 */
static unsigned int decode_gap(struct kradar_gap *g, const unsigned char *p,
			       uint32_t size)
{
	struct kradar_rec_qs_gap *r = &g->r;
	unsigned int malf = 0;
	uint64_t need;
	uint32_t tsz, fsz;
	size_t off;

	DECODE(*r, p, size);
	r->phase = le32toh(r->phase);
	r->pid = le32toh(r->pid);
	r->gap_start_ns = le64toh(r->gap_start_ns);
	r->gap_ns = le64toh(r->gap_ns);
	r->gp_seq = le64toh(r->gp_seq);
	r->gp_start_ns = le64toh(r->gp_start_ns);
	r->hardirqs = le64toh(r->hardirqs);
	r->softirqs = le64toh(r->softirqs);
	r->hrtimers = le64toh(r->hrtimers);
	r->sampler_late_ns = le64toh(r->sampler_late_ns);
	r->stack_ns = le64toh(r->stack_ns);
	r->qs_ns = le64toh(r->qs_ns);
	r->flags = le32toh(r->flags);
	r->nr_top = le32toh(r->nr_top);
	r->top_size = le32toh(r->top_size);
	r->nr_stack = le32toh(r->nr_stack);
	r->frame_size = le32toh(r->frame_size);
	if (!fix_name(r->comm, sizeof(r->comm)))
		malf |= KRADAR_MALF_NAME;
	if (!phase_ok(r->phase))
		malf |= KRADAR_MALF_PHASE;

	tsz = r->top_size;
	fsz = r->frame_size;
	need = (uint64_t)r->nr_top * tsz + (uint64_t)r->nr_stack * fsz;
	if (r->nr_top > KRADAR_GAP_TOP || r->nr_stack > KRADAR_STACK_MAX ||
	    (r->nr_top && (tsz < sizeof(g->top[0]) || tsz % 8)) ||
	    (r->nr_stack && (fsz < sizeof(g->stack[0]) || fsz % 8)) ||
	    size < sizeof(*r) || need > size - sizeof(*r))
		return malf | KRADAR_MALF_ENTRIES;

	off = size - need;
	for (uint32_t i = 0; i < r->nr_top; i++, off += tsz) {
		struct kradar_gap_hrtimer *t = &g->top[i];

		memcpy(t, p + off, sizeof(*t));
		t->function = le64toh(t->function);
		t->count = le64toh(t->count);
		if (!fix_name(t->name, sizeof(t->name)))
			malf |= KRADAR_MALF_NAME;
	}
	malf |= decode_frames(g->stack, p + off, r->nr_stack, fsz);
	g->nr_top_valid = r->nr_top;
	g->nr_stack_valid = r->nr_stack;
	return malf;
}

/*
 * Same layout rule as QS_GAP: the arrays are the record's last bytes.
 * fixed_size (0: KRADAR_LOCK_FIXED_V1) says where the fixed part ends:
 * fields this reader knows beyond it were not sent and read as zero, not
 * as the array bytes that follow. A fixed_size below the first size, not
 * a multiple of 8 or beyond the record makes it malformed.
 */
static unsigned int decode_lock(struct kradar_lockrec *l,
				const unsigned char *p, uint32_t size)
{
	struct kradar_rec_lock *r = &l->r;
	unsigned int malf = 0;
	uint32_t wsz, fsz, fixed;
	bool bad_fixed = false;
	uint64_t need;
	size_t off;

	DECODE(*r, p, size);
	fixed = le32toh(r->fixed_size);
	if (!fixed)
		fixed = KRADAR_LOCK_FIXED_V1;
	if (fixed < KRADAR_LOCK_FIXED_V1 || fixed % 8 || fixed > size) {
		bad_fixed = true;
		fixed = KRADAR_LOCK_FIXED_V1;
	}
	if (fixed < sizeof(*r))
		memset((unsigned char *)r + fixed, 0, sizeof(*r) - fixed);
	r->fixed_size = fixed;
	r->phase = le32toh(r->phase);
	r->flags = le32toh(r->flags);
	r->lock = le64toh(r->lock);
	r->begin_ns = le64toh(r->begin_ns);
	r->wait_ns = le64toh(r->wait_ns);
	r->held_ns = le64toh(r->held_ns);
	r->acquired_ns = le64toh(r->acquired_ns);
	r->owner_pid = le32toh(r->owner_pid);
	r->nr_waiters = le32toh(r->nr_waiters);
	r->nr_listed = le32toh(r->nr_listed);
	r->waiter_size = le32toh(r->waiter_size);
	r->nr_owner_stack = le32toh(r->nr_owner_stack);
	r->nr_waiter_stack = le32toh(r->nr_waiter_stack);
	r->frame_size = le32toh(r->frame_size);
	r->vhost_what = le32toh(r->vhost_what);
	r->vhost_vq = le32toh(r->vhost_vq);
	r->vhost_dev = le32toh(r->vhost_dev);
	r->vhost_off = le32toh(r->vhost_off);
	r->vhost_owner_pid = le32toh(r->vhost_owner_pid);
	r->vhost_worker_pid = le32toh(r->vhost_worker_pid);
	r->vhost_killed_pid = le32toh(r->vhost_killed_pid);
	r->vhost_killed_ns = le64toh(r->vhost_killed_ns);
	/* every name fixed, not only up to the first bad one */
	if (!fix_name(r->owner_comm, sizeof(r->owner_comm)) +
	    !fix_name(r->name, sizeof(r->name)) +
	    !fix_name(r->vhost_owner_comm, sizeof(r->vhost_owner_comm)) +
	    !fix_name(r->vhost_kind, sizeof(r->vhost_kind)))
		malf |= KRADAR_MALF_NAME;
	if (!phase_ok(r->phase))
		malf |= KRADAR_MALF_PHASE;
	/* vhost fields that cannot be: not trusted, not shown */
	if ((r->flags & KRADAR_LOCKF_VHOST) &&
	    (r->vhost_what < KRADAR_VHOST_VQ_MUTEX ||
	     r->vhost_what > KRADAR_VHOST_IN_VQ || !r->vhost_dev)) {
		malf |= KRADAR_MALF_VHOST;
		r->flags &= ~(uint32_t)KRADAR_LOCKF_VHOST;
	}
	if ((r->flags & KRADAR_LOCKF_VHOST_KILLED) && !r->vhost_killed_pid) {
		malf |= KRADAR_MALF_VHOST;
		r->flags &= ~(uint32_t)KRADAR_LOCKF_VHOST_KILLED;
	}

	wsz = r->waiter_size;
	fsz = r->frame_size;
	need = (uint64_t)r->nr_listed * wsz +
	       ((uint64_t)r->nr_owner_stack + r->nr_waiter_stack) * fsz;
	if (r->nr_listed > KRADAR_LOCK_WAITERS ||
	    r->nr_owner_stack > KRADAR_LOCK_STACK ||
	    r->nr_waiter_stack > KRADAR_LOCK_STACK ||
	    (r->nr_listed && (wsz < sizeof(l->waiters[0]) || wsz % 8)) ||
	    ((r->nr_owner_stack || r->nr_waiter_stack) &&
	     (fsz < sizeof(struct kradar_frame) || fsz % 8)) ||
	    bad_fixed || size < fixed || need > size - fixed)
		return malf | KRADAR_MALF_ENTRIES;

	off = size - need;
	for (uint32_t i = 0; i < r->nr_listed; i++, off += wsz) {
		struct kradar_lock_waiter *w = &l->waiters[i];

		memcpy(w, p + off, sizeof(*w));
		w->pid = le32toh(w->pid);
		w->wait_ns = le64toh(w->wait_ns);
		if (!fix_name(w->comm, sizeof(w->comm)))
			malf |= KRADAR_MALF_NAME;
	}
	malf |= decode_frames(l->owner_stack, p + off, r->nr_owner_stack, fsz);
	off += (size_t)r->nr_owner_stack * fsz;
	malf |= decode_frames(l->waiter_stack, p + off, r->nr_waiter_stack,
			      fsz);
	l->nr_waiters_valid = r->nr_listed;
	l->nr_owner_valid = r->nr_owner_stack;
	l->nr_waiter_stack_valid = r->nr_waiter_stack;
	return malf;
}

/*
 * A stack that is a record's last bytes, after its @fixed part: @nr
 * frames of @fsz bytes each, at most @max. Sets *@valid to the frames
 * decoded.
 */
static unsigned int decode_tail_stack(struct kradar_frame *out,
				      uint32_t max, uint32_t *valid,
				      const unsigned char *p, uint32_t size,
				      size_t fixed, uint32_t nr, uint32_t fsz)
{
	uint64_t need = (uint64_t)nr * fsz;

	if (nr > max || (nr && (fsz < sizeof(out[0]) || fsz % 8)) ||
	    size < fixed || need > size - fixed)
		return KRADAR_MALF_ENTRIES;
	*valid = nr;
	return decode_frames(out, p + size - need, nr, fsz);
}

/* Same layout rule as QS_GAP: the stack is the record's last bytes. */
static unsigned int decode_hung(struct kradar_hungrec *hr,
				const unsigned char *p, uint32_t size)
{
	struct kradar_rec_hung *r = &hr->r;
	unsigned int malf = 0;

	DECODE(*r, p, size);
	r->phase = le32toh(r->phase);
	r->flags = le32toh(r->flags);
	r->since_ns = le64toh(r->since_ns);
	r->hung_ns = le64toh(r->hung_ns);
	r->pid = le32toh(r->pid);
	r->tgid = le32toh(r->tgid);
	r->scan_ms = le32toh(r->scan_ms);
	r->lock = le64toh(r->lock);
	r->lock_owner_pid = le32toh(r->lock_owner_pid);
	r->nr_stack = le32toh(r->nr_stack);
	r->frame_size = le32toh(r->frame_size);
	if (!fix_name(r->comm, sizeof(r->comm)) +
	    !fix_name(r->lock_name, sizeof(r->lock_name)))
		malf |= KRADAR_MALF_NAME;
	if (!phase_ok(r->phase))
		malf |= KRADAR_MALF_PHASE;
	return malf | decode_tail_stack(hr->stack, KRADAR_HUNG_STACK,
					&hr->nr_stack_valid, p, size,
					sizeof(*r), r->nr_stack, r->frame_size);
}

static unsigned int decode_stuck(struct kradar_stuckrec *sr,
				 const unsigned char *p, uint32_t size)
{
	struct kradar_rec_cpu_stuck *r = &sr->r;
	unsigned int malf = 0;

	DECODE(*r, p, size);
	r->phase = le32toh(r->phase);
	r->kind = le32toh(r->kind);
	r->since_ns = le64toh(r->since_ns);
	r->stuck_ns = le64toh(r->stuck_ns);
	r->wait_ns = le64toh(r->wait_ns);
	r->stack_ns = le64toh(r->stack_ns);
	r->pid = le32toh(r->pid);
	r->wait_pid = le32toh(r->wait_pid);
	r->flags = le32toh(r->flags);
	r->preempt_count = le32toh(r->preempt_count);
	r->threshold_ms = le32toh(r->threshold_ms);
	r->nr_stack = le32toh(r->nr_stack);
	r->frame_size = le32toh(r->frame_size);
	if (!fix_name(r->comm, sizeof(r->comm)) +
	    !fix_name(r->wait_comm, sizeof(r->wait_comm)))
		malf |= KRADAR_MALF_NAME;
	r->rt_priority = le32toh(r->rt_priority);
	if (!phase_ok(r->phase) ||
	    (r->kind != KRADAR_STUCK_SCHED && r->kind != KRADAR_STUCK_IRQS &&
	     r->kind != KRADAR_STUCK_RT))
		malf |= KRADAR_MALF_PHASE;
	return malf | decode_tail_stack(sr->stack, KRADAR_STUCK_STACK,
					&sr->nr_stack_valid, p, size,
					sizeof(*r), r->nr_stack, r->frame_size);
}

static unsigned int decode_stall(struct kradar_rec_gp_stall *r,
				 const unsigned char *p, uint32_t size)
{
	unsigned int malf = 0;

	DECODE(*r, p, size);
	r->phase = le32toh(r->phase);
	r->nr_cpus = le32toh(r->nr_cpus);
	r->gp_seq = le64toh(r->gp_seq);
	r->gp_start_ns = le64toh(r->gp_start_ns);
	r->stall_ns = le64toh(r->stall_ns);
	r->sampler_late_ns = le64toh(r->sampler_late_ns);
	r->kthread_pid = le32toh(r->kthread_pid);
	r->kthread_cpu = le16toh(r->kthread_cpu);
	r->kthread_idle_ns = le64toh(r->kthread_idle_ns);
	r->kthread_comm[KRADAR_COMM_LEN - 1] = '\0';
	if (!r->kthread_pid)
		r->kthread_state = 0;
	else if (!strchr("RSDTtXZPIWK", r->kthread_state) || !r->kthread_state)
		r->kthread_state = '?';
	if (!phase_ok(r->phase))
		malf |= KRADAR_MALF_PHASE;
	if (r->nr_cpus > KRADAR_STALL_CPUS ||
	    size < offsetof(struct kradar_rec_gp_stall, cpus) +
		   (size_t)r->nr_cpus * sizeof(r->cpus[0])) {
		malf |= KRADAR_MALF_ENTRIES;
		r->nr_cpus = 0;
	}
	for (uint32_t i = 0; i < r->nr_cpus; i++)
		r->cpus[i] = le16toh(r->cpus[i]);
	return malf;
}

static int seq_slot_get(struct kradar_decoder *dec, unsigned int cpu,
			struct seq_slot **slot)
{
	if (cpu >= dec->nr_seq) {
		size_t n = dec->nr_seq ? dec->nr_seq : 64;
		struct seq_slot *s;

		while (n <= cpu)
			n *= 2;
		if (n > NR_SEQ_SLOTS)
			n = NR_SEQ_SLOTS;
		s = realloc(dec->seq, n * sizeof(*s));
		if (!s)
			return -ENOMEM;
		memset(s + dec->nr_seq, 0, (n - dec->nr_seq) * sizeof(*s));
		dec->seq = s;
		dec->nr_seq = n;
	}
	*slot = &dec->seq[cpu];
	return 0;
}

static int track_seq(struct kradar_decoder *dec, const struct kradar_record *rec)
{
	struct kradar_loss loss = {
		.offset = rec->offset,
		.cpu = rec->h.cpu,
		.seq = rec->h.seq,
	};
	struct seq_slot *slot;
	uint32_t dist;
	int err;

	err = seq_slot_get(dec, rec->h.cpu, &slot);
	if (err)
		return err;
	if (!slot->valid) {
		slot->valid = 1;
		slot->next = rec->h.seq + 1;
		return 0;
	}
	loss.expected_seq = slot->next;
	dist = rec->h.seq - slot->next;	/* modulo 2^32 */
	slot->next = rec->h.seq + 1;
	if (dist == 0)
		return 0;
	if (dist < 0x80000000U) {
		loss.kind = KRADAR_LOSS_SEQ_GAP;
		loss.records = dist;
		dec->st.seq_gaps++;
		dec->st.seq_lost += dist;
	} else {
		loss.kind = KRADAR_LOSS_SEQ_BACK;
		dec->st.seq_back++;
	}
	return report(dec, &loss);
}

static void hello_session(struct kradar_decoder *dec,
			  const struct kradar_rec_hello *hello, uint16_t flags)
{
	bool reset;

	if (dec->have_session)
		reset = hello->session != dec->session;
	else
		reset = !(flags & KRADAR_RECF_RESENT);
	if (reset && dec->seq)
		memset(dec->seq, 0, dec->nr_seq * sizeof(*dec->seq));
	if (!dec->have_session || hello->session != dec->session)
		dec->st.sessions++;
	dec->have_session = true;
	dec->session = hello->session;
	dec->nr_cpus = hello->nr_cpus;
}

static bool needs_cpu(unsigned int type)
{
	return type == KRADAR_REC_HRTIMER_WINDOW ||
	       type == KRADAR_REC_STORM_BEGIN || type == KRADAR_REC_STORM_END ||
	       type == KRADAR_REC_QS_GAP || type == KRADAR_REC_CPU_STUCK;
}

/*
 * Zero what deliver() wrote for this record beyond the header fields, so
 * that dec->rec is all zero again for the next one: every part a record
 * does not fill reads as zero, as if the whole struct (7 KB, 35 times the
 * mean record) were cleared each time. The counts bound what was written.
 */
static void scrub(struct kradar_record *rec)
{
	switch (rec->h.type) {
	case KRADAR_REC_HELLO:
		memset(&rec->u.hello, 0, sizeof(rec->u.hello));
		break;
	case KRADAR_REC_HEARTBEAT:
		memset(&rec->u.heartbeat, 0, sizeof(rec->u.heartbeat));
		break;
	case KRADAR_REC_HRTIMER_WINDOW: {
		struct kradar_window *w = &rec->window;

		memset(w, 0, offsetof(struct kradar_window, entries) +
		       MIN(w->nr_valid, KRADAR_HRTIMER_MAX_ENTRIES) *
		       sizeof(w->entries[0]));
		break;
	}
	case KRADAR_REC_STORM_BEGIN:
	case KRADAR_REC_STORM_END:
		memset(&rec->u.storm, 0, sizeof(rec->u.storm));
		break;
	case KRADAR_REC_LOST:
		memset(&rec->u.lost, 0, sizeof(rec->u.lost));
		break;
	case KRADAR_REC_QS_GAP: {
		struct kradar_gap *g = &rec->gap;

		memset(g->top, 0, MIN(g->nr_top_valid, KRADAR_GAP_TOP) *
		       sizeof(g->top[0]));
		memset(g->stack, 0, MIN(g->nr_stack_valid, KRADAR_STACK_MAX) *
		       sizeof(g->stack[0]));
		memset(g, 0, offsetof(struct kradar_gap, top));
		break;
	}
	case KRADAR_REC_GP_STALL:
		memset(&rec->u.stall, 0, sizeof(rec->u.stall));
		break;
	case KRADAR_REC_LOCK: {
		struct kradar_lockrec *l = &rec->lock;

		memset(l->waiters, 0,
		       MIN(l->nr_waiters_valid, KRADAR_LOCK_WAITERS) *
		       sizeof(l->waiters[0]));
		memset(l->owner_stack, 0,
		       MIN(l->nr_owner_valid, KRADAR_LOCK_STACK) *
		       sizeof(l->owner_stack[0]));
		memset(l->waiter_stack, 0,
		       MIN(l->nr_waiter_stack_valid, KRADAR_LOCK_STACK) *
		       sizeof(l->waiter_stack[0]));
		memset(l, 0, offsetof(struct kradar_lockrec, waiters));
		break;
	}
	case KRADAR_REC_HUNG: {
		struct kradar_hungrec *hr = &rec->hung;

		memset(hr->stack, 0, MIN(hr->nr_stack_valid, KRADAR_HUNG_STACK) *
		       sizeof(hr->stack[0]));
		memset(hr, 0, offsetof(struct kradar_hungrec, stack));
		break;
	}
	case KRADAR_REC_CPU_STUCK: {
		struct kradar_stuckrec *sr = &rec->stuck;

		memset(sr->stack, 0, MIN(sr->nr_stack_valid, KRADAR_STUCK_STACK) *
		       sizeof(sr->stack[0]));
		memset(sr, 0, offsetof(struct kradar_stuckrec, stack));
		break;
	}
	}
}

/* Fill dec->rec (all zero but for the last header) from p; KRADAR_MALF_* */
static unsigned int decode_record(struct kradar_decoder *dec,
				  const unsigned char *p, uint32_t size)
{
	struct kradar_record *rec = &dec->rec;
	unsigned int malf = 0;

	rec->offset = cur_offset(dec);
	memcpy(&rec->h, p, HDR_SIZE);
	hdr_to_host(&rec->h);
	rec->known = rec->h.type > 0 && rec->h.type < KRADAR_REC_TYPE_MAX;

	switch (rec->h.type) {
	case KRADAR_REC_HELLO:
		malf = decode_hello(&rec->u.hello, p, size);
		break;
	case KRADAR_REC_HEARTBEAT:
		malf = decode_heartbeat(&rec->u.heartbeat, p, size);
		break;
	case KRADAR_REC_HRTIMER_WINDOW:
		malf = decode_window(&rec->window, p, size);
		break;
	case KRADAR_REC_STORM_BEGIN:
	case KRADAR_REC_STORM_END:
		malf = decode_storm(&rec->u.storm, p, size);
		break;
	case KRADAR_REC_LOST:
		malf = decode_lost(&rec->u.lost, p, size);
		break;
	case KRADAR_REC_QS_GAP:
		malf = decode_gap(&rec->gap, p, size);
		break;
	case KRADAR_REC_GP_STALL:
		malf = decode_stall(&rec->u.stall, p, size);
		break;
	case KRADAR_REC_LOCK:
		malf = decode_lock(&rec->lock, p, size);
		break;
	case KRADAR_REC_HUNG:
		malf = decode_hung(&rec->hung, p, size);
		break;
	case KRADAR_REC_CPU_STUCK:
		malf = decode_stuck(&rec->stuck, p, size);
		break;
	}

	if (rec->h.type == KRADAR_REC_HELLO && !(malf & KRADAR_MALF_HELLO))
		hello_session(dec, &rec->u.hello, rec->h.flags);

	if (rec->h.cpu == KRADAR_CPU_NONE) {
		if (needs_cpu(rec->h.type))
			malf |= KRADAR_MALF_CPU;
	} else if (dec->nr_cpus && rec->h.cpu >= dec->nr_cpus) {
		malf |= KRADAR_MALF_CPU;
	}
	rec->malformed = malf;
	return malf;
}

static int account(struct kradar_decoder *dec, const struct kradar_record *rec,
		   uint32_t size)
{
	unsigned int malf = rec->malformed;
	int err;

	dec->st.records++;
	if (rec->known)
		dec->st.by_type[rec->h.type]++;
	else
		dec->st.unknown++;

	/* A record about a CPU that does not exist has no sequence to join */
	if (!(malf & KRADAR_MALF_CPU)) {
		err = track_seq(dec, rec);
		if (err)
			return err;
	}
	if (malf) {
		struct kradar_loss loss = {
			.kind = KRADAR_LOSS_MALFORMED,
			.offset = rec->offset,
			.bytes = size,
			.records = 1,
			.cpu = rec->h.cpu,
			.type = rec->h.type,
			.reason = malf,
		};

		dec->st.malformed++;
		err = report(dec, &loss);
		if (err)
			return err;
	}
	return dec->ops.record(dec->ops.ctx, rec);
}

static int deliver(struct kradar_decoder *dec, const unsigned char *p,
		   uint32_t size)
{
	int err;

	decode_record(dec, p, size);
	err = account(dec, &dec->rec, size);
	scrub(&dec->rec);
	return err;
}

static int truncated(struct kradar_decoder *dec, size_t n)
{
	struct kradar_loss loss = {
		.kind = KRADAR_LOSS_TRUNCATED,
		.offset = cur_offset(dec),
		.bytes = n,
	};
	int err;

	err = close_skip(dec);
	if (err)
		return err;
	dec->st.truncated_bytes += n;
	consume(dec, n);
	return report(dec, &loss);
}

/*
 * A sync word starts an incomplete record at end of input: if a verified
 * record follows inside it, it was garbage; otherwise it is truncated.
 */
static int incomplete_at_eof(struct kradar_decoder *dec,
			     const unsigned char *p, size_t avail)
{
	size_t q = next_record(p, avail);

	if (q) {
		skip(dec, q, KRADAR_SKIP_SHORT);
		return 0;
	}
	return truncated(dec, avail);
}

static int process(struct kradar_decoder *dec, bool eof)
{
	int err;

	dec->want = 0;
	for (;;) {
		const unsigned char *p = dec->data + dec->start;
		size_t avail = dec->end - dec->start;
		uint32_t size;

		if (!avail)
			return 0;
		if (avail < sizeof(sync_bytes)) {
			if (!eof) {
				dec->want = sizeof(sync_bytes) - avail;
				return 0;
			}
			if (memcmp(p, sync_bytes, avail) == 0)
				return truncated(dec, avail);
			/* one byte: a shorter sync prefix may follow */
			skip(dec, 1, KRADAR_SKIP_SYNC);
			continue;
		}
		if (!is_sync(p)) {
			skip(dec, scan_to_sync(p, avail), KRADAR_SKIP_SYNC);
			continue;
		}
		if (avail < HDR_SIZE) {
			if (!eof) {
				dec->want = HDR_SIZE - avail;
				return 0;
			}
			err = incomplete_at_eof(dec, p, avail);
			if (err)
				return err;
			continue;
		}
		size = get_le32(p + SIZE_OFFSET);
		if (!size_ok(size)) {
			skip(dec, 1, KRADAR_SKIP_SIZE);
			continue;
		}
		if (avail < size) {
			if (!eof) {
				dec->want = size - avail;
				return 0;
			}
			err = incomplete_at_eof(dec, p, avail);
			if (err)
				return err;
			continue;
		}
		if (!crc_ok(p, size)) {
			skip(dec, 1, KRADAR_SKIP_CRC);
			continue;
		}
		err = close_skip(dec);
		if (err)
			return err;
		err = deliver(dec, p, size);
		consume(dec, size);
		if (err)
			return err;
	}
}

/* Append len bytes to the pending bytes in dec->buf */
static int append(struct kradar_decoder *dec, const unsigned char *in,
		  size_t len)
{
	size_t pending = dec->end - dec->start;
	size_t need;
	unsigned char *b;

	if (dec->cap - dec->end < len) {
		if (dec->start) {
			memmove(dec->buf, dec->buf + dec->start, pending);
			dec->base += dec->start;
			dec->start = 0;
			dec->end = pending;
		}
		if (__builtin_add_overflow(pending, len, &need))
			return -EOVERFLOW;
		if (need > dec->cap) {
			if (need < 2 * dec->cap)
				need = 2 * dec->cap;
			b = realloc(dec->buf, need);
			if (!b)
				return -ENOMEM;
			dec->buf = b;
			dec->cap = need;
		}
		dec->data = dec->buf;
	}
	memcpy(dec->buf + dec->end, in, len);
	dec->end += len;
	return 0;
}

/*
 * Pushed bytes are decoded where they are; only what is left at the end
 * of a chunk (an incomplete record: < KRADAR_REC_MAX bytes, unless a
 * callback stopped the decoder) is copied, and the next push() appends to
 * it only the bytes that record still lacks before going on in place.
 * The decoder's results do not depend on how the stream is cut, so this
 * gives what decoding one copy of the whole stream would.
 */
int kradar_decoder__push(struct kradar_decoder *dec, const void *buf,
			 size_t len)
{
	const unsigned char *in = buf;
	size_t left;
	int err = 0;

	if (dec->finished)
		return -EINVAL;
	if (!len)
		return 0;
	dec->st.bytes += len;

	/* Complete what is pending, appending no more than it waits for */
	while (dec->start < dec->end && len) {
		size_t n = dec->want && dec->want < len ? dec->want : len;

		err = append(dec, in, n);
		if (err)
			return err;
		in += n;
		len -= n;
		err = process(dec, false);
		if (err) {
			/* keep the rest for a later push(), as if appended */
			int e = append(dec, in, len);

			return e ? e : err;
		}
	}
	if (dec->start == dec->end) {
		dec->base += dec->end;
		dec->start = dec->end = 0;
	}
	if (!len)
		return 0;

	/* The rest of the chunk in place; keep what it leaves */
	dec->data = in;
	dec->end = len;
	err = process(dec, false);
	left = dec->end - dec->start;
	dec->base += dec->start;
	dec->data = dec->buf;
	dec->start = dec->end = 0;
	if (left) {
		int e = append(dec, in + (len - left), left);

		if (e)
			return e;
	}
	return err;
}

int kradar_decoder__finish(struct kradar_decoder *dec)
{
	int err;

	if (dec->finished)
		return -EINVAL;
	dec->finished = true;
	err = process(dec, true);
	if (err)
		return err;
	return close_skip(dec);
}

/*
 * Resuming: a collector that starts after another one stopped (the host
 * side of the port was closed meanwhile) decodes the earlier collector's
 * saved stream into @prev, then continues its sequences here, so the
 * records sent while nobody read show as SEQ_GAP on the first records of
 * that session. Only the session, nr_cpus and sequence slots are copied;
 * a HELLO of another session resets them as for any new session.
 */
int kradar_decoder__resume(struct kradar_decoder *dec,
			   const struct kradar_decoder *prev)
{
	struct seq_slot *s = NULL;

	if (dec->st.bytes || dec->finished)
		return -EBUSY;
	if (!prev->have_session)
		return -EINVAL;
	if (prev->nr_seq) {
		s = malloc(prev->nr_seq * sizeof(*s));
		if (!s)
			return -ENOMEM;
		memcpy(s, prev->seq, prev->nr_seq * sizeof(*s));
	}
	free(dec->seq);
	dec->seq = s;
	dec->nr_seq = prev->nr_seq;
	dec->have_session = true;
	dec->session = prev->session;
	dec->nr_cpus = prev->nr_cpus;
	return 0;
}
