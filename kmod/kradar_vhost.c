// SPDX-License-Identifier: GPL-2.0
/*
 * kradar vhost awareness: a contended lock inside a vhost device is
 * named "vq->mutex (vq 1 of vhost-net dev 1)", with the device's owner
 * and worker, instead of a bare address.
 *
 * What the probe learns, and from where (all in drivers/vhost/vhost.c):
 *   vhost_dev_init(dev, vqs, nvqs, ...)  kprobe: a device and its
 *       virtqueues (the vq pointers are copied from the array the driver
 *       hands in), and its caller ("vhost_net_open [vhost_net]"), whose
 *       module names the kind of device;
 *   vhost_dev_set_owner(dev)             kretprobe: when it succeeds,
 *       current is the owner; its worker thread ("vhost-PID") is looked
 *       up afterwards from a work item;
 *   vhost_dev_reset_owner(dev)           kprobe: the cleanup it runs
 *       keeps the device and forgets only the owner;
 *   vhost_dev_cleanup(dev)               kprobe: the device goes away;
 *   vhost_worker_killed(worker)          kprobe, 6.10+ (SIGKILLed
 *       worker taking every vq->mutex): which worker entered it, when.
 * Where the mutex lies in struct vhost_virtqueue and struct vhost_dev,
 * and how big a virtqueue is, comes from the kernel's own BTF of the
 * vhost module (/sys/kernel/btf/vhost, split BTF on top of
 * /sys/kernel/btf/vmlinux), walked by kradar_btf.c in process context
 * when the probes are armed; no private struct is copied here. Without
 * that BTF a lock is reported as an offset into the virtqueue that
 * starts closest below it.
 *
 * The vhost module may load before or after kradar_probe: a module
 * notifier arms the probes when it goes live and disarms them when it
 * goes away. A missing probe target turns vhost awareness (or the part
 * it feeds) off with a message, never the module.
 *
 * Cost: the handlers run when a device is opened, owned or closed, in
 * that task; they never sleep or allocate and update a fixed table
 * under a raw spinlock and a seqcount. The sampler names a lock once,
 * when its contention episode begins, by a lock-free scan of at most
 * KRADAR_VHOST_DEVS * KRADAR_VHOST_VQS pointers (kradar_vhost_describe(),
 * timed in /proc/kradar). The contention tracepoints do no vhost work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>
#include "kradar.h"
#include "kradar_btf.h"
#include "kradar_vhost.h"
#include "compat/kprobes.h"

#define KRADAR_VHOST_MODULE	"vhost"
#define KRADAR_VHOST_DEVS	32	/* devices known at once */
#define KRADAR_VHOST_VQS	64	/* virtqueues remembered per device */
/* bytes: without BTF, how far a virtqueue may extend at most */
#define KRADAR_VHOST_GUESS	0x10000
#define KRADAR_VHOST_KILLED	8	/* killed workers remembered */
#define KRADAR_VHOST_TOLD	8	/* devices announced in dmesg */
#define KRADAR_BTF_VHOST	"/sys/kernel/btf/" KRADAR_VHOST_MODULE
#define KRADAR_OWNER_ACTIVE	16	/* set_owner calls followed at once */
#define KRADAR_VHOST_CALIBRATE	1000	/* lookups timed once per load */

static bool vhost_btf = true;
module_param(vhost_btf, bool, 0444);
MODULE_PARM_DESC(vhost_btf, "read the vhost struct layout from /sys/kernel/btf (default Y; N: name locks in virtqueues by offset only)");

/* One vhost device; dev == 0: free. */
struct kradar_vhost_dev {
	unsigned long dev;	/* its struct vhost_dev */
	unsigned long caller;	/* who called vhost_dev_init() */
	u64 init_ns;
	u32 id;			/* from 1, in learning order */
	u32 nvqs;		/* vq[] entries */
	u32 nvqs_all;		/* as the driver said */
	bool resetting;		/* in vhost_dev_reset_owner() */
	bool named;		/* kind resolved by the work item */
	bool worker_tried;
	pid_t owner_pid;
	pid_t worker_pid;
	char owner_comm[KRADAR_COMM_LEN];
	char kind[KRADAR_COMM_LEN];
	unsigned long vq[KRADAR_VHOST_VQS];
};

