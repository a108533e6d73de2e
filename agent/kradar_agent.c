// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-agent: the kradar probe for kernels kradar_probe.ko cannot be
 * built for, from guest userspace, with BPF.
 *
 * `insmod kradar_probe.ko` needs the guest kernel's exact build tree;
 * a syzbot bundle has a bzImage and its .config, and syzbot's kernels
 * have BPF (BPF_SYSCALL, BPF_EVENTS, BPF_JIT) but no BTF. This static
 * binary loads classic tracepoint programs that need no BTF (the event
 * fields' offsets come from tracefs' format files, symbols from
 * /proc/kallsyms), and writes the module's wire format to the same
 * virtio port, so the host side is unchanged: HELLO says which backend
 * spoke (backend bpf) and which detectors it runs (caps).
 *
 * Detectors: the hrtimer storm detector (agent_hrtimer.c,
 * kradar_agent.bpf.c). Not yet: RCU gaps, contended locks, stacks, the
 * panic dump (Documentation/bpf.rst): HELLO says they are off.
 *
 * Sampling is the module's (kmod/kradar_main.c): two sampler threads,
 * each bound to a different CPU, wake once per window; the first to take
 * the sample lock after the deadline samples, so a CPU flooded by a storm
 * does not stop the windows. The programs never wait for them.
 *
 * Usage: kradar-agent [--ready FILE] [name=value ...], with the module's
 * parameter names (window_ms, storm_rate, storm_windows, storm_end_ms,
 * late_us, buffer_kb, hello_every, port, tty). It runs until SIGTERM or
 * SIGINT, then sends the last partial window and prints its status.
 * Exit: 0 after a signal, 2 on usage or environment errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "agent.h"
#include "kradar_agent.h"
#include "kradar_agent.skel.h"
#include <kradar_params.h>

#define KRADAR_SAMPLERS		2	/* threads, on different CPUs */
#define KRADAR_STOP_WAIT_S	5	/* s, for a sampler to stop */
#define KRADAR_CALIB_WAIT_MS	3000	/* ms, for calibration samples */
#define KRADAR_CALIB_MIN	8	/* samples needed */
#define KRADAR_CALIB_NEAR_NS	1000000000ULL	/* expiry this near "now" */

#define KRADAR_TRACEFS		"/sys/kernel/tracing"
#define KRADAR_DEBUGFS_TRACING	"/sys/kernel/debug/tracing"
#define KRADAR_EXPIRE_FORMAT	"events/timer/hrtimer_expire_entry/format"

/* What this backend does; HELLO says so (Documentation/bpf.rst). */
static uint16_t agent_caps = KRADAR_CAP_HRTIMER;

struct agent_opts agent_opts = {
	.window_ms = KRADAR_WINDOW_MS,
	.storm_rate = KRADAR_STORM_RATE,
	.storm_windows = KRADAR_STORM_WINDOWS,
	.storm_end_ms = KRADAR_STORM_END_MS,
	.late_us = KRADAR_LATE_US,
	.buffer_kb = KRADAR_BUFFER_KB,
	.hello_every = KRADAR_HELLO_EVERY,
	.lock_wait_ms = KRADAR_LOCK_WAIT_MS,
	.prog_stats = 0,
	.use_btf = 1,
	.port = KRADAR_PORT_DEFAULT,
	.tty = KRADAR_TTY_DEFAULT,
};

static pthread_mutex_t sample_lock = PTHREAD_MUTEX_INITIALIZER;
static volatile sig_atomic_t stopping;
static uint64_t session, window_nr, next_ns, last_port_try, last_now;
static uint64_t bytes_sent, sampler_late_max, windows_by[KRADAR_SAMPLERS];
static uint64_t window_work_max;	/* ns a window took, worst */
static bool port_open;
static unsigned int nr_cpus, nr_samplers;
static int kmsg_fd = -1;

uint64_t agent_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * KRADAR_NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * KRADAR_NSEC_PER_SEC + ts.tv_nsec;
}

/* To the kernel log, as the module's pr_info (the console shows it). */
void agent_log(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	n = snprintf(buf, sizeof(buf), "kradar-agent: ");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (kmsg_fd < 0 || write(kmsg_fd, buf, strlen(buf)) < 0)
		fputs(buf, stderr);
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	fputs("kradar-agent: libbpf: ", stderr);
	return vfprintf(stderr, fmt, ap);
}

/* --- parameters, checked as kradar_check_params() does --- */

struct param {
	const char *name;
	unsigned long long *ull;
	unsigned int *uint;
	const char **str;
};

