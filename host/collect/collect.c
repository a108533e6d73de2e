// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-collect: receive the kradar_probe.ko stream from QEMU's
 * virtio-serial chardev socket (or decode a saved stream), keep every byte
 * in DIR/stream.bin, write one JSON line per record and per loss to
 * DIR/events.jsonl and a human summary to DIR/summary.txt.
 *
 * The socket is QEMU's (-chardev socket,server=on,wait=off): the collector
 * is the client, waits for the socket to appear and reconnects whenever
 * QEMU closes it, decoding across reconnects as one stream so that
 * `--input DIR/stream.bin` reproduces the same record events offline.
 *
 * --resume PREV_DIR: a collector started after another one stopped (the
 * host side of the port closed meanwhile: QEMU's virtconsole discards what
 * the guest sends then, and the guest cannot tell) first decodes
 * PREV_DIR/stream.bin to learn the session and the next sequence number
 * of every CPU, and continues them, so what nobody received is counted as
 * "lost" with cause no_collector. Until the live stream's first HELLO says
 * whether it is still that session, its bytes are held (bounded, see
 * RESUME_HOLD_MAX) and decoded once that is known.
 *
 * Exit: 0 nothing found, 1 a finding (storm, RCU gap, long lock wait, hung task),
 * 2 usage or environment error, 3 inconclusive: no probe record received
 * (no data), or records lost and nothing found in the rest.
 * Documentation/collector.rst.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "console_dump.h"
#include "kradar_decode.h"
#include "report.h"

#pragma GCC poison u8 u16 u32 u64

#define RETRY_MS	200	/* between connect attempts */
#define STATUS_MS	500	/* live status refresh */
#define CHUNK		65536
/*
 * --resume: live bytes held while waiting for the first HELLO; a probe
 * repeats it every hello_every windows (50 x 100 ms by default), a few
 * hundred KiB even in a storm. Beyond this the session is assumed.
 */
#define RESUME_HOLD_MAX	(8u << 20)

static const char *prog = "kradar-collect";
static volatile sig_atomic_t stop_sig;

struct opts {
	const char *vport;
	const char *input;
	const char *out;
	const char *serial;	/* guest console log, read at the end */
	const char *resume;	/* PREV_DIR: continue its stream.bin */
	double duration;	/* s, 0 = until signalled */
	bool quiet;
	int status_fd;		/* -1: the status line on stderr, if a tty */
};

struct collector {
	struct opts o;
	struct kc kc;
	struct kradar_decoder *dec;
	struct kradar_decoder *dec_console;	/* a dump of another session */
	uint64_t console_session;
	FILE *events;
	FILE *stream;		/* NULL when decoding a file */
	char events_path[PATH_MAX];
	char summary_path[PATH_MAX];
	char stream_path[PATH_MAX];
	bool status;		/* live status line on status_out */
	FILE *status_out;	/* stderr, or --status-fd's */
	bool status_shown;
	const char *state;	/* connection state for the status line */
	uint64_t last_status_ms;
	uint64_t last_status_records;
	double rate;
	uint64_t last_hb_ms;	/* monotonic ms of the last heartbeat */
	uint64_t hb_seen;
	int write_err;		/* errno of the first stream.bin write error */

