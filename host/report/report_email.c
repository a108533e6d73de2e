// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report DIR --format email: the body of a reply on lore, plain
 * text to paste under the quote (kradar-lore reply puts it in a file for
 * git send-email, with the headers). It has no headers of its own: a
 * "Subject:" line pasted into a body is a stray line in the mail.
 *
 * Everything kradar writes itself stays within EMAIL_WIDTH columns (lore:
 * plain text, 72-75 columns): prose is wrapped; timeline entries and the
 * host check are wrapped under their text column; commands are continued
 * with a backslash so they still paste. Only lines quoted verbatim from a
 * console log (the decisive console lines, syzbot's differing lines) are
 * never wrapped, indented by two spaces. No trailing spaces, no HTML, no
 * format=flowed.
 *
 * Sections: what was observed, the comparison with syzbot (when given),
 * the key timeline, the narrative, the probe's stacks of stuck CPUs and
 * hung tasks (kernel style, one frame a line, cut at EMAIL_STACK_WIDTH),
 * the decisive console lines, the host check (starvation vs guest bug)
 * and how to reproduce.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kradar_run.h"
#include "report.h"

#ifndef KRADAR_VERSION
#define KRADAR_VERSION "unknown"
#endif

#define EMAIL_WIDTH	72	/* columns of kradar's own text */
#define EMAIL_MAX_TL	25	/* key timeline lines */
#define EMAIL_MAX_LINES	8	/* decisive console lines */
#define EMAIL_LOG_MAX	400	/* a quoted log line is cut here (never in practice) */
#define EMAIL_STACKS	3	/* stacks of stuck CPUs and hung tasks */
#define EMAIL_FRAMES	12	/* frames of each */
#define EMAIL_STACK_WIDTH 75	/* a frame line is cut here */

/* Length of the word at p; a printk time "[    1.886604]" is one word. */
static size_t word_len(const char *p)
{
	size_t w = 0;

	while (p[w] && p[w] != ' ') {
		if (p[w] == '[') {
			const char *e = strchr(p + w, ']');

			if (e && e - (p + w) <= 20) {
				w = (size_t)(e - p) + 1;
				continue;
			}
		}
		w++;
	}
	return w;
}

/* Print text wrapped at EMAIL_WIDTH on spaces; words longer stay whole.
 * The first line starts with @first and the others with as many spaces
 * (a hanging indent); without @first every line starts with @indent. */
static void wrap_hang(FILE *f, const char *first, const char *indent, const char *text)
{
	char hang[64];
	size_t col = 0, ind;
	const char *p = text;
	bool started = false;

	if (first) {
		snprintf(hang, sizeof(hang), "%*s", (int)strlen(first), "");
		indent = hang;
	}
	ind = strlen(indent);

	while (*p) {
		size_t w;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = word_len(p);
		if (col && col + 1 + w > EMAIL_WIDTH) {
			fputc('\n', f);
			col = 0;
		}
		if (!col) {
			const char *lead = !started && first ? first : indent;

			fputs(lead, f);
			col = strlen(lead);
			ind = col;
			started = true;
		} else {
			fputc(' ', f);
			col++;
		}
		/* a leading '>' would read as a quote: never start a line with it */
		if (col == ind && *p == '>')
			fputc(' ', f), col++;
		fwrite(p, 1, w, f);
		col += w;
		p += w;
	}
	if (col)
		fputc('\n', f);
}

static void wrap(FILE *f, const char *indent, const char *text)
{
	wrap_hang(f, NULL, indent, text);
}

/* A command on lines of at most EMAIL_WIDTH columns, continued with " \"
 * so that it still pastes into a shell. */
static void command(FILE *f, const char *label, const char *cmd)
{
	const char *p = cmd;
	size_t col = (size_t)fprintf(f, "  %s", label);
	bool first = true;

	while (*p) {
		size_t w;

		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w = strcspn(p, " ");
		if (!first && col + 1 + w + 2 > EMAIL_WIDTH) {
			fputs(" \\\n      ", f);
			col = 6;
		} else if (!first) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, w, f);
		col += w;
		p += w;
		first = false;
	}
	fputc('\n', f);
}

