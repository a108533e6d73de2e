// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-agent symbols: callback names from /proc/kallsyms, in the form
 * the module's kradar_symbol() gives them ("advance_sched [sch_taprio]"),
 * for the window and storm records.
 *
 * The text symbols are read once at start, sorted by address. An address
 * that is not the start of a known symbol (a module loaded since) is
 * named by the kernel itself (the resolver, kradar_agent.c: %ps in a BPF
 * program, one syscall); without it the list is read again, at most once
 * a second (about a second of a TCG guest's time: never in a storm if it
 * can be helped), before the address is named by the symbol it lies in. Callers keep the names they got: each callback
 * is looked up once. Needs root (kptr_restrict hides addresses from
 * others): an address without symbol is named by its value.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "agent.h"

struct ksym {
	uint64_t addr;
	char *name;		/* "fn" or "fn [mod]" */
};

static struct ksym *ksyms;
static size_t nr_ksyms;
static uint64_t ksym_loaded_ns;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

void ksym_free(void)
{
	size_t i;

	for (i = 0; i < nr_ksyms; i++)
		free(ksyms[i].name);
	free(ksyms);
	ksyms = NULL;
	nr_ksyms = 0;
}

int ksym_load(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	struct ksym *v = NULL;
	size_t n = 0, cap = 0;
	char line[512];

	ksym_loaded_ns = agent_now_ns();
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char type, name[256], mod[128] = "";
		unsigned long long addr;
		int k = sscanf(line, "%llx %c %255s %127s", &addr, &type, name, mod);

		if (k < 3 || !addr || !strchr("tTwW", type))
			continue;
		if (n == cap) {
			struct ksym *nv;

			cap = cap ? cap * 2 : 65536;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n].addr = addr;
		if (k == 4 && mod[0] == '[') {
			size_t l = strlen(name);

			snprintf(name + l, sizeof(name) - l, " %s", mod);
		}
		v[n].name = strdup(name);
		if (!v[n].name)
			break;
		n++;
	}
	fclose(f);
	ksym_free();
	ksyms = v;
	nr_ksyms = n;
	if (n)
		qsort(ksyms, n, sizeof(*ksyms), ksym_cmp);
	return n ? 0 : -ENOENT;
}

/* The last symbol at or below @addr, or NULL. */
static const struct ksym *ksym_find(uint64_t addr)
{
	size_t lo = 0, hi = nr_ksyms;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksyms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &ksyms[lo - 1] : NULL;
}

static int (*ksym_resolver)(uint64_t addr, char name[KRADAR_NAME_LEN]);

void ksym_set_resolver(int (*fn)(uint64_t addr, char name[KRADAR_NAME_LEN]))
{
	ksym_resolver = fn;
}

void ksym_name(uint64_t addr, char name[KRADAR_NAME_LEN])
{
	const struct ksym *s = ksym_find(addr);

	/* not a symbol known at start: the kernel's %ps, one syscall */
	if ((!s || s->addr != addr) && ksym_resolver &&
	    !ksym_resolver(addr, name))
		return;
	if ((!s || s->addr != addr) &&
	    agent_now_ns() - ksym_loaded_ns >= KRADAR_NSEC_PER_SEC) {
		ksym_load();
		s = ksym_find(addr);
	}
	memset(name, 0, KRADAR_NAME_LEN);
	if (s)
		snprintf(name, KRADAR_NAME_LEN, "%s", s->name);
	else
		snprintf(name, KRADAR_NAME_LEN, "0x%" PRIx64, addr);
}
