// SPDX-License-Identifier: GPL-2.0
/*
 * kradar-agent records and port: the same stream kradar_probe.ko writes
 * (kmod/kradar_ring.c, kmod/kradar_port.c), made in userspace.
 *
 * Records are built in place in one buffer and committed with their
 * CRC-32 (zlib's crc32() is the IEEE CRC the module's crc32_le() with
 * ~0 in and out computes). While the port is absent or slow the buffer
 * keeps them; when it is full the oldest are dropped, counted, and
 * reported in a LOST record with cause BUFFER_FULL, as the module does.
 *
 * The port: the virtio port whose /sys/class/virtio-ports/vportNpM/name
 * is the name asked for. A plain virtserialport is written through
 * /dev/vportNpM. A console port (QEMU's virtconsole, which kradar-run
 * gives the module, whose kernel writes need a tty) refuses that open
 * with ENXIO: then its hvc tty (the tty option, /dev/hvc0 by default) is
 * opened instead and put in raw mode, so no byte of the binary stream is
 * translated. Writes never block: what the port does not take stays
 * buffered for the next window.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <zlib.h>
#include "agent.h"

static unsigned char *rec_buf;
static size_t rec_cap, rec_head, rec_tail, rec_frontier, rec_open;
static uint32_t *rec_seq;		/* nr_cpus + 1 (global) counters */
static unsigned int rec_nr_cpus;
static uint64_t rec_records, rec_drop_records, rec_drop_bytes;
static uint64_t rec_unrep_records, rec_unrep_bytes;

static int port_fd = -1;
static const char *port_st = "absent";
static int port_last_errno = -1;

int rec_init(size_t bytes, unsigned int nr_cpus)
{
	rec_buf = malloc(bytes);
	rec_seq = calloc(nr_cpus + 1, sizeof(*rec_seq));
	if (!rec_buf || !rec_seq) {
		free(rec_buf);
		free(rec_seq);
		return -ENOMEM;
	}
	rec_cap = bytes;
	rec_nr_cpus = nr_cpus;
	return 0;
}

static size_t rec_size_at(size_t off)
{
	const struct kradar_rec_hdr *h = (const void *)(rec_buf + off);

	return le32toh(h->size);
}

static void rec_count_drop(size_t bytes)
{
	rec_drop_bytes += bytes;
	rec_unrep_bytes += bytes;
}

/* Drop the oldest unsent records until @need bytes fit after the tail. */
static void rec_make_room(size_t need)
{
	if (rec_cap - rec_tail >= need)
		return;
	if (rec_cap - (rec_tail - rec_head) < need) {
		/* a record partly sent already is cut: the host resyncs */
		if (rec_frontier > rec_head) {
			rec_count_drop(rec_frontier - rec_head);
			rec_head = rec_frontier;
		}
		while (rec_head < rec_tail &&
		       rec_cap - (rec_tail - rec_head) < need) {
			const struct kradar_rec_lost *l = (const void *)(rec_buf + rec_head);
			size_t sz = rec_size_at(rec_head);

			rec_count_drop(sz);
			rec_drop_records++;
			rec_unrep_records++;
			/* a dropped LOST record's counts are reported again */
			if (le16toh(l->h.type) == KRADAR_REC_LOST &&
			    le32toh(l->cause) == KRADAR_LOST_BUFFER_FULL) {
				rec_unrep_records += le64toh(l->records);
				rec_unrep_bytes += le64toh(l->bytes);
			}
			rec_head += sz;
		}
		rec_frontier = rec_head;
	}
	memmove(rec_buf, rec_buf + rec_head, rec_tail - rec_head);
	rec_tail -= rec_head;
	rec_frontier -= rec_head;
	rec_head = 0;
}

void *rec_begin(uint16_t type, size_t size, uint16_t cpu, uint64_t ts)
{
	struct kradar_rec_hdr *h;
	uint32_t *seq;

	size = (size + KRADAR_REC_ALIGN - 1) & ~(size_t)(KRADAR_REC_ALIGN - 1);
	if (size > KRADAR_REC_MAX || rec_open)
		return NULL;
	rec_make_room(size);
	h = (void *)(rec_buf + rec_tail);
	memset(h, 0, size);
	seq = &rec_seq[cpu >= rec_nr_cpus ? rec_nr_cpus : cpu];
	h->sync = htole32(KRADAR_SYNC);
	h->type = htole16(type);
	h->size = htole32(size);
	h->ts_ns = htole64(ts);
	h->seq = htole32((*seq)++);
	h->cpu = htole16(cpu);
	rec_open = size;
	return h;
}

