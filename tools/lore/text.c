// SPDX-License-Identifier: GPL-2.0
/*
 * Plain-text rules of kernel mailing lists, used on decoded bodies:
 * what is quoted ("> "), what is a signature ("-- "), what is a patch
 * (inline diff, "#syz test"), and which lines a reply must not rewrap
 * (log output, aligned columns, indented code, tags, unbreakable words).
 * Pure string work on UTF-8; no MIME here (GMime did that).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "lore.h"

#pragma GCC poison u8 u16 u32 u64

struct sbuf {
	char *s;
	size_t len, cap;
	bool oom;
};

static void sb_add(struct sbuf *b, const char *p, size_t n)
{
	char *ns;

	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n + 1)
			cap *= 2;
		ns = realloc(b->s, cap);
		if (!ns) {
			b->oom = true;
			return;
		}
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static char *sb_done(struct sbuf *b)
{
	if (b->oom) {
		free(b->s);
		errno = ENOMEM;
		return NULL;
	}
	if (!b->s)
		return strdup("");
	return b->s;
}

/*
 * "<id>", " id ", "https://lore.kernel.org/LIST/id/" (%-escaped) and
 * "mid:id" all give "id".
 */
char *lore_mid_clean(const char *mid)
{
	const char *p = mid, *e;
	char *out, *o;

	if (!mid)
		return NULL;
	while (isspace((unsigned char)*p))
		p++;
	if (!strncmp(p, "http://", 7) || !strncmp(p, "https://", 8)) {
		/* scheme://host/list/ID[/...] */
		const char *s = strstr(p, "://") + 3, *q;
		int slashes = 0;

		for (q = s; *q && slashes < 2; q++)
			if (*q == '/')
				slashes++;
		if (slashes == 2)
			p = q;
	} else if (!strncmp(p, "mid:", 4)) {
		p += 4;
	}
	if (*p == '<')
		p++;
	e = p + strlen(p);
	while (e > p && (isspace((unsigned char)e[-1]) || e[-1] == '>' ||
			 e[-1] == '/'))
		e--;
	/* lore URLs may go on with /T/, /t.mbox.gz, ... */
	if (mid != p && (strstr(mid, "://"))) {
		const char *sl = memchr(p, '/', e - p);

		if (sl)
			e = sl;
	}
	out = malloc(e - p + 1);
	if (!out)
		return NULL;
	for (o = out; p < e; p++) {
		if (*p == '%' && p + 2 < e && kradar_hexval(p[1]) >= 0 &&
		    kradar_hexval(p[2]) >= 0 && strstr(mid, "://")) {
			*o++ = (char)(kradar_hexval(p[1]) * 16 + kradar_hexval(p[2]));
			p += 2;
		} else if (!isspace((unsigned char)*p)) {
			*o++ = *p;
		}
	}
	*o = '\0';
	return out;
}

bool lore_addr_is_syzbot(const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t ll;

	if (!at || strcasecmp(at + 1, "syzkaller.appspotmail.com"))
		return false;
	ll = at - addr;
	return (ll == 6 && !strncasecmp(addr, "syzbot", 6)) ||
	       (ll > 7 && !strncasecmp(addr, "syzbot+", 7));
}

static bool is_quoted(const char *l)
{
	return l[0] == '>';
}

static bool is_sig_sep(const char *l, size_t n)
{
	return (n == 3 && !memcmp(l, "-- ", 3)) ||
	       (n == 4 && !memcmp(l, "-- \r", 4));
}

static bool blank_line(const char *l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isspace((unsigned char)l[i]))
			return false;
	return true;
}

static void fold_flush(struct sbuf *b, size_t *nq, const char *what)
{
	char tmp[64];

	if (!*nq)
		return;
	snprintf(tmp, sizeof(tmp), "[... %zu %s line%s]\n", *nq, what,
		 *nq == 1 ? "" : "s");
	sb_str(b, tmp);
	*nq = 0;
}

