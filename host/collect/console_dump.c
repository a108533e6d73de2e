// SPDX-License-Identifier: GPL-2.0
/*
 * kradar console dump reader (console_dump.h).
 *
 * A dump line is "... kradar-dump: TEXT CRC" anywhere in a console line
 * (a printk timestamp and the module's prefix come before the mark). CRC
 * is 8 lower-case hex digits, the CRC-32 (zlib) of TEXT; TEXT is one of
 *
 *   begin SESSION VERSION CPU LIMIT
 *   d SESSION OFFSET BASE64
 *   end SESSION BYTES LINES RECORDS SKIPPED TORN NS
 *
 * SESSION is 16 lower-case hex digits, numbers are unsigned decimal and
 * BASE64 is RFC 4648 with padding, 1..KCD_CHUNK_MAX bytes. Each dump is
 * kept as a byte array with a map of the bytes that verified; a byte
 * offered twice must be the same both times (else the second line is a
 * conflict and rejected).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "console_dump.h"
#include "hex.h"
#include "json.h"
#include "kradar_decode.h"

#pragma GCC poison u8 u16 u32 u64

struct kcd_dump {
	uint64_t session;
	unsigned char *buf;
	unsigned char *valid;	/* 1 per verified byte */
	size_t cap;		/* allocated */
	size_t hi;		/* end of the highest verified line */
	bool have_begin, have_end;
	uint64_t end_bytes, end_lines, end_records;
	uint64_t lines_ok;
};

struct kcd {
	struct kcd_stats st;
	struct kcd_dump dumps[KCD_MAX_DUMPS];
	unsigned int nr_dumps;
};

static const char *const reject_names[KCD_REJ_MAX] = {
	[KCD_REJ_CRC] = "checksum",
	[KCD_REJ_SYNTAX] = "syntax",
	[KCD_REJ_RANGE] = "range",
	[KCD_REJ_CONFLICT] = "conflict",
	[KCD_REJ_TOO_MANY] = "too_many_dumps",
	[KCD_REJ_VERSION] = "version",
};

const char *kcd_reject_name(unsigned int reason)
{
	return reason < KCD_REJ_MAX ? reject_names[reason] : "unknown";
}

struct kcd *kcd__new(void)
{
	struct kcd *k = calloc(1, sizeof(*k));

	if (!k)
		errno = ENOMEM;
	return k;
}

void kcd__free(struct kcd *k)
{
	if (!k)
		return;
	for (unsigned int i = 0; i < k->nr_dumps; i++) {
		free(k->dumps[i].buf);
		free(k->dumps[i].valid);
	}
	free(k);
}

const struct kcd_stats *kcd__stats(const struct kcd *k)
{
	return &k->st;
}

static int reject(struct kcd *k, enum kcd_reject why)
{
	k->st.rejected++;
	k->st.by_reason[why]++;
	return 0;
}

/* Exactly @n lower-case hex digits */
static bool parse_hex(const char *s, size_t len, size_t n, uint64_t *v)
{
	uint64_t x = 0;

	if (len != n)
		return false;
	for (size_t i = 0; i < len; i++) {
		int d = s[i] >= 'A' && s[i] <= 'F' ? -1 : kradar_hexval(s[i]);

		if (d < 0)
			return false;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return true;
}

/* Unsigned decimal, no sign, no leading zeros but "0", fits 64 bits */
static bool parse_u64(const char *s, size_t len, uint64_t *v)
{
	uint64_t x = 0;

	if (!len || len > 20 || (len > 1 && s[0] == '0'))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (x > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
			return false;
		x = x * 10 + (uint64_t)(s[i] - '0');
	}
	*v = x;
	return true;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Strict RFC 4648 with padding into @out (room for len / 4 * 3); -1 bad */
static long b64_decode(const char *s, size_t len, unsigned char *out)
{
	size_t o = 0;

	if (!len || len % 4)
		return -1;
	for (size_t i = 0; i < len; i += 4) {
		bool last = i + 4 == len;
		int a = b64val(s[i]), b = b64val(s[i + 1]);
		int c = b64val(s[i + 2]), d = b64val(s[i + 3]);
		unsigned int v;

		if (a < 0 || b < 0)
			return -1;
		if (last && s[i + 2] == '=' && s[i + 3] == '=') {
			if (b & 15)
				return -1;	/* non-canonical */
			out[o++] = (unsigned char)(a << 2 | b >> 4);
			break;
		}
		if (c < 0)
			return -1;
		if (last && s[i + 3] == '=') {
			if (c & 3)
				return -1;
			v = (unsigned int)(a << 18 | b << 12 | c << 6);
			out[o++] = (unsigned char)(v >> 16);
			out[o++] = (unsigned char)(v >> 8);
			break;
		}
		if (d < 0)
			return -1;
		v = (unsigned int)(a << 18 | b << 12 | c << 6 | d);
		out[o++] = (unsigned char)(v >> 16);
		out[o++] = (unsigned char)(v >> 8);
		out[o++] = (unsigned char)v;
	}
	return (long)o;
}

#define MAX_FIELDS 9

struct fields {
	const char *p[MAX_FIELDS];
	size_t len[MAX_FIELDS];
	unsigned int n;
};

/* Split on single spaces; false if more than MAX_FIELDS or empty fields */
static bool split(const char *s, size_t len, struct fields *f)
{
	size_t start = 0;

	f->n = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ' ')
			continue;
		if (i == start || f->n == MAX_FIELDS)
			return false;
		f->p[f->n] = s + start;
		f->len[f->n] = i - start;
		f->n++;
		start = i + 1;
	}
	return true;
}

