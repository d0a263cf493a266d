/*
 * The architecture's part in the vDSO's getcpu (arch/x86_64/getcpu.c; the
 * data page and the modes are include/kernel/vdso.h).
 */
#ifndef ARCH_VDSO_H
#define ARCH_VDSO_H

#include <stdint.h>

/* How the vDSO reads the CPU on this machine (VDSO_GETCPU_*), and the
 * instruction's name for the boot log.  Once, on the boot CPU. */
uint32_t arch_vdso_getcpu_mode(const char **name);
/* Puts the running CPU's getcpu value (node << VDSO_CPUNODE_BITS | cpu)
 * where the vDSO reads it.  On that CPU, after arch_vdso_getcpu_mode. */
void arch_vdso_set_cpunode(int cpu, uint32_t value);

#endif
