// SPDX-License-Identifier: GPL-2.0
/*
 * End-to-end tests of the kradar-collect binary: --input on generated
 * streams (storm, clean, hostile, stdin), usage and environment errors,
 * a write error, --vport against a unix socket server made here that
 * serves a stream over several connections (the collector must wait for
 * the socket, reconnect, keep stream.bin byte-identical and reproduce the
 * same record events offline), and the committed corpus.
 *
 * Waits are for conditions, each with a timeout (WAIT_MS).
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kradar_enc.h"
#include "kradar_run_schema.h"
#include "tap.h"
#include "collect_run.h"

#ifndef KRADAR_CORPUS_DIR
#define KRADAR_CORPUS_DIR "selftests/corpus/stream"
#endif

static char tmpdir[] = "/tmp/kradar-test-collect.XXXXXX";

/* ---- helpers --------------------------------------------------------- */

static char *path_of(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

static int write_file(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return -1;
	if (fwrite(p, 1, len, f) != len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static long file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) < 0 ? -1 : (long)sb.st_size;
}

/*
 * Start the collector with argv (NULL-terminated, without argv[0]);
 * stdin from stdin_fd (or /dev/null), stderr to err_path.
 */
static void show_file(const char *path)
{
	char *s = kradar_file_read(path, 0, NULL);

	if (!s)
		return;
	for (char *line = strtok(s, "\n"); line; line = strtok(NULL, "\n"))
		printf("#     | %s\n", line);
	free(s);
}

/* ---- a small JSON validator: each events.jsonl line must parse ------- */

static const char *j_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static const char *j_value(const char *p, int depth);

static const char *j_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	while (*p != '"') {
		unsigned char c = *p;

		if (c < 0x20)
			return NULL;	/* raw control character */
		if (c == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
						return NULL;
				p += 5;
				continue;
			}
			if (!*p || !strchr("\"\\/bfnrt", *p))
				return NULL;
		}
		p++;
	}
	return p + 1;
}

static const char *j_number(const char *p)
{
	const char *s = p;

	if (*p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return NULL;
	while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' ||
	       *p == 'E' || *p == '+' || *p == '-')
		p++;
	return p > s ? p : NULL;
}

static const char *j_value(const char *p, int depth)
{
	p = j_ws(p);
	if (depth > 32)
		return NULL;
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = j_ws(p + 1);
		if (*p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = j_string(j_ws(p));
				if (!p)
					return NULL;
				p = j_ws(p);
				if (*p++ != ':')
					return NULL;
			}
			p = j_value(p, depth + 1);
			if (!p)
				return NULL;
			p = j_ws(p);
			if (*p == close)
				return p + 1;
			if (*p++ != ',')
				return NULL;
		}
	}
	if (*p == '"')
		return j_string(p);
	if (!strncmp(p, "true", 4))
		return p + 4;
	if (!strncmp(p, "false", 5))
		return p + 5;
	if (!strncmp(p, "null", 4))
		return p + 4;
	return j_number(p);
}

static bool json_line_ok(const char *line)
{
	const char *end = j_value(line, 0);

	return end && *j_ws(end) == '\0' && line[0] == '{';
}

/* Checks every line of events.jsonl; returns lines, -1 if unreadable */
static long check_jsonl(const char *path)
{
	char *s = kradar_file_read(path, 0, NULL);
	long n = 0, bad = 0;

	if (!s)
		return -1;
	for (char *save, *line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		n++;
		if (!json_line_ok(line) && bad++ < 3)
			printf("#   line %ld is not valid JSON: %.200s\n", n, line);
	}
	free(s);
	CHECK_EQ(bad, 0, "events.jsonl lines that are not JSON");
	return n;
}

/* Number of lines containing all of the NULL-terminated needles */
static int count_lines(const char *path, const char *const *needles)
{
	char *s = kradar_file_read(path, 0, NULL);
	int n = 0;

	if (!s)
		return -1;
	for (char *save, *line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		bool all = true;

		for (const char *const *k = needles; *k; k++)
			if (!strstr(line, *k))
				all = false;
		n += all;
	}
	free(s);
	return n;
}

#define COUNT_LINES(path, ...) \
	count_lines(path, (const char *const[]){ __VA_ARGS__, NULL })

static bool file_has(const char *path, const char *needle)
{
	char *s = kradar_file_read(path, 0, NULL);
	bool r = s && strstr(s, needle);

	free(s);
	return r;
}

#define CHECK_HAS(path, needle) do {					\
	if (!file_has(path, needle)) {					\
		CHECK(0, "%s lacks \"%s\"; it has:", path, needle);	\
		show_file(path);					\
	}								\
} while (0)

static int gen_to(const char *name, int (*gen)(struct kenc *), struct kenc *out)
{
	struct kenc e;
	int r;

	if (kenc_init(&e) || gen(&e))
		abort();
	r = write_file(path_of(name), e.buf, e.len);
	if (out)
		*out = e;
	else
		kenc_free(&e);
	return r;
}

static bool wait_lines(const char *path, const char *needle, int n);

/* ---- tests ------------------------------------------------------------ */

