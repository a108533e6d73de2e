// SPDX-License-Identifier: GPL-2.0
/*
 * One voice for every command: its name on each message, --version and
 * --help on stdout, one line for a bad option (cli.h,
 * Documentation/cli.rst).
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "kradar.h"

static const char *cli_prog = "kradar";

void kradar_cli_init(const char *prog)
{
	if (prog && *prog)
		cli_prog = prog;
}

const char *kradar_prog(void)
{
	return cli_prog;
}

void kradar_verr(const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", cli_prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void kradar_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kradar_verr(fmt, ap);
	va_end(ap);
}

static int flush_stdout(void)
{
	if (fflush(stdout) || ferror(stdout)) {
		kradar_err("cannot write to standard output");
		return KRADAR_EXIT_ERROR;
	}
	return KRADAR_EXIT_OK;
}

int kradar_cli_version(void)
{
	printf("%s %s\n", cli_prog, kradar_version());
	return flush_stdout();
}

int kradar_cli_help(void (*usage)(FILE *f))
{
	usage(stdout);
	return flush_stdout();
}

int kradar_cli_bad_option(char *const argv[], int ch)
{
	const char *opt = optind > 0 ? argv[optind - 1] : "?";
	char shortopt[3] = { '-', (char)optopt, 0 };

	/* a short option inside a group ("-qx"): optopt names it */
	if (optopt && (!opt || strncmp(opt, "--", 2)))
		opt = shortopt;
	if (ch == ':')
		kradar_err("option '%s' needs a value (usage: %s --help)", opt,
			   cli_prog);
	else
		kradar_err("unknown option '%s' (usage: %s --help)", opt,
			   cli_prog);
	return KRADAR_EXIT_ERROR;
}

int kradar_cli_bad_arg(const char *arg)
{
	kradar_err("unexpected argument '%s' (usage: %s --help)", arg, cli_prog);
	return KRADAR_EXIT_ERROR;
}