static int parse_param(const char *arg)
{
	static unsigned long long storm_rate;
	const struct param params[] = {
		{ "window_ms", NULL, &agent_opts.window_ms, NULL },
		{ "storm_rate", &storm_rate, NULL, NULL },
		{ "storm_windows", NULL, &agent_opts.storm_windows, NULL },
		{ "storm_end_ms", NULL, &agent_opts.storm_end_ms, NULL },
		{ "late_us", NULL, &agent_opts.late_us, NULL },
		{ "buffer_kb", NULL, &agent_opts.buffer_kb, NULL },
		{ "hello_every", NULL, &agent_opts.hello_every, NULL },
		{ "lock_wait_ms", NULL, &agent_opts.lock_wait_ms, NULL },
		{ "prog_stats", NULL, &agent_opts.prog_stats, NULL },
		{ "use_btf", NULL, &agent_opts.use_btf, NULL },
		{ "port", NULL, NULL, &agent_opts.port },
		{ "tty", NULL, NULL, &agent_opts.tty },
	};
	const char *eq = strchr(arg, '=');
	unsigned int i;

	if (!eq)
		return -EINVAL;
	for (i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		const struct param *p = &params[i];
		unsigned long long v;
		char *end;

		if (strlen(p->name) != (size_t)(eq - arg) ||
		    strncmp(p->name, arg, eq - arg))
			continue;
		if (p->str) {
			*p->str = eq + 1;
			return 0;
		}
		errno = 0;
		v = strtoull(eq + 1, &end, 0);
		if (errno || end == eq + 1 || *end || eq[1] == '-')
			return -EINVAL;
		if (p->ull) {
			*p->ull = v;
			agent_opts.storm_rate = v;
		} else {
			if (v > 0xffffffffULL)
				return -ERANGE;
			*p->uint = v;
		}
		return 0;
	}
	return -ENOENT;
}

static int check_params(void)
{
	const struct agent_opts *o = &agent_opts;

	if (!*o->port || strlen(o->port) >= KRADAR_NAME_LEN)
		return agent_log("port must be a name of 1..%d characters\n", KRADAR_NAME_LEN - 1), -EINVAL;
	if (o->tty[0] != '/')
		return agent_log("tty must be an absolute path such as /dev/hvc0\n"), -EINVAL;
	if (o->window_ms < KRADAR_WINDOW_MIN_MS || o->window_ms > KRADAR_WINDOW_MAX_MS)
		return agent_log("window_ms=%u out of range %d..%d ms\n", o->window_ms,
				 KRADAR_WINDOW_MIN_MS, KRADAR_WINDOW_MAX_MS), -EINVAL;
	if (o->storm_rate < KRADAR_STORM_RATE_MIN)
		return agent_log("storm_rate=%" PRIu64 " below the minimum of %d callbacks/s\n",
				 o->storm_rate, KRADAR_STORM_RATE_MIN), -EINVAL;
	if (o->storm_windows < 1 || o->storm_windows > KRADAR_STORM_WINDOWS_MAX)
		return agent_log("storm_windows=%u out of range 1..100\n", o->storm_windows), -EINVAL;
	if (o->storm_end_ms > KRADAR_STORM_END_MAX_MS)
		return agent_log("storm_end_ms=%u out of range 0..60000 ms\n", o->storm_end_ms), -EINVAL;
	if (o->late_us < 1 || o->late_us > KRADAR_LATE_MAX_US)
		return agent_log("late_us=%u out of range 1..1000000 us\n", o->late_us), -EINVAL;
	if (o->buffer_kb < KRADAR_BUFFER_MIN_KB || o->buffer_kb > KRADAR_BUFFER_MAX_KB)
		return agent_log("buffer_kb=%u out of range 16..65536 KiB\n", o->buffer_kb), -EINVAL;
	if (o->hello_every < 1 || o->hello_every > KRADAR_HELLO_EVERY_MAX)
		return agent_log("hello_every=%u out of range 1..100000\n", o->hello_every), -EINVAL;
	if (o->lock_wait_ms && (o->lock_wait_ms < KRADAR_LOCK_WAIT_MIN_MS ||
				o->lock_wait_ms > KRADAR_LOCK_WAIT_MAX_MS))
		return agent_log("lock_wait_ms=%u out of range %d..%d ms (0 turns the lock detector off)\n",
				 o->lock_wait_ms, KRADAR_LOCK_WAIT_MIN_MS,
				 KRADAR_LOCK_WAIT_MAX_MS), -EINVAL;
	if (o->prog_stats > 1)
		return agent_log("prog_stats=%u is 0 or 1\n", o->prog_stats), -EINVAL;
	if (o->use_btf > 1)
		return agent_log("use_btf=%u is 0 or 1\n", o->use_btf), -EINVAL;
	return 0;
}

/* --- tracefs: where it is, mounted if need be, the event's fields --- */

static const char *tracefs_dir(void)
{
	struct stat st;

	if (!stat(KRADAR_TRACEFS "/events", &st))
		return KRADAR_TRACEFS;
	if (!stat(KRADAR_DEBUGFS_TRACING "/events", &st))
		return KRADAR_DEBUGFS_TRACING;
	if (mount("nodev", KRADAR_TRACEFS, "tracefs", 0, NULL) &&
	    errno != EBUSY) {
		agent_log("cannot mount tracefs on %s: %s (the kernel needs CONFIG_FTRACE and CONFIG_BPF_EVENTS)\n",
			  KRADAR_TRACEFS, strerror(errno));
		return NULL;
	}
	return KRADAR_TRACEFS;
}

/*
 * The offset of field @name (a whole word at the end of the declaration,
 * "void * function") in the format file's text @fmt; its size must be 8.
 */
/*
 * "field:void * hrtimer;\toffset:8;\tsize:8;" in tracefs' format text
 * @fmt: the offset of field @name, which must be @size bytes at an
 * offset aligned to them within the first KRADAR_AGENT_TP_BYTES.
 */
