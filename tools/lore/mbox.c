// SPDX-License-Identifier: GPL-2.0
/*
 * Read a thread mbox into struct lore_mbox and build its reply tree.
 *
 * Input: plain or gzip (magic 1f 8b) mbox, or a single RFC 5322 message.
 * The mbox split is done here rather than by GMime's mbox mode because
 * mboxrd (lore's format) needs its ">From " lines unescaped before the
 * MIME parse; everything inside a message is GMime's job.
 *
 * Tree: a message's parent is its In-Reply-To (else the last References
 * id). When that parent is not in the input, the nearest ancestor named
 * in References that is present adopts it (LORE_F_REATTACHED); with none
 * it becomes a root (LORE_F_ORPHAN). Reference loops are cut at their
 * latest message (LORE_F_CYCLE). Cost: one pass plus a hash table.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <zlib.h>

#include "lore.h"

#pragma GCC poison u8 u16 u32 u64

#define READ_CHUNK	(64UL << 10)

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void lore_init_gmime(void)
{
	static bool done;

	if (!done) {
		g_mime_init();
		done = true;
	}
}

int lore_gunzip(const void *in, size_t inlen, size_t max,
		char **out, size_t *outlen)
{
	z_stream z;
	size_t cap = inlen * 4 + 4096, len = 0;
	char *buf;
	int ret, err = 0;

	if (cap > max + 1)
		cap = max + 1;
	buf = malloc(cap + 1);
	if (!buf)
		return -ENOMEM;
	memset(&z, 0, sizeof(z));
	/* 15 window bits + 32: accept gzip and zlib headers */
	if (inflateInit2(&z, 15 + 32) != Z_OK) {
		free(buf);
		return -ENOMEM;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (uInt)inlen;
	for (;;) {
		if (len == cap) {
			char *nb;

			if (cap > max) {
				err = -EFBIG;
				break;
			}
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				err = -ENOMEM;
				break;
			}
			buf = nb;
		}
		z.next_out = (Bytef *)buf + len;
		z.avail_out = (uInt)(cap - len);
		ret = inflate(&z, Z_NO_FLUSH);
		len = cap - z.avail_out;
		if (ret == Z_STREAM_END) {
			/* gzip files may hold several members: go on */
			if (z.avail_in == 0)
				break;
			if (inflateReset(&z) != Z_OK) {
				err = -EINVAL;
				break;
			}
			continue;
		}
		if (ret == Z_BUF_ERROR && z.avail_in == 0) {
			err = -EPIPE;	/* truncated */
			break;
		}
		if (ret != Z_OK && ret != Z_BUF_ERROR) {
			err = -EINVAL;
			break;
		}
	}
	inflateEnd(&z);
	if (!err && len > max)
		err = -EFBIG;
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

static int read_all(int fd, char **out, size_t *outlen)
{
	size_t cap = READ_CHUNK, len = 0;
	char *buf = malloc(cap + 1);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (len == cap) {
			char *nb;

			if (cap > LORE_MAX_INPUT) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			nb = realloc(buf, cap + 1);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}

struct lore_mbox *lore_mbox__from_buf(const void *raw, size_t rawlen,
				      const char *name, char *err,
				      size_t errlen)
{
	const unsigned char *r = raw;
	struct lore_mbox *mb;
	char *plain = NULL;
	size_t plainlen = 0;
	int ret;

	if (rawlen < 2 || r[0] != 0x1f || r[1] != 0x8b) {
		mb = lore_mbox__parse(raw, rawlen, err, errlen);
		ret = errno;
	} else {
		ret = lore_gunzip(raw, rawlen, LORE_MAX_INPUT, &plain,
				  &plainlen);
		if (ret) {
			set_err(err, errlen, "%s: gzip data %s", name,
				ret == -EFBIG ? "inflates past the 512 MiB limit" :
				ret == -EPIPE ? "is truncated (download it again)" :
				ret == -ENOMEM ? "needs more memory than available" :
				"is corrupt (download it again)");
			errno = -ret;
			return NULL;
		}
		mb = lore_mbox__parse(plain, plainlen, err, errlen);
		ret = errno;
		free(plain);
		if (mb)
			mb->gzipped = true;
	}
	if (!mb && err && errlen) {
		/* prefix the input's name to the parser's message */
		char tmp[512];

		snprintf(tmp, sizeof(tmp), "%s", err);
		set_err(err, errlen, "%s: %s", name, tmp);
	}
	errno = ret;
	return mb;
}

struct lore_mbox *lore_mbox__read(const char *path, char *err, size_t errlen)
{
	struct lore_mbox *mb;
	char *raw = NULL;
	size_t rawlen = 0;
	int fd, ret;

	if (!strcmp(path, "-")) {
		fd = STDIN_FILENO;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			ret = -errno;
			set_err(err, errlen, "cannot open %s: %s", path,
				strerror(-ret));
			errno = -ret;
			return NULL;
		}
	}
	ret = read_all(fd, &raw, &rawlen);
	if (fd != STDIN_FILENO)
		close(fd);
	if (ret) {
		set_err(err, errlen, "cannot read %s: %s%s", path,
			strerror(-ret), ret == -EFBIG ?
			" (larger than the 512 MiB limit)" : "");
		errno = -ret;
		return NULL;
	}
	mb = lore_mbox__from_buf(raw, rawlen, strcmp(path, "-") ? path :
				 "standard input", err, errlen);
	ret = errno;
	free(raw);
	errno = ret;
	return mb;
}

