// SPDX-License-Identifier: GPL-2.0
/*
 * kradar helpers shared by the detectors and the orchestrator: names
 * copied into fixed record fields, symbols resolved for records, optional
 * tracepoints attached with one message when they are missing, and the
 * LOST record every part of the probe emits the same way.
 *
 * They live here, and not in kradar_main.c, so that a detector depends on
 * these helpers and the record buffer only, never on the file that starts
 * and samples it. All of them run in process context: the sampler threads
 * (names, symbols, LOST records: sprint_symbol() into a static buffer,
 * serialised by the sampling lock) and module init (tracepoints). None is
 * called from a probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
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
