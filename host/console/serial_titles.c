// SPDX-License-Identifier: GPL-2.0
/*
 * syzkaller-compatible crash titles for Linux console logs.
 *
 * This is a C port of the title rules of syzkaller's pkg/report (linux.go
 * for the oops table, the frame-skipping lists, the stall and hung-task
 * frame extractors and the corruption checks; report.go for the title
 * extraction algorithm, the dynamic title replacements and title
 * sanitising; crash/title_to_type.go for the type classes). The patterns
 * are the same regular expressions, run with PCRE2, whose leftmost-first
 * semantics match Go's RE2 for these patterns ($ is made to match only at
 * the very end, as in Go). Keep the tables in syzkaller's order: the order
 * decides which rule wins.
 *
 * Cost: patterns are compiled (JIT) once per process; per line only a
 * prefilter runs, the full rules only on report text.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serial_internal.h"

#define KS_MAX_GROUPS	16	/* capture groups + 1 any pattern may have */
#define KS_MAX_ARGS	16	/* title format arguments */
#define KS_TITLE_BUF	1024	/* titles before normalisation cuts them */
#define KS_MAX_RESULTS	4	/* key frames extracted per format */
#define KS_MAX_RAW	512	/* raw frames collected per stack part */
#define KS_MATCH_LIMIT	5000000	/* PCRE2 backtracking budget per match */
#define KS_NAME_LEN	192	/* bytes of a frame name (Rust symbols are long) */

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ */
/* Regular expressions: compiled lazily, cached by the pattern's address. */

static const char ks_parse_stack[] = "";	/* parseStackTrace sentinel */
#define STACK ks_parse_stack

struct re_slot {
	const void *key;
	pcre2_code *code;
};

#define RE_CACHE_SIZE 1024	/* power of two, > number of patterns */
static struct re_slot re_cache[RE_CACHE_SIZE];
static pcre2_match_data *re_md;
static pcre2_match_context *re_mctx;
static int re_error;		/* first compile error, -errno */

/* syzkaller's compile(): expand {{ADDR}}, {{PC}}, {{FUNC}}, {{SRC}}. */
static char *re_expand(const char *src)
{
	static const struct { const char *from, *to; } tab[] = {
		{ "{{ADDR}}", "0x[0-9a-f]+" },
		{ "{{PC}}", "\\[\\<?(?:0x)?[0-9a-f]+\\>?\\]" },
		{ "{{FUNC}}", "([a-zA-Z0-9_]+)(?:\\.|\\+)" },
		{ "{{SRC}}", "([a-zA-Z0-9\\-_/.]+\\.[a-z]+:[0-9]+)" },
	};
	size_t cap = strlen(src) * 8 + 1, n = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	while (*src) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(tab); i++) {
			size_t fl = strlen(tab[i].from);

			if (!strncmp(src, tab[i].from, fl)) {
				size_t tl = strlen(tab[i].to);

				memcpy(out + n, tab[i].to, tl);
				n += tl;
				src += fl;
				break;
			}
		}
		if (i == ARRAY_SIZE(tab))
			out[n++] = *src++;
	}
	out[n] = 0;
	return out;
}

static pcre2_code *re_compile_str(const char *pattern)
{
	int err;
	PCRE2_SIZE erroff;
	char *exp = re_expand(pattern);
	pcre2_code *code;

	if (!exp) {
		if (!re_error)
			re_error = -ENOMEM;
		return NULL;
	}
	code = pcre2_compile((PCRE2_SPTR)exp, PCRE2_ZERO_TERMINATED,
			     PCRE2_DOLLAR_ENDONLY, &err, &erroff, NULL);
	if (!code) {
		PCRE2_UCHAR msg[128];

		pcre2_get_error_message(err, msg, sizeof(msg));
		fprintf(stderr, "kradar_serial: built-in pattern %s: %s at %zu\n",
			exp, (char *)msg, (size_t)erroff);
		if (!re_error)
			re_error = -EINVAL;
	} else {
		pcre2_jit_compile(code, PCRE2_JIT_COMPLETE); /* best effort */
	}
	free(exp);
	return code;
}

static struct re_slot *re_slot(const void *key)
{
	size_t h = ((uintptr_t)key >> 3) * 0x9E3779B97F4A7C15ull;
	size_t i = h & (RE_CACHE_SIZE - 1);

	for (;;) {
		if (re_cache[i].key == key || !re_cache[i].key)
			return &re_cache[i];
		i = (i + 1) & (RE_CACHE_SIZE - 1);
	}
}

/* The compiled form of a pattern given by its (static) address. */
static pcre2_code *re_get(const char *src)
{
	struct re_slot *s = re_slot(src);

	if (!s->key) {
		s->key = src;
		s->code = re_compile_str(src);
	}
	return s->code;
}

/*
 * Search for src in s[start:len]. Returns the number of offset pairs in ov
 * (groups + 1), 0 when there is no match. Unset groups are (-1, -1).
 */
static int re_find_at(const char *src, const char *s, size_t len, size_t start,
		      long *ov)
{
	pcre2_code *code = re_get(src);
	PCRE2_SIZE *o;
	int rc, i;

	if (!code || start > len)
		return 0;
	rc = pcre2_match(code, (PCRE2_SPTR)s, len, start, 0, re_md, re_mctx);
	if (rc <= 0)
		return 0;
	if (rc > KS_MAX_GROUPS)
		rc = KS_MAX_GROUPS;
	/* report all groups of the pattern, unset ones included */
	{
		uint32_t cnt = 0;

		pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &cnt);
		if ((int)cnt + 1 > rc)
			rc = (int)cnt + 1 > KS_MAX_GROUPS ? KS_MAX_GROUPS : (int)cnt + 1;
	}
	o = pcre2_get_ovector_pointer(re_md);
	for (i = 0; i < rc; i++) {
		if (o[2 * i] == PCRE2_UNSET ||
		    i >= (int)pcre2_get_ovector_count(re_md)) {
			ov[2 * i] = ov[2 * i + 1] = -1;
		} else {
			ov[2 * i] = (long)o[2 * i];
			ov[2 * i + 1] = (long)o[2 * i + 1];
		}
	}
	return rc;
}

static int re_find(const char *src, const char *s, size_t len, long *ov)
{
	return re_find_at(src, s, len, 0, ov);
}

static bool re_match(const char *src, const char *s, size_t len)
{
	long ov[2 * KS_MAX_GROUPS];

	return re_find(src, s, len, ov) > 0;
}

static bool re_match_any(const char *const *list, const char *s, size_t len)
{
	for (; *list; list++)
		if (re_match(*list, s, len))
			return true;
	return false;
}

/* Compile a joined alternation ("a|b|c") once, keyed by an owner address. */
static pcre2_code *re_get_joined(const void *key, const char *const *a,
				 const char *b)
{
	struct re_slot *s = re_slot(key);
	size_t n = 1, i;
	char *buf;

	if (s->key)
		return s->code;
	s->key = key;
	for (i = 0; a && a[i]; i++)
		n += strlen(a[i]) + 1;
	if (b)
		n += strlen(b) + 1;
	buf = malloc(n);
	if (!buf) {
		re_error = -ENOMEM;
		return NULL;
	}
	buf[0] = 0;
	for (i = 0; a && a[i]; i++) {
		if (buf[0])
			strcat(buf, "|");
		strcat(buf, a[i]);
	}
	if (b) {
		if (buf[0])
			strcat(buf, "|");
		strcat(buf, b);
	}
	s->code = re_compile_str(buf);
	free(buf);
	return s->code;
}

static bool code_match(pcre2_code *code, const char *s, size_t len)
{
	if (!code)
		return false;
	return pcre2_match(code, (PCRE2_SPTR)s, len, 0, 0, re_md, re_mctx) > 0;
}

static bool is_dig(char c)
{
	return c >= '0' && c <= '9';
}

static bool mem_has(const char *s, size_t len, const char *needle)
{
	return memmem(s, len, needle, strlen(needle)) != NULL;
}

/* ------------------------------------------------------------------ */
/* The oops table (linux.go linuxOopses + report.go commonOopses). */

enum { EX_NONE, EX_STALL, EX_HANG };

struct ks_stack {
	const char *parts[4];	/* NULL-terminated; STACK = parse a trace */
	const char *parts2[4];	/* tried when parts fail */
	const char *skip;	/* extra skip alternation, or NULL */
	int extractor;
};

struct ks_format {
	const char *title;
	const char *report;	/* when set, arguments come from it */
	const char *fmt;
	const char *alt[2];
	const struct ks_stack *stack;
	bool no_stack_trace;
	bool corrupted;
};

struct ks_oops {
	const char *header;
	const struct ks_format *formats;
	size_t nr_formats;
	const char *const *suppressions;	/* NULL-terminated */
};

#define RIP_FRAME "(?:IP|NIP|pc |PC is at):? (?:(?:[0-9]+:)?(?:{{PC}} +){0,2}{{FUNC}}|(?:[0-9]+:)?0x[0-9a-f]+|(?:[0-9]+:)?{{PC}} +\\[< *\\(null\\)>\\] +\\(null\\)|[0-9]+: +\\(null\\))"
#define CALL_TRACE "(?:Call (?:T|t)race:)|(?:Backtrace:)"

/* The literal strings must be distinct objects per use: the regex cache is
 * keyed by address, and equal literals may be merged, which is harmless. */
static const char rip_frame[] = RIP_FRAME;
static const char call_trace[] = CALL_TRACE;
static const char warn_part[] = "(?:" RIP_FRAME "|--- interrupt: [0-9]+ at {{FUNC}})";

#define WARN_STACK(skipre) (&(const struct ks_stack){ \
	.parts = { warn_part, STACK }, \
	.parts2 = { call_trace, STACK }, .skip = (skipre) })
#define CT_STACK(skipre) (&(const struct ks_stack){ \
	.parts = { call_trace, STACK }, .skip = (skipre) })
#define RIP_CT_STACK(skipre) (&(const struct ks_stack){ \
	.parts = { rip_frame, call_trace, STACK }, .skip = (skipre) })