/* Where the locks lie, from BTF; valid == false: unknown. */
struct kradar_vhost_layout {
	bool valid;
	u32 vq_size;
	u32 vq_mutex;
	u32 dev_mutex;
};

struct kradar_vhost_killed {
	pid_t pid;
	u64 ns;
};

/* Written by probe handlers and the work items, under the raw lock. */
static DEFINE_RAW_SPINLOCK(kradar_vhost_wlock);
static seqcount_raw_spinlock_t kradar_vhost_seq =
	SEQCNT_RAW_SPINLOCK_ZERO(kradar_vhost_seq, &kradar_vhost_wlock);
static struct kradar_vhost_dev kradar_vhost_devs[KRADAR_VHOST_DEVS];
static struct kradar_vhost_layout kradar_vhost_layout;
static struct kradar_vhost_killed kradar_vhost_kills[KRADAR_VHOST_KILLED];
static unsigned int kradar_vhost_kill_next;
static u32 kradar_vhost_ids;
static unsigned int kradar_vhost_hw;	/* slots in use are below this */
static u64 kradar_vhost_full;		/* devices not learnt: table full */
static u64 kradar_vhost_forgotten;

/* Arming state, under kradar_vhost_mutex. */
static DEFINE_MUTEX(kradar_vhost_mutex);
static bool kradar_vhost_armed, kradar_vhost_on;
static bool kradar_kp_owner_on, kradar_kp_reset_on, kradar_kp_killed_on;
static bool kradar_vhost_waiting_told, kradar_vhost_killed_told;
static unsigned int kradar_vhost_told;
static u64 kradar_vhost_btf_ns;		/* time to read the layout */
static u64 kradar_vhost_learn_ns_max;	/* init to named, worst */
static u64 kradar_vhost_cal_hit_ns, kradar_vhost_cal_miss_ns;
static char kradar_vhost_state[96] = "not started";

/* Lookup cost, sampler threads only (under kradar_sample_lock). */
static u64 kradar_vhost_lookups, kradar_vhost_lookup_ns,
	   kradar_vhost_lookup_max_ns;

static void kradar_vhost_learn(struct work_struct *work);
static bool kradar_vhost_lookup(unsigned long addr,
				struct kradar_vhost_lock *v);
static DECLARE_WORK(kradar_vhost_learn_work, kradar_vhost_learn);

static unsigned long kradar_vhost_write_begin(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&kradar_vhost_wlock, flags);
	write_seqcount_begin(&kradar_vhost_seq);
	return flags;
}

static void kradar_vhost_write_end(unsigned long flags)
{
	write_seqcount_end(&kradar_vhost_seq);
	raw_spin_unlock_irqrestore(&kradar_vhost_wlock, flags);
}

/* Under the raw lock. */
static struct kradar_vhost_dev *kradar_vhost_slot(unsigned long dev)
{
	unsigned int i;

	for (i = 0; i < KRADAR_VHOST_DEVS; i++)
		if (kradar_vhost_devs[i].dev == dev)
			return &kradar_vhost_devs[i];
	return NULL;
}

static int kradar_vhost_init_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long dev = kradar_kprobe_arg(regs, 0);
	unsigned long *vqs = (unsigned long *)kradar_kprobe_arg(regs, 1);
	int nvqs = (int)kradar_kprobe_arg(regs, 2);
	struct kradar_vhost_dev *d;
	unsigned long flags;
	unsigned int i, n;

	if (!dev)
		return 0;
	n = clamp(nvqs, 0, KRADAR_VHOST_VQS);
	flags = kradar_vhost_write_begin();
	d = kradar_vhost_slot(dev);
	if (!d)
		d = kradar_vhost_slot(0);
	if (!d) {
		kradar_vhost_full++;
		goto out;
	}
	memset(d, 0, sizeof(*d));
	d->dev = dev;
	d->id = ++kradar_vhost_ids;
	kradar_vhost_hw = max_t(unsigned int, kradar_vhost_hw,
				d - kradar_vhost_devs + 1);
	d->caller = kradar_kprobe_caller(regs);
	d->init_ns = local_clock();
	d->nvqs_all = max(nvqs, 0);
	for (i = 0; i < n; i++)
		if (copy_from_kernel_nofault(&d->vq[i], vqs + i,
					     sizeof(d->vq[i])))
			break;
	d->nvqs = i;
