// SPDX-License-Identifier: GPL-2.0
/*
 * QMP client of kradar-vcpus: a unix socket, one JSON object per line
 * (QEMU ends them with CRLF), and only what HMP passthrough needs:
 * the greeting, qmp_capabilities, human-monitor-command. Asynchronous
 * events may arrive between replies and are skipped. Every line is
 * bounded (VC_MAX_LINE) and parsed by a strict, depth-limited JSON
 * walker; nothing QEMU sends is trusted to be well formed.
 *
 * A transcript ("> request" and "< reply" lines, exactly as exchanged)
 * can be recorded, and replayed: each request is answered with the
 * reply recorded for the same command and cpu-index, in order.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "json_string.h"
#include "vcpus.h"

#define JSON_DEPTH 32

/* ---- JSON walker ---------------------------------------------------- */

static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

static int hex4(const char *p, const char *e, unsigned *v)
{
	*v = 0;
	if (e - p < 4)
		return -1;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		*v = *v << 4 | d;
	}
	return 0;
}

/*
 * Parse a string at p (which must point at '"'). Returns the pointer
 * after the closing quote, or NULL. With @out, the decoded string is
 * malloc'd there (a \u0000 becomes '?': the result is a C string).
 */
static const char *jstring(const char *p, const char *e, char **out)
{
	char *buf = NULL;
	size_t n = 0;

	if (p >= e || *p != '"')
		return NULL;
	p++;
	if (out) {
		/* decoded is never longer than the encoded text */
		buf = malloc((size_t)(e - p) + 1);
		if (!buf)
			return NULL;
	}
	while (p < e && *p != '"') {
		unsigned char c = *p++;
		unsigned u, lo;

		if (c < 0x20)
			goto bad;
		if (c != '\\') {
			if (buf)
				buf[n++] = c;
			continue;
		}
		if (p >= e)
			goto bad;
		c = *p++;
		switch (c) {
		case '"': case '\\': case '/':
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (hex4(p, e, &u))
				goto bad;
			p += 4;
			if (u >= 0xd800 && u < 0xdc00 && e - p >= 6 &&
			    p[0] == '\\' && p[1] == 'u' && !hex4(p + 2, e, &lo) &&
			    lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			} else if (u >= 0xd800 && u < 0xe000) {
				u = '?';
			}
			if (!buf)
				continue;
			if (u == 0) {
				buf[n++] = '?';
			} else if (u < 0x80) {
				buf[n++] = u;
			} else if (u < 0x800) {
				buf[n++] = 0xc0 | u >> 6;
				buf[n++] = 0x80 | (u & 0x3f);
			} else if (u < 0x10000) {
				buf[n++] = 0xe0 | u >> 12;
				buf[n++] = 0x80 | (u >> 6 & 0x3f);
				buf[n++] = 0x80 | (u & 0x3f);
			} else {
				buf[n++] = 0xf0 | u >> 18;
				buf[n++] = 0x80 | (u >> 12 & 0x3f);
				buf[n++] = 0x80 | (u >> 6 & 0x3f);
				buf[n++] = 0x80 | (u & 0x3f);
			}
			continue;
		default:
			goto bad;
		}
		if (buf)
			buf[n++] = c;
	}
	if (p >= e)
		goto bad;
	if (buf) {
		buf[n] = '\0';
		*out = buf;
	}
	return p + 1;
bad:
	free(buf);
	return NULL;
}

static const char *jvalue(const char *p, const char *e, int depth);

static const char *jnumber(const char *p, const char *e)
{
	const char *s = p;

	if (p < e && *p == '-')
		p++;
	while (p < e && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' ||
			 *p == 'E' || *p == '+' || *p == '-'))
		p++;
	return p > s && (p[-1] >= '0' && p[-1] <= '9') ? p : NULL;
}

static const char *jlit(const char *p, const char *e, const char *lit)
{
	size_t n = strlen(lit);

	return (size_t)(e - p) >= n && !memcmp(p, lit, n) ? p + n : NULL;
}

/* Skip one value; NULL when malformed or too deep. */
static const char *jvalue(const char *p, const char *e, int depth)
{
	if (depth > JSON_DEPTH)
		return NULL;
	p = ws(p, e);
	if (p >= e)
		return NULL;
	switch (*p) {
	case '"':
		return jstring(p, e, NULL);
	case '{':
	case '[': {
		char close = *p == '{' ? '}' : ']';
		bool obj = *p == '{';

		p = ws(p + 1, e);
		if (p < e && *p == close)
			return p + 1;
		for (;;) {
			if (obj) {
				p = jstring(ws(p, e), e, NULL);
				if (!p)
					return NULL;
				p = ws(p, e);
				if (p >= e || *p != ':')
					return NULL;
				p++;
			}
			p = jvalue(p, e, depth + 1);
			if (!p)
				return NULL;
			p = ws(p, e);
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == close)
				return p + 1;
			return NULL;
		}
	}
	case 't':
		return jlit(p, e, "true");
	case 'f':
		return jlit(p, e, "false");
	case 'n':
		return jlit(p, e, "null");
	default:
		return jnumber(p, e);
	}
}