static const struct ks_format bug_formats[] = {
	{ .title = "BUG: KASAN:",
	  .report = "BUG: KASAN: ([a-z\\-]+) in {{FUNC}}(?:.*\\n)+?.*(Read|Write) (?:of size|at addr) (?:[0-9a-f]+)",
	  .fmt = "KASAN: %[1]v %[3]v in %[4]v",
	  .alt = { "bad-access in %[4]v" },
	  .stack = &(const struct ks_stack){
		.parts = { "BUG: KASAN: (?:[a-z\\-]+) in {{FUNC}}", call_trace, STACK },
		.skip = "kernel_fault|tag_check|mem_abort|^el1_|^el1h_" } },
	{ .title = "BUG: KASAN:",
	  .report = "BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}",
	  .fmt = "KASAN: invalid-free in %[2]v",
	  .alt = { "invalid-free in %[2]v" },
	  .stack = &(const struct ks_stack){
		.parts = { "BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in {{FUNC}}",
			   call_trace, STACK },
		.skip = "slab_|kfree|vunmap|vfree" } },
	{ .title = "BUG: KASAN: ([a-z\\-]+) on address(?:.*\\n)+?.*(Read|Write) of size ([0-9]+)",
	  .fmt = "KASAN: %[1]v %[2]v" },
	{ .title = "BUG: KASAN: (.*)", .fmt = "KASAN: %[1]v", .corrupted = true },
	{ .title = "BUG: KMSAN: kernel-usb-infoleak",
	  .report = "BUG: KMSAN: kernel-usb-infoleak in {{FUNC}}",
	  .fmt = "KMSAN: kernel-usb-infoleak in %[2]v",
	  .alt = { "KMSAN origin in %[3]v" },
	  .stack = &(const struct ks_stack){
		.parts = { STACK, "(Local variable .* created at:|Uninit was created at:)", STACK },
		.skip = "alloc_skb|usb_submit_urb|usb_start_wait_urb|usb_bulk_msg|usb_interrupt_msg|usb_control_msg" },
	  .no_stack_trace = true },
	{ .title = "BUG: KMSAN:",
	  .report = "BUG: KMSAN: ([a-z\\-]+) in {{FUNC}}",
	  .fmt = "KMSAN: %[1]v in %[3]v",
	  .alt = { "bad-access in %[3]v" },
	  .stack = &(const struct ks_stack){
		.parts = { STACK, "(Local variable .* created at:|Uninit was created at:)", STACK },
		.skip = "alloc_skb|netlink_ack|netlink_rcv_skb|_encrypt$|^(?:crypto|cipher|drbg|rng)_" },
	  .no_stack_trace = true },
	{ .title = "BUG: KCSAN: data-race", .report = "BUG: KCSAN: (.*)",
	  .fmt = "KCSAN: %[1]v", .no_stack_trace = true },
	{ .title = "BUG: KCSAN:", .report = "BUG: KCSAN: (.*)",
	  .fmt = "KCSAN: %[1]v", .no_stack_trace = true },
	{ .title = "BUG: KFENCE: (use-after-free|out-of-bounds) (read|write) in {{FUNC}}",
	  .fmt = "KFENCE: %[1]v %[2]v in %[4]v",
	  .alt = { "bad-access in %[4]v" },
	  .stack = &(const struct ks_stack){
		.parts = { "BUG: KFENCE: (?:[a-z\\- ]+) in {{FUNC}}", STACK } } },
	{ .title = "BUG: KFENCE: invalid free in {{FUNC}}",
	  .fmt = "KFENCE: invalid free in %[2]v",
	  .alt = { "invalid-free in %[2]v" },
	  .no_stack_trace = true,
	  .stack = &(const struct ks_stack){
		.parts = { "BUG: KFENCE: (?:[a-z\\- ]+) in {{FUNC}}", STACK } } },
	{ .title = "BUG: KFENCE: invalid (read|write) in {{FUNC}}",
	  .fmt = "KFENCE: invalid %[1]v in %[3]v",
	  .alt = { "bad-access in %[3]v" },
	  .stack = &(const struct ks_stack){
		.parts = { "BUG: KFENCE: (?:[a-z\\- ]+) in {{FUNC}}", STACK } } },
	{ .title = "BUG: KFENCE: memory corruption in {{FUNC}}",
	  .fmt = "KFENCE: memory corruption in %[2]v",
	  .no_stack_trace = true,
	  .stack = &(const struct ks_stack){
		.parts = { "BUG: KFENCE: (?:[a-z\\- ]+) in {{FUNC}}", STACK } } },
	{ .title = "BUG: (?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel data access)",
	  .fmt = "BUG: unable to handle kernel paging request in %[1]v",
	  .alt = { "bad-access in %[1]v" },
	  .stack = RIP_CT_STACK(NULL) },
	{ .title = "BUG: (?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Kernel NULL pointer dereference)",
	  .fmt = "BUG: unable to handle kernel NULL pointer dereference in %[1]v",
	  .alt = { "bad-access in %[1]v" },
	  .stack = RIP_CT_STACK(NULL) },
	{ .title = "BUG: (?:unable to handle kernel|Unable to handle kernel)",
	  .fmt = "BUG: unable to handle kernel", .corrupted = true },
	{ .title = "BUG: (spinlock|rwlock) (lockup suspected|already unlocked|recursion|cpu recursion|bad magic|wrong owner|wrong CPU|trylock failure on UP)",
	  .fmt = "BUG: %[1]v %[2]v in %[3]v",
	  .stack = CT_STACK("spin_|_lock|_unlock") },
	{ .title = "BUG: soft lockup", .fmt = "BUG: soft lockup in %[1]v",
	  .alt = { "stall in %[1]v" },
	  .stack = &(const struct ks_stack){
		.parts = { rip_frame, call_trace, STACK }, .extractor = EX_STALL } },
	{ .title = "BUG: .*still has locks held!",
	  .report = "BUG: .*still has locks held!(?:.*\\n)+?.*{{PC}} +{{FUNC}}",
	  .fmt = "BUG: still has locks held in %[1]v" },
	{ .title = "BUG: scheduling while atomic",
	  .fmt = "BUG: scheduling while atomic in %[1]v",
	  .stack = CT_STACK("schedule") },
	{ .title = "BUG: lock held when returning to user space",
	  .report = "BUG: lock held when returning to user space(?:.*\\n)+?.*leaving the kernel with locks still held(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
	  .fmt = "BUG: lock held when returning to user space in %[1]v",
	  .no_stack_trace = true },
	{ .title = "BUG: bad unlock balance detected!",
	  .fmt = "BUG: bad unlock balance in %[1]v",
	  .stack = &(const struct ks_stack){
		.parts = { "{{PC}} +{{FUNC}}", call_trace, STACK } } },
	{ .title = "BUG: held lock freed!",
	  .report = "BUG: held lock freed!(?:.*\\n)+?.*{{PC}} +{{FUNC}}",
	  .fmt = "BUG: held lock freed in %[1]v" },
	{ .title = "BUG: Bad rss-counter state", .fmt = "BUG: Bad rss-counter state",
	  .no_stack_trace = true },
	{ .title = "BUG: non-zero nr_ptes on freeing mm",
	  .fmt = "BUG: non-zero nr_ptes on freeing mm", .no_stack_trace = true },
	{ .title = "BUG: non-zero nr_pmds on freeing mm",
	  .fmt = "BUG: non-zero nr_pmds on freeing mm", .no_stack_trace = true },
	{ .title = "BUG: Dentry .* still in use",
	  .report = "BUG: Dentry .* still in use \\([0-9]+\\) \\[(unmount) of ([^\\]]+)\\]",
	  .fmt = "BUG: Dentry still in use in %[1]v",
	  .alt = { "BUG: Dentry still in use [%[1]v of %[2]v]" } },
	{ .title = "BUG: Bad page (state|cache)",
	  .fmt = "BUG: Bad page %[1]v in %[2]v",
	  .stack = &(const struct ks_stack){
		.parts = { "page last allocated", STACK },
		.skip = "(free|put|get|update|release)_page|free_unref|^_*folio|truncate_inode_pages|page_frag_free|alloc|vmap|page_owner" } },
	{ .title = "BUG: Bad page map", .fmt = "BUG: Bad page map" },
	{ .title = "BUG: workqueue lockup", .fmt = "BUG: workqueue lockup",
	  .no_stack_trace = true },
	{ .title = "BUG: sleeping function called from invalid context at (.*)",
	  .fmt = "BUG: sleeping function called from invalid context in %[2]v",
	  .stack = CT_STACK(NULL) },
	{ .title = "BUG: using ([a-z_]+)\\(\\) in preemptible",
	  .fmt = "BUG: using %[1]v() in preemptible code in %[2]v",
	  .stack = CT_STACK("dump_stack|preemption|preempt|debug_|processor_id|this_cpu") },
	{ .title = "BUG: workqueue leaked lock or atomic",
	  .report = "BUG: workqueue leaked lock or atomic(?:.*\\n)+?.*last function: ([a-zA-Z0-9_]+)\\n",
	  .fmt = "BUG: workqueue leaked lock or atomic in %[1]v",
	  .no_stack_trace = true },
	{ .title = "BUG: memory leak", .fmt = "memory leak in %[1]v",
	  .stack = &(const struct ks_stack){
		.parts = { "backtrace(?: \\(crc [[:xdigit:]]*\\))?:", STACK },
		.skip = "kmemleak|mmap|kmem|slab|alloc|create_object|idr_get|list_lru_init|kasprintf|kvasprintf|pcpu_create|strdup|strndup|memdup" } },
	{ .title = "BUG: .*stack guard page was hit at",
	  .fmt = "BUG: stack guard page was hit in %[1]v",
	  .alt = { "stack-overflow in %[1]v" },
	  .stack = &(const struct ks_stack){
		.parts = { rip_frame, call_trace, STACK }, .extractor = EX_STALL } },
	{ .title = "BUG: Invalid wait context",
	  .fmt = "WARNING: locking bug in %[1]v",
	  .stack = CT_STACK("lock_sock|release_sock") },
	{ .title = "BUG:[[:space:]]*(?:\\n|$)", .fmt = "BUG: corrupted",
	  .corrupted = true },
};

static const char *const bug_supp[] = {
	"ODEBUG:", "Boot_DEBUG:", "xlog_status:", "DEBUG:",
	"BUG: no syscalls can create resource", NULL,
};

static const struct ks_format warning_formats[] = {
	{ .title = "WARNING: .*lib/debugobjects\\.c.* (?:debug_print|debug_check|at)",
	  .fmt = "WARNING: ODEBUG bug in %[1]v",
	  .stack = WARN_STACK("debug_|rcu|hrtimer_|timer_|work_|percpu_|vunmap|vfree|__free_|debug_check|kobject_") },
	{ .title = "WARNING: .*mm/usercopy\\.c.* (?:usercopy_warn|at)",
	  .fmt = "WARNING: bad usercopy in %[1]v",
	  .stack = WARN_STACK("usercopy|__check") },
	{ .title = "WARNING: .*lib/kobject\\.c.* (?:kobject_|at)",
	  .fmt = "WARNING: kobject bug in %[1]v",
	  .stack = WARN_STACK("kobject_") },
	{ .title = "WARNING: .*fs/proc/generic\\.c.* (?:proc_register|at)",
	  .fmt = "WARNING: proc registration bug in %[1]v",
	  .stack = WARN_STACK("proc_") },
	{ .title = "WARNING: .*lib/refcount\\.c.* (?:refcount_|at)",
	  .fmt = "WARNING: refcount bug in %[1]v",
	  .stack = WARN_STACK("refcount|kobject_") },
	{ .title = "WARNING: .*kernel/locking/lockdep\\.c.*lock_",
	  .fmt = "WARNING: locking bug in %[1]v",
	  .stack = WARN_STACK("lock_sock|release_sock") },
	{ .title = "WARNING: .*still has locks held!",
	  .report = "WARNING: .*still has locks held!(?:.*\\n)+?.*at: {{FUNC}}",
	  .fmt = "WARNING: still has locks held in %[1]v" },
	{ .title = "WARNING: Nested lock was not taken",
	  .fmt = "WARNING: nested lock was not taken in %[1]v",
	  .stack = WARN_STACK(NULL) },
	{ .title = "WARNING: lock held when returning to user space",
	  .report = "WARNING: lock held when returning to user space(?:.*\\n)+?.*leaving the kernel with locks still held(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
	  .fmt = "WARNING: lock held when returning to user space in %[1]v",
	  .no_stack_trace = true },
	{ .title = "WARNING: .*mm/.*\\.c.* k?.?malloc",
	  .fmt = "WARNING: kmalloc bug in %[1]v",
	  .stack = WARN_STACK("kmalloc|krealloc|slab|kmem") },
	{ .title = "WARNING: .*mm/vmalloc.c.*__vmalloc_node",
	  .fmt = "WARNING: zero-size vmalloc in %[1]v",
	  .stack = WARN_STACK(NULL) },
	{ .title = "WARNING: .* usb_submit_urb",
	  .fmt = "WARNING in %[1]v/usb_submit_urb",
	  .stack = WARN_STACK("usb_submit_urb|usb_start_wait_urb|usb_bulk_msg|usb_interrupt_msg|usb_control_msg") },
	{ .title = "WARNING: {{SRC}} at 0x\\d+, CPU#\\d+",
	  .fmt = "WARNING in %[2]v", .stack = WARN_STACK(NULL) },
	{ .title = "WARNING: .* at {{SRC}} {{FUNC}}",
	  .fmt = "WARNING in %[3]v", .stack = WARN_STACK(NULL) },
	{ .title = "WARNING: {{SRC}} at {{FUNC}}",
	  .fmt = "WARNING in %[3]v", .stack = WARN_STACK(NULL) },
	{ .title = "WARNING: \\[.*\\] {{SRC}} at {{FUNC}}.*",
	  .fmt = "WARNING in %[3]v", .stack = WARN_STACK(NULL) },
	{ .title = "WARNING: possible circular locking dependency detected",
	  .report = "WARNING: possible circular locking dependency detected(?:.*\\n)+?.*is trying to acquire lock",
	  .fmt = "possible deadlock in %[1]v",
	  .stack = &(const struct ks_stack){
		.parts = { "at: (?:{{PC}} +)?{{FUNC}}", "at: (?:{{PC}} +)?{{FUNC}}", STACK },
		.skip = "process_one_work|flush_workqueue|drain_workqueue|destroy_workqueue" } },
	{ .title = "WARNING: possible irq lock inversion dependency detected",
	  .report = "WARNING: possible irq lock inversion dependency detected(?:.*\\n)+?.*just changed the state of lock(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
	  .fmt = "possible deadlock in %[1]v" },
	{ .title = "WARNING: .*-safe -> .*-unsafe lock order detected",
	  .fmt = "possible deadlock in %[1]v",
	  .stack = &(const struct ks_stack){
		.parts = { "which became (?:.*) at:", STACK } } },
	{ .title = "WARNING: possible recursive locking detected",
	  .report = "WARNING: possible recursive locking detected(?:.*\\n)+?.*is trying to acquire lock(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
	  .fmt = "possible deadlock in %[1]v" },
	{ .title = "WARNING: inconsistent lock state",
	  .report = "WARNING: inconsistent lock state(?:.*\\n)+?.*takes(?:.*\\n)+?.*at: (?:{{PC}} +)?{{FUNC}}",
	  .fmt = "inconsistent lock state in %[2]v",
	  .stack = CT_STACK(NULL) },
	{ .title = "WARNING: suspicious RCU usage",
	  .report = "WARNING: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}",
	  .fmt = "WARNING: suspicious RCU usage in %[2]v",
	  .stack = CT_STACK("rcu|kmem|slab") },
	{ .title = "WARNING: kernel stack regs at [0-9a-f]+ in [^ ]* has bad '([^']+)' value",
	  .fmt = "WARNING: kernel stack regs has bad '%[1]v' value",
	  .no_stack_trace = true },
	{ .title = "WARNING: kernel stack frame pointer at [0-9a-f]+ in [^ ]* has bad value",
	  .fmt = "WARNING: kernel stack frame pointer has bad value",
	  .no_stack_trace = true },
	{ .title = "WARNING: bad unlock balance detected!",
	  .fmt = "WARNING: bad unlock balance in %[1]v",
	  .stack = &(const struct ks_stack){
		.parts = { "{{PC}} +{{FUNC}}", call_trace, STACK } } },
	{ .title = "WARNING: held lock freed!",
	  .report = "WARNING: held lock freed!(?:.*\\n)+?.*at:(?: {{PC}})? +{{FUNC}}",
	  .fmt = "WARNING: held lock freed in %[1]v" },
	{ .title = "WARNING: kernel stack regs .* has bad 'bp' value",
	  .fmt = "WARNING: kernel stack regs has bad value", .no_stack_trace = true },
	{ .title = "WARNING: kernel stack frame pointer .* has bad value",
	  .fmt = "WARNING: kernel stack regs has bad value", .no_stack_trace = true },
	{ .title = "WARNING:[[:space:]]*(?:\\n|$)", .fmt = "WARNING: corrupted",
	  .corrupted = true },
};

