/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON string literals of untrusted bytes (host/lib/json_string.c): every
 * JSON writer of the host tools quotes through here, so a guest string
 * can never break a line or the syntax. Control characters and DEL are
 * always \u-escaped; bytes that are not valid UTF-8 become U+FFFD.
 *
 * The flags keep each tool's documents as they have always been written.
 */
#ifndef KRADAR_JSON_STRING_H
#define KRADAR_JSON_STRING_H

#include <stddef.h>
#include <stdio.h>

enum {
	KRADAR_JSON_NL		= 1 << 0,	/* \n, not \u000a */
	KRADAR_JSON_CR_TAB	= 1 << 1,	/* \r and \t, not \u000d \u0009 */
	KRADAR_JSON_FFFD_RAW	= 1 << 2,	/* U+FFFD as itself, not \ufffd */
	KRADAR_JSON_LATIN1	= 1 << 3,	/* bytes >= 0x80 are Latin-1: \u00XX */
};
#define KRADAR_JSON_SHORT	(KRADAR_JSON_NL | KRADAR_JSON_CR_TAB)

/* @len bytes of @s as a JSON string literal, quotes included */
void kradar_json_string(FILE *f, const char *s, size_t len, unsigned int flags);
/* The same into a malloc'd NUL-terminated string; NULL and errno on error */
char *kradar_json_quote(const char *s, size_t len, unsigned int flags);

#endif /* KRADAR_JSON_STRING_H */
