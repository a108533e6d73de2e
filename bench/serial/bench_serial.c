// SPDX-License-Identifier: GPL-2.0
/*
 * bench-serial: throughput of the console log parser (host/console,
 * kradar_serial__feed() and everything it extracts) against grep -c of
 * one fixed string on the same file.
 *
 * The log is built at run time in a temporary file (deleted on exit,
 * never kept): real console logs given on the command line, concatenated
 * over and over until --mb MB. A syzkaller report file's header (lines up
 * to the first empty line: TITLE:, TYPE:...) is not console output and is
 * left out. Both passes read the same file from the page cache, --rounds
 * times alternating; the best round of each is kept. The parser pass
 * reads 64 KiB at a time, feeds it, finishes, and walks every event and
 * report it kept. Times are CPU times (user + system: the parser's from
 * this process, grep's from wait4()), so other load on the machine does
 * not skew the ratio. grep runs with LC_ALL=C (byte matching, its fastest
 * mode; the parser works on bytes too).
 *
 *   bench-serial [--mb N] [--rounds N] [--pattern STR] LOG...
 * Exit: 0 measured, 1 a pass failed, 2 usage or environment error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include "kradar_serial.h"
#include "../bench.h"

#define CHUNK		(64 * 1024)
#define LOG_MAX		(64 * 1024 * 1024)	/* bytes per input log */

static char tmp_path[] = "/tmp/kradar-bench-serial.XXXXXX";
static int tmp_made;

static void cleanup(void)
{
	if (tmp_made)
		unlink(tmp_path);
}

