// SPDX-License-Identifier: GPL-2.0
/*
 * Tests for liblore and kradar-lore, TAP output. The library is driven
 * directly on the fixtures in selftests/lore/ (threads written to look
 * like real lore threads: a syzbot report with maintainer replies, a
 * "#syz test" with an inline patch, a [PATCH] follow-up, each MIME
 * encoding, a broken reference chain); the binary is run as a user
 * would, its exit status, stdout and stderr checked. A gzip copy of a
 * fixture is made at run time. Every check prints actual vs expected
 * when it fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <zlib.h>

#include "file.h"
#include "lore.h"
#include <kradar_tap.h>

#pragma GCC poison u8 u16 u32 u64

static char fx[1024], bin[1024], tmp[256];

#define REPORT_MID	"68f0a1b2.050a0220.1c2a3b.0004.GAE@google.com"
#define VERA_MID	"87h6b2q0x1.fsf@vgomes-mobl.example.org"
#define SYZTEST_MID	"20251104134055.1187302-1-joerg.brenner@example.com"
#define PATCH_MID	"20251105081540.2210457-1-joerg.brenner@example.com"
#define SYZ_ADDR	"syzbot+5d2f3b1c8a9e7f604412@syzkaller.appspotmail.com"

/* Assertions of include/kradar_tap.h, and these for strings and numbers */
#define ASSERT_EQ(a, b, name) do {					\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b)						\
			printf("# %s: actual %lld, expected %lld\n",	\
			       name, _a, _b);				\
		tap_ok(_a == _b, "%s", name);				\
	} while (0)

#define ASSERT_HAS(hay, needle, name) do {				\
		const char *_h = (hay), *_n = (needle);			\
		bool _ok = _h && strstr(_h, _n);			\
		if (!_ok)						\
			printf("# %s: '%s' not found in:\n# %.600s\n",	\
			       name, _n, _h ? _h : "(null)");		\
		tap_ok(_ok, "%s", name);				\
	} while (0)

#define ASSERT_HASNT(hay, needle, name) do {				\
		const char *_h = (hay), *_n = (needle);			\
		bool _ok = _h && !strstr(_h, _n);			\
		if (!_ok)						\
			printf("# %s: '%s' unexpectedly in:\n# %.600s\n", \
			       name, _n, _h ? _h : "(null)");		\
		tap_ok(_ok, "%s", name);				\
	} while (0)

static char *path_of(const char *name)
{
	return g_build_filename(fx, name, NULL);
}

static struct lore_mbox *load(const char *name)
{
	char err[512] = "", *p = path_of(name);
	struct lore_mbox *mb = lore_mbox__read(p, err, sizeof(err));

	if (!mb)
		printf("# loading %s: %s\n", p, err);
	g_free(p);
	return mb;
}

static const struct lore_msg *by_mid(const struct lore_mbox *mb,
				     const char *mid)
{
	long i = lore_mbox__find(mb, mid);

	return i >= 0 ? &mb->msgs[i] : NULL;
}

static long parent_of(const struct lore_mbox *mb, const char *mid)
{
	const struct lore_msg *m = by_mid(mb, mid);

	return m ? m->parent : -100;
}

static char *slurp(const char *path)
{
	return kradar_file_read(path, 0, NULL);
}

/* Run the binary through sh; returns the exit status, fills out/err. */
static int run(char **out, char **err, const char *fmt, ...)
{
	char *args, *cmd, *o = g_build_filename(tmp, "stdout", NULL),
	     *e = g_build_filename(tmp, "stderr", NULL);
	va_list ap;
	int st;

	va_start(ap, fmt);
	args = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	cmd = g_strdup_printf("env -u no_proxy -u NO_PROXY "
			      "https_proxy=http://127.0.0.1:9 "
			      "HTTPS_PROXY=http://127.0.0.1:9 "
			      "ALL_PROXY=http://127.0.0.1:9 "
			      "'%s' %s >'%s' 2>'%s'", bin, args, o, e);
	st = system(cmd);
	if (out)
		*out = slurp(o);
	if (err)
		*err = slurp(e);
	g_free(args);
	g_free(cmd);
	g_free(o);
	g_free(e);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- a small JSON validator (RFC 8259 grammar, unique keys) --------- */

static const char *js_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

static const char *js_value(const char *p, int depth);

static const char *js_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p && *p != '"') {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!g_ascii_isxdigit(p[i]))
						return NULL;
				p += 4;
			} else if (!strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
		p++;
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *js_value(const char *p, int depth)
{
	p = js_ws(p);
	if (depth > 64)
		return NULL;
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';
		const char *keys[128];
		size_t klen[128], nk = 0, k;

		p = js_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				const char *ks = js_ws(p);

				p = js_string(ks);
				if (!p)
					return NULL;
				/* a key twice in one object: invalid for us */
				for (k = 0; k < nk; k++)
					if (klen[k] == (size_t)(p - ks) &&
					    !memcmp(keys[k], ks, klen[k])) {
						printf("# duplicate JSON key %.*s\n",
						       (int)klen[k], ks);
						return NULL;
					}
				if (nk < 128) {
					keys[nk] = ks;
					klen[nk++] = p - ks;
				}
				p = js_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = js_value(p, depth + 1);
			if (!p)
				return NULL;
			p = js_ws(p);
			if (*p == ',') {
				p++;
				continue;
			}
			return *p == close ? p + 1 : NULL;
		}
	}
	if (*p == '"')
		return js_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	if (*p == '-' || g_ascii_isdigit(*p)) {
		p++;
		while (g_ascii_isdigit(*p) || strchr(".eE+-", *p))
			p++;
		return p;
	}
	return NULL;
}

static bool json_valid(const char *s)
{
	const char *e = s ? js_value(s, 0) : NULL;

	return e && !*js_ws(e);
}

/* ---- library tests -------------------------------------------------- */