	/* --resume */
	struct kradar_decoder *prev;	/* PREV_DIR/stream.bin decoded */
	struct kradar_decoder *look;	/* finds the live first HELLO */
	bool holding;		/* live bytes held until the session is known */
	bool look_hello;
	uint64_t look_session;
	unsigned char *held;
	size_t held_len, held_cap;
	char prev_path[PATH_MAX];
	char resume_note[96];
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: %s --vport SOCK --out DIR [--resume PREV_DIR] [--serial LOG]\n"
"                      [--duration SEC] [--quiet] [--status-fd N]\n"
"       %s --input FILE|- --out DIR [--resume PREV_DIR] [--serial LOG] [--quiet]\n"
"\n"
"  --vport SOCK     QEMU chardev unix socket of the kradar virtio port\n"
"                   (-chardev socket,id=kr,path=SOCK,server=on,wait=off\n"
"                    -device virtconsole,chardev=kr,name=org.kradar.0);\n"
"                   waits for it and reconnects when QEMU restarts\n"
"  --input FILE     decode a saved stream (e.g. DIR/stream.bin), - = stdin\n"
"  --out DIR        write stream.bin, events.jsonl, summary.txt there\n"
"  --resume PREV_DIR  this collector follows the one that wrote PREV_DIR\n"
"                   (its --out): continue the session and sequence numbers\n"
"                   of PREV_DIR/stream.bin, so records the guest sent while\n"
"                   no collector was connected are counted as lost\n"
"  --serial LOG     after the stream ends, recover from the guest's console\n"
"                   log the records the probe printed at panic\n"
"                   (\"kradar-dump:\" lines) that the stream lacks\n"
"  --duration SEC   stop after SEC seconds (default: SIGINT/SIGTERM)\n"
"  --quiet          no status line, no progress messages\n"
"  --status-fd N    the live status line on file descriptor N (a terminal)\n"
"                   even when stderr is not one; without it, on stderr when\n"
"                   that is a terminal\n"
"  -h, --help       this text;  -V, --version  the version (git describe)\n"
"\n"
"exit status: 0 nothing found, 1 finding (storm, RCU gap, lock wait, hung task),\n"
"  2 usage or environment error, 3 inconclusive: no probe record received\n"
"  (no data), or records lost and nothing found in the rest\n",
		prog, prog);
}

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static uint64_t mono_ms(void)
{
	return now_ns(CLOCK_MONOTONIC) / 1000000;
}

static void clear_status(struct collector *c)
{
	if (c->status_shown) {
		fputs("\r\033[K", c->status_out);
		fflush(c->status_out);
		c->status_shown = false;
	}
}

static void __attribute__((format(printf, 2, 3)))
info(struct collector *c, const char *fmt, ...)
{
	va_list ap;

	if (c->o.quiet)
		return;
	clear_status(c);
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 2, 3)))
err_msg(struct collector *c, const char *fmt, ...)
{
	va_list ap;

	if (c)
		clear_status(c);
	va_start(ap, fmt);
	kradar_verr(fmt, ap);
	va_end(ap);
}

static void status_line(struct collector *c, bool force)
{
	const struct kradar_decoder_stats *st;
	uint64_t now = mono_ms(), lost;
	char hb[64];

	if (!c->status)
		return;
	if (!force && now - c->last_status_ms < STATUS_MS)
		return;
	st = kradar_decoder__stats(c->dec);
	if (now > c->last_status_ms && c->last_status_ms)
		c->rate = (st->records - c->last_status_records) * 1000.0 /
			  (now - c->last_status_ms);
	c->last_status_ms = now;
	c->last_status_records = st->records;
	/* guest drops are sequence gaps too: count them once */
	lost = 0;
	for (unsigned int i = 0; i <= KRADAR_LOST_CAUSE_MAX; i++)
		lost += c->kc.lost[i].records;
	if (st->seq_lost > lost)
		lost = st->seq_lost;
	if (c->hb_seen)
		snprintf(hb, sizeof(hb), "guest %.1f s, heartbeat %.1f s ago",
			 c->kc.last_hb.h.ts_ns / 1e9,
			 (now - c->last_hb_ms) / 1e3);
	else
		snprintf(hb, sizeof(hb), "no heartbeat yet");
	fprintf(c->status_out, "\r\033[K%s: %s | %s | %" PRIu64 " records, %.0f/s | %"
		PRIu64 " storms, %" PRIu64 " gaps, %" PRIu64 " locks, %" PRIu64
		" stuck, %" PRIu64 " hung | lost %" PRIu64 " rec, %" PRIu64
		" B skipped", prog, c->state, hb, st->records, c->rate,
		(uint64_t)c->kc.nr_storms + c->kc.storms_dropped,
		(uint64_t)c->kc.nr_gaps + c->kc.gaps_dropped,
		(uint64_t)c->kc.nr_locks + c->kc.locks_dropped,
		(uint64_t)c->kc.nr_stucks + c->kc.stucks_dropped,
		(uint64_t)c->kc.nr_hungs + c->kc.hungs_dropped,
		lost, st->skipped_bytes);
	fflush(c->status_out);
	c->status_shown = true;
}

/* --resume: the live stream's first valid HELLO says its session */
static int look_record(void *ctx, const struct kradar_record *rec)
{
	struct collector *c = ctx;

	if (rec->h.type != KRADAR_REC_HELLO ||
	    (rec->malformed & KRADAR_MALF_HELLO))
		return 0;
	c->look_hello = true;
	c->look_session = rec->u.hello.session;
	return -ECANCELED;	/* found: stop looking */
}

