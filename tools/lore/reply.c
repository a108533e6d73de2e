// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-lore reply: write a reply file for
 *   git send-email --in-reply-to=MSGID FILE
 * to one message of a thread, carrying kradar's evidence from a run
 * directory (report-email.txt, else summary.txt).
 *
 * The file: "Subject: Re: ..." first, then From (if given), To, Cc,
 * In-Reply-To, References (folded as RFC 5322 allows and git send-email
 * unfolds), a blank line, an attribution and a trimmed "> " quote of
 * what the message said, the evidence, and the tags. Plain UTF-8 text,
 * body wrapped at 72 columns except log lines, columns, code, quotes
 * and tags. Nothing is sent.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "lore.h"
#include "main.h"

#pragma GCC poison u8 u16 u32 u64

#define EVIDENCE_MAX	(4UL << 20)	/* bytes of evidence file */
#define QUOTE_PARAS	2		/* default paragraphs quoted */
#define QUOTE_PARA_LINES 8		/* lines kept of one paragraph */
#define MAX_TAGS	16
#define HDR_FOLD	78		/* columns of a header line */

struct addrs {
	struct lore_addr v[512];
	size_t n;
};

struct sbuf {
	GString *s;
};

static void usage_reply(FILE *f)
{
	fprintf(f,
		"Usage: %s reply THREAD.mbox|- --to MSGID --evidence RUN_DIR\n"
		"         [--from \"Name <addr>\"] [--tested-by \"Name <addr>\"]...\n"
		"         [--reported-by \"Name <addr>\"]... [--quote-paragraphs N] [-o FILE]\n"
		"Writes a reply for: git send-email --in-reply-to=MSGID FILE\n",
		prog);
}

static bool addrs_has(const struct addrs *a, const char *addr)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!g_ascii_strcasecmp(a->v[i].addr, addr))
			return true;
	return false;
}

static void addrs_add(struct addrs *a, const struct lore_addr *x,
		      const struct addrs *exclude, const char *self)
{
	if (!x->addr || !*x->addr || !strchr(x->addr, '@'))
		return;	/* groups' leftovers, undisclosed-recipients */
	if (a->n >= sizeof(a->v) / sizeof(a->v[0]) || addrs_has(a, x->addr) ||
	    (exclude && addrs_has(exclude, x->addr)) ||
	    (self && !g_ascii_strcasecmp(self, x->addr)))
		return;
	a->v[a->n++] = *x;
}

/* "Name <addr>" as RFC 5322 wants it (quoting by GMime), UTF-8 kept. */
static char *fmt_addr(const struct lore_addr *a)
{
	InternetAddress *ia = internet_address_mailbox_new(
		*a->name ? a->name : NULL, a->addr);
	char *s = internet_address_to_string(ia, NULL, FALSE);

	g_object_unref(ia);
	return s;
}

/* "Name: a, b, c" folded before HDR_FOLD columns */
static void put_addr_header(GString *out, const char *name,
			    const struct addrs *a)
{
	size_t i, col;

	if (!a->n)
		return;
	g_string_append_printf(out, "%s: ", name);
	col = strlen(name) + 2;
	for (i = 0; i < a->n; i++) {
		char *s = fmt_addr(&a->v[i]);
		size_t w = lore_utf8_cols(s, strlen(s));

		if (i && col + w + 2 > HDR_FOLD) {
			g_string_append(out, ",\n ");
			col = 1;
		} else if (i) {
			g_string_append(out, ", ");
			col += 2;
		}
		g_string_append(out, s);
		col += w;
		g_free(s);
	}
	g_string_append_c(out, '\n');
}

static void put_refs_header(GString *out, char **ids, size_t n)
{
	size_t i, col = 12;

	g_string_append(out, "References:");
	for (i = 0; i < n; i++) {
		size_t w = strlen(ids[i]) + 3;

		if (i && col + w > HDR_FOLD) {
			g_string_append(out, "\n");
			col = 0;
		}
		g_string_append_printf(out, " <%s>", ids[i]);
		col += w;
	}
	g_string_append_c(out, '\n');
}

