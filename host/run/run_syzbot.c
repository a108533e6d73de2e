// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_run: does the local run show the bug syzbot reported?
 *
 * syzbot's crash report and/or crash log are parsed with the same
 * syzkaller-compatible parser as the run's console, then compared:
 *   - the title: the same, the same kind (equal up to the frame after the
 *     last " in ", e.g. two "INFO: rcu detected stall in ..." titles), or
 *     different; an alternative title that equals the other side counts
 *     as the same;
 *   - the key frames (call-trace frames that are not plumbing): common,
 *     only in syzbot's report, only in the local one;
 *   - the lines that differ: the opening line of the report (compared with
 *     numbers masked) and the kinds of signature line one side has and
 *     the other has not.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_run.h"
#include "str.h"

const char *kradar_match__name(enum kradar_match m)
{
	switch (m) {
	case KRADAR_MATCH_SAME:
		return "same";
	case KRADAR_MATCH_KIND:
		return "same kind";
	default:
		return "different";
	}
}

static int parse_file(const char *path, struct kradar_serial **out,
		      char *err, size_t errlen)
{
	struct kradar_serial *p;
	FILE *f;
	char buf[65536];
	size_t n;
	int e = 0;

	*out = NULL;
	if (!path)
		return 0;
	f = fopen(path, "rb");
	if (!f) {
		e = -errno;
		snprintf(err, errlen, "cannot open %s: %s; check the path", path,
			 strerror(errno));
		return e;
	}
	p = kradar_serial__new();
	if (!p) {
		fclose(f);
		snprintf(err, errlen, "cannot create the console parser: %s", strerror(errno));
		return -ENOMEM;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		if ((e = kradar_serial__feed(p, buf, n)))
			break;
	if (!e && ferror(f))
		e = -EIO;
	fclose(f);
	if (e) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(-e));
		kradar_serial__free(p);
		return e;
	}
	kradar_serial__finish(p);
	*out = p;
	return 0;
}

/* Title up to its last " in " (the frame), or the whole title. */
static size_t kind_len(const char *t)
{
	const char *p = t, *last = NULL;

	while ((p = strstr(p, " in ")))
		last = p++;
	return last ? (size_t)(last - t) : strlen(t);
}

static bool title_in(const char *t, const struct kradar_serial_report *r)
{
	int i;

	if (!strcmp(t, r->title))
		return true;
	for (i = 0; i < r->nr_alt; i++)
		if (!strcmp(t, r->alt[i]))
			return true;
	return false;
}

static bool has_key(const struct kradar_serial_report *r, const char *fn)
{
	int i;

	for (i = 0; i < r->nr_frames; i++)
		if (r->frames[i].key && !strcmp(r->frames[i].func, fn))
			return true;
	return false;
}

/* Numbers and hex masked: "CPU 1 PID 42" and "CPU 0 PID 7" are equal. */
static void mask_numbers(char *dst, size_t sz, const char *src)
{
	size_t n = 0;

	while (*src && n + 1 < sz) {
		if ((*src >= '0' && *src <= '9')) {
			while ((*src >= '0' && *src <= '9') || (*src >= 'a' && *src <= 'f') ||
			       *src == 'x')
				src++;
			dst[n++] = 'N';
			continue;
		}
		dst[n++] = *src++;
	}
	dst[n] = 0;
}

static void diff_line(struct kradar_cmp *c, const char *who, const char *text)
{
	if (c->nr_diff_lines >= KRADAR_CMP_MAX_LINES)
		return;
	snprintf(c->diff_lines[c->nr_diff_lines++], sizeof(c->diff_lines[0]),
		 "%s: %s", who, text);
}

static void event_kinds(const struct kradar_serial *p, bool *seen,
			const struct kradar_serial_event **first)
{
	size_t i;

	for (i = 0; p && i < kradar_serial__nr_events(p); i++) {
		const struct kradar_serial_event *e = kradar_serial__event(p, i);

		if (!seen[e->kind])
			first[e->kind] = e;
		seen[e->kind] = true;
	}
}

void kradar_cmp__parsers(const struct kradar_serial *local,
			 const struct kradar_serial *syz_report,
			 const struct kradar_serial *syz_log,
			 struct kradar_cmp *c)
{
	const struct kradar_serial_report *lr = NULL, *sr = NULL;
	const struct kradar_serial_event *lfirst[KRADAR_EV__COUNT] = { 0 };
	const struct kradar_serial_event *sfirst[KRADAR_EV__COUNT] = { 0 };
	bool lseen[KRADAR_EV__COUNT] = { 0 }, sseen[KRADAR_EV__COUNT] = { 0 };
	char a[KRADAR_SERIAL_TEXT_LEN], b[KRADAR_SERIAL_TEXT_LEN];
	int i, k;