static void test_syzbot_thread(void)
{
	struct lore_mbox *mb = load("syzbot-thread.mbox");
	const struct lore_msg *m;
	size_t i, replies = 0;

	ASSERT_TRUE(mb != NULL, "syzbot thread: parses");
	if (!mb)
		return;
	ASSERT_EQ(mb->nr, 6, "syzbot thread: message count");
	for (i = 0; i < mb->nr; i++)
		replies += mb->msgs[i].is_reply;
	ASSERT_EQ(replies, 5, "syzbot thread: reply count");
	ASSERT_EQ(mb->nr_roots, 1, "syzbot thread: one tree");
	ASSERT_EQ(parent_of(mb, REPORT_MID), -1, "tree: report is the root");
	ASSERT_EQ(parent_of(mb, VERA_MID), 0, "tree: maintainer reply under report");
	ASSERT_EQ(parent_of(mb, SYZTEST_MID), 0, "tree: #syz test under report");
	ASSERT_EQ(parent_of(mb, "690a1f26.a70a0220.3b4c1d.0012.GAE@google.com"), 2,
		  "tree: syzbot test result under the #syz test");
	ASSERT_EQ(parent_of(mb, PATCH_MID), 0, "tree: [PATCH] under report");
	ASSERT_EQ(parent_of(mb, "20251105170211.4c1f2a7e@kernel.example.net"), 4,
		  "tree: review under [PATCH]");
	ASSERT_EQ(mb->msgs[0].nr_kids, 3, "tree: report has 3 direct replies");
	ASSERT_EQ(mb->msgs[5].depth, 2, "tree: review depth");

	m = &mb->msgs[0];
	ASSERT_TRUE(m->is_bot, "syzbot report is bot mail");
	ASSERT_EQ(m->patch, 0, "report's help text is not a #syz test");
	ASSERT_STREQ(m->from.addr, SYZ_ADDR, "report From address");
	ASSERT_EQ(m->nr_to, 6, "report To count (folded header)");
	ASSERT_EQ(m->date, 1762186351, "report Date in Unix seconds");
	ASSERT_EQ(m->tz_min, -480, "report Date zone");

	m = by_mid(mb, VERA_MID);
	ASSERT_TRUE(m && (m->flags & LORE_F_MBOXRD), "mboxrd >From seen");
	ASSERT_HAS(m ? m->body : NULL, "\nFrom what I can see",
		   "mboxrd >From unescaped");
	ASSERT_HAS(m ? m->body : NULL, "Déjà vu",
		   "quoted-printable UTF-8 decoded");
	ASSERT_EQ(m ? m->patch : 99, 0, "maintainer reply is no patch");
	ASSERT_EQ(m ? m->nr_cc : 0, 5, "reply Cc count (folded header)");

	m = by_mid(mb, SYZTEST_MID);
	ASSERT_STREQ(m ? m->from.name : NULL, "Jörg Brenner",
		     "RFC 2047 From name decoded");
	ASSERT_EQ(m ? m->patch : 0, LORE_P_SYZ_TEST | LORE_P_DIFF,
		  "#syz test with inline diff detected");
	ASSERT_STREQ(m ? m->syz_test : NULL,
		     "#syz test: git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net.git main",
		     "#syz test command line");

	m = by_mid(mb, PATCH_MID);
	ASSERT_EQ(m ? m->patch : 0, LORE_P_SUBJECT | LORE_P_DIFF,
		  "[PATCH] subject and diff detected");
	ASSERT_STREQ(m ? m->subject : NULL,
		     "[PATCH net] net/sched: taprio: reject cycle times too short to schedule",
		     "folded Subject unfolded");
	m = by_mid(mb, "20251105170211.4c1f2a7e@kernel.example.net");
	ASSERT_EQ(m ? m->patch : 99, 0,
		  "review quoting a diff is not a patch");
	lore_mbox__free(mb);
}

static void test_encodings(void)
{
	struct lore_mbox *mb = load("encodings.mbox"), *again;
	const struct lore_msg *m;
	char *p, *raw;
	size_t i, dups = 0, synth = 0;

	ASSERT_TRUE(mb != NULL, "encodings: parses");
	if (!mb)
		return;
	ASSERT_EQ(mb->nr, 13, "encodings: message count (duplicates kept)");
	m = by_mid(mb, "qp-1@example.fr");
	ASSERT_HAS(m ? m->body : NULL, "— Renée", "QP body decoded");
	ASSERT_HAS(m ? m->body : NULL, "bound on the\nre-arm",
		   "QP soft line breaks joined");
	ASSERT_STREQ(m ? m->from.name : NULL, "Renée Lefèvre",
		     "RFC 2047 q name decoded");
	m = by_mid(mb, "b64-2@example.ru");
	ASSERT_HAS(m ? m->body : NULL, "Привет from the bisection box",
		   "base64 UTF-8 body decoded");
	m = by_mid(mb, "latin1-3@example.de");
	ASSERT_HAS(m ? m->body : NULL, "Grüße aus München",
		   "ISO-8859-1 body converted to UTF-8");
	ASSERT_STREQ(m ? m->from.name : NULL, "Jürgen Müller",
		     "ISO-8859-1 encoded-word name");
	ASSERT_STREQ(m ? m->subject : NULL,
		     "Re: [syzbot] [kernel?] INFO: task hung in hrtimer_cancel",
		     "ISO-8859-1 encoded-word subject");
	m = by_mid(mb, "folded-4@example.cn");
	ASSERT_STREQ(m ? m->subject : NULL,
		     "Re: [syzbot] [kernel?] INFO: task hung in hrtimer_cancel — bisected",
		     "folded RFC 2047 subject decoded");
	m = by_mid(mb, "crlf-5@example.com");
	ASSERT_TRUE(m && (m->flags & LORE_F_CRLF), "CRLF message flagged");
	ASSERT_TRUE(m && !strchr(m->body, '\r'), "CRLF body has no CR");
	ASSERT_HAS(m ? m->body : NULL, "A long soft-broken line joins here.",
		   "CRLF QP soft break joined");
	ASSERT_EQ(parent_of(mb, "crlf-5@example.com"),
		  lore_mbox__find(mb, "folded-4@example.cn"),
		  "CRLF message threads");
	m = by_mid(mb, "alt-6@example.org");
	ASSERT_HAS(m ? m->body : NULL, "the text kradar must pick",
		   "multipart/alternative: text/plain chosen");
	ASSERT_HASNT(m ? m->body : NULL, "<p>",
		     "multipart/alternative: no HTML");
	for (i = 0; i < mb->nr; i++) {
		dups += !!(mb->msgs[i].flags & LORE_F_DUP_MID);
		synth += !!(mb->msgs[i].flags & LORE_F_SYNTH_MID);
	}
	ASSERT_EQ(dups, 2, "duplicated Message-ID: both kept and flagged");
	ASSERT_EQ(synth, 1, "missing Message-ID flagged once");
	m = &mb->msgs[7];
	ASSERT_TRUE(!strncmp(m->mid, "kradar-synth.", 13),
		    "synthesised Message-ID prefix");
	ASSERT_EQ(m->parent, lore_mbox__find(mb, "alt-6@example.org"),
		  "message without Message-ID still threads");
	ASSERT_EQ(parent_of(mb, "after-dup-10@example.org"),
		  lore_mbox__find(mb, "dup-8@example.org"),
		  "reply to duplicated id attaches to the first copy");
	ASSERT_EQ(mb->msgs[9].parent, 0, "second duplicate threads too");
	m = by_mid(mb, "attach-11@example.org");
	ASSERT_EQ(m ? m->patch : 0, LORE_P_ATTACHED,
		  "text/x-patch attachment detected");
	ASSERT_STREQ(m ? m->body : NULL, "Patch attached, not inline.\n",
		     "multipart/mixed body is the inline text part");
	m = by_mid(mb, "undeclared-12@example.de");
	ASSERT_TRUE(m && (m->flags & LORE_F_BAD_UTF8) &&
		    g_utf8_validate(m->body, -1, NULL),
		    "undeclared 8-bit text repaired to valid UTF-8");
	ASSERT_HAS(m ? m->body : NULL, "Köln", "undeclared Latin-1 guessed");

	/* synthesised ids are stable across reads */
	p = path_of("encodings.mbox");
	raw = slurp(p);
	again = raw ? lore_mbox__parse(raw, strlen(raw), NULL, 0) : NULL;
	ASSERT_STREQ(again ? again->msgs[7].mid : NULL, mb->msgs[7].mid,
		     "synthesised Message-ID is stable");
	lore_mbox__free(again);
	g_free(raw);
	g_free(p);
	lore_mbox__free(mb);
}

