// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-compare's output: a side-by-side table per section and the
 * verdict, as text for a terminal, as text for a mailing-list reply
 * (every line within 75 columns: prose wrapped at 72, the table's columns
 * as wide as their widest cell, a label too long for its column on a line
 * of its own), or as JSON. No line ends in a space. Every item goes through one emit function per kind that writes
 * both forms, so text and JSON cannot drift apart.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <jansson.h>

#include "compare.h"

#define WRAP_COLS	72	/* mail body width */
#define MAIL_COLS	75	/* widest line of the email, tables included */
#define MAIL_LABEL_MIN	20	/* email: narrowest label column */
#define LABEL_W		42	/* table: label column */
#define CELL_W		25	/* table: one side */

struct out {
	FILE *f;
	enum kradar_cmp_format fmt;
	json_t *root;		/* JSON mode */
	json_t *sec;		/* section being written */
	int err;
	int lw, bw, cw;		/* table columns: label, baseline, candidate */
};

/* One table line: "  LABEL BASE CAND MARK", without trailing spaces. A
 * label wider than its column: cut in the terminal's table, on a line of
 * its own in the email (which must stay within MAIL_COLS). */
static void table_line(struct out *o, const char *label, const char *b,
		       const char *c, const char *mark)
{
	char line[1024];
	int n;

	if (o->fmt == KRADAR_FMT_EMAIL && (int)strlen(label) > o->lw) {
		fprintf(o->f, "  %s\n", label);
		label = "";
	}
	n = snprintf(line, sizeof(line), "  %-*.*s %-*s %-*s %s", o->lw, o->lw, label,
		     o->bw, b, o->cw, c, mark);
	if (n > (int)sizeof(line) - 1)
		n = sizeof(line) - 1;
	while (n > 0 && line[n - 1] == ' ')
		line[--n] = 0;
	fprintf(o->f, "%s\n", line);
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

static json_t *stat_json(const struct kradar_cmp_stat *st)
{
	if (!st->n)
		return json_null();
	return json_pack("{s:I,s:I,s:f,s:f,s:f}", "runs", (json_int_t)st->n,
			 "nonzero_runs", (json_int_t)st->nonzero, "min", st->min,
			 "median", st->median, "max", st->max);
}

static void emit_row(struct out *o, const struct kradar_cmp_section *sec,
		     const struct kradar_cmp_row *row)
{
	char b[96], c[96];

	if (o->fmt == KRADAR_FMT_JSON) {
		json_t *rows = json_object_get(o->sec, "rows");
		json_t *r = json_pack("{s:s,s:s,s:s?,s:o,s:o,s:s,s:b,s:b}",
				      "key", row->key, "label", row->label,
				      "unit", row->unit,
				      "base", stat_json(&row->base),
				      "candidate", stat_json(&row->cand),
				      "change", change_name(row->change),
				      "judged", row->dir != KRADAR_DIR_INFO,
				      "timing", (row->role & KRADAR_ROLE_TIMING) != 0);

		if (!r || json_array_append_new(rows, r))
			o->err = -ENOMEM;
		return;
	}
	/* a row that is "-" on both sides says nothing */
	if (!row->base.n && !row->cand.n && !strstr(row->key, "longest"))
		return;
	cell(b, sizeof(b), row, &row->base, sec->base->nr);
	cell(c, sizeof(c), row, &row->cand, sec->cand->nr);
	table_line(o, row->label, b, c, change_mark(row));
}

static void emit_sig(struct out *o, const struct kradar_cmp_section *sec, size_t i)
{
	char b[32], c[32];

	if (o->fmt == KRADAR_FMT_JSON) {
		json_t *sigs = json_object_get(o->sec, "signatures");
		json_t *s = json_pack("{s:s,s:I,s:I}", "signature", sec->sigs[i],
				      "base_runs", (json_int_t)sec->sig_base[i],
				      "candidate_runs", (json_int_t)sec->sig_cand[i]);

		if (!s || json_array_append_new(sigs, s))
			o->err = -ENOMEM;
		return;
	}
	snprintf(b, sizeof(b), "%zu/%zu", sec->sig_base[i], sec->base->nr);
	snprintf(c, sizeof(c), "%zu/%zu", sec->sig_cand[i], sec->cand->nr);
	table_line(o, sec->sigs[i], b, c, "");
	if (o->fmt != KRADAR_FMT_EMAIL && (int)strlen(sec->sigs[i]) > o->lw)
		fprintf(o->f, "    (%s)\n", sec->sigs[i]);
}

/* Column widths: the terminal's fixed ones; in the email each column as
 * wide as its widest cell, the label column taking what is left of
 * MAIL_COLS (but no more than its widest label). */
static void layout(struct out *o, const struct kradar_cmp_section *sec)
{
	int mw = 6, lmax = 0, room;	/* "change" */
	size_t i;

	o->lw = LABEL_W;
	o->bw = o->cw = CELL_W;
	if (o->fmt != KRADAR_FMT_EMAIL)
		return;
	o->bw = (int)strlen(sec->base->label);
	o->cw = (int)strlen(sec->cand->label);
	for (i = 0; i < sec->nr_rows; i++) {
		const struct kradar_cmp_row *row = &sec->rows[i];
		char b[96], c[96];

		cell(b, sizeof(b), row, &row->base, sec->base->nr);
		cell(c, sizeof(c), row, &row->cand, sec->cand->nr);
		if ((int)strlen(b) > o->bw)
			o->bw = (int)strlen(b);
		if ((int)strlen(c) > o->cw)
			o->cw = (int)strlen(c);
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
	room = MAIL_COLS - 2 - 1 - o->bw - 1 - o->cw - 1 - mw;
	o->lw = room < MAIL_LABEL_MIN ? MAIL_LABEL_MIN : room;
	if (o->lw > lmax)
		o->lw = lmax;
}

static json_t *side_json(const struct kradar_cmp_side *s, size_t problems)
{
	json_t *runs = json_array(), *no_data = json_array(), *o;
	size_t i;

	if (!runs || !no_data) {
		json_decref(runs);
		json_decref(no_data);
		return NULL;
	}
	for (i = 0; i < s->nr; i++) {
		json_array_append_new(runs, json_string(s->runs[i]->dir));
		if (kradar_cmp_run__no_data(s->runs[i]))
			json_array_append_new(no_data, json_string(s->runs[i]->dir));
	}
	o = json_pack("{s:s,s:I,s:I,s:o,s:o}", "label", s->label,
		      "runs", (json_int_t)s->nr, "problem_runs", (json_int_t)problems,
		      "dirs", runs, "no_probe_data", no_data);
	if (o && s->nr && s->runs[0]->overrides[0])
		json_object_set_new(o, "module_overrides",
				    json_string(s->runs[0]->overrides));
	return o;
}

static void wrap(FILE *f, const char *text, int indent, int col);

static void side_header(struct out *o, const struct kradar_cmp_side *s)
{
	fprintf(o->f, "  %-10s %zu runs: %s%s\n", s->label, s->nr,
		s->nr ? s->runs[0]->dir : "", s->nr > 1 ? " .." : "");
	if (!s->nr || !s->runs[0]->overrides[0])
		return;
	if (o->fmt == KRADAR_FMT_EMAIL) {
		/* name, path, hash, vermagic: on lines of their own if need be */
		fprintf(o->f, "  %-10s module", "");
		wrap(o->f, s->runs[0]->overrides, 20, 19);
	} else {
		fprintf(o->f, "  %-10s module %s\n", "", s->runs[0]->overrides);
	}
}

static void emit_section(struct out *o, const struct kradar_cmp_section *sec)
{
	size_t i;

	if (o->fmt == KRADAR_FMT_JSON) {
		json_t *sections = json_object_get(o->root, "sections");

		o->sec = json_pack("{s:o,s:o,s:[],s:[]}",
				   "base", side_json(sec->base, sec->base_problems),
				   "candidate", side_json(sec->cand, sec->cand_problems),
				   "rows", "signatures");
		if (!o->sec || json_object_set_new(sections, sec->name, o->sec)) {
			o->err = -ENOMEM;
			return;
		}
	} else {
		layout(o, sec);
		fprintf(o->f, "%s:\n", sec->name);
		side_header(o, sec->base);
		side_header(o, sec->cand);
		fputc('\n', o->f);
		table_line(o, "", sec->base->label, sec->cand->label, "change");
	}
	for (i = 0; i < sec->nr_rows; i++)
		emit_row(o, sec, &sec->rows[i]);
	if (o->fmt != KRADAR_FMT_JSON) {
		fputc('\n', o->f);
		table_line(o, "problems seen (runs)", sec->base->label, sec->cand->label, "");
	}
	for (i = 0; i < sec->nr_sigs; i++)
		emit_sig(o, sec, i);
	if (o->fmt != KRADAR_FMT_JSON) {
		if (!sec->nr_sigs)
			fprintf(o->f, "  (none)\n");
		fprintf(o->f, "\n");
	}
}

/* Prose wrapped at WRAP_COLS, lines indented by @indent; @col is where
 * the cursor already is (0: at the start of a line). '\n' breaks a line. */
static void wrap(FILE *f, const char *text, int indent, int col)
{
	bool line_start = !col;
	const char *p = text;

	if (!col)
		col = fprintf(f, "%*s", indent, "");
	while (*p) {
		size_t w;

		if (*p == '\n') {
			p++;
			if (!*p)
				break;
			col = fprintf(f, "\n%*s", indent, "") - 1;
			line_start = true;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		w = strcspn(p, " \n");
		if (!line_start && col + 1 + (int)w > WRAP_COLS) {
			col = fprintf(f, "\n%*s", indent, "") - 1;
			line_start = true;
		}
		if (!line_start) {
			fputc(' ', f);
			col++;
		}
		col += fprintf(f, "%.*s", (int)w, p);
		line_start = false;
		p += w;
	}
	fputc('\n', f);
}

static void emit_verdict(struct out *o, const struct kradar_cmp_result *res)
{
	const char *v = kradar_cmp__verdict_name(res->verdict);
	size_t i;

	if (o->fmt == KRADAR_FMT_JSON) {
		json_t *focus = json_array();

		for (i = 0; focus && i < res->nr_focus; i++)
			json_array_append_new(focus, json_string(res->focus[i]));
		if (json_object_set_new(o->root, "verdict", json_string(v)) ||
		    json_object_set_new(o->root, "exit_code",
					json_integer(kradar_cmp__exit_code(res->verdict))) ||
		    json_object_set_new(o->root, "reason", json_string(res->reason)) ||
		    json_object_set_new(o->root, "notes", json_string(res->notes)) ||
		    json_object_set_new(o->root, "chance_by_luck",
					res->chance >= 0 ? json_real(res->chance) : json_null()) ||
		    json_object_set_new(o->root, "focus", focus ? focus : json_null()))
			o->err = -ENOMEM;
		return;
	}
	if (o->fmt == KRADAR_FMT_EMAIL) {
		fprintf(o->f, "Verdict: %s:", v);
		wrap(o->f, res->reason, 0, (int)strlen(v) + 10);
		if (res->notes[0]) {
			fprintf(o->f, "\nNotes:\n");
			wrap(o->f, res->notes, 2, 0);
		}
		return;
	}
	fprintf(o->f, "verdict: %s\n", v);
	wrap(o->f, res->reason, 2, 0);
	if (res->notes[0]) {
		fprintf(o->f, "notes:\n");
		wrap(o->f, res->notes, 2, 0);
	}
}

int kradar_cmp__print(FILE *f, const struct kradar_cmp_result *res,
		      enum kradar_cmp_format fmt)
{
	struct out o = { .f = f, .fmt = fmt };
	const struct kradar_cmp_section *first =
		res->have_repro ? &res->repro : &res->control;

	if (fmt == KRADAR_FMT_JSON) {
		o.root = json_pack("{s:{}}", "sections");
		if (!o.root)
			return -ENOMEM;
	} else if (fmt == KRADAR_FMT_EMAIL) {
		char intro[1024];

		snprintf(intro, sizeof(intro),
			 "Tested with kradar (tools/kradar-run, kradar-compare): %zu runs of the %s with %s and %zu with %s",
			 first->base->nr, first->name, first->base->label,
			 first->cand->nr, first->cand->label);
		if (res->have_repro && res->have_control)
			snprintf(intro + strlen(intro), sizeof(intro) - strlen(intro),
				 ", and %zu + %zu runs of a control workload",
				 res->control.base->nr, res->control.cand->nr);
		snprintf(intro + strlen(intro), sizeof(intro) - strlen(intro), ".");
		wrap(f, intro, 0, 0);
		fprintf(f, "\n");
		emit_verdict(&o, res);
		fprintf(f, "\n");
	} else {
		fprintf(f, "kradar-compare\n\n");
	}
	if (res->have_repro)
		emit_section(&o, &res->repro);
	if (res->have_control)
		emit_section(&o, &res->control);
	if (fmt == KRADAR_FMT_TEXT)
		emit_verdict(&o, res);
	if (fmt == KRADAR_FMT_JSON) {
		emit_verdict(&o, res);
		if (!o.err && (json_dumpf(o.root, f, JSON_INDENT(2)) || fputc('\n', f) == EOF))
			o.err = -EIO;
		json_decref(o.root);
	}
	if (!o.err && ferror(f))
		o.err = -EIO;
	return o.err;
}
