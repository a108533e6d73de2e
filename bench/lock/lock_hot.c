// SPDX-License-Identifier: GPL-2.0
/*
 * kradar_probe_begin()/kradar_probe_end() as kmod/kradar_lock.c has them,
 * around kmod/kradar_lock_hot.h unchanged, compiled with the kernel's
 * optimisation flags against bench/shim (see bench/Makefile): once as
 * the cloud kernel's build, once with CONFIG_PREEMPT_RT, where
 * kmod/compat/locking.h also reads the waiter's task state.
 */
#include <string.h>
#include "lock_hot.h"

#ifdef CONFIG_PREEMPT_RT
#define LH(x)		x##_rt
#define LH_NAME		"rt"
#else
#define LH(x)		x##_cloud
#define LH_NAME		"cloud"
#endif /* CONFIG_PREEMPT_RT */

static struct kradar_wait LH(waits)[KRADAR_WAITS];
static atomic_t LH(homes)[KRADAR_WAITS];
static struct kradar_acq LH(acqs)[BIT(KRADAR_ACQ_BITS)];
static atomic64_t LH(untracked);

static noinline void LH(probe_begin)(void *data, void *lock,
				     unsigned int flags)
{
	kradar_lock_hot_begin(LH(waits), LH(homes), &LH(untracked), current,
			      lock, flags);
}

static noinline void LH(probe_end)(void *data, void *lock, int ret)
{
	kradar_lock_hot_end(LH(waits), LH(homes), LH(acqs), current, lock,
			    ret);
}

static void LH(reset)(void)
{
	memset(LH(waits), 0, sizeof(LH(waits)));
	memset(LH(homes), 0, sizeof(LH(homes)));
	memset(LH(acqs), 0, sizeof(LH(acqs)));
	LH(untracked).counter = 0;
}

const struct lock_variant LH(lock_variant) = {
	.name = LH_NAME,
	.begin = LH(probe_begin),
	.end = LH(probe_end),
	.waits = LH(waits),
	.homes = LH(homes),
	.acqs = LH(acqs),
	.untracked = &LH(untracked),
	.reset = LH(reset),
};
