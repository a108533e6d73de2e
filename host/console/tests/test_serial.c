// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the console parser on small built-in fixtures: the same
 * reports with and without printk timestamps and caller ids, interleaved
 * with other tasks' lines, with ANSI noise, \r, NUL bytes and invalid
 * UTF-8, cut mid-line, with an absurdly long line, fed byte by byte; event
 * fields; negative cases (clean log, suppressed lines); the literal
 * scanner against PCRE2 and memmem, every implementation of it against the
 * others, whole parses with each of them and any chunking; and a 200 MB
 * synthetic log parsed in bounded memory (throughput is printed, not
 * asserted).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "kradar_serial.h"
#include "serial_internal.h"
#include "file.h"
#include "tap.h"

#define BENCH_BYTES	(200ull << 20)	/* synthetic log size */
#define BENCH_REPORTS	10		/* reports planted in it */
#define BENCH_MEM_BOUND	(16u << 20)	/* parser memory bound asserted */

/* An RCU stall as printed by a 6.x x86 kernel (payload only, no prefix). */
static const char *const rcu_stall[] = {
	"rcu: INFO: rcu_preempt self-detected stall on CPU",
	"rcu: \t1-....: (10500 ticks this GP) idle=a5c/1/0x4000000000000000 softirq=9000/9000 fqs=5000",
	"\t(t=10502 jiffies g=12345 q=678 ncpus=2)",
	"CPU: 1 PID: 4242 Comm: syz-executor.0 Not tainted 6.1.0 #1",
	"Hardware name: QEMU Standard PC (i440FX + PIIX, 1996)",
	"Call Trace:",
	" <IRQ>",
	" rcu_sched_clock_irq+0x9a/0x200",
	" update_process_times+0x5e/0x90",
	" tick_sched_timer+0x6a/0x80",
	" __hrtimer_run_queues+0x1c1/0x3e0",
	" hrtimer_interrupt+0x110/0x2a0",
	" __sysvec_apic_timer_interrupt+0x61/0x130",
	" sysvec_apic_timer_interrupt+0x6b/0x80",
	" </IRQ>",
	" <TASK>",
	" asm_sysvec_apic_timer_interrupt+0x1a/0x20",
	"RIP: 0010:taprio_dequeue_soft+0x12/0x340",
	"Code: 48 89 e5 41 57 41 56 <0f> 0b 5d c3",
	"RSP: 0018:ffffc90000003e00 EFLAGS: 00000246",
	" taprio_dequeue+0x4a/0x90",
	" __qdisc_run+0x8a/0x6f0",
	" __dev_queue_xmit+0x8d1/0xe30",
	" packet_sendmsg+0x1a2f/0x2300",
	" __sys_sendto+0x1a5/0x210",
	" __x64_sys_sendto+0x24/0x30",
	" do_syscall_64+0x35/0x80",
	" entry_SYSCALL_64_after_hwframe+0x63/0xcd",
	" </TASK>",
	"rcu: rcu_preempt kthread starved for 10502 jiffies! g12345 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1",
	NULL,
};
#define RCU_TITLE "INFO: rcu detected stall in sys_sendto"

static const char *const hung_task[] = {
	"INFO: task kworker/0:1:23 blocked for more than 143 seconds.",
	"      Not tainted 6.1.0 #1",
	"\"echo 0 > /proc/sys/kernel/hung_task_timeout_secs\" disables this message.",
	"task:kworker/0:1     state:D stack:0     pid:23    ppid:2      flags:0x00004000",
	"Workqueue: events vhost_worker",
	"Call Trace:",
	" <TASK>",
	" __schedule+0x3a1/0xbd0",
	" schedule+0x5d/0xd0",
	" schedule_preempt_disabled+0x14/0x20",
	" __mutex_lock.constprop.0+0x3a7/0x780",
	" vhost_dev_flush+0x4a/0x90 [vhost]",
	" vhost_worker_killed+0x5c/0x130 [vhost]",
	" process_one_work+0x1e2/0x3b0",
	" worker_thread+0x50/0x3a0",
	" kthread+0xe5/0x120",
	" ret_from_fork+0x1f/0x30",
	" </TASK>",
	"INFO: task kworker/0:1:23 is blocked on a mutex likely owned by task vhost-4242:4243.",
	NULL,
};
#define HUNG_TITLE "INFO: task hung in vhost_dev_flush"

static const char *const soft_lockup[] = {
	"watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [syz-executor.1:5000]",
	"Modules linked in:",
	"CPU: 0 PID: 5000 Comm: syz-executor.1 Not tainted 6.1.0 #1",
	"RIP: 0010:taprio_dequeue_soft+0x30/0x340",
	"RSP: 0018:ffffc90000003e00 EFLAGS: 00000246",
	"Call Trace:",
	" <TASK>",
	" taprio_dequeue+0x4a/0x90",
	" __qdisc_run+0x8a/0x6f0",
	" __dev_queue_xmit+0x8d1/0xe30",
	" packet_sendmsg+0x1a2f/0x2300",
	" __sys_sendto+0x1a5/0x210",
	" __x64_sys_sendto+0x24/0x30",
	" do_syscall_64+0x35/0x80",
	" entry_SYSCALL_64_after_hwframe+0x63/0xcd",
	" </TASK>",
	"hrtimer: interrupt took 8423561 ns",
	"sched: RT throttling activated",
	"NMI watchdog: Watchdog detected hard LOCKUP on cpu 1",
	"Kernel panic - not syncing: softlockup: hung tasks",
	NULL,
};
#define SOFT_TITLE "BUG: soft lockup in sys_sendto"

