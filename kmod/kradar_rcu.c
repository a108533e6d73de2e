// SPDX-License-Identifier: GPL-2.0
/*
 * kradar RCU quiescent-state gap detector.
 *
 * Finds the CPU that holds up an RCU grace period, long before the
 * kernel's own stall warning (21 s on Debian, 100+ s on syzbot), and says
 * what that CPU was doing: which task, how many interrupts, softirqs and
 * hrtimer callbacks ran there during the gap (so a timer storm is tied to
 * the gap), and a stack sample taken on that CPU.
 *
 * It works without CONFIG_RCU_TRACE, from what every kernel has:
 *  - grace-period progress: rcu_get_gp_seq(), sampled once per window; the
 *    low two bits say whether a grace period is in progress;
 *  - per CPU, the last quiescent-state opportunity: a context switch
 *    (sched_switch), the scheduler tick arriving while the CPU ran user
 *    code or the idle task (the hrtimer probe sees tick_sched_timer expire
 *    and looks at the interrupted registers), and being idle (the idle
 *    task was switched in): an idle CPU is quiescent, so nohz CPUs never
 *    raise false alarms.
 * When a grace period has been pending for qs_gap_ms and a non-idle CPU
 * has had no opportunity for as long, the CPU is in a gap: a QS_GAP BEGIN
 * record, UPDATE records every second while it lasts, and an END record
 * with the total when the CPU goes idle, or has had an opportunity and
 * the grace period advanced. An opportunity alone does not end the gap:
 * the CPU must still notice the grace period and report its quiescent
 * state, from its tick and the RCU softirq, and a CPU whose tick and
 * softirqs are starved (an hrtimer storm) cannot; the records then carry
 * the opportunity seen (qs_ns). A CPU that an hrtimer storm floods is
 * not counted idle, and its opportunities since the storm began do not
 * count, until the grace period advances: an idle CPU in a storm spends
 * its time in interrupts while its tick, softirqs and kthreads starve
 * (the grace-period kthread may wait for a timer on that CPU). A
 * GP_STALL record names all CPUs in a gap, or none when the grace period
 * is held up by something else (a preempted reader, a grace-period
 * kthread starved elsewhere).
 *
 * A grace period can also be held up before it starts: synchronize_rcu()
 * wakes the grace-period kthread, and if the kthread was woken onto a CPU
 * that cannot schedule (preemption off, a storm), it never runs and
 * rcu_get_gp_seq() shows nothing in progress (seen on PREEMPT_RT 6.12+,
 * where that kthread is a SCHED_FIFO task that stays on its CPU when the
 * task running there is not RT). So the kthread runnable and not seen to
 * run for qs_gap_ms counts as a pending grace period too, for the CPU it
 * waits on only, whose gap records carry KRADAR_GAPF_KTHREAD.
 *
 * The proxy can be wrong where the kernel reports a quiescent state that
 * kradar does not see: cond_resched() in a long kernel loop
 * (rcu_all_qs()), and, with CONFIG_PREEMPT_RCU, a tick in preemptible
 * kernel code outside any read-side critical section. Such a CPU may be
 * listed in a gap while RCU is in fact held up elsewhere. A context
 * switch while the task is inside an RCU read-side critical section
 * counts as an opportunity here, though the grace period then waits for
 * that task: the stall record then lists no CPU.
 *
 * Stacks: the sampler cannot unwind a running CPU from another one, so it
 * asks: kradar_hrtimer_want_stack() sets want_stack in that CPU's hrtimer
 * slot table, and the next hrtimer expiry there (the tick, or the
 * storming callback itself) calls kradar_hot_rare(), which saves the
 * stack in interrupt context on the CPU itself with stack_trace_save(),
 * under a generation count the sampler checks when it copies it.
 *
 * Cost: sched_switch and the interrupt tracepoints each write a few words
 * of this CPU's state (sched_switch also serves the stuck-CPU detector's
 * pending wakeup); the tick costs one compare in the hrtimer probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/kallsyms.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <asm/irq_regs.h>
#include <trace/events/irq.h>
#include <trace/events/sched.h>
#include "kradar.h"
#include "kradar_sched_hot.h"
#include "compat/sched.h"

/*
 * Exported (GPL) by kernel/rcu/tree.c since 4.19, but declared only in the
 * private kernel/rcu/rcu.h.
 */
unsigned long rcu_get_gp_seq(void);

