// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_run: symbols for raw guest addresses (libelf).
 *
 * A guest without kallsyms, or a record cut short, leaves addresses such
 * as "0xffffffffc0a01230" where a function name should be. Given the
 * guest's vmlinux and module objects, they are resolved to
 * "func+0xoff/0xsize [mod]".
 *
 * Guest addresses are randomised (KASLR, module load address), so the
 * images are placed first: every function the guest did name together
 * with its address ("advance_sched [sch_taprio]" at 0xffffffffc04aebe0)
 * fixes the slide of vmlinux or the load address of that module's .text;
 * the value most names agree on wins. Only .text symbols of modules are
 * used (other sections load elsewhere).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kradar_run.h"
#include "str.h"

#define SYMS_MAX_IMAGES	64
#define SYMS_MAX	(4u << 20)	/* symbols per image */
#define SYMS_VOTES	32		/* placements remembered per image */

struct sym {
	uint64_t value, size;
	char *name;
};

struct image {
	char mod[64];			/* "" for vmlinux */
	struct sym *syms;		/* sorted by value */
	size_t nr;
	char *strs;			/* names */
	bool placed;
	int64_t bias;			/* guest address = value + bias */
	int nr_votes;
	int64_t votes[SYMS_VOTES];
	int counts[SYMS_VOTES];
};

struct kradar_syms {
	int nr;
	struct image img[SYMS_MAX_IMAGES];
};

struct kradar_syms *kradar_syms__new(void)
{
	if (elf_version(EV_CURRENT) == EV_NONE) {
		errno = ENOSYS;
		return NULL;
	}
	return calloc(1, sizeof(struct kradar_syms));
}

void kradar_syms__free(struct kradar_syms *s)
{
	int i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++) {
		free(s->img[i].syms);
		free(s->img[i].strs);
	}
	free(s);
}

static int sym_cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->value < y->value ? -1 : x->value > y->value;
}

/* Module name: .modinfo "name=", else the file name without .ko/.o. */
static void module_name(Elf *elf, size_t shstrndx, const char *path, char *out, size_t sz)
{
	Elf_Scn *scn = NULL;
	const char *b = strrchr(path, '/');

	str_copy(out, sz, b ? b + 1 : path);
	out[strcspn(out, ".")] = 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *nm;
		Elf_Data *d;
		size_t off = 0;

		if (!gelf_getshdr(scn, &sh) || !(nm = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(nm, ".modinfo") || !(d = elf_getdata(scn, NULL)) || !d->d_buf)
			continue;
		while (off < d->d_size) {
			const char *e = (const char *)d->d_buf + off;
			size_t l = strnlen(e, d->d_size - off);

			if (l > 5 && l < sz + 5 && !strncmp(e, "name=", 5)) {
				memcpy(out, e + 5, l - 5);
				out[l - 5] = 0;
				return;
			}
			off += l + 1;
		}
	}
	for (char *p = out; *p; p++)	/* file names use '-', modules '_' */
		if (*p == '-')
			*p = '_';
}

int kradar_syms__add(struct kradar_syms *s, const char *path, bool is_module,
		     char *err, size_t errlen)
{
	struct image *im;
	Elf *elf = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx, text_idx = 0, strbytes = 0, used = 0;
	int fd, e = 0;

	if (s->nr >= SYMS_MAX_IMAGES) {
		snprintf(err, errlen, "too many symbol files (at most %d)", SYMS_MAX_IMAGES);
		return -E2BIG;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		e = -errno;
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return e;
	}
	im = &s->img[s->nr];
	memset(im, 0, sizeof(*im));
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || elf_getshdrstrndx(elf, &shstrndx)) {
		snprintf(err, errlen, "%s is not an ELF file (%s)", path, elf_errmsg(-1));
		e = -EINVAL;
		goto out;
	}
	if (is_module)
		module_name(elf, shstrndx, path, im->mod, sizeof(im->mod));
	/* the .text section index (module symbols are relative to it) */
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *nm;

		if (gelf_getshdr(scn, &sh) && (nm = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    !strcmp(nm, ".text"))
			text_idx = elf_ndxscn(scn);
	}
	scn = NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		n = sh.sh_size / sh.sh_entsize;
		if (n > SYMS_MAX)
			n = SYMS_MAX;
		im->syms = calloc(n ? n : 1, sizeof(*im->syms));
		if (!im->syms) {
			e = -ENOMEM;
			goto out;
		}
		/* names are copied into one block: size it first */
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *nm;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    (is_module && sym.st_shndx != text_idx) ||
			    !(nm = elf_strptr(elf, sh.sh_link, sym.st_name)))
				continue;
			strbytes += strnlen(nm, 159) + 1;
		}
		im->strs = malloc(strbytes ? strbytes : 1);
		if (!im->strs) {
			e = -ENOMEM;
			goto out;
		}
		for (i = 0; i < n; i++) {
			GElf_Sym sym;
			const char *nm;
			size_t l;

			if (!gelf_getsym(d, (int)i, &sym) ||
			    GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    (is_module && sym.st_shndx != text_idx) ||
			    !(nm = elf_strptr(elf, sh.sh_link, sym.st_name)))
				continue;
			l = strnlen(nm, 159);
			if (used + l + 1 > strbytes)
				break;
			memcpy(im->strs + used, nm, l);
			im->strs[used + l] = 0;
			im->syms[im->nr].name = im->strs + used;
			im->syms[im->nr].value = sym.st_value;
			im->syms[im->nr].size = sym.st_size;
			im->nr++;
			used += l + 1;
		}
		break;
	}
	if (!im->nr) {
		snprintf(err, errlen, "%s has no function symbols (stripped?); give an "
			 "unstripped %s", path, is_module ? "module" : "vmlinux");
		e = -ENOENT;
		goto out;
	}
	qsort(im->syms, im->nr, sizeof(*im->syms), sym_cmp);
	s->nr++;