/* Rust panic with v0-mangled frames (fuzzed: exercises the demangler). */
static const char *const rust_panic[] = {
	"rust_kernel: panicked at drivers/android/binder/node.rs:877:13:",
	"attempt to subtract with overflow",
	"CPU: 0 PID: 298 Comm: syz-executor Not tainted 6.16.0 #1",
	"Call Trace:",
	" <TASK>",
	" _RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind+0x15b/0x160",
	" _RNvNtCs9jEwPDbx20M_4core9panicking9panic_fmt+0x84/0x90",
	" _RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref+0x17e5/0x1860",
	" _RINvXs1b_NtCs9jEwPDbx20M_4core3fmtRNtNtNtB9_5panic10panic_info9PanicInfoNtB7_7Display3fmtINtB2_3VecTlhEEECs43vyB533jt3_6kernel+0x1/0x2",
	" </TASK>",
	NULL,
};
#define RUST_TITLE "attempt to subtract with overflow in <rust_binder::process::Process>::update_ref"

static const char *const clean_boot[] = {
	"Linux version 6.1.0 (gcc) #1 SMP PREEMPT_DYNAMIC",
	"Command line: console=ttyS0 root=/dev/vda",
	"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
	"INFO: lockdep is turned off.",
	"rcu: Hierarchical RCU implementation.",
	"Run /sbin/init as init process",
	"syzkaller login: root",
	NULL,
};

enum prefix { P_NONE, P_TIME, P_CALLER };

struct buf {
	char *s;
	size_t len, cap;
};

static void buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s) {
			perror("realloc");
			exit(2);
		}
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = 0;
}

static void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Render payload lines with a prefix; t0 in microseconds. */
static void render(struct buf *b, const char *const *lines, enum prefix pf,
		   const char *caller, unsigned long long t0, const char *eol)
{
	size_t i;

	for (i = 0; lines[i]; i++) {
		char pre[64];
		unsigned long long t = t0 + i;

		if (pf == P_TIME)
			snprintf(pre, sizeof(pre), "[%5llu.%06llu] ", t / 1000000, t % 1000000);
		else if (pf == P_CALLER)
			snprintf(pre, sizeof(pre), "[%5llu.%06llu][%7s] ", t / 1000000,
				 t % 1000000, caller);
		else
			pre[0] = 0;
		buf_str(b, pre);
		buf_str(b, lines[i]);
		buf_str(b, eol);
	}
}

static struct kradar_serial *parse(const char *s, size_t len, size_t chunk)
{
	struct kradar_serial *p = kradar_serial__new();
	size_t off;

	if (!p) {
		perror("kradar_serial__new");
		exit(2);
	}
	if (!chunk)
		chunk = len ? len : 1;
	for (off = 0; off < len; off += chunk)
		kradar_serial__feed(p, s + off, len - off < chunk ? len - off : chunk);
	kradar_serial__finish(p);
	return p;
}

static const char *title0(struct kradar_serial *p)
{
	const struct kradar_serial_report *r = kradar_serial__report(p, 0);

	return r ? r->title : "(no report)";
}

static const struct kradar_serial_event *find_event(struct kradar_serial *p,
						    enum kradar_serial_event_kind k)
{
	size_t i;

	for (i = 0; i < kradar_serial__nr_events(p); i++)
		if (kradar_serial__event(p, i)->kind == k)
			return kradar_serial__event(p, i);
	return NULL;
}

static void test_prefix_variants(void)
{
	static const struct { enum prefix pf; const char *name; } v[] = {
		{ P_NONE, "no printk timestamps" },
		{ P_TIME, "printk timestamps" },
		{ P_CALLER, "timestamps and caller ids" },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct buf b = { 0 };
		struct kradar_serial *p;
		const struct kradar_serial_event *e;
		char name[128];

		render(&b, rcu_stall, v[i].pf, "C1", 57617360, "\n");
		p = parse(b.s, b.len, 0);
		snprintf(name, sizeof(name), "rcu stall title, %s", v[i].name);
		ASSERT_STREQ(title0(p), RCU_TITLE, name);
		e = find_event(p, KRADAR_EV_RCU_STALL);
		snprintf(name, sizeof(name), "rcu stall event with t= jiffies, %s", v[i].name);
		ASSERT_TRUE(e && e->jiffies == 10502 && e->cpu == 1 &&
			    !strcmp(e->flavor, "rcu_preempt"), name);
		if (v[i].pf != P_NONE) {
			snprintf(name, sizeof(name), "printk time of the stall line, %s", v[i].name);
			ASSERT_EQ_INT(e ? e->pos.time_ns : 0, 57617360000ull, name);
		} else {
			ASSERT_TRUE(e && !e->pos.has_time, "no time claimed without timestamps");
		}
		if (v[i].pf == P_CALLER)
			ASSERT_STREQ(e ? e->pos.caller : "", "C1", "caller id parsed");
		e = find_event(p, KRADAR_EV_RCU_STARVED);
		snprintf(name, sizeof(name), "starved kthread jiffies and cpu, %s", v[i].name);
		ASSERT_TRUE(e && e->jiffies == 10502 && e->cpu == 1 &&
			    !strcmp(e->flavor, "rcu_preempt"), name);
		kradar_serial__free(p);
		free(b.s);
	}
}