/*
 * --resume: the session of the live stream is known (its first HELLO), or
 * assumed (no HELLO within RESUME_HOLD_MAX bytes, before a disconnect or
 * at the end): continue PREV's sequences if it is PREV's session, then
 * decode the bytes held meanwhile.
 */
static int resume_decide(struct collector *c)
{
	uint64_t prev_session = kradar_decoder__session(c->prev);
	int err = 0;

	c->holding = false;
	kradar_decoder__free(c->look);
	c->look = NULL;
	if (c->look_hello && c->look_session != prev_session) {
		snprintf(c->resume_note, sizeof(c->resume_note),
			 "the live stream is another session (0x%016" PRIx64 ")",
			 c->look_session);
		c->kc.resume_note = c->resume_note;
		info(c, "%s ended in session 0x%016" PRIx64 "; %s: not continued",
		     c->prev_path, prev_session, c->resume_note);
	} else {
		err = kradar_decoder__resume(c->dec, c->prev);
		if (!err)
			err = kc_resume(&c->kc, c->prev_path,
					kradar_decoder__stats(c->prev)->bytes,
					c->prev);
		if (err)
			goto out;
		c->kc.resume_assumed = !c->look_hello;
		info(c, "continuing session 0x%016" PRIx64 " of %s%s",
		     prev_session, c->prev_path, c->look_hello ? "" :
		     " (no HELLO received yet: same session assumed)");
	}
	if (c->held_len)
		err = kradar_decoder__push(c->dec, c->held, c->held_len);
out:
	free(c->held);
	c->held = NULL;
	c->held_len = c->held_cap = 0;
	return err;
}

/* --resume: keep live bytes until the session is known */
static int hold(struct collector *c, const void *buf, size_t len)
{
	int err;

	if (c->held_len + len > RESUME_HOLD_MAX) {
		err = resume_decide(c);
		return err ? err : kradar_decoder__push(c->dec, buf, len);
	}
	if (c->held_len + len > c->held_cap) {
		size_t cap = c->held_cap ? 2 * c->held_cap : CHUNK;
		unsigned char *b;

		while (cap < c->held_len + len)
			cap *= 2;
		if (cap > RESUME_HOLD_MAX)
			cap = RESUME_HOLD_MAX;
		b = realloc(c->held, cap);
		if (!b)
			return -ENOMEM;
		c->held = b;
		c->held_cap = cap;
	}
	memcpy(c->held + c->held_len, buf, len);
	c->held_len += len;
	err = kradar_decoder__push(c->look, buf, len);
	if (err == -ECANCELED || c->look_hello)
		return resume_decide(c);
	return err;
}

/* Feed received bytes: stream.bin first, then the decoder */
static int consume(struct collector *c, const void *buf, size_t len,
		   bool live)
{
	const struct kradar_decoder_stats *st = kradar_decoder__stats(c->dec);
	uint64_t hb = st->by_type[KRADAR_REC_HEARTBEAT];
	int err;

	/* Flushed per chunk: a collector killed hard keeps its evidence */
	if (c->stream && (fwrite(buf, 1, len, c->stream) != len ||
			  fflush(c->stream) == EOF) && !c->write_err)
		c->write_err = errno ? errno : EIO;
	if (live)
		c->kc.host_ns = now_ns(CLOCK_REALTIME);
	if (c->holding)
		err = hold(c, buf, len);
	else
		err = kradar_decoder__push(c->dec, buf, len);
	if (!err && fflush(c->events) == EOF)
		err = -(errno ? errno : EIO);
	if (st->by_type[KRADAR_REC_HEARTBEAT] != hb) {
		c->last_hb_ms = mono_ms();
		c->hb_seen++;
	}
	return err;
}

static void on_signal(int sig)
{
	stop_sig = sig;
}

/*
 * Wait up to ms for fd (or just time, fd < 0) with SIGINT/SIGTERM
 * unblocked only inside ppoll, so a signal can never be missed.
 * Returns poll's result, 0 on timeout or signal.
 */
static int wait_fd(int fd, int ms, const sigset_t *unblocked)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	struct timespec ts = { .tv_sec = ms / 1000,
			       .tv_nsec = (ms % 1000) * 1000000L };
	int n;

	n = ppoll(&pfd, fd >= 0 ? 1 : 0, &ts, unblocked);
	if (n < 0 && errno == EINTR)
		return 0;
	return n;
}

