// SPDX-License-Identifier: GPL-2.0
/*
 * Whole files into memory; see file.h. Read until EOF rather than trusting
 * st_size: pipes, /proc files and files that grow are read whole too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "file.h"

#pragma GCC poison u8 u16 u32 u64

#define KRADAR_FILE_CHUNK 65536	/* bytes, first buffer size */

char *kradar_file_read(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0;
	int err;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (n == cap) {
			char *nb;

			if (max && cap > max) {
				err = EFBIG;
				goto err_out;
			}
			cap = cap ? cap * 2 : KRADAR_FILE_CHUNK;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = ENOMEM;
				goto err_out;
			}
			buf = nb;
		}
		r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(f)) {
		err = EIO;
		goto err_out;
	}
	if (max && n > max) {
		err = EFBIG;
		goto err_out;
	}
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
err_out:
	free(buf);
	fclose(f);
	errno = err;
	return NULL;
}
