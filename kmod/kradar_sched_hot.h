/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_probe.ko stuck-CPU detector hot path: what runs on every
 * sched_wakeup and every sched_switch, two of the busiest tracepoints of
 * the kernel.
 *
 * Kept in this header, free of anything but a few basic kernel helpers
 * (READ_ONCE/WRITE_ONCE, per_cpu_ptr/this_cpu_ptr, task_cpu and
 * local_clock), so that bench/ can compile the very same code in
 * userspace with small shims of those helpers and count its instructions
 * per scheduler event under callgrind.
 */
#ifndef _KRADAR_SCHED_HOT_H
#define _KRADAR_SCHED_HOT_H

#include <linux/compiler.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/types.h>
#include <kradar_wire.h>

#define KRADAR_NMI_STACK	(KRADAR_STUCK_STACK + 16)

/* Per CPU, probe side. */
struct kradar_sched_cpu {
	/* the first wakeup onto this CPU since its last switch; 0: none */
	u64 wake_ns;
	pid_t wake_pid;
	unsigned int nmi_want;	/* id of the NMI of ours on its way; 0: none */
	unsigned int nmi_gen;	/* odd while the fields below change */
	unsigned int nmi_req;	/* id of the NMI that took the stack */
	unsigned int nmi_nr;
	int nmi_user;
	int nmi_preempt;
	unsigned long nmi_stack[KRADAR_NMI_STACK];
};

/*
 * sched_wakeup of @p: note it in its CPU's state in @pcpu unless a wakeup
 * is pending there already (one load, nothing written then).
 */
static __always_inline void
kradar_sched_hot_wakeup(struct kradar_sched_cpu __percpu *pcpu,
			struct task_struct *p)
{
	struct kradar_sched_cpu *s;

	s = per_cpu_ptr(pcpu, task_cpu(p));
	if (READ_ONCE(s->wake_ns))
		return;
	WRITE_ONCE(s->wake_pid, p->pid);
	WRITE_ONCE(s->wake_ns, local_clock());
}

/* sched_switch: this CPU's pending wakeup, if any, is served. */
static __always_inline void
kradar_sched_hot_switch(struct kradar_sched_cpu __percpu *pcpu)
{
	struct kradar_sched_cpu *s = this_cpu_ptr(pcpu);

	if (READ_ONCE(s->wake_ns))
		WRITE_ONCE(s->wake_ns, 0);
}

#endif /* _KRADAR_SCHED_HOT_H */