/*
 * SIGINT/SIGTERM set stop_sig. They stay blocked except inside ppoll()
 * (wait_fd), so a signal can never slip in between a check of stop_sig
 * and a blocking call.
 */
static void setup_signals(sigset_t *unblocked)
{
	struct sigaction act = { .sa_handler = on_signal };
	sigset_t block;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, unblocked);
	sigdelset(unblocked, SIGINT);
	sigdelset(unblocked, SIGTERM);
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
}

static int remaining_ms(uint64_t deadline_ms, int cap)
{
	uint64_t now = mono_ms();

	if (!deadline_ms)
		return cap;
	if (now >= deadline_ms)
		return 0;
	return deadline_ms - now < (uint64_t)cap ? (int)(deadline_ms - now) : cap;
}

static bool should_stop(uint64_t deadline_ms)
{
	return stop_sig || (deadline_ms && mono_ms() >= deadline_ms);
}

static int run_vport(struct collector *c)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	uint64_t deadline_ms = 0;
	bool said_waiting = false;
	sigset_t unblocked;
	unsigned char *buf;
	int ret = 0;

	if (strlen(c->o.vport) >= sizeof(sa.sun_path)) {
		err_msg(c, "socket path too long (max %zu bytes): %s",
			sizeof(sa.sun_path) - 1, c->o.vport);
		return 2;
	}
	strcpy(sa.sun_path, c->o.vport);
	buf = malloc(CHUNK);
	if (!buf) {
		err_msg(c, "out of memory");
		return 2;
	}

	setup_signals(&unblocked);

	if (c->o.duration > 0)
		deadline_ms = mono_ms() + (uint64_t)(c->o.duration * 1000);

	while (!should_stop(deadline_ms)) {
		uint64_t conn_bytes = 0;
		const char *reason = "closed by QEMU";
		int fd;

		c->state = said_waiting ? "waiting" : "connecting";
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err_msg(c, "cannot create a unix socket: %s", strerror(errno));
			ret = 2;
			break;
		}
		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
			int e = errno;
			struct stat sb;

			close(fd);
			/* connect() says ECONNREFUSED for a regular file too */
			if (!stat(c->o.vport, &sb) && !S_ISSOCK(sb.st_mode))
				e = ENOTSOCK;
			if (e != ENOENT && e != ECONNREFUSED && e != EAGAIN &&
			    e != EINTR) {
				err_msg(c, "cannot connect to %s: %s (is it QEMU's chardev socket?)",
					c->o.vport, strerror(e));
				ret = 2;
				break;
			}
			if (!said_waiting) {
				info(c, "waiting for %s (%s); retrying until QEMU listens",
				     c->o.vport, strerror(e));
				said_waiting = true;
			}
			c->state = "waiting";
			status_line(c, false);
			wait_fd(-1, remaining_ms(deadline_ms, RETRY_MS), &unblocked);
			continue;
		}
		said_waiting = false;
		c->state = "connected";
		info(c, "connected to %s", c->o.vport);
		c->kc.host_ns = now_ns(CLOCK_REALTIME);
		kc_connect_event(&c->kc, c->o.vport);

		while (!should_stop(deadline_ms)) {
			ssize_t n;
			int r;

			status_line(c, false);
			r = wait_fd(fd, remaining_ms(deadline_ms, STATUS_MS),
				    &unblocked);
			if (r < 0) {
				reason = strerror(errno);
				break;
			}
			if (r == 0)
				continue;
			n = read(fd, buf, CHUNK);
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				reason = n < 0 ? strerror(errno) : "closed by QEMU";
				break;
			}
			conn_bytes += n;
			r = consume(c, buf, n, true);
			if (r < 0) {
				err_msg(c, "cannot record events in %s: %s",
					c->events_path, strerror(-r));
				ret = 2;
				break;
			}
		}
		close(fd);
		if (ret)
			break;
		if (should_stop(deadline_ms))
			reason = stop_sig ? "collector stopped by signal" :
					    "collector duration reached";
		else
			info(c, "disconnected from %s (%s) after %" PRIu64
			     " bytes; reconnecting", c->o.vport, reason, conn_bytes);
		/* --resume: what follows may be another boot */
		if (c->holding) {
			int r = resume_decide(c);

			if (r < 0) {
				err_msg(c, "cannot record events in %s: %s",
					c->events_path, strerror(-r));
				ret = 2;
				break;
			}
		}
		c->kc.host_ns = now_ns(CLOCK_REALTIME);
		kc_disconnect_event(&c->kc, c->o.vport, conn_bytes, reason);
	}
	free(buf);
	return ret;
}

