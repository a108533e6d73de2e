// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for kradar-vcpus, on QMP transcripts in tests/data/
 * (README there says where each comes from): an idle guest and a guest
 * with a spinning vCPU recorded from live guests, and the stale
 * breakpoint signature built from a real frozen guest's registers.
 * They run through the library (replay) and through the binary against
 * a fake QMP server on a unix socket, which also sends garbage,
 * truncated and oversized replies.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vcpus.h"
#include <kradar_tap.h>

#ifndef KRADAR_VCPUS_BIN
#define KRADAR_VCPUS_BIN "build/kradar-vcpus"
#endif
#ifndef KRADAR_VCPUS_DATA
#define KRADAR_VCPUS_DATA "host/vcpus/tests/data"
#endif

#define IDLE_TEXT	0xffffffff89a00000ull	/* from idle-serial.log */
#define SPIN_TEXT	0xffffffff8d200000ull
#define STALE_TEXT	0xffffffff81000000ull	/* that guest ran nokaslr */

static char tmpdir[64];

/* One assertion: on failure, actual vs expected from @fmt */
static void tap(bool ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (tap_ok(ok, "%s", name))
		return;
	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *data(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", KRADAR_VCPUS_DATA, name);
	return buf[i];
}

static struct vc_syms syms;

static struct vc_capture *replay(const char *file, bool with_syms,
				 uint64_t text, struct vc_verdict *v)
{
	static struct vc_capture c;
	struct vc_opts o = { .samples = 8, .interval_ms = 250 };
	char err[256];
	struct vc_qmp *q = vc_qmp__replay(file, err, sizeof(err));

	memset(&c, 0, sizeof(c));
	if (!q) {
		printf("# %s\n", err);
		return NULL;
	}
	syms.offset = (int64_t)(text - syms.file_text);
	o.syms = with_syms ? &syms : NULL;
	vc_capture(q, &o, &c);
	vc_qmp__free(q);
	vc_decide(&c, o.syms, v);
	return &c;
}

static void test_msg(void)
{
	struct vc_msg m;
	static const char greet[] =
		"{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, "
		"\"package\": \"Debian\"}, \"capabilities\": [\"oob\"]}}";
	static const char ret[] = "{\"return\": \"CPU#0\\r\\nA\\u00e9\\u0000\\\"\\ud83d\\ude00\", \"id\": 7}";
	static const char err[] = "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'cpu-index' expects a CPU number\"}}";
	static const char *bad[] = {
		"", "{", "{\"return\": \"abc", "{\"return\": \"a\x01\"}", "[1,2]",
		"{\"return\": {}} trailing", "{\"return\": \"\\x41\"}", "{\"a\" 1}",
		"{\"return\": \"\\u12\"}", "{\"return\": tru}", "{\"return\": -}",
	};
	char deep[300];
	int r;

	r = vc_msg_parse(greet, strlen(greet), &m);
	tap(!r && m.has_greeting && !strcmp(m.version, "7.2.22"), "greeting: QEMU version",
	    "r=%d greeting=%d version '%s', expected 7.2.22", r, m.has_greeting, m.version);
	vc_msg_free(&m);
	r = vc_msg_parse(ret, strlen(ret), &m);
	tap(!r && m.ret_is_string && m.has_id && m.id == 7 &&
	    !strcmp(m.ret, "CPU#0\r\nA\xc3\xa9?\"\xf0\x9f\x98\x80"),
	    "return string: escapes, \\u0000, surrogate pair, id",
	    "r=%d ret '%s'", r, m.ret ? m.ret : "(null)");
	vc_msg_free(&m);
	r = vc_msg_parse(err, strlen(err), &m);
	tap(!r && m.has_error && m.error_desc && strstr(m.error_desc, "expects a CPU"),
	    "error reply: desc", "r=%d desc '%s'", r, m.error_desc ? m.error_desc : "(null)");
	vc_msg_free(&m);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = vc_msg_parse(bad[i], strlen(bad[i]), &m);
		vc_msg_free(&m);
		if (r != -EPROTO)
			break;
	}
	tap(r == -EPROTO, "malformed JSON lines are refused", "last r=%d, expected -EPROTO", r);
	memset(deep, '[', sizeof(deep));
	memcpy(deep, "{\"return\": ", 11);
	r = vc_msg_parse(deep, sizeof(deep), &m);
	vc_msg_free(&m);
	tap(r == -EPROTO, "nesting deeper than the limit is refused", "r=%d", r);
}