/* @text names "CPU @cpu" itself (not CPU 10 for CPU 1). */
static bool names_cpu(const char *text, int cpu)
{
	char needle[24];
	const char *p = text;
	size_t n;

	n = (size_t)snprintf(needle, sizeof(needle), "CPU %d", cpu);
	while ((p = strstr(p, needle))) {
		if (p[n] < '0' || p[n] > '9')
			return true;
		p += n;
	}
	return false;
}

static void wrapf(FILE *f, const char *indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void wrapf(FILE *f, const char *indent, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wrap(f, indent, buf);
}

static void wrapf_hang(FILE *f, const char *first, const char *indent, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void wrapf_hang(FILE *f, const char *first, const char *indent, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	wrap_hang(f, first, indent, buf);
}

/* A quoted log line: two spaces, the line, cut at EMAIL_LOG_MAX columns. */
static void logline(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logline(FILE *f, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (strlen(buf) > EMAIL_LOG_MAX) {
		buf[EMAIL_LOG_MAX - 3] = 0;
		strcat(buf, "...");
	}
	fprintf(f, "  %s\n", buf);
}

static void ptime(char *buf, size_t sz, int64_t ns)
{
	int64_t a = ns < 0 ? -ns : ns;
	char num[32];

	snprintf(num, sizeof(num), "%s%" PRId64 ".%06" PRId64, ns < 0 ? "-" : "",
		 a / 1000000000, (a % 1000000000) / 1000);
	snprintf(buf, sz, "[%12s]", num);
}

static const char *job_of(const struct kradar_run *r)
{
	size_t i;

	for (i = 0; i < r->nr_marks; i++)
		if (!strncmp(r->marks[i].text, "job started: ", 13))
			return r->marks[i].text + 13;
	return NULL;
}

/* "KRADAR_HOLD=30 " from the kernel command line (the runner passes it). */
static void env_of(const struct kradar_run *r, char *out, size_t sz)
{
	const char *p = strstr(r->cmdline, "KRADAR_HOLD=");

	out[0] = 0;
	if (p)
		snprintf(out, sz, "%.*s ", (int)strcspn(p, " "), p);
}

static bool same_stack(const struct kradar_span *a, const struct kradar_span *b)
{
	int k;

	if (a->nr_frames != b->nr_frames)
		return false;
	for (k = 0; k < a->nr_frames; k++)
		if (strcmp(a->frames[k], b->frames[k]))
			return false;
	return true;
}

/* The stack of one stuck CPU or hung task, as the kernel prints one. */
static void stack(FILE *f, const struct kradar_span *sp)
{
	char t[48], who[128];
	int k;

	snprintf(who, sizeof(who), "%s:%d", sp->task[0] ? sp->task : "?", sp->pid);
	if (sp->kind == KRADAR_SPAN_HUNG) {
		wrapf(f, "", "Stack of the hung task %s (probe, innermost first):", who);
	} else {
		ptime(t, sizeof(t), sp->stack_ns);
		wrapf(f, "", "Stack of CPU %d (%s, %s), taken %s %s (probe, innermost first):",
		      sp->cpu, kradar_stuck__kind_name(sp->stuck), who,
		      !strcmp(sp->stack_from, "nmi") ? "by an NMI at" :
		      !strcmp(sp->stack_from, "after") ? "after the stretch, at" :
		      "by its tick at", sp->stack_ns >= 0 ? t : "?");
	}
	fputc('\n', f);
	fputs("  Call Trace:\n", f);
	for (k = 0; k < sp->nr_frames && k < EMAIL_FRAMES; k++)
		fprintf(f, "   %.*s\n", EMAIL_STACK_WIDTH - 3, sp->frames[k]);
	if (sp->nr_frames > EMAIL_FRAMES)
		fprintf(f, "   ... %d more frames in report.json\n", sp->nr_frames - EMAIL_FRAMES);
	fputc('\n', f);
}

/* The probe's stacks of stuck CPUs, then of hung tasks: at most
 * EMAIL_STACKS, a stack equal to one shown named, not repeated. */
static void stacks(FILE *f, const struct kradar_run *r)
{
	const struct kradar_span *shown[EMAIL_STACKS];
	int pass, nshown = 0, k;
	size_t i;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < r->nr_spans; i++) {
			const struct kradar_span *sp = &r->spans[i];

			if (sp->kind != (pass ? KRADAR_SPAN_HUNG : KRADAR_SPAN_STUCK) ||
			    !sp->nr_frames)
				continue;
			for (k = 0; k < nshown && !same_stack(shown[k], sp); k++)
				;
			if (k < nshown) {
				wrapf(f, "", "%s:%d has the same stack as %s:%d.", sp->task,
				      sp->pid, shown[k]->task, shown[k]->pid);
				fputc('\n', f);
				continue;
			}
			if (nshown == EMAIL_STACKS)
				return;
			stack(f, sp);
			shown[nshown++] = sp;
		}
}

int run_email(const struct kradar_run *r, const struct kradar_cmp *cmp, FILE *f)
{
	const struct kradar_serial_report *rep = kradar_run__report(r);
	const char *job = job_of(r);
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0, shown;
	bool seen[KRADAR_EV__COUNT] = { 0 };
	char t[48], env[64], cmd[1024];

	/* what was observed */
	wrapf(f, "", "kradar ran %s%s on %s (%d CPUs) under QEMU and recorded "
	      "the guest console and the kradar probe's stream.",
	      job ? "the job " : "a guest", job ? job : "",
	      r->release[0] ? r->release : "an unknown kernel", r->nr_cpus);
	fputc('\n', f);
	if (rep)
		wrapf(f, "", "The console shows \"%s\" (type %s%s).", rep->title, rep->type,
		      rep->cpu >= 0 ? ", reported from a CPU named below" : "");
	else if (r->have_serial)
		wrap(f, "", "The console shows no crash report.");
	if (r->collect_verdict[0])
		wrapf(f, "", "The probe's verdict: %s.", r->collect_verdict);
	fputc('\n', f);

	if (cmp->have_syzbot) {
		wrapf(f, "", "Compared with syzbot's report: %s.", cmp->verdict);
		if (cmp->syz_title[0])
			logline(f, "syzbot: %s", cmp->syz_title);
		if (cmp->local_title[0])
			logline(f, "local:  %s", cmp->local_title);
		for (i = 0; i < (size_t)cmp->nr_diff_lines && i < 8; i++)
			logline(f, "%s", cmp->diff_lines[i]);
		fputc('\n', f);
	}

	wrap(f, "", "Key timeline (printk time of the guest; * marks host events "
		    "placed on the guest clock):");
	fputc('\n', f);
	for (i = 0, shown = 0; i < r->nr_tl && shown < EMAIL_MAX_TL; i++) {
		const struct kradar_tl *e = &r->tl[i];
		char lead[64];

		if (!e->key)
			continue;
		shown++;
		ptime(t, sizeof(t), e->t_ns);
		snprintf(lead, sizeof(lead), "  %s%s ", t, e->mapped ? "*" : " ");
		/* "CPU 1: ..." unless the text names its CPU already */
		if (e->cpu >= 0 && !names_cpu(e->text, e->cpu))
			wrapf_hang(f, lead, NULL, "CPU %d: %s", e->cpu, e->text);
		else
			wrap_hang(f, lead, NULL, e->text);
	}
	fputc('\n', f);

	for (i = 0; i < r->nr_narrative; i++)
		wrap(f, "", r->narrative[i]);
	fputc('\n', f);
	stacks(f, r);

	if (rep || n) {
		wrap(f, "", "Decisive console lines:");
		fputc('\n', f);
		shown = 0;
		if (rep) {
			if (rep->start.has_time)
				ptime(t, sizeof(t), (int64_t)rep->start.time_ns);
			else
				snprintf(t, sizeof(t), "[%12s]", "-");
			logline(f, "%s %s", t, rep->first_line);
			shown++;
		}
		for (i = 0; i < n && shown < EMAIL_MAX_LINES; i++) {
			const struct kradar_serial_event *e = kradar_serial__event(r->console, i);

			if (seen[e->kind] || !kradar_run__console_key(e->kind) ||
			    (rep && e->pos.line == rep->start.line))
				continue;
			seen[e->kind] = true;
			if (e->pos.has_time)
				ptime(t, sizeof(t), (int64_t)e->pos.time_ns);
			else
				snprintf(t, sizeof(t), "[%12s]", "-");
			logline(f, "%s %s", t, e->text);
			shown++;
		}
		if (rep) {
			char frames[512] = "";
			int k, nk = 0;

			for (k = 0; k < rep->nr_frames && nk < 8; k++)
				if (rep->frames[k].key) {
					size_t l = strlen(frames);

					snprintf(frames + l, sizeof(frames) - l, "%s%s",
						 nk ? " " : "", rep->frames[k].func);
					nk++;
				}
			fputc('\n', f);
			if (nk)
				wrapf(f, "", "Key frames of the report%s: %s", rep->cpu >= 0 ?
				      "" : "", frames);
			if (rep->cpu >= 0)
				wrapf(f, "", "The report's stack is from CPU %d (%s, pid %d).",
				      rep->cpu, rep->comm, rep->pid);
		}
		fputc('\n', f);
	}

	if (r->nr_stalls) {
		wrap(f, "", "Host check (was the guest starved by its host?):");
		fputc('\n', f);
		for (i = 0; i < r->nr_stalls && i < 8; i++) {
			const struct kradar_stall *s = &r->stalls[i];
			char q[48] = "QEMU CPU unknown", c[48] = "clock ratio unknown";
			char lead[64];

			if (s->qemu_cpu_pct >= 0)
				snprintf(q, sizeof(q), "QEMU CPU %.1f%%", s->qemu_cpu_pct);
			if (s->clock_ratio >= 0)
				snprintf(c, sizeof(c), "clock ratio %.3f", s->clock_ratio);
			ptime(t, sizeof(t), s->begin_ns);
			snprintf(lead, sizeof(lead), "  %s ", t);
			wrapf_hang(f, lead, NULL, "%s: %s (%s, %s)", s->source,
				   kradar_verdict__name(s->verdict), q, c);
		}
		fputc('\n', f);
	}

	wrap(f, "", "How to reproduce:");
	fputc('\n', f);
	env_of(r, env, sizeof(env));
	logline(f, "kernel:  %s", r->release[0] ? r->release : "(unknown: no probe hello)");
	if (job && strcmp(job, "cmd")) {
		snprintf(cmd, sizeof(cmd), "%stools/kradar-run --scenario %s --smp %d --out runs/%s",
			 env, job, r->nr_cpus ? r->nr_cpus : 2, r->name);
		command(f, "command: ", cmd);
	} else {
		snprintf(cmd, sizeof(cmd), "%stools/kradar-run --cmd '...' --out runs/%s",
			 env, r->name);
		command(f, "command: ", cmd);
		wrap(f, "           ", "(the command is in the run's initramfs)");
	}
	snprintf(cmd, sizeof(cmd), "kradar-report runs/%s --format email", r->name);
	command(f, "report:  ", cmd);
	logline(f, "kradar:  %s", KRADAR_VERSION);
	return ferror(f) ? -1 : 0;
}
