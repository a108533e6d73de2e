// SPDX-License-Identifier: GPL-2.0
/*
 * Sampling and verdicts of kradar-vcpus.
 *
 * Each round asks QEMU for every vCPU's registers, then, for each vCPU
 * in kernel mode, the 64 words at its RSP and the bytes at its RIP
 * (through that vCPU's own page tables: cpu-index). After the rounds,
 * each vCPU gets one verdict from its samples alone:
 *
 *  - halted (HLT=1) in every sample: idle with IF=1, for good with IF=0;
 *  - the stale-breakpoint signature: every sample is either at one
 *    address A or inside the int3 path (asm_exc_int3, exc_int3,
 *    poke_int3_handler, irqentry_nmi_enter...; without symbols: a stack
 *    holding A+1, the int3 trap's return address), and the byte at A in
 *    memory is not 0xcc. The kernel's int3 handler rewinds IP to A when
 *    the breakpoint "was removed right after we hit it"; a vCPU that
 *    still executes a translation made while A held 0xcc traps again
 *    forever. That is QEMU TCG failing to invalidate the translation
 *    after the kernel's text_poke_bp() cross-modified code;
 *  - user mode in every sample;
 *  - one function (or, without symbols, one 4 KiB page) in every
 *    sample: spinning with interrupts off, or busy with them on;
 *  - otherwise: idle part of the time, or running several functions.
 *
 * Stack words are candidates only (like the kernel's "? func+0x.."
 * frames): any word that points into kernel text is shown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vcpus.h"

/* What the stale-translation verdict tells the user to do. */
#define VC_STALE_ADVICE "rerun with --tcg-threads single (see Documentation/runner.rst)"

#define KERNEL_HALF	0xffff800000000000ull
#define IMAGE_START	0xffffffff80000000ull	/* __START_KERNEL_map */
#define IMAGE_END	0xffffffffc0000000ull
#define STACK_SHOWN	24	/* candidate frames printed per stack */

/* Functions a vCPU passes through while it takes an int3 (x86-64 6.x). */
static const char *const int3_path[] = {
	"asm_exc_int3", "exc_int3", "do_int3", "do_int3_user",
	"poke_int3_handler", "kprobe_int3_handler", "ftrace_int3_handler",
	"irqentry_nmi_enter", "irqentry_nmi_exit", "irqentry_enter",
	"irqentry_exit", "ct_nmi_enter", "ct_nmi_exit", "rcu_nmi_enter",
	"rcu_nmi_exit", "notify_die", "atomic_notifier_call_chain",
	"kprobe_exceptions_notify", "error_entry", "error_return",
	"paranoid_entry", "paranoid_exit", "restore_regs_and_return_to_kernel",
	"native_iret", "native_irq_return_iret", "sync_regs", "fixup_bad_iret",
	"patch_cmp", "bsearch", "__bsearch", "int3_selftest_ip",
};

static bool in_int3_path(const char *fn)
{
	if (!fn)
		return false;
	for (size_t i = 0; i < sizeof(int3_path) / sizeof(int3_path[0]); i++)
		if (!strcmp(fn, int3_path[i]))
			return true;
	return false;
}

static bool s_kernel(const struct vc_sample *s)
{
	return s->r.cpl == 0 || (s->r.cpl < 0 && s->r.rip >= KERNEL_HALF);
}

static int s_if(const struct vc_sample *s)
{
	return s->r.have_rfl ? (int)(s->r.rfl >> 9 & 1) : -1;
}