static void test_text(void)
{
	struct vc_regs regs[4];
	uint64_t vals[8];
	int n;

	n = vc_parse_registers("CPU#0\r\nRAX=1 RSP=ffa0000000003d98\r\nRIP=ffffffff810d3a20 RFL=00000002 [-------] CPL=0 II=0 A20=1 SMM=0 HLT=0\r\n"
			       "CPU#1\r\nRIP=0000000000449659 RFL=00000246 CPL=3 HLT=0\r\n"
			       "CPU#2\r\nRAX=0000\r\n"		/* no RIP: not a sample */
			       "CPU#1234567\r\nRIP=1\r\n"	/* index too long */
			       "CPU#3\r\nRIP=ffffffffffffffffff RFL=2\r\n", regs, 4);
	tap(n == 2 && regs[0].cpu == 0 && regs[0].rip == 0xffffffff810d3a20ull &&
	    regs[0].rsp == 0xffa0000000003d98ull && regs[0].cpl == 0 && regs[0].hlt == 0 &&
	    !(regs[0].rfl >> 9 & 1) && regs[1].cpu == 1 && regs[1].cpl == 3 &&
	    (regs[1].rfl >> 9 & 1) && !regs[1].have_rsp,
	    "info registers: fields, missing RIP, bad index, overlong hex",
	    "n=%d cpu0 rip %llx cpl %d", n, (unsigned long long)regs[0].rip, regs[0].cpl);
	n = vc_parse_registers("garbage\x01\xff RIP=12", regs, 4);
	tap(n == 0, "info registers: garbage gives no CPU", "n=%d", n);

	n = vc_parse_x("ffa0000000003d98: 0xffffffff810d3a20 0x0000000000000000\r\n"
		       "ffa0000000003da8: 0x0000000000000246\r\n", 0xffa0000000003d98ull, 8, vals, 8);
	tap(n == 3 && vals[0] == 0xffffffff810d3a20ull && vals[2] == 0x246, "x /gx: words",
	    "n=%d", n);
	n = vc_parse_x("ffa0000000003d98: 0x1 0x2\r\nffa0000000003db8: 0x3 0x4\r\n",
		       0xffa0000000003d98ull, 8, vals, 8);
	tap(n == 2, "x /gx: a line at the wrong address ends the words", "n=%d, expected 2", n);
	n = vc_parse_x("ffffffffffff0000: Cannot access memory\r\n", 0xffffffffffff0000ull, 1, vals, 5);
	tap(n == 0, "x /bx: unreadable memory gives no bytes", "n=%d", n);
	n = vc_parse_x("ffffffff81a10cac: 0x0f 0x1f 0x44 0x00 0x00\r\n", 0xffffffff81a10cacull, 1, vals, 5);
	tap(n == 5 && vals[0] == 0x0f && vals[4] == 0, "x /bx: bytes", "n=%d", n);
	n = vc_parse_x("ffffffff81a10cac: 0x0f 0x1f4 0x44\r\n", 0xffffffff81a10cacull, 1, vals, 5);
	tap(n == 1, "x /bx: a value wider than a byte stops", "n=%d", n);
}

