// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-collect --resume PREV_DIR: a collector that follows another one
 * counts what the guest sent while no collector was connected.
 *
 * A real stream from the corpus (clean.bin: one session, no loss, HELLO
 * repeated once in the middle) is cut in three: the first part is what
 * the earlier collector saved (PREV/stream.bin), the middle part is what
 * QEMU discarded while the host side was closed, the last part is what
 * the new collector receives (given with --input, so no socket is needed;
 * --vport goes through the same code). Each case checks the "lost"
 * events with cause no_collector and the summary's totals against the
 * records actually removed, computed here from the stream itself.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kradar_wire.h"
#include "tap.h"
#include "collect_run.h"

#ifndef KRADAR_CORPUS_DIR
#define KRADAR_CORPUS_DIR "selftests/corpus/stream"
#endif

#define MAX_RECS 4096

struct stream {
	unsigned char *buf;
	size_t len;
	size_t nr;
	size_t off[MAX_RECS + 1];	/* off[nr] == len */
	uint16_t type[MAX_RECS];
	uint16_t cpu[MAX_RECS];
	uint32_t seq[MAX_RECS];
};

static char tmpdir[] = "/tmp/kradar-test-resume.XXXXXX";
static struct stream clean, storm;

static char *path_of(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", tmpdir, name);
	return buf[i];
}

/* Index the records of a corpus stream (all valid, back to back) */
static bool load_stream(const char *name, struct stream *s)
{
	char path[512];
	size_t o = 0;

	snprintf(path, sizeof(path), "%s/%s", KRADAR_CORPUS_DIR, name);
	s->buf = (unsigned char *)kradar_file_read(path, 0, &s->len);
	if (!s->buf)
		return false;
	s->nr = 0;
	while (o + sizeof(struct kradar_rec_hdr) <= s->len && s->nr < MAX_RECS) {
		struct kradar_rec_hdr h;

		memcpy(&h, s->buf + o, sizeof(h));
		if (le32toh(h.sync) != KRADAR_SYNC || le32toh(h.size) < sizeof(h) ||
		    o + le32toh(h.size) > s->len)
			return false;
		s->off[s->nr] = o;
		s->type[s->nr] = le16toh(h.type);
		s->cpu[s->nr] = le16toh(h.cpu);
		s->seq[s->nr] = le32toh(h.seq);
		s->nr++;
		o += le32toh(h.size);
	}
	s->off[s->nr] = o;
	return o == s->len;
}

/* Records [from, to) of @s, plus @extra bytes of record @to (cut short) */
static bool write_part(const char *path, const struct stream *s, size_t from,
		       size_t to, size_t extra)
{
	FILE *f = fopen(path, "wb");
	size_t a = s->off[from], b = s->off[to] + extra;
	bool ok;

	if (!f)
		return false;
	ok = fwrite(s->buf + a, 1, b - a, f) == b - a;
	return fclose(f) == 0 && ok;
}

/* The last @tail bytes of record @rec, then records [rec + 1, nr) */
static bool write_tail(const char *path, const struct stream *s, size_t rec,
		       size_t tail)
{
	FILE *f = fopen(path, "wb");
	size_t a = s->off[rec + 1] - tail;
	bool ok;

	if (!f)
		return false;
	ok = fwrite(s->buf + a, 1, s->len - a, f) == s->len - a;
	return fclose(f) == 0 && ok;
}

/*
 * Records in [lost_from, lost_to) whose sequence goes on in [live_from,
 * nr): the loss a resuming collector can see.
 */
static size_t visible_loss(const struct stream *s, size_t lost_from,
			   size_t lost_to, size_t live_from)
{
	size_t n = 0;

	for (size_t i = lost_from; i < lost_to; i++)
		for (size_t j = live_from; j < s->nr; j++)
			if (s->cpu[j] == s->cpu[i]) {
				n++;
				break;
			}
	return n;
}

static bool has_hello(const struct stream *s, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (s->type[i] == KRADAR_REC_HELLO)
			return true;
	return false;
}

/* The number after "key": in line, or -1 */
static long long jnum(const char *line, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(line, pat);
	return p ? strtoll(p + strlen(pat), NULL, 10) : -1;
}

