// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-compare's output: a side-by-side table per section and the
 * verdict, as text for a terminal, as text for a mailing-list reply
 * (every line within 75 columns: prose wrapped at 72, the table's columns
 * as wide as their widest cell, a label too long for its column on a line
 * of its own), or as JSON. No line ends in a space. Values go through
 * libkradar's out.h, one call for the text and the JSON, so the two
 * cannot drift apart; the table lines and the wrapped prose are text
 * only, their values are the JSON's.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "out.h"

#define WRAP_COLS	72	/* mail body width */
#define MAIL_COLS	75	/* widest line of the email, tables included */
#define MAIL_LABEL_MIN	20	/* email: narrowest label column */
#define LABEL_W		42	/* table: label column */
#define CELL_W		25	/* table: one side */

struct printer {
	struct out o;		/* text or JSON */
	enum kradar_cmp_format fmt;
	int lw, bw, cw;		/* table columns: label, baseline, candidate */
};

/* One table line: "  LABEL BASE CAND MARK", without trailing spaces. A
 * label wider than its column: cut in the terminal's table, on a line of
 * its own in the email (which must stay within MAIL_COLS). Text only. */
static void table_line(struct printer *p, const char *label, const char *b,
		       const char *c, const char *mark)
{
	char line[1024], *clean;
	int n;

	if (p->o.json)
		return;
	clean = out_clean(label, false);	/* signatures are guest text */
	if (clean)
		label = clean;
	if (p->fmt == KRADAR_FMT_EMAIL && (int)strlen(label) > p->lw) {
		out_text(&p->o, "  %s\n", label);
		label = "";
	}
	n = snprintf(line, sizeof(line), "  %-*.*s %-*s %-*s %s", p->lw, p->lw, label,
		     p->bw, b, p->cw, c, mark);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = 0;
	out_text(&p->o, "%s\n", line);
	free(clean);
}

static const char *change_name(enum kradar_cmp_change c)
{
	switch (c) {
	case KRADAR_CH_SAME: return "same";
	case KRADAR_CH_BETTER: return "better";
	case KRADAR_CH_WORSE: return "worse";
	case KRADAR_CH_CHANGED: return "changed";
	default: return "n/a";
	}
}

/* Text for one side of a row. */
static void cell(char *buf, size_t len, const struct kradar_cmp_row *row,
		 const struct kradar_cmp_stat *st, size_t runs)
{
	if (row->count_row && st->n)
		snprintf(buf, len, "%zu/%zu", st->nonzero, runs);
	else
		kradar_cmp__fmt_stat(buf, len, st, row->unit);
}

static const char *change_mark(const struct kradar_cmp_row *row)
{
	switch (row->change) {
	case KRADAR_CH_BETTER: return "better";
	case KRADAR_CH_WORSE: return "WORSE";
	case KRADAR_CH_CHANGED: return row->count_row ? "" : "changed";
	case KRADAR_CH_SAME: return row->dir == KRADAR_DIR_INFO ? "" : "~";
	default: return "";
	}
}

/* One side of a row in JSON; its text is the table's cell */
static void emit_stat(struct out *o, const char *key, const struct kradar_cmp_stat *st)
{
	if (!st->n) {
		out_null(o, key, NULL);
		return;
	}
	out_obj_open(o, key);
	out_uint(o, "runs", NULL, st->n);
	out_uint(o, "nonzero_runs", NULL, st->nonzero);
	out_double(o, "min", NULL, st->min);
	out_double(o, "median", NULL, st->median);
	out_double(o, "max", NULL, st->max);
	out_obj_close(o);
}

static void emit_row(struct printer *p, const struct kradar_cmp_section *sec,
		     const struct kradar_cmp_row *row)
{
	struct out *o = &p->o;
	char b[96], c[96];

	out_obj_open(o, NULL);
	out_str(o, "key", NULL, row->key);
	out_str(o, "label", NULL, row->label);
	out_str(o, "unit", NULL, row->unit);
	emit_stat(o, "base", &row->base);
	emit_stat(o, "candidate", &row->cand);
	out_str(o, "change", NULL, change_name(row->change));
	out_bool(o, "judged", NULL, row->dir != KRADAR_DIR_INFO);
	out_bool(o, "timing", NULL, (row->role & KRADAR_ROLE_TIMING) != 0);
	out_obj_close(o);
	/* a row that is "-" on both sides says nothing */
	if (!row->base.n && !row->cand.n && !strstr(row->key, "longest"))
		return;
	cell(b, sizeof(b), row, &row->base, sec->base->nr);
	cell(c, sizeof(c), row, &row->cand, sec->cand->nr);
	table_line(p, row->label, b, c, change_mark(row));
}

