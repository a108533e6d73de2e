// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-vhost-killed: syzbot's "INFO: task hung in vhost_worker_killed"
 * (a9528028ab4ca83e8bac), for real. From 6.10 the vhost worker of a
 * SIGKILLed owner (a vhost_task, a thread of the owner's thread group)
 * runs vhost_worker_killed(), which takes worker->mutex and then every
 * vq->mutex of the device. When another task holds a vq->mutex and is
 * itself blocked, the killed worker waits in D state until the kernel's
 * hung-task detector reports it.
 *
 * The processes:
 *   P0  this program ("kradar-vhost-ki"): a child subreaper, so it reaps
 *       everything; it kills the owner and watches the worker.
 *   O   the owner ("kradar-owner"): opens /dev/vhost-net, VHOST_SET_OWNER
 *       (its worker is the thread "vhost-O"), creates a userfaultfd, maps
 *       two pages and registers the second one (MISSING); then it forks
 *       U and clones H, and waits to be killed.
 *   U   the fault server ("kradar-uffd", forked: the uffd's mm stays O's):
 *       reads H's fault and answers it (UFFDIO_ZEROPAGE) only when P0
 *       says so, HOLD seconds after the kill.
 *   H   the holder ("kradar-vq-hold", clone(CLONE_VM): O's mm, so
 *       vhost_dev_check_owner() lets it in, but a thread group of its
 *       own, so killing O does not kill it): VHOST_SET_VRING_BASE with
 *       the struct vhost_vring_state 4 bytes before the end of page 1.
 *       vhost_vring_ioctl() reads the index from page 1
 *       (vhost_get_vq_from_user()), takes vq->mutex of vq 1, and its
 *       copy_from_user() of the whole struct faults on page 2: H sleeps
 *       in handle_userfault() (state S) holding dev->mutex and vq 1's
 *       mutex (same code on 6.12 and 7.2).
 * P0 waits until H sleeps in handle_userfault, lowers
 * /proc/sys/kernel/hung_task_timeout_secs to TIMEOUT and kills O. O's
 * worker takes vq 0's mutex, then waits for vq 1's in
 * vhost_worker_killed() in D state; P0 samples its state and wchan
 * (and watches /dev/kmsg for the kernel's hung-task report) for HOLD
 * seconds, then lets U answer: H's ioctl completes, the worker gets the
 * mutex and exits, and P0 reaps O, H and U and restores the timeout.
 *
 * The pids a test needs go to the kernel log (/dev/kmsg, else stdout):
 *   kradar-vhost-killed: owner pid O, worker pid W, holder pid H, uffd pid U
 *   kradar-vhost-killed: holder pid H sleeps in handle_userfault holding vq 1's mutex
 *   kradar-vhost-killed: killing owner pid O; hung_task_timeout_secs T, answer in S s
 *   kradar-vhost-killed: kernel hung-task report on worker pid W N.N s after the kill
 *   kradar-vhost-killed: worker pid W waited in D in vhost_worker_killed for N.N s (K of M samples)
 *   kradar-vhost-killed: holder's VHOST_SET_VRING_BASE returned 0 after N ms
 *   kradar-vhost-killed: done
 *
 *   kradar-vhost-killed [HOLD_S [TIMEOUT_S]]   (defaults 30 10)
 *
 * Exit status: 0 when the scenario happened (H slept in the fault
 * holding the mutex, the killed worker waited in D in
 * vhost_worker_killed for at least half of HOLD, H's ioctl then
 * succeeded, everyone was reaped); 1 when it did not; 2 when the setup
 * failed (no vhost-net, no userfaultfd, no vhost_worker_killed(): a
 * kernel older than 6.10).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <linux/vhost.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG		"kradar-vhost-killed"
#define VQ		1	/* the vq whose mutex H holds (TX of vhost-net) */
#define HOLD_S		30
#define TIMEOUT_S	10
#define SETUP_MS	30000	/* pids, fault, holder asleep: by then */
#define REAP_MS		60000	/* after the answer, everyone gone by then */
#define SAMPLE_MS	250
#define HUNG_SYSCTL	"/proc/sys/kernel/hung_task_timeout_secs"
#define H_STACK		(64 * 1024)

static int kmsg = -1;
static int rep[2] = { -1, -1 };	/* children -> P0: one line a message */
static int go[2] = { -1, -1 };	/* P0 -> U: answer the fault now */
static int vhost_fd = -1, uffd = -1;
static char *pages;
static long page;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void __attribute__((format(printf, 1, 2))) say(const char *fmt, ...)
{
	char buf[320];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n >= (int)sizeof(buf))
		n = sizeof(buf) - 1;
	if (kmsg < 0 || write(kmsg, buf, n) != n) {
		if (write(STDOUT_FILENO, buf, n) != n)
			return;
	}
}

/* A child's line to P0 (atomic: shorter than PIPE_BUF). */
static void __attribute__((format(printf, 1, 2))) tell(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0 && n < (int)sizeof(buf) && write(rep[1], buf, n) != n)
		say(PROG ": cannot report to the driver: %s\n", strerror(errno));
}