static void test_report_details(void)
{
	struct buf b = { 0 };
	struct kradar_serial *p;
	const struct kradar_serial_report *r;

	render(&b, rcu_stall, P_CALLER, "C1", 1000000, "\n");
	p = parse(b.s, b.len, 0);
	r = kradar_serial__report(p, 0);
	ASSERT_EQ_INT(kradar_serial__nr_reports(p), 1, "one report in the rcu stall log");
	ASSERT_STREQ(r ? r->type : "", "HANG", "rcu stall is of type HANG");
	ASSERT_STREQ(r ? r->guilty_frame : "", "sys_sendto", "frame used for the title");
	ASSERT_TRUE(r && r->nr_alt >= 1 && !strcmp(r->alt[0], "stall in sys_sendto"),
		    "alternative title as syzkaller gives it");
	ASSERT_TRUE(r && r->nr_frames > 10 && !strcmp(r->frames[0].func, "rcu_sched_clock_irq") &&
		    r->frames[0].off == 0x9a && r->frames[0].size == 0x200,
		    "call-trace frames with offset and size");
	{
		int k = 0;

		while (r && k < r->nr_frames && !r->frames[k].key)
			k++;
		ASSERT_STREQ(r && k < r->nr_frames ? r->frames[k].func : "",
			     "taprio_dequeue_soft", "first key frame is past the IRQ plumbing");
	}
	ASSERT_EQ_INT(r ? r->start.line : 0, 1, "report starts at the stall line");
	ASSERT_TRUE(r && !r->corrupted, "complete report is not corrupted");
	kradar_serial__free(p);
	free(b.s);

	b = (struct buf){ 0 };
	render(&b, hung_task, P_CALLER, "T31", 2000000, "\n");
	p = parse(b.s, b.len, 0);
	ASSERT_STREQ(title0(p), HUNG_TITLE, "hung task title skips scheduler and lock frames");
	{
		const struct kradar_serial_event *e = find_event(p, KRADAR_EV_HUNG_TASK);
		const struct kradar_serial_event *m = find_event(p, KRADAR_EV_HUNG_MUTEX_OWNER);

		ASSERT_TRUE(e && !strcmp(e->comm, "kworker/0:1") && e->pid == 23 &&
			    e->seconds == 143, "hung task comm with ':' , pid, seconds");
		ASSERT_TRUE(m && m->pid == 23 && m->owner_pid == 4243 &&
			    !strcmp(m->owner_comm, "vhost-4242"),
			    "mutex owner line (6.15+) parsed");
	}
	r = kradar_serial__report(p, 0);
	ASSERT_TRUE(r && r->nr_frames >= 5 && !strcmp(r->frames[4].module, "vhost"),
		    "module name of a frame");
	kradar_serial__free(p);
	free(b.s);

	b = (struct buf){ 0 };
	render(&b, soft_lockup, P_TIME, NULL, 3000000, "\n");
	p = parse(b.s, b.len, 0);
	ASSERT_STREQ(title0(p), SOFT_TITLE, "soft lockup title");
	{
		const struct kradar_serial_event *e = find_event(p, KRADAR_EV_SOFT_LOCKUP);

		ASSERT_TRUE(e && e->cpu == 0 && e->seconds == 22 && e->pid == 5000 &&
			    !strcmp(e->comm, "syz-executor.1"), "soft lockup fields");
		e = find_event(p, KRADAR_EV_HRTIMER_SLOW);
		ASSERT_TRUE(e && e->ns == 8423561, "hrtimer interrupt took N ns");
		ASSERT_TRUE(find_event(p, KRADAR_EV_RT_THROTTLING) != NULL, "RT throttling line");
		e = find_event(p, KRADAR_EV_HARD_LOCKUP);
		ASSERT_TRUE(e && e->cpu == 1, "hard LOCKUP cpu");
		ASSERT_TRUE(find_event(p, KRADAR_EV_PANIC) != NULL, "panic line");
	}
	kradar_serial__free(p);
	free(b.s);
}

/* Lines of another task between every line of the report. */
static void test_more_events(void)
{
	static const char log[] =
		"[  584.319520][   T31] INFO: task udevd:5612 blocked in I/O wait for more than 143 seconds.\n"
		"[  140.728169][ T6181] WARNING: fs/buffer.c:1183 at mark_buffer_dirty+0x299/0x3f0, CPU#1: syz.0.52/6181\n"
		"[  140.728170][ T6181] WARNING: CPU: 0 PID: 77 at net/sched/sch_taprio.c:1 taprio_x+0x1/0x2\n"
		"[  150.000000][    C0] rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-... } 21 jiffies s: 1234 root: 0x2/.\n";
	struct kradar_serial *p = parse(log, sizeof(log) - 1, 0);
	const struct kradar_serial_event *e = find_event(p, KRADAR_EV_HUNG_TASK);
	size_t i, nw = 0;

	ASSERT_TRUE(e && e->pid == 5612 && e->seconds == 143 && !strcmp(e->comm, "udevd"),
		    "hung task in I/O wait");
	for (i = 0; i < kradar_serial__nr_events(p); i++) {
		e = kradar_serial__event(p, i);
		if (e->kind != KRADAR_EV_WARNING)
			continue;
		nw++;
		if (nw == 1)
			ASSERT_TRUE(e->cpu == 1 && e->pid == 6181 && !strcmp(e->comm, "syz.0.52"),
				    "new WARNING format: cpu, comm, pid");
		else
			ASSERT_TRUE(e->cpu == 0 && e->pid == 77, "classic WARNING format: cpu, pid");
	}
	ASSERT_EQ_INT(nw, 2, "two WARNING lines");
	e = find_event(p, KRADAR_EV_RCU_STALL);
	ASSERT_TRUE(e && e->cpu == 1 && e->jiffies == 21, "expedited stall: cpu and jiffies");
	kradar_serial__free(p);
}

