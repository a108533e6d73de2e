// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-lore: read the mailing-list thread of a syzbot bug and write a
 * reply carrying kradar's evidence. Subcommands come from a table, one
 * file each (summary.c, reply.c). It never sends mail.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "main.h"
#include "out.h"

#pragma GCC poison u8 u16 u32 u64

bool json_output;
const char *prog = "kradar-lore";

void p_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	kradar_err("%s", msg);
	if (json_output)
		out_error(stdout, OUT_JSON_PRETTY, msg);
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kradar_verr(fmt, ap);
	va_end(ap);
}

int close_output(FILE *f, const char *what)
{
	int bad = ferror(f);

	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad) {
		kradar_err("writing %s failed (disk full or closed pipe?)", what);
		return EXIT_FINDING;
	}
	return 0;
}

static const struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "summary", do_summary,
	  "THREAD.mbox|- [--mid MSGID] [--show-bodies N] [--json]\n"
	  "        summary --fetch MSGID [...]  (needs libcurl and network)" },
	{ "reply", do_reply,
	  "THREAD.mbox|- --to MSGID --evidence RUN_DIR [--from \"Name <addr>\"]\n"
	  "        [--tested-by \"Name <addr>\"] [--reported-by \"Name <addr>\"]\n"
	  "        [--quote-paragraphs N] [-o FILE]" },
	{ "help", do_help, "" },
};

static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
		"Usage: %s [--json] COMMAND ARGS\n"
		"Read the lore thread of a syzbot bug; write a reply with kradar's evidence.\n\n",
		prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (*cmds[i].help)
			fprintf(f, "  %s %s %s\n", prog, cmds[i].name,
				cmds[i].help);
	fprintf(f,
		"\n  -j, --json     JSON output\n"
		"  -h, --help     this text (also: %s help, %s COMMAND --help)\n"
		"  -V, --version  the version (git describe)\n"
		"\nInput: 'b4 mbox MSGID' output or lore's t.mbox.gz (gzip or not).\n"
		"Exit: 0 ok, 1 output could not be written, 2 usage or input error.\n"
		"See Documentation/lore.rst.\n", prog, prog);
}

int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return kradar_cli_help(usage);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int ch;
	size_t c;

	kradar_cli_init(prog);
	opterr = 0;
	/* '+': options after COMMAND are the subcommand's */
	while ((ch = getopt_long(argc, argv, "+:jhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json_output = true;
			break;
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
		return EXIT_USAGE;
	}
	for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
		if (!strcmp(argv[optind], cmds[c].name))
			return cmds[c].func(argc - optind, argv + optind);
	p_err("unknown command '%s' (commands: summary, reply, help)", argv[optind]);
	return EXIT_USAGE;
}
