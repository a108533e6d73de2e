// SPDX-License-Identifier: GPL-2.0
/* JSON string literals of untrusted bytes; see json_string.h. */
#include <stdlib.h>

#include "json_string.h"
#include "utf8.h"

#pragma GCC poison u8 u16 u32 u64

void kradar_json_string(FILE *f, const char *str, size_t len, unsigned int flags)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	fputc('"', f);
	while (i < len) {
		unsigned char c = s[i];
		size_t n;

		if (c == '"' || c == '\\') {
			fputc('\\', f);
			fputc(c, f);
			i++;
			continue;
		}
		if (c == '\n' && (flags & KRADAR_JSON_NL)) {
			fputs("\\n", f);
			i++;
			continue;
		}
		if ((c == '\r' || c == '\t') && (flags & KRADAR_JSON_CR_TAB)) {
			fputs(c == '\r' ? "\\r" : "\\t", f);
			i++;
			continue;
		}
		if (c < 0x20 || c == 0x7f ||
		    (c >= 0x80 && (flags & KRADAR_JSON_LATIN1))) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		n = kradar_utf8_len(s + i, len - i);
		if (!n) {
			/* U+FFFD is ef bf bd in UTF-8 */
			fputs(flags & KRADAR_JSON_FFFD_RAW ? "\xef\xbf\xbd" : "\\ufffd", f);
			i++;
			continue;
		}
		fwrite(s + i, 1, n, f);
		i += n;
	}
	fputc('"', f);
}

char *kradar_json_quote(const char *s, size_t len, unsigned int flags)
{
	char *buf = NULL;
	size_t size;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	kradar_json_string(f, s, len, flags);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}
