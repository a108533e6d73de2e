// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-vhost: makes the vhost-net worker hold a vq->mutex for seconds
 * while another thread's ioctl on the same virtqueue waits for it, the
 * shape of the vhost hangs syzbot reports (vq->mutex held across
 * user-memory access).
 *
 * It opens /dev/vhost-net, becomes its owner, gives it a memory table
 * and sets up the TX virtqueue (vq 1) with descriptors and the used ring
 * in ordinary memory but the avail ring in a page registered with
 * userfaultfd and never populated, and an AF_PACKET raw socket as the
 * backend. The worker's handle_tx() takes vq->mutex, reads avail->idx
 * and faults; the fault waits in handle_userfault() for this program.
 * Its fault thread answers only after DELAY ms (UFFDIO_ZEROPAGE). Meanwhile
 * the thread "kradar-vq-wait" calls VHOST_GET_VRING_BASE on vq 1, which
 * takes the device's mutex and then waits for vq->mutex.
 *
 * The pids a test needs go to the kernel log (/dev/kmsg, else stdout):
 *   kradar-vhost: owner pid P, vhost worker pid W
 *   kradar-vhost: waiter tid T calls VHOST_GET_VRING_BASE on vq 1
 *   kradar-vhost: worker faulted on the avail ring, answering in D ms
 *   kradar-vhost: waiter got vq 1 after N ms
 *
 *   kradar-vhost [DELAY_MS]        (default 3000, 100..60000)
 *
 * Exit status: 0 when the waiter had to wait, 1 when it did not (the
 * scenario did not happen), 2 when the setup failed (no vhost-net, no
 * userfaultfd).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/userfaultfd.h>
#include <linux/vhost.h>
#include <linux/virtio_ring.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define VQ_TX		1	/* VHOST_NET_VQ_TX */
#define VQ_NUM		64	/* ring entries */
#define MEM_BYTES	(64 * 1024)	/* the "guest memory" */
#define DELAY_MS	3000
#define WAIT_FAULT_MS	20000	/* the worker must fault by then */

static int vhost_fd = -1, uffd = -1, kmsg = -1;
static long page;
static void *avail_page;
static unsigned int delay_ms = DELAY_MS;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int faulted;		/* under mu */
static int fault_err;
static double waited_ms = -1;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void say(const char *fmt, ...)
{
	char buf[256];
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
		fputs(buf, stdout);
		fflush(stdout);
	}
}

static void die(int status, const char *what)
{
	say("kradar-vhost: %s: %s\n", what, strerror(errno));
	exit(status);
}

/* The thread named "vhost-OWNER": the device's worker, before and after 6.4. */
static long find_worker(pid_t owner)
{
	char want[32], path[64], comm[32];
	struct dirent *de;
	long found = 0;
	DIR *d;

	snprintf(want, sizeof(want), "vhost-%d\n", owner);
	d = opendir("/proc");
	if (!d)
		return 0;
	while ((de = readdir(d)) && !found) {
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			found = strtol(de->d_name, NULL, 10);
		fclose(f);
	}
	closedir(d);
	if (found)
		return found;
	/* a vhost_task (6.4+) is a thread of the owner */
	snprintf(path, sizeof(path), "/proc/%d/task", owner);
	d = opendir(path);
	while (d && (de = readdir(d)) && !found) {
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/comm", owner,
			 de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			found = strtol(de->d_name, NULL, 10);
		fclose(f);
	}
	if (d)
		closedir(d);
	return found;
}

/* Answers the worker's fault on the avail ring DELAY ms late. */
static void *fault_thread(void *arg)
{
	struct uffdio_zeropage zp;
	struct uffd_msg msg;
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	struct timespec ts = { delay_ms / 1000, (delay_ms % 1000) * 1000000L };
	int n;

	prctl(PR_SET_NAME, "kradar-uffd");
	n = poll(&pfd, 1, WAIT_FAULT_MS);
	if (n <= 0 || read(uffd, &msg, sizeof(msg)) != sizeof(msg) ||
	    msg.event != UFFD_EVENT_PAGEFAULT) {
		pthread_mutex_lock(&mu);
		fault_err = n == 0 ? ETIMEDOUT : errno ? errno : EPROTO;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		return NULL;
	}
	say("kradar-vhost: worker faulted on the avail ring at 0x%llx, answering in %u ms\n",
	    (unsigned long long)msg.arg.pagefault.address, delay_ms);
	pthread_mutex_lock(&mu);
	faulted = 1;
	pthread_cond_broadcast(&cv);
	pthread_mutex_unlock(&mu);
	nanosleep(&ts, NULL);
	memset(&zp, 0, sizeof(zp));
	zp.range.start = (uintptr_t)avail_page;
	zp.range.len = page;
	if (ioctl(uffd, UFFDIO_ZEROPAGE, &zp) && errno != EEXIST)
		say("kradar-vhost: UFFDIO_ZEROPAGE: %s\n", strerror(errno));
	return NULL;
}

/* Waits for vq->mutex in VHOST_GET_VRING_BASE. */
static void *wait_thread(void *arg)
{
	struct vhost_vring_state s = { .index = VQ_TX };
	double t0;

	prctl(PR_SET_NAME, "kradar-vq-wait");
	say("kradar-vhost: waiter tid %ld calls VHOST_GET_VRING_BASE on vq %d\n",
	    (long)syscall(SYS_gettid), VQ_TX);
	t0 = now_ms();
	if (ioctl(vhost_fd, VHOST_GET_VRING_BASE, &s)) {
		say("kradar-vhost: VHOST_GET_VRING_BASE: %s\n", strerror(errno));
		return NULL;
	}
	waited_ms = now_ms() - t0;
	say("kradar-vhost: waiter got vq %d after %.0f ms (base %u)\n", VQ_TX,
	    waited_ms, s.num);
	return NULL;
}

