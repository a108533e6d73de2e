// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-busy: a busy but healthy guest, hackbench style, as the negative
 * control of kradar's stall detectors. For SECONDS it runs PAIRS pairs of
 * processes that bounce small messages over pipes (constant context
 * switches and wake-ups on every CPU) and SPIN processes that burn CPU in
 * user mode, then prints what it did.
 *
 *   kradar-busy [SECONDS [PAIRS [SPIN]]]     (defaults 10 8 2)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long arg(int argc, char **argv, int i, long dflt, long max)
{
	char *end;
	long v;

	if (argc <= i)
		return dflt;
	errno = 0;
	v = strtol(argv[i], &end, 10);
	if (errno || *end || v < 1 || v > max) {
		fprintf(stderr, "kradar-busy: argument %d '%s' must be 1..%ld\n",
			i, argv[i], max);
		exit(2);
	}
	return v;
}

/* Bounce one byte between two pipes until the deadline; count rounds. */
static void pingpong(int rd, int wr, int first, double end)
{
	unsigned long rounds = 0;
	char c = 'k';

	if (first && write(wr, &c, 1) != 1)
		_exit(1);
	while (now() < end) {
		if (read(rd, &c, 1) != 1)
			break;
		if (write(wr, &c, 1) != 1)
			break;
		rounds++;
	}
	_exit(rounds ? 0 : 1);
}

int main(int argc, char **argv)
{
	long secs = arg(argc, argv, 1, 10, 3600);
	long pairs = arg(argc, argv, 2, 8, 256);
	long spin = arg(argc, argv, 3, 2, 64);
	double end = now() + secs;
	int status, fails = 0;
	long procs = 0;
	pid_t pid;

	/* a partner that ended first closes its pipe: EPIPE, not a signal */
	signal(SIGPIPE, SIG_IGN);

	for (long i = 0; i < pairs; i++) {
		int a[2], b[2];

		if (pipe(a) || pipe(b)) {
			perror("kradar-busy: pipe");
			return 2;
		}
		/* each side keeps only its ends, so EOF reaches the other */
		if (!fork()) {
			close(a[1]);
			close(b[0]);
			pingpong(a[0], b[1], 1, end);
		}
		if (!fork()) {
			close(a[0]);
			close(b[1]);
			pingpong(b[0], a[1], 0, end);
		}
		close(a[0]);
		close(a[1]);
		close(b[0]);
		close(b[1]);
		procs += 2;
	}
	for (long i = 0; i < spin; i++, procs++) {
		if (!fork()) {
			volatile unsigned long x = 0;

			while (now() < end)
				x++;
			_exit(0);
		}
	}
	while ((pid = wait(&status)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			fails++;
	printf("kradar-busy: %ld processes for %ld s, %d failed\n", procs, secs,
	       fails);
	return fails ? 1 : 0;
}
