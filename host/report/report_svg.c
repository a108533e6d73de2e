// SPDX-License-Identifier: GPL-2.0
/*
 * timeline.svg: a picture of the run that needs no tool but a browser or
 * an image viewer. Self-contained SVG 1.1 (no scripts, no external fonts
 * or styles), on the guest clock (printk seconds):
 *   - one plot per CPU: all hrtimer callbacks per second, log scale, one
 *     point per probe window;
 *   - bars: hrtimer storms, RCU quiescent-state gaps, stalled grace
 *     periods, lock holds, stuck CPUs, hung tasks, heartbeat gaps, and
 *     the classified stall
 *     windows (red: guest-internal, orange: starved by host, grey:
 *     undetermined);
 *   - markers: console signature lines and crash reports (vertical lines
 *     across the plots), the runner's marks and events (ticks below);
 *   - every element has a <title> (a tooltip in browsers).
 * Guest strings are escaped; invalid UTF-8 and control characters become
 * '?', so the file is always well-formed XML.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kradar_run.h"
#include "report.h"
#include "utf8.h"

#define SVG_W		1200
#define SVG_LEFT	170	/* label column */
#define SVG_RIGHT	30
#define SVG_PLOT_H	70	/* per CPU */
#define SVG_BAR_H	16
#define SVG_MAX_CPUS	16	/* CPUs drawn (more are summarised) */
#define SVG_MAX_MARKERS	40	/* console markers drawn */
#define SVG_MAX_POINTS	4000	/* points per CPU polyline (decimated) */

struct geo {
	int64_t t0, t1;		/* guest ns at the left and right edges */
	double x0, w;
};

static double X(const struct geo *g, int64_t t)
{
	double x = g->x0 + (double)(t - g->t0) / (double)(g->t1 - g->t0) * g->w;

	return x < g->x0 ? g->x0 : x > g->x0 + g->w ? g->x0 + g->w : x;
}

/* XML text: escaped, invalid UTF-8 and control characters as '?'. */
static void xs(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t left = strlen((const char *)p);

	while (*p) {
		size_t len = kradar_utf8_len(p, left);
		if (!len || (len == 1 && (*p < 0x20 || *p == 0x7f))) {
			fputc('?', f);
			p++;
			left--;
			continue;
		}
		if (*p == '&')
			fputs("&amp;", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '"')
			fputs("&quot;", f);
		else
			fwrite(p, 1, len, f);
		p += len;
		left -= len;
	}
}

static void text(FILE *f, double x, double y, const char *anchor, int size,
		 const char *fill, const char *s)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" "
		   "fill=\"%s\">", x, y, anchor, size, fill);
	xs(f, s);
	fputs("</text>\n", f);
}

/*
 * A line that must fit in @maxw pixels: cut at a word with "...", the
 * whole text kept as its tooltip. 0.6 em is a generous mean glyph width
 * for DejaVu Sans.
 */
static void text_fit(FILE *f, double x, double y, int size, const char *fill,
		     const char *s, double maxw)
{
	size_t max = (size_t)(maxw / (0.6 * size)), n = strlen(s), cut;
	char buf[1024];

	if (n <= max || max < 8 || max >= sizeof(buf)) {
		text(f, x, y, "start", size, fill, s);
		return;
	}
	cut = max - 3;
	while (cut > max / 2 && s[cut] != ' ')
		cut--;
	/* never split a UTF-8 sequence */
	while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
		cut--;
	memcpy(buf, s, cut);
	memcpy(buf + cut, "...", 4);
	fprintf(f, "<g><title>");
	xs(f, s);
	fputs("</title>\n", f);
	text(f, x, y, "start", size, fill, buf);
	fputs("</g>\n", f);
}

static void bar(FILE *f, const struct geo *g, int64_t b, int64_t e, double y,
		const char *fill, const char *tip)
{
	double x0 = X(g, b), x1 = X(g, e);

	if (x1 - x0 < 2)
		x1 = x0 + 2;
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\" "
		   "fill-opacity=\"0.75\"><title>", x0, y, x1 - x0, SVG_BAR_H - 3, fill);
	xs(f, tip);
	fputs("</title></rect>\n", f);
}