int tracefs_field(const char *fmt, const char *name, unsigned int size,
		  unsigned int *off)
{
	const char *p = fmt;
	size_t len = strlen(name);

	while ((p = strstr(p, "field:"))) {
		const char *semi = strchr(p, ';');
		unsigned int o, sz;

		if (!semi)
			break;
		if ((size_t)(semi - p) > len && !strncmp(semi - len, name, len) &&
		    (semi[-(long)len - 1] == ' ' || semi[-(long)len - 1] == '*') &&
		    sscanf(semi, ";\toffset:%u;\tsize:%u;", &o, &sz) == 2) {
			if (sz != size || o % size || o + sz > KRADAR_AGENT_TP_BYTES)
				return -ERANGE;
			*off = o;
			return 0;
		}
		p = semi;
	}
	return -ENOENT;
}

static int read_expire_format(const char *tracefs, struct kradar_agent_cfg *cfg)
{
	static const char *const names[] = { "hrtimer", "now", "function" };
	unsigned int *offs[] = { &cfg->off_hrtimer, &cfg->off_now,
				 &cfg->off_function };
	char path[256], fmt[4096];
	unsigned int i;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tracefs, KRADAR_EXPIRE_FORMAT);
	f = fopen(path, "re");
	if (!f) {
		agent_log("cannot read %s: %s (the kernel needs CONFIG_TRACEPOINTS and the timer events)\n",
			  path, strerror(errno));
		return -errno;
	}
	n = fread(fmt, 1, sizeof(fmt) - 1, f);
	fclose(f);
	fmt[n] = '\0';
	cfg->tp_bytes = 0;
	for (i = 0; i < 3; i++) {
		int err = tracefs_field(fmt, names[i], 8, offs[i]);

		if (err) {
			agent_log("%s: field '%s' %s\n", path, names[i],
				  err == -ENOENT ? "not found" : "is not 8 bytes at an aligned offset below 64");
			return err;
		}
		if (*offs[i] + 8 > cfg->tp_bytes)
			cfg->tp_bytes = *offs[i] + 8;
	}
	return 0;
}

/*
 * The lock detector's programs: attached by lock_start() (a kernel
 * without the contention events keeps the other detectors), loaded only
 * when it runs (@load).
 */
static void set_lock_programs(struct kradar_agent_bpf *skel, bool load)
{
	struct bpf_program *progs[] = {
		skel->progs.kradar_lock_begin, skel->progs.kradar_lock_end,
		skel->progs.kradar_owner, skel->progs.kradar_task,
	};
	unsigned int i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		bpf_program__set_autoattach(progs[i], false);
		bpf_program__set_autoload(progs[i], load);
	}
}

/* --- where struct hrtimer keeps its expiry --- */

/* The member @name of struct/union @t, its byte offset and type id. */
static int btf_member(const struct btf *btf, const struct btf_type *t,
		      const char *name, unsigned int *off, uint32_t *type)
{
	const struct btf_member *m = btf_members(t);
	int i;

	for (i = 0; i < btf_vlen(t); i++, m++) {
		if (strcmp(btf__name_by_offset(btf, m->name_off), name))
			continue;
		*off = btf_member_bit_offset(t, i) / 8;
		*type = m->type;
		return 0;
	}
	return -ENOENT;
}

/* The byte offset of member @name in struct @sname, from BTF @btf. */
int agent_btf_offset(const struct btf *btf, const char *sname,
		     const char *name, unsigned int *off)
{
	const struct btf_type *t;
	uint32_t type;
	int id;

	id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	return t ? btf_member(btf, t, name, off, &type) : -ENOENT;
}

/* The kernel's BTF, once for every detector; NULL without it or use_btf=0. */
static struct btf *load_kernel_btf(void)
{
	if (!agent_opts.use_btf || access("/sys/kernel/btf/vmlinux", R_OK))
		return NULL;	/* no BTF: not an error */
	return btf__load_vmlinux_btf();
}

/* From the kernel's BTF: offsetof(struct hrtimer, node.expires). */
static int btf_expires_off(const struct btf *btf, unsigned int *off)
{
	const struct btf_type *t;
	unsigned int o1, o2;
	uint32_t type;
	int id;

	if (!btf)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, "hrtimer", BTF_KIND_STRUCT);
	t = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (t && !btf_member(btf, t, "node", &o1, &type)) {
		t = btf__type_by_id(btf, btf__resolve_type(btf, type));
		if (t && btf_is_composite(t) &&
		    !btf_member(btf, t, "expires", &o2, &type)) {
			*off = o1 + o2;
			return 0;
		}
	}
	return -ENOENT;
}

/*
 * Without BTF: attach the calibration program alone for a moment and
 * take the first word of struct hrtimer that holds a time near the
 * expiry's "now" (within a second, or an eighth of the uptime: a debug
 * kernel under TCG serves its timers seconds late) in three samples of
 * four. node.expires comes before _softexpires, also such a time, in
 * every layout so far; the words before it are pointers, which are
 * nowhere near, and small numbers are an uptime away.
 */
