// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_serial: streaming kernel console log parser (see kradar_serial.h).
 *
 * Design. Bytes are split into lines in one pass. Each line is cleaned
 * (NUL bytes, ANSI escape sequences and \r dropped; cut at
 * KRADAR_SERIAL_MAX_LINE), its printk prefix read the way syzkaller reads it
 * (optional "** N printk messages dropped **", "... login: ", "<N>", then
 * "[ sec.usec]" and an optional "[ Tpid]"/"[ Ccpu]" caller id: the
 * "context"), and a literal prefilter decides whether it can be anything
 * interesting. Interesting lines are matched against the event rules and
 * syzkaller's oops headers.
 *
 * An oops line opens a report collector, the streaming form of syzkaller's
 * findReport(): the collector takes the following lines of the same
 * context (other CPUs' lines too once "Sending NMI from CPU" starts an
 * all-CPU backtrace), drops questionable " ? " frames, stops its title
 * text at the next report when the log has no caller ids, and skips the
 * panic_on_warn tail. Several collectors run at once (each oops line
 * starts one, as syzkaller's ParseAll() does), at most
 * KS_MAX_OPEN_COLLECTORS; each is closed when it hits its size limit, when
 * its title text is final, or at the end of input, and then gets its
 * title from serial_titles.c.
 *
 * Cost: O(bytes) with a small constant for ordinary lines: one SIMD pass
 * (the literal scanner below) finds line ends and prefilter literals
 * together, and a line with none of them, outside any open report's
 * context, is only counted and its timestamp read, without being copied.
 * Memory is bounded by the limits in kradar_serial.h (a few MB at most),
 * whatever the input.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serial_internal.h"

#define KS_MAX_OPEN_COLLECTORS	16	/* reports being collected at once */
#define KS_LINES_AFTER_FINAL	256	/* lines kept after the title text is final */
#define KS_STALL_DETAIL_LINES	50	/* "t=N jiffies" looked for this far */

enum ctx_kind { CTX_NONE, CTX_CONSOLE, CTX_CALLER };

struct ctx {
	enum ctx_kind kind;
	char caller[16];	/* the bracket, e.g. "[  T123]" */
};

struct line {
	char *raw;		/* cleaned line, NUL-terminated */
	size_t raw_len;
	const char *text;	/* prefix stripped */
	size_t text_len;
	bool questionable;
	struct ctx ctx;
	struct kradar_serial_pos pos;
	int oops;		/* first matching oops, or -1 */
	uint64_t lits;		/* KS_LIT_* bits of raw */
};

struct collector {
	bool open;
	size_t slot;		/* index in p->reports */
	int oops;
	struct ctx ctx;
	char *buf;
	size_t len, cap, report_end;
	bool second;		/* syzkaller's secondReportPos != 0 */
	bool cpu_traceback, skip_text;
	int text_lines, min_lines;
	uint64_t open_line;	/* line number of the opening line */
	uint64_t second_line;	/* line that made second true */
	uint64_t last_line;
	uint64_t seq;		/* opening order, to close the oldest */
};

struct kradar_serial {
	char *lbuf;		/* current line being assembled */
	size_t llen;
	bool lcut;
	uint64_t line_offset;	/* stream offset of the current line */
	struct kradar_serial_stats st;
	struct kradar_serial_event *events;
	size_t nr_events, cap_events;
	struct kradar_serial_report *reports;
	size_t nr_reports, cap_reports;
	struct collector col[KS_MAX_OPEN_COLLECTORS];
	size_t nr_open;		/* collectors open */
	uint64_t col_seq;
	/*
	 * What the short path (plain_line()) needs to know about the open
	 * collectors, rebuilt by want_refresh() when want_dirty: which line
	 * contexts one of them takes, and the first line at which one of
	 * them may close by itself.
	 */
	bool want_dirty;
	bool want_none, want_console, want_cpu;
	size_t nr_want_callers;
	char want_callers[KS_MAX_OPEN_COLLECTORS][16];
	uint64_t want_deadline;
	size_t mem;		/* bytes currently held */
	bool finished;
};

static void mem_add(struct kradar_serial *p, long delta)
{
	p->mem = (size_t)((long)p->mem + delta);
	if (p->mem > p->st.mem_peak)
		p->st.mem_peak = p->mem;
}

/* ------------------------------------------------------------------ */
/*
 * Literal scanner. Every line goes through it, so it is the parser's hot
 * path: it tells which prefilter literals (and the few other literals
 * the line handling looks for) a line contains, in one pass over its
 * bytes, without running a regular expression.
 *
 * The method is Hyperscan's "Teddy": each literal has a 3-byte
 * fingerprint (3 consecutive bytes of it, at offset off) and a bucket
 * (one of 8 bits). For fingerprint position j, two 16-entry tables map
 * the low and the high nibble of a byte to the buckets whose literals
 * can have that nibble there. With SSSE3/AVX2 PSHUFB looks up 16/32
 * bytes at once; AND-ing the six lookups leaves, per input byte, the
 * buckets whose fingerprint may start there. Only those positions are
 * verified with memcmp(), so the result is exact. Bucket 0 catches NUL
 * and ESC bytes (fingerprint bytes 2 and 3 are wildcards), which make
 * the line need cleaning. The offsets and buckets below were chosen on
 * real console logs to keep false fingerprint hits rare (about one per
 * three lines); they only affect speed, never results. The scalar
 * implementation computes the same bucket bytes one byte at a time.
 */
struct ks_lit {
	const char *s;
	uint8_t off;		/* fingerprint offset in the literal */
	uint8_t bucket;		/* 1..7 */
	uint64_t bit;		/* KS_LIT_* or 1 << index for candidates */
	size_t len;
	uint64_t head, head_mask; /* its first 8 bytes (fewer: masked) */
};

#define KS_LIT(str, o, b) { str, o, b, 0, sizeof(str) - 1, 0, 0 }
#define KS_LIT_ROLE(str, o, b, bit) { str, o, b, bit, sizeof(str) - 1, 0, 0 }
static struct ks_lit ks_lits[] = {
	/* Prefilter candidates: each is a prefilter word, and every
	 * prefilter word contains one of them (checked in ks_scan_init()). */
	KS_LIT("rcu", 0, 1), KS_LIT("BUG", 0, 4), KS_LIT("WARNING", 3, 6),
	KS_LIT("INFO:", 2, 4), KS_LIT("Oops", 0, 4),
	KS_LIT("Unable to handle kernel", 20, 5),
	KS_LIT("general protection fault", 3, 3),
	KS_LIT("stack segment: ", 7, 3), KS_LIT("Kernel panic", 9, 3),
	KS_LIT("PANIC: double fault", 3, 4),
	KS_LIT("rust_kernel: panicked", 8, 5), KS_LIT("divide error:", 2, 6),
	KS_LIT("divide_error:", 9, 1), KS_LIT("invalid opcode:", 0, 2),
	KS_LIT("UBSAN:", 0, 3), KS_LIT("Booting the kernel.", 0, 4),
	KS_LIT("unregister_netdevice: waiting for", 18, 5),
	KS_LIT("VFS: Close: file count is 0", 1, 4),
	KS_LIT("VFS: Busy inodes after unmount", 5, 4),
	KS_LIT("Internal error:", 0, 2), KS_LIT("Unhandled fault:", 0, 5),
	KS_LIT("Alignment trap:", 0, 4), KS_LIT("trusty: panic", 2, 6),
	KS_LIT("fatal error:", 0, 2), KS_LIT("SYZFAIL:", 5, 4),
	KS_LIT("SYZFATAL:", 3, 2), KS_LIT("panic:", 2, 3),
	KS_LIT("hrtimer: interrupt took", 9, 2), KS_LIT("soft lockup", 1, 2),
	KS_LIT("hard LOCKUP", 5, 4), KS_LIT("blocked for more than", 12, 1),
	KS_LIT("blocked on a", 9, 3), KS_LIT("RT throttling", 6, 2),
	/* Literals the line handling needs (parse_prefix). strip_prefix()
	 * looks for " ? " and "<EOI>" itself: it runs only on lines that
	 * take the full path, and " ? " is on most call-trace lines. */
	KS_LIT_ROLE(" login: ", 4, 5, KS_LIT_LOGIN),
	/* ks_info_with_stack() (col_feed) */
	KS_LIT_ROLE("vmalloc: allocation failure:", 5, 3, KS_LIT_INFO_STACK),
	KS_LIT_ROLE("FAULT_INJECTION: forcing a failure", 1, 4, KS_LIT_INFO_STACK),
	KS_LIT_ROLE("FAULT_FLAG_ALLOW_RETRY missing", 1, 4, KS_LIT_INFO_STACK),
};
#define KS_NR_LITS (sizeof(ks_lits) / sizeof(ks_lits[0]))

uint64_t ks_lit_bits(const char *word)
{
	uint64_t r = 0;
	size_t i;

	for (i = 0; i < KS_NR_LITS; i++)
		if ((ks_lits[i].bit & KS_LIT_CANDIDATE) && strstr(word, ks_lits[i].s))
			r |= ks_lits[i].bit;
	return r;
}

static void ev_bits_init(void);

/* Nibble tables: [fingerprint byte][0 low, 1 high nibble][nibble]. */
static uint8_t ks_nib[3][2][16] __attribute__((aligned(16)));
/* Literals by the first byte of their fingerprint: the indices
 * ks_fp_lits[ks_fp_first[c] .. ks_fp_first[c + 1]). */
static uint8_t ks_fp_first[257];
static uint8_t ks_fp_lits[KS_NR_LITS];

/* Bucket bytes of 64 positions at p (p[0..65] readable), in bk[64];
 * returns the mask of nonzero ones and sets *nl to the '\n' positions. */
typedef uint64_t ks_block_fn(const unsigned char *p, uint8_t *bk, uint64_t *nl);

static uint64_t ks_block_scalar(const unsigned char *p, uint8_t *bk, uint64_t *nl)
{
	uint64_t hit = 0, n = 0;
	int i;

	for (i = 0; i < 64; i++) {
		unsigned char c0 = p[i], c1 = p[i + 1], c2 = p[i + 2];
		uint8_t b = ks_nib[0][0][c0 & 15] & ks_nib[0][1][c0 >> 4] &
			    ks_nib[1][0][c1 & 15] & ks_nib[1][1][c1 >> 4] &
			    ks_nib[2][0][c2 & 15] & ks_nib[2][1][c2 >> 4];

		bk[i] = b;
		if (b)
			hit |= 1ull << i;
		if (c0 == '\n')
			n |= 1ull << i;
	}
	*nl = n;
	return hit;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define KS_HAVE_X86 1

__attribute__((target("ssse3")))
static uint64_t ks_block_ssse3(const unsigned char *p, uint8_t *bk, uint64_t *nl)
{
	const __m128i m = _mm_set1_epi8(15), lf = _mm_set1_epi8('\n');
	const __m128i l0 = _mm_load_si128((const void *)ks_nib[0][0]);
	const __m128i h0 = _mm_load_si128((const void *)ks_nib[0][1]);
	const __m128i l1 = _mm_load_si128((const void *)ks_nib[1][0]);
	const __m128i h1 = _mm_load_si128((const void *)ks_nib[1][1]);
	const __m128i l2 = _mm_load_si128((const void *)ks_nib[2][0]);
	const __m128i h2 = _mm_load_si128((const void *)ks_nib[2][1]);
	uint64_t hit = 0, n = 0;
	int i;

	for (i = 0; i < 64; i += 16) {
		__m128i v0 = _mm_loadu_si128((const void *)(p + i));
		__m128i v1 = _mm_loadu_si128((const void *)(p + i + 1));
		__m128i v2 = _mm_loadu_si128((const void *)(p + i + 2));
		__m128i r;

		r = _mm_and_si128(_mm_shuffle_epi8(l0, _mm_and_si128(v0, m)),
				  _mm_shuffle_epi8(h0, _mm_and_si128(_mm_srli_epi16(v0, 4), m)));
		r = _mm_and_si128(r, _mm_shuffle_epi8(l1, _mm_and_si128(v1, m)));
		r = _mm_and_si128(r, _mm_shuffle_epi8(h1, _mm_and_si128(_mm_srli_epi16(v1, 4), m)));
		r = _mm_and_si128(r, _mm_shuffle_epi8(l2, _mm_and_si128(v2, m)));
		r = _mm_and_si128(r, _mm_shuffle_epi8(h2, _mm_and_si128(_mm_srli_epi16(v2, 4), m)));
		_mm_storeu_si128((void *)(bk + i), r);
		hit |= (uint64_t)(uint16_t)~_mm_movemask_epi8(
			_mm_cmpeq_epi8(r, _mm_setzero_si128())) << i;
		n |= (uint64_t)(uint16_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v0, lf)) << i;
	}
	*nl = n;
	return hit;
}

__attribute__((target("avx2")))
static uint64_t ks_block_avx2(const unsigned char *p, uint8_t *bk, uint64_t *nl)
{
	const __m256i m = _mm256_set1_epi8(15), lf = _mm256_set1_epi8('\n');
	const __m256i l0 = _mm256_broadcastsi128_si256(_mm_load_si128((const void *)ks_nib[0][0]));
	const __m256i h0 = _mm256_broadcastsi128_si256(_mm_load_si128((const void *)ks_nib[0][1]));
	const __m256i l1 = _mm256_broadcastsi128_si256(_mm_load_si128((const void *)ks_nib[1][0]));
	const __m256i h1 = _mm256_broadcastsi128_si256(_mm_load_si128((const void *)ks_nib[1][1]));
	const __m256i l2 = _mm256_broadcastsi128_si256(_mm_load_si128((const void *)ks_nib[2][0]));
	const __m256i h2 = _mm256_broadcastsi128_si256(_mm_load_si128((const void *)ks_nib[2][1]));
	uint64_t hit = 0, n = 0;
	int i;

	for (i = 0; i < 64; i += 32) {
		__m256i v0 = _mm256_loadu_si256((const void *)(p + i));
		__m256i v1 = _mm256_loadu_si256((const void *)(p + i + 1));
		__m256i v2 = _mm256_loadu_si256((const void *)(p + i + 2));
		__m256i r;

		r = _mm256_and_si256(_mm256_shuffle_epi8(l0, _mm256_and_si256(v0, m)),
				     _mm256_shuffle_epi8(h0, _mm256_and_si256(_mm256_srli_epi16(v0, 4), m)));
		r = _mm256_and_si256(r, _mm256_shuffle_epi8(l1, _mm256_and_si256(v1, m)));
		r = _mm256_and_si256(r, _mm256_shuffle_epi8(h1, _mm256_and_si256(_mm256_srli_epi16(v1, 4), m)));
		r = _mm256_and_si256(r, _mm256_shuffle_epi8(l2, _mm256_and_si256(v2, m)));
		r = _mm256_and_si256(r, _mm256_shuffle_epi8(h2, _mm256_and_si256(_mm256_srli_epi16(v2, 4), m)));
		_mm256_storeu_si256((void *)(bk + i), r);
		hit |= (uint64_t)(uint32_t)~_mm256_movemask_epi8(
			_mm256_cmpeq_epi8(r, _mm256_setzero_si256())) << i;
		n |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v0, lf)) << i;
	}
	*nl = n;
	return hit;
}
#endif