struct outcome {
	int rc;
	long long lost_events;		/* "lost" events, cause no_collector */
	long long lost_records;		/* their records */
	long long records;		/* summary: records decoded */
	long long seq_lost;		/* summary: seq_lost_records */
	long long no_collector;		/* summary: no_collector_lost_records */
	long long skipped;		/* summary: skipped_bytes */
	bool confirmed;			/* summary: resumed.session_confirmed */
	bool not_used;			/* summary: resumed.not_used is set */
	bool verdict_says;		/* verdict names the no-collector loss */
	bool text_says;			/* summary.txt has the line */
	char *log;
};

static void outcome_free(struct outcome *o)
{
	free(o->log);
}

/* kradar-collect --input LIVE --out OUT [--resume PREV] */
static struct outcome collect(const char *live, const char *out,
			      const char *prev)
{
	const char *args[] = { "--input", live, "--out", out, "--resume", prev,
			       NULL };
	struct outcome o = { .rc = -1 };
	char p[600], *ev, *line, *txt;

	if (!prev)
		args[4] = NULL;
	snprintf(p, sizeof(p), "%s.log", out);
	o.rc = run(args, p);
	o.log = kradar_file_read(p, 0, NULL);
	snprintf(p, sizeof(p), "%s/events.jsonl", out);
	ev = kradar_file_read(p, 0, NULL);
	for (line = ev ? strtok(ev, "\n") : NULL; line;
	     line = strtok(NULL, "\n")) {
		if (strstr(line, "{\"type\":\"lost\"") &&
		    strstr(line, "\"cause\":\"no_collector\"")) {
			o.lost_events++;
			o.lost_records += jnum(line, "records");
		}
		if (strstr(line, "{\"type\":\"summary\"")) {
			const char *r = strstr(line, "\"records\":{");

			o.records = r ? jnum(r, "total") : -1;
			o.seq_lost = jnum(line, "seq_lost_records");
			o.no_collector = jnum(line, "no_collector_lost_records");
			o.skipped = jnum(line, "skipped_bytes");
			o.confirmed = strstr(line, "\"session_confirmed\":true");
			o.not_used = strstr(line, "\"not_used\":\"");
			o.verdict_says = strstr(line, "records sent while no collector was connected");
		}
	}
	free(ev);
	snprintf(p, sizeof(p), "%s/summary.txt", out);
	txt = kradar_file_read(p, 0, NULL);
	o.text_says = txt && strstr(txt, "sent while no collector was connected:");
	free(txt);
	return o;
}

static void show_log(const struct outcome *o)
{
	if (o->log && *o->log)
		printf("# collector said: %s", o->log);
}

/* PREV = records [0, cut) (+ extra bytes), live from @live_from */
static bool make_prev(const char *dir, const struct stream *s, size_t cut,
		      size_t extra)
{
	char p[600];

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return false;
	snprintf(p, sizeof(p), "%s/stream.bin", dir);
	return write_part(p, s, 0, cut, extra);
}

/* ---- cases --------------------------------------------------------------- */

/* The middle ten records removed; the live part repeats the HELLO */
static void test_gap_counted(void)
{
	size_t cut = 10, live = 20, want = visible_loss(&clean, cut, live, live);
	struct outcome o;

	ASSERT_EQ_INT(want, live - cut, "gap: every removed record's sequence goes on in the live part");
	ASSERT_TRUE(has_hello(&clean, live, clean.nr), "gap: the live part repeats the HELLO");
	if (!make_prev(path_of("p1"), &clean, cut, 0) ||
	    !write_part(path_of("l1.bin"), &clean, live, clean.nr, 0)) {
		tap_ok(false, "gap: test streams written");
		return;
	}
	o = collect(path_of("l1.bin"), path_of("o1"), path_of("p1"));
	ASSERT_EQ_INT(o.rc, 3, "gap: exit 3 (data lost, nothing found: inconclusive)");
	ASSERT_EQ_INT(o.lost_records, want, "gap: lost no_collector records == records removed");
	ASSERT_EQ_INT(o.lost_events, 3, "gap: one lost event per sequence (cpu 0, cpu 1, global)");
	ASSERT_EQ_INT(o.no_collector, want, "gap: summary no_collector_lost_records == records removed");
	ASSERT_EQ_INT(o.seq_lost, want, "gap: the summary's sequence-gap total includes them");
	ASSERT_EQ_INT(o.records, clean.nr - live, "gap: every live record decoded (none kept back)");
	ASSERT_TRUE(o.confirmed, "gap: the repeated HELLO confirmed the session");
	ASSERT_TRUE(o.verdict_says && o.text_says, "gap: verdict and summary.txt name the loss");
	if (o.rc != 3)
		show_log(&o);
	outcome_free(&o);
}

