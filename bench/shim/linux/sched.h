/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/sched.h>: the task state word and the
 * state bit kmod/compat/locking.h reads (include/linux/sched.h, 6.1),
 * and current, which the driver points at the task of each event (one
 * per thread).
 */
#ifndef _BENCH_SHIM_LINUX_SCHED_H
#define _BENCH_SHIM_LINUX_SCHED_H

#include <linux/compiler.h>

#define TASK_UNINTERRUPTIBLE	0x00000002
#define TASK_RTLOCK_WAIT	0x00001000

struct task_struct {
	unsigned int __state;
	char pad[9000];		/* task_struct is ~9 KiB in 6.1 */
};

/*
 * One per thread, so that test_bench_lock can run tasks on several CPUs
 * at once; local-exec TLS is one %fs-relative load, as the kernel's
 * current is one %gs-relative load.
 */
extern __thread struct task_struct *bench_current
	__attribute__((tls_model("local-exec")));
#define current	bench_current

#endif /* _BENCH_SHIM_LINUX_SCHED_H */
