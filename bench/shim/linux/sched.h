/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace stand-in for <linux/sched.h>: the task state word and the
 * state bit kmod/compat/locking.h reads (include/linux/sched.h, 6.1),
 * the pid and task_cpu() kmod/kradar_sched_hot.h reads, and current,
 * which the driver points at the task of each event (one per thread).
 */
#ifndef _BENCH_SHIM_LINUX_SCHED_H
#define _BENCH_SHIM_LINUX_SCHED_H

#include <linux/compiler.h>
#include <linux/types.h>

#define TASK_UNINTERRUPTIBLE	0x00000002
#define TASK_RTLOCK_WAIT	0x00001000

/* x86's (arch/x86/include/asm/thread_info.h, 6.1, CONFIG_SMP) */
struct thread_info {
	unsigned long flags;
	unsigned long syscall_work;
	u32 status;
	u32 cpu;
};

/*
 * With CONFIG_THREAD_INFO_IN_TASK thread_info comes first, as here;
 * pid is where the 6.1 cloud kernel has it (0x970, the module reads it
 * there).
 */
struct task_struct {
	struct thread_info thread_info;
	unsigned int __state;
	char pad0[0x970 - sizeof(struct thread_info) - sizeof(unsigned int)];
	pid_t pid;
	char pad[9000 - 0x970 - sizeof(pid_t)];	/* ~9 KiB in 6.1 */
};

static inline unsigned int task_cpu(const struct task_struct *p)
{
	return READ_ONCE(p->thread_info.cpu);
}

/*
 * One per thread, so that test_bench_lock can run tasks on several CPUs
 * at once; local-exec TLS is one %fs-relative load, as the kernel's
 * current is one %gs-relative load.
 */
extern __thread struct task_struct *bench_current
	__attribute__((tls_model("local-exec")));
#define current	bench_current

#endif /* _BENCH_SHIM_LINUX_SCHED_H */