static void test_input_storm(void)
{
	const char *out = path_of("storm");
	char rate[64], t_ns[64], head[256];
	int rc;

	CHECK_EQ(gen_to("storm.bin", kenc_gen_storm, NULL), 0, "write stream");
	rc = run((const char *[]){ "--input", path_of("storm.bin"), "--out", out,
				   NULL }, path_of("storm.err"));
	CHECK_EQ(rc, 1, "exit code with a storm");
	if (rc != 1)
		show_file(path_of("storm.err"));
	char *ev = path_of("storm/events.jsonl");
	char *sum = path_of("storm/summary.txt");

	check_jsonl(ev);
	snprintf(rate, sizeof(rate), "\"rate_per_s\":%d,", KENC_STORM_RATE);
	snprintf(t_ns, sizeof(t_ns), "\"t_ns\":%llu,",
		 (unsigned long long)KENC_STORM_BEGIN_NS);
	snprintf(head, sizeof(head),
		 "{\"type\":\"hrtimer_storm\",\"cpu\":1,\"function\":\""
		 KENC_STORM_NAME "\",%s\"late_pct\":98.0,%s\"host_ns\":null,",
		 rate, t_ns);
	CHECK_EQ(COUNT_LINES(ev, head), 1, "hrtimer_storm lines with the documented head");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hrtimer_storm\",", "\"cpu\":1,",
			     "\"function\":\"" KENC_STORM_NAME "\"", rate,
			     "\"late_pct\":98.0,", t_ns, "\"late_max_ns\":2500005",
			     "\"threshold_per_s\":50000", "\"host_ns\":null"),
		 1, "hrtimer_storm lines with cpu, function, rate, late_pct");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hrtimer_storm_end\",",
			     "\"duration_ns\":1000000000,"),
		 1, "hrtimer_storm_end lines");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"lost\",", "\"cause\":\"buffer_full\"",
			     "\"records\":3,"), 1, "lost lines");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"stream_loss\",", "\"kind\":\"seq_gap\"",
			     "\"cpu\":0,", "\"records\":2"), 1, "seq_gap lines");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hrtimer_window\","), 40,
		 "hrtimer_window lines");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"heartbeat\","), 20, "heartbeat lines");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hello\","), 2, "hello lines");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"summary\",", "\"exit_code\":1}"), 1,
		 "summary line");

	CHECK_HAS(sum, "guest kernel 6.12.0-kradar, 2 CPUs");
	CHECK_HAS(sum, "hrtimer storms: 1\n");
	CHECK_EQ(COUNT_LINES(sum, "     1  " KENC_STORM_NAME, "[   57.617360]",
			     "1.000 s", "250000", "98.0%", "2.500 ms"), 1,
		 "storm table row");
	CHECK_EQ(COUNT_LINES(sum, "buffer_full", " 3 records", " 528 bytes"), 1,
		 "buffer_full loss line");
	CHECK_EQ(COUNT_LINES(sum, "sequence gaps:", " 4 records missing in 3 gaps"),
		 1, "sequence gap line");
	CHECK_EQ(COUNT_LINES(sum, "of which dropped by the guest:", " 3"), 1,
		 "gaps explained by the guest");
	CHECK_EQ(COUNT_LINES(sum, "lost between guest and host:", " 1"), 1,
		 "gaps lost in transit");
	CHECK_EQ(COUNT_LINES(sum, "bytes skipped by resync:", " 0 in 0 runs"), 1,
		 "skipped line");
	CHECK_EQ(COUNT_LINES(sum, "stream bytes:", "0 skipped + 0 truncated"), 1,
		 "byte accounting line");
	CHECK_EQ(COUNT_LINES(sum, "verdict: hrtimer storm: " KENC_STORM_NAME
			     " on CPU 1", "3 records dropped by the guest",
			     "1 records lost between guest and host"), 1,
		 "verdict line");
	CHECK_HAS(path_of("storm.err"), "evidence:");
	CHECK(file_size(path_of("storm/stream.bin")) < 0,
	      "stream.bin written for a file input");
}

/*
 * A storm that never ends: BEGIN at 113758/s, then updates (BEGIN with
 * RESENT) as it grows to 1.54M/s, no END. The summary, the JSON and the
 * verdict give the real peak, and one storm, not three.
 */
static int gen_storm_updates(struct kenc *e)
{
	struct kenc_storm s = {
		.function = KENC_STORM_FUNC,
		.name = KENC_STORM_NAME,
		.begin_ns = 5000000000ULL,
		.rate_per_s = 113758,
		.peak_rate_per_s = 113758,
		.count = 11375,
		.late = 11375,
		.late_sum_ns = 11375ULL * 1000,
		.late_max_ns = 1000000,
		.threshold_per_s = 50000,
	};
	uint64_t t;

	kenc_hello(e, 0x5151, 2, 0, "7.2.13+deb14-cloud-amd64");
	for (t = 4900000000ULL; t < 8000000000ULL; t += 100000000ULL) {
		struct kenc_entry ent = {
			.function = KENC_STORM_FUNC, .name = KENC_STORM_NAME,
			.count = t < 5000000000ULL ? 10 :
				 t < 6000000000ULL ? 11375 : 154000,
		};

		e->ts = t + 100000000ULL;
		kenc_window(e, 1, t, t + 100000000ULL, 0, &ent, 1);
		if (t == 5000000000ULL) {
			kenc_storm(e, KRADAR_REC_STORM_BEGIN, 1, &s);
		} else if (t == 6000000000ULL || t == 7000000000ULL) {
			s.end_ns = t + 100000000ULL;
			s.rate_per_s = 1540000;
			s.peak_rate_per_s = 1540000;
			s.count += t == 6000000000ULL ? 160000 : 1540000;
			s.late = s.count;
			s.late_max_ns = t == 6000000000ULL ? 2000000 : 3414000;
			kenc_storm_flags(e, KRADAR_REC_STORM_BEGIN,
					 KRADAR_RECF_RESENT, 1, &s);
		}
		kenc_heartbeat(e, t / 100000000ULL, 0);
	}
	return 0;
}