/* Negative: PREV and live are contiguous, nothing is lost */
static void test_contiguous(void)
{
	size_t cut = 30;
	struct outcome o;

	if (!make_prev(path_of("p2"), &clean, cut, 0) ||
	    !write_part(path_of("l2.bin"), &clean, cut, clean.nr, 0)) {
		tap_ok(false, "contiguous: test streams written");
		return;
	}
	o = collect(path_of("l2.bin"), path_of("o2"), path_of("p2"));
	ASSERT_EQ_INT(o.rc, 0, "contiguous: exit 0 (nothing lost)");
	ASSERT_EQ_INT(o.lost_events, 0, "contiguous: no lost event");
	ASSERT_EQ_INT(o.no_collector, 0, "contiguous: no_collector_lost_records 0");
	ASSERT_EQ_INT(o.seq_lost, 0, "contiguous: no sequence gap");
	ASSERT_TRUE(!o.verdict_says, "contiguous: the verdict names no such loss");
	if (o.rc != 0)
		show_log(&o);
	outcome_free(&o);
}

/* No HELLO in the live part: the session is assumed, still counted */
static void test_no_hello(void)
{
	size_t cut = 35, live = 45, want = visible_loss(&clean, cut, live, live);
	struct outcome o;

	ASSERT_TRUE(!has_hello(&clean, live, clean.nr), "no hello: the live part has no HELLO");
	if (!make_prev(path_of("p3"), &clean, cut, 0) ||
	    !write_part(path_of("l3.bin"), &clean, live, clean.nr, 0)) {
		tap_ok(false, "no hello: test streams written");
		return;
	}
	o = collect(path_of("l3.bin"), path_of("o3"), path_of("p3"));
	ASSERT_EQ_INT(o.lost_records, want, "no hello: lost no_collector records == records removed");
	ASSERT_EQ_INT(want, live - cut, "no hello: every removed record's sequence goes on");
	ASSERT_TRUE(!o.confirmed && !o.not_used, "no hello: the session is assumed and said so");
	outcome_free(&o);
}

/*
 * The earlier collector was killed inside a record (PREV ends with part
 * of it) and the new one connects inside another (the live part starts
 * with the end of one): both records are among the lost.
 */
static void test_cut_records(void)
{
	size_t cut = 10, live = 20, want = visible_loss(&clean, cut, live, live);
	struct outcome o;

	if (!make_prev(path_of("p4"), &clean, cut, 20) ||
	    !write_tail(path_of("l4.bin"), &clean, live - 1, 16)) {
		tap_ok(false, "cut records: test streams written");
		return;
	}
	o = collect(path_of("l4.bin"), path_of("o4"), path_of("p4"));
	ASSERT_EQ_INT(o.lost_records, want, "cut records: truncated PREV and cut live start: lost == records not received whole");
	ASSERT_EQ_INT(o.skipped, 16, "cut records: the live part's partial record is skipped bytes");
	ASSERT_EQ_INT(o.records, clean.nr - live, "cut records: every whole live record decoded");
	if (o.lost_records != (long long)want)
		show_log(&o);
	outcome_free(&o);
}

/*
 * Another session (the guest rebooted): the seed is ignored, also for
 * the records before the live part's first HELLO.
 */
