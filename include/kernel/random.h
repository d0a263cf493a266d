/*
 * Random numbers for programs: random_to_user(), which getrandom(2) and
 * /dev/urandom and /dev/random share (kernel/syscall/sys_proc.c).  It
 * draws on kernel_random() (<proc/proc.h>, kernel/proc/exec.c), the
 * generator behind ASLR and AT_RANDOM.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <kernel/kernel.h>

/* Fills len bytes (at most 1 MiB are taken) of user memory: the count, or -EFAULT. */
long random_to_user(void __user *buf, size_t len);

#endif
