// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-config-check: tell a kernel developer what a guest kernel
 * configuration costs kradar.
 *
 * Reads a kernel .config (plain or gzip, e.g. /proc/config.gz, or "-" for
 * stdin) and the kradar fragment (configs/kradar.config), and lists every
 * option the fragment wants that the configuration lacks, grouped by
 * severity (fatal, degraded, nice to have), each with the one-line
 * consequence written next to the option in the fragment. The fragment is
 * the single source of truth: option, wanted value and consequence.
 *
 * Wanted values: "=y" needs built-in (a module does not do), "=m" is
 * satisfied by a module or built-in, "# CONFIG_X is not set" must be off,
 * any other value must match exactly. Options annotated "enables:" are
 * not checked on their own; they are named as the way to get the options
 * they enable when those are missing.
 *
 * Both inputs are distrusted: sizes are capped before anything is kept,
 * NUL bytes, over-long and malformed lines are refused with the line
 * number, and a decompression that does not end cleanly is an error.
 *
 * Exit: 0 nothing fatal or degraded missing, 1 something is, 2 usage,
 * I/O or input format error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "cli.h"
#include "out.h"

#pragma GCC poison u8 u16 u32 u64

#ifndef KRADAR_FRAGMENT_DEFAULT
#define KRADAR_FRAGMENT_DEFAULT "configs/kradar.config"
#endif

#define PROG			"kradar-config-check"
#define CONFIG_MAX_BYTES	(64UL << 20)	/* bytes; real ones are < 1 MiB */
#define FRAGMENT_MAX_BYTES	(1UL << 20)	/* bytes */
#define LINE_MAX_BYTES		65536		/* bytes per line */
#define NAME_MAX_BYTES		128		/* symbol name, without CONFIG_ */
#define FRAGMENT_MAX_OPTS	1024
#define ENABLES_MAX		16		/* names per "enables:" */
#define HASH_SLOTS		2048		/* > 2 * FRAGMENT_MAX_OPTS */
#define SHOW_VALUE_MAX		60		/* chars of a value in text */

enum severity { SEV_FATAL, SEV_DEGRADED, SEV_NICE, SEV_ENABLES, SEV_NR };

static const char *const sev_key[SEV_NR] = {
	"fatal", "degraded", "nice", "enables",
};

static const char *const sev_title[] = {
	"fatal (kradar does not work)",
	"degraded (a scenario or a kind of evidence is lost)",
	"nice to have (the evidence is poorer)",
};

enum want { WANT_Y, WANT_M, WANT_UNSET, WANT_VALUE };

/* What is wrong with an option in the configuration */
enum problem { PB_NONE, PB_MISSING, PB_MODULE, PB_SET, PB_VALUE };

static const char *const problem_key[] = {
	"none", "missing", "module", "set", "value",
};

struct opt {
	const char *name;	/* without CONFIG_ */
	enum want want;
	const char *value;	/* wanted value, as written */
	enum severity sev;
	const char *text;	/* consequence (or the enables list) */
	unsigned int line;
	const char *enables[ENABLES_MAX];
	unsigned int nr_enables;
	const char *have;	/* value in the config, NULL when unset */
	enum problem problem;
};

struct fragment {
	char *buf;
	const char *path;
	struct opt *opt;
	unsigned int nr;
	int slot[HASH_SLOTS];	/* index + 1 into opt, 0 = empty */
};

struct buf {
	char *data;
	size_t len;
};

static bool json;
static char errmsg[512];

static void set_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void set_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errmsg, sizeof(errmsg), fmt, ap);
	va_end(ap);
}