static void test_interleaved(void)
{
	struct buf b = { 0 };
	struct kradar_serial *p;
	size_t i;

	for (i = 0; hung_task[i]; i++) {
		char l[512];

		snprintf(l, sizeof(l), "[  100.%06zu][   T31] %s\n", i, hung_task[i]);
		buf_str(&b, l);
		snprintf(l, sizeof(l), "[  100.%06zu][ T4242]  unrelated_frame+0x1/0x10\n", i);
		buf_str(&b, l);
		snprintf(l, sizeof(l), "[  100.%06zu][    C0] audit: type=1400 noise\n", i);
		buf_str(&b, l);
	}
	p = parse(b.s, b.len, 0);
	ASSERT_STREQ(title0(p), HUNG_TITLE, "interleaved tasks: frames of other callers ignored");
	kradar_serial__free(p);
	free(b.s);
}

static void test_noise(void)
{
	struct buf b = { 0 };
	struct kradar_serial *p;
	size_t i;

	/* ANSI colours, CRLF, NUL bytes and invalid UTF-8 on every line */
	for (i = 0; rcu_stall[i]; i++) {
		char l[512];

		snprintf(l, sizeof(l), "\x1b[0;32m[   57.%06zu][    C1] \x1b[0m%s\x1b]0;title\x07\r\n",
			 i, rcu_stall[i]);
		buf_str(&b, l);
		buf_add(&b, "\xff\xfe\0\0garbage \xc3\x28\n", 15);
	}
	p = parse(b.s, b.len, 0);
	ASSERT_STREQ(title0(p), RCU_TITLE, "ANSI escapes, CRLF, NUL and invalid UTF-8");
	ASSERT_TRUE(kradar_serial__stats(p)->nul_bytes == 2 * i &&
		    kradar_serial__stats(p)->escapes == 3 * i, "noise counted");
	ASSERT_EQ_INT(kradar_serial__stats(p)->lines_with_time, i,
		      "timestamps found behind escape sequences");
	kradar_serial__free(p);
	free(b.s);
}

static void test_chunking_and_tail(void)
{
	struct buf b = { 0 };
	struct kradar_serial *p;
	size_t cut;

	render(&b, hung_task, P_CALLER, "T31", 5000000, "\n");
	p = parse(b.s, b.len, 1);
	ASSERT_STREQ(title0(p), HUNG_TITLE, "fed one byte at a time");
	kradar_serial__free(p);

	/* cut in the middle of the line after "vhost_dev_flush" */
	cut = (size_t)(strstr(b.s, "vhost_worker_killed") - b.s) + 5;
	p = parse(b.s, cut, 7);
	ASSERT_STREQ(title0(p), HUNG_TITLE, "truncated tail: report still titled");
	ASSERT_EQ_INT(kradar_serial__stats(p)->lines, 13, "truncated last line still counted");
	kradar_serial__free(p);

	/* cut before the call trace: syzkaller marks it corrupted */
	cut = (size_t)(strstr(b.s, "Call Trace") - b.s);
	p = parse(b.s, cut, 0);
	ASSERT_TRUE(kradar_serial__report(p, 0) && kradar_serial__report(p, 0)->corrupted,
		    "report without its call trace is corrupted");
	kradar_serial__free(p);
	free(b.s);
}

static void test_long_line(void)
{
	struct buf b = { 0 };
	struct kradar_serial *p;
	size_t i;
	char *big = malloc(1 << 20);

	if (!big)
		exit(2);
	memset(big, 'A', 1 << 20);
	buf_str(&b, "[    1.000000] ");
	buf_add(&b, big, 1 << 20);
	buf_str(&b, "\n");
	for (i = 0; i < 3; i++) {	/* long lines with no newline between chunks */
		buf_add(&b, big, 1 << 20);
		buf_str(&b, " BUG: hidden far in a long line\n");
	}
	render(&b, soft_lockup, P_TIME, NULL, 6000000, "\n");
	p = parse(b.s, b.len, 65536);
	ASSERT_EQ_INT(kradar_serial__stats(p)->lines_cut, 4, "lines over the limit are cut");
	ASSERT_STREQ(title0(p), SOFT_TITLE, "crash after absurdly long lines found");
	ASSERT_TRUE(kradar_serial__stats(p)->mem_peak < BENCH_MEM_BOUND,
		    "long lines do not grow memory");
	kradar_serial__free(p);
	free(big);
	free(b.s);
}

static void test_negative(void)
{
	struct buf b = { 0 };
	struct kradar_serial *p;
	size_t i;
	bool finding = false;

	render(&b, clean_boot, P_TIME, NULL, 1000, "\n");
	p = parse(b.s, b.len, 0);
	ASSERT_EQ_INT(kradar_serial__nr_reports(p), 0, "clean boot log: no report");
	for (i = 0; i < kradar_serial__nr_events(p); i++)
		finding |= kradar_serial__event_is_finding(kradar_serial__event(p, i)->kind);
	ASSERT_TRUE(!finding, "clean boot log: no finding event");
	kradar_serial__free(p);
	free(b.s);

	p = parse("", 0, 0);
	ASSERT_EQ_INT(kradar_serial__nr_reports(p), 0, "empty input");
	kradar_serial__free(p);
	kradar_serial__free(NULL);

	p = kradar_serial__new();
	ASSERT_TRUE(p && kradar_serial__feed(p, NULL, 5) < 0, "feed(NULL, 5) rejected");
	kradar_serial__finish(p);
	ASSERT_TRUE(kradar_serial__feed(p, "x\n", 2) < 0, "feed after finish rejected");
	kradar_serial__free(p);
}

