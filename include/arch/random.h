/*
 * The CPU's hardware random generator, for the kernel's generator
 * (kernel/random.c) to seed and reseed from (arch/x86_64/random.c: RDSEED,
 * else RDRAND).
 */
#ifndef ARCH_RANDOM_H
#define ARCH_RANDOM_H

#include <stdbool.h>
#include <stdint.h>

/* Finds the generator; returns what the seed will come from, for the boot
 * log (a weak source is named as weak).  Once, at boot. */
const char *arch_random_init(void);
/* 64 bits from the generator, or false when there is none or it ran dry
 * (the caller falls back on arch_cycles). */
bool arch_random_hw(uint64_t *v);

#endif