/* ---- splitting ------------------------------------------------------ */

static bool is_from_line(const char *p, const char *end)
{
	return end - p >= 5 && !memcmp(p, "From ", 5);
}

/* "From sender Day Mon DD HH:MM:SS YYYY": has a time and ends in digits */
static bool looks_like_from_line(const char *p, const char *eol)
{
	const char *q;
	int digits = 0;

	if (!is_from_line(p, eol) || !memchr(p, ':', eol - p))
		return false;
	for (q = eol; q > p && (q[-1] == '\r' || q[-1] == ' '); q--)
		;
	while (q > p && q[-1] >= '0' && q[-1] <= '9') {
		q--;
		digits++;
	}
	return digits == 4;
}

static bool is_header_line(const char *p, const char *eol)
{
	const char *q;

	for (q = p; q < eol && *q != ':'; q++)
		if ((unsigned char)*q <= ' ' || (unsigned char)*q > '~')
			return false;
	return q < eol && q > p;
}

struct span {
	const char *p;
	size_t len;
};

/* mboxrd: "^>+From " loses one '>' (for mboxo this is the best guess) */
static char *unescape(const char *p, size_t len, size_t *outlen, bool *did)
{
	char *out = malloc(len + 1), *o = out;
	const char *end = p + len;

	if (!out)
		return NULL;
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *q = p;

		eol = eol ? eol + 1 : end;
		while (q < eol && *q == '>')
			q++;
		if (q > p && eol - q >= 5 && !memcmp(q, "From ", 5)) {
			p++;
			*did = true;
		}
		memcpy(o, p, eol - p);
		o += eol - p;
		p = eol;
	}
	*o = '\0';
	*outlen = o - out;
	return out;
}

/* ---- one message through GMime ------------------------------------- */

static char *xstrdup0(const char *s)
{
	return strdup(s ? s : "");
}

static int addr_push(struct lore_addr **v, size_t *n, const char *name,
		     const char *addr)
{
	struct lore_addr *nv;

	if (*n >= 10000)	/* absurd recipient lists are cut */
		return 0;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[*n].name = xstrdup0(name);
	nv[*n].addr = xstrdup0(addr);
	if (!nv[*n].name || !nv[*n].addr)
		return -ENOMEM;
	(*n)++;
	return 0;
}

static int flatten(InternetAddressList *l, struct lore_addr **v, size_t *n,
		   int level)
{
	int i, len, ret;

	if (!l || level > 4)
		return 0;
	len = internet_address_list_length(l);
	for (i = 0; i < len; i++) {
		InternetAddress *ia = internet_address_list_get_address(l, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			ret = addr_push(v, n, internet_address_get_name(ia),
					internet_address_mailbox_get_addr(
						INTERNET_ADDRESS_MAILBOX(ia)));
		} else if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			ret = flatten(internet_address_group_get_members(
					      INTERNET_ADDRESS_GROUP(ia)),
				      v, n, level + 1);
		} else {
			ret = 0;
		}
		if (ret)
			return ret;
	}
	return 0;
}

