// SPDX-License-Identifier: GPL-2.0
/*
 * kradar stuck-CPU detector: CPUs that cannot schedule or cannot take
 * interrupts, seen in stuck_ms, long before the kernel's soft-lockup
 * (2 * watchdog_thresh, 20 s) and hard-lockup (10 s, and never under
 * TCG: no perf NMI) watchdogs, and whether or not an RCU grace period
 * happens to wait on them.
 *
 * Two kinds, both judged by the sampler from another CPU:
 *  - SCHED: the CPU runs a task (not idle) that has not been switched out,
 *    returned to user mode or gone idle for stuck_ms (the RCU detector's
 *    per-CPU quiescent-state opportunity: its sched_switch probe and its
 *    look at the tick's interrupted registers), while a task woken onto
 *    that CPU since then waits to run. Preemption off, or a kernel loop
 *    that never calls cond_resched() on a non-preemptible kernel. A busy
 *    CPU whose task is alone and in user mode is fine; so is a long
 *    kernel stretch that nobody waits for.
 *  - IRQS: the CPU runs a task and no hrtimer has expired there for
 *    stuck_ms: its tick stopped, so interrupts are off (a busy CPU keeps
 *    its tick; only an idle one stops it).
 *  - RT: an RT task (SCHED_FIFO or SCHED_RR) took at least 80 % of the
 *    CPU for stuck_ms, by its sum_exec_runtime: what runs out the RT
 *    runtime limit ("sched: RT throttling activated", after 950 ms of
 *    every second) or starves every other task there when there is
 *    none.
 * A CPU that an hrtimer storm floods is the storm detector's finding:
 * not reported here a second time, also where the storm runs in an RT
 * thread (PREEMPT_RT's ktimers/N runs soft hrtimers).
 *
 * Stacks are the stuck CPU's own: for SCHED its tick takes one on request
 * (kradar_cpu_want_stack()), with the preempt_count() it interrupted; for
 * IRQS an NMI takes one where the kernel lets a module send NMIs (x86's
 * local APIC), and the first interrupt after the stretch takes another,
 * which names where interrupts came back on.
 *
 * Records: CPU_STUCK BEGIN at stuck_ms, UPDATE every second, END with the
 * total. A whole-guest stall (the host did not run the guest) looks like
 * every CPU stuck: no stretch opens in a window the sampler itself took
 * more than half of stuck_ms late for.
 *
 * Cost: a sched_wakeup probe that reads one word of the target CPU's
 * state and writes it only when no wakeup is pending there yet, and in
 * the RCU detector's sched_switch probe a load and a branch that clears
 * that word on its own CPU when it is set. The NMI
 * handler does nothing unless this module asked for the NMI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hardirq.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/preempt.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <trace/events/sched.h>
#ifdef CONFIG_X86_LOCAL_APIC
#include <asm/apic.h>
#include <asm/nmi.h>
#endif
#include "kradar.h"
#include "kradar_sched_hot.h"
#include "compat/sched.h"

#define KRADAR_STUCK_UPDATE_NS	NSEC_PER_SEC

/* Per CPU, sampler side, under kradar_sample_lock. */
struct kradar_stuck_track {
	bool open;
	u32 kind;
	u64 nmi_sent_ns;	/* the last NMI asked of this CPU, sent then */
	unsigned int nmi_first;	/* the stretch's first NMI id; 0: none */
	u64 since_ns;
	u64 last_emit_ns;
	u64 irq_events;		/* hrtimer expiries at irq_seen_ns */
	u64 irq_seen_ns;	/* last sample that saw one, or idle */
	u64 wait_ns;
	pid_t wait_pid;
	char wait_comm[KRADAR_COMM_LEN];
	/* an RT task followed on this CPU */
	pid_t rt_pid;
	u64 rt_runtime;		/* its sum_exec_runtime at rt_ns */
	u64 rt_ns;		/* the last sample */
	u64 rt_since;		/* it took >= 80 % since then; 0: not */
	u64 rt_run0;		/* its sum_exec_runtime at rt_since */
	unsigned int rt_low;	/* windows in a row it took < 40 % of */
	unsigned int rt_prio;
	char rt_comm[KRADAR_COMM_LEN];
};