static void test_broken_chain(void)
{
	struct lore_mbox *mb = load("broken-chain.mbox");
	const struct lore_msg *m;

	ASSERT_TRUE(mb != NULL, "broken chain: parses");
	if (!mb)
		return;
	ASSERT_EQ(mb->nr, 8, "broken chain: message count");
	ASSERT_EQ(mb->nr_roots, 3, "broken chain: roots (report, orphan, cut loop)");
	m = by_mid(mb, "c-3@example.org");
	ASSERT_EQ(m ? m->parent : -100, 1,
		  "missing parent: attached under nearest known ancestor");
	ASSERT_TRUE(m && (m->flags & LORE_F_REATTACHED), "reattachment flagged");
	ASSERT_STREQ(m ? m->missing_parent : NULL, "gone-c@example.org",
		     "missing parent named");
	m = by_mid(mb, "orphan-4@example.org");
	ASSERT_EQ(m ? m->parent : -100, -1, "no known ancestor: a root");
	ASSERT_TRUE(m && (m->flags & LORE_F_ORPHAN), "orphan flagged");
	ASSERT_EQ(parent_of(mb, "child-of-orphan-5@example.org"), 3,
		  "child of orphan stays under it");
	ASSERT_EQ(parent_of(mb, "loop-7@example.org"), -1,
		  "reference loop cut at its latest message");
	ASSERT_EQ(parent_of(mb, "loop-6@example.org"), 6,
		  "other loop member hangs under the cut one");
	ASSERT_EQ(parent_of(mb, "refs-only-8@example.org"), 1,
		  "References without In-Reply-To threads");
	ASSERT_EQ(lore_mbox__root(mb, 2), 0, "root of reattached message");
	lore_mbox__free(mb);
}

static void test_text(void)
{
	const char *body =
		"On Mon, X wrote:\n> a\n>\n> b\n\nMy answer.\n> c\nMore.\n"
		"-- \nName\nCompany\n\n";
	char *f = lore_fold_body(body), *w = NULL, *c;
	const char *long_text =
		"This is a long prose line that goes on and on well past the seventy-two column limit of mail.\n"
		"[   41.201902] kradar: hrtimer_expire_entry rate 2.31M/s on cpu1 (budget 10k/s), softirq starved\n"
		"callback                          cpu  fires/s    max run   share of cpu\n"
		"    tc qdisc replace dev eth0 parent root taprio num_tc 2 map 0 1 queues 1@0 1@1\n"
		"Tested-by: Somebody With A Very Long Name Indeed <somebody.with.a.long.name@example.org>\n"
		"https://example.org/a/very/long/url/that/cannot/be/broken/anywhere/at/all/really/no\n"
		"Wörter mit Umlauten zählen als eine Spalte: äöü äöü äöü äöü äöü äöü x\n";
	const char *p;
	int bad = 0;

	ASSERT_STREQ(f, "On Mon, X wrote:\n[... 3 quoted lines]\n\nMy answer.\n"
		     "[... 1 quoted line]\nMore.\n[... 3 signature lines]\n",
		     "fold: quotes and signature folded");
	free(f);
	ASSERT_EQ(lore_body_patch("> diff --git a/x b/x\n", NULL), 0,
		  "quoted diff is no patch");
	ASSERT_EQ(lore_body_patch("--- a/x\n+++ b/x\n@@ -1 +1 @@\n", NULL),
		  LORE_P_DIFF, "diff without diff --git line detected");

	ASSERT_EQ(lore_wrap(long_text, 72, &w), 0, "wrap runs");
	for (p = w; p && *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *line = g_strndup(p, n);

		if (lore_utf8_cols(p, n) > 72 && !lore_line_exempt(line))
			bad++;
		g_free(line);
		p = e ? e + 1 : p + n;
	}
	ASSERT_EQ(bad, 0, "wrap: no non-exempt line over 72 columns");
	ASSERT_HAS(w, "past the seventy-two\ncolumn limit of mail.\n",
		   "wrap: prose broken at a space");
	ASSERT_HAS(w, "[   41.201902] kradar: hrtimer_expire_entry rate 2.31M/s on cpu1 (budget 10k/s), softirq starved\n",
		   "wrap: log line kept whole");
	ASSERT_HAS(w, "callback                          cpu  fires/s    max run   share of cpu\n",
		   "wrap: aligned columns kept");
	ASSERT_HAS(w, "    tc qdisc replace dev eth0 parent root taprio num_tc 2 map 0 1 queues 1@0 1@1\n",
		   "wrap: indented code kept");
	ASSERT_HAS(w, "Tested-by: Somebody With A Very Long Name Indeed <somebody.with.a.long.name@example.org>\n",
		   "wrap: tag line kept");
	ASSERT_HAS(w, "Wörter mit Umlauten zählen als eine Spalte: äöü äöü äöü äöü äöü äöü x\n",
		   "wrap: columns counted in characters, not bytes");
	{
		char *q = NULL;

		ASSERT_EQ(lore_wrap("the storm rate reached three and a half million per second, which is >= 100000\n"
				    "window:  100 ms, heartbeat 100 ms, storm >= 50000 callbacks/s on one CPU, late >= 100 us\n",
				    72, &q), 0, "wrap runs on quote-like text");
		ASSERT_EQ(q && !strstr(q, "\n>") && q[0] != '>', 1,
			  "wrap: no wrapped line starts with '>'");
		ASSERT_HAS(q, "window:  100 ms, heartbeat 100 ms, storm >= 50000 callbacks/s on one CPU, late >= 100 us\n",
			   "wrap: aligned 'label:  value' line kept");
		free(q);
	}
	/* wrapping only moves spaces */
	c = g_strdup(w);
	g_strdelimit(c, "\n", ' ');
	{
		char *orig = g_strdup(long_text);

		g_strdelimit(orig, "\n", ' ');
		ASSERT_STREQ(c, orig, "wrap: text unchanged apart from breaks");
		g_free(orig);
	}
	g_free(c);
	free(w);

	c = lore_mid_clean(" <abc@x.org> ");
	ASSERT_STREQ(c, "abc@x.org", "Message-ID cleaned of <> and spaces");
	free(c);
	c = lore_mid_clean("https://lore.kernel.org/all/abc%2Bd@x.org/T/#u");
	ASSERT_STREQ(c, "abc+d@x.org", "Message-ID from a lore URL");
	free(c);
	ASSERT_TRUE(lore_addr_is_syzbot("syzbot+123abc@syzkaller.appspotmail.com") &&
		    !lore_addr_is_syzbot("syzkaller-bugs@googlegroups.com") &&
		    !lore_addr_is_syzbot("syzbotfan@syzkaller.appspotmail.com.evil.org"),
		    "syzbot address recognised, look-alikes not");
}