static int run_input(struct collector *c)
{
	bool is_stdin = strcmp(c->o.input, "-") == 0;
	sigset_t unblocked;
	unsigned char *buf;
	int fd, ret = 0;

	/* SIGINT/SIGTERM end the input early; the outputs are still finished */
	setup_signals(&unblocked);
	fd = is_stdin ? STDIN_FILENO : open(c->o.input, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_msg(c, "cannot read %s: %s", c->o.input, strerror(errno));
		return 2;
	}
	buf = malloc(CHUNK);
	if (!buf) {
		err_msg(c, "out of memory");
		ret = 2;
		goto out;
	}
	/* read(), not fread(): a pipe is decoded as its bytes arrive */
	while (!stop_sig) {
		ssize_t n;
		int r;

		r = wait_fd(fd, STATUS_MS, &unblocked);
		if (r < 0) {
			err_msg(c, "cannot wait for %s: %s", c->o.input,
				strerror(errno));
			ret = 2;
			break;
		}
		if (r == 0) {
			status_line(c, false);
			continue;	/* timeout or signal */
		}
		n = read(fd, buf, CHUNK);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			err_msg(c, "error reading %s: %s", c->o.input,
				strerror(errno));
			ret = 2;
			break;
		}
		if (n == 0)
			break;
		r = consume(c, buf, n, false);
		if (r < 0) {
			err_msg(c, "cannot record events in %s: %s",
				c->events_path, strerror(-r));
			ret = 2;
			break;
		}
		status_line(c, false);
	}
	if (stop_sig)
		info(c, "stopped by signal %d after %" PRIu64 " bytes",
		     (int)stop_sig, kradar_decoder__stats(c->dec)->bytes);
out:
	free(buf);
	if (!is_stdin)
		close(fd);
	return ret;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "vport", required_argument, NULL, 'v' },
		{ "input", required_argument, NULL, 'i' },
		{ "out", required_argument, NULL, 'o' },
		{ "duration", required_argument, NULL, 'd' },
		{ "serial", required_argument, NULL, 's' },
		{ "resume", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "status-fd", required_argument, NULL, 'S' },
		KRADAR_CLI_LONGOPTS,
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	o->status_fd = -1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":v:i:o:d:s:r:qS:hV", longopts, NULL)) != -1) {
		char *end;

		switch (ch) {
		case 'v':
			o->vport = optarg;
			break;
		case 'i':
			o->input = optarg;
			break;
		case 'o':
			o->out = optarg;
			break;
		case 'd':
			errno = 0;
			o->duration = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(o->duration > 0) ||
			    o->duration > 1e7) {
				err_msg(NULL, "--duration wants seconds > 0, got '%s'",
					optarg);
				return 2;
			}
			break;
		case 's':
			o->serial = optarg;
			break;
		case 'r':
			o->resume = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'S':
			errno = 0;
			o->status_fd = (int)strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || o->status_fd < 0 ||
			    fcntl(o->status_fd, F_GETFD) < 0) {
				err_msg(NULL, "--status-fd wants an open file descriptor, got '%s'",
					optarg);
				return 2;
			}
			break;
		case 'h':
			return kradar_cli_help(usage) ?: -1;
		case 'V':
			return kradar_cli_version() ?: -1;
		default:
			return kradar_cli_bad_option(argv, ch);
		}
	}
	if (optind < argc)
		return kradar_cli_bad_arg(argv[optind]);
	if (!o->out) {
		err_msg(NULL, "--out DIR is required");
		usage(stderr);
		return 2;
	}
	if (!!o->vport == !!o->input) {
		err_msg(NULL, "give exactly one of --vport SOCK and --input FILE");
		usage(stderr);
		return 2;
	}
	if (o->input && o->duration > 0) {
		err_msg(NULL, "--duration applies to --vport only");
		return 2;
	}
	return 0;
}

static int make_path(char *dst, const char *dir, const char *name)
{
	int n = snprintf(dst, PATH_MAX, "%s/%s", dir, name);

	if (n < 0 || n >= PATH_MAX) {
		err_msg(NULL, "output path too long: %s/%s", dir, name);
		return 2;
	}
	return 0;
}