/* Deterministic mutations of the fixtures; invariants must hold. */
static void test_fuzz(void)
{
	struct buf base = { 0 };
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	unsigned iter, bad = 0, reports = 0;

	render(&base, rcu_stall, P_CALLER, "C1", 1, "\n");
	render(&base, hung_task, P_TIME, NULL, 2, "\n");
	render(&base, soft_lockup, P_NONE, NULL, 3, "\n");
	render(&base, rust_panic, P_CALLER, "T298", 4, "\n");
	for (iter = 0; iter < 400; iter++) {
		char *m = malloc(base.len + 64);
		size_t len = base.len, k, r;
		struct kradar_serial *p;

		if (!m)
			exit(2);
		memcpy(m, base.s, base.len);
		for (k = 0; k < 1 + iter % 32; k++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			m[x % len] = (char)(x >> 32);
		}
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		if (iter % 3 == 0)
			len -= x % (len / 2);
		p = parse(m, len, 1 + x % 4096);
		for (r = 0; r < kradar_serial__nr_reports(p); r++) {
			const struct kradar_serial_report *rep = kradar_serial__report(p, r);

			reports++;
			if (!rep->title[0] || strlen(rep->title) >= KRADAR_SERIAL_TITLE_LEN ||
			    !rep->type || rep->nr_frames > KRADAR_SERIAL_MAX_FRAMES ||
			    rep->end_line < rep->start.line)
				bad++;
		}
		kradar_serial__free(p);
		free(m);
	}
	ASSERT_TRUE(bad == 0 && reports > 0, "mutated logs: every report has a sane title and range");
	free(base.s);
}

static void test_rust_demangle(void)
{
	static const struct { const char *in, *out; } t[] = {
		{ "_RNvCscSpY9Juk0HT_7___rustc17rust_begin_unwind",
		  "__rustc::rust_begin_unwind" },
		{ "_RNvMs3_NtCshgDM7dBCdno_11rust_binder7processNtB5_7Process10update_ref",
		  "<rust_binder::process::Process>::update_ref" },
		{ "_RNvXs1b_NtCs9jEwPDbx20M_4core3fmtRNtNtNtB8_5panic10panic_info9PanicInfoNtB6_7Display3fmtCs43vyB533jt3_6kernel",
		  "<&core::panic::panic_info::PanicInfo as core::fmt::Display>::fmt" },
		{ "_RNCNvCs1234_5crate4main0B3_", "crate::main::{closure#0}" },
	};
	size_t i;
	char out[256];

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char name[64];

		snprintf(out, sizeof(out), "(not demangled)");
		ks_rust_demangle(t[i].in, out, sizeof(out));
		snprintf(name, sizeof(name), "rust v0 demangling #%zu", i);
		ASSERT_STREQ(out, t[i].out, name);
	}
	{
		struct buf b = { 0 };
		struct kradar_serial *p;

		render(&b, rust_panic, P_CALLER, "T298", 1, "\n");
		p = parse(b.s, b.len, 0);
		ASSERT_STREQ(title0(p), RUST_TITLE, "rust panic title uses demangled frames");
		kradar_serial__free(p);
		free(b.s);
	}
	snprintf(out, sizeof(out), "keep");
	ASSERT_TRUE(!ks_rust_demangle("_RB9999_", out, sizeof(out)) && !strcmp(out, "keep"),
		    "bad rust backref rejected, name kept");
	ASSERT_TRUE(!ks_rust_demangle("__schedule", out, sizeof(out)), "C names untouched");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long max_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void test_bench(void)
{
	struct buf blk = { 0 }, rep = { 0 };
	struct kradar_serial *p;
	unsigned long long fed = 0, next_report, lines = 0;
	unsigned planted = 0;
	long rss0 = max_rss_kb();
	double t0, dt;
	size_t i;

	/* 64 KiB of ordinary console traffic from two tasks and a CPU */
	for (i = 0; blk.len < 65536; i++) {
		char l[256];

		snprintf(l, sizeof(l),
			 "[%5zu.%06zu][%7s] %s\n", 100 + i / 1000, i % 1000000,
			 i % 3 == 0 ? "T4242" : i % 3 == 1 ? "C1" : "T7",
			 i % 5 == 0 ? "syz-executor.0: executing program 3:" :
			 i % 5 == 1 ? "audit: type=1400 audit(1700000000.123:42): avc: denied { read }" :
			 i % 5 == 2 ? "rcu: note: this line mentions rcu but is harmless" :
			 i % 5 == 3 ? "netdevsim netdevsim0 netdevsim3 (unregistering): unset [1, 0] type 2" :
				      "EXT4-fs (loop0): mounted filesystem without journal.");
		buf_str(&blk, l);
		lines++;
	}
	lines = 0;
	for (i = 0; i < blk.len; i++)
		lines += blk.s[i] == '\n';
	render(&rep, hung_task, P_CALLER, "T31", 9000000, "\n");

	p = kradar_serial__new();
	if (!p)
		exit(2);
	next_report = BENCH_BYTES / BENCH_REPORTS / 2;
	t0 = now_s();
	while (fed < BENCH_BYTES) {
		kradar_serial__feed(p, blk.s, blk.len);
		fed += blk.len;
		if (fed >= next_report && planted < BENCH_REPORTS) {
			kradar_serial__feed(p, rep.s, rep.len);
			fed += rep.len;
			planted++;
			next_report += BENCH_BYTES / BENCH_REPORTS;
		}
	}
	kradar_serial__finish(p);
	dt = now_s() - t0;
	printf("# 200 MB synthetic log: %.1f MB in %.2f s = %.1f MB/s, parser peak %zu KiB, "
	       "max RSS %ld -> %ld KiB\n", (double)fed / 1e6, dt, (double)fed / 1e6 / dt,
	       kradar_serial__stats(p)->mem_peak / 1024, rss0, max_rss_kb());
	ASSERT_EQ_INT(kradar_serial__stats(p)->bytes, fed, "200 MB: every byte consumed");
	ASSERT_EQ_INT(kradar_serial__stats(p)->reports_total, 2 * BENCH_REPORTS,
		      "200 MB: each planted hung task found (report + owner line)");
	ASSERT_STREQ(title0(p), HUNG_TITLE, "200 MB: first report titled");
	ASSERT_TRUE(kradar_serial__stats(p)->mem_peak < BENCH_MEM_BOUND,
		    "200 MB: parser memory stays under 16 MiB");
	ASSERT_TRUE(max_rss_kb() - rss0 < (long)(BENCH_MEM_BOUND / 1024) + 8192,
		    "200 MB: process RSS growth bounded");
	kradar_serial__free(p);
	free(blk.s);
	free(rep.s);
}

