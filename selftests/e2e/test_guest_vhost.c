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
 *                offset in the vq ("vq 1 of vhost-net dev N +0x8"), as
 *                on a kernel without BTF.
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
	char kind[16];
	long long holder_pid;
	double held_max_ms, end_wait_ms;
	bool waiter_seen, stack_has_tx, has_vhost;
	char v_kind[32], v_what[32];
	long long v_vq, v_owner_pid, v_worker_pid;
	char v_owner_comm[32];
};

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
		v->begins += !strcmp(phase, "begin");
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
	read_lock(r.dir, "vq->mutex (", waiter, &v);
	snprintf(want, sizeof(want), "vq->mutex (vq 1 of vhost-net dev ");
	tap(v.begins == 1 && !strncmp(v.lock, want, strlen(want)) &&
	    !strcmp(v.v_what, "vq->mutex") && v.v_vq == 1 &&
	    !strcmp(v.v_kind, "vhost-net") &&
	    !strcmp(v.kind, rt ? "rt_mutex" : "mutex"),
	    T("the lock is named vq->mutex of vq 1 (TX) of the vhost-net device"),
	    "expected one episode of '%s...' (%s) with vhost what vq->mutex, vq 1, kind vhost-net; got %d begins, '%s' (%s), what '%s', vq %lld, kind '%s'",
	    want, rt ? "rt_mutex" : "mutex", v.begins, v.lock, v.kind,
	    v.v_what, v.v_vq, v.v_kind);
	snprintf(want, sizeof(want), ", owner kradar-vhost pid %lld)", owner);
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
	tap(!strcmp(v.holder_state, "S"),
	    T("the worker sleeps interruptibly (S) in the user fault"),
	    "expected holder_state S, got '%s'", v.holder_state);
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
	tap(vhost_objects(r.dir, "") == 1 &&
	    serial_count(r.dir, "kradar_probe: vhost: on; from BTF", NULL, 0) == 1,
	    T("the probe read the vq layout from BTF"),
	    "expected 'vhost: on; from BTF' once in %s/serial.log", r.dir);
#undef T
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
	snprintf(want, sizeof(want), "+0x8 (owner kradar-vhost pid %lld)", owner);
	tap(v.begins == 1 && !strncmp(v.lock, "vq 1 of vhost-net dev ", 22) &&
	    strstr(v.lock, want) && !strcmp(v.v_what, "in_vq"),
	    "vhost-late: without BTF the lock is named by its offset in vq 1",
	    "expected 'vq 1 of vhost-net dev N %s', what in_vq; got %d begins, '%s', what '%s'",
	    want, v.begins, v.lock, v.v_what);
	tap(vhost_objects(r.dir, "0x") == 0,
	    "vhost-late: no lock left unnamed as an address with a vhost label",
	    "a lock named by address carries a vhost object");
}

int main(int argc, char **argv)
{
	static const char *names[] = { "vhost-uffd", "vhost-late",
				       "vhost-uffd (rt)" };
	char top[PATH_MAX];
	const char *why = guest_setup(argc, argv, top);
	unsigned int i;

	if (why) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			skip(names[i], why);
		printf("1..%d\n", test_nr);
		return *why == '!' ? 2 : 0;
	}
	if (e2e_kernel()) {
		/* the kernel matrix: one kernel, cloud or PREEMPT_RT */
		test_vhost_uffd(top, e2e_kernel_rt());
		test_vhost_late(top);
		skip("vhost-uffd (rt)", "the kernel matrix runs each kernel on its own (KRADAR_KERNEL)");
	} else {
		test_vhost_uffd(top, false);
		test_vhost_late(top);
		if (system("ls /boot/vmlinuz-*-rt-amd64 >/dev/null 2>&1"))
			skip("vhost-uffd (rt)", "no Debian PREEMPT_RT kernel in /boot (linux-image-rt-amd64)");
		else
			test_vhost_uffd(top, true);
	}
	printf("1..%d\n", test_nr);
	return failures ? 1 : 0;
}