/* rcu_seq_state(): low bits of a grace-period sequence, non-zero = busy */
#define KRADAR_RCU_SEQ_STATE_MASK	3
#define KRADAR_GAP_UPDATE_NS		NSEC_PER_SEC
#define KRADAR_STACK_FRESH_NS		(500 * NSEC_PER_MSEC)
#define KRADAR_STACK_SLACK		8	/* our own frames, dropped */

/* Per CPU, written only on that CPU by the probes. */
struct kradar_rcu_cpu {
	u64 qs_ns;		/* last quiescent-state opportunity */
	u64 hardirqs;
	u64 softirqs;
	unsigned int task_gen;	/* odd while the fields below change */
	int idle;		/* the idle task runs */
	pid_t pid;
	char comm[TASK_COMM_LEN];
	unsigned int stack_gen;	/* odd while stack[] changes */
	unsigned int nr_stack;
	int stack_user;		/* the stack interrupted user mode */
	int stack_preempt;	/* preempt_count() it interrupted; -1: unknown */
	/* preempt_count() & KRADAR_PC_MASK a tick adds; -1: not learnt */
	int pc_base;
	int pc_user;		/* pc_base learnt from a user-mode tick */
	u64 stack_ns;
	unsigned long stack[KRADAR_STACK_MAX + KRADAR_STACK_SLACK];
};

/* Per CPU, sampler side. */
/* A CPU's interrupt and hrtimer counters at one moment. */
struct kradar_gap_counts {
	u64 hardirqs, softirqs;
	u64 slot_count[KRADAR_SLOTS];
	u64 unattributed;
};

struct kradar_gap_track {
	bool open;
	bool have_prev;
	u64 qs_seen;		/* the gap start at the last sample */
	u64 start_ns;		/* gap start: the last opportunity */
	u64 qs_in_gap;		/* an opportunity seen during the gap */
	unsigned long gp;	/* grace period when the gap began */
	struct kradar_gap_counts base;	/* the gap's counts start here */
	struct kradar_gap_counts prev;	/* at the previous sample */
	u64 last_emit_ns;
};

static struct kradar_rcu_cpu __percpu *kradar_rcu_pcpu;
static struct kradar_gap_track *kradar_gaps;
static bool kradar_rcu_on;
static struct tracepoint *kradar_tp_switch, *kradar_tp_irq, *kradar_tp_softirq;

/*
 * The grace-period kthread, found by name at load (a reference is held):
 * the sampler watches its context-switch count to tell when it last ran.
 */
static struct task_struct *kradar_gp_task;
static unsigned long kradar_gp_task_sw;
static u64 kradar_gp_task_ran_ns;

/* Sampler state, under kradar_sample_lock. */
static unsigned long kradar_gp_last;
static u64 kradar_gp_seen_ns;
static u64 kradar_gp_done_ns;	/* a grace period last seen completed */
static bool kradar_stall_open;
static u64 kradar_stall_emit_ns;
static unsigned int kradar_gaps_open;
static u64 kradar_gaps_total, kradar_stalls_total;

#define KRADAR_PC_MASK	(PREEMPT_MASK | SOFTIRQ_MASK)

/*
 * The preempt_count() of the context a hard hrtimer interrupted: the
 * count now, less what the interrupt and the tracepoint that called the
 * probe add. The latter differs between kernels (preemption off around
 * probes up to 6.x, SRCU since), so it is learnt from ticks
 * (kradar_learn_pc_base()). -1: not known (a soft hrtimer, whose softirq
 * hides it, or no such tick seen yet).
 */
static int kradar_interrupted_preempt(struct kradar_rcu_cpu *r)
{
	int base = READ_ONCE(r->pc_base);

	if (!IS_ENABLED(CONFIG_PREEMPT_COUNT) || !in_hardirq() || in_nmi() ||
	    base < 0)
		return -1;
	return max_t(int, (preempt_count() & KRADAR_PC_MASK) - base, 0);
}

/*
 * A tick that hit user mode interrupted a count of 0; one that hit the
 * idle task a count of 1 (it runs with preemption off), used until a
 * user-mode tick is seen: a CPU that only ran kernel threads and idle
 * (the stuck CPU of a test) has had none.
 */
static void notrace kradar_learn_pc_base(struct kradar_rcu_cpu *r,
					 struct pt_regs *regs)
{
	int pc = preempt_count() & KRADAR_PC_MASK;

	if (user_mode(regs)) {
		WRITE_ONCE(r->pc_user, 1);
		WRITE_ONCE(r->pc_base, pc);
	} else if (is_idle_task(current) && !READ_ONCE(r->pc_user) && pc >= 1) {
		WRITE_ONCE(r->pc_base, pc - 1);
	}
}