static void test_input_storm_updates(void)
{
	const char *out = path_of("updates");
	char *ev = path_of("updates/events.jsonl");
	char *sum = path_of("updates/summary.txt");
	int rc;

	CHECK_EQ(gen_to("updates.bin", gen_storm_updates, NULL), 0,
		 "write stream");
	rc = run((const char *[]){ "--input", path_of("updates.bin"), "--out",
				   out, NULL }, path_of("updates.err"));
	CHECK_EQ(rc, 1, "exit code with a storm");
	if (rc != 1)
		show_file(path_of("updates.err"));
	check_jsonl(ev);
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hrtimer_storm\","), 1,
		 "one hrtimer_storm line");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hrtimer_storm_update\",",
			     "\"rate_per_s\":1540000,",
			     "\"peak_rate_per_s\":1540000,"), 2,
		 "hrtimer_storm_update lines with the new peak");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"hrtimer_storm_update\",",
			     "\"t_ns\":7100000000,", "\"begin_ns\":5000000000,",
			     "\"duration_ns\":2100000000,"), 1,
		 "the last update's times");
	CHECK_HAS(sum, "hrtimer storms: 1\n");
	CHECK_EQ(COUNT_LINES(sum, "1  " KENC_STORM_NAME, "[    5.000000]",
			     ">=3.000 s", "1540000", "3.414 ms"), 1,
		 "storm table row: the real peak, lasting to the last record");
	CHECK_EQ(COUNT_LINES(sum, "113758"), 0,
		 "the BEGIN's peak is not reported");
	CHECK_EQ(COUNT_LINES(sum, "verdict: hrtimer storm: " KENC_STORM_NAME,
			     "peak 1540000/s"), 1, "verdict gives the real peak");
}

static void test_input_clean(void)
{
	const char *out = path_of("clean");
	int rc;

	CHECK_EQ(gen_to("clean.bin", kenc_gen_clean, NULL), 0, "write stream");
	rc = run((const char *[]){ "--input", path_of("clean.bin"), "--out", out,
				   "--quiet", NULL }, path_of("clean.err"));
	CHECK_EQ(rc, 0, "exit code, no storm, no loss");
	check_jsonl(path_of("clean/events.jsonl"));
	CHECK_EQ(COUNT_LINES(path_of("clean/events.jsonl"), "hrtimer_storm"), 0,
		 "storm lines");
	CHECK_HAS(path_of("clean/summary.txt"), "hrtimer storms: 0\n  no storm\n");
	CHECK_HAS(path_of("clean/summary.txt"),
		  "verdict: no hrtimer storm, stuck CPU, RCU gap, long lock wait or hung task in 2.000 s of guest time; stream complete");
	CHECK_EQ(file_size(path_of("clean.err")), 0, "stderr bytes with --quiet");
}

/*
 * events.jsonl begins with the schema line (include/kradar_run_schema.h),
 * once: a reader learns the version before any event.
 */
static void test_schema_line(void)
{
	const char *ev = path_of("schema/events.jsonl");
	char head[128], *s;

	CHECK_EQ(gen_to("schema.bin", kenc_gen_clean, NULL), 0, "write stream");
	CHECK_EQ(run((const char *[]){ "--input", path_of("schema.bin"), "--out",
				       path_of("schema"), "--quiet", NULL },
		     path_of("schema.err")), 0, "exit code");
	check_jsonl(ev);
	snprintf(head, sizeof(head),
		 "{\"type\":\"schema\",\"schema\":%d,\"writer\":\"kradar-collect\","
		 "\"kradar_version\":\"", KRADAR_RUN_SCHEMA);
	s = kradar_file_read(ev, 0, NULL);
	CHECK(s && !strncmp(s, head, strlen(head)),
	      "first line is not the schema line: %.120s", s ? s : "(unreadable)");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"schema\","), 1, "schema lines");
	free(s);
}

/* No probe record at all (the guest never loaded the probe): inconclusive,
 * not "nothing found" */
