/* SPDX-License-Identifier: GPL-2.0 */
/* Userspace stand-in for <linux/bits.h>: BIT() as include/vdso/bits.h. */
#ifndef _BENCH_SHIM_LINUX_BITS_H
#define _BENCH_SHIM_LINUX_BITS_H

#define BIT(nr)		(1UL << (nr))

#endif /* _BENCH_SHIM_LINUX_BITS_H */
