/* SPDX-License-Identifier: GPL-2.0 */
/* Whole files into memory (host/lib/file.c). */
#ifndef KRADAR_FILE_H
#define KRADAR_FILE_H

#include <stddef.h>

/*
 * All of @path in a malloc'd buffer with a NUL after the last byte (not
 * counted in *@len; @len may be NULL). At most @max bytes (0: no limit).
 * NULL with errno set when it cannot be opened or read, ENOMEM, or EFBIG
 * when the file is larger than @max.
 */
char *kradar_file_read(const char *path, size_t max, size_t *len);

#endif /* KRADAR_FILE_H */