static const char *strip_re(const char *s)
{
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!g_ascii_strncasecmp(s, "re:", 3))
			s += 3;
		else if (!g_ascii_strncasecmp(s, "aw:", 3))
			s += 3;	/* German clients */
		else
			return s;
	}
}

/* Validate "Name <addr>" given on the command line. */
static int parse_person(const char *opt, const char *v, struct lore_addr *out,
			char **canon)
{
	InternetAddressList *l = internet_address_list_parse(NULL, v);
	InternetAddress *ia;
	const char *addr;

	if (!l || internet_address_list_length(l) != 1)
		goto bad;
	ia = internet_address_list_get_address(l, 0);
	if (!INTERNET_ADDRESS_IS_MAILBOX(ia))
		goto bad;
	addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
	if (!addr || !strchr(addr, '@'))
		goto bad;
	out->name = g_strdup(internet_address_get_name(ia) ?
			     internet_address_get_name(ia) : "");
	out->addr = g_strdup(addr);
	if (canon)
		*canon = internet_address_to_string(ia, NULL, FALSE);
	g_object_unref(l);
	return 0;
bad:
	if (l)
		g_object_unref(l);
	p_err("%s wants one address as \"Name <user@example.org>\", not '%s'",
	      opt, v);
	return -EINVAL;
}

/* ---- the quote ------------------------------------------------------ */

struct para {
	const char *p;	/* first line */
	size_t nlines;
	const char *end;
};

/* What the author wrote: no quotes, no attribution before them, no sig. */
static GString *own_text(const char *body)
{
	GString *g = g_string_new(NULL);
	const char *p = body;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		const char *next = eol ? eol + 1 : p + n;

		/* "-- " is the signature; "--" alone is how many start one */
		if ((n == 3 && !memcmp(p, "-- ", 3)) ||
		    (n == 2 && !memcmp(p, "--", 2)))
			break;
		if (*p == '>') {
			p = next;
			continue;
		}
		/* "On ..., X wrote:" right before a quote */
		if (n > 6 && !memcmp(p + n - 6, "wrote:", 6) && *next == '>') {
			p = next;
			continue;
		}
		g_string_append_len(g, p, n);
		g_string_append_c(g, '\n');
		p = next;
	}
	return g;
}

static size_t split_paras(const char *text, struct para *v, size_t max)
{
	const char *p = text;
	size_t n = 0;
	bool in = false;

	while (*p && n < max) {
		const char *eol = strchr(p, '\n');
		const char *next = eol ? eol + 1 : p + strlen(p);
		bool blank = true;
		const char *q;

		for (q = p; q < next; q++)
			if (*q != ' ' && *q != '\t' && *q != '\n')
				blank = false;
		if (blank) {
			if (in)
				n++;
			in = false;
		} else {
			if (!in) {
				v[n].p = p;
				v[n].nlines = 0;
			}
			in = true;
			v[n].nlines++;
			v[n].end = next;
		}
		p = next;
	}
	if (in && n < max)
		n++;
	return n;
}

static bool starts_ci(const char *p, const char *w)
{
	return !g_ascii_strncasecmp(p, w, strlen(w));
}

/* A greeting alone in its paragraph: "Hi,", "Hello Alice," */
static bool is_greeting(const struct para *pa)
{
	size_t n = pa->end - pa->p;

	return pa->nlines == 1 && n < 40 &&
	       (starts_ci(pa->p, "hi") || starts_ci(pa->p, "hello") ||
		starts_ci(pa->p, "dear") || starts_ci(pa->p, "hey"));
}

/* A trimming mark of the author's own: "[...]", "[ ... ]", "..." */
static bool is_snip(const struct para *pa)
{
	const char *p;

	if (pa->nlines != 1)
		return false;
	for (p = pa->p; p < pa->end; p++)
		if (!strchr("[]. \t\n", *p))
			return false;
	return true;
}

