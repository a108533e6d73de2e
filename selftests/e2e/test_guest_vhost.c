// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of vhost awareness: a real vhost-net device on the 6.1
 * guest whose worker holds vq->mutex for 3 s while another thread's
 * ioctl on the same vq waits (selftests/guest/kradar-vhost.c: the avail
 * ring lies in userfaultfd memory answered 3 s late).
 *
 *   vhost-uffd   the collector names the lock "vq->mutex (vq 1 of
 *                vhost-net dev N, owner kradar-vhost pid P)", with the
 *                device's owner and worker; the holder is the worker
 *                (pid and comm vhost-P from the console), sleeping in
 *                state S in handle_userfault() (a user fault waits
 *                interruptibly: FAULT_FLAG_INTERRUPTIBLE), called from
 *                handle_tx(); the waiter is the ioctl thread; hold and
 *                wait times are within tolerance of the 3 s delay. In
 *                the same run kradar_test_mutex's static mutex keeps its
 *                own name: no vhost label on a lock that is not vhost's.
 *   vhost-uffd (rt)  the same on Debian's PREEMPT_RT kernel (skipped when
 *                it is not installed): the vq mutex is an rt_mutex there.
 *   vhost-late   the vhost modules are unloaded and loaded again after
 *                the probe: the module notifier disarms and re-arms the
 *                probes; run with vhost_btf=N, the lock is named by its
 *                offset in the vq ("vq 1 of vhost-net dev N +0x8"; +0x10
 *                from 6.4), as on a kernel without BTF.
 *   vhost-killed syzbot's "INFO: task hung in vhost_worker_killed"
 *                (selftests/guest/kradar-vhost-killed.c): the owner is
 *                SIGKILLed while kradar-vq-hold, a task of its mm, holds
 *                vq 1's mutex asleep in handle_userfault(); the owner's
 *                worker waits for it in vhost_worker_killed() for 30 s.
 *                The lock is vq->mutex of vq 1 of the vhost-net device,
 *                the holder kradar-vq-hold (pid, state S, stack), the
 *                waiter the worker, marked as in vhost_worker_killed();
 *                the kernel's hung-task report is on the console (7.x,
 *                not -rt: with its likely owner) and comes after
 *                kradar's first lock record; kradar-report says so
 *                (on -rt the lock is an rt_mutex). Only on kernels
 *                with vhost_worker_killed() (6.10+: KRADAR_KERNEL 6.12,
 *                7.2, their -rt, debug).
 *
 * Output is TAP; without QEMU or the Debian cloud kernel every test is
 * skipped with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "e2e.h"

#define DELAY_MS	3000	/* tools/scenarios/vhost-*: kradar-vhost 3000 */

/* What the tests read back from one lock's lock_contention lines. */
struct vlock {
	int lines, begins, ends;
	char lock[200], holder_comm[32], holder_state[4], holder_in[128];
	char begin_state[4];	/* the holder's state when the wait began */
	char kind[16];
	long long holder_pid;
	double held_max_ms, end_wait_ms;
	bool waiter_seen, stack_has_tx, has_vhost;
	char v_kind[32], v_what[32];
	long long v_vq, v_owner_pid, v_worker_pid;
	char v_owner_comm[32];
};

/*
 * Without BTF for vhost (syzbot's debug configuration) the probe cannot
 * tell which field of the vq a lock is: it names it by vq and offset,
 * "vq 1 of vhost-net dev D +0x10 (owner ...)", vhost what "in_vq" (+0x10
 * is vq->mutex from 6.4). Set per run from its console.
 */
static const char *vq_name = "vq->mutex (vq 1 of vhost-net dev ";
static const char *vq_what = "vq->mutex";

static bool vq_btf(const struct run *r)
{
	bool btf = serial_count(r->dir, "no struct layout from /sys/kernel/btf/vhost",
				NULL, 0) <= 0;

	vq_name = btf ? "vq->mutex (vq 1 of vhost-net dev " :
			"vq 1 of vhost-net dev ";
	vq_what = btf ? "vq->mutex" : "in_vq";
	return btf;
}

/*
 * Read every lock_contention line of @dir/events.jsonl whose lock name
 * starts with @prefix; @waiter: a pid to find among the waiters.
 */
static int read_lock(const char *dir, const char *prefix, long long waiter,
		     struct vlock *v)
{
	char path[PATH_MAX + 32], lock[200], phase[16], pat[64];
	static char line[65536];
	FILE *f;

