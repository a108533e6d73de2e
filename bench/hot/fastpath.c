// SPDX-License-Identifier: GPL-2.0
/*
 * bench-fastpath: static instruction count of a function's fast path,
 * read from objdump -dr.
 *
 * The walk starts at the function's first instruction and follows the
 * layout the compiler chose for the common case: a conditional branch is
 * taken as not taken (GCC moves unlikely() blocks and loops out of line,
 * and lays the likely case of an unhinted if() as fall-through), an
 * unconditional jump inside the function is followed, and the walk ends
 * at ret or at a jump to __x86_return_thunk (which the kernel patches to,
 * or runs as, one ret: counted as that one instruction). Every
 * instruction on the way counts one, including a call (counted without
 * its callee). bench-fastpath prints the path so the count can be
 * checked by eye.
 *
 *   bench-fastpath KO FUNC OBJ FUNC2
 *      KO's FUNC (the module's probe), OBJ's FUNC2 (bench's userspace
 *      build of the same hot path): result lines for both and their
 *      difference, the wrapper's kernel-only work.
 *
 * Exit: 0 counted, 1 a function not found or no end found, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../bench.h"

#define FP_MAX_INSN	4096
#define FP_MAX_STEPS	1000

struct insn {
	unsigned long addr;
	char mnem[16];
	unsigned long target;	/* direct branch target, 0 if none */
	int thunk_ret;		/* relocation to __x86_return_thunk */
	char text[96];
};

struct func {
	struct insn *v;
	size_t n;
};

/* Disassemble FILE and keep FUNC's instructions; 0 or -1. */
static int load(const char *file, const char *fn, struct func *f)
{
	char cmd[4200], line[512], head[300];
	int in = 0, done = 0;
	FILE *p;

	if (strlen(file) > 4000 || strchr(file, '\'')) {
		fprintf(stderr, "bench-fastpath: unusable file name '%s'\n", file);
		return -1;
	}
	snprintf(cmd, sizeof(cmd), "objdump -dr --no-show-raw-insn '%s'", file);
	snprintf(head, sizeof(head), "<%s>:", fn);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	f->v = calloc(FP_MAX_INSN, sizeof(*f->v));
	f->n = 0;
	while (f->v && fgets(line, sizeof(line), p)) {
		unsigned long a;
		char *tab, *sp;
		struct insn *i;

		/* read to the end: objdump must not die of SIGPIPE */
		if (done)
			continue;
		if (!in) {
			in = strstr(line, head) != NULL;
			continue;
		}
		if (line[0] == '\n' || line[0] == '\0') {
			done = 1;
			continue;
		}
		/* relocation: "\t\t\tf34: R_X86_64_PC32\tsym" */
		if (strstr(line, ": R_X86_64_")) {
			if (f->n && strstr(line, "__x86_return_thunk"))
				f->v[f->n - 1].thunk_ret = 1;
			continue;
		}
		if (sscanf(line, " %lx:", &a) != 1 || f->n == FP_MAX_INSN)
			continue;
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		while (*tab == '\t' || *tab == ' ')
			tab++;
		i = &f->v[f->n++];
		i->addr = a;
		tab[strcspn(tab, "\n")] = '\0';
		snprintf(i->text, sizeof(i->text), "%s", tab);
		sp = tab + strcspn(tab, " ");
		snprintf(i->mnem, sizeof(i->mnem), "%.*s", (int)(sp - tab), tab);
		if (i->mnem[0] == 'j')
			i->target = strtoul(sp, NULL, 16);
	}
	if (pclose(p) != 0 || !f->v || f->n == 0) {
		fprintf(stderr, "bench-fastpath: no function %s in %s (objdump missing, or not built?)\n",
			fn, file);
		return -1;
	}
	return 0;
}

static long find(const struct func *f, unsigned long addr)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (f->v[i].addr == addr)
			return (long)i;
	return -1;
}

/* Length of the fall-through path, printed as commentary; -1 if no end. */
static long walk(const struct func *f, const char *fn)
{
	long at = 0, steps;

	printf("# fast path of %s:\n", fn);
	for (steps = 1; steps <= FP_MAX_STEPS && at >= 0 &&
	     (size_t)at < f->n; steps++) {
		const struct insn *i = &f->v[at];

		printf("#   %6lx  %s\n", i->addr, i->text);
		if (!strncmp(i->mnem, "ret", 3) || i->thunk_ret)
			return steps;
		if (!strcmp(i->mnem, "jmp")) {
			at = find(f, i->target);
			continue;
		}
		at++;
	}
	fprintf(stderr, "bench-fastpath: %s: no return on the fall-through path\n",
		fn);
	return -1;
}

int main(int argc, char **argv)
{
	struct func k = { 0 }, u = { 0 };
	long nk, nu;
	char text[256];

	if (argc != 5) {
		fprintf(stderr, "usage: bench-fastpath MODULE.ko FUNC OBJECT.o FUNC2\n");
		return 2;
	}
	if (load(argv[1], argv[2], &k) || load(argv[3], argv[4], &u))
		return 1;
	nk = walk(&k, argv[2]);
	nu = walk(&u, argv[4]);
	free(k.v);
	free(u.v);
	if (nk < 0 || nu < 0)
		return 1;
	snprintf(text, sizeof(text),
		 "%s common path in the module (static, objdump, ret included)",
		 argv[2]);
	bench_result("probe_static_instr", (double)nk, "instr/event", "-", text);
	snprintf(text, sizeof(text),
		 "kernel-only part: that minus the userspace build's %ld (nest guard, per-CPU base, loads)",
		 nu);
	bench_result("wrapper_extra_instr", (double)(nk - nu), "instr/event",
		     "-", text);
	return fflush(stdout) || ferror(stdout) ? 2 : 0;
}
