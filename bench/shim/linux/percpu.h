/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/percpu.h>, as x86-64 SMP expands it:
 * per_cpu_ptr() adds __per_cpu_offset[cpu] to the pointer (one indexed
 * load and an add), this_cpu_ptr() adds this CPU's offset, which the
 * kernel reads %gs-relative (this_cpu_off) and the shim %fs-relative
 * from a local-exec TLS variable, one per thread: a thread of
 * test_bench_sched is one CPU. bench/sched/ sets both up.
 */
#ifndef _BENCH_SHIM_LINUX_PERCPU_H
#define _BENCH_SHIM_LINUX_PERCPU_H

#define __percpu

extern unsigned long __per_cpu_offset[];
extern __thread unsigned long bench_this_cpu_off
	__attribute__((tls_model("local-exec")));

#define per_cpu_ptr(ptr, cpu)						\
	((__typeof__(ptr))((unsigned long)(ptr) + __per_cpu_offset[(cpu)]))
#define this_cpu_ptr(ptr)						\
	((__typeof__(ptr))((unsigned long)(ptr) + bench_this_cpu_off))

#endif /* _BENCH_SHIM_LINUX_PERCPU_H */