/* ------------------------------------------------------------------ */
/* The literal scanner of the stream layer (ks_scan_line()). */

/* The KS_LIT_* bits a line must get, computed the slow way: the PCRE2
 * prefilter for candidates, memmem() for the rest. */
static uint64_t scan_reference(const char *s, size_t len)
{
	static const struct { const char *lit; uint64_t bit; } roles[] = {
		{ " login: ", KS_LIT_LOGIN },
	};
	char *z = malloc(len + 1);
	uint64_t r = 0;
	size_t i;

	if (!z)
		exit(2);
	memcpy(z, s, len);
	z[len] = 0;
	if (ks_line_candidate(z, len))
		r |= KS_LIT_CANDIDATE;
	for (i = 0; i < sizeof(roles) / sizeof(roles[0]); i++)
		if (memmem(s, len, roles[i].lit, strlen(roles[i].lit)))
			r |= roles[i].bit;
	for (i = 0; ks_info_stack_word(i); i++)
		if (memmem(s, len, ks_info_stack_word(i), strlen(ks_info_stack_word(i))))
			r |= KS_LIT_INFO_STACK;
	if (memchr(s, 0, len) || memchr(s, 0x1b, len))
		r |= KS_LIT_CONTROL;
	free(z);
	return r;
}

static uint64_t scan_summary(uint64_t bits)
{
	return (bits & ~KS_LIT_CANDIDATE) | ((bits & KS_LIT_CANDIDATE) ? KS_LIT_CANDIDATE : 0);
}

static const enum ks_scan_impl scan_impls[] = { KS_SCAN_SCALAR, KS_SCAN_SSSE3, KS_SCAN_AVX2 };
static const char *const scan_names[] = { "scalar", "SSSE3", "AVX2" };

struct scan_tally {
	unsigned long lines, cands, bad[3], differ[3];
};

/* One line through every implementation the CPU has: each must give the
 * reference summary, and all the same literal bits. */
static void scan_check(struct scan_tally *t, const char *s, size_t len)
{
	uint64_t want = scan_reference(s, len), first = 0;
	size_t i;

	t->lines++;
	if (want & KS_LIT_CANDIDATE)
		t->cands++;
	for (i = 0; i < 3; i++) {
		uint64_t got;

		if (ks_scan_use(scan_impls[i]))
			continue;
		got = ks_scan_line(s, len);
		if (scan_summary(got) != want) {
			if (t->bad[i]++ < 3)
				printf("#   %s: line '%.*s': bits %#llx, expected %#llx\n",
				       scan_names[i], (int)(len > 120 ? 120 : len), s,
				       (unsigned long long)scan_summary(got),
				       (unsigned long long)want);
		}
		if (i == 0)
			first = got;
		else if (got != first)
			t->differ[i]++;
	}
}

static void scan_lines(struct scan_tally *t, const char *s, size_t len)
{
	while (len) {
		const char *nl = memchr(s, '\n', len);
		size_t n = nl ? (size_t)(nl - s) : len;

		scan_check(t, s, n);
		if (!nl)
			break;
		s = nl + 1;
		len -= n + 1;
	}
}

static bool read_file(const char *path, struct buf *b)
{
	size_t n;
	char *s = kradar_file_read(path, 0, &n);

	if (!s)
		return false;
	buf_add(b, s, n);
	free(s);
	return true;
}

static void scan_restore_default(void)
{
	if (ks_scan_use(KS_SCAN_AVX2) && ks_scan_use(KS_SCAN_SSSE3))
		ks_scan_use(KS_SCAN_SCALAR);
}

