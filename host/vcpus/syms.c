// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel text symbols for kradar-vcpus: a kallsyms list ("ADDR TYPE NAME"
 * lines, as /proc/kallsyms prints them) read once, sorted, and looked up
 * by address after shifting by the KASLR offset (runtime _text minus the
 * list's _text). x86-64 KASLR moves the whole kernel image by one
 * offset, so a list taken from a "nokaslr" boot of the same image serves
 * every boot of it. Module symbols are not used: modules are placed anew
 * on every boot; module addresses are shown as such.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run_schema.h"
#include "vcpus.h"

#define SYM_MAX		(4u << 20)	/* symbols kept */
#define SYM_LINE	512		/* longest line parsed */
#define SYM_FAR		0x100000	/* no name beyond 1 MiB from one */

struct sym_tmp {
	uint64_t addr;
	size_t name_off;
	size_t idx;		/* file order, for a stable sort */
};

static int cmp_sym(const void *a, const void *b)
{
	const struct sym_tmp *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void vc_syms__free(struct vc_syms *s)
{
	if (!s)
		return;
	free(s->v);
	free(s->names);
	memset(s, 0, sizeof(*s));
}

int vc_syms__load(struct vc_syms *s, const char *path, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "r");
	struct sym_tmp *t = NULL;
	size_t nt = 0, at = 0, nlen = 0, ncap = 0;
	char line[SYM_LINE + 2];
	uint64_t max_addr = 0;
	bool have_text = false, have_etext = false, stext = false;
	int r = 0;

	memset(s, 0, sizeof(*s));
	if (!f) {
		r = -errno;
		snprintf(err, errlen, "cannot read symbol list %s: %s", path, strerror(-r));
		return r;
	}
	while (fgets(line, sizeof(line), f)) {
		char name[256], type, mod[4];
		unsigned long long a;
		size_t l = strlen(line);
		int k;

		if (l && line[l - 1] != '\n' && !feof(f)) {
			int c;	/* overlong line: skip the rest */

			while ((c = fgetc(f)) != EOF && c != '\n')
				;
			continue;
		}
		k = sscanf(line, "%16llx %c %255s %3s", &a, &type, name, mod);
		if (k < 3 || !strchr("tTwW", type) || (k == 4 && mod[0] == '['))
			continue;
		if (!strcmp(name, "_text")) {
			s->file_text = a;
			have_text = true;
		} else if (!strcmp(name, "_stext") && !have_text) {
			s->file_text = a;
			stext = true;
		} else if (!strcmp(name, "_etext")) {
			s->file_etext = a;
			have_etext = true;
		}
		if (nt == at) {
			size_t na = at ? at * 2 : 4096;
			struct sym_tmp *nt2;

			if (na > SYM_MAX || !(nt2 = realloc(t, na * sizeof(*t)))) {
				r = -ENOMEM;
				snprintf(err, errlen, "symbol list %s: more than %u symbols or no memory",
					 path, SYM_MAX);
				goto err_out;
			}
			t = nt2;
			at = na;
		}
		k = (int)strlen(name) + 1;
		if (nlen + k > ncap) {
			size_t nc = ncap ? ncap * 2 : 65536;
			char *nn = realloc(s->names, nc);

			if (!nn) {
				r = -ENOMEM;
				snprintf(err, errlen, "symbol list %s: no memory", path);
				goto err_out;
			}
			s->names = nn;
			ncap = nc;
		}
		memcpy(s->names + nlen, name, k);
		t[nt].addr = a;
		t[nt].name_off = nlen;
		t[nt].idx = nt;
		nt++;
		nlen += k;
		if (a > max_addr)
			max_addr = a;
	}
	if (ferror(f)) {
		r = -EIO;
		snprintf(err, errlen, "cannot read symbol list %s", path);
		goto err_out;
	}
	if (!nt || !(have_text || stext)) {
		r = -EINVAL;
		snprintf(err, errlen, "%s has no kernel text symbols with _text (not a kallsyms list?)",
			 path);
		goto err_out;
	}
	if (!have_etext || s->file_etext <= s->file_text)
		s->file_etext = max_addr + 1;
	qsort(t, nt, sizeof(*t), cmp_sym);
	s->v = malloc(nt * sizeof(*s->v));
	if (!s->v) {
		r = -ENOMEM;
		goto err_out;
	}
	for (size_t i = 0; i < nt; i++) {
		s->v[i].addr = t[i].addr;
		s->v[i].name = s->names + t[i].name_off;
	}
	s->n = nt;
	free(t);
	fclose(f);
	return 0;
err_out:
	free(t);
	fclose(f);
	vc_syms__free(s);
	return r;
}

bool vc_syms__in_text(const struct vc_syms *s, uint64_t addr)
{
	uint64_t a;

	if (!s || !s->n)
		return false;
	a = addr - (uint64_t)s->offset;
	return a >= s->file_text && a < s->file_etext;
}

/* Index of the last symbol at or below @a (list addresses), or -1. */
static long lookup(const struct vc_syms *s, uint64_t a)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].addr <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return -1;
	/* the first of several names at that address (file order) */
	lo--;
	while (lo && s->v[lo - 1].addr == s->v[lo].addr)
		lo--;
	return (long)lo;
}

const char *vc_syms__format(const struct vc_syms *s, uint64_t addr,
			    char *buf, size_t len)
{
	if (s && s->n) {
		uint64_t a = addr - (uint64_t)s->offset;
		long i = -1;

		if (a >= s->file_text && a < s->file_etext)
			i = lookup(s, a);
		if (i >= 0 && a - s->v[i].addr < SYM_FAR) {
			snprintf(buf, len, "%s+0x%llx", s->v[i].name,
				 (unsigned long long)(a - s->v[i].addr));
			return s->v[i].name;
		}
	}
	if (vc_is_module_addr(addr))
		snprintf(buf, len, "0x%016llx [module]", (unsigned long long)addr);
	else
		snprintf(buf, len, "0x%016llx", (unsigned long long)addr);
	return NULL;
}

int vc_text_from_serial(const char *path, uint64_t *text, char *err,
			size_t errlen)
{
	static const char mark[] = KRADAR_MARK_PREFIX KRADAR_MARK_KERNEL_TEXT;
	FILE *f = fopen(path, "r");
	char line[1024];
	int r = -ENOENT;

	if (!f) {
		r = -errno;
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-r));
		return r;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, mark);
		unsigned long long a;
		char *e;

		if (!p)
			continue;
		p += sizeof(mark) - 1;
		errno = 0;
		a = strtoull(p, &e, 16);
		if (errno || e - p != 16 || a < 0xffffffff80000000ull)
			continue;
		*text = a;
		r = 0;
		break;
	}
	fclose(f);
	if (r)
		snprintf(err, errlen, "%s has no 'kradar-run: kernel _text ADDR' line (guest from an older runner, or it froze before /init)",
			 path);
	return r;
}
