/* Routines GCC may call in freestanding code, normally found in libgcc
 * (kernel/lib/builtins.c).  Declared for the definitions' sake: the compiler
 * emits the calls itself. */
#ifndef LIB_BUILTINS_H
#define LIB_BUILTINS_H

#include <stdint.h>

int __popcountdi2(uint64_t x);

#endif