	memset(v, 0, sizeof(*v));
	v->holder_pid = -1;
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), "\"pid\":%lld,", waiter);
	while (fgets(line, sizeof(line), f)) {
		const char *vh, *w, *we;

		if (!strstr(line, "\"type\":\"lock_contention\"") ||
		    !json_field(line, "lock", lock, sizeof(lock)) ||
		    strncmp(lock, prefix, strlen(prefix)))
			continue;
		v->lines++;
		snprintf(v->lock, sizeof(v->lock), "%s", lock);
		json_field(line, "lock_kind", v->kind, sizeof(v->kind));
		json_field(line, "phase", phase, sizeof(phase));
		if (!strcmp(phase, "begin")) {
			v->begins++;
			json_field(line, "holder_state", v->begin_state,
				   sizeof(v->begin_state));
		}
		if (!strcmp(phase, "end")) {
			v->ends++;
			v->end_wait_ms = json_num(line, "wait_ms", -1);
		}
		if (json_num(line, "held_ms", -1) > v->held_max_ms) {
			v->held_max_ms = json_num(line, "held_ms", -1);
			v->holder_pid = (long long)json_num(line, "holder_pid", -1);
			json_field(line, "holder_comm", v->holder_comm,
				   sizeof(v->holder_comm));
			json_field(line, "holder_state", v->holder_state,
				   sizeof(v->holder_state));
			json_field(line, "holder_in", v->holder_in,
				   sizeof(v->holder_in));
		}
		/* arrays end at "}]" (objects) and "\"]" (strings): frame
		 * names hold brackets of their own, "[vhost]" */
		w = strstr(line, "\"waiters\":[");
		we = w ? strstr(w, "}]") : NULL;
		if (w && we) {
			const char *p = strstr(w, pat);

			if (p && p < we && strstr(p, "\"comm\":\"kradar-vq-wait\"") &&
			    strstr(p, "\"comm\":\"kradar-vq-wait\"") < we)
				v->waiter_seen = true;
		}
		w = strstr(line, "\"holder_stack\":[");
		we = w ? strstr(w, "\"]") : NULL;
		if (w && we) {
			const char *p = strstr(w, "handle_tx+");

			if (p && p < we)
				v->stack_has_tx = true;
		}
		vh = strstr(line, "\"vhost\":{");
		if (vh) {
			v->has_vhost = true;
			json_field(vh, "kind", v->v_kind, sizeof(v->v_kind));
			json_field(vh, "what", v->v_what, sizeof(v->v_what));
			v->v_vq = (long long)json_num(vh, "vq", -1);
			v->v_owner_pid = (long long)json_num(vh, "owner_pid", -1);
			json_field(vh, "owner_comm", v->v_owner_comm,
				   sizeof(v->v_owner_comm));
			v->v_worker_pid = (long long)json_num(vh, "worker_pid", -1);
		}
	}
	fclose(f);
	return 0;
}

/* Whether any lock_contention line carries a vhost object at all. */
static int vhost_objects(const char *dir, const char *prefix)
{
	struct vlock v;

	if (read_lock(dir, prefix, -1, &v))
		return -1;
	return v.has_vhost;
}

