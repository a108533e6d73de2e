// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-vcpus: say what each vCPU of a frozen QEMU guest is doing,
 * through QEMU's QMP socket (Documentation/runner.rst, "Frozen guests").
 *
 *   kradar-vcpus --qmp OUT/qmp.sock [--kallsyms FILE (--text-addr ADDR |
 *                --serial OUT/serial.log)] [--samples N] [--interval MS]
 *                [--record TRANSCRIPT]
 *   kradar-vcpus --replay TRANSCRIPT [symbol options]
 *
 * Exit status: 0 captured, 1 connected but no registers came back,
 * 2 usage error or no connection.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vcpus.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kradar-vcpus (--qmp SOCKET | --replay TRANSCRIPT) [options]\n"
		"  --qmp SOCKET        QEMU's QMP unix socket (kradar-run: OUT/qmp.sock)\n"
		"  --replay FILE       analyse a transcript written by --record instead\n"
		"  --kallsyms FILE     kernel text symbols (/proc/kallsyms format)\n"
		"  --text-addr ADDR    the guest kernel's runtime _text (undoes KASLR)\n"
		"  --serial LOG        take _text from kradar-run's 'kernel _text' console line\n"
		"  --samples N         register samples (default 8, at most %d)\n"
		"  --interval MS       between samples (default 250)\n"
		"  --record FILE       write every QMP exchange to FILE\n"
		"  -h, --help          this text;  -V, --version  the version (git describe)\n"
		"Exit status: 0 captured, 1 no registers came back, 2 usage or connection error.\n",
		VC_MAX_SAMPLES);
}

static int num(const char *s, long lo, long hi, long *v)
{
	char *e;

	errno = 0;
	*v = strtol(s, &e, 10);
	return errno || *e || e == s || *v < lo || *v > hi ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "qmp", required_argument, NULL, 'q' },
		{ "replay", required_argument, NULL, 'R' },
		{ "kallsyms", required_argument, NULL, 'k' },
		{ "text-addr", required_argument, NULL, 't' },
		{ "serial", required_argument, NULL, 's' },
		{ "samples", required_argument, NULL, 'n' },
		{ "interval", required_argument, NULL, 'i' },
		{ "record", required_argument, NULL, 'r' },
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	const char *qmp = NULL, *replay = NULL, *ksyms = NULL, *serial = NULL;
	const char *textarg = NULL, *recpath = NULL;
	struct vc_opts o = { .samples = 8, .interval_ms = 250 };
	struct vc_syms syms = { 0 };
	struct vc_capture *c = NULL;
	struct vc_qmp *q = NULL;
	FILE *rec = NULL;
	char err[512];
	int opt, rc = 2;
	long v;

	kradar_cli_init("kradar-vcpus");
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":hV", lo, NULL)) != -1) {
		switch (opt) {
		case 'q': qmp = optarg; break;
		case 'R': replay = optarg; break;
		case 'k': ksyms = optarg; break;
		case 't': textarg = optarg; break;
		case 's': serial = optarg; break;
		case 'r': recpath = optarg; break;
		case 'n':
			if (num(optarg, 1, VC_MAX_SAMPLES, &v)) {
				kradar_err("--samples takes 1..%d", VC_MAX_SAMPLES);
				return 2;
			}
			o.samples = (int)v;
			break;
		case 'i':
			if (num(optarg, 0, 60000, &v)) {
				kradar_err("--interval takes 0..60000 ms");
				return 2;
			}
			o.interval_ms = (int)v;
			break;
		case 'h':
			return kradar_cli_help(usage);
		case 'V':
			return kradar_cli_version();
		default:
			return kradar_cli_bad_option(argv, opt);
		}
	}
	if (optind < argc)
		return kradar_cli_bad_arg(argv[optind]);
	if (!qmp == !replay) {
		usage(stderr);
		kradar_err("give one of --qmp SOCKET or --replay TRANSCRIPT");
		return 2;
	}
	if (textarg && serial) {
		kradar_err("--text-addr and --serial exclude each other");
		return 2;
	}

	if (ksyms) {
		uint64_t text = 0;
		bool have_text = false;

		if (vc_syms__load(&syms, ksyms, err, sizeof(err))) {
			kradar_err("%s", err);
			return 2;
		}
		if (textarg) {
			char *e;

			errno = 0;
			text = strtoull(textarg, &e, 16);
			if (errno || *e || e == textarg || text < 0xffffffff80000000ull) {
				kradar_err("--text-addr '%s' is not a kernel address (hex, like ffffffff81000000)",
					textarg);
				goto out;
			}
			have_text = true;
		} else if (serial) {
			if (vc_text_from_serial(serial, &text, err, sizeof(err))) {
				kradar_err("%s; addresses are shown without symbols", err);
				vc_syms__free(&syms);
			} else {
				have_text = true;
			}
		} else {
			kradar_err("no --text-addr or --serial: the symbol list's addresses are used as they are (right only for the boot it was taken from, or nokaslr)");
		}
		if (have_text)
			syms.offset = (int64_t)(text - syms.file_text);
	}

	if (recpath) {
		rec = fopen(recpath, "w");
		if (!rec) {
			kradar_err("cannot write %s: %s", recpath, strerror(errno));
			goto out;
		}
	}
	q = replay ? vc_qmp__replay(replay, err, sizeof(err))
		   : vc_qmp__connect(qmp, rec, err, sizeof(err));
	if (!q) {
		kradar_err("%s%s", err,
			replay ? "" : " (is the guest's QEMU still running with -qmp unix:...,server=on?)");
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		kradar_err("out of memory");
		goto out;
	}
	rc = vc_capture(q, &o, c) ? 1 : 0;
	if (rc)
		kradar_err("no registers came back from QEMU%s%s",
			c->problem[0] ? ": " : "", c->problem);
	if (vc_report(stdout, c, syms.n ? &syms : NULL, ksyms) || fclose(stdout)) {
		kradar_err("cannot write the report: %s", strerror(errno));
		rc = 2;
	}
out:
	if (rec && fclose(rec) && rc == 0) {
		kradar_err("cannot write %s", recpath);
		rc = 2;
	}
	free(c);
	vc_qmp__free(q);
	vc_syms__free(&syms);
	return rc;
}