static ks_block_fn *ks_block = ks_block_scalar;

int ks_scan_use(enum ks_scan_impl impl)
{
	switch (impl) {
	case KS_SCAN_SCALAR:
		ks_block = ks_block_scalar;
		return 0;
#ifdef KS_HAVE_X86
	case KS_SCAN_SSSE3:
		__builtin_cpu_init();
		if (!__builtin_cpu_supports("ssse3"))
			return -ENOTSUP;
		ks_block = ks_block_ssse3;
		return 0;
	case KS_SCAN_AVX2:
		__builtin_cpu_init();
		if (!__builtin_cpu_supports("avx2"))
			return -ENOTSUP;
		ks_block = ks_block_avx2;
		return 0;
#endif
	default:
		return -ENOTSUP;
	}
}

int ks_scan_init(void)
{
	static bool done;
	static int err;
	static const unsigned char control[] = { 0x00, 0x1b };
	uint64_t next_bit = 1;
	size_t i, j, k;

	if (done)
		return err;
	done = true;
	for (i = 0; i < KS_NR_LITS; i++) {
		struct ks_lit *l = &ks_lits[i];

		if ((size_t)l->off + 3 > l->len || !l->bucket || l->bucket > 7) {
			err = -EINVAL;	/* a table bug */
			return err;
		}
		if (!l->bit) {
			l->bit = next_bit;
			next_bit <<= 1;
		}
		for (j = 0; j < 3; j++) {
			unsigned char c = (unsigned char)l->s[l->off + j];

			ks_nib[j][0][c & 15] |= (uint8_t)(1u << l->bucket);
			ks_nib[j][1][c >> 4] |= (uint8_t)(1u << l->bucket);
		}
		l->head = 0;
		l->head_mask = 0;
		for (j = 0; j < 8 && j < l->len; j++) {
			l->head |= (uint64_t)(unsigned char)l->s[j] << (8 * j);
			l->head_mask |= 0xffull << (8 * j);
		}
	}
	for (i = 0, k = 0; i < 256; i++) {
		ks_fp_first[i] = (uint8_t)k;
		for (j = 0; j < KS_NR_LITS; j++)
			if ((unsigned char)ks_lits[j].s[ks_lits[j].off] == i)
				ks_fp_lits[k++] = (uint8_t)j;
	}
	ks_fp_first[256] = (uint8_t)k;
	if (next_bit > KS_LIT_CANDIDATE + 1) {
		err = -EINVAL;
		return err;
	}
	/* bucket 0: control bytes at the first position, anything after */
	for (i = 0; i < sizeof(control); i++) {
		ks_nib[0][0][control[i] & 15] |= 1;
		ks_nib[0][1][control[i] >> 4] |= 1;
	}
	for (j = 1; j < 3; j++)
		for (i = 0; i < 16; i++) {
			ks_nib[j][0][i] |= 1;
			ks_nib[j][1][i] |= 1;
		}
	/* The candidates must mean exactly "contains a prefilter word". */
	for (i = 0; ks_prefilter_word(i); i++) {
		const char *w = ks_prefilter_word(i);
		bool covered = false;

		for (j = 0; j < KS_NR_LITS && !covered; j++)
			covered = (ks_lits[j].bit & KS_LIT_CANDIDATE) &&
				  strstr(w, ks_lits[j].s);
		if (!covered) {
			err = -EINVAL;
			return err;
		}
	}
	for (i = 0; ks_info_stack_word(i); i++) {
		bool listed = false;

		for (j = 0; j < KS_NR_LITS && !listed; j++)
			listed = ks_lits[j].bit == KS_LIT_INFO_STACK &&
				 !strcmp(ks_info_stack_word(i), ks_lits[j].s);
		if (!listed) {
			err = -EINVAL;
			return err;
		}
	}
	for (j = 0; j < KS_NR_LITS; j++) {
		bool listed = false;

		if (!(ks_lits[j].bit & KS_LIT_CANDIDATE))
			continue;
		for (i = 0; ks_prefilter_word(i) && !listed; i++)
			listed = !strcmp(ks_prefilter_word(i), ks_lits[j].s);
		if (!listed) {
			err = -EINVAL;
			return err;
		}
	}
	if (ks_scan_use(KS_SCAN_AVX2) && ks_scan_use(KS_SCAN_SSSE3))
		ks_scan_use(KS_SCAN_SCALAR);
	ev_bits_init();
	return 0;
}