static void on_signal(int sig)
{
	cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Console text of one log: a syzkaller report's header dropped. */
static int load_log(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf, *start;
	size_t n;

	if (!f)
		return -errno;
	buf = malloc(LOG_MAX);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(buf, 1, LOG_MAX, f);
	fclose(f);
	start = buf;
	if (n > 7 && (!strncmp(buf, "TITLE: ", 7) || !strncmp(buf, "TYPE: ", 6) ||
		      buf[0] == '#' || !strncmp(buf, "ALT: ", 5) ||
		      !strncmp(buf, "CORRUPTED: ", 11))) {
		char *e = memmem(buf, n, "\n\n", 2);

		start = e ? e + 2 : buf + n;
	}
	*len = n - (size_t)(start - buf);
	*text = malloc(*len ? *len : 1);
	if (!*text) {
		free(buf);
		return -ENOMEM;
	}
	memcpy(*text, start, *len);
	free(buf);
	return 0;
}

struct tally {
	uint64_t lines, events, reports, frames, bytes;
};

/* One parser pass over @path; ns or 0. */
static uint64_t parse_pass(const char *path, struct tally *t)
{
	static char buf[CHUNK];
	const struct kradar_serial_stats *st;
	struct kradar_serial *p;
	uint64_t t0 = bench_cpu_ns(), t1;
	size_t n, i;
	FILE *f;
	int err = 0;

	memset(t, 0, sizeof(*t));
	f = fopen(path, "rb");
	p = kradar_serial__new();
	if (!f || !p) {
		if (f)
			fclose(f);
		kradar_serial__free(p);
		return 0;
	}
	while (!err && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		err = kradar_serial__feed(p, buf, n);
	if (!err)
		err = kradar_serial__finish(p);
	for (i = 0; !err && i < kradar_serial__nr_events(p); i++)
		t->bytes += strlen(kradar_serial__event(p, i)->text);
	for (i = 0; !err && i < kradar_serial__nr_reports(p); i++) {
		const struct kradar_serial_report *r = kradar_serial__report(p, i);

		t->bytes += strlen(r->title);
		t->frames += r->nr_frames;
	}
	t1 = bench_cpu_ns();
	st = kradar_serial__stats(p);
	t->lines = st->lines;
	t->events = kradar_serial__nr_events(p) + st->events_dropped;
	t->reports = st->reports_total;
	if (ferror(f))
		err = -EIO;
	fclose(f);
	kradar_serial__free(p);
	return err ? 0 : t1 - t0;
}

/* grep -c PATTERN PATH with LC_ALL=C; its CPU ns or 0; *count its answer. */
static uint64_t grep_pass(const char *pattern, const char *path, long *count)
{
	char out[64] = "";
	struct rusage ru;
	int fd[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fd))
		return 0;
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		close(fd[1]);
		setenv("LC_ALL", "C", 1);
		execlp("grep", "grep", "-c", "-F", "--", pattern, path,
		       (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	n = read(fd[0], out, sizeof(out) - 1);
	close(fd[0]);
	if (wait4(pid, &status, 0, &ru) < 0)
		return 0;
	/* grep -c exits 1 when the count is 0: still an answer */
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1 || n <= 0)
		return 0;
	out[n] = '\0';
	*count = strtol(out, NULL, 10);
	return (uint64_t)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000u +
	       (uint64_t)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000u;
}

int main(int argc, char **argv)
{
	unsigned long mb = 200, rounds = 3, r;
	const char *pattern = "Call Trace";
	uint64_t best_p = UINT64_MAX, best_g = UINT64_MAX;
	char *all = NULL, text[256];
	size_t all_len = 0, written = 0;
	struct tally t = { 0 };
	long count = 0;
	FILE *out;
	int i, fd, nlogs = 0;

	for (i = 1; i < argc && argv[i][0] == '-'; i += 2) {
		if (i + 1 >= argc)
			goto usage;
		if (!strcmp(argv[i], "--mb"))
			mb = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--rounds"))
			rounds = strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--pattern"))
			pattern = argv[i + 1];
		else
			goto usage;
	}
	if (i >= argc || mb < 1 || mb > 4096 || rounds < 1 || rounds > 100 ||
	    !*pattern)
		goto usage;

	for (; i < argc; i++) {
		char *log = NULL;
		size_t n = 0;
		int err = load_log(argv[i], &log, &n);
		char *grown;

		if (err) {
			fprintf(stderr, "bench-serial: cannot read %s: %s\n",
				argv[i], strerror(-err));
			return 2;
		}
		grown = realloc(all, all_len + n + 1);
		if (!grown)
			return 2;
		all = grown;
		memcpy(all + all_len, log, n);
		all_len += n;
		/* a log that ends mid-line must not glue onto the next one */
		if (n && log[n - 1] != '\n')
			all[all_len++] = '\n';
		free(log);
		nlogs++;
	}
	if (!all_len) {
		fprintf(stderr, "bench-serial: the logs are empty\n");
		return 2;
	}

	fd = mkstemp(tmp_path);
	if (fd < 0) {
		fprintf(stderr, "bench-serial: cannot create %s: %s\n", tmp_path,
			strerror(errno));
		return 2;
	}
	tmp_made = 1;
	atexit(cleanup);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	out = fdopen(fd, "wb");
	while (out && written < (size_t)mb << 20) {
		if (fwrite(all, 1, all_len, out) != all_len)
			break;
		written += all_len;
	}
	if (!out || fclose(out) || written < (size_t)mb << 20) {
		fprintf(stderr, "bench-serial: cannot write %lu MB to %s (disk full?)\n",
			mb, tmp_path);
		return 2;
	}
	free(all);
	printf("# serial: %d logs, %zu bytes, copied to %zu bytes in %s\n",
	       nlogs, all_len, written, tmp_path);

	for (r = 0; r < rounds; r++) {
		uint64_t tp, tg;

		tg = grep_pass(pattern, tmp_path, &count);
		tp = parse_pass(tmp_path, &t);
		if (!tg || !tp) {
			fprintf(stderr, "bench-serial: %s failed\n",
				tg ? "the parser" : "grep");
			return 1;
		}
		if (tg < best_g)
			best_g = tg;
		if (tp < best_p)
			best_p = tp;
	}
	printf("# serial: parser: %llu lines, %llu events, %llu reports, %llu frames kept; grep -c '%s': %ld\n",
	       (unsigned long long)t.lines, (unsigned long long)t.events,
	       (unsigned long long)t.reports, (unsigned long long)t.frames,
	       pattern, count);
	snprintf(text, sizeof(text),
		 "console parser, %.0f MB of real console logs, best of %lu",
		 written / 1e6, rounds);
	bench_result("serial_mb_s", written / 1e6 / (best_p / 1e9), "MB/s", "-",
		     text);
	snprintf(text, sizeof(text), "grep -c -F '%s' (LC_ALL=C), same file",
		 pattern);
	bench_result("grep_mb_s", written / 1e6 / (best_g / 1e9), "MB/s", "-",
		     text);
	bench_result("serial_vs_grep", (double)best_p / best_g, "x slower",
		     "<=2", "parser time / grep time");
	return fflush(stdout) || ferror(stdout) ? 2 : 0;
usage:
	fprintf(stderr, "usage: bench-serial [--mb 1..4096] [--rounds 1..100] [--pattern STR] LOG...\n");
	return 2;
}