static struct kcd_dump *find_dump(struct kcd *k, uint64_t session, bool add)
{
	struct kcd_dump *d;

	for (unsigned int i = 0; i < k->nr_dumps; i++)
		if (k->dumps[i].session == session)
			return &k->dumps[i];
	if (!add || k->nr_dumps == KCD_MAX_DUMPS)
		return NULL;
	d = &k->dumps[k->nr_dumps++];
	memset(d, 0, sizeof(*d));
	d->session = session;
	k->st.dumps++;
	return d;
}

static int grow(struct kcd_dump *d, size_t need)
{
	size_t cap = d->cap ? d->cap : 4096;
	unsigned char *b, *v;

	if (need <= d->cap)
		return 0;
	while (cap < need)
		cap *= 2;
	if (cap > KCD_MAX_BYTES)
		cap = KCD_MAX_BYTES;
	b = realloc(d->buf, cap);
	if (!b)
		return -ENOMEM;
	d->buf = b;
	v = realloc(d->valid, cap);
	if (!v)
		return -ENOMEM;
	memset(v + d->cap, 0, cap - d->cap);
	d->valid = v;
	d->cap = cap;
	return 0;
}

static int data_line(struct kcd *k, uint64_t session, const struct fields *f)
{
	unsigned char bytes[KCD_CHUNK_MAX + 3];
	struct kcd_dump *d;
	uint64_t off;
	bool same = true;
	long n;
	int err;

	if (f->n != 4 || !parse_u64(f->p[2], f->len[2], &off) ||
	    f->len[3] > (KCD_CHUNK_MAX + 2) / 3 * 4)
		return reject(k, KCD_REJ_SYNTAX);
	n = b64_decode(f->p[3], f->len[3], bytes);
	if (n <= 0 || n > KCD_CHUNK_MAX)
		return reject(k, KCD_REJ_SYNTAX);
	if (off > KCD_MAX_BYTES || (uint64_t)n > KCD_MAX_BYTES - off)
		return reject(k, KCD_REJ_RANGE);
	d = find_dump(k, session, true);
	if (!d)
		return reject(k, KCD_REJ_TOO_MANY);
	err = grow(d, off + (size_t)n);
	if (err)
		return err;
	for (long i = 0; i < n; i++)
		if (d->valid[off + i] && d->buf[off + i] != bytes[i])
			return reject(k, KCD_REJ_CONFLICT);
	for (long i = 0; i < n; i++) {
		if (!d->valid[off + i]) {
			same = false;
			d->buf[off + i] = bytes[i];
			d->valid[off + i] = 1;
			k->st.bytes++;
		}
	}
	if (same) {
		k->st.lines_dup++;
		return 0;
	}
	if (off + (size_t)n > d->hi)
		d->hi = off + (size_t)n;
	d->lines_ok++;
	k->st.lines_ok++;
	return 0;
}

