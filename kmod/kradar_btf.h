/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar_btf.c: a struct member's offset from the running kernel's BTF,
 * in process context.
 */
#ifndef _KRADAR_BTF_H
#define _KRADAR_BTF_H

#include <linux/btf.h>
#include <linux/types.h>
#include <uapi/linux/btf.h>

struct file;

/*
 * One module's BTF, open: its split BTF whole, and of the vmlinux base
 * only the file, to read the names the module's types point at (string
 * offsets below the base's string size are the base's strings).
 */
struct kradar_btf {
	struct file *base;
	loff_t base_strs;	/* file offset of the base's strings */
	u32 base_str_len;
	u8 *data;
	size_t len;
	const u8 *types;
	u32 types_len;
	const char *strs;
	u32 str_len;
};

/* Open /sys/kernel/btf/@module and its vmlinux base; close in any case. */
int kradar_btf_open(struct kradar_btf *b, const char *module);
void kradar_btf_close(struct kradar_btf *b);
/* The struct called @name, or NULL. */
const struct btf_type *kradar_btf_struct(struct kradar_btf *b,
					 const char *name);
/* Byte offset of member @name of @t with @size bytes inside @t. */
int kradar_btf_member(struct kradar_btf *b, const struct btf_type *t,
		      const char *name, size_t size, u32 *off);

#endif /* _KRADAR_BTF_H */
