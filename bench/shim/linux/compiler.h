/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/compiler.h> and <asm-generic/rwonce.h>:
 * the same expansions as the kernel's for scalar types (GCC).
 */
#ifndef _BENCH_SHIM_LINUX_COMPILER_H
#define _BENCH_SHIM_LINUX_COMPILER_H

#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)

/* glibc's <sys/cdefs.h> has its own, equivalent one */
#undef __always_inline
#define __always_inline	inline __attribute__((__always_inline__))
#define noinline	__attribute__((__noinline__))
#define notrace		__attribute__((__no_instrument_function__))
#define __maybe_unused	__attribute__((__unused__))

/* The kernel strips qualifiers with __unqual_scalar_typeof(); the hot
 * path only reads scalars, for which typeof() gives the same access. */
#define READ_ONCE(x)	(*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, val)				\
do {							\
	*(volatile __typeof__(x) *)&(x) = (val);	\
} while (0)

#endif /* _BENCH_SHIM_LINUX_COMPILER_H */