static const char *const warning_supp[] = {
	"WARNING: /etc/ssh/moduli does not exist, using fixed modulus",
	"WARNING: workqueue cpumask: online intersect > possible intersect",
	"WARNING: [Tt]he mand mount option",
	"WARNING: Unsupported flag value\\(s\\) of 0x%x in DT_FLAGS_1",
	"WARNING: Unprivileged eBPF is enabled with eIBRS",
	"WARNING: fbcon: Driver '(.*)' missed to adjust virtual screen size (\\((?:\\d+)x(?:\\d+) vs\\. (?:\\d+)x(?:\\d+)\\))",
	"WARNING: See https.* for mitigation options.",
	"WARNING: kernel not compiled with CPU_SRSO",
	"EXT4-[Ff][Ss](?: \\(.*\\))?:",
	"(?i)warning: .* uses (deprecated v2 capabilities|wireless extensions)",
	"XFS \\(\\w+\\): WARNING",
	NULL,
};

static const struct ks_format info_formats[] = {
	{ .title = "INFO: possible circular locking dependency detected",
	  .report = "INFO: possible circular locking dependency detected \\](?:.*\\n)+?.*is trying to acquire lock(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}",
	  .fmt = "possible deadlock in %[1]v" },
	{ .title = "INFO: possible irq lock inversion dependency detected",
	  .report = "INFO: possible irq lock inversion dependency detected \\](?:.*\\n)+?.*just changed the state of lock(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}",
	  .fmt = "possible deadlock in %[1]v" },
	{ .title = "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected",
	  .report = "INFO: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected \\](?:.*\\n)+?.*is trying to acquire(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}",
	  .fmt = "possible deadlock in %[1]v" },
	{ .title = "INFO: possible recursive locking detected",
	  .report = "INFO: possible recursive locking detected \\](?:.*\\n)+?.*is trying to acquire lock(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}",
	  .fmt = "possible deadlock in %[1]v" },
	{ .title = "INFO: inconsistent lock state",
	  .report = "INFO: inconsistent lock state \\](?:.*\\n)+?.*takes(?:.*\\n)+?.*at: {{PC}} +{{FUNC}}",
	  .fmt = "inconsistent lock state in %[1]v" },
	{ .title = "INFO: rcu_(?:preempt|sched|bh|tasks) (?:self-)?detected(?: expedited)? stall",
	  .fmt = "INFO: rcu detected stall in %[1]v",
	  .alt = { "stall in %[1]v" },
	  .stack = &(const struct ks_stack){
		.parts = { "apic_timer_interrupt", rip_frame, STACK },
		.parts2 = { "(?:apic_timer_interrupt|Exception stack|el1h_64_irq)", STACK },
		.skip = "apic_timer_interrupt|rcu", .extractor = EX_STALL } },
	{ .title = "INFO: trying to register non-static key",
	  .fmt = "INFO: trying to register non-static key in %[1]v",
	  .stack = CT_STACK("stack|lock|IRQ") },
	{ .title = "INFO: suspicious RCU usage",
	  .report = "INFO: suspicious RCU usage(?:.*\n)+?.*?{{SRC}}",
	  .fmt = "INFO: suspicious RCU usage in %[2]v",
	  .stack = CT_STACK("rcu|kmem|slab") },
	{ .title = "INFO: task .* blocked (?:in I/O wait )?for more than [0-9]+ seconds",
	  .fmt = "INFO: task hung in %[1]v",
	  .alt = { "hang in %[1]v" },
	  .stack = &(const struct ks_stack){
		.parts = { call_trace, STACK }, .extractor = EX_HANG } },
	{ .title = "INFO: task .* can't die for more than .* seconds",
	  .fmt = "INFO: task can't die in %[1]v",
	  .alt = { "hang in %[1]v" },
	  .stack = CT_STACK("schedule") },
	{ .title = "INFO: (Freed|Allocated) in (.*)", .fmt = "INFO: %[1]v in %[2]v",
	  .corrupted = true },
	{ .title = "INFO:[[:space:]]*(?:\\n|$)", .fmt = "INFO: corrupted",
	  .corrupted = true },
};

static const char *const info_supp[] = {
	"INFO: lockdep is turned off",
	"INFO: Stall ended before state dump start",
	"INFO: NMI handler",
	"INFO: recovery required on readonly filesystem",
	"(handler|interrupt).*took too long",
	"INFO: sys_.* is not present in /proc/kallsyms",
	"INFO: no syscalls can create resource",
	"rmt_storage:INFO:",
	"_INFO:",
	NULL,
};

static const struct ks_format unable_formats[] = {
	{ .title = "Unable to handle kernel (paging request|NULL pointer dereference|access to user memory)",
	  .fmt = "BUG: unable to handle kernel %[1]v in %[2]v",
	  .alt = { "bad-access in %[2]v" },
	  .stack = RIP_CT_STACK(NULL) },
};

static const struct ks_format gpf_formats[] = {
	{ .title = "general protection fault.*:",
	  .fmt = "general protection fault in %[1]v",
	  .alt = { "bad-access in %[1]v" },
	  .stack = RIP_CT_STACK(NULL) },
};
static const char *const gpf_supp[] = {
	"general protection fault .* error:\\d+ in ", NULL,
};

static const struct ks_format stackseg_formats[] = {
	{ .title = "stack segment: ", .fmt = "stack segment fault in %[1]v",
	  .stack = RIP_CT_STACK(NULL) },
};

static const struct ks_format panic_formats[] = {
	{ .title = "Kernel panic - not syncing: stack-protector:",
	  .report = "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: {{FUNC}}",
	  .fmt = "kernel panic: stack is corrupted in %[1]v", .no_stack_trace = true },
	{ .title = "Kernel panic - not syncing: stack-protector:",
	  .report = "Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: [a-f0-9]+",
	  .fmt = "kernel panic: stack is corrupted in %[1]v",
	  .stack = CT_STACK("stack_chk") },
	{ .title = "Kernel panic - not syncing: corrupted stack end",
	  .report = "Kernel panic - not syncing: corrupted stack end detected inside scheduler",
	  .fmt = "kernel panic: corrupted stack end in %[1]v",
	  .alt = { "stack-overflow in %[1]v" },
	  .stack = &(const struct ks_stack){
		.parts = { call_trace, STACK }, .skip = "schedule|retint_kernel",
		.extractor = EX_STALL } },
	{ .title = "Kernel panic - not syncing: kernel stack overflow",
	  .fmt = "kernel stack overflow in %[1]v",
	  .alt = { "stack-overflow in %[1]v" },
	  .stack = &(const struct ks_stack){
		.parts = { call_trace, STACK }, .skip = "bad_stack",
		.extractor = EX_STALL } },
	{ .title = "Kernel panic - not syncing: Attempted to kill init!",
	  .fmt = "kernel panic: Attempted to kill init!" },
	{ .title = "Kernel panic - not syncing: Couldn't open N_TTY ldisc for [^ ]+ --- error -[0-9]+",
	  .fmt = "kernel panic: Couldn't open N_TTY ldisc" },
	{ .title = "Kernel panic - not syncing: Fatal exception",
	  .fmt = "kernel panic: Fatal exception", .corrupted = true },
	{ .title = "Kernel panic - not syncing: panic_on_warn set",
	  .fmt = "kernel panic: panic_on_warn set", .corrupted = true },
	{ .title = "Kernel panic - not syncing: hung_task: blocked tasks",
	  .fmt = "kernel panic: hung_task: blocked tasks", .corrupted = true },
	{ .title = "Kernel panic - not syncing: (.*)", .fmt = "kernel panic: %[1]v" },
};

static const struct ks_format dblfault_formats[] = {
	{ .title = "PANIC: double fault", .fmt = "PANIC: double fault in %[1]v",
	  .stack = &(const struct ks_stack){ .parts = { rip_frame } } },
};

static const struct ks_format rust_formats[] = {
	{ .title = "rust_kernel: panicked",
	  .report = "rust_kernel: panicked at [^\n]*?\n(.+?)\n",
	  .fmt = "%[1]v in %[2]v",
	  .stack = CT_STACK("__rustc::rust_begin_unwind") },
};

static const struct ks_format kbug_formats[] = {
	{ .title = "kernel BUG at mm/usercopy.c", .fmt = "BUG: bad usercopy in %[1]v",
	  .stack = CT_STACK("usercopy|__check") },
	{ .title = "kernel BUG at lib/list_debug.c", .fmt = "BUG: corrupted list in %[1]v",
	  .alt = { "bad-access in %[1]v" }, .stack = CT_STACK(NULL) },
	{ .title = "kernel BUG at (.*)", .fmt = "kernel BUG in %[2]v",
	  .stack = RIP_CT_STACK("^skb_") },
};

static const struct ks_format Kbug_formats[] = {
	{ .title = "Kernel BUG (.*)", .fmt = "kernel BUG %[1]v" },
};

static const struct ks_format kmalloc_formats[] = {
	{ .title = "BUG kmalloc-.*: Object already free", .fmt = "BUG: Object already free" },
};

static const struct ks_format divide_formats[] = {
	{ .title = "divide error: ", .fmt = "divide error in %[1]v",
	  .stack = &(const struct ks_stack){ .parts = { rip_frame } } },
};
static const struct ks_format divide2_formats[] = {
	{ .title = "divide_error: ", .fmt = "divide error in %[1]v",
	  .stack = &(const struct ks_stack){ .parts = { rip_frame } } },
};
static const struct ks_format invop_formats[] = {
	{ .title = "invalid opcode: ", .fmt = "invalid opcode in %[1]v",
	  .stack = &(const struct ks_stack){ .parts = { rip_frame } } },
};

