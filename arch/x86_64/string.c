/*
 * The bulk memory operations of include/lib/string.h on x86-64: `rep movs`
 * and `rep stos`, which modern CPUs (and QEMU's TCG) execute fast.  They
 * must be correct for overlapping and unaligned arguments, since GCC may
 * emit calls to them on its own.
 */
#include <lib/string.h>
#include <stdint.h>

/* Bulk copies move 8 bytes per iteration: under QEMU's TCG (and with
 * -icount) every iteration of a rep-prefixed instruction costs about as much
 * as an instruction, so movsq/stosq are eight times cheaper than the byte
 * forms for page-sized work. */
void *memcpy(void *dst, const void *src, size_t n)
{
    void *d = dst;
    size_t q = n >> 3, r = n & 7;
    __asm__ volatile("rep movsq\n\t"
                     "movq %3, %%rcx\n\t"
                     "rep movsb"
                     : "+D"(d), "+S"(src), "+c"(q)
                     : "r"(r)
                     : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        return memcpy(dst, src, n);
    /* overlapping with dst above src: copy backwards */
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

void *memset(void *dst, int c, size_t n)
{
    void *d = dst;
    uint64_t v = (uint8_t)c * 0x0101010101010101ULL;
    size_t q = n >> 3, r = n & 7;
    __asm__ volatile("rep stosq\n\t"
                     "movq %3, %%rcx\n\t"
                     "rep stosb"
                     : "+D"(d), "+c"(q)
                     : "a"(v), "r"(r)
                     : "memory");
    return dst;
}