static bool text_word(const struct vc_syms *syms, uint64_t w)
{
	if (syms && syms->n)
		return vc_syms__in_text(syms, w) || vc_is_module_addr(w);
	return (w >= IMAGE_START && w < IMAGE_END) || vc_is_module_addr(w);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static struct vc_cpu *cpu_of(struct vc_capture *c, int idx)
{
	for (int i = 0; i < c->ncpu; i++)
		if (c->cpu[i].cpu == idx)
			return &c->cpu[i];
	if (c->ncpu >= VC_MAX_CPUS)
		return NULL;
	memset(&c->cpu[c->ncpu], 0, sizeof(c->cpu[0]));
	c->cpu[c->ncpu].cpu = idx;
	return &c->cpu[c->ncpu++];
}

static void problem(struct vc_capture *c, const char *what, int err,
		    const char *detail)
{
	if (c->problem[0])
		return;
	snprintf(c->problem, sizeof(c->problem), "%s: %s%s%.120s", what,
		 err == -ETIMEDOUT ? "no answer within 10 s" :
		 err == -EPROTO ? "unreadable reply" :
		 err == -EIO ? "QEMU refused" :
		 err == -EMSGSIZE ? "reply too long" : strerror(-err),
		 detail ? ": " : "", detail ? detail : "");
}

/* A transport error after which the connection is unusable. */
static bool fatal(int r)
{
	return r == -EPIPE || r == -ETIMEDOUT || r == -EMSGSIZE ||
	       r == -ECONNRESET || r == -ENOMEM;
}

static const unsigned char *mem_at(const struct vc_cpu *v, uint64_t a, int *n)
{
	for (int i = 0; i < v->nmem; i++)
		if (v->mem[i].addr == a) {
			*n = v->mem[i].n;
			return v->mem[i].b;
		}
	*n = -1;
	return NULL;
}

static int read_mem(struct vc_qmp *q, struct vc_capture *c, struct vc_cpu *v,
		    uint64_t a)
{
	char cmd[64], *out = NULL;
	uint64_t vals[5];
	int n, r;

	if (mem_at(v, a, &n) || v->nmem >= (int)(sizeof(v->mem) / sizeof(v->mem[0])))
		return 0;
	snprintf(cmd, sizeof(cmd), "x /5bx 0x%llx", (unsigned long long)a);
	r = vc_qmp__hmp(q, cmd, v->cpu, &out);
	if (r && r != -ENOENT)
		problem(c, cmd, r, out);
	if (!r) {
		n = vc_parse_x(out, a, 1, vals, 5);
		v->mem[v->nmem].addr = a;
		v->mem[v->nmem].n = n;
		for (int i = 0; i < n; i++)
			v->mem[v->nmem].b[i] = (unsigned char)vals[i];
		v->nmem++;
	}
	free(out);
	return r;
}

/* ---- the stale-breakpoint signature --------------------------------- */

struct trap {
	bool found;
	uint64_t site;		/* A */
	int at_site, in_handler;
};

static const char *fn_of(const struct vc_syms *syms, uint64_t a)
{
	char buf[160];

	return vc_syms__format(syms, a, buf, sizeof(buf));
}

/* First text word of a stack outside the int3 path (symbols needed). */
static bool trap_return(const struct vc_syms *syms, const struct vc_sample *s,
			uint64_t *ret)
{
	for (int i = 0; i < s->nstack && i < 32; i++) {
		uint64_t w = s->stack[i];
		const char *fn;

		if (!vc_syms__in_text(syms, w))
			continue;
		fn = fn_of(syms, w);
		if (fn && !in_int3_path(fn)) {
			*ret = w;
			return true;
		}
	}
	return false;
}

static bool stack_has(const struct vc_sample *s, uint64_t w)
{
	for (int i = 0; i < s->nstack && i < 32; i++)
		if (s->stack[i] == w)
			return true;
	return false;
}

static struct trap find_trap(const struct vc_cpu *v, const struct vc_syms *syms)
{
	struct trap t = { 0 };
	bool have_syms = syms && syms->n;
	uint64_t best = 0;
	int bestn = 0;

	for (int i = 0; i < v->ns; i++)
		if (!s_kernel(&v->s[i]) || v->s[i].r.hlt == 1)
			return t;
	/* A: the most frequent RIP outside the int3 path */
	for (int i = 0; i < v->ns; i++) {
		uint64_t a = v->s[i].r.rip;
		int n = 0;

		if (have_syms && in_int3_path(fn_of(syms, a)))
			continue;
		for (int j = 0; j < v->ns; j++)
			n += v->s[j].r.rip == a;
		if (n > bestn) {
			bestn = n;
			best = a;
		}
	}
	if (!bestn && have_syms) {
		/* always inside the handler: A from the trap's return address */
		uint64_t ret;

		for (int i = 0; i < v->ns; i++)
			if (trap_return(syms, &v->s[i], &ret)) {
				int n = 0;

				for (int j = 0; j < v->ns; j++) {
					uint64_t r2;

					n += trap_return(syms, &v->s[j], &r2) && r2 == ret;
				}
				if (n > bestn) {
					bestn = n;
					best = ret - 1;
				}
			}
		if (bestn * 2 < v->ns)
			return t;
		t.site = best;
		t.in_handler = v->ns;
		t.found = true;
		return t;
	}
	if (!bestn)
		return t;
	t.site = best;
	for (int i = 0; i < v->ns; i++) {
		const struct vc_sample *s = &v->s[i];

		if (s->r.rip == best)
			t.at_site++;
		else if ((have_syms && in_int3_path(fn_of(syms, s->r.rip))) ||
			 stack_has(s, best + 1))
			t.in_handler++;
		else
			return t;
	}
	t.found = t.at_site >= 1 && t.in_handler >= 1;
	return t;
}

/* ---- capture -------------------------------------------------------- */

int vc_capture(struct vc_qmp *q, const struct vc_opts *o, struct vc_capture *c)
{
	static struct vc_regs regs[VC_MAX_CPUS];
	bool got[VC_MAX_CPUS];
	int rounds = o->samples;

	memset(c, 0, sizeof(*c));
	c->interval_ms = vc_qmp__is_replay(q) ? -1 : o->interval_ms;
	snprintf(c->version, sizeof(c->version), "%s", vc_qmp__version(q));
	if (rounds > VC_MAX_SAMPLES)
		rounds = VC_MAX_SAMPLES;
	for (int round = 0; round < rounds; round++) {
		char *out = NULL;
		int n, r;

		if (round && !vc_qmp__is_replay(q))
			sleep_ms(o->interval_ms);
		c->rounds++;
		r = vc_qmp__hmp(q, "info registers -a", -1, &out);
		if (r == -ENOENT) {	/* a replay with fewer rounds */
			c->rounds--;
			break;
		}
		if (r) {
			problem(c, "info registers -a", r, out);
			free(out);
			if (fatal(r))
				break;
			continue;
		}
		n = vc_parse_registers(out, regs, VC_MAX_CPUS);
		free(out);
		if (!n) {
			problem(c, "info registers -a", -EPROTO, "no CPU#N with RIP in it");
			continue;
		}
		c->samples++;
		memset(got, 0, sizeof(got));
		for (int i = 0; i < n; i++) {
			struct vc_cpu *v = cpu_of(c, regs[i].cpu);
			struct vc_sample *s;

			if (!v || got[v - c->cpu] || v->ns >= VC_MAX_SAMPLES)
				continue;	/* too many, or a duplicate CPU#N */
			got[v - c->cpu] = true;
			s = &v->s[v->ns++];
			s->r = regs[i];
			s->nstack = -1;
		}
		/* stacks and code bytes of the vCPUs in kernel mode */
		for (int i = 0; i < c->ncpu; i++) {
			struct vc_cpu *v = &c->cpu[i];
			struct vc_sample *s;
			char cmd[64];

			if (!got[i])
				continue;
			s = &v->s[v->ns - 1];
			if (!s_kernel(s))
				continue;
			if (s->r.have_rsp) {
				snprintf(cmd, sizeof(cmd), "x /%dgx 0x%llx", VC_STACK_WORDS,
					 (unsigned long long)s->r.rsp);
				r = vc_qmp__hmp(q, cmd, v->cpu, &out);
				if (!r)
					s->nstack = vc_parse_x(out, s->r.rsp, 8, s->stack,
							       VC_STACK_WORDS);
				else if (r != -ENOENT)
					problem(c, cmd, r, out);
				free(out);
				out = NULL;
				if (fatal(r))
					return c->samples ? 0 : -EIO;
			}
			r = read_mem(q, c, v, s->r.rip);
			if (fatal(r))
				return c->samples ? 0 : -EIO;
		}
	}
	/* a trap site never sampled as RIP (found from the stacks) */
	for (int i = 0; i < c->ncpu; i++) {
		struct trap t = find_trap(&c->cpu[i], o->syms);
		int n;

		if (t.found && !mem_at(&c->cpu[i], t.site, &n))
			if (fatal(read_mem(q, c, &c->cpu[i], t.site)))
				break;
	}
	return c->samples ? 0 : -EIO;
}

/* ---- verdicts ------------------------------------------------------- */

static void hexbytes(char *buf, size_t len, const unsigned char *b, int n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && o + 4 < len; i++)
		o += snprintf(buf + o, len - o, "%s%02x", i ? " " : "", b[i]);
}