/* @rt: on Debian's PREEMPT_RT kernel, where the vq mutex is an rt_mutex */
static void test_vhost_uffd(const char *top, bool rt)
{
	const char *t = rt ? "vhost-uffd (rt)" : "vhost-uffd";
	long long owner, worker, waiter;
	char want[96], comm[32], name[160];
	double got_ms;
	bool btf;
	struct run r;
	struct vlock v;

#define T(s) (snprintf(name, sizeof(name), "%s: %s", t, s), name)
	/* under KRADAR_KERNEL the kernel is the matrix's, rt or not */
	if (run_scenario(top, rt ? "vhost-uffd-rt" : "vhost-uffd",
			 rt && !e2e_kernel() ? "--flavour rt --scenario vhost-uffd" :
			 "--scenario vhost-uffd", NULL, &r)) {
		tap(false, T("run produced events.jsonl"), "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	owner = serial_num(r.dir, "kradar-vhost: owner pid ");
	worker = serial_num(r.dir, ", vhost worker pid ");
	waiter = serial_num(r.dir, "kradar-vhost: waiter tid ");
	got_ms = (double)serial_num(r.dir, "kradar-vhost: waiter got vq 1 after ");
	tap(serial_count(r.dir, "kradar-run: job finished: status 0", NULL, 0) == 1 &&
	    owner > 0 && worker > 0 && waiter > 0,
	    T("the worker held vq->mutex and the ioctl waited"),
	    "expected job status 0 and owner/worker/waiter pids on the console, got %lld/%lld/%lld (see %s/serial.log)",
	    owner, worker, waiter, r.dir);
	btf = vq_btf(&r);
	read_lock(r.dir, vq_name, waiter, &v);
	snprintf(want, sizeof(want), "%s", vq_name);
	tap(v.begins == 1 && !strncmp(v.lock, want, strlen(want)) &&
	    !strcmp(v.v_what, vq_what) && v.v_vq == 1 &&
	    !strcmp(v.v_kind, "vhost-net") &&
	    !strcmp(v.kind, rt ? "rt_mutex" : "mutex"),
	    T("the lock is named vq->mutex of vq 1 (TX) of the vhost-net device"),
	    "expected one episode of '%s...' (%s) with vhost what %s, vq 1, kind vhost-net; got %d begins, '%s' (%s), what '%s', vq %lld, kind '%s'",
	    want, rt ? "rt_mutex" : "mutex", vq_what, v.begins, v.lock, v.kind,
	    v.v_what, v.v_vq, v.v_kind);
	snprintf(want, sizeof(want), "%sowner kradar-vhost pid %lld)",
		 btf ? ", " : " (", owner);
	tap(strstr(v.lock, want) && v.v_owner_pid == owner &&
	    !strcmp(v.v_owner_comm, "kradar-vhost") && v.v_worker_pid == worker,
	    T("the device's owner and worker"),
	    "expected '%s' in the name, owner %lld kradar-vhost, worker %lld; got '%s', owner %lld '%s', worker %lld",
	    want, owner, worker, v.lock, v.v_owner_pid, v.v_owner_comm,
	    v.v_worker_pid);
	snprintf(comm, sizeof(comm), "vhost-%lld", owner);
	tap(v.holder_pid == worker && !strcmp(v.holder_comm, comm),
	    T("the holder is the vhost worker"),
	    "expected holder %s pid %lld, got '%s' pid %lld",
	    comm, worker, v.holder_comm, v.holder_pid);
	/*
	 * The state when the wait was first reported: the last record may
	 * be sampled just as the fault is answered and the worker runs (R).
	 */
	tap(!strcmp(v.begin_state, "S"),
	    T("the worker sleeps interruptibly (S) in the user fault"),
	    "expected holder_state S in the episode's begin record, got '%s' (last record '%s')",
	    v.begin_state, v.holder_state);
	tap(!strncmp(v.holder_in, "handle_userfault+", 17) && v.stack_has_tx,
	    T("the holder's stack: handle_userfault() under handle_tx()"),
	    "expected holder_in handle_userfault and handle_tx in holder_stack, got '%s', handle_tx %s",
	    v.holder_in, v.stack_has_tx ? "found" : "missing");
	tap(v.waiter_seen, T("the waiter is the ioctl thread"),
	    "expected waiter pid %lld comm kradar-vq-wait in waiters", waiter);
	tap(v.held_max_ms >= 1500 && v.held_max_ms <= DELAY_MS + 1000,
	    T("hold time within tolerance of the 3 s fault delay"),
	    "expected 1500 <= held_ms <= %d, got %.1f", DELAY_MS + 1000,
	    v.held_max_ms);
	tap(v.ends == 1 && v.end_wait_ms >= DELAY_MS - 500 &&
	    v.end_wait_ms <= DELAY_MS + 1500,
	    T("the episode's wait within tolerance of the delay"),
	    "expected one end with %d <= wait_ms <= %d, got %d ends, %.1f ms",
	    DELAY_MS - 500, DELAY_MS + 1500, v.ends, v.end_wait_ms);
	printf("# %s: holder %s pid %lld state %s in %s, held >= %.1f ms, wait %.1f ms (ioctl saw %.0f ms)\n",
	       t, v.holder_comm, v.holder_pid, v.holder_state, v.holder_in,
	       v.held_max_ms, v.end_wait_ms, got_ms);

	/* negative control: a lock that is not vhost's keeps its name */
	read_lock(r.dir, "kradar_test_mutex [kradar_test_mutex]", -1, &v);
	tap(v.begins == 1 && !v.has_vhost && !strcmp(v.holder_comm, "kradar_holder"),
	    T("kradar_test_mutex keeps its symbol name, no vhost label"),
	    "expected one 'kradar_test_mutex [kradar_test_mutex]' episode held by kradar_holder without a vhost object, got %d begins, vhost %d, holder '%s'",
	    v.begins, v.has_vhost, v.holder_comm);
	if (!btf)
		skip(T("the probe read the vq layout from BTF"),
		     "the kernel has no BTF for vhost (CONFIG_DEBUG_INFO_BTF off, as in syzbot's debug configuration): locks are named by vq and offset");
	else
		tap(vhost_objects(r.dir, "") == 1 &&
		    serial_count(r.dir, "kradar_probe: vhost: on; from BTF", NULL, 0) == 1,
		    T("the probe read the vq layout from BTF"),
		    "expected 'vhost: on; from BTF' once in %s/serial.log", r.dir);
#undef T
}

/*
 * Where vq->mutex lies in struct vhost_virtqueue: after the dev pointer
 * on 6.1, also after the worker pointer from 6.4 (every kernel of the
 * matrix but 6.1 and 6.1-rt).
 */
static unsigned int vq_mutex_offset(void)
{
	const char *k = e2e_kernel();

	return !k || !strcmp(k, "6.1") || !strcmp(k, "6.1-rt") ? 0x8 : 0x10;
}

static void test_vhost_late(const char *top)
{
	char want[96];
	long long owner;
	struct run r;
	struct vlock v;

	if (run_scenario(top, "vhost-late",
			 "--probe-args vhost_btf=N --scenario vhost-late", NULL, &r)) {
		tap(false, "vhost-late: run produced events.jsonl", "kradar-run exit %d, see %s.log", r.status, r.dir);
		return;
	}
	owner = serial_num(r.dir, "kradar-vhost: owner pid ");
	tap(serial_count(r.dir, "kradar-run: job finished: status 0", NULL, 0) == 1 &&
	    serial_count(r.dir, "kradar_probe: vhost: no struct layout from /sys/kernel/btf/vhost", NULL, 0) == 2,
	    "vhost-late: probes re-armed when vhost loads again, without BTF each time",
	    "expected job status 0 and two 'no struct layout' lines (load, reload) in %s/serial.log",
	    r.dir);
	read_lock(r.dir, "vq ", -1, &v);
	snprintf(want, sizeof(want), "+0x%x (owner kradar-vhost pid %lld)",
		 vq_mutex_offset(), owner);
	tap(v.begins == 1 && !strncmp(v.lock, "vq 1 of vhost-net dev ", 22) &&
	    strstr(v.lock, want) && !strcmp(v.v_what, "in_vq"),
	    "vhost-late: without BTF the lock is named by its offset in vq 1",
	    "expected 'vq 1 of vhost-net dev N %s', what in_vq; got %d begins, '%s', what '%s'",
	    want, v.begins, v.lock, v.v_what);
	tap(vhost_objects(r.dir, "0x") == 0,
	    "vhost-late: no lock left unnamed as an address with a vhost label",
	    "a lock named by address carries a vhost object");
}

/* What vhost-killed reads back from the vq->mutex records. */
struct klock {
	int lines, begins, ends;
	char lock[200], kind[16], holder_comm[32], holder_state[4];
	char holder_in[128], v_what[32], v_kind[32], v_owner_comm[32];
	long long holder_pid, v_vq, v_owner_pid, v_worker_pid, killed_pid;
	long long first_t_ns;		/* the first record's guest time */
	double end_wait_ms;
	bool holder_stack_ioctl, waiter_is_worker, waiter_stack_killed;
};

/* Does the JSON array @key of @line contain @needle (in a string)? */
static bool array_has(const char *line, const char *key, const char *needle)
{
	char pat[64];
	const char *a, *e, *p;

	snprintf(pat, sizeof(pat), "\"%s\":[", key);
	a = strstr(line, pat);
	e = a ? strstr(a, "\"]") : NULL;
	p = a ? strstr(a, needle) : NULL;
	return p && e && p < e;
}

static int read_killed_lock(const char *dir, long long owner,
			    long long worker, struct klock *k)
{
	char path[PATH_MAX + 32], phase[16], pat[64], lockpat[96];
	static char line[65536];
	FILE *f;

	memset(k, 0, sizeof(*k));
	k->holder_pid = k->v_vq = k->v_owner_pid = k->v_worker_pid = -1;
	k->killed_pid = k->first_t_ns = -1;
	snprintf(path, sizeof(path), "%s/events.jsonl", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	snprintf(pat, sizeof(pat), "{\"pid\":%lld,", worker);
	snprintf(lockpat, sizeof(lockpat), "\"lock\":\"%s", vq_name);
	while (fgets(line, sizeof(line), f)) {
		const char *vh, *kl, *w, *we, *p;

		if (!strstr(line, "\"type\":\"lock_contention\"") ||
		    !strstr(line, lockpat))
			continue;
		if (!k->lines++) {
			json_field(line, "lock", k->lock, sizeof(k->lock));
			json_field(line, "lock_kind", k->kind, sizeof(k->kind));
			k->first_t_ns = (long long)json_num(line, "t_ns", -1);
		}
		json_field(line, "phase", phase, sizeof(phase));
		k->begins += !strcmp(phase, "begin");
		if (!strcmp(phase, "end")) {
			k->ends++;
			k->end_wait_ms = json_num(line, "wait_ms", -1);
			continue;	/* no holder, no waiters */
		}
		if (!k->holder_comm[0] && json_num(line, "holder_pid", -1) > 0) {
			k->holder_pid = (long long)json_num(line, "holder_pid", -1);
			json_field(line, "holder_comm", k->holder_comm,
				   sizeof(k->holder_comm));
			json_field(line, "holder_state", k->holder_state,
				   sizeof(k->holder_state));
			json_field(line, "holder_in", k->holder_in,
				   sizeof(k->holder_in));
		}
		k->holder_stack_ioctl |= array_has(line, "holder_stack",
						   "vhost_vring_ioctl+");
		k->waiter_stack_killed |= array_has(line, "waiter_stack",
						    "vhost_worker_killed+");
		w = strstr(line, "\"waiters\":[");
		we = w ? strstr(w, "}]") : NULL;
		p = w ? strstr(w, pat) : NULL;
		if (p && we && p < we) {
			char comm[48];
			const char *c;

			snprintf(comm, sizeof(comm), "\"comm\":\"vhost-%lld\"", owner);
			c = strstr(p, comm);
			k->waiter_is_worker |= c && c < we;
		}
		kl = strstr(line, "\"vhost_worker_killed\":{");
		if (kl)
			k->killed_pid = (long long)json_num(kl, "pid", -1);
		vh = strstr(line, "\"vhost\":{");
		if (vh) {
			json_field(vh, "kind", k->v_kind, sizeof(k->v_kind));
			json_field(vh, "what", k->v_what, sizeof(k->v_what));
			k->v_vq = (long long)json_num(vh, "vq", -1);
			k->v_owner_pid = (long long)json_num(vh, "owner_pid", -1);
			json_field(vh, "owner_comm", k->v_owner_comm,
				   sizeof(k->v_owner_comm));
			k->v_worker_pid = (long long)json_num(vh, "worker_pid", -1);
		}
	}
	fclose(f);
	return 0;
}

/* Kernels of the matrix that have vhost_worker_killed() (6.10+). */
static bool kernel_has_worker_killed(void)
{
	static const char *const k[] = { "6.12", "7.2", "6.12-rt", "7.2-rt", "debug" };
	const char *want = e2e_kernel();
	size_t i;

	for (i = 0; want && i < sizeof(k) / sizeof(k[0]); i++)
		if (!strcmp(want, k[i]))
			return true;
	return false;
}

static void test_vhost_killed(const char *top)
{
	const char *t = "vhost-killed", *kern = e2e_kernel();
	long long owner, worker, holder;
	char want[160], line[4096], name[160], comm[32];
	double hung_s, rec_s, owner_s;
	/* the kernel names a mutex's likely owner from 6.16, not an rt_mutex's */
	bool rt = e2e_kernel_rt(), v7 = kern && kern[0] == '7' && !rt;
	bool btf;
	struct klock k;
	struct run r;
	int n;

#define T(s) (snprintf(name, sizeof(name), "%s: %s", t, s), name)
	if (run_scenario(top, "vhost-killed", "--scenario vhost-killed", NULL, &r)) {
		tap(false, T("run produced events.jsonl"), "kradar-run exit %d, see %s.log",
		    r.status, r.dir);
		return;
	}
	owner = serial_num(r.dir, "kradar-vhost-killed: owner pid ");
	worker = serial_num(r.dir, ", worker pid ");
	holder = serial_num(r.dir, ", holder pid ");
	tap(serial_count(r.dir, "kradar-run: job finished: status 0", NULL, 0) == 1 &&
	    serial_count(r.dir, "kradar-vhost-killed: done: the killed worker waited", NULL, 0) == 1 &&
	    owner > 0 && worker > 0 && holder > 0,
	    T("the killed worker waited for the holder's vq->mutex (guest program)"),
	    "expected job status 0, 'done: the killed worker waited' and owner/worker/holder pids on the console, got %lld/%lld/%lld (see %s/serial.log)",
	    owner, worker, holder, r.dir);
	btf = vq_btf(&r);
	read_killed_lock(r.dir, owner, worker, &k);
	snprintf(want, sizeof(want), "%s", vq_name);
	tap(k.begins == 1 && !strncmp(k.lock, want, strlen(want)) &&
	    !strcmp(k.v_what, vq_what) && k.v_vq == 1 &&
	    !strcmp(k.v_kind, "vhost-net") && !strcmp(k.kind, rt ? "rt_mutex" : "mutex"),
	    T("the lock is named vq->mutex of vq 1 of the vhost-net device"),
	    "expected one episode of '%s...' (%s), vhost what %s, vq 1, kind vhost-net; got %d begins, '%s' (%s), what '%s', vq %lld, kind '%s'",
	    want, rt ? "rt_mutex" : "mutex", vq_what, k.begins, k.lock, k.kind, k.v_what,
	    k.v_vq, k.v_kind);
	snprintf(want, sizeof(want), "%sowner kradar-owner pid %lld)",
		 btf ? ", " : " (", owner);
	tap(strstr(k.lock, want) && k.v_owner_pid == owner &&
	    !strcmp(k.v_owner_comm, "kradar-owner") && k.v_worker_pid == worker,
	    T("the device's owner (killed) and worker"),
	    "expected '%s' in the name, owner %lld kradar-owner, worker %lld; got '%s', owner %lld '%s', worker %lld",
	    want, owner, worker, k.lock, k.v_owner_pid, k.v_owner_comm, k.v_worker_pid);
	tap(k.holder_pid == holder && !strcmp(k.holder_comm, "kradar-vq-hold"),
	    T("the holder is kradar-vq-hold (pid from the console)"),
	    "expected holder kradar-vq-hold pid %lld, got '%s' pid %lld",
	    holder, k.holder_comm, k.holder_pid);
	tap(!strcmp(k.holder_state, "S"),
	    T("the holder sleeps interruptibly (S) in the user fault"),
	    "expected holder_state S, got '%s'", k.holder_state);
	tap(!strncmp(k.holder_in, "handle_userfault+", 17) && k.holder_stack_ioctl,
	    T("the holder's stack: handle_userfault() under vhost_vring_ioctl()"),
	    "expected holder_in handle_userfault+ and vhost_vring_ioctl+ in holder_stack, got '%s', vhost_vring_ioctl %s",
	    k.holder_in, k.holder_stack_ioctl ? "found" : "missing");
	snprintf(comm, sizeof(comm), "vhost-%lld", owner);
	tap(k.waiter_is_worker && k.killed_pid == worker && k.waiter_stack_killed,
	    T("the waiter is the owner's worker, marked as in vhost_worker_killed()"),
	    "expected waiter pid %lld comm %s, vhost_worker_killed pid %lld, vhost_worker_killed+ in waiter_stack; got waiter %s, killed pid %lld, stack %s",
	    worker, comm, worker, k.waiter_is_worker ? "found" : "missing",
	    k.killed_pid, k.waiter_stack_killed ? "found" : "missing");
	tap(k.ends == 1 && k.end_wait_ms >= 25000 && k.end_wait_ms <= 40000,
	    T("the worker waited about the 30 s the fault was held"),
	    "expected one end with 25000 <= wait_ms <= 40000, got %d ends, %.1f ms",
	    k.ends, k.end_wait_ms);

	/* the kernel's own report, and kradar's lead over it */
	snprintf(want, sizeof(want), "INFO: task %s:%lld blocked for more than ", comm, worker);
	hung_s = serial_time(r.dir, want);
	tap(hung_s > 0, T("the kernel's hung-task report on the worker is on the console"),
	    "expected '%s' in %s/serial.log", want, r.dir);
	snprintf(want, sizeof(want), "INFO: task %s:%lld is blocked on a mutex likely owned by task kradar-vq-hold:%lld",
		 comm, worker, holder);
	n = serial_count(r.dir, want, NULL, 0);
	if (v7)
		tap(n >= 1, T("7.x: the kernel names kradar-vq-hold as the likely owner"),
		    "expected '%s' in %s/serial.log", want, r.dir);
	else
		printf("# %s: 'blocked on a mutex likely owned by' lines: %d (CONFIG_DETECT_HUNG_TASK_BLOCKER, 6.16+, not for rt_mutex)\n",
		       t, n);
	rec_s = k.first_t_ns > 0 ? k.first_t_ns / 1e9 : -1;
	tap(rec_s > 0 && hung_s > 0 && rec_s < hung_s,
	    T("kradar's first lock record comes before the kernel's hung-task report"),
	    "expected the first vq->mutex record (guest %.6f s) before the hung-task report (console [%.6f])",
	    rec_s, hung_s);
	owner_s = serial_time(r.dir, "kradar-vhost-killed: killing owner pid ");
	printf("# %s: holder %s pid %lld state %s in %s; waiter %s pid %lld in vhost_worker_killed(); wait %.1f ms\n",
	       t, k.holder_comm, k.holder_pid, k.holder_state, k.holder_in, comm, worker,
	       k.end_wait_ms);
	printf("# %s: owner killed at [%.6f], kradar's first record [%.6f] (+%.2f s), kernel's hung-task report [%.6f] (+%.2f s): kradar %.1f s earlier\n",
	       t, owner_s, rec_s, rec_s - owner_s, hung_s, hung_s - owner_s, hung_s - rec_s);

	/* what kradar-report makes of it */
	snprintf(want, sizeof(want), "The hung task %s:%lld is a vhost worker whose owner was killed",
		 comm, worker);
	n = report_count(top, r.dir, want, line, sizeof(line));
	tap(n == 1 && strstr(line, "kradar-vq-hold:"),
	    T("kradar-report: the hung task is the killed worker, waiting for the holder"),
	    "expected one narrative line '%s ... kradar-vq-hold:%lld', got %d: '%s'",
	    want, holder, n, n > 0 ? line : "");
	n = report_count(top, r.dir, "The probe reported that wait at ", line, sizeof(line));
	tap(n == 1 && strstr(line, " before the kernel's hung-task report"),
	    T("kradar-report: the probe's report came before the kernel's"),
	    "expected one narrative line 'The probe reported that wait at ... before the kernel's hung-task report', got %d: '%s'",
	    n, n > 0 ? line : "");
	n = report_count(top, r.dir, "console:  INFO: task hung in vhost_worker_killed", NULL, 0);
	tap(n == 1, T("kradar-report: the console's title is syzbot's"),
	    "expected 'console:  INFO: task hung in vhost_worker_killed' in kradar-report %s",
	    r.dir);
#undef T
}

int main(int argc, char **argv)
{
	static const char *names[] = { "vhost-uffd", "vhost-late",
				       "vhost-uffd (rt)", "vhost-killed" };
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);
	unsigned int i;

	if (why) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], why);
		e2e_done();
		return *why == '!' ? 2 : 0;
	}
	if (e2e_kernel()) {
		/* the kernel matrix: one kernel, cloud or PREEMPT_RT */
		test_vhost_uffd(top, e2e_kernel_rt());
		test_vhost_late(top);
		skip("vhost-uffd (rt)", "the kernel matrix runs each kernel on its own (KRADAR_KERNEL)");
		if (kernel_has_worker_killed())
			test_vhost_killed(top);
		else
			skip("vhost-killed", "vhost_worker_killed() exists from 6.10");
	} else {
		test_vhost_uffd(top, false);
		test_vhost_late(top);
		if (system("ls /boot/vmlinuz-*-rt-amd64 >/dev/null 2>&1"))
			skip("vhost-uffd (rt)", "no Debian PREEMPT_RT kernel in /boot (linux-image-rt-amd64)");
		else
			test_vhost_uffd(top, true);
		skip("vhost-killed", "vhost_worker_killed() exists from 6.10");
	}
	return e2e_done();
}
