/* SPDX-License-Identifier: GPL-2.0 */
/*
 * liblore: read a mailing-list thread (an mbox as `b4 mbox` or lore's
 * t.mbox.gz gives it) into messages and a reply tree, for kradar-lore.
 *
 * Reading: the whole input is loaded (gzip detected by its magic and
 * inflated with zlib, both capped at LORE_MAX_INPUT), split at "From "
 * lines, mboxrd-unescaped (">From " loses one '>'), and each message is
 * handed to GMime, which does the MIME work: headers (folded, RFC 2047),
 * multipart, quoted-printable, base64, charsets (converted to UTF-8),
 * CRLF line ends (through its dos2unix filter).
 *
 * Nothing here trusts the input: sizes are checked before allocating,
 * unknown or broken structure is flagged on the message, never fatal.
 * Errors follow libbpf: negative errno returned, constructors return NULL
 * and set errno, with a sentence for the user in the caller's err buffer;
 * lore_mbox__free(NULL) is a no-op.
 */
#ifndef KRADAR_LORE_H
#define KRADAR_LORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LORE_MAX_INPUT		(512UL << 20)	/* bytes, after gunzip */
#define LORE_MAX_MSGS		200000		/* messages per mbox */
#define LORE_WRAP		72		/* columns of a reply body */

/* Per-message anomalies, reported by `summary`. */
enum lore_flag {
	LORE_F_SYNTH_MID	= 1u << 0, /* no Message-ID: one synthesised */
	LORE_F_DUP_MID		= 1u << 1, /* Message-ID seen earlier in input */
	LORE_F_REATTACHED	= 1u << 2, /* parent missing: under ancestor */
	LORE_F_ORPHAN		= 1u << 3, /* parent and ancestors missing */
	LORE_F_CYCLE		= 1u << 4, /* references form a loop: cut */
	LORE_F_CRLF		= 1u << 5, /* CRLF line ends */
	LORE_F_NO_TEXT		= 1u << 6, /* no text/plain part */
	LORE_F_NO_DATE		= 1u << 7, /* Date missing or unparsable */
	LORE_F_BAD_UTF8		= 1u << 8, /* undeclared 8-bit text repaired */
	LORE_F_MBOXRD		= 1u << 9, /* had >From lines unescaped */
};

/* Why a message counts as a patch (may combine). */
enum lore_patch {
	LORE_P_SUBJECT	= 1u << 0,	/* "[PATCH" in Subject */
	LORE_P_DIFF	= 1u << 1,	/* unquoted inline diff in the body */
	LORE_P_SYZ_TEST	= 1u << 2,	/* "#syz test" command */
	LORE_P_ATTACHED	= 1u << 3,	/* diff in a text/x-patch attachment */
};

struct lore_addr {
	char *name;	/* UTF-8 display name, "" when absent */
	char *addr;	/* as written (case kept) */
};

struct lore_msg {
	size_t idx;		/* position in the input, 0-based */
	char *mid;		/* Message-ID without <> */
	char *in_reply_to;	/* first id of In-Reply-To, or NULL */
	char **refs;		/* References, oldest first */
	size_t nr_refs;
	char *subject;		/* decoded UTF-8, "" when absent */
	struct lore_addr from;	/* empty strings when absent */
	struct lore_addr *to, *cc;
	size_t nr_to, nr_cc;
	char *date_hdr;		/* Date header as written, or NULL */
	int64_t date;		/* Unix seconds (valid unless NO_DATE) */
	int tz_min;		/* the Date's UTC offset, minutes */
	char *body;		/* text/plain part, UTF-8, LF line ends */
	char *missing_parent;	/* the referenced parent not in the input */
	char *syz_test;		/* the "#syz test..." line, if any */
	unsigned int flags;	/* enum lore_flag */
	unsigned int patch;	/* enum lore_patch */
	bool is_bot;		/* From syzbot */
	bool is_reply;		/* has In-Reply-To or References */
	bool mail_hdr;		/* has some header only mail has */
	long parent;		/* index into msgs, -1 for a root */
	long ancestor_of_missing; /* REATTACHED: the ancestor chosen */
	long dup_first;		/* DUP_MID: first message with the id, */
				/* -1 on that first message itself */
	int depth;
	size_t *kids;		/* indices, ordered by date then input order */
	size_t nr_kids;
};

struct lore_mbox {
	struct lore_msg *msgs;
	size_t nr;
	size_t nr_roots;
	bool gzipped;
	size_t bytes;		/* input size after gunzip */
	void *priv;		/* Message-ID index */
};

/* Reading. path "-" is stdin. */
struct lore_mbox *lore_mbox__read(const char *path, char *err, size_t errlen);
/* Plain or gzip (by magic) mbox in memory; name is used in messages. */
struct lore_mbox *lore_mbox__from_buf(const void *buf, size_t len,
				      const char *name, char *err,
				      size_t errlen);
/* Plain mbox (or one message) in memory. */
struct lore_mbox *lore_mbox__parse(const void *buf, size_t len,
				   char *err, size_t errlen);
void lore_mbox__free(struct lore_mbox *mb);

/* Message-ID lookup; accepts "<id>" or "id". First occurrence wins. */
long lore_mbox__find(const struct lore_mbox *mb, const char *mid);
/* Root of the tree holding message i. */
size_t lore_mbox__root(const struct lore_mbox *mb, size_t i);
/*
 * Messages of the tree rooted at root, depth-first (children by date),
 * into a newly allocated array; returns the count or negative errno.
 * root == (size_t)-1: every tree, roots in date order.
 */
long lore_mbox__walk(const struct lore_mbox *mb, size_t root, size_t **out);

/* Bodies and text. */
bool lore_addr_is_syzbot(const char *addr);
/* Body with quotes and signature folded to "[... N quoted lines]". */
char *lore_fold_body(const char *body);
/* Patch kinds found in a body (unquoted lines); *syz gets the command. */
unsigned int lore_body_patch(const char *body, char **syz);
/* Message-ID without <> and spaces, newly allocated. */
char *lore_mid_clean(const char *mid);

/* "Mon, 3 Nov 2025 08:12:31 -0800" in the sender's zone. */
void lore_msg_date(const struct lore_msg *m, char *buf, size_t len);

/* Reply formatting. */
bool lore_line_exempt(const char *line);
size_t lore_utf8_cols(const char *s, size_t len);
/* Append text to out, wrapping non-exempt lines at width columns. */
int lore_wrap(const char *text, size_t width, char **out);

/* Decompression, exposed for tests: 0 or negative errno. */
int lore_gunzip(const void *in, size_t inlen, size_t max,
		char **out, size_t *outlen);

#endif /* KRADAR_LORE_H */
