// SPDX-License-Identifier: GPL-2.0
/*
 * kradar BTF reader: where a member lies in a struct of a kernel module,
 * read from the running kernel's own BTF, so that the probe never copies
 * a private kernel struct (kradar_vhost.c asks it where the mutex lies in
 * struct vhost_virtqueue and struct vhost_dev).
 *
 * How: /sys/kernel/btf/MODULE is split BTF on top of
 * /sys/kernel/btf/vmlinux. The module's file is read whole (at most
 * KRADAR_BTF_MAX bytes); of the vmlinux file only the header, and then
 * the few names the module's types point at, one read each. The types
 * are walked in order, sized by kind; a kind this parser does not know
 * ends the walk with nothing found, never a guess.
 *
 * Everything is checked against the sizes read (header, sections,
 * string offsets) before use. Process context only: it sleeps in file
 * reads and allocates the module's BTF with kvmalloc(); never called
 * from a probe.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kradar.h"
#include "kradar_btf.h"

#define KRADAR_BTF_MAX		(16 << 20)	/* bytes of module BTF read */
#define KRADAR_BTF_DIR		"/sys/kernel/btf"
#define KRADAR_BTF_VMLINUX	KRADAR_BTF_DIR "/vmlinux"
#define KRADAR_BTF_PATH		64	/* bytes of a module's BTF path */
/*
 * The header fields read here. struct btf_header grew a layout section
 * in 7.1 (32 bytes), but BTF without one keeps the 24-byte header: its
 * hdr_len says which, so only these fields are read and required.
 */
#define KRADAR_BTF_HDR		offsetofend(struct btf_header, str_len)

static ssize_t kradar_read_at(struct file *f, void *buf, size_t len,
			      loff_t pos)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = kernel_read(f, (u8 *)buf + done, len - done, &pos);

		if (n < 0)
			return n;
		if (!n)
			break;
		done += n;
	}
	return done;
}

static int kradar_btf_header(const struct btf_header *h, size_t len)
{
	if (len < KRADAR_BTF_HDR || h->magic != BTF_MAGIC ||
	    h->version != BTF_VERSION || h->hdr_len < KRADAR_BTF_HDR ||
	    h->hdr_len > len)
		return -EINVAL;
	if ((u64)h->type_off + h->type_len > len - h->hdr_len ||
	    (u64)h->str_off + h->str_len > len - h->hdr_len)
		return -EINVAL;
	return 0;
}

