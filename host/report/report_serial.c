// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-report --serial LOG: read a kernel console log in one pass with
 * the streaming parser and print, in this order:
 *   - the crash titles: the first report's (the one syzkaller would give
 *     the log) first, then the others in log order;
 *   - for each report its type class, where it starts (line, printk time,
 *     caller id), the frame used for the title and the key frames;
 *   - the signature lines (stalls, lockups, hung tasks, slow hrtimer
 *     interrupts, RT throttling, panics, ...) with their printk times and
 *     the fields parsed from them.
 * Exit: 0 no crash or stall, 1 crash or stall found, 2 usage or I/O error.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kradar_serial.h"
#include "report.h"

#define READ_CHUNK	(1u << 20)	/* bytes per read() of the log */
#define TEXT_FRAMES	8		/* key frames shown per report in text */

static int feed_file(struct kradar_serial *p, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	char *buf;
	int err = 0;

	if (!f) {
		p_err("cannot open %s: %s; check the path", path, strerror(errno));
		return -1;
	}
	buf = malloc(READ_CHUNK);
	if (!buf) {
		p_err("out of memory");
		err = -1;
		goto out;
	}
	for (;;) {
		size_t n = fread(buf, 1, READ_CHUNK, f);

		if (n && kradar_serial__feed(p, buf, n)) {
			p_err("parser rejected input from %s", path);
			err = -1;
			break;
		}
		if (n < READ_CHUNK) {
			if (ferror(f)) {
				p_err("cannot read %s: %s", path, strerror(errno));
				err = -1;
			}
			break;
		}
	}
out:
	free(buf);
	if (f != stdin)
		fclose(f);
	return err;
}

static void print_pos(struct out *o, const struct kradar_serial_pos *pos)
{
	out_uint(o, "line", "line %llu", pos->line);
	out_uint(o, "offset", NULL, pos->offset);
	if (pos->has_time)
		out_time(o, "time", ", time %s", pos->time_ns);
	if (pos->caller[0])
		out_str(o, "caller", ", caller %s", pos->caller);
}

static void print_report(struct out *o, const struct kradar_serial_report *r, bool first)
{
	int i, nkey, shown;

	out_obj_open(o, NULL);
	out_str(o, "title", first ? "title: %s\n" : "also:  %s\n", r->title);
	out_text(o, "       ");
	out_str(o, "type", "type %s, ", r->type);
	out_str(o, "class", NULL, kradar_serial__class_name(r->cls));
	print_pos(o, &r->start);
	out_uint(o, "end_line", NULL, r->end_line);
	if (r->guilty_frame[0])
		out_str(o, "frame", ", frame %s", r->guilty_frame);
	if (r->cpu >= 0) {
		out_int(o, "cpu", ", on CPU %lld", r->cpu);
		out_int(o, "pid", " pid %lld", r->pid);
		out_str(o, "comm", " %s", r->comm);
	}
	out_bool(o, "corrupted", NULL, r->corrupted);
	if (r->corrupted)
		out_str(o, "corrupted_reason", ", corrupted (%s)", r->corrupted_reason);
	out_bool(o, "truncated", NULL, r->truncated);
	out_text(o, "\n");
	out_str(o, "first_line", first ? "       %s\n" : NULL, r->first_line);
	out_arr_open(o, "alt");
	for (i = 0; i < r->nr_alt; i++)
		out_str(o, NULL, first ? "       alt: %s\n" : NULL, r->alt[i]);
	out_arr_close(o);
	out_arr_open(o, "frames");
	for (i = 0, nkey = 0; i < r->nr_frames; i++)
		nkey += r->frames[i].key;
	if (nkey)
		out_text(o, "       key frames:");
	for (i = 0, shown = 0; i < r->nr_frames; i++) {
		const struct kradar_serial_frame *f = &r->frames[i];
		bool show = f->key && shown < TEXT_FRAMES;

		shown += show;
		out_obj_open(o, NULL);
		out_str(o, "func", show ? " %s" : NULL, f->func);
		out_uint(o, "off", NULL, f->off);
		out_uint(o, "size", NULL, f->size);
		out_bool(o, "key", NULL, f->key);
		if (f->module[0])
			out_str(o, "module", show ? " [%s]" : NULL, f->module);
		out_obj_close(o);
	}
	if (nkey > TEXT_FRAMES)
		out_text(o, " ... (%d key frames of %d)", nkey, r->nr_frames);
	if (nkey)
		out_text(o, "\n");
	out_arr_close(o);
	out_obj_close(o);
}

