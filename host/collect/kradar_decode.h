/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * kradar stream decoder: turns the byte stream of kradar_probe.ko
 * (include/kradar_wire.h) into validated, host-order records.
 *
 * Push API: kradar_decoder__push() takes byte chunks split anywhere (one
 * byte at a time works); ops->record is called once per record whose sync,
 * size and CRC verify, ops->loss once per thing the decoder had to throw
 * away or could not see (skipped bytes, sequence gaps, truncation,
 * malformed fields). kradar_decoder__finish() ends the stream. Callbacks
 * run inside push()/finish() and must not call them on the same decoder.
 *
 * The decoder never prints and never exits: functions return 0 or a
 * negative errno, kradar_decoder__new() returns NULL and sets errno.
 * Memory use is bounded: the pending bytes (an incomplete record,
 * < KRADAR_REC_MAX, or the rest of a chunk after a callback stopped
 * push()) and one sequence slot per CPU number seen (at most 65536).
 * Pushed bytes are decoded in place; nothing keeps a pointer to them.
 */
#ifndef _KRADAR_DECODE_H
#define _KRADAR_DECODE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "kradar_wire.h"

/* kradar_record.malformed: fields out of range, handled but not trusted */
#define KRADAR_MALF_CPU		0x0001	/* cpu >= HELLO.nr_cpus, or CPU_NONE
					   where a CPU is required */
#define KRADAR_MALF_ENTRIES	0x0002	/* nr_entries > max or > record size */
#define KRADAR_MALF_NAME	0x0004	/* a name is not NUL-terminated */
#define KRADAR_MALF_HELLO	0x0008	/* bad magic, hdr_size or nr_cpus */
#define KRADAR_MALF_WINDOW	0x0010	/* end_ns <= start_ns */
#define KRADAR_MALF_COUNT	0x0020	/* late > count, or listed > events */
#define KRADAR_MALF_PHASE	0x0040	/* phase not BEGIN, UPDATE or END */
#define KRADAR_MALF_VHOST	0x0080	/* LOCK: vhost fields impossible
					   (dropped, flags cleared) */

/* Host-order window: bounded by nr_entries AND the record size. */
struct kradar_window {
	uint64_t start_ns;
	uint64_t end_ns;
	uint64_t events;
	uint64_t unlisted;
	uint32_t nr_entries;	/* as sent (untrusted) */
	uint32_t nr_valid;	/* entries[] actually decoded */
	struct kradar_hrtimer_entry entries[KRADAR_HRTIMER_MAX_ENTRIES];
};

/* Host-order QS_GAP: the fixed part, then its arrays, bounded. */
struct kradar_gap {
	struct kradar_rec_qs_gap r;	/* fixed part; nr_* as sent */
	uint32_t nr_top_valid;
	uint32_t nr_stack_valid;
	struct kradar_gap_hrtimer top[KRADAR_GAP_TOP];
	struct kradar_frame stack[KRADAR_STACK_MAX];
};

/* Host-order LOCK: the fixed part, then its arrays, bounded. */
struct kradar_lockrec {
	struct kradar_rec_lock r;	/* fixed part; nr_* as sent */
	uint32_t nr_waiters_valid;
	uint32_t nr_owner_valid;
	uint32_t nr_waiter_stack_valid;
	struct kradar_lock_waiter waiters[KRADAR_LOCK_WAITERS];
	struct kradar_frame owner_stack[KRADAR_LOCK_STACK];
	struct kradar_frame waiter_stack[KRADAR_LOCK_STACK];
};

/* Host-order HUNG: the fixed part, then its stack, bounded. */
struct kradar_hungrec {
	struct kradar_rec_hung r;	/* fixed part; nr_stack as sent */
	uint32_t nr_stack_valid;
	struct kradar_frame stack[KRADAR_HUNG_STACK];
};

/* Host-order CPU_STUCK: the fixed part, then its stack, bounded. */
struct kradar_stuckrec {
	struct kradar_rec_cpu_stuck r;	/* fixed part; nr_stack as sent */
	uint32_t nr_stack_valid;
	struct kradar_frame stack[KRADAR_STUCK_STACK];
};

/*
 * One verified record. The wire structs are reused as host-order
 * containers: every field has been converted with leXXtoh(), names are
 * NUL-terminated, fields beyond the received size are zero.
 */
struct kradar_record {
	uint64_t offset;	/* stream offset of the sync word */
	struct kradar_rec_hdr h;	/* host order */
	unsigned int malformed;	/* KRADAR_MALF_* */
	bool known;		/* type < KRADAR_REC_TYPE_MAX */
	union {
		struct kradar_rec_hello hello;
		struct kradar_rec_heartbeat heartbeat;
		struct kradar_rec_storm storm;	/* BEGIN and END */
		struct kradar_rec_lost lost;
		struct kradar_rec_gp_stall stall;	/* nr_cpus bounded */
	} u;
	struct kradar_window window;	/* HRTIMER_WINDOW only */
	struct kradar_gap gap;		/* QS_GAP only */
	struct kradar_lockrec lock;	/* LOCK only */
	struct kradar_hungrec hung;	/* HUNG only */
	struct kradar_stuckrec stuck;	/* CPU_STUCK only */
};

