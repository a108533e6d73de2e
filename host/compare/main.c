// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-compare: baseline runs against candidate runs, with a verdict.
 *
 *   kradar-compare [options] BASE_DIR... -- CAND_DIR...
 *   kradar-compare [options] --control BASE_DIR CAND_DIR [BASE... -- CAND...]
 *
 * A DIR is a run directory of tools/kradar-run or a directory of them
 * (run-1 .. run-N, as kradar-run --runs writes). Exit status: 0 fixed (or,
 * control only, no change beyond noise), 1 not fixed or regressed, 3
 * inconclusive, 2 usage or environment error.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compare.h"

#define PROG "kradar-compare"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] BASE_DIR... -- CAND_DIR...\n"
		"       " PROG " [options] --control BASE_DIR CAND_DIR [BASE_DIR... -- CAND_DIR...]\n"
		"Compare runs of a workload on a baseline and on a candidate kernel or module\n"
		"(tools/kradar-run run directories, or directories of run-1..N) and decide.\n"
		"  --control B C     runs of a control workload (normal use) on the baseline (B)\n"
		"                    and the candidate (C): the candidate must not change it\n"
		"                    beyond noise (repeatable)\n"
		"  --function NAME   judge this hrtimer callback's rate and lateness (repeatable;\n"
		"                    default: callbacks that stormed in the baseline and those\n"
		"                    of a module replaced with --module-override)\n"
		"  --alpha P         accept a chance P that clean candidate runs are luck\n"
		"                    (default %.2f)\n"
		"  --timing          let timing rows (lateness, gap lengths) decide too; they\n"
		"                    are noisy on a shared or emulated (TCG) host\n"
		"  --base-label S    --cand-label S   column names (baseline, candidate)\n"
		"  --email           text for a mailing-list reply\n"
		"  --json            JSON\n"
		"  -h, --help        this text;  -V, --version  the version (git describe)\n"
		"Exit status: 0 fixed (control only: no change beyond noise), 1 not fixed or\n"
		"regressed, 3 inconclusive, 2 usage or environment error.\n",
		KRADAR_CMP_ALPHA);
}

static int add_dir(struct kradar_cmp_side *s, const char *dir)
{
	char err[1024] = "";

	if (kradar_cmp_side__add(s, dir, err, sizeof(err))) {
		kradar_err("%s", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "control", required_argument, NULL, 'c' },
		{ "function", required_argument, NULL, 'f' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "timing", no_argument, NULL, 't' },
		{ "base-label", required_argument, NULL, 'B' },
		{ "cand-label", required_argument, NULL, 'C' },
		{ "email", no_argument, NULL, 'e' },
		{ "json", no_argument, NULL, 'j' },
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	static struct kradar_cmp_side base, cand, cbase, ccand;
	struct kradar_cmp_opts opts = { .alpha = KRADAR_CMP_ALPHA };
	enum kradar_cmp_format fmt = KRADAR_FMT_TEXT;
	struct kradar_cmp_result res;
	const char *blabel = "baseline", *clabel = "candidate";
	bool after_sep = false, have_control = false;
	int c, i, rc = 2, err;
	char *end;

	kradar_cli_init(PROG);
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			if (optind >= argc || !strcmp(argv[optind], "--")) {
				kradar_err("--control needs two directories: BASE_DIR CAND_DIR");
				goto out;
			}
			if (add_dir(&cbase, optarg) || add_dir(&ccand, argv[optind]))
				goto out;
			optind++;
			have_control = true;
			break;
		case 'f':
			if (opts.nr_focus >= sizeof(opts.focus) / sizeof(opts.focus[0])) {
				kradar_err("at most %zu --function options",
					sizeof(opts.focus) / sizeof(opts.focus[0]));
				goto out;
			}
			opts.focus[opts.nr_focus++] = optarg;
			break;
		case 'a':
			errno = 0;
			opts.alpha = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(opts.alpha > 0 && opts.alpha < 1)) {
				kradar_err("--alpha wants a probability between 0 and 1, got '%s'", optarg);
				goto out;
			}
			break;
		case 't': opts.timing = true; break;
		case 'B': blabel = optarg; break;
		case 'C': clabel = optarg; break;
		case 'e': fmt = KRADAR_FMT_EMAIL; break;
		case 'j': fmt = KRADAR_FMT_JSON; break;
		case 'h': rc = kradar_cli_help(usage); goto out;
		case 'V': rc = kradar_cli_version(); goto out;
		default: rc = kradar_cli_bad_option(argv, c); goto out;
		}
	}
	for (i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "--")) {
			if (after_sep) {
				kradar_err("'--' given twice");
				goto out;
			}
			after_sep = true;
			continue;
		}
		if (add_dir(after_sep ? &cand : &base, argv[i]))
			goto out;
	}
	if ((base.nr || cand.nr) && (!base.nr || !cand.nr)) {
		kradar_err("give baseline and candidate runs: BASE_DIR... -- CAND_DIR...");
		usage(stderr);
		goto out;
	}
	if (!base.nr && !have_control) {
		usage(stderr);
		goto out;
	}
	base.label = cbase.label = blabel;
	cand.label = ccand.label = clabel;
	err = kradar_cmp__decide(&res, base.nr ? &base : NULL, base.nr ? &cand : NULL,
				 have_control ? &cbase : NULL,
				 have_control ? &ccand : NULL, &opts);
	if (err) {
		kradar_err("cannot compare: %s", strerror(-err));
		kradar_cmp_result__clear(&res);
		goto out;
	}
	err = kradar_cmp__print(stdout, &res, fmt);
	rc = kradar_cmp__exit_code(res.verdict);
	kradar_cmp_result__clear(&res);
	if (err || fflush(stdout) || ferror(stdout)) {
		kradar_err("writing the result failed");
		rc = 2;
	}
out:
	kradar_cmp_side__clear(&base);
	kradar_cmp_side__clear(&cand);
	kradar_cmp_side__clear(&cbase);
	kradar_cmp_side__clear(&ccand);
	return rc;
}