static const struct ks_format ubsan_formats[] = {
	{ .title = "UBSAN:", .report = "UBSAN: Undefined behaviour in",
	  .fmt = "UBSAN: undefined-behaviour in %[1]v",
	  .stack = CT_STACK("ubsan|overflow") },
	{ .title = "UBSAN: array-index-out-of-bounds in",
	  .fmt = "UBSAN: array-index-out-of-bounds in %[1]v",
	  .alt = { "bad-access in %[1]v" },
	  .stack = CT_STACK("ubsan|overflow") },
	{ .title = "UBSAN:", .report = "UBSAN: (.*?) in",
	  .fmt = "UBSAN: %[1]v in %[2]v",
	  .stack = CT_STACK("ubsan|overflow") },
};

static const struct ks_format boot_formats[] = {
	{ .title = "^Booting the kernel", .fmt = "unexpected kernel reboot",
	  .no_stack_trace = true },
};
static const char *const boot_supp[] = {
	"Parsing ELF|Decompressing Linux|Unknown parameter '", NULL,
};

static const struct ks_format netdev_formats[] = {
	{ .title = "unregister_netdevice: waiting for (?:.*) to become free",
	  .fmt = "unregister_netdevice: waiting for DEV to become free",
	  .no_stack_trace = true },
};
static const struct ks_format vfsclose_formats[] = {
	{ .title = "VFS: Close: file count is 0",
	  .fmt = "VFS: Close: file count is zero (use-after-free)", .no_stack_trace = true },
};
static const struct ks_format vfsbusy_formats[] = {
	{ .title = "VFS: Busy inodes after unmount",
	  .fmt = "VFS: Busy inodes after unmount (use-after-free)", .no_stack_trace = true },
};
static const struct ks_format interr_formats[] = {
	{ .title = "Internal error:", .fmt = "Internal error in %[1]v",
	  .alt = { "bad-access in %[1]v" }, .stack = RIP_CT_STACK(NULL) },
};
static const struct ks_format unhandled_formats[] = {
	{ .title = "Unhandled fault:", .fmt = "Unhandled fault in %[1]v",
	  .alt = { "bad-access in %[1]v" }, .stack = RIP_CT_STACK(NULL) },
};
static const struct ks_format align_formats[] = {
	{ .title = "Alignment trap:", .fmt = "Alignment trap in %[1]v",
	  .stack = RIP_CT_STACK(NULL) },
};
static const struct ks_format trusty_formats[] = {
	{ .title = "trusty: panic.* ASSERT FAILED",
	  .report = "trusty: panic \\(.*?\\):(?: DEBUG)? ASSERT FAILED at \\(.*?\\): (.+)",
	  .fmt = "trusty: ASSERT FAILED: %[1]v", .no_stack_trace = true },
	{ .title = "trusty: panic.* ASSERT FAILED.*: *(.*)",
	  .fmt = "trusty: ASSERT FAILED: %[1]v", .corrupted = true },
	{ .title = "trusty: panic", .report = "trusty: panic \\(.*?\\): (.+)",
	  .fmt = "trusty: panic: %[1]v", .no_stack_trace = true },
};
static const struct ks_format goerr_formats[] = {
	{ .title = "fatal error:", .fmt = "go runtime error", .no_stack_trace = true },
};
static const char *const goerr_supp[] = {
	"ALSA", "fatal error: cannot create timer", NULL,
};
static const struct ks_format syzfail_formats[] = {
	{ .title = "SYZFAIL:(.*)", .fmt = "SYZFAIL:%[1]v", .no_stack_trace = true },
};
static const struct ks_format syzfatal_formats[] = {
	{ .title = "SYZFATAL:(.*)()", .fmt = "SYZFATAL:%[1]v",
	  .alt = { "SYZFATAL%[2]s" }, .no_stack_trace = true },
};
static const struct ks_format gopanic_formats[] = {
	{ .title = "panic: Sentry detected .* stuck task",
	  .fmt = "panic: Sentry detected stuck tasks", .no_stack_trace = true },
	{ .title = "panic:(.*)", .fmt = "panic:%[1]v", .no_stack_trace = true },
};
static const char *const gopanic_supp[] = {
	"_panic:", "xlog_status:", "ddb\\.onpanic:", "evtlog_status:", NULL,
};

static const char *const no_supp[] = { NULL };

#define OOPS(h, f, s) { h, f, ARRAY_SIZE(f), s }
static const struct ks_oops oopses[] = {
	OOPS("BUG:", bug_formats, bug_supp),
	OOPS("WARNING:", warning_formats, warning_supp),
	OOPS("INFO:", info_formats, info_supp),
	OOPS("Unable to handle kernel", unable_formats, no_supp),
	OOPS("general protection fault", gpf_formats, gpf_supp),
	OOPS("stack segment: ", stackseg_formats, no_supp),
	OOPS("Kernel panic", panic_formats, no_supp),
	OOPS("PANIC: double fault", dblfault_formats, no_supp),
	OOPS("rust_kernel: panicked", rust_formats, no_supp),
	OOPS("kernel BUG", kbug_formats, no_supp),
	OOPS("Kernel BUG", Kbug_formats, no_supp),
	OOPS("BUG kmalloc-", kmalloc_formats, no_supp),
	OOPS("divide error:", divide_formats, no_supp),
	OOPS("divide_error:", divide2_formats, no_supp),
	OOPS("invalid opcode:", invop_formats, no_supp),
	OOPS("UBSAN:", ubsan_formats, no_supp),
	OOPS("Booting the kernel.", boot_formats, boot_supp),
	OOPS("unregister_netdevice: waiting for", netdev_formats, no_supp),
	OOPS("VFS: Close: file count is 0", vfsclose_formats, no_supp),
	OOPS("VFS: Busy inodes after unmount", vfsbusy_formats, no_supp),
	OOPS("Internal error:", interr_formats, no_supp),
	OOPS("Unhandled fault:", unhandled_formats, no_supp),
	OOPS("Alignment trap:", align_formats, no_supp),
	OOPS("trusty: panic", trusty_formats, no_supp),
	OOPS("fatal error:", goerr_formats, goerr_supp),
	OOPS("SYZFAIL:", syzfail_formats, no_supp),
	OOPS("SYZFATAL:", syzfatal_formats, no_supp),
	OOPS("panic:", gopanic_formats, gopanic_supp),
};

static const char *const report_start_ignores[] = {
	"invalid opcode: 0000", "Kernel panic - not syncing",
	"unregister_netdevice: waiting for", "PANIC: double fault",
	"Internal error:", NULL,
};

static const char *const info_with_stack[] = {
	"vmalloc: allocation failure:", "FAULT_INJECTION: forcing a failure",
	"FAULT_FLAG_ALLOW_RETRY missing", NULL,
};

/* linuxStackParams */
static const char riscv_stack_start[] =
	"status: [0-9a-f]{16} badaddr: [0-9a-f]{16} cause: [0-9a-f]{16}";
static const char *const stack_start_res[] = {
	"Call (?:T|t)race", "Allocated:", "Allocated by task [0-9]+:", "Freed:",
	"Freed by task [0-9]+:", "[^k] backtrace(?: \\(crc [[:xdigit:]]*\\))?:",
	"Backtrace:", "Uninit was stored to memory at", riscv_stack_start, NULL,
};
static const char *const frame_res[] = {
	"^ *(?:{{PC}} ){0,2}{{FUNC}}",
	"^ *{{PC}} \\(([a-zA-Z0-9_.]+)\\) from {{PC}} \\({{FUNC}}",
	NULL,
};
static const char *const corrupted_lines[] = {
	"^( \\[\\<?(?:0x)?[0-9a-f]+\\>?\\])? should_fail(slab)?(\\.[a-z0-9.]+)?\\+0x",
	NULL,
};
static const char *const skip_patterns[] = {
	"__sanitizer", "__asan", "kasan", "hwasan", "__msan", "kmsan",
	"kcsan_setup_watchpoint", "check_memory_region", "check_heap_object",
	"check_object", "read_word_at_a_time", "(read|write)_once_.*nocheck",
	"print_address_description", "panic", "invalid_op", "report_bug",
	"fixup_bug", "print_report", "print_usage_bug", "do_error", "invalid_op",
	"_trap$|do_trap", "show_stack", "dump_stack", "walk_stack",
	"dump_backtrace", "warn_slowpath", "warn_alloc", "warn_bogus", "__warn",
	"alloc_page", "k?v?(?:m|z|c)alloc", "krealloc", "kmem_cache",
	"allocate_slab", "__alloc_frozen_pages_noprof", "folio_(?:alloc|unlock)",
	"filemap_alloc_folio", "__filemap_get_folio", "find_or_create_page",
	"do_read_cache_folio", "read_cache_page", "pagecache_get_page",
	"grab_cache_page_write_begin", "slab_", "debug_object",
	"timer_is_static_object", "work_is_static_object", "__might_fault",
	"print_unlock", "imbalance_bug", "lockdep", "bh_enable", "bh_disable",
	"perf_trace", "lock_acquire", "lock_release", "lock_class", "mark_lock",
	"(reacquire|mark)_held_locks", "raw_spin_rq", "spin_lock",
	"spin_trylock", "spin_unlock", "read_lock", "read_trylock", "write_lock",
	"write_trylock", "read_unlock", "write_unlock", "^down$", "down_read",
	"down_write", "down_read_trylock", "down_write_trylock", "down_trylock",
	"up_read", "up_write", "^mutex_", "^__mutex_", "^rt_mutex_",
	"owner_on_cpu", "osq_lock", "osq_unlock",
	"atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)",
	"(set|clear|change|test)_bit", "__wake_up", "^refcount_", "^kref_",
	"ref_tracker", "seqprop_assert", "memcpy", "memcmp", "memset", "memchr",
	"memmove", "memdup", "strcmp", "strncmp", "strcpy", "strlcpy", "strncpy",
	"strscpy", "strlen", "strstr", "strnstr", "strnlen", "strchr", "strdup",
	"strndup", "copy_to_user", "copy_from_user", "copy_to_iter",
	"copy_from_iter", "copy_page_to_iter", "copy_page_from_iter",
	"copy_folio_to_iter", "^copyin$", "^copyout$", "put_user", "get_user",
	"might_fault", "might_sleep", "list_add", "list_del", "list_replace",
	"list_move", "list_splice", "^rb_", "^__rb_", "_indirect_thunk_",
	"string", "pointer", "snprintf", "scnprintf", "kasprintf", "kvasprintf",
	"printk", "va_format", "dev_info", "dev_notice", "dev_warn", "dev_err",
	"dev_alert", "dev_crit", "dev_emerg", "program_check_exception",
	"program_check_common", "del_timer", "flush_work", "__cancel_work_timer",
	"cancel_work_sync", "try_to_grab_pending", "flush_workqueue",
	"drain_workqueue", "destroy_workqueue", "queue_work", "finish_wait",
	"kthread_stop", "kobject_", "add_uevent_var", "get_device_parent",
	"device_add", "device_del", "device_unregister", "device_destroy",
	"device_release", "devres_release_all", "hwrng_unregister",
	"i2c_del_adapter", "__unregister_client", "device_for_each_child",
	"rollback_registered", "unregister_netdev", "sysfs_remove",
	"device_remove_file", "tty_unregister_device", "dummy_urb_enqueue",
	"usb_kill_urb", "usb_kill_anchored_urbs", "usb_control_msg",
	"usb_hcd_submit_urb", "usb_submit_urb", "^complete$",
	"wait_for_completion", "^kv?free$", "kfree_skb", "readb$", "readw$",
	"readl$", "readq$", "writeb$", "writew$", "writel$", "writeq$",
	"logic_in", "logic_out", "^crc\\d+", "crc_itu_t", "__might_resched",
	"assertfail", "^iput$", "^iput_final$", "^ihold$", "hex_dump_to_buffer",
	"print_hex_dump", "^klist_", "(trace|lockdep)_(hard|soft)irq",
	"^(un)?lock_page", "stack_trace_consume_entry", "arch_stack_walk",
	"stack_trace_save", "insert_work", "__queue_delayed_work",
	"queue_delayed_work_on", "ida_free", "do_(kernel|translation)_fault",
	"do_mem_abort", "el1_abort", "el1h_64_sync(?:_handler)?",
	"print_tainted", "xas_(?:start|load|find)", "find_lock_entries",
	"truncate_inode_pages_range", "__phys_addr", "__fortify_report",
	"cleanup_srcu_struct", "rhashtable_lookup", "extract_(user|iter)_to_sg",
	"drop_nlink", "^get_taint$", "^put_device$", "lock_timer_base",
	"__timer_delete_sync", "sk_stop_timer_sync", "__mod_timer", "fast_dput",
	"dput", NULL,
};
static const char *const strip_frame_prefixes[] = {
	"SYSC_", "SyS_", "sys_", "__x64_", "__ia32_", "__arm64_", "____sys_",
	"___sys_", "__sys_", "__se_", "__se_sys_", "__do_sys_", "compat_SYSC_",
	"compat_SyS_", "ksys_", NULL,
};
static const char *const stall_anchor_frames[] = {
	"process_one_work", "do_syscall_", "do_fast_syscall_",
	"sysenter_dispatch", "tracesys_phase2", "el0_svc_handler",
	"invoke_syscall", "ret_fast_syscall", "netif_receive_skb", "do_softirq",
	"call_timer_fn", "_run_timers", "run_timer_softirq", "hrtimer_run",
	"run_ksoftirqd", "smpboot_thread_fn", "^kthread$", "start_secondary",
	"cpu_startup_entry", "ret_from_fork", "vfs_write", "vfs_read",
	"vfs_iter_read", "vfs_iter_write", "do_iter_read", "do_iter_write",
	"call_read_iter", "call_write_iter", "new_sync_read", "new_sync_write",
	"vfs_ioctl", "ksys_ioctl", "compat_ioctl", "compat_sys_ioctl",
	"blkdev_driver_ioctl", "blkdev_ioctl", "^call_read_iter",
	"^call_write_iter", "do_iter_readv_writev", "^call_mmap", "mmap_region",
	"do_mmap", "do_dentry_open", "vfs_open", "^sock_sendmsg",
	"^sock_recvmsg", "^sock_release", "^__sock_release", "^setsockopt$",
	"kernel_setsockopt", "sock_common_setsockopt", "^listen$",
	"kernel_listen", "sk_common_release", "^sock_mmap", "^accept$",
	"kernel_accept", "^sock_do_ioctl", "^sock_ioctl", "^compat_sock_ioctl",
	"^nfnetlink_rcv_msg", "^rtnetlink_rcv_msg", "^netlink_dump",
	"^(sys_)?(socketpair|connect|ioctl)", "__do_fault", "do_page_fault",
	"^page_fault$", "__fput", "task_work_run", "exit_to_usermode",
	"smp_call_function", "tasklet_action", "tasklet_hi_action", NULL,
};
static const char *const corrupted_titles[] = { "\\[ *[0-9]+\\.[0-9]+\\]", NULL };

