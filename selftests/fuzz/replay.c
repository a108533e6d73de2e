// SPDX-License-Identifier: GPL-2.0
/*
 * test_fuzz_replay: feed every committed fuzz input to its target, as a
 * unit test of `make check` (no libFuzzer needed).
 *
 * For each target (fuzz_stream.c, fuzz_serial.c, fuzz_mbox.c, ..., linked in
 * with their LLVMFuzzerTestOneInput renamed) and each of its directories,
 * selftests/fuzz/corpus/<target>/ and selftests/fuzz/crashers/<target>/,
 * every file is run through the target in a child process. A child that
 * dies (abort from a broken invariant, an ASan or UBSan report when built
 * with SAN=1, a signal) or does not finish within REPLAY_HANG_S seconds
 * fails the directory's test line, naming the input. The target is run
 * once on an empty input first, so one-time set-up (PCRE2, GMime) is done
 * before the children are forked.
 *
 * The directories are found through FUZZ_DIR, compiled in by the Makefile,
 * so the test works from any current directory.
 *
 * TAP: one line per target and directory ("ok 1 - stream corpus: 31
 * inputs replayed"), and a first line checking that a crashing target is
 * seen as one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "file.h"
#include <kradar_tap.h>

#pragma GCC poison u8 u16 u32 u64

#ifndef FUZZ_DIR
#error "FUZZ_DIR must name selftests/fuzz (the Makefile sets it)"
#endif

#define REPLAY_MAX_INPUT	(16UL << 20)	/* bytes; larger files fail */
#define REPLAY_HANG_S		120	/* s: only a hang takes this long */

typedef int (*fuzz_fn)(const uint8_t *data, size_t size);

int kradar_fuzz_stream(const uint8_t *data, size_t size);
int kradar_fuzz_serial(const uint8_t *data, size_t size);
int kradar_fuzz_mbox(const uint8_t *data, size_t size);
int kradar_fuzz_dump(const uint8_t *data, size_t size);
int kradar_fuzz_events(const uint8_t *data, size_t size);

static const struct {
	const char *name;
	fuzz_fn fn;
} targets[] = {
	{ "stream", kradar_fuzz_stream },
	{ "serial", kradar_fuzz_serial },
	{ "mbox", kradar_fuzz_mbox },
	{ "dump", kradar_fuzz_dump },
	{ "events", kradar_fuzz_events },
};

/* Test of the replay itself: a target that aborts on "crash". */
static int crash_on_word(const uint8_t *data, size_t size)
{
	if (size >= 5 && !memcmp(data, "crash", 5))
		abort();
	return 0;
}

/* The input in a buffer of its exact size, as libFuzzer gives it, so
 * that ASan sees a read past its end. */
static int read_file(const char *path, uint8_t **out, size_t *len)
{
	char *s = kradar_file_read(path, REPLAY_MAX_INPUT, len);

	if (!s)
		return -errno;
	*out = malloc(*len ? *len : 1);
	if (*out)
		memcpy(*out, s, *len);
	free(s);
	return *out ? 0 : -ENOMEM;
}

/* Run fn on data in a child; 0 if it returned, else prints why not. */
static int run_one(fuzz_fn fn, const uint8_t *data, size_t len,
		   const char *what)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		printf("#   %s: fork: %s\n", what, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		/* a hang guard, not a time limit: inputs take milliseconds */
		alarm(REPLAY_HANG_S);
		fn(data, len);
		fflush(NULL);
		_exit(0);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			printf("#   %s: waitpid: %s\n", what, strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		printf("#   %s: crashed: %s%s\n", what,
		       strsignal(WTERMSIG(status)),
		       WTERMSIG(status) == SIGALRM ? " (hang)" : "");
	else
		printf("#   %s: exit status %d (sanitizer report above)\n",
		       what, WEXITSTATUS(status));
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Replay every regular file of dir through fn. *count gets the number
 * replayed; returns the number of failures, or -1 if the directory cannot
 * be read (a missing directory is 0 inputs when may_be_absent).
 */
static int replay_dir(fuzz_fn fn, const char *dir, bool may_be_absent,
		      size_t *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, cap = 0;
	int fails = 0;

	*count = 0;
	if (!d) {
		if (errno == ENOENT && may_be_absent)
			return 0;
		printf("#   cannot read %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (nr == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 64) *
					    sizeof(*names));

			if (!nn)
				break;
			names = nn;
		}
		names[nr] = strdup(de->d_name);
		if (names[nr])
			nr++;
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nr; i++) {
		char path[8192];
		struct stat sb;
		uint8_t *data = NULL;
		size_t len = 0;
		int err;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (stat(path, &sb) || !S_ISREG(sb.st_mode))
			continue;
		err = read_file(path, &data, &len);
		if (err) {
			printf("#   cannot read %s: %s\n", path, strerror(-err));
			fails++;
			continue;
		}
		if (run_one(fn, data, len, path))
			fails++;
		(*count)++;
		free(data);
	}
	free(names);
	return fails;
}

int main(void)
{
	static const struct {
		const char *sub;
		bool may_be_absent;
		bool need_inputs;
	} dirs[] = {
		{ "corpus", false, true },
		{ "crashers", true, false },
	};
	bool seen;

	/* the replay must see a crash as one, or it proves nothing */
	seen = run_one(crash_on_word, (const uint8_t *)"crash", 5,
		       "deliberate crash, expected") != 0;
	tap_ok(seen && run_one(crash_on_word, (const uint8_t *)"fine", 4,
			       "harmless input") == 0,
	       "replay tells a crashing input from a harmless one");

	for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
		targets[t].fn((const uint8_t *)"", 0);
		for (size_t k = 0; k < sizeof(dirs) / sizeof(dirs[0]); k++) {
			char dir[4096];
			size_t count;
			int fails;

			snprintf(dir, sizeof(dir), "%s/%s/%s", FUZZ_DIR,
				 dirs[k].sub, targets[t].name);
			fails = replay_dir(targets[t].fn, dir,
					   dirs[k].may_be_absent, &count);
			if (fails == 0 && dirs[k].need_inputs && !count) {
				printf("#   %s: no inputs (expected the seed corpus)\n",
				       dir);
				fails = 1;
			}
			tap_ok(fails == 0, "%s %s: %zu inputs replayed%s",
			       targets[t].name, dirs[k].sub, count,
			       fails > 0 ? ", some failed" :
			       fails < 0 ? ", directory unreadable" : "");
		}
	}
	return tap_done();
}