static const char *verdict_fill(enum kradar_verdict v)
{
	return v == KRADAR_GUEST_INTERNAL ? "#d62728" :
	       v == KRADAR_STARVED_BY_HOST ? "#ff7f0e" : "#999999";
}

static void axis(FILE *f, const struct geo *g, double ytop, double ybot)
{
	double span = (double)(g->t1 - g->t0) / 1e9, step = 1;
	static const double steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600 };
	size_t i;
	double t;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (span / steps[i] <= 12) {
			step = steps[i];
			break;
		}
	if (i == sizeof(steps) / sizeof(steps[0]))
		step = ceil(span / 12 / 600) * 600;
	for (t = ceil((double)g->t0 / 1e9 / step) * step; t <= (double)g->t1 / 1e9; t += step) {
		double x = X(g, (int64_t)(t * 1e9));
		char lab[32];

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			   "stroke=\"#e0e0e0\"/>\n", x, ytop, x, ybot);
		snprintf(lab, sizeof(lab), step < 1 ? "%.1f s" : "%.0f s",
			 fabs(t) < step / 2 ? 0.0 : t);
		text(f, x, ytop - 4, "middle", 11, "#333", lab);
	}
}

static void see(bool *any, int64_t *t0, int64_t *t1, int64_t t)
{
	if (!*any || t < *t0)
		*t0 = t;
	if (!*any || t > *t1)
		*t1 = t;
	*any = true;
}

/* Time range: everything with a guest time, plus host events mapped. */
static void range(const struct kradar_run *r, int64_t *t0, int64_t *t1)
{
	size_t i;
	bool any = false;

	for (i = 0; i < r->nr_tl; i++)
		see(&any, t0, t1, r->tl[i].t_ns);
	for (i = 0; i < r->nr_windows; i++) {
		see(&any, t0, t1, r->windows[i].start_ns);
		see(&any, t0, t1, r->windows[i].end_ns);
	}
	for (i = 0; i < r->nr_spans; i++) {
		see(&any, t0, t1, r->spans[i].begin_ns);
		see(&any, t0, t1, r->spans[i].end_ns);
	}
	if (!any)
		*t0 = 0, *t1 = 1000000000;
	if (*t1 - *t0 < 1000000)
		*t1 = *t0 + 1000000;
}