static void kradar_take_stack(struct kradar_rcu_cpu *r)
{
	struct pt_regs *regs = get_irq_regs();

	WRITE_ONCE(r->stack_gen, r->stack_gen + 1);
	smp_wmb();	/* odd generation before the data: kradar_stack_read() */
	r->stack_user = regs && user_mode(regs);
	r->stack_preempt = kradar_interrupted_preempt(r);
	r->nr_stack = stack_trace_save(r->stack, ARRAY_SIZE(r->stack), 0);
	r->stack_ns = local_clock();
	smp_wmb();	/* the data before the even generation */
	WRITE_ONCE(r->stack_gen, r->stack_gen + 1);
}

/* From kradar_hot_count(), in the hrtimer expiry's interrupt context. */
void notrace kradar_hot_rare(struct kradar_cpu *c, void *fn)
{
	struct kradar_rcu_cpu *r;

	if (unlikely(!kradar_rcu_pcpu))
		return;
	r = this_cpu_ptr(kradar_rcu_pcpu);
	if (fn == c->tick_fn) {
		struct pt_regs *regs = get_irq_regs();

		if ((regs && user_mode(regs)) || is_idle_task(current))
			WRITE_ONCE(r->qs_ns, local_clock());
		if (regs && in_hardirq())
			kradar_learn_pc_base(r, regs);
	}
	if (READ_ONCE(c->want_stack)) {
		WRITE_ONCE(c->want_stack, 0);
		kradar_take_stack(r);
	}
}

static void notrace kradar_note_task(struct kradar_rcu_cpu *r,
				     struct task_struct *t)
{
	WRITE_ONCE(r->task_gen, r->task_gen + 1);
	smp_wmb();	/* odd generation before the data: kradar_task_read() */
	WRITE_ONCE(r->qs_ns, local_clock());
	r->idle = is_idle_task(t);
	r->pid = t->pid;
	memcpy(r->comm, t->comm, TASK_COMM_LEN);
	smp_wmb();	/* the data before the even generation */
	WRITE_ONCE(r->task_gen, r->task_gen + 1);
}

static __always_inline void kradar_probe_switch_fn(struct task_struct *prev,
						   struct task_struct *next)
{
	kradar_note_task(this_cpu_ptr(kradar_rcu_pcpu), next);
	/*
	 * The stuck-CPU detector's switch side: a wakeup pending on this
	 * CPU is served. Its state lives from load to unload (NULL when
	 * stuck_ms=0).
	 */
	if (kradar_sched_pcpu)
		kradar_sched_hot_switch(kradar_sched_pcpu);
}

/* kradar_probe_switch_with_state (5.18+) and _without_state */
KRADAR_SCHED_SWITCH_PROBE(kradar_probe_switch)

static void notrace kradar_probe_irq(void *data, int irq,
				     struct irqaction *action)
{
	this_cpu_inc(kradar_rcu_pcpu->hardirqs);
}

static void notrace kradar_probe_softirq(void *data, unsigned int vec_nr)
{
	this_cpu_inc(kradar_rcu_pcpu->softirqs);
}

/* On each CPU at load: what runs there now counts as the last switch. */
static void kradar_rcu_seed(void *unused)
{
	kradar_note_task(this_cpu_ptr(kradar_rcu_pcpu), current);
}

bool kradar_rcu_enabled(void)
{
	return kradar_rcu_on;
}

/* rcu_preempt (PREEMPT_RCU) or rcu_sched: the kthread driving grace periods */
static struct task_struct *kradar_find_gp_task(void)
{
	struct task_struct *p, *found = NULL;

	rcu_read_lock();
	for_each_process(p) {
		if (!(p->flags & PF_KTHREAD))
			continue;
		if (!strcmp(p->comm, "rcu_preempt") ||
		    !strcmp(p->comm, "rcu_sched")) {
			get_task_struct(p);
			found = p;
			break;
		}
	}
	rcu_read_unlock();
	if (!found)
		pr_info("no rcu_preempt or rcu_sched kthread: stall records will not say where it is\n");
	return found;
}

static unsigned long kradar_task_switches(struct task_struct *t)
{
	return READ_ONCE(t->nvcsw) + READ_ONCE(t->nivcsw);
}

static void kradar_rcu_exit(void)
{
	if (kradar_gp_task)
		put_task_struct(kradar_gp_task);
	kradar_gp_task = NULL;
	vfree(kradar_gaps);
	kradar_gaps = NULL;
	free_percpu(kradar_rcu_pcpu);
	kradar_rcu_pcpu = NULL;
	kradar_rcu_on = false;
}

