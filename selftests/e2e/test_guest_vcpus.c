// SPDX-License-Identifier: GPL-2.0
/*
 * Guest tests of kradar-run's timeout capture (kradar-vcpus through
 * QEMU's QMP socket, Documentation/runner.rst "Frozen guests"):
 *
 *   sleep 1000 with --timeout 30   the guest does not power off in time:
 *                                  vcpus.txt exists, run-events.txt says
 *                                  "vcpus captured", both vCPUs are idle,
 *                                  named by symbol (native_safe_halt,
 *                                  do_idle on the stack), and the
 *                                  runner's note repeats the verdicts;
 *   a shell busy loop              one vCPU runs user code, the other is
 *                                  idle;
 *   true (negative control)        the guest powers off: no capture.
 *
 * The first run may boot the kernel once more for its symbol list
 * (cached in build/kallsyms/). About 2 minutes under TCG. TAP; skipped
 * when guests cannot run here.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "e2e.h"
#include "file.h"

static char top[PATH_MAX];

/* The whole of a file, "" when absent; valid for 3 more calls. */
static const char *slurp(const char *dir, const char *name)
{
	static char *buf[4];
	static int i;
	char path[PATH_MAX + 64];

	i = (i + 1) % 4;
	free(buf[i]);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf[i] = kradar_file_read(path, 0, NULL);
	return buf[i] ? buf[i] : "";
}

/* Run kradar-run with @args into runs/test-vcpus-@name; its exit status. */
static int run(const char *name, const char *args, char *dir, size_t dirlen)
{
	char cmd[PATH_MAX * 3];
	int st;

	snprintf(dir, dirlen, "%s/runs/test-vcpus-%s", top, name);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s' && '%s/tools/kradar-run' %s --out '%s' >'%s.out' 2>&1",
		 dir, dir, top, args, dir, dir);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !stat(path, &st);
}

/*
 * vcpus.txt calls vCPU @cpu idle: halted in every sample ("is idle:"),
 * or in most of them ("is idle in K of N samples"): an idle CPU still
 * wakes for its timers now and then, and a sample may land there.
 */
static bool mostly_idle(const char *v, int cpu)
{
	char pat[48];
	const char *p;
	int k, n;

	snprintf(pat, sizeof(pat), "\nvCPU %d is idle", cpu);
	p = strstr(v, pat);
	if (!p)
		return false;
	p += strlen(pat);
	if (!strncmp(p, ": halted with interrupts on", 27))
		return true;
	return sscanf(p, " in %d of %d samples", &k, &n) == 2 && n > 0 &&
	       2 * k > n;
}

int main(int argc, char **argv)
{
	const char *why = guest_setup(argc, argv, top);
	char dir[PATH_MAX + 64], outname[PATH_MAX + 96];
	const char *v, *ev, *out;
	int rc;

	if (why) {
		skip("vcpus: idle guest at the timeout", why);
		skip("vcpus: busy loop at the timeout", why);
		skip("vcpus: a guest that powers off is not sampled", why);
		e2e_done();
		return 0;
	}

	rc = run("idle", "--cmd 'sleep 1000' --timeout 30", dir, sizeof(dir));
	v = slurp(dir, "vcpus.txt");
	ev = slurp(dir, "run-events.txt");
	snprintf(outname, sizeof(outname), "%s.out", dir);
	out = slurp("/", outname);
	tap(rc >= 0 && rc <= 1 && exists(dir, "vcpus.txt") && strstr(ev, " timeout\n") &&
	    strstr(ev, " vcpus captured\n"),
	    "vcpus: a guest that does not power off is sampled before it is killed",
	    "kradar-run exit %d, vcpus.txt %s, run-events.txt:\n%s", rc,
	    exists(dir, "vcpus.txt") ? "present" : "absent", ev);
	tap(mostly_idle(v, 0) && mostly_idle(v, 1),
	    "vcpus: sleep 1000: both vCPUs idle (halted in most samples)",
	    "vcpus.txt:\n%.1500s", v);
	tap(strstr(v, "symbols: ") && !strstr(v, "symbols: none") &&
	    strstr(v, "native_safe_halt+0x") && strstr(v, "? do_idle+0x"),
	    "vcpus: addresses named through the cached symbol list and the KASLR offset",
	    "vcpus.txt:\n%.2000s", v);
	tap(strstr(out, "kradar-run:   vCPU 0 is idle") != NULL,
	    "vcpus: the runner's note repeats the verdicts", "kradar-run output:\n%.3000s", out);

	rc = run("busy", "--cmd 'while :; do :; done' --timeout 30", dir, sizeof(dir));
	v = slurp(dir, "vcpus.txt");
	tap(rc >= 0 && rc <= 1 && strstr(v, "user mode") && strstr(v, " is idle"),
	    "vcpus: busy loop: one vCPU in user code, the other idle",
	    "kradar-run exit %d, vcpus.txt:\n%.1500s", rc, v);

	rc = run("true", "--cmd true --timeout 120", dir, sizeof(dir));
	ev = slurp(dir, "run-events.txt");
	tap(rc >= 0 && rc <= 1 && !exists(dir, "vcpus.txt") && !strstr(ev, "vcpus") &&
	    strstr(ev, "qemu exited"),
	    "vcpus: a guest that powers off is not sampled",
	    "kradar-run exit %d, vcpus.txt %s, run-events.txt:\n%s", rc,
	    exists(dir, "vcpus.txt") ? "present" : "absent", ev);

	return e2e_done();
}
