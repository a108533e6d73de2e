// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-bench-sched: context switches back to back on one CPU, the load
 * on sched_wakeup and sched_switch that the stuck-CPU detector's hooks
 * add to. Runs in the guest (static, no library needed there).
 *
 * Two processes pinned to one CPU pass a byte to and fro through two
 * pipes for the given time: every pass wakes the other one onto that CPU
 * and switches to it, so each pass is one sched_wakeup and one
 * sched_switch, and each wakeup comes when none is pending (the stuck
 * detector's write path, the dearer one). The result goes to the kernel
 * log, beside the probe's own lines, and to stdout:
 *
 *   kradar_bench_sched: TAG: 2 tasks on CPU C, D ms: N switches, R/s
 *
 *   kradar-bench-sched [--cpu C] [--ms D] [--tag TAG]
 * Exit: 0 measured, 1 a system call failed, 2 usage.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

/* The echoing side: back what comes, until the pipe closes. */
static void echo_loop(int in, int out)
{
	char c;

	while (read(in, &c, 1) == 1)
		if (write(out, &c, 1) != 1)
			break;
	_exit(0);
}

static void say(const char *text)
{
	int fd = open("/dev/kmsg", O_WRONLY);

	if (fd >= 0) {
		/* a failure here loses nothing: the stdout copy goes out */
		ssize_t n = write(fd, text, strlen(text));

		(void)n;
		close(fd);
	}
	fputs(text, stdout);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned long long t0, t1, end, passes = 0;
	const char *tag = "run";
	int cpu = 1, ms = 2000, to[2], back[2], i, status;
	char line[256], c = 'x';
	pid_t child;

	for (i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v)
			goto usage;
		if (!strcmp(argv[i], "--cpu"))
			cpu = atoi(v);
		else if (!strcmp(argv[i], "--ms"))
			ms = atoi(v);
		else if (!strcmp(argv[i], "--tag"))
			tag = v;
		else
			goto usage;
		i++;
	}
	if (cpu < 0 || cpu >= CPU_SETSIZE || ms < 1 || ms > 60000 ||
	    strlen(tag) > 32 || strchr(tag, ':'))
		goto usage;
	if (pin(cpu)) {
		fprintf(stderr, "kradar-bench-sched: cannot run on CPU %d: %s\n",
			cpu, strerror(errno));
		return 1;
	}
	if (pipe(to) || pipe(back)) {
		perror("kradar-bench-sched: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("kradar-bench-sched: fork");
		return 1;
	}
	if (child == 0) {
		close(to[1]);
		close(back[0]);
		echo_loop(to[0], back[1]);
	}
	close(to[0]);
	close(back[1]);
	snprintf(line, sizeof(line),
		 "kradar_bench_sched: %s: start, CPU %d, %d ms\n", tag, cpu, ms);
	say(line);
	t0 = now_ns();
	end = t0 + (unsigned long long)ms * 1000000ull;
	do {
		/* 64 round trips between clock reads: 128 switches */
		for (i = 0; i < 64; i++) {
			if (write(to[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) {
				perror("kradar-bench-sched: pipe");
				kill(child, SIGKILL);
				return 1;
			}
		}
		passes += 128;
		t1 = now_ns();
	} while (t1 < end);
	close(to[1]);
	waitpid(child, &status, 0);
	snprintf(line, sizeof(line),
		 "kradar_bench_sched: %s: 2 tasks on CPU %d, %llu ms: %llu switches, %.0f/s\n",
		 tag, cpu, (t1 - t0) / 1000000ull, passes,
		 passes * 1e9 / (double)(t1 - t0));
	say(line);
	return 0;
usage:
	fprintf(stderr, "usage: kradar-bench-sched [--cpu C] [--ms 1..60000] [--tag TAG (no ':')]\n");
	return 2;
}