/* Keys for joined alternations in the regex cache. */
static const char key_stall_anchor[] = "stall-anchor";

/* ------------------------------------------------------------------ */

/* Event keywords: with the oops headers, the literals of the prefilter. */
static const char *const ev_words[] = {
	"rcu", "hrtimer: interrupt took", "soft lockup", "hard LOCKUP",
	"blocked for more than", "blocked on a", "RT throttling",
	"Oops", "BUG", "WARNING", NULL,
};

const char *ks_prefilter_word(size_t i)
{
	if (i < ARRAY_SIZE(oopses))
		return oopses[i].header;
	return ev_words[i - ARRAY_SIZE(oopses) < ARRAY_SIZE(ev_words) ?
			i - ARRAY_SIZE(oopses) : ARRAY_SIZE(ev_words) - 1];
}

static char prefilter_src[4096];
static char headers_src[2048];	/* the oops headers only */

int ks_titles_init(void)
{
	static bool done;
	size_t i, j, n = 0;

	if (done)
		return re_error;
	done = true;
	re_md = pcre2_match_data_create(KS_MAX_GROUPS, NULL);
	re_mctx = pcre2_match_context_create(NULL);
	if (!re_md || !re_mctx)
		return re_error = -ENOMEM;
	pcre2_set_match_limit(re_mctx, KS_MATCH_LIMIT);

	/* Prefilter: every oops header and every event keyword, literally. */
	for (i = 0; ks_prefilter_word(i); i++) {
		const char *w = ks_prefilter_word(i);

		if (n)
			prefilter_src[n++] = '|';
		for (j = 0; w[j] && n + 4 < sizeof(prefilter_src); j++) {
			if (strchr("\\^$.|?*+()[]{}", w[j]))
				prefilter_src[n++] = '\\';
			prefilter_src[n++] = w[j];
		}
		if (i + 1 == ARRAY_SIZE(oopses)) {
			memcpy(headers_src, prefilter_src, n);
			headers_src[n] = 0;
		}
	}
	prefilter_src[n] = 0;
	re_get(prefilter_src);
	re_get(headers_src);

	/* Compile everything now so errors show up at construction. */
	for (i = 0; i < ARRAY_SIZE(oopses); i++) {
		const struct ks_oops *o = &oopses[i];

		for (j = 0; o->suppressions[j]; j++)
			re_get(o->suppressions[j]);
		for (j = 0; j < o->nr_formats; j++) {
			const struct ks_format *f = &o->formats[j];

			re_get(f->title);
			if (f->report)
				re_get(f->report);
		}
	}
	re_get_joined(key_stall_anchor, stall_anchor_frames, NULL);
	return re_error;
}

bool ks_line_candidate(const char *line, size_t len)
{
	return re_match(prefilter_src, line, len);
}

int ks_match_oops(const char *line, size_t len, uint64_t lits)
{
	/* per header, the scanner literals it contains: all must be there */
	static uint64_t need[ARRAY_SIZE(oopses)];
	static bool need_done;
	size_t i;

	if (!need_done) {
		for (i = 0; i < ARRAY_SIZE(oopses); i++)
			need[i] = ks_lit_bits(oopses[i].header);
		need_done = true;
	}
	if (lits == KS_LIT_ALL && !re_match(headers_src, line, len))
		return -1;
	for (i = 0; i < ARRAY_SIZE(oopses); i++) {
		if ((lits & need[i]) != need[i] || !strstr(line, oopses[i].header))
			continue;
		if (re_match_any(oopses[i].suppressions, line, len))
			continue;
		return (int)i;
	}
	return -1;
}

bool ks_report_start_ignored(const char *line, size_t len)
{
	return re_match_any(report_start_ignores, line, len);
}

const char *ks_info_stack_word(size_t i)
{
	return i < ARRAY_SIZE(info_with_stack) ? info_with_stack[i] : NULL;
}

bool ks_info_with_stack(const char *line, size_t len)
{
	const char *const *p;

	for (p = info_with_stack; *p; p++)
		if (strstr(line, *p))
			return true;
	return false;
}

bool ks_questionable_frame(const char *line, size_t len)
{
	return memmem(line, len, " ? ", 3) != NULL;
}


/* ------------------------------------------------------------------ */
/*
 * Rust v0 symbol demangling ("_R..."), the subset syzkaller's demangle.Filter
 * with NoParams yields for kernel frames: paths, impls (<T>, <T as Trait>),
 * closures and shims, backrefs, common types; generic arguments are parsed
 * and omitted. Anything else leaves the symbol as it is.
 */
struct rdm {
	const char *s;
	size_t len, pos;
	char *out;
	size_t on, osz;
	int quiet;		/* > 0: parse without printing */
	int depth;
	bool err;
};

#define RDM_MAX_DEPTH 64

static void rdm_put(struct rdm *d, const char *s, size_t n)
{
	if (d->quiet || d->err)
		return;
	if (d->on + n + 1 > d->osz) {
		d->err = true;
		return;
	}
	memcpy(d->out + d->on, s, n);
	d->on += n;
	d->out[d->on] = 0;
}

static void rdm_puts(struct rdm *d, const char *s)
{
	rdm_put(d, s, strlen(s));
}

static char rdm_peek(struct rdm *d)
{
	return d->pos < d->len ? d->s[d->pos] : 0;
}

static bool rdm_eat(struct rdm *d, char c)
{
	if (rdm_peek(d) == c) {
		d->pos++;
		return true;
	}
	return false;
}

static uint64_t rdm_base62(struct rdm *d)
{
	uint64_t v = 0;

	if (rdm_eat(d, '_'))
		return 0;
	for (;;) {
		char c = rdm_peek(d);
		int x;

		if (c >= '0' && c <= '9')
			x = c - '0';
		else if (c >= 'a' && c <= 'z')
			x = 10 + c - 'a';
		else if (c >= 'A' && c <= 'Z')
			x = 36 + c - 'A';
		else if (c == '_') {
			d->pos++;
			return v + 1;
		} else {
			d->err = true;
			return 0;
		}
		d->pos++;
		if (v > (UINT64_MAX - 62) / 62) {
			d->err = true;
			return 0;
		}
		v = v * 62 + (uint64_t)x;
	}
}

static uint64_t rdm_disambiguator(struct rdm *d)
{
	return rdm_eat(d, 's') ? rdm_base62(d) + 1 : 0;
}

/* identifier: [u] decimal [_] bytes */
static void rdm_ident(struct rdm *d, const char **id, size_t *idlen, bool *puny)
{
	uint64_t n = 0;

	*puny = rdm_eat(d, 'u');
	if (!is_dig(rdm_peek(d))) {
		d->err = true;
		return;
	}
	if (rdm_peek(d) == '0') {
		d->pos++;
	} else {
		while (is_dig(rdm_peek(d)) && n < 100000)
			n = n * 10 + (uint64_t)(d->s[d->pos++] - '0');
	}
	rdm_eat(d, '_');
	if (n > d->len - d->pos) {
		d->err = true;
		return;
	}
	*id = d->s + d->pos;
	*idlen = (size_t)n;
	d->pos += (size_t)n;
}

static void rdm_path(struct rdm *d);
static void rdm_type(struct rdm *d);

static bool rdm_enter(struct rdm *d)
{
	if (d->err || ++d->depth > RDM_MAX_DEPTH) {
		d->err = true;
		return false;
	}
	return true;
}

/* Run fn at a backref target, then come back. */
static void rdm_backref(struct rdm *d, void (*fn)(struct rdm *))
{
	uint64_t target = rdm_base62(d);
	size_t save = d->pos;

	if (d->err || target + 2 >= d->pos) {	/* must point backwards */
		d->err = true;
		return;
	}
	d->pos = (size_t)target + 2;
	fn(d);
	d->pos = save;
}

static void rdm_generic_arg(struct rdm *d)
{
	if (rdm_eat(d, 'L')) {
		rdm_base62(d);
	} else if (rdm_eat(d, 'K')) {
		/* const: type + data, or placeholder / backref */
		if (rdm_eat(d, 'p'))
			return;
		if (rdm_eat(d, 'B')) {
			rdm_base62(d);
			return;
		}
		rdm_type(d);
		rdm_eat(d, 'n');
		while (rdm_peek(d) && rdm_peek(d) != '_')
			d->pos++;
		if (!rdm_eat(d, '_'))
			d->err = true;
	} else {
		rdm_type(d);
	}
}

static void rdm_type(struct rdm *d)
{
	static const char *const basic[26] = {
		['a' - 'a'] = "i8", ['b' - 'a'] = "bool", ['c' - 'a'] = "char",
		['d' - 'a'] = "f64", ['e' - 'a'] = "str", ['f' - 'a'] = "f32",
		['h' - 'a'] = "u8", ['i' - 'a'] = "isize", ['j' - 'a'] = "usize",
		['l' - 'a'] = "i32", ['m' - 'a'] = "u32", ['n' - 'a'] = "i128",
		['o' - 'a'] = "u128", ['s' - 'a'] = "i16", ['t' - 'a'] = "u16",
		['u' - 'a'] = "()", ['v' - 'a'] = "...", ['x' - 'a'] = "i64",
		['y' - 'a'] = "u64", ['z' - 'a'] = "!", ['p' - 'a'] = "_",
	};
	char c = rdm_peek(d);

	if (!rdm_enter(d))
		return;
	if (c >= 'a' && c <= 'z' && basic[c - 'a']) {
		d->pos++;
		rdm_puts(d, basic[c - 'a']);
	} else if (c == 'R' || c == 'Q') {
		d->pos++;
		if (rdm_eat(d, 'L'))
			rdm_base62(d);
		rdm_puts(d, c == 'R' ? "&" : "&mut ");
		rdm_type(d);
	} else if (c == 'P' || c == 'O') {
		d->pos++;
		rdm_puts(d, c == 'P' ? "*const " : "*mut ");
		rdm_type(d);
	} else if (c == 'A' || c == 'S') {
		d->pos++;
		rdm_puts(d, "[");
		rdm_type(d);
		if (c == 'A') {
			rdm_puts(d, "; _");
			d->quiet++;
			rdm_generic_arg(d);	/* a const, as "K" without the K */
			d->quiet--;
		}
		rdm_puts(d, "]");
	} else if (c == 'T') {
		int n = 0;

		d->pos++;
		rdm_puts(d, "(");
		while (!d->err && !rdm_eat(d, 'E')) {
			if (n++)
				rdm_puts(d, ", ");
			rdm_type(d);
			if (!rdm_peek(d))
				d->err = true;
		}
		if (n == 1)
			rdm_puts(d, ",");
		rdm_puts(d, ")");
	} else if (c == 'B') {
		d->pos++;
		rdm_backref(d, rdm_type);
	} else if (c == 'C' || c == 'N' || c == 'M' || c == 'X' || c == 'Y' || c == 'I') {
		rdm_path(d);
	} else {
		d->err = true;	/* fn pointers, dyn traits: not needed here */
	}
	d->depth--;
}

