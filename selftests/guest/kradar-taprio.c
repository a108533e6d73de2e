// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-taprio: guest workload that reproduces (or controls for) the taprio
 * hrtimer storm, in plain rtnetlink so the guest needs neither tc nor libnl.
 *
 * It creates a veth pair (default v0/v1) with 4 tx and 4 rx queues, brings
 * both ends up and installs on v0 the equivalent of
 *
 *   tc qdisc replace dev v0 parent root handle 100 taprio num_tc 2 map 0 1 \
 *      queues 1@0 1@1 base-time 0 sched-entry S 01 INTERVAL \
 *      sched-entry S 02 INTERVAL clockid CLOCK_TAI
 *
 * "storm" uses 255 ns entries (the syzbot reproducer's value): taprio's
 * advance_sched() hrtimer then expires faster than the CPU can run it and
 * the CPU it was armed on stops making progress outside hard IRQ. "normal"
 * uses 1 ms entries, the healthy control. With --cpu the program pins itself
 * before installing the qdisc, so the hrtimer is armed on that CPU, and
 * returns to its old affinity afterwards so that --hold does not sleep
 * behind the storm.
 *
 * Acceptance: taprio rejects entries shorter than a minimum Ethernet frame
 * at the link speed (48 ns at veth's 10 Gb/s), but up to at least 6.1.192
 * it checks before it has read the link speed, so on a first install any
 * non-zero interval passes; only a replace of a running schedule applies
 * the 48 ns limit ("Invalid interval for schedule entry").
 *
 * --delete during a storm needs an RCU grace period that the storming CPU
 * holds up, so it can take as long as the storm lets it (minutes under TCG).
 *
 * One line per step goes to stdout; a netlink error is printed with the
 * kernel's extended-ack message when there is one. Exit status: 0 done,
 * 1 a kernel request failed, 2 usage or environment error.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>

#define PROG "kradar-taprio"

#define KRADAR_TAPRIO_STORM_NS 255	/* ns, syzbot reproducer */
#define KRADAR_TAPRIO_NORMAL_NS 1000000	/* ns, healthy control */
#define KRADAR_TAPRIO_QUEUES 4		/* tx and rx queues per veth end */
#define KRADAR_TAPRIO_HANDLE 0x100	/* qdisc major handle, "100:" */
#define KRADAR_TAPRIO_MSG_MAX 4096	/* bytes, one request */

#ifndef CLOCK_TAI
#define CLOCK_TAI 11
#endif

struct req {
	struct nlmsghdr *nh;
	size_t cap;
	char buf[KRADAR_TAPRIO_MSG_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));
};

struct opts {
	const char *dev;
	const char *peer;
	long long interval_ns;
	int cpu;
	long hold_s;
	int delete;
};

static int nl_fd = -1;
static uint32_t nl_seq;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " storm|normal [--interval-ns N] [--cpu N] [--hold SEC]\n"
		"                      [--dev NAME] [--peer NAME]\n"
		"       " PROG " --delete [--dev NAME]\n"
		"  storm          taprio entries of %d ns (runaway hrtimer)\n"
		"  normal         taprio entries of %d ns (healthy control)\n"
		"  --interval-ns  override the entry interval (1..%u ns)\n"
		"  --cpu N        pin to CPU N before installing the qdisc\n"
		"  --hold SEC     keep running SEC seconds after installing (default 0)\n"
		"  --dev/--peer   veth names (default v0/v1)\n"
		"  --delete       remove the qdisc and the veth pair\n",
		KRADAR_TAPRIO_STORM_NS, KRADAR_TAPRIO_NORMAL_NS, UINT32_MAX);
}

static void req_init(struct req *r, uint16_t type, uint16_t flags)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->cap = sizeof(r->buf);
	r->nh = (struct nlmsghdr *)r->buf;
	r->nh->nlmsg_len = NLMSG_LENGTH(0);
	r->nh->nlmsg_type = type;
	r->nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh->nlmsg_seq = ++nl_seq;
}