static void test_negative_parse(void)
{
	char err[512] = "";
	struct lore_mbox *mb;
	static const char junk[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0";
	char *gz = NULL, *out = NULL;
	size_t outlen = 0;
	int ret;

	mb = lore_mbox__parse("", 0, err, sizeof(err));
	ASSERT_TRUE(!mb && strstr(err, "empty"), "empty input refused");
	err[0] = '\0';
	mb = lore_mbox__parse("\n\n\n", 3, err, sizeof(err));
	ASSERT_TRUE(!mb && strstr(err, "empty"), "blank input refused");
	err[0] = '\0';
	mb = lore_mbox__parse("hello world\nthis is not mail\n", 29, err,
			      sizeof(err));
	ASSERT_TRUE(!mb && strstr(err, "not an mbox"), "plain text refused");
	err[0] = '\0';
	mb = lore_mbox__parse(junk, sizeof(junk), err, sizeof(err));
	ASSERT_TRUE(!mb && strstr(err, "not an mbox"), "binary refused");
	err[0] = '\0';
	mb = lore_mbox__parse("Key: value\nOther: x\n\nbody\n", 26, err,
			      sizeof(err));
	ASSERT_TRUE(!mb && strstr(err, "no From, Date, Message-ID"),
		    "header-like text without mail headers refused");

	err[0] = '\0';
	mb = lore_mbox__parse("From here on it is prose.\nNot mail at all.\n\n"
			      "From there too.\n", 60, err, sizeof(err));
	ASSERT_TRUE(!mb && strstr(err, "not an mbox"),
		    "text with From lines but no mail refused");

	/* gzip: good, truncated, over the limit */
	{
		const char *text = "From x\nFrom: a@b.c\nMessage-ID: <1@b>\n\nhi\n";
		uLongf cap = 256;
		z_stream z;

		gz = malloc(cap);
		memset(&z, 0, sizeof(z));
		deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		z.next_in = (Bytef *)text;
		z.avail_in = strlen(text);
		z.next_out = (Bytef *)gz;
		z.avail_out = cap;
		deflate(&z, Z_FINISH);
		cap = z.total_out;
		deflateEnd(&z);
		ret = lore_gunzip(gz, cap, 1 << 20, &out, &outlen);
		ASSERT_TRUE(ret == 0 && outlen == strlen(text) &&
			    !memcmp(out, text, outlen), "gunzip round trip");
		free(out);
		ret = lore_gunzip(gz, cap / 2, 1 << 20, &out, &outlen);
		ASSERT_EQ(ret, -EPIPE, "truncated gzip reported");
		ret = lore_gunzip(gz, cap, 10, &out, &outlen);
		ASSERT_EQ(ret, -EFBIG, "gzip past the size limit refused");
		mb = lore_mbox__from_buf(gz, cap / 2, "t.mbox.gz", err, sizeof(err));
		ASSERT_TRUE(!mb && strstr(err, "truncated"),
			    "truncated t.mbox.gz: clear message");
		free(gz);
	}
}


/*
 * Mutated fixtures through the buffer entry point (deterministic LCG):
 * every result is either a refusal with a message or an mbox whose tree
 * is sound (parents in range, no loops, the walk visits each message).
 */
static void test_mutations(void)
{
	static const char *const names[] = {
		"syzbot-thread.mbox", "encodings.mbox", "broken-chain.mbox",
	};
	unsigned long long seed = 42;
	int bad = 0, refused = 0, parsed = 0;
	size_t f;

	for (f = 0; f < sizeof(names) / sizeof(names[0]); f++) {
		char *p = path_of(names[f]), *orig = slurp(p);
		size_t len = orig ? strlen(orig) : 0;
		int iter;

		for (iter = 0; orig && iter < 150; iter++) {
			char *buf = g_memdup2(orig, len + 1), err[512] = "";
			size_t blen = len, k, nmut;
			struct lore_mbox *mb;

			nmut = 1 + iter % 40;
			for (k = 0; k < nmut && blen; k++) {
				size_t at;
				static const char pick[] = "<>\n\r:=?@ \t-\0\xff[F";

				seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
				at = (seed >> 33) % blen;
				if (iter % 7 == 0)
					blen = at;	/* truncation */
				else
					buf[at] = pick[(seed >> 20) % (sizeof(pick) - 1)];
			}
			mb = lore_mbox__parse(buf, blen, err, sizeof(err));
			if (!mb) {
				refused++;
				if (!*err)
					bad++;
			} else {
				size_t *order = NULL, i;
				long n = lore_mbox__walk(mb, (size_t)-1, &order);

				parsed++;
				if (n != (long)mb->nr)
					bad++;
				for (i = 0; i < mb->nr; i++) {
					const struct lore_msg *m = &mb->msgs[i];

					if (m->parent >= (long)mb->nr ||
					    m->parent == (long)i || !m->mid ||
					    !m->body || !g_utf8_validate(m->body, -1, NULL))
						bad++;
				}
				free(order);
				lore_mbox__free(mb);
			}
			g_free(buf);
		}
		g_free(orig);
		g_free(p);
	}
	printf("# mutations: %d parsed, %d refused\n", parsed, refused);
	ASSERT_EQ(bad, 0, "mutated inputs: refused with a message or sound tree");
	ASSERT_TRUE(parsed > 0, "mutated inputs: some still parse");
}

/* ---- binary tests --------------------------------------------------- */

static char *make_gz(const char *src)
{
	char *data = slurp(src), *dst = g_build_filename(tmp, "t.mbox.gz", NULL);
	gzFile g = gzopen(dst, "wb9");

	if (!data || !g || gzwrite(g, data, strlen(data)) != (int)strlen(data)) {
		printf("# cannot write %s\n", dst);
		g_free(dst);
		dst = NULL;
	}
	if (g)
		gzclose(g);
	g_free(data);
	return dst;
}

static void test_summary_cli(void)
{
	char *thread = path_of("syzbot-thread.mbox");
	char *broken = path_of("broken-chain.mbox");
	char *enc = path_of("encodings.mbox");
	char *notmbox = path_of("not-an-mbox.txt");
	char *gz = make_gz(thread), *out = NULL, *err = NULL, *out2 = NULL;
	char *both = g_build_filename(tmp, "both.mbox", NULL);
	char *empty = g_build_filename(tmp, "empty.mbox", NULL);
	char *a, *b;
	int rc;

	rc = run(&out, &err, "summary '%s' --show-bodies 2", thread);
	ASSERT_EQ(rc, 0, "summary: exit 0");
	ASSERT_HAS(out, "Counts:   6 messages, 5 replies, 1 tree", "summary: counts");
	ASSERT_HAS(out, "[3] From:        Jörg Brenner <joerg.brenner@example.com>",
		   "summary: From line");
	ASSERT_HAS(out, "  `-[5] Jörg Brenner: [PATCH net]", "summary: tree line");
	ASSERT_HAS(out, "syzbot test command: #syz test: git://git.kernel.org",
		   "summary: #syz test reported");
	ASSERT_HAS(out, "Participants (4):", "summary: participants");
	ASSERT_HAS(out, "syzbot <" SYZ_ADDR ">: 2 messages (bot)",
		   "summary: participant message count");
	ASSERT_HAS(out, "Latest:   Wed, 5 Nov 2025 17:02:11 -0800 [6] Jakub Kowalski",
		   "summary: latest activity");
	ASSERT_HAS(out, "[... 5 quoted lines]", "summary: quotes folded in bodies");
	ASSERT_HAS(out, "[... 3 signature lines]", "summary: signature folded");
	ASSERT_HASNT(out, "--- [1] syzbot", "summary: bot report body left out");
	ASSERT_HASNT(out, "--- [5]", "summary: only N bodies shown");
	g_free(err);

	rc = run(&out2, &err, "summary --json '%s' --show-bodies 1", thread);
	ASSERT_EQ(rc, 0, "summary --json: exit 0");
	ASSERT_TRUE(json_valid(out2), "summary --json: valid JSON");
	ASSERT_HAS(out2, "\"reply_count\": 5", "summary --json: replies");
	ASSERT_HAS(out2, "\"message_count\": 6", "summary --json: messages");
	ASSERT_HAS(out2, "\"syz_command\": \"#syz test: git://git.kernel.org/pub/scm/linux/kernel/git/netdev/net.git main\"",
		   "summary --json: syz command");
	ASSERT_HAS(out2, "\"address\": \"" SYZ_ADDR "\",\n      \"messages\": 2",
		   "summary --json: participant");
	g_free(out2);
	g_free(err);

	rc = run(&out2, &err, "summary '%s'", gz ? gz : "/nonexistent");
	ASSERT_EQ(rc, 0, "summary of t.mbox.gz: exit 0");
	a = out ? strstr(out, "Counts:") : NULL;
	b = out2 ? strstr(out2, "Counts:") : NULL;
	ASSERT_TRUE(a && b && !strncmp(a, b, 200),
		    "gzip input gives the same summary");
	ASSERT_HAS(out2, "(gzip)", "gzip input reported");
	g_free(out2);
	g_free(err);
	g_free(out);

	rc = run(&out, &err, "summary - < '%s'", thread);
	ASSERT_EQ(rc, 0, "summary from stdin: exit 0");
	ASSERT_HAS(out, "6 messages, 5 replies", "summary from stdin: counts");
	g_free(out);
	g_free(err);

	rc = run(&out, &err, "summary --json '%s'", enc);
	ASSERT_TRUE(rc == 0 && json_valid(out), "encodings --json: valid JSON");
	ASSERT_HAS(out, "\"kind\": \"synthesised_message_id\"",
		   "summary: synthesised Message-ID reported");
	ASSERT_HAS(out, "\"kind\": \"duplicate_message_id\"",
		   "summary: duplicated Message-ID reported");
	g_free(out);
	g_free(err);

	rc = run(&out, &err, "summary '%s'", broken);
	ASSERT_HAS(out, "[3] parent <gone-c@example.org> missing: attached under [2]",
		   "summary: reattachment reported");
	ASSERT_HAS(out, "[4] parent <gone-x@example.org> missing and no known ancestor: made a root",
		   "summary: orphan root reported");
	ASSERT_HAS(out, "3 trees", "summary: tree count with broken chain");
	g_free(out);
	g_free(err);

	/* --mid picks one thread out of a bigger mbox */
	a = slurp(thread);
	b = slurp(broken);
	{
		char *cat = g_strconcat(a ? a : "", b ? b : "", NULL);

		g_file_set_contents(both, cat, -1, NULL);
		g_free(cat);
	}
	g_free(a);
	g_free(b);
	rc = run(&out, &err, "summary '%s' --mid '<%s>'", both, PATCH_MID);
	ASSERT_EQ(rc, 0, "summary --mid: exit 0");
	ASSERT_HAS(out, "Counts:   6 messages, 5 replies, 1 tree",
		   "summary --mid: only that thread");
	ASSERT_HAS(out, "(14 messages in input)", "summary --mid: input size");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "summary '%s' --mid nosuch@example.org", both);
	ASSERT_EQ(rc, 2, "summary --mid unknown: exit 2");
	ASSERT_HAS(err, "no message <nosuch@example.org>",
		   "summary --mid unknown: message");
	g_free(out);
	g_free(err);

	/*
	 * Built with libcurl, --fetch would try the network: a proxy on a
	 * closed loopback port makes it fail here without leaving the host.
	 */
	rc = run(&out, &err, "summary --fetch '<%s>'", REPORT_MID);
	ASSERT_EQ(rc, 2, "--fetch without libcurl/network: exit 2");
	ASSERT_HAS(err, "b4 mbox", "--fetch failure says: b4 mbox");
	ASSERT_HAS(err, "https://lore.kernel.org/all/" REPORT_MID "/t.mbox.gz",
		   "--fetch failure says: t.mbox.gz URL");
	g_free(out);
	g_free(err);

	g_file_set_contents(empty, "", 0, NULL);
	rc = run(&out, &err, "summary '%s'", empty);
	ASSERT_EQ(rc, 2, "empty mbox: exit 2");
	ASSERT_HAS(err, "empty input", "empty mbox: message");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "summary '%s'", notmbox);
	ASSERT_EQ(rc, 2, "not an mbox: exit 2");
	ASSERT_HAS(err, "not an mbox", "not an mbox: message");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "--json summary '%s'", notmbox);
	ASSERT_TRUE(rc == 2 && json_valid(out) && strstr(out, "\"error\""),
		    "error as JSON with --json");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "summary /nonexistent/x.mbox");
	ASSERT_TRUE(rc == 2 && err && strstr(err, "cannot open"),
		    "missing file: exit 2 with message");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "frobnicate");
	ASSERT_EQ(rc, 2, "unknown subcommand: exit 2");
	g_free(out);
	g_free(err);

	g_free(thread);
	g_free(broken);
	g_free(enc);
	g_free(notmbox);
	g_free(gz);
	g_free(both);
	g_free(empty);
}

