// SPDX-License-Identifier: GPL-2.0
/*
 * test_faults: inject stream faults between the guest and kradar-collect
 * and check that the collector reports exactly what was done to the
 * stream (Documentation/robustness.rst).
 *
 * Streams: selftests/corpus/stream/storm.bin and clean.bin (recorded by
 * the test encoder, as the module writes them) and a longer one made here
 * with the same encoder (host/collect/tests/kradar_enc.c): 4 CPUs, 250
 * windows, about 1250 records; and a variant with RCU gap, grace-period
 * stall and lock records among them. Each is first decoded with the decoder
 * library to know its records (offset, size, header, payload).
 *
 * A case builds a faulted stream from whole original records and raw
 * bytes, remembering where each intact copy of an original record lands
 * (a "placement"). Faults, each with a fixed seed: truncation at a random
 * point, flipped bits, dropped records, duplicated records, a guest
 * reboot (a second session with a new HELLO and sequence numbers from 0)
 * mid-run, and a reconnect mid-record served on a unix socket the way
 * QEMU serves its chardev (this test is the server, kradar-collect
 * --vport the client). The real $(BUILD)/kradar-collect runs on the
 * result (--input, or --vport for the reconnects) and the test checks:
 *
 *  (a) every record event in events.jsonl sits at the offset of an intact
 *      placement and describes that original record (type, cpu, seq,
 *      t_ns and payload fields), and every placement is emitted exactly
 *      once: the collector never invents, alters or silently drops a
 *      record;
 *  (b) the loss in the summary equals what was injected: sequence
 *      accounting per the rules of Documentation/wire-format.rst applied
 *      to the placements (a dropped interior record is one more record
 *      lost, a duplicate one sequence restart), skipped bytes equal to
 *      the bytes of the records the faults broke, truncated bytes equal
 *      to the part of the record the cut left, stream bytes equal to
 *      the faulted stream's length; for skipped and truncated bytes the
 *      stream_loss event also names the offset where they start;
 *  (c) the exit status: 1 when the stream holds a finding (storm, RCU
 *      gap, lock wait) whatever was lost, 3 (inconclusive) when loss was
 *      injected into a stream without one, 0 when the untouched clean
 *      stream (or a fault the stream cannot show) was decoded.
 *
 * Records chosen for removal are "interior": their sequence (cpu value)
 * has a kept record before and after them, so their loss is visible.
 * The first or last record of a sequence can vanish without a trace;
 * the cases that show this say so.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kradar_decode.h"
#include "kradar_enc.h"
#include "jsonl.h"
#include <kradar_tap.h>

#pragma GCC poison u8 u16 u32 u64

#ifndef KRADAR_COLLECT_BIN
#error "KRADAR_COLLECT_BIN must name the collector (the Makefile sets it)"
#endif
#ifndef KRADAR_STREAM_DIR
#error "KRADAR_STREAM_DIR must name selftests/corpus/stream"
#endif

#define HANG_GUARD_MS	60000	/* only a hung collector takes this long */

/* ---- TAP (include/kradar_tap.h) -------------------------------------------- */

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tap_case_failed = 1;
}

#define EXPECT_EQ(actual, expected, what) do {				\
	unsigned long long _a = (actual), _e = (expected);		\
	if (_a != _e)							\
		fail("%s: actual %llu, expected %llu", (what), _a, _e);	\
} while (0)

static void tap_result(const char *name)
{
	tap_ok(!tap_case_failed, "%s", name);
	tap_case_failed = 0;
}

/* ---- original streams --------------------------------------------------- */

struct orec {
	size_t off;
	uint32_t size;
	struct kradar_record rec;	/* as the decoder library reads it */
};

struct stream {
	const char *name;
	unsigned char *buf;
	size_t len;
	struct orec *recs;
	size_t nr;
	bool finding;		/* holds a storm, RCU gap or lock wait */
};

/* The collector's exit status for a stream that lost records: 1 when the
 * rest still shows a finding, else 3 (inconclusive). */
static int loss_exit(const struct stream *s)
{
	return s->finding ? 1 : 3;
}