static void test_input_no_data(void)
{
	int rc;

	CHECK_EQ(write_file(path_of("empty.bin"), "", 0), 0, "write stream");
	rc = run((const char *[]){ "--input", path_of("empty.bin"), "--out",
				   path_of("empty"), "--quiet", NULL },
		 path_of("empty.err"));
	CHECK_EQ(rc, 3, "exit code with no probe record (no data)");
	CHECK_HAS(path_of("empty/summary.txt"),
		  "verdict: no kradar records decoded from 0 bytes: no probe data, nothing to judge");
	CHECK_EQ(COUNT_LINES(path_of("empty/events.jsonl"), "{\"type\":\"summary\",",
			     "\"exit_code\":3}"), 1, "summary line with exit_code 3");
}

static void test_input_hostile(void)
{
	size_t len;
	char *s;
	int rc, ctl = 0;

	CHECK_EQ(gen_to("hostile.bin", kenc_gen_hostile, NULL), 0, "write stream");
	rc = run((const char *[]){ "--input", path_of("hostile.bin"), "--out",
				   path_of("hostile"), NULL }, path_of("hostile.err"));
	CHECK_EQ(rc, 1, "exit code (a storm among the garbage)");
	check_jsonl(path_of("hostile/events.jsonl"));
	CHECK_EQ(COUNT_LINES(path_of("hostile/events.jsonl"), "\"kind\":\"malformed\""),
		 6, "malformed lines");
	CHECK_EQ(COUNT_LINES(path_of("hostile/events.jsonl"), "\"kind\":\"truncated\"",
			     "\"bytes\":72"), 1, "truncated line");
	CHECK_EQ(COUNT_LINES(path_of("hostile/events.jsonl"), "unknown_record",
			     "\"record_type\":42"), 1, "unknown_record line");
	/* no escape sequences or stray control bytes reach text outputs */
	for (int f = 0; f < 2; f++) {
		s = kradar_file_read(f ? path_of("hostile.err") :
			      path_of("hostile/summary.txt"), 0, &len);
		for (size_t i = 0; s && i < len; i++)
			if (((unsigned char)s[i] < 0x20 && s[i] != '\n') ||
			    s[i] == 0x7f)
				ctl++;
		free(s);
	}
	CHECK_EQ(ctl, 0, "control bytes in summary.txt and stderr");
	CHECK_HAS(path_of("hostile/summary.txt"), "\\x1b[31mred");
	CHECK_HAS(path_of("hostile/summary.txt"),
		  "stream bytes:                    1527 = 1440 in records + 15 skipped + 72 truncated");
}

/* LOCK records of the vhost scenario: the lock named with its device */
static void test_input_vhost(void)
{
	const char *ev = path_of("vhost/events.jsonl");
	const char *sum = path_of("vhost/summary.txt");
	int rc;

	CHECK_EQ(gen_to("vhost.bin", kenc_gen_vhost, NULL), 0, "write stream");
	rc = run((const char *[]){ "--input", path_of("vhost.bin"), "--out",
				   path_of("vhost"), "--quiet", NULL },
		 path_of("vhost.err"));
	CHECK_EQ(rc, 1, "exit code (findings, malformed records)");
	check_jsonl(ev);
	CHECK_EQ(COUNT_LINES(ev, "\"lock\":\"kradar_test_mutex [kradar_test_mutex]\"",
			     "\"waiters\":[{\"pid\":81,"),
		 1, "first-layout LOCK keeps its name and waiters");
	CHECK_EQ(COUNT_LINES(ev, "\"type\":\"lock_contention\"", "\"vhost\":{"),
		 5, "lock_contention lines with a vhost object");
	CHECK_EQ(COUNT_LINES(ev, "\"phase\":\"begin\"",
			     "\"lock\":\"vq->mutex (vq 1 of vhost-net dev 1, owner kradar-vhost pid 111)\"",
			     "\"vhost\":{\"kind\":\"vhost-net\",\"dev\":1,\"what\":\"vq->mutex\",\"vq\":1,\"offset\":8,\"owner_pid\":111,\"owner_comm\":\"kradar-vhost\",\"worker_pid\":112}",
			     "\"holder_comm\":\"vhost-111\"", "\"holder_state\":\"S\""),
		 1, "vq->mutex begin: label and vhost object");
	CHECK_EQ(COUNT_LINES(ev, "\"phase\":\"end\"",
			     "\"lock\":\"vq->mutex (vq 1 of vhost-net dev 1, owner kradar-vhost pid 111)\""),
		 1, "vq->mutex end");
	CHECK_EQ(COUNT_LINES(ev, "\"lock\":\"dev->mutex (vhost-net dev 1, owner kradar-vhost pid 111)\"",
			     "\"what\":\"dev->mutex\",\"offset\""),
		 1, "dev->mutex: no vq index");
	CHECK_EQ(COUNT_LINES(ev, "\"lock\":\"vq 1 of vhost-net dev 1 +0x48\"",
			     "\"owner_pid\":null",
			     "\"vhost_worker_killed\":{\"pid\":82,\"since_ns\":2900000000}"),
		 1, "lock by offset, waiter in vhost_worker_killed()");
	/* impossible vhost fields: the guest's name, no vhost object */
	CHECK_EQ(COUNT_LINES(ev, "\"type\":\"lock_contention\"", "\"lock\":\"0xffff888005000000\"",
			     "\"waiter_stack\":[\"__mutex_lock.constprop.0+0x16c/0x4d0\",\"kradar_waiter+0x2a/0x50 [kradar_test_mutex]\"],\"t_ns\""),
		 1, "what 7: plain name, no vhost object");
	CHECK_EQ(COUNT_LINES(ev, "\"type\":\"lock_contention\"", "\"lock\":\"0xffff888006000000\"",
			     "],\"t_ns\""),
		 1, "device 0: plain name, no vhost object");
	CHECK_EQ(COUNT_LINES(ev, "vhost_worker_killed\":{\"pid\":0"), 0, "killed pid 0 not shown");
	CHECK_EQ(COUNT_LINES(ev, "\"kind\":\"malformed\"", "\"fields\":\"vhost\""),
		 2, "malformed vhost lines");
	CHECK_EQ(COUNT_LINES(ev, "\"kind\":\"malformed\"", "\"fields\":\"nr_entries,vhost\""),
		 2, "fixed_size lies: malformed, arrays and vhost fields dropped");
	CHECK_EQ(COUNT_LINES(ev, "\"lock\":\"0xffff888007000000\"", "\"waiters\":[],"),
		 1, "fixed_size beyond the record: no waiters decoded");
	CHECK_EQ(COUNT_LINES(ev, "\"type\":\"lock_contention\"",
			     "\"lock\":\"vq->mutex (vq 1 of KKKKKKKKKKKKKKK dev 1, owner OOOOOOOOOOOOOOO pid 5)\""),
		 1, "unterminated kind and comm cut at 15");
	CHECK_HAS(sum, "vq->mutex (vq 1 of vhost-net dev 1, owner kradar-vhost pid 111) waited for 3.0 s, held >= 1.1 s by vhost-111 (pid 112, state S");
	CHECK_HAS(sum, "(pid 82 in vhost_worker_killed())");
}

