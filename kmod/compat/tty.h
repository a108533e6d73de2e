/* SPDX-License-Identifier: GPL-2.0 */
/*
 * In-kernel use of a tty: kradar writes its stream to the hvc tty of a
 * virtio console port without a struct file, as speakup does with
 * tty_kopen_exclusive() (since 5.1; before that only tty_kopen()).
 * tty_operations.write changed its types in 6.6 (int count -> size_t,
 * int -> ssize_t return); the wrapper hides that, telling which one the
 * tree has by the type of the field itself.
 */
#ifndef _KRADAR_COMPAT_TTY_H
#define _KRADAR_COMPAT_TTY_H

#include <linux/limits.h>
#include <linux/tty.h>
#include <linux/tty_driver.h>

#define KRADAR_TTY_WRITE_SIZE_T						\
	__builtin_types_compatible_p(					\
		typeof(((const struct tty_operations *)0)->write),		\
		ssize_t (*)(struct tty_struct *, const u8 *, size_t))

static inline struct tty_struct *kradar_tty_kopen(dev_t dev)
{
	return tty_kopen_exclusive(dev);
}

static inline ssize_t kradar_tty_write(struct tty_struct *tty,
				       const u8 *buf, size_t len)
{
	/* before 6.6 the count is an int */
	if (!KRADAR_TTY_WRITE_SIZE_T && len > INT_MAX)
		len = INT_MAX;
	return tty->ops->write(tty, buf, len);
}

#endif /* _KRADAR_COMPAT_TTY_H */
