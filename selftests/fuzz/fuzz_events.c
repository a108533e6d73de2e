// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "events": the run directory reader's events.jsonl path
 * (host/rundir/rundir.c): lines cut out of chunks (struct kradar_lines),
 * each parsed and checked by kradar_events__line() (the schema line
 * included), values read the way kradar-report and kradar-compare read
 * them (kradar_json__int/num/str/addr).
 *
 * Input: two chunking bytes (fuzz.h), then the file. It is read twice,
 * in the chosen chunks and in one piece, with a line limit small enough
 * that over-long lines are met, and the harness checks:
 *   - every event handed over has its name, a type that is the name's
 *     (or KRADAR_EVT_UNKNOWN), an object, and t_ns -1 when it has none;
 *   - every number read with kradar_json__num() is finite;
 *   - the counts add up: events and bad lines never exceed the lines,
 *     lines are those the cutter delivered;
 *   - a refused schema line stops the reading with -EPROTONOSUPPORT or
 *     -EPROTO and a message;
 *   - chunking does not matter: both readings give the same counts and
 *     the same events.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "rundir.h"
#include "fuzz.h"

#define FUZZ_LINE_MAX	512	/* bytes: small, so that lines get cut */

struct reading {
	struct kradar_events st;
	struct kradar_lines l;
	uint64_t delivered;	/* lines the cutter handed over */
	uint64_t hash;		/* of the events, in order */
	int err;
};

static void mix(uint64_t *h, uint64_t v)
{
	*h = (*h ^ v) * 0x100000001b3ULL;
}

static void check_values(const json_t *o)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)o, key, v) {
		double d = kradar_json__num(o, key, 0);

		FUZZ_ASSERT(isfinite(d), "\"%s\": %f", key, d);
		(void)kradar_json__int(o, key, 0);
		(void)kradar_json__addr(o, key);
		FUZZ_ASSERT(!kradar_json__str(o, key) == !json_is_string(v),
			    "\"%s\": a string read as another type", key);
	}
}

static int on_event(void *ctx, const struct kradar_event *ev)
{
	struct reading *rd = ctx;

	FUZZ_ASSERT(ev->name && json_is_object(ev->o), "event without name or object");
	FUZZ_ASSERT(ev->type == kradar_event_type__parse(ev->name),
		    "type %d for \"%s\"", ev->type, ev->name);
	FUZZ_ASSERT(ev->type != KRADAR_EVT_SCHEMA, "the schema line handed over");
	FUZZ_ASSERT(ev->record || ev->t_ns == -1, "t_ns %lld without a t_ns key",
		    (long long)ev->t_ns);
	FUZZ_ASSERT(!ev->phase || json_is_string(json_object_get(ev->o, "phase")),
		    "a phase that is not a string");
	check_values(ev->o);
	mix(&rd->hash, ev->type);
	mix(&rd->hash, (uint64_t)ev->t_ns);
	mix(&rd->hash, (uint64_t)ev->cpu);
	mix(&rd->hash, (uint64_t)ev->host_ns);
	return 0;
}

static int on_line(void *ctx, char *line, size_t len)
{
	struct reading *rd = ctx;
	int err;

	FUZZ_ASSERT(len <= FUZZ_LINE_MAX && line[len] == '\0',
		    "line of %zu bytes, limit %d", len, FUZZ_LINE_MAX);
	rd->delivered++;
	err = kradar_events__line(&rd->st, line, len, on_event, rd);
	FUZZ_ASSERT(!err || err == -EPROTONOSUPPORT || err == -EPROTO,
		    "line: %d", err);
	FUZZ_ASSERT(!err || rd->st.err[0], "refused without a message");
	return err;
}

static bool read_all(struct reading *rd, const uint8_t *data, size_t size,
		     bool whole)
{
	struct fuzz_chunks c;
	const uint8_t *body, *chunk;
	size_t len, n;

	memset(rd, 0, sizeof(*rd));
	if (kradar_lines__init(&rd->l, FUZZ_LINE_MAX, false))
		return false;	/* out of memory */
	fuzz_chunks_init(&c, data, size, &body, &len);
	if (whole)
		c.max = 0;
	while (!rd->err && (n = fuzz_chunks_next(&c, &chunk)))
		rd->err = kradar_lines__feed(&rd->l, (const char *)chunk, n, on_line, rd);
	if (!rd->err)
		rd->err = kradar_lines__finish(&rd->l, on_line, rd);
	kradar_lines__fini(&rd->l);
	FUZZ_ASSERT(rd->st.lines == rd->delivered, "%llu lines counted, %llu delivered",
		    (unsigned long long)rd->st.lines, (unsigned long long)rd->delivered);
	FUZZ_ASSERT(rd->st.events + rd->st.bad <= rd->st.lines,
		    "%llu events and %llu bad lines of %llu",
		    (unsigned long long)rd->st.events, (unsigned long long)rd->st.bad,
		    (unsigned long long)rd->st.lines);
	FUZZ_ASSERT(rd->st.unknown <= rd->st.events, "more unknown than events");
	FUZZ_ASSERT(rd->st.schema >= 0 && rd->st.schema <= KRADAR_RUN_SCHEMA,
		    "schema %d accepted", rd->st.schema);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct reading a, b;

	if (!read_all(&a, data, size, false) || !read_all(&b, data, size, true))
		return 0;
	FUZZ_ASSERT(a.err == b.err && a.st.lines == b.st.lines &&
		    a.st.events == b.st.events && a.st.bad == b.st.bad &&
		    a.l.cut == b.l.cut && a.hash == b.hash,
		    "chunked reading: err %d, %llu lines, %llu events, %llu bad; "
		    "one piece: err %d, %llu lines, %llu events, %llu bad",
		    a.err, (unsigned long long)a.st.lines, (unsigned long long)a.st.events,
		    (unsigned long long)a.st.bad, b.err, (unsigned long long)b.st.lines,
		    (unsigned long long)b.st.events, (unsigned long long)b.st.bad);
	return 0;
}