static void test_scanner(void)
{
	static const char *const files[] = {
		"selftests/corpus/serial/rcu_stall_taprio.log",
		"selftests/corpus/serial/clean_boot.log",
		"selftests/corpus/serial/syzbot_rcu_stall_report.txt",
		"selftests/corpus/serial/run-storm/serial.log",
	};
	static const char *const extra[] = {
		" login: ", "<EOI>", " ? ", "vmalloc: allocation failure:",
		"FAULT_INJECTION: forcing a failure", "FAULT_FLAG_ALLOW_RETRY missing",
	};
	struct scan_tally t = { 0 };
	unsigned long long x = 0x2545f4914f6cdd1dull;
	struct buf b = { 0 }, line = { 0 };
	char noise[200], path[512];
	size_t i, k, nf = 0, nw = 0;
	bool have[3];
	int fails = 0;

	for (i = 0; i < 3; i++)
		have[i] = !ks_scan_use(scan_impls[i]);
	/* real console lines */
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", KRADAR_TOP, files[i]);
		b.len = 0;
		if (read_file(path, &b)) {
			scan_lines(&t, b.s, b.len);
			nf++;
		}
	}
	/* every literal alone, in noise, at each place around a 64-byte
	 * block edge, and with one byte changed (mostly no candidate) */
	for (i = 0; i < 64; i++)
		noise[i] = "abcdefghijklmnopqrstuvwxyz0123456789 _:[].+/"[i % 45];
	for (i = 0; ks_prefilter_word(i) || i - nw < sizeof(extra) / sizeof(extra[0]); i++) {
		const char *w = ks_prefilter_word(i) ? ks_prefilter_word(i) : extra[i - nw];
		size_t wl = strlen(w), at;

		if (ks_prefilter_word(i))
			nw = i + 1;
		scan_check(&t, w, wl);
		for (at = 0; at < 80; at++) {
			size_t lead = at % 64, pre = at < 64 ? 0 : 19;

			line.len = 0;
			buf_add(&line, noise, lead);
			buf_add(&line, "[  12.345678][ T1] ", pre);
			buf_add(&line, w, wl);
			buf_add(&line, noise, (at * 7) % 64);
			scan_check(&t, line.s, line.len);
			/* the literal cut by the end of the line */
			scan_check(&t, line.s, lead + pre + wl - 1);
			/* one byte of it changed */
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			line.s[lead + pre + x % wl] ^= (char)(1 + x % 255);
			scan_check(&t, line.s, line.len);
		}
	}
	/* random bytes, control bytes included */
	for (i = 0; i < 3000; i++) {
		size_t n = 1 + i % 300;

		line.len = 0;
		for (k = 0; k < n; k++) {
			char c;

			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			c = (x & 0xf00) == 0 ? (char)(x >> 24) : "BUGrcuINFO: ?<>\x1b\n"[x % 18];
			buf_add(&line, &c, 1);
		}
		scan_check(&t, line.s, line.len);
	}
	printf("# scanner: %lu lines (%zu corpus files), %lu candidates; SIMD: %s%s\n",
	       t.lines, nf, t.cands, have[2] ? "AVX2 " : "", have[1] ? "SSSE3" : "none");
	for (i = 0; i < 3; i++) {
		char name[96];

		snprintf(name, sizeof(name), "scanner (%s): literal bits agree with PCRE2 and memmem",
			 scan_names[i]);
		if (!have[i]) {
			tap_skip(name, "this CPU lacks it");
			continue;
		}
		fails += !ASSERT_EQ_INT(t.bad[i], 0, name);
		if (i) {
			snprintf(name, sizeof(name), "scanner (%s): same bits as the scalar one",
				 scan_names[i]);
			fails += !ASSERT_EQ_INT(t.differ[i], 0, name);
		}
	}
	ASSERT_TRUE(nf == sizeof(files) / sizeof(files[0]) && t.cands > 500 &&
		    t.cands < t.lines / 2, "scanner: corpus read, candidates and non-candidates seen");
	scan_restore_default();
	free(b.s);
	free(line.s);
	(void)fails;
}

/* Everything a parse produced, as text. */
static void digest(struct kradar_serial *p, struct buf *d)
{
	const struct kradar_serial_stats *st = kradar_serial__stats(p);
	char tmp[1024];
	size_t i;
	int k;

	d->len = 0;
	snprintf(tmp, sizeof(tmp), "%llu %llu %llu %llu %llu %llu %llu %llu\n",
		 (unsigned long long)st->bytes, (unsigned long long)st->lines,
		 (unsigned long long)st->lines_cut, (unsigned long long)st->lines_with_time,
		 (unsigned long long)st->nul_bytes, (unsigned long long)st->escapes,
		 (unsigned long long)st->events_dropped, (unsigned long long)st->reports_total);
	buf_str(d, tmp);
	for (i = 0; i < kradar_serial__nr_events(p); i++) {
		const struct kradar_serial_event *e = kradar_serial__event(p, i);

		snprintf(tmp, sizeof(tmp), "E %d %llu %llu %d %llu %s %d %d %s %d %s %lld %lld %lld %s|%s\n",
			 e->kind, (unsigned long long)e->pos.offset,
			 (unsigned long long)e->pos.line, e->pos.has_time,
			 (unsigned long long)e->pos.time_ns, e->pos.caller, e->cpu, e->pid,
			 e->comm, e->owner_pid, e->owner_comm, (long long)e->jiffies,
			 (long long)e->ns, (long long)e->seconds, e->flavor, e->text);
		buf_str(d, tmp);
	}
	for (i = 0; i < kradar_serial__nr_reports(p); i++) {
		const struct kradar_serial_report *r = kradar_serial__report(p, i);

		snprintf(tmp, sizeof(tmp), "R %s|%s|%d|%s|%s|%llu %llu|%llu|%s|%d %d %s|%d|%d\n",
			 r->title, r->type, r->corrupted, r->corrupted_reason, r->guilty_frame,
			 (unsigned long long)r->start.offset, (unsigned long long)r->start.line,
			 (unsigned long long)r->end_line, r->first_line, r->cpu, r->pid,
			 r->comm, r->truncated, r->nr_frames);
		buf_str(d, tmp);
		for (k = 0; k < r->nr_alt; k++) {
			buf_str(d, r->alt[k]);
			buf_str(d, "\n");
		}
		for (k = 0; k < r->nr_frames; k++) {
			snprintf(tmp, sizeof(tmp), "%s %llu %llu %s %d\n", r->frames[k].func,
				 (unsigned long long)r->frames[k].off,
				 (unsigned long long)r->frames[k].size, r->frames[k].module,
				 r->frames[k].key);
			buf_str(d, tmp);
		}
	}
}

/* The full parse does not depend on the scanner implementation or on how
 * the input is chunked: real logs, the fixtures in every prefix form, with
 * noise, CRLF, control bytes, cut and absurdly long lines. */