/* Append a fixed header (ifinfomsg, tcmsg) right after the nlmsghdr. */
static void *req_reserve(struct req *r, size_t len)
{
	size_t off = NLMSG_ALIGN(r->nh->nlmsg_len);
	void *p;

	if (off + NLMSG_ALIGN(len) > r->cap) {
		fprintf(stderr, PROG ": internal error: request exceeds %zu bytes\n",
			r->cap);
		exit(2);
	}
	p = r->buf + off;
	r->nh->nlmsg_len = off + NLMSG_ALIGN(len);
	return p;
}

static struct nlattr *attr_put(struct req *r, uint16_t type,
			       const void *data, size_t len)
{
	struct nlattr *a = req_reserve(r, NLA_HDRLEN + len);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	return a;
}

static void attr_u8(struct req *r, uint16_t type, uint8_t v)
{
	attr_put(r, type, &v, sizeof(v));
}

static void attr_u32(struct req *r, uint16_t type, uint32_t v)
{
	attr_put(r, type, &v, sizeof(v));
}

static void attr_s32(struct req *r, uint16_t type, int32_t v)
{
	attr_put(r, type, &v, sizeof(v));
}

static void attr_s64(struct req *r, uint16_t type, int64_t v)
{
	attr_put(r, type, &v, sizeof(v));
}

static void attr_str(struct req *r, uint16_t type, const char *s)
{
	attr_put(r, type, s, strlen(s) + 1);
}

static struct nlattr *nest_begin(struct req *r, uint16_t type)
{
	return attr_put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct req *r, struct nlattr *a)
{
	a->nla_len = (uint16_t)(r->buf + r->nh->nlmsg_len - (char *)a);
}

/* Print the extended ack string of an NLMSG_ERROR message, if any. */
static void print_extack(const struct nlmsghdr *nh, size_t len)
{
	const struct nlmsgerr *e = NLMSG_DATA(nh);
	size_t off;

	if (!(nh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	/* TLVs follow the echoed request, or only its header when capped. */
	off = NLMSG_HDRLEN + sizeof(*e);
	if (!(nh->nlmsg_flags & NLM_F_CAPPED)) {
		if (e->msg.nlmsg_len < NLMSG_HDRLEN)
			return;
		off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
	}
	while (off + NLA_HDRLEN <= len) {
		const struct nlattr *a = (const void *)((const char *)nh + off);
		size_t alen = a->nla_len;

		if (alen < NLA_HDRLEN || off + alen > len)
			return;
		if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG &&
		    alen > NLA_HDRLEN) {
			fprintf(stderr, PROG ":   kernel says: %.*s\n",
				(int)strnlen((const char *)a + NLA_HDRLEN,
					     alen - NLA_HDRLEN),
				(const char *)a + NLA_HDRLEN);
		}
		off += NLA_ALIGN(alen);
	}
}

/*
 * Send one request and wait for its ack. Returns 0 or the negative errno the
 * kernel answered with; the error is printed unless it equals -quiet (the
 * caller's expected "already done" answer). A transport failure exits 2.
 */
static int nl_talk(struct req *r, const char *what, int quiet)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char rbuf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	uint32_t seq = r->nh->nlmsg_seq;

	if (sendto(nl_fd, r->buf, r->nh->nlmsg_len, 0,
		   (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, PROG ": %s: sending netlink request: %s\n",
			what, strerror(errno));
		exit(2);
	}
	for (;;) {
		ssize_t n = recv(nl_fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *nh;
		size_t left;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, PROG ": %s: reading netlink answer: %s\n",
				what, strerror(errno));
			exit(2);
		}
		left = (size_t)n;
		for (nh = (struct nlmsghdr *)rbuf; NLMSG_OK(nh, left);
		     nh = NLMSG_NEXT(nh, left)) {
			const struct nlmsgerr *e;

			if (nh->nlmsg_seq != seq || nh->nlmsg_type != NLMSG_ERROR)
				continue;
			if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
				fprintf(stderr, PROG ": %s: short netlink error message\n",
					what);
				exit(2);
			}
			e = NLMSG_DATA(nh);
			if (e->error == 0 || e->error == -quiet)
				return e->error;
			fprintf(stderr, PROG ": %s failed: %s\n", what,
				strerror(-e->error));
			print_extack(nh, nh->nlmsg_len);
			return e->error;
		}
	}
}