out:
	kradar_vhost_write_end(flags);
	schedule_work(&kradar_vhost_learn_work);
	return 0;
}

static int kradar_vhost_cleanup_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long dev = kradar_kprobe_arg(regs, 0);
	struct kradar_vhost_dev *d;
	unsigned long flags;

	if (!dev)
		return 0;
	flags = kradar_vhost_write_begin();
	d = kradar_vhost_slot(dev);
	if (d && d->resetting) {
		/* VHOST_RESET_OWNER: the device stays, its owner goes */
		d->resetting = false;
		d->owner_pid = 0;
		d->worker_pid = 0;
		d->worker_tried = false;
		memset(d->owner_comm, 0, sizeof(d->owner_comm));
	} else if (d) {
		memset(d, 0, sizeof(*d));
		kradar_vhost_forgotten++;
	}
	kradar_vhost_write_end(flags);
	return 0;
}

static int kradar_vhost_reset_pre(struct kprobe *p, struct pt_regs *regs)
{
	unsigned long dev = kradar_kprobe_arg(regs, 0);
	struct kradar_vhost_dev *d;
	unsigned long flags;

	if (!dev)
		return 0;
	flags = kradar_vhost_write_begin();
	d = kradar_vhost_slot(dev);
	if (d)
		d->resetting = true;
	kradar_vhost_write_end(flags);
	return 0;
}

static int kradar_vhost_owner_entry(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	*(unsigned long *)ri->data = kradar_kprobe_arg(regs, 0);
	return 0;
}

static int kradar_vhost_owner_ret(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	unsigned long dev = *(unsigned long *)ri->data;
	struct kradar_vhost_dev *d;
	unsigned long flags;

	if (!dev || regs_return_value(regs))
		return 0;	/* -EBUSY & co: the owner did not change */
	flags = kradar_vhost_write_begin();
	d = kradar_vhost_slot(dev);
	if (d) {
		d->owner_pid = task_pid_nr(current);
		memcpy(d->owner_comm, current->comm, KRADAR_COMM_LEN);
		d->owner_comm[KRADAR_COMM_LEN - 1] = '\0';
		d->worker_pid = 0;
		d->worker_tried = false;
	}
	kradar_vhost_write_end(flags);
	if (d)
		schedule_work(&kradar_vhost_learn_work);
	return 0;
}

/* In the worker itself (vhost_task's SIGKILL handler). */
static int kradar_vhost_killed_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct kradar_vhost_killed *k;
	unsigned long flags;

	flags = kradar_vhost_write_begin();
	k = &kradar_vhost_kills[kradar_vhost_kill_next++ % KRADAR_VHOST_KILLED];
	k->pid = task_pid_nr(current);
	k->ns = local_clock();
	kradar_vhost_write_end(flags);
	return 0;
}

static struct kprobe kradar_kp_init, kradar_kp_cleanup, kradar_kp_reset,
		     kradar_kp_killed;
static struct kretprobe kradar_krp_owner;

/* Fresh structs at every arming: a kprobe keeps its address once used. */
static void kradar_vhost_kp_setup(void)
{
	memset(&kradar_kp_init, 0, sizeof(kradar_kp_init));
	kradar_kp_init.symbol_name = "vhost_dev_init";
	kradar_kp_init.pre_handler = kradar_vhost_init_pre;
	memset(&kradar_kp_cleanup, 0, sizeof(kradar_kp_cleanup));
	kradar_kp_cleanup.symbol_name = "vhost_dev_cleanup";
	kradar_kp_cleanup.pre_handler = kradar_vhost_cleanup_pre;
	memset(&kradar_kp_reset, 0, sizeof(kradar_kp_reset));
	kradar_kp_reset.symbol_name = "vhost_dev_reset_owner";
	kradar_kp_reset.pre_handler = kradar_vhost_reset_pre;
	memset(&kradar_kp_killed, 0, sizeof(kradar_kp_killed));
	kradar_kp_killed.symbol_name = "vhost_worker_killed";
	kradar_kp_killed.pre_handler = kradar_vhost_killed_pre;
	memset(&kradar_krp_owner, 0, sizeof(kradar_krp_owner));
	kradar_krp_owner.kp.symbol_name = "vhost_dev_set_owner";
	kradar_krp_owner.entry_handler = kradar_vhost_owner_entry;
	kradar_krp_owner.handler = kradar_vhost_owner_ret;
	kradar_krp_owner.data_size = sizeof(unsigned long);
	kradar_krp_owner.maxactive = KRADAR_OWNER_ACTIVE;
}