static int kradar_rcu_init(u64 session)
{
	int cpu;

	if (!kradar_qs_gap_ms) {
		pr_info("RCU gap detector off (qs_gap_ms=0)\n");
		return 0;
	}
	kradar_rcu_pcpu = alloc_percpu(struct kradar_rcu_cpu);
	kradar_gaps = vzalloc(array_size(nr_cpu_ids, sizeof(*kradar_gaps)));
	if (!kradar_rcu_pcpu || !kradar_gaps) {
		kradar_rcu_exit();
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu)
		per_cpu_ptr(kradar_rcu_pcpu, cpu)->pc_base = -1;
	on_each_cpu(kradar_rcu_seed, NULL, 1);
	kradar_gp_last = rcu_get_gp_seq();
	kradar_gp_seen_ns = local_clock();
	kradar_gp_done_ns = kradar_gp_seen_ns;
	kradar_gp_task = kradar_find_gp_task();
	if (kradar_gp_task) {
		kradar_gp_task_sw = kradar_task_switches(kradar_gp_task);
		kradar_gp_task_ran_ns = kradar_gp_seen_ns;
	}
	return 0;
}

/* The caller runs tracepoint_synchronize_unregister() afterwards. */
static void kradar_rcu_unhook(void)
{
	kradar_rcu_on = false;
	if (kradar_tp_softirq)
		tracepoint_probe_unregister(kradar_tp_softirq,
					    kradar_probe_softirq, NULL);
	if (kradar_tp_irq)
		tracepoint_probe_unregister(kradar_tp_irq, kradar_probe_irq,
					    NULL);
	if (kradar_tp_switch)
		tracepoint_probe_unregister(kradar_tp_switch,
					    KRADAR_SCHED_SWITCH(kradar_probe_switch),
					    NULL);
	kradar_tp_softirq = NULL;
	kradar_tp_irq = NULL;
	kradar_tp_switch = NULL;
}

/* Attach; a missing tracepoint turns this detector off, not the module. */
static void kradar_rcu_hook(void)
{
	if (!kradar_rcu_pcpu)
		return;
	check_trace_callback_type_sched_switch(KRADAR_SCHED_SWITCH(kradar_probe_switch));
	check_trace_callback_type_irq_handler_entry(kradar_probe_irq);
	check_trace_callback_type_softirq_entry(kradar_probe_softirq);
	kradar_tp_switch = kradar_tp_attach("sched_switch",
					    KRADAR_SCHED_SWITCH(kradar_probe_switch),
					    "RCU gap detector");
	if (!kradar_tp_switch)
		return;
	kradar_tp_irq = kradar_tp_attach("irq_handler_entry", kradar_probe_irq,
					 "RCU gap detector");
	kradar_tp_softirq = kradar_tp_attach("softirq_entry",
					     kradar_probe_softirq,
					     "RCU gap detector");
	if (!kradar_tp_irq || !kradar_tp_softirq) {
		kradar_rcu_unhook();
		return;
	}
	/* the switches before the hook were missed: start from now */
	on_each_cpu(kradar_rcu_seed, NULL, 1);
	kradar_rcu_on = true;
}

/*
 * Before the samplers, so the first HELLO says whether it works. The
 * detector counts ticks in user mode and idle: learn which callback is
 * the tick now (kradar_tick.c), while nothing of ours is attached to the
 * hrtimer path yet and before insmod returns to the job.
 */
static int kradar_rcu_start(void)
{
	kradar_rcu_hook();
	if (kradar_rcu_on)
		kradar_tick_learn();
	return 0;
}

static bool kradar_task_read(struct kradar_rcu_cpu *r,
			     struct kradar_cpu_task *s)
{
	unsigned int gen, tries;

	for (tries = 0; tries < 4; tries++) {
		gen = READ_ONCE(r->task_gen);
		smp_rmb();	/* pairs with kradar_note_task()'s first wmb */
		s->qs_ns = READ_ONCE(r->qs_ns);
		s->idle = READ_ONCE(r->idle);
		s->pid = READ_ONCE(r->pid);
		memcpy(s->comm, r->comm, TASK_COMM_LEN);
		smp_rmb();	/* pairs with its second wmb */
		if (!(gen & 1) && READ_ONCE(r->task_gen) == gen) {
			s->comm[TASK_COMM_LEN - 1] = '\0';
			/* a tick may have moved qs_ns alone: take the newest */
			s->qs_ns = max(s->qs_ns, READ_ONCE(r->qs_ns));
			return true;
		}
		cpu_relax();
	}
	return false;
}

