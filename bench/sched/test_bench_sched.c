// SPDX-License-Identifier: GPL-2.0
/*
 * test_bench_sched: the stuck-CPU probes bench-sched measures are the
 * module's, doing what the module does. With kmod/kradar_sched_hot.h
 * compiled against bench/shim/:
 *   - the shim models the installed kernel headers: sched_switch passes
 *     prev_state (so compat/sched.h picks the same probe as the module),
 *     sched_wakeup passes the task, x86's thread_info has cpu where the
 *     shim's task_cpu() reads it (SKIP without the headers);
 *   - a wakeup onto a CPU with none pending notes the woken task's pid
 *     and a time in the state of the task's CPU (task_cpu(), not the
 *     waker's), one clock read; later wakeups onto it while that one is
 *     pending change nothing and read no clock; a switch on another CPU
 *     leaves it, the switch on that CPU clears it; the next wakeup writes
 *     again;
 *   - the read-only paths write nothing (run against a read-only page)
 *     and no path writes beyond wake_ns and wake_pid;
 *   - 200000 random wakeups and switches on four CPUs agree after every
 *     event with an independent model (the first wakeup since the CPU's
 *     last switch: its pid and time);
 *   - bench-sched's sequences: every event takes the path the generator
 *     says (the path bench-sched counts it under), in the proportions
 *     described; the measured loop leaves no wakeup pending.
 * TAP output; exit 1 when a check fails.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "sched_hot.h"
#include "kradar_tap.h"

/* Debian's architecture-independent kernel headers, the newest */
#define KHDR_GLOB	"/usr/src/linux-headers-*-common"

/* The contents of @rel under @top, NUL-terminated, or NULL. */
static char *slurp(const char *top, const char *rel)
{
	char path[4200];
	long len;
	char *buf;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) || !(buf = malloc(len + 1))) {
		fclose(f);
		return NULL;
	}
	len = (long)fread(buf, 1, len, f);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