/* Process context, under kradar_vhost_mutex. */
static int kradar_vhost_read_layout(struct kradar_vhost_layout *l)
{
	const struct btf_type *vq, *dev;
	struct kradar_btf b;
	int err;

	memset(l, 0, sizeof(*l));
	err = kradar_btf_open(&b, KRADAR_VHOST_MODULE);
	if (err)
		goto out;
	err = -ENOENT;
	vq = kradar_btf_struct(&b, "vhost_virtqueue");
	dev = kradar_btf_struct(&b, "vhost_dev");
	if (!vq || !dev)
		goto out;
	err = kradar_btf_member(&b, vq, "mutex", sizeof(struct mutex),
				&l->vq_mutex);
	if (!err)
		err = kradar_btf_member(&b, dev, "mutex", sizeof(struct mutex),
					&l->dev_mutex);
	if (err)
		goto out;
	l->vq_size = vq->size;
	l->valid = true;
out:
	kradar_btf_close(&b);
	return err;
}

/*
 * "vhost_net_open+0x1a/0x2c0 [vhost_net]" -> "vhost-net". Under
 * kradar_vhost_mutex (the buffer).
 */
static void kradar_vhost_kind(unsigned long caller, char kind[KRADAR_COMM_LEN])
{
	static char sym[KSYM_SYMBOL_LEN];
	char *mod, *end;

	strscpy(kind, KRADAR_VHOST_MODULE, KRADAR_COMM_LEN);
	if (!caller)
		return;
	sprint_symbol(sym, caller);
	mod = strchr(sym, '[');
	end = mod ? strchr(mod, ']') : NULL;
	if (!end || end == mod + 1)
		return;
	*end = '\0';
	strscpy(kind, mod + 1, KRADAR_COMM_LEN);
	strreplace(kind, '_', '-');
}

/*
 * The worker of a device owned by thread @owner is a thread called
 * "vhost-@owner" (a kthread before 6.4, a vhost_task after). Several
 * devices of one owner have one each: take the newest not already
 * taken by another device.
 */
static pid_t kradar_vhost_find_worker(pid_t owner)
{
	char want[KRADAR_COMM_LEN];
	struct task_struct *g, *p;
	pid_t best = 0;
	unsigned int i;

	snprintf(want, sizeof(want), "vhost-%d", owner);
	rcu_read_lock();
	for_each_process_thread(g, p) {
		pid_t pid = task_pid_nr(p);
		bool taken = false;

		if (strncmp(p->comm, want, KRADAR_COMM_LEN) || pid <= best)
			continue;
		for (i = 0; i < KRADAR_VHOST_DEVS; i++)
			taken |= READ_ONCE(kradar_vhost_devs[i].worker_pid) == pid;
		if (!taken)
			best = pid;
	}
	rcu_read_unlock();
	return best;
}

/*
 * Once per load, with the first device: what a lookup costs, for a lock
 * in that device's last vq and for one elsewhere (in this module).
 */
