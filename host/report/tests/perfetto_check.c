// SPDX-License-Identifier: GPL-2.0
/*
 * perfetto-check: validate a Chrome JSON trace as kradar-report writes it
 * for ui.perfetto.dev. A test helper (selftests/test_*report*.sh).
 *
 *   perfetto-check FILE [--expect-counter] [--expect-slice] [--expect-instant]
 *
 * Checks: the document is a JSON object with a "traceEvents" array; every
 * event is an object with "ph" (one of X B E i I C M), "name" (string),
 * "pid" and "tid" (integers) and "ts" (a number >= 0, microseconds); X
 * has "dur" >= 0; C has an "args" object whose values are all numbers;
 * i/I have "s" in g/p/t when present; B/E nest per thread; ts never goes
 * back on a track (pid+tid for slices and instants, pid+name for
 * counters; metadata excluded). --expect-* require at least one event of
 * that kind. Exit: 0 valid, 1 invalid (each problem printed), 2 usage or
 * I/O error.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TRACKS	4096
#define MAX_PROBLEMS	20	/* printed; more are counted */

struct track {
	json_int_t pid, tid;
	char name[128];		/* counters only */
	double last_ts;
	int depth;		/* open B slices */
};

static struct track tracks[MAX_TRACKS];
static int nr_tracks, problems;

static void bad(size_t i, const char *what)
{
	if (++problems <= MAX_PROBLEMS)
		printf("perfetto-check: event %zu: %s\n", i, what);
}

static struct track *track(json_int_t pid, json_int_t tid, const char *counter)
{
	int i;

	for (i = 0; i < nr_tracks; i++)
		if (tracks[i].pid == pid &&
		    (counter ? !strcmp(tracks[i].name, counter) :
			       (!tracks[i].name[0] && tracks[i].tid == tid)))
			return &tracks[i];
	if (nr_tracks == MAX_TRACKS)
		return NULL;
	tracks[nr_tracks].pid = pid;
	tracks[nr_tracks].tid = tid;
	snprintf(tracks[nr_tracks].name, sizeof(tracks[0].name), "%s", counter ? counter : "");
	if (counter && !counter[0])	/* unnamed counter: a name of its own */
		snprintf(tracks[nr_tracks].name, sizeof(tracks[0].name), " ");
	tracks[nr_tracks].last_ts = -1;
	return &tracks[nr_tracks++];
}

int main(int argc, char **argv)
{
	bool want_c = false, want_x = false, want_i = false;
	size_t i, nx = 0, nc = 0, ni = 0, nm = 0, nev;
	const char *path = NULL;
	json_error_t err;
	json_t *doc, *evs;
	int a;

	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--expect-counter"))
			want_c = true;
		else if (!strcmp(argv[a], "--expect-slice"))
			want_x = true;
		else if (!strcmp(argv[a], "--expect-instant"))
			want_i = true;
		else if (!path)
			path = argv[a];
		else
			path = NULL, a = argc;
	}
	if (!path) {
		fprintf(stderr, "usage: perfetto-check FILE [--expect-counter] "
				"[--expect-slice] [--expect-instant]\n");
		return 2;
	}
	doc = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!doc) {
		printf("perfetto-check: %s: not JSON: %s (line %d)\n", path, err.text, err.line);
		return err.line <= 0 && strstr(err.text, "unable to open") ? 2 : 1;
	}
	evs = json_object_get(doc, "traceEvents");
	if (!json_is_object(doc) || !json_is_array(evs)) {
		printf("perfetto-check: %s: no \"traceEvents\" array\n", path);
		json_decref(doc);
		return 1;
	}
	for (i = 0; i < json_array_size(evs); i++) {
		json_t *e = json_array_get(evs, i), *args;
		const char *ph = json_string_value(json_object_get(e, "ph"));
		const char *name = json_string_value(json_object_get(e, "name"));
		json_t *pid = json_object_get(e, "pid"), *tid = json_object_get(e, "tid");
		json_t *ts = json_object_get(e, "ts");
		struct track *t;
		double tsv;

		if (!json_is_object(e)) {
			bad(i, "not an object");
			continue;
		}
		if (!ph || strlen(ph) != 1 || !strchr("XBEiICM", ph[0])) {
			bad(i, "\"ph\" missing or not one of X B E i I C M");
			continue;
		}
		if (!name)
			bad(i, "\"name\" missing or not a string");
		if (!json_is_integer(pid) || !json_is_integer(tid))
			bad(i, "\"pid\"/\"tid\" missing or not integers");
		if (!json_is_number(ts) || json_number_value(ts) < 0) {
			bad(i, "\"ts\" missing, not a number or negative");
			continue;
		}
		tsv = json_number_value(ts);
		if (ph[0] == 'M') {
			nm++;
			continue;
		}
		args = json_object_get(e, "args");
		switch (ph[0]) {
		case 'X': {
			json_t *d = json_object_get(e, "dur");

			nx++;
			if (!json_is_number(d) || json_number_value(d) < 0)
				bad(i, "X event without a \"dur\" >= 0");
			break;
		}
		case 'C': {
			const char *k;
			json_t *v;

			nc++;
			if (!json_is_object(args) || !json_object_size(args)) {
				bad(i, "C event without an \"args\" object");
				break;
			}
			json_object_foreach(args, k, v)
				if (!json_is_number(v))
					bad(i, "C event with a non-numeric value in \"args\"");
			break;
		}
		case 'i':
		case 'I': {
			const char *s = json_string_value(json_object_get(e, "s"));

			ni++;
			if (json_object_get(e, "s") && (!s || strlen(s) != 1 || !strchr("gpt", s[0])))
				bad(i, "instant with \"s\" not g, p or t");
			break;
		}
		default:
			break;
		}
		t = track(json_integer_value(pid), json_integer_value(tid),
			  ph[0] == 'C' ? (name ? name : "") : NULL);
		if (!t) {
			bad(i, "too many tracks for this checker");
			continue;
		}
		if (tsv < t->last_ts)
			bad(i, "ts goes back on its track (events must be ordered per track)");
		t->last_ts = tsv;
		if (ph[0] == 'B')
			t->depth++;
		if (ph[0] == 'E' && --t->depth < 0)
			bad(i, "E without a matching B");
	}
	nev = json_array_size(evs);
	json_decref(doc);
	for (a = 0; a < nr_tracks; a++)
		if (tracks[a].depth > 0)
			bad(nev, "B slices left open at the end");
	if (want_c && !nc)
		bad(nev, "no counter (C) event");
	if (want_x && !nx)
		bad(nev, "no slice (X) event");
	if (want_i && !ni)
		bad(nev, "no instant (i) event");
	if (problems) {
		printf("perfetto-check: %s: %d problem(s)\n", path, problems);
		return 1;
	}
	printf("perfetto-check: %s: ok, %zu events (%zu slices, %zu counters, "
	       "%zu instants, %zu metadata) on %d tracks\n", path,
	       nev, nx, nc, ni, nm, nr_tracks);
	return 0;
}
