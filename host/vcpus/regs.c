// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers for the text of QEMU's HMP commands "info registers -a" and
 * "x /NFx ADDR" (x86-64 target, QEMU 7.x layout). They read only what
 * they need (RIP, RSP, RFL, CPL, HLT; hex words) and accept anything
 * else around it: a missing field stays unknown, a malformed one too.
 */
#include <string.h>

#include "hex.h"
#include "vcpus.h"

/* Up to 16 hex digits at p, followed by a non-hex character. */
static const char *gethex(const char *p, const char *e, uint64_t *v)
{
	int n = 0;

	*v = 0;
	while (p < e && kradar_hexval(*p) >= 0) {
		if (++n > 16)
			return NULL;
		*v = *v << 4 | (uint64_t)kradar_hexval(*p++);
	}
	return n ? p : NULL;
}

/* "KEY=" at a word start inside [p, e) */
static const char *field(const char *p, const char *e, const char *key)
{
	size_t k = strlen(key);

	for (const char *q = p; q + k <= e; q++) {
		q = memchr(q, key[0], e - q);
		if (!q || q + k > e)
			return NULL;
		if (!memcmp(q, key, k) &&
		    (q == p || q[-1] == ' ' || q[-1] == '\n' || q[-1] == '\r'))
			return q + k;
	}
	return NULL;
}

static void parse_block(const char *p, const char *e, struct vc_regs *r)
{
	const char *v;
	uint64_t x;

	if ((v = field(p, e, "RIP=")) && gethex(v, e, &x)) {
		r->rip = x;
		r->have_rip = true;
	}
	if ((v = field(p, e, "RSP=")) && gethex(v, e, &x)) {
		r->rsp = x;
		r->have_rsp = true;
	}
	if ((v = field(p, e, "RFL=")) && gethex(v, e, &x)) {
		r->rfl = x;
		r->have_rfl = true;
	}
	if ((v = field(p, e, "CPL=")) && v < e && *v >= '0' && *v <= '3')
		r->cpl = *v - '0';
	if ((v = field(p, e, "HLT=")) && v < e && (*v == '0' || *v == '1'))
		r->hlt = *v - '0';
}

int vc_parse_registers(const char *text, struct vc_regs *regs, int max)
{
	const char *e = text + strlen(text), *p = text;
	int n = 0;

	while (n < max) {
		const char *c = strstr(p, "CPU#"), *next;
		uint64_t idx;
		const char *d;

		if (!c)
			break;
		next = strstr(c + 4, "CPU#");
		if (!next)
			next = e;
		p = next;
		/* the index: 1 to 5 decimal digits */
		idx = 0;
		for (d = c + 4; d < next && *d >= '0' && *d <= '9'; d++)
			if (d - (c + 4) < 5)
				idx = idx * 10 + (uint64_t)(*d - '0');
		if (d == c + 4 || d - (c + 4) > 5)
			continue;
		struct vc_regs *r = &regs[n];

		memset(r, 0, sizeof(*r));
		r->cpu = (int)idx;
		r->cpl = r->hlt = -1;
		parse_block(d, next, r);
		if (r->have_rip)
			n++;
	}
	return n;
}

int vc_parse_x(const char *text, uint64_t addr, int width, uint64_t *vals,
	       int max)
{
	const char *p = text, *e = text + strlen(text);
	int n = 0;

	if (width != 1 && width != 8)
		return 0;
	while (p < e && n < max) {
		const char *eol = memchr(p, '\n', e - p);
		uint64_t a, v;
		const char *q;

		if (!eol)
			eol = e;
		q = gethex(p, eol, &a);
		if (!q || q >= eol || *q != ':' ||
		    a != addr + (uint64_t)n * (uint64_t)width)
			break;	/* also "ADDR: Cannot access memory" */
		q++;
		for (;;) {
			while (q < eol && *q == ' ')
				q++;
			if (eol - q < 3 || q[0] != '0' || q[1] != 'x')
				break;
			q = gethex(q + 2, eol, &v);
			if (!q || n >= max)
				break;
			if (width == 1 && v > 0xff)
				return n;
			vals[n++] = v;
		}
		p = eol + 1;
	}
	return n;
}