int run_svg(const struct kradar_run *r, FILE *f)
{
	const struct kradar_serial_report *rep = kradar_run__report(r);
	size_t i, n = r->console ? kradar_serial__nr_events(r->console) : 0;
	int cpus[SVG_MAX_CPUS], ncpu = 0, c, rows = 0, row;
	double y, plot_top, plot_bot, h;
	struct geo g;
	char buf[512];
	static const struct { enum kradar_span_kind k; const char *label, *fill; } rowdef[] = {
		{ KRADAR_SPAN_STORM, "hrtimer storms", "#9467bd" },
		{ KRADAR_SPAN_QS_GAP, "RCU quiescent gaps", "#1f77b4" },
		{ KRADAR_SPAN_GP_STALL, "RCU grace-period stalls", "#17becf" },
		{ KRADAR_SPAN_LOCK, "lock holds", "#8c564b" },
		{ KRADAR_SPAN_STUCK, "stuck CPUs", "#e377c2" },
		{ KRADAR_SPAN_HUNG, "hung tasks", "#bcbd22" },
		{ KRADAR_SPAN_HB_GAP, "heartbeat gaps", "#7f7f7f" },
	};
	const int nrows = sizeof(rowdef) / sizeof(rowdef[0]);
	bool have_row[sizeof(rowdef) / sizeof(rowdef[0])] = { 0 };

	/* CPUs with windows, ascending */
	for (c = 0; c < KRADAR_RUN_MAX_CPUS && ncpu < SVG_MAX_CPUS; c++)
		for (i = 0; i < r->nr_windows; i++)
			if (r->windows[i].cpu == c) {
				cpus[ncpu++] = c;
				break;
			}
	for (i = 0; i < r->nr_spans; i++)
		for (row = 0; row < nrows; row++)
			if (rowdef[row].k == r->spans[i].kind && !have_row[row])
				have_row[row] = true, rows++;
	rows += r->nr_stalls ? 1 : 0;
	range(r, &g.t0, &g.t1);
	g.x0 = SVG_LEFT;
	g.w = SVG_W - SVG_LEFT - SVG_RIGHT;
	plot_top = 86;
	plot_bot = plot_top + ncpu * SVG_PLOT_H + rows * SVG_BAR_H + 60;
	h = plot_bot + 60 + 16 * 6;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
		   "width=\"%d\" height=\"%.0f\" viewBox=\"0 0 %d %.0f\" "
		   "font-family=\"DejaVu Sans, Arial, sans-serif\">\n", SVG_W, h, SVG_W, h);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%.0f\" fill=\"white\"/>\n",
		SVG_W, h);
	snprintf(buf, sizeof(buf), "kradar run %s%s%s", r->name, r->release[0] ? " - " : "",
		 r->release);
	text(f, 10, 22, "start", 16, "#000", buf);
	snprintf(buf, sizeof(buf), "%s", rep ? rep->title :
		 r->collect_verdict[0] ? r->collect_verdict : "no crash report");
	text_fit(f, 10, 42, 12, rep ? "#d62728" : "#333", buf, SVG_W - 20);
	if (r->nr_narrative)
		text_fit(f, 10, 58, 11, "#333", r->narrative[0], SVG_W - 20);
	axis(f, &g, plot_top, plot_bot - 40);

	/* per-CPU rate plots, log10 from 1/s to the peak */
	y = plot_top;
	for (c = 0; c < ncpu; c++) {
		double peak = 10, ytop = y + 6, ybot = y + SVG_PLOT_H - 8, lmax;
		size_t npts = 0, stride, k;

		for (i = 0; i < r->nr_windows; i++)
			if (r->windows[i].cpu == cpus[c]) {
				npts++;
				if (r->windows[i].rate_per_s > peak)
					peak = r->windows[i].rate_per_s;
			}
		lmax = ceil(log10(peak));
		stride = npts / SVG_MAX_POINTS + 1;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			   "fill=\"none\" stroke=\"#ccc\"/>\n", g.x0, ytop, g.w, ybot - ytop);
		snprintf(buf, sizeof(buf), "CPU %d hrtimer/s", cpus[c]);
		text(f, SVG_LEFT - 8, ytop + 14, "end", 12, "#000", buf);
		snprintf(buf, sizeof(buf), "peak %.0f/s (log)", peak);
		text(f, SVG_LEFT - 8, ytop + 30, "end", 10, "#555", buf);
		for (k = 1; k <= (size_t)lmax; k++) {	/* decades */
			double yy = ybot - (double)k / lmax * (ybot - ytop);
			char lab[16];

			if (lmax > 4 && k % 2)
				continue;
			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				   "stroke=\"#eee\"/>\n", g.x0, yy, g.x0 + g.w, yy);
			snprintf(lab, sizeof(lab), k >= 6 ? "%.0fM" : k >= 3 ? "%.0fk" : "%.0f",
				 pow(10, (double)k) / (k >= 6 ? 1e6 : k >= 3 ? 1e3 : 1));
			text(f, g.x0 + 2, yy + 10, "start", 9, "#999", lab);
		}
		fputs("<polyline fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"1.5\" points=\"", f);
		for (i = 0, k = 0; i < r->nr_windows; i++) {
			const struct kradar_window *w = &r->windows[i];
			double v, yy;

			if (w->cpu != cpus[c] || k++ % stride)
				continue;
			v = w->rate_per_s < 1 ? 0 : log10(w->rate_per_s) / lmax;
			yy = ybot - v * (ybot - ytop);
			fprintf(f, "%.1f,%.1f ", X(&g, w->start_ns + (w->end_ns - w->start_ns) / 2), yy);
		}
		fputs("\"/>\n", f);
		y += SVG_PLOT_H;
	}
	/* bars */
	for (row = 0; row < nrows; row++) {
		if (!have_row[row])
			continue;
		text(f, SVG_LEFT - 8, y + 11, "end", 11, "#000", rowdef[row].label);
		for (i = 0; i < r->nr_spans; i++) {
			const struct kradar_span *sp = &r->spans[i];

			if (sp->kind != rowdef[row].k)
				continue;
			snprintf(buf, sizeof(buf), "%s%s%.0d: %s [%.3f .. %.3f s]",
				 kradar_span__kind_name(sp->kind), sp->cpu >= 0 ? " CPU " : "",
				 sp->cpu >= 0 ? sp->cpu : 0, sp->name,
				 (double)sp->begin_ns / 1e9, (double)sp->end_ns / 1e9);
			bar(f, &g, sp->begin_ns, sp->end_ns, y, rowdef[row].fill, buf);
		}
		y += SVG_BAR_H;
	}
	if (r->nr_stalls) {
		text(f, SVG_LEFT - 8, y + 11, "end", 11, "#000", "stall windows");
		for (i = 0; i < r->nr_stalls; i++) {
			const struct kradar_stall *s = &r->stalls[i];

			snprintf(buf, sizeof(buf), "%s: %s - %s", s->source,
				 kradar_verdict__name(s->verdict), s->reason);
			bar(f, &g, s->begin_ns, s->end_ns, y, verdict_fill(s->verdict), buf);
		}
		y += SVG_BAR_H;
	}
	/* console markers across the plots */
	{
		int shown = 0;

		for (i = 0; i < n && shown < SVG_MAX_MARKERS; i++) {
			const struct kradar_serial_event *e = kradar_serial__event(r->console, i);
			double x;

			if (!e->pos.has_time || !kradar_run__console_key(e->kind))
				continue;
			x = X(&g, (int64_t)e->pos.time_ns);
			fprintf(f, "<g><title>[%.6f] ", (double)e->pos.time_ns / 1e9);
			xs(f, e->text);
			fprintf(f, "</title><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				   "stroke=\"#d62728\" stroke-dasharray=\"4,3\"/>"
				   "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#d62728\"/></g>\n",
				x, plot_top, x, y + 4, x, y + 8);
			text(f, x + 4, y + 22 + (shown % 3) * 12, "start", 10, "#d62728",
			     kradar_serial__event_name(e->kind));
			shown++;
		}
		if (rep && rep->start.has_time) {
			double x = X(&g, (int64_t)rep->start.time_ns);

			fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
				   "stroke=\"#000\" stroke-width=\"2\"><title>", x, plot_top, x, y + 4);
			xs(f, rep->title);
			fputs("</title></line>\n", f);
		}
	}
	text(f, SVG_LEFT - 8, y + 22, "end", 11, "#000", "console");
	/* runner marks and events below */
	y = plot_bot;
	text(f, SVG_LEFT - 8, y + 12, "end", 11, "#000", "run");
	for (i = 0, row = 0; i < r->nr_tl; i++) {
		const struct kradar_tl *e = &r->tl[i];
		double x;

		if (e->source == KRADAR_TL_PROBE || (e->source == KRADAR_TL_CONSOLE &&
		    strcmp(e->kind, "mark") && strcmp(e->kind, "boot")))
			continue;
		x = X(&g, e->t_ns);
		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#1f77b4\"/>\n",
			x, y, x, y + 8);
		if (x > g.x0 + g.w * 0.75)
			text(f, x - 2, y + 20 + (row % 6) * 12, "end", 10, "#1f77b4", e->text);
		else
			text(f, x + 2, y + 20 + (row % 6) * 12, "start", 10, "#1f77b4", e->text);
		row++;
	}
	/* legend */
	y = h - 14;
	text(f, 10, y, "start", 10, "#555",
	     "green: hrtimer callbacks/s per CPU (log); bars: red guest-internal, orange "
	     "starved by host, grey undetermined; dashed red: console signature lines; "
	     "black: crash report; blue: runner marks. Time: guest printk seconds.");
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}