/* also read by the RCU detector's sched_switch probe (kradar_rcu.c) */
struct kradar_sched_cpu __percpu *kradar_sched_pcpu;
static struct kradar_stuck_track *kradar_stuck;
static struct tracepoint *kradar_tp_wakeup;
static bool kradar_stuck_on, kradar_nmi_on;
static u64 kradar_stuck_total, kradar_stuck_nmis;
static unsigned int kradar_nmi_ids;	/* sampler only */
static unsigned int kradar_stuck_open;

bool kradar_stuck_enabled(void)
{
	return kradar_stuck_on;
}

/*
 * The per-event work is in kradar_sched_hot.h (bench/ measures it). The
 * switch side runs in the RCU detector's sched_switch probe: a second
 * probe on that tracepoint would cost every context switch the
 * tracepoint's iterator and an indirect call more.
 */
static void notrace kradar_probe_wakeup(void *data, struct task_struct *p)
{
	kradar_sched_hot_wakeup(kradar_sched_pcpu, p);
}

#ifdef CONFIG_X86_LOCAL_APIC
static int notrace kradar_nmi(unsigned int type, struct pt_regs *regs)
{
	struct kradar_sched_cpu *s = this_cpu_ptr(kradar_sched_pcpu);
	unsigned int i, n, req = READ_ONCE(s->nmi_want);

	if (!req)
		return NMI_DONE;
	WRITE_ONCE(s->nmi_want, 0);
	WRITE_ONCE(s->nmi_gen, s->nmi_gen + 1);
	smp_wmb();	/* odd generation before the data */
	s->nmi_req = req;
	n = stack_trace_save(s->nmi_stack, ARRAY_SIZE(s->nmi_stack), 0);
	/* drop the NMI's own frames: the stack starts where it hit */
	for (i = 0; i < n && s->nmi_stack[i] != instruction_pointer(regs); i++)
		;
	if (i < n) {
		memmove(s->nmi_stack, s->nmi_stack + i,
			(n - i) * sizeof(s->nmi_stack[0]));
		n -= i;
	}
	s->nmi_nr = n;
	s->nmi_user = user_mode(regs);
	s->nmi_preempt = IS_ENABLED(CONFIG_PREEMPT_COUNT) ?
			 (preempt_count() - NMI_OFFSET - HARDIRQ_OFFSET) &
			 (PREEMPT_MASK | SOFTIRQ_MASK) : -1;
	smp_wmb();	/* the data before the even generation */
	WRITE_ONCE(s->nmi_gen, s->nmi_gen + 1);
	return NMI_HANDLED;
}

/*
 * Ask @cpu for its stack by NMI, under id @id. Ids, not times, say which
 * NMI was answered: a CPU without interrupts stops its sched_clock
 * ticks, and its local_clock() is then clamped near its last tick.
 */
static void kradar_nmi_send(int cpu, unsigned int id)
{
	WRITE_ONCE(per_cpu_ptr(kradar_sched_pcpu, cpu)->nmi_want, id);
	smp_mb();	/* the request before the NMI */
	apic->send_IPI(cpu, NMI_VECTOR);
	kradar_stuck_nmis++;
}

static void kradar_nmi_hook(void)
{
	kradar_nmi_on = !register_nmi_handler(NMI_LOCAL, kradar_nmi, 0,
					      "kradar");
	if (!kradar_nmi_on)
		pr_info("stuck-CPU detector: no NMI handler: a CPU with interrupts off gets its stack only once they are back on\n");
}

static void kradar_nmi_unhook(void)
{
	if (kradar_nmi_on)
		unregister_nmi_handler(NMI_LOCAL, "kradar");
	kradar_nmi_on = false;
}
#else
static void kradar_nmi_send(int cpu, unsigned int id) { }
static void kradar_nmi_hook(void) { }
static void kradar_nmi_unhook(void) { }
#endif

/* @cpu answered an NMI of ours of id @first or later. */
static bool kradar_nmi_answered(int cpu, unsigned int first)
{
	struct kradar_sched_cpu *s = per_cpu_ptr(kradar_sched_pcpu, cpu);
	unsigned int gen = READ_ONCE(s->nmi_gen);

	smp_rmb();	/* pairs with kradar_nmi()'s first wmb */
	return first && gen && !(gen & 1) &&
	       (int)(READ_ONCE(s->nmi_req) - first) >= 0;
}