/* Load 8 bytes, little-endian order as in ks_lit.head. */
static inline uint64_t ks_load8(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/* Verify a fingerprint hit at s[pos] with bucket byte bk; s[0..len).
 * Only literals whose fingerprint starts with the byte s[pos] and whose
 * bucket is in bk can be there. */
static inline uint64_t ks_verify(const unsigned char *s, size_t len, size_t pos,
				 unsigned int bk)
{
	unsigned int c = s[pos];
	uint64_t r = 0;
	size_t k;

	if ((bk & 1) && (c == 0 || c == 0x1b))
		r |= KS_LIT_CONTROL;
	for (k = ks_fp_first[c]; k < ks_fp_first[c + 1]; k++) {
		const struct ks_lit *l = &ks_lits[ks_fp_lits[k]];
		size_t st;

		if (!((bk >> l->bucket) & 1) || pos < l->off)
			continue;
		st = pos - l->off;
		if (st + l->len > len)
			continue;
		if (st + 8 <= len) {
			if ((ks_load8(s + st) ^ l->head) & l->head_mask)
				continue;
			if (l->len > 8 && memcmp(s + st + 8, l->s + 8, l->len - 8))
				continue;
		} else if (memcmp(s + st, l->s, l->len)) {
			continue;
		}
		r |= l->bit;
	}
	return r;
}

/* One block of s[off..len): the block function on s itself when 66
 * bytes are readable there, else on a zero-padded copy. Masks are cut
 * at len. */
static uint64_t ks_block_at(const unsigned char *s, size_t len, size_t off,
			    uint8_t *bk, uint64_t *nl)
{
	unsigned char tail[64 + 2];
	size_t avail = len - off;
	uint64_t hit, keep;

	if (avail >= sizeof(tail))
		return ks_block(s + off, bk, nl);
	memset(tail, 0, sizeof(tail));
	memcpy(tail, s + off, avail);
	hit = ks_block(tail, bk, nl);
	keep = avail >= 64 ? ~0ull : (1ull << avail) - 1;
	*nl &= keep;
	return hit & keep;
}

uint64_t ks_scan_line(const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;
	uint8_t bk[64];
	uint64_t r = 0, hit, nl;
	size_t off;

	for (off = 0; off < len; off += 64) {
		hit = ks_block_at(s, len, off, bk, &nl);
		while (hit) {
			int i = __builtin_ctzll(hit);

			hit &= hit - 1;
			r |= ks_verify(s, len, off + (size_t)i, bk[i]);
		}
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* Line cleanup and prefix parsing. */

/* Strip \r at both ends of s[0..len) in place, NUL-terminate; the new
 * length. */
static size_t strip_cr(char *s, size_t n)
{
	size_t i = 0;

	while (n && s[n - 1] == '\r')
		n--;
	while (i < n && s[i] == '\r')
		i++;
	if (i) {
		memmove(s, s + i, n - i);
		n -= i;
	}
	s[n] = 0;
	return n;
}

/* Drop NUL bytes and ANSI escape sequences in place; strip \r at both
 * ends. Returns the new length. */
static size_t clean_line(struct kradar_serial *p, char *s, size_t len)
{
	size_t i = 0, n = 0;

	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0) {
			p->st.nul_bytes++;
			i++;
			continue;
		}
		if (c == 0x1b) {
			p->st.escapes++;
			i++;
			if (i < len && s[i] == '[') {
				/* CSI: parameters and intermediates, one final byte */
				i++;
				while (i < len && (unsigned char)s[i] >= 0x20 &&
				       (unsigned char)s[i] <= 0x3f)
					i++;
				while (i < len && (unsigned char)s[i] >= 0x20 &&
				       (unsigned char)s[i] <= 0x2f)
					i++;
				if (i < len && (unsigned char)s[i] >= 0x40 &&
				    (unsigned char)s[i] <= 0x7e)
					i++;
			} else if (i < len && s[i] == ']') {
				/* OSC: up to BEL or ESC \ */
				while (i < len && s[i] != 0x07 && s[i] != 0x1b)
					i++;
				if (i < len && s[i] == 0x07)
					i++;
				else if (i + 1 < len && s[i + 1] == '\\')
					i += 2;
			} else if (i < len) {
				i++;	/* two-byte escape */
			}
			continue;
		}
		s[n++] = (char)c;
		i++;
	}
	return strip_cr(s, n);
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/*
 * Match "(?:<N>)?\[ *N\.N\](\[ *(?:C|T)N\])? " at s[at]. On success return
 * the index just past the trailing space and fill caller[16] with the
 * caller bracket (cut to 15 bytes, zero-padded; all zero when absent);
 * with need_ns, *ns gets the time. -1 when there is no match.
 */
static inline __attribute__((always_inline))
long ts_match(const char *s, size_t len, size_t at, uint64_t *ns, char *caller,
	      bool need_ns)
{
	size_t i = at, c0;
	uint64_t sec = 0, frac = 0;
	int fd = 0;

	if (i < len && s[i] == '<') {
		size_t j = i + 1;

		while (j < len && is_digit(s[j]))
			j++;
		if (j > i + 1 && j < len && s[j] == '>')
			i = j + 1;
	}
	if (i >= len || s[i] != '[')
		return -1;
	i++;
	while (i < len && s[i] == ' ')
		i++;
	if (i >= len || !is_digit(s[i]))
		return -1;
	while (i < len && is_digit(s[i])) {
		if (need_ns && sec < UINT64_MAX / 10 - 10)
			sec = sec * 10 + (uint64_t)(s[i] - '0');
		i++;
	}
	if (i >= len || s[i] != '.')
		return -1;
	i++;
	if (i >= len || !is_digit(s[i]))
		return -1;
	while (i < len && is_digit(s[i])) {
		if (need_ns && fd < 9) {
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			fd++;
		}
		i++;
	}
	if (i >= len || s[i] != ']')
		return -1;
	i++;
	memset(caller, 0, 16);
	c0 = i;
	if (i < len && s[i] == '[') {
		size_t j = i + 1;

		while (j < len && s[j] == ' ')
			j++;
		if (j < len && (s[j] == 'C' || s[j] == 'T') && j + 1 < len &&
		    is_digit(s[j + 1])) {
			j++;
			while (j < len && is_digit(s[j]))
				j++;
			if (j < len && s[j] == ']') {
				size_t n = j + 1 - c0;

				/* absurdly padded: keep it distinct but cut */
				memcpy(caller, s + c0, n < 16 ? n : 15);
				i = j + 1;
			}
		}
	}
	if (i >= len || s[i] != ' ') {
		if (caller[0]) {
			/* the optional group must be backtracked: without the
			 * caller, the char after "]" must be a space */
			memset(caller, 0, 16);
			i = c0;
			if (i >= len || s[i] != ' ')
				return -1;
		} else {
			return -1;
		}
	}
	if (need_ns) {
		while (fd < 9) {
			frac *= 10;
			fd++;
		}
		*ns = sec * 1000000000ull + frac;
	}
	return (long)(i + 1);
}

static long ts_at(const char *s, size_t len, size_t at, uint64_t *ns,
		  char caller[16])
{
	return ts_match(s, len, at, ns, caller, true);
}

/* Index of the first position >= i whose bit is clear in the 32-bit mask
 * m (32 when there is none). */
static inline unsigned int run_end(uint32_t m, unsigned int i)
{
	return (unsigned int)__builtin_ctzll(~(uint64_t)m >> i) + i;
}

/*
 * ts_match(s, len, 0, NULL, caller, false) for a line s[0..len) followed
 * in memory by '\r' or '\n' (so no pattern can match past its end), with
 * at least 32 bytes readable at s: masks of the digits and spaces of the
 * first 32 bytes replace the byte loops. Returns -2 when the prefix does
 * not fit in those 32 bytes or starts with "<": the caller then asks
 * ts_match().
 */
static long ts_fast(const char *s, char caller[16])
{
#if defined(__x86_64__) && defined(__SSE2__)
	const __m128i sp = _mm_set1_epi8(' ');
	const __m128i lo = _mm_set1_epi8('0' - 1), hi = _mm_set1_epi8('9' + 1);
	__m128i a = _mm_loadu_si128((const void *)s);
	__m128i b = _mm_loadu_si128((const void *)(s + 16));
	uint32_t dig, spc;
	unsigned int i, j, k;

	if (s[0] != '[')
		return s[0] == '<' ? -2 : -1;
	dig = (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(a, lo),
							_mm_cmplt_epi8(a, hi))) |
	      (uint32_t)_mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(b, lo),
							_mm_cmplt_epi8(b, hi))) << 16;
	spc = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, sp)) |
	      (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, sp)) << 16;
	i = run_end(spc, 1);
	if (i >= 32)
		return -2;
	if (!((dig >> i) & 1))
		return -1;
	i = run_end(dig, i);
	if (i >= 31)
		return -2;
	if (s[i] != '.' || !((dig >> (i + 1)) & 1))
		return -1;
	i = run_end(dig, i + 1);
	if (i >= 31)
		return -2;
	if (s[i] != ']')
		return -1;
	i++;
	memset(caller, 0, 16);
	if (s[i] == ' ')
		return (long)i + 1;
	if (s[i] != '[')
		return -1;
	/* "[ *(?:C|T)N]" then a space; without it the line has no match
	 * (s[i] is '[', not the space the backtracked form needs) */
	j = run_end(spc, i + 1);
	if (j >= 31)
		return -2;
	if ((s[j] != 'C' && s[j] != 'T') || !((dig >> (j + 1)) & 1))
		return -1;
	k = run_end(dig, j + 1);
	if (k >= 31)
		return -2;
	if (s[k] != ']' || s[k + 1] != ' ')
		return -1;
	memcpy(caller, s + i, k + 1 - i < 16 ? k + 1 - i : 15);
	return (long)k + 2;