static void print_event(struct out *o, const struct kradar_serial_event *e)
{
	out_obj_open(o, NULL);
	out_text(o, "  ");
	if (e->pos.has_time)
		out_time(o, "time", "[%12s] ", e->pos.time_ns);
	else
		out_text(o, "[%12s] ", "-");
	out_str(o, "kind", "%-22s ", kradar_serial__event_name(e->kind));
	out_uint(o, "line", "line %-7llu", e->pos.line);
	out_uint(o, "offset", NULL, e->pos.offset);
	if (e->pos.caller[0])
		out_str(o, "caller", " %s", e->pos.caller);
	if (e->cpu >= 0)
		out_int(o, "cpu", " cpu=%lld", e->cpu);
	if (e->pid >= 0)
		out_int(o, "pid", " pid=%lld", e->pid);
	if (e->comm[0])
		out_str(o, "comm", " comm=%s", e->comm);
	if (e->owner_pid >= 0)
		out_int(o, "owner_pid", " owner_pid=%lld", e->owner_pid);
	if (e->owner_comm[0])
		out_str(o, "owner_comm", " owner_comm=%s", e->owner_comm);
	if (e->flavor[0])
		out_str(o, "flavor", " %s", e->flavor);
	if (e->jiffies >= 0)
		out_int(o, "jiffies", " jiffies=%lld", e->jiffies);
	if (e->ns >= 0)
		out_int(o, "ns", " ns=%lld", e->ns);
	if (e->seconds >= 0)
		out_int(o, "seconds", " seconds=%lld", e->seconds);
	out_str(o, "text", "\n      %s\n", e->text);
	out_obj_close(o);
}

int do_serial(struct out *o, int argc, char **argv)
{
	const struct kradar_serial_stats *st;
	struct kradar_serial *p;
	size_t i, nrep, nev;
	bool finding = false;
	int ret = 2;

	if (argc != 1) {
		p_err("--serial takes exactly one LOG argument (a file or -), got %d", argc);
		return 2;
	}
	p = kradar_serial__new();
	if (!p) {
		p_err("cannot create the console parser: %s", strerror(errno));
		return 2;
	}
	if (feed_file(p, argv[0]))
		goto out;
	kradar_serial__finish(p);
	st = kradar_serial__stats(p);
	nrep = kradar_serial__nr_reports(p);
	nev = kradar_serial__nr_events(p);
	finding = nrep > 0;
	for (i = 0; i < nev; i++)
		if (kradar_serial__event_is_finding(kradar_serial__event(p, i)->kind))
			finding = true;

	out_str(o, "log", "%s: ", argv[0]);
	out_uint(o, "reports_total", "%llu report(s), ", st->reports_total);
	out_uint(o, "events_total", NULL, (uint64_t)nev + st->events_dropped);
	out_uint(o, "events_shown", "%llu signature line(s), ", (uint64_t)nev);
	out_uint(o, "lines", "%llu lines", st->lines);
	out_uint(o, "lines_with_time", " (%llu with printk time)", st->lines_with_time);
	out_uint(o, "bytes", NULL, st->bytes);
	out_uint(o, "lines_cut", NULL, st->lines_cut);
	out_uint(o, "nul_bytes", NULL, st->nul_bytes);
	out_uint(o, "escape_sequences", NULL, st->escapes);
	out_uint(o, "reports_dropped", NULL, st->reports_dropped);
	out_uint(o, "events_dropped", NULL, st->events_dropped);
	out_bool(o, "finding", NULL, finding);
	out_text(o, "\n");
	if (!st->lines)
		out_text(o, "empty log: no data, nothing to judge\n");
	else if (!nrep)
		out_text(o, "no crash report found\n");
	out_arr_open(o, "reports");
	for (i = 0; i < nrep; i++)
		print_report(o, kradar_serial__report(p, i), i == 0);
	out_arr_close(o);
	if (st->reports_dropped)
		out_text(o, "(%" PRIu64 " more reports not kept)\n", st->reports_dropped);
	if (nev)
		out_text(o, "signature lines:\n");
	out_arr_open(o, "events");
	for (i = 0; i < nev; i++)
		print_event(o, kradar_serial__event(p, i));
	out_arr_close(o);
	if (st->events_dropped)
		out_text(o, "(%" PRIu64 " more signature lines not kept)\n", st->events_dropped);
	/* nothing to read is not "nothing found" */
	ret = finding ? 1 : st->lines ? 0 : 3;
out:
	kradar_serial__free(p);
	return ret;
}