/*
 * The stack @cpu's NMI of id @k->nmi_first or later took, symbolised;
 * 0: none. *@when is when the sampler asked for it.
 */
static unsigned int kradar_nmi_stack(int cpu,
				     const struct kradar_stuck_track *k,
				     struct kradar_frame *f, u64 *when,
				     bool *user, int *preempt)
{
	struct kradar_sched_cpu *s = per_cpu_ptr(kradar_sched_pcpu, cpu);
	unsigned long stack[KRADAR_NMI_STACK];
	unsigned int gen, n;

	gen = READ_ONCE(s->nmi_gen);
	smp_rmb();	/* pairs with kradar_nmi()'s first wmb */
	if (!gen || (gen & 1) || !k->nmi_first ||
	    (int)(READ_ONCE(s->nmi_req) - k->nmi_first) < 0)
		return 0;
	*when = k->nmi_sent_ns;
	*user = READ_ONCE(s->nmi_user);
	*preempt = READ_ONCE(s->nmi_preempt);
	n = min_t(unsigned int, READ_ONCE(s->nmi_nr), ARRAY_SIZE(stack));
	memcpy(stack, s->nmi_stack, n * sizeof(stack[0]));
	smp_rmb();	/* pairs with its second wmb */
	if (READ_ONCE(s->nmi_gen) != gen)
		return 0;
	return kradar_cpu_frames(f, KRADAR_STUCK_STACK, stack, n);
}

static void kradar_stuck_exit(void)
{
	vfree(kradar_stuck);
	kradar_stuck = NULL;
	free_percpu(kradar_sched_pcpu);
	kradar_sched_pcpu = NULL;
}

static int kradar_stuck_init(u64 session)
{
	kradar_stuck_on = false;
	kradar_stuck_total = 0;
	kradar_stuck_nmis = 0;
	kradar_stuck_open = 0;
	if (!kradar_stuck_ms) {
		pr_info("stuck-CPU detector off (stuck_ms=0)\n");
		return 0;
	}
	kradar_sched_pcpu = alloc_percpu(struct kradar_sched_cpu);
	kradar_stuck = vzalloc(array_size(nr_cpu_ids, sizeof(*kradar_stuck)));
	if (!kradar_sched_pcpu || !kradar_stuck) {
		kradar_stuck_exit();
		return -ENOMEM;
	}
	return 0;
}

static void kradar_stuck_unhook(void)
{
	kradar_stuck_on = false;
	kradar_nmi_unhook();
	if (kradar_tp_wakeup)
		tracepoint_probe_unregister(kradar_tp_wakeup,
					    kradar_probe_wakeup, NULL);
	kradar_tp_wakeup = NULL;
}

/*
 * After the RCU detector, whose per-CPU view of what runs this one reads:
 * without it (qs_gap_ms=0 or its tracepoints missing) it stays off.
 */
static int kradar_stuck_start(void)
{
	u64 now = local_clock();
	int cpu;

	if (!kradar_sched_pcpu)
		return 0;
	if (!kradar_rcu_enabled()) {
		pr_info("stuck-CPU detector off: it needs the RCU gap detector's view of each CPU (qs_gap_ms)\n");
		return 0;
	}
	check_trace_callback_type_sched_wakeup(kradar_probe_wakeup);
	kradar_tp_wakeup = kradar_tp_attach("sched_wakeup", kradar_probe_wakeup,
					    "stuck-CPU detector");
	if (!kradar_tp_wakeup)
		return 0;
	for_each_possible_cpu(cpu) {
		kradar_stuck[cpu].irq_seen_ns = now;
		kradar_stuck[cpu].irq_events = kradar_hrtimer_cpu_events(cpu);
	}
	kradar_nmi_hook();
	kradar_stuck_on = true;
	return 0;
}

static bool kradar_rt_policy(const struct task_struct *p)
{
	return p->policy == SCHED_FIFO || p->policy == SCHED_RR;
}

/*
 * Follow the RT task that runs on @cpu: whether it took at least 80 % of
 * the CPU since the last sample (its sum_exec_runtime against the time
 * passed). The runtime limit (sched_rt_runtime_us, 950 ms of every 1 s)
 * lets other tasks run in between, so the task is followed by pid, not
 * by what runs at each sample. True while it takes that much.
 */