char *lore_fold_body(const char *body)
{
	struct sbuf b = { 0 };
	const char *p = body;
	size_t nq = 0, pending_blank = 0, nsig = 0;
	bool in_sig = false;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (in_sig) {
			/* trailing blank lines are not signature */
			if (blank_line(p, n)) {
				pending_blank++;
			} else {
				nsig += pending_blank + 1;
				pending_blank = 0;
			}
		} else if (is_sig_sep(p, n)) {
			fold_flush(&b, &nq, "quoted");
			if (pending_blank)
				sb_str(&b, "\n");
			pending_blank = 0;
			in_sig = true;
			nsig = 1;
		} else if (is_quoted(p)) {
			/* blank lines between quoted lines join the run */
			nq += pending_blank + 1;
			pending_blank = 0;
		} else if (blank_line(p, n) && nq) {
			pending_blank++;
		} else {
			fold_flush(&b, &nq, "quoted");
			while (pending_blank) {
				sb_str(&b, "\n");
				pending_blank--;
			}
			sb_add(&b, p, n);
			sb_str(&b, "\n");
		}
		p = eol ? eol + 1 : p + n;
	}
	fold_flush(&b, &nq, "quoted");
	fold_flush(&b, &nsig, "signature");
	/* trailing blank lines go */
	while (b.len > 1 && b.s[b.len - 1] == '\n' && b.s[b.len - 2] == '\n')
		b.s[--b.len] = '\0';
	return sb_done(&b);
}

unsigned int lore_body_patch(const char *body, char **syz)
{
	const char *p = body;
	unsigned int kind = 0;
	int stage = 0;	/* 1 after "--- ", 2 after "+++ " */

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (!is_quoted(p)) {
			if (n >= 9 && !strncmp(p, "#syz test", 9)) {
				kind |= LORE_P_SYZ_TEST;
				if (syz && !*syz)
					*syz = strndup(p, n > 512 ? 512 : n);
			}
			if (n >= 11 && !strncmp(p, "diff --git ", 11))
				kind |= LORE_P_DIFF;
			if (stage == 2 && n >= 4 && !strncmp(p, "@@ -", 4))
				kind |= LORE_P_DIFF;
			if (n >= 4 && !strncmp(p, "--- ", 4))
				stage = 1;
			else if (stage == 1 && n >= 4 && !strncmp(p, "+++ ", 4))
				stage = 2;
			else
				stage = 0;
		} else {
			stage = 0;
		}
		p = eol ? eol + 1 : p + n;
	}
	return kind;
}

size_t lore_utf8_cols(const char *s, size_t len)
{
	size_t i, cols = 0;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		cols += s[i] == '\t' ? 8 - cols % 8 : 1;
	}
	return cols;
}

static bool is_tag_line(const char *l, size_t n)
{
	static const char *const tags[] = {
		"Link:", "Closes:", "Fixes:", "Cc:", "Bcc:", "BugLink:",
	};
	const char *colon = memchr(l, ':', n);
	size_t i, tl;

	if (!colon || colon == l || colon + 1 >= l + n || colon[1] != ' ')
		return false;
	for (i = 0; l + i < colon; i++)
		if (!isalnum((unsigned char)l[i]) && l[i] != '-')
			return false;
	tl = colon - l;
	if (tl > 3 && !strncasecmp(colon - 3, "-by", 3))
		return true;
	for (i = 0; i < sizeof(tags) / sizeof(tags[0]); i++)
		if (strlen(tags[i]) == tl + 1 && !strncasecmp(l, tags[i], tl))
			return true;
	return false;
}

/* "[  123.456789]", "[ T1234]", "[12345.6][ C0]": kernel console time */
static bool is_log_line(const char *l, size_t n)
{
	size_t i = 1, d = 0;

	if (!n || l[0] != '[')
		return false;
	while (i < n && l[i] == ' ')
		i++;
	if (i < n && (l[i] == 'T' || l[i] == 'C'))
		i++;
	while (i < n && isdigit((unsigned char)l[i])) {
		i++;
		d++;
	}
	if (i < n && l[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)l[i]))
			i++;
	}
	return d && i < n && l[i] == ']';
}

/*
 * columns: 3+ spaces, 2 not after sentence punctuation, or an aligned
 * label ("window:  100 ms", the first word ending in ':' then 2 spaces)
 */