static void test_syms(void)
{
	char err[256], buf[160];
	struct vc_syms s2;
	uint64_t text = 0;
	const char *fn;
	int r;

	r = vc_syms__load(&syms, data("kallsyms.txt"), err, sizeof(err));
	tap(!r && syms.file_text == STALE_TEXT && syms.file_etext == 0xffffffff81e01ef2ull,
	    "kallsyms list: _text and _etext", "r=%d %s", r, r ? err : "");
	syms.offset = 0x8a00000;
	fn = vc_syms__format(&syms, 0xffffffff8a417a0bull, buf, sizeof(buf));
	tap(fn && !strcmp(buf, "native_safe_halt+0xb"), "KASLR offset undone",
	    "got '%s'", buf);
	vc_syms__format(&syms, 0xffffffffc0317045ull, buf, sizeof(buf));
	tap(!strcmp(buf, "0xffffffffc0317045 [module]"), "module address shown as such",
	    "got '%s'", buf);
	fn = vc_syms__format(&syms, 0xffffffff8b403e98ull, buf, sizeof(buf));
	tap(!fn && !strcmp(buf, "0xffffffff8b403e98"), "address beyond _etext is not named",
	    "got '%s'", buf);
	r = vc_text_from_serial(data("idle-serial.log"), &text, err, sizeof(err));
	tap(!r && text == IDLE_TEXT, "_text from the console line", "r=%d text %llx", r,
	    (unsigned long long)text);
	r = vc_text_from_serial(data("idle.qmp"), &text, err, sizeof(err));
	tap(r == -ENOENT && strstr(err, "no 'kradar-run: kernel _text"),
	    "a log without the line says so", "r=%d '%s'", r, err);
	r = vc_syms__load(&s2, data("idle.qmp"), err, sizeof(err));
	tap(r == -EINVAL && !s2.n, "a file that is no kallsyms list is refused", "r=%d", r);
	vc_syms__free(&s2);
}

static void test_verdicts(void)
{
	static struct vc_verdict v[VC_MAX_CPUS];
	struct vc_capture *c;

	c = replay(data("idle.qmp"), true, IDLE_TEXT, v);
	tap(c && c->ncpu == 2 && c->samples == 8 && v[0].kind == VC_IDLE && v[1].kind == VC_IDLE,
	    "idle guest: both vCPUs halted", "ncpu %d samples %d: '%s' / '%s'",
	    c ? c->ncpu : -1, c ? c->samples : -1, v[0].text, v[1].text);

	c = replay(data("spin.qmp"), true, SPIN_TEXT, v);
	tap(c && c->ncpu == 2 && v[1].kind == VC_BUSY && strstr(v[1].text, "module code") &&
	    v[0].kind == VC_RUNNING && strstr(v[0].text, "5 of 8 samples in user mode"),
	    "spinning vCPU: busy in module code; the other runs user and kernel",
	    "'%s' / '%s'", v[0].text, v[1].text);

	c = replay(data("stale.qmp"), true, STALE_TEXT, v);
	tap(c && v[1].kind == VC_STALE_BP &&
	    strstr(v[1].text, "vCPU 1 keeps trapping on a breakpoint at __schedule+0x1bc that is no longer in memory") &&
	    strstr(v[1].text, "0f 1f 44 00 00") &&
	    strstr(v[1].text, "QEMU TCG is running a stale translation"),
	    "stale breakpoint: __schedule+0x1bc, NOP in memory, QEMU's defect", "'%s'", v[1].text);
	tap(c && v[0].kind == VC_SPIN_IRQOFF &&
	    strstr(v[0].text, "spins in try_to_wake_up with interrupts off") &&
	    strstr(v[0].text, "waiting for vCPU 1"),
	    "stale breakpoint: the other vCPU spins in try_to_wake_up", "'%s'", v[0].text);

	c = replay(data("stale.qmp"), false, STALE_TEXT, v);
	tap(c && v[1].kind == VC_STALE_BP && strstr(v[1].text, "at 0xffffffff81a10cac"),
	    "stale breakpoint without symbols: from the trap return address on the stack",
	    "'%s'", v[1].text);

	c = replay(data("live-int3.qmp"), true, STALE_TEXT, v);
	tap(c && v[1].kind == VC_LIVE_BP && !strstr(v[1].text, "QEMU"),
	    "breakpoint still in memory (0xcc): not blamed on QEMU", "'%s'", v[1].text);

	/* the idle and spin guests must not match the signature */
	c = replay(data("spin.qmp"), false, SPIN_TEXT, v);
	tap(c && v[0].kind != VC_STALE_BP && v[1].kind != VC_STALE_BP && v[1].kind == VC_BUSY,
	    "no symbols: spinning guest still busy, no false signature", "'%s' / '%s'",
	    v[0].text, v[1].text);
}

