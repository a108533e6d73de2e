/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-agent internals shared by its files.
 *
 *   kradar_agent.c  options, tracefs, loading and attaching the BPF
 *                   programs, the sampler threads, the window;
 *   agent_hrtimer.c the hrtimer storm detector's sampler side: deltas of
 *                   the BPF counters, window and storm records (the same
 *                   rules as kmod/kradar_hrtimer.c);
 *   agent_lock.c    the contended-lock detector's sampler side: waits,
 *                   owners, stacks, lock records (kmod/kradar_lock.c's
 *                   rules);
 *   agent_rec.c     records: encoding, sequence numbers, the buffer kept
 *                   while the port is absent or slow, the port itself;
 *   agent_ksym.c    callback names from /proc/kallsyms.
 *
 * All of it runs in the sampler thread that holds the sample lock; the
 * BPF programs only count.
 */
#ifndef _KRADAR_AGENT_INTERNAL_H
#define _KRADAR_AGENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <kradar_wire.h>

#define KRADAR_WINDOW_TOP	8	/* entries in a window record */
#define KRADAR_NSEC_PER_MSEC	1000000ULL
#define KRADAR_NSEC_PER_SEC	1000000000ULL
#define MAX_U64(a, b)		((a) > (b) ? (a) : (b))
#define MIN_U64(a, b)		((a) < (b) ? (a) : (b))

/* Settings, checked in kradar_agent.c (the module's parameters) */
struct agent_opts {
	unsigned int window_ms;
	uint64_t storm_rate;
	unsigned int storm_windows;
	unsigned int storm_end_ms;
	unsigned int late_us;
	unsigned int buffer_kb;
	unsigned int hello_every;
	unsigned int lock_wait_ms;	/* 0: the lock detector off */
	unsigned int prog_stats;	/* 1: kernel BPF run-time statistics */
	unsigned int use_btf;		/* 0: calibrate even where BTF exists */
	const char *port;
	const char *tty;
};
extern struct agent_opts agent_opts;

uint64_t agent_now_ns(void);		/* CLOCK_MONOTONIC, the ts_ns clock */
void agent_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* agent_rec.c */
int rec_init(size_t bytes, unsigned int nr_cpus);
void *rec_begin(uint16_t type, size_t size, uint16_t cpu, uint64_t ts);
void rec_shrink(void *rec, size_t size);
void rec_commit(void *rec);
void rec_emit_lost(uint16_t cpu, uint32_t cause, uint64_t records,
		   uint64_t bytes, uint64_t events, uint64_t ts);
void rec_stats(uint64_t *records, uint64_t *dropped_records,
	       uint64_t *dropped_bytes);
void rec_take_drops(uint64_t *records, uint64_t *bytes);
bool port_poll_open(void);
bool port_is_open(void);
const char *port_state(void);
uint64_t port_flush(void);		/* bytes sent now */
void port_close(void);

/* agent_ksym.c: "fn [mod]" of an address, as kradar_symbol() prints it */
int ksym_load(void);
void ksym_name(uint64_t addr, char name[KRADAR_NAME_LEN]);
void ksym_set_resolver(int (*fn)(uint64_t addr, char name[KRADAR_NAME_LEN]));
void ksym_free(void);
/* kradar_agent.c: a field's offset in a tracefs format file's text */
int tracefs_field(const char *fmt, const char *name, unsigned int size,
		  unsigned int *off);
/* kradar_agent.c: the offset of member @name of struct @sname in BTF */
struct btf;
int agent_btf_offset(const struct btf *btf, const char *sname,
		     const char *name, unsigned int *off);
/* kradar_agent.c: "rtnl_mutex", "obj+0x10/0x40 [mod]", or 0x... */
void agent_symbol_exact(uint64_t addr, char name[KRADAR_NAME_LEN]);

/* agent_hrtimer.c */
struct bpf_map;
int hrtimer_init(int funcs_fd, int misc_fd, volatile uint64_t *cur_win,
		 unsigned int nr_cpus);
void hrtimer_hooked(uint64_t ts);
void hrtimer_sample(uint64_t now);
uint64_t hrtimer_events(void);
bool hrtimer_cpu_flooded(unsigned int cpu);
unsigned int hrtimer_storms_active(void);
void hrtimer_lost(uint64_t *unattributed);
void hrtimer_exit(void);

/* agent_lock.c */
struct kradar_agent_bpf;
struct kradar_agent_lockcfg;
int lock_prepare(const char *tracefs, struct kradar_agent_lockcfg *cfg,
		 unsigned int nr_cpus, const struct btf *btf);
int lock_start(struct kradar_agent_bpf *skel);
void lock_sample(uint64_t now);
bool lock_enabled(void);
void lock_status(void);
void lock_stop(void);

#endif