static void rdm_path(struct rdm *d)
{
	char c = rdm_peek(d);
	const char *id;
	size_t idlen;
	bool puny;

	if (!rdm_enter(d))
		return;
	d->pos++;
	switch (c) {
	case 'C':
		rdm_disambiguator(d);
		rdm_ident(d, &id, &idlen, &puny);
		rdm_put(d, id, idlen);
		break;
	case 'N': {
		char ns = rdm_peek(d);
		uint64_t dis;

		d->pos++;
		rdm_path(d);
		dis = rdm_disambiguator(d);
		rdm_ident(d, &id, &idlen, &puny);
		if (ns >= 'A' && ns <= 'Z') {
			char num[32];

			rdm_puts(d, "::{");
			rdm_puts(d, ns == 'C' ? "closure" : ns == 'S' ? "shim" : "?");
			if (idlen) {
				rdm_puts(d, ":");
				rdm_put(d, id, idlen);
			}
			snprintf(num, sizeof(num), "#%llu}", (unsigned long long)dis);
			rdm_puts(d, num);
		} else if (ns >= 'a' && ns <= 'z') {
			rdm_puts(d, "::");
			rdm_put(d, id, idlen);
		} else {
			d->err = true;
		}
		break;
	}
	case 'M':
		rdm_disambiguator(d);
		d->quiet++;
		rdm_path(d);	/* impl path: where the impl is, not printed */
		d->quiet--;
		rdm_puts(d, "<");
		rdm_type(d);
		rdm_puts(d, ">");
		break;
	case 'X':
		rdm_disambiguator(d);
		d->quiet++;
		rdm_path(d);
		d->quiet--;
		rdm_puts(d, "<");
		rdm_type(d);
		rdm_puts(d, " as ");
		rdm_path(d);
		rdm_puts(d, ">");
		break;
	case 'Y':
		rdm_puts(d, "<");
		rdm_type(d);
		rdm_puts(d, " as ");
		rdm_path(d);
		rdm_puts(d, ">");
		break;
	case 'I':
		rdm_path(d);
		d->quiet++;	/* generic arguments omitted (NoParams) */
		while (!d->err && !rdm_eat(d, 'E')) {
			rdm_generic_arg(d);
			if (!rdm_peek(d))
				d->err = true;
		}
		d->quiet--;
		break;
	case 'B':
		rdm_backref(d, rdm_path);
		break;
	default:
		d->err = true;
	}
	d->depth--;
}

/* Demangle a Rust v0 symbol into out; false (out untouched) if it is not one. */
bool ks_rust_demangle(const char *sym, char *out, size_t outsz)
{
	char buf[KS_NAME_LEN * 2];
	struct rdm d = { .s = sym, .len = strlen(sym), .pos = 2,
			 .out = buf, .osz = sizeof(buf) };

	if (strncmp(sym, "_R", 2))
		return false;
	buf[0] = 0;
	if (is_dig(rdm_peek(&d)))	/* encoding version */
		while (is_dig(rdm_peek(&d)))
			d.pos++;
	rdm_path(&d);
	/* an instantiating crate may follow; it is not printed */
	if (d.err || !buf[0])
		return false;
	str_copy(out, outsz, buf);
	return true;
}

/* ------------------------------------------------------------------ */
/* Frame extraction (report.go extractStackFrame). */

struct frames {
	int n;
	char name[KS_MAX_RAW][KS_NAME_LEN];
};

struct key_frame {
	char canonical[KS_NAME_LEN];
	char raw[KS_NAME_LEN];
};

static void copy_span(char *dst, size_t dstsz, const char *s, long a, long b)
{
	size_t n;

	if (a < 0 || b < a) {
		dst[0] = 0;
		return;
	}
	n = (size_t)(b - a);
	if (n >= dstsz)
		n = dstsz - 1;
	memcpy(dst, s + a, n);
	dst[n] = 0;
}

static void append_frames(struct frames *fr, const char *ln, const long *ov,
			  int nov, pcre2_code *skip)
{
	int g;

	for (g = 1; g < nov; g++) {
		char name[KS_NAME_LEN];

		if (ov[2 * g] < 0)
			continue;
		copy_span(name, sizeof(name), ln, ov[2 * g], ov[2 * g + 1]);
		ks_rust_demangle(name, name, sizeof(name));
		if (skip && code_match(skip, name, strlen(name)))
			continue;
		if (fr->n < KS_MAX_RAW)
			strcpy(fr->name[fr->n++], name);
	}
}

static const char *strip_prefixes(const char *frame)
{
	const char *best = frame;
	const char *const *p;

	for (p = strip_frame_prefixes; *p; p++) {
		size_t l = strlen(*p);

		if (!strncmp(frame, *p, l) && strlen(frame + l) < strlen(best))
			best = frame + l;
	}
	return best;
}

static int stall_extractor(const char (*frames)[KS_NAME_LEN], int n,
			   const char **out)
{
	pcre2_code *anchors = re_get_joined(key_stall_anchor, stall_anchor_frames, NULL);
	const char *prev = frames[0];
	int prev_idx = 0, i;

	for (i = 0; i < n; i++) {
		if (code_match(anchors, frames[i], strlen(frames[i]))) {
			if (strstr(frames[i], "smp_call_function")) {
				prev = "smp_call_function";
				prev_idx = i;
			}
			*out = prev;
			return prev_idx;
		}
		prev = frames[i];
		prev_idx = i;
	}
	*out = "";
	return -1;
}

static int hang_extractor(const char (*frames)[KS_NAME_LEN], int n,
			  const char **out)
{
	static const struct { const char *anchor, *repl; } anchors[] = {
		{ "rtnl_lock", NULL },
		{ "synchronize_rcu", "synchronize_rcu" },
		{ "synchronize_srcu", "synchronize_rcu" },
		{ "synchronize_net", "synchronize_rcu" },
		{ "synchronize_sched", "synchronize_rcu" },
	};
	static const char *const skip[] = {
		"sched", "_lock", "_slowlock", "down", "rwsem", "completion",
		"kthread", "wait", "synchronize", "context_switch", "__switch_to",
		"cancel_delayed_work", "rcu_barrier",
	};
	int i;
	size_t a;

	for (i = 0; i < n; i++)
		for (a = 0; a < ARRAY_SIZE(anchors); a++)
			if (strstr(frames[i], anchors[a].anchor)) {
				*out = anchors[a].repl ? anchors[a].repl : frames[i];
				return i;
			}
	for (i = 0; i < n; i++) {
		for (a = 0; a < ARRAY_SIZE(skip); a++)
			if (strstr(frames[i], skip[a]))
				break;
		if (a == ARRAY_SIZE(skip)) {
			*out = frames[i];
			return i;
		}
	}
	*out = "";
	return -1;
}

static struct key_frame extract_key(const struct ks_stack *st, struct frames *raw)
{
	static char stripped[KS_MAX_RAW][KS_NAME_LEN];
	struct key_frame k = { "", "" };
	const char *frame = "";
	int i, idx = 0;

	if (!raw->n)
		return k;
	for (i = 0; i < raw->n; i++) {
		strncpy(stripped[i], strip_prefixes(raw->name[i]), KS_NAME_LEN - 1);
		stripped[i][KS_NAME_LEN - 1] = 0;
	}
	if (st->extractor == EX_NONE) {
		frame = stripped[0];
	} else {
		idx = st->extractor == EX_STALL ?
			stall_extractor((const char (*)[KS_NAME_LEN])stripped, raw->n, &frame) :
			hang_extractor((const char (*)[KS_NAME_LEN])stripped, raw->n, &frame);
		if (!frame[0] || idx < 0)
			return k;
	}
	str_copy(k.canonical, sizeof(k.canonical), frame);
	str_copy(k.raw, sizeof(k.raw), raw->name[idx]);
	return k;
}

struct line_iter {
	const char *s;
	size_t len, pos;
	bool done;
};

static bool next_line(struct line_iter *it, const char **ln, size_t *lnlen)
{
	const char *nl;

	if (it->done)
		return false;
	nl = memchr(it->s + it->pos, '\n', it->len - it->pos);
	*ln = it->s + it->pos;
	if (!nl) {
		*lnlen = it->len - it->pos;
		it->done = true;	/* bytes.Split yields the tail, even empty */
	} else {
		*lnlen = (size_t)(nl - (it->s + it->pos));
		it->pos += *lnlen + 1;
	}
	return true;
}

static bool first_frame_match(const char *ln, size_t len, long *ov, int *nov)
{
	const char *const *p;

	for (p = frame_res; *p; p++) {
		*nov = re_find(*p, ln, len, ov);
		if (*nov > 0)
			return true;
	}
	*nov = 0;
	return false;
}

static int extract_impl(const char *out, size_t len, pcre2_code *skip,
			const struct ks_stack *st, const char *const *parts,
			struct key_frame *res, bool *ok)
{
	struct line_iter it = { out, len, 0, false };
	static struct frames raw;
	int nparts = 0, nres = 0, nstacks = 0, pi;
	long ov[2 * KS_MAX_GROUPS];
	const char *ln;
	size_t lnlen;

	while (nparts < 4 && parts[nparts])
		nparts++;
	raw.n = 0;
	*ok = true;
	for (pi = 0;; pi++) {
		if (pi == nparts || (parts[pi] == STACK && nstacks > 0)) {
			struct key_frame k = extract_key(st, &raw);

			if (!k.canonical[0]) {
				strcpy(k.canonical, "corrupted");
				strcpy(k.raw, "corrupted");
				*ok = false;
			}
			if (nres < KS_MAX_RESULTS)
				res[nres++] = k;
			raw.n = 0;
		}
		if (pi == nparts)
			break;
		if (parts[pi] == STACK) {
			nstacks++;
			while (next_line(&it, &ln, &lnlen)) {
				int nov;

				if (re_match_any(corrupted_lines, ln, lnlen)) {
					*ok = false;
					goto next_part;
				}
				if (re_match_any(stack_start_res, ln, lnlen))
					goto next_part;
				if (pi != nparts - 1) {
					nov = re_find(parts[pi + 1], ln, lnlen, ov);
					if (nov > 0) {
						append_frames(&raw, ln, ov, nov, skip);
						pi++;
						goto next_part;
					}
				}
				if (first_frame_match(ln, lnlen, ov, &nov))
					append_frames(&raw, ln, ov, nov, skip);
			}
		} else {
			while (next_line(&it, &ln, &lnlen)) {
				int nov;

				if (re_match_any(corrupted_lines, ln, lnlen)) {
					*ok = false;
					goto next_part;
				}
				nov = re_find(parts[pi], ln, lnlen, ov);
				if (nov <= 0)
					continue;
				append_frames(&raw, ln, ov, nov, skip);
				break;
			}
		}
next_part:
		;
	}
	return nres;
}

static int extract_stack_frame(const struct ks_stack *st, const char *out,
			       size_t len, struct key_frame *res, bool *ok)
{
	pcre2_code *skip = re_get_joined(st, skip_patterns, st->skip);
	int n = extract_impl(out, len, skip, st, st->parts, res, ok);

	if (*ok || !st->parts2[0])
		return n;
	return extract_impl(out, len, skip, st, st->parts2, res, ok);
}