#else
	(void)s;
	(void)caller;
	return -2;
#endif
}

/* syzkaller's consoleOutputRe with its optional prefixes. */
static void parse_prefix(struct line *l, uint64_t lits)
{
	static const char dropped_end[] = " printk messages dropped ** ";
	const char *s = l->raw;
	size_t len = l->raw_len, starts[2] = { 0, 0 };
	int nstarts = 0, si;
	uint64_t ns = 0;
	char caller[16];

	l->ctx.kind = CTX_NONE;
	l->ctx.caller[0] = 0;
	l->pos.has_time = false;
	l->pos.caller[0] = 0;
	if (len > 3 && !memcmp(s, "** ", 3) && is_digit(s[3])) {
		size_t j = 3;

		while (j < len && is_digit(s[j]))
			j++;
		if (len - j >= sizeof(dropped_end) - 1 &&
		    !memcmp(s + j, dropped_end, sizeof(dropped_end) - 1))
			starts[nstarts++] = j + sizeof(dropped_end) - 1;
	}
	starts[nstarts++] = 0;
	for (si = 0; si < nstarts; si++) {
		size_t base = starts[si];
		long end = -1;
		const char *lg[8], *q = s + base;
		int nlg = 0;

		/* "(?:.* login: )?" is greedy: last occurrence first (the line
		 * is NUL-terminated, strstr is the fast path) */
		while ((lits & KS_LIT_LOGIN) && (q = strstr(q, " login: "))) {
			if (nlg < 8)
				lg[nlg++] = q;
			else
				lg[7] = q;
			q++;
		}
		while (nlg-- > 0) {
			end = ts_at(s, len, (size_t)(lg[nlg] - s) + 8, &ns, caller);
			if (end >= 0)
				break;
		}
		if (end < 0)
			end = ts_at(s, len, base, &ns, caller);
		if (end >= 0) {
			l->pos.has_time = true;
			l->pos.time_ns = ns;
			if (caller[0]) {
				const char *c = caller + 1;
				size_t n;

				l->ctx.kind = CTX_CALLER;
				str_copy(l->ctx.caller, sizeof(l->ctx.caller), caller);
				while (*c == ' ')
					c++;
				n = strcspn(c, "]");
				if (n >= sizeof(l->pos.caller))
					n = sizeof(l->pos.caller) - 1;
				memcpy(l->pos.caller, c, n);
				l->pos.caller[n] = 0;
			} else {
				l->ctx.kind = CTX_CONSOLE;
			}
			return;
		}
	}
}

/* syzkaller's stripLinePrefix (questionable frames are not used). */
static void strip_prefix(struct line *l)
{
	const char *s = l->raw, *p;
	size_t len = l->raw_len;

	l->text = s;
	l->text_len = len;
	l->questionable = false;
	if (l->ctx.kind == CTX_NONE)
		return;
	p = strstr(s, "] ");
	if (!p)
		return;
	l->text = p + 2;
	l->text_len = len - (size_t)(l->text - s);
	/* "<EOI>" only matters on a line that would be questionable */
	p = strstr(l->text, " ? ");
	if (p) {
		if (strstr(l->text, "<EOI>"))
			return;
		l->text_len -= (size_t)(p + 2 - l->text);
		l->text = p + 2;
		l->questionable = true;
		return;
	}
	if (l->text_len >= 13 &&
	    !memcmp(l->text + l->text_len - 13, " (unreliable)", 13) &&
	    !strstr(l->text, "<EOI>")) {
		l->text_len -= 13;
		l->questionable = true;
	}
}

static bool ctx_eq(const struct ctx *a, const struct ctx *b)
{
	return a->kind == b->kind && !strcmp(a->caller, b->caller);
}

static bool ctx_is_cpu(const struct ctx *c)
{
	const char *s = c->caller + 1;

	if (c->kind != CTX_CALLER)
		return false;
	while (*s == ' ')
		s++;
	return *s == 'C';
}

/* ------------------------------------------------------------------ */
/* Events */

static const char *const event_names[KRADAR_EV__COUNT] = {
	[KRADAR_EV_RCU_STALL] = "rcu_stall",
	[KRADAR_EV_RCU_STARVED] = "rcu_kthread_starved",
	[KRADAR_EV_HRTIMER_SLOW] = "hrtimer_interrupt_slow",
	[KRADAR_EV_SOFT_LOCKUP] = "soft_lockup",
	[KRADAR_EV_HARD_LOCKUP] = "hard_lockup",
	[KRADAR_EV_HUNG_TASK] = "hung_task",
	[KRADAR_EV_HUNG_MUTEX_OWNER] = "hung_task_lock_owner",
	[KRADAR_EV_RT_THROTTLING] = "rt_throttling",
	[KRADAR_EV_PANIC] = "panic",
	[KRADAR_EV_WARNING] = "warning",
	[KRADAR_EV_KASAN] = "sanitizer",
	[KRADAR_EV_BUG] = "bug",
	[KRADAR_EV_OOPS] = "oops",
};