/* Value of @key in the object at p (validated as a whole), or NULL. */
static const char *jget(const char *p, const char *e, const char *key)
{
	const char *found = NULL;

	p = ws(p, e);
	if (p >= e || *p != '{' || !jvalue(p, e, 1))
		return NULL;
	p = ws(p + 1, e);
	if (p < e && *p == '}')
		return NULL;
	for (;;) {
		char *k = NULL;
		const char *v;

		p = jstring(ws(p, e), e, &k);
		if (!p)
			return NULL;
		p = ws(p, e);
		if (p >= e || *p != ':') {
			free(k);
			return NULL;
		}
		v = ws(p + 1, e);
		if (!found && !strcmp(k, key))
			found = v;
		free(k);
		p = ws(jvalue(v, e, 2), e);
		if (!p || p >= e)
			return NULL;
		if (*p == '}')
			return found;
		if (*p != ',')
			return NULL;
		p++;
	}
}

static bool jint(const char *v, const char *e, long long *out)
{
	char tmp[32];
	const char *end;
	char *ep;

	if (!v)
		return false;
	end = jnumber(v, e);
	if (!end || end - v >= (long)sizeof(tmp))
		return false;
	memcpy(tmp, v, end - v);
	tmp[end - v] = '\0';
	errno = 0;
	*out = strtoll(tmp, &ep, 10);
	return !errno && *ep == '\0';
}

void vc_msg_free(struct vc_msg *m)
{
	if (!m)
		return;
	free(m->ret);
	free(m->error_desc);
	free(m->command_line);
	m->ret = m->error_desc = m->command_line = NULL;
}

int vc_msg_parse(const char *line, size_t len, struct vc_msg *m)
{
	const char *e = line + len, *v, *p;
	long long a, b, c;

	memset(m, 0, sizeof(*m));
	m->cpu_index = -1;
	p = ws(line, e);
	if (p >= e || *p != '{')
		return -EPROTO;
	v = jvalue(p, e, 0);
	if (!v || ws(v, e) != e)
		return -EPROTO;

	if ((v = jget(p, e, "return"))) {
		m->has_return = true;
		if (*v == '"') {
			if (!jstring(v, e, &m->ret))
				return -EPROTO;
			m->ret_is_string = true;
		}
	}
	if ((v = jget(p, e, "error"))) {
		const char *d = jget(v, e, "desc");

		m->has_error = true;
		if (d && *d == '"')
			jstring(d, e, &m->error_desc);
	}
	if (jget(p, e, "event"))
		m->has_event = true;
	if ((v = jget(p, e, "id")))
		m->has_id = jint(v, e, &m->id);
	if ((v = jget(p, e, "arguments"))) {
		const char *cl = jget(v, e, "command-line");
		const char *ci = jget(v, e, "cpu-index");

		if (cl && *cl == '"')
			jstring(cl, e, &m->command_line);
		if (ci && !jint(ci, e, &m->cpu_index))
			m->cpu_index = -1;
	}
	if ((v = jget(p, e, "QMP"))) {
		m->has_greeting = true;
		v = jget(v, e, "version");
		v = v ? jget(v, e, "qemu") : NULL;
		if (v && jint(jget(v, e, "major"), e, &a) &&
		    jint(jget(v, e, "minor"), e, &b) &&
		    jint(jget(v, e, "micro"), e, &c))
			snprintf(m->version, sizeof(m->version), "%lld.%lld.%lld",
				 a, b, c);
	}
	return 0;
}

/* ---- transport ------------------------------------------------------- */

struct replay_ent {
	char *cmd;
	long long cpu;
	char *reply;		/* the reply line */
	bool used;
};

struct vc_qmp {
	int fd;
	FILE *record;
	char *buf;		/* received, not yet consumed */
	char *line;		/* the last line read */
	size_t len, cap;
	long long next_id;
	char version[32];
	/* replay */
	struct replay_ent *ents;
	size_t nents;
	bool replay;
};

bool vc_qmp__is_replay(const struct vc_qmp *q)
{
	return q->replay;
}

const char *vc_qmp__version(const struct vc_qmp *q)
{
	return q->version;
}

