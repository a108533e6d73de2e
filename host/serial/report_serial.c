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

static void print_pos(const struct kradar_serial_pos *pos)
{
	out_uint("line", "line %" PRIu64, pos->line);
	out_uint("offset", NULL, pos->offset);
	if (pos->has_time)
		out_time("time", ", time %s", pos->time_ns);
	if (pos->caller[0])
		out_string("caller", ", caller %s", pos->caller);
}

static void print_report(const struct kradar_serial_report *r, bool first)
{
	int i, nkey, shown;

	out_open_object(NULL);
	out_string("title", first ? "title: %s\n" : "also:  %s\n", r->title);
	out_text("       ");
	out_string("type", "type %s, ", r->type);
	out_string("class", NULL, kradar_serial__class_name(r->cls));
	print_pos(&r->start);
	out_uint("end_line", NULL, r->end_line);
	if (r->guilty_frame[0])
		out_string("frame", ", frame %s", r->guilty_frame);
	if (r->cpu >= 0) {
		out_int("cpu", ", on CPU %" PRId64, r->cpu);
		out_int("pid", " pid %" PRId64, r->pid);
		out_string("comm", " %s", r->comm);
	}
	out_bool("corrupted", NULL, r->corrupted);
	if (r->corrupted)
		out_string("corrupted_reason", ", corrupted (%s)", r->corrupted_reason);
	out_bool("truncated", NULL, r->truncated);
	out_text("\n");
	out_string("first_line", first ? "       %s\n" : NULL, r->first_line);
	out_open_array("alt");
	for (i = 0; i < r->nr_alt; i++)
		out_string(NULL, first ? "       alt: %s\n" : NULL, r->alt[i]);
	out_close_array();
	out_open_array("frames");
	for (i = 0, nkey = 0; i < r->nr_frames; i++)
		nkey += r->frames[i].key;
	if (nkey)
		out_text("       key frames:");
	for (i = 0, shown = 0; i < r->nr_frames; i++) {
		const struct kradar_serial_frame *f = &r->frames[i];
		bool show = f->key && shown < TEXT_FRAMES;

		shown += show;
		out_open_object(NULL);
		out_string("func", show ? " %s" : NULL, f->func);
		out_uint("off", NULL, f->off);
		out_uint("size", NULL, f->size);
		out_bool("key", NULL, f->key);
		if (f->module[0])
			out_string("module", show ? " [%s]" : NULL, f->module);
		out_close_object();
	}
	if (nkey > TEXT_FRAMES)
		out_text(" ... (%d key frames of %d)", nkey, r->nr_frames);
	if (nkey)
		out_text("\n");
	out_close_array();
	out_close_object();
}

static void print_event(const struct kradar_serial_event *e)
{
	out_open_object(NULL);
	out_text("  ");
	if (e->pos.has_time)
		out_time("time", "[%12s] ", e->pos.time_ns);
	else
		out_text("[%12s] ", "-");
	out_string("kind", "%-22s ", kradar_serial__event_name(e->kind));
	out_uint("line", "line %-7" PRIu64, e->pos.line);
	out_uint("offset", NULL, e->pos.offset);
	if (e->pos.caller[0])
		out_string("caller", " %s", e->pos.caller);
	if (e->cpu >= 0)
		out_int("cpu", " cpu=%" PRId64, e->cpu);
	if (e->pid >= 0)
		out_int("pid", " pid=%" PRId64, e->pid);
	if (e->comm[0])
		out_string("comm", " comm=%s", e->comm);
	if (e->owner_pid >= 0)
		out_int("owner_pid", " owner_pid=%" PRId64, e->owner_pid);
	if (e->owner_comm[0])
		out_string("owner_comm", " owner_comm=%s", e->owner_comm);
	if (e->flavor[0])
		out_string("flavor", " %s", e->flavor);
	if (e->jiffies >= 0)
		out_int("jiffies", " jiffies=%" PRId64, e->jiffies);
	if (e->ns >= 0)
		out_int("ns", " ns=%" PRId64, e->ns);
	if (e->seconds >= 0)
		out_int("seconds", " seconds=%" PRId64, e->seconds);
	out_string("text", "\n      %s\n", e->text);
	out_close_object();
}

int do_serial(int argc, char **argv)
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

	out_string("log", "%s: ", argv[0]);
	out_uint("reports_total", "%" PRIu64 " report(s), ", st->reports_total);
	out_uint("events_total", NULL, (uint64_t)nev + st->events_dropped);
	out_uint("events_shown", "%" PRIu64 " signature line(s), ", (uint64_t)nev);
	out_uint("lines", "%" PRIu64 " lines", st->lines);
	out_uint("lines_with_time", " (%" PRIu64 " with printk time)", st->lines_with_time);
	out_uint("bytes", NULL, st->bytes);
	out_uint("lines_cut", NULL, st->lines_cut);
	out_uint("nul_bytes", NULL, st->nul_bytes);
	out_uint("escape_sequences", NULL, st->escapes);
	out_uint("reports_dropped", NULL, st->reports_dropped);
	out_uint("events_dropped", NULL, st->events_dropped);
	out_bool("finding", NULL, finding);
	out_text("\n");
	if (!st->lines)
		out_text("empty log: no data, nothing to judge\n");
	else if (!nrep)
		out_text("no crash report found\n");
	out_open_array("reports");
	for (i = 0; i < nrep; i++)
		print_report(kradar_serial__report(p, i), i == 0);
	out_close_array();
	if (st->reports_dropped)
		out_text("(%" PRIu64 " more reports not kept)\n", st->reports_dropped);
	if (nev)
		out_text("signature lines:\n");
	out_open_array("events");
	for (i = 0; i < nev; i++)
		print_event(kradar_serial__event(p, i));
	out_close_array();
	if (st->events_dropped)
		out_text("(%" PRIu64 " more signature lines not kept)\n", st->events_dropped);
	/* nothing to read is not "nothing found" */
	ret = finding ? 1 : st->lines ? 0 : 3;
out:
	kradar_serial__free(p);
	return ret;
}