static int prev_record(void *ctx, const struct kradar_record *rec)
{
	return 0;
}

/*
 * --resume PREV_DIR: decode PREV_DIR/stream.bin (it may end inside a
 * record: that collector may have been killed) for its session and next
 * sequence numbers. Before open_outputs(): --out must not be PREV_DIR.
 */
static int load_prev(struct collector *c)
{
	struct kradar_decoder_ops ops = { .record = prev_record };
	const char *dir = c->o.resume;
	struct stat sd, so;
	unsigned char *buf;
	int fd, err = 0;

	if (stat(dir, &sd) < 0 || !S_ISDIR(sd.st_mode)) {
		int e = errno;

		err_msg(NULL, "--resume %s: %s; give the --out directory of the collector that ran before this one",
			dir, stat(dir, &sd) < 0 ? strerror(e) : "not a directory");
		return 2;
	}
	if (!stat(c->o.out, &so) && so.st_dev == sd.st_dev &&
	    so.st_ino == sd.st_ino) {
		err_msg(NULL, "--resume %s is the --out directory: its stream.bin would be overwritten; write the new collector's output elsewhere",
			dir);
		return 2;
	}
	if (make_path(c->prev_path, dir, kradar_run_file__name(KRADAR_FILE_STREAM)))
		return 2;
	fd = open(c->prev_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err_msg(NULL, "--resume: cannot read %s: %s; PREV_DIR must be the --out directory of a collector that received the stream (it saves stream.bin there), or run without --resume",
			c->prev_path, strerror(errno));
		return 2;
	}
	c->prev = kradar_decoder__new(&ops);
	buf = malloc(CHUNK);
	if (!c->prev || !buf) {
		err_msg(NULL, "out of memory");
		err = 2;
		goto out;
	}
	for (;;) {
		ssize_t n = read(fd, buf, CHUNK);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			err_msg(NULL, "--resume: error reading %s: %s",
				c->prev_path, strerror(errno));
			err = 2;
			goto out;
		}
		if (n == 0)
			break;
		r = kradar_decoder__push(c->prev, buf, n);
		if (r < 0) {
			err_msg(NULL, "--resume: cannot decode %s: %s",
				c->prev_path, strerror(-r));
			err = 2;
			goto out;
		}
	}
	/* a record cut short is the earlier collector's last, not an error */
	kradar_decoder__finish(c->prev);
	if (!kradar_decoder__session(c->prev)) {
		err_msg(NULL, "--resume: %s (%" PRIu64 " bytes) holds no valid HELLO record, so the session to continue is unknown; run without --resume (the records sent while no collector was connected then go uncounted)",
			c->prev_path, kradar_decoder__stats(c->prev)->bytes);
		err = 2;
	}
out:
	free(buf);
	close(fd);
	return err;
}

/* --resume: hold the live bytes until the first HELLO says the session */
static int resume_start(struct collector *c)
{
	struct kradar_decoder_ops ops = { .record = look_record, .ctx = c };

	c->kc.resume_from = c->prev_path;
	c->kc.resume_session = kradar_decoder__session(c->prev);
	c->kc.resume_bytes = kradar_decoder__stats(c->prev)->bytes;
	c->look = kradar_decoder__new(&ops);
	if (!c->look) {
		err_msg(NULL, "cannot create the decoder: %s", strerror(errno));
		return 2;
	}
	c->holding = true;
	info(c, "resuming after %s: session 0x%016" PRIx64 ", %" PRIu64
	     " records, %" PRIu64 " bytes", c->prev_path,
	     c->kc.resume_session, kradar_decoder__stats(c->prev)->records,
	     c->kc.resume_bytes);
	return 0;
}