static int collect_rec(void *ctx, const struct kradar_record *rec)
{
	struct stream *s = ctx;
	struct orec *n = realloc(s->recs, (s->nr + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	s->recs = n;
	n[s->nr].off = rec->offset;
	n[s->nr].size = rec->h.size;
	n[s->nr].rec = *rec;
	s->nr++;
	return 0;
}

/* Know the records of a stream; the stream must be free of byte loss. */
static int stream_index(struct stream *s)
{
	const struct kradar_decoder_ops ops = { .record = collect_rec, .ctx = s };
	struct kradar_decoder *dec = kradar_decoder__new(&ops);
	const struct kradar_decoder_stats *st;
	size_t sum = 0;
	int err;

	if (!dec)
		return -errno;
	err = kradar_decoder__push(dec, s->buf, s->len);
	if (!err)
		err = kradar_decoder__finish(dec);
	st = kradar_decoder__stats(dec);
	if (!err && (st->skipped_bytes || st->truncated_bytes || st->malformed))
		err = -EINVAL;
	kradar_decoder__free(dec);
	for (size_t i = 0; !err && i < s->nr; i++) {
		if (s->recs[i].off != sum)
			err = -EINVAL;
		sum += s->recs[i].size;
	}
	if (!err && sum != s->len)
		err = -EINVAL;
	return err;
}

static int stream_load(struct stream *s, const char *name)
{
	char path[4096];
	FILE *f;
	long n;

	memset(s, 0, sizeof(*s));
	s->name = name;
	snprintf(path, sizeof(path), "%s/%s", KRADAR_STREAM_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		return -errno;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) || !(s->buf = malloc(n)) ||
	    fread(s->buf, 1, n, f) != (size_t)n) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	s->len = n;
	return stream_index(s);
}

/*
 * The long stream: 4 CPUs, 250 windows of 100 ms, a HELLO resent every
 * 50 windows, no storm and no loss; with findings, every 50 windows a
 * QS_GAP, a GP_STALL and a LOCK record (findings: the collector exits 1). session picks the boot; t0 its clock.
 */
static int stream_gen_long(struct stream *s, const char *name,
			   uint64_t session, uint64_t t0, bool findings)
{
	static const struct kenc_entry tick = {
		.function = 0xffffffff81234560ULL, .count = 100, .late = 1,
		.late_sum_ns = 200000, .late_max_ns = 150000,
		.name = "tick_nohz_handler",
	};
	struct kenc e;

	memset(s, 0, sizeof(*s));
	s->name = name;
	if (kenc_init(&e))
		return -ENOMEM;
	e.ts = t0 - 1000;
	kenc_hello(&e, session, 4, 0, "6.12.0-kradar");
	for (unsigned int w = 0; w < 250; w++) {
		uint64_t start = t0 + w * 100000000ULL, end = start + 100000000ULL;

		e.ts = end + 20000;
		kenc_heartbeat(&e, w, 0);
		if (w && w % 50 == 0)
			kenc_hello(&e, session, 4, KRADAR_RECF_RESENT,
				   "6.12.0-kradar");
		if (findings && w % 50 == 25) {
			/* an RCU gap on CPU 2, the stall it causes, a lock */
			static const uint16_t cpus[1] = { 2 };
			struct kenc_gap g = {
				.phase = KRADAR_PHASE_BEGIN, .pid = 4242 + w,
				.comm = "syz-executor.0", .gap_start_ns = start,
				.gap_ns = 21000000, .gp_seq = 1000 + w,
				.gp_start_ns = start, .hrtimers = 250000,
				.nr_top = 1, .top = { { 0xffffffffc0a01230ULL,
					250000, "advance_sched [sch_taprio]" } },
				.nr_stack = 1,
				.stack = { "taprio_dequeue_soft+0x12/0x340 [sch_taprio]" },
			};

			kenc_gap(&e, 2, &g);
			kenc_stall(&e, KRADAR_PHASE_BEGIN, 1000 + w, 21000000,
				   cpus, 1);
			kenc_lock(&e, KRADAR_PHASE_BEGIN, 0xffffffff8e1a2b48ULL,
				  "rtnl_mutex", 4242 + w, "syz-executor.0", 'R',
				  5000000000ULL, 4000000000ULL);
		}
		for (uint16_t cpu = 0; cpu < 4; cpu++) {
			struct kenc_entry ent[2] = { tick, tick };

			ent[1].function = 0xffffffff81345670ULL + cpu;
			ent[1].count = 10 + w % 7 + cpu;
			ent[1].name = "watchdog_timer_fn";
			kenc_window(&e, cpu, start, end, cpu, ent, 2);
		}
	}
	s->buf = e.buf;
	s->len = e.len;
	e.buf = NULL;
	kenc_free(&e);
	return stream_index(s);
}

/* ---- faulted streams ---------------------------------------------------- */

struct placement {
	size_t off;			/* in the faulted stream */
	const struct orec *o;		/* the original record copied intact */
	int seen;			/* events naming it */
};

struct fstream {
	unsigned char *buf;
	size_t len, cap;
	struct placement *pl;
	size_t npl;
	/* byte-level loss the construction caused */
	uint64_t skipped, truncated;
	size_t skip_off[64], nr_skip;	/* where skipped runs start */
	size_t broken_end;		/* end of the last broken bytes */
	size_t trunc_off;
	bool has_trunc;
};

static void fs_bytes(struct fstream *f, const void *p, size_t n)
{
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : 65536;

		while (f->len + n > cap)
			cap *= 2;
		f->buf = realloc(f->buf, cap);
		if (!f->buf)
			abort();	/* test: out of memory is fatal */
		f->cap = cap;
	}
	memcpy(f->buf + f->len, p, n);
	f->len += n;
}

static void fs_rec(struct fstream *f, const struct stream *s, size_t i)
{
	struct placement *n = realloc(f->pl, (f->npl + 1) * sizeof(*n));

	if (!n)
		abort();
	f->pl = n;
	n[f->npl++] = (struct placement){ .off = f->len, .o = &s->recs[i] };
	fs_bytes(f, s->buf + s->recs[i].off, s->recs[i].size);
}

/* Bytes that are lost (a broken or cut record followed by a good one). */
static void fs_broken(struct fstream *f, const void *p, size_t n)
{
	/* broken bytes right after broken bytes: one run, reported once */
	if (f->nr_skip < 64 && !(f->nr_skip && f->broken_end == f->len))
		f->skip_off[f->nr_skip++] = f->len;
	f->broken_end = f->len + n;
	f->skipped += n;
	fs_bytes(f, p, n);
}

static void fs_recs(struct fstream *f, const struct stream *s, size_t from,
		    size_t to)
{
	for (size_t i = from; i < to && i < s->nr; i++)
		fs_rec(f, s, i);
}

static void fs_free(struct fstream *f)
{
	free(f->buf);
	free(f->pl);
	memset(f, 0, sizeof(*f));
}