const char *kradar_serial__event_name(enum kradar_serial_event_kind kind)
{
	if ((unsigned int)kind >= KRADAR_EV__COUNT)
		return "unknown";
	return event_names[kind];
}

bool kradar_serial__event_is_finding(enum kradar_serial_event_kind kind)
{
	switch (kind) {
	case KRADAR_EV_RCU_STALL:
	case KRADAR_EV_SOFT_LOCKUP:
	case KRADAR_EV_HARD_LOCKUP:
	case KRADAR_EV_HUNG_TASK:
	case KRADAR_EV_PANIC:
	case KRADAR_EV_KASAN:
	case KRADAR_EV_BUG:
	case KRADAR_EV_OOPS:
		return true;
	default:
		return false;
	}
}

const char *kradar_serial__class_name(enum kradar_serial_class cls)
{
	static const char *const names[] = {
		[KRADAR_CLASS_UNKNOWN] = "unknown", [KRADAR_CLASS_HANG] = "hang",
		[KRADAR_CLASS_WARNING] = "warning", [KRADAR_CLASS_KASAN] = "kasan",
		[KRADAR_CLASS_KMSAN] = "kmsan", [KRADAR_CLASS_KCSAN] = "kcsan",
		[KRADAR_CLASS_KFENCE] = "kfence", [KRADAR_CLASS_UBSAN] = "ubsan",
		[KRADAR_CLASS_BUG] = "bug", [KRADAR_CLASS_LOCKDEP] = "lockdep",
		[KRADAR_CLASS_LEAK] = "leak", [KRADAR_CLASS_DOS] = "dos",
		[KRADAR_CLASS_OTHER] = "other",
	};

	if ((unsigned int)cls >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[cls];
}

/* Parse a decimal at s; returns -1 if none. Saturates instead of overflowing. */
static int64_t parse_num(const char *s, const char **end)
{
	int64_t v = 0;

	if (!is_digit(*s)) {
		if (end)
			*end = s;
		return -1;
	}
	while (is_digit(*s)) {
		if (v < INT64_MAX / 10 - 10)
			v = v * 10 + (*s - '0');
		s++;
	}
	if (end)
		*end = s;
	return v;
}

/* "comm:pid" ending at end (exclusive); the pid follows the last ':'. */
static void parse_comm_pid(const char *s, const char *end, char *comm,
			   size_t commsz, int *pid)
{
	const char *colon = NULL, *q;
	size_t n;

	for (q = s; q < end; q++)
		if (*q == ':')
			colon = q;
	if (!colon) {
		*pid = -1;
		colon = end;
	} else {
		int64_t v = parse_num(colon + 1, NULL);

		*pid = v > INT32_MAX ? -1 : (int)v;
	}
	n = (size_t)(colon - s);
	if (n >= commsz)
		n = commsz - 1;
	memcpy(comm, s, n);
	comm[n] = 0;
}

static struct kradar_serial_event *new_event(struct kradar_serial *p,
					     enum kradar_serial_event_kind kind,
					     const struct line *l)
{
	struct kradar_serial_event *e;

	p->st.event_count[kind]++;
	if (p->nr_events >= KRADAR_SERIAL_MAX_EVENTS) {
		p->st.events_dropped++;
		return NULL;
	}
	if (p->nr_events == p->cap_events) {
		size_t ncap = p->cap_events ? p->cap_events * 2 : 64;
		void *n;

		if (ncap > KRADAR_SERIAL_MAX_EVENTS)
			ncap = KRADAR_SERIAL_MAX_EVENTS;
		n = realloc(p->events, ncap * sizeof(*p->events));
		if (!n) {
			p->st.events_dropped++;
			return NULL;
		}
		mem_add(p, (long)((ncap - p->cap_events) * sizeof(*p->events)));
		p->events = n;
		p->cap_events = ncap;
	}
	e = &p->events[p->nr_events++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->pos = l->pos;
	e->cpu = e->pid = e->owner_pid = -1;
	e->jiffies = e->ns = e->seconds = -1;
	snprintf(e->text, sizeof(e->text), "%.*s",
		 (int)(l->text_len < sizeof(e->text) ? l->text_len : sizeof(e->text) - 1),
		 l->text);
	return e;
}

/* RCU stall detail line: "(detected by 0, t=10502 jiffies, ...)" after
 * a stall line that did not carry t= itself. */
static void rcu_stall_detail(struct kradar_serial *p, const struct line *l)
{
	struct kradar_serial_event *e;
	const char *q;

	if (!p->nr_events)
		return;
	e = &p->events[p->nr_events - 1];
	if (e->kind != KRADAR_EV_RCU_STALL ||
	    l->pos.line - e->pos.line > KS_STALL_DETAIL_LINES)
		return;
	/* the first stalled CPU: "rcu: \t1-....: (10500 ticks this GP) ..." */
	q = l->text;
	if (!strncmp(q, "rcu: ", 5))
		q += 5;
	while (*q == ' ' || *q == '\t')
		q++;
	if (e->cpu < 0 && is_digit(*q)) {
		const char *end;
		int64_t cpu = parse_num(q, &end);

		if (*end == '-' && cpu < INT32_MAX)
			e->cpu = (int)cpu;
	}
	if (e->jiffies < 0 && (q = strstr(l->text, "t=")) && strstr(q, " jiffies"))
		e->jiffies = parse_num(q + 2, NULL);
}

/* Scanner literals of the first strings detect_events() looks for: a
 * line without all of them cannot contain the string (ks_lit_bits()). */
static struct {
	uint64_t info_rcu;
	uint64_t hrtimer;
	uint64_t soft;
	uint64_t hard;
	uint64_t info_task;
	uint64_t blocked_on;
	uint64_t rt;
	uint64_t panic;
	uint64_t warning;
	uint64_t bug;
	uint64_t ubsan;
	uint64_t kernel_bug;
	uint64_t kernel_bug2;
	uint64_t gpf;
	uint64_t oops;
	uint64_t unable;
	uint64_t invalid;
	uint64_t double_fault;
	uint64_t internal;
} ev_bits;

static void ev_bits_init(void)
{
	ev_bits.info_rcu = ks_lit_bits("INFO: rcu_");
	ev_bits.hrtimer = ks_lit_bits("hrtimer: interrupt took ");
	ev_bits.soft = ks_lit_bits("soft lockup - CPU#");
	ev_bits.hard = ks_lit_bits("hard LOCKUP on cpu ");
	ev_bits.info_task = ks_lit_bits("INFO: task ");
	ev_bits.blocked_on = ks_lit_bits(" is blocked on a ");
	ev_bits.rt = ks_lit_bits("RT throttling activated");
	ev_bits.panic = ks_lit_bits("Kernel panic - not syncing");
	ev_bits.warning = ks_lit_bits("WARNING:");
	ev_bits.bug = ks_lit_bits("BUG:");
	ev_bits.ubsan = ks_lit_bits("UBSAN:");
	ev_bits.kernel_bug = ks_lit_bits("kernel BUG");
	ev_bits.kernel_bug2 = ks_lit_bits("Kernel BUG");
	ev_bits.gpf = ks_lit_bits("general protection fault");
	ev_bits.oops = ks_lit_bits("Oops:");
	ev_bits.unable = ks_lit_bits("Unable to handle kernel");
	ev_bits.invalid = ks_lit_bits("invalid opcode:");
	ev_bits.double_fault = ks_lit_bits("PANIC: double fault");
	ev_bits.internal = ks_lit_bits("Internal error:");
}

/* Can the line contain a string whose literal bits are bits? */
static inline bool ev_may(const struct line *l, uint64_t bits)
{
	return (l->lits & bits) == bits;
}

static void detect_events(struct kradar_serial *p, const struct line *l,
			  bool candidate)
{
	const char *t = l->text, *q, *r;
	struct kradar_serial_event *e;

	if (!candidate) {
		rcu_stall_detail(p, l);
		return;
	}

	/* The text is NUL-terminated: it ends where the cleaned raw line ends. */
	if (ev_may(l, ev_bits.info_rcu) && (q = strstr(t, "INFO: rcu_")) &&
	    (r = strstr(q, "detected")) && strstr(r, " stall")) {
		e = new_event(p, KRADAR_EV_RCU_STALL, l);
		if (e) {
			size_t n = strcspn(q + 6, " ");

			snprintf(e->flavor, sizeof(e->flavor), "%.*s",
				 (int)(n < sizeof(e->flavor) ? n : sizeof(e->flavor) - 1),
				 q + 6);
			if ((r = strstr(q, "t=")))
				e->jiffies = parse_num(r + 2, NULL);
			/* expedited: "... { 1-... } 21 jiffies s: ..." */
			if ((r = strstr(q, "{ ")) && is_digit(r[2]))
				e->cpu = (int)parse_num(r + 2, NULL);
			if ((r = strstr(q, "} ")) && is_digit(r[2]) && strstr(r, " jiffies"))
				e->jiffies = parse_num(r + 2, NULL);
		}
		return;
	}
	if ((q = strstr(t, " kthread starved for "))) {
		e = new_event(p, KRADAR_EV_RCU_STARVED, l);
		if (e) {
			const char *b = q;

			while (b > t && b[-1] != ' ')
				b--;
			snprintf(e->flavor, sizeof(e->flavor), "%.*s",
				 (int)((size_t)(q - b) < sizeof(e->flavor) ?
				       (size_t)(q - b) : sizeof(e->flavor) - 1), b);
			e->jiffies = parse_num(q + strlen(" kthread starved for "), NULL);
			if ((r = strstr(q, "->cpu=")))
				e->cpu = (int)parse_num(r + 6, NULL);
		}
		return;
	}
	if (ev_may(l, ev_bits.hrtimer) && (q = strstr(t, "hrtimer: interrupt took "))) {
		e = new_event(p, KRADAR_EV_HRTIMER_SLOW, l);
		if (e)
			e->ns = parse_num(q + strlen("hrtimer: interrupt took "), NULL);
		return;
	}
	if (ev_may(l, ev_bits.soft) && (q = strstr(t, "soft lockup - CPU#"))) {
		e = new_event(p, KRADAR_EV_SOFT_LOCKUP, l);
		if (e) {
			const char *end;

			e->cpu = (int)parse_num(q + strlen("soft lockup - CPU#"), &end);
			if ((r = strstr(end, "stuck for ")))
				e->seconds = parse_num(r + 10, NULL);
			if ((r = strchr(end, '[')) && (q = strrchr(r, ']')))
				parse_comm_pid(r + 1, q, e->comm, sizeof(e->comm), &e->pid);
		}
		return;
	}
	if (ev_may(l, ev_bits.hard) && (q = strstr(t, "hard LOCKUP on cpu "))) {
		e = new_event(p, KRADAR_EV_HARD_LOCKUP, l);
		if (e)
			e->cpu = (int)parse_num(q + strlen("hard LOCKUP on cpu "), NULL);
		return;
	}
	if (ev_may(l, ev_bits.info_task) && (q = strstr(t, "INFO: task ")) &&
	    (r = strstr(q, " blocked ")) &&
	    (strstr(r, " blocked for more than ") == r ||
	     strstr(r, " blocked in I/O wait for more than ") == r)) {
		e = new_event(p, KRADAR_EV_HUNG_TASK, l);
		if (e) {
			parse_comm_pid(q + 11, r, e->comm, sizeof(e->comm), &e->pid);
			e->seconds = parse_num(strstr(r, "for more than ") + 14, NULL);
		}
		return;
	}
	if (ev_may(l, ev_bits.blocked_on) && (q = strstr(t, "task ")) &&
	    (r = strstr(q, " is blocked on a ")) &&
	    strstr(r, " owned by task ")) {
		e = new_event(p, KRADAR_EV_HUNG_MUTEX_OWNER, l);
		if (e) {
			const char *o = strstr(r, " owned by task ") + 15;
			const char *oe = o + strlen(o);

			parse_comm_pid(q + 5, r, e->comm, sizeof(e->comm), &e->pid);
			while (oe > o && (oe[-1] == '.' || oe[-1] == ' '))
				oe--;
			parse_comm_pid(o, oe, e->owner_comm, sizeof(e->owner_comm),
				       &e->owner_pid);
		}
		return;
	}
	if (ev_may(l, ev_bits.rt) && strstr(t, "RT throttling activated")) {
		new_event(p, KRADAR_EV_RT_THROTTLING, l);
		return;
	}
	if (ev_may(l, ev_bits.panic) && strstr(t, "Kernel panic - not syncing")) {
		new_event(p, KRADAR_EV_PANIC, l);
		return;
	}
	if (l->oops < 0) {
		rcu_stall_detail(p, l);
		return;
	}
	if (ev_may(l, ev_bits.warning) && (q = strstr(t, "WARNING:")) &&
	    !(ev_may(l, ev_bits.bug) && strstr(t, "BUG:"))) {
		e = new_event(p, KRADAR_EV_WARNING, l);
		if (e) {
			const char *end;

			if ((r = strstr(q, "CPU: "))) {
				e->cpu = (int)parse_num(r + 5, NULL);
				if ((r = strstr(q, "PID: ")))
					e->pid = (int)parse_num(r + 5, NULL);
			} else if ((r = strstr(q, ", CPU#"))) {
				/* "WARNING: file:line at func+0x1/0x2, CPU#1: comm/pid" */
				e->cpu = (int)parse_num(r + 6, &end);
				if (!strncmp(end, ": ", 2) && (r = strrchr(end, '/'))) {
					parse_comm_pid(end + 2, r, e->comm, sizeof(e->comm), &e->pid);
					e->pid = (int)parse_num(r + 1, NULL);
				}
			}
		}
		return;
	}
	if ((ev_may(l, ev_bits.bug) &&
	     (strstr(t, "BUG: KASAN:") || strstr(t, "BUG: KMSAN:") ||
	      strstr(t, "BUG: KCSAN:") || strstr(t, "BUG: KFENCE:"))) ||
	    (ev_may(l, ev_bits.ubsan) && strstr(t, "UBSAN:"))) {
		new_event(p, KRADAR_EV_KASAN, l);
		return;
	}
	if ((ev_may(l, ev_bits.bug) && strstr(t, "BUG:")) ||
	    (ev_may(l, ev_bits.kernel_bug) && strstr(t, "kernel BUG")) ||
	    (ev_may(l, ev_bits.kernel_bug2) && strstr(t, "Kernel BUG"))) {
		new_event(p, KRADAR_EV_BUG, l);
		return;
	}
	if ((ev_may(l, ev_bits.gpf) && strstr(t, "general protection fault")) ||
	    (ev_may(l, ev_bits.oops) && strstr(t, "Oops:")) ||
	    (ev_may(l, ev_bits.unable) && strstr(t, "Unable to handle kernel")) ||
	    strstr(t, "divide error") || strstr(t, "divide_error") ||
	    (ev_may(l, ev_bits.invalid) && strstr(t, "invalid opcode:")) ||
	    strstr(t, "stack segment:") ||
	    (ev_may(l, ev_bits.double_fault) && strstr(t, "PANIC: double fault")) ||
	    (ev_may(l, ev_bits.internal) && strstr(t, "Internal error:")))
		new_event(p, KRADAR_EV_OOPS, l);
}

/* ------------------------------------------------------------------ */
/* Report collectors */

static int col_append(struct kradar_serial *p, struct collector *c,
		      const char *s, size_t n)
{
	size_t need = c->len + n + 2;

	if (need > KRADAR_SERIAL_REPORT_MAX)
		return -E2BIG;
	if (need > c->cap) {
		size_t ncap = c->cap ? c->cap : 4096;
		char *nb;

		while (ncap < need)
			ncap *= 2;
		if (ncap > KRADAR_SERIAL_REPORT_MAX)
			ncap = KRADAR_SERIAL_REPORT_MAX;
		nb = realloc(c->buf, ncap);
		if (!nb)
			return -ENOMEM;
		mem_add(p, (long)(ncap - c->cap));
		c->buf = nb;
		c->cap = ncap;
	}
	memcpy(c->buf + c->len, s, n);
	c->len += n;
	c->buf[c->len++] = '\n';
	c->buf[c->len] = 0;
	return 0;
}

/* A decimal number of at most 9 digits at *s, advancing *s; -1 if none. */
static int small_num(const char **s, const char *end)
{
	int v = 0, n = 0;

	while (*s < end && **s >= '0' && **s <= '9' && n < 9) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	return n ? v : -1;
}

/* Skip the literal lit at *s; false if it is not there. */
static bool skip_lit(const char **s, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *s) < n || memcmp(*s, lit, n))
		return false;
	*s += n;
	return true;
}