static int open_outputs(struct collector *c)
{
	struct stat sb;

	if (mkdir(c->o.out, 0755) < 0 && errno != EEXIST) {
		err_msg(NULL, "cannot create %s: %s", c->o.out, strerror(errno));
		return 2;
	}
	if (stat(c->o.out, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		err_msg(NULL, "%s is not a directory", c->o.out);
		return 2;
	}
	if (make_path(c->events_path, c->o.out, kradar_run_file__name(KRADAR_FILE_EVENTS)) ||
	    make_path(c->summary_path, c->o.out, kradar_run_file__name(KRADAR_FILE_SUMMARY)) ||
	    make_path(c->stream_path, c->o.out, kradar_run_file__name(KRADAR_FILE_STREAM)))
		return 2;
	c->events = fopen(c->events_path, "w");
	if (!c->events) {
		err_msg(NULL, "cannot create %s: %s", c->events_path,
			strerror(errno));
		return 2;
	}
	/* A file being decoded is already saved; stdin and sockets are not */
	if (c->o.vport || strcmp(c->o.input, "-") == 0) {
		c->stream = fopen(c->stream_path, "wb");
		if (!c->stream) {
			err_msg(NULL, "cannot create %s: %s", c->stream_path,
				strerror(errno));
			return 2;
		}
	}
	return 0;
}

static int close_file(FILE *f, const char *path, int prior_err)
{
	int e = prior_err;

	if (!f)
		return 0;
	if (fflush(f) == EOF && !e)
		e = errno;
	if (ferror(f) && !e)
		e = EIO;
	if (fclose(f) == EOF && !e)
		e = errno;
	if (e) {
		err_msg(NULL, "cannot write %s: %s", path, strerror(e));
		return 2;
	}
	return 0;
}

/* Did the stream deliver this record (or count it lost) already? */
static bool serial_seen(void *ctx, uint64_t session, uint16_t cpu,
			uint32_t seq)
{
	struct collector *c = ctx;
	uint32_t next;

	if (kradar_decoder__session(c->dec) != session ||
	    !kradar_decoder__next_seq(c->dec, cpu, &next))
		return false;
	return seq - next >= 0x80000000U;	/* seq < next, modulo 2^32 */
}

/*
 * A recovered record continues the stream of its session, so gaps and
 * loss are counted as for streamed records; a dump of a session the
 * stream never announced gets a decoder of its own.
 */
static int serial_push(void *ctx, uint64_t session, const void *rec,
		       size_t len)
{
	struct kradar_decoder_ops ops = {
		.record = kc_on_record,
		.loss = kc_on_loss,
	};
	struct collector *c = ctx;
	uint64_t cur = kradar_decoder__session(c->dec);
	int err;

	if (!cur || cur == session)
		return kradar_decoder__push(c->dec, rec, len);
	if (c->dec_console && c->console_session != session) {
		err = kradar_decoder__finish(c->dec_console);
		kradar_decoder__free(c->dec_console);
		c->dec_console = NULL;
		if (err)
			return err;
	}
	if (!c->dec_console) {
		ops.ctx = &c->kc;
		c->dec_console = kradar_decoder__new(&ops);
		if (!c->dec_console)
			return -errno;
		c->console_session = session;
	}
	c->kc.console_apart_bytes += len;
	return kradar_decoder__push(c->dec_console, rec, len);
}

/* --serial: the records the probe printed at panic, after the stream */
static int read_serial(struct collector *c)
{
	struct kcd_sink sink = {
		.seen = serial_seen,
		.push = serial_push,
		.ctx = c,
	};
	const struct kcd_stats *st;
	struct jw *j = &c->kc.jw;
	struct kcd *k;
	FILE *f;
	int err;

	f = fopen(c->o.serial, "r");
	if (!f) {
		err_msg(c, "cannot read the serial log %s: %s", c->o.serial,
			strerror(errno));
		return 2;
	}
	k = kcd__new();
	if (!k) {
		fclose(f);
		err_msg(c, "out of memory");
		return 2;
	}
	err = kcd__read_file(k, f);
	fclose(f);
	if (err) {
		err_msg(c, "error reading %s: %s", c->o.serial, strerror(-err));
		kcd__free(k);
		return 2;
	}
	if (c->kc.have_host_ns)
		c->kc.host_ns = now_ns(CLOCK_REALTIME);
	c->kc.via = "console";
	err = kcd__deliver(k, &sink);
	if (!err && c->dec_console)
		err = kradar_decoder__finish(c->dec_console);
	c->kc.via = NULL;
	st = kcd__stats(k);
	c->kc.console_read = true;
	c->kc.console_lines = st->lines;
	c->kc.console_rejected = st->rejected;
	c->kc.console_recovered = st->records_new;
	jw_begin(j);
	jw_str(j, KRADAR_KEY_TYPE, kradar_event_type__name(KRADAR_EVT_CONSOLE_DUMP));
	if (c->kc.have_host_ns)
		jw_u64(j, KRADAR_KEY_HOST_NS, c->kc.host_ns);
	else
		jw_null(j, KRADAR_KEY_HOST_NS);
	jw_str(j, "path", c->o.serial);
	kcd__write_json(k, j);
	jw_end(j);
	c->kc.events_written++;
	if (st->lines)
		info(c, "%s: %" PRIu64 " dump lines (%" PRIu64 " rejected), %"
		     PRIu64 " records recovered, %" PRIu64 " already received",
		     c->o.serial, st->lines, st->rejected, st->records_new,
		     st->records_seen);
	kcd__free(k);
	if (err) {
		err_msg(c, "cannot record events in %s: %s", c->events_path,
			strerror(-err));
		return 2;
	}
	return 0;
}

static int finish(struct collector *c, int ret)
{
	struct kc_summary sum;
	FILE *f;
	int r = 0;

	if (c->holding && !ret)
		r = resume_decide(c);
	if (!r)
		r = kradar_decoder__finish(c->dec);
	if (r < 0 && !ret) {
		err_msg(c, "cannot record events in %s: %s", c->events_path,
			strerror(-r));
		ret = 2;
	}
	kc_summarize(&c->kc, &sum);
	kc_write_summary_json(&c->kc, &sum);
	status_line(c, true);
	clear_status(c);

	if (close_file(c->events, c->events_path,
		       c->kc.jw.err ? -c->kc.jw.err : 0))
		ret = 2;
	c->events = NULL;
	if (close_file(c->stream, c->stream_path, c->write_err))
		ret = 2;
	c->stream = NULL;

	f = fopen(c->summary_path, "w");
	if (!f) {
		err_msg(NULL, "cannot create %s: %s", c->summary_path,
			strerror(errno));
		return 2;
	}
	kc_write_summary_text(&c->kc, &sum, f);
	if (close_file(f, c->summary_path, 0))
		ret = 2;
	if (ret)
		return ret;

	if (!c->o.quiet) {
		fprintf(stderr, "%s: %s\n", prog, sum.verdict);
		fprintf(stderr, "%s: evidence: %s %s%s%s\n", prog,
			c->summary_path, c->events_path,
			c->o.vport || !strcmp(c->o.input, "-") ? " " : "",
			c->o.vport || !strcmp(c->o.input, "-") ?
			c->stream_path : "");
	}
	return sum.exit_code;
}

int main(int argc, char **argv)
{
	struct collector c = { .state = "starting" };
	struct kradar_decoder_ops ops = {
		.record = kc_on_record,
		.loss = kc_on_loss,
	};
	int ret;

	kradar_cli_init(prog);
	ret = parse_opts(argc, argv, &c.o);
	if (ret)
		return ret < 0 ? 0 : ret;
	if (c.o.resume) {
		ret = load_prev(&c);
		if (ret)
			goto out;
	}
	ret = open_outputs(&c);
	if (ret)
		goto out;
	if (kc_init(&c.kc, c.events, c.o.vport ? c.o.vport : c.o.input,
		    c.o.vport != NULL) < 0) {
		err_msg(NULL, "out of memory");
		ret = 2;
		goto out;
	}
	ops.ctx = &c.kc;
	c.dec = kradar_decoder__new(&ops);
	if (!c.dec) {
		err_msg(NULL, "cannot create the decoder: %s", strerror(errno));
		ret = 2;
		goto out;
	}
	c.kc.dec = c.dec;
	c.status_out = stderr;
	c.status = isatty(STDERR_FILENO) && !c.o.quiet;
	if (c.o.status_fd >= 0) {
		/* kradar-run's terminal while stderr goes to collect.log */
		c.status_out = fdopen(c.o.status_fd, "w");
		c.status = c.status_out != NULL;
		if (!c.status_out)
			c.status_out = stderr;
	}
	if (c.o.resume) {
		ret = resume_start(&c);
		if (ret)
			goto out;
	}
	signal(SIGPIPE, SIG_IGN);

	ret = c.o.vport ? run_vport(&c) : run_input(&c);
	if (!ret && c.o.serial)
		ret = read_serial(&c);
	ret = finish(&c, ret);
out:
	if (c.events)
		fclose(c.events);
	if (c.stream)
		fclose(c.stream);
	kradar_decoder__free(c.dec_console);
	kradar_decoder__free(c.dec);
	kradar_decoder__free(c.prev);
	kradar_decoder__free(c.look);
	free(c.held);
	kc_fini(&c.kc);
	return ret;
}