static void set_vq(int req, unsigned int num, const char *what)
{
	struct vhost_vring_state s = { .index = VQ_TX, .num = num };

	if (ioctl(vhost_fd, req, &s))
		die(2, what);
}

static void set_fd(int req, int fd, const char *what)
{
	struct vhost_vring_file f = { .index = VQ_TX, .fd = fd };

	if (ioctl(vhost_fd, req, &f))
		die(2, what);
}

int main(int argc, char **argv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg;
	struct vhost_vring_addr addr;
	struct vhost_memory *mem;
	pthread_t ft, wt;
	uint64_t one = 1;
	int kick, call, sock, err;
	struct timespec dl;
	char *ring, *guest;
	long worker;

	if (argc > 1) {
		char *end;
		long v = strtol(argv[1], &end, 10);

		if (*end || v < 100 || v > 60000) {
			fprintf(stderr, "usage: kradar-vhost [DELAY_MS]  (100..60000, default %d)\n",
				DELAY_MS);
			return 2;
		}
		delay_ms = v;
	}
	kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	prctl(PR_SET_NAME, "kradar-vhost");
	page = sysconf(_SC_PAGESIZE);

	vhost_fd = open("/dev/vhost-net", O_RDWR | O_CLOEXEC);
	if (vhost_fd < 0)
		die(2, "open /dev/vhost-net (load vhost_net)");
	if (ioctl(vhost_fd, VHOST_SET_OWNER))
		die(2, "VHOST_SET_OWNER");
	worker = find_worker(getpid());
	say("kradar-vhost: owner pid %d, vhost worker pid %ld\n", getpid(),
	    worker);

	/* descriptors and used ring: ordinary, populated memory */
	ring = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	guest = mmap(NULL, MEM_BYTES, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	/* the avail ring: a page of its own, never populated */
	avail_page = mmap(NULL, page, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ring == MAP_FAILED || guest == MAP_FAILED || avail_page == MAP_FAILED)
		die(2, "mmap");
	memset(ring, 0, 2 * page);

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (uffd < 0)
		die(2, "userfaultfd (CONFIG_USERFAULTFD, and root for kernel faults)");
	if (ioctl(uffd, UFFDIO_API, &api))
		die(2, "UFFDIO_API");
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)avail_page;
	reg.range.len = page;
	reg.mode = UFFDIO_REGISTER_MODE_MISSING;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		die(2, "UFFDIO_REGISTER");

	mem = calloc(1, sizeof(*mem) + sizeof(mem->regions[0]));
	if (!mem)
		die(2, "calloc");
	mem->nregions = 1;
	mem->regions[0].guest_phys_addr = 0;
	mem->regions[0].memory_size = MEM_BYTES;
	mem->regions[0].userspace_addr = (uintptr_t)guest;
	if (ioctl(vhost_fd, VHOST_SET_MEM_TABLE, mem))
		die(2, "VHOST_SET_MEM_TABLE");

	set_vq(VHOST_SET_VRING_NUM, VQ_NUM, "VHOST_SET_VRING_NUM");
	set_vq(VHOST_SET_VRING_BASE, 0, "VHOST_SET_VRING_BASE");
	memset(&addr, 0, sizeof(addr));
	addr.index = VQ_TX;
	addr.desc_user_addr = (uintptr_t)ring;
	addr.used_user_addr = (uintptr_t)ring + page;
	addr.avail_user_addr = (uintptr_t)avail_page;
	if (ioctl(vhost_fd, VHOST_SET_VRING_ADDR, &addr))
		die(2, "VHOST_SET_VRING_ADDR");
	kick = eventfd(0, EFD_CLOEXEC);
	call = eventfd(0, EFD_CLOEXEC);
	if (kick < 0 || call < 0)
		die(2, "eventfd");
	set_fd(VHOST_SET_VRING_KICK, kick, "VHOST_SET_VRING_KICK");
	set_fd(VHOST_SET_VRING_CALL, call, "VHOST_SET_VRING_CALL");

	err = pthread_create(&ft, NULL, fault_thread, NULL);
	if (err) {
		errno = err;
		die(2, "pthread_create");
	}
	/* the backend: the worker may run handle_tx() from here on */
	sock = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (sock < 0)
		die(2, "socket AF_PACKET (CONFIG_PACKET)");
	set_fd(VHOST_NET_SET_BACKEND, sock, "VHOST_NET_SET_BACKEND");
	if (write(kick, &one, sizeof(one)) != sizeof(one))
		die(2, "kick");

	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += WAIT_FAULT_MS / 1000 + 1;
	pthread_mutex_lock(&mu);
	while (!faulted && !fault_err)
		if (pthread_cond_timedwait(&cv, &mu, &dl) == ETIMEDOUT)
			fault_err = ETIMEDOUT;
	pthread_mutex_unlock(&mu);
	if (!faulted) {
		errno = fault_err;
		die(1, "the vhost worker did not fault on the avail ring");
	}
	err = pthread_create(&wt, NULL, wait_thread, NULL);
	if (err) {
		errno = err;
		die(2, "pthread_create");
	}
	pthread_join(wt, NULL);
	pthread_join(ft, NULL);
	/* release the device before the rings go away */
	close(vhost_fd);
	close(sock);
	if (waited_ms < 0)
		return 1;
	if (waited_ms < delay_ms / 2.0) {
		say("kradar-vhost: the waiter did not wait (%.0f ms of %u)\n",
		    waited_ms, delay_ms);
		return 1;
	}
	return 0;
}