static void kradar_vhost_calibrate(unsigned long vq)
{
	struct kradar_vhost_lock v;
	unsigned int i, known = 0;
	u64 t0, hit, miss;

	for (i = 0; i < KRADAR_VHOST_DEVS; i++)
		known += !!READ_ONCE(kradar_vhost_devs[i].dev);
	t0 = local_clock();
	for (i = 0; i < KRADAR_VHOST_CALIBRATE; i++)
		kradar_vhost_lookup(vq + kradar_vhost_layout.vq_mutex, &v);
	hit = div64_u64(local_clock() - t0, KRADAR_VHOST_CALIBRATE);
	t0 = local_clock();
	for (i = 0; i < KRADAR_VHOST_CALIBRATE; i++)
		kradar_vhost_lookup((unsigned long)&kradar_vhost_mutex, &v);
	miss = div64_u64(local_clock() - t0, KRADAR_VHOST_CALIBRATE);
	kradar_vhost_cal_hit_ns = hit;
	kradar_vhost_cal_miss_ns = miss;
	pr_info("vhost: a lock lookup costs %llu ns (in a vq) / %llu ns (elsewhere) with %u devices known, %d lookups each\n",
		hit, miss, known, KRADAR_VHOST_CALIBRATE);
}

/* Work item: name new devices and find new owners' workers. */
static void kradar_vhost_learn(struct work_struct *work)
{
	unsigned int i;

	mutex_lock(&kradar_vhost_mutex);
	for (i = 0; i < KRADAR_VHOST_DEVS; i++) {
		struct kradar_vhost_dev *d = &kradar_vhost_devs[i], snap;
		char kind[KRADAR_COMM_LEN];
		unsigned long flags;
		pid_t worker = 0;
		bool told = false;
		u64 took = 0;

		flags = kradar_vhost_write_begin();
		snap = *d;
		kradar_vhost_write_end(flags);
		if (!snap.dev ||
		    (snap.named && (!snap.owner_pid || snap.worker_tried)))
			continue;
		kradar_vhost_kind(snap.caller, kind);
		if (snap.owner_pid && !snap.worker_tried)
			worker = kradar_vhost_find_worker(snap.owner_pid);

		flags = kradar_vhost_write_begin();
		if (d->dev == snap.dev && d->id == snap.id) {
			if (!d->named) {
				memcpy(d->kind, kind, sizeof(d->kind));
				d->named = true;
				took = local_clock() - d->init_ns;
				told = true;
			}
			if (d->owner_pid && d->owner_pid == snap.owner_pid &&
			    !d->worker_tried) {
				d->worker_pid = worker;
				d->worker_tried = true;
				told = true;
			}
			snap = *d;
		}
		kradar_vhost_write_end(flags);
		kradar_vhost_learn_ns_max = max(kradar_vhost_learn_ns_max, took);
		if (took && !kradar_vhost_cal_miss_ns && snap.nvqs)
			kradar_vhost_calibrate(snap.vq[snap.nvqs - 1]);
		if (!told || kradar_vhost_told >= KRADAR_VHOST_TOLD)
			continue;
		kradar_vhost_told++;
		if (snap.owner_pid)
			pr_info("vhost: %s dev %u: %u vqs, owner %s pid %d, worker pid %d\n",
				snap.kind, snap.id, snap.nvqs_all,
				snap.owner_comm, snap.owner_pid,
				snap.worker_pid);
		else
			pr_info("vhost: %s dev %u: %u vqs%s, learnt in %llu us\n",
				snap.kind, snap.id, snap.nvqs_all,
				snap.nvqs < snap.nvqs_all ? " (not all remembered)" : "",
				took / NSEC_PER_USEC);
	}
	mutex_unlock(&kradar_vhost_mutex);
}

static void kradar_vhost_forget_all(void)
{
	unsigned long flags;

	flags = kradar_vhost_write_begin();
	memset(kradar_vhost_devs, 0, sizeof(kradar_vhost_devs));
	kradar_vhost_hw = 0;
	kradar_vhost_write_end(flags);
}

/* Under kradar_vhost_mutex. */
static void kradar_vhost_disarm(void)
{
	if (!kradar_vhost_armed)
		return;
	if (kradar_kp_killed_on)
		unregister_kprobe(&kradar_kp_killed);
	if (kradar_kp_reset_on)
		unregister_kprobe(&kradar_kp_reset);
	if (kradar_kp_owner_on)
		unregister_kretprobe(&kradar_krp_owner);
	unregister_kprobe(&kradar_kp_cleanup);
	unregister_kprobe(&kradar_kp_init);
	kradar_kp_killed_on = false;
	kradar_kp_reset_on = false;
	kradar_kp_owner_on = false;
	kradar_vhost_armed = false;
	kradar_vhost_forget_all();
	snprintf(kradar_vhost_state, sizeof(kradar_vhost_state),
		 "waiting for the %s module", KRADAR_VHOST_MODULE);
}