static void test_input_stdin(void)
{
	struct kenc e;
	int fds[2], rc;
	pid_t pid;
	size_t len;
	char *s;

	/* close-on-exec: the collector must not hold the write end */
	if (kenc_init(&e) || kenc_gen_storm(&e) || pipe2(fds, O_CLOEXEC))
		abort();
	pid = spawn((const char *[]){ "--input", "-", "--out", path_of("stdin"),
				      "--quiet", NULL }, fds[0], path_of("stdin.err"));
	close(fds[0]);
	CHECK_EQ(write(fds[1], e.buf, e.len), e.len, "bytes written to stdin");
	close(fds[1]);
	rc = wait_exit(pid);
	CHECK_EQ(rc, 1, "exit code");
	s = kradar_file_read(path_of("stdin/stream.bin"), 0, &len);
	CHECK(s && len == e.len && !memcmp(s, e.buf, len),
	      "stream.bin is the input: %zu bytes, expected %zu", s ? len : 0,
	      e.len);
	free(s);
	CHECK_EQ(COUNT_LINES(path_of("stdin/events.jsonl"), "\"type\":\"hrtimer_storm\""),
		 1, "storm lines");
	kenc_free(&e);
}

/* SIGTERM while reading stdin: outputs finished, the partial record counted */
static void test_input_signal(void)
{
	char ev[512], sum[512], line[128];
	struct kenc e;
	int fds[2], rc;
	size_t part;
	pid_t pid;

	if (kenc_init(&e) || kenc_gen_storm(&e) || pipe2(fds, O_CLOEXEC))
		abort();
	part = e.off[3] + 40;	/* three records and 40 bytes of the fourth */
	snprintf(ev, sizeof(ev), "%s", path_of("sig/events.jsonl"));
	snprintf(sum, sizeof(sum), "%s", path_of("sig/summary.txt"));
	pid = spawn((const char *[]){ "--input", "-", "--out", path_of("sig"),
				      NULL }, fds[0], path_of("sig.err"));
	close(fds[0]);
	CHECK_EQ(write(fds[1], e.buf, part), part, "bytes written to stdin");
	CHECK(wait_lines(ev, "{\"type\":\"hrtimer_window\"", 1),
	      "records not decoded before the signal");
	kill(pid, SIGTERM);
	rc = wait_exit(pid);
	close(fds[1]);
	CHECK_EQ(rc, 3, "exit code (truncated record, no finding: inconclusive)");
	snprintf(line, sizeof(line), "truncated bytes at end:    %10d\n", 40);
	CHECK_HAS(sum, line);
	CHECK_HAS(sum, "records decoded: 3\n");
	CHECK_EQ(COUNT_LINES(ev, "{\"type\":\"summary\""), 1, "summary line");
	CHECK_HAS(path_of("sig.err"), "stopped by signal");
	kenc_free(&e);
}