static int veth_create(const struct opts *o)
{
	struct nlattr *li, *data, *peer;
	struct ifinfomsg *ifi;
	struct req r;
	char what[128];
	int err;

	req_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	ifi = req_reserve(&r, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	attr_str(&r, IFLA_IFNAME, o->dev);
	attr_u32(&r, IFLA_NUM_TX_QUEUES, KRADAR_TAPRIO_QUEUES);
	attr_u32(&r, IFLA_NUM_RX_QUEUES, KRADAR_TAPRIO_QUEUES);
	li = nest_begin(&r, IFLA_LINKINFO);
	attr_str(&r, IFLA_INFO_KIND, "veth");
	data = nest_begin(&r, IFLA_INFO_DATA);
	peer = nest_begin(&r, VETH_INFO_PEER);
	ifi = req_reserve(&r, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	attr_str(&r, IFLA_IFNAME, o->peer);
	attr_u32(&r, IFLA_NUM_TX_QUEUES, KRADAR_TAPRIO_QUEUES);
	attr_u32(&r, IFLA_NUM_RX_QUEUES, KRADAR_TAPRIO_QUEUES);
	nest_end(&r, peer);
	nest_end(&r, data);
	nest_end(&r, li);

	snprintf(what, sizeof(what), "creating veth %s/%s", o->dev, o->peer);
	err = nl_talk(&r, what, EEXIST);
	if (err == -EEXIST) {
		printf(PROG ": %s already exists, reusing it\n", o->dev);
		return 0;
	}
	if (err)
		return err;
	printf(PROG ": veth %s/%s created with %d tx/rx queues\n",
	       o->dev, o->peer, KRADAR_TAPRIO_QUEUES);
	return 0;
}

static int link_up(const char *name)
{
	struct ifinfomsg *ifi;
	struct req r;
	char what[128];
	int err;

	req_init(&r, RTM_NEWLINK, 0);
	ifi = req_reserve(&r, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	attr_str(&r, IFLA_IFNAME, name);
	snprintf(what, sizeof(what), "bringing %s up", name);
	err = nl_talk(&r, what, 0);
	if (!err)
		printf(PROG ": %s is up\n", name);
	return err;
}

static int dev_index(const char *name, int quiet)
{
	unsigned int idx = if_nametoindex(name);

	if (!idx) {
		if (!quiet)
			fprintf(stderr, PROG ": no interface %s: %s\n", name,
				strerror(errno));
		return -ENODEV;
	}
	if (idx > INT_MAX)
		return -ERANGE;
	return (int)idx;
}

static void sched_entry(struct req *r, uint32_t gates, uint32_t interval)
{
	struct nlattr *e = nest_begin(r, TCA_TAPRIO_SCHED_ENTRY);

	attr_u8(r, TCA_TAPRIO_SCHED_ENTRY_CMD, TC_TAPRIO_CMD_SET_GATES);
	attr_u32(r, TCA_TAPRIO_SCHED_ENTRY_GATE_MASK, gates);
	attr_u32(r, TCA_TAPRIO_SCHED_ENTRY_INTERVAL, interval);
	nest_end(r, e);
}

static int taprio_install(const struct opts *o)
{
	struct tc_mqprio_qopt qopt;
	struct nlattr *opt, *list;
	struct tcmsg *tcm;
	struct req r;
	char what[128];
	int idx, err;

	idx = dev_index(o->dev, 0);
	if (idx < 0)
		return idx;

	/* num_tc 2 map 0 1 queues 1@0 1@1 */
	memset(&qopt, 0, sizeof(qopt));
	qopt.num_tc = 2;
	qopt.prio_tc_map[0] = 0;
	qopt.prio_tc_map[1] = 1;
	qopt.count[0] = 1;
	qopt.offset[0] = 0;
	qopt.count[1] = 1;
	qopt.offset[1] = 1;

	req_init(&r, RTM_NEWQDISC, NLM_F_CREATE | NLM_F_REPLACE);
	tcm = req_reserve(&r, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = idx;
	tcm->tcm_parent = TC_H_ROOT;
	tcm->tcm_handle = TC_H_MAKE((uint32_t)KRADAR_TAPRIO_HANDLE << 16, 0);
	attr_str(&r, TCA_KIND, "taprio");
	opt = nest_begin(&r, TCA_OPTIONS);
	attr_put(&r, TCA_TAPRIO_ATTR_PRIOMAP, &qopt, sizeof(qopt));
	attr_s64(&r, TCA_TAPRIO_ATTR_SCHED_BASE_TIME, 0);
	list = nest_begin(&r, TCA_TAPRIO_ATTR_SCHED_ENTRY_LIST);
	sched_entry(&r, 0x01, (uint32_t)o->interval_ns);
	sched_entry(&r, 0x02, (uint32_t)o->interval_ns);
	nest_end(&r, list);
	attr_s32(&r, TCA_TAPRIO_ATTR_SCHED_CLOCKID, CLOCK_TAI);
	nest_end(&r, opt);

	snprintf(what, sizeof(what), "installing taprio on %s (interval %lld ns)",
		 o->dev, o->interval_ns);
	err = nl_talk(&r, what, 0);
	if (err)
		return err;
	printf(PROG ": taprio installed on %s interval=%lldns cpu=%d\n",
	       o->dev, o->interval_ns, sched_getcpu());
	return 0;
}

static int taprio_delete(const struct opts *o)
{
	struct ifinfomsg *ifi;
	struct tcmsg *tcm;
	struct req r;
	char what[128];
	int idx, err;

	idx = dev_index(o->dev, 1);
	if (idx < 0) {
		/* Cleanup is idempotent: nothing there is not an error. */
		printf(PROG ": no interface %s, nothing to delete\n", o->dev);
		return 0;
	}

	req_init(&r, RTM_DELQDISC, 0);
	tcm = req_reserve(&r, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = idx;
	tcm->tcm_parent = TC_H_ROOT;
	snprintf(what, sizeof(what), "deleting the root qdisc of %s", o->dev);
	err = nl_talk(&r, what, ENOENT);
	if (err && err != -ENOENT)
		return err;
	printf(PROG ": %s root qdisc of %s\n",
	       err ? "no configured" : "deleted the", o->dev);

	req_init(&r, RTM_DELLINK, 0);
	ifi = req_reserve(&r, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = idx;
	snprintf(what, sizeof(what), "deleting veth %s", o->dev);
	err = nl_talk(&r, what, 0);
	if (err)
		return err;
	printf(PROG ": veth %s and its peer deleted\n", o->dev);
	return 0;
}

static int parse_ll(const char *opt, const char *s, long long lo,
		    long long hi, long long *out)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr, PROG ": %s wants an integer in %lld..%lld, got '%s'\n",
			opt, lo, hi, s);
		return -1;
	}
	*out = v;
	return 0;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	int have_mode = 0;
	long long v;
	int i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char *val = i + 1 < argc ? argv[i + 1] : NULL;
		int takes = !strcmp(a, "--interval-ns") || !strcmp(a, "--cpu") ||
			    !strcmp(a, "--hold") || !strcmp(a, "--dev") ||
			    !strcmp(a, "--peer");

		if (takes && !val) {
			fprintf(stderr, PROG ": %s needs a value\n", a);
			return -1;
		}
		if (!strcmp(a, "storm") || !strcmp(a, "normal")) {
			if (have_mode) {
				fprintf(stderr, PROG ": more than one mode given\n");
				return -1;
			}
			have_mode = 1;
			if (!o->interval_ns)
				o->interval_ns = a[0] == 's' ?
					KRADAR_TAPRIO_STORM_NS : KRADAR_TAPRIO_NORMAL_NS;
		} else if (!strcmp(a, "--interval-ns")) {
			if (parse_ll(a, val, 1, UINT32_MAX, &v))
				return -1;
			o->interval_ns = v;
			i++;
		} else if (!strcmp(a, "--cpu")) {
			if (parse_ll(a, val, 0, CPU_SETSIZE - 1, &v))
				return -1;
			o->cpu = (int)v;
			i++;
		} else if (!strcmp(a, "--hold")) {
			if (parse_ll(a, val, 0, 86400, &v))
				return -1;
			o->hold_s = (long)v;
			i++;
		} else if (!strcmp(a, "--dev") || !strcmp(a, "--peer")) {
			if (!*val || strlen(val) >= IFNAMSIZ) {
				fprintf(stderr, PROG ": %s wants 1..%d characters\n",
					a, IFNAMSIZ - 1);
				return -1;
			}
			if (a[2] == 'd')
				o->dev = val;
			else
				o->peer = val;
			i++;
		} else if (!strcmp(a, "--delete")) {
			o->delete = 1;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			exit(0);
		} else {
			fprintf(stderr, PROG ": unknown argument '%s'\n", a);
			return -1;
		}
	}
	if (o->delete == have_mode) {
		fprintf(stderr, PROG ": give one of storm, normal or --delete\n");
		return -1;
	}
	return 0;
}

/* Pin to @cpu; *saved receives the previous mask for unpin(). */
static int pin_cpu(int cpu, cpu_set_t *saved)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(*saved), saved)) {
		fprintf(stderr, PROG ": cannot read the CPU affinity: %s\n",
			strerror(errno));
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		fprintf(stderr, PROG ": cannot pin to CPU %d: %s (is it online?)\n",
			cpu, strerror(errno));
		return -1;
	}
	printf(PROG ": pinned to CPU %d\n", cpu);
	return 0;
}

