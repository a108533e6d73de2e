/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_vhost.c: which vhost device and virtqueue a lock lies in.
 */
#ifndef _KRADAR_VHOST_H
#define _KRADAR_VHOST_H

#include <linux/types.h>
#include <kradar_wire.h>

struct seq_file;

/* A lock inside a vhost device, as the sampler copies it out. */
struct kradar_vhost_lock {
	u32 what;		/* enum kradar_vhost_what */
	u32 vq;
	u32 dev;		/* device number, from 1 */
	u32 off;		/* bytes into the vq (or device) */
	pid_t owner_pid;	/* 0: no owner */
	pid_t worker_pid;	/* 0: unknown */
	char owner_comm[KRADAR_COMM_LEN];
	char kind[KRADAR_COMM_LEN];	/* "vhost-net" */
};

void kradar_vhost_init(void);
void kradar_vhost_exit(void);
/* Sampler threads: is @addr inside a known vhost device? No locks taken. */
bool kradar_vhost_describe(unsigned long addr, struct kradar_vhost_lock *v);
/* Has task @pid entered vhost_worker_killed()? When, in @since_ns. */
bool kradar_vhost_killed(pid_t pid, u64 *since_ns);
void kradar_vhost_name(const struct kradar_vhost_lock *v,
		       char name[KRADAR_NAME_LEN]);
void kradar_vhost_status(struct seq_file *m);

#endif /* _KRADAR_VHOST_H */
