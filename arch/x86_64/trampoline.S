/*
 * Application-processor start-up code.  smp_boot_aps() copies this block to
 * physical 0x8000 and sends INIT-SIPI-SIPI; each AP starts here in real mode
 * at 0x0800:0000, climbs through protected mode to long mode using the boot
 * page tables (which still identity-map low memory), and jumps to ap_entry
 * in the higher half with the stack the boot CPU left in tramp_stack.
 * Everything is addressed relative to the block's load address.
 */
#include <arch/entry.h>

#define OFF(x) ((x) - trampoline_start + TRAMP_BASE)

    .section .rodata
    .code16
    .global trampoline_start, trampoline_end, tramp_stack, tramp_entry, tramp_cr3
    .balign 16
trampoline_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    lgdtl OFF(tramp_gdtr)
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $0x18, $OFF(tramp32)

    .code32
tramp32:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl %cr4, %eax
    orl $((1 << 5) | (1 << 7) | (1 << 9) | (1 << 10)), %eax
    movl %eax, %cr4
    movl OFF(tramp_cr3), %eax
    movl %eax, %cr3
    movl $0xc0000080, %ecx
    rdmsr
    orl $((1 << 8) | (1 << 11) | (1 << 0)), %eax
    wrmsr
    movl %cr0, %eax
    orl $((1 << 31) | (1 << 16) | (1 << 1) | (1 << 5)), %eax
    andl $~(1 << 2), %eax
    movl %eax, %cr0
    ljmpl $0x08, $OFF(tramp64)

    .code64
tramp64:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movq OFF(tramp_stack), %rsp
    xorq %rbp, %rbp
    movq OFF(tramp_entry), %rax
    jmp *%rax

    .balign 16
tramp_gdt:
    .quad 0
    .quad 0x00af9a000000ffff      /* 0x08: 64-bit code */
    .quad 0x00cf92000000ffff      /* 0x10: data */
    .quad 0x00cf9a000000ffff      /* 0x18: 32-bit code */
tramp_gdtr:
    .word 31
    .long OFF(tramp_gdt)
    .balign 8
tramp_stack: .quad 0
tramp_entry: .quad 0
tramp_cr3:   .quad 0
trampoline_end:

    .section .note.GNU-stack, "", @progbits