/* body lines over 72 columns that are not an exempt kind */
static int overlong(const char *file)
{
	const char *p = strstr(file, "\n\n");
	int bad = 0;

	for (p = p ? p + 2 : file; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		char *line = g_strndup(p, n);

		if (lore_utf8_cols(p, n) > 72 && !lore_line_exempt(line)) {
			printf("# over 72: %s\n", line);
			bad++;
		}
		g_free(line);
		p = e ? e + 1 : p + n;
	}
	return bad;
}

/* The reply file, appended to the thread as a new message, threads back. */
static void round_trip(const char *thread, const char *reply_text,
		       const char *parent_mid, const char *name)
{
	char *t = slurp(thread), *esc, *all, *msg;
	struct lore_mbox *mb;
	char err[512] = "", tn[160];
	long want;
	GRegex *re = g_regex_new("^(>*From )", G_REGEX_MULTILINE, 0, NULL);

	/* a mail store escapes From_ lines the mboxrd way */
	esc = g_regex_replace(re, reply_text, -1, 0, ">\\1", 0, NULL);
	all = g_strconcat(t ? t : "", "From kradar@z Thu Jan  1 00:00:00 1970\n",
			  esc, NULL);
	mb = lore_mbox__parse(all, strlen(all), err, sizeof(err));
	snprintf(tn, sizeof(tn), "round trip (%s): reply parses in the thread",
		 name);
	ASSERT_TRUE(mb != NULL, tn);
	if (mb) {
		const struct lore_msg *last = &mb->msgs[mb->nr - 1];

		want = lore_mbox__find(mb, parent_mid);
		snprintf(tn, sizeof(tn), "round trip (%s): attached under the message replied to",
			 name);
		ASSERT_EQ(last->parent, want, tn);
		snprintf(tn, sizeof(tn), "round trip (%s): same tree", name);
		ASSERT_EQ(lore_mbox__root(mb, mb->nr - 1), 0, tn);
		snprintf(tn, sizeof(tn), "round trip (%s): no repair needed", name);
		ASSERT_EQ(last->flags & (LORE_F_REATTACHED | LORE_F_ORPHAN), 0, tn);
	}
	/* the reply alone is also readable as one message */
	msg = g_strdup(reply_text);
	lore_mbox__free(mb);
	mb = lore_mbox__parse(msg, strlen(msg), err, sizeof(err));
	snprintf(tn, sizeof(tn), "round trip (%s): reply file alone parses", name);
	ASSERT_TRUE(mb && mb->nr == 1 && mb->msgs[0].in_reply_to &&
		    !strcmp(mb->msgs[0].in_reply_to, parent_mid), tn);
	lore_mbox__free(mb);
	g_free(msg);
	g_free(esc);
	g_free(all);
	g_free(t);
	g_regex_unref(re);
}