static bool is_patch_type(GMimeContentType *ct, const char *filename)
{
	size_t fl = filename ? strlen(filename) : 0;

	if (g_mime_content_type_is_type(ct, "text", "x-patch") ||
	    g_mime_content_type_is_type(ct, "text", "x-diff") ||
	    g_mime_content_type_is_type(ct, "text", "diff"))
		return true;
	return (fl > 6 && !strcmp(filename + fl - 6, ".patch")) ||
	       (fl > 5 && !strcmp(filename + fl - 5, ".diff"));
}

/* Decoded text of a part: transfer encoding and charset done by GMime. */
static char *part_text(GMimeTextPart *tp, bool *repaired)
{
	char *t = g_mime_text_part_get_text(tp), *r, *o;
	const char *s;

	if (!t)
		return strdup("");
	if (!g_utf8_validate(t, -1, NULL)) {
		/* undeclared or wrong charset: GMime's 8-bit guess */
		char *d = g_mime_utils_decode_8bit(NULL, t, strlen(t));

		g_free(t);
		t = d;
		*repaired = true;
		if (!t || !g_utf8_validate(t, -1, NULL)) {
			char *v = g_utf8_make_valid(t ? t : "", -1);

			g_free(t);
			t = v;
		}
	}
	/* CR left by base64-encoded CRLF text, NULs: gone */
	r = malloc(strlen(t) + 1);
	if (r) {
		for (s = t, o = r; *s; s++)
			if (!(*s == '\r' && (s[1] == '\n' || !s[1])))
				*o++ = *s;
		*o = '\0';
	}
	g_free(t);
	return r;
}

struct walk_state {
	GMimeTextPart *plain;
	bool html;
	unsigned int attached;
	bool repaired;
	int parts;
};

static void walk_parts(GMimeObject *o, struct walk_state *ws, int level)
{
	GMimeContentType *ct;

	if (!o || level > 16 || ++ws->parts > 1000)
		return;
	ct = g_mime_object_get_content_type(o);
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);
		int i, n = g_mime_multipart_get_count(mp);
		bool alt = ct && g_mime_content_type_is_type(ct, "multipart",
							      "alternative");

		for (i = 0; i < n; i++) {
			GMimeObject *c = g_mime_multipart_get_part(mp, i);
			GMimeContentType *cct = g_mime_object_get_content_type(c);

			/* in an alternative, only text/plain is ours */
			if (alt && GMIME_IS_TEXT_PART(c) && cct &&
			    !g_mime_content_type_is_type(cct, "text", "plain")) {
				ws->html = true;
				continue;
			}
			walk_parts(c, ws, level + 1);
		}
		return;
	}
	if (GMIME_IS_MESSAGE_PART(o) || !GMIME_IS_TEXT_PART(o) || !ct)
		return;	/* forwarded messages, binaries: not the body */
	{
		GMimePart *p = GMIME_PART(o);
		const char *fn = g_mime_part_get_filename(p);
		bool attach = g_mime_part_is_attachment(p);

		if (is_patch_type(ct, fn)) {
			bool rep = false;
			char *t = part_text(GMIME_TEXT_PART(o), &rep);

			if (t && (lore_body_patch(t, NULL) & LORE_P_DIFF))
				ws->attached |= LORE_P_ATTACHED;
			free(t);
			if (attach || ws->plain)
				return;
		}
		if (g_mime_content_type_is_type(ct, "text", "plain") ||
		    is_patch_type(ct, fn)) {
			if (!ws->plain && !attach)
				ws->plain = GMIME_TEXT_PART(o);
		} else if (g_mime_content_type_is_type(ct, "text", "html")) {
			ws->html = true;
		}
	}
}

static char *synth_mid(const char *raw, size_t len)
{
	char *sum = g_compute_checksum_for_data(G_CHECKSUM_SHA256,
						(const guchar *)raw, len);
	char *mid;

	if (!sum)
		return NULL;
	if (asprintf(&mid, "kradar-synth.%.16s@localhost", sum) < 0)
		mid = NULL;
	g_free(sum);
	return mid;
}