static bool has_columns(const char *l, size_t n)
{
	size_t i = 0, first_end;

	while (i < n && l[i] == ' ')
		i++;
	first_end = i;
	while (first_end < n && l[first_end] != ' ')
		first_end++;
	for (; i + 1 < n; i++) {
		if (l[i] != ' ' || l[i + 1] != ' ')
			continue;
		if (i + 2 < n && l[i + 2] == ' ')
			return true;
		if (i > 0 && !strchr(".?!:", l[i - 1]))
			return true;
		if (i == first_end && l[i - 1] == ':')
			return true;
	}
	return false;
}

/* a line starting like this would read as a quote or an mbox separator */
static bool bad_line_start(const char *l, size_t n)
{
	return (n && l[0] == '>') || (n >= 5 && !strncmp(l, "From ", 5));
}

static bool is_diff_line(const char *l, size_t n)
{
	return (n >= 5 && !strncmp(l, "diff ", 5)) ||
	       (n >= 4 && (!strncmp(l, "--- ", 4) || !strncmp(l, "+++ ", 4) ||
			   !strncmp(l, "@@ -", 4)));
}

static bool exempt_n(const char *l, size_t n)
{
	if (!n)
		return false;
	if (l[0] == '>' || l[0] == ' ' || l[0] == '\t')
		return true;	/* quoted, indented code */
	if (memchr(l, '\t', n) || !memchr(l, ' ', n))
		return true;	/* tab columns, one unbreakable word */
	return is_log_line(l, n) || is_tag_line(l, n) || has_columns(l, n) ||
	       is_diff_line(l, n);
}

bool lore_line_exempt(const char *line)
{
	const char *eol = strchr(line, '\n');

	return exempt_n(line, eol ? (size_t)(eol - line) : strlen(line));
}

static void wrap_line(struct sbuf *b, const char *l, size_t n, size_t width)
{
	while (lore_utf8_cols(l, n) > width) {
		size_t i, cut = 0, cols = 0;

		/* last space at or before the width */
		for (i = 0; i < n; i++) {
			if (((unsigned char)l[i] & 0xc0) != 0x80)
				cols++;
			if (cols > width + 1)
				break;
			if (l[i] == ' ' && cols <= width + 1 &&
			    !bad_line_start(l + i + 1, n - i - 1))
				cut = i;
		}
		if (!cut) {
			/* a word longer than the width: alone on its line */
			const char *sp = memchr(l, ' ', n);

			if (!sp)
				break;
			cut = sp - l;
		}
		{
			size_t e = cut;

			while (e > 0 && l[e - 1] == ' ')
				e--;
			sb_add(b, l, e);
			sb_str(b, "\n");
		}
		while (cut < n && l[cut] == ' ')
			cut++;
		l += cut;
		n -= cut;
	}
	sb_add(b, l, n);
	sb_str(b, "\n");
}

int lore_wrap(const char *text, size_t width, char **out)
{
	struct sbuf b = { 0 };
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		/* trailing blanks are never wanted, but "-- " is a signature */
		while (n && (p[n - 1] == '\r' || p[n - 1] == ' ') &&
		       !(n == 3 && !memcmp(p, "-- ", 3)))
			n--;
		if (lore_utf8_cols(p, n) <= width || exempt_n(p, n)) {
			sb_add(&b, p, n);
			sb_str(&b, "\n");
		} else {
			wrap_line(&b, p, n, width);
		}
		p = eol ? eol + 1 : p + strlen(p);
	}
	*out = sb_done(&b);
	return *out ? 0 : -ENOMEM;
}

void lore_msg_date(const struct lore_msg *m, char *buf, size_t len)
{
	static const char *const wd[] = {
		"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const mon[] = {
		"Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t t;
	struct tm tm;
	int off = m->tz_min < 0 ? -m->tz_min : m->tz_min;

	if (m->flags & LORE_F_NO_DATE) {
		snprintf(buf, len, "%s", "(no date)");
		return;
	}
	t = (time_t)(m->date + (int64_t)m->tz_min * 60);
	if (!gmtime_r(&t, &tm)) {
		snprintf(buf, len, "%s", "(no date)");
		return;
	}
	snprintf(buf, len, "%s, %d %s %d %02d:%02d:%02d %c%02d%02d",
		 wd[tm.tm_wday % 7], tm.tm_mday, mon[tm.tm_mon % 12],
		 tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 m->tz_min < 0 ? '-' : '+', off / 60 % 100, off % 60);
}
