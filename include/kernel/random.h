/*
 * The kernel's random numbers (kernel/random.c): a ChaCha20 generator
 * seeded from the CPU's RDSEED/RDRAND, for ASLR, AT_RANDOM, getrandom(2),
 * /dev/random and /dev/urandom.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <kernel/kernel.h>

/* Seeds the generator (boot, once the CPU's features can be asked). */
void random_init(void);
/* n random bytes into a kernel buffer; a random 64-bit value. */
void random_bytes(void *buf, size_t n);
uint64_t random_u64(void);
/* Fills len bytes of user memory (at most MAX_RW_COUNT): the count, the
 * bytes copied before a fault, or -EFAULT if none were. */
long random_to_user(void __user *buf, size_t len);
/* getrandom(2): Linux's flag checks, then random_to_user (never blocks:
 * the generator is seeded before any program runs). */
long random_getrandom(void __user *buf, size_t len, unsigned flags);

#endif