/* Copy the first @keep bytes of @src to a temporary file, then @tail. */
static const char *cut(const char *src, long keep, const char *tail)
{
	static char path[128];
	FILE *in = fopen(src, "r"), *out;
	int ch;
	long i = 0;

	snprintf(path, sizeof(path), "%s/cut.qmp", tmpdir);
	out = fopen(path, "w");
	if (!in || !out)
		exit(2);
	while ((ch = fgetc(in)) != EOF && (keep < 0 || i++ < keep))
		fputc(ch, out);
	fputs(tail, out);
	fclose(in);
	fclose(out);
	return path;
}

static long offset_of(const char *file, const char *needle, int nth)
{
	static char buf[1 << 20];
	FILE *f = fopen(file, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
	char *p = buf;

	if (f)
		fclose(f);
	buf[n] = '\0';
	for (int i = 0; p && i <= nth; i++) {
		p = strstr(p + (i ? 1 : 0), needle);
	}
	return p ? p - buf : -1;
}

static void test_garbage_transcripts(void)
{
	static struct vc_verdict v[VC_MAX_CPUS];
	struct vc_capture *c;
	const char *p;
	char err[256];
	struct vc_qmp *q;
	long off;

	/* cut inside the third "info registers" reply */
	off = offset_of(data("idle.qmp"), "< {\"return\": \"\\r\\nCPU#0", 2);
	p = cut(data("idle.qmp"), off + 500, "\n");
	c = replay(p, true, IDLE_TEXT, v);
	tap(c && c->samples == 2 && strstr(c->problem, "unreadable reply") && v[0].kind == VC_IDLE,
	    "truncated transcript: two samples, the cut reply named", "samples %d problem '%s'",
	    c ? c->samples : -1, c ? c->problem : "");

	p = cut(data("idle.qmp"), 0, "\x7f" "ELF\x01\x02\n> {\"execute\n< \xff\xfe{{{{\n\n");
	q = vc_qmp__replay(p, err, sizeof(err));
	tap(!q && strstr(err, "no human-monitor-command"), "binary garbage: no transcript",
	    "q=%p err '%s'", (void *)q, err);
	vc_qmp__free(q);

	/* registers text that is garbage inside valid JSON */
	p = cut(data("idle.qmp"), 0, "");
	{
		FILE *f = fopen(p, "w");

		if (!f)
			exit(2);
		fputs("> {\"execute\": \"human-monitor-command\", \"arguments\": {\"command-line\": \"info registers -a\"}}\n"
		      "< {\"return\": \"CPU#0\\r\\nRIP=zz RFL=?? CPL=9\\r\\nCPU#\"}\n", f);
		fclose(f);
	}
	c = replay(p, true, IDLE_TEXT, v);
	tap(c && c->samples == 0 && c->ncpu == 0 && strstr(c->problem, "no CPU#N"),
	    "registers text without a usable CPU: no sample, said so", "samples %d problem '%s'",
	    c ? c->samples : -1, c ? c->problem : "");
}

/* ---- fake QMP server and the binary --------------------------------- */

enum srv_mode { SRV_REPLAY, SRV_BAD_GREETING, SRV_GARBAGE_REPLY, SRV_HUGE, SRV_CLOSE };

static void srv_send(int fd, const char *s)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = write(fd, s, n);

		if (w <= 0)
			_exit(0);
		s += w;
		n -= w;
	}
}

static char *srv_line(int fd)
{
	static char buf[1 << 16];
	size_t n = 0;

	while (n < sizeof(buf) - 1) {
		ssize_t r = read(fd, buf + n, 1);

		if (r <= 0)
			return NULL;
		if (buf[n] == '\n')
			break;
		n++;
	}
	buf[n] = '\0';
	return buf;
}