static int calibrate_expires_off(const struct kradar_agent_cfg *cfg,
				 unsigned int *off)
{
	struct kradar_agent_calib c[KRADAR_AGENT_CALIB];
	unsigned int nears[KRADAR_AGENT_CALIB_WORDS] = {};
	struct kradar_agent_bpf *skel;
	struct bpf_link *link;
	unsigned int n, i, w, waited = 0;
	int err = -ENOENT, fd;

	skel = kradar_agent_bpf__open();
	if (!skel)
		return -errno;
	skel->rodata->cfg = *cfg;
	bpf_program__set_autoload(skel->progs.kradar_expire_entry, false);
	bpf_program__set_autoload(skel->progs.kradar_resolve, false);
	set_lock_programs(skel, false);
	if (kradar_agent_bpf__load(skel))
		goto out;
	link = bpf_program__attach(skel->progs.kradar_calibrate);
	if (!link)
		goto out;
	while (skel->bss->calib_n < KRADAR_AGENT_CALIB &&
	       waited < KRADAR_CALIB_WAIT_MS) {
		usleep(20000);
		waited += 20;
	}
	bpf_link__destroy(link);
	n = skel->bss->calib_n;
	if (n > KRADAR_AGENT_CALIB)
		n = KRADAR_AGENT_CALIB;
	fd = bpf_map__fd(skel->maps.kradar_calib);
	for (i = 0; i < n; i++)
		if (bpf_map_lookup_elem(fd, &i, &c[i]))
			memset(&c[i], 0, sizeof(c[i]));
	for (w = 0; n >= KRADAR_CALIB_MIN && w < KRADAR_AGENT_CALIB_WORDS; w++) {
		unsigned int near = 0;

		nears[w] = 0;
		for (i = 0; i < n; i++) {
			uint64_t d = (uint64_t)c[i].now - c[i].w[w];
			uint64_t lim = MAX_U64(KRADAR_CALIB_NEAR_NS,
					       (uint64_t)c[i].now / 8);

			if (c[i].w[w] && c[i].now > 0 && (d < lim || -d < lim))
				near++;
		}
		nears[w] = near;
		if (near * 4 >= n * 3) {
			*off = w * 8;
			err = 0;
			break;
		}
	}
	if (err && n) {
		char buf[256];
		int len = 0;

		for (w = 0; w < KRADAR_AGENT_CALIB_WORDS && len < (int)sizeof(buf); w++)
			len += snprintf(buf + len, sizeof(buf) - len, " %u", nears[w]);
		agent_log("calibration: no word of struct hrtimer holds the expiry (%u samples; near now, by word:%s; first now %lld, words %llx %llx %llx %llx %llx %llx)\n",
			  n, buf, (long long)c[0].now,
			  (unsigned long long)c[0].w[3], (unsigned long long)c[0].w[4],
			  (unsigned long long)c[0].w[5], (unsigned long long)c[0].w[6],
			  (unsigned long long)c[0].w[7], (unsigned long long)c[0].w[8]);
	} else if (err) {
		agent_log("calibration: no hrtimer expired in %d ms\n", KRADAR_CALIB_WAIT_MS);
	}
out:
	kradar_agent_bpf__destroy(skel);
	return err;
}

/* Where node.expires is: BTF, else calibration, else unknown (no lateness). */
static void find_expires_off(struct kradar_agent_cfg *cfg, const struct btf *btf)
{
	const char *how = "BTF";

	if (btf_expires_off(btf, &cfg->off_expires)) {
		how = "calibration, no BTF";
		if (calibrate_expires_off(cfg, &cfg->off_expires)) {
			agent_log("expiry of struct hrtimer not found: lateness is not measured (HELLO caps say so)\n");
			cfg->have_expires = 0;
			return;
		}
	}
	cfg->have_expires = 1;
	agent_caps |= KRADAR_CAP_HRTIMER_LATE;
	agent_log("struct hrtimer keeps its expiry at offset %u (%s)\n",
		  cfg->off_expires, how);
}

/* --- events the kernel did not run a program for --- */

/*
 * The kernel runs no second tracing program on a CPU while one runs
 * there (bpf_prog_active): such an event, e.g. a hard hrtimer expiring
 * while the lock program runs, is skipped. Since 6.7 it counts the skip
 * in the program's recursion misses; they are reported as LOST records
 * (nested), as the module reports events lost to nesting.
 */
static int count_prog_fd = -1;
static int nested_fds[3];
static unsigned int nr_nested_fds;
static bool nested_counted;	/* the kernel counts them: 6.7 or later */
static uint64_t nested_reported;

static void nested_init(struct kradar_agent_bpf *skel, bool locks)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	nested_fds[nr_nested_fds++] = bpf_program__fd(skel->progs.kradar_expire_entry);
	if (locks) {
		nested_fds[nr_nested_fds++] = bpf_program__fd(skel->progs.kradar_lock_begin);
		nested_fds[nr_nested_fds++] = bpf_program__fd(skel->progs.kradar_lock_end);
	}
	nested_counted = !uname(&u) &&
			 sscanf(u.release, "%u.%u", &major, &minor) == 2 &&
			 (major > 6 || (major == 6 && minor >= 7));
	if (nested_counted)
		agent_caps |= KRADAR_CAP_NESTED;
}