/* Name of the place a sample is at: function, or page without symbols. */
static void place(const struct vc_syms *syms, uint64_t a, char *buf, size_t len)
{
	char tmp[160];
	const char *fn = vc_syms__format(syms, a, tmp, sizeof(tmp));

	if (fn)
		snprintf(buf, len, "%s", fn);
	else if (vc_is_module_addr(a))
		snprintf(buf, len, "module code (page 0x%llx)", (unsigned long long)(a & ~0xfffull));
	else
		snprintf(buf, len, "code page 0x%llx", (unsigned long long)(a & ~0xfffull));
}

/* One of the first text words of the stack is in @where. */
static bool stack_top_has(const struct vc_sample *s, const struct vc_syms *syms,
			  const char *where)
{
	char buf[160];
	int seen = 0;

	for (int i = 0; i < s->nstack && seen < 16; i++) {
		if (!text_word(syms, s->stack[i]))
			continue;
		seen++;
		place(syms, s->stack[i], buf, sizeof(buf));
		if (!strcmp(buf, where))
			return true;
	}
	return false;
}

static void decide_one(const struct vc_cpu *v, const struct vc_syms *syms,
		       struct vc_verdict *out)
{
	int n = v->ns, hlt = 0, ifon = 0, ifoff = 0, user = 0;
	char a[160], b[160], by[32];
	struct trap t;