static int refs_parse(const char *text, char ***out, size_t *n, size_t max)
{
	GMimeReferences *r;
	int i, len;

	*out = NULL;
	*n = 0;
	if (!text)
		return 0;
	r = g_mime_references_parse(NULL, text);
	if (!r)
		return 0;
	len = g_mime_references_length(r);
	if ((size_t)len > max)
		len = (int)max;
	if (len > 0) {
		*out = calloc(len, sizeof(char *));
		if (!*out) {
			g_mime_references_free(r);
			return -ENOMEM;
		}
	}
	for (i = 0; i < len; i++) {
		(*out)[i] = lore_mid_clean(g_mime_references_get_message_id(r, i));
		if (!(*out)[i]) {
			g_mime_references_free(r);
			return -ENOMEM;
		}
		(*n)++;
	}
	g_mime_references_free(r);
	return 0;
}

static int parse_one(struct lore_msg *m, const char *raw, size_t len,
		     bool mboxrd, char *err, size_t errlen)
{
	GMimeStream *mem, *filt;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *obj;
	GDateTime *dt;
	InternetAddressList *from;
	struct walk_state ws = { 0 };
	const char *h;
	size_t nfrom = 0;
	struct lore_addr *fv = NULL;
	char **irt = NULL;
	size_t nirt = 0;
	int ret = 0;

	if (memmem(raw, len, "\r\n", 2))
		m->flags |= LORE_F_CRLF;
	if (mboxrd)
		m->flags |= LORE_F_MBOXRD;
	mem = g_mime_stream_mem_new_with_buffer(raw, len);
	filt = g_mime_stream_filter_new(mem);
	g_object_unref(mem);
	if (m->flags & LORE_F_CRLF) {
		GMimeFilter *d2u = g_mime_filter_dos2unix_new(FALSE);

		g_mime_stream_filter_add(GMIME_STREAM_FILTER(filt), d2u);
		g_object_unref(d2u);
	}
	parser = g_mime_parser_new_with_stream(filt);
	g_object_unref(filt);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	if (!msg) {
		set_err(err, errlen, "message %zu is not parsable as email",
			m->idx + 1);
		return -EINVAL;
	}
	obj = GMIME_OBJECT(msg);

	{
		static const char *const mailish[] = {
			"From", "Date", "Message-ID", "Subject", "To",
			"In-Reply-To", "References",
		};
		size_t k;

		for (k = 0; k < sizeof(mailish) / sizeof(mailish[0]); k++)
			if (g_mime_object_get_header(obj, mailish[k]))
				m->mail_hdr = true;
	}
	m->subject = xstrdup0(g_mime_message_get_subject(msg));
	h = g_mime_message_get_message_id(msg);
	m->mid = h && *h ? lore_mid_clean(h) : NULL;
	if (m->mid && !*m->mid) {
		free(m->mid);
		m->mid = NULL;
	}
	if (!m->mid) {
		m->mid = synth_mid(raw, len);
		m->flags |= LORE_F_SYNTH_MID;
	}

	from = g_mime_message_get_from(msg);
	ret = flatten(from, &fv, &nfrom, 0);
	if (!ret) {
		m->from.name = xstrdup0(nfrom ? fv[0].name : "");
		m->from.addr = xstrdup0(nfrom ? fv[0].addr : "");
	}
	while (nfrom--) {
		free(fv[nfrom].name);
		free(fv[nfrom].addr);
	}
	free(fv);
	if (!ret)
		ret = flatten(g_mime_message_get_addresses(msg,
				GMIME_ADDRESS_TYPE_TO), &m->to, &m->nr_to, 0);
	if (!ret)
		ret = flatten(g_mime_message_get_addresses(msg,
				GMIME_ADDRESS_TYPE_CC), &m->cc, &m->nr_cc, 0);
	m->is_bot = m->from.addr && lore_addr_is_syzbot(m->from.addr);

	h = g_mime_object_get_header(obj, "Date");
	m->date_hdr = h ? strdup(h) : NULL;
	dt = g_mime_message_get_date(msg);
	if (dt) {
		m->date = g_date_time_to_unix(dt);
		m->tz_min = (int)(g_date_time_get_utc_offset(dt) /
				  G_TIME_SPAN_MINUTE);
	} else {
		m->flags |= LORE_F_NO_DATE;
	}

	if (!ret)
		ret = refs_parse(g_mime_object_get_header(obj, "References"),
				 &m->refs, &m->nr_refs, 1000);
	if (!ret)
		ret = refs_parse(g_mime_object_get_header(obj, "In-Reply-To"),
				 &irt, &nirt, 4);
	if (!ret && nirt) {
		m->in_reply_to = irt[0];
		irt[0] = NULL;
	}
	while (nirt--)
		free(irt[nirt]);
	free(irt);
	m->is_reply = m->in_reply_to || m->nr_refs;

	walk_parts(g_mime_message_get_mime_part(msg), &ws, 0);
	if (!ret) {
		if (ws.plain) {
			m->body = part_text(ws.plain, &ws.repaired);
		} else {
			m->flags |= LORE_F_NO_TEXT;
			m->body = strdup(ws.html ?
				"[no text/plain part: HTML only, not shown]" :
				"[no text part]");
		}
		if (!m->body)
			ret = -ENOMEM;
	}
	if (ws.repaired)
		m->flags |= LORE_F_BAD_UTF8;
	if (!ret) {
		m->patch = ws.attached;
		if (!(m->flags & LORE_F_NO_TEXT))
			m->patch |= lore_body_patch(m->body, &m->syz_test);
		/* syzbot's own mail only quotes the command as help */
		if (m->is_bot) {
			m->patch &= ~LORE_P_SYZ_TEST;
			free(m->syz_test);
			m->syz_test = NULL;
		}
		/* "[PATCH", "[RFC PATCH", "[PATCH v2 net 1/3]"; a "Re:" to one
		 * is a review, not a patch */
		if (g_ascii_strncasecmp(m->subject, "re:", 3) &&
		    (strstr(m->subject, "[PATCH") ||
		     strstr(m->subject, "PATCH ") ||
		     strstr(m->subject, "[patch")) &&
		    strchr(m->subject, '['))
			m->patch |= LORE_P_SUBJECT;
	}
	g_object_unref(msg);
	if (!ret && (!m->subject || !m->mid || !m->from.name || !m->from.addr))
		ret = -ENOMEM;
	if (ret == -ENOMEM)
		set_err(err, errlen, "out of memory");
	return ret;
}

