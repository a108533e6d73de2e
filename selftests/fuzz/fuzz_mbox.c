// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "mbox": the mailing-list thread reader of kradar-lore
 * (tools/lore/mbox.c: gzip detection and inflation, mbox split, mboxrd
 * unescaping, the MIME parse through GMime, reply tree) and the text
 * helpers run on every body (tools/lore/text.c: quote folding, patch
 * detection, line wrapping, dates).
 *
 * The whole input is one mbox, as lore_mbox__from_buf() gets it from a
 * file. The harness checks:
 *   - a refused input says why: NULL comes with errno and a message;
 *   - an accepted one has 1..LORE_MAX_MSGS messages, each with the
 *     strings the callers print (mid, subject, from, body);
 *   - the reply tree is a forest: parents are in range and never the
 *     message itself, every kid names its parent, depth is parent + 1,
 *     the root of every message is a root, and walking all trees visits
 *     every message exactly once (so reference loops were cut);
 *   - lore_mbox__find() returns a message with the id asked for;
 *   - folding, wrapping and formatting each body and date work.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lore.h"
#include "fuzz.h"

static void check_msg(const struct lore_mbox *mb, size_t i)
{
	const struct lore_msg *m = &mb->msgs[i];
	char date[64], *folded, *wrapped = NULL, *syz = NULL;
	long f;

	FUZZ_ASSERT(m->idx == i, "message %zu has idx %zu", i, m->idx);
	FUZZ_ASSERT(m->mid && m->subject && m->from.name && m->from.addr &&
		    m->body, "message %zu lacks a string", i);
	for (size_t k = 0; k < m->nr_refs; k++)
		FUZZ_ASSERT(m->refs[k], "message %zu: reference %zu NULL", i, k);
	for (size_t k = 0; k < m->nr_to; k++)
		FUZZ_ASSERT(m->to[k].name && m->to[k].addr,
			    "message %zu: To %zu NULL", i, k);
	for (size_t k = 0; k < m->nr_cc; k++)
		FUZZ_ASSERT(m->cc[k].name && m->cc[k].addr,
			    "message %zu: Cc %zu NULL", i, k);

	FUZZ_ASSERT(m->parent >= -1 && m->parent < (long)mb->nr &&
		    m->parent != (long)i, "message %zu: parent %ld of %zu", i,
		    m->parent, mb->nr);
	if (m->parent >= 0) {
		const struct lore_msg *p = &mb->msgs[m->parent];
		bool listed = false;

		for (size_t k = 0; k < p->nr_kids; k++)
			listed |= p->kids[k] == i;
		FUZZ_ASSERT(listed, "message %zu not among the kids of %ld",
			    i, m->parent);
		FUZZ_ASSERT(m->depth == p->depth + 1,
			    "message %zu: depth %d, parent's %d", i, m->depth,
			    p->depth);
	} else {
		FUZZ_ASSERT(m->depth == 0, "root %zu has depth %d", i,
			    m->depth);
	}
	for (size_t k = 0; k < m->nr_kids; k++)
		FUZZ_ASSERT(m->kids[k] < mb->nr &&
			    mb->msgs[m->kids[k]].parent == (long)i,
			    "message %zu: kid %zu is not its child", i,
			    m->kids[k]);
	FUZZ_ASSERT(mb->msgs[lore_mbox__root(mb, i)].parent < 0,
		    "root of %zu has a parent", i);
	FUZZ_ASSERT(m->dup_first < (long)i, "message %zu: dup_first %ld", i,
		    m->dup_first);

	f = lore_mbox__find(mb, m->mid);
	FUZZ_ASSERT(f >= 0 && f < (long)mb->nr &&
		    !strcmp(mb->msgs[f].mid, m->mid),
		    "find(\"%s\") gave %ld", m->mid, f);

	lore_msg_date(m, date, sizeof(date));
	FUZZ_ASSERT(fuzz_terminated(date, sizeof(date)), "date");
	folded = lore_fold_body(m->body);
	if (folded && lore_wrap(folded, LORE_WRAP, &wrapped) == 0)
		free(wrapped);
	free(folded);
	(void)lore_body_patch(m->body, &syz);
	free(syz);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct lore_mbox *mb;
	size_t *order = NULL, roots = 0;
	long n;

	errno = 0;
	mb = lore_mbox__from_buf(data, size, "fuzz input", err, sizeof(err));
	if (!mb) {
		FUZZ_ASSERT(errno != 0, "refused without errno (%s)", err);
		FUZZ_ASSERT(err[0], "refused without a message (errno %d)",
			    errno);
		return 0;
	}
	FUZZ_ASSERT(mb->nr >= 1 && mb->nr <= LORE_MAX_MSGS, "%zu messages",
		    mb->nr);
	for (size_t i = 0; i < mb->nr; i++) {
		check_msg(mb, i);
		roots += mb->msgs[i].parent < 0;
	}
	FUZZ_ASSERT(roots == mb->nr_roots, "%zu roots, nr_roots %zu", roots,
		    mb->nr_roots);

	n = lore_mbox__walk(mb, (size_t)-1, &order);
	if (n >= 0) {
		bool *seen = calloc(mb->nr, sizeof(*seen));

		FUZZ_ASSERT((size_t)n == mb->nr,
			    "walking all trees visits %ld of %zu messages", n,
			    mb->nr);
		for (long k = 0; seen && k < n; k++) {
			FUZZ_ASSERT(order[k] < mb->nr && !seen[order[k]],
				    "walk visits %zu twice", order[k]);
			seen[order[k]] = true;
		}
		free(seen);
		free(order);
	}
	n = lore_mbox__walk(mb, 0, &order);
	if (n >= 0) {
		FUZZ_ASSERT(n >= 1 && (size_t)n <= mb->nr,
			    "walk of message 0: %ld", n);
		free(order);
	}
	lore_mbox__free(mb);
	return 0;
}