/* The first "CPU: N PID: N Comm: COMM ..." line of a report's text. */
static void report_task(const char *text, size_t len,
			struct kradar_serial_report *rep)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		const char *e = nl ? nl : end, *q = s;
		int cpu, pid;

		if (skip_lit(&q, e, "CPU: ") && (cpu = small_num(&q, e)) >= 0 &&
		    skip_lit(&q, e, " PID: ") && (pid = small_num(&q, e)) >= 0 &&
		    skip_lit(&q, e, " Comm: ")) {
			size_t cl = 0;

			while (q + cl < e && q[cl] != ' ' && cl < sizeof(rep->comm) - 1)
				cl++;
			rep->cpu = cpu;
			rep->pid = pid;
			memcpy(rep->comm, q, cl);
			rep->comm[cl] = 0;
			return;
		}
		s = e + 1;
	}
}

/* Whether c's title text is final and KS_LINES_AFTER_FINAL lines have
 * passed since (counting every line from the one that made it final). */
static bool col_final_done(const struct collector *c, uint64_t line)
{
	return c->second && c->ctx.kind != CTX_CALLER &&
	       line - c->second_line + 1 > KS_LINES_AFTER_FINAL;
}

static void col_close(struct kradar_serial *p, struct collector *c, bool truncated)
{
	struct kradar_serial_report *rep = &p->reports[c->slot];

	if (!c->open)
		return;
	rep->truncated = truncated;
	rep->end_line = c->last_line;
	if (c->buf && c->report_end <= c->len) {
		ks_describe(c->oops, c->buf, c->report_end, c->buf, c->len, rep);
		ks_collect_frames(c->buf, c->report_end, rep);
		report_task(c->buf, c->report_end, rep);
	}
	free(c->buf);
	mem_add(p, -(long)c->cap);
	memset(c, 0, sizeof(*c));
	p->nr_open--;
	p->want_dirty = true;
}