	memset(c, 0, sizeof(*c));
	c->have_syzbot = syz_report || syz_log;
	if (syz_report && kradar_serial__nr_reports(syz_report))
		sr = kradar_serial__report(syz_report, 0);
	else if (syz_log && kradar_serial__nr_reports(syz_log))
		sr = kradar_serial__report(syz_log, 0);
	if (local && kradar_serial__nr_reports(local))
		lr = kradar_serial__report(local, 0);
	c->have_local = lr != NULL;
	if (sr) {
		str_copy(c->syz_title, sizeof(c->syz_title), sr->title);
		str_copy(c->syz_type, sizeof(c->syz_type), sr->type);
	}
	if (lr) {
		str_copy(c->local_title, sizeof(c->local_title), lr->title);
		str_copy(c->local_type, sizeof(c->local_type), lr->type);
	}
	if (!c->have_syzbot) {
		snprintf(c->verdict, sizeof(c->verdict), "no syzbot report or log given");
		return;
	}
	if (!sr) {
		snprintf(c->verdict, sizeof(c->verdict),
			 "syzbot's files contain no crash report kradar recognises");
	} else if (!lr) {
		c->match = KRADAR_MATCH_NONE;
		snprintf(c->verdict, sizeof(c->verdict),
			 "the local run has no crash report; syzbot's is \"%s\"", sr->title);
	} else {
		size_t kl = kind_len(lr->title);

		c->same_type = !strcmp(lr->type, sr->type);
		if (title_in(lr->title, sr) || title_in(sr->title, lr))
			c->match = KRADAR_MATCH_SAME;
		else if (kl == kind_len(sr->title) && !strncmp(lr->title, sr->title, kl))
			c->match = KRADAR_MATCH_KIND;
		else
			c->match = KRADAR_MATCH_NONE;
		for (i = 0; i < sr->nr_frames; i++) {
			const struct kradar_serial_frame *f = &sr->frames[i];

			if (!f->key)
				continue;
			for (k = 0; k < i; k++)	/* each function once */
				if (sr->frames[k].key && !strcmp(sr->frames[k].func, f->func))
					break;
			if (k < i)
				continue;
			if (has_key(lr, f->func)) {
				if (c->nr_common < KRADAR_CMP_MAX_FRAMES)
					str_copy(c->common[c->nr_common++], 160, f->func);
			} else if (c->nr_syz_only < KRADAR_CMP_MAX_FRAMES) {
				str_copy(c->syz_only[c->nr_syz_only++], 160, f->func);
			}
		}
		for (i = 0; i < lr->nr_frames; i++) {
			const struct kradar_serial_frame *f = &lr->frames[i];

			if (!f->key || has_key(sr, f->func))
				continue;
			for (k = 0; k < c->nr_local_only; k++)
				if (!strcmp(c->local_only[k], f->func))
					break;
			if (k == c->nr_local_only && c->nr_local_only < KRADAR_CMP_MAX_FRAMES)
				str_copy(c->local_only[c->nr_local_only++], 160, f->func);
		}
		mask_numbers(a, sizeof(a), lr->first_line);
		mask_numbers(b, sizeof(b), sr->first_line);
		if (strcmp(a, b)) {
			diff_line(c, "syzbot", sr->first_line);
			diff_line(c, "local ", lr->first_line);
		}
		snprintf(c->verdict, sizeof(c->verdict), "%s title%s; %d key frame(s) "
			 "in common, %d only in syzbot's, %d only in the local report",
			 c->match == KRADAR_MATCH_SAME ? "same" :
			 c->match == KRADAR_MATCH_KIND ? "same kind of" : "different",
			 c->match == KRADAR_MATCH_KIND ? ", different frame" : "",
			 c->nr_common, c->nr_syz_only, c->nr_local_only);
	}
	event_kinds(syz_log ? syz_log : syz_report, sseen, sfirst);
	event_kinds(local, lseen, lfirst);
	for (k = 0; k < KRADAR_EV__COUNT; k++) {
		if (sseen[k] && !lseen[k])
			diff_line(c, "only syzbot", sfirst[k]->text);
		else if (lseen[k] && !sseen[k])
			diff_line(c, "only local ", lfirst[k]->text);
	}
}

int kradar_cmp__syzbot(const struct kradar_run *r, const char *report_path,
		       const char *log_path, struct kradar_cmp *cmp,
		       char *err, size_t errlen)
{
	struct kradar_serial *rep = NULL, *log = NULL;
	int e;

	e = parse_file(report_path, &rep, err, errlen);
	if (!e)
		e = parse_file(log_path, &log, err, errlen);
	if (!e)
		kradar_cmp__parsers(r->console, rep, log, cmp);
	kradar_serial__free(rep);
	kradar_serial__free(log);
	return e;
}