static bool kradar_rt_hog(int cpu, struct kradar_stuck_track *k,
			  const struct kradar_cpu_task *t, u64 now)
{
	struct task_struct *p = NULL;
	bool hog = false;
	u64 run;

	rcu_read_lock();
	if (k->rt_pid)
		p = pid_task(find_vpid(k->rt_pid), PIDTYPE_PID);
	if (!p || !kradar_rt_policy(p) || task_cpu(p) != cpu) {
		p = t->idle ? NULL : pid_task(find_vpid(t->pid), PIDTYPE_PID);
		if (p && (!kradar_rt_policy(p) || task_cpu(p) != cpu))
			p = NULL;
		k->rt_pid = p ? p->pid : 0;
		k->rt_since = 0;
		k->rt_low = 0;
		if (p) {
			k->rt_runtime = READ_ONCE(p->se.sum_exec_runtime);
			k->rt_prio = p->rt_priority;
			strscpy(k->rt_comm, p->comm, sizeof(k->rt_comm));
		}
		k->rt_ns = now;
		rcu_read_unlock();
		return false;
	}
	run = READ_ONCE(p->se.sum_exec_runtime);
	/*
	 * A stretch starts with a window it took >= 80 % of, and lasts
	 * while it took >= 80 % since the start and >= 40 % of one of the
	 * last three windows: the windows around one of the runtime limit's
	 * pauses are no end.
	 */
	if (now > k->rt_ns && run >= k->rt_runtime) {
		u64 got = run - k->rt_runtime, span = now - k->rt_ns;

		if (!k->rt_since && got * 10 >= span * 8) {
			k->rt_since = k->rt_ns;
			k->rt_run0 = k->rt_runtime;
		}
		k->rt_low = got * 10 >= span * 4 ? 0 : k->rt_low + 1;
		hog = k->rt_since && k->rt_low < 3 &&
		      (run - k->rt_run0) * 10 >= (now - k->rt_since) * 8;
	}
	if (!hog)
		k->rt_since = 0;
	k->rt_runtime = run;
	k->rt_ns = now;
	rcu_read_unlock();
	return hog;
}

/* The comm of @pid now, or "" when it is gone. */
static void kradar_pid_comm(pid_t pid, char comm[KRADAR_COMM_LEN])
{
	struct task_struct *t;

	memset(comm, 0, KRADAR_COMM_LEN);
	rcu_read_lock();
	t = pid ? pid_task(find_vpid(pid), PIDTYPE_PID) : NULL;
	if (t)
		strscpy(comm, t->comm, KRADAR_COMM_LEN);
	rcu_read_unlock();
}

/*
 * One record of @cpu's stretch, made at @now; an END's stretch ended at
 * @end: its next switch, or for IRQS the sample that saw interrupts
 * again (the CPU's own clock is not to be trusted after a stretch
 * without ticks).
 */
