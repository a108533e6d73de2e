// SPDX-License-Identifier: GPL-2.0
/*
 * bench-latency: how soon a storm is known, from run directories of
 * tools/kradar-run --scenario taprio-storm.
 *
 * From each run's events.jsonl, the first hrtimer_storm event gives
 *   guest latency = rec_ns - t_ns: from the start of the first window over
 *     the storm rate (the storm began at or after it) to the record being
 *     made, both guest local_clock();
 *   host latency = host_ns - (t_ns + offset): from that start to the
 *     collector receiving the record, where offset maps guest to host
 *     time: the smallest host_ns - t_ns over the run's heartbeats (the
 *     heartbeat that crossed fastest; any transfer delay makes the
 *     difference larger, never smaller);
 *   transfer = host_ns - (rec_ns + offset): record made to received.
 *
 *   bench-latency RUN_DIR...
 * Prints one commentary line per run and result lines: the worst and the
 * median guest latency, the median host latency and transfer.
 * Exit: 0 measured, 1 a run has no storm or no heartbeat, 2 usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "../bench.h"

#define LINE_MAX_BYTES	(1 << 20)

struct run {
	double guest_ms, host_ms, xfer_ms;
};

static int get_i64(json_t *o, const char *key, long long *v)
{
	json_t *x = json_object_get(o, key);

	if (!json_is_integer(x))
		return -1;
	*v = json_integer_value(x);
	return 0;
}

static int one_run(const char *dir, struct run *r)
{
	long long off = 0, s_t = 0, s_rec = 0, s_host = 0;
	int have_off = 0, have_storm = 0;
	char path[4200], *line;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "bench-latency: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	line = malloc(LINE_MAX_BYTES);
	while (line && fgets(line, LINE_MAX_BYTES, f)) {
		json_t *o = json_loads(line, 0, NULL);
		const char *type = json_string_value(json_object_get(o, "type"));
		long long t, h;

		if (!type) {
			json_decref(o);
			continue;
		}
		if (!strcmp(type, "heartbeat") && !get_i64(o, "t_ns", &t) &&
		    !get_i64(o, "host_ns", &h) && (!have_off || h - t < off)) {
			off = h - t;
			have_off = 1;
		}
		if (!strcmp(type, "hrtimer_storm") && !have_storm &&
		    !get_i64(o, "t_ns", &s_t) && !get_i64(o, "rec_ns", &s_rec) &&
		    !get_i64(o, "host_ns", &s_host))
			have_storm = 1;
		json_decref(o);
	}
	free(line);
	fclose(f);
	if (!have_storm || !have_off) {
		fprintf(stderr, "bench-latency: %s: no %s with guest and host times\n",
			path, have_storm ? "heartbeat" : "hrtimer_storm event");
		return -1;
	}
	r->guest_ms = (s_rec - s_t) / 1e6;
	r->host_ms = (s_host - (s_t + off)) / 1e6;
	r->xfer_ms = (s_host - (s_rec + off)) / 1e6;
	printf("# latency: %s: storm window start to record %.1f ms (guest), to the host %.1f ms, transfer %.1f ms\n",
	       dir, r->guest_ms, r->host_ms, r->xfer_ms);
	return 0;
}

int main(int argc, char **argv)
{
	double g[64], h[64], x[64], worst = 0;
	char text[160];
	int i, n = 0, rc = 0;

	if (argc < 2 || argc > 65) {
		fprintf(stderr, "usage: bench-latency RUN_DIR... (at most 64)\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct run r;

		if (one_run(argv[i], &r)) {
			rc = 1;
			continue;
		}
		g[n] = r.guest_ms;
		h[n] = r.host_ms;
		x[n] = r.xfer_ms;
		if (r.guest_ms > worst)
			worst = r.guest_ms;
		n++;
	}
	if (!n) {
		bench_skip("storm_guest_ms_max", "ms", "<200",
			   "no run found the storm");
		return 1;
	}
	snprintf(text, sizeof(text),
		 "storm start to first record, guest time, worst of %d runs", n);
	bench_result("storm_guest_ms_max", worst, "ms", "<200", text);
	snprintf(text, sizeof(text), "same, median of %d runs", n);
	bench_result("storm_guest_ms_median", bench_median(g, n), "ms", "<200",
		     text);
	snprintf(text, sizeof(text),
		 "storm start to record received by the host, median of %d", n);
	bench_result("storm_host_ms_median", bench_median(h, n), "ms", "-",
		     text);
	bench_result("storm_transfer_ms_median", bench_median(x, n), "ms", "-",
		     "record made to received by the host, median");
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
}