static void die(int status, const char *what)
{
	int e = errno;

	say(PROG ": %s: %s\n", what, strerror(e));
	if (rep[1] >= 0)
		tell("fail %d %s: %s\n", status, what, strerror(e));
	exit(status);
}

/* First line of a /proc file, without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, buf, len - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* The state letter of task @pid (/proc/PID/stat), '?' when gone. */
static char task_state(long pid)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	read_line(path, buf, sizeof(buf));
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] ? p[2] : '?';
}

/* Does task @pid sleep in @fn: its wchan, else a frame of its stack? */
static bool task_in(long pid, const char *fn, char *wchan, size_t len)
{
	char path[64], buf[4096];
	size_t fl = strlen(fn);
	const char *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%ld/wchan", pid);
	read_line(path, wchan, len);
	if (!strcmp(wchan, fn))
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/stack", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	for (p = buf; (p = strstr(p, fn)); p += fl)
		if (p > buf && p[-1] == ' ' && p[fl] == '+')
			return true;
	return false;
}

/* Is vhost_worker_killed() in the kernel (the vhost module is loaded)? */
static int have_worker_killed(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -1;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " vhost_worker_killed\t") ||
			strstr(line, " vhost_worker_killed\n");
	fclose(f);
	return found;
}

/* The thread "vhost-@owner" of @owner's thread group (a vhost_task). */
static long find_worker(pid_t owner)
{
	char want[32], path[300], comm[32];
	struct dirent *de;
	long found = 0;
	DIR *d;

	snprintf(want, sizeof(want), "vhost-%d", owner);
	snprintf(path, sizeof(path), "/proc/%d/task", owner);
	d = opendir(path);
	while (d && !found && (de = readdir(d))) {
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", owner,
			 de->d_name);
		read_line(path, comm, sizeof(comm));
		if (!strcmp(comm, want))
			found = strtol(de->d_name, NULL, 10);
	}
	if (d)
		closedir(d);
	return found;
}

/* U: answer H's fault on page 2, when P0 says so. */
static void uffd_server(void)
{
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct uffdio_zeropage zp;
	struct uffd_msg msg;
	char c;
	int n;

	prctl(PR_SET_NAME, "kradar-uffd");
	close(vhost_fd);
	close(rep[0]);
	close(go[1]);
	n = poll(&pfd, 1, SETUP_MS);
	if (n <= 0 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		if (!n)
			errno = ETIMEDOUT;
		die(1, "uffd server: no page fault from the holder");
	}
	tell("fault 0x%llx\n", (unsigned long long)msg.arg.pagefault.address);
	/* P0 says when; if it is gone (EOF, or no word), answer anyway */
	pfd.fd = go[0];
	n = poll(&pfd, 1, 600 * 1000);
	if (n > 0 && read(go[0], &c, 1) < 0)
		say(PROG ": uffd server: %s\n", strerror(errno));
	memset(&zp, 0, sizeof(zp));
	zp.range.start = (uintptr_t)(pages + page);
	zp.range.len = page;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zp) && errno != EEXIST)
		die(1, "uffd server: UFFDIO_ZEROPAGE");
	tell("answered\n");
	exit(0);
}