/* ---- the mbox ------------------------------------------------------- */

struct lore_index {
	GHashTable *by_mid;	/* mid -> idx + 1 of first occurrence */
};

static void msg_free(struct lore_msg *m)
{
	size_t i;

	free(m->mid);
	free(m->in_reply_to);
	for (i = 0; i < m->nr_refs; i++)
		free(m->refs[i]);
	free(m->refs);
	free(m->subject);
	free(m->from.name);
	free(m->from.addr);
	for (i = 0; i < m->nr_to; i++) {
		free(m->to[i].name);
		free(m->to[i].addr);
	}
	free(m->to);
	for (i = 0; i < m->nr_cc; i++) {
		free(m->cc[i].name);
		free(m->cc[i].addr);
	}
	free(m->cc);
	free(m->date_hdr);
	free(m->body);
	free(m->missing_parent);
	free(m->syz_test);
	free(m->kids);
}

void lore_mbox__free(struct lore_mbox *mb)
{
	size_t i;

	if (!mb)
		return;
	for (i = 0; i < mb->nr; i++)
		msg_free(&mb->msgs[i]);
	free(mb->msgs);
	if (mb->priv) {
		struct lore_index *ix = mb->priv;

		if (ix->by_mid)
			g_hash_table_destroy(ix->by_mid);
		free(ix);
	}
	free(mb);
}