/* Under kradar_vhost_mutex; a probe that is not needed may fail. */
static bool kradar_vhost_optional(struct kprobe *kp, const char *what)
{
	int err = register_kprobe(kp);

	if (err)
		pr_warn("vhost: cannot probe %s (%d): %s\n", kp->symbol_name,
			err, what);
	return !err;
}

static void kradar_vhost_arm(void)
{
	struct kradar_vhost_layout l;
	unsigned long flags;
	const char *what;
	u64 t0;
	int err;

	if (kradar_vhost_armed || !kradar_vhost_on)
		return;
	kradar_vhost_kp_setup();
	err = register_kprobe(&kradar_kp_init);
	if (err == -ENOENT) {
		if (!kradar_vhost_waiting_told)
			pr_info("vhost: module %s not loaded; vhost awareness starts when it loads\n",
				KRADAR_VHOST_MODULE);
		kradar_vhost_waiting_told = true;
		snprintf(kradar_vhost_state, sizeof(kradar_vhost_state),
			 "waiting for the %s module", KRADAR_VHOST_MODULE);
		return;
	}
	what = kradar_kp_init.symbol_name;
	if (!err) {
		what = kradar_kp_cleanup.symbol_name;
		err = register_kprobe(&kradar_kp_cleanup);
		if (err)
			unregister_kprobe(&kradar_kp_init);
	}
	if (err) {
		pr_warn("vhost awareness off: cannot probe %s (%d); locks in vhost devices are reported by address\n",
			what, err);
		snprintf(kradar_vhost_state, sizeof(kradar_vhost_state),
			 "off: cannot probe vhost (%d)", err);
		return;
	}
	kradar_vhost_armed = true;
	err = register_kretprobe(&kradar_krp_owner);
	kradar_kp_owner_on = !err;
	if (err)
		pr_warn("vhost: cannot probe vhost_dev_set_owner (%d): devices come without owner and worker\n",
			err);
	kradar_kp_reset_on = kradar_vhost_optional(&kradar_kp_reset,
						   "a device whose owner is reset is forgotten");
	err = register_kprobe(&kradar_kp_killed);
	kradar_kp_killed_on = !err;
	if (err && !kradar_vhost_killed_told)
		pr_info("vhost: no vhost_worker_killed() here (%d; it exists from 6.10): waits of killed workers are not marked\n",
			err);
	kradar_vhost_killed_told = true;

	t0 = local_clock();
	err = vhost_btf ? kradar_vhost_read_layout(&l) : -EPERM;
	kradar_vhost_btf_ns = local_clock() - t0;
	flags = kradar_vhost_write_begin();
	kradar_vhost_layout = l;
	if (err)
		kradar_vhost_layout.valid = false;
	kradar_vhost_write_end(flags);
	if (err) {
		pr_info("vhost: no struct layout from %s (%d%s): locks in virtqueues are reported as 'vq N of vhost device D +0xOFF'\n",
			KRADAR_BTF_VHOST, err,
			vhost_btf ? "" : ", vhost_btf=N");
		snprintf(kradar_vhost_state, sizeof(kradar_vhost_state),
			 "on, no BTF layout (%d)", err);
	} else {
		pr_info("vhost: on; from BTF in %llu us: vq->mutex at +%u of %u bytes, dev->mutex at +%u\n",
			kradar_vhost_btf_ns / NSEC_PER_USEC, l.vq_mutex,
			l.vq_size, l.dev_mutex);
		snprintf(kradar_vhost_state, sizeof(kradar_vhost_state),
			 "on, BTF layout: vq->mutex +%u of %u bytes, dev->mutex +%u",
			 l.vq_mutex, l.vq_size, l.dev_mutex);
	}
}