/* The open record @rec is only @size bytes long after all. */
void rec_shrink(void *rec, size_t size)
{
	struct kradar_rec_hdr *h = rec;

	size = (size + KRADAR_REC_ALIGN - 1) & ~(size_t)(KRADAR_REC_ALIGN - 1);
	if (size >= sizeof(*h) && size < rec_open) {
		rec_open = size;
		h->size = htole32(size);
	}
}

void rec_commit(void *rec)
{
	struct kradar_rec_hdr *h = rec;

	h->crc = htole32(crc32(0L, rec, rec_open));
	rec_tail += rec_open;
	rec_open = 0;
	rec_records++;
}

void rec_emit_lost(uint16_t cpu, uint32_t cause, uint64_t records,
		   uint64_t bytes, uint64_t events, uint64_t ts)
{
	struct kradar_rec_lost *r = rec_begin(KRADAR_REC_LOST, sizeof(*r),
					      cpu, ts);

	if (!r)
		return;
	r->cause = htole32(cause);
	r->records = htole64(records);
	r->bytes = htole64(bytes);
	r->events = htole64(events);
	rec_commit(r);
}

void rec_stats(uint64_t *records, uint64_t *dropped_records,
	       uint64_t *dropped_bytes)
{
	*records = rec_records;
	*dropped_records = rec_drop_records;
	*dropped_bytes = rec_drop_bytes;
}

void rec_take_drops(uint64_t *records, uint64_t *bytes)
{
	*records = rec_unrep_records;
	*bytes = rec_unrep_bytes;
	rec_unrep_records = rec_unrep_bytes = 0;
}

static void rec_consume(size_t n)
{
	rec_head += n;
	while (rec_frontier < rec_head)
		rec_frontier += rec_size_at(rec_frontier);
	if (rec_head == rec_tail)
		rec_head = rec_tail = rec_frontier = 0;
}

/* The /dev name of the virtio port called @name into @dev, or -ENOENT. */
static int port_find(const char *name, char *dev, size_t len)
{
	DIR *d = opendir("/sys/class/virtio-ports");
	struct dirent *de;
	int err = -ENOENT;

	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		char path[300], buf[KRADAR_NAME_LEN + 2];
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/virtio-ports/%s/name",
			 de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(buf, sizeof(buf), f)) {
			buf[strcspn(buf, "\n")] = '\0';
			if (!strcmp(buf, name)) {
				snprintf(dev, len, "/dev/%s", de->d_name);
				err = 0;
			}
		}
		fclose(f);
		if (!err)
			break;
	}
	closedir(d);
	return err;
}

static void port_say(const char *state, int err, const char *dev)
{
	port_st = state;
	if (err == port_last_errno)
		return;
	port_last_errno = err;
	if (!err)
		agent_log("port '%s' open (%s)\n", agent_opts.port, dev);
	else
		agent_log("port '%s' %s (%s: %s); records are kept and the port tried again every second\n",
			  agent_opts.port, state, dev, strerror(err));
}

bool port_poll_open(void)
{
	char dev[300];
	struct termios t;
	int fd;

	if (port_fd >= 0)
		return true;
	if (port_find(agent_opts.port, dev, sizeof(dev))) {
		port_say("absent", ENOENT, "/sys/class/virtio-ports");
		return false;
	}
	fd = open(dev, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 && errno == ENXIO) {
		/* a console port: its hvc tty */
		snprintf(dev, sizeof(dev), "%s", agent_opts.tty);
		fd = open(dev, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		if (fd >= 0 && !tcgetattr(fd, &t)) {
			cfmakeraw(&t);
			if (tcsetattr(fd, TCSANOW, &t)) {
				int e = errno;

				close(fd);
				fd = -1;
				errno = e;
			}
		}
	}
	if (fd < 0) {
		port_say(errno == EBUSY ? "busy" : "error", errno, dev);
		return false;
	}
	port_fd = fd;
	port_say("open", 0, dev);
	return true;
}

bool port_is_open(void)
{
	return port_fd >= 0;
}

const char *port_state(void)
{
	return port_st;
}

void port_close(void)
{
	if (port_fd >= 0)
		close(port_fd);
	port_fd = -1;
}

uint64_t port_flush(void)
{
	uint64_t sent = 0;

	while (port_fd >= 0 && rec_tail > rec_head) {
		ssize_t n = write(port_fd, rec_buf + rec_head,
				  rec_tail - rec_head);

		if (n > 0) {
			rec_consume(n);
			sent += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			port_say("error", errno, "write");
			port_close();
		}
		break;
	}
	return sent;
}