	out->kind = VC_NONE;
	if (!n) {
		snprintf(out->text, sizeof(out->text), "vCPU %d: no registers captured", v->cpu);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct vc_sample *s = &v->s[i];

		hlt += s->r.hlt == 1;
		ifon += s_if(s) == 1;
		ifoff += s_if(s) == 0;
		user += !s_kernel(s);
	}
	if (hlt == n) {
		if (ifoff) {
			out->kind = VC_HALTED_IRQOFF;
			snprintf(out->text, sizeof(out->text),
				 "vCPU %d is halted with interrupts off (%d of %d samples): only an NMI can wake it",
				 v->cpu, ifoff, n);
		} else {
			out->kind = VC_IDLE;
			snprintf(out->text, sizeof(out->text),
				 "vCPU %d is idle: halted with interrupts on (%d of %d samples)",
				 v->cpu, n, n);
		}
		return;
	}
	t = find_trap(v, syms);
	if (t.found) {
		int nb;
		const unsigned char *m = mem_at(v, t.site, &nb);

		vc_syms__format(syms, t.site, a, sizeof(a));
		if (m && nb >= 1 && m[0] != 0xcc) {
			out->kind = VC_STALE_BP;
			hexbytes(by, sizeof(by), m, nb);
			snprintf(out->text, sizeof(out->text),
				 "vCPU %d keeps trapping on a breakpoint at %s that is no longer in memory (%s there now; %d samples at it, %d in the int3 handler): QEMU TCG is running a stale translation after the kernel patched its text (a QEMU defect, not the kernel's); "
				 VC_STALE_ADVICE, v->cpu, a, by, t.at_site, t.in_handler);
			return;
		}
		if (m && nb >= 1) {
			out->kind = VC_LIVE_BP;
			snprintf(out->text, sizeof(out->text),
				 "vCPU %d keeps trapping on a breakpoint at %s that is in memory (int3, 0xcc): text patching (text_poke_bp) or a kprobe there has not finished; look at the other vCPUs",
				 v->cpu, a);
			return;
		}
		/* the byte is unknown: fall through to the general verdicts */
	}
	if (!hlt && user * 4 >= n * 3) {
		out->kind = VC_USER;
		snprintf(out->text, sizeof(out->text),
			 "vCPU %d is running user code (%d of %d samples in user mode): not stuck in the kernel",
			 v->cpu, user, n);
		return;
	}
	if (!user && !hlt) {
		/* one place in every sample, as RIP or as a caller on the stack */
		int best = -1, best_at = 0;

		for (int i = 0; i < n; i++) {
			int in = 0, at = 0;

			place(syms, v->s[i].r.rip, a, sizeof(a));
			for (int j = 0; j < n; j++) {
				place(syms, v->s[j].r.rip, b, sizeof(b));
				if (!strcmp(a, b))
					at++, in++;
				else
					in += stack_top_has(&v->s[j], syms, a);
			}
			if (in == n && at > best_at) {
				best = i;
				best_at = at;
			}
		}
		if (best >= 0) {
			place(syms, v->s[best].r.rip, a, sizeof(a));
			if (ifoff == n) {
				out->kind = VC_SPIN_IRQOFF;
				snprintf(out->text, sizeof(out->text),
					 "vCPU %d spins in %s with interrupts off (%d of %d samples%s)",
					 v->cpu, a, n, n, best_at < n ? ", some in what it calls" : "");
			} else {
				out->kind = VC_BUSY;
				snprintf(out->text, sizeof(out->text),
					 "vCPU %d is busy in %s (%d of %d samples%s; interrupts %s)",
					 v->cpu, a, n, n, best_at < n ? ", some in what it calls" : "",
					 ifoff ? "sometimes off" : "on");
			}
			return;
		}
	}
	/* several places: name up to three */
	{
		char list[400] = "";
		size_t o = 0;
		int shown = 0;

		for (int i = 0; i < n && shown < 3; i++) {
			bool seen = false;

			if (v->s[i].r.hlt == 1 || !s_kernel(&v->s[i]))
				continue;
			place(syms, v->s[i].r.rip, a, sizeof(a));
			for (int j = 0; j < i && !seen; j++) {
				if (v->s[j].r.hlt == 1 || !s_kernel(&v->s[j]))
					continue;
				place(syms, v->s[j].r.rip, b, sizeof(b));
				seen = !strcmp(a, b);
			}
			if (!seen) {
				o += snprintf(list + o, sizeof(list) - o, "%s%s", shown ? ", " : "", a);
				shown++;
			}
			if (o >= sizeof(list))
				break;
		}
		if (hlt) {
			out->kind = VC_MOSTLY_IDLE;
			snprintf(out->text, sizeof(out->text),
				 "vCPU %d is idle in %d of %d samples, running otherwise (%s%s%s)",
				 v->cpu, hlt, n, user ? "user mode" : "", user && shown ? ", " : "", list);
		} else {
			out->kind = VC_RUNNING;
			snprintf(out->text, sizeof(out->text),
				 "vCPU %d is running (%d of %d samples in user mode; kernel: %s)",
				 v->cpu, user, n, shown ? list : "none");
		}
	}
}

