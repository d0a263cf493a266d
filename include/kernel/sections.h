/*
 * Symbols that the link defines rather than C: bounds the linker script
 * (arch/x86_64/link.ld) places, and the symbol table tools/gen-ksyms.sh
 * generates for symbolized backtraces (sorted by address).
 */
#ifndef KERNEL_SECTIONS_H
#define KERNEL_SECTIONS_H

#include <stdint.h>

extern char __boot_start[], __kernel_end[];   /* the image, boot code first */

extern const uint64_t ksyms_count;
extern const uint64_t ksyms_addrs[];          /* ksyms_count addresses, ascending */
extern const char ksyms_names[];              /* as many NUL-terminated names, in order */

#endif
