/* SPDX-License-Identifier: GPL-2.0 */
/* Internal interface between the stream layer (kradar_serial.c) and the
 * syzkaller-compatible title rules (serial_titles.c). */
#ifndef KRADAR_SERIAL_INTERNAL_H
#define KRADAR_SERIAL_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include "kradar_serial.h"

#pragma GCC poison u8 u16 u32 u64

#include <string.h>

/* Copy a C string into dst[sz], cutting it; always NUL-terminated. */
static inline void str_copy(char *dst, size_t sz, const char *src)
{
	size_t n = strlen(src);

	if (!sz)
		return;
	if (n >= sz)
		n = sz - 1;
	memmove(dst, src, n);
	dst[n] = 0;
}

/* Compile the built-in patterns once; 0 or -errno. */
int ks_titles_init(void);

/* The line arguments below are NUL-terminated at len (no NUL inside). */

/* Cheap test: can this raw line match any oops header or event keyword? */
bool ks_line_candidate(const char *line, size_t len);

/* Index of the first oops (in syzkaller's order) whose header the raw line
 * contains and whose suppressions it does not match; -1 if none. */
int ks_match_oops(const char *line, size_t len);
/* syzkaller's reportStartIgnores: oops lines that do not start a new report. */
bool ks_report_start_ignored(const char *line, size_t len);
/* syzkaller's infoMessagesWithStack. */
bool ks_info_with_stack(const char *line, size_t len);
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