/* H: hold vq 1's mutex while faulting on page 2 (O's mm, own group). */
static int holder(void *arg)
{
	uint32_t *idx = (uint32_t *)(pages + page) - 1;
	double t0;
	long r;

	prctl(PR_SET_NAME, "kradar-vq-hold");
	*idx = VQ;	/* index: the last 4 bytes of page 1, present */
	t0 = now_ms();
	r = syscall(SYS_ioctl, vhost_fd, VHOST_SET_VRING_BASE, idx);
	tell("ioctl %ld %d %.0f\n", r, r ? errno : 0, now_ms() - t0);
	syscall(SYS_exit, 0);
	return 0;
}

/* O: the device's owner; never returns (killed by P0). */
static void owner(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	pid_t me = getpid(), u;
	long worker, h;
	char *stack;

	prctl(PR_SET_NAME, "kradar-owner");
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	close(rep[0]);
	page = sysconf(_SC_PAGESIZE);
	vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (vhost_fd < 0)
		die(2, "open /dev/vhost-net (load vhost_net)");
	if (ioctl(vhost_fd, VHOST_SET_OWNER))
		die(2, "VHOST_SET_OWNER");
	worker = find_worker(me);
	if (!worker) {
		errno = ESRCH;
		die(2, "no worker thread vhost-OWNER in the owner's thread group (vhost_task, 6.4+; 7.x: fork_from_owner_default=Y)");
	}
	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		die(2, "userfaultfd (CONFIG_USERFAULTFD, and root for kernel faults)");
	if (ioctl(uffd, UFFDIO_API, &api))
		die(2, "UFFDIO_API");
	pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	stack = mmap(NULL, H_STACK, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (pages == MAP_FAILED || stack == MAP_FAILED)
		die(2, "mmap");
	memset(pages, 0, page);	/* page 1 present, page 2 never */
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)(pages + page);
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die(2, "UFFDIO_REGISTER");

	u = fork();
	if (u < 0)
		die(2, "fork");
	if (!u)
		uffd_server();
	/* only U hears from P0: EOF on go tells it P0 is gone */
	close(go[0]);
	close(go[1]);
	h = clone(holder, stack + H_STACK, CLONE_VM | SIGCHLD, NULL);
	if (h < 0)
		die(2, "clone");
	tell("pids %d %ld %ld %d\n", me, worker, h, u);
	for (;;)
		pause();
}

/* P0's view of the children's lines. */
struct msgs {
	char buf[1024];
	size_t len;
	long worker, holder, uffd;
	unsigned long long fault;
	bool answered, ioctl_done;
	long ioctl_r;
	int ioctl_err, fail;
	double ioctl_ms;
};

static void parse(struct msgs *m, const char *l)
{
	long o;

	if (sscanf(l, "pids %ld %ld %ld %ld", &o, &m->worker, &m->holder,
		   &m->uffd) == 4)
		return;
	if (sscanf(l, "fault %llx", &m->fault) == 1)
		return;
	if (!strcmp(l, "answered")) {
		m->answered = true;
	} else if (sscanf(l, "ioctl %ld %d %lf", &m->ioctl_r, &m->ioctl_err,
			  &m->ioctl_ms) == 3) {
		m->ioctl_done = true;
	} else if (sscanf(l, "fail %d", &m->fail) == 1) {
		/* the child said why on the console */
	}
}

/* Read what has come (wait up to @ms for something). */
static void pump(struct msgs *m, int ms)
{
	struct pollfd pfd = { .fd = rep[0], .events = POLLIN };
	char *nl;
	ssize_t n;

	if (poll(&pfd, 1, ms) <= 0)
		return;
	n = read(rep[0], m->buf + m->len, sizeof(m->buf) - 1 - m->len);
	if (n <= 0) {
		/* every child gone (EOF): do not spin */
		usleep(ms * 1000);
		return;
	}
	m->len += n;
	m->buf[m->len] = '\0';
	while ((nl = strchr(m->buf, '\n'))) {
		*nl = '\0';
		parse(m, m->buf);
		m->len -= nl + 1 - m->buf;
		memmove(m->buf, nl + 1, m->len + 1);
	}
	if (m->len == sizeof(m->buf) - 1)
		m->len = 0;
}

