// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-lore summary: what a thread holds, for a developer deciding
 * where kradar's evidence should go. Messages with their headers, the
 * reply tree (with what was repaired in it), patches and "#syz test"
 * commands, participants, latest activity and, on request, the first
 * human replies with quotes and signatures folded away. Text and JSON
 * come from the same out_*() calls.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "lore.h"
#include "main.h"
#include "out.h"

#pragma GCC poison u8 u16 u32 u64

#define SHOW_BODIES_MAX	10000
#define TREE_SUBJECT	70	/* columns of subject in the tree view */

struct participant {
	char *name;	/* first non-empty display name seen */
	const char *addr;
	size_t count;
	size_t first;	/* order of first appearance */
	bool bot;
};

static void usage_summary(FILE *f)
{
	fprintf(f,
		"Usage: %s summary THREAD.mbox|- [--mid MSGID] [--show-bodies N] [--json]\n"
		"       %s summary --fetch MSGID [--show-bodies N] [--json]\n",
		prog, prog);
}

static void print_patch(struct out *o, const struct lore_msg *m)
{
	out_obj_open(o, "patch");
	out_bool(o, "subject", NULL, m->patch & LORE_P_SUBJECT);
	out_bool(o, "inline_diff", NULL, m->patch & LORE_P_DIFF);
	out_bool(o, "syz_test", NULL, m->patch & LORE_P_SYZ_TEST);
	out_bool(o, "attached_diff", NULL, m->patch & LORE_P_ATTACHED);
	out_text(o, "%s%s%s%s",
		 m->patch & LORE_P_SUBJECT ? " [PATCH] subject;" : "",
		 m->patch & LORE_P_DIFF ? " inline diff;" : "",
		 m->patch & LORE_P_ATTACHED ? " attached diff;" : "",
		 m->patch & LORE_P_SYZ_TEST ? " syzbot test command:" : "");
	if (m->syz_test)
		out_str(o, "syz_command", " %s", m->syz_test);
	else
		out_null(o, "syz_command", NULL);
	out_obj_close(o);
}

/* Every note a message carries, as sentences; JSON keeps a kind. */
static void print_notes(struct out *o, const struct lore_mbox *mb,
			const struct lore_msg *m, const char *indent)
{
	char buf[1024];

	(void)mb;
	out_arr_open(o, "notes");
#define NOTE(kind, ...) do {						\
		snprintf(buf, sizeof(buf), __VA_ARGS__);		\
		out_obj_open(o, NULL);					\
		out_str(o, "kind", NULL, kind);				\
		out_text(o, "%sNote:        ", indent);			\
		out_str(o, "text", "%s\n", buf);			\
		out_obj_close(o);					\
	} while (0)
	if (m->flags & LORE_F_SYNTH_MID)
		NOTE("synthesised_message_id",
		     "no Message-ID header: using synthesised <%s> (stable for this message)",
		     m->mid);
	if ((m->flags & LORE_F_DUP_MID) && m->dup_first >= 0)
		NOTE("duplicate_message_id",
		     "Message-ID <%s> was already used by [%ld]: both kept; replies attach to [%ld]",
		     m->mid, m->dup_first + 1, m->dup_first + 1);
	else if (m->flags & LORE_F_DUP_MID)
		NOTE("duplicate_message_id",
		     "Message-ID <%s> is used again by later messages: all kept; replies attach to this one",
		     m->mid);
	if (m->flags & LORE_F_REATTACHED)
		NOTE("reattached",
		     "parent <%s> is not in the input: attached under [%ld], the nearest ancestor named in References",
		     m->missing_parent, m->ancestor_of_missing + 1);
	if (m->flags & LORE_F_ORPHAN)
		NOTE("orphan",
		     "parent <%s> is not in the input, nor any message in its References: shown as a root",
		     m->missing_parent);
	if (m->flags & LORE_F_CYCLE)
		NOTE("cycle",
		     "its In-Reply-To/References form a loop: cut here, shown as a root");
	if (m->flags & LORE_F_NO_TEXT)
		NOTE("no_text", "no text/plain part");
	if (m->flags & LORE_F_CRLF)
		NOTE("crlf", "CRLF line ends (converted)");
	if (m->flags & LORE_F_NO_DATE)
		NOTE("no_date", "Date header missing or unparsable");
	if (m->flags & LORE_F_BAD_UTF8)
		NOTE("charset_guessed",
		     "8-bit text without a valid charset: converted to UTF-8 by guess");
