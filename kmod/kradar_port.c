// SPDX-License-Identifier: GPL-2.0
/*
 * kradar transport: the module writes its stream to a virtio console port
 * itself, with no helper in guest userspace.
 *
 * A plain virtserialport (/dev/vportNpM) only accepts writes from user
 * memory (port_fops_write() copies from user and the driver has no
 * write_iter), so a module cannot write to it. A console-type port
 * (QEMU: -device virtconsole,name=org.kradar.0) is also a named port on
 * the virtio-serial bus, and its hvc tty can be opened inside the kernel
 * with tty_kopen_exclusive() and written through tty->ops->write(), which
 * takes kernel buffers: that is what kradar does, as speakup does for its
 * serial synthesizers.
 *
 * The port is looked up by name in /sys/class/virtio-ports/ (so a missing
 * port is reported as such) and the tty given by the tty= parameter is
 * opened; until both exist the sampler keeps counting and retries about
 * once a second. All of this runs in the sampler thread only.
 *
 * Cost and limits: hvc_write() copies into the hvc buffer and kicks the
 * virtqueue; QEMU drops console data it cannot pass to a disconnected or
 * full chardev rather than block the guest, so loss on the host side
 * shows up as sequence gaps there, never as a stalled guest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "kradar.h"
#include "compat/tty.h"

#define KRADAR_VPORT_DEVS	4	/* virtio-serial devices scanned */
#define KRADAR_VPORT_PORTS	32	/* ports per device scanned */

static const char *kradar_port_name;
static const char *kradar_tty_path;
static struct tty_struct *kradar_tty;
static enum kradar_port_state kradar_state = KRADAR_PORT_ABSENT;
static int kradar_reported = -1;	/* state last told to the log */
static int kradar_last_err;

const char *kradar_port_state_name(enum kradar_port_state s)
{
	switch (s) {
	case KRADAR_PORT_ABSENT:
		return "absent";
	case KRADAR_PORT_BUSY:
		return "busy";
	case KRADAR_PORT_OPEN:
		return "open";
	case KRADAR_PORT_ERROR:
		return "error";
	}
	return "?";
}

enum kradar_port_state kradar_port_state(void)
{
	return kradar_state;
}

/* Is there a virtio port called @name? Reads its sysfs name attribute. */
static bool kradar_vport_present(const char *name)
{
	char path[64], buf[KRADAR_NAME_LEN];
	size_t len = strlen(name);
	int d, p;

	for (d = 0; d < KRADAR_VPORT_DEVS; d++) {
		for (p = 0; p < KRADAR_VPORT_PORTS; p++) {
			struct file *f;
			loff_t pos = 0;
			ssize_t n;

			snprintf(path, sizeof(path),
				 "/sys/class/virtio-ports/vport%dp%d/name", d, p);
			f = filp_open(path, O_RDONLY, 0);
			if (IS_ERR(f)) {
				if (p == 0)
					break;	/* no such device */
				continue;
			}
			n = kernel_read(f, buf, sizeof(buf) - 1, &pos);
			filp_close(f, NULL);
			if (n <= 0)
				continue;
			buf[n] = '\0';
			if (!strncmp(buf, name, len) &&
			    (buf[len] == '\n' || buf[len] == '\0'))
				return true;
		}
	}
	return false;
}

static int kradar_tty_devt(const char *path, dev_t *dev)
{
	struct path p;
	int err;

	err = kern_path(path, LOOKUP_FOLLOW, &p);
	if (err)
		return err;
	if (!S_ISCHR(d_inode(p.dentry)->i_mode))
		err = -ENOTTY;
	else
		*dev = d_inode(p.dentry)->i_rdev;
	path_put(&p);
	return err;
}

static void kradar_set_state(enum kradar_port_state s, int err)
{
	kradar_state = s;
	kradar_last_err = err;
	if ((int)s == kradar_reported)
		return;
	kradar_reported = s;
	switch (s) {
	case KRADAR_PORT_ABSENT:
		pr_info("no virtio port named '%s' (yet): counting, and sending once it appears; start QEMU with -device virtio-serial-pci -device virtconsole,chardev=ID,name=%s\n",
			kradar_port_name, kradar_port_name);
		break;
	case KRADAR_PORT_BUSY:
		pr_warn("port '%s' found but %s cannot be opened (%d): is a getty or console on it, or is it another port's tty? set tty=/dev/hvcN\n",
			kradar_port_name, kradar_tty_path, err);
		break;
	case KRADAR_PORT_OPEN:
		pr_info("streaming to port '%s' through %s\n",
			kradar_port_name, kradar_tty_path);
		break;
	case KRADAR_PORT_ERROR:
		pr_warn("write to %s failed (%d): closed, will reopen\n",
			kradar_tty_path, err);
		break;
	}
}

static void kradar_tty_close(void)
{
	struct tty_struct *tty = kradar_tty;

	if (!tty)
		return;
	kradar_tty = NULL;
	tty_lock(tty);
	if (tty->ops->close)
		tty->ops->close(tty, NULL);
	tty_unlock(tty);
	tty_kclose(tty);
}

/* Try to open the port; true when it is open. Sampler thread only. */
bool kradar_port_poll_open(void)
{
	struct tty_struct *tty;
	dev_t dev;
	int err;

	if (kradar_tty)
		return true;
	if (!kradar_vport_present(kradar_port_name)) {
		kradar_set_state(KRADAR_PORT_ABSENT, -ENOENT);
		return false;
	}
	err = kradar_tty_devt(kradar_tty_path, &dev);
	if (err) {
		kradar_set_state(KRADAR_PORT_BUSY, err);
		return false;
	}
	tty = kradar_tty_kopen(dev);
	if (IS_ERR(tty)) {
		kradar_set_state(KRADAR_PORT_BUSY, PTR_ERR(tty));
		return false;
	}
	err = tty->ops->open ? tty->ops->open(tty, NULL) : -ENODEV;
	if (err) {
		tty_unlock(tty);
		tty_kclose(tty);
		kradar_set_state(KRADAR_PORT_BUSY, err);
		return false;
	}
	clear_bit(TTY_HUPPED, &tty->flags);
	tty_unlock(tty);
	kradar_tty = tty;
	kradar_set_state(KRADAR_PORT_OPEN, 0);
	return true;
}

/* Write what the port accepts now; returns bytes taken or -errno. */
ssize_t kradar_port_write(const u8 *buf, size_t len)
{
	ssize_t n;

	if (!kradar_tty)
		return -ENOTCONN;
	n = kradar_tty_write(kradar_tty, buf, len);
	if (n < 0) {
		kradar_tty_close();
		kradar_set_state(KRADAR_PORT_ERROR, n);
	}
	return n;
}

int kradar_port_init(const char *name, const char *tty_path)
{
	kradar_port_name = name;
	kradar_tty_path = tty_path;
	return 0;
}

void kradar_port_exit(void)
{
	kradar_tty_close();
}
