/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoint lookup for an out-of-tree module. The __tracepoint_* structs
 * are not exported, so kradar finds them by name with
 * for_each_kernel_tracepoint() (exported since 3.15, unchanged to 6.18).
 */
#ifndef _KRADAR_COMPAT_TRACEPOINT_H
#define _KRADAR_COMPAT_TRACEPOINT_H

#include <linux/tracepoint.h>
#include <linux/string.h>

struct kradar_tp_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void kradar_tp_match(struct tracepoint *tp, void *priv)
{
	struct kradar_tp_lookup *l = priv;

	if (!strcmp(tp->name, l->name))
		l->tp = tp;
}

/* Returns the kernel's tracepoint called @name, or NULL. */
static inline struct tracepoint *kradar_tracepoint_find(const char *name)
{
	struct kradar_tp_lookup l = { .name = name };

	for_each_kernel_tracepoint(kradar_tp_match, &l);
	return l.tp;
}

#endif /* _KRADAR_COMPAT_TRACEPOINT_H */