/* One line for an open collector: syzkaller's findReport() loop body. */
static void col_feed(struct kradar_serial *p, struct collector *c,
		     const struct line *l, bool opening)
{
	uint64_t line = l->pos.line;
	bool skip_line;

	if (!opening && !c->second) {
		if (((l->lits & KS_LIT_INFO_STACK) && ks_info_with_stack(l->raw, l->raw_len)) ||
		    (l->oops >= 0 && !ks_report_start_ignored(l->raw, l->raw_len))) {
			c->second = true;
			c->second_line = line;
			p->want_dirty = true;
		}
	}
	if (col_final_done(c, line)) {
		col_close(p, c, false);
		return;
	}
	if (!opening && (l->questionable ||
			 (!ctx_eq(&l->ctx, &c->ctx) &&
			  (!c->cpu_traceback || !ctx_is_cpu(&l->ctx)))))
		return;
	c->text_lines++;
	skip_line = c->skip_text;
	if (strstr(l->raw, "Disabling lock debugging due to kernel taint")) {
		skip_line = true;
	} else if (strstr(l->raw, "Sending NMI from CPU")) {
		c->cpu_traceback = true;
		p->want_dirty = true;
	} else if ((strstr(l->raw, "Kernel panic - not syncing") ||
		    strstr(l->raw, "WARNING: possible circular locking dependency detected")) &&
		   c->text_lines > c->min_lines) {
		c->skip_text = true;
		skip_line = true;
	}
	if (!opening && skip_line)
		return;
	if (line - c->open_line + 1 > KRADAR_SERIAL_REPORT_MAX_LINES ||
	    col_append(p, c, l->text, l->text_len)) {
		col_close(p, c, true);
		return;
	}
	c->last_line = l->pos.line;
	if (!c->second || c->ctx.kind == CTX_CALLER)
		c->report_end = c->len;
}

static void col_open(struct kradar_serial *p, const struct line *l)
{
	struct collector *c = NULL, *oldest = NULL;
	struct kradar_serial_report *rep;
	size_t i;

	p->st.reports_total++;
	if (p->nr_reports >= KRADAR_SERIAL_MAX_REPORTS) {
		p->st.reports_dropped++;
		return;
	}
	for (i = 0; i < KS_MAX_OPEN_COLLECTORS; i++) {
		if (!p->col[i].open) {
			c = &p->col[i];
			break;
		}
		/* never evict the first report: it is the one that matters */
		if (p->col[i].slot != 0 && (!oldest || p->col[i].seq < oldest->seq))
			oldest = &p->col[i];
	}
	if (!c) {
		if (!oldest)
			return;
		col_close(p, oldest, true);
		c = oldest;
	}
	if (p->nr_reports == p->cap_reports) {
		size_t ncap = p->cap_reports ? p->cap_reports * 2 : 4;
		void *n;

		if (ncap > KRADAR_SERIAL_MAX_REPORTS)
			ncap = KRADAR_SERIAL_MAX_REPORTS;
		n = realloc(p->reports, ncap * sizeof(*p->reports));
		if (!n) {
			p->st.reports_dropped++;
			return;
		}
		mem_add(p, (long)((ncap - p->cap_reports) * sizeof(*p->reports)));
		p->reports = n;
		p->cap_reports = ncap;
	}
	rep = &p->reports[p->nr_reports];
	memset(rep, 0, sizeof(*rep));
	rep->start = l->pos;
	rep->type = "UNKNOWN";
	rep->cpu = -1;
	rep->pid = -1;
	snprintf(rep->first_line, sizeof(rep->first_line), "%.*s",
		 (int)(l->text_len < sizeof(rep->first_line) ?
		       l->text_len : sizeof(rep->first_line) - 1), l->text);
	memset(c, 0, sizeof(*c));
	c->open = true;
	c->open_line = l->pos.line;
	p->nr_open++;
	p->want_dirty = true;
	c->slot = p->nr_reports++;
	c->oops = l->oops;
	c->ctx = l->ctx;
	c->seq = p->col_seq++;
	c->min_lines = strstr(l->raw, "BUG: KMSAN:") ? 16 : 22;
	col_feed(p, c, l, true);
}

/* ------------------------------------------------------------------ */

/*
 * One line, s[len] writable, NUL-terminated at len. lits: its KS_LIT_*
 * bits when lits_valid (they stay valid through clean_line() when the line
 * has no control byte: it then only strips \r at the ends).
 */
static void process_line(struct kradar_serial *p, char *s, size_t len, bool cut,
			 uint64_t lits, bool lits_valid)
{
	struct line l;
	bool cand;
	size_t i;

	p->st.lines++;
	if (cut)
		p->st.lines_cut++;
	memset(&l, 0, sizeof(l));
	l.pos.offset = p->line_offset;
	l.pos.line = p->st.lines;
	if (!lits_valid)
		lits = ks_scan_line(s, len);
	if (lits & KS_LIT_CONTROL) {
		l.raw_len = clean_line(p, s, len);
		lits = ks_scan_line(s, l.raw_len);
	} else {
		l.raw_len = strip_cr(s, len);
	}
	l.raw = s;
	l.lits = lits;
	parse_prefix(&l, lits);
	l.pos.caller[sizeof(l.pos.caller) - 1] = 0;
	if (l.pos.has_time)
		p->st.lines_with_time++;
	strip_prefix(&l);
	l.oops = -1;
	cand = (lits & KS_LIT_CANDIDATE) != 0;
	if (cand)
		l.oops = ks_match_oops(l.raw, l.raw_len, lits);
	detect_events(p, &l, cand);
	for (i = 0; i < KS_MAX_OPEN_COLLECTORS; i++)
		if (p->col[i].open)
			col_feed(p, &p->col[i], &l, false);
	if (l.oops >= 0)
		col_open(p, &l);
}

/* Would the next line be an RCU stall detail line (rcu_stall_detail())? */
static bool rcu_detail_pending(const struct kradar_serial *p)
{
	const struct kradar_serial_event *e;

	if (!p->nr_events)
		return false;
	e = &p->events[p->nr_events - 1];
	return e->kind == KRADAR_EV_RCU_STALL &&
	       p->st.lines + 1 - e->pos.line <= KS_STALL_DETAIL_LINES;
}

/* Rebuild what plain_line() knows about the open collectors. */
static void want_refresh(struct kradar_serial *p)
{
	size_t i;

	p->want_none = p->want_console = p->want_cpu = false;
	p->nr_want_callers = 0;
	p->want_deadline = UINT64_MAX;
	for (i = 0; i < KS_MAX_OPEN_COLLECTORS; i++) {
		const struct collector *c = &p->col[i];

		if (!c->open)
			continue;
		if (c->ctx.kind == CTX_NONE)
			p->want_none = true;
		else if (c->ctx.kind == CTX_CONSOLE)
			p->want_console = true;
		else
			memcpy(p->want_callers[p->nr_want_callers++], c->ctx.caller, 16);
		if (c->cpu_traceback)
			p->want_cpu = true;
		if (c->second && c->ctx.kind != CTX_CALLER &&
		    c->second_line + KS_LINES_AFTER_FINAL < p->want_deadline)
			p->want_deadline = c->second_line + KS_LINES_AFTER_FINAL;
	}
	p->want_dirty = false;
}

