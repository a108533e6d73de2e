/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the collector's tests that run build/kradar-collect (files
 * are read whole with kradar_file_read()): run the collector with its
 * output in a file, wait for it
 * with a timeout (a hang fails the test instead of stopping it).
 * Include after the system headers for fork/exec, poll and time.
 */
#ifndef KRADAR_COLLECT_RUN_H
#define KRADAR_COLLECT_RUN_H

#include "file.h"

#ifndef KRADAR_COLLECT_BIN
#define KRADAR_COLLECT_BIN "build/kradar-collect"
#endif

#define WAIT_MS 20000	/* generous: the machine may be busy */

static const char *collect_bin = KRADAR_COLLECT_BIN;

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start the collector with @args; stdout and stderr go to @err_path */
static pid_t spawn(const char *const *args, int stdin_fd, const char *err_path)
{
	const char *argv[32] = { collect_bin };
	pid_t pid;
	int n = 1;

	while (*args && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	pid = fork();
	if (pid == 0) {
		int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int in = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);

		if (fd < 0 || in < 0)
			_exit(127);
		dup2(in, 0);
		dup2(fd, 2);
		dup2(fd, 1);
		execv(collect_bin, (char *const *)argv);
		_exit(127);
	}
	return pid;
}

/* Exit status, or -1 if it did not end within WAIT_MS (then killed) */
static int wait_exit(pid_t pid)
{
	uint64_t end = mono_ms() + WAIT_MS;
	int status;

	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) :
			       128 + WTERMSIG(status);
		if (r < 0 || mono_ms() > end)
			break;
		poll(NULL, 0, 10);	/* wait for the exit condition */
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static int run(const char *const *args, const char *err_path)
{
	pid_t pid = spawn(args, -1, err_path);

	return pid < 0 ? -1 : wait_exit(pid);
}

#endif /* KRADAR_COLLECT_RUN_H */