static void srv_reply_text(int fd, const char *t)
{
	size_t n = strlen(t);
	char *o = malloc(n * 6 + 32), *p = o;

	p += sprintf(p, "{\"return\": \"");
	for (; *t; t++) {
		unsigned char ch = *t;

		if (ch == '"' || ch == '\\')
			p += sprintf(p, "\\%c", ch);
		else if (ch < 0x20)
			p += sprintf(p, "\\u%04x", ch);
		else
			*p++ = ch;
	}
	sprintf(p, "\"}\r\n");
	srv_send(fd, o);
	free(o);
}

static void serve(int fd, enum srv_mode mode)
{
	char err[256];
	struct vc_qmp *rp = vc_qmp__replay(data("idle.qmp"), err, sizeof(err));
	char *line;

	if (mode == SRV_BAD_GREETING) {
		srv_send(fd, "SSH-2.0-OpenSSH_9.2\r\n");
		sleep(1);
		return;
	}
	srv_send(fd, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}\r\n");
	while ((line = srv_line(fd))) {
		struct vc_msg m;
		char *out = NULL;

		if (vc_msg_parse(line, strlen(line), &m))
			return;
		if (!m.command_line) {
			srv_send(fd, "{\"return\": {}}\r\n");
			vc_msg_free(&m);
			continue;
		}
		/* an event before each reply: it must be skipped */
		srv_send(fd, "{\"timestamp\": {\"seconds\": 1, \"microseconds\": 2}, \"event\": \"RTC_CHANGE\", \"data\": {\"offset\": 0}}\r\n");
		if (mode == SRV_GARBAGE_REPLY) {
			srv_send(fd, "{\"return\": \"CPU#0\\r\\nRIP=ffff\r\n");
		} else if (mode == SRV_HUGE) {
			char *big = malloc(1 << 20);

			memset(big, 'a', 1 << 20);
			big[(1 << 20) - 1] = '\0';
			for (int i = 0; i < 6; i++)
				srv_send(fd, big);
			free(big);
		} else if (mode == SRV_CLOSE) {
			vc_msg_free(&m);
			return;
		} else if (vc_qmp__hmp(rp, m.command_line, (int)m.cpu_index, &out) == 0) {
			srv_reply_text(fd, out);
		} else {
			srv_send(fd, "{\"error\": {\"class\": \"GenericError\", \"desc\": \"not recorded\"}}\r\n");
		}
		free(out);
		vc_msg_free(&m);
	}
	vc_qmp__free(rp);
}

static pid_t start_server(const char *path, enum srv_mode mode)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	pid_t pid;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	unlink(path);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 1)) {
		perror("fake QMP server");
		exit(2);
	}
	pid = fork();
	if (pid == 0) {
		int fd = accept(s, NULL, NULL);

		signal(SIGPIPE, SIG_IGN);
		if (fd >= 0)
			serve(fd, mode);
		_exit(0);
	}
	close(s);
	return pid;
}