/*
 * Does an open collector take a line of this context (col_feed()'s test:
 * same context, or any CPU's once an all-CPU backtrace started)? end is
 * ts_match()'s result, caller its zero-padded caller bracket.
 */
static bool want_ctx(const struct kradar_serial *p, long end, const char caller[16])
{
	const char *c = caller + 1;
	size_t i;

	if (end < 0)
		return p->want_none;
	if (!caller[0])
		return p->want_console;
	for (i = 0; i < p->nr_want_callers; i++)
		if (!memcmp(p->want_callers[i], caller, 16))
			return true;
	if (!p->want_cpu)
		return false;
	while (*c == ' ')
		c++;
	return *c == 'C';
}

/*
 * The short path of process_line() for a line s[0..len) that needs no
 * cleaning, has no "** N printk messages dropped **" or login prefix and
 * contains no prefilter literal: so it opens no report and makes no
 * event. For open collectors col_feed() only counts it, unless its
 * context is theirs. avail bytes are readable at s (the timestamp is
 * read with SIMD masks when there are 32). Returns false, changing
 * nothing, when the line needs the full path.
 */
static bool plain_line(struct kradar_serial *p, const char *s, size_t len,
		       size_t avail)
{
	uint64_t line = p->st.lines + 1;
	char caller[16];
	long end = -2;
	size_t i;

	while (len && s[len - 1] == '\r')
		len--;
	if (avail >= 32)
		end = ts_fast(s, caller);
	if (end == -2)
		end = ts_match(s, len, 0, NULL, caller, false);
	if (p->nr_open) {
		if (p->want_dirty)
			want_refresh(p);
		if (want_ctx(p, end, caller))
			return false;
		if (line >= p->want_deadline)
			for (i = 0; i < KS_MAX_OPEN_COLLECTORS; i++)
				if (p->col[i].open && col_final_done(&p->col[i], line))
					col_close(p, &p->col[i], false);
	}
	p->st.lines = line;
	if (end >= 0)
		p->st.lines_with_time++;
	return true;
}

static void lbuf_append(struct kradar_serial *p, const char *s, size_t n)
{
	size_t room = KRADAR_SERIAL_MAX_LINE - p->llen;

	if (n > room) {
		p->lcut = true;
		n = room;
	}
	memcpy(p->lbuf + p->llen, s, n);
	p->llen += n;
}

/*
 * A complete line s[0..len) inside the caller's buffer (avail bytes
 * readable at s, s[len] is '\n'), with its KS_LIT_* bits. Most lines are neither candidates nor in a report: for them only
 * the counters change, and the line is not copied. The others are copied
 * into lbuf and take the full path, with the same result.
 */
static void line_in_place(struct kradar_serial *p, const char *s, size_t len,
			  size_t avail, uint64_t lits)
{
	bool cut = false;

	if (!(lits & (KS_LIT_CANDIDATE | KS_LIT_CONTROL | KS_LIT_LOGIN |
		      KS_LIT_INFO_STACK)) &&
	    len <= KRADAR_SERIAL_MAX_LINE && (!len || (s[0] != '\r' && s[0] != '*')) &&
	    !rcu_detail_pending(p) && plain_line(p, s, len, avail))
		return;
	if (len > KRADAR_SERIAL_MAX_LINE) {
		len = KRADAR_SERIAL_MAX_LINE;
		cut = true;
	}
	memcpy(p->lbuf, s, len);
	p->lbuf[len] = 0;
	process_line(p, p->lbuf, len, cut, lits, !cut);
}

/* Complete lines buf[0..len), buf[len - 1] == '\n', at stream offset
 * base: one scanner pass finds the line ends and the literals together. */
static void feed_lines(struct kradar_serial *p, const char *buf, size_t len,
		       uint64_t base)
{
	const unsigned char *s = (const unsigned char *)buf;
	uint64_t lits = 0, hit, nl, ev;
	size_t off, ls = 0;
	uint8_t bk[64];

	for (off = 0; off < len; off += 64) {
		hit = ks_block_at(s, len, off, bk, &nl);
		ev = hit | nl;
		while (ev) {
			int i = __builtin_ctzll(ev);
			size_t pos = off + (size_t)i;

			ev &= ev - 1;
			if ((hit >> i) & 1)
				lits |= ks_verify(s, len, pos, bk[i]);
			if ((nl >> i) & 1) {
				p->line_offset = base + ls;
				line_in_place(p, buf + ls, pos - ls, len - ls, lits);
				ls = pos + 1;
				lits = 0;
			}
		}
	}
}

struct kradar_serial *kradar_serial__new(void)
{
	struct kradar_serial *p;
	int err = ks_titles_init();

	if (!err)
		err = ks_scan_init();

	if (err) {
		errno = -err;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto err_out;
	p->lbuf = calloc(1, KRADAR_SERIAL_MAX_LINE + 1);
	if (!p->lbuf)
		goto err_out;
	mem_add(p, (long)(sizeof(*p) + KRADAR_SERIAL_MAX_LINE + 1));
	return p;
err_out:
	kradar_serial__free(p);
	errno = ENOMEM;
	return NULL;
}

void kradar_serial__free(struct kradar_serial *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < KS_MAX_OPEN_COLLECTORS; i++)
		free(p->col[i].buf);
	free(p->events);
	free(p->reports);
	free(p->lbuf);
	free(p);
}

int kradar_serial__feed(struct kradar_serial *p, const void *buf, size_t len)
{
	const char *s = buf, *start = buf, *nl;
	uint64_t base;

	if (!p || (!buf && len))
		return -EINVAL;
	if (p->finished)
		return -EALREADY;
	base = p->st.bytes;
	p->st.bytes += len;
	/* the line the previous call left open */
	if (len && (p->llen || p->lcut)) {
		size_t n;

		nl = memchr(s, '\n', len);
		n = nl ? (size_t)(nl - s) : len;
		lbuf_append(p, s, n);
		if (!nl)
			return 0;
		p->lbuf[p->llen] = 0;
		process_line(p, p->lbuf, p->llen, p->lcut, 0, false);
		s = nl + 1;
		len -= n + 1;
		p->line_offset = base + (uint64_t)(s - start);
		p->llen = 0;
		p->lcut = false;
	}
	if (!len)
		return 0;
	nl = memrchr(s, '\n', len);
	if (nl) {
		size_t n = (size_t)(nl + 1 - s);

		feed_lines(p, s, n, base + (uint64_t)(s - start));
		s += n;
		len -= n;
		p->line_offset = base + (uint64_t)(s - start);
	}
	lbuf_append(p, s, len);
	return 0;
}

int kradar_serial__finish(struct kradar_serial *p)
{
	size_t i;

	if (!p)
		return -EINVAL;
	if (p->finished)
		return 0;
	if (p->llen || p->lcut) {
		p->lbuf[p->llen] = 0;
		process_line(p, p->lbuf, p->llen, p->lcut, 0, false);
		p->llen = 0;
	}
	/* close in opening order so results do not depend on slots */
	for (;;) {
		struct collector *first = NULL;

		for (i = 0; i < KS_MAX_OPEN_COLLECTORS; i++)
			if (p->col[i].open && (!first || p->col[i].seq < first->seq))
				first = &p->col[i];
		if (!first)
			break;
		col_close(p, first, false);
	}
	p->finished = true;
	return 0;
}

size_t kradar_serial__nr_events(const struct kradar_serial *p)
{
	return p ? p->nr_events : 0;
}

const struct kradar_serial_event *
kradar_serial__event(const struct kradar_serial *p, size_t i)
{
	return p && i < p->nr_events ? &p->events[i] : NULL;
}

size_t kradar_serial__nr_reports(const struct kradar_serial *p)
{
	return p && p->finished ? p->nr_reports : 0;
}

const struct kradar_serial_report *
kradar_serial__report(const struct kradar_serial *p, size_t i)
{
	return p && p->finished && i < p->nr_reports ? &p->reports[i] : NULL;
}

const struct kradar_serial_stats *kradar_serial__stats(const struct kradar_serial *p)
{
	return p ? &p->st : NULL;
}
