// SPDX-License-Identifier: GPL-2.0
/* Hex digits; see hex.h. */
#include "hex.h"

#pragma GCC poison u8 u16 u32 u64

int kradar_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}