/* Copies the CPU's last stack if it is complete and newer than @since. */
static unsigned int kradar_stack_read(struct kradar_rcu_cpu *r, u64 since,
				      unsigned long *out, u64 *when,
				      bool *user, int *preempt)
{
	unsigned int gen, n;

	gen = READ_ONCE(r->stack_gen);
	smp_rmb();	/* pairs with kradar_take_stack()'s first wmb */
	if (gen & 1)
		return 0;
	*when = READ_ONCE(r->stack_ns);
	*user = READ_ONCE(r->stack_user);
	*preempt = READ_ONCE(r->stack_preempt);
	n = min_t(unsigned int, READ_ONCE(r->nr_stack), ARRAY_SIZE(r->stack));
	memcpy(out, r->stack, n * sizeof(*out));
	smp_rmb();	/* pairs with its second wmb */
	if (READ_ONCE(r->stack_gen) != gen || *when < since || !gen)
		return 0;
	return n;
}

static void kradar_gap_snapshot(int cpu, struct kradar_gap_counts *k,
				struct kradar_rcu_cpu *r)
{
	const struct kradar_cpu *c = kradar_hrtimer_counters(cpu);
	unsigned int i;

	k->hardirqs = READ_ONCE(r->hardirqs);
	k->softirqs = READ_ONCE(r->softirqs);
	for (i = 0; i < KRADAR_SLOTS; i++)
		k->slot_count[i] = READ_ONCE(c->slot[i].count);
	k->unattributed = READ_ONCE(c->unattributed);
}

/*
 * Symbolise @n frames into at most @max in @f, dropping the probe's own
 * leading frames (sampler only; kradar_sched.c's NMI stacks too).
 */
unsigned int kradar_cpu_frames(struct kradar_frame *f, unsigned int max,
			       const unsigned long *addr, unsigned int n)
{
	static char sym[KSYM_SYMBOL_LEN];	/* sampler only */
	unsigned int i = 0, out = 0;

	while (i < n && within_module(addr[i], THIS_MODULE))
		i++;
	for (; i < n && out < max; i++, out++) {
		sprint_symbol(sym, addr[i]);
		f[out].addr = cpu_to_le64(addr[i]);
		kradar_copy_name(f[out].sym, sym);
	}
	return out;
}

static void kradar_emit_gap(int cpu, u32 phase, u32 flags,
			    struct kradar_gap_track *g,
			    const struct kradar_cpu_task *t, u64 now, u64 late)
{
	struct kradar_rcu_cpu *r = per_cpu_ptr(kradar_rcu_pcpu, cpu);
	const struct kradar_cpu *c = kradar_hrtimer_counters(cpu);
	struct kradar_gap_hrtimer top[KRADAR_GAP_TOP];
	unsigned long stack[ARRAY_SIZE(r->stack)];
	u64 delta[KRADAR_GAP_TOP], hrtimers = 0, stack_ns = 0;
	unsigned int i, j, ntop = 0, nstack;
	struct kradar_rec_qs_gap *q;
	bool user = false;
	int preempt;
	size_t size;
	u8 *p;

	for (i = 0; i < KRADAR_SLOTS; i++) {
		void *fn = READ_ONCE(c->slot[i].fn);
		u64 d = READ_ONCE(c->slot[i].count) - g->base.slot_count[i];

		if (!fn || !d)
			continue;
		hrtimers += d;
		for (j = ntop; j > 0 && delta[j - 1] < d; j--) {
			if (j < KRADAR_GAP_TOP) {
				delta[j] = delta[j - 1];
				top[j] = top[j - 1];
			}
		}
		if (j < KRADAR_GAP_TOP) {
			delta[j] = d;
			top[j].function = cpu_to_le64((unsigned long)fn);
			top[j].count = cpu_to_le64(d);
			kradar_hrtimer_name(cpu, i, top[j].name);
			ntop = min(ntop + 1, (unsigned int)KRADAR_GAP_TOP);
		}
	}
	hrtimers += READ_ONCE(c->unattributed) - g->base.unattributed;
	/*
	 * An end carries a stack only if it is newer than the last record:
	 * an older one was sent already, and symbolising it again could
	 * name whatever now lies at addresses of a module unloaded since.
	 */
	nstack = kradar_stack_read(r, phase == KRADAR_PHASE_END ?
				   max(g->start_ns, g->last_emit_ns + 1) :
				   g->start_ns, stack, &stack_ns, &user, &preempt);
	if (nstack && user)
		flags |= KRADAR_GAPF_USER;

	size = sizeof(*q) + ntop * sizeof(top[0]) +
	       KRADAR_STACK_MAX * sizeof(struct kradar_frame);
	q = kradar_rec_begin(KRADAR_REC_QS_GAP, size, cpu, now);
	if (!q)
		return;
	q->phase = cpu_to_le32(phase);
	q->pid = cpu_to_le32(t->pid);
	q->gap_start_ns = cpu_to_le64(g->start_ns);
	q->gap_ns = cpu_to_le64(now - g->start_ns);
	q->gp_seq = cpu_to_le64(g->gp);
	q->qs_ns = cpu_to_le64(g->qs_in_gap);
	q->flags = cpu_to_le32(flags);
	q->gp_start_ns = cpu_to_le64(kradar_gp_seen_ns);
	q->hardirqs = cpu_to_le64(READ_ONCE(r->hardirqs) - g->base.hardirqs);
	q->softirqs = cpu_to_le64(READ_ONCE(r->softirqs) - g->base.softirqs);
	q->hrtimers = cpu_to_le64(hrtimers);
	q->sampler_late_ns = cpu_to_le64(late);
	memcpy(q->comm, t->comm, KRADAR_COMM_LEN);
	q->nr_top = cpu_to_le32(ntop);
	q->top_size = cpu_to_le32(sizeof(top[0]));
	q->frame_size = cpu_to_le32(sizeof(struct kradar_frame));
	p = (u8 *)(q + 1);
	memcpy(p, top, ntop * sizeof(top[0]));
	p += ntop * sizeof(top[0]);
	nstack = kradar_cpu_frames((struct kradar_frame *)p, KRADAR_STACK_MAX,
				   stack, nstack);
	q->nr_stack = cpu_to_le32(nstack);
	q->stack_ns = cpu_to_le64(nstack ? stack_ns : 0);
	kradar_rec_shrink(q, sizeof(*q) + ntop * sizeof(top[0]) +
			  nstack * sizeof(struct kradar_frame));
	kradar_rec_commit(q);
	g->last_emit_ns = now;
}

