/* SPDX-License-Identifier: GPL-2.0 */
/*
 * UTF-8 validation for guest strings (host/lib/utf8.c). The guest runs a
 * kernel being fuzzed: any byte can come out of it, and every writer of
 * JSON, XML or terminal text asks this one function what is valid.
 */
#ifndef KRADAR_UTF8_H
#define KRADAR_UTF8_H

#include <stddef.h>

/*
 * Length (1 to 4) of the valid UTF-8 sequence at @s, of which at most
 * @len bytes may be read; 0 when it is not valid: a stray continuation
 * byte, an overlong form, a UTF-16 surrogate, beyond U+10FFFF or cut
 * short. It stops reading at the first byte that does not fit, so a
 * NUL-terminated string is never read past its NUL.
 */
size_t kradar_utf8_len(const void *s, size_t len);

#endif /* KRADAR_UTF8_H */