void vc_qmp__free(struct vc_qmp *q)
{
	if (!q)
		return;
	if (q->fd >= 0)
		close(q->fd);
	for (size_t i = 0; i < q->nents; i++) {
		free(q->ents[i].cmd);
		free(q->ents[i].reply);
	}
	free(q->ents);
	free(q->line);
	free(q->buf);
	free(q);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void rec(struct vc_qmp *q, char dir, const char *line, size_t len)
{
	if (!q->record)
		return;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	fprintf(q->record, "%c %.*s\n", dir, (int)len, line);
	fflush(q->record);
}

/*
 * Next line from the socket into *line (NUL-terminated, without CRLF;
 * valid until the next call). 0, -ETIMEDOUT, -EPIPE (closed), -EMSGSIZE.
 */
static int read_line(struct vc_qmp *q, char **line, size_t *llen, int ms)
{
	long long end = now_ms() + ms;
	char *cur;

	free(q->line);
	q->line = NULL;
	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;

		if (nl) {
			size_t n = nl - q->buf;

			cur = malloc(n + 1);
			if (!cur)
				return -ENOMEM;
			memcpy(cur, q->buf, n);
			cur[n] = '\0';
			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			while (n && cur[n - 1] == '\r')
				cur[--n] = '\0';
			rec(q, '<', cur, n);
			q->line = cur;
			*line = cur;
			*llen = n;
			return 0;
		}
		if (q->len >= VC_MAX_LINE)
			return -EMSGSIZE;
		if (q->cap - q->len < 65536) {
			size_t ncap = q->cap ? q->cap * 2 : 131072;
			char *nb;

			if (ncap > VC_MAX_LINE + 65536)
				ncap = VC_MAX_LINE + 65536;
			nb = realloc(q->buf, ncap);
			if (!nb)
				return -ENOMEM;
			q->buf = nb;
			q->cap = ncap;
		}
		long long left = end - now_ms();
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };

		if (left <= 0)
			return -ETIMEDOUT;
		int r = poll(&pfd, 1, (int)left);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -errno : -ETIMEDOUT;
		ssize_t got = read(q->fd, q->buf + q->len, q->cap - q->len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got < 0 ? -errno : -EPIPE;
		q->len += got;
	}
}

/* Send one request and wait for its reply (events skipped). */
static int exchange(struct vc_qmp *q, const char *req, struct vc_msg *m)
{
	size_t n = strlen(req), off = 0;

	rec(q, '>', req, n);
	while (off < n) {
		ssize_t w = send(q->fd, req + off, n - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -EPIPE;
		off += w;
	}
	for (int skipped = 0; skipped < 1000; skipped++) {
		char *line;
		size_t len;
		int r = read_line(q, &line, &len, VC_REPLY_MS);

		if (r)
			return r;
		if (vc_msg_parse(line, len, m))
			return -EPROTO;
		if (m->has_event || m->has_greeting) {
			vc_msg_free(m);
			continue;
		}
		if (m->has_id && m->id != q->next_id - 1) {
			vc_msg_free(m);	/* a late reply to an earlier request */
			continue;
		}
		if (m->has_return || m->has_error)
			return 0;
		vc_msg_free(m);
		return -EPROTO;
	}
	return -EPROTO;
}

struct vc_qmp *vc_qmp__connect(const char *path, FILE *record, char *err,
			       size_t errlen)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct vc_qmp *q;
	struct vc_msg m;
	char *line;
	size_t len;
	char req[96];
	int r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "socket path too long: %s", path);
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sa.sun_path, path);
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->record = record;
	q->next_id = 1;
	q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (q->fd < 0 || connect(q->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		r = errno;
		snprintf(err, errlen, "cannot connect to QMP socket %s: %s", path,
			 strerror(r));
		goto err_out;
	}
	r = -read_line(q, &line, &len, VC_REPLY_MS);
	if (r) {
		snprintf(err, errlen, "no QMP greeting on %s: %s", path,
			 r == ETIMEDOUT ? "nothing within 10 s (another client connected?)" :
			 strerror(r));
		goto err_out;
	}
	if (vc_msg_parse(line, len, &m) || !m.has_greeting) {
		vc_msg_free(&m);
		r = EPROTO;
		snprintf(err, errlen, "%s does not speak QMP (first line is not a QMP greeting)",
			 path);
		goto err_out;
	}
	memcpy(q->version, m.version, sizeof(q->version));
	vc_msg_free(&m);
	snprintf(req, sizeof(req), "{\"execute\": \"qmp_capabilities\", \"id\": %lld}\n",
		 q->next_id++);
	r = -exchange(q, req, &m);
	if (!r && !m.has_return)
		r = EPROTO;
	vc_msg_free(&m);
	if (r) {
		snprintf(err, errlen, "QMP negotiation on %s failed: %s", path,
			 strerror(r));
		goto err_out;
	}
	return q;
err_out:
	vc_qmp__free(q);
	errno = r;
	return NULL;
}