static void kradar_stuck_emit(int cpu, u32 phase, u32 flags,
			      struct kradar_stuck_track *k,
			      const struct kradar_cpu_task *t, u64 now, u64 end)
{
	struct kradar_rec_cpu_stuck *r;
	struct kradar_frame *f;
	unsigned int nr = 0;
	int preempt = -1;
	u64 when = 0;
	bool user = false;

	r = kradar_rec_begin(KRADAR_REC_CPU_STUCK, sizeof(*r) +
			     KRADAR_STUCK_STACK * sizeof(*f), cpu, now);
	if (!r)
		return;
	f = (struct kradar_frame *)(r + 1);
	/*
	 * Without interrupts no tick takes a stack in the stretch: the
	 * NMI's is the one taken in it; else the first interrupt after the
	 * stretch takes the one asked for, which names where interrupts
	 * came back on.
	 */
	if (k->kind == KRADAR_STUCK_IRQS)
		nr = kradar_nmi_stack(cpu, k, f, &when, &user, &preempt);
	if (nr) {
		flags |= KRADAR_STUCKF_NMI;
	} else {
		nr = kradar_cpu_stack(cpu, k->since_ns, f, KRADAR_STUCK_STACK,
				      &when, &user, &preempt);
		if (nr && k->kind == KRADAR_STUCK_IRQS)
			flags |= KRADAR_STUCKF_AFTER;
	}
	if (nr && user)
		flags |= KRADAR_STUCKF_USER;
	if (nr && preempt >= 0)
		flags |= KRADAR_STUCKF_PREEMPT;
	if (k->wait_ns)
		flags |= KRADAR_STUCKF_WAITER;
	r->phase = cpu_to_le32(phase);
	r->kind = cpu_to_le32(k->kind);
	r->since_ns = cpu_to_le64(k->since_ns);
	r->stuck_ns = cpu_to_le64(end - k->since_ns);
	r->wait_ns = cpu_to_le64(k->wait_ns);
	r->stack_ns = cpu_to_le64(nr ? when : 0);
	r->pid = cpu_to_le32(t->pid);
	r->wait_pid = cpu_to_le32(k->wait_ns ? k->wait_pid : 0);
	memcpy(r->comm, t->comm, KRADAR_COMM_LEN);
	r->comm[KRADAR_COMM_LEN - 1] = '\0';
	memcpy(r->wait_comm, k->wait_comm, KRADAR_COMM_LEN);
	r->flags = cpu_to_le32(flags);
	r->preempt_count = cpu_to_le32(nr && preempt >= 0 ? preempt : 0);
	r->threshold_ms = cpu_to_le32(kradar_stuck_ms);
	r->rt_priority = cpu_to_le32(k->kind == KRADAR_STUCK_RT ? k->rt_prio : 0);
	r->nr_stack = cpu_to_le32(nr);
	r->frame_size = cpu_to_le32(sizeof(*f));
	kradar_rec_shrink(r, sizeof(*r) + nr * sizeof(*f));
	kradar_rec_commit(r);
	k->last_emit_ns = now;
}