out:
	if (e) {
		free(im->syms);
		free(im->strs);
		memset(im, 0, sizeof(*im));
	}
	elf_end(elf);
	close(fd);
	return e;
}

bool kradar_syms__calibrate(struct kradar_syms *s, const char *name, uint64_t addr)
{
	char fn[160], mod[64] = "";
	const char *br;
	int i, v;
	size_t k;

	if (!name || !addr)
		return false;
	str_copy(fn, sizeof(fn), name);
	br = strchr(name, '[');
	if (br) {
		str_copy(mod, sizeof(mod), br + 1);
		mod[strcspn(mod, "]")] = 0;
	}
	fn[strcspn(fn, " +[")] = 0;
	for (i = 0; i < s->nr; i++) {
		struct image *im = &s->img[i];
		int64_t bias;

		if (strcmp(im->mod, mod))
			continue;
		for (k = 0; k < im->nr; k++)
			if (!strcmp(im->syms[k].name, fn))
				break;
		if (k == im->nr)
			return false;
		bias = (int64_t)(addr - im->syms[k].value);
		for (v = 0; v < im->nr_votes; v++)
			if (im->votes[v] == bias)
				break;
		if (v == im->nr_votes) {
			if (v == SYMS_VOTES)
				return false;
			im->votes[v] = bias;
			im->nr_votes++;
		}
		im->counts[v]++;
		/* the placement most names agree on */
		{
			int best = 0;

			for (v = 1; v < im->nr_votes; v++)
				if (im->counts[v] > im->counts[best])
					best = v;
			im->bias = im->votes[best];
			im->placed = true;
		}
		return true;
	}
	return false;
}

bool kradar_syms__resolve(const struct kradar_syms *s, uint64_t addr,
			  char *out, size_t outsz)
{
	int i;

	for (i = 0; i < s->nr; i++) {
		const struct image *im = &s->img[i];
		uint64_t v = addr - (uint64_t)im->bias;
		size_t lo = 0, hi = im->nr;

		if (!im->placed && im->mod[0])
			continue;	/* a module's load address is unknown */
		while (lo < hi) {	/* last symbol with value <= v */
			size_t m = lo + (hi - lo) / 2;

			if (im->syms[m].value <= v)
				lo = m + 1;
			else
				hi = m;
		}
		if (!lo)
			continue;
		lo--;
		if (v - im->syms[lo].value >= (im->syms[lo].size ? im->syms[lo].size : 1))
			continue;
		snprintf(out, outsz, "%s+0x%" PRIx64 "/0x%" PRIx64 "%s%s%s",
			 im->syms[lo].name, v - im->syms[lo].value, im->syms[lo].size,
			 im->mod[0] ? " [" : "", im->mod, im->mod[0] ? "]" : "");
		return true;
	}
	return false;
}

/* "0x..." alone (a raw address), or 0. */
static uint64_t raw_addr(const char *s)
{
	char *end;
	uint64_t v;

	if (strncmp(s, "0x", 2))
		return 0;
	v = strtoull(s, &end, 16);
	while (*end == ' ')
		end++;
	return *end ? 0 : v;
}

int kradar_run__symbolize(struct kradar_run *r, struct kradar_syms *s)
{
	char buf[KRADAR_RUN_NAME_LEN];
	size_t i;
	int k, n = 0;

	for (i = 0; i < r->nr_names; i++)
		if (!raw_addr(r->names[i]))
			kradar_syms__calibrate(s, r->names[i], r->name_addrs[i]);
	for (i = 0; i < r->nr_names; i++) {
		uint64_t a = raw_addr(r->names[i]);

		if (!a)
			a = strncmp(r->names[i], "0x", 2) ? 0 : r->name_addrs[i];
		if (a && kradar_syms__resolve(s, a, buf, sizeof(buf))) {
			str_copy(r->names[i], KRADAR_RUN_NAME_LEN, buf);
			n++;
		}
	}
	for (i = 0; i < r->nr_spans; i++) {
		struct kradar_span *sp = &r->spans[i];
		uint64_t a;

		if ((a = raw_addr(sp->top)) && kradar_syms__resolve(s, a, buf, sizeof(buf))) {
			str_copy(sp->top, sizeof(sp->top), buf);
			n++;
		}
		if ((a = raw_addr(sp->frame)) && kradar_syms__resolve(s, a, buf, sizeof(buf))) {
			str_copy(sp->frame, sizeof(sp->frame), buf);
			n++;
		}
		if (sp->kind == KRADAR_SPAN_STORM && (a = raw_addr(sp->name)) &&
		    kradar_syms__resolve(s, a, buf, sizeof(buf))) {
			str_copy(sp->name, sizeof(sp->name), buf);
			n++;
		}
		for (k = 0; k < sp->nr_frames; k++)
			if ((a = raw_addr(sp->frames[k])) &&
			    kradar_syms__resolve(s, a, buf, sizeof(buf))) {
				str_copy(sp->frames[k], KRADAR_RUN_NAME_LEN, buf);
				n++;
			}
	}
	return n;
}
