/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace copy of the generic hashes of the kernel's <linux/hash.h>
 * (x86-64 has no CONFIG_HAVE_ARCH_HASH, so these are what the probe
 * runs). Same constants, same shifts: a slot index computed here is the
 * slot the kernel picks for the same pointer.
 */
#ifndef _BENCH_SHIM_LINUX_HASH_H
#define _BENCH_SHIM_LINUX_HASH_H

#include <linux/compiler.h>
#include <linux/types.h>

#define GOLDEN_RATIO_32 0x61C88647
#define GOLDEN_RATIO_64 0x61C8864680B583EBull

#if BITS_PER_LONG == 64
#define hash_long(val, bits) hash_64(val, bits)
#else
#define hash_long(val, bits) hash_32(val, bits)
#endif

static inline u32 __hash_32(u32 val)
{
	return val * GOLDEN_RATIO_32;
}

static inline u32 hash_32(u32 val, unsigned int bits)
{
	/* High bits are more random, so use them. */
	return __hash_32(val) >> (32 - bits);
}

static __always_inline u32 hash_64(u64 val, unsigned int bits)
{
#if BITS_PER_LONG == 64
	/* 64x64-bit multiply is efficient on all 64-bit processors */
	return val * GOLDEN_RATIO_64 >> (64 - bits);
#else
	return hash_32((u32)val ^ __hash_32(val >> 32), bits);
#endif
}

static inline u32 hash_ptr(const void *ptr, unsigned int bits)
{
	return hash_long((unsigned long)ptr, bits);
}

#endif /* _BENCH_SHIM_LINUX_HASH_H */
