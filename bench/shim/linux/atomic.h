/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/atomic.h> and the barriers, as x86-64
 * expands them: cmpxchg(), atomic_inc(), atomic_dec() and atomic64_inc()
 * are one lock-prefixed instruction, atomic_read() a plain load,
 * smp_wmb() only a compiler barrier (stores are ordered).
 */
#ifndef _BENCH_SHIM_LINUX_ATOMIC_H
#define _BENCH_SHIM_LINUX_ATOMIC_H

#include <linux/types.h>

typedef struct {
	int counter;
} atomic_t;

typedef struct {
	s64 counter;
} atomic64_t;

typedef struct {
	long counter;
} atomic_long_t;

#define barrier()	__asm__ __volatile__("" : : : "memory")
#define smp_wmb()	barrier()

#define cmpxchg(ptr, old, new) \
	__sync_val_compare_and_swap((ptr), (old), (new))

static inline int atomic_read(const atomic_t *v)
{
	return *(const volatile int *)&v->counter;
}

static inline void atomic_inc(atomic_t *v)
{
	__asm__ __volatile__("lock incl %0" : "+m"(v->counter));
}

static inline void atomic_dec(atomic_t *v)
{
	__asm__ __volatile__("lock decl %0" : "+m"(v->counter));
}

static inline void atomic64_inc(atomic64_t *v)
{
	__asm__ __volatile__("lock incq %0" : "+m"(v->counter));
}

static inline s64 atomic64_read(const atomic64_t *v)
{
	return *(const volatile s64 *)&v->counter;
}

#endif /* _BENCH_SHIM_LINUX_ATOMIC_H */