enum kradar_loss_kind {
	KRADAR_LOSS_SKIPPED = 1,	/* bytes skipped to resynchronise */
	KRADAR_LOSS_SEQ_GAP,		/* records missing in a sequence */
	KRADAR_LOSS_TRUNCATED,		/* partial record at end of input */
	KRADAR_LOSS_MALFORMED,		/* verified record, fields out of range */
	KRADAR_LOSS_SEQ_BACK,		/* sequence went backwards, same session */
};

/* Why bytes were skipped: the first check that failed at the run's start */
enum kradar_skip_reason {
	KRADAR_SKIP_SYNC = 1,	/* no sync word */
	KRADAR_SKIP_SIZE,	/* size < 32, > KRADAR_REC_MAX or not % 8 */
	KRADAR_SKIP_CRC,	/* CRC mismatch */
	KRADAR_SKIP_SHORT,	/* incomplete record followed by a valid one
				   at end of input */
};

struct kradar_loss {
	enum kradar_loss_kind kind;
	uint64_t offset;	/* stream offset where it happened */
	uint64_t bytes;		/* SKIPPED, TRUNCATED, MALFORMED: record bytes */
	uint64_t records;	/* SEQ_GAP: missing records; MALFORMED: 1 */
	uint32_t expected_seq;	/* SEQ_GAP, SEQ_BACK */
	uint32_t seq;		/* SEQ_GAP, SEQ_BACK: the seq received */
	uint16_t cpu;		/* SEQ_*, MALFORMED */
	uint16_t type;		/* MALFORMED: record type */
	unsigned int reason;	/* SKIPPED: kradar_skip_reason; MALFORMED:
				   KRADAR_MALF_* */
};

struct kradar_decoder_stats {
	uint64_t bytes;			/* pushed */
	uint64_t records;		/* delivered, all types */
	uint64_t by_type[KRADAR_REC_TYPE_MAX];
	uint64_t unknown;		/* verified records of unknown type */
	uint64_t skipped_bytes;
	uint64_t resyncs;		/* runs of skipped bytes */
	uint64_t seq_gaps;		/* gap events */
	uint64_t seq_lost;		/* records missing per sequence numbers */
	uint64_t seq_back;		/* sequence restarts without new session */
	uint64_t truncated_bytes;
	uint64_t malformed;		/* records with KRADAR_MALF_* set */
	uint64_t sessions;		/* distinct sessions seen */
};

struct kradar_decoder_ops {
	/* Return 0 to go on, negative errno to stop push() with that error. */
	int (*record)(void *ctx, const struct kradar_record *rec);
	int (*loss)(void *ctx, const struct kradar_loss *loss);
	void *ctx;
};

struct kradar_decoder;

struct kradar_decoder *kradar_decoder__new(const struct kradar_decoder_ops *ops);
void kradar_decoder__free(struct kradar_decoder *dec);
int kradar_decoder__push(struct kradar_decoder *dec, const void *buf,
			 size_t len);
/* End of input: reports a trailing partial record; push() is refused after */
int kradar_decoder__finish(struct kradar_decoder *dec);
const struct kradar_decoder_stats *
kradar_decoder__stats(const struct kradar_decoder *dec);
/* Session from the last HELLO (0 before any), its nr_cpus (0 = unknown) */
uint64_t kradar_decoder__session(const struct kradar_decoder *dec);
unsigned int kradar_decoder__nr_cpus(const struct kradar_decoder *dec);
/*
 * The sequence number expected next for records of @cpu (KRADAR_CPU_NONE:
 * the global one) in the current session; false before any such record.
 * Records before it were received or counted lost.
 */
bool kradar_decoder__next_seq(const struct kradar_decoder *dec, uint16_t cpu,
			      uint32_t *next);
/*
 * Continue where @prev, a decoder of the same stream up to this point,
 * stopped: its session, nr_cpus and next sequence numbers, so records of
 * that session missing in between count as SEQ_GAP here (a collector
 * resuming after another). Before the first push() only (-EBUSY);
 * -EINVAL when @prev saw no HELLO; -ENOMEM.
 */
int kradar_decoder__resume(struct kradar_decoder *dec,
			   const struct kradar_decoder *prev);

const char *kradar_rec_type_name(unsigned int type);
const char *kradar_lost_cause_name(unsigned int cause);
const char *kradar_loss_kind_name(enum kradar_loss_kind kind);
const char *kradar_skip_reason_name(unsigned int reason);
/* Writes "cpu,entries" style comma list of KRADAR_MALF_* names into buf */
const char *kradar_malformed_str(unsigned int malf, char *buf, size_t len);

#endif /* _KRADAR_DECODE_H */
