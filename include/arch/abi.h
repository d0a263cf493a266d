/*
 * What the architecture tells programs about itself: the ELF machine
 * number exec accepts, the platform name (uname's machine, AT_PLATFORM),
 * the hardware capabilities in the auxiliary vector.
 */
#ifndef ARCH_ABI_H
#define ARCH_ABI_H

#include <stdint.h>

#define ARCH_ELF_MACHINE 62             /* EM_X86_64 */
#define ARCH_PLATFORM "x86_64"

/* AT_HWCAP: on x86-64, CPUID leaf 1's EDX, as Linux gives it
 * (arch/x86_64/cpuinfo.c). */
uint64_t arch_elf_hwcap(void);

#endif