/* Status line only on a terminal; read what the collector wrote there */
static int run_on_pty(const char *const *args, char *out, size_t outlen)
{
	const char *argv[16] = { collect_bin };
	int master, n = 1, rc;
	size_t used = 0;
	pid_t pid;

	while (*args && n < 15)
		argv[n++] = *args++;
	argv[n] = NULL;
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return -2;
	pid = fork();
	if (pid == 0) {
		int slave = open(ptsname(master), O_RDWR | O_NOCTTY);

		if (slave < 0)
			_exit(127);
		dup2(slave, 2);
		execv(collect_bin, (char *const *)argv);
		_exit(127);
	}
	rc = wait_exit(pid);
	/* the child is gone: drain what it wrote without blocking */
	for (;;) {
		struct pollfd pfd = { .fd = master, .events = POLLIN };
		ssize_t r;

		if (poll(&pfd, 1, 0) != 1 || used + 1 >= outlen)
			break;
		r = read(master, out + used, outlen - used - 1);
		if (r <= 0)
			break;
		used += r;
	}
	out[used] = '\0';
	close(master);
	return rc;
}

static void test_status_line(void)
{
	static char out[65536];
	int rc;

	rc = run_on_pty((const char *[]){ "--input", path_of("storm.bin"),
					  "--out", path_of("tty"), NULL },
			out, sizeof(out));
	CHECK_EQ(rc, 1, "exit code on a terminal");
	CHECK(strstr(out, "\r\033[Kkradar-collect: ") != NULL,
	      "no status line on the terminal: \"%.200s\"", out);
	CHECK(strstr(out, "| 65 records, ") != NULL &&
	      strstr(out, "| 1 storms, 0 gaps, 0 locks, 0 stuck, 0 hung | lost 4 rec") != NULL,
	      "status line lacks the final counts: \"%.300s\"", out);
	CHECK(strstr(out, "evidence:") != NULL, "no evidence line");
	rc = run_on_pty((const char *[]){ "--input", path_of("storm.bin"),
					  "--out", path_of("tty"), "--quiet", NULL },
			out, sizeof(out));
	CHECK_EQ(rc, 1, "exit code, --quiet");
	CHECK_EQ(strlen(out), 0, "bytes on the terminal with --quiet");
}

static void test_usage_errors(void)
{
	static const struct {
		const char *args[8];
		const char *msg;
	} cases[] = {
		{ { "--input", "x", NULL }, "--out DIR is required" },
		{ { "--out", "d", NULL }, "exactly one of" },
		{ { "--vport", "s", "--input", "x", "--out", "d", NULL },
		  "exactly one of" },
		{ { "--vport", "s", "--out", "d", "--duration", "abc", NULL },
		  "--duration" },
		{ { "--vport", "s", "--out", "d", "--duration", "-1", NULL },
		  "--duration" },
		{ { "--bogus", NULL }, "usage:" },
		{ { "--input", "x", "--out", "d", "extra", NULL }, "unexpected" },
		{ { "--input", "/nonexistent/stream.bin", "--out", "@OUT", NULL },
		  "cannot read /nonexistent/stream.bin" },
		{ { "--input", "@IN", "--out", "/proc/kradar-no/such/dir", NULL },
		  "cannot create /proc/kradar-no/such/dir" },
		{ { "--input", "@IN", "--out", "@FILE", NULL }, "not a directory" },
	};
	char name[64];

	write_file(path_of("afile"), "x", 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *args[8];
		int rc;

		for (int k = 0; k < 8; k++) {
			args[k] = cases[i].args[k];
			if (args[k] && !strcmp(args[k], "@OUT"))
				args[k] = path_of("usage-out");
			if (args[k] && !strcmp(args[k], "@IN"))
				args[k] = path_of("clean.bin");
			if (args[k] && !strcmp(args[k], "@FILE"))
				args[k] = path_of("afile");
		}
		snprintf(name, sizeof(name), "usage%zu.err", i);
		rc = run(args, path_of(name));
		CHECK(rc == 2, "case %zu (%s ...): exit %d, expected 2", i,
		      args[0], rc);
		if (!file_has(path_of(name), cases[i].msg)) {
			CHECK(0, "case %zu: stderr lacks \"%s\"", i, cases[i].msg);
			show_file(path_of(name));
		}
	}
	CHECK_EQ(run((const char *[]){ "--help", NULL }, path_of("help.out")), 0,
		 "--help exit code");
}

static void test_write_error(void)
{
	const char *dir = path_of("full");
	int rc;

	if (access("/dev/full", W_OK)) {
		printf("#   /dev/full not writable, write error not tested\n");
		return;
	}
	mkdir(dir, 0755);
	if (symlink("/dev/full", path_of("full/events.jsonl")))
		CHECK(0, "symlink: %s", strerror(errno));
	rc = run((const char *[]){ "--input", path_of("storm.bin"), "--out", dir,
				   "--quiet", NULL }, path_of("full.err"));
	CHECK_EQ(rc, 2, "exit code when events.jsonl cannot be written");
	CHECK_HAS(path_of("full.err"), "No space left on device");
}

