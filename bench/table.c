// SPDX-License-Identifier: GPL-2.0
/*
 * bench-table: the benchmark table. Reads the result lines of the bench
 * programs (bench.h) on stdin and prints one row per figure: what was
 * measured, the goal, and the verdict (met / MISSED / no goal / skipped).
 * Commentary lines (starting with '#') are printed before the table.
 *
 * Exit: 0 every figure measured, 1 some figure skipped, 2 bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROWS_MAX 128

struct row {
	char key[64], value[32], unit[24], goal[24], text[256];
};

/* "<=30", ">=97", "<200", ">0": does v meet it? -1 if no goal. */
static int meets(const char *goal, double v)
{
	char *end;
	double g;

	if (!strncmp(goal, "<=", 2) || !strncmp(goal, ">=", 2)) {
		g = strtod(goal + 2, &end);
		if (*end)
			return -1;
		return goal[0] == '<' ? v <= g : v >= g;
	}
	if (goal[0] == '<' || goal[0] == '>') {
		g = strtod(goal + 1, &end);
		if (*end)
			return -1;
		return goal[0] == '<' ? v < g : v > g;
	}
	return -1;
}

static void fmt_value(const char *value, char *out, size_t len)
{
	double v = strtod(value, NULL);

	if (v >= 1e5)
		snprintf(out, len, "%.0f", v);
	else if (v >= 100)
		snprintf(out, len, "%.1f", v);
	else
		snprintf(out, len, "%.2f", v);
}

int main(void)
{
	static struct row rows[ROWS_MAX];
	char line[1024];
	int n = 0, i, skipped = 0, missed = 0;

	while (fgets(line, sizeof(line), stdin)) {
		struct row *r;
		char *f[6], *p = line;
		int k;

		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "result\t", 7)) {
			if (line[0] == '#')
				printf("%s\n", line);
			continue;
		}
		for (k = 0; k < 6 && p; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p)
				*p++ = '\0';
		}
		if (k < 6 || n == ROWS_MAX) {
			fprintf(stderr, "bench-table: bad result line\n");
			return 2;
		}
		r = &rows[n++];
		snprintf(r->key, sizeof(r->key), "%s", f[1]);
		snprintf(r->value, sizeof(r->value), "%s", f[2]);
		snprintf(r->unit, sizeof(r->unit), "%s", f[3]);
		snprintf(r->goal, sizeof(r->goal), "%s", f[4]);
		snprintf(r->text, sizeof(r->text), "%s", f[5]);
	}
	printf("\n%-26s %14s %-12s %-8s %-8s %s\n", "figure", "measured", "unit",
	       "goal", "verdict", "what");
	for (i = 0; i < n; i++) {
		struct row *r = &rows[i];
		char v[32];
		const char *verdict;

		if (!strcmp(r->value, "skip")) {
			skipped++;
			printf("%-26s %14s %-12s %-8s %-8s %s\n", r->key, "-", r->unit,
			       r->goal, "skipped", r->text);
			continue;
		}
		fmt_value(r->value, v, sizeof(v));
		switch (meets(r->goal, strtod(r->value, NULL))) {
		case 1:
			verdict = "met";
			break;
		case 0:
			verdict = "MISSED";
			missed++;
			break;
		default:
			verdict = "-";
		}
		printf("%-26s %14s %-12s %-8s %-8s %s\n", r->key, v, r->unit,
		       r->goal, verdict, r->text);
	}
	printf("\n%d figures, %d goals missed, %d skipped\n", n, missed, skipped);
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return skipped ? 1 : 0;
}
