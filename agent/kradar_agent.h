/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-agent: what its BPF programs (kradar_agent.bpf.c) and its
 * userspace (kradar_agent.c) share: the layout of the maps and of the
 * load-time configuration. Compiled by clang -target bpf and by the C11
 * userspace build alike, so only fixed-size types appear here.
 */
#ifndef _KRADAR_AGENT_H
#define _KRADAR_AGENT_H

#ifndef __bpf__
#include <stdint.h>
typedef uint32_t kradar_u32;
typedef uint64_t kradar_u64;
typedef int64_t kradar_s64;
#else
typedef unsigned int kradar_u32;
typedef unsigned long long kradar_u64;
typedef long long kradar_s64;
#endif

#define KRADAR_AGENT_FUNCS	1024	/* distinct callbacks, all CPUs */
#define KRADAR_AGENT_TP_BYTES	64	/* tracepoint record bytes read */

/*
 * Where the fields are: the event's offsets as tracefs' format file
 * gives them (no BTF needed), and the offset of the expiry time in
 * struct hrtimer (node.expires), which moved: 24 bytes in while node was
 * a struct timerqueue_node (rb_node, expires), 40 since it is a struct
 * timerqueue_linked_node (7.2 has it: rb_node, prev, next, expires).
 * Userspace takes it from BTF, or calibrates it.
 */
struct kradar_agent_cfg {
	kradar_u32 tp_bytes;		/* bytes of the record to read, <= 64 */
	kradar_u32 off_hrtimer;		/* "void * hrtimer" */
	kradar_u32 off_now;		/* "s64 now" */
	kradar_u32 off_function;	/* "void * function" */
	kradar_u32 off_expires;		/* in struct hrtimer */
	kradar_u32 have_expires;	/* 0: offset unknown, no lateness */
	kradar_u64 late_ns;		/* an expiry this late counts as late */
};

/*
 * One callback on one CPU (the map is per CPU, keyed by function):
 * monotonic counters only this CPU's program writes. The worst lateness
 * is kept per window in two slots, by window parity, so that userspace
 * can read the window it just closed while the next one fills the other.
 */
struct kradar_agent_val {
	kradar_u64 count;
	kradar_u64 late;		/* expired >= late_ns late */
	kradar_u64 late_sum;		/* ns */
	kradar_u64 late_max[2];		/* ns, worst in window lm_win[i] */
	kradar_u64 lm_win[2];
};

/* Per CPU: events that found no room in the function map. */
struct kradar_agent_misc {
	kradar_u64 unattributed;
};

/*
 * Calibration, where the kernel has no BTF to say where struct hrtimer
 * keeps its expiry: the first expiries' "now" and the timer's first
 * words, from which userspace picks the word that holds a time next to
 * "now" (kradar_agent.c, find_expires_off()).
 */
#define KRADAR_AGENT_CALIB	64	/* samples */
#define KRADAR_AGENT_CALIB_WORDS 12	/* 8-byte words of struct hrtimer */

struct kradar_agent_calib {
	kradar_s64 now;
	kradar_u64 w[KRADAR_AGENT_CALIB_WORDS];
};

/* In and out of the name resolver program (mmapped .bss) */
struct kradar_agent_name {
	kradar_u64 addr;
	char name[64];			/* KRADAR_NAME_LEN */
};

#endif /* _KRADAR_AGENT_H */