static void test_scanner_parse(void)
{
	static const char *const files[] = {
		"selftests/corpus/serial/rcu_stall_taprio.log",
		"selftests/corpus/serial/syzbot_rcu_stall_report.txt",
		"selftests/corpus/serial/run-storm/serial.log",
		"selftests/fuzz/corpus/serial/kasan.log",
		"selftests/fuzz/corpus/serial/warning-softlockup.log",
		"selftests/fuzz/corpus/serial/hung-task.log",
		"selftests/fuzz/corpus/serial/rust-panic-notime.log",
	};
	static const size_t chunks[] = { 0, 1, 63, 64, 65, 4096, 65536 };
	struct buf log = { 0 }, ref = { 0 }, got = { 0 };
	unsigned long long x = 0x9e3779b97f4a7c15ull;
	char path[512], *big;
	size_t i, c, nf = 0, runs = 0, differ = 0, reports;
	struct kradar_serial *p;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", KRADAR_TOP, files[i]);
		nf += read_file(path, &log);
		buf_str(&log, "\n");
	}
	render(&log, rcu_stall, P_CALLER, "C1", 1, "\r\n");
	render(&log, hung_task, P_TIME, NULL, 2, "\n");
	buf_str(&log, "[    2.500000] \x1b[31mBU\x1bG: noise \0 inside\r\n");
	buf_add(&log, "[    2.600000] vmalloc: allocation\0 failure: x\n", 47);
	render(&log, soft_lockup, P_NONE, NULL, 3, "\n");
	buf_str(&log, "** 5 printk messages dropped ** [    3.1] WARNING: CPU: 0 PID: 1 at x\n");
	buf_str(&log, "syzkaller login: [    3.2] INFO: task a:1 blocked for more than 1 seconds.\n");
	render(&log, rust_panic, P_CALLER, "T298", 4, "\n");
	render(&log, rcu_stall, P_CALLER, "C0", 5, "\n");
	big = malloc(40000);
	if (!big)
		exit(2);
	for (i = 0; i < 40000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		big[i] = "abc ?_0[]:\r"[x % 11];
	}
	memcpy(big + 20000, " BUG: past the cut", 18);
	buf_str(&log, "[    6.0] ");
	buf_add(&log, big, 40000);
	buf_str(&log, "\n\r\n\n");
	render(&log, hung_task, P_CALLER, "T31", 7, "\n");
	/* printk prefixes, well-formed and not, in and out of an open
	 * report's context: the short path reads them with SIMD masks when
	 * 32 bytes are readable, the full path byte by byte */
	buf_str(&log, "[  100.000000][  T100] BUG: unable to handle page fault for address: 0\n");
	for (i = 0; i < 3000; i++) {
		static const char *const callers[] = {
			"[  T100]", "[ T100]", "[    C1]", "[C1]", "[  T10]", "[  X100]",
			"[  T]", "[  T100", "[                T100]", "",
		};
		static const char *const texts[] = {
			" func+0x1/0x2", " Sending NMI from CPU 0 to CPUs 1:", "x",
			" ", "", "  ? f+0x1/0x2", "\r",
		};
		char pre[96];
		int n = 0, k;

		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		if (x % 13 == 0)
			n += snprintf(pre + n, sizeof(pre) - n, "<%d>", (int)(x % 7));
		if (x % 17)
			pre[n++] = '[';
		for (k = (int)(x >> 8) % 9; k > 0; k--)
			pre[n++] = ' ';
		n += snprintf(pre + n, sizeof(pre) - n, "%.*s", (int)((x >> 12) % 7), "1234567");
		if ((x >> 16) % 11)
			pre[n++] = '.';
		n += snprintf(pre + n, sizeof(pre) - n, "%.*s", (int)((x >> 20) % 9), "00012345");
		if ((x >> 24) % 13)
			pre[n++] = ']';
		n += snprintf(pre + n, sizeof(pre) - n, "%s%s", callers[(x >> 28) % 10],
			      texts[(x >> 32) % 7]);
		pre[n] = 0;
		buf_str(&log, pre);
		buf_str(&log, "\n");
	}
	buf_str(&log, "[    8.0] no newline at the end BUG");

	p = parse(log.s, log.len, 0);
	digest(p, &ref);
	reports = kradar_serial__nr_reports(p);
	kradar_serial__free(p);
	for (i = 0; i < 3; i++) {
		if (ks_scan_use(scan_impls[i]))
			continue;
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			p = parse(log.s, log.len, chunks[c]);
			digest(p, &got);
			kradar_serial__free(p);
			runs++;
			if (got.len != ref.len || memcmp(got.s, ref.s, ref.len)) {
				if (differ++ < 2)
					printf("#   %s, chunks of %zu: results differ\n",
					       scan_names[i], chunks[c]);
			}
		}
	}
	scan_restore_default();
	ASSERT_TRUE(nf == sizeof(files) / sizeof(files[0]) && reports >= 8,
		    "scanner parse: test log built, reports found");
	ASSERT_EQ_INT(differ, 0, "scanner parse: same results for every implementation and chunking");
	printf("# %zu parses compared, %zu reports each\n", runs, reports);
	free(big);
	free(log.s);
	free(ref.s);
	free(got.s);
}

int main(void)
{
	test_prefix_variants();
	test_report_details();
	test_more_events();
	test_interleaved();
	test_noise();
	test_chunking_and_tail();
	test_long_line();
	test_negative();
	test_rust_demangle();
	test_fuzz();
	test_scanner();
	test_scanner_parse();
	test_bench();
	return tap_done();
}