#undef NOTE
	out_arr_close(o);
}

static void print_message(struct out *o, const struct lore_mbox *mb,
			  const struct lore_msg *m)
{
	char date[64];
	size_t i;

	lore_msg_date(m, date, sizeof(date));
	out_obj_open(o, NULL);
	out_int(o, "n", "[%lld] ", (long long)m->idx + 1);
	out_text(o, "From:        ");
	out_obj_open(o, "from");
	out_str(o, "name", "%s ", *m->from.name ? m->from.name : "");
	out_str(o, "address", "<%s>", m->from.addr);
	out_obj_close(o);
	out_bool(o, "bot", NULL, m->is_bot);
	out_text(o, "%s\n", m->is_bot ? "  (bot)" : "");
	out_text(o, "    Date:        ");
	out_str(o, "date", "%s\n", date);
	out_str(o, "date_header", NULL, m->date_hdr);
	if (m->flags & LORE_F_NO_DATE)
		out_null(o, "date_unix", NULL);
	else
		out_int(o, "date_unix", NULL, (long long)m->date);
	out_text(o, "    Subject:     ");
	out_str(o, "subject", "%s\n", m->subject);
	out_text(o, "    Message-ID:  ");
	out_str(o, "message_id", "<%s>\n", m->mid);
	out_bool(o, "message_id_synthesised", NULL,
		 m->flags & LORE_F_SYNTH_MID);
	out_bool(o, "message_id_duplicated", NULL, m->flags & LORE_F_DUP_MID);
	out_text(o, "    In-Reply-To: ");
	if (m->in_reply_to)
		out_str(o, "in_reply_to", "<%s>\n", m->in_reply_to);
	else
		out_null(o, "in_reply_to", "-\n");
	out_arr_open(o, "references");
	for (i = 0; i < m->nr_refs; i++)
		out_str(o, NULL, NULL, m->refs[i]);
	out_arr_close(o);
	out_text(o, "    Parent:      ");
	if (m->parent >= 0)
		out_int(o, "parent", "[%lld]\n", (long long)m->parent + 1);
	else
		out_null(o, "parent", "none (root)\n");
	out_int(o, "depth", NULL, m->depth);
	out_arr_open(o, "children");
	for (i = 0; i < m->nr_kids; i++)
		out_int(o, NULL, NULL, (long long)m->kids[i] + 1);
	out_arr_close(o);
	if (m->patch) {
		out_text(o, "    Patch:      ");
		print_patch(o, m);
		out_text(o, "\n");
	} else {
		out_null(o, "patch", NULL);
	}
	print_notes(o, mb, m, "    ");
	out_obj_close(o);
}

/* One line of the tree view: indentation shows depth. */
static void print_tree_line(struct out *o, const struct lore_msg *m,
			    int base)
{
	const char *who = *m->from.name ? m->from.name : m->from.addr;
	char *subj = out_clean(m->subject, false);
	char *name = out_clean(who, false);
	int d = m->depth - base;
	size_t cut = strlen(subj ? subj : "");

	if (o->json || !subj || !name)
		goto out;
	if (d > 40)
		d = 40;
	/* cut at a character boundary */
	if (lore_utf8_cols(subj, cut) > TREE_SUBJECT) {
		size_t cols = 0;

		for (cut = 0; subj[cut] && cols < TREE_SUBJECT - 3; cut++)
			if (((unsigned char)subj[cut] & 0xc0) != 0x80)
				cols++;
		while (((unsigned char)subj[cut] & 0xc0) == 0x80)
			cut++;
		fprintf(o->f, "%*s%s[%zu] %s: %.*s...\n", d * 2, "",
			d ? "`-" : "", m->idx + 1, name, (int)cut, subj);
	} else {
		fprintf(o->f, "%*s%s[%zu] %s: %s\n", d * 2, "", d ? "`-" : "",
			m->idx + 1, name, subj);
	}
out:
	free(subj);
	free(name);
}

