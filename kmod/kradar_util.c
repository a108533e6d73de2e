// SPDX-License-Identifier: GPL-2.0
/*
 * kradar helpers shared by the detectors and the orchestrator: names
 * copied into fixed record fields, symbols resolved for records, optional
 * tracepoints attached with one message when they are missing, the
 * LOST record every part of the probe emits the same way, and other
 * tasks' stacks.
 *
 * They live here, and not in kradar_main.c, so that a detector depends on
 * these helpers and the record buffer only, never on the file that starts
 * and samples it. All of them run in process context: the sampler threads
 * (names, symbols, LOST records: sprint_symbol() into a static buffer,
 * serialised by the sampling lock) and module init (tracepoints). None is
 * called from a probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include "kradar.h"
#include "compat/tracepoint.h"

void kradar_copy_name(char dst[KRADAR_NAME_LEN], const char *src)
{
	memset(dst, 0, KRADAR_NAME_LEN);
	strscpy(dst, src, KRADAR_NAME_LEN);
}

/*
 * "advance_sched+0x0/0x1a0 [sch_taprio]" -> "advance_sched [sch_taprio]";
 * with @exact only a zero offset is dropped, so an object inside a bigger
 * one keeps "+0x18/0x40". No symbol: the address. Sampler threads only.
 */
void kradar_symbol(unsigned long addr, char name[KRADAR_NAME_LEN], bool exact)
{
	static char sym[KSYM_SYMBOL_LEN];
	char *plus, *mod;

	sprint_symbol(sym, addr);
	plus = strstr(sym, exact ? "+0x0/" : "+");
	if (plus) {
		mod = strstr(plus, " [");
		if (mod)
			memmove(plus, mod, strlen(mod) + 1);
		else
			*plus = '\0';
	}
	kradar_copy_name(name, sym);
}

/*
 * Attach @probe to the tracepoint called @name for an optional detector:
 * on failure say that @detector is off and why, and return NULL.
 */
struct tracepoint *kradar_tp_attach(const char *name, void *probe,
				    const char *detector)
{
	struct tracepoint *tp = kradar_tracepoint_find(name);
	int err;

	if (!tp) {
		pr_warn("%s off: tracepoint %s not found (the kernel is too old or lacks CONFIG_TRACEPOINTS, see configs/kradar.config); the other detectors go on\n",
			detector, name);
		return NULL;
	}
	err = tracepoint_probe_register(tp, probe, NULL);
	if (err) {
		pr_warn("%s off: cannot attach to %s: %d; the other detectors go on\n",
			detector, name, err);
		return NULL;
	}
	return tp;
}

/* A LOST record: what was dropped since the last one of this cause. */
void kradar_emit_lost(u16 cpu, u32 cause, u64 records, u64 bytes, u64 events,
		      u64 ts)
{
	struct kradar_rec_lost *r;

	r = kradar_rec_begin(KRADAR_REC_LOST, sizeof(*r), cpu, ts);
	if (!r)
		return;
	r->cause = cpu_to_le32(cause);
	r->records = cpu_to_le64(records);
	r->bytes = cpu_to_le64(bytes);
	r->events = cpu_to_le64(events);
	kradar_rec_commit(r);
}

/*
 * Stacks of other tasks: stack_trace_save_tsk() is not exported, so the
 * sampler reads /proc/PID/stack, the kernel's own interface for exactly
 * this, from its kthread (which runs with full capabilities), into one
 * static buffer (sampler threads only, under the sampling lock).
 */
#define KRADAR_PROC_STACK_LEN	4096

static char kradar_proc_buf[KRADAR_PROC_STACK_LEN];
static bool kradar_proc_warned;

/*
 * Read a /proc seq_file into kradar_proc_buf. kernel_read() needs
 * ->read_iter, which /proc/PID/stack has only in newer kernels; older
 * ones have ->read = seq_read, so fill the file's own seq_file with its
 * ->show(), which is what seq_read() does, into a buffer of ours (the
 * file's release frees it).
 */
static ssize_t kradar_read_seq(struct file *file)
{
	struct seq_file *m = file->private_data;
	loff_t pos = 0;
	void *v;

	if (file->f_op->read_iter)
		return kernel_read(file, kradar_proc_buf,
				   KRADAR_PROC_STACK_LEN - 1, &pos);
	if (file->f_op->read != seq_read || !m || m->buf)
		return -EINVAL;
	m->buf = kvmalloc(KRADAR_PROC_STACK_LEN, GFP_KERNEL);
	if (!m->buf)
		return -ENOMEM;
	m->size = KRADAR_PROC_STACK_LEN;
	m->count = 0;
	v = m->op->start(m, &pos);
	if (!IS_ERR_OR_NULL(v))
		m->op->show(m, v);
	m->op->stop(m, v);
	if (IS_ERR(v))
		return PTR_ERR(v);
	m->count = min_t(size_t, m->count, KRADAR_PROC_STACK_LEN - 1);
	memcpy(kradar_proc_buf, m->buf, m->count);
	return m->count;
}

/*
 * Another task's stack, from /proc/PID/stack: "[<0>] func+0x1/0x2\n"
 * lines, innermost first. Returns the frames copied into @f.
 */
unsigned int kradar_task_stack(pid_t pid, struct kradar_frame *f,
			       unsigned int max)
{
	char path[32], *line, *next;
	struct file *file;
	unsigned int n = 0;
	ssize_t len;

	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	file = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(file)) {
		len = PTR_ERR(file);
	} else {
		len = kradar_read_seq(file);
		filp_close(file, NULL);
	}
	if (len < 0) {
		if (!kradar_proc_warned)
			pr_warn("cannot read %s (%zd): lock and hung-task records come without stacks; mount procfs at /proc and use a kernel with CONFIG_STACKTRACE\n",
				path, len);
		kradar_proc_warned = true;
		return 0;
	}
	kradar_proc_buf[len] = '\0';
	for (line = kradar_proc_buf; line && *line && n < max; line = next) {
		char *sym = strstr(line, "] ");

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!sym)
			continue;
		f[n].addr = 0;
		kradar_copy_name(f[n].sym, sym + 2);
		n++;
	}
	return n;
}