static uint64_t nested_events(void)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < nr_nested_fds; i++) {
		struct bpf_prog_info info = {};
		uint32_t len = sizeof(info);

		if (nested_fds[i] >= 0 &&
		    !bpf_obj_get_info_by_fd(nested_fds[i], &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

static void emit_nested(uint64_t now)
{
	uint64_t n;

	if (!nested_counted)
		return;
	n = nested_events();
	if (n > nested_reported) {
		rec_emit_lost(KRADAR_CPU_NONE, KRADAR_LOST_NESTED, 0, 0,
			      n - nested_reported, now);
		nested_reported = n;
	}
}

/* --- records of the session --- */

static void emit_hello(uint64_t now, bool resent)
{
	struct kradar_rec_hello *r;
	struct utsname u;

	r = rec_begin(KRADAR_REC_HELLO, sizeof(*r), KRADAR_CPU_NONE, now);
	if (!r)
		return;
	if (resent)
		r->h.flags = htole16(KRADAR_RECF_RESENT);
	r->magic = htole64(KRADAR_MAGIC);
	r->version = htole16(KRADAR_WIRE_VERSION);
	r->hdr_size = htole16(sizeof(struct kradar_rec_hdr));
	r->nr_cpus = htole16(nr_cpus);
	r->session = htole64(session);
	r->window_ms = htole32(agent_opts.window_ms);
	r->late_us = htole32(agent_opts.late_us);
	r->storm_rate = htole64(agent_opts.storm_rate);
	r->storm_windows = htole32(agent_opts.storm_windows);
	r->heartbeat_ms = htole32(agent_opts.window_ms);
	if (!uname(&u))
		snprintf(r->release, KRADAR_NAME_LEN, "%.63s", u.release);
	snprintf(r->port, KRADAR_NAME_LEN, "%s", agent_opts.port);
	r->storm_end_ms = htole32(agent_opts.storm_end_ms);
	r->qs_gap_ms = 0;	/* detector not in this backend yet */
	r->lock_wait_ms = htole32(lock_enabled() ? agent_opts.lock_wait_ms : 0);
	r->backend = htole32(KRADAR_BACKEND_BPF);
	r->caps = htole16(agent_caps | (lock_enabled() ?
					KRADAR_CAP_LOCK | KRADAR_CAP_STACKS : 0));
	rec_commit(r);
}

static void emit_heartbeat(uint64_t now, uint64_t late)
{
	struct kradar_rec_heartbeat *r;
	uint64_t records, drec, dbytes;

	rec_stats(&records, &drec, &dbytes);
	r = rec_begin(KRADAR_REC_HEARTBEAT, sizeof(*r), KRADAR_CPU_NONE, now);
	if (!r)
		return;
	/* no local_clock() in userspace: CLOCK_MONOTONIC stands in */
	r->local_ns = htole64(now);
	r->mono_ns = htole64(clock_ns(CLOCK_MONOTONIC));
	r->real_ns = htole64(clock_ns(CLOCK_REALTIME));
	r->boot_ns = htole64(clock_ns(CLOCK_BOOTTIME));
	r->window = htole64(window_nr);
	r->sampler_late_ns = htole64(late);
	r->events = htole64(hrtimer_events());
	r->records = htole64(records);
	r->bytes_sent = htole64(bytes_sent);
	r->records_dropped = htole64(drec);
	rec_commit(r);
}

/* One window: sample, emit, send. Under sample_lock. */
static void agent_window(uint64_t now, uint64_t late)
{
	window_nr++;
	if (!port_open && now - last_port_try >=
	    (uint64_t)KRADAR_PORT_RETRY_MS * KRADAR_NSEC_PER_MSEC) {
		last_port_try = now;
		port_open = port_poll_open();
		if (port_open)
			emit_hello(now, false);
	}
	if (port_open && window_nr % agent_opts.hello_every == 0)
		emit_hello(now, true);
	hrtimer_sample(now);
	lock_sample(now);
	if (port_open)
		emit_nested(now);
	if (port_open) {
		uint64_t recs, bytes;

		rec_take_drops(&recs, &bytes);
		if (recs)
			rec_emit_lost(KRADAR_CPU_NONE, KRADAR_LOST_BUFFER_FULL,
				      recs, bytes, 0, now);
	}
	emit_heartbeat(now, late);
	if (port_open) {
		bytes_sent += port_flush();
		port_open = port_is_open();
	}
}

struct sampler {
	pthread_t thread;
	unsigned int id;
	int cpu;
	bool started;
};

static void *sampler_main(void *arg)
{
	struct sampler *s = arg;
	uint64_t period = (uint64_t)agent_opts.window_ms * KRADAR_NSEC_PER_MSEC;
	/* the second thread wakes a little later: normally the window is done */
	uint64_t offset = s->id ? period / 4 : 0;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(s->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		agent_log("sampler %u: cannot bind to CPU %d: %s\n", s->id,
			  s->cpu, strerror(errno));
	while (!stopping) {
		uint64_t now = agent_now_ns(), next, late, work;

		pthread_mutex_lock(&sample_lock);
		next = next_ns;
		pthread_mutex_unlock(&sample_lock);
		if (now < next + offset) {
			struct timespec ts;
			uint64_t wait = next + offset - now;

			if (wait > 50 * KRADAR_NSEC_PER_MSEC)
				wait = 50 * KRADAR_NSEC_PER_MSEC;	/* see stopping */
			ts.tv_sec = wait / KRADAR_NSEC_PER_SEC;
			ts.tv_nsec = wait % KRADAR_NSEC_PER_SEC;
			nanosleep(&ts, NULL);
			continue;
		}
		/*
		 * On a CPU flooded by hrtimer callbacks this thread could be
		 * starved while it holds the lock, and stop every window:
		 * the other sampler takes them, unless it is a period late.
		 */
		if (nr_samplers > 1 && hrtimer_cpu_flooded(s->cpu) &&
		    now < next + period) {
			struct timespec ts = { 0, MIN_U64(period / 4, 50 * KRADAR_NSEC_PER_MSEC) };

			nanosleep(&ts, NULL);
			continue;
		}
		pthread_mutex_lock(&sample_lock);
		now = MAX_U64(agent_now_ns(), last_now + 1);
		if (now >= next_ns && !stopping) {
			last_now = now;
			late = now - next_ns;
			if (late > sampler_late_max)
				sampler_late_max = late;
			/* a late window is one long window, never a burst */
			next_ns = MAX_U64(next_ns + period, now + period / 2);
			windows_by[s->id]++;
			agent_window(now, late);
			work = agent_now_ns() - now;
			if (work > window_work_max)
				window_work_max = work;
		}
		pthread_mutex_unlock(&sample_lock);
	}
	return NULL;
}

/*
 * The counting program's own cost, from the kernel's BPF statistics
 * (prog_stats=1 turns them on for the agent's lifetime: they cost two
 * clock reads per run themselves), and its runs skipped by nesting
 * where the kernel counts them.
 */
static int stats_fd = -1;

static void wake_signal(int sig)
{
}

/*
 * Stop the samplers. One bound to a CPU that an hrtimer storm floods
 * sleeps on a timer that CPU does not serve: it is unbound and woken by
 * a signal, so it runs out on another CPU. One that still does not stop
 * in time (starved while running there) is left to exit_group().
 * Returns whether all of them stopped.
 */
static bool samplers_stop(struct sampler *samplers, unsigned int n)
{
	struct sigaction sa = { .sa_handler = wake_signal };
	bool all = true;
	cpu_set_t any;
	unsigned int i;
	int c;

	stopping = 1;
	CPU_ZERO(&any);
	for (c = 0; c < (int)nr_cpus && c < CPU_SETSIZE; c++)
		CPU_SET(c, &any);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: sleeps end */
	for (i = 0; i < n; i++) {
		if (!samplers[i].started)
			continue;
		pthread_setaffinity_np(samplers[i].thread, sizeof(any), &any);
		pthread_kill(samplers[i].thread, SIGUSR1);
	}
	for (i = 0; i < n; i++) {
		struct timespec ts;

		if (!samplers[i].started)
			continue;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += KRADAR_STOP_WAIT_S;
		if (pthread_timedjoin_np(samplers[i].thread, NULL, &ts)) {
			agent_log("sampler %u (CPU %d) did not stop in %d s: its CPU is flooded\n",
				  i, samplers[i].cpu, KRADAR_STOP_WAIT_S);
			all = false;
		}
	}
	return all;
}

static void print_prog_stats(void)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (count_prog_fd < 0 || bpf_obj_get_info_by_fd(count_prog_fd, &info, &len))
		return;
	printf("prog_recursion_misses: %llu\n", (unsigned long long)info.recursion_misses);
	if (stats_fd < 0)
		return;
	printf("prog_run_cnt:      %llu\n", (unsigned long long)info.run_cnt);
	printf("prog_run_time_ns:  %llu\n", (unsigned long long)info.run_time_ns);
	if (info.run_cnt)
		agent_log("counting program: %llu runs, %llu ns per run on average\n",
			  (unsigned long long)info.run_cnt,
			  (unsigned long long)(info.run_time_ns / info.run_cnt));
}

static void print_status(void)
{
	uint64_t records, drec, dbytes, unattr;

	rec_stats(&records, &drec, &dbytes);
	hrtimer_lost(&unattr);
	printf("kradar-agent status\n");
	printf("backend:           bpf\n");
	printf("port:              %s (%s)\n", port_state(), agent_opts.port);
	printf("session:           %016" PRIx64 "\n", session);
	printf("window_ms:         %u\n", agent_opts.window_ms);
	printf("windows:           %" PRIu64 "\n", window_nr);
	printf("hrtimer_events:    %" PRIu64 "\n", hrtimer_events());
	printf("storms_active:     %u\n", hrtimer_storms_active());
	printf("events_unattributed: %" PRIu64 "\n", unattr);
	lock_status();
	if (nested_counted)
		printf("events_nested:     %" PRIu64 "\n", nested_events());
	else
		printf("events_nested:     not counted (the kernel counts them from 6.7)\n");
	printf("records:           %" PRIu64 "\n", records);
	printf("records_dropped:   %" PRIu64 "\n", drec);
	printf("bytes_dropped:     %" PRIu64 "\n", dbytes);
	printf("bytes_sent:        %" PRIu64 "\n", bytes_sent);
	printf("sampler_late_max_ns: %" PRIu64 "\n", sampler_late_max);
	printf("window_work_max_ns: %" PRIu64 "\n", window_work_max);
	printf("windows_by_sampler: %" PRIu64 " %" PRIu64 "\n", windows_by[0],
	       windows_by[1]);
	print_prog_stats();
	fflush(stdout);
}

/* The name resolver program (kradar_agent.bpf.c), if it loaded. */
static struct kradar_agent_bpf *resolver_skel;

static int resolve(uint64_t addr, bool with_off, char name[KRADAR_NAME_LEN])
{
	LIBBPF_OPTS(bpf_test_run_opts, opts);
	struct kradar_agent_name *n = &resolver_skel->bss->kradar_name;

	memset(n, 0, sizeof(*n));
	n->addr = addr;
	n->with_off = with_off;
	if (bpf_prog_test_run_opts(bpf_program__fd(resolver_skel->progs.kradar_resolve),
				   &opts) || !n->name[0] ||
	    !strncmp(n->name, "0x", 2))
		return -ENOENT;
	memset(name, 0, KRADAR_NAME_LEN);
	memcpy(name, n->name, KRADAR_NAME_LEN - 1);
	return 0;
}

static int resolve_name(uint64_t addr, char name[KRADAR_NAME_LEN])
{
	return resolve(addr, false, name);
}

/*
 * As the module's kradar_symbol(addr, name, true): the symbol, its
 * offset kept unless it is 0 ("rtnl_mutex", "obj+0x10/0x40 [mod]"), or
 * the address when no symbol holds it (a lock in allocated memory).
 */
void agent_symbol_exact(uint64_t addr, char name[KRADAR_NAME_LEN])
{
	char *plus, *mod;

	if (!resolver_skel || resolve(addr, true, name)) {
		memset(name, 0, KRADAR_NAME_LEN);
		snprintf(name, KRADAR_NAME_LEN, "0x%" PRIx64, addr);
		return;
	}
	plus = strstr(name, "+0x0/");
	if (plus) {
		mod = strstr(plus, " [");
		if (mod)
			memmove(plus, mod, strlen(mod) + 1);
		else
			*plus = '\0';
	}
}

/*
 * Open and load the programs. The name resolver needs bpf_snprintf()
 * (5.13): a kernel that refuses it gets the counting program alone, and
 * names from /proc/kallsyms only.
 */
static struct kradar_agent_bpf *load_programs(const struct kradar_agent_cfg *cfg,
					      const struct kradar_agent_lockcfg *lcfg,
					      bool locks)
{
	struct kradar_agent_bpf *skel;
	int pass, err = 0;

	for (pass = 0; pass < 2; pass++) {
		skel = kradar_agent_bpf__open();
		if (!skel) {
			agent_log("cannot open the BPF object: %s\n", strerror(errno));
			return NULL;
		}
		skel->rodata->cfg = *cfg;
		skel->rodata->lockcfg = *lcfg;
		bpf_program__set_autoattach(skel->progs.kradar_resolve, false);
		bpf_program__set_autoload(skel->progs.kradar_calibrate, false);
		/* the lock programs are attached by lock_start(), or not loaded */
		set_lock_programs(skel, locks);
		if (pass)
			bpf_program__set_autoload(skel->progs.kradar_resolve, false);
		err = kradar_agent_bpf__load(skel);
		if (!err)
			break;
		kradar_agent_bpf__destroy(skel);
		skel = NULL;
		if (!pass)
			agent_log("name resolver not loaded (%s; bpf_snprintf needs 5.13): callbacks of modules loaded later are named from /proc/kallsyms, read again\n",
				  strerror(-err));
	}
	if (!skel) {
		agent_log("cannot load the BPF programs: %s (the kernel needs CONFIG_BPF_SYSCALL and CONFIG_BPF_EVENTS, and root)\n",
			  strerror(-err));
		return NULL;
	}
	if (!pass) {
		resolver_skel = skel;
		ksym_set_resolver(resolve_name);
	}
	return skel;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: kradar-agent [--ready FILE] [name=value ...]\n"
		"  name=value   the module's parameters: window_ms storm_rate storm_windows\n"
		"               storm_end_ms late_us lock_wait_ms buffer_kb hello_every\n"
		"               port tty;\n"
		"               prog_stats=1: measure the counting program's cost;\n"
		"               use_btf=0: calibrate as on a kernel without BTF\n"
		"  --ready FILE created once the programs are attached\n"
		"Runs until SIGTERM or SIGINT. Documentation/bpf.rst.\n");
}

int main(int argc, char **argv)
{
	struct sampler samplers[KRADAR_SAMPLERS] = {};
	struct kradar_agent_bpf *skel = NULL;
	const char *ready = NULL, *tracefs;
	struct kradar_agent_cfg cfg = {};
	struct kradar_agent_lockcfg lcfg = {};
	struct btf *kbtf;
	bool locks;
	sigset_t sigs;
	bool stopped;
	int i, err, sig, cpu = -1, ret = 2;
	unsigned int nr;

	kmsg_fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ready") && i + 1 < argc) {
			ready = argv[++i];
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if ((err = parse_param(argv[i]))) {
			agent_log("bad argument '%s': %s\n", argv[i],
				  err == -ENOENT ? "no such parameter" : "not a valid value");
			usage(stderr);
			return 2;
		}
	}
	if (check_params())
		return 2;
	libbpf_set_print(libbpf_print);
	err = libbpf_num_possible_cpus();
	if (err <= 0 || err >= KRADAR_CPU_NONE) {
		agent_log("cannot count the possible CPUs: %d\n", err);
		return 2;
	}
	nr_cpus = err;
	if (getrandom(&session, sizeof(session), 0) != sizeof(session))
		session = agent_now_ns() ^ ((uint64_t)getpid() << 32);

	/* every thread started later inherits these blocked */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);

	tracefs = tracefs_dir();
	if (!tracefs || read_expire_format(tracefs, &cfg))
		return 2;
	kbtf = load_kernel_btf();
	find_expires_off(&cfg, kbtf);
	locks = !lock_prepare(tracefs, &lcfg, nr_cpus, kbtf);
	btf__free(kbtf);
	cfg.late_ns = (uint64_t)agent_opts.late_us * 1000;
	if (ksym_load())
		agent_log("cannot read /proc/kallsyms: callbacks are named by address\n");
	if (rec_init((size_t)agent_opts.buffer_kb * 1024, nr_cpus)) {
		agent_log("out of memory\n");
		goto err_ksym;
	}

	skel = load_programs(&cfg, &lcfg, locks);
	if (!skel)
		goto err_ksym;
	count_prog_fd = bpf_program__fd(skel->progs.kradar_expire_entry);
	nested_init(skel, locks);
	if (agent_opts.prog_stats) {
		stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
		if (stats_fd < 0)
			agent_log("prog_stats: cannot enable BPF run-time statistics: %s\n",
				  strerror(-stats_fd));
	}
	if (hrtimer_init(bpf_map__fd(skel->maps.kradar_funcs),
			 bpf_map__fd(skel->maps.kradar_misc),
			 (volatile uint64_t *)&skel->bss->cur_win, nr_cpus)) {
		agent_log("out of memory\n");
		goto err_skel;
	}

	/* before the port opens, so the first HELLO says what attached */
	if (locks)
		lock_start(skel);

	/* open the port now, so even a very short run reaches the host */
	last_port_try = agent_now_ns();
	port_open = port_poll_open();
	if (port_open)
		emit_hello(last_port_try, false);
	next_ns = agent_now_ns() + (uint64_t)agent_opts.window_ms *
				   KRADAR_NSEC_PER_MSEC;
	for (nr = 0; nr < KRADAR_SAMPLERS; nr++) {
		cpu_set_t online;

		if (sched_getaffinity(0, sizeof(online), &online))
			CPU_ZERO(&online);
		while (++cpu < CPU_SETSIZE && !CPU_ISSET(cpu, &online))
			;
		if (cpu >= CPU_SETSIZE)
			break;
		samplers[nr].id = nr;
		samplers[nr].cpu = cpu;
		if (pthread_create(&samplers[nr].thread, NULL, sampler_main,
				   &samplers[nr])) {
			agent_log("cannot start sampler %u\n", nr);
			goto err_samplers;
		}
		samplers[nr].started = true;
		nr_samplers++;
	}

	err = kradar_agent_bpf__attach(skel);
	if (err) {
		agent_log("cannot attach to timer/hrtimer_expire_entry: %s\n",
			  strerror(-err));
		goto err_samplers;
	}
	pthread_mutex_lock(&sample_lock);
	hrtimer_hooked(agent_now_ns());
	pthread_mutex_unlock(&sample_lock);
	agent_log("attached (bpf, no BTF needed): window %u ms, storm at %" PRIu64 " callbacks/s, late at %u us, port '%s'; hrtimer_expire_entry fields at %u/%u/%u\n",
		  agent_opts.window_ms, agent_opts.storm_rate, agent_opts.late_us,
		  agent_opts.port, cfg.off_hrtimer, cfg.off_now, cfg.off_function);
	if (ready) {
		int fd = open(ready, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

		if (fd < 0)
			agent_log("cannot create %s: %s\n", ready, strerror(errno));
		else
			close(fd);
	}

	while (sigwait(&sigs, &sig))
		;
	ret = 0;
	kradar_agent_bpf__detach(skel);
err_samplers:
	lock_stop();
	stopped = samplers_stop(samplers, KRADAR_SAMPLERS);
	/* the last partial window still reaches the host */
	if (port_open && !ret) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (stopped || !pthread_mutex_timedlock(&sample_lock, &ts))
			agent_window(MAX_U64(agent_now_ns(), last_now + 1), 0);
		else
			agent_log("no last window: a starved sampler holds the sample lock\n");
	}
	if (!ret) {
		print_status();
		agent_log("detached\n");
	}
	port_close();
	if (stats_fd >= 0)
		close(stats_fd);
	if (!stopped)
		return ret;	/* a sampler may still touch the state */
	hrtimer_exit();
err_skel:
	ksym_set_resolver(NULL);
	kradar_agent_bpf__destroy(skel);
err_ksym:
	ksym_free();
	return ret;
}
