/* SPDX-License-Identifier: GPL-2.0 */
/*
 * get_unaligned_le*(): <asm/unaligned.h> until 6.11, <linux/unaligned.h>
 * from 6.12 (the header moved, its helpers did not change). Chosen by
 * which header the tree has, not by version: distributions backport.
 */
#ifndef _KRADAR_COMPAT_UNALIGNED_H
#define _KRADAR_COMPAT_UNALIGNED_H

#if __has_include("linux/unaligned.h")
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

#endif /* _KRADAR_COMPAT_UNALIGNED_H */
