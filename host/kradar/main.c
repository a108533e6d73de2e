// SPDX-License-Identifier: GPL-2.0
/*
 * kradar: one front door for the kradar-* commands, in the style of git
 * and trace-cmd. `kradar collect ARGS` runs `kradar-collect ARGS`; the
 * kradar-* names stay, so scripts may call either.
 *
 * A command is looked for, in this order, in $KRADAR_EXEC_PATH, next to
 * this program, in ../libexec/kradar and ../tools relative to it (the
 * source tree: build/kradar finds tools/kradar-run), then in $PATH.
 *
 *   kradar [-h|--help] [-V|--version] COMMAND [ARGS]
 *   kradar help [COMMAND]   the command list, or COMMAND's --help
 *
 * Exit status: the command's, or 2 when it cannot be found or run
 * (Documentation/cli.rst).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#pragma GCC poison u8 u16 u32 u64

static const struct cmd {
	const char *name;
	const char *help;
} cmds[] = {
	{ "run", "boot a QEMU guest with the probe, run a scenario, collect" },
	{ "collect", "receive the probe's stream, write an evidence directory" },
	{ "report", "explain a run directory or a console log" },
	{ "compare", "baseline runs against candidate runs: fixed or not" },
	{ "vcpus", "what each vCPU of a frozen guest is doing (QMP)" },
	{ "lore", "summarise a lore thread, draft a reply with the evidence" },
	{ "config-check", "what a kernel .config lacks for kradar" },
	{ "kernel", "the kernel matrix: fetch and prepare a guest kernel" },
	{ "build-kernel", "build the syzbot-configured debug kernel" },
	{ "qemu", "the QEMU guests boot with, fetched on demand" },
	{ "validate-taprio", "build and judge the taprio fix options" },
	{ "apt", "Debian's newer suites through a private apt setup" },
	{ "kdir", "the kernel build tree the probe builds against" },
	{ "deps", "install the Debian packages kradar needs" },
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"usage: kradar [-h|--help] [-V|--version] COMMAND [ARGS]\n"
		"       kradar help [COMMAND]\n"
		"Find why a Linux kernel stalls inside a QEMU guest. Each COMMAND is\n"
		"the program kradar-COMMAND (kradar-COMMAND --help, man kradar-COMMAND).\n"
		"\n"
		"commands:\n");
	for (i = 0; i < NR_CMDS; i++)
		fprintf(f, "  %-16s %s\n", cmds[i].name, cmds[i].help);
	fprintf(f,
		"\n"
		"exit status: the command's (0 nothing found, 1 finding, 2 error,\n"
		"  3 inconclusive or no data); 2 when COMMAND cannot be run\n");
}

/* dir/kradar-NAME when it is an executable file */
static int try_dir(char *path, size_t len, const char *dir, const char *name)
{
	struct stat st;
	int n;

	if (!dir || !*dir)
		return -1;
	n = snprintf(path, len, "%s/kradar-%s", dir, name);
	if (n < 0 || (size_t)n >= len)
		return -1;
	if (stat(path, &st) || !S_ISREG(st.st_mode) || access(path, X_OK))
		return -1;
	return 0;
}

/* Each directory of a ':' list, in order. */
static int try_list(char *path, size_t len, const char *list, const char *name)
{
	char dir[PATH_MAX];

	while (list && *list) {
		const char *end = strchr(list, ':');
		size_t n = end ? (size_t)(end - list) : strlen(list);

		if (n && n < sizeof(dir)) {
			memcpy(dir, list, n);
			dir[n] = 0;
			if (!try_dir(path, len, dir, name))
				return 0;
		}
		list = end ? end + 1 : NULL;
	}
	return -1;
}

static int find_cmd(char *path, size_t len, const char *name)
{
	static const char *const rel[] = { "", "/../libexec/kradar", "/../tools" };
	char self[PATH_MAX], dir[PATH_MAX];
	ssize_t n;
	size_t i;

	if (try_list(path, len, getenv("KRADAR_EXEC_PATH"), name) == 0)
		return 0;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		char *slash;

		self[n] = 0;
		slash = strrchr(self, '/');
		if (slash) {
			*slash = 0;
			for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
				if ((size_t)snprintf(dir, sizeof(dir), "%s%s", self,
						     rel[i]) >= sizeof(dir))
					continue;
				if (!try_dir(path, len, dir, name))
					return 0;
			}
		}
	}
	return try_list(path, len, getenv("PATH"), name);
}

static int run_cmd(const char *name, int argc, char **argv)
{
	char path[PATH_MAX];
	char **args;
	int i;

	if (!*name || strchr(name, '/') || name[0] == '-') {
		kradar_err("'%s' is not a kradar command (see kradar --help)", name);
		return KRADAR_EXIT_ERROR;
	}
	if (find_cmd(path, sizeof(path), name)) {
		kradar_err("'%s' is not a kradar command: no kradar-%s found (see kradar --help)",
			   name, name);
		return KRADAR_EXIT_ERROR;
	}
	args = calloc((size_t)argc + 1, sizeof(*args));
	if (!args) {
		kradar_err("out of memory");
		return KRADAR_EXIT_ERROR;
	}
	args[0] = path;
	for (i = 1; i < argc; i++)
		args[i] = argv[i];
	fflush(NULL);
	execv(path, args);
	kradar_err("cannot run %s: %s", path, strerror(errno));
	free(args);
	return KRADAR_EXIT_ERROR;
}

static int do_help(int argc, char **argv)
{
	char *args[] = { argv[0], "--help", NULL };

	if (argc < 2)
		return kradar_cli_help(usage);
	if (argc > 2)
		return kradar_cli_bad_arg(argv[2]);
	args[0] = argv[1];
	return run_cmd(argv[1], 2, args);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	kradar_cli_init("kradar");
	opterr = 0;
	/* '+': the options after COMMAND are the command's */
	while ((ch = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			return kradar_cli_help(usage);
		case 'V':
			return kradar_cli_version();
		default:
			return kradar_cli_bad_option(argv, ch);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return KRADAR_EXIT_ERROR;
	}
	if (!strcmp(argv[optind], "help"))
		return do_help(argc - optind, argv + optind);
	if (!strcmp(argv[optind], "version"))
		return kradar_cli_version();
	return run_cmd(argv[optind], argc - optind, argv + optind);
}