static void emit_sig(struct printer *p, const struct kradar_cmp_section *sec, size_t i)
{
	const char *sig = sec->sigs[i];
	bool cut = p->fmt != KRADAR_FMT_EMAIL && (int)strlen(sig) > p->lw;
	char b[32], c[32];

	snprintf(b, sizeof(b), "%zu/%zu", sec->sig_base[i], sec->base->nr);
	snprintf(c, sizeof(c), "%zu/%zu", sec->sig_cand[i], sec->cand->nr);
	table_line(p, sig, b, c, "");
	out_obj_open(&p->o, NULL);
	/* the terminal's table cut it: in full under its line */
	out_str(&p->o, "signature", cut ? "    (%s)\n" : NULL, sig);
	out_uint(&p->o, "base_runs", NULL, sec->sig_base[i]);
	out_uint(&p->o, "candidate_runs", NULL, sec->sig_cand[i]);
	out_obj_close(&p->o);
}

/* Column widths: the terminal's fixed ones; in the email each column as
 * wide as its widest cell, the label column taking what is left of
 * MAIL_COLS (but no more than its widest label). */
static void layout(struct printer *p, const struct kradar_cmp_section *sec)
{
	int mw = 6, lmax = 0, room;	/* "change" */
	size_t i;

	p->lw = LABEL_W;
	p->bw = p->cw = CELL_W;
	if (p->fmt != KRADAR_FMT_EMAIL)
		return;
	p->bw = (int)strlen(sec->base->label);
	p->cw = (int)strlen(sec->cand->label);
	for (i = 0; i < sec->nr_rows; i++) {
		const struct kradar_cmp_row *row = &sec->rows[i];
		char b[96], c[96];

		cell(b, sizeof(b), row, &row->base, sec->base->nr);
		cell(c, sizeof(c), row, &row->cand, sec->cand->nr);
		if ((int)strlen(b) > p->bw)
			p->bw = (int)strlen(b);
		if ((int)strlen(c) > p->cw)
			p->cw = (int)strlen(c);
		if ((int)strlen(change_mark(row)) > mw)
			mw = (int)strlen(change_mark(row));
		if ((int)strlen(row->label) > lmax)
			lmax = (int)strlen(row->label);
	}
	for (i = 0; i < sec->nr_sigs; i++)
		if ((int)strlen(sec->sigs[i]) > lmax)
			lmax = (int)strlen(sec->sigs[i]);
	if ((int)strlen("problems seen (runs)") > lmax)
		lmax = (int)strlen("problems seen (runs)");
	room = MAIL_COLS - 2 - 1 - p->bw - 1 - p->cw - 1 - mw;
	p->lw = room < MAIL_LABEL_MIN ? MAIL_LABEL_MIN : room;
	if (p->lw > lmax)
		p->lw = lmax;
}

static void wrap(struct printer *p, const char *text, int indent, int col);

/* "  baseline   2 runs: DIR ..", its module override, and in JSON the
 * side's runs */
static void emit_side(struct printer *p, const char *key,
		      const struct kradar_cmp_side *s, size_t problems)
{
	struct out *o = &p->o;
	const char *ov = s->nr ? s->runs[0]->overrides : "";
	size_t i;

	out_obj_open(o, key);
	out_str(o, "label", "  %-10s ", s->label);
	out_uint(o, "runs", "%llu runs: ", s->nr);
	out_uint(o, "problem_runs", NULL, problems);
	out_arr_open(o, "dirs");
	for (i = 0; i < s->nr; i++)
		out_str(o, NULL, i ? NULL : "%s", s->runs[i]->dir);
	out_arr_close(o);
	out_text(o, "%s\n", s->nr > 1 ? " .." : "");
	out_arr_open(o, "no_probe_data");
	for (i = 0; i < s->nr; i++)
		if (kradar_cmp_run__no_data(s->runs[i]))
			out_str(o, NULL, NULL, s->runs[i]->dir);
	out_arr_close(o);
	if (ov[0]) {
		out_text(o, "  %-10s module", "");
		if (p->fmt == KRADAR_FMT_EMAIL) {
			/* name, path, hash, vermagic: on lines of their own if need be */
			out_str(o, "module_overrides", NULL, ov);
			wrap(p, ov, 20, 19);
		} else {
			out_str(o, "module_overrides", " %s\n", ov);
		}
	}
	out_obj_close(o);
}