static int hmp_replay(struct vc_qmp *q, const char *cmd, int cpu, char **out)
{
	for (size_t i = 0; i < q->nents; i++) {
		struct replay_ent *en = &q->ents[i];
		struct vc_msg m;
		int r;

		if (en->used || strcmp(en->cmd, cmd) || en->cpu != cpu)
			continue;
		en->used = true;
		if (!en->reply)
			return -ETIMEDOUT;	/* recorded without an answer */
		if (vc_msg_parse(en->reply, strlen(en->reply), &m))
			return -EPROTO;
		if (m.has_error) {
			*out = m.error_desc ? m.error_desc : strdup("error");
			m.error_desc = NULL;
			r = -EIO;
		} else if (m.ret_is_string) {
			*out = m.ret;
			m.ret = NULL;
			r = 0;
		} else {
			r = -EPROTO;
		}
		vc_msg_free(&m);
		return r;
	}
	return -ENOENT;
}

int vc_qmp__hmp(struct vc_qmp *q, const char *cmd, int cpu, char **out)
{
	struct vc_msg m;
	char *esc, *req;
	int r;

	*out = NULL;
	if (q->replay)
		return hmp_replay(q, cmd, cpu, out);
	esc = kradar_json_quote(cmd, strlen(cmd), 0);
	if (!esc)
		return -ENOMEM;
	if (cpu >= 0)
		r = asprintf(&req, "{\"execute\": \"human-monitor-command\", \"arguments\": "
			     "{\"command-line\": %s, \"cpu-index\": %d}, \"id\": %lld}\n",
			     esc, cpu, q->next_id++);
	else
		r = asprintf(&req, "{\"execute\": \"human-monitor-command\", \"arguments\": "
			     "{\"command-line\": %s}, \"id\": %lld}\n", esc,
			     q->next_id++);
	free(esc);
	if (r < 0)
		return -ENOMEM;
	r = exchange(q, req, &m);
	free(req);
	if (r)
		return r;
	if (m.has_error) {
		*out = m.error_desc ? m.error_desc : strdup("error");
		m.error_desc = NULL;
		r = -EIO;
	} else if (m.ret_is_string) {
		*out = m.ret;
		m.ret = NULL;
	} else {
		r = -EPROTO;
	}
	vc_msg_free(&m);
	return r;
}

struct vc_qmp *vc_qmp__replay(const char *path, char *err, size_t errlen)
{
	struct vc_qmp *q = calloc(1, sizeof(*q));
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, alloc = 0;
	ssize_t n;
	struct replay_ent *pending = NULL;
	int r = 0;

	if (!q || !f) {
		r = errno;
		snprintf(err, errlen, "cannot read transcript %s: %s", path, strerror(r));
		goto err_out;
	}
	q->fd = -1;
	q->replay = true;
	while ((n = getline(&line, &cap, f)) > 0) {
		struct vc_msg m;

		if ((size_t)n > VC_MAX_LINE + 3) {
			pending = NULL;
			continue;
		}
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n < 2 || (line[0] != '>' && line[0] != '<') || line[1] != ' ')
			continue;
		if (vc_msg_parse(line + 2, n - 2, &m)) {
			/* garbage received: it is the answer (a protocol error) */
			if (line[0] == '<' && pending && !pending->reply)
				pending->reply = strdup(line + 2);
			pending = NULL;
			continue;
		}
		if (line[0] == '<') {
			if (m.has_greeting)
				memcpy(q->version, m.version, sizeof(q->version));
			else if (pending && !m.has_event && !pending->reply)
				pending->reply = strdup(line + 2);
			if (!m.has_event)
				pending = NULL;
		} else if (m.command_line) {
			if (q->nents == alloc) {
				size_t na = alloc ? alloc * 2 : 64;
				struct replay_ent *ne;

				if (na > 1000000 ||
				    !(ne = realloc(q->ents, na * sizeof(*ne)))) {
					vc_msg_free(&m);
					r = ENOMEM;
					snprintf(err, errlen, "transcript %s: too many requests", path);
					goto err_out;
				}
				q->ents = ne;
				alloc = na;
			}
			pending = &q->ents[q->nents++];
			memset(pending, 0, sizeof(*pending));
			pending->cmd = m.command_line;
			pending->cpu = m.cpu_index;
			m.command_line = NULL;
		} else {
			pending = NULL;
		}
		vc_msg_free(&m);
	}
	free(line);
	fclose(f);
	if (!q->nents) {
		snprintf(err, errlen, "transcript %s has no human-monitor-command requests", path);
		vc_qmp__free(q);
		errno = EINVAL;
		return NULL;
	}
	return q;
err_out:
	free(line);
	if (f)
		fclose(f);
	vc_qmp__free(q);
	errno = r;
	return NULL;
}