/* Text output of a value from the input: printable, bounded */
static void text_str(FILE *f, const char *s, size_t max)
{
	size_t i;

	for (i = 0; i < max && s[i]; i++)
		fputc(s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?', f);
	if (s[i])
		fputs("...", f);
}

/* One error voice: stderr, and a JSON object on stdout with --json */
static int p_err(void)
{
	kradar_err("%s", errmsg);
	if (json)
		out_error(stdout, OUT_JSON | OUT_PRETTY |
			  OUT_STRINGS(KRADAR_JSON_NL | KRADAR_JSON_LATIN1),
			  errmsg);
	return 2;
}

/* How a path appears in messages: "-" reads stdin */
static const char *shown_path(const char *path)
{
	return strcmp(path, "-") ? path : "(stdin)";
}

/*
 * Read all of @path ("-" is stdin) into a NUL-terminated buffer, through
 * zlib so that gzip input is decompressed and plain input passes as is.
 * Refuses more than @max bytes (after decompression) and broken gzip.
 */
static int read_input(const char *path, const char *what, size_t max,
		      struct buf *out)
{
	size_t cap = 65536, len = 0;
	char *data = NULL;
	gzFile gz;
	int fd, n, zerr;
	const char *zmsg;

	fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : dup(0);
	path = shown_path(path);
	if (fd < 0) {
		set_err("cannot open %s %s: %s", what, path, strerror(errno));
		return -1;
	}
	gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		set_err("cannot read %s %s: out of memory", what, path);
		return -1;
	}
	for (;;) {
		if (len + 1 >= cap) {
			char *p;

			if (cap > max) {
				set_err("%s %s is larger than %zu MiB: not a kernel configuration",
					what, path, max >> 20);
				goto err;
			}
			cap *= 2;
			p = realloc(data, cap + 1);
			if (!p) {
				set_err("out of memory reading %s %s", what, path);
				goto err;
			}
			data = p;
		}
		if (!data) {
			data = malloc(cap + 1);
			if (!data) {
				set_err("out of memory reading %s %s", what, path);
				goto err;
			}
		}
		errno = 0;
		n = gzread(gz, data + len, (unsigned int)(cap - len));
		if (n < 0) {
			zmsg = gzerror(gz, &zerr);
			set_err("cannot read %s %s: %s", what, path,
				zerr == Z_ERRNO ? strerror(errno) :
				zerr == Z_DATA_ERROR ? "corrupt gzip data" : zmsg);
			goto err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			set_err("%s %s is larger than %zu MiB: not a kernel configuration",
				what, path, max >> 20);
			goto err;
		}
	}
	/* A gzip stream cut short reads as EOF with an error pending */
	zmsg = gzerror(gz, &zerr);
	if (zerr != Z_OK) {
		set_err("cannot read %s %s: %s", what, path,
			zerr == Z_BUF_ERROR ? "gzip data ends early (truncated file)" : zmsg);
		goto err;
	}
	if (gzclose(gz) != Z_OK) {
		set_err("cannot read %s %s: error closing it", what, path);
		free(data);
		return -1;
	}
	data[len] = '\0';
	out->data = data;
	out->len = len;
	return 0;
err:
	if (gz)
		gzclose(gz);
	free(data);
	return -1;
}

/*
 * Line iterator over a buffer: NUL-terminates each line in place, strips
 * "\r" and trailing blanks. Returns NULL at the end or on a line too long
 * (then *too_long is set).
 */
struct lines {
	char *p, *end;
	unsigned int no;
};