/* ------------------------------------------------------------------ */
/* Titles: Go's fmt.Sprintf with explicit argument indexes. */

static void format_title(const char *fmt, char args[][KS_TITLE_BUF],
			 int nargs, char *out, size_t outsz)
{
	size_t n = 0;

	while (*fmt && n + 1 < outsz) {
		const char *a = NULL;
		char bad[32];

		if (fmt[0] == '%' && fmt[1] == '[') {
			char *end;
			long idx = strtol(fmt + 2, &end, 10);

			if (end[0] == ']' && (end[1] == 'v' || end[1] == 's')) {
				if (idx >= 1 && idx <= nargs)
					a = args[idx - 1];
				else
					a = strcpy(bad, "%!v(BADINDEX)");
				fmt = end + 2;
			}
		}
		if (!a) {
			out[n++] = *fmt++;
			continue;
		}
		while (*a && n + 1 < outsz)
			out[n++] = *a++;
	}
	out[n] = 0;
}

/* report.go dynamicTitleReplacement, each applied until nothing changes. */
static const struct { const char *re, *repl; } title_repl[] = {
	{ "syz-executor\\.?[0-9]+((/|:)[0-9]+)?", "syz-executor" },
	{ "syzkaller[0-9]+((/|:)[0-9]+)?", "syzkaller" },
	{ "([^a-zA-Z0-9])(?:0x)?[0-9a-f]{6,}", "${1}ADDR" },
	{ "([0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3})", "IP" },
	{ "(\\.\\w+)(:[0-9]+)+", "${1}:LINE" },
	{ "([a-zA-Z][a-zA-Z0-9_.]+)\\+0x[0-9a-z]+/0x[0-9a-z]+", "${1}" },
	{ "CPU#[0-9]+", "CPU" },
	{ "(\\W)(\\d+)(\\W|$)", "${1}NUM${3}" },
	{ "(\\d+){7,}", "NUM" },
};

static void replace_dynamic(char *title, size_t sz)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(title_repl); i++) {
		pcre2_code *code = re_get(title_repl[i].re);
		int guard;

		if (!code)
			continue;
		for (guard = 0; guard < 64; guard++) {
			char out[4 * KS_TITLE_BUF];
			PCRE2_SIZE outlen = sizeof(out);
			int rc = pcre2_substitute(code, (PCRE2_SPTR)title,
				PCRE2_ZERO_TERMINATED, 0,
				PCRE2_SUBSTITUTE_GLOBAL | PCRE2_SUBSTITUTE_EXTENDED,
				NULL, NULL, (PCRE2_SPTR)title_repl[i].repl,
				PCRE2_ZERO_TERMINATED, (PCRE2_UCHAR *)out, &outlen);

			if (rc <= 0 || !strcmp(out, title))
				break;
			str_copy(title, sz, out);
		}
	}
}

/* report.go sanitizeTitle */
static void sanitize_title(char *t)
{
	char res[KS_TITLE_BUF];
	size_t i, n = 0;
	char prev = ' ';

	for (i = 0; t[i] && i < 120; i++) {
		unsigned char ch = (unsigned char)t[i];

		if (ch == '\t')
			ch = ' ';
		else if (ch < 0x20 || ch >= 0x7f)
			continue;
		if (ch == ' ' && prev == ' ')
			continue;
		res[n++] = (char)ch;
		prev = (char)ch;
	}
	while (n && res[n - 1] == ' ')
		n--;
	res[n] = 0;
	strcpy(t, res);
}

static void finish_title(char *t, size_t sz)
{
	replace_dynamic(t, sz);
	sanitize_title(t);
}

/* crash/title_to_type.go */
static const struct {
	const char *prefix;
	const char *type;
	enum kradar_serial_class cls;
} title_types[] = {
	{ "KFENCE: use-after-free write", "KFENCE-USE-AFTER-FREE-WRITE", KRADAR_CLASS_KFENCE },
	{ "KFENCE: use-after-free read", "KFENCE-USE-AFTER-FREE-READ", KRADAR_CLASS_KFENCE },
	{ "KFENCE: use-after-free", "KFENCE-USE-AFTER-FREE-READ", KRADAR_CLASS_KFENCE },
	{ "KFENCE: invalid write", "KFENCE-WRITE", KRADAR_CLASS_KFENCE },
	{ "KFENCE: out-of-bounds write", "KFENCE-WRITE", KRADAR_CLASS_KFENCE },
	{ "KFENCE: invalid read", "KFENCE-READ", KRADAR_CLASS_KFENCE },
	{ "KFENCE: out-of-bounds read", "KFENCE-READ", KRADAR_CLASS_KFENCE },
	{ "KFENCE: out-of-bounds", "KFENCE-READ", KRADAR_CLASS_KFENCE },
	{ "KFENCE: memory corruption", "KFENCE-MEMORY-CORRUPTION", KRADAR_CLASS_KFENCE },
	{ "KFENCE: invalid free", "KFENCE-INVALID-FREE", KRADAR_CLASS_KFENCE },
	{ "KMSAN: uninit-value", "KMSAN-UNINIT-VALUE", KRADAR_CLASS_KMSAN },
	{ "KMSAN: kernel-infoleak-after-free", "KMSAN-USE-AFTER-FREE-READ", KRADAR_CLASS_KMSAN },
	{ "KMSAN: kernel-usb-infoleak-after-free", "KMSAN-USE-AFTER-FREE-READ", KRADAR_CLASS_KMSAN },
	{ "KMSAN: use-after-free", "KMSAN-USE-AFTER-FREE-READ", KRADAR_CLASS_KMSAN },
	{ "KMSAN: kernel-infoleak", "KMSAN-INFO-LEAK", KRADAR_CLASS_KMSAN },
	{ "KMSAN: kernel-usb-infoleak", "KMSAN-INFO-LEAK", KRADAR_CLASS_KMSAN },
	{ "KASAN: null-ptr-deref Write", "KASAN-NULL-POINTER-DEREFERENCE-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: null-ptr-deref Read", "KASAN-NULL-POINTER-DEREFERENCE-READ", KRADAR_CLASS_KASAN },
	{ "BUG: unable to handle kernel NULL pointer dereference in", "NULL-POINTER-DEREFERENCE", KRADAR_CLASS_BUG },
	{ "KASAN: global-out-of-bounds Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: out-of-bounds Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: slab-out-of-bounds Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: stack-out-of-bounds Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: user-memory-access Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: vmalloc-out-of-bounds Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: wild-memory-access Write", "KASAN-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: global-out-of-bounds Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: invalid-access Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: out-of-bounds Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: slab-out-of-bounds Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: slab-out-of-bounds", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: stack-out-of-bounds Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: stack-out-of-bounds", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: unknown-crash Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: user-memory-access Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: vmalloc-out-of-bounds Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: wild-memory-access Read", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: wild-memory-access", "KASAN-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: double-free or invalid-free", "KASAN-INVALID-FREE", KRADAR_CLASS_KASAN },
	{ "KASAN: invalid-free", "KASAN-INVALID-FREE", KRADAR_CLASS_KASAN },
	{ "KASAN: slab-use-after-free Write", "KASAN-USE-AFTER-FREE-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: use-after-free Write", "KASAN-USE-AFTER-FREE-WRITE", KRADAR_CLASS_KASAN },
	{ "KASAN: slab-use-after-free Read", "KASAN-USE-AFTER-FREE-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: use-after-free Read", "KASAN-USE-AFTER-FREE-READ", KRADAR_CLASS_KASAN },
	{ "KASAN: use-after-free", "KASAN-USE-AFTER-FREE-READ", KRADAR_CLASS_KASAN },
	{ "BUG: corrupted list", "MEMORY_SAFETY_BUG", KRADAR_CLASS_BUG },
	{ "BUG: unable to handle kernel paging request", "MEMORY_SAFETY_BUG", KRADAR_CLASS_BUG },
	{ "WARNING: refcount bug", "REFCOUNT_WARNING", KRADAR_CLASS_WARNING },
	{ "UBSAN: array-index-out-of-bounds", "MEMORY_SAFETY_UBSAN", KRADAR_CLASS_UBSAN },
	{ "KCSAN: data-race", "KCSAN-DATARACE", KRADAR_CLASS_KCSAN },
	{ "KCSAN: assert: race in", "KCSAN-ASSERT", KRADAR_CLASS_KCSAN },
	{ "BUG: bad unlock balance in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: held lock freed in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: rwlock", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: spinlock", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: still has locks held in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: using", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: bad unlock balance in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: held lock freed in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: lock held", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: locking bug in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: nested lock was not taken in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: still has locks held in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "WARNING: suspicious RCU usage in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "inconsistent lock state in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "possible deadlock in", "LOCKDEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: scheduling while atomic in", "ATOMIC_SLEEP", KRADAR_CLASS_LOCKDEP },
	{ "BUG: sleeping function called from invalid context in", "ATOMIC_SLEEP", KRADAR_CLASS_LOCKDEP },
	{ "memory leak in", "LEAK", KRADAR_CLASS_LEAK },
	{ "BUG: bad usercopy in", "BUG", KRADAR_CLASS_BUG },
	{ "kernel BUG", "BUG", KRADAR_CLASS_BUG },
	{ "WARNING in", "WARNING", KRADAR_CLASS_WARNING },
	{ "BUG: stack guard page was hit in", "UNKNOWN", KRADAR_CLASS_UNKNOWN },
	{ "WARNING: corrupted", "UNKNOWN", KRADAR_CLASS_UNKNOWN },
	{ "WARNING: kernel stack frame pointer has bad value", "UNKNOWN", KRADAR_CLASS_UNKNOWN },
	{ "WARNING: kernel stack regs has bad", "UNKNOWN", KRADAR_CLASS_UNKNOWN },
	{ "BUG: soft lockup in", "HANG", KRADAR_CLASS_HANG },
	{ "INFO: rcu detected stall in", "HANG", KRADAR_CLASS_HANG },
	{ "INFO: task can't die in", "HANG", KRADAR_CLASS_HANG },
	{ "INFO: task hung in", "HANG", KRADAR_CLASS_HANG },
	{ "Alignment trap in", "DoS", KRADAR_CLASS_DOS },
	{ "BUG: Object already free", "DoS", KRADAR_CLASS_DOS },
	{ "Internal error in", "DoS", KRADAR_CLASS_DOS },
	{ "PANIC: double fault", "DoS", KRADAR_CLASS_DOS },
	{ "Unhandled fault in", "DoS", KRADAR_CLASS_DOS },
	{ "VFS: Busy inodes after unmount (use-after-free)", "DoS", KRADAR_CLASS_DOS },
	{ "VFS: Close: file count is zero (use-after-free)", "DoS", KRADAR_CLASS_DOS },
	{ "divide error in", "DoS", KRADAR_CLASS_DOS },
	{ "general protection fault in", "DoS", KRADAR_CLASS_DOS },
	{ "go runtime error", "DoS", KRADAR_CLASS_DOS },
	{ "invalid opcode in", "DoS", KRADAR_CLASS_DOS },
	{ "kernel panic:", "DoS", KRADAR_CLASS_DOS },
	{ "kernel stack overflow", "DoS", KRADAR_CLASS_DOS },
	{ "panic:", "DoS", KRADAR_CLASS_DOS },
	{ "rust_kernel panicked", "DoS", KRADAR_CLASS_DOS },
	{ "stack segment fault in", "DoS", KRADAR_CLASS_DOS },
	{ "trusty:", "DoS", KRADAR_CLASS_DOS },
	{ "unregister_netdevice: waiting for DEV to become free", "DoS", KRADAR_CLASS_DOS },
	{ "unexpected kernel reboot", "REBOOT", KRADAR_CLASS_OTHER },
	{ "SYZFAIL", "SYZ_FAILURE", KRADAR_CLASS_OTHER },
	{ "SYZFATAL:", "SYZ_FAILURE", KRADAR_CLASS_OTHER },
	{ "WARNING:", "WARNING", KRADAR_CLASS_WARNING },
	{ "BUG:", "UNKNOWN", KRADAR_CLASS_UNKNOWN },
	{ "INFO:", "UNKNOWN", KRADAR_CLASS_UNKNOWN },
	{ "KASAN:", "KASAN-UNKNOWN", KRADAR_CLASS_KASAN },
	{ "KFENCE:", "KFENCE-UNKNOWN", KRADAR_CLASS_KFENCE },
	{ "KMSAN:", "KMSAN-UNKNOWN", KRADAR_CLASS_KMSAN },
	{ "UBSAN:", "UBSAN", KRADAR_CLASS_UBSAN },
	{ "KCSAN:", "KCSAN-UNKNOWN", KRADAR_CLASS_KCSAN },
};

const char *kradar_serial__title_type(const char *title,
				      enum kradar_serial_class *cls)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(title_types); i++) {
		if (!strncmp(title, title_types[i].prefix, strlen(title_types[i].prefix))) {
			if (cls)
				*cls = title_types[i].cls;
			return title_types[i].type;
		}
	}
	if (cls)
		*cls = KRADAR_CLASS_UNKNOWN;
	return "UNKNOWN";
}