static void kradar_emit_stall(u32 phase, const u16 *cpus, unsigned int nr,
			      u64 now, u64 late)
{
	struct kradar_rec_gp_stall *s;

	s = kradar_rec_begin(KRADAR_REC_GP_STALL, sizeof(*s), KRADAR_CPU_NONE,
			     now);
	if (!s)
		return;
	s->phase = cpu_to_le32(phase);
	s->nr_cpus = cpu_to_le32(nr);
	s->gp_seq = cpu_to_le64(kradar_gp_last);
	s->gp_start_ns = cpu_to_le64(kradar_gp_seen_ns);
	s->stall_ns = cpu_to_le64(now - kradar_gp_seen_ns);
	s->sampler_late_ns = cpu_to_le64(late);
	memcpy(s->cpus, cpus, nr * sizeof(*cpus));
	if (kradar_gp_task) {
		struct task_struct *t = kradar_gp_task;

		s->kthread_pid = cpu_to_le32(t->pid);
		s->kthread_cpu = cpu_to_le16(task_cpu(t));
		s->kthread_state = task_state_to_char(t);
		s->kthread_idle_ns = cpu_to_le64(now - kradar_gp_task_ran_ns);
		memcpy(s->kthread_comm, t->comm, KRADAR_COMM_LEN);
		s->kthread_comm[KRADAR_COMM_LEN - 1] = '\0';
	}
	kradar_rec_commit(s);
	kradar_stall_emit_ns = now;
}

/* @cpu has run one task, not idle, without a switch for @ns or more. */
static bool kradar_cannot_schedule(int cpu, u64 now, u64 ns)
{
	struct kradar_cpu_task t;

	if (!kradar_task_read(per_cpu_ptr(kradar_rcu_pcpu, cpu), &t))
		return false;
	if (kradar_hrtimer_flood_ns(cpu))
		return true;	/* flooded: the idle task does not count */
	return !t.idle && t.qs_ns < now && now - t.qs_ns >= ns;
}

