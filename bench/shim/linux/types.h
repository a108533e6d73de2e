/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/types.h>, only what kmod/kradar_hot.h
 * uses, so bench/ can compile the probe's hot path unchanged.
 */
#ifndef _BENCH_SHIM_LINUX_TYPES_H
#define _BENCH_SHIM_LINUX_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>	/* pid_t */

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define BITS_PER_LONG	(__SIZEOF_LONG__ * 8)

#endif /* _BENCH_SHIM_LINUX_TYPES_H */