int kradar_btf_open(struct kradar_btf *b, const char *module)
{
	char path[KRADAR_BTF_PATH];
	struct btf_header h;
	struct file *f;
	loff_t size;
	ssize_t n;
	int err;

	memset(b, 0, sizeof(*b));
	f = filp_open(KRADAR_BTF_VMLINUX, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	b->base = f;
	size = i_size_read(file_inode(f));
	memset(&h, 0, sizeof(h));
	n = kradar_read_at(f, &h, KRADAR_BTF_HDR, 0);
	if (n != KRADAR_BTF_HDR || kradar_btf_header(&h, size))
		return n < 0 ? n : -EINVAL;
	b->base_strs = h.hdr_len + h.str_off;
	b->base_str_len = h.str_len;

	snprintf(path, sizeof(path), "%s/%s", KRADAR_BTF_DIR, module);
	f = filp_open(path, O_RDONLY, 0);
	if (IS_ERR(f))
		return PTR_ERR(f);
	size = i_size_read(file_inode(f));
	err = -EFBIG;
	if (size < KRADAR_BTF_HDR || size > KRADAR_BTF_MAX)
		goto out;
	err = -ENOMEM;
	b->data = kvmalloc(size, GFP_KERNEL);
	if (!b->data)
		goto out;
	n = kradar_read_at(f, b->data, size, 0);
	err = n < 0 ? n : -EIO;
	if (n != size)
		goto out;
	memcpy(&h, b->data, KRADAR_BTF_HDR);
	err = kradar_btf_header(&h, size);
	if (err)
		goto out;
	b->len = size;
	b->types = b->data + h.hdr_len + h.type_off;
	b->types_len = h.type_len;
	b->strs = (const char *)b->data + h.hdr_len + h.str_off;
	b->str_len = h.str_len;
out:
	filp_close(f, NULL);
	return err;
}

void kradar_btf_close(struct kradar_btf *b)
{
	if (!IS_ERR_OR_NULL(b->base))
		filp_close(b->base, NULL);
	kvfree(b->data);
	memset(b, 0, sizeof(*b));
}

/* Is string @off of the module's BTF (or its base's) @want? */
static bool kradar_btf_name_is(struct kradar_btf *b, u32 off,
			       const char *want)
{
	size_t wl = strlen(want) + 1;
	char buf[KRADAR_COMM_LEN * 2];

	if (off >= b->base_str_len) {
		off -= b->base_str_len;
		return off < b->str_len && b->str_len - off >= wl &&
		       !memcmp(b->strs + off, want, wl);
	}
	if (wl > sizeof(buf))
		return false;
	return kradar_read_at(b->base, buf, wl, b->base_strs + off) == wl &&
	       !memcmp(buf, want, wl);
}

/* Bytes after a struct btf_type of @kind with @vlen; < 0: unknown kind. */
static long kradar_btf_extra(u32 kind, u32 vlen)
{
	switch (kind) {
	case BTF_KIND_INT:
	case BTF_KIND_VAR:
	case 17:		/* BTF_KIND_DECL_TAG (5.16): struct btf_decl_tag */
		return 4;
	case BTF_KIND_ARRAY:
		return sizeof(struct btf_array);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return (long)vlen * sizeof(struct btf_member);
	case BTF_KIND_ENUM:
		return (long)vlen * sizeof(struct btf_enum);
	case BTF_KIND_FUNC_PROTO:
		return (long)vlen * sizeof(struct btf_param);
	case BTF_KIND_DATASEC:
		return (long)vlen * sizeof(struct btf_var_secinfo);
	case 19:		/* BTF_KIND_ENUM64 (6.0): struct btf_enum64 */
		return (long)vlen * 12;
	case BTF_KIND_PTR:
	case BTF_KIND_FWD:
	case BTF_KIND_TYPEDEF:
	case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST:
	case BTF_KIND_RESTRICT:
	case BTF_KIND_FUNC:
	case BTF_KIND_FLOAT:
	case 18:		/* BTF_KIND_TYPE_TAG (5.17) */
		return 0;
	default:
		return -1;
	}
}

const struct btf_type *kradar_btf_struct(struct kradar_btf *b,
					 const char *name)
{
	const u8 *p = b->types, *end = b->types + b->types_len;

	while (end - p >= (long)sizeof(struct btf_type)) {
		const struct btf_type *t = (const void *)p;
		u32 kind = BTF_INFO_KIND(t->info);
		long extra = kradar_btf_extra(kind, BTF_INFO_VLEN(t->info));

		p += sizeof(*t);
		if (extra < 0 || extra > end - p)
			return NULL;
		if (kind == BTF_KIND_STRUCT && t->name_off &&
		    kradar_btf_name_is(b, t->name_off, name))
			return t;
		p += extra;
	}
	return NULL;
}

/*
 * Byte offset of member @name of struct @t, when it starts on a byte and
 * @size bytes from there lie inside the struct.
 */
int kradar_btf_member(struct kradar_btf *b, const struct btf_type *t,
		      const char *name, size_t size, u32 *off)
{
	const struct btf_member *m = (const void *)(t + 1);
	u32 i, bits;

	for (i = 0; i < BTF_INFO_VLEN(t->info); i++, m++) {
		if (!m->name_off || !kradar_btf_name_is(b, m->name_off, name))
			continue;
		bits = BTF_INFO_KFLAG(t->info) ?
		       BTF_MEMBER_BIT_OFFSET(m->offset) : m->offset;
		if (bits % 8 || bits / 8 + size > t->size)
			return -EINVAL;
		*off = bits / 8;
		return 0;
	}
	return -ENOENT;
}