/* Strip "host_ns":...; keep record lines (not schema/connect/disconnect/summary) */
static char *record_events(const char *path, int *lines)
{
	char *s = kradar_file_read(path, 0, NULL), *out;
	size_t o = 0;

	*lines = 0;
	if (!s)
		return NULL;
	out = malloc(strlen(s) + 1);
	if (!out)
		abort();
	for (char *save, *line = strtok_r(s, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *h = strstr(line, "\"host_ns\":"), *comma;

		if (strstr(line, "{\"type\":\"schema\"") ||
		    strstr(line, "{\"type\":\"connect\"") ||
		    strstr(line, "{\"type\":\"disconnect\"") ||
		    strstr(line, "{\"type\":\"summary\""))
			continue;
		if (h && (comma = strchr(h, ',')))
			memmove(h, comma + 1, strlen(comma + 1) + 1);
		o += sprintf(out + o, "%s\n", line);
		(*lines)++;
	}
	free(s);
	return out;
}

static int accept_timeout(int srv)
{
	struct pollfd pfd = { .fd = srv, .events = POLLIN };

	if (poll(&pfd, 1, WAIT_MS) != 1)
		return -1;
	return accept(srv, NULL, NULL);
}

static bool wait_file_has(const char *path, const char *needle)
{
	uint64_t end = mono_ms() + WAIT_MS;

	while (mono_ms() < end) {
		if (file_has(path, needle))
			return true;
		poll(NULL, 0, 10);	/* condition wait */
	}
	return false;
}

static bool wait_lines(const char *path, const char *needle, int n)
{
	uint64_t end = mono_ms() + WAIT_MS;

	while (mono_ms() < end) {
		if (COUNT_LINES(path, needle) >= n)
			return true;
		poll(NULL, 0, 10);	/* condition wait */
	}
	return false;
}

static bool wait_size(const char *path, long size)
{
	uint64_t end = mono_ms() + WAIT_MS;

	while (mono_ms() < end) {
		if (file_size(path) >= size)
			return true;
		poll(NULL, 0, 10);	/* condition wait */
	}
	return false;
}

static void test_vport(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char sock[512], err[512];
	char *live, *offline;
	int live_n = 0, off_n = 0;
	size_t cut, len;
	struct kenc e;
	int srv, rc;
	pid_t pid;
	char *s;

	snprintf(sock, sizeof(sock), "%s", path_of("kr.sock"));
	snprintf(err, sizeof(err), "%s", path_of("vport.err"));
	if (kenc_init(&e) || kenc_gen_storm(&e))
		abort();
	cut = e.off[e.nr / 2];
	pid = spawn((const char *[]){ "--vport", sock, "--out", path_of("vport"),
				      NULL }, -1, err);
	/* the socket does not exist yet: the collector must say it waits */
	CHECK(wait_file_has(err, "waiting for"), "no 'waiting for' on stderr");

	srv = socket(AF_UNIX, SOCK_STREAM, 0);
	if (strlen(sock) >= sizeof(sa.sun_path))
		abort();	/* tmpdir paths are short */
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(srv, 4)) {
		CHECK(0, "server socket: %s", strerror(errno));
		kill(pid, SIGKILL);
		wait_exit(pid);
		kenc_free(&e);
		return;
	}
	/* three connections, as when QEMU restarts: first half, rest, nothing */
	for (int conn = 0; conn < 3; conn++) {
		int fd = accept_timeout(srv);
		const unsigned char *p = conn == 0 ? e.buf : e.buf + cut;
		size_t n = conn == 0 ? cut : conn == 1 ? e.len - cut : 0;

		CHECK(fd >= 0, "connection %d not made within %d ms", conn, WAIT_MS);
		if (fd < 0)
			break;
		while (n) {
			ssize_t w = write(fd, p, n);

			if (w <= 0)
				break;
			p += w;
			n -= w;
		}
		CHECK_EQ(n, 0, "bytes not sent");
		if (conn == 0)
			CHECK(wait_size(path_of("vport/stream.bin"), cut),
			      "first part not received");
		/* QEMU gone: the next connect is refused, the collector waits */
		if (conn == 2)
			close(srv);
		close(fd);
	}
	CHECK(wait_size(path_of("vport/stream.bin"), e.len),
	      "stream.bin has %ld bytes, expected %zu",
	      file_size(path_of("vport/stream.bin")), e.len);
	CHECK(wait_lines(err, "waiting for", 2), "no second 'waiting for'");
	kill(pid, SIGTERM);
	rc = wait_exit(pid);
	CHECK_EQ(rc, 1, "exit code (storm in the stream)");

	s = kradar_file_read(path_of("vport/stream.bin"), 0, &len);
	CHECK(s && len == e.len && !memcmp(s, e.buf, len),
	      "stream.bin differs from what was sent (%zu bytes, sent %zu)",
	      s ? len : 0, e.len);
	free(s);
	check_jsonl(path_of("vport/events.jsonl"));
	CHECK_EQ(COUNT_LINES(path_of("vport/events.jsonl"), "{\"type\":\"connect\""),
		 3, "connect events");
	CHECK_EQ(COUNT_LINES(path_of("vport/events.jsonl"),
			     "{\"type\":\"disconnect\"", "closed by QEMU"),
		 3, "disconnect events");
	CHECK_EQ(COUNT_LINES(path_of("vport/events.jsonl"), "{\"type\":\"hrtimer_storm\"",
			     "\"host_ns\":\"1"), 1,
		 "storm line with host_ns, a string beyond 2^53");
	CHECK_EQ(COUNT_LINES(err, "waiting for"), 2, "'waiting for' messages");
	CHECK_EQ(COUNT_LINES(err, "connected to"), 3, "'connected to' messages");
	CHECK_HAS(path_of("vport/summary.txt"), "3 connects");

	/* offline decoding of stream.bin gives the same record events */
	rc = run((const char *[]){ "--input", path_of("vport/stream.bin"), "--out",
				   path_of("vport-offline"), "--quiet", NULL },
		 path_of("offline.err"));
	CHECK_EQ(rc, 1, "offline exit code");
	live = record_events(path_of("vport/events.jsonl"), &live_n);
	offline = record_events(path_of("vport-offline/events.jsonl"), &off_n);
	CHECK(live && offline && !strcmp(live, offline),
	      "record events differ: %d live lines, %d offline", live_n, off_n);
	CHECK_EQ(live_n, e.nr + 3, "record event lines (records + 3 seq gaps)");
	free(live);
	free(offline);
	kenc_free(&e);
}