/* ---- the sequence rules (Documentation/wire-format.rst) ----------------- */

struct seq_model {
	uint64_t lost, restarts, sessions;
};

/* Loss accounting of wire-format.rst applied to the records in order. */
static void model_seq(const struct placement *pl, size_t n,
		      struct seq_model *m)
{
	static uint32_t next[65536];
	static bool valid[65536];
	bool have = false;
	uint64_t session = 0;

	memset(m, 0, sizeof(*m));
	memset(valid, 0, sizeof(valid));
	for (size_t i = 0; i < n; i++) {
		const struct kradar_record *r = &pl[i].o->rec;
		uint16_t cpu = r->h.cpu;

		if (r->h.type == KRADAR_REC_HELLO) {
			const struct kradar_rec_hello *h = &r->u.hello;
			bool reset = have ? h->session != session :
				!(r->h.flags & KRADAR_RECF_RESENT);

			if (reset)
				memset(valid, 0, sizeof(valid));
			if (!have || h->session != session)
				m->sessions++;
			have = true;
			session = h->session;
		}
		if (valid[cpu] && r->h.seq != next[cpu]) {
			uint32_t d = r->h.seq - next[cpu];

			if (d < 0x80000000U)
				m->lost += d;
			else
				m->restarts++;
		}
		valid[cpu] = true;
		next[cpu] = r->h.seq + 1;
	}
}

/* Removing these records (sorted indexes) leaves each with a kept record
 * of its sequence before and after it, in a one-session stream. */
static bool interior(const struct stream *s, const size_t *rm, size_t nrm)
{
	for (size_t k = 0; k < nrm; k++) {
		uint16_t cpu = s->recs[rm[k]].rec.h.cpu;
		bool before = false, after = false;

		for (size_t i = 0; i < s->nr; i++) {
			bool removed = false;

			for (size_t j = 0; j < nrm; j++)
				removed |= rm[j] == i;
			if (removed || s->recs[i].rec.h.cpu != cpu)
				continue;
			if (i < rm[k])
				before = true;
			else
				after = true;
		}
		if (!before || !after)
			return false;
	}
	return true;
}

static uint64_t rng_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* nrm distinct interior records (sorted), drawn with seed; run: consecutive */
static void pick_interior(const struct stream *s, uint64_t seed, size_t nrm,
			  bool run, size_t *rm)
{
	uint64_t x = seed * 0x9e3779b97f4a7c15ULL + 1;

	for (int tries = 0; tries < 100000; tries++) {
		size_t k;

		for (k = 0; k < nrm; k++) {
			size_t i = run && k ? rm[k - 1] + 1 : rng_next(&x) % s->nr;
			size_t j;

			for (j = 0; j < k && rm[j] != i; j++)
				;
			if (j < k || i >= s->nr)
				break;
			rm[k] = i;
		}
		if (k < nrm)
			continue;
		qsort(rm, nrm, sizeof(*rm), cmp_size);
		if (interior(s, rm, nrm))
			return;
	}
	abort();	/* the streams have plenty of interior records */
}

/* ---- running the collector ---------------------------------------------- */

struct result {
	int exit_code;
	struct jv **ev;		/* events.jsonl, one per line */
	size_t nev;
	const struct jv *summary;
};

static void result_free(struct result *r)
{
	for (size_t i = 0; i < r->nev; i++)
		jv_free(r->ev[i]);
	free(r->ev);
	memset(r, 0, sizeof(*r));
}

static char tmpdir[64];	/* /tmp/kradar-faults.XXXXXX */

static int read_events(const char *outdir, struct result *r)
{
	char path[512], *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/events.jsonl", outdir);
	f = fopen(path, "r");
	if (!f) {
		fail("cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		struct jv *v, **nv;

		lineno++;
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		v = jv_parse(line);
		if (!v) {
			fail("events.jsonl line %zu is not JSON: %.200s", lineno,
			     line);
			continue;
		}
		nv = realloc(r->ev, (r->nev + 1) * sizeof(*nv));
		if (!nv)
			abort();
		r->ev = nv;
		r->ev[r->nev++] = v;
	}
	free(line);
	fclose(f);
	if (r->nev) {
		const char *t;

		if (jv_str(r->ev[r->nev - 1], "type", &t) && !strcmp(t, "summary"))
			r->summary = r->ev[r->nev - 1];
	}
	if (!r->summary)
		fail("events.jsonl does not end with the summary");
	return r->summary ? 0 : -1;
}

static pid_t spawn_collector(const char *mode, const char *arg,
			     const char *outdir)
{
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd >= 0) {
			dup2(fd, STDIN_FILENO);
			dup2(fd, STDOUT_FILENO);
		}
		execl(KRADAR_COLLECT_BIN, KRADAR_COLLECT_BIN, mode, arg,
		      "--out", outdir, "--quiet", (char *)NULL);
		fprintf(stderr, "cannot run %s: %s\n", KRADAR_COLLECT_BIN,
			strerror(errno));
		_exit(127);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	fail("kradar-collect died with signal %d", WTERMSIG(status));
	return -1;
}

