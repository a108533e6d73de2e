/* SPDX-License-Identifier: GPL-2.0 */
/* Bounded string building (host/lib/str.c). */
#ifndef KRADAR_STR_H
#define KRADAR_STR_H

#include <stddef.h>
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

/*
 * printf to the end of the NUL-terminated string in @buf (@len bytes in
 * all): what does not fit is cut, the result stays terminated; a full
 * buffer is left as it is.
 */
void kradar_appendf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* KRADAR_STR_H */