static int cmp_part(const void *a, const void *b)
{
	const struct participant *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int print_participants(struct out *o, const struct lore_mbox *mb,
			      const size_t *sel, size_t n)
{
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal,
					      g_free, NULL);
	struct participant *v = calloc(n ? n : 1, sizeof(*v));
	size_t nv = 0, i;

	if (!h || !v) {
		if (h)
			g_hash_table_destroy(h);
		free(v);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		const struct lore_msg *m = &mb->msgs[sel[i]];
		char *key = g_ascii_strdown(m->from.addr, -1);
		gpointer got = g_hash_table_lookup(h, key);
		struct participant *p;

		if (got) {
			p = &v[GPOINTER_TO_SIZE(got) - 1];
			g_free(key);
		} else {
			p = &v[nv];
			p->addr = m->from.addr;
			p->first = nv;
			p->bot = m->is_bot;
			g_hash_table_insert(h, key, GSIZE_TO_POINTER(++nv));
		}
		p->count++;
		if (!p->name && *m->from.name)
			p->name = m->from.name;
	}
	qsort(v, nv, sizeof(*v), cmp_part);
	out_text(o, "\nParticipants (%zu):\n", nv);
	out_arr_open(o, "participants");
	for (i = 0; i < nv; i++) {
		out_obj_open(o, NULL);
		out_str(o, "name", "  %s", v[i].name ? v[i].name : "");
		out_str(o, "address", " <%s>", v[i].addr);
		out_int(o, "messages", ": %lld message", (long long)v[i].count);
		out_text(o, "%s%s\n", v[i].count == 1 ? "" : "s",
			 v[i].bot ? " (bot)" : "");
		out_bool(o, "bot", NULL, v[i].bot);
		out_obj_close(o);
	}
	out_arr_close(o);
	g_hash_table_destroy(h);
	free(v);
	return 0;
}

static const struct lore_mbox *chrono_mb;