/* The first line of a kernel crash report, as syzbot pastes it. */
static bool is_crash_para(const struct para *pa)
{
	static const char *const heads[] = {
		"BUG:", "WARNING:", "INFO:", "rcu:", "watchdog:",
		"general protection fault", "Kernel panic", "kernel BUG",
		"UBSAN:", "KASAN:", "KMSAN:", "==================",
		"Oops", "unregister_netdevice:", "possible deadlock",
	};
	size_t i;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		if (starts_ci(pa->p, heads[i]))
			return true;
	return false;
}

/* true when the paragraph was cut (its "[...]" already written) */
static bool quote_para(GString *q, const struct para *pa)
{
	const char *p = pa->p;
	size_t i;

	for (i = 0; i < pa->nlines && i < QUOTE_PARA_LINES && p < pa->end; i++) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		while (n && (p[n - 1] == ' ' || p[n - 1] == '\r'))
			n--;
		g_string_append(q, n ? "> " : ">");
		g_string_append_len(q, p, n);
		g_string_append_c(q, '\n');
		p = eol ? eol + 1 : p + n;
	}
	if (pa->nlines > QUOTE_PARA_LINES)
		g_string_append(q, "> [...]\n");
	return pa->nlines > QUOTE_PARA_LINES;
}

/*
 * Pick what to quote. For syzbot: the "found the following issue"
 * paragraph, the HEAD commit block and the head of the crash report.
 * Otherwise: the first nparas paragraphs after a greeting.
 */
static GString *build_quote(const struct lore_msg *m, int nparas)
{
	GString *own = own_text(m->body), *q = g_string_new(NULL);
	struct para pv[256];
	bool pick[256] = { false };
	size_t n = split_paras(own->str, pv, 256), i, picked = 0;
	bool gap = false, any = false, cut = false;

	if (m->is_bot) {
		for (i = 0; i < n; i++) {
			if ((strstr(pv[i].p, "syzbot found") &&
			     strstr(pv[i].p, "syzbot found") < pv[i].end) ||
			    (starts_ci(pv[i].p, "HEAD commit:"))) {
				pick[i] = true;
				picked++;
			}
		}
		for (i = 0; i < n; i++)
			if (is_crash_para(&pv[i])) {
				pick[i] = true;
				picked++;
				break;
			}
	}
	if (!picked) {
		for (i = 0; i < n && (int)picked < nparas; i++) {
			if ((!picked && is_greeting(&pv[i])) || is_snip(&pv[i]))
				continue;
			pick[i] = true;
			picked++;
		}
	}
	for (i = 0; i < n; i++) {
		if (!pick[i]) {
			gap = any;
			continue;
		}
		if (gap)
			g_string_append(q, ">\n> [...]\n>\n");
		else if (any)
			g_string_append(q, ">\n");
		gap = false;
		cut = quote_para(q, &pv[i]);
		any = true;
	}
	/* anything left after the last quoted paragraph */
	for (i = n; i-- > 0;)
		if (pick[i])
			break;
	if (any && i + 1 < n && !cut)
		g_string_append(q, ">\n> [...]\n");
	g_string_free(own, TRUE);
	return q;
}

/* ---- evidence ------------------------------------------------------- */

