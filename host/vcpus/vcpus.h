/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar-vcpus: what each vCPU of a frozen QEMU guest is doing.
 *
 * The guest is asked nothing (it is frozen): QEMU's QMP socket runs the
 * HMP commands "info registers -a", "x /64gx RSP" and "x /5bx RIP"
 * (human-monitor-command, with cpu-index so that each read goes through
 * that vCPU's page tables) a few times, and the answers are symbolised
 * with a kallsyms text-symbol list shifted by the guest's KASLR offset.
 * Everything QEMU sends is treated as untrusted text: bounded line
 * length, bounded counts, no assumption that a field is present.
 *
 * Every exchange can be written to a transcript and analysed again from
 * it (--replay): the unit tests run the same code on recorded replies.
 */
#ifndef KRADAR_VCPUS_H
#define KRADAR_VCPUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#pragma GCC poison u8 u16 u32 u64

#define VC_MAX_LINE	(4u << 20)	/* bytes: one QMP message */
#define VC_MAX_CPUS	64		/* vCPUs analysed */
#define VC_MAX_SAMPLES	64
#define VC_STACK_WORDS	64		/* words read from RSP */
#define VC_REPLY_MS	10000		/* ms: QEMU's answer to one command */

/* ---- QMP transport (qmp.c) ---------------------------------------- */

struct vc_qmp;

/* Connect to a unix socket and negotiate; NULL and errno on failure,
 * with the reason in @err. @record: transcript to append to, or NULL. */
struct vc_qmp *vc_qmp__connect(const char *path, FILE *record,
			       char *err, size_t errlen);
/* A transcript written with --record, answered in order per command. */
struct vc_qmp *vc_qmp__replay(const char *path, char *err, size_t errlen);
void vc_qmp__free(struct vc_qmp *q);
/*
 * Run one HMP command (@cpu >= 0: with that cpu-index). On success the
 * decoded text is in *out (malloc'd, NUL-terminated) and 0 is returned;
 * -EIO on a QMP error reply (its "desc" in *out), -ETIMEDOUT, -EPROTO on
 * garbage, -ENOENT in a replay without this command.
 */
int vc_qmp__hmp(struct vc_qmp *q, const char *cmd, int cpu, char **out);
bool vc_qmp__is_replay(const struct vc_qmp *q);
/* QEMU's version from the greeting ("7.2.22"), "" when unknown. */
const char *vc_qmp__version(const struct vc_qmp *q);

/* JSON pieces of one QMP line (exposed for tests). Returns 0 and sets
 * the members found; -EPROTO on malformed JSON. Strings are decoded and
 * malloc'd; a non-string "return" is reported as ret_is_string false. */
struct vc_msg {
	bool has_return, ret_is_string, has_error, has_event, has_greeting;
	long long id;
	bool has_id;
	char *ret;		/* "return" string */
	char *error_desc;	/* "error"."desc" */
	char *command_line;	/* "arguments"."command-line" (requests) */
	long long cpu_index;	/* "arguments"."cpu-index", -1 absent */
	char version[32];	/* greeting "QMP"."version"."qemu" */
};
int vc_msg_parse(const char *line, size_t len, struct vc_msg *m);
void vc_msg_free(struct vc_msg *m);

/* ---- HMP text (regs.c) --------------------------------------------- */

struct vc_regs {
	int cpu;		/* CPU#N */
	uint64_t rip, rsp, rfl;
	int cpl, hlt;		/* -1 unknown */
	bool have_rip, have_rsp, have_rfl;
};

/* Parse "info registers -a"; returns the number of CPUs found (<= max). */
int vc_parse_registers(const char *text, struct vc_regs *regs, int max);
/* Parse "x /Ngx ADDR" or "x /Nbx ADDR" output: up to @max values of
 * @width bytes starting at @addr (lines must carry the right addresses).
 * Returns the count of values, 0 when QEMU could not read memory. */
int vc_parse_x(const char *text, uint64_t addr, int width, uint64_t *vals,
	       int max);

/* ---- Symbols (syms.c) ---------------------------------------------- */

struct vc_sym {
	uint64_t addr;
	const char *name;
};

struct vc_syms {
	struct vc_sym *v;
	size_t n;
	char *names;		/* one block holding every name */
	uint64_t file_text, file_etext;	/* _text, _etext in the list */
	int64_t offset;		/* runtime - list address (KASLR) */
};

/* Load the text symbols (t T w W) of a kallsyms list; module symbols
 * ("[mod]") are left out: modules load elsewhere on every boot. */
int vc_syms__load(struct vc_syms *s, const char *path, char *err,
		  size_t errlen);
void vc_syms__free(struct vc_syms *s);
/* Runtime text range (after the offset); false without symbols. */
bool vc_syms__in_text(const struct vc_syms *s, uint64_t addr);
/* "func+0xoff", "0x... [module]" or "0x..." into buf. Returns the
 * symbol's name (for grouping) or NULL when unknown. */
const char *vc_syms__format(const struct vc_syms *s, uint64_t addr,
			    char *buf, size_t len);
/* Parse "kradar-run: kernel _text ADDR" from a serial log. */
int vc_text_from_serial(const char *path, uint64_t *text, char *err,
			size_t errlen);

/* x86-64 module area (MODULES_VADDR .. MODULES_END) */
static inline bool vc_is_module_addr(uint64_t a)
{
	return a >= 0xffffffffc0000000ull && a < 0xffffffffff000000ull;
}

/* ---- Capture and verdicts (capture.c) ------------------------------ */

struct vc_sample {
	struct vc_regs r;
	uint64_t stack[VC_STACK_WORDS];
	int nstack;		/* -1 not read */
};

struct vc_cpu {
	int cpu;
	struct vc_sample s[VC_MAX_SAMPLES];
	int ns;
	/* bytes at addresses of interest: RIPs, trap sites */
	struct {
		uint64_t addr;
		unsigned char b[5];
		int n;		/* bytes read, 0 unreadable */
	} mem[16];
	int nmem;
};

struct vc_capture {
	struct vc_cpu cpu[VC_MAX_CPUS];
	int ncpu;
	int samples;		/* rounds that returned registers */
	int rounds;		/* rounds asked */
	int interval_ms;
	char version[32];
	char problem[256];	/* first transport problem, "" none */
};

struct vc_opts {
	int samples;
	int interval_ms;
	const struct vc_syms *syms;	/* NULL: no symbols */
};

/* Sample the vCPUs; 0 when at least one round returned registers. */
int vc_capture(struct vc_qmp *q, const struct vc_opts *o,
	       struct vc_capture *c);

enum vc_kind {
	VC_NONE, VC_IDLE, VC_HALTED_IRQOFF, VC_STALE_BP, VC_LIVE_BP,
	VC_USER, VC_SPIN_IRQOFF, VC_BUSY, VC_MOSTLY_IDLE, VC_RUNNING,
};

struct vc_verdict {
	enum vc_kind kind;
	char text[640];
};

/* The verdict of every captured vCPU (v has c->ncpu entries). */
void vc_decide(const struct vc_capture *c, const struct vc_syms *syms,
	       struct vc_verdict *v);
/* The whole plain-text report. Returns 0 or -errno of the stream. */
int vc_report(FILE *f, const struct vc_capture *c,
	      const struct vc_syms *syms, const char *symsrc);

#endif /* KRADAR_VCPUS_H */