static int cmp_chrono(const void *a, const void *b)
{
	const struct lore_msg *x = &chrono_mb->msgs[*(const size_t *)a];
	const struct lore_msg *y = &chrono_mb->msgs[*(const size_t *)b];

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int print_bodies(struct out *o, const struct lore_mbox *mb,
			const size_t *sel, size_t n, long want)
{
	size_t *chrono = malloc((n ? n : 1) * sizeof(*chrono));
	size_t i, shown = 0;

	if (!chrono)
		return -ENOMEM;
	memcpy(chrono, sel, n * sizeof(*chrono));
	chrono_mb = mb;
	qsort(chrono, n, sizeof(*chrono), cmp_chrono);
	out_text(o, "\nFirst %ld replies (bot mail left out; quotes and signatures folded):\n",
		 want);
	out_arr_open(o, "bodies");
	for (i = 0; i < n && (long)shown < want; i++) {
		const struct lore_msg *m = &mb->msgs[chrono[i]];
		char date[64];
		char *folded;

		if (!m->is_reply || m->is_bot)
			continue;
		folded = lore_fold_body(m->body);
		if (!folded) {
			free(chrono);
			return -ENOMEM;
		}
		lore_msg_date(m, date, sizeof(date));
		out_obj_open(o, NULL);
		out_int(o, "n", "\n--- [%lld] ", (long long)m->idx + 1);
		out_str(o, "from", "%s", *m->from.name ? m->from.name :
			m->from.addr);
		out_str(o, "date", ", %s ---\n", date);
		out_block(o, "body", "%s", folded);
		out_obj_close(o);
		free(folded);
		shown++;
	}
	out_arr_close(o);
	if (!shown)
		out_text(o, "  (no human replies)\n");
	free(chrono);
	return 0;
}

static void print_report(struct out *o, const struct lore_mbox *mb,
			 const char *input, const size_t *sel, size_t n,
			 const char *mid)
{
	size_t i, replies = 0, roots = 0, nanom = 0, npatch = 0;
	long latest = -1;
	const struct lore_msg *first = &mb->msgs[sel[0]];

	for (i = 0; i < n; i++) {
		const struct lore_msg *m = &mb->msgs[sel[i]];

		replies += m->is_reply;
		roots += m->parent < 0;
		if (!(m->flags & LORE_F_NO_DATE) &&
		    (latest < 0 || m->date > mb->msgs[latest].date ||
		     (m->date == mb->msgs[latest].date &&
		      m->idx > (size_t)latest)))
			latest = (long)m->idx;
		nanom += !!(m->flags & (LORE_F_SYNTH_MID | LORE_F_DUP_MID |
					LORE_F_REATTACHED | LORE_F_ORPHAN |
					LORE_F_CYCLE));
		npatch += !!m->patch;
	}

	out_obj_open(o, NULL);
	out_text(o, "Thread:   ");
	out_str(o, "subject", "%s\n", first->subject);
	out_text(o, "Input:    ");
	out_str(o, "input", "%s", input);
	out_bool(o, "gzip", NULL, mb->gzipped);
	out_text(o, "%s", mb->gzipped ? " (gzip)" : "");
	if (mid)
		out_str(o, "selected_mid", ", thread of <%s>", mid);
	else
		out_null(o, "selected_mid", NULL);
	out_int(o, "messages_in_input", " (%lld messages in input)\n",
		(long long)mb->nr);
	out_int(o, "message_count", "Counts:   %lld messages, ",
		(long long)n);
	out_int(o, "reply_count", "%lld replies, ", (long long)replies);
	out_int(o, "tree_count", "%lld tree", (long long)roots);
	out_text(o, "%s\n", roots == 1 ? "" : "s (some messages have no known parent)");
	out_text(o, "Latest:   ");
	if (latest >= 0) {
		const struct lore_msg *l = &mb->msgs[latest];
		char date[64];

		lore_msg_date(l, date, sizeof(date));
		out_obj_open(o, "latest");
		out_str(o, "date", "%s", date);
		out_int(o, "date_unix", NULL, (long long)l->date);
		out_int(o, "n", " [%lld]", (long long)l->idx + 1);
		out_str(o, "from", " %s", *l->from.name ? l->from.name :
			l->from.addr);
		out_str(o, "subject", ": %s\n", l->subject);
		out_str(o, "message_id", NULL, l->mid);
		out_obj_close(o);
	} else {
		out_null(o, "latest", "unknown (no message has a valid Date)\n");
	}

	out_text(o, "\nMessages:\n");
	out_arr_open(o, "messages");
	for (i = 0; i < n; i++)
		print_message(o, mb, &mb->msgs[sel[i]]);
	out_arr_close(o);

	out_text(o, "\nTree:\n");
	out_arr_open(o, "order");
	for (i = 0; i < n; i++) {
		const struct lore_msg *m = &mb->msgs[sel[i]];

		out_int(o, NULL, NULL, (long long)m->idx + 1);
		print_tree_line(o, m, mid ? mb->msgs[sel[0]].depth : 0);
	}
	out_arr_close(o);

	out_text(o, "\nThread repairs and anomalies:%s\n", nanom ? "" : " none");
	out_arr_open(o, "anomalies");
	for (i = 0; i < n; i++) {
		const struct lore_msg *m = &mb->msgs[sel[i]];
		const char *kind = NULL;
		char buf[512];

		if (m->flags & LORE_F_REATTACHED) {
			kind = "reattached";
			snprintf(buf, sizeof(buf),
				 "parent <%s> missing: attached under [%ld] (nearest known ancestor in References)",
				 m->missing_parent, m->ancestor_of_missing + 1);
		} else if (m->flags & LORE_F_ORPHAN) {
			kind = "orphan";
			snprintf(buf, sizeof(buf),
				 "parent <%s> missing and no known ancestor: made a root",
				 m->missing_parent);
		} else if (m->flags & LORE_F_CYCLE) {
			kind = "cycle";
			snprintf(buf, sizeof(buf),
				 "reference loop cut: made a root");
		}
		if (kind) {
			out_obj_open(o, NULL);
			out_int(o, "n", "  [%lld] ", (long long)m->idx + 1);
			out_str(o, "kind", NULL, kind);
			out_str(o, "text", "%s\n", buf);
			out_obj_close(o);
		}
		kind = NULL;
		if (m->flags & LORE_F_SYNTH_MID) {
			kind = "synthesised_message_id";
			snprintf(buf, sizeof(buf),
				 "no Message-ID: synthesised <%s>", m->mid);
		} else if (m->flags & LORE_F_DUP_MID) {
			kind = "duplicate_message_id";
			snprintf(buf, sizeof(buf),
				 "Message-ID <%s> appears more than once: both kept",
				 m->mid);
		}
		if (kind) {
			out_obj_open(o, NULL);
			out_int(o, "n", "  [%lld] ", (long long)m->idx + 1);
			out_str(o, "kind", NULL, kind);
			out_str(o, "text", "%s\n", buf);
			out_obj_close(o);
		}
	}
	out_arr_close(o);

	out_text(o, "\nPatches:%s\n", npatch ? "" : " none");
	out_arr_open(o, "patches");
	for (i = 0; i < n; i++) {
		const struct lore_msg *m = &mb->msgs[sel[i]];

		if (!m->patch)
			continue;
		out_obj_open(o, NULL);
		out_int(o, "n", "  [%lld] ", (long long)m->idx + 1);
		out_str(o, "from", "%s", *m->from.name ? m->from.name :
			m->from.addr);
		out_str(o, "subject", ": %s\n      ", m->subject);
		out_str(o, "message_id", "<%s>\n      ", m->mid);
		print_patch(o, m);
		out_text(o, "\n");
		out_obj_close(o);
	}
	out_arr_close(o);
}

int do_summary(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mid", required_argument, NULL, 'm' },
		{ "show-bodies", required_argument, NULL, 'b' },
		{ "fetch", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	const char *mid = NULL, *fetch = NULL, *input;
	char *fetch_id = NULL;
	char err[1024] = "";
	struct lore_mbox *mb = NULL;
	size_t *sel = NULL;
	long bodies = 0, n;
	struct out o;
	int c, ret = 0;

	optind = 0;	/* reinitialise: main() parsed with "+" */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "m:b:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			mid = optarg;
			break;
		case 'b': {
			char *end;

			errno = 0;
			bodies = strtol(optarg, &end, 10);
			if (errno || *end || bodies < 0 ||
			    bodies > SHOW_BODIES_MAX) {
				p_err("--show-bodies wants a number 0..%d, not '%s'",
				      SHOW_BODIES_MAX, optarg);
				return EXIT_USAGE;
			}
			break;
		}
		case 'f':
			fetch = optarg;
			break;
		case 'j':
			json_output = true;
			break;
		case 'h':
			usage_summary(stdout);
			return fflush(stdout) ? EXIT_USAGE : 0;
		default:
			p_err("summary: unknown option or missing value: '%s'",
			      argv[optind - 1]);
			usage_summary(stderr);
			return EXIT_USAGE;
		}
	}
	if (fetch) {
		char *buf = NULL;
		size_t len = 0;

		fetch_id = lore_mid_clean(fetch);
		if (!fetch_id || !*fetch_id) {
			p_err("--fetch wants a Message-ID, not '%s'", fetch);
			free(fetch_id);
			return EXIT_USAGE;
		}
		fetch = fetch_id;

		if (optind != argc) {
			p_err("summary: give either --fetch MSGID or a file, not both");
			return EXIT_USAGE;
		}
		if (lore_fetch(fetch, &buf, &len)) {
			free(fetch_id);
			return EXIT_USAGE;
		}
		input = fetch;
		mb = lore_mbox__from_buf(buf, len, fetch, err, sizeof(err));
		free(buf);
		if (!mid)
			mid = fetch;
	} else {
		if (optind + 1 != argc) {
			p_err("summary: expected one THREAD.mbox (or - for stdin)");
			usage_summary(stderr);
			return EXIT_USAGE;
		}
		input = argv[optind];
		mb = lore_mbox__read(input, err, sizeof(err));
	}
	if (!mb) {
		p_err("%s", err);
		free(fetch_id);
		return EXIT_USAGE;
	}
	if (mid) {
		long i = lore_mbox__find(mb, mid);

		if (i < 0) {
			p_err("no message <%s> in %s (%zu messages; '%s summary %s' lists their Message-IDs)",
			      mid, input, mb->nr, prog, input);
			lore_mbox__free(mb);
			free(fetch_id);
			return EXIT_USAGE;
		}
		n = lore_mbox__walk(mb, lore_mbox__root(mb, (size_t)i), &sel);
	} else {
		n = lore_mbox__walk(mb, (size_t)-1, &sel);
	}
	if (n <= 0) {
		p_err("out of memory");
		lore_mbox__free(mb);
		return EXIT_USAGE;
	}
	out_init(&o, stdout, json_output ? OUT_JSON_PRETTY : 0);
	print_report(&o, mb, input, sel, (size_t)n, mid);
	if (print_participants(&o, mb, sel, (size_t)n) ||
	    (bodies && print_bodies(&o, mb, sel, (size_t)n, bodies))) {
		p_err("out of memory");
		ret = EXIT_USAGE;
	}
	out_obj_close(&o);
	free(sel);
	lore_mbox__free(mb);
	free(fetch_id);
	return ret ? ret : close_output(stdout, "standard output");
}