static char *next_line(struct lines *it, bool *too_long)
{
	char *s = it->p, *nl, *e;

	*too_long = false;
	if (s >= it->end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(it->end - s));
	if (!nl)
		nl = it->end;	/* last line without a newline */
	it->no++;
	if ((size_t)(nl - s) > LINE_MAX_BYTES) {
		*too_long = true;
		return NULL;
	}
	*nl = '\0';
	it->p = nl + 1;
	for (e = nl; e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	return s;
}

static bool sym_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Length of a symbol name at @s, 0 if none or too long */
static size_t sym_len(const char *s)
{
	size_t n = 0;

	while (sym_char(s[n]))
		if (++n > NAME_MAX_BYTES)
			return 0;
	return n;
}

/*
 * Parse a kernel config line. On "CONFIG_X=V": *name, *value set, returns
 * 1. On "# CONFIG_X is not set": *value = NULL, returns 1. Other comments
 * and blank lines return 0; anything else returns -1.
 */
static int parse_config_line(char *s, char **name, char **value)
{
	size_t n;

	if (!*s)
		return 0;
	if (*s == '#') {
		if (strncmp(s, "# CONFIG_", 9))
			return 0;
		n = sym_len(s + 9);
		if (!n || strcmp(s + 9 + n, " is not set"))
			return 0;	/* a comment that mentions an option */
		s[9 + n] = '\0';
		*name = s + 9;
		*value = NULL;
		return 1;
	}
	if (strncmp(s, "CONFIG_", 7))
		return -1;
	n = sym_len(s + 7);
	if (!n || s[7 + n] != '=')
		return -1;
	s[7 + n] = '\0';
	*name = s + 7;
	*value = s + 8 + n;
	return 1;
}

static unsigned int name_hash(const char *s)
{
	unsigned int h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct opt *frag_find(struct fragment *fr, const char *name)
{
	unsigned int i = name_hash(name) % HASH_SLOTS;

	while (fr->slot[i]) {
		struct opt *o = &fr->opt[fr->slot[i] - 1];

		if (!strcmp(o->name, name))
			return o;
		i = (i + 1) % HASH_SLOTS;
	}
	return NULL;
}

static void frag_insert(struct fragment *fr, unsigned int idx)
{
	unsigned int i = name_hash(fr->opt[idx].name) % HASH_SLOTS;

	while (fr->slot[i])
		i = (i + 1) % HASH_SLOTS;
	fr->slot[i] = (int)idx + 1;
}

/* Does @s hold "CONFIG_" at the start of a word (as grep -w sees it)? */
static bool spells_config(const char *s)
{
	const char *p;

	for (p = s; (p = strstr(p, "CONFIG_")); p++)
		if (p == s || !sym_char(p[-1]))
			return true;
	return false;
}

/* Parse "# kradar: SEV: TEXT" (after the prefix) into @o */
static int parse_annotation(struct fragment *fr, char *s, unsigned int line,
			    struct opt *o)
{
	char *colon = strchr(s, ':'), *tok, *save;
	int sev;

	if (!colon) {
		set_err("fragment %s:%u: annotation has no severity (want 'fatal:', 'degraded:', 'nice:' or 'enables:')",
			fr->path, line);
		return -1;
	}
	*colon = '\0';
	for (sev = 0; sev < SEV_NR; sev++)
		if (!strcmp(s, sev_key[sev]))
			break;
	if (sev == SEV_NR) {
		set_err("fragment %s:%u: unknown severity '%.40s' (want fatal, degraded, nice or enables)",
			fr->path, line, s);
		return -1;
	}
	s = colon + 1;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s) {
		set_err("fragment %s:%u: annotation says nothing after '%s:'",
			fr->path, line, sev_key[sev]);
		return -1;
	}
	if (spells_config(s)) {
		set_err("fragment %s:%u: annotation spells CONFIG_: merge_config.sh would take it for an option line; write the bare symbol",
			fr->path, line);
		return -1;
	}
	o->sev = (enum severity)sev;
	o->text = s;
	o->line = line;
	if (sev != SEV_ENABLES)
		return 0;
	for (tok = strtok_r(s, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if (sym_len(tok) != strlen(tok)) {
			set_err("fragment %s:%u: '%.40s' is not a symbol name",
				fr->path, line, tok);
			return -1;
		}
		if (o->nr_enables == ENABLES_MAX) {
			set_err("fragment %s:%u: more than %d names after 'enables:'",
				fr->path, line, ENABLES_MAX);
			return -1;
		}
		o->enables[o->nr_enables++] = tok;
	}
	o->text = NULL;
	return 0;
}

static int fragment_load(struct fragment *fr, const char *path)
{
	struct buf b;
	struct lines it;
	struct opt pending;
	bool have_pending = false, too_long;
	unsigned int i, j, pending_line = 0;
	char *s, *name, *value;
	int r;

	memset(fr, 0, sizeof(*fr));
	fr->path = path;
	if (read_input(path, "fragment", FRAGMENT_MAX_BYTES, &b))
		return -1;
	fr->buf = b.data;
	if (memchr(b.data, '\0', b.len)) {
		set_err("fragment %s holds binary data (NUL byte)", path);
		return -1;
	}
	fr->opt = calloc(FRAGMENT_MAX_OPTS, sizeof(*fr->opt));
	if (!fr->opt) {
		set_err("out of memory");
		return -1;
	}
	it.p = b.data;
	it.end = b.data + b.len;
	it.no = 0;
	while ((s = next_line(&it, &too_long))) {
		if (!strncmp(s, "# kradar:", 9)) {
			if (have_pending) {
				set_err("fragment %s:%u: second annotation for one option (first at line %u)",
					path, it.no, pending_line);
				return -1;
			}
			memset(&pending, 0, sizeof(pending));
			s += 9;
			while (*s == ' ')
				s++;
			if (parse_annotation(fr, s, it.no, &pending))
				return -1;
			have_pending = true;
			pending_line = it.no;
			continue;
		}
		r = parse_config_line(s, &name, &value);
		if (r < 0) {
			set_err("fragment %s:%u: not a config line or comment", path, it.no);
			return -1;
		}
		if (r == 0) {
			if (have_pending) {
				set_err("fragment %s:%u: annotation is not followed by an option line",
					path, pending_line);
				return -1;
			}
			continue;
		}
		if (!have_pending) {
			set_err("fragment %s:%u: CONFIG_%s has no '# kradar: SEVERITY: consequence' line before it",
				path, it.no, name);
			return -1;
		}
		if (frag_find(fr, name)) {
			set_err("fragment %s:%u: CONFIG_%s appears twice", path, it.no, name);
			return -1;
		}
		if (fr->nr == FRAGMENT_MAX_OPTS) {
			set_err("fragment %s: more than %d options", path, FRAGMENT_MAX_OPTS);
			return -1;
		}
		pending.name = name;
		pending.value = value;
		if (!value)
			pending.want = WANT_UNSET;
		else if (!strcmp(value, "y"))
			pending.want = WANT_Y;
		else if (!strcmp(value, "m"))
			pending.want = WANT_M;
		else if (!strcmp(value, "n") || !*value) {
			set_err("fragment %s:%u: write '# CONFIG_%s is not set' for an option that must be off",
				path, it.no, name);
			return -1;
		} else
			pending.want = WANT_VALUE;
		if (pending.sev == SEV_ENABLES && pending.want == WANT_UNSET) {
			set_err("fragment %s:%u: an 'enables:' option cannot be one that must be off",
				path, it.no);
			return -1;
		}
		fr->opt[fr->nr] = pending;
		frag_insert(fr, fr->nr);
		fr->nr++;
		have_pending = false;
	}
	if (too_long) {
		set_err("fragment %s:%u: line longer than %d bytes", path, it.no, LINE_MAX_BYTES);
		return -1;
	}
	if (have_pending) {
		set_err("fragment %s:%u: annotation at the end of the file has no option",
			path, pending_line);
		return -1;
	}
	if (!fr->nr) {
		set_err("fragment %s has no options", path);
		return -1;
	}
	for (i = 0; i < fr->nr; i++)
		for (j = 0; j < fr->opt[i].nr_enables; j++)
			if (!frag_find(fr, fr->opt[i].enables[j])) {
				set_err("fragment %s:%u: enables %s, which the fragment does not list",
					path, fr->opt[i].line, fr->opt[i].enables[j]);
				return -1;
			}
	return 0;
}

/* Record the configuration's values of the fragment's options */
static int config_load(struct fragment *fr, const char *path, struct buf *b)
{
	struct lines it;
	bool too_long;
	char *s, *name, *value, *nul;
	unsigned int options = 0;
	struct opt *o;
	int r;

	if (read_input(path, "config", CONFIG_MAX_BYTES, b))
		return -1;
	path = shown_path(path);
	nul = memchr(b->data, '\0', b->len);
	if (nul) {
		set_err("config %s is not a kernel configuration: binary data (NUL byte at offset %zu)",
			path, (size_t)(nul - b->data));
		return -1;
	}
	it.p = b->data;
	it.end = b->data + b->len;
	it.no = 0;
	while ((s = next_line(&it, &too_long))) {
		r = parse_config_line(s, &name, &value);
		if (r < 0) {
			set_err("config %s:%u is not a kernel configuration line (want CONFIG_NAME=VALUE or a # comment): \"%.40s\"",
				path, it.no, s);
			/* the excerpt must stay printable */
			for (char *c = errmsg; *c; c++)
				if ((unsigned char)*c < 0x20 || (unsigned char)*c >= 0x7f)
					*c = '?';
			return -1;
		}
		if (r == 0)
			continue;
		options++;
		o = frag_find(fr, name);
		if (!o)
			continue;
		/* Kconfig lets the last assignment win; so do we */
		o->have = value && strcmp(value, "n") ? value : NULL;
	}
	if (too_long) {
		set_err("config %s:%u: line longer than %d bytes: not a kernel configuration",
			path, it.no, LINE_MAX_BYTES);
		return -1;
	}
	if (!options) {
		set_err("config %s has no CONFIG_ lines: not a kernel configuration", path);
		return -1;
	}
	return 0;
}

static enum problem judge(const struct opt *o)
{
	switch (o->want) {
	case WANT_Y:
		if (!o->have)
			return PB_MISSING;
		if (!strcmp(o->have, "y"))
			return PB_NONE;
		return strcmp(o->have, "m") ? PB_VALUE : PB_MODULE;
	case WANT_M:
		if (!o->have)
			return PB_MISSING;
		return strcmp(o->have, "y") && strcmp(o->have, "m") ? PB_VALUE : PB_NONE;
	case WANT_UNSET:
		return o->have ? PB_SET : PB_NONE;
	case WANT_VALUE:
		if (!o->have)
			return PB_MISSING;
		return strcmp(o->have, o->value) ? PB_VALUE : PB_NONE;
	}
	return PB_NONE;
}

static bool enables(const struct opt *h, const char *name)
{
	unsigned int i;

	for (i = 0; i < h->nr_enables; i++)
		if (!strcmp(h->enables[i], name))
			return true;
	return false;
}

/* What the config has, as text: "not set", "=m", "=60" */
static void text_problem(FILE *f, const struct opt *o)
{
	switch (o->problem) {
	case PB_MISSING:
		fputs(" missing", f);
		break;
	case PB_MODULE:
		fputs("=m, needs =y", f);
		break;
	case PB_SET:
		fputc('=', f);
		text_str(f, o->have, SHOW_VALUE_MAX);
		fputs(", must not be set", f);
		break;
	case PB_VALUE:
		fputc('=', f);
		text_str(f, o->have, SHOW_VALUE_MAX);
		fputs(", wants ", f);
		text_str(f, o->value, SHOW_VALUE_MAX);
		break;
	case PB_NONE:
		break;
	}
}

static const char *want_str(const struct opt *o)
{
	return o->want == WANT_UNSET ? "n" : o->value;
}

/*
 * Report one missing option, text or JSON from the same calls. Helpers
 * ("enables:" options) that would bring it in and are themselves absent
 * are named as what to merge.
 */
static void report_opt(struct out *o, const struct fragment *fr,
		       const struct opt *op)
{
	char name[NAME_MAX_BYTES + 16];
	unsigned int i, nh = 0;

	snprintf(name, sizeof(name), "CONFIG_%s", op->name);
	out_obj_open(o, NULL);
	out_str(o, "option", "  %s", name);
	out_str(o, "severity", NULL, sev_key[op->sev]);
	out_str(o, "problem", NULL, problem_key[op->problem]);
	out_str(o, "want", NULL, want_str(op));
	out_str(o, "have", NULL, op->have);
	if (!o->json)
		text_problem(o->f, op);
	out_str(o, "consequence", ": %s\n", op->text);
	out_arr_open(o, "also_set");
	for (i = 0; i < fr->nr; i++) {
		const struct opt *h = &fr->opt[i];
		char set[NAME_MAX_BYTES + 512];

		if (h->sev != SEV_ENABLES || !enables(h, op->name) ||
		    h->problem == PB_NONE)
			continue;
		snprintf(set, sizeof(set), "CONFIG_%s=%s", h->name, h->value);
		out_str(o, NULL, nh ? ", %s" : "      also set: %s", set);
		nh++;
	}
	out_arr_close(o);
	if (nh)
		out_text(o, "\n");
	out_obj_close(o);
}

static int report(FILE *f, struct fragment *fr, const char *config_path)
{
	unsigned int count[SEV_NR] = { 0 }, checked = 0, i;
	const char *result;
	struct out o;
	int sev;

	for (i = 0; i < fr->nr; i++) {
		struct opt *op = &fr->opt[i];

		op->problem = judge(op);
		if (op->sev == SEV_ENABLES)
			continue;
		checked++;
		if (op->problem != PB_NONE)
			count[op->sev]++;
	}
	result = count[SEV_FATAL] ? "fatal" : count[SEV_DEGRADED] ? "degraded" : "ok";

	/* a .config is not always UTF-8: its bytes are Latin-1 in JSON */
	out_init(&o, f, json ? OUT_JSON | OUT_PRETTY |
		 OUT_STRINGS(KRADAR_JSON_NL | KRADAR_JSON_LATIN1) : 0);
	out_text(&o, PROG ": ");
	out_str(&o, "config", "%s", config_path);
	out_str(&o, "fragment", " against %s", fr->path);
	out_uint(&o, "checked", " (%llu options)\n", checked);
	out_obj_open(&o, "counts");
	out_uint(&o, "fatal", NULL, count[SEV_FATAL]);
	out_uint(&o, "degraded", NULL, count[SEV_DEGRADED]);
	out_uint(&o, "nice", NULL, count[SEV_NICE]);
	out_obj_close(&o);
	out_str(&o, "result", NULL, result);
	out_arr_open(&o, "missing");
	for (sev = SEV_FATAL; sev <= SEV_NICE; sev++) {
		if (!count[sev])
			continue;
		out_text(&o, "%s:\n", sev_title[sev]);
		for (i = 0; i < fr->nr; i++) {
			const struct opt *op = &fr->opt[i];

			if ((int)op->sev == sev && op->problem != PB_NONE)
				report_opt(&o, fr, op);
		}
	}
	out_arr_close(&o);
	if (!count[SEV_FATAL] && !count[SEV_DEGRADED] && !count[SEV_NICE]) {
		out_text(&o, "result: ok, all %u options as kradar wants them\n",
			 checked);
	} else {
		out_text(&o, "result: %s: %u fatal, %u degraded, %u nice to have missing%s\n",
			 result, count[SEV_FATAL], count[SEV_DEGRADED],
			 count[SEV_NICE], count[SEV_FATAL] || count[SEV_DEGRADED] ?
			 "; merge the fragment (Documentation/config.rst)" : "");
	}
	if (out_finish(&o)) {
		set_err("cannot write the report: %s", strerror(errno));
		return p_err();
	}
	return count[SEV_FATAL] || count[SEV_DEGRADED] ? 1 : 0;
}

/*
 * Installed (make install): PREFIX/share/kradar/configs/kradar.config
 * next to this program's PREFIX/bin; NULL when that is not there (the
 * source tree's build/: KRADAR_FRAGMENT_DEFAULT).
 */
static const char *installed_fragment(char *buf, size_t len)
{
	char *slash;
	ssize_t n = readlink("/proc/self/exe", buf, len - 1);

	if (n <= 0)
		return NULL;
	buf[n] = 0;
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/../share/kradar/configs/kradar.config") > len)
		return NULL;
	strcpy(slash, "/../share/kradar/configs/kradar.config");
	return access(buf, R_OK) ? NULL : buf;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [--json] [--fragment FILE] CONFIG\n"
		"  CONFIG           kernel .config, gzip allowed (/proc/config.gz); - for stdin\n"
		"  -f, --fragment   kradar fragment (default: $KRADAR_FRAGMENT, else\n"
		"                   ../share/kradar/configs/kradar.config next to this\n"
		"                   program once installed, else\n"
		"                   " KRADAR_FRAGMENT_DEFAULT ")\n"
		"  -j, --json       JSON output\n"
		"  -h, --help       this text;  -V, --version  the version (git describe)\n"
		"Lists the fragment's options CONFIG lacks, grouped fatal / degraded /\n"
		"nice to have, each with what it costs kradar.\n"
		"Exit: 0 nothing fatal or degraded missing, 1 something is, 2 error.\n");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "fragment", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *frag_path = NULL;
	struct fragment fr = { 0 };
	struct buf cfg = { 0 };
	char installed[PATH_MAX];
	int c, ret;

	kradar_cli_init(PROG);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":f:jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			frag_path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			return kradar_cli_help(usage);
		case 'V':
			return kradar_cli_version();
		default:
			return kradar_cli_bad_option(argv, c);
		}
	}
	if (optind != argc - 1) {
		set_err("%s", optind == argc ? "no kernel config given (a path, or - for stdin)" :
			"more than one kernel config given");
		p_err();
		usage(stderr);
		return 2;
	}
	if (!frag_path)
		frag_path = getenv("KRADAR_FRAGMENT");
	if (!frag_path || !*frag_path)
		frag_path = installed_fragment(installed, sizeof(installed));
	if (!frag_path)
		frag_path = KRADAR_FRAGMENT_DEFAULT;

	if (fragment_load(&fr, frag_path) || config_load(&fr, argv[optind], &cfg)) {
		ret = p_err();
		goto out;
	}
	ret = report(stdout, &fr, shown_path(argv[optind]));
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": cannot write the report: %s\n", strerror(errno));
		ret = 2;
	}
out:
	free(fr.opt);
	free(fr.buf);
	free(cfg.data);
	return ret;
}