static int begin_line(struct kcd *k, uint64_t session, const struct fields *f)
{
	uint64_t ver, cpu, limit;
	struct kcd_dump *d;

	if (f->n != 5 || !parse_u64(f->p[2], f->len[2], &ver) ||
	    !parse_u64(f->p[3], f->len[3], &cpu) ||
	    !parse_u64(f->p[4], f->len[4], &limit))
		return reject(k, KCD_REJ_SYNTAX);
	if (ver != KCD_VERSION)
		return reject(k, KCD_REJ_VERSION);
	d = find_dump(k, session, true);
	if (!d)
		return reject(k, KCD_REJ_TOO_MANY);
	if (d->have_begin) {
		k->st.lines_dup++;
		return 0;
	}
	d->have_begin = true;
	d->lines_ok++;
	k->st.lines_ok++;
	return 0;
}

static int end_line(struct kcd *k, uint64_t session, const struct fields *f)
{
	uint64_t v[6];
	struct kcd_dump *d;

	if (f->n != 8)
		return reject(k, KCD_REJ_SYNTAX);
	for (unsigned int i = 0; i < 6; i++)
		if (!parse_u64(f->p[i + 2], f->len[i + 2], &v[i]))
			return reject(k, KCD_REJ_SYNTAX);
	if (v[0] > KCD_MAX_BYTES)
		return reject(k, KCD_REJ_RANGE);
	d = find_dump(k, session, true);
	if (!d)
		return reject(k, KCD_REJ_TOO_MANY);
	if (d->have_end) {
		k->st.lines_dup++;
		return 0;
	}
	d->have_end = true;
	d->end_bytes = v[0];
	d->end_lines = v[1];
	d->end_records = v[2];
	k->st.guest_skipped += v[3];
	k->st.guest_torn += v[4];
	if (v[5] > k->st.guest_ns)
		k->st.guest_ns = v[5];
	d->lines_ok++;
	k->st.lines_ok++;
	return 0;
}

int kcd__line(struct kcd *k, const char *line, size_t len)
{
	const size_t mlen = sizeof(KCD_MARK) - 1;
	const char *m, *text;
	struct fields f;
	uint64_t crc, session;
	size_t tlen;

	m = memmem(line, len, KCD_MARK, mlen);
	if (!m)
		return 0;
	k->st.lines++;
	text = m + mlen;
	tlen = len - (size_t)(text - line);
	while (tlen && (text[tlen - 1] == '\n' || text[tlen - 1] == '\r'))
		tlen--;
	/* "TEXT CRC": the CRC is the last 8 characters after a space */
	if (tlen < 10 || text[tlen - 9] != ' ' ||
	    !parse_hex(text + tlen - 8, 8, 8, &crc))
		return reject(k, KCD_REJ_CRC);
	tlen -= 9;
	if (crc32(crc32(0L, Z_NULL, 0), (const Bytef *)text, (uInt)tlen) != crc)
		return reject(k, KCD_REJ_CRC);
	if (!split(text, tlen, &f) || f.n < 2 ||
	    !parse_hex(f.p[1], f.len[1], 16, &session))
		return reject(k, KCD_REJ_SYNTAX);
	if (f.len[0] == 1 && f.p[0][0] == 'd')
		return data_line(k, session, &f);
	if (f.len[0] == 5 && !memcmp(f.p[0], "begin", 5))
		return begin_line(k, session, &f);
	if (f.len[0] == 3 && !memcmp(f.p[0], "end", 3))
		return end_line(k, session, &f);
	return reject(k, KCD_REJ_SYNTAX);
}

int kcd__read_file(struct kcd *k, FILE *f)
{
	char buf[KCD_LINE_MAX];
	bool cut = false;	/* the rest of an over-long line */

	while (fgets(buf, sizeof(buf), f)) {
		size_t len = strlen(buf);
		bool whole = len && buf[len - 1] == '\n';
		int err;

		if (!cut && whole) {
			err = kcd__line(k, buf, len);
			if (err)
				return err;
		} else if (!cut && feof(f)) {
			/* last line without a newline: maybe cut, the CRC says */
			err = kcd__line(k, buf, len);
			if (err)
				return err;
		} else if (!cut && memmem(buf, len, KCD_MARK,
					  sizeof(KCD_MARK) - 1)) {
			/* over-long: no dump line is this long */
			k->st.lines++;
			reject(k, KCD_REJ_SYNTAX);
		}
		cut = !whole;
	}
	return ferror(f) ? -EIO : 0;
}