long lore_mbox__find(const struct lore_mbox *mb, const char *mid)
{
	struct lore_index *ix = mb ? mb->priv : NULL;
	char *clean;
	gpointer v;

	if (!ix || !mid)
		return -1;
	/*
	 * An id as stored (References, In-Reply-To, msgs[].mid) is already
	 * clean, and cleaning is not idempotent ("<<x>" -> "<x" -> "x"):
	 * look it up as it is first.
	 */
	v = g_hash_table_lookup(ix->by_mid, mid);
	if (v)
		return (long)GPOINTER_TO_SIZE(v) - 1;
	clean = lore_mid_clean(mid);
	if (!clean)
		return -1;
	v = g_hash_table_lookup(ix->by_mid, clean);
	free(clean);
	return v ? (long)GPOINTER_TO_SIZE(v) - 1 : -1;
}

size_t lore_mbox__root(const struct lore_mbox *mb, size_t i)
{
	size_t steps = 0;

	while (mb->msgs[i].parent >= 0 && steps++ < mb->nr)
		i = (size_t)mb->msgs[i].parent;
	return i;
}

static int cmp_date_idx(const struct lore_mbox *mb, size_t a, size_t b)
{
	const struct lore_msg *x = &mb->msgs[a], *y = &mb->msgs[b];

	if (x->date != y->date)
		return x->date < y->date ? -1 : 1;
	return a < b ? -1 : a > b;
}

static const struct lore_mbox *sort_mb;

static int cmp_kids(const void *a, const void *b)
{
	return cmp_date_idx(sort_mb, *(const size_t *)a, *(const size_t *)b);
}

/* Cut every reference loop at its latest message. */
static void cut_cycles(struct lore_mbox *mb)
{
	size_t *stamp = calloc(mb->nr, sizeof(*stamp));
	size_t i, j, k;

	if (!stamp)
		return;	/* lore_mbox__root() bounds its walk anyway */
	for (i = 0; i < mb->nr; i++) {
again:
		for (j = i; mb->msgs[j].parent >= 0; j = mb->msgs[j].parent) {
			if (stamp[j] == i + 1) {
				/* j is on a loop: find its latest member */
				size_t best = j;

				for (k = mb->msgs[j].parent; k != j;
				     k = mb->msgs[k].parent)
					if (k > best)
						best = k;
				mb->msgs[best].parent = -1;
				mb->msgs[best].flags |= LORE_F_CYCLE;
				for (k = 0; k < mb->nr; k++)
					if (stamp[k] == i + 1)
						stamp[k] = 0;
				goto again;
			}
			stamp[j] = i + 1;
		}
	}
	free(stamp);
}

static int build_tree(struct lore_mbox *mb)
{
	struct lore_index *ix = mb->priv;
	size_t i, r, *nkids;

	for (i = 0; i < mb->nr; i++) {
		struct lore_msg *m = &mb->msgs[i];
		const char *want = m->in_reply_to;
		long p;

		m->parent = -1;
		m->ancestor_of_missing = -1;
		if (!want && m->nr_refs)
			want = m->refs[m->nr_refs - 1];
		if (!want)
			continue;
		p = lore_mbox__find(mb, want);
		if (p >= 0 && (size_t)p != i) {
			m->parent = p;
			continue;
		}
		if (p == (long)i) {
			m->flags |= LORE_F_CYCLE;	/* replies to itself */
			continue;
		}
		m->missing_parent = strdup(want);
		if (!m->missing_parent)
			return -ENOMEM;
		for (r = m->nr_refs; r-- > 0;) {
			p = lore_mbox__find(mb, m->refs[r]);
			if (p >= 0 && (size_t)p != i)
				break;
		}
		if (r != (size_t)-1) {
			m->parent = p;
			m->ancestor_of_missing = p;
			m->flags |= LORE_F_REATTACHED;
		} else {
			m->flags |= LORE_F_ORPHAN;
		}
	}
	(void)ix;
	cut_cycles(mb);

	nkids = calloc(mb->nr, sizeof(*nkids));
	if (!nkids)
		return -ENOMEM;
	for (i = 0; i < mb->nr; i++)
		if (mb->msgs[i].parent >= 0)
			nkids[mb->msgs[i].parent]++;
	for (i = 0; i < mb->nr; i++) {
		if (nkids[i]) {
			mb->msgs[i].kids = calloc(nkids[i], sizeof(size_t));
			if (!mb->msgs[i].kids) {
				free(nkids);
				return -ENOMEM;
			}
		}
	}
	mb->nr_roots = 0;
	for (i = 0; i < mb->nr; i++) {
		long p = mb->msgs[i].parent;

		if (p < 0) {
			mb->nr_roots++;
			continue;
		}
		mb->msgs[p].kids[mb->msgs[p].nr_kids++] = i;
	}
	free(nkids);
	sort_mb = mb;
	for (i = 0; i < mb->nr; i++)
		if (mb->msgs[i].nr_kids > 1)
			qsort(mb->msgs[i].kids, mb->msgs[i].nr_kids,
			      sizeof(size_t), cmp_kids);
	return 0;
}