/*
 * New /dev/kmsg records (@fd non-blocking): the printk time (us) of this
 * program's kill line into @kill_us and of the kernel's hung-task report
 * on @worker into @hung_us, each when first seen.
 */
static void scan_kmsg(int fd, long worker, unsigned long long *kill_us,
		      unsigned long long *hung_us)
{
	char rec[2048], want[32];
	unsigned long long us;
	ssize_t n;

	snprintf(want, sizeof(want), ":%ld blocked for more than", worker);
	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overwritten: go on with the next */
		if (n <= 0)
			return;
		rec[n] = '\0';
		if (sscanf(rec, "%*u,%*u,%llu", &us) != 1)
			continue;
		if (!*kill_us && strstr(rec, PROG ": killing owner pid"))
			*kill_us = us;
		if (!*hung_us && strstr(rec, "INFO: task vhost-") &&
		    strstr(rec, want))
			*hung_us = us;
	}
}

static int write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

static long arg(int argc, char **argv, int i, long dflt, long min, long max)
{
	char *end;
	long v;

	if (argc <= i)
		return dflt;
	errno = 0;
	v = strtol(argv[i], &end, 10);
	if (errno || *end || v < min || v > max) {
		fprintf(stderr, "usage: " PROG " [HOLD_S [TIMEOUT_S]]  (HOLD_S %d..600, default %d; TIMEOUT_S 1..300, default %d)\n",
			4, HOLD_S, TIMEOUT_S);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	long hold_s = arg(argc, argv, 1, HOLD_S, 4, 600);
	long timeout_s = arg(argc, argv, 2, TIMEOUT_S, 1, 300);
	char old_timeout[32], val[32], wchan[64], hwchan[64];
	unsigned long long hung_us = 0, kill_us = 0;
	struct msgs m = { .worker = 0 };
	int samples = 0, in_killed = 0, status, kr = -1, have;
	double t, t_kill, end, d_first = -1, d_last = -1, o_reaped = -1;
	bool holder_asleep = false, ok;
	pid_t o, p;
	int left;

	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	prctl(PR_SET_NAME, "kradar-vhost-ki");
	if (prctl(PR_SET_CHILD_SUBREAPER, 1))
		die(2, "PR_SET_CHILD_SUBREAPER");
	have = have_worker_killed();
	if (have <= 0) {
		struct utsname u;

		uname(&u);
		say(PROG ": no vhost_worker_killed() in kernel %s (%s): it exists from 6.10, and the vhost module must be loaded\n",
		    u.release, have < 0 ? "no /proc/kallsyms" : "not in /proc/kallsyms");
		return 2;
	}
	read_line(HUNG_SYSCTL, old_timeout, sizeof(old_timeout));
	if (!old_timeout[0]) {
		errno = ENOENT;
		die(2, HUNG_SYSCTL " (CONFIG_DETECT_HUNG_TASK)");
	}
	if (pipe2(rep, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		die(2, "pipe");
	o = fork();
	if (o < 0)
		die(2, "fork");
	if (!o)
		owner();
	close(rep[1]);
	close(go[0]);

	/* the pids, the holder's fault, the holder asleep in it */
	end = now_ms() + SETUP_MS;
	while (now_ms() < end && !m.fail && !holder_asleep) {
		pump(&m, 100);
		if (m.holder && m.fault && task_state(m.holder) == 'S')
			holder_asleep = task_in(m.holder, "handle_userfault",
						hwchan, sizeof(hwchan));
	}
	if (m.worker)
		say(PROG ": owner pid %d, worker pid %ld, holder pid %ld, uffd pid %ld\n",
		    o, m.worker, m.holder, m.uffd);
	if (!holder_asleep) {
		say(PROG ": the holder did not sleep in handle_userfault (fault 0x%llx, wchan '%s'%s)\n",
		    m.fault, m.holder ? hwchan : "-",
		    m.fail ? ", a child failed" : "");
		kill(o, SIGKILL);
		status = m.fail == 2 ? 2 : 1;
		goto reap;
	}
	say(PROG ": holder pid %ld sleeps in handle_userfault holding vq %d's mutex (fault at 0x%llx, state S)\n",
	    m.holder, VQ, m.fault);

	snprintf(val, sizeof(val), "%ld", timeout_s);
	if (write_sysctl(HUNG_SYSCTL, val))
		say(PROG ": cannot set " HUNG_SYSCTL " to %s: %s\n", val,
		    strerror(errno));
	kr = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kr >= 0)
		lseek(kr, 0, SEEK_END);
	say(PROG ": killing owner pid %d; hung_task_timeout_secs %ld, the holder's fault answered in %ld s\n",
	    o, timeout_s, hold_s);
	t_kill = now_ms();
	kill(o, SIGKILL);

	/* the worker in vhost_worker_killed(), waiting for vq->mutex */
	end = t_kill + hold_s * 1000.0;
	while ((t = now_ms()) < end) {
		char st = task_state(m.worker);

		samples++;
		if (st == 'D' && task_in(m.worker, "vhost_worker_killed", wchan,
					 sizeof(wchan))) {
			in_killed++;
			if (d_first < 0)
				d_first = t;
			d_last = t;
		}
		if (kr >= 0 && !hung_us) {
			scan_kmsg(kr, m.worker, &kill_us, &hung_us);
			if (hung_us && kill_us)
				say(PROG ": kernel hung-task report on worker pid %ld %.1f s after the kill\n",
				    m.worker, (hung_us - (double)kill_us) / 1e6);
			else if (hung_us)
				say(PROG ": kernel hung-task report on worker pid %ld\n",
				    m.worker);
		}
		pump(&m, SAMPLE_MS);
	}
	say(PROG ": worker pid %ld waited in D in vhost_worker_killed for %.1f s (%d of %d samples)%s\n",
	    m.worker, d_first < 0 ? 0 : (d_last - d_first) / 1e3, in_killed,
	    samples, hung_us ? "" : "; no kernel hung-task report seen");
	status = in_killed && d_last - d_first >= hold_s * 500.0 ? 0 : 1;
	if (write(go[1], "g", 1) != 1)
		say(PROG ": cannot wake the uffd server: %s\n", strerror(errno));

reap:
	close(go[1]);
	left = 3;		/* O, H, U (at most) */
	end = now_ms() + REAP_MS;
	t = now_ms();
	while (left > 0 && now_ms() < end) {
		p = waitpid(-1, NULL, WNOHANG);
		if (p > 0) {
			if (p == o)
				o_reaped = now_ms() - t;
			left--;
			continue;
		}
		if (p < 0 && errno == ECHILD)
			break;
		pump(&m, 100);
	}
	pump(&m, 0);
	if (kr >= 0)
		close(kr);
	if (write_sysctl(HUNG_SYSCTL, old_timeout))
		say(PROG ": cannot restore " HUNG_SYSCTL ": %s\n",
		    strerror(errno));
	if (!holder_asleep)
		return status;
	ok = m.ioctl_done && !m.ioctl_r && o_reaped >= 0;
	say(PROG ": holder's VHOST_SET_VRING_BASE returned %ld%s%s after %.0f ms; the owner (its worker gone) reaped %.0f ms after the answer\n",
	    m.ioctl_done ? m.ioctl_r : -1, m.ioctl_err ? ": " : "",
	    m.ioctl_err ? strerror(m.ioctl_err) : "", m.ioctl_ms, o_reaped);
	if (left > 0 && waitpid(-1, NULL, WNOHANG) >= 0) {
		say(PROG ": not everyone exited within %d s of the answer\n",
		    REAP_MS / 1000);
		ok = false;
	}
	say(PROG ": done: %s\n", status || !ok ? "the scenario did not happen" :
	    "the killed worker waited for the holder's vq->mutex");
	return status ? status : ok ? 0 : 1;
}