void vc_decide(const struct vc_capture *c, const struct vc_syms *syms,
	       struct vc_verdict *v)
{
	int stuck = -1;

	for (int i = 0; i < c->ncpu; i++) {
		decide_one(&c->cpu[i], syms, &v[i]);
		if (v[i].kind == VC_STALE_BP || v[i].kind == VC_LIVE_BP)
			stuck = c->cpu[i].cpu;
	}
	/* a vCPU spinning with interrupts off next to one that cannot go on */
	for (int i = 0; i < c->ncpu && stuck >= 0; i++) {
		size_t l = strlen(v[i].text);

		if (v[i].kind == VC_SPIN_IRQOFF)
			snprintf(v[i].text + l, sizeof(v[i].text) - l,
				 "; probably waiting for vCPU %d, which cannot go on", stuck);
	}
}

/* ---- report ----------------------------------------------------------- */

static void print_stack(FILE *f, const struct vc_sample *s, int nr,
			const struct vc_syms *syms)
{
	char buf[160];
	int shown = 0;

	if (s->nstack < 0)
		return;
	fprintf(f, "  stack at RSP %016llx (sample %d), words pointing into kernel text, unreliable:\n",
		(unsigned long long)s->r.rsp, nr);
	if (!s->nstack)
		fprintf(f, "    (QEMU could not read it)\n");
	for (int i = 0; i < s->nstack && shown < STACK_SHOWN; i++) {
		if (!text_word(syms, s->stack[i]))
			continue;
		vc_syms__format(syms, s->stack[i], buf, sizeof(buf));
		fprintf(f, "    ? %s\n", buf);
		shown++;
	}
	if (s->nstack && !shown)
		fprintf(f, "    (none)\n");
}