/* Once per window, from the sampler, under kradar_sample_lock. */
static void kradar_rcu_sample(const struct kradar_window *w)
{
	u64 now = w->now, late = w->late;
	u64 thresh = (u64)kradar_qs_gap_ms * NSEC_PER_MSEC;
	u16 cpus[KRADAR_STALL_CPUS];
	unsigned long gp;
	unsigned int nr = 0;
	bool pending, stall, kthread = false;
	int cpu, kcpu;

	if (!kradar_rcu_on)
		return;
	if (kradar_gp_task) {
		unsigned long sw = kradar_task_switches(kradar_gp_task);

		if (sw != kradar_gp_task_sw) {
			kradar_gp_task_sw = sw;
			kradar_gp_task_ran_ns = now;
		}
	}
	gp = rcu_get_gp_seq();
	/* the counter above the state bits moves when a grace period ends */
	if ((gp ^ kradar_gp_last) & ~(unsigned long)KRADAR_RCU_SEQ_STATE_MASK)
		kradar_gp_done_ns = now;
	if (gp != kradar_gp_last) {
		if (kradar_stall_open) {
			kradar_stall_open = false;
			kradar_emit_stall(KRADAR_PHASE_END, NULL, 0, now, late);
		}
		kradar_gp_last = gp;
		kradar_gp_seen_ns = now;
	}
	pending = gp & KRADAR_RCU_SEQ_STATE_MASK;
	stall = pending && now - kradar_gp_seen_ns >= thresh;
	/*
	 * The grace-period kthread runnable but not running, on a CPU that
	 * has not scheduled for as long: that CPU holds it up. (Merely
	 * waiting for a busy CPU, or for the host, is not enough.)
	 */
	kcpu = -1;
	if (kradar_gp_task && task_is_running(kradar_gp_task) &&
	    now - kradar_gp_task_ran_ns >= thresh / 2 &&
	    kradar_cannot_schedule(task_cpu(kradar_gp_task), now, thresh / 2)) {
		kcpu = task_cpu(kradar_gp_task);
		if (!stall && now - kradar_gp_task_ran_ns >= thresh &&
		    kradar_cannot_schedule(kcpu, now, thresh)) {
			stall = true;
			kthread = true;
			if (!kradar_stall_open)
				kradar_gp_seen_ns = kradar_gp_task_ran_ns;
		}
	}

	for_each_online_cpu(cpu) {
		struct kradar_rcu_cpu *r = per_cpu_ptr(kradar_rcu_pcpu, cpu);
		struct kradar_gap_track *g = &kradar_gaps[cpu];
		struct kradar_cpu_task t;
		u64 gap, qs, flood = kradar_hrtimer_flood_ns(cpu);
		u32 fl = flood ? KRADAR_GAPF_FLOOD : 0;
		bool here = pending || cpu == kcpu;

		if (!kradar_task_read(r, &t))
			continue;	/* switching right now: try next time */
		/*
		 * A CPU an hrtimer storm floods is not quiescent even when
		 * it runs the idle task, and its opportunities since the
		 * storm began do not count: its tick, softirqs and kthreads
		 * (the grace-period kthread's wakeup timer among them)
		 * starve. Such a gap starts with the storm, or when a grace
		 * period was last seen to complete if that is later (the
		 * CPU had reported its quiescent state by then), and ends
		 * when the grace period advances.
		 */
		if (flood)
			t.idle = 0;
		qs = flood ? max(min(t.qs_ns, flood), kradar_gp_done_ns) :
			     t.qs_ns;
		gap = t.idle || qs >= now ? 0 : now - qs;

		if (g->open) {
			u32 why = t.idle ? KRADAR_GAPF_IDLE :
				  gp != g->gp || !here ?
				  KRADAR_GAPF_GP_MOVED : 0;

			if (t.qs_ns != g->start_ns)
				g->qs_in_gap = t.qs_ns;
			if (t.idle || (why && (g->qs_in_gap || flood))) {
				g->open = false;
				kradar_gaps_open--;
				kradar_emit_gap(cpu, KRADAR_PHASE_END, why | fl,
						g, &t, now, late);
			}
		}
		/*
		 * Counters from where a gap would start: for a flooded CPU
		 * that is not its last tick in idle, which moves every
		 * window and would leave a gap's counts near zero. Only a
		 * later start takes them again: when the storm is first
		 * seen the start moves back, and counters taken then, in
		 * the sample that opens the gap, were all zero (a 6.1
		 * taprio-stall gap whose begin named no hrtimer). They are
		 * the previous sample's: the start lies in the past, and a
		 * late sampler that first sees it in the sample that opens
		 * the gap would otherwise count nothing (the same gap, its
		 * start the last grace period's end, 400 ms before a late
		 * sample). So the counts may begin up to one sample before
		 * the gap.
		 */
		if (!g->open && qs > g->qs_seen) {
			g->qs_seen = qs;
			if (g->have_prev)
				g->base = g->prev;
			else
				kradar_gap_snapshot(cpu, &g->base, r);
		}
		if (here && !t.idle && gap >= thresh / 2 &&
		    now - READ_ONCE(r->stack_ns) >= KRADAR_STACK_FRESH_NS)
			kradar_hrtimer_want_stack(cpu);

		if (g->open) {
			if (nr < KRADAR_STALL_CPUS)
				cpus[nr++] = cpu;
			if (now - g->last_emit_ns >= KRADAR_GAP_UPDATE_NS)
				kradar_emit_gap(cpu, KRADAR_PHASE_UPDATE, fl, g,
						&t, now, late);
		} else if (stall && gap >= thresh && (!kthread || cpu == kcpu)) {
			if (kthread)
				fl |= KRADAR_GAPF_KTHREAD;
			g->open = true;
			g->start_ns = qs;
			g->qs_in_gap = 0;
			g->gp = gp;
			kradar_gaps_open++;
			kradar_gaps_total++;
			if (nr < KRADAR_STALL_CPUS)
				cpus[nr++] = cpu;
			kradar_emit_gap(cpu, KRADAR_PHASE_BEGIN, fl, g, &t, now,
					late);
		}
		if (!g->open) {
			kradar_gap_snapshot(cpu, &g->prev, r);
			g->have_prev = true;
		}
	}

	if (stall && !kradar_stall_open) {
		kradar_stall_open = true;
		kradar_stalls_total++;
		kradar_emit_stall(KRADAR_PHASE_BEGIN, cpus, nr, now, late);
	} else if (kradar_stall_open && !stall) {
		/* the grace-period kthread ran and started nothing */
		kradar_stall_open = false;
		kradar_emit_stall(KRADAR_PHASE_END, NULL, 0, now, late);
	} else if (kradar_stall_open &&
		   now - kradar_stall_emit_ns >= KRADAR_GAP_UPDATE_NS) {
		kradar_emit_stall(KRADAR_PHASE_UPDATE, cpus, nr, now, late);
	}
}