static void test_reply_cli(void)
{
	char *thread = path_of("syzbot-thread.mbox");
	char *ev_email = path_of("run-email");
	char *ev_sum = path_of("run-summary");
	char *notmbox = path_of("not-an-mbox.txt");
	char *rfile = g_build_filename(tmp, "reply.txt", NULL);
	char *emptydir = g_build_filename(tmp, "emptyrun", NULL);
	char *empty = g_build_filename(tmp, "empty2.mbox", NULL);
	char *out = NULL, *err = NULL, *r = NULL, *tail;
	int rc;

	/* to the syzbot report */
	rc = run(&out, &err,
		 "reply '%s' --to '<%s>' --evidence '%s' --reported-by '%s' "
		 "--tested-by 'Ada Tester <ada@example.org>' "
		 "--from 'Ada Tester <ada@example.org>' -o '%s'",
		 thread, REPORT_MID, ev_email, SYZ_ADDR, rfile);
	ASSERT_EQ(rc, 0, "reply to report: exit 0");
	ASSERT_HAS(err, "evidence: ", "reply: says which evidence");
	ASSERT_HAS(err, "run-email/report-email.txt", "reply: report-email.txt preferred");
	r = slurp(rfile);
	ASSERT_TRUE(r && g_str_has_prefix(r, "Subject: Re: [syzbot] [net?] INFO: rcu detected stall in taprio_dequeue (2)\n"),
		    "reply: first line is Subject: Re:");
	ASSERT_HAS(r, "\nIn-Reply-To: <" REPORT_MID ">\n", "reply: In-Reply-To");
	ASSERT_HAS(r, "\nReferences: <" REPORT_MID ">\n", "reply: References");
	ASSERT_HAS(r, "\nTo: jhs@mojatatu.example, vera.gomes@example.org, jiri@resnulli.example,\n netdev@vger.kernel.org",
		   "reply to syzbot: To is the report's recipients");
	ASSERT_HAS(r, "\nCc: syzbot <" SYZ_ADDR ">\n",
		   "reply to syzbot: syzbot kept in Cc");
	ASSERT_HAS(r, "syzkaller-bugs@googlegroups.com",
		   "reply to syzbot: syzkaller-bugs kept");
	ASSERT_HAS(r, "\nFrom: Ada Tester <ada@example.org>\n", "reply: From");
	ASSERT_HAS(r, "\n\nOn Mon, 3 Nov 2025 08:12:31 -0800, syzbot wrote:\n> syzbot found the following issue on:\n",
		   "reply: attribution and quote start");
	ASSERT_HAS(r, "> rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:\n",
		   "reply: crash head quoted");
	ASSERT_HAS(r, "> [...]\n", "reply: quote trimmed with [...]");
	ASSERT_HASNT(r, "> This report is generated by a bot",
		     "reply: bot footer not quoted");
	ASSERT_HASNT(r, "must not be used", "reply: summary.txt not used");
	ASSERT_HAS(r, "\n[   41.201902] kradar: hrtimer_expire_entry rate 2.31M/s on cpu1 (budget 10k/s), softirq starved\n",
		   "reply: log line not wrapped");
	ASSERT_HAS(r, "kradar ran the C reproducer for 60 seconds in a QEMU guest (6.18.0-rc4,\n2 vCPUs)",
		   "reply: prose wrapped at 72");
	ASSERT_EQ(r ? overlong(r) : -1, 0, "reply: no body line over 72 except exempt kinds");
	tail = r ? strstr(r, "\n\nReported-by: ") : NULL;
	ASSERT_STREQ(tail, "\n\nReported-by: " SYZ_ADDR "\nTested-by: Ada Tester <ada@example.org>\n",
		     "reply: tags at the end");
	ASSERT_HASNT(r, "\nX-", "reply: no stray headers");
	ASSERT_HASNT(r, "<html", "reply: no HTML");
	if (r)
		round_trip(thread, r, REPORT_MID, "report");
	g_free(r);
	g_free(out);
	g_free(err);

	/* evidence written by an older kradar-report: a Subject: line and a
	 * blank line on top, which must not end up in the body */
	{
		char *old = g_build_filename(tmp, "run-oldemail", NULL);
		char *src = g_build_filename(ev_email, "report-email.txt", NULL);
		char *dst = g_build_filename(old, "report-email.txt", NULL);
		char *body = slurp(src), *with = NULL, *second;

		g_mkdir_with_parents(old, 0755);
		with = g_strconcat("Subject: Re: INFO: rcu detected stall in do_idle\n\n",
				   body ? body : "", NULL);
		g_file_set_contents(dst, with, -1, NULL);
		rc = run(&out, &err, "reply '%s' --to '<%s>' --evidence '%s'",
			 thread, REPORT_MID, old);
		ASSERT_EQ(rc, 0, "reply, old evidence: exit 0");
		second = out ? strstr(out + 1, "Subject:") : NULL;
		if (second)
			printf("# actual: a second Subject: line: '%.80s'; expected: none\n",
			       second);
		ASSERT_TRUE(out && !strncmp(out, "Subject: Re: [syzbot]", 21) && !second,
			    "reply, old evidence: one Subject: line, the header");
		ASSERT_HAS(out, "\nkradar ran the C reproducer", "reply, old evidence: the body kept");
		ASSERT_HAS(err, "left out of the body", "reply, old evidence: says what it dropped");
		g_free(out);
		g_free(err);
		g_free(old);
		g_free(src);
		g_free(dst);
		g_free(body);
		g_free(with);
	}

	/* to a maintainer's reply, which already says "Re:" */
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s' "
		 "--from 'Jiri P <JIRI@resnulli.example>'",
		 thread, VERA_MID, ev_sum);
	ASSERT_EQ(rc, 0, "reply to a reply: exit 0 (stdout)");
	ASSERT_HAS(err, "run-summary/summary.txt", "reply: falls back to summary.txt");
	ASSERT_TRUE(out && !strncmp(out, "Subject: Re: [syzbot]", 21),
		    "reply: no double Re:");
	ASSERT_HAS(out, "\nTo: Vera Costa Gomes <vera.gomes@example.org>\n",
		   "reply: To is the author");
	ASSERT_HAS(out, "\nCc: syzbot <" SYZ_ADDR ">,\n jhs@mojatatu.example, netdev@vger.kernel.org",
		   "reply: Cc is the message's To and Cc");
	ASSERT_HASNT(out, "jiri@resnulli.example", "reply: own address left out of Cc");
	ASSERT_HAS(out, "\nReferences: <" REPORT_MID ">\n <" VERA_MID ">\n",
		   "reply: References chain (folded)");
	ASSERT_HAS(out, "Content-Type: text/plain; charset=UTF-8\n",
		   "reply: charset declared for 8-bit text");
	ASSERT_HAS(out, "wrote:\n> From what I can see", "reply: quote skips older quotes");
	ASSERT_HASNT(out, "> > ", "reply: no nested quotes");
	ASSERT_HASNT(out, "Vera Costa Gomes\nNetworking", "reply: signature not quoted");
	ASSERT_EQ(out ? overlong(out) : -1, 0, "reply (summary.txt): wrapping");
	if (out)
		round_trip(thread, out, VERA_MID, "maintainer reply");
	g_free(out);
	g_free(err);

	/* to the review of the [PATCH]: References from the message */
	rc = run(&out, &err, "reply '%s' --to 20251105170211.4c1f2a7e@kernel.example.net --evidence '%s'",
		 thread, ev_email);
	ASSERT_HAS(out, "\nReferences: <" REPORT_MID ">\n <" PATCH_MID ">\n <20251105170211.4c1f2a7e@kernel.example.net>\n",
		   "reply to a review: References extended");
	ASSERT_HAS(out, "Subject: Re: [PATCH net] net/sched: taprio: reject cycle times too short to schedule\n",
		   "reply: folded subject on one line");
	if (out)
		round_trip(thread, out, "20251105170211.4c1f2a7e@kernel.example.net",
			   "review");
	g_free(out);
	g_free(err);

	/* encoded line breaks in headers must not become header lines */
	{
		char *evil = g_build_filename(tmp, "evil.mbox", NULL);

		g_file_set_contents(evil,
			"From mboxrd@z Thu Jan  1 00:00:00 1970\n"
			"From: =?UTF-8?Q?Eve=0ABcc:_spy@example.net?= <eve@example.org>\n"
			"To: list@example.org\n"
			"Subject: =?UTF-8?Q?hello=0D=0ABcc:_spy@example.net?=\n"
			"Date: Sat, 8 Nov 2025 10:00:00 +0000\n"
			"Message-ID: <evil@example.org>\n\n"
			"Hi\x1b[2J there.\n", -1, NULL);
		rc = run(&out, &err, "reply '%s' --to evil@example.org --evidence '%s'",
			 evil, ev_sum);
		ASSERT_EQ(rc, 0, "reply to hostile headers: exit 0");
		ASSERT_HASNT(out, "\nBcc:", "encoded line breaks do not make headers");
		ASSERT_HASNT(out, "\x1b", "terminal escapes removed from the reply");
		g_free(out);
		g_free(err);
		g_free(evil);
	}

	/* negative cases */
	rc = run(&out, &err, "reply '%s' --to nosuch@example.org --evidence '%s'",
		 thread, ev_email);
	ASSERT_EQ(rc, 2, "reply unknown --to: exit 2");
	ASSERT_HAS(err, "--to <nosuch@example.org>: no such Message-ID",
		   "reply unknown --to: message");
	g_free(out);
	g_free(err);
	mkdir(emptydir, 0755);
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s'", thread,
		 REPORT_MID, emptydir);
	ASSERT_EQ(rc, 2, "reply without evidence files: exit 2");
	ASSERT_HAS(err, "has neither report-email.txt nor summary.txt",
		   "reply without evidence: message");
	g_free(out);
	g_free(err);
	{
		char *ef = g_build_filename(emptydir, "summary.txt", NULL);

		g_file_set_contents(ef, "\n  \n", -1, NULL);
		rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s'",
			 thread, REPORT_MID, emptydir);
		ASSERT_EQ(rc, 2, "reply with empty evidence: exit 2");
		ASSERT_HAS(err, "is empty", "reply with empty evidence: message");
		g_free(out);
		g_free(err);
		unlink(ef);
		g_free(ef);
	}
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence /nonexistent/run",
		 thread, REPORT_MID);
	ASSERT_EQ(rc, 2, "reply with missing RUN_DIR: exit 2");
	g_free(out);
	g_free(err);
	g_file_set_contents(empty, "", 0, NULL);
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s'", empty,
		 REPORT_MID, ev_email);
	ASSERT_EQ(rc, 2, "reply on empty mbox: exit 2");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s'", notmbox,
		 REPORT_MID, ev_email);
	ASSERT_EQ(rc, 2, "reply on not-an-mbox: exit 2");
	ASSERT_HAS(err, "not an mbox", "reply on not-an-mbox: message");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s' --tested-by 'no address here'",
		 thread, REPORT_MID, ev_email);
	ASSERT_EQ(rc, 2, "reply with bad --tested-by: exit 2");
	ASSERT_HAS(err, "--tested-by wants one address", "bad --tested-by: message");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "reply '%s' --evidence '%s'", thread, ev_email);
	ASSERT_EQ(rc, 2, "reply without --to: exit 2");
	g_free(out);
	g_free(err);
	rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s' -o /nonexistent/dir/r.txt",
		 thread, REPORT_MID, ev_email);
	ASSERT_EQ(rc, 2, "reply to an uncreatable file: exit 2");
	g_free(out);
	g_free(err);
	if (access("/dev/full", W_OK) == 0) {
		rc = run(&out, &err, "reply '%s' --to '%s' --evidence '%s' -o /dev/full",
			 thread, REPORT_MID, ev_email);
		ASSERT_EQ(rc, 1, "reply on a full disk: exit 1");
		ASSERT_HAS(err, "failed", "reply on a full disk: message");
		g_free(out);
		g_free(err);
	} else {
		tap_skip("reply on a full disk", "no /dev/full");
	}

	g_free(thread);
	g_free(ev_email);
	g_free(ev_sum);
	g_free(notmbox);
	g_free(rfile);
	g_free(emptydir);
	g_free(empty);
}