static void emit_section(struct printer *p, const struct kradar_cmp_section *sec)
{
	struct out *o = &p->o;
	size_t i;

	layout(p, sec);
	out_obj_open(o, sec->name);
	out_text(o, "%s:\n", sec->name);
	emit_side(p, "base", sec->base, sec->base_problems);
	emit_side(p, "candidate", sec->cand, sec->cand_problems);
	out_text(o, "\n");
	table_line(p, "", sec->base->label, sec->cand->label, "change");
	out_arr_open(o, "rows");
	for (i = 0; i < sec->nr_rows; i++)
		emit_row(p, sec, &sec->rows[i]);
	out_arr_close(o);
	out_text(o, "\n");
	table_line(p, "problems seen (runs)", sec->base->label, sec->cand->label, "");
	out_arr_open(o, "signatures");
	for (i = 0; i < sec->nr_sigs; i++)
		emit_sig(p, sec, i);
	out_arr_close(o);
	if (!sec->nr_sigs)
		out_text(o, "  (none)\n");
	out_text(o, "\n");
	out_obj_close(o);
}

/* Prose wrapped at WRAP_COLS, lines indented by @indent; @col is where
 * the cursor already is (0: at the start of a line). '\n' breaks a line.
 * Text only; the prose is cleaned for a terminal first. */
static void wrap(struct printer *p, const char *text, int indent, int col)
{
	char *clean = out_clean(text, true);
	bool line_start = !col;
	const char *s = clean ? clean : "?";
	FILE *f = p->o.f;

	if (p->o.json) {
		free(clean);
		return;
	}
	if (!col)
		col = fprintf(f, "%*s", indent, "");
	while (*s) {
		size_t w;

		if (*s == '\n') {
			s++;
			if (!*s)
				break;
			col = fprintf(f, "\n%*s", indent, "") - 1;
			line_start = true;
			continue;
		}
		if (*s == ' ') {
			s++;
			continue;
		}
		w = strcspn(s, " \n");
		if (!line_start && col + 1 + (int)w > WRAP_COLS) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%.*s", (int)w, s);
		line_start = false;
		s += w;
	}
	fputc('\n', f);
	free(clean);
}

static void emit_verdict(struct printer *p, const struct kradar_cmp_result *res)
{
	const char *v = kradar_cmp__verdict_name(res->verdict);
	bool mail = p->fmt == KRADAR_FMT_EMAIL;
	struct out *o = &p->o;
	size_t i;

	out_str(o, "verdict", mail ? "Verdict: %s:" : "verdict: %s\n", v);
	out_int(o, "exit_code", NULL, kradar_cmp__exit_code(res->verdict));
	out_str(o, "reason", NULL, res->reason);
	wrap(p, res->reason, mail ? 0 : 2, mail ? (int)strlen(v) + 10 : 0);
	out_str(o, "notes", NULL, res->notes);
	if (res->notes[0]) {
		out_text(o, mail ? "\nNotes:\n" : "notes:\n");
		wrap(p, res->notes, 2, 0);
	}
	if (res->chance >= 0)
		out_double(o, "chance_by_luck", NULL, res->chance);
	else
		out_null(o, "chance_by_luck", NULL);
	out_arr_open(o, "focus");
	for (i = 0; i < res->nr_focus; i++)
		out_str(o, NULL, NULL, res->focus[i]);
	out_arr_close(o);
}

/* The email's first paragraph: what was run, how often */
static void intro(struct printer *p, const struct kradar_cmp_result *res)
{
	const struct kradar_cmp_section *first =
		res->have_repro ? &res->repro : &res->control;
	char text[1024];

	snprintf(text, sizeof(text),
		 "Tested with kradar (tools/kradar-run, kradar-compare): %zu runs of the %s with %s and %zu with %s",
		 first->base->nr, first->name, first->base->label,
		 first->cand->nr, first->cand->label);
	if (res->have_repro && res->have_control)
		snprintf(text + strlen(text), sizeof(text) - strlen(text),
			 ", and %zu + %zu runs of a control workload",
			 res->control.base->nr, res->control.cand->nr);
	snprintf(text + strlen(text), sizeof(text) - strlen(text), ".");
	wrap(p, text, 0, 0);
}

int kradar_cmp__print(FILE *f, const struct kradar_cmp_result *res,
		      enum kradar_cmp_format fmt)
{
	struct printer p = { .fmt = fmt };

	out_init(&p.o, f, fmt == KRADAR_FMT_JSON ? OUT_JSON_PRETTY : 0);
	out_obj_open(&p.o, NULL);
	if (fmt == KRADAR_FMT_EMAIL) {
		/* the verdict first: a reply is read from the top */
		intro(&p, res);
		out_text(&p.o, "\n");
		emit_verdict(&p, res);
		out_text(&p.o, "\n");
	} else {
		out_text(&p.o, "kradar-compare\n\n");
	}
	out_obj_open(&p.o, "sections");
	if (res->have_repro)
		emit_section(&p, &res->repro);
	if (res->have_control)
		emit_section(&p, &res->control);
	out_obj_close(&p.o);
	if (fmt != KRADAR_FMT_EMAIL)
		emit_verdict(&p, res);
	return out_finish(&p.o);
}