/* A record found in a run of verified bytes */
struct found {
	size_t off;	/* in the dump */
	uint32_t size;
	uint16_t cpu;
	uint32_t seq;
};

struct scan {
	struct kcd *k;
	size_t base;
	struct found *v;
	size_t n, cap;
	int err;
};

static int scan_record(void *ctx, const struct kradar_record *rec)
{
	struct scan *s = ctx;

	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct found *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct found){
		.off = s->base + rec->offset,
		.size = rec->h.size,
		.cpu = rec->h.cpu,
		.seq = rec->h.seq,
	};
	return 0;
}

static int scan_loss(void *ctx, const struct kradar_loss *loss)
{
	struct scan *s = ctx;

	if (loss->kind == KRADAR_LOSS_SKIPPED ||
	    loss->kind == KRADAR_LOSS_TRUNCATED)
		s->k->st.bad_bytes += loss->bytes;
	return 0;
}

/* Decode one run of verified bytes; the records go to s->v */
static int scan_run(struct scan *s, const unsigned char *p, size_t len)
{
	struct kradar_decoder_ops ops = {
		.record = scan_record,
		.loss = scan_loss,
		.ctx = s,
	};
	struct kradar_decoder *dec = kradar_decoder__new(&ops);
	int err;

	if (!dec)
		return -errno;
	err = kradar_decoder__push(dec, p, len);
	if (!err)
		err = kradar_decoder__finish(dec);
	kradar_decoder__free(dec);
	return err;
}

static int deliver_dump(struct kcd *k, struct kcd_dump *d,
			const struct kcd_sink *sink)
{
	struct scan s = { .k = k };
	size_t i = 0, have = 0;
	int err = 0;

	while (i < d->hi) {
		size_t j;

		if (!d->valid[i]) {
			i++;
			continue;
		}
		for (j = i; j < d->hi && d->valid[j]; j++)
			;
		have += j - i;
		s.base = i;
		err = scan_run(&s, d->buf + i, j - i);
		if (err)
			goto out;
		i = j;
	}
	if (d->have_end && d->end_bytes > have)
		k->st.bytes_missing += d->end_bytes - have;
	if (d->have_begin && d->have_end && have == d->end_bytes &&
	    d->hi == d->end_bytes && d->lines_ok == d->end_lines)
		k->st.dumps_complete++;
	k->st.records += s.n;
	for (i = 0; i < s.n; i++) {
		const struct found *r = &s.v[i];

		if (sink->seen && sink->seen(sink->ctx, d->session, r->cpu,
					     r->seq)) {
			k->st.records_seen++;
			continue;
		}
		k->st.records_new++;
		err = sink->push(sink->ctx, d->session, d->buf + r->off,
				 r->size);
		if (err)
			break;
	}
out:
	free(s.v);
	return err;
}

int kcd__deliver(struct kcd *k, const struct kcd_sink *sink)
{
	for (unsigned int i = 0; i < k->nr_dumps; i++) {
		int err = deliver_dump(k, &k->dumps[i], sink);

		if (err)
			return err;
	}
	return 0;
}

void kcd__write_json(const struct kcd *k, struct jw *j)
{
	const struct kcd_stats *st = &k->st;

	jw_u64(j, "lines", st->lines);
	jw_u64(j, "lines_ok", st->lines_ok);
	jw_u64(j, "lines_duplicate", st->lines_dup);
	jw_u64(j, "lines_rejected", st->rejected);
	jw_obj(j, "rejected_by");
	for (unsigned int i = 0; i < KCD_REJ_MAX; i++)
		jw_u64(j, reject_names[i], st->by_reason[i]);
	jw_obj_end(j);
	jw_u64(j, "dumps", st->dumps);
	jw_u64(j, "dumps_complete", st->dumps_complete);
	jw_u64(j, "bytes", st->bytes);
	jw_u64(j, "bytes_missing", st->bytes_missing);
	jw_u64(j, "records", st->records);
	jw_u64(j, "records_recovered", st->records_new);
	jw_u64(j, "records_already_received", st->records_seen);
	jw_u64(j, "bad_bytes", st->bad_bytes);
	jw_u64(j, "guest_left_out", st->guest_skipped);
	jw_u64(j, "guest_torn_bytes", st->guest_torn);
	jw_u64(j, "guest_dump_ns", st->guest_ns);
}
