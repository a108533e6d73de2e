// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-fuzz-run: run one libFuzzer target for a bounded time and say
 * what it found (used by `make fuzz`).
 *
 *   kradar-fuzz-run NAME BINARY SECONDS MAX_LEN WORKDIR CORPUS [SEEDDIR...]
 *
 * Runs BINARY -max_total_time=SECONDS on CORPUS (writable: new inputs go
 * there) and the read-only SEEDDIRs, with crash inputs saved in
 * WORKDIR/artifacts-NAME/ and libFuzzer's output in WORKDIR/NAME.log.
 * Then prints one line from libFuzzer's final statistics:
 *
 *   fuzz stream: 1234567 execs in 60 s, 20576 execs/s, 12 new inputs, peak RSS 95 MB, 0 findings
 *
 * and for a crash, leak, timeout or out-of-memory the input libFuzzer
 * saved and how to replay it. Exit status: 0 nothing found, 1 a finding,
 * 2 the target could not be run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#pragma GCC poison u8 u16 u32 u64

struct stats {
	uint64_t execs, execs_per_s, new_units, peak_rss_mb;
	bool have;
};

static void parse_log(const char *log, struct stats *st)
{
	static const struct {
		const char *key;
		size_t off;
	} keys[] = {
		{ "stat::number_of_executed_units:", offsetof(struct stats, execs) },
		{ "stat::average_exec_per_sec:", offsetof(struct stats, execs_per_s) },
		{ "stat::new_units_added:", offsetof(struct stats, new_units) },
		{ "stat::peak_rss_mb:", offsetof(struct stats, peak_rss_mb) },
	};
	char line[4096];
	FILE *f = fopen(log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			size_t kl = strlen(keys[i].key);

			if (strncmp(line, keys[i].key, kl))
				continue;
			*(uint64_t *)((char *)st + keys[i].off) =
				strtoull(line + kl, NULL, 10);
			st->have = true;
		}
	}
	fclose(f);
}

/* Print the artifacts (crash-*, leak-*, timeout-*, oom-*) newer than t0. */
static int list_findings(const char *dir, time_t t0, const char *bin)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[8192];
		struct stat sb;

		if (strncmp(de->d_name, "crash-", 6) &&
		    strncmp(de->d_name, "leak-", 5) &&
		    strncmp(de->d_name, "timeout-", 8) &&
		    strncmp(de->d_name, "oom-", 4) &&
		    strncmp(de->d_name, "slow-unit-", 10))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &sb) || sb.st_mtime < t0)
			continue;
		if (!strncmp(de->d_name, "slow-unit-", 10))
			continue;	/* slow, not wrong: not a finding */
		printf("  finding: %s\n  replay:  %s %s\n", path, bin, path);
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	const char *name, *bin, *secs, *max_len, *work;
	char log[4096], art[4096], a_time[64], a_len[64], a_art[4200];
	char **args;
	struct stats st = { 0 };
	time_t t0;
	pid_t pid;
	int status, fd, nf, na = 0;

	if (argc < 7) {
		fprintf(stderr, "usage: kradar-fuzz-run NAME BINARY SECONDS MAX_LEN WORKDIR CORPUS [SEEDDIR...]\n");
		return 2;
	}
	name = argv[1];
	bin = argv[2];
	secs = argv[3];
	max_len = argv[4];
	work = argv[5];
	if (access(bin, X_OK)) {
		fprintf(stderr, "kradar-fuzz-run: %s: %s (build it with 'make -C selftests/fuzz fuzzers')\n",
			bin, strerror(errno));
		return 2;
	}
	snprintf(log, sizeof(log), "%s/%s.log", work, name);
	snprintf(art, sizeof(art), "%s/artifacts-%s", work, name);
	if (mkdir(art, 0755) && errno != EEXIST) {
		fprintf(stderr, "kradar-fuzz-run: cannot create %s: %s\n", art,
			strerror(errno));
		return 2;
	}
	snprintf(a_time, sizeof(a_time), "-max_total_time=%s", secs);
	snprintf(a_len, sizeof(a_len), "-max_len=%s", max_len);
	snprintf(a_art, sizeof(a_art), "-artifact_prefix=%s/", art);

	args = calloc(argc + 8, sizeof(*args));
	if (!args)
		return 2;
	args[na++] = (char *)bin;
	args[na++] = a_time;
	args[na++] = a_len;
	args[na++] = a_art;
	args[na++] = "-print_final_stats=1";
	args[na++] = "-timeout=30";	/* one input: a hang, not slowness */
	args[na++] = "-rss_limit_mb=2048";
	for (int i = 6; i < argc; i++)
		args[na++] = argv[i];
	args[na] = NULL;

	printf("fuzz %s: running %s s (log %s)\n", name, secs, log);
	fflush(stdout);
	t0 = time(NULL);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "kradar-fuzz-run: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0 || dup2(fd, STDERR_FILENO) < 0 ||
		    dup2(fd, STDOUT_FILENO) < 0)
			_exit(127);
		execv(bin, args);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "kradar-fuzz-run: waitpid: %s\n",
				strerror(errno));
			return 2;
		}
	}
	free(args);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		fprintf(stderr, "kradar-fuzz-run: cannot run %s (see %s)\n",
			bin, log);
		return 2;
	}
	parse_log(log, &st);
	nf = list_findings(art, t0, bin);
	printf("fuzz %s: %" PRIu64 " execs in %ld s, %" PRIu64
	       " execs/s, %" PRIu64 " new inputs, peak RSS %" PRIu64
	       " MB, %d finding%s\n", name, st.execs,
	       (long)(time(NULL) - t0), st.execs_per_s, st.new_units,
	       st.peak_rss_mb, nf, nf == 1 ? "" : "s");
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && !nf) {
		printf("  %s stopped with %s %d and saved no input: see %s\n",
		       bin, WIFSIGNALED(status) ? "signal" : "status",
		       WIFSIGNALED(status) ? WTERMSIG(status) :
		       WEXITSTATUS(status), log);
		nf = 1;
	}
	if (!st.have)
		printf("  no final statistics in %s\n", log);
	if (fflush(stdout) == EOF)
		return 2;
	return nf ? 1 : 0;
}