int vc_report(FILE *f, const struct vc_capture *c, const struct vc_syms *syms,
	      const char *symsrc)
{
	static struct vc_verdict v[VC_MAX_CPUS];
	char buf[160], by[32];

	vc_decide(c, syms, v);
	fprintf(f, "kradar-vcpus: %d vCPU%s, %d sample%s", c->ncpu, c->ncpu == 1 ? "" : "s",
		c->samples, c->samples == 1 ? "" : "s");
	if (c->interval_ms < 0)
		fprintf(f, " (from a transcript)");
	else
		fprintf(f, " %d ms apart", c->interval_ms);
	fprintf(f, "%s%s\n", c->version[0] ? ", QEMU " : "", c->version);
	if (syms && syms->n)
		fprintf(f, "symbols: %s, kernel _text %016llx (KASLR offset 0x%llx)\n",
			symsrc ? symsrc : "?",
			(unsigned long long)(syms->file_text + (uint64_t)syms->offset),
			(unsigned long long)syms->offset);
	else
		fprintf(f, "symbols: none (addresses are not named; kradar-run caches a symbol list per kernel)\n");
	if (c->problem[0])
		fprintf(f, "problem: %s\n", c->problem);
	fputc('\n', f);
	for (int i = 0; i < c->ncpu; i++)
		fprintf(f, "%s\n", v[i].text);

	for (int i = 0; i < c->ncpu; i++) {
		const struct vc_cpu *cp = &c->cpu[i];
		char shown[4][160];
		int nshown = 0;

		fprintf(f, "\n== vCPU %d ==\n", cp->cpu);
		fprintf(f, "  %-6s %-44s %-16s %2s %3s %3s\n", "sample", "RIP", "", "IF", "HLT", "CPL");
		for (int j = 0; j < cp->ns; j++) {
			const struct vc_sample *s = &cp->s[j];
			int fl = s_if(s);

			vc_syms__format(syms, s->r.rip, buf, sizeof(buf));
			fprintf(f, "  %-6d %-44s %016llx %2s %3s %3s\n", j + 1,
				buf, (unsigned long long)s->r.rip,
				fl < 0 ? "?" : fl ? "1" : "0",
				s->r.hlt < 0 ? "?" : s->r.hlt ? "1" : "0",
				s->r.cpl < 0 ? "?" : s->r.cpl == 3 ? "3" : s->r.cpl == 0 ? "0" :
				s->r.cpl == 1 ? "1" : "2");
		}
		/* one stack per distinct place, at most four */
		for (int j = 0; j < cp->ns && nshown < 4; j++) {
			const struct vc_sample *s = &cp->s[j];
			bool seen = false;

			if (s->nstack < 0)
				continue;
			place(syms, s->r.rip, buf, sizeof(buf));
			for (int k = 0; k < nshown; k++)
				seen |= !strcmp(shown[k], buf);
			if (seen)
				continue;
			snprintf(shown[nshown++], sizeof(shown[0]), "%s", buf);
			print_stack(f, s, j + 1, syms);
		}
		for (int j = 0; j < cp->nmem; j++) {
			vc_syms__format(syms, cp->mem[j].addr, buf, sizeof(buf));
			hexbytes(by, sizeof(by), cp->mem[j].b, cp->mem[j].n);
			fprintf(f, "  memory at %s: %s\n", buf,
				cp->mem[j].n ? by : "(QEMU could not read it)");
		}
	}
	if (fflush(f) || ferror(f))
		return -EIO;
	return 0;
}