/*
 * Leave the storming CPU: a sleep whose wake-up timer sits behind the storm
 * on that CPU would oversleep by seconds.
 */
static void unpin(const cpu_set_t *saved)
{
	if (sched_setaffinity(0, sizeof(*saved), saved))
		fprintf(stderr, PROG ": warning: cannot restore the CPU affinity: %s\n",
			strerror(errno));
}

static void hold(long secs)
{
	struct timespec ts = { .tv_sec = secs };

	printf(PROG ": holding for %ld s\n", secs);
	fflush(stdout);
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
	printf(PROG ": hold done\n");
}

int main(int argc, char **argv)
{
	struct opts o = { .dev = "v0", .peer = "v1", .cpu = -1 };
	cpu_set_t saved;
	int one = 1;
	int err;

	if (parse_args(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	/* Lines must reach a serial console even if the guest stalls later. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl_fd < 0) {
		fprintf(stderr, PROG ": cannot open an rtnetlink socket: %s\n",
			strerror(errno));
		return 2;
	}
	/* Best effort: without it errors just lack the kernel's message. */
	(void)setsockopt(nl_fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));

	if (o.delete) {
		err = taprio_delete(&o);
	} else {
		if (o.cpu >= 0 && pin_cpu(o.cpu, &saved))
			return 2;
		err = veth_create(&o);
		if (!err)
			err = link_up(o.dev);
		if (!err)
			err = link_up(o.peer);
		if (!err)
			err = taprio_install(&o);
		if (o.cpu >= 0)
			unpin(&saved);
		if (!err && o.hold_s)
			hold(o.hold_s);
	}
	close(nl_fd);
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, PROG ": writing stdout failed\n");
		return 2;
	}
	return err ? 1 : 0;
}