static void test_vport_duration(void)
{
	uint64_t t0 = mono_ms();
	int rc;

	/* nothing listens: waits, stops at --duration, nothing received */
	rc = run((const char *[]){ "--vport", path_of("nobody.sock"), "--out",
				   path_of("nobody"), "--duration", "0.3", NULL },
		 path_of("nobody.err"));
	CHECK_EQ(rc, 3, "exit code when nothing was received (no data)");
	CHECK(mono_ms() - t0 >= 300, "returned before --duration");
	CHECK_HAS(path_of("nobody/summary.txt"), "verdict: no kradar records");
	CHECK_EQ(file_size(path_of("nobody/stream.bin")), 0, "stream.bin size");
	/* a path that is not a socket is an environment error */
	rc = run((const char *[]){ "--vport", path_of("afile"), "--out",
				   path_of("notsock"), "--duration", "5", NULL },
		 path_of("notsock.err"));
	CHECK_EQ(rc, 2, "exit code for a non-socket path");
	CHECK_HAS(path_of("notsock.err"), "cannot connect");
}

static void test_corpus(void)
{
	static const struct {
		const char *name;
		int (*gen)(struct kenc *);
		int rc;
	} files[] = {
		{ "storm.bin", kenc_gen_storm, 1 },
		{ "clean.bin", kenc_gen_clean, 0 },
		{ "hostile.bin", kenc_gen_hostile, 1 },
		{ "vhost.bin", kenc_gen_vhost, 1 },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512], out[64];
		struct kenc e;
		size_t len;
		char *s;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", KRADAR_CORPUS_DIR,
			 files[i].name);
		s = kradar_file_read(path, 0, &len);
		if (!s) {
			CHECK(0, "%s missing (make -C host/collect corpus)", path);
			continue;
		}
		if (kenc_init(&e) || files[i].gen(&e))
			abort();
		CHECK(len == e.len && !memcmp(s, e.buf, len),
		      "%s is stale: regenerate with make -C host/collect corpus",
		      path);
		free(s);
		kenc_free(&e);
		snprintf(out, sizeof(out), "corpus%zu", i);
		rc = run((const char *[]){ "--input", path, "--out", path_of(out),
					   "--quiet", NULL }, path_of("corpus.err"));
		CHECK(rc == files[i].rc, "%s: exit %d, expected %d", files[i].name,
		      rc, files[i].rc);
	}
}

static int rm_one(const char *path, const struct stat *sb, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

int main(void)
{
	const char *env = getenv("KRADAR_COLLECT");
	int ret;

	printf("TAP version 13\n");
	if (env)
		collect_bin = env;
	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(tmpdir)) {
		printf("not ok 1 - temporary directory: %s\n", strerror(errno));
		return 1;
	}
	if (access(collect_bin, X_OK)) {
		printf("not ok 1 - %s not built: %s\n", collect_bin, strerror(errno));
		return 1;
	}
	tap_run("--input storm stream: storm event, summary, exit 1",
		test_input_storm);
	tap_run("--input storm that never ends: updates give its real peak",
		test_input_storm_updates);
	tap_run("--input clean stream: no storm, exit 0", test_input_clean);
	tap_run("--input empty stream: no data, exit 3", test_input_no_data);
	tap_run("events.jsonl begins with the schema line", test_schema_line);
	tap_run("--input hostile stream: valid JSON, safe text",
		test_input_hostile);
	tap_run("--input vhost stream: locks named by vhost device, hostile fields dropped",
		test_input_vhost);
	tap_run("--input - from stdin keeps stream.bin", test_input_stdin);
	tap_run("SIGTERM during --input - finishes the outputs",
		test_input_signal);
	tap_run("status line on a terminal only, not with --quiet",
		test_status_line);
	tap_run("usage and environment errors exit 2", test_usage_errors);
	tap_run("write error on events.jsonl exits 2", test_write_error);
	tap_run("--vport waits, reconnects, stream.bin identical",
		test_vport);
	tap_run("--vport --duration with no QEMU", test_vport_duration);
	tap_run("corpus streams current and decoded", test_corpus);
	ret = tap_done();
	if (!ret || !getenv("KRADAR_KEEP_TMP"))
		nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	else
		printf("# outputs kept in %s\n", tmpdir);
	return ret;
}
