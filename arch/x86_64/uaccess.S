/*
 * The user-memory copy primitive.  A fault on the marked instructions is
 * first offered to the VM system (demand paging, copy-on-write); if it
 * cannot be resolved the trap handler resumes at uaccess_fixup, which makes
 * the copy return -EFAULT (-14) instead of crashing the kernel.
 *
 * long uaccess_copy(void *dst, const void *src, size_t n)  -> 0 or -EFAULT
 * long uaccess_zero(void *dst, size_t n)                   -> 0 or -EFAULT
 * long uaccess_strnlen(const char *s, size_t max)          -> length (max if no NUL) or -EFAULT
 */
    .text
    .global uaccess_copy, uaccess_zero, uaccess_strnlen, uaccess_start, uaccess_end, uaccess_fixup
uaccess_copy:
    movq %rdx, %rcx
uaccess_start:
    rep movsb
    xorl %eax, %eax
    ret
uaccess_zero_body:
    rep stosb
    xorl %eax, %eax
    ret
uaccess_strnlen_body:
    xorl %eax, %eax
1:  cmpq %rsi, %rax
    je 2f
    cmpb $0, (%rdi, %rax)
    je 2f
    incq %rax
    jmp 1b
2:  ret
uaccess_end:
uaccess_fixup:
    movq $-14, %rax
    ret

uaccess_zero:
    movq %rsi, %rcx
    xorl %eax, %eax
    jmp uaccess_zero_body

uaccess_strnlen:
    jmp uaccess_strnlen_body

    .section .note.GNU-stack, "", @progbits