/* Run the binary; its stdout in @out, stderr in @errout. Exit status. */
static int run_bin(const char *args, char *out, size_t outlen, char *errout, size_t errlen)
{
	char cmd[1024], of[128], ef[128];
	FILE *f;
	int st;
	size_t n;

	snprintf(of, sizeof(of), "%s/out.txt", tmpdir);
	snprintf(ef, sizeof(ef), "%s/err.txt", tmpdir);
	snprintf(cmd, sizeof(cmd), "%s %s >%s 2>%s", KRADAR_VCPUS_BIN, args, of, ef);
	st = system(cmd);
	f = fopen(of, "r");
	n = f ? fread(out, 1, outlen - 1, f) : 0;
	out[n] = '\0';
	if (f)
		fclose(f);
	f = fopen(ef, "r");
	n = f ? fread(errout, 1, errlen - 1, f) : 0;
	errout[n] = '\0';
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_binary(void)
{
	static char out[1 << 16], err[4096];
	char sock[128], args[768];
	pid_t pid;
	int rc;

	snprintf(sock, sizeof(sock), "%s/qmp.sock", tmpdir);

	pid = start_server(sock, SRV_REPLAY);
	snprintf(args, sizeof(args), "--qmp %s --interval 0 --kallsyms %s --serial %s",
		 sock, data("kallsyms.txt"), data("idle-serial.log"));
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	waitpid(pid, NULL, 0);
	tap(rc == 0 && strstr(out, "vCPU 0 is idle: halted with interrupts on (8 of 8 samples)") &&
	    strstr(out, "vCPU 1 is idle") && strstr(out, "? do_idle+0x206") &&
	    strstr(out, "KASLR offset 0x8a00000") && strstr(out, "QEMU 7.2.22"),
	    "binary over a socket (events in between): idle guest", "rc %d out:\n%s\nerr: %s",
	    rc, out, err);

	snprintf(args, sizeof(args), "--qmp %s/nonexistent.sock", tmpdir);
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	tap(rc == 2 && strstr(err, "cannot connect to QMP socket"), "no socket: exit 2, said so",
	    "rc %d err '%s'", rc, err);

	pid = start_server(sock, SRV_BAD_GREETING);
	snprintf(args, sizeof(args), "--qmp %s", sock);
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	waitpid(pid, NULL, 0);
	tap(rc == 2 && strstr(err, "does not speak QMP"), "not QMP: exit 2, said so",
	    "rc %d err '%s'", rc, err);

	pid = start_server(sock, SRV_GARBAGE_REPLY);
	snprintf(args, sizeof(args), "--qmp %s --interval 0 --samples 3", sock);
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	waitpid(pid, NULL, 0);
	tap(rc == 1 && strstr(err, "no registers came back") && strstr(out, "unreadable reply"),
	    "garbage replies: exit 1, report says why", "rc %d err '%s' out '%s'", rc, err, out);

	pid = start_server(sock, SRV_HUGE);
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	tap(rc == 1 && strstr(err, "reply too long"), "oversized reply: bounded, exit 1",
	    "rc %d err '%s'", rc, err);

	pid = start_server(sock, SRV_CLOSE);
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	waitpid(pid, NULL, 0);
	tap(rc == 1 && strstr(err, "no registers came back"), "QEMU closes mid-reply: exit 1",
	    "rc %d err '%s'", rc, err);

	snprintf(args, sizeof(args), "--replay %s --kallsyms %s --text-addr ffffffff81000000",
		 data("stale.qmp"), data("kallsyms.txt"));
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	tap(rc == 0 && strstr(out, "vCPU 1 keeps trapping on a breakpoint at __schedule+0x1bc") &&
	    strstr(out, "memory at __schedule+0x1bc: 0f 1f 44 00 00") &&
	    strstr(out, "? asm_exc_int3+0x35"),
	    "binary --replay: stale breakpoint report", "rc %d out:\n%s", rc, out);

	if (!access("/dev/full", W_OK)) {
		char cmd[1024];
		int st;

		snprintf(cmd, sizeof(cmd), "%s --replay %s >/dev/full 2>/dev/null",
			 KRADAR_VCPUS_BIN, data("stale.qmp"));
		st = system(cmd);
		rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		tap(rc == 2, "report to a full device: exit 2", "rc %d", rc);
	} else {
		tap_skip("report to a full device", "no /dev/full");
	}

	rc = run_bin("--qmp x --samples 0", out, sizeof(out), err, sizeof(err));
	tap(rc == 2 && strstr(err, "--samples takes"), "usage error: exit 2", "rc %d err '%s'",
	    rc, err);
	snprintf(args, sizeof(args), "--replay %s --kallsyms %s --text-addr 1234",
		 data("stale.qmp"), data("kallsyms.txt"));
	rc = run_bin(args, out, sizeof(out), err, sizeof(err));
	tap(rc == 2 && strstr(err, "not a kernel address"), "bad --text-addr: exit 2",
	    "rc %d err '%s'", rc, err);
}

int main(void)
{
	char cmd[128];

	if (access(data("idle.qmp"), R_OK)) {
		printf("1..0 # SKIP no test data in %s\n", KRADAR_VCPUS_DATA);
		return 0;
	}
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_vcpus.XXXXXX");
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	test_msg();
	test_text();
	test_syms();
	test_verdicts();
	test_garbage_transcripts();
	test_binary();
	vc_syms__free(&syms);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		printf("# could not remove %s\n", tmpdir);
	return tap_done();
}
