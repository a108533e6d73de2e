/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a kprobe at a function's entry can read of the call: its
 * arguments and its return address. regs_get_kernel_argument() exists on
 * x86 (4.20+), arm64, powerpc, s390, riscv and loongarch; the return
 * address is the word at the stack pointer on x86 and the link register
 * on arm64. Elsewhere both read as 0 and vhost awareness says so.
 */
#ifndef _KRADAR_COMPAT_KPROBES_H
#define _KRADAR_COMPAT_KPROBES_H

#include <linux/kprobes.h>
#include <linux/ptrace.h>

#if defined(CONFIG_X86_64) || defined(CONFIG_ARM64)
#define KRADAR_HAVE_KPROBE_ARGS 1

static inline unsigned long kradar_kprobe_arg(struct pt_regs *regs,
					      unsigned int n)
{
	return regs_get_kernel_argument(regs, n);
}

static inline unsigned long kradar_kprobe_caller(struct pt_regs *regs)
{
#ifdef CONFIG_X86_64
	return regs_get_kernel_stack_nth(regs, 0);
#else
	return procedure_link_pointer(regs);
#endif /* CONFIG_X86_64 */
}
#else
#define KRADAR_HAVE_KPROBE_ARGS 0

static inline unsigned long kradar_kprobe_arg(struct pt_regs *regs,
					      unsigned int n)
{
	return 0;
}

static inline unsigned long kradar_kprobe_caller(struct pt_regs *regs)
{
	return 0;
}
#endif /* CONFIG_X86_64 || CONFIG_ARM64 */

#endif /* _KRADAR_COMPAT_KPROBES_H */
