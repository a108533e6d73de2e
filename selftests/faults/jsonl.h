/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal JSON reader for the fault-injection test: parses one line of
 * events.jsonl into a tree. Strict enough to reject a malformed line
 * (which the test reports as a collector bug), small enough to read.
 */
#ifndef KRADAR_FAULTS_JSONL_H
#define KRADAR_FAULTS_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type t;
	char *s;		/* JV_STR: unescaped UTF-8; JV_NUM: the text */
	bool b;
	size_t n;		/* JV_ARR, JV_OBJ: members */
	char **keys;		/* JV_OBJ */
	struct jv *items;	/* JV_ARR, JV_OBJ */
};

/* NULL (and errno EINVAL) when text is not one JSON value. */
struct jv *jv_parse(const char *text);
void jv_free(struct jv *v);

/* Member of an object, or NULL. */
const struct jv *jv_get(const struct jv *obj, const char *key);
/* Member as a string / unsigned number ("0x..." strings read as hex);
 * false when absent or of another type. */
bool jv_str(const struct jv *obj, const char *key, const char **out);
bool jv_u64(const struct jv *obj, const char *key, uint64_t *out);

#endif /* KRADAR_FAULTS_JSONL_H */
