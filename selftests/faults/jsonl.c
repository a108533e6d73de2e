// SPDX-License-Identifier: GPL-2.0
/* Minimal JSON reader, see jsonl.h. Recursion is bounded by JV_MAX_DEPTH. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "jsonl.h"

#pragma GCC poison u8 u16 u32 u64

#define JV_MAX_DEPTH 32

struct rd {
	const char *p;
};

static void ws(struct rd *r)
{
	while (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')
		r->p++;
}

static char *parse_string(struct rd *r)
{
	size_t cap = strlen(r->p) + 1, n = 0;
	char *out = malloc(cap);

	if (!out || *r->p != '"')
		goto fail;
	r->p++;
	while (*r->p != '"') {
		unsigned char c = (unsigned char)*r->p;

		if (!c || c < 0x20)
			goto fail;
		if (c != '\\') {
			out[n++] = (char)c;
			r->p++;
			continue;
		}
		r->p++;
		switch (*r->p) {
		case '"': out[n++] = '"'; break;
		case '\\': out[n++] = '\\'; break;
		case '/': out[n++] = '/'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'n': out[n++] = '\n'; break;
		case 'r': out[n++] = '\r'; break;
		case 't': out[n++] = '\t'; break;
		case 'u': {
			unsigned int cp = 0;

			for (int i = 1; i <= 4; i++) {
				int h = kradar_hexval(r->p[i]);

				if (h < 0)
					goto fail;
				cp = cp << 4 | (unsigned int)h;
			}
			r->p += 4;
			/* \u escapes are at most 6 bytes of input, <= 3 of output */
			if (cp < 0x80) {
				out[n++] = (char)cp;
			} else if (cp < 0x800) {
				out[n++] = (char)(0xc0 | cp >> 6);
				out[n++] = (char)(0x80 | (cp & 0x3f));
			} else {
				out[n++] = (char)(0xe0 | cp >> 12);
				out[n++] = (char)(0x80 | ((cp >> 6) & 0x3f));
				out[n++] = (char)(0x80 | (cp & 0x3f));
			}
			break;
		}
		default:
			goto fail;
		}
		r->p++;
	}
	r->p++;
	out[n] = '\0';
	return out;
fail:
	free(out);
	return NULL;
}

static int parse_value(struct rd *r, struct jv *v, int depth);

static int add_item(struct jv *v, char *key, struct rd *r, int depth)
{
	struct jv *items = realloc(v->items, (v->n + 1) * sizeof(*items));
	char **keys = v->keys;

	if (!items)
		return -1;
	v->items = items;
	if (v->t == JV_OBJ) {
		keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));
		if (!keys)
			return -1;
		v->keys = keys;
		keys[v->n] = key;
	}
	memset(&items[v->n], 0, sizeof(items[0]));
	v->n++;
	return parse_value(r, &items[v->n - 1], depth + 1);
}

static int parse_value(struct rd *r, struct jv *v, int depth)
{
	if (depth > JV_MAX_DEPTH)
		return -1;
	ws(r);
	switch (*r->p) {
	case '{':
	case '[': {
		char close = *r->p == '{' ? '}' : ']';

		v->t = *r->p == '{' ? JV_OBJ : JV_ARR;
		r->p++;
		ws(r);
		if (*r->p == close) {
			r->p++;
			return 0;
		}
		for (;;) {
			char *key = NULL;

			ws(r);
			if (v->t == JV_OBJ) {
				key = parse_string(r);
				if (!key)
					return -1;
				ws(r);
				if (*r->p != ':') {
					free(key);
					return -1;
				}
				r->p++;
			}
			if (add_item(v, key, r, depth)) {
				if (v->t == JV_OBJ && (!v->keys || v->keys[v->n - 1] != key))
					free(key);
				return -1;
			}
			ws(r);
			if (*r->p == ',') {
				r->p++;
				continue;
			}
			if (*r->p == close) {
				r->p++;
				return 0;
			}
			return -1;
		}
	}
	case '"':
		v->t = JV_STR;
		v->s = parse_string(r);
		return v->s ? 0 : -1;
	case 't':
	case 'f':
	case 'n': {
		static const struct { const char *w; enum jv_type t; bool b; } lit[] = {
			{ "true", JV_BOOL, true }, { "false", JV_BOOL, false },
			{ "null", JV_NULL, false },
		};

		for (size_t i = 0; i < 3; i++) {
			size_t l = strlen(lit[i].w);

			if (!strncmp(r->p, lit[i].w, l)) {
				v->t = lit[i].t;
				v->b = lit[i].b;
				r->p += l;
				return 0;
			}
		}
		return -1;
	}
	default: {
		const char *s = r->p;

		if (*r->p == '-')
			r->p++;
		if (*r->p < '0' || *r->p > '9')
			return -1;
		while ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' ||
		       *r->p == 'e' || *r->p == 'E' || *r->p == '+' ||
		       *r->p == '-')
			r->p++;
		v->t = JV_NUM;
		v->s = strndup(s, r->p - s);
		return v->s ? 0 : -1;
	}
	}
}

static void jv_clear(struct jv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		jv_clear(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->s);
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	jv_clear(v);
	free(v);
}

struct jv *jv_parse(const char *text)
{
	struct rd r = { text };
	struct jv *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	if (parse_value(&r, v, 0) == 0) {
		ws(&r);
		if (!*r.p)
			return v;
	}
	jv_free(v);
	errno = EINVAL;
	return NULL;
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	if (!obj || obj->t != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

bool jv_str(const struct jv *obj, const char *key, const char **out)
{
	const struct jv *v = jv_get(obj, key);

	if (!v || v->t != JV_STR)
		return false;
	*out = v->s;
	return true;
}

bool jv_u64(const struct jv *obj, const char *key, uint64_t *out)
{
	const struct jv *v = jv_get(obj, key);
	char *end;

	if (!v)
		return false;
	if (v->t == JV_STR && !strncmp(v->s, "0x", 2)) {
		errno = 0;
		*out = strtoull(v->s + 2, &end, 16);
		return !errno && end != v->s + 2 && !*end;
	}
	/* beyond 2^53 kradar-collect writes an integer as a string */
	if ((v->t != JV_NUM && v->t != JV_STR) || v->s[0] == '-' ||
	    (v->t == JV_STR && (v->s[0] < '0' || v->s[0] > '9')))
		return false;
	errno = 0;
	*out = strtoull(v->s, &end, 10);
	return !errno && !*end;
}
