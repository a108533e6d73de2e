/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar console dump reader: recovers the records kradar_probe.ko prints
 * to the serial console from its panic notifier ("kradar-dump:" lines,
 * Documentation/wire-format.rst, "Console dump").
 *
 * Lines are fed one at a time from a serial log (kcd__line(), or
 * kcd__read_file()); every line carries a CRC-32 of its text, and a line
 * that fails it or does not parse is counted as rejected and never used.
 * Data lines carry the session and the byte offset of their bytes in the
 * dump, so lines may come interleaved with other console output, in any
 * order, duplicated, or with some missing. kcd__deliver() then cuts each
 * dump into runs of bytes that verified, decodes each run with the stream
 * decoder (kradar_decode.h), and hands over every record the sink has not
 * seen yet, as raw wire bytes, in dump order.
 *
 * Nothing is trusted: offsets and sizes are bounded (KCD_MAX_BYTES per
 * dump, KCD_MAX_DUMPS dumps), memory grows only with verified lines.
 * Functions return 0 or a negative errno; kcd__new() NULL with errno.
 */
#ifndef _KRADAR_CONSOLE_DUMP_H
#define _KRADAR_CONSOLE_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KCD_MARK	"kradar-dump: "
#define KCD_VERSION	1
#define KCD_CHUNK_MAX	192	/* record bytes per data line, at most */
#define KCD_MAX_BYTES	(1U << 20)	/* bytes per dump kept, at most */
#define KCD_MAX_DUMPS	16	/* dumps (sessions) kept per log */
#define KCD_LINE_MAX	4096	/* longer serial lines are not dump lines */

/* Why a line was rejected */
enum kcd_reject {
	KCD_REJ_CRC = 0,	/* checksum missing or wrong: cut or corrupt */
	KCD_REJ_SYNTAX,		/* checksum right, fields wrong */
	KCD_REJ_RANGE,		/* offset or size beyond KCD_MAX_BYTES */
	KCD_REJ_CONFLICT,	/* same bytes offered twice, differently */
	KCD_REJ_TOO_MANY,	/* more than KCD_MAX_DUMPS sessions */
	KCD_REJ_VERSION,	/* begin line of a dump version not known */
	KCD_REJ_MAX,
};

struct kcd_stats {
	uint64_t lines;			/* lines with the mark */
	uint64_t lines_ok;		/* verified and used */
	uint64_t lines_dup;		/* verified, same as one before */
	uint64_t rejected;		/* sum of by_reason[] */
	uint64_t by_reason[KCD_REJ_MAX];
	uint64_t dumps;			/* sessions with a verified line */
	uint64_t dumps_complete;	/* begin, end and all bytes verified */
	uint64_t bytes;			/* record bytes verified */
	uint64_t bytes_missing;		/* announced by end lines, not verified */
	uint64_t records;		/* records decoded from the dumps */
	uint64_t records_new;		/* handed to the sink */
	uint64_t records_seen;		/* the sink had them already */
	uint64_t bad_bytes;		/* verified bytes that were no record */
	uint64_t guest_skipped;		/* records the guest left out (end) */
	uint64_t guest_torn;		/* buffer bytes it found torn (end) */
	uint64_t guest_ns;		/* longest dump time the guest took */
};

struct kcd_sink {
	/* true: the stream delivered this record already */
	bool (*seen)(void *ctx, uint64_t session, uint16_t cpu, uint32_t seq);
	/* one verified, new record: @len wire bytes; 0 or negative errno */
	int (*push)(void *ctx, uint64_t session, const void *rec, size_t len);
	void *ctx;
};

struct kcd;

struct kcd *kcd__new(void);
void kcd__free(struct kcd *k);
/* One line of console output, without or with its newline */
int kcd__line(struct kcd *k, const char *line, size_t len);
/* Every line of a file (a serial log); -errno on a read error */
int kcd__read_file(struct kcd *k, FILE *f);
/* Decode all dumps and push the records the sink has not seen */
int kcd__deliver(struct kcd *k, const struct kcd_sink *sink);
const struct kcd_stats *kcd__stats(const struct kcd *k);
const char *kcd_reject_name(unsigned int reason);
struct jw;
/* The stats as fields of an open JSON object (the console_dump event) */
void kcd__write_json(const struct kcd *k, struct jw *j);

#endif /* _KRADAR_CONSOLE_DUMP_H */
