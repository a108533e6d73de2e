// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report: explain what a run left behind.
 *
 * Modes come from a table, one file per mode (report_<mode>.c):
 *   DIR            the report of a run directory (report_run.c): probe
 *                  records, console and runner notes on one clock, stall
 *                  windows classified, syzbot comparison; text, email,
 *                  JSON, Perfetto and timeline.svg
 *   --serial LOG   crash titles (syzkaller-compatible), signature lines
 *                  with printk times and key frames of a kernel console log
 * Global options: --json (machine-readable output), -h/--help.
 * Exit status: 0 nothing found, 1 crash or stall found, 2 usage or I/O error,
 * 3 inconclusive: no data (DIR: no probe record and a clean console;
 * --serial: an empty log).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

struct mode {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct mode modes[] = {
	{ "--serial", do_serial, "LOG",
	  "titles, signature lines and key frames of a kernel console log\n"
	  "                   (syzbot console log or a guest's serial.log; - reads stdin)" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: %s [--json] MODE ARGS\n", prog_name);
	fprintf(f, "  DIR [--format text|email|json|perfetto] [--syzbot-report FILE]\n"
		   "      [--syzbot-log FILE] [--vmlinux FILE] [--ko FILE]... [--out FILE]\n"
		   "      [--no-files]\n"
		   "                   report of a run directory (tools/kradar-run); also\n"
		   "                   writes DIR/timeline.svg, report-email.txt, report.json,\n"
		   "                   trace.perfetto.json (unless --no-files)\n");
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(f, "  %s %s\n                   %s\n", modes[i].name,
			modes[i].args, modes[i].help);
	fprintf(f, "exit status: 0 nothing found, 1 crash or stall found, "
		   "2 usage or I/O error,\n"
		   "  3 inconclusive: no data (DIR: no probe record and nothing on the\n"
		   "  console; --serial: an empty log)\n");
}

int main(int argc, char **argv)
{
	const struct mode *mode = NULL;
	char **rest;
	int i, nrest = 0, ret;

	rest = calloc((size_t)argc + 1, sizeof(*rest));
	if (!rest) {
		fprintf(stderr, "%s: out of memory\n", prog_name);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		size_t m;

		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json_output = true;
			continue;
		}
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			free(rest);
			return fflush(stdout) ? 2 : 0;
		}
		if (!mode) {
			for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++)
				if (!strcmp(argv[i], modes[m].name))
					mode = &modes[m];
			if (mode)
				continue;
		}
		rest[nrest++] = argv[i];
	}
	if (!mode && nrest) {
		ret = do_run(nrest, rest);
		free(rest);
		if (out_finish()) {
			fprintf(stderr, "%s: cannot write output: %m\n", prog_name);
			return 2;
		}
		return ret;
	}
	if (!mode) {
		p_err("no mode given; try DIR or --serial LOG (see --help)");
		out_finish();
		free(rest);
		return 2;
	}
	ret = mode->fn(nrest, rest);
	free(rest);
	if (out_finish()) {
		fprintf(stderr, "%s: cannot write output: %m\n", prog_name);
		return 2;
	}
	return ret;
}