static int run_input(const struct fstream *f, struct result *r)
{
	char in[512], out[512];
	FILE *fp;

	snprintf(in, sizeof(in), "%s/stream.bin", tmpdir);
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	fp = fopen(in, "wb");
	if (!fp || fwrite(f->buf, 1, f->len, fp) != f->len || fclose(fp)) {
		fail("cannot write %s: %s", in, strerror(errno));
		return -1;
	}
	r->exit_code = wait_exit(spawn_collector("--input", in, out));
	return read_events(out, r);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int accept_guarded(int srv)
{
	struct pollfd p = { .fd = srv, .events = POLLIN };

	if (poll(&p, 1, HANG_GUARD_MS) != 1) {
		fail("kradar-collect did not connect within %d s",
		     HANG_GUARD_MS / 1000);
		return -1;
	}
	return accept(srv, NULL, NULL);
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			fail("writing to the collector: %s", strerror(errno));
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

/* events.jsonl mentions offset (the last record): everything was read */
static bool events_reached(const char *outdir, size_t offset)
{
	char path[640], needle[64], *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/events.jsonl", outdir);
	snprintf(needle, sizeof(needle), "\"offset\":%zu", offset);
	fp = fopen(path, "r");
	if (!fp)
		return false;
	while (!found && getline(&line, &cap, fp) > 0) {
		char *hit = strstr(line, needle);

		found = hit && (hit[strlen(needle)] == ',' ||
				hit[strlen(needle)] == '}');
	}
	free(line);
	fclose(fp);
	return found;
}

/*
 * Serve f on a unix socket the way QEMU's chardev server does, over one
 * connection per part: bytes [cuts[i], cuts[i+1]) on connection i. The
 * collector connects as a client and reconnects when a connection is
 * closed. The last connection stays open until the collector has written
 * the last record's event; then it is stopped with SIGTERM.
 */
static int run_vport(const struct fstream *f, const size_t *cuts,
		     size_t nparts, struct result *r)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char out[512];
	int srv, conn = -1, ret = -1;
	size_t last = f->pl[f->npl - 1].off;
	uint64_t t0;
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/kradar.sock", tmpdir);
	snprintf(out, sizeof(out), "%s/out", tmpdir);
	unlink(sa.sun_path);
	srv = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (srv < 0 || bind(srv, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(srv, 4)) {
		fail("server socket %s: %s", sa.sun_path, strerror(errno));
		if (srv >= 0)
			close(srv);
		return -1;
	}
	pid = spawn_collector("--vport", sa.sun_path, out);
	for (size_t i = 0; i < nparts; i++) {
		conn = accept_guarded(srv);
		if (conn < 0)
			goto out;
		if (write_all(conn, f->buf + cuts[i], cuts[i + 1] - cuts[i]))
			goto out;
		if (i + 1 < nparts) {
			close(conn);	/* mid-record: QEMU went away */
			conn = -1;
		}
	}
	t0 = mono_ms();
	while (!events_reached(out, last)) {
		if (mono_ms() - t0 > HANG_GUARD_MS) {
			fail("the collector did not decode the last record (offset %zu) within %d s",
			     last, HANG_GUARD_MS / 1000);
			goto out;
		}
		poll(NULL, 0, 20);	/* events.jsonl is flushed per read */
	}
	ret = 0;
out:
	kill(pid, SIGTERM);
	r->exit_code = wait_exit(pid);
	if (conn >= 0)
		close(conn);
	close(srv);
	unlink(sa.sun_path);
	if (ret == 0)
		ret = read_events(out, r);
	return ret;
}

/* ---- checks --------------------------------------------------------------- */

struct expect {
	int exit_code;
	uint64_t sessions;	/* 0: from the sequence model */
	uint64_t connects;	/* --vport: connect events */
	bool by_model;		/* sequence numbers from model_seq() */
	uint64_t extra_lost;	/* must equal model delta vs the original */
	uint64_t extra_restarts;
	const struct stream *orig;	/* for the deltas */
};

static const char *type_name_of(const struct kradar_record *r)
{
	switch (r->h.type) {
	case KRADAR_REC_HELLO:		return "hello";
	case KRADAR_REC_HEARTBEAT:	return "heartbeat";
	case KRADAR_REC_HRTIMER_WINDOW:	return "hrtimer_window";
	case KRADAR_REC_STORM_BEGIN:	return "hrtimer_storm";
	case KRADAR_REC_STORM_END:	return "hrtimer_storm_end";
	case KRADAR_REC_LOST:		return "lost";
	case KRADAR_REC_QS_GAP:		return "qs_gap";
	case KRADAR_REC_GP_STALL:	return "gp_stall";
	case KRADAR_REC_LOCK:		return "lock_contention";
	}
	return NULL;
}

#define FIELD(key, want) do {						\
	uint64_t _v;							\
	if (!jv_u64(ev, key, &_v) || _v != (uint64_t)(want)) {		\
		fail("%s event at offset %zu: \"%s\" is %s%llu, the original record has %llu", \
		     type, pl->off, key, jv_get(ev, key) ? "" : "absent/", \
		     jv_get(ev, key) ? (unsigned long long)_v : 0ULL,	\
		     (unsigned long long)(want));			\
		return;							\
	}								\
} while (0)

/* The event describes the original record pl->o. */
static void check_record_event(const struct jv *ev, const char *type,
			       const struct placement *pl)
{
	const struct kradar_record *r = &pl->o->rec;
	const char *want = type_name_of(r), *s;
	uint64_t v;

	if (want && strcmp(want, type)) {
		fail("event at offset %zu is \"%s\", the record there is \"%s\"",
		     pl->off, type, want);
		return;
	}
	FIELD("seq", r->h.seq);
	if (jv_u64(ev, "cpu", &v) && v != r->h.cpu) {
		fail("%s event at offset %zu: cpu %llu, the record's is %u",
		     type, pl->off, (unsigned long long)v, r->h.cpu);
		return;
	}
	switch (want ? r->h.type : 0) {
	case KRADAR_REC_HELLO:
		FIELD("t_ns", r->h.ts_ns);
		FIELD("session", r->u.hello.session);
		FIELD("nr_cpus", r->u.hello.nr_cpus);
		if (!jv_str(ev, "release", &s) || strcmp(s, r->u.hello.release))
			fail("hello at offset %zu: release differs", pl->off);
		break;
	case KRADAR_REC_HEARTBEAT:
		FIELD("t_ns", r->h.ts_ns);
		FIELD("window", r->u.heartbeat.window);
		FIELD("local_ns", r->u.heartbeat.local_ns);
		FIELD("events", r->u.heartbeat.events);
		FIELD("records_dropped", r->u.heartbeat.records_dropped);
		break;
	case KRADAR_REC_HRTIMER_WINDOW: {
		const struct jv *ents = jv_get(ev, "entries");

		FIELD("t_ns", r->h.ts_ns);
		FIELD("start_ns", r->window.start_ns);
		FIELD("end_ns", r->window.end_ns);
		FIELD("events", r->window.events);
		FIELD("unlisted", r->window.unlisted);
		if (!ents || ents->t != JV_ARR || ents->n != r->window.nr_valid) {
			fail("window at offset %zu: %zu entries, the record has %u",
			     pl->off, ents && ents->t == JV_ARR ? ents->n : 0,
			     r->window.nr_valid);
			break;
		}
		for (size_t i = 0; i < ents->n; i++) {
			const struct kradar_hrtimer_entry *e = &r->window.entries[i];
			uint64_t a, c;

			if (!jv_u64(&ents->items[i], "addr", &a) ||
			    !jv_u64(&ents->items[i], "count", &c) ||
			    !jv_str(&ents->items[i], "function", &s) ||
			    a != e->function || c != e->count ||
			    strcmp(s, e->name))
				fail("window at offset %zu: entry %zu differs",
				     pl->off, i);
		}
		break;
	}
	case KRADAR_REC_STORM_BEGIN:
	case KRADAR_REC_STORM_END:
		FIELD("rec_ns", r->h.ts_ns);
		FIELD("t_ns", r->h.type == KRADAR_REC_STORM_BEGIN ?
		      r->u.storm.begin_ns : r->u.storm.end_ns);
		FIELD("addr", r->u.storm.function);
		FIELD("count", r->u.storm.count);
		FIELD("late", r->u.storm.late);
		FIELD("peak_rate_per_s", r->u.storm.peak_rate_per_s);
		break;
	case KRADAR_REC_LOST:
		FIELD("t_ns", r->h.ts_ns);
		FIELD("cause_id", r->u.lost.cause);
		FIELD("records", r->u.lost.records);
		FIELD("bytes", r->u.lost.bytes);
		break;
	case KRADAR_REC_QS_GAP:
		FIELD("gp_seq", r->gap.r.gp_seq);
		FIELD("pid", r->gap.r.pid);
		FIELD("hrtimers", r->gap.r.hrtimers);
		FIELD("gap_start_ns", r->gap.r.gap_start_ns);
		break;
	case KRADAR_REC_GP_STALL:
		FIELD("gp_seq", r->u.stall.gp_seq);
		break;
	case KRADAR_REC_LOCK:
		FIELD("lock_addr", r->lock.r.lock);
		FIELD("holder_pid", r->lock.r.owner_pid);
		break;
	default:
		/* a type this test does not know: seq and offset matched */
		break;
	}
}

static struct placement *placement_at(const struct fstream *f, uint64_t off)
{
	size_t lo = 0, hi = f->npl;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->pl[mid].off == off)
			return &f->pl[mid];
		if (f->pl[mid].off < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static bool has_loss_event(const struct result *r, const char *kind,
			   uint64_t off, uint64_t bytes)
{
	for (size_t i = 0; i < r->nev; i++) {
		const char *t, *k;
		uint64_t o, b;

		if (jv_str(r->ev[i], "type", &t) && !strcmp(t, "stream_loss") &&
		    jv_str(r->ev[i], "kind", &k) && !strcmp(k, kind) &&
		    jv_u64(r->ev[i], "offset", &o) && o == off &&
		    (!bytes || (jv_u64(r->ev[i], "bytes", &b) && b == bytes)))
			return true;
	}
	return false;
}

static void check(struct fstream *f, const struct result *r,
		  const struct expect *x)
{
	const struct jv *loss = jv_get(r->summary, "loss");
	const struct jv *recs = jv_get(r->summary, "records");
	struct seq_model m, base;
	uint64_t v, connects = 0;

	/* (a) every record event is an intact original record, once */
	for (size_t i = 0; i < r->nev; i++) {
		const struct jv *ev = r->ev[i];
		const char *type;
		struct placement *pl;
		uint64_t off;

		if (!jv_str(ev, "type", &type)) {
			fail("event %zu has no type", i);
			continue;
		}
		if (!strcmp(type, "connect"))
			connects++;
		if (!strcmp(type, "stream_loss") || !strcmp(type, "summary") ||
		    !strcmp(type, "connect") || !strcmp(type, "disconnect") ||
		    !strcmp(type, "schema"))
			continue;
		if (!jv_u64(ev, "offset", &off)) {
			fail("%s event %zu has no offset", type, i);
			continue;
		}
		pl = placement_at(f, off);
		if (!pl) {
			fail("%s event at offset %llu: no intact original record starts there (a record the collector made up)",
			     type, (unsigned long long)off);
			continue;
		}
		pl->seen++;
		check_record_event(ev, type, pl);
	}
	for (size_t i = 0; i < f->npl; i++)
		if (f->pl[i].seen != 1)
			fail("record at offset %zu (type %u cpu %u seq %u) emitted %d times, expected once",
			     f->pl[i].off, f->pl[i].o->rec.h.type,
			     f->pl[i].o->rec.h.cpu, f->pl[i].o->rec.h.seq,
			     f->pl[i].seen);

	/* (b) loss equals what was injected */
	model_seq(f->pl, f->npl, &m);
	if (x->orig) {
		struct placement *opl = calloc(x->orig->nr, sizeof(*opl));

		if (!opl)
			abort();
		for (size_t i = 0; i < x->orig->nr; i++)
			opl[i].o = &x->orig->recs[i];
		model_seq(opl, x->orig->nr, &base);
		free(opl);
		/* the construction did what the case says */
		EXPECT_EQ(m.lost - base.lost, x->extra_lost,
			  "records lost by the injection (sequence model)");
		EXPECT_EQ(m.restarts - base.restarts, x->extra_restarts,
			  "sequence restarts by the injection (sequence model)");
	}
	if (!jv_u64(recs, "total", &v))
		fail("summary has no records.total");
	EXPECT_EQ(v, f->npl, "records decoded (summary records.total)");
	if (!jv_u64(loss, "seq_lost_records", &v))
		fail("summary has no loss.seq_lost_records");
	EXPECT_EQ(v, m.lost, "records lost by sequence gaps (loss.seq_lost_records)");
	jv_u64(loss, "seq_restarts", &v);
	EXPECT_EQ(v, m.restarts, "sequence restarts (loss.seq_restarts)");
	jv_u64(loss, "skipped_bytes", &v);
	EXPECT_EQ(v, f->skipped, "skipped bytes (loss.skipped_bytes)");
	jv_u64(loss, "truncated_bytes", &v);
	EXPECT_EQ(v, f->truncated, "truncated bytes (loss.truncated_bytes)");
	jv_u64(loss, "malformed_records", &v);
	EXPECT_EQ(v, 0, "malformed records (loss.malformed_records)");
	jv_u64(loss, "stream_bytes", &v);
	EXPECT_EQ(v, f->len, "stream bytes (loss.stream_bytes)");
	jv_u64(r->summary, "sessions", &v);
	EXPECT_EQ(v, x->sessions ? x->sessions : m.sessions, "sessions");
	for (size_t i = 0; i < f->nr_skip; i++)
		if (!has_loss_event(r, "skipped_bytes", f->skip_off[i], 0))
			fail("no stream_loss skipped_bytes event at offset %zu",
			     f->skip_off[i]);
	if (f->has_trunc && !has_loss_event(r, "truncated", f->trunc_off,
					     f->truncated))
		fail("no stream_loss truncated event at offset %zu with %llu bytes",
		     f->trunc_off, (unsigned long long)f->truncated);
	if (x->connects)
		EXPECT_EQ(connects, x->connects, "connect events");

	/* (c) exit status */
	EXPECT_EQ(r->exit_code, x->exit_code, "kradar-collect exit status");
}

/* Run the collector on f (--input, or --vport with cuts) and check it. */
static void run_case(const char *name, struct fstream *f,
		     const struct expect *x, const size_t *cuts, size_t nparts)
{
	struct result r = { 0 };

	if (nparts ? run_vport(f, cuts, nparts, &r) == 0 :
		     run_input(f, &r) == 0)
		check(f, &r, x);
	result_free(&r);
	fs_free(f);
	tap_result(name);
}

/* ---- the cases ------------------------------------------------------------ */

static struct stream storm, clean, lng, lng2, lngf;

static void case_untouched(const struct stream *s, int exit_code)
{
	struct fstream f = { 0 };
	struct expect x = { .exit_code = exit_code, .orig = s };
	char name[128];

	fs_recs(&f, s, 0, s->nr);
	snprintf(name, sizeof(name), "%s untouched: every record once, no loss, exit %d",
		 s->name, exit_code);
	run_case(name, &f, &x, NULL, 0);
}

/* Cut inside a record: that record's bytes up to the cut are truncated. */
static void case_truncate(const struct stream *s, uint64_t seed)
{
	uint64_t x64 = seed * 0x2545f4914f6cdd1dULL + 7;
	size_t k = 1 + rng_next(&x64) % (s->nr - 1);
	size_t in = 1 + rng_next(&x64) % (s->recs[k].size - 1);
	struct fstream f = { 0 };
	struct expect x = { .exit_code = loss_exit(s) };
	char name[160];

	fs_recs(&f, s, 0, k);
	f.has_trunc = true;
	f.trunc_off = f.len;
	f.truncated = in;
	fs_bytes(&f, s->buf + s->recs[k].off, in);
	snprintf(name, sizeof(name),
		 "%s truncated at byte %zu (seed %llu, %zu bytes into record %zu): %zu bytes truncated, exit %d",
		 s->name, s->recs[k].off + in, (unsigned long long)seed, in, k, in,
		 x.exit_code);
	run_case(name, &f, &x, NULL, 0);
}

/* A cut between records leaves nothing to see in the stream itself. */
static void case_truncate_boundary(const struct stream *s, size_t k)
{
	struct fstream f = { 0 };
	struct expect x = { .exit_code = 0 };
	char name[160];

	fs_recs(&f, s, 0, k);
	snprintf(name, sizeof(name),
		 "%s cut between records %zu and %zu: invisible in the stream, no loss, exit 0",
		 s->name, k - 1, k);
	run_case(name, &f, &x, NULL, 0);
}

/* Flip one bit in each of n interior records: each record's bytes are
 * skipped and it is one record lost by a sequence gap. */
static void flip_records(const struct stream *s, uint64_t seed,
			 const size_t *rm, size_t n, const char *what)
{
	uint64_t x64 = seed * 0x94d049bb133111ebULL + 3;
	struct fstream f = { 0 };
	struct expect x = { .exit_code = loss_exit(s), .orig = s, .extra_lost = n };
	char name[200], bits[96] = "";
	size_t k = 0, used = 0;

	for (size_t i = 0; i < s->nr; i++) {
		if (k < n && rm[k] == i) {
			const struct orec *o = &s->recs[i];
			unsigned char *copy = malloc(o->size);
			size_t bit = rng_next(&x64) % (o->size * 8);

			if (!copy)
				abort();
			memcpy(copy, s->buf + o->off, o->size);
			copy[bit / 8] ^= 1u << (bit % 8);
			fs_broken(&f, copy, o->size);
			free(copy);
			used += snprintf(bits + used, sizeof(bits) - used,
					 "%s%zu", k ? "," : "", o->off * 8 + bit);
			if (used >= sizeof(bits))
				used = sizeof(bits) - 1;
			k++;
			continue;
		}
		fs_rec(&f, s, i);
	}
	snprintf(name, sizeof(name),
		 "%s with %zu flipped bit%s%s (seed %llu, bits %s): records skipped, %zu lost, exit %d",
		 s->name, n, n > 1 ? "s" : "", what, (unsigned long long)seed,
		 bits, n, x.exit_code);
	run_case(name, &f, &x, NULL, 0);
}

static void case_flip(const struct stream *s, uint64_t seed, size_t n)
{
	size_t rm[16];

	pick_interior(s, seed, n, false, rm);
	flip_records(s, seed, rm, n, "");
}

/* One bit flipped in the second QS_GAP, GP_STALL and LOCK record. */
static void case_flip_findings(const struct stream *s, uint64_t seed)
{
	static const uint16_t types[] = {
		KRADAR_REC_QS_GAP, KRADAR_REC_GP_STALL, KRADAR_REC_LOCK,
	};
	size_t rm[3], n = 0;

	for (size_t t = 0; t < 3; t++) {
		int seen = 0;

		for (size_t i = 0; i < s->nr && n == t; i++)
			if (s->recs[i].rec.h.type == types[t] && ++seen == 2)
				rm[n++] = i;
	}
	if (n != 3 || !interior(s, rm, n)) {
		fail("%s lacks interior QS_GAP, GP_STALL and LOCK records", s->name);
		tap_result("flipped bits in QS_GAP, GP_STALL and LOCK records");
		return;
	}
	qsort(rm, n, sizeof(*rm), cmp_size);
	flip_records(s, seed, rm, n, " in QS_GAP, GP_STALL and LOCK records");
}

/* Drop n interior records (a run of consecutive ones when run). */
static void case_drop(const struct stream *s, uint64_t seed, size_t n, bool run)
{
	size_t rm[16];
	struct fstream f = { 0 };
	struct expect x = { .exit_code = loss_exit(s), .orig = s, .extra_lost = n };
	char name[160];
	size_t k = 0;

	pick_interior(s, seed, n, run, rm);
	for (size_t i = 0; i < s->nr; i++) {
		if (k < n && rm[k] == i) {
			k++;
			continue;
		}
		fs_rec(&f, s, i);
	}
	snprintf(name, sizeof(name),
		 "%s with %zu %srecords dropped (seed %llu, first %zu): exactly %zu lost by sequence gaps, exit %d",
		 s->name, n, run ? "consecutive " : "", (unsigned long long)seed,
		 rm[0], n, x.exit_code);
	run_case(name, &f, &x, NULL, 0);
}

/* Send n interior records twice in a row: each duplicate is a sequence
 * restart, emitted again as the same record, not loss. */
static void case_dup(const struct stream *s, uint64_t seed, size_t n,
		     int exit_code)
{
	size_t rm[16];
	struct fstream f = { 0 };
	struct expect x = { .exit_code = exit_code, .orig = s,
			    .extra_restarts = n };
	char name[160];
	size_t k = 0;

	pick_interior(s, seed, n, false, rm);
	for (size_t i = 0; i < s->nr; i++) {
		fs_rec(&f, s, i);
		if (k < n && rm[k] == i) {
			fs_rec(&f, s, i);
			k++;
		}
	}
	snprintf(name, sizeof(name),
		 "%s with %zu records duplicated (seed %llu): %zu sequence restarts, no loss, exit %d",
		 s->name, n, (unsigned long long)seed, n, exit_code);
	run_case(name, &f, &x, NULL, 0);
}

/*
 * Guest reboot: session a up to record k (cut in_k bytes into record k
 * when in_k), then session b from its record from (1: its HELLO lost).
 */
static void case_reboot(const struct stream *a, size_t k, size_t in_k,
			const struct stream *b, size_t from, int exit_code,
			const char *what)
{
	struct fstream f = { 0 };
	struct expect x = { .exit_code = exit_code };
	char name[200];

	fs_recs(&f, a, 0, k);
	if (in_k)
		fs_broken(&f, a->buf + a->recs[k].off, in_k);
	fs_recs(&f, b, from, b->nr);
	snprintf(name, sizeof(name), "reboot after %s record %zu%s into %s%s: %s",
		 a->name, k, in_k ? " (mid-record)" : "", b->name,
		 from ? " without its HELLO" : "", what);
	run_case(name, &f, &x, NULL, 0);
}

/*
 * QEMU closes the connection mid-record; the collector reconnects. With
 * lost == 0 the second connection carries the rest of the stream (no byte
 * lost); otherwise the rest of the cut record and lost - 1 more records
 * were discarded while nobody was connected.
 */
static void case_reconnect(const struct stream *s, uint64_t seed, size_t lost)
{
	uint64_t x64 = seed * 0xbf58476d1ce4e5b9ULL + 5;
	struct fstream f = { 0 };
	struct expect x = { .exit_code = lost ? loss_exit(s) : s->finding, .orig = s,
			    .extra_lost = lost, .connects = 2 };
	size_t rm[16], cuts[3], in;
	char name[200];

	if (lost) {
		pick_interior(s, seed, lost, true, rm);
	} else {
		rm[0] = 1 + rng_next(&x64) % (s->nr - 2);
	}
	in = 1 + rng_next(&x64) % (s->recs[rm[0]].size - 1);
	fs_recs(&f, s, 0, rm[0]);
	cuts[0] = 0;
	if (lost) {
		fs_broken(&f, s->buf + s->recs[rm[0]].off, in);
		cuts[1] = f.len;
		fs_recs(&f, s, rm[0] + lost, s->nr);
	} else {
		cuts[1] = f.len + in;
		fs_recs(&f, s, rm[0], s->nr);
	}
	cuts[2] = f.len;
	snprintf(name, sizeof(name),
		 "%s over a socket, connection closed %zu bytes into record %zu (seed %llu), %s, exit %d",
		 s->name, in, rm[0], (unsigned long long)seed, lost ?
		 "records lost meanwhile: partial record skipped, gap counts them" :
		 "nothing lost: one stream across connections", x.exit_code);
	run_case(name, &f, &x, cuts, 2);
}

int main(void)
{
	int err, rc;

	signal(SIGPIPE, SIG_IGN);
	if (access(KRADAR_COLLECT_BIN, X_OK)) {
		printf("not ok 1 - %s: %s (build host/collect first: make -C host/collect)\n1..1\n",
		       KRADAR_COLLECT_BIN, strerror(errno));
		return 1;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/kradar-faults.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		printf("not ok 1 - cannot create a directory in /tmp: %s\n1..1\n",
		       strerror(errno));
		return 1;
	}
	if ((err = stream_load(&storm, "storm.bin")) ||
	    (err = stream_load(&clean, "clean.bin")) ||
	    (err = stream_gen_long(&lng, "long stream", 0x5eed5eed0000000aULL,
				   100000000000ULL, false)) ||
	    (err = stream_gen_long(&lng2, "long stream (2nd boot)",
				   0x5eed5eed0000000bULL, 5000000000ULL, false)) ||
	    (err = stream_gen_long(&lngf, "long stream with RCU gaps and locks",
				   0x5eed5eed0000000cULL, 100000000000ULL, true))) {
		printf("not ok 1 - original streams in %s cannot be read or are not loss-free: %s\n1..1\n",
		       KRADAR_STREAM_DIR, strerror(-err));
		return 1;
	}
	storm.finding = lngf.finding = true;

	case_untouched(&clean, 0);
	case_untouched(&storm, 1);
	case_untouched(&lng, 0);
	case_untouched(&lngf, 1);

	case_truncate(&clean, 1);
	case_truncate(&storm, 2);
	case_truncate(&lng, 3);
	case_truncate(&lng, 4);
	case_truncate_boundary(&clean, clean.nr / 2);

	case_flip(&clean, 11, 1);
	case_flip(&storm, 12, 1);
	case_flip(&lng, 13, 1);
	case_flip(&lng, 14, 4);
	case_flip(&lngf, 15, 6);
	case_flip_findings(&lngf, 16);

	case_drop(&clean, 21, 1, false);
	case_drop(&storm, 22, 3, false);
	case_drop(&lng, 23, 5, false);
	case_drop(&lng, 24, 10, true);
	case_drop(&lngf, 25, 8, false);

	case_dup(&clean, 31, 1, 0);
	case_dup(&lng, 32, 3, 0);
	case_dup(&lngf, 33, 4, 1);

	case_reboot(&clean, clean.nr / 2, 0, &lng2, 0, 0,
		    "two sessions, no loss, exit 0");
	case_reboot(&clean, clean.nr / 2, 100, &lng2, 0, 3,
		    "the cut record is skipped bytes, no sequence gap (its session ended), exit 3 (inconclusive)");
	case_reboot(&lng, 600, 0, &lng2, 1, 0,
		    "sequence restarts until the resent HELLO, no loss counted, exit 0");

	case_reconnect(&clean, 41, 0);
	case_reconnect(&lng, 42, 0);
	case_reconnect(&lng, 43, 3);
	case_reconnect(&lngf, 44, 2);

	rc = tap_done();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (!tap_failed && system(cmd) != 0)
			printf("# could not remove %s\n", tmpdir);
		else if (tap_failed)
			printf("# outputs of the last case kept in %s\n", tmpdir);
	}
	return rc;
}