/*
 * For the stuck-CPU detector (kradar_sched.c), sampler only: what @cpu
 * runs and its last quiescent-state opportunity (a context switch, a
 * tick in user mode or idle). False while the detector is off or the
 * CPU is switching right now.
 */
bool kradar_cpu_task(int cpu, struct kradar_cpu_task *t)
{
	if (!kradar_rcu_on)
		return false;
	return kradar_task_read(per_cpu_ptr(kradar_rcu_pcpu, cpu), t);
}

/* Ask @cpu's next hrtimer expiry (its tick) for a stack sample. */
void kradar_cpu_want_stack(int cpu)
{
	struct kradar_rcu_cpu *r = per_cpu_ptr(kradar_rcu_pcpu, cpu);

	if (kradar_rcu_on &&
	    local_clock() - READ_ONCE(r->stack_ns) >= KRADAR_STACK_FRESH_NS / 5)
		kradar_hrtimer_want_stack(cpu);
}

/*
 * @cpu's last stack sample taken at or after @since, symbolised into at
 * most @max frames; 0 when there is none that new.
 */
unsigned int kradar_cpu_stack(int cpu, u64 since, struct kradar_frame *f,
			      unsigned int max, u64 *when, bool *user,
			      int *preempt)
{
	struct kradar_rcu_cpu *r = per_cpu_ptr(kradar_rcu_pcpu, cpu);
	unsigned long stack[ARRAY_SIZE(r->stack)];
	unsigned int n;

	if (!kradar_rcu_on)
		return 0;
	n = kradar_stack_read(r, since, stack, when, user, preempt);
	return n ? kradar_cpu_frames(f, max, stack, n) : 0;
}

static void kradar_rcu_status(struct seq_file *m)
{
	if (!kradar_rcu_on) {
		seq_puts(m, "rcu_gaps:          off\n");
		return;
	}
	seq_printf(m, "rcu_gp_seq:        %lu%s\n", rcu_get_gp_seq(),
		   kradar_stall_open ? " (stalled)" : "");
	seq_printf(m, "rcu_gaps:          %u open, %llu seen, %llu stalls\n",
		   kradar_gaps_open, kradar_gaps_total, kradar_stalls_total);
}

const struct kradar_detector kradar_rcu_detector = {
	.name		= "RCU gap detector",
	.init		= kradar_rcu_init,
	.start		= kradar_rcu_start,
	.stop		= kradar_rcu_unhook,
	.exit		= kradar_rcu_exit,
	.sample		= kradar_rcu_sample,
	.status		= kradar_rcu_status,
};