/* Once per window, from the sampler, under kradar_sample_lock. */
static void kradar_stuck_sample(const struct kradar_window *w)
{
	u64 thresh = (u64)kradar_stuck_ms * NSEC_PER_MSEC;
	u64 now = w->now;
	int cpu;

	if (!kradar_stuck_on)
		return;
	for_each_online_cpu(cpu) {
		struct kradar_sched_cpu *s = per_cpu_ptr(kradar_sched_pcpu, cpu);
		struct kradar_stuck_track *k = &kradar_stuck[cpu];
		u64 events = kradar_hrtimer_cpu_events(cpu);
		u64 wake_ns, irq_gap, sched_gap, flood;
		struct kradar_cpu_task t, rt;
		bool busy, irq_stuck, sched_stuck, rt_hog;
		pid_t wake_pid;
		u32 kind;

		if (!kradar_cpu_task(cpu, &t))
			continue;	/* switching right now */
		flood = kradar_hrtimer_flood_ns(cpu);
		busy = !t.idle && !flood;
		if (events != k->irq_events || !busy) {
			k->irq_events = events;
			k->irq_seen_ns = now;
		}
		wake_pid = READ_ONCE(s->wake_pid);
		wake_ns = READ_ONCE(s->wake_ns);
		if (!wake_ns || wake_ns < t.qs_ns || wake_pid == t.pid)
			wake_ns = 0;
		irq_gap = now - k->irq_seen_ns;
		sched_gap = busy && wake_ns && now > t.qs_ns ? now - t.qs_ns : 0;
		/* a storm in an RT softirq thread is the storm's finding */
		rt_hog = kradar_rt_hog(cpu, k, &t, now) && !flood;
		/* an RT stretch is about the RT task, whatever runs now */
		rt = t;
		if (k->rt_pid) {
			rt.pid = k->rt_pid;
			memcpy(rt.comm, k->rt_comm, sizeof(rt.comm));
		}

		if (k->open) {
			const struct kradar_cpu_task *who =
				k->kind == KRADAR_STUCK_RT ? &rt : &t;
			bool over;

			if (k->kind == KRADAR_STUCK_RT)
				over = !rt_hog;
			else if (k->kind == KRADAR_STUCK_IRQS)
				over = !busy || k->irq_seen_ns == now;
			else
				over = !busy || t.qs_ns > k->since_ns;

			if (over) {
				u64 end = k->kind == KRADAR_STUCK_SCHED &&
					  t.qs_ns > k->since_ns &&
					  t.qs_ns < now ? t.qs_ns : now;

				k->open = false;
				kradar_stuck_open--;
				kradar_stuck_emit(cpu, KRADAR_PHASE_END,
						  t.idle ? KRADAR_STUCKF_IDLE : 0,
						  k, who, now, end);
			} else if (now - k->last_emit_ns >=
				   KRADAR_STUCK_UPDATE_NS) {
				kradar_stuck_emit(cpu, KRADAR_PHASE_UPDATE, 0,
						  k, who, now, now);
			}
			continue;
		}
		/*
		 * Half way: ask the CPU for a stack, by tick or by NMI (the
		 * NMI again every half threshold until one is answered).
		 */
		if (irq_gap < thresh / 2) {
			k->nmi_first = 0;
		} else if (kradar_nmi_on &&
			   (!k->nmi_first ||
			    (now - k->nmi_sent_ns >= thresh / 2 &&
			     !kradar_nmi_answered(cpu, k->nmi_first)))) {
			if (!++kradar_nmi_ids)
				kradar_nmi_ids = 1;
			if (!k->nmi_first)
				k->nmi_first = kradar_nmi_ids;
			k->nmi_sent_ns = now;
			kradar_nmi_send(cpu, kradar_nmi_ids);
		}
		if (irq_gap >= thresh / 2 || sched_gap >= thresh / 2 ||
		    (rt_hog && now - k->rt_since >= thresh / 2))
			kradar_cpu_want_stack(cpu);
		/* a sampler this late saw the whole guest stopped */
		if (w->late >= thresh / 2)
			continue;
		/*
		 * No interrupt for stuck_ms: interrupts off if the CPU still
		 * runs, which its answer to an NMI shows; a vCPU the host did
		 * not run answers nothing, and its timer interrupts come
		 * with the answer. Without interrupts no tick sees the task
		 * either, so a CPU that takes none is never SCHED.
		 */
		irq_stuck = irq_gap >= thresh &&
			    (!kradar_nmi_on ||
			     kradar_nmi_answered(cpu, k->nmi_first));
		/* an RT task that outranks the waiter is the RT kind's */
		sched_stuck = sched_gap >= thresh && irq_gap < thresh / 2 &&
			      !(k->rt_pid && k->rt_pid == t.pid);
		if (irq_stuck)
			kind = KRADAR_STUCK_IRQS;
		else if (sched_stuck)
			kind = KRADAR_STUCK_SCHED;
		else if (rt_hog && now - k->rt_since >= thresh)
			kind = KRADAR_STUCK_RT;
		else
			continue;
		k->open = true;
		kradar_stuck_open++;
		kradar_stuck_total++;
		k->kind = kind;
		k->since_ns = kind == KRADAR_STUCK_IRQS ? k->irq_seen_ns :
			      kind == KRADAR_STUCK_RT ? k->rt_since : t.qs_ns;
		k->wait_ns = kind == KRADAR_STUCK_SCHED ? wake_ns : 0;
		k->wait_pid = wake_pid;
		kradar_pid_comm(k->wait_ns ? wake_pid : 0, k->wait_comm);
		kradar_stuck_emit(cpu, KRADAR_PHASE_BEGIN, 0, k,
				  kind == KRADAR_STUCK_RT ? &rt : &t, now, now);
	}
}

static void kradar_stuck_status(struct seq_file *m)
{
	if (!kradar_stuck_on) {
		seq_puts(m, "cpus_stuck:        off\n");
		return;
	}
	seq_printf(m, "cpus_stuck:        %u stuck now, %llu reported, %llu NMIs sent%s\n",
		   kradar_stuck_open, kradar_stuck_total, kradar_stuck_nmis,
		   kradar_nmi_on ? "" : " (no NMI handler)");
}

const struct kradar_detector kradar_stuck_detector = {
	.name		= "stuck-CPU detector",
	.init		= kradar_stuck_init,
	.start		= kradar_stuck_start,
	.stop		= kradar_stuck_unhook,
	.exit		= kradar_stuck_exit,
	.sample		= kradar_stuck_sample,
	.status		= kradar_stuck_status,
};
