// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "serial": the kernel console log parser (host/console/
 * kradar_serial.c) and the syzkaller-compatible title rules it uses
 * (host/console/serial_titles.c: oops matching, call-trace frames, the
 * Rust symbol demangler, title and class).
 *
 * Input: two chunking bytes (fuzz.h), then the log. It is parsed twice,
 * fed in the chosen chunks and in one piece, and the harness checks:
 *   - every string of an event or report is NUL-terminated inside its
 *     array, counts stay in their bounds (frames, alternative titles),
 *     enums are in range, every report has a type;
 *   - positions are sane: line numbers and offsets never go backwards
 *     and stay inside the input;
 *   - memory stays bounded (the parser's own peak count);
 *   - chunking does not matter: both parses give the same events and
 *     reports with the same titles;
 *   - kradar_serial__title_type() classifies every title it produced.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "kradar_serial.h"
#include "fuzz.h"

/* What the limits in kradar_serial.h allow, with a wide margin. */
#define SERIAL_MEM_BOUND	(256UL << 20)

static void check_pos(const struct kradar_serial_pos *pos, size_t len)
{
	FUZZ_ASSERT(pos->offset <= len, "line offset %llu beyond input %zu",
		    (unsigned long long)pos->offset, len);
	FUZZ_ASSERT(pos->line >= 1 && pos->line <= len + 1,
		    "line number %llu for %zu bytes",
		    (unsigned long long)pos->line, len);
	FUZZ_ASSERT(fuzz_terminated(pos->caller, sizeof(pos->caller)),
		    "caller not terminated");
}

static void check(const struct kradar_serial *p, size_t len)
{
	const struct kradar_serial_stats *st = kradar_serial__stats(p);
	size_t ne = kradar_serial__nr_events(p), nr = kradar_serial__nr_reports(p);
	uint64_t prev_line = 0;

	FUZZ_ASSERT(st->bytes == len, "stats bytes %llu, fed %zu",
		    (unsigned long long)st->bytes, len);
	FUZZ_ASSERT(st->mem_peak < SERIAL_MEM_BOUND, "mem_peak %zu",
		    st->mem_peak);
	FUZZ_ASSERT(ne <= KRADAR_SERIAL_MAX_EVENTS, "%zu events", ne);
	FUZZ_ASSERT(nr <= KRADAR_SERIAL_MAX_REPORTS, "%zu reports", nr);
	FUZZ_ASSERT(nr + st->reports_dropped == st->reports_total,
		    "reports %zu + dropped %llu != total %llu", nr,
		    (unsigned long long)st->reports_dropped,
		    (unsigned long long)st->reports_total);
	for (size_t i = 0; i < ne; i++) {
		const struct kradar_serial_event *ev = kradar_serial__event(p, i);

		FUZZ_ASSERT(ev, "event %zu of %zu missing", i, ne);
		FUZZ_ASSERT(ev->kind >= 0 && ev->kind < KRADAR_EV__COUNT,
			    "event kind %d", (int)ev->kind);
		check_pos(&ev->pos, len);
		FUZZ_ASSERT(ev->pos.line >= prev_line,
			    "event lines go back: %llu after %llu",
			    (unsigned long long)ev->pos.line,
			    (unsigned long long)prev_line);
		prev_line = ev->pos.line;
		FUZZ_ASSERT(fuzz_terminated(ev->comm, sizeof(ev->comm)) &&
			    fuzz_terminated(ev->owner_comm, sizeof(ev->owner_comm)) &&
			    fuzz_terminated(ev->flavor, sizeof(ev->flavor)) &&
			    fuzz_terminated(ev->text, sizeof(ev->text)),
			    "event %zu: string not terminated", i);
		FUZZ_ASSERT(strcmp(kradar_serial__event_name(ev->kind), ""),
			    "event kind %d has no name", (int)ev->kind);
	}
	prev_line = 0;
	for (size_t i = 0; i < nr; i++) {
		const struct kradar_serial_report *r = kradar_serial__report(p, i);
		enum kradar_serial_class cls;

		FUZZ_ASSERT(r, "report %zu of %zu missing", i, nr);
		FUZZ_ASSERT(fuzz_terminated(r->title, sizeof(r->title)) &&
			    fuzz_terminated(r->corrupted_reason,
					    sizeof(r->corrupted_reason)) &&
			    fuzz_terminated(r->guilty_frame,
					    sizeof(r->guilty_frame)) &&
			    fuzz_terminated(r->first_line, sizeof(r->first_line)),
			    "report %zu: string not terminated", i);
		FUZZ_ASSERT(r->nr_alt >= 0 && r->nr_alt <= KRADAR_SERIAL_MAX_ALT,
			    "nr_alt %d", r->nr_alt);
		for (int k = 0; k < r->nr_alt; k++)
			FUZZ_ASSERT(fuzz_terminated(r->alt[k], sizeof(r->alt[k])),
				    "alt title %d not terminated", k);
		FUZZ_ASSERT(r->nr_frames >= 0 &&
			    r->nr_frames <= KRADAR_SERIAL_MAX_FRAMES,
			    "nr_frames %d", r->nr_frames);
		for (int k = 0; k < r->nr_frames; k++) {
			const struct kradar_serial_frame *f = &r->frames[k];

			FUZZ_ASSERT(fuzz_terminated(f->func, sizeof(f->func)) &&
				    fuzz_terminated(f->module, sizeof(f->module)),
				    "frame %d: string not terminated", k);
		}
		FUZZ_ASSERT(r->type, "report %zu has no type", i);
		FUZZ_ASSERT(r->cls >= KRADAR_CLASS_UNKNOWN &&
			    r->cls <= KRADAR_CLASS_OTHER, "class %d", (int)r->cls);
		check_pos(&r->start, len);
		FUZZ_ASSERT(r->start.line >= prev_line,
			    "reports out of order: line %llu after %llu",
			    (unsigned long long)r->start.line,
			    (unsigned long long)prev_line);
		prev_line = r->start.line;
		FUZZ_ASSERT(r->end_line >= r->start.line,
			    "report ends at line %llu before it starts (%llu)",
			    (unsigned long long)r->end_line,
			    (unsigned long long)r->start.line);
		FUZZ_ASSERT(kradar_serial__title_type(r->title, &cls) != NULL,
			    "title_type(NULL)");
		FUZZ_ASSERT(kradar_serial__class_name(r->cls) != NULL,
			    "class name NULL");
	}
}

static struct kradar_serial *parse(const uint8_t *data, size_t size,
				   bool whole, size_t *len)
{
	struct kradar_serial *p = kradar_serial__new();
	struct fuzz_chunks c;
	const uint8_t *body, *chunk;
	size_t n;
	int err;

	FUZZ_ASSERT(p || errno == ENOMEM, "kradar_serial__new: errno %d",
		    errno);
	if (!p)
		return NULL;
	fuzz_chunks_init(&c, data, size, &body, len);
	if (whole)
		c.max = 0;
	while ((n = fuzz_chunks_next(&c, &chunk))) {
		err = kradar_serial__feed(p, chunk, n);
		FUZZ_ASSERT(err == 0 || err == -ENOMEM, "feed: %d", err);
		if (err)
			goto fail;
	}
	err = kradar_serial__finish(p);
	FUZZ_ASSERT(err == 0 || err == -ENOMEM, "finish: %d", err);
	if (err)
		goto fail;
	check(p, *len);
	return p;
fail:
	kradar_serial__free(p);
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kradar_serial *a, *b;
	size_t len, ne, nr;

	a = parse(data, size, false, &len);
	b = a ? parse(data, size, true, &len) : NULL;
	if (!a || !b)
		goto out;	/* out of memory */
	ne = kradar_serial__nr_events(a);
	nr = kradar_serial__nr_reports(a);
	FUZZ_ASSERT(ne == kradar_serial__nr_events(b),
		    "chunked parse: %zu events, one piece: %zu", ne,
		    kradar_serial__nr_events(b));
	FUZZ_ASSERT(nr == kradar_serial__nr_reports(b),
		    "chunked parse: %zu reports, one piece: %zu", nr,
		    kradar_serial__nr_reports(b));
	for (size_t i = 0; i < ne; i++) {
		const struct kradar_serial_event *x = kradar_serial__event(a, i);
		const struct kradar_serial_event *y = kradar_serial__event(b, i);

		FUZZ_ASSERT(x->kind == y->kind && x->pos.line == y->pos.line &&
			    x->pos.offset == y->pos.offset &&
			    !strcmp(x->text, y->text),
			    "event %zu differs with chunking: %s line %llu "
			    "\"%s\" vs %s line %llu \"%s\"", i,
			    kradar_serial__event_name(x->kind),
			    (unsigned long long)x->pos.line, x->text,
			    kradar_serial__event_name(y->kind),
			    (unsigned long long)y->pos.line, y->text);
	}
	for (size_t i = 0; i < nr; i++) {
		const struct kradar_serial_report *x = kradar_serial__report(a, i);
		const struct kradar_serial_report *y = kradar_serial__report(b, i);

		FUZZ_ASSERT(!strcmp(x->title, y->title) &&
			    x->start.line == y->start.line &&
			    x->nr_frames == y->nr_frames,
			    "report %zu differs with chunking: \"%s\" (line %llu, "
			    "%d frames) vs \"%s\" (line %llu, %d frames)", i,
			    x->title, (unsigned long long)x->start.line,
			    x->nr_frames, y->title,
			    (unsigned long long)y->start.line, y->nr_frames);
	}
out:
	kradar_serial__free(a);
	kradar_serial__free(b);
	return 0;
}
