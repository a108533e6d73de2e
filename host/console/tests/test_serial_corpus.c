// SPDX-License-Identifier: GPL-2.0
/*
 * Measure the console parser against syzkaller's own verdicts.
 *
 * Every file of ../shared/testdata/syzkaller-reports (or $KRADAR_TESTDATA/
 * syzkaller-reports) holds header lines (TITLE:, ALT:, TYPE:, ...), an
 * empty line and a console log. The log is fed to the parser in odd-sized
 * chunks and the first report's title is compared with TITLE (an ALT title
 * also counts). Three goals, one TAP test each:
 *   - HANG-type logs: >= 95 % agreement
 *   - all logs with a TITLE: >= 80 % agreement
 *   - logs without TITLE: no crash claimed in any
 * Disagreements are printed as TAP comments. SKIPs when the data is absent.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "file.h"
#include "kradar_serial.h"
#include "tap.h"

#define CORPUS_MAX_FILE	(64u << 20)	/* bytes; larger files are an error */
#define CHUNK		4093		/* odd on purpose: lines span chunks */
#define MAX_ALT		32

struct expect {
	char title[KRADAR_SERIAL_TITLE_LEN];
	char alt[MAX_ALT][KRADAR_SERIAL_TITLE_LEN];
	int nr_alt;
	char type[64];
	int corrupted;		/* -1 unknown, 0 N, 1 Y */
};

/* Split header and log; returns the log offset. */
static size_t parse_header(const char *buf, size_t len, struct expect *ex)
{
	size_t pos = 0;

	memset(ex, 0, sizeof(*ex));
	ex->corrupted = -1;
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		char line[512];

		if (n == 0)
			return pos + 1;
		snprintf(line, sizeof(line), "%.*s", (int)(n < 511 ? n : 511), buf + pos);
		if (!strncmp(line, "TITLE: ", 7))
			snprintf(ex->title, sizeof(ex->title), "%.255s", line + 7);
		else if (!strncmp(line, "ALT: ", 5) && ex->nr_alt < MAX_ALT)
			snprintf(ex->alt[ex->nr_alt++], KRADAR_SERIAL_TITLE_LEN, "%.255s", line + 5);
		else if (!strncmp(line, "CORRUPTED: ", 11))
			ex->corrupted = line[11] == 'Y';
		else if (!strncmp(line, "TYPE: ", 6))
			snprintf(ex->type, sizeof(ex->type), "%.63s", line + 6);
		pos += n + 1;
	}
	return len;
}

static int cmp_names(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	long nx = strtol(x, NULL, 10), ny = strtol(y, NULL, 10);

	if (nx != ny)
		return nx < ny ? -1 : 1;
	return strcmp(x, y);
}

int main(void)
{
	const char *env = getenv("KRADAR_TESTDATA");
	char dir[4096];
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, cap = 0, i;
	unsigned hang = 0, hang_ok = 0, titled = 0, titled_ok = 0;
	unsigned untitled = 0, untitled_ok = 0, errors = 0;
	unsigned typed = 0, typed_ok = 0, corr = 0, corr_ok = 0;

	snprintf(dir, sizeof(dir), "%s/syzkaller-reports",
		 env ? env : KRADAR_TOP "/../shared/testdata");
	d = opendir(dir);
	if (!d) {
		char why[4200];

		snprintf(why, sizeof(why), "no test data at %s", dir);
		tap_skip("HANG-type logs: >= 95% titles agree", why);
		tap_skip("logs with a title: >= 80% titles agree", why);
		tap_skip("logs without a title: no crash claimed", why);
		return tap_done();
	}
	while ((de = readdir(d))) {
		struct stat sb;
		char fp[8192];

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "README") ||
		    !strcmp(de->d_name, "README.md"))
			continue;
		snprintf(fp, sizeof(fp), "%s/%s", dir, de->d_name);
		if (stat(fp, &sb) || !S_ISREG(sb.st_mode))
			continue;	/* only log files; sub-directories are not */
		if (nr == cap) {
			cap = cap ? cap * 2 : 512;
			names = realloc(names, cap * sizeof(*names));
			if (!names) {
				perror("realloc");
				return 2;
			}
		}
		names[nr++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, nr, sizeof(*names), cmp_names);

	for (i = 0; i < nr; i++) {
		char path[8192];
		size_t len = 0, off, c;
		char *buf;
		struct expect ex;
		struct kradar_serial *p;
		const struct kradar_serial_report *rep;
		const char *got;
		bool agree;
		int a;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		buf = kradar_file_read(path, CORPUS_MAX_FILE, &len);
		if (!buf) {
			printf("# %s: cannot read: %s\n", names[i], strerror(errno));
			errors++;
			continue;
		}
		off = parse_header(buf, len, &ex);
		p = kradar_serial__new();
		if (!p) {
			printf("# parser: %s\n", strerror(errno));
			return 2;
		}
		for (c = off; c < len; c += CHUNK)
			kradar_serial__feed(p, buf + c, len - c < CHUNK ? len - c : CHUNK);
		kradar_serial__finish(p);
		rep = kradar_serial__report(p, 0);
		got = rep ? rep->title : "";
		if (!ex.title[0]) {
			untitled++;
			if (!rep)
				untitled_ok++;
			else
				printf("# %s: expected no crash, got '%s'\n", names[i], got);
		} else {
			agree = !strcmp(got, ex.title);
			for (a = 0; !agree && a < ex.nr_alt; a++)
				agree = !strcmp(got, ex.alt[a]);
			titled++;
			titled_ok += agree;
			if (ex.type[0] && rep) {
				typed++;
				typed_ok += !strcmp(ex.type, rep->type);
			}
			if (rep) {
				corr++;
				corr_ok += (int)rep->corrupted == (ex.corrupted == 1);
			}
			if (!strcmp(ex.type, "HANG")) {
				hang++;
				hang_ok += agree;
			}
			if (!agree)
				printf("# %s: [%s] expected '%s' got '%s'\n", names[i],
				       ex.type, ex.title, rep ? got : "(no crash)");
		}
		kradar_serial__free(p);
		free(buf);
		free(names[i]);
	}
	free(names);

	printf("# corpus %s: %zu files, %u unreadable\n", dir, nr, errors);
	printf("# HANG-type: %u/%u agree (%.1f%%)\n", hang_ok, hang,
	       hang ? 100.0 * hang_ok / hang : 0.0);
	printf("# with title: %u/%u agree (%.1f%%)\n", titled_ok, titled,
	       titled ? 100.0 * titled_ok / titled : 0.0);
	printf("# without title: %u/%u with no crash claimed\n", untitled_ok, untitled);
	printf("# (information) TYPE agrees: %u/%u, CORRUPTED flag agrees: %u/%u\n",
	       typed_ok, typed, corr_ok, corr);
	tap_ok(hang && hang_ok * 100 >= hang * 95,
	       "HANG-type logs: >= 95%% titles agree (%u/%u)", hang_ok, hang);
	tap_ok(titled && titled_ok * 100 >= titled * 80,
	       "logs with a title: >= 80%% titles agree (%u/%u)", titled_ok, titled);
	tap_ok(untitled_ok == untitled && !errors,
	       "logs without a title: no crash claimed (%u/%u)", untitled_ok, untitled);
	return tap_done();
}