static void cleanup_tmp(void)
{
	char *cmd = g_strdup_printf("rm -rf '%s'", tmp);

	if (system(cmd) != 0)
		fprintf(stderr, "# could not remove %s\n", tmp);
	g_free(cmd);
}

int main(void)
{
	const char *build = getenv("BUILD");
	const char *f = getenv("LORE_FIXTURES");
	struct stat st;

	snprintf(fx, sizeof(fx), "%s", f ? f : LORE_FIXTURES);
	if (build)
		snprintf(bin, sizeof(bin), "%s/kradar-lore", build);
	else
		snprintf(bin, sizeof(bin), "%s", LORE_BIN);
	snprintf(tmp, sizeof(tmp), "%s", "/tmp/test_lore.XXXXXX");
	if (!mkdtemp(tmp)) {
		printf("not ok 1 - cannot create a temporary directory: %s\n",
		       strerror(errno));
		printf("1..1\n");
		return 1;
	}
	if (stat(fx, &st) || !S_ISDIR(st.st_mode)) {
		printf("not ok 1 - fixtures not found at %s (set LORE_FIXTURES)\n", fx);
		printf("1..1\n");
		cleanup_tmp();
		return 1;
	}
	test_syzbot_thread();
	test_encodings();
	test_broken_chain();
	test_text();
	test_negative_parse();
	test_mutations();
	if (access(bin, X_OK)) {
		tap_ok(false, "kradar-lore binary missing at %s (run make)", bin);
	} else {
		test_summary_cli();
		test_reply_cli();
	}
	cleanup_tmp();
	printf("# test_lore: %d passed, %d failed\n", tap_n - tap_failed, tap_failed);
	return tap_done();
}