/* ------------------------------------------------------------------ */
/* report.go extractDescription + linux.go isCorrupted */

/* extractDescription's result, before normalisation. */
static struct {
	char title[KS_TITLE_BUF];
	int nr_alt;
	char alt[KS_MAX_ARGS][KS_TITLE_BUF];
} dres;

static void add_alt(const char *t)
{
	int i;

	if (!t[0])
		return;
	for (i = 0; i < dres.nr_alt; i++)
		if (!strcmp(dres.alt[i], t))
			return;
	if (dres.nr_alt < KS_MAX_ARGS)
		str_copy(dres.alt[dres.nr_alt++], KS_TITLE_BUF, t);
}

static const struct ks_format *
extract_description(const struct ks_oops *o, const char *out, size_t len,
		    struct kradar_serial_report *rep, const char **corrupted)
{
	static char args[KS_MAX_ARGS][KS_TITLE_BUF];
	static char alts[KS_MAX_ARGS][KS_TITLE_BUF];
	const struct ks_format *format = NULL;
	long start_pos = (long)len;
	bool matched_title = false;
	char desc[KS_TITLE_BUF] = "";
	int nalts = 0;
	size_t fi;

	*corrupted = "";
	for (fi = 0; fi < o->nr_formats; fi++) {
		const struct ks_format *f = &o->formats[fi];
		long ov[2 * KS_MAX_GROUPS];
		struct key_frame keys[KS_MAX_RESULTS];
		int nov, nkeys = 0, nargs = 0, g, k, si;
		char d[KS_TITLE_BUF];

		nov = re_find(f->title, out, len, ov);
		if (nov <= 0 || ov[0] > start_pos)
			continue;
		if (ov[0] == start_pos && desc[0])
			continue;
		if (ov[0] < start_pos) {
			desc[0] = 0;
			format = NULL;
			start_pos = ov[0];
		}
		matched_title = true;
		if (f->report) {
			nov = re_find(f->report, out, len, ov);
			if (nov <= 0)
				continue;
		}
		for (g = 1; g < nov && nargs < KS_MAX_ARGS; g++)
			copy_span(args[nargs++], KS_TITLE_BUF, out,
				  ov[2 * g], ov[2 * g + 1]);
		*corrupted = "";
		if (f->stack) {
			bool ok;

			nkeys = extract_stack_frame(f->stack, out + ov[0],
						    len - (size_t)ov[0], keys, &ok);
			if (!ok)
				*corrupted = "extracted no frames";
		}
		{
			int base = nargs;

			for (k = 0; k < nkeys && nargs < KS_MAX_ARGS; k++)
				str_copy(args[nargs++], KS_TITLE_BUF, keys[k].canonical);
			format_title(f->fmt, args, nargs, desc, sizeof(desc));
			for (k = 0; k < 2 && f->alt[k]; k++)
				if (nalts < KS_MAX_ARGS)
					format_title(f->alt[k], args, nargs,
						     alts[nalts++], KS_TITLE_BUF);
			/* partiallyStrippedArgs: raw frames, then each prefix */
			for (si = 0; si == 0 || strip_frame_prefixes[si - 1]; si++) {
				const char *pfx = si ? strip_frame_prefixes[si - 1] : "";
				bool add = si == 0;

				nargs = base;
				for (k = 0; k < nkeys && nargs < KS_MAX_ARGS; k++) {
					const char *r = keys[k].raw;

					if (pfx[0] && !strncmp(r, pfx, strlen(pfx))) {
						r += strlen(pfx);
						add = true;
					}
					str_copy(args[nargs++], KS_TITLE_BUF, r);
				}
				if (!add)
					continue;
				format_title(f->fmt, args, nargs, d, sizeof(d));
				if (strcmp(d, desc) && nalts < KS_MAX_ARGS)
					strcpy(alts[nalts++], d);
				for (g = 0; g < 2 && f->alt[g]; g++)
					if (nalts < KS_MAX_ARGS)
						format_title(f->alt[g], args, nargs,
							     alts[nalts++], KS_TITLE_BUF);
			}
			if (nkeys)
				str_copy(rep->guilty_frame, sizeof(rep->guilty_frame), keys[0].canonical);
			else
				rep->guilty_frame[0] = 0;
		}
		format = f;
	}
	if (!desc[0]) {
		const char *pos, *end;

		if (matched_title)
			*corrupted = "matched title but not report regexp";
		pos = memmem(out, len, o->header, strlen(o->header));
		if (!pos) {
			dres.title[0] = 0;
			return format;
		}
		end = memchr(pos, '\n', len - (size_t)(pos - out));
		if (!end)
			end = out + len;
		copy_span(desc, sizeof(desc), out, pos - out, end - out);
	}
	if (!(*corrupted)[0] && format && format->corrupted)
		*corrupted = "report format is marked as corrupted";
	str_copy(dres.title, sizeof(dres.title), desc);
	dres.nr_alt = 0;
	for (fi = 0; fi < (size_t)nalts; fi++)
		add_alt(alts[fi]);
	return format;
}

static const char *is_corrupted(const char *title, const char *rep, size_t len,
				const struct ks_format *format)
{
	bool has_stack = false;
	const char *const *key;

	if (re_match_any(corrupted_titles, title, strlen(title)))
		return "title matches corrupted regexp";
	if (!format || format->no_stack_trace)
		return NULL;
	for (key = stack_start_res; *key; key++) {
		long ov[2 * KS_MAX_GROUPS];
		struct line_iter it;
		const char *ln;
		size_t lnlen;
		int i, nlines = 0;
		bool corrupted = true;

		if (re_find(*key, rep, len, ov) <= 0)
			continue;
		/* lines(report[match:]) must have >= 4 entries */
		it = (struct line_iter){ rep + ov[0], len - (size_t)ov[0], 0, false };
		while (nlines < 4 && next_line(&it, &ln, &lnlen))
			nlines++;
		if (nlines < 4)
			return "call trace is missed";
		it = (struct line_iter){ rep + ov[0], len - (size_t)ov[0], 0, false };
		next_line(&it, &ln, &lnlen);	/* the keyword line */
		for (i = 0; i < 15 && next_line(&it, &ln, &lnlen); i++) {
			const char *const *k1;
			long ov2[2 * KS_MAX_GROUPS];
			int nov;

			for (k1 = stack_start_res; *k1; k1++)
				if (re_match(*k1, ln, lnlen))
					goto out;
			if (mem_has(ln, lnlen, "(stack is not available)") ||
			    first_frame_match(ln, lnlen, ov2, &nov)) {
				has_stack = true;
				corrupted = false;
				break;
			}
		}
out:
		if (*key != riscv_stack_start && corrupted)
			return "no frames in a stack trace";
	}
	if (!has_stack)
		return "no stack trace in report";
	return NULL;
}

void ks_describe(int oops, const char *head, size_t head_len,
		 const char *full, size_t full_len,
		 struct kradar_serial_report *rep)
{
	const struct ks_oops *o;
	const struct ks_format *format;
	const char *corrupted = "", *c2;
	int i;

	if (oops < 0 || (size_t)oops >= ARRAY_SIZE(oopses))
		return;
	o = &oopses[oops];
	format = extract_description(o, head, head_len, rep, &corrupted);
	if (!dres.title[0]) {
		/* syzkaller retries on the raw output; the opening line is
		 * always in head, so this only happens on absurd input. */
		str_copy(dres.title, sizeof(dres.title), o->header);
	}
	rep->type = kradar_serial__title_type(dres.title, &rep->cls);
	rep->corrupted = corrupted[0] != 0;
	if (!rep->corrupted) {
		c2 = is_corrupted(dres.title, full, full_len, format);
		if (c2) {
			rep->corrupted = true;
			corrupted = c2;
		}
	}
	if (!rep->corrupted && mem_has(full, full_len, "serialport: VM disconnected.")) {
		rep->corrupted = true;
		corrupted = "console disconnected";
	}
	str_copy(rep->corrupted_reason, sizeof(rep->corrupted_reason),
		 rep->corrupted ? corrupted : "");
	finish_title(dres.title, sizeof(dres.title));
	str_copy(rep->title, sizeof(rep->title), dres.title);
	rep->nr_alt = 0;
	for (i = 0; i < dres.nr_alt; i++) {
		int j;

		finish_title(dres.alt[i], KS_TITLE_BUF);
		if (!dres.alt[i][0])
			continue;
		for (j = 0; j < rep->nr_alt; j++)
			if (!strcmp(rep->alt[j], dres.alt[i]))
				break;
		if (j == rep->nr_alt && rep->nr_alt < KRADAR_SERIAL_MAX_ALT)
			str_copy(rep->alt[rep->nr_alt++], KRADAR_SERIAL_TITLE_LEN,
				 dres.alt[i]);
	}
}

/* ------------------------------------------------------------------ */

static const char frame_line_re[] =
	"(?:\\[\\<(?:(?:0x)?[0-9a-f]+)\\>\\])?[ \\t]+\\(?(?:[0-9]+:)?([a-zA-Z0-9_.]+)\\+0x([0-9a-f]+)/0x([0-9a-f]+)( ?\\[([a-zA-Z0-9_.]+)( .*)?\\])?\\)?";

/* Interrupt, timer, RCU, scheduler and entry machinery: frames a reader
 * skips when looking for where the kernel was stuck (kradar's list, added
 * to syzkaller's skipPatterns). */
static const char plumbing_re[] =
	"^asm_|sysvec_|apic_timer_interrupt|^rcu_|_rcu_|rcu_core|hrtimer_interrupt|"
	"__hrtimer_run_queues|tick_sched|tick_nohz|update_process_times|irq_exit|"
	"handle_softirqs|__do_softirq|do_softirq|__irq_|^irq_|^entry_|do_syscall_|"
	"^ret_from_fork|^kthread$|smpboot_thread_fn|worker_thread|^_*schedule|^io_schedule|^_*switch_to|"
	"^preempt_schedule|^_?raw_spin|^__sysvec|^exc_|^asm_exc_|nmi_|^default_idle";
static const char key_plumbing[] = "plumbing";

static bool frame_is_plumbing(const char *func)
{
	pcre2_code *code = re_get_joined(key_plumbing, skip_patterns, plumbing_re);

	return code_match(code, func, strlen(func));
}

void ks_collect_frames(const char *text, size_t len,
		       struct kradar_serial_report *rep)
{
	struct line_iter it = { text, len, 0, false };
	const char *ln;
	size_t lnlen;

	rep->nr_frames = 0;
	while (rep->nr_frames < KRADAR_SERIAL_MAX_FRAMES &&
	       next_line(&it, &ln, &lnlen)) {
		long ov[2 * KS_MAX_GROUPS];
		struct kradar_serial_frame *f;
		char num[24];

		if (ks_questionable_frame(ln, lnlen) && !mem_has(ln, lnlen, "<EOI>"))
			continue;
		if (re_find(frame_line_re, ln, lnlen, ov) < 4)
			continue;
		f = &rep->frames[rep->nr_frames++];
		copy_span(f->func, sizeof(f->func), ln, ov[2], ov[3]);
		ks_rust_demangle(f->func, f->func, sizeof(f->func));
		copy_span(num, sizeof(num), ln, ov[4], ov[5]);
		f->off = strtoull(num, NULL, 16);
		copy_span(num, sizeof(num), ln, ov[6], ov[7]);
		f->size = strtoull(num, NULL, 16);
		copy_span(f->module, sizeof(f->module), ln, ov[10], ov[11]);
		f->key = !frame_is_plumbing(f->func);
	}
}