static int read_evidence(const char *dir, char **text, char **used)
{
	static const char *const names[] = { "report-email.txt", "summary.txt" };
	struct stat st;
	size_t i;

	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		p_err("--evidence %s: not a directory (give the RUN_DIR a kradar run wrote)",
		      dir);
		return -ENOENT;
	}
	for (i = 0; i < 2; i++) {
		char *path = g_build_filename(dir, names[i], NULL);
		gchar *data = NULL;
		gsize len = 0;
		GError *gerr = NULL;

		if (stat(path, &st) || !S_ISREG(st.st_mode)) {
			g_free(path);
			continue;
		}
		if ((unsigned long)st.st_size > EVIDENCE_MAX) {
			p_err("%s is %lld bytes, over the %lu MiB limit for a mail body: trim it",
			      path, (long long)st.st_size, EVIDENCE_MAX >> 20);
			g_free(path);
			return -EFBIG;
		}
		if (!g_file_get_contents(path, &data, &len, &gerr)) {
			p_err("cannot read %s: %s", path, gerr->message);
			g_error_free(gerr);
			g_free(path);
			return -EIO;
		}
		if (len > EVIDENCE_MAX || memchr(data, '\0', len)) {
			p_err("%s is not text (NUL bytes or too large)", path);
			g_free(data);
			g_free(path);
			return -EINVAL;
		}
		if (len == 0 || strspn(data, " \t\r\n") == len) {
			p_err("%s is empty: the run wrote no evidence; look at the run's logs, or run it again",
			      path);
			g_free(data);
			g_free(path);
			return -ENODATA;
		}
		if (!g_utf8_validate(data, len, NULL)) {
			gchar *v = g_utf8_make_valid(data, len);

			g_free(data);
			data = v;
		}
		/* console lines from a fuzzed guest: no terminal controls */
		for (char *c = data; *c; c++)
			if (((unsigned char)*c < 0x20 && *c != '\n' &&
			     *c != '\t') || *c == 0x7f)
				*c = *c == '\r' ? ' ' : '?';
		*text = data;
		*used = path;
		return 0;
	}
	p_err("%s has neither report-email.txt nor summary.txt: run kradar on the reproducer first (its --out directory is the RUN_DIR), or point --evidence at that directory",
	      dir);
	return -ENOENT;
}

/*
 * Evidence that starts with a header block ("Subject: Re: ..." up to the
 * first blank line, as report-email.txt of older kradar-report versions
 * did) would put a stray "Subject:" line into the body: the reply has
 * its own headers. Drop the block; true when there was one.
 */
static bool drop_header_block(char *text)
{
	char *end;

	if (strncmp(text, "Subject:", 8))
		return false;
	end = strstr(text, "\n\n");
	if (end)
		end += 2;
	else
		end = text + strcspn(text, "\n") + (text[strcspn(text, "\n")] == '\n');
	memmove(text, end, strlen(end) + 1);
	return true;
}

/* ---- the subcommand ------------------------------------------------- */

