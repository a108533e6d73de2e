/* SPDX-License-Identifier: GPL-2.0 */
/* Hex digits (host/lib/hex.c). */
#ifndef KRADAR_HEX_H
#define KRADAR_HEX_H

/* Value of the hex digit @c (either case), or -1 when it is not one. */
int kradar_hexval(int c);

#endif /* KRADAR_HEX_H */
