// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report: explain what a run left behind.
 *
 * Modes, one file each (report_<mode>.c):
 *   DIR            the report of a run directory (report_run.c): probe
 *                  records, console and runner notes on one clock, stall
 *                  windows classified, syzbot comparison; text, email,
 *                  JSON, Perfetto and timeline.svg
 *   --serial LOG   crash titles (syzkaller-compatible), signature lines
 *                  with printk times and key frames of a kernel console log
 * Every option is parsed here, once, by getopt_long; options may come
 * before or after DIR. Global options: --json, -h/--help, -V/--version.
 * Exit status: 0 nothing found, 1 crash or stall found, 2 usage or I/O error,
 * 3 inconclusive: no data (DIR: no probe record and a clean console;
 * --serial: an empty log).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: %s [--json] DIR [--format text|email|json|perfetto]\n"
		   "           [--syzbot-report FILE] [--syzbot-log FILE] [--vmlinux FILE]\n"
		   "           [--ko FILE]... [--out FILE] [--no-files]\n"
		   "       %s [--json] --serial LOG\n"
		   "  DIR              report of a run directory (tools/kradar-run); also\n"
		   "                   writes DIR/timeline.svg, report-email.txt, report.json,\n"
		   "                   trace.perfetto.json (unless --no-files)\n"
		   "  --serial LOG     titles, signature lines and key frames of a kernel console log\n"
		   "                   (syzbot console log or a guest's serial.log; - reads stdin)\n"
		   "  -j, --json       JSON output\n"
		   "  -h, --help       this text;  -V, --version  the version (git describe)\n"
		   "exit status: 0 nothing found, 1 crash or stall found, "
		   "2 usage or I/O error,\n"
		   "  3 inconclusive: no data (DIR: no probe record and nothing on the\n"
		   "  console; --serial: an empty log)\n", prog_name, prog_name);
}

/* Finish the output; a lost write is exit 2, never a lost error. */
static int finish(struct out *o, int ret)
{
	int e = out_finish(o);

	if (e) {
		kradar_err("cannot write output: %s", strerror(-e));
		return KRADAR_EXIT_ERROR;
	}
	return ret;
}

int main(int argc, char **argv)
{
	enum { O_FORMAT = 256, O_SYZ_REPORT, O_SYZ_LOG, O_VMLINUX, O_KO, O_OUT,
	       O_NO_FILES, O_SERIAL };
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "serial", required_argument, NULL, O_SERIAL },
		{ "format", required_argument, NULL, O_FORMAT },
		{ "syzbot-report", required_argument, NULL, O_SYZ_REPORT },
		{ "syzbot-log", required_argument, NULL, O_SYZ_LOG },
		{ "vmlinux", required_argument, NULL, O_VMLINUX },
		{ "ko", required_argument, NULL, O_KO },
		{ "out", required_argument, NULL, O_OUT },
		{ "no-files", no_argument, NULL, O_NO_FILES },
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct run_args ra = { 0 };
	struct out o;	/* standard output; --serial prints its document there */
	const char *serial = NULL, *run_opt = NULL;
	char **rest;
	int ch, nrest = 0, ret;

	kradar_cli_init(prog_name);
	out_init(&o, stdout, 0);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":jhV", longopts, NULL)) != -1) {
		if (ch >= O_FORMAT && ch < O_SERIAL)
			run_opt = argv[optind - 1];
		switch (ch) {
		case 'j':
			json_output = true;
			break;
		case 'h':
			return kradar_cli_help(usage);
		case 'V':
			return kradar_cli_version();
		case O_SERIAL:
			serial = optarg;
			break;
		case O_FORMAT:
			ra.format = optarg;
			break;
		case O_SYZ_REPORT:
			ra.syz_report = optarg;
			break;
		case O_SYZ_LOG:
			ra.syz_log = optarg;
			break;
		case O_VMLINUX:
			ra.vmlinux = optarg;
			break;
		case O_KO:
			if (ra.nko >= RUN_MAX_KO) {
				p_err("at most %d --ko files", RUN_MAX_KO);
				return finish(&o, KRADAR_EXIT_ERROR);
			}
			ra.ko[ra.nko++] = optarg;
			break;
		case O_OUT:
			ra.out = optarg;
			break;
		case O_NO_FILES:
			ra.no_files = true;
			break;
		default:
			return kradar_cli_bad_option(argv, ch);
		}
	}
	rest = argv + optind;
	nrest = argc - optind;
	if (serial) {
		char **logs;

		if (run_opt) {
			p_err("%s is an option of the run report (DIR), not of --serial LOG",
			      run_opt);
			return finish(&o, KRADAR_EXIT_ERROR);
		}
		/* --serial LOG [more]: do_serial says when there is more than one */
		logs = calloc((size_t)nrest + 2, sizeof(*logs));
		if (!logs) {
			kradar_err("out of memory");
			return KRADAR_EXIT_ERROR;
		}
		logs[0] = (char *)serial;
		memcpy(logs + 1, rest, (size_t)nrest * sizeof(*rest));
		out_init(&o, stdout, json_output ? REPORT_OUT_JSON : 0);
		ret = do_serial(&o, nrest + 1, logs);
		free(logs);
		return finish(&o, ret);
	}
	if (!nrest) {
		p_err("no mode given; try DIR or --serial LOG (see --help)");
		return finish(&o, KRADAR_EXIT_ERROR);
	}
	if (nrest > 1) {
		p_err("one run directory at a time (got %s and %s)", rest[0], rest[1]);
		return finish(&o, KRADAR_EXIT_ERROR);
	}
	ra.dir = rest[0];
	return finish(&o, do_run(&ra));
}
