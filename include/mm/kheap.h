/* The kernel heap: kmalloc for objects of any size (kernel/mm/kheap.c). */
#ifndef MM_KHEAP_H
#define MM_KHEAP_H

#include <stddef.h>

/* Returns NULL when memory is exhausted; callers must handle it. */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *p);             /* kfree(NULL) is a no-op */
void kheap_init(void);

#endif
