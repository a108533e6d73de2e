/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kradar's parameters: their defaults and ranges, one place for both
 * backends. kradar_probe.ko takes them as module parameters
 * (kmod/kradar_main.c), kradar-agent as NAME=VALUE arguments
 * (agent/kradar_agent.c); Documentation/probe.rst lists them.
 * Plain macros only: kernel and userspace builds include this.
 */
#ifndef _KRADAR_PARAMS_H
#define _KRADAR_PARAMS_H

#define KRADAR_PORT_DEFAULT	"org.kradar.0"
#define KRADAR_TTY_DEFAULT	"/dev/hvc0"
#define KRADAR_WINDOW_MS	100	/* ms */
#define KRADAR_WINDOW_MIN_MS	10	/* ms */
#define KRADAR_WINDOW_MAX_MS	10000	/* ms */
#define KRADAR_STORM_RATE	50000	/* callbacks/s on one CPU */
#define KRADAR_STORM_RATE_MIN	1000	/* callbacks/s */
#define KRADAR_STORM_WINDOWS	1	/* windows */
#define KRADAR_STORM_WINDOWS_MAX 100	/* windows */
#define KRADAR_STORM_END_MS	500	/* ms */
#define KRADAR_STORM_END_MAX_MS	60000	/* ms */
#define KRADAR_LATE_US		100	/* us */
#define KRADAR_LATE_MAX_US	1000000	/* us */
#define KRADAR_BUFFER_KB	256	/* KiB */
#define KRADAR_BUFFER_MIN_KB	16	/* KiB */
#define KRADAR_BUFFER_MAX_KB	65536	/* KiB */
#define KRADAR_HELLO_EVERY	50	/* windows */
#define KRADAR_HELLO_EVERY_MAX	100000	/* windows */
#define KRADAR_PORT_RETRY_MS	1000	/* ms */
#define KRADAR_QS_GAP_MS	300	/* ms */
#define KRADAR_QS_GAP_MIN_MS	10	/* ms */
#define KRADAR_QS_GAP_MAX_MS	600000	/* ms */
#define KRADAR_LOCK_WAIT_MS	1000	/* ms */
#define KRADAR_LOCK_WAIT_MIN_MS	10	/* ms */
#define KRADAR_LOCK_WAIT_MAX_MS	600000	/* ms */
#define KRADAR_HUNG_MS		5000	/* ms */
#define KRADAR_HUNG_MIN_MS	500	/* ms */
#define KRADAR_HUNG_MAX_MS	600000	/* ms */
#define KRADAR_STUCK_MS		1000	/* ms */
#define KRADAR_STUCK_MIN_MS	100	/* ms */
#define KRADAR_STUCK_MAX_MS	600000	/* ms */

#endif /* _KRADAR_PARAMS_H */