long lore_mbox__walk(const struct lore_mbox *mb, size_t root, size_t **out)
{
	size_t *res, *stack, *roots = NULL, nres = 0, sp = 0, nroots = 0, i;

	res = calloc(mb->nr ? mb->nr : 1, sizeof(*res));
	stack = calloc(mb->nr ? mb->nr : 1, sizeof(*stack));
	if (!res || !stack) {
		free(res);
		free(stack);
		return -ENOMEM;
	}
	if (root == (size_t)-1) {
		roots = calloc(mb->nr_roots ? mb->nr_roots : 1, sizeof(*roots));
		if (!roots) {
			free(res);
			free(stack);
			return -ENOMEM;
		}
		for (i = 0; i < mb->nr; i++)
			if (mb->msgs[i].parent < 0 && nroots < mb->nr_roots)
				roots[nroots++] = i;
		sort_mb = mb;
		qsort(roots, nroots, sizeof(size_t), cmp_kids);
		/* push in reverse so the earliest root comes out first */
		for (i = nroots; i-- > 0;)
			stack[sp++] = roots[i];
		free(roots);
	} else if (root < mb->nr) {
		stack[sp++] = root;
	}
	while (sp && nres < mb->nr) {
		const struct lore_msg *m = &mb->msgs[stack[--sp]];

		res[nres++] = m->idx;
		for (i = m->nr_kids; i-- > 0 && sp < mb->nr;)
			stack[sp++] = m->kids[i];
	}
	free(stack);
	*out = res;
	return (long)nres;
}

static void set_depths(struct lore_mbox *mb)
{
	size_t *order, i;
	long n = lore_mbox__walk(mb, (size_t)-1, &order);

	for (i = 0; n > 0 && i < (size_t)n; i++) {
		struct lore_msg *m = &mb->msgs[order[i]];

		m->depth = m->parent >= 0 ? mb->msgs[m->parent].depth + 1 : 0;
	}
	if (n >= 0)
		free(order);
}