static int kradar_vhost_module_cb(struct notifier_block *nb,
				  unsigned long action, void *data)
{
	struct module *mod = data;

	if (strcmp(mod->name, KRADAR_VHOST_MODULE))
		return NOTIFY_DONE;
	/*
	 * In the task loading or unloading vhost, which holds no module
	 * lock here: armed before its insmod returns, so no device opened
	 * after that is missed.
	 */
	mutex_lock(&kradar_vhost_mutex);
	if (action == MODULE_STATE_LIVE)
		kradar_vhost_arm();
	else if (action == MODULE_STATE_GOING)
		kradar_vhost_disarm();
	mutex_unlock(&kradar_vhost_mutex);
	return NOTIFY_DONE;
}

static struct notifier_block kradar_vhost_nb = {
	.notifier_call = kradar_vhost_module_cb,
};

/* After the lock detector is attached; failures only cost vhost names. */
void kradar_vhost_init(void)
{
	int err;

	if (!KRADAR_HAVE_KPROBE_ARGS || !IS_ENABLED(CONFIG_KPROBES)) {
		pr_info("vhost awareness off: no kprobe argument access on this architecture or no CONFIG_KPROBES\n");
		snprintf(kradar_vhost_state, sizeof(kradar_vhost_state),
			 "off: no kprobes");
		return;
	}
	err = register_module_notifier(&kradar_vhost_nb);
	if (err) {
		pr_warn("vhost awareness off: no module notifier (%d)\n", err);
		return;
	}
	mutex_lock(&kradar_vhost_mutex);
	kradar_vhost_on = true;
	kradar_vhost_arm();
	mutex_unlock(&kradar_vhost_mutex);
}

void kradar_vhost_exit(void)
{
	bool on;

	mutex_lock(&kradar_vhost_mutex);
	on = kradar_vhost_on;
	kradar_vhost_on = false;
	mutex_unlock(&kradar_vhost_mutex);
	if (!on)
		return;
	unregister_module_notifier(&kradar_vhost_nb);
	mutex_lock(&kradar_vhost_mutex);
	kradar_vhost_disarm();
	mutex_unlock(&kradar_vhost_mutex);
	cancel_work_sync(&kradar_vhost_learn_work);
}

static void kradar_vhost_fill(struct kradar_vhost_lock *v,
			      const struct kradar_vhost_dev *d, u32 what,
			      u32 vq, unsigned long off)
{
	v->what = what;
	v->vq = vq;
	v->dev = d->id;
	v->off = min_t(unsigned long, off, U32_MAX);
	v->owner_pid = d->owner_pid;
	v->worker_pid = d->worker_pid;
	memcpy(v->owner_comm, d->owner_comm, KRADAR_COMM_LEN);
	if (d->named)
		memcpy(v->kind, d->kind, KRADAR_COMM_LEN);
	else
		strscpy(v->kind, KRADAR_VHOST_MODULE, KRADAR_COMM_LEN);
}

/* Inside a read_seqcount section: may see a torn table, then retried. */
static bool kradar_vhost_find(unsigned long addr, struct kradar_vhost_lock *v)
{
	const struct kradar_vhost_layout *l = &kradar_vhost_layout;
	const struct kradar_vhost_dev *best_d = NULL;
	unsigned long best = 0;
	unsigned int n, i, best_i = 0;
	unsigned int hw = min_t(unsigned int, READ_ONCE(kradar_vhost_hw),
				KRADAR_VHOST_DEVS);

	for (n = 0; n < hw; n++) {
		const struct kradar_vhost_dev *d = &kradar_vhost_devs[n];
		u32 nvqs = min_t(u32, READ_ONCE(d->nvqs), KRADAR_VHOST_VQS);

		if (!READ_ONCE(d->dev))
			continue;
		if (l->valid && addr == d->dev + l->dev_mutex) {
			kradar_vhost_fill(v, d, KRADAR_VHOST_DEV_MUTEX, 0,
					  l->dev_mutex);
			return true;
		}
		for (i = 0; i < nvqs; i++) {
			unsigned long s = READ_ONCE(d->vq[i]);

			if (!s || addr < s)
				continue;
			if (l->valid && addr - s < l->vq_size) {
				kradar_vhost_fill(v, d, addr - s == l->vq_mutex ?
						  KRADAR_VHOST_VQ_MUTEX :
						  KRADAR_VHOST_IN_VQ,
						  i, addr - s);
				return true;
			}
			if (!l->valid && addr - s < KRADAR_VHOST_GUESS &&
			    s > best) {
				best = s;
				best_d = d;
				best_i = i;
			}
		}
	}
	if (!best_d)
		return false;
	kradar_vhost_fill(v, best_d, KRADAR_VHOST_IN_VQ, best_i, addr - best);
	return true;
}

