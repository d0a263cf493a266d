/*
 * The user-memory copy primitives.  A fault on any instruction between
 * uaccess_start and uaccess_end is first offered to the VM system (demand
 * paging, copy-on-write); if it cannot be resolved the trap handler resumes
 * at uaccess_fixup, which makes the primitive return -EFAULT (-14) instead
 * of crashing the kernel.  Bulk work moves 8 bytes per iteration.
 *
 * long uaccess_copy(void *dst, const void *src, size_t n)  -> 0 or -EFAULT
 * long uaccess_zero(void *dst, size_t n)                   -> 0 or -EFAULT
 * long uaccess_strnlen(const char *s, size_t max)          -> length (max if no NUL) or -EFAULT
 * long uaccess_cmpxchg32(uint32_t *p, uint32_t old, uint32_t new, uint32_t *seen)
 *                                                          -> 0 or -EFAULT; *seen = the value found
 */
    .text
    .global uaccess_copy, uaccess_zero, uaccess_strnlen, uaccess_cmpxchg32, uaccess_start, uaccess_end, uaccess_fixup
uaccess_start:
uaccess_copy:
    movq %rdx, %rcx
    shrq $3, %rcx
    andl $7, %edx
    rep movsq
    movq %rdx, %rcx
    rep movsb
    xorl %eax, %eax
    ret

uaccess_zero:
    movq %rsi, %rcx
    shrq $3, %rcx
    andl $7, %esi
    xorl %eax, %eax
    rep stosq
    movq %rsi, %rcx
    rep stosb
    ret

uaccess_strnlen:
    xorl %eax, %eax
1:  cmpq %rsi, %rax
    je 2f
    cmpb $0, (%rdi, %rax)
    je 2f
    incq %rax
    jmp 1b
2:  ret

/* A locked compare-and-exchange on a user word (futexes): atomic against
 * the program's own atomic instructions on other CPUs. */
uaccess_cmpxchg32:
    movl %esi, %eax
    lock cmpxchgl %edx, (%rdi)
    movl %eax, (%rcx)
    xorl %eax, %eax
    ret
uaccess_end:

uaccess_fixup:
    movq $-14, %rax
    ret

    .section .note.GNU-stack, "", @progbits
