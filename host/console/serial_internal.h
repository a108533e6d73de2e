/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interface between the stream layer (kradar_serial.c) and the
 * syzkaller-compatible title rules (serial_titles.c). */
#ifndef KRADAR_SERIAL_INTERNAL_H
#define KRADAR_SERIAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "kradar_serial.h"

#include "str.h"		/* str_copy(), libkradar */

#pragma GCC poison u8 u16 u32 u64

/* Compile the built-in patterns once; 0 or -errno. */
int ks_titles_init(void);

/* The line arguments below are NUL-terminated at len (no NUL inside). */

/* Cheap test: can this raw line match any oops header or event keyword?
 * (PCRE2 form of the prefilter; the stream layer uses ks_scan_line().) */
bool ks_line_candidate(const char *line, size_t len);
/* The literals of that prefilter: the oops headers in syzkaller's order,
 * then the event keywords; NULL past the last. */
const char *ks_prefilter_word(size_t i);

/*
 * Literal scanner of the stream layer (kradar_serial.c): one pass over a
 * line finds which of a fixed set of literals it contains. The result is
 * a mask of KS_LIT_* bits; a line is a prefilter candidate exactly when
 * ks_line_candidate() says so, i.e. when (mask & KS_LIT_CANDIDATE) != 0.
 */
#define KS_LIT_INFO_STACK	(1ull << 59)	/* a ks_info_stack_word() */
#define KS_LIT_LOGIN		(1ull << 60)	/* " login: " */
#define KS_LIT_CONTROL		(1ull << 63)	/* a NUL or ESC byte */
#define KS_LIT_CANDIDATE	((1ull << 59) - 1)

enum ks_scan_impl { KS_SCAN_SCALAR, KS_SCAN_SSSE3, KS_SCAN_AVX2 };

/* Build the scanner tables (checks them against ks_prefilter_word()); 0 or
 * -EINVAL (a bug). Called by kradar_serial__new(). */
int ks_scan_init(void);
/* KS_LIT_* bits of line[0..len) (any bytes, no terminator needed). */
uint64_t ks_scan_line(const char *line, size_t len);
/* Pick the implementation (tests compare them); 0, or -ENOTSUP when this
 * CPU lacks it. The default is the fastest one the CPU has. */
int ks_scan_use(enum ks_scan_impl impl);

/* The KS_LIT_* candidate bits of the scanner literals that word contains
 * (so a line containing word has them all). After ks_scan_init(). */
uint64_t ks_lit_bits(const char *word);
#define KS_LIT_ALL		(~0ull)	/* "literals not known" */

/* Index of the first oops (in syzkaller's order) whose header the raw line
 * contains and whose suppressions it does not match; -1 if none. lits:
 * the line's ks_scan_line() bits (headers whose literals are not all
 * there are skipped), or KS_LIT_ALL. */
int ks_match_oops(const char *line, size_t len, uint64_t lits);
/* syzkaller's reportStartIgnores: oops lines that do not start a new report. */
bool ks_report_start_ignored(const char *line, size_t len);
/* syzkaller's infoMessagesWithStack. */
bool ks_info_with_stack(const char *line, size_t len);
/* Its literals; NULL past the last. */
const char *ks_info_stack_word(size_t i);
/* " ? " frames and "(unreliable)" frames (questionable). */
bool ks_questionable_frame(const char *line, size_t len);

/*
 * Title, alternative titles, corruption and guilty frame for a report:
 * head/head_len is the report text up to syzkaller's reportEnd, full/full_len
 * all collected text (used for the corruption checks). The oops line that
 * opened the report is first in both. Fills rep->title etc.
 */
void ks_describe(int oops, const char *head, size_t head_len,
		 const char *full, size_t full_len,
		 struct kradar_serial_report *rep);

/* Collect call-trace frames ("func+0xoff/0xsize [mod]") of a report. */
void ks_collect_frames(const char *text, size_t len,
		       struct kradar_serial_report *rep);

/* Rust v0 demangling ("_R..."); false and out untouched if not one. */
bool ks_rust_demangle(const char *sym, char *out, size_t outsz);

#endif /* KRADAR_SERIAL_INTERNAL_H */