/* @s with comments, preprocessor lines and runs of blanks squeezed out */
static void squeeze(char *s)
{
	char *w = s, *r = s;
	bool bol = true;

	while (*r) {
		if (r[0] == '/' && r[1] == '*') {
			char *e = strstr(r + 2, "*/");

			r = e ? e + 2 : r + strlen(r);
			continue;
		}
		if (bol && *r == '#') {
			r += strcspn(r, "\n");
			continue;
		}
		bol = *r == '\n';
		if (*r == ' ' || *r == '\t' || *r == '\n') {
			if (w > s && w[-1] != ' ')
				*w++ = ' ';
			r++;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/* The text of @s from @start up to the next @end, squeezed; NULL. */
static char *section(const char *s, const char *start, const char *end)
{
	const char *a = s ? strstr(s, start) : NULL, *b;
	char *out;

	if (!a || !(b = strstr(a, end)))
		return NULL;
	out = strndup(a, b - a + strlen(end));
	if (out)
		squeeze(out);
	return out;
}

static void test_headers(void)
{
	char top[4096] = "", *ev, *ti, *sw, *wk, *info;
	glob_t g;

	if (!glob(KHDR_GLOB, 0, NULL, &g)) {
		if (g.gl_pathc)
			snprintf(top, sizeof(top), "%s", g.gl_pathv[g.gl_pathc - 1]);
		globfree(&g);
	}
	ev = top[0] ? slurp(top, "include/trace/events/sched.h") : NULL;
	ti = top[0] ? slurp(top, "arch/x86/include/asm/thread_info.h") : NULL;
	if (!ev || !ti) {
		tap_skip("kernel headers: sched_switch, sched_wakeup, thread_info",
			 "no " KHDR_GLOB " (linux-headers-cloud-amd64)");
		free(ev);
		free(ti);
		return;
	}
	printf("# kernel headers: %s\n", top);
	sw = section(ev, "TRACE_EVENT(sched_switch,", "TP_ARGS");
	wk = section(ev, "DECLARE_EVENT_CLASS(sched_wakeup_template,", "TP_ARGS");
	info = section(ti, "struct thread_info {", "};");
	ASSERT_TRUE(sw && strstr(sw, "TP_PROTO(bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state)"),
		    "sched_switch passes prev_state, as the shim declares it");
	ASSERT_EQ_INT(sched_switch_has_state, 1,
		      "compat/sched.h picks the probe with prev_state, as in the module");
	ASSERT_TRUE(wk && strstr(wk, "TP_PROTO(struct task_struct *p)"),
		    "sched_wakeup passes the task");
	/* flags, syscall_work, status, cpu: cpu at offset 20 */
	ASSERT_TRUE(info && strstr(info, "{ unsigned long flags; unsigned long syscall_work; u32 status; u32 cpu; };"),
		    "x86 thread_info is the shim's: task_cpu() reads the kernel's cpu");
	if (!info)
		printf("#   thread_info not found\n");
	else if (!strstr(info, "u32 cpu;"))
		printf("#   %s\n", info);
	free(sw);
	free(wk);
	free(info);
	free(ev);
	free(ti);
}

static struct task_struct *task_on(int k, int cpu)
{
	struct task_struct *p = &sched_tasks[k];

	p->thread_info.cpu = cpu;
	p->pid = 1000 + k;
	return p;
}

static void wake(int from, struct task_struct *p)
{
	sched_on_cpu(from);
	sched_probe_wakeup(NULL, p);
}

static void sw(int cpu, struct task_struct *prev, struct task_struct *next)
{
	sched_on_cpu(cpu);
	sched_probe_switch(NULL, true, prev, next, 0);
}

/* Every byte of the per-CPU areas past wake_pid: a pattern to check. */
static void fill_rest(void)
{
	int cpu;

	for (cpu = 0; cpu < SCHED_CPUS; cpu++) {
		unsigned char *a = (unsigned char *)sched_cpu(cpu);
		size_t from = offsetof(struct kradar_sched_cpu, wake_pid) +
			      sizeof(pid_t);

		memset(a + from, 0xa5 ^ cpu, SCHED_PAGE - from);
	}
}

static bool rest_intact(void)
{
	int cpu;

	for (cpu = 0; cpu < SCHED_CPUS; cpu++) {
		unsigned char *a = (unsigned char *)sched_cpu(cpu);
		size_t i = offsetof(struct kradar_sched_cpu, wake_pid) +
			   sizeof(pid_t);

		for (; i < SCHED_PAGE; i++)
			if (a[i] != (0xa5 ^ cpu))
				return false;
	}
	return true;
}

static void test_cycle(void)
{
	struct task_struct *a = task_on(2, 1), *b = task_on(3, 1);
	struct task_struct *c = task_on(4, 0), *idle = task_on(0, 1);
	struct kradar_sched_cpu *s0, *s1;
	unsigned long calls;
	u64 ns;

	sched_reset();
	fill_rest();
	s0 = sched_cpu(0);
	s1 = sched_cpu(1);

	wake(0, a);
	ASSERT_TRUE(s1->wake_ns == 1000 && s1->wake_pid == a->pid &&
		    sched_clock_calls == 1,
		    "a wakeup onto a CPU with none pending notes pid and time, one clock read");
	ASSERT_TRUE(!s0->wake_ns && !s0->wake_pid,
		    "in the woken task's CPU, not the waker's");
	ns = s1->wake_ns;

	wake(0, b);
	wake(1, b);
	ASSERT_TRUE(s1->wake_ns == ns && s1->wake_pid == a->pid &&
		    sched_clock_calls == 1,
		    "wakeups while one is pending overwrite nothing, read no clock");

	sw(0, c, c);
	ASSERT_TRUE(s1->wake_ns == ns && s1->wake_pid == a->pid,
		    "a switch on another CPU leaves the pending wakeup");

	sw(1, idle, a);
	ASSERT_EQ_INT(s1->wake_ns, 0, "the switch on its CPU clears it");

	calls = sched_clock_calls;
	sw(1, a, idle);
	ASSERT_TRUE(!s1->wake_ns && sched_clock_calls == calls,
		    "a switch with none pending leaves it clear");

	wake(0, b);
	ASSERT_TRUE(s1->wake_ns > ns && s1->wake_pid == b->pid &&
		    sched_clock_calls == calls + 1,
		    "the next wakeup writes again: its pid, a later time");

	c->thread_info.cpu = 3;
	wake(3, c);
	ASSERT_TRUE(sched_cpu(3)->wake_pid == c->pid && sched_cpu(3)->wake_ns &&
		    s1->wake_pid == b->pid,
		    "a local wakeup notes it on its own CPU (task_cpu())");
	ASSERT_TRUE(rest_intact(),
		    "nothing is written past wake_ns and wake_pid, on any CPU");
}

/*
 * The read-only paths on a read-only page: a wakeup onto a CPU with one
 * pending and a switch on a CPU with none must not store (not even the
 * value already there), or the child dies of SIGSEGV.
 */
static void test_no_store(void)
{
	struct task_struct *a = task_on(2, 1), *b = task_on(3, 1);
	struct task_struct *idle = task_on(0, 2);
	int status = 0;
	pid_t pid;

	sched_reset();
	wake(0, a);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (mprotect(sched_cpu(1), SCHED_PAGE, PROT_READ) ||
		    mprotect(sched_cpu(2), SCHED_PAGE, PROT_READ))
			_exit(3);
		wake(0, b);		/* pending on CPU 1 */
		sw(2, idle, idle);	/* none pending on CPU 2 */
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid) {
		tap_skip("the read-only paths store nothing", "no fork");
		return;
	}
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "the read-only paths store nothing (read-only pages)");
	if (WIFSIGNALED(status))
		printf("#   child killed by signal %d\n", WTERMSIG(status));
}

/* xorshift64*: deterministic */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

/*
 * Random traffic against a model written apart from the probe: per CPU,
 * the first wakeup since its last switch, with the time the clock gave
 * it. The tasks move between CPUs, as set_task_cpu() moves them before
 * their wakeup.
 */
static void test_model(void)
{
	enum { N = 200000 };
	struct { bool pending; pid_t pid; u64 ns; } m[SCHED_CPUS] = { { 0 } };
	unsigned long bad = 0, news = 0, clock = 0, wakes = 0, clears = 0;
	uint64_t seed = 0x736368656475ULL;
	int i, cpu;

	sched_reset();
	for (i = 0; i < SCHED_TASKS; i++)
		task_on(i, 0);
	for (i = 0; i < N; i++) {
		unsigned int r = rnd(&seed) % 1000;
		int here = rnd(&seed) % SCHED_CPUS;
		struct task_struct *p = &sched_tasks[rnd(&seed) % SCHED_TASKS];

		if (r < 550) {
			int to = rnd(&seed) % SCHED_CPUS;

			p->thread_info.cpu = to;
			wake(here, p);
			wakes++;
			if (!m[to].pending) {
				m[to].pending = true;
				m[to].pid = p->pid;
				m[to].ns = ++clock * 1000;
				news++;
			}
		} else {
			clears += m[here].pending;
			sw(here, p, &sched_tasks[rnd(&seed) % SCHED_TASKS]);
			m[here].pending = false;
		}
		for (cpu = 0; cpu < SCHED_CPUS; cpu++) {
			const struct kradar_sched_cpu *s = sched_cpu(cpu);

			if (m[cpu].pending ? s->wake_ns != m[cpu].ns ||
					     s->wake_pid != m[cpu].pid :
					     s->wake_ns != 0)
				bad++;
		}
	}
	printf("# model: %lu wakeups (%lu onto a CPU with none pending), %lu switches (%lu cleared one)\n",
	       wakes, news, N - wakes, clears);
	ASSERT_EQ_INT(bad, 0, "random traffic: every CPU's state is the model's after every event");
	ASSERT_EQ_INT(sched_clock_calls, news, "random traffic: one clock read per wakeup onto a CPU with none pending");
	ASSERT_TRUE(news > 1000 && wakes - news > 1000 && clears > 1000 &&
		    N - wakes - clears > 1000, "random traffic: every path taken");
}

/* bench-sched's sequences: each event takes the path it is counted under. */
static void test_sequences(void)
{
	static const size_t per_cycle[SCHED_MIX_NR][SCHED_PATH_NR] = {
		[SCHED_MIX_IDLE] = { 1, 0, 1, 1 },
		[SCHED_MIX_BUSY] = { 1, 3, 1, 4 },
	};
	static const char *const mix[SCHED_MIX_NR] = { "idle", "busy" };
	enum { N = 9000 };
	static struct sched_ev ev[N];
	size_t paths[SCHED_PATH_NR], n, i, wrong;
	char name[160];
	int k, p;

	for (k = 0; k < SCHED_MIX_NR; k++) {
		size_t cycles;
		bool ratio = true;

		sched_reset();
		n = sched_gen(ev, N, k, paths);
		cycles = n / (k == SCHED_MIX_IDLE ? 3 : 9);
		for (p = 0; p < SCHED_PATH_NR; p++)
			if (paths[p] != per_cycle[k][p] * cycles)
				ratio = false;
		snprintf(name, sizeof(name), "%s mix: %zu events in whole cycles, paths in the proportions described",
			 mix[k], n);
		ASSERT_TRUE(n == N && ratio, name);

		for (i = 0, wrong = 0; i < n; i++) {
			const struct sched_ev *e = &ev[i];
			int cpu = e->path < SCHED_SWITCH_PENDING ?
				  (int)task_cpu(e->p) : e->cpu;
			struct kradar_sched_cpu *s = sched_cpu(cpu);
			unsigned long calls = sched_clock_calls;
			bool pending = s->wake_ns != 0;

			sched_on_cpu(e->cpu);
			switch (e->path) {
			case SCHED_WAKE_NEW:
			case SCHED_WAKE_PENDING:
				sched_probe_wakeup(NULL, e->p);
				if (pending != (e->path == SCHED_WAKE_PENDING) ||
				    !s->wake_ns ||
				    sched_clock_calls != calls + !pending)
					wrong++;
				break;
			default:
				sched_probe_switch(NULL, !e->prev_state, e->prev,
						   e->next, e->prev_state);
				if (pending != (e->path == SCHED_SWITCH_PENDING) ||
				    s->wake_ns)
					wrong++;
			}
		}
		snprintf(name, sizeof(name), "%s mix: every event takes the path it is counted under",
			 mix[k]);
		ASSERT_EQ_INT(wrong, 0, name);

		sched_reset();
		fill_rest();
		n = sched_gen(ev, N, k, paths);
		sched_loop(ev, n, sched_probe_wakeup, sched_probe_switch);
		for (i = 0, wrong = 0; i < SCHED_CPUS; i++)
			wrong += sched_cpu(i)->wake_ns != 0;
		snprintf(name, sizeof(name), "%s mix: the measured loop leaves nothing pending, one clock read per written wakeup",
			 mix[k]);
		ASSERT_TRUE(!wrong && sched_clock_calls == paths[SCHED_WAKE_NEW] &&
			    rest_intact(), name);
	}
}

int main(void)
{
	int rc;

	test_headers();
	test_cycle();
	test_no_store();
	test_model();
	test_sequences();
	rc = tap_done();
	if (fflush(stdout) || ferror(stdout))
		return 2;
	return rc;
}