static bool kradar_vhost_lookup(unsigned long addr,
				struct kradar_vhost_lock *v)
{
	unsigned int seq;
	bool found;

	do {
		seq = read_seqcount_begin(&kradar_vhost_seq);
		memset(v, 0, sizeof(*v));
		found = kradar_vhost_find(addr, v);
	} while (read_seqcount_retry(&kradar_vhost_seq, seq));
	return found;
}

bool kradar_vhost_describe(unsigned long addr, struct kradar_vhost_lock *v)
{
	u64 t0 = local_clock(), ns;
	bool found;

	found = kradar_vhost_lookup(addr, v);
	ns = local_clock() - t0;
	kradar_vhost_lookups++;
	kradar_vhost_lookup_ns += ns;
	kradar_vhost_lookup_max_ns = max(kradar_vhost_lookup_max_ns, ns);
	return found;
}

bool kradar_vhost_killed(pid_t pid, u64 *since_ns)
{
	unsigned int seq, i;
	bool found;

	do {
		seq = read_seqcount_begin(&kradar_vhost_seq);
		found = false;
		for (i = 0; i < KRADAR_VHOST_KILLED && !found; i++) {
			if (pid && kradar_vhost_kills[i].pid == pid) {
				*since_ns = kradar_vhost_kills[i].ns;
				found = true;
			}
		}
	} while (read_seqcount_retry(&kradar_vhost_seq, seq));
	return found;
}

/* The name older readers show: "vq->mutex (vq 1 of vhost-net dev 1)". */
void kradar_vhost_name(const struct kradar_vhost_lock *v,
		       char name[KRADAR_NAME_LEN])
{
	char buf[KRADAR_NAME_LEN];

	switch (v->what) {
	case KRADAR_VHOST_VQ_MUTEX:
		snprintf(buf, sizeof(buf), "vq->mutex (vq %u of %s dev %u)",
			 v->vq, v->kind, v->dev);
		break;
	case KRADAR_VHOST_DEV_MUTEX:
		snprintf(buf, sizeof(buf), "dev->mutex (%s dev %u)", v->kind,
			 v->dev);
		break;
	default:
		snprintf(buf, sizeof(buf), "vq %u of %s dev %u +0x%x", v->vq,
			 v->kind, v->dev, v->off);
		break;
	}
	kradar_copy_name(name, buf);
}

void kradar_vhost_status(struct seq_file *m)
{
	unsigned int i, known = 0;

	mutex_lock(&kradar_vhost_mutex);
	for (i = 0; i < KRADAR_VHOST_DEVS; i++)
		known += !!READ_ONCE(kradar_vhost_devs[i].dev);
	seq_printf(m, "vhost:             %s; %u devices known, %llu forgotten, %llu not learnt (table full); layout read in %llu us, learning took <= %llu us\n",
		   kradar_vhost_state, known, kradar_vhost_forgotten,
		   kradar_vhost_full, kradar_vhost_btf_ns / NSEC_PER_USEC,
		   kradar_vhost_learn_ns_max / NSEC_PER_USEC);
	mutex_unlock(&kradar_vhost_mutex);
	seq_printf(m, "vhost lookups:     %llu by the sampler, %llu ns on average, %llu ns at most; calibrated %llu ns (in a vq) / %llu ns (elsewhere)\n",
		   kradar_vhost_lookups,
		   kradar_vhost_lookups ?
		   div64_u64(kradar_vhost_lookup_ns, kradar_vhost_lookups) : 0,
		   kradar_vhost_lookup_max_ns, kradar_vhost_cal_hit_ns,
		   kradar_vhost_cal_miss_ns);
}