static void test_other_session(void)
{
	struct outcome base, o;

	if (!make_prev(path_of("p5"), &clean, 30, 0) ||
	    !write_part(path_of("l5.bin"), &storm, 1, storm.nr, 0)) {
		tap_ok(false, "other session: test streams written");
		return;
	}
	ASSERT_TRUE(has_hello(&storm, 2, storm.nr) && storm.type[0] == KRADAR_REC_HELLO,
		    "other session: the live part's HELLO comes after other records");
	base = collect(path_of("l5.bin"), path_of("o5base"), NULL);
	o = collect(path_of("l5.bin"), path_of("o5"), path_of("p5"));
	ASSERT_EQ_INT(o.lost_events, 0, "other session: no lost no_collector event");
	ASSERT_EQ_INT(o.seq_lost, base.seq_lost, "other session: sequence gaps as without --resume");
	ASSERT_EQ_INT(o.records, base.records, "other session: records as without --resume");
	ASSERT_EQ_INT(o.rc, base.rc, "other session: exit status as without --resume");
	ASSERT_TRUE(o.not_used, "other session: the summary says the seed was not used");
	outcome_free(&base);
	outcome_free(&o);
}

/* PREV_DIR without a usable stream.bin: exit 2 saying what to do */
static void test_errors(void)
{
	char live[512];
	struct outcome o;

	snprintf(live, sizeof(live), "%s", path_of("l1.bin"));

	mkdir(path_of("p6"), 0755);
	o = collect(live, path_of("o6"), path_of("p6"));
	ASSERT_EQ_INT(o.rc, 2, "errors: PREV_DIR without stream.bin: exit 2");
	ASSERT_TRUE(o.log && strstr(o.log, "stream.bin") &&
		    strstr(o.log, "without --resume"),
		    "errors: the message names stream.bin and what to do");
	outcome_free(&o);

	o = collect(live, path_of("o7"), path_of("no-such-dir"));
	ASSERT_EQ_INT(o.rc, 2, "errors: PREV_DIR missing: exit 2");
	outcome_free(&o);

	/* records but no HELLO: the session is unknown */
	mkdir(path_of("p8"), 0755);
	write_part(path_of("p8/stream.bin"), &clean, 1, 30, 0);
	o = collect(live, path_of("o8"), path_of("p8"));
	ASSERT_EQ_INT(o.rc, 2, "errors: stream.bin without HELLO: exit 2");
	ASSERT_TRUE(o.log && strstr(o.log, "no valid HELLO"),
		    "errors: the message says no HELLO");
	outcome_free(&o);

	mkdir(path_of("p9"), 0755);
	write_part(path_of("p9/stream.bin"), &clean, 0, 0, 0);
	o = collect(live, path_of("o9"), path_of("p9"));
	ASSERT_EQ_INT(o.rc, 2, "errors: empty stream.bin: exit 2");
	outcome_free(&o);

	o = collect(live, path_of("p1"), path_of("p1"));
	ASSERT_EQ_INT(o.rc, 2, "errors: --resume is the --out directory: exit 2");
	ASSERT_TRUE(o.log && strstr(o.log, "overwritten"),
		    "errors: the message says stream.bin would be overwritten");
	outcome_free(&o);
	/* and PREV's stream.bin is intact */
	o = collect(live, path_of("o10"), path_of("p1"));
	ASSERT_EQ_INT(o.lost_records, 10, "errors: the refused run left PREV_DIR/stream.bin intact");
	outcome_free(&o);
}

static int rm_entry(const char *p, const struct stat *sb, int flag,
		    struct FTW *ftw)
{
	return remove(p);
}

int main(void)
{
	if (!mkdtemp(tmpdir)) {
		printf("Bail out! cannot create a temporary directory\n");
		return 2;
	}
	if (!load_stream("clean.bin", &clean) ||
	    !load_stream("storm.bin", &storm) || clean.nr < 62) {
		printf("Bail out! cannot index %s/clean.bin and storm.bin\n",
		       KRADAR_CORPUS_DIR);
		return 2;
	}
	test_gap_counted();
	test_contiguous();
	test_no_hello();
	test_cut_records();
	test_other_session();
	test_errors();
	nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(clean.buf);
	free(storm.buf);
	return tap_done();
}