struct lore_mbox *lore_mbox__parse(const void *data, size_t len,
				   char *err, size_t errlen)
{
	const char *buf = data, *p = buf, *end = buf + len;
	struct span *spans = NULL;
	size_t nspans = 0, cap = 0, i;
	struct lore_mbox *mb;
	struct lore_index *ix;
	const char *start = NULL;
	bool prev_blank = true;
	int ret = 0;

	lore_init_gmime();
	/* skip leading blank lines */
	while (p < end && (*p == '\n' || *p == '\r'))
		p++;
	if (p == end) {
		set_err(err, errlen, "empty input: no messages (was the download complete?)");
		errno = ENODATA;
		return NULL;
	}
	if (memchr(p, '\0', end - p > 4096 ? 4096 : end - p)) {
		set_err(err, errlen, "not an mbox: binary data (expected text from 'b4 mbox' or lore's t.mbox.gz)");
		errno = EINVAL;
		return NULL;
	}
	{
		const char *eol = memchr(p, '\n', end - p);

		eol = eol ? eol : end;
		if (!is_from_line(p, eol) && !is_header_line(p, eol)) {
			set_err(err, errlen, "not an mbox: the first line is neither a \"From \" separator nor a mail header (expected 'b4 mbox' output or lore's t.mbox.gz)");
			errno = EINVAL;
			return NULL;
		}
		if (!is_from_line(p, eol))
			start = p;	/* a single message, no separator */
	}
	/* split */
	while (p < end) {
		const char *eol = memchr(p, '\n', end - p);
		const char *next;
		bool blank;

		eol = eol ? eol : end;
		next = eol < end ? eol + 1 : end;
		blank = eol == p || (eol == p + 1 && *p == '\r');
		if (is_from_line(p, eol) &&
		    (prev_blank || looks_like_from_line(p, eol))) {
			if (start && p > start) {
				if (nspans == cap) {
					struct span *ns;

					cap = cap ? cap * 2 : 64;
					ns = realloc(spans, cap * sizeof(*ns));
					if (!ns) {
						free(spans);
						errno = ENOMEM;
						set_err(err, errlen, "out of memory");
						return NULL;
					}
					spans = ns;
				}
				spans[nspans].p = start;
				spans[nspans++].len = p - start;
				if (nspans >= LORE_MAX_MSGS)
					break;
			}
			start = next;
		}
		prev_blank = blank;
		p = next;
	}
	if (start && start < end && nspans < LORE_MAX_MSGS) {
		if (nspans == cap) {
			struct span *ns = realloc(spans, (cap + 1) * sizeof(*ns));

			if (!ns) {
				free(spans);
				errno = ENOMEM;
				set_err(err, errlen, "out of memory");
				return NULL;
			}
			spans = ns;
		}
		spans[nspans].p = start;
		spans[nspans++].len = end - start;
	}
	if (!nspans) {
		free(spans);
		set_err(err, errlen, "empty input: \"From \" lines but no message");
		errno = ENODATA;
		return NULL;
	}

	mb = calloc(1, sizeof(*mb));
	ix = calloc(1, sizeof(*ix));
	if (mb)
		mb->msgs = calloc(nspans, sizeof(*mb->msgs));
	if (!mb || !ix || !mb->msgs) {
		free(ix);
		lore_mbox__free(mb);
		free(spans);
		set_err(err, errlen, "out of memory");
		errno = ENOMEM;
		return NULL;
	}
	mb->priv = ix;
	mb->bytes = len;
	ix->by_mid = g_hash_table_new(g_str_hash, g_str_equal);
	for (i = 0; i < nspans && !ret; i++) {
		struct lore_msg *m = &mb->msgs[mb->nr];
		bool did = false;
		size_t ulen;
		char *u = unescape(spans[i].p, spans[i].len, &ulen, &did);
		gpointer first;

		if (!u) {
			ret = -ENOMEM;
			set_err(err, errlen, "out of memory");
			break;
		}
		m->idx = mb->nr;
		ret = parse_one(m, u, ulen, did, err, errlen);
		free(u);
		if (ret == -EINVAL) {
			/* one unparsable message: skip it, keep the rest */
			msg_free(m);
			memset(m, 0, sizeof(*m));
			ret = 0;
			continue;
		}
		mb->nr++;
		if (ret)
			break;
		first = g_hash_table_lookup(ix->by_mid, m->mid);
		m->dup_first = -1;
		if (first) {
			m->flags |= LORE_F_DUP_MID;
			m->dup_first = (long)GPOINTER_TO_SIZE(first) - 1;
			mb->msgs[GPOINTER_TO_SIZE(first) - 1].flags |=
				LORE_F_DUP_MID;
		} else {
			g_hash_table_insert(ix->by_mid, m->mid,
					    GSIZE_TO_POINTER(m->idx + 1));
		}
	}
	free(spans);
	if (!ret && !mb->nr) {
		set_err(err, errlen, "not an mbox: no parsable message");
		ret = -EINVAL;
	}
	/* no message with any mail header: this is not mail */
	for (i = 0; !ret && i < mb->nr && !mb->msgs[i].mail_hdr; i++)
		;
	if (!ret && i == mb->nr) {
		set_err(err, errlen, "not an mbox: no From, Date, Message-ID, Subject or To header found");
		ret = -EINVAL;
	}
	if (!ret)
		ret = build_tree(mb);
	if (ret) {
		if (ret == -ENOMEM)
			set_err(err, errlen, "out of memory");
		lore_mbox__free(mb);
		errno = -ret;
		return NULL;
	}
	set_depths(mb);
	return mb;
}