/* Header values come from the input: no line break may sneak in. */
static void one_line(char *s)
{
	for (; s && *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static void one_line_msg(struct lore_msg *m)
{
	size_t i;

	one_line(m->subject);
	one_line(m->from.name);
	one_line(m->from.addr);
	for (i = 0; i < m->nr_to; i++) {
		one_line(m->to[i].name);
		one_line(m->to[i].addr);
	}
	for (i = 0; i < m->nr_cc; i++) {
		one_line(m->cc[i].name);
		one_line(m->cc[i].addr);
	}
}

static bool has_8bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return true;
	return false;
}

int do_reply(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "evidence", required_argument, NULL, 'e' },
		{ "tested-by", required_argument, NULL, 'T' },
		{ "reported-by", required_argument, NULL, 'R' },
		{ "from", required_argument, NULL, 'F' },
		{ "quote-paragraphs", required_argument, NULL, 'q' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *to = NULL, *evdir = NULL, *outpath = NULL, *from_s = NULL;
	const char *tags_v[MAX_TAGS], *tags_k[MAX_TAGS];
	char *tags_canon[MAX_TAGS] = { NULL };
	struct lore_addr tag_addr[MAX_TAGS] = { { NULL, NULL } };
	struct lore_addr self = { NULL, NULL };
	char *self_canon = NULL;
	size_t ntags = 0, i;
	long nparas = QUOTE_PARAS, ti;
	struct lore_mbox *mb = NULL;
	const struct lore_msg *t;
	struct addrs *rto = NULL, *rcc = NULL;
	char err[1024] = "", *evidence = NULL, *evpath = NULL, *wrapped = NULL;
	char **refs = NULL;
	size_t nrefs = 0;
	GString *hdr = NULL, *body = NULL, *quote = NULL;
	char date[64];
	FILE *f = stdout;
	int c, ret = EXIT_USAGE;

	optind = 0;	/* reinitialise: main() parsed with "+" */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			to = optarg;
			break;
		case 'e':
			evdir = optarg;
			break;
		case 'F':
			from_s = optarg;
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'q': {
			char *end;

			errno = 0;
			nparas = strtol(optarg, &end, 10);
			if (errno || *end || nparas < 1 || nparas > 50) {
				p_err("--quote-paragraphs wants 1..50, not '%s'",
				      optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'T':
		case 'R':
			if (ntags == MAX_TAGS) {
				p_err("at most %d tags", MAX_TAGS);
				return EXIT_USAGE;
			}
			tags_k[ntags] = c == 'T' ? "Tested-by" : "Reported-by";
			tags_v[ntags++] = optarg;
			break;
		case 'h':
			usage_reply(stdout);
			return fflush(stdout) ? EXIT_USAGE : 0;
		default:
			p_err("reply: unknown option or missing value: '%s'",
			      argv[optind - 1]);
			usage_reply(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || !to || !evdir) {
		p_err("reply: needs THREAD.mbox, --to MSGID and --evidence RUN_DIR");
		usage_reply(stderr);
		return EXIT_USAGE;
	}
	g_mime_init();
	if (from_s && parse_person("--from", from_s, &self, &self_canon))
		goto out;
	for (i = 0; i < ntags; i++)
		if (parse_person(tags_k[i][0] == 'T' ? "--tested-by" :
				 "--reported-by", tags_v[i], &tag_addr[i],
				 &tags_canon[i]))
			goto out;

	mb = lore_mbox__read(argv[optind], err, sizeof(err));
	if (!mb) {
		p_err("%s", err);
		goto out;
	}
	ti = lore_mbox__find(mb, to);
	if (ti < 0) {
		p_err("--to <%s>: no such Message-ID in %s (%zu messages); '%s summary %s' lists them",
		      to, argv[optind], mb->nr, prog, argv[optind]);
		goto out;
	}
	t = &mb->msgs[ti];
	one_line_msg(&mb->msgs[ti]);
	if (t->flags & LORE_F_SYNTH_MID) {
		p_err("--to <%s>: that message has no Message-ID of its own (the id was synthesised), so a reply cannot thread under it; pick another message",
		      t->mid);
		goto out;
	}
	if (read_evidence(evdir, &evidence, &evpath))
		goto out;
	if (drop_header_block(evidence))
		p_info("%s starts with a Subject: line: left out of the body (the reply has its own)",
		       evpath);
	if (!*evidence) {
		p_err("%s holds nothing but a header: run kradar-report on the run again",
		      evpath);
		goto out;
	}
	p_info("evidence: %s%s", evpath,
	       strstr(evpath, "summary.txt") ?
	       " (no report-email.txt in the run directory; using the collector's summary)" :
	       "");

	/* References: the parent's References (else its In-Reply-To, else
	 * its ancestors in the tree), then the parent itself */
	refs = calloc(t->nr_refs + mb->nr + 2, sizeof(char *));
	if (!refs) {
		p_err("out of memory");
		goto out;
	}
	if (t->nr_refs) {
		for (i = 0; i < t->nr_refs; i++)
			refs[nrefs++] = t->refs[i];
	} else if (t->in_reply_to) {
		refs[nrefs++] = t->in_reply_to;
	} else if (t->parent >= 0) {
		long a;
		size_t k = 0;

		for (a = t->parent; a >= 0 && k < mb->nr; a = mb->msgs[a].parent)
			k++;
		nrefs = k;
		for (a = t->parent; a >= 0 && k > 0; a = mb->msgs[a].parent)
			refs[--k] = mb->msgs[a].mid;
	}
	for (i = 0; i < nrefs; i++)
		if (!strcmp(refs[i], t->mid))
			break;
	if (i == nrefs)
		refs[nrefs++] = t->mid;

	/* To: the author; for syzbot, its recipients with syzbot kept in Cc */
	rto = calloc(1, sizeof(*rto));
	rcc = calloc(1, sizeof(*rcc));
	if (!rto || !rcc) {
		p_err("out of memory");
		goto out;
	}
	if (t->is_bot) {
		for (i = 0; i < t->nr_to; i++)
			addrs_add(rto, &t->to[i], NULL, self.addr);
		for (i = 0; i < t->nr_cc; i++)
			addrs_add(rcc, &t->cc[i], rto, self.addr);
		addrs_add(rcc, &t->from, rto, self.addr);
	} else {
		addrs_add(rto, &t->from, NULL, self.addr);
		for (i = 0; i < t->nr_to; i++)
			addrs_add(rcc, &t->to[i], rto, self.addr);
		for (i = 0; i < t->nr_cc; i++)
			addrs_add(rcc, &t->cc[i], rto, self.addr);
	}
	if (!rto->n && rcc->n) {
		/* replying to oneself: the first Cc becomes To */
		rto->v[rto->n++] = rcc->v[0];
		memmove(rcc->v, rcc->v + 1, --rcc->n * sizeof(rcc->v[0]));
	}
	if (!rto->n)
		p_info("warning: the message has no usable recipients; give git send-email --to");

	/* body */
	body = g_string_new(NULL);
	quote = t->flags & LORE_F_NO_TEXT ? g_string_new(NULL) :
		build_quote(t, (int)nparas);
	lore_msg_date(t, date, sizeof(date));
	if (quote->len) {
		g_string_append_printf(body, "On %s, %s wrote:\n%s\n", date,
				       *t->from.name ? t->from.name :
				       t->from.addr, quote->str);
	}
	g_string_append(body, evidence);
	while (body->len && body->str[body->len - 1] == '\n')
		g_string_truncate(body, body->len - 1);
	g_string_append_c(body, '\n');
	if (ntags) {
		g_string_append_c(body, '\n');
		for (i = 0; i < ntags; i++)	/* Reported-by before Tested-by */
			if (tags_k[i][0] == 'R')
				g_string_append_printf(body, "%s: %s\n",
						       tags_k[i], tags_canon[i]);
		for (i = 0; i < ntags; i++)
			if (tags_k[i][0] == 'T')
				g_string_append_printf(body, "%s: %s\n",
						       tags_k[i], tags_canon[i]);
	}
	for (i = 0; i < body->len; i++)
		if (((unsigned char)body->str[i] < 0x20 &&
		     body->str[i] != '\n' && body->str[i] != '\t') ||
		    body->str[i] == 0x7f)
			body->str[i] = '?';
	if (lore_wrap(body->str, LORE_WRAP, &wrapped)) {
		p_err("out of memory");
		goto out;
	}

	/* headers */
	hdr = g_string_new(NULL);
	g_string_append_printf(hdr, "Subject: Re: %s\n",
			       *strip_re(t->subject) ? strip_re(t->subject) :
			       "(no subject)");
	if (from_s)
		g_string_append_printf(hdr, "From: %s\n", self_canon);
	put_addr_header(hdr, "To", rto);
	put_addr_header(hdr, "Cc", rcc);
	g_string_append_printf(hdr, "In-Reply-To: <%s>\n", t->mid);
	put_refs_header(hdr, refs, nrefs);
	if (has_8bit(hdr->str) || has_8bit(wrapped))
		g_string_append(hdr, "MIME-Version: 1.0\n"
			"Content-Type: text/plain; charset=UTF-8\n"
			"Content-Transfer-Encoding: 8bit\n");
	if (outpath) {
		f = fopen(outpath, "w");
		if (!f) {
			p_err("cannot create %s: %s", outpath, strerror(errno));
			goto out;
		}
	}
	fputs(hdr->str, f);
	fputc('\n', f);
	fputs(wrapped, f);
	ret = close_output(f, outpath ? outpath : "standard output");
	if (!ret && outpath)
		p_info("wrote %s; send with: git send-email --in-reply-to='<%s>' %s",
		       outpath, t->mid, outpath);
out:
	for (i = 0; i < ntags; i++) {
		g_free(tags_canon[i]);
		g_free(tag_addr[i].name);
		g_free(tag_addr[i].addr);
	}
	g_free(self.name);
	g_free(self.addr);
	g_free(self_canon);
	if (hdr)
		g_string_free(hdr, TRUE);
	if (body)
		g_string_free(body, TRUE);
	if (quote)
		g_string_free(quote, TRUE);
	free(wrapped);
	free(refs);
	free(rto);
	free(rcc);
	g_free(evidence);
	g_free(evpath);
	lore_mbox__free(mb);
	return ret;
}
