// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-lore: read the mailing-list thread of a syzbot bug and write a
 * reply carrying kradar's evidence. Subcommands come from a table, one
 * file each (summary.c, reply.c). It never sends mail.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	fprintf(stderr, "%s: %s\n", prog, msg);
	if (json_output) {
		struct out o;

		out_init(&o, stdout, true);
		out_obj_open(&o, NULL);
		out_str(&o, "error", NULL, msg);
		out_obj_close(&o);
		fflush(stdout);
	}
}

void p_info(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int close_output(FILE *f, const char *what)
{
	int bad = ferror(f);

	if (f == stdout)
		bad |= fflush(f) != 0;
	else
		bad |= fclose(f) != 0;
	if (bad) {
		fprintf(stderr, "%s: writing %s failed (disk full or closed pipe?)\n",
			prog, what);
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

int do_help(int argc, char **argv)
{
	size_t i;

	(void)argc;
	(void)argv;
	fprintf(stderr,
		"Usage: %s [--json] COMMAND ARGS\n"
		"Read the lore thread of a syzbot bug; write a reply with kradar's evidence.\n\n",
		prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (*cmds[i].help)
			fprintf(stderr, "  %s %s %s\n", prog, cmds[i].name,
				cmds[i].help);
	fprintf(stderr,
		"\nInput: 'b4 mbox MSGID' output or lore's t.mbox.gz (gzip or not).\n"
		"Exit: 0 ok, 1 output could not be written, 2 usage or input error.\n"
		"See Documentation/lore.rst.\n");
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1;
	size_t c;

	while (i < argc && argv[i][0] == '-') {
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j")) {
			json_output = true;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			do_help(-1, NULL);
			return 0;
		} else {
			p_err("unknown option '%s' (try '%s help')", argv[i],
			      prog);
			return EXIT_USAGE;
		}
		i++;
	}
	if (i >= argc) {
		do_help(0, NULL);
		return EXIT_USAGE;
	}
	for (c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++)
		if (!strcmp(argv[i], cmds[c].name))
			return cmds[c].func(argc - i, argv + i);
	p_err("unknown command '%s' (commands: summary, reply, help)", argv[i]);
	return EXIT_USAGE;
}
